import Foundation
import QorgauFFI

/// Where the app is, as iOS's scene phase says (SwiftUI's `ScenePhase` mapped by the app).
public enum AppPhase: Sendable, Equatable {
    case active, inactive, background
}

/// The app's one lock model, over the core's session (`lockSession`, `noteActivity`,
/// `sessionState`). Content is shown only while the core says a profile is signed in; the app
/// locks at once when it goes to the background, after the core's idle limit, on quick-hide and
/// on sign-out. Every lock resets navigation (`generation` changes: the app rebuilds its views
/// and their view models), makes every live view model of this session forget what it loaded,
/// and deletes the files that left the store (exports, printable orders).
///
/// Profiles: a phone with none offers only the supervisor's profile (set-up); after that only a
/// signed-in supervisor adds profiles (``newProfileRoles(profiles:signedIn:)``).
@MainActor
public final class SessionGate: ViewModel {
    public enum Screen: Equatable, Sendable {
        /// The phone has no profiles yet: only the supervisor's profile can be created.
        case setUp
        /// Choose a profile and type its PIN.
        case signIn
        /// After quick-hide: a neutral screen with nothing of a case on it, until tapped.
        case neutral
        /// The app's content: a profile is signed in.
        case content
    }

    public let session: FieldSession
    public var language: Language
    /// Files that leave the store; purged on every lock and by age.
    public let transientFiles: TransientFiles?
    /// How long an export or printable order may stay on the phone.
    public nonisolated static let transientMaxAge: TimeInterval = 10 * 60

    /// The signed-in profile as the core last reported it (nil: the gate is shown).
    public private(set) var profile: Profile?
    public private(set) var profiles: [Profile] = []
    /// Why the last sign-in ended.
    public private(set) var lastLock: LockReason?
    /// Changes on every lock: the app keys its content on it, so navigation and the views'
    /// view models are rebuilt from scratch.
    public private(set) var generation = 0
    public private(set) var isNeutral = false
    public private(set) var phase: AppPhase = .active
    /// True once the profile list has been read (before that the gate shows sign-in, never content).
    public private(set) var isLoaded = false
    public private(set) var isWorking = false
    public private(set) var error: QorgauAppError?
    /// Called after every lock (e.g. to dismiss presented controllers).
    public var onLock: ((LockReason) -> Void)?

    private var idleWatch: Task<Void, Never>?

    public init(session: FieldSession, language: Language = .preferred(), transientFiles: TransientFiles? = nil) {
        self.session = session
        self.language = language
        self.transientFiles = transientFiles
        super.init()
    }

    // MARK: What is shown

    public var screen: Screen {
        if isNeutral { return .neutral }
        if profile != nil { return .content }
        if isLoaded && profiles.isEmpty { return .setUp }
        return .signIn
    }

    /// Content (cases, people, orders, notes) may be on screen.
    public var showsContent: Bool { screen == .content }

    /// The screen is being recorded, mirrored or captured.
    public private(set) var isScreenCaptured = false

    public func screenCaptureChanged(_ captured: Bool) {
        mutate { isScreenCaptured = captured }
    }

    /// Private views (`privacySensitive`) are redacted: the app is not in front, or the screen
    /// is captured.
    public var redactsPrivateData: Bool { phase != .active || isScreenCaptured }

    /// The roles the acting person may create now: none unless a supervisor is signed in, except
    /// on a phone with no profiles (set-up: the supervisor only) and on a phone whose profiles
    /// have no supervisor yet (a signed-in profile may add the supervisor).
    public nonisolated static func newProfileRoles(profiles: [Profile], signedIn: Profile?) -> [TeamRole] {
        if profiles.isEmpty { return [.supervisor] }
        guard let signedIn else { return [] }
        if signedIn.role == .supervisor { return TeamRole.allInOrder }
        if !profiles.contains(where: { $0.role == .supervisor }) { return [.supervisor] }
        return []
    }

    public var newProfileRoles: [TeamRole] { Self.newProfileRoles(profiles: profiles, signedIn: profile) }
    public var canCreateProfile: Bool { isLoaded && !newProfileRoles.isEmpty }

    // MARK: Launch and return

    /// At launch: files older than the limit are deleted, the session and profiles are read.
    public func start() async {
        transientFiles?.purge(olderThan: Self.transientMaxAge)
        await refresh()
    }

    /// Reads the core's session and the profile list.
    public func refresh() async {
        switch await session.run(language, { store in (store.sessionState(), try store.profiles()) }) {
        case let .success((state, list)):
            mutate { profiles = list; isLoaded = true }
            apply(state)
        case let .failure(e):
            mutate { error = e }
            check()
        }
    }

