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
            handOverTargetId = nil
            handOverPin = ""
            handOverAttemptsLeft = nil
            handedOver = nil
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
                case let .profileLocked(until): lockedUntil = until; attemptsLeft = 0
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

    /// Creates a profile (6–12 digits, not trivial). The first profile on a phone must be a
    /// supervisor's; after it only a signed-in supervisor adds profiles. A psychologist added
    /// while a colleague holds the clinical key waits for her to hand it over
    /// (``handOverClinicalKey()``).
    @discardableResult
    public func createProfile(role: TeamRole, name: String, badge: String, pin: String) async -> Profile? {
        mutate { isWorking = true; error = nil }
        let result = await session.run(language) { store -> Profile in
            // Read fresh from the core, not from what this screen loaded: the first profile is the
            // supervisor's; after it, only a signed-in supervisor adds profiles.
            let existing = try store.profiles()
            let allowed = SessionGate.newProfileRoles(profiles: existing, signedIn: store.currentProfile())
            guard allowed.contains(role) else {
                // The same refusals as the core's (core/src/store/profiles.rs); the officer reads
                // the permission message, the words are for the log.
                if existing.isEmpty {
                    throw QorgauError.PermissionDenied(reason: "create this profile first (the first profile on a phone is the supervisor's)")
                }
                if !existing.contains(where: { $0.role == .supervisor }) {
                    throw QorgauError.PermissionDenied(reason: "create a profile (this phone has no supervisor: a signed-in profile must create the supervisor first)")
                }
                throw QorgauError.PermissionDenied(reason: "create a profile (a supervisor must be signed in)")
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

    // MARK: Handing over the clinical key

    // A psychologist added by the supervisor while a colleague already holds the clinical key
    // gets her profile without it (`clinicalAccess == false`): she cannot read answers or notes
    // yet. The colleague who holds the key signs in and hands it over; the newcomer types her
    // own PIN on the same phone, which wraps the key for her (`grantClinicalAccess`). The core
    // decides: a caller without the key is refused, a wrong PIN counts towards the newcomer's
    // lock-out, and the hand-over is audited.

    /// A psychologist's profile that does not hold the clinical key yet.
    public nonisolated static func waitsForClinicalKey(_ p: Profile) -> Bool {
        p.role == .psychologist && !p.clinicalAccess
    }

    /// The psychologists waiting for the clinical key.
    public var waitingForClinicalKey: [Profile] { profiles.filter(Self.waitsForClinicalKey) }

    /// The signed-in profile is a psychologist who holds the clinical key.
    public var holdsClinicalKey: Bool { current.map { $0.role == .psychologist && $0.clinicalAccess } ?? false }

    /// "Hand over the clinical key" is offered: the signed-in psychologist holds the key and a
    /// colleague waits for it.
    public var canHandOverClinicalKey: Bool { holdsClinicalKey && !waitingForClinicalKey.isEmpty }

    /// The colleague who is to receive the key (she types her PIN next).
    public var handOverTargetId: Uuid? {
        willSet { willChange() }
        didSet {
            if handOverTargetId != oldValue { handOverPin = ""; handOverAttemptsLeft = nil; handedOver = nil }
            didChange()
        }
    }

    public var handOverTarget: Profile? { profiles.first { $0.id == handOverTargetId } }

    /// The colleague's own PIN: digits only, at most 12; cleared after every attempt.
    public var handOverPin = "" {
        willSet { willChange() }
        didSet {
            let digits = String(handOverPin.filter { $0.isASCII && $0.isNumber }.prefix(Self.pinLength.upperBound))
            if digits != handOverPin { handOverPin = digits }
            didChange()
        }
    }

    /// The colleague's wrong PINs left before her profile locks, after a wrong PIN.
    public private(set) var handOverAttemptsLeft: UInt32?
    /// The colleague's profile after a successful hand-over.
    public private(set) var handedOver: Profile?

    /// Starts the hand-over to `profileId` (the screen asks her for her PIN).
    public func beginHandOver(to profileId: Uuid) {
        mutate { handOverTargetId = profileId; error = nil }
    }

    public func cancelHandOver() {
        mutate { handOverTargetId = nil; handOverPin = "" }
    }

    public var canHandOver: Bool { handOverTargetId != nil && Self.pinLength.contains(handOverPin.count) && !isWorking }

    /// Hands the clinical key to the chosen colleague with the PIN she typed (off the main
    /// thread: her PIN key is derived). Nil on a refusal (`error`; a wrong PIN also sets
    /// `handOverAttemptsLeft`).
    @discardableResult
    public func handOverClinicalKey() async -> Profile? {
        guard let id = handOverTargetId else { return nil }
        let pin = handOverPin
        mutate { isWorking = true; error = nil; handOverPin = "" }
        let result = await session.run(language) { try $0.grantClinicalAccess(profileId: id, pin: pin) }
        switch result {
        case let .success(p):
            mutate { isWorking = false; handOverAttemptsLeft = nil }
            await load()
            mutate { handOverTargetId = nil; handedOver = p }
            return p
        case let .failure(e):
            mutate {
                error = e
                isWorking = false
                // A wrong PIN counts towards the colleague's lock-out; once locked, the error
                // (locked until …) says so.
                if case let .wrongPin(left) = e.kind { handOverAttemptsLeft = left } else { handOverAttemptsLeft = nil }
            }
            await reloadProfilesKeepingError()
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
