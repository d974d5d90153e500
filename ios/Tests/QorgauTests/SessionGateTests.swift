import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// Issue 11 on iOS: the one lock model (`SessionGate` over the core's session), the first
/// profile a supervisor's, quick-hide, view models that forget on a lock, and the files that
/// leave the app (`TransientFiles`, the court bundle shared only when confirmed).
final class SessionGateTests: TempDirTestCase {
    /// What must not survive a lock anywhere in a view model.
    static let needles = ["Aigerim", "Testova", "Nurlan", "Sampleuly", "Synthetic street", Synthetic.survivorIin,
                          Synthetic.aggressorIin, Synthetic.supervisorName, "Neighbour reported", "She said (synthetic)",
                          "clinical note (synthetic)", Synthetic.supervisorPin]

    // MARK: set-up and profiles

    @MainActor
    func testGateBeforeContentFirstProfileIsTheSupervisorsThenOnlyASupervisorAddsProfiles() async throws {
        let s = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let gate = SessionGate(session: s, language: .en)
        // Before anything is read: the gate, never content.
        XCTAssertEqual(gate.screen, .signIn)
        XCTAssertFalse(gate.showsContent)
        await gate.start()
        XCTAssertEqual(gate.screen, .setUp, "no profiles: only set-up is offered")
        XCTAssertEqual(gate.newProfileRoles, [.supervisor])
        XCTAssertFalse(gate.showsContent)

        // The sign-in screen refuses any other first profile, with a plain message.
        let signIn = SignInViewModel(session: s, language: .en)
        await signIn.load()
        XCTAssertEqual(signIn.newProfileRoles, [.supervisor])
        let officerFirst = await signIn.createProfile(role: .officer, name: "Aibek Demoulin", badge: Synthetic.officerBadge, pin: Synthetic.officerPin)
        XCTAssertNil(officerFirst)
        XCTAssertEqual(signIn.error?.kind, .permissionDenied)
        XCTAssertTrue(try s.store.profiles().isEmpty)

        // Set-up: the supervisor's profile, signed in at once → content.
        let sup = try await unwrapped { await gate.createFirstSupervisor(name: Synthetic.supervisorName, badge: Synthetic.supervisorBadge, pin: Synthetic.supervisorPin) }
        XCTAssertEqual(sup.role, .supervisor)
        XCTAssertEqual(gate.screen, .content)
        XCTAssertTrue(gate.showsContent)
        XCTAssertEqual(s.store.sessionState().profile?.id, sup.id)
        XCTAssertEqual(gate.newProfileRoles, TeamRole.allInOrder)
        // Set-up is not offered a second time.
        let second = await gate.createFirstSupervisor(name: "Other Supervisor", badge: "KZ-DEMO-SUP-99", pin: "864203")
        XCTAssertNil(second)
        XCTAssertEqual(gate.error?.kind, .permissionDenied)

        // The signed-in supervisor adds an officer.
        await signIn.load()
        XCTAssertEqual(signIn.newProfileRoles, TeamRole.allInOrder)
        let officer = try await unwrapped { await signIn.createProfile(role: .officer, name: "Aibek Demoulin", badge: Synthetic.officerBadge, pin: Synthetic.officerPin) }

        // Signed out: the gate, and "New profile" is neither offered nor allowed.
        gate.signOut()
        XCTAssertEqual(gate.screen, .signIn)
        XCTAssertEqual(gate.lastLock, .signedOut)
        XCTAssertNil(s.store.sessionState().profile)
        XCTAssertEqual(s.store.sessionState().lastLock, .signedOut)
        await gate.refresh()
        XCTAssertFalse(gate.canCreateProfile)
        await signIn.load()
        XCTAssertEqual(signIn.newProfileRoles, [])
        let anonymous = await signIn.createProfile(role: .supervisor, name: "Intruder", badge: "KZ-DEMO-X", pin: "864203")
        XCTAssertNil(anonymous)
        XCTAssertEqual(signIn.error?.kind, .permissionDenied)

        // An officer signed in: still not allowed.
        signIn.selectedId = officer.id
        signIn.pin = Synthetic.officerPin
        _ = try await unwrapped { await signIn.unlock() }
        await gate.refresh()
        XCTAssertEqual(gate.screen, .content)
        XCTAssertEqual(gate.newProfileRoles, [])
        let byOfficer = await signIn.createProfile(role: .officer, name: "Other Officer", badge: "KZ-DEMO-0999", pin: "864203")
        XCTAssertNil(byOfficer)
        XCTAssertEqual(try s.store.profiles().count, 2)
    }

