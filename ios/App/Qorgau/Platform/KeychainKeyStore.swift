// Compiled only on Apple platforms (Security, CryptoKit). Not built on Linux: see ios/README.md
// ("checked by reading only").
#if canImport(Security) && canImport(CryptoKit)
import CryptoKit
import Foundation
import Security
import QorgauFFI

/// How the key that wraps the device secrets is protected on this phone.
enum DeviceKeyProtection: String, Sendable {
    /// The wrapping key exists outside the enclave only encrypted (ECIES) to a P-256 private key
    /// generated inside the Secure Enclave, which never leaves it.
    case secureEnclave
    /// No Secure Enclave (simulator, old devices): the wrapping key is a Keychain item.
    case keychain
}

/// The iOS `PlatformKeyStore`. The device secrets of the Rust store (data key, signing key) are
/// wrapped with AES-256-GCM under a random 256-bit wrapping key; the core keeps only that
/// wrapped blob (in its database, written once when the store is created).
///
/// The wrapping key itself:
/// - **Secure Enclave** (every device that has one): a P-256 private key is generated inside the
///   Secure Enclave (`kSecAttrTokenIDSecureEnclave`, permanent, access control
///   `.privateKeyUsage` with `kSecAttrAccessibleWhenUnlockedThisDeviceOnly`). The wrapping key is
///   kept only encrypted to it with `SecKeyCreateEncryptedData`
///   (`.eciesEncryptionCofactorVariableIVX963SHA256AESGCM`), as a Keychain item of its own, and
///   decrypted by the enclave (`SecKeyCreateDecryptedData`) each time the store opens. So the
///   device secrets open only on this phone, while it is unlocked, through its enclave.
/// - **Keychain** fallback, only where no enclave exists (`SecureEnclave.isAvailable` false:
///   the simulator, devices without one): the wrapping key is a generic-password Keychain item,
///   `kSecAttrAccessibleWhenUnlockedThisDeviceOnly`, not synchronisable (the format before the
///   enclave wrapping).
///
/// Migration: a store made before the enclave wrapping has its wrapping key as a plain Keychain
/// item. When it is opened on a device with an enclave, the key is wrapped through the enclave,
/// the new item is written, read back from the Keychain and opened by the enclave, and compared
/// with the old key; only then is the old item deleted. Any failure on the way leaves the old
/// item in place (the store opens with it, and the migration is tried again at the next open):
/// the key is never lost. The blob in the core's database does not change (the same wrapping
/// key), so the core needs no re-wrap.
///
/// Wrapped format of the secrets: 1 version byte (1) || AES.GCM combined box (12-byte nonce,
/// ciphertext, 16-byte tag); the alias is authenticated as associated data. Bytes this key store
/// did not make (another device, a reset Keychain, a different alias, any change) fail and give
/// `KeyStoreError.WrongKey`, which the core reports as `QorgauError.WrongKey` and changes
/// nothing. A locked device gives `KeyStoreError.Unavailable` → `QorgauError.KeyStore`.
///
/// Which protection is in use is recorded (``protection``) after every wrap or unwrap, and
/// shown on the set-up and account screens.
final class KeychainKeyStore: PlatformKeyStore, @unchecked Sendable {
    private static let formatVersion: UInt8 = 1
    /// Format byte of the enclave-wrapped wrapping key.
    private static let enclaveFormat: UInt8 = 2
    private static let ecies: SecKeyAlgorithm = .eciesEncryptionCofactorVariableIVX963SHA256AESGCM
    private static let keyLength = 32

    private let service: String
    /// Keychain service of the enclave-wrapped wrapping keys (account = alias).
    private let enclaveService: String
    /// Whether this device has a Secure Enclave (the fallback is used only where it has none).
    let enclaveAvailable: Bool
    private let lock = NSLock() // serialises key creation and migration

    init(service: String = "kz.qorgau.device-key", enclaveAvailable: Bool = KeychainKeyStore.deviceHasSecureEnclave) {
        self.service = service
        self.enclaveService = service + ".enclave-wrapped"
        self.enclaveAvailable = enclaveAvailable
    }