    /// The scene phase changed. Background locks at once (no grace period); inactive leaves the
    /// content under the privacy cover; active checks the core's session again.
    public func phaseChanged(_ newPhase: AppPhase) {
        mutate { phase = newPhase }
        switch newPhase {
        case .background:
            lock(.background)
        case .active:
            transientFiles?.purge(olderThan: Self.transientMaxAge)
            check()
        case .inactive:
            break
        }
    }

    /// The officer touched the screen. False when there is no signed-in profile (the idle limit
    /// had passed: the gate is shown now).
    @discardableResult
    public func userActivity() -> Bool {
        let alive = session.store.noteActivity()
        if !alive {
            if profile != nil { locked(session.store.sessionState().lastLock ?? .idle) }
        }
        return alive
    }

    /// Asks the core whether the profile is still signed in (it locks by itself after the idle
    /// limit); shows the gate if not.
    public func check() {
        apply(session.store.sessionState())
    }

    /// Checks every `interval` seconds while the app runs, so an idle screen locks without a touch.
    public func startIdleWatch(every interval: TimeInterval = 5) {
        idleWatch?.cancel()
        idleWatch = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                guard let self, !Task.isCancelled else { return }
                self.check()
                self.transientFiles?.purge(olderThan: Self.transientMaxAge)
            }
        }
    }

    public func stopIdleWatch() {
        idleWatch?.cancel()
        idleWatch = nil
    }

    // MARK: Locking

    /// Quick-hide: lock, clear everything, show a neutral screen.
    public func quickHide() {
        lock(.quickHide)
        mutate { isNeutral = true }
    }

    /// Leaves the neutral screen for the PIN gate.
    public func leaveNeutral() {
        mutate { isNeutral = false }
    }

    public func signOut() {
        lock(.signedOut)
    }

    /// Locks the core's session now and clears the app.
    public func lock(_ reason: LockReason) {
        session.store.lockSession(reason: reason)
        locked(reason)
    }

    private func apply(_ state: SessionState) {
        if state.profile == nil, profile != nil {
            locked(state.lastLock ?? .idle)
        } else {
            mutate { profile = state.profile; lastLock = state.lastLock }
        }
    }

    /// The session is locked: forget the profile, every loaded record, the files that left.
    private func locked(_ reason: LockReason) {
        mutate {
            profile = nil
            lastLock = reason
            generation += 1
            error = nil
        }
        LiveViewModels.forgetAll(of: session, except: self)
        transientFiles?.purgeAll()
        onLock?(reason)
    }

    // MARK: Profiles

    /// Set-up on a phone with no profiles: the supervisor's profile, signed in at once.
    @discardableResult
    public func createFirstSupervisor(name: String, badge: String, pin: String) async -> Profile? {
        mutate { isWorking = true; error = nil }
        let result = await session.run(language) { store -> Profile in
            guard try store.profiles().isEmpty else {
                throw QorgauError.PermissionDenied(reason: "create a profile (a supervisor must be signed in)")
            }
            let p = try store.createProfile(role: .supervisor, name: name, badge: badge, pin: pin)
            return try store.unlockProfile(profileId: p.id, pin: pin)
        }
        mutate { isWorking = false }
        switch result {
        case let .success(p):
            mutate { isNeutral = false }
            await refresh()
            return p
        case let .failure(e):
            mutate { error = e }
            await refresh()
            return nil
        }
    }
}

/// Every live view model, weakly held, so a lock can make them forget what they loaded.
@MainActor
enum LiveViewModels {
    private struct Weak { weak var model: ViewModel? }
    private static var models: [Weak] = []

    static func add(_ model: ViewModel) {
        models.removeAll { $0.model == nil }
        models.append(Weak(model: model))
    }

    /// The live view models bound to `session`.
    static func of(_ session: FieldSession) -> [ViewModel] {
        models.compactMap(\.model).filter { ($0 as? SessionBound)?.session === session }
    }

    static func forgetAll(of session: FieldSession, except gate: ViewModel) {
        for m in of(session) where m !== gate { m.forget() }
    }
}

/// A view model working on a `FieldSession`.
@MainActor
public protocol SessionBound: AnyObject {
    var session: FieldSession { get }
}

extension SessionGate: SessionBound {}
extension CaseListViewModel: SessionBound {}
extension NewCaseViewModel: SessionBound {}
extension PeopleViewModel: SessionBound {}
extension CaptureViewModel: SessionBound {}
extension StatementViewModel: SessionBound {}
extension VerifyExportViewModel: SessionBound {}
extension SignInViewModel: SessionBound {}
extension CheckPersonViewModel: SessionBound {}
extension OrderViewModel: SessionBound {}
extension OrderQrViewModel: SessionBound {}
extension ReferralsViewModel: SessionBound {}
extension InterventionsViewModel: SessionBound {}
extension DueThisWeekViewModel: SessionBound {}
extension AssessmentFormViewModel: SessionBound {}
extension AssessmentSummaryViewModel: SessionBound {}
extension SyncViewModel: SessionBound {}