    func testNewProfileRoles() {
        func p(_ role: TeamRole, _ badge: String) -> Profile {
            Profile(id: UUID().uuidString, role: role, name: "Synthetic \(badge)", badge: badge, failedAttempts: 0, lockedUntil: nil, clinicalAccess: role == .psychologist)
        }
        let sup = p(.supervisor, "S"), off = p(.officer, "O"), psy = p(.psychologist, "P")
        XCTAssertEqual(SessionGate.newProfileRoles(profiles: [], signedIn: nil), [.supervisor])
        XCTAssertEqual(SessionGate.newProfileRoles(profiles: [sup, off], signedIn: nil), [])
        XCTAssertEqual(SessionGate.newProfileRoles(profiles: [sup, off], signedIn: off), [])
        XCTAssertEqual(SessionGate.newProfileRoles(profiles: [sup, off], signedIn: sup), TeamRole.allInOrder)
        // A phone set up before this rule, with no supervisor: a signed-in profile may add one.
        XCTAssertEqual(SessionGate.newProfileRoles(profiles: [off, psy], signedIn: psy), [.supervisor])
        XCTAssertEqual(SessionGate.newProfileRoles(profiles: [off, psy], signedIn: nil), [])
    }

    // MARK: locking

    @MainActor
    func testBackgroundLocksAtOnceAndNoViewModelKeepsNamesOrNotes() async throws {
        let scene = try await Scene.make(in: storeDir)
        let s = scene.session
        let exports = tmp.appendingPathComponent("exports"), documents = tmp.appendingPathComponent("documents")
        for d in [exports, documents] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let files = TransientFiles(directories: [exports, documents])
        try s.store.signInFirstSupervisor()
        let gate = SessionGate(session: s, language: .en, transientFiles: files)
        var locks: [LockReason] = []
        gate.onLock = { locks.append($0) }
        await gate.start()
        XCTAssertEqual(gate.screen, .content)
        let generation = gate.generation

        // Every screen of the case loaded, forms half typed.
        let models = try await loadedViewModels(scene)
        try Data("%PDF-1.7 synthetic".utf8).write(to: documents.appendingPathComponent("order.pdf"))
        let export = models.compactMap { $0 as? VerifyExportViewModel }.first
        XCTAssertNotNil(export?.bundleURL.map { FileManager.default.fileExists(atPath: $0.path) })
        XCTAssertFalse(files.items().isEmpty)
        var before = Set<String>()
        for m in models { before.formUnion(Self.personalStrings(in: m)) }
        for needle in ["Aigerim", "Nurlan", "Synthetic street", Synthetic.survivorIin, "She said (synthetic)", "clinical note (synthetic)", Synthetic.supervisorName] {
            XCTAssertTrue(before.contains(needle), "the test loads \(needle) before the lock")
        }

        // Screen capture: private views are redacted while it lasts.
        XCTAssertFalse(gate.redactsPrivateData)
        gate.screenCaptureChanged(true)
        XCTAssertTrue(gate.redactsPrivateData)
        gate.screenCaptureChanged(false)
        XCTAssertFalse(gate.redactsPrivateData)

        // Inactive (notification centre, app switcher opening): still signed in, under the cover.
        gate.phaseChanged(.inactive)
        XCTAssertEqual(gate.screen, .content)
        XCTAssertTrue(gate.redactsPrivateData)
        XCTAssertNotNil(s.store.sessionState().profile)

        // Background: locked at once, no grace.
        gate.phaseChanged(.background)
        XCTAssertEqual(gate.screen, .signIn)
        XCTAssertFalse(gate.showsContent)
        XCTAssertEqual(gate.lastLock, .background)
        XCTAssertEqual(locks, [.background])
        XCTAssertEqual(gate.generation, generation + 1, "navigation and views are rebuilt")
        let state = s.store.sessionState()
        XCTAssertNil(state.profile)
        XCTAssertEqual(state.lastLock, .background)

        for m in models {
            let left = Self.personalStrings(in: m)
            XCTAssertTrue(left.isEmpty, "\(type(of: m)) still holds \(left.sorted())")
        }
        XCTAssertEqual(models.compactMap { $0 as? CaseListViewModel }.first?.cases.count, 0)
        XCTAssertNil(models.compactMap { $0 as? OrderViewModel }.first?.pdf)
        XCTAssertNil(models.compactMap { $0 as? SignInViewModel }.first?.current)
        XCTAssertTrue(files.items().isEmpty, "exports and printable orders are deleted on the lock")
        XCTAssertTrue(FileManager.default.fileExists(atPath: exports.path), "the folders stay")

        // Back in front: still the gate until the PIN.
        gate.phaseChanged(.active)
        XCTAssertEqual(gate.screen, .signIn)
        _ = try s.store.unlockProfile(profileId: try XCTUnwrap(gate.profiles.first?.id), pin: Synthetic.supervisorPin)
        gate.check()
        XCTAssertEqual(gate.screen, .content)
    }