    /// The simulator has no Secure Enclave (CryptoKit reports it too; said explicitly here).
    static var deviceHasSecureEnclave: Bool {
        #if targetEnvironment(simulator)
        return false
        #else
        return SecureEnclave.isAvailable
        #endif
    }

    // ---- what is in use ---------------------------------------------------------------------

    private var recordKey: String { "kz.qorgau.key-protection.\(service)" }

    /// The protection of the wrapping key as last used by this key store (nil before the store
    /// was first opened or created on this phone). Not a secret: kept in the app's defaults.
    var protection: DeviceKeyProtection? {
        UserDefaults.standard.string(forKey: recordKey).flatMap(DeviceKeyProtection.init(rawValue:))
    }

    private func record(_ p: DeviceKeyProtection) {
        UserDefaults.standard.set(p.rawValue, forKey: recordKey)
    }

    // ---- PlatformKeyStore -------------------------------------------------------------------

    func wrap(alias: String, secret: Data) throws -> Data {
        guard let key = try wrappingKey(alias: alias, createIfMissing: true) else {
            throw KeyStoreError.Unavailable(reason: "no wrapping key could be created")
        }
        do {
            let box = try AES.GCM.seal(secret, using: key, authenticating: Data(alias.utf8))
            guard let combined = box.combined else {
                throw KeyStoreError.Unavailable(reason: "AES-GCM gave no combined box")
            }
            return Data([Self.formatVersion]) + combined
        } catch let e as KeyStoreError {
            throw e
        } catch {
            throw KeyStoreError.Unavailable(reason: "AES-GCM seal failed: \(error)")
        }
    }

