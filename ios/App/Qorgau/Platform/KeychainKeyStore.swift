// Compiled only on Apple platforms (Security, CryptoKit). Not built on Linux: see ios/README.md.
#if canImport(Security) && canImport(CryptoKit)
import CryptoKit
import Foundation
import Security
import QorgauFFI

/// The iOS `PlatformKeyStore`: the device secrets of the Rust store (data key, signing key) are
/// wrapped with AES-256-GCM under a random 256-bit key that lives only in this device's Keychain
/// (`kSecAttrAccessibleWhenUnlockedThisDeviceOnly`: never in backups, never on another device,
/// unreadable while the device is locked).
///
/// Wrapped format: 1 version byte (1) || AES.GCM combined box (12-byte nonce, ciphertext, 16-byte
/// tag); the alias is authenticated as associated data. Bytes this key store did not make (another
/// device, a reset Keychain, a different alias, any change) fail authentication and give
/// `KeyStoreError.WrongKey`, which the core reports as `QorgauError.WrongKey` and changes nothing.
final class KeychainKeyStore: PlatformKeyStore, @unchecked Sendable {
    private static let formatVersion: UInt8 = 1
    private let service: String
    private let lock = NSLock() // serialises key creation

    init(service: String = "kz.qorgau.device-key") {
        self.service = service
    }

    // ---- PlatformKeyStore -------------------------------------------------------------------

    func wrap(alias: String, secret: Data) throws -> Data {
        let key = try existingKey(alias: alias) ?? createKey(alias: alias)
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
        guard let key = try existingKey(alias: alias) else { throw KeyStoreError.WrongKey }
        guard wrapped.count > 1 + 12 + 16, wrapped.first == Self.formatVersion else { throw KeyStoreError.WrongKey }
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped.dropFirst())
            return try AES.GCM.open(box, using: key, authenticating: Data(alias.utf8))
        } catch CryptoKitError.authenticationFailure {
            throw KeyStoreError.WrongKey
        } catch {
            // A malformed box was not made by this key store either.
            throw KeyStoreError.WrongKey
        }
    }

    // ---- Keychain ---------------------------------------------------------------------------

    private func baseQuery(alias: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: alias,
            kSecUseDataProtectionKeychain as String: true,
        ]
    }

    private func existingKey(alias: String) throws -> SymmetricKey? {
        var query = baseQuery(alias: alias)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let data = item as? Data, data.count == 32 else {
                throw KeyStoreError.Unavailable(reason: "Keychain item has an unexpected format")
            }
            return SymmetricKey(data: data)
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            throw KeyStoreError.Unavailable(reason: "Keychain locked (device locked)")
        default:
            throw KeyStoreError.Unavailable(reason: "Keychain read failed: OSStatus \(status)")
        }
    }

    private func createKey(alias: String) throws -> SymmetricKey {
        lock.lock()
        defer { lock.unlock() }
        if let key = try existingKey(alias: alias) { return key }
        let key = SymmetricKey(size: .bits256)
        var attributes = baseQuery(alias: alias)
        attributes[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        attributes[kSecAttrSynchronizable as String] = false
        attributes[kSecValueData as String] = key.withUnsafeBytes { Data($0) }
        let status = SecItemAdd(attributes as CFDictionary, nil)
        switch status {
        case errSecSuccess:
            return key
        case errSecDuplicateItem:
            if let key = try existingKey(alias: alias) { return key }
            throw KeyStoreError.Unavailable(reason: "Keychain item vanished after a duplicate")
        case errSecInteractionNotAllowed:
            throw KeyStoreError.Unavailable(reason: "Keychain locked (device locked)")
        default:
            throw KeyStoreError.Unavailable(reason: "Keychain write failed: OSStatus \(status)")
        }
    }

    /// Removes the key (e.g. a device being decommissioned): the store can no longer be opened.
    func destroyKey(alias: String) {
        SecItemDelete(baseQuery(alias: alias) as CFDictionary)
    }
}
#endif