    @MainActor
    func testIdleLimitLocksOnTheNextTouchAndWithoutAnyTouch() async throws {
        let s = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let sup = try s.store.signInFirstSupervisor()
        try s.store.setIdleLimit(secs: 1)
        let gate = SessionGate(session: s, language: .en)
        await gate.start()
        XCTAssertEqual(gate.screen, .content)
        let list = CaseListViewModel(session: s, language: .en)
        _ = try await s.perform { try $0.openCase(newCase: Synthetic.neighbourReport) }
        await list.refresh()
        XCTAssertEqual(list.cases.count, 1)

        // Touches within the limit keep the session.
        for _ in 0..<3 {
            try await Task.sleep(nanoseconds: 400_000_000)
            XCTAssertTrue(gate.userActivity())
        }
        XCTAssertEqual(gate.screen, .content)
        // The limit passes: the next touch shows the gate instead of acting.
        try await Task.sleep(nanoseconds: 1_300_000_000)
        XCTAssertFalse(gate.userActivity())
        XCTAssertEqual(gate.screen, .signIn)
        XCTAssertEqual(gate.lastLock, .idle)
        XCTAssertTrue(list.cases.isEmpty, "the case list forgot what it loaded")
        XCTAssertFalse(gate.userActivity(), "a touch on the gate does not sign anyone in")

        // Without any touch: the watch sees the core lock on its own.
        _ = try s.store.unlockProfile(profileId: sup.id, pin: Synthetic.supervisorPin)
        gate.check()
        XCTAssertEqual(gate.screen, .content)
        gate.startIdleWatch(every: 0.2)
        defer { gate.stopIdleWatch() }
        let deadline = Date().addingTimeInterval(5)
        while gate.screen == .content && Date() < deadline {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        XCTAssertEqual(gate.screen, .signIn)
        XCTAssertEqual(gate.lastLock, .idle)
        XCTAssertEqual(s.store.sessionState().lastLock, .idle)
    }

    @MainActor
    func testQuickHideLocksClearsAndShowsANeutralScreen() async throws {
        let scene = try await Scene.make(in: storeDir)
        let s = scene.session
        try s.store.signInFirstSupervisor()
        let gate = SessionGate(session: s, language: .en)
        await gate.start()
        let people = PeopleViewModel(session: s, caseId: scene.caseId, language: .en)
        await people.load()
        people.fullName = "Nurlan Sampleuly"
        XCTAssertEqual(people.people.count, 2)
        let generation = gate.generation

        gate.quickHide()
        XCTAssertEqual(gate.screen, .neutral)
        XCTAssertFalse(gate.showsContent)
        XCTAssertEqual(gate.generation, generation + 1)
        XCTAssertNil(s.store.sessionState().profile)
        XCTAssertEqual(s.store.sessionState().lastLock, .quickHide)
        XCTAssertTrue(people.people.isEmpty)
        XCTAssertEqual(people.fullName, "")
        // Returning from the background does not skip the neutral screen or the gate.
        gate.phaseChanged(.background)
        gate.phaseChanged(.active)
        XCTAssertEqual(gate.screen, .neutral)
        gate.leaveNeutral()
        XCTAssertEqual(gate.screen, .signIn)
    }

    // MARK: files that leave the app

    func testTransientFilesArePurgedByAgeAndOnLock() throws {
        let fm = FileManager.default
        let exports = tmp.appendingPathComponent("exports"), documents = tmp.appendingPathComponent("documents")
        for d in [exports, documents] { try fm.createDirectory(at: d, withIntermediateDirectories: true) }
        let files = TransientFiles(directories: [exports, documents])
        let now = Date()
        func make(_ url: URL, age: TimeInterval) throws {
            try Data("synthetic".utf8).write(to: url)
            try fm.setAttributes([.modificationDate: now.addingTimeInterval(-age)], ofItemAtPath: url.path)
        }
        try make(documents.appendingPathComponent("old.pdf"), age: 11 * 60)
        try make(documents.appendingPathComponent("new.pdf"), age: 2 * 60)
        // An old bundle folder, and one whose folder is old but a file inside is new (still being written).
        let oldBundle = exports.appendingPathComponent("case-old"), liveBundle = exports.appendingPathComponent("case-live")
        for b in [oldBundle, liveBundle] { try fm.createDirectory(at: b, withIntermediateDirectories: true) }
        try make(oldBundle.appendingPathComponent("manifest.json"), age: 30 * 60)
        try make(liveBundle.appendingPathComponent("manifest.json"), age: 10)
        for b in [oldBundle, liveBundle] { try fm.setAttributes([.modificationDate: now.addingTimeInterval(-30 * 60)], ofItemAtPath: b.path) }

        XCTAssertEqual(files.purge(olderThan: SessionGate.transientMaxAge, now: now), 2)
        XCTAssertEqual(Set(files.items().map(\.lastPathComponent)), ["new.pdf", "case-live"])

        // Only files inside the folders are deleted one by one.
        let outside = tmp.appendingPathComponent("store-file")
        try make(outside, age: 0)
        XCTAssertFalse(files.delete(outside))
        XCTAssertTrue(fm.fileExists(atPath: outside.path))
        XCTAssertFalse(files.delete(exports.appendingPathComponent("../store-file")))
        XCTAssertTrue(fm.fileExists(atPath: outside.path))
        XCTAssertTrue(files.delete(documents.appendingPathComponent("new.pdf")))

        XCTAssertEqual(files.purgeAll(), 1)
        XCTAssertTrue(files.items().isEmpty)
        XCTAssertTrue(fm.fileExists(atPath: exports.path) && fm.fileExists(atPath: documents.path))
    }

    @MainActor
    func testCourtBundleLeavesOnlyWhenConfirmedAndIsDeletedAfter() async throws {
        let scene = try await Scene.make(in: storeDir)
        // Sharing is an act of a signed-in profile (the core records who let the bundle out).
        try scene.session.store.signInFirstSupervisor()
        let vm = VerifyExportViewModel(session: scene.session, caseId: scene.caseId, language: .en)
        let exports = tmp.appendingPathComponent("exports")
        _ = try await unwrapped { await vm.export(to: exports) }
        let bundle = try XCTUnwrap(vm.bundleURL)
        XCTAssertTrue(FileManager.default.fileExists(atPath: bundle.path))

        vm.askToShare()
        XCTAssertTrue(vm.confirmingShare)
        vm.cancelShare()
        XCTAssertFalse(vm.confirmingShare)
        XCTAssertTrue(FileManager.default.fileExists(atPath: bundle.path), "cancelled: nothing left the app, the bundle stays for now")

        vm.askToShare()
        let handed = try await unwrapped { await vm.confirmShare() }
        XCTAssertEqual(handed, bundle)
        vm.sharingFinished()
        XCTAssertFalse(FileManager.default.fileExists(atPath: bundle.path), "deleted as soon as the share sheet closes")
        XCTAssertNil(vm.export)
        vm.askToShare()
        XCTAssertFalse(vm.confirmingShare, "nothing left to share")

        // A bundle deleted under the screen (a lock purged it) is not offered.
        _ = try await unwrapped { await vm.export(to: tmp.appendingPathComponent("exports2")) }
        try FileManager.default.removeItem(at: try XCTUnwrap(vm.bundleURL))
        vm.askToShare()
        let purged = await vm.confirmShare()
        XCTAssertNil(purged)
        XCTAssertNil(vm.export)
    }

    // MARK: helpers

    /// Every screen's view model with the case loaded and forms half typed.
    @MainActor
    private func loadedViewModels(_ scene: Scene) async throws -> [ViewModel] {
        let s = scene.session, c = scene.caseId
        let first = StatementViewModel(session: s, caseId: c, language: .en)
        await first.load()
        first.personId = scene.survivor.id
        first.text = "She said (synthetic)"
        _ = try await unwrapped { await first.submit() }
        let cases = CaseListViewModel(session: s, language: .en); await cases.refresh()
        let newCase = NewCaseViewModel(session: s, language: .en); newCase.survivorName = "Aigerim Testova"; newCase.survivorIin = Synthetic.survivorIin
        let people = PeopleViewModel(session: s, caseId: c, language: .en); await people.load(); people.address = "Synthetic street 2"
        let statements = StatementViewModel(session: s, caseId: c, language: .en); await statements.load(); statements.text = "She said (synthetic) more"
        let check = CheckPersonViewModel(session: s, currentCase: c, language: .en); check.iin = Synthetic.aggressorIin; _ = await check.check()
        check.name = "Nurlan Sampleuly"
        let order = OrderViewModel(session: s, caseId: c, language: .en); await order.load(); order.survivorOpinion = "Aigerim agrees"
        let referrals = ReferralsViewModel(session: s, caseId: c, language: .en); await referrals.load(); referrals.note = "Aigerim asked"
        let interventions = InterventionsViewModel(session: s, caseId: c, language: .en); await interventions.load()
        let due = DueThisWeekViewModel(session: s, language: .en); await due.load()
        let form = AssessmentFormViewModel(session: s, caseId: c, language: .en); await form.load(); form.notes = "clinical note (synthetic)"
        let summary = AssessmentSummaryViewModel(session: s, caseId: c, language: .en); await summary.load()
        let capture = CaptureViewModel(session: s, caseId: c, language: .en); await capture.load(); capture.note = "Synthetic street bruise"
        let signIn = SignInViewModel(session: s, language: .en); await signIn.load(); signIn.pin = Synthetic.supervisorPin
        let verify = VerifyExportViewModel(session: s, caseId: c, language: .en)
        _ = await verify.export(to: tmp.appendingPathComponent("exports"))
        let qr = OrderQrViewModel(session: s, language: .en)
        let sync = SyncViewModel(session: s, language: .en); sync.code = "ABCD-EFGH"
        return [cases, newCase, people, statements, check, order, referrals, interventions, due, form, summary, capture, signIn, verify, qr, sync]
    }

    /// The needles found anywhere in `value`'s stored properties (its class chain, nested values,
    /// collections, enum payloads), except the session itself (the device officer, not a case).
    static func personalStrings(in value: Any) -> Set<String> {
        var found = Set<String>()
        var seen = Set<ObjectIdentifier>()
        func visit(_ v: Any, depth: Int) {
            guard depth < 14 else { return }
            if let s = v as? String {
                for n in needles where s.contains(n) { found.insert(n) }
                return
            }
            if v is FieldSession || v is QorgauStore { return }
            let mirror = Mirror(reflecting: v)
            if mirror.displayStyle == .class, let o = v as AnyObject? {
                let id = ObjectIdentifier(o)
                if seen.contains(id) { return }
                seen.insert(id)
            }
            var m: Mirror? = mirror
            while let cur = m {
                for child in cur.children where child.label != "session" && child.label != "onChange" {
                    visit(child.value, depth: depth + 1)
                }
                m = cur.superclassMirror
            }
        }
        visit(value, depth: 0)
        return found
    }
}
