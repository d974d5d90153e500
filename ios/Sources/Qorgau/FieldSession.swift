import Foundation
import QorgauFFI

/// The officer's unlocked store on this device, and the one place where store calls leave the
/// main thread.
///
/// Every `QorgauStore` call is synchronous and may take a while (hashing and encrypting a video,
/// verifying a case): view models call it through ``perform(_:)``, which runs the work on a
/// background queue and resumes the caller when it is done.
public final class FieldSession: Sendable {
    /// The UniFFI store object (thread-safe on the Rust side).
    public let store: QorgauStore
    /// The device id, public key and officer profile.
    public let device: DeviceInfo
    /// The store directory.
    public let directory: URL
    /// True when this session created the store (first start on the device).
    public let created: Bool

    private static let queue = DispatchQueue(label: "kz.qorgau.store", qos: .userInitiated, attributes: .concurrent)

    init(store: QorgauStore, directory: URL, created: Bool) {
        self.store = store
        self.device = store.device()
        self.directory = directory
        self.created = created
    }

    /// Opens the store in `directory`, or creates it there with `profile` when the directory holds
    /// no store yet. A key store that cannot unlock an existing store fails with
    /// `QorgauError.WrongKey` and never creates a new store over the old one.
    public static func openOrInit(directory: URL, keyStore: PlatformKeyStore, profile: DeviceProfile) throws -> FieldSession {
        do {
            let store = try QorgauStore.open(dir: directory.path, keystore: keyStore)
            return FieldSession(store: store, directory: directory, created: false)
        } catch QorgauError.NotInitialised {
            let store = try QorgauStore.create(dir: directory.path, keystore: keyStore, profile: profile)
            return FieldSession(store: store, directory: directory, created: true)
        }
    }

    /// Opens an existing store (no profile at hand, e.g. after a restart).
    public static func open(directory: URL, keyStore: PlatformKeyStore) throws -> FieldSession {
        FieldSession(store: try QorgauStore.open(dir: directory.path, keystore: keyStore), directory: directory, created: false)
    }

    /// Opens or creates the store off the calling thread (creation generates keys and the database).
    public static func openOrInit(directory: URL, keyStore: PlatformKeyStore, profile: DeviceProfile) async throws -> FieldSession {
        try await background { try openOrInit(directory: directory, keyStore: keyStore, profile: profile) }
    }

    /// Opens an existing store off the calling thread.
    public static func open(directory: URL, keyStore: PlatformKeyStore) async throws -> FieldSession {
        try await background { try open(directory: directory, keyStore: keyStore) }
    }

    /// Runs `work` with the store on a background queue.
    public func perform<T: Sendable>(_ work: @escaping @Sendable (QorgauStore) throws -> T) async throws -> T {
        let store = self.store
        return try await Self.background { try work(store) }
    }

    static func background<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
            queue.async { c.resume(with: Result { try work() }) }
        }
    }

    /// The officer as a team member (for new cases and `takenBy`).
    public var officer: TeamMember { device.profile.officer }
}

extension FieldSession {
    /// Runs `work` with the store off the main thread and maps a failure to what the officer
    /// is shown in `language`.
    public func run<T: Sendable>(_ language: Language, _ work: @escaping @Sendable (QorgauStore) throws -> T) async -> Result<T, QorgauAppError> {
        do {
            return .success(try await perform(work))
        } catch {
            return .failure(QorgauAppError(error, language: language))
        }
    }
}