    func unwrap(alias: String, wrapped: Data) throws -> Data {
        // No key under this alias: the Keychain was reset or this is another device.
        guard let key = try wrappingKey(alias: alias, createIfMissing: false) else { throw KeyStoreError.WrongKey }
        guard wrapped.count > 1 + 12 + 16, wrapped.first == Self.formatVersion else { throw KeyStoreError.WrongKey }
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped.dropFirst())
            return try AES.GCM.open(box, using: key, authenticating: Data(alias.utf8))
        } catch {
            // An authentication failure, or a malformed box: not made by this key store.
            throw KeyStoreError.WrongKey
        }
    }

    // ---- the wrapping key -------------------------------------------------------------------

    /// The wrapping key for `alias`: the Keychain copy (migrated to the enclave wrapping where
    /// an enclave exists), else the enclave-wrapped one, else (when creating) a new one.
    private func wrappingKey(alias: String, createIfMissing: Bool) throws -> SymmetricKey? {
        lock.lock()
        defer { lock.unlock() }

        // 1. A wrapping key kept in the Keychain itself: a store made before the enclave
        //    wrapping, a migration that has not finished, or a device without an enclave.
        if let plain = try readItem(service: service, alias: alias) {
            guard plain.count == Self.keyLength else {
                throw KeyStoreError.Unavailable(reason: "Keychain item has an unexpected format")
            }
            if enclaveAvailable {
                do {
                    try migrateToEnclave(alias: alias, key: plain)
                    record(.secureEnclave)
                } catch {
                    // Nothing lost: the Keychain item is still there and is used; the migration
                    // runs again at the next open.
                    record(.keychain)
                }
            } else {
                record(.keychain)
            }
            return SymmetricKey(data: plain)
        }

        // 2. The enclave-wrapped wrapping key.
        if let sealed = try readItem(service: enclaveService, alias: alias) {
            let plain = try openWithEnclave(sealed, alias: alias)
            record(.secureEnclave)
            return SymmetricKey(data: plain)
        }

        guard createIfMissing else { return nil }

        // 3. A new store: a fresh wrapping key, through the enclave wherever there is one.
        let key = SymmetricKey(size: .bits256)
        let raw = key.withUnsafeBytes { Data($0) }
        if enclaveAvailable {
            try storeWithEnclave(alias: alias, key: raw)
            record(.secureEnclave)
        } else {
            try addItem(service: service, alias: alias, data: raw)
            record(.keychain)
        }
        return key
    }

    /// Wraps the Keychain-held `key` through the enclave: write the new item, read it back and
    /// open it with the enclave, and only then delete the old item.
    private func migrateToEnclave(alias: String, key plain: Data) throws {
        if let earlier = try readItem(service: enclaveService, alias: alias) {
            // An earlier migration stopped after writing: keep its item only if it opens to the
            // same key (then only the deletion of the old item was missing).
            let opened = try? openWithEnclave(earlier, alias: alias)
            if opened.map({ Self.constantTimeEqual($0, plain) }) != true {
                _ = deleteItem(service: enclaveService, alias: alias)
                try storeWithEnclave(alias: alias, key: plain)
            }
        } else {
            try storeWithEnclave(alias: alias, key: plain)
        }
        // The enclave wrapping opens to this very key: the Keychain copy can go.
        let status = deleteItem(service: service, alias: alias)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw KeyStoreError.Unavailable(reason: "could not delete the Keychain copy: OSStatus \(status)")
        }
    }

    /// Encrypts `key` to the enclave key's public half, adds the Keychain item, reads it back
    /// and opens it with the enclave. On any failure the new item is removed and this throws.
    private func storeWithEnclave(alias: String, key plain: Data) throws {
        guard let privateKey = try enclaveKey(alias: alias, create: true) else {
            throw KeyStoreError.Unavailable(reason: "no Secure Enclave key")
        }
        guard let publicKey = SecKeyCopyPublicKey(privateKey),
              SecKeyIsAlgorithmSupported(publicKey, .encrypt, Self.ecies) else {
            throw KeyStoreError.Unavailable(reason: "the Secure Enclave key does not support ECIES")
        }
        var cfError: Unmanaged<CFError>?
        guard let cipher = SecKeyCreateEncryptedData(publicKey, Self.ecies, (Self.header(alias) + plain) as CFData, &cfError) as Data? else {
            throw KeyStoreError.Unavailable(reason: "ECIES encryption failed: \(Self.describe(cfError))")
        }
        try addItem(service: enclaveService, alias: alias, data: Data([Self.enclaveFormat]) + cipher)
        // Only a wrap that reads back and opens counts.
        let readBack: Data?
        do {
            readBack = try readItem(service: enclaveService, alias: alias).map { try openWithEnclave($0, alias: alias) }
        } catch {
            _ = deleteItem(service: enclaveService, alias: alias)
            throw KeyStoreError.Unavailable(reason: "the enclave-wrapped key did not open: \(error)")
        }
        guard let readBack, Self.constantTimeEqual(readBack, plain) else {
            _ = deleteItem(service: enclaveService, alias: alias)
            throw KeyStoreError.Unavailable(reason: "the enclave-wrapped key did not read back")
        }
    }

    /// Opens an enclave-wrapped wrapping key. No enclave key (another device, a reset
    /// Keychain), a wrong format or a failed decryption → `WrongKey`; a locked device →
    /// `Unavailable`.
    private func openWithEnclave(_ sealed: Data, alias: String) throws -> Data {
        guard sealed.count > 1, sealed.first == Self.enclaveFormat else { throw KeyStoreError.WrongKey }
        guard let privateKey = try enclaveKey(alias: alias, create: false) else { throw KeyStoreError.WrongKey }
        var cfError: Unmanaged<CFError>?
        guard let plain = SecKeyCreateDecryptedData(privateKey, Self.ecies, Data(sealed.dropFirst()) as CFData, &cfError) as Data? else {
            let error = cfError?.takeRetainedValue()
            if let error, CFErrorGetCode(error) == CFIndex(errSecInteractionNotAllowed) {
                throw KeyStoreError.Unavailable(reason: "Secure Enclave key unavailable (device locked)")
            }
            throw KeyStoreError.WrongKey
        }
        let header = Self.header(alias)
        guard plain.count == header.count + Self.keyLength, plain.prefix(header.count) == header else {
            throw KeyStoreError.WrongKey
        }
        return Data(plain.suffix(Self.keyLength))
    }

    /// Binds the alias to the enclave-wrapped key (ECIES here has no associated data).
    private static func header(_ alias: String) -> Data {
        Data("qorgau wrapping key v2\u{0}\(alias)\u{0}".utf8)
    }

    // ---- the Secure Enclave key -------------------------------------------------------------

    private func enclaveTag(alias: String) -> Data { Data("\(service).enclave.\(alias)".utf8) }

    private func enclaveKeyQuery(alias: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassKey,
            kSecAttrKeyClass as String: kSecAttrKeyClassPrivate,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecAttrApplicationTag as String: enclaveTag(alias: alias),
        ]
    }

    /// The enclave's P-256 private key for `alias` (a reference: the key never leaves the
    /// enclave), created when asked and absent.
    private func enclaveKey(alias: String, create: Bool) throws -> SecKey? {
        var query = enclaveKeyQuery(alias: alias)
        query[kSecReturnRef as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let item, CFGetTypeID(item) == SecKeyGetTypeID() else {
                throw KeyStoreError.Unavailable(reason: "Secure Enclave item is not a key")
            }
            return (item as! SecKey)
        case errSecItemNotFound:
            break
        case errSecInteractionNotAllowed:
            throw KeyStoreError.Unavailable(reason: "Secure Enclave key unavailable (device locked)")
        default:
            throw KeyStoreError.Unavailable(reason: "Secure Enclave key read failed: OSStatus \(status)")
        }
        guard create else { return nil }

        var cfError: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(kCFAllocatorDefault, kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
                                                           .privateKeyUsage, &cfError) else {
            throw KeyStoreError.Unavailable(reason: "access control: \(Self.describe(cfError))")
        }
        let attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: enclaveTag(alias: alias),
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &cfError) else {
            throw KeyStoreError.Unavailable(reason: "Secure Enclave key creation failed: \(Self.describe(cfError))")
        }
        return key
    }

    // ---- Keychain items ---------------------------------------------------------------------

    private func itemQuery(service: String, alias: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: alias,
            kSecUseDataProtectionKeychain as String: true,
        ]
    }

    private func readItem(service: String, alias: String) throws -> Data? {
        var query = itemQuery(service: service, alias: alias)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let data = item as? Data else {
                throw KeyStoreError.Unavailable(reason: "Keychain item has an unexpected format")
            }
            return data
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            throw KeyStoreError.Unavailable(reason: "Keychain locked (device locked)")
        default:
            throw KeyStoreError.Unavailable(reason: "Keychain read failed: OSStatus \(status)")
        }
    }

    /// Adds an item; an item already there is an error (never overwritten here).
    private func addItem(service: String, alias: String, data: Data) throws {
        var attributes = itemQuery(service: service, alias: alias)
        attributes[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        attributes[kSecAttrSynchronizable as String] = false
        attributes[kSecValueData as String] = data
        let status = SecItemAdd(attributes as CFDictionary, nil)
        switch status {
        case errSecSuccess:
            return
        case errSecInteractionNotAllowed:
            throw KeyStoreError.Unavailable(reason: "Keychain locked (device locked)")
        default:
            throw KeyStoreError.Unavailable(reason: "Keychain write failed: OSStatus \(status)")
        }
    }

    private func deleteItem(service: String, alias: String) -> OSStatus {
        SecItemDelete(itemQuery(service: service, alias: alias) as CFDictionary)
    }

    private static func describe(_ error: Unmanaged<CFError>?) -> String {
        guard let error = error?.takeRetainedValue() else { return "unknown error" }
        let e = error as Error as NSError
        return "\(e.domain) \(e.code)"
    }

    private static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }

    /// Removes the keys (e.g. a device being decommissioned): the store can no longer be opened.
    func destroyKey(alias: String) {
        lock.lock()
        defer { lock.unlock() }
        _ = deleteItem(service: service, alias: alias)
        _ = deleteItem(service: enclaveService, alias: alias)
        SecItemDelete(enclaveKeyQuery(alias: alias) as CFDictionary)
        UserDefaults.standard.removeObject(forKey: recordKey)
    }
}
#endif
