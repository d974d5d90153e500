import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// Issue 11 (iOS), against the real library: the first profile on a phone is the supervisor's
/// and nothing is created unless a supervisor is signed in; a psychologist added while a
/// colleague holds the clinical key waits until that colleague, signed in, hands it over with
/// the newcomer's own PIN; sharing a court bundle is confirmed, written to the custody chain
/// before the share sheet is offered, refused with nobody signed in, and the bundle is deleted
/// when the share ends.
final class ClinicalKeyAndShareTests: TempDirTestCase {
    static let psyPin = "480917", newPsyPin = "519283", officerPin = Synthetic.officerPin

    private static func permissionDenied(_ e: QorgauError) -> Bool {
        if case .PermissionDenied = e { return true }
        return false
    }

    // MARK: who creates profiles

    func testFirstProfileMustBeASupervisorAndNothingIsCreatedWithoutOneSignedIn() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)

        // A fresh phone: every other role is refused as the first profile, nothing is stored.
        for (role, badge) in [(TeamRole.officer, "KZ-DEMO-0417"), (.psychologist, "KZ-DEMO-PSY-02"), (.socialWorker, "KZ-DEMO-SW-1")] {
            do {
                _ = try store.createProfile(role: role, name: "Synthetic \(badge)", badge: badge, pin: "864203")
                XCTFail("\(role) created as the first profile")
            } catch let e as QorgauError {
                XCTAssertTrue(Self.permissionDenied(e), "\(role): \(e)")
                XCTAssertEqual(QorgauAppError(e, language: .en).kind, .permissionDenied)
            }
        }
        XCTAssertTrue(try store.profiles().isEmpty)

        // The supervisor first (anyone holding the phone at set-up may do this once).
        let supervisor = try store.createProfile(role: .supervisor, name: Synthetic.supervisorName, badge: Synthetic.supervisorBadge, pin: Synthetic.supervisorPin)
        XCTAssertEqual(supervisor.role, .supervisor)
        XCTAssertFalse(supervisor.clinicalAccess)

        // Nobody signed in: no role at all, not even a second supervisor.
        XCTAssertNil(store.currentProfile())
        for role in TeamRole.allInOrder {
            XCTAssertQorgauError(try store.createProfile(role: role, name: "Intruder", badge: "KZ-DEMO-X-\(role)", pin: "864203"),
                                 "PermissionDenied (\(role))", Self.permissionDenied)
        }
        do {
            _ = try store.createProfile(role: .officer, name: "Intruder", badge: "KZ-DEMO-X", pin: "864203")
        } catch {
            XCTAssertEqual(QorgauAppError(error, language: .en).kind, .permissionDenied)
        }
        XCTAssertEqual(try store.profiles().count, 1)

        // The supervisor signed in adds the team.
        _ = try store.unlockProfile(profileId: supervisor.id, pin: Synthetic.supervisorPin)
        let officer = try store.createProfile(role: .officer, name: "Aibek Demoulin", badge: Synthetic.officerBadge, pin: Self.officerPin)
        let psy = try store.createProfile(role: .psychologist, name: "Saule Examplova", badge: "KZ-DEMO-PSY-02", pin: Self.psyPin)
        XCTAssertTrue(psy.clinicalAccess, "the first psychologist's profile creates the clinical key")
        XCTAssertFalse(officer.clinicalAccess)

        // Any other profile signed in: refused, for every role.
        for (profile, pin) in [(officer, Self.officerPin), (psy, Self.psyPin)] {
            store.lockProfile()
            XCTAssertEqual(try store.unlockProfile(profileId: profile.id, pin: pin).id, profile.id)
            for role in TeamRole.allInOrder {
                XCTAssertQorgauError(try store.createProfile(role: role, name: "Other", badge: "KZ-DEMO-Y-\(role)", pin: "864203"),
                                     "PermissionDenied (\(profile.role) creating \(role))", Self.permissionDenied)
            }
        }
        XCTAssertEqual(try store.profiles().map(\.role), [.supervisor, .officer, .psychologist])
    }

    @MainActor
    func testFreshPhoneOffersOnlyTheSupervisorThroughTheSignInScreenAndTheGate() async throws {
        let s = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let gate = SessionGate(session: s, language: .ru)
        await gate.start()
        XCTAssertEqual(gate.screen, .setUp)
        XCTAssertEqual(gate.newProfileRoles, [.supervisor])

        let signIn = SignInViewModel(session: s, language: .kk)
        await signIn.load()
        XCTAssertEqual(signIn.newProfileRoles, [.supervisor])
        for role in [TeamRole.officer, .psychologist, .socialWorker] {
            let refused = await signIn.createProfile(role: role, name: "Synthetic first", badge: "KZ-DEMO-F-\(role)", pin: "864203")
            XCTAssertNil(refused, "\(role)")
            XCTAssertEqual(signIn.error?.kind, .permissionDenied)
        }
        XCTAssertTrue(try s.store.profiles().isEmpty)

        // The gate's set-up: the supervisor, signed in at once; the sign-in screen now offers
        // every role to that supervisor only.
        let sup = try await unwrapped { await gate.createFirstSupervisor(name: Synthetic.supervisorName, badge: Synthetic.supervisorBadge, pin: Synthetic.supervisorPin) }
        XCTAssertEqual(gate.screen, .content)
        await signIn.load()
        XCTAssertEqual(signIn.current?.id, sup.id)
        XCTAssertEqual(signIn.newProfileRoles, TeamRole.allInOrder)
        gate.signOut()
        await signIn.load()
        XCTAssertEqual(signIn.newProfileRoles, [])
        let anonymous = await signIn.createProfile(role: .officer, name: "Aibek Demoulin", badge: Synthetic.officerBadge, pin: Self.officerPin)
        XCTAssertNil(anonymous)
        XCTAssertEqual(signIn.error?.kind, .permissionDenied)
        XCTAssertEqual(try s.store.profiles().count, 1)
    }

    // MARK: handing over the clinical key

    @MainActor
    func testSecondPsychologistWaitsForTheClinicalKeyUntilAColleagueHandsItOver() async throws {
        let scene = try await Scene.make(in: storeDir)
        let s = scene.session
        let signIn = SignInViewModel(session: s, language: .en)
        func signInAs(_ p: Profile, _ pin: String) async throws {
            await signIn.signOut()
            signIn.selectedId = p.id
            signIn.pin = pin
            let unlocked = try await unwrapped { await signIn.unlock() }
            XCTAssertEqual(unlocked.id, p.id)
        }

        // The supervisor adds two psychologists and an officer.
        let sup = try await unwrapped { await signIn.createProfile(role: .supervisor, name: Synthetic.supervisorName, badge: Synthetic.supervisorBadge, pin: Synthetic.supervisorPin) }
        try await signInAs(sup, Synthetic.supervisorPin)
        let psy = try await unwrapped { await signIn.createProfile(role: .psychologist, name: "Saule Examplova", badge: "KZ-DEMO-PSY-02", pin: Self.psyPin) }
        let newPsy = try await unwrapped { await signIn.createProfile(role: .psychologist, name: "Madina Newcomerova", badge: "KZ-DEMO-PSY-03", pin: Self.newPsyPin) }
        let officer = try await unwrapped { await signIn.createProfile(role: .officer, name: "Aibek Demoulin", badge: Synthetic.officerBadge, pin: Self.officerPin) }
        XCTAssertTrue(psy.clinicalAccess)
        XCTAssertFalse(newPsy.clinicalAccess, "a colleague already holds the key: she waits for it")
        XCTAssertEqual(signIn.waitingForClinicalKey.map(\.id), [newPsy.id], "the profile list marks her as waiting")
        XCTAssertFalse(signIn.holdsClinicalKey)
        XCTAssertFalse(signIn.canHandOverClinicalKey, "the supervisor is not offered the hand-over")

        // The first psychologist records an assessment with clinical notes.
        try await signInAs(psy, Self.psyPin)
        let form = AssessmentFormViewModel(session: s, caseId: scene.caseId, language: .en)
        await form.load()
        let dash = try XCTUnwrap(form.instrument)
        for (i, item) in dash.items.enumerated() { form.setAnswer(i < 11 ? .yes : .no, for: item.id) }
        let note = "clinical note (synthetic): disclosed a threat"
        form.notes = note
        let recorded = try await unwrapped { await form.submit() }.record

        // The newcomer signed in: no notes, no recording, and she cannot hand the key to herself.
        try await signInAs(newPsy, Self.newPsyPin)
        XCTAssertEqual(signIn.current?.clinicalAccess, false)
        XCTAssertFalse(signIn.canHandOverClinicalKey)
        let summary = AssessmentSummaryViewModel(session: s, caseId: scene.caseId, language: .en)
        await summary.load()
        XCTAssertEqual(summary.latest?.id, recorded.id, "the level is shown to her as to everyone")
        guard case let .psychologistsOnly(denied) = await summary.openDetail(recorded.id) else { return XCTFail("the newcomer read the notes") }
        XCTAssertEqual(denied.kind, .clinicalKeyPending, "told she waits for the key, not 'psychologists only'")
        for (i, item) in dash.items.enumerated() { form.setAnswer(i < 3 ? .yes : .no, for: item.id) }
        let notRecorded = await form.submit()
        XCTAssertNil(notRecorded)
        XCTAssertEqual(form.error?.kind, .clinicalKeyPending)
        XCTAssertEqual(form.access, .psychologistsOnly)
        signIn.beginHandOver(to: newPsy.id)
        signIn.handOverPin = Self.newPsyPin
        let toHerself = await signIn.handOverClinicalKey()
        XCTAssertNil(toHerself)
        XCTAssertEqual(signIn.error?.kind, .permissionDenied)

        // The supervisor cannot hand it over either (the key is not the supervisor's to give).
        try await signInAs(sup, Synthetic.supervisorPin)
        signIn.beginHandOver(to: newPsy.id)
        signIn.handOverPin = Self.newPsyPin
        let bySupervisor = await signIn.handOverClinicalKey()
        XCTAssertNil(bySupervisor)
        XCTAssertEqual(signIn.error?.kind, .permissionDenied)
        XCTAssertEqual(try s.store.profiles().first { $0.id == newPsy.id }?.clinicalAccess, false)

        // The psychologist who holds the key, signed in: offered the hand-over to the newcomer.
        try await signInAs(psy, Self.psyPin)
        XCTAssertTrue(signIn.holdsClinicalKey)
        XCTAssertTrue(signIn.canHandOverClinicalKey)
        XCTAssertEqual(signIn.waitingForClinicalKey.map(\.id), [newPsy.id])

        // Not a psychologist: refused by the core.
        signIn.beginHandOver(to: officer.id)
        signIn.handOverPin = Self.officerPin
        let toOfficer = await signIn.handOverClinicalKey()
        XCTAssertNil(toOfficer)
        XCTAssertEqual(signIn.error?.kind, .invalidInput(field: "profile"))

        // The newcomer types a wrong PIN: refused, counted towards her lock-out.
        signIn.beginHandOver(to: newPsy.id)
        XCTAssertEqual(signIn.handOverTarget?.name, "Madina Newcomerova")
        XCTAssertFalse(signIn.canHandOver, "no PIN typed yet")
        signIn.handOverPin = "00-09 99"
        XCTAssertEqual(signIn.handOverPin, "000999", "digits only")
        XCTAssertTrue(signIn.canHandOver)
        let wrong = await signIn.handOverClinicalKey()
        XCTAssertNil(wrong)
        XCTAssertEqual(signIn.error?.kind, .wrongPin(attemptsLeft: 4))
        XCTAssertEqual(signIn.handOverAttemptsLeft, 4)
        XCTAssertEqual(signIn.handOverPin, "", "the PIN field is cleared after every attempt")
        XCTAssertEqual(signIn.profiles.first { $0.id == newPsy.id }?.failedAttempts, 1)
        XCTAssertEqual(try s.store.profiles().first { $0.id == newPsy.id }?.failedAttempts, 1)
        XCTAssertEqual(s.store.currentProfile()?.id, psy.id, "the key holder stays signed in")

        // Her right PIN: the key is hers too.
        signIn.handOverPin = Self.newPsyPin
        let granted = try await unwrapped { await signIn.handOverClinicalKey() }
        XCTAssertEqual(granted.id, newPsy.id)
        XCTAssertTrue(granted.clinicalAccess)
        XCTAssertEqual(granted.failedAttempts, 0)
        XCTAssertEqual(signIn.handedOver?.id, newPsy.id)
        XCTAssertNil(signIn.handOverTargetId)
        XCTAssertNil(signIn.error)
        XCTAssertTrue(signIn.waitingForClinicalKey.isEmpty)
        XCTAssertFalse(signIn.canHandOverClinicalKey, "nobody waits any more")

        // Only once.
        signIn.beginHandOver(to: newPsy.id)
        signIn.handOverPin = Self.newPsyPin
        let twice = await signIn.handOverClinicalKey()
        XCTAssertNil(twice)
        XCTAssertEqual(signIn.error?.kind, .conflict)

        // The newcomer now reads the notes.
        try await signInAs(newPsy, Self.newPsyPin)
        XCTAssertEqual(signIn.current?.clinicalAccess, true)
        guard case let .loaded(detail) = await summary.openDetail(recorded.id) else { return XCTFail("still refused after the hand-over") }
        XCTAssertEqual(detail.clinical.notes, note)

        // A lock forgets the colleague's PIN and the hand-over state along with everything else.
        signIn.beginHandOver(to: newPsy.id)
        signIn.handOverPin = Self.newPsyPin
        signIn.forget()
        XCTAssertNil(signIn.handOverTargetId)
        XCTAssertEqual(signIn.handOverPin, "")
        XCTAssertNil(signIn.handedOver)

        let caseId = scene.caseId
        let report = try await s.perform { try $0.verify(caseId: caseId) }
        XCTAssertTrue(report.ok)
    }

    // MARK: sharing the court bundle

    @MainActor
    func testSharingTheCourtBundleIsRecordedInTheCustodyChainBeforeTheShareSheet() async throws {
        let scene = try await Scene.make(in: storeDir)
        let s = scene.session, caseId = scene.caseId
        let vm = VerifyExportViewModel(session: s, caseId: caseId, language: .en)
        _ = try await unwrapped { await vm.export(to: tmp.appendingPathComponent("exports")) }
        let bundle = try XCTUnwrap(vm.bundleURL)
        func custody() async throws -> [CustodyEntry] { try await s.perform { try $0.custodyLog(caseId: caseId) } }
        let before = try await custody()

        // Nobody signed in: confirmed, but refused; no share sheet, nothing written, the bundle stays.
        XCTAssertNil(s.store.currentProfile())
        vm.askToShare()
        XCTAssertTrue(vm.confirmingShare, "sharing asks for confirmation first")
        let refused = await vm.confirmShare()
        XCTAssertNil(refused, "no share sheet")
        XCTAssertFalse(vm.confirmingShare)
        XCTAssertEqual(vm.error?.kind, .permissionDenied)
        XCTAssertNil(vm.sharedEntrySeq)
        XCTAssertTrue(FileManager.default.fileExists(atPath: bundle.path))
        let afterRefusal = try await custody()
        XCTAssertEqual(afterRefusal.count, before.count)
        XCTAssertFalse(afterRefusal.contains { $0.entry.kind == .bundleShared })

        // Cancelled: nothing written either.
        try s.store.signInFirstSupervisor()
        vm.askToShare()
        XCTAssertNil(vm.error, "asking again clears the refusal")
        vm.cancelShare()
        let afterCancel = try await custody()
        XCTAssertEqual(afterCancel.count, before.count)

        // Signed in and confirmed: the custody entry is written, then the bundle is offered.
        vm.askToShare()
        let handed = try await unwrapped { await vm.confirmShare() }
        XCTAssertEqual(handed, bundle)
        XCTAssertTrue(FileManager.default.fileExists(atPath: bundle.path), "offered to the share sheet")
        let log = try await custody()
        XCTAssertEqual(log.count, before.count + 1)
        let last = try XCTUnwrap(log.last)
        XCTAssertEqual(last.entry.kind, .bundleShared)
        XCTAssertEqual(last.entry.actor, Synthetic.supervisorBadge)
        XCTAssertEqual(last.entry.seq, vm.sharedEntrySeq)
        XCTAssertTrue(last.detail?.contains(VerifyExportViewModel.shareDestination) ?? false, last.detail ?? "no detail")
        XCTAssertEqual(last.signature.count, 64)

        // The share sheet closed: the bundle is deleted from the phone.
        vm.sharingFinished()
        XCTAssertFalse(FileManager.default.fileExists(atPath: bundle.path))
        XCTAssertNil(vm.export)
        XCTAssertNil(vm.sharedEntrySeq)
        let report = try await s.perform { try $0.verify(caseId: caseId) }
        XCTAssertTrue(report.ok, "the chain with the share entry verifies")
    }

    func testRecordBundleSharedRefusesNobodySignedInAndBadDestinations() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        let caseId = try store.openCase(newCase: Synthetic.neighbourReport).record.id
        XCTAssertQorgauError(try store.recordBundleShared(caseId: caseId, to: "share sheet"), "PermissionDenied", Self.permissionDenied)
        try store.signInFirstSupervisor()
        let badTo: (QorgauError) -> Bool = { if case let .InvalidInput(field, _) = $0 { return field == "to" }; return false }
        for to in ["", "   ", String(repeating: "a", count: 101), "mail\nto someone", "AirDrop\u{7}"] {
            XCTAssertQorgauError(try store.recordBundleShared(caseId: caseId, to: to), "InvalidInput(to) for \(to.debugDescription)", badTo)
        }
        do {
            _ = try store.recordBundleShared(caseId: caseId, to: "")
        } catch {
            XCTAssertEqual(QorgauAppError(error, language: .en).kind, .invalidInput(field: "to"))
        }
        XCTAssertFalse(try store.custodyLog(caseId: caseId).contains { $0.entry.kind == .bundleShared })
        let seq = try store.recordBundleShared(caseId: caseId, to: String(repeating: "a", count: 100))
        XCTAssertEqual(try store.custodyLog(caseId: caseId).last?.entry.seq, seq)
        XCTAssertEqual(try store.custodyLog(caseId: caseId).last?.entry.kind, .bundleShared)
    }
}
