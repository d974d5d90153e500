import Foundation
import QorgauFFI

/// Signing in on a shared phone: choose a profile (officer, psychologist, social worker,
/// supervisor), enter its PIN. The core checks the PIN, counts wrong ones and locks the profile
/// (the lock survives a restart); this model shows the attempts left and until when it is locked.
/// What a role may see is decided by the core, never here.
@MainActor
public final class SignInViewModel: ViewModel {
    public let session: FieldSession
    public var language: Language

    /// The shortest and longest PIN the core accepts.
    public static let pinLength = 6...12

    public private(set) var profiles: [Profile] = []
    /// The profile acting on the store (nil: the device's officer, no clinical access).
    public private(set) var current: Profile?

    public var selectedId: Uuid? {
        willSet { willChange() }
        didSet {
            if selectedId != oldValue { attemptsLeft = nil; lockedUntil = nil; error = nil; pin = "" }
            didChange()
        }
    }
    /// Digits only, at most 12 (anything else typed is dropped).
    public var pin = "" {
        willSet { willChange() }
        didSet {
            let digits = String(pin.filter { $0.isASCII && $0.isNumber }.prefix(Self.pinLength.upperBound))
            if digits != pin { pin = digits }
            didChange()
        }
    }

    /// Wrong PINs left before the profile locks, after a wrong PIN.
    public private(set) var attemptsLeft: UInt32?
    /// When the lock-out ends, after too many wrong PINs.
    public private(set) var lockedUntil: Date?
    public private(set) var isWorking = false
    public private(set) var error: QorgauAppError?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            profiles = []
            current = nil
            selectedId = nil
            pin = ""
            attemptsLeft = nil
            lockedUntil = nil
            error = nil
        }
    }

    public init(session: FieldSession, language: Language = .preferred()) {
        self.session = session
        self.language = language
    }

    public func load() async {
        switch await session.run(language, { store in (try store.profiles(), store.currentProfile()) }) {
        case let .success((list, acting)):
            mutate {
                profiles = list
                current = acting
                if selectedId == nil || !list.contains(where: { $0.id == selectedId }) { selectedId = list.first?.id }
                lockedUntil = selected?.lockedUntil
            }
        case let .failure(e):
            mutate { error = e }
        }
    }

    public var selected: Profile? { profiles.first { $0.id == selectedId } }

    /// The roles a new profile may have now (none: "New profile" is not offered).
    public var newProfileRoles: [TeamRole] { SessionGate.newProfileRoles(profiles: profiles, signedIn: current) }

    /// The end of the selected profile's lock-out, if it is locked at `now`.
    public func lockedUntil(now: Date = Date()) -> Date? {
        let until = [lockedUntil, selected?.lockedUntil].compactMap { $0 }.max()
        return until.flatMap { $0 > now ? $0 : nil }
    }

    public func canUnlock(now: Date = Date()) -> Bool {
        selectedId != nil && Self.pinLength.contains(pin.count) && !isWorking && lockedUntil(now: now) == nil
    }

    /// Checks the PIN (off the main thread: the key derivation is deliberately slow). On success
    /// the profile acts on the store; a wrong PIN sets `attemptsLeft`, a lock-out `lockedUntil`.
    @discardableResult
    public func unlock() async -> Profile? {
        guard let id = selectedId else { return nil }
        let pin = self.pin
        mutate { isWorking = true; error = nil; self.pin = "" }
        let result = await session.run(language) { try $0.unlockProfile(profileId: id, pin: pin) }
        switch result {
        case let .success(p):
            mutate { current = p; attemptsLeft = nil; lockedUntil = nil; isWorking = false }
            await load()
            return p
        case let .failure(e):
            mutate {
                error = e
                isWorking = false
                switch e.kind {
                case let .wrongPin(left): attemptsLeft = left
                case let .profileLocked(until): lockedUntil = Dates.rfc3339(until); attemptsLeft = 0
                default: break
                }
            }
            await reloadProfilesKeepingError()
            return nil
        }
    }

    /// Signs the acting profile out: the device's officer acts again, with no clinical access.
    public func signOut() async {
        _ = await session.run(language) { $0.lockProfile() }
        mutate { current = nil; pin = "" }
    }

    /// Creates a profile (6–12 digits, not trivial; a second psychologist profile only while a
    /// psychologist is signed in, who hands over the clinical key). The first profile on a phone
    /// must be a supervisor's; after it only a signed-in supervisor adds profiles.
    @discardableResult
    public func createProfile(role: TeamRole, name: String, badge: String, pin: String) async -> Profile? {
        mutate { isWorking = true; error = nil }
        let result = await session.run(language) { store -> Profile in
            // Read fresh from the core, not from what this screen loaded: the first profile is the
            // supervisor's; after it, only a signed-in supervisor adds profiles.
            let allowed = SessionGate.newProfileRoles(profiles: try store.profiles(), signedIn: store.currentProfile())
            guard allowed.contains(role) else {
                throw QorgauError.PermissionDenied(reason: allowed == [.supervisor]
                    ? "the first profile on this phone must be a supervisor's"
                    : "create a profile (a supervisor must be signed in)")
            }
            return try store.createProfile(role: role, name: name, badge: badge, pin: pin)
        }
        switch result {
        case let .success(p):
            mutate { isWorking = false }
            await load()
            return p
        case let .failure(e):
            mutate { error = e; isWorking = false }
            return nil
        }
    }

    private func reloadProfilesKeepingError() async {
        if case let .success(list) = await session.run(language, { try $0.profiles() }) {
            mutate { profiles = list }
        }
    }
}

extension Profile: Identifiable {}

extension TeamRole {
    public static let allInOrder: [TeamRole] = [.officer, .psychologist, .socialWorker, .supervisor]
}
