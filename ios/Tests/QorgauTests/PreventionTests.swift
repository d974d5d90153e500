import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// Referrals with consent (and its withdrawal), interventions and what is due this week.
final class PreventionTests: TempDirTestCase {
    @MainActor
    func testReferralNeedsConsentAndWithdrawalClosesIt() async throws {
        let scene = try await Scene.make(in: storeDir)
        let vm = ReferralsViewModel(session: scene.session, caseId: scene.caseId, language: .en)
        await vm.load()
        XCTAssertEqual(vm.personId, scene.survivor.id)

        vm.kind = .shelter
        vm.organisation = "Synthetic Refuge (Astana)"
        vm.childrenPlaced = 1
        vm.consentLanguage = .kk
        XCTAssertTrue(vm.consentQuestion.contains("баспанаға"), vm.consentQuestion)
        XCTAssertFalse(vm.canSubmit, "no consent recorded yet")
        // A screen would not send it; the core refuses it as well.
        let without = await vm.submit()
        XCTAssertNil(without)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "consent"))

        vm.consentGiven = true
        XCTAssertTrue(vm.canSubmit)
        let made = try await unwrapped { await vm.submit() }
        XCTAssertNil(vm.error)
        XCTAssertEqual(made.record.kind, .shelter)
        XCTAssertEqual(made.record.childrenPlaced, 1)
        XCTAssertFalse(vm.consentGiven, "consent is asked again for the next referral")
        let id = made.record.id
        XCTAssertEqual(vm.referrals.map(\.status), [.proposed])
        XCTAssertEqual(ReferralsViewModel.nextStatuses(try XCTUnwrap(vm.referrals.first)), [.accepted, .inProgress, .completed, .declined, .cancelled])

        let accepted = await vm.setStatus(id, .accepted, note: "A bed is free (synthetic)")
        XCTAssertNotNil(accepted)
        XCTAssertEqual(vm.referrals.first?.status, .accepted)
        let withdrawn = await vm.withdrawConsent(id, reason: "She changed her mind (synthetic)")
        XCTAssertNotNil(withdrawn)
        let state = try XCTUnwrap(vm.referrals.first)
        XCTAssertEqual(state.status, .cancelled)
        XCTAssertFalse(state.consentActive)
        XCTAssertEqual(state.updates.count, 2)
        XCTAssertEqual(ReferralsViewModel.nextStatuses(state), [])
        let late = await vm.setStatus(id, .inProgress)
        XCTAssertNil(late)
        XCTAssertEqual(vm.error?.kind, .conflict)

        // Consent is per referral: changing its kind asks again. Children only go to a shelter or
        // crisis centre.
        vm.consentGiven = true
        vm.kind = .legalAid
        XCTAssertFalse(vm.consentGiven)
        vm.organisation = "Synthetic Legal Aid"
        vm.childrenPlaced = 2
        vm.consentGiven = true
        XCTAssertFalse(vm.canSubmit)
        vm.childrenPlaced = 0
        XCTAssertTrue(vm.canSubmit)

        let caseId = scene.caseId
        let kinds = try await scene.session.perform { try $0.custodyLog(caseId: caseId).map(\.entry.kind) }
        XCTAssertEqual(kinds.filter { $0 == .referralMade }.count, 1)
        XCTAssertEqual(kinds.filter { $0 == .referralUpdated }.count, 2)
    }

    @MainActor
    func testInterventionsAndWhatIsDueThisWeek() async throws {
        let scene = try await Scene.make(in: storeDir)
        let today = try XCTUnwrap(Dates.date("2026-11-20"))
        let vm = InterventionsViewModel(session: scene.session, caseId: scene.caseId, language: .ru, today: today)
        await vm.load()
        XCTAssertEqual(vm.personId, scene.aggressor.id)
        XCTAssertEqual(Dates.naive(vm.date), "2026-11-20")
        vm.kind = .preventiveTalk
        vm.outcome = "Explained the order and the consequences (synthetic)"
        vm.nextCheck = DateComponents(year: 2026, month: 11, day: 19)
        XCTAssertFalse(vm.canSubmit, "the next check comes after the talk")
        vm.nextCheck = DateComponents(year: 2026, month: 11, day: 23)
        XCTAssertTrue(vm.canSubmit)
        let talk = await vm.submit()
        XCTAssertEqual(talk?.record.nextCheck, "2026-11-23")
        XCTAssertEqual(talk?.record.officer, Synthetic.officer.badge)
        XCTAssertEqual(vm.interventions.count, 1)
        XCTAssertEqual(vm.outcome, "")

        let due = DueThisWeekViewModel(session: scene.session, language: .ru)
        await due.load(fromDate: "2026-11-22")
        XCTAssertNil(due.error)
        XCTAssertEqual(due.thisWeek.count, 1)
        XCTAssertTrue(due.overdue.isEmpty)
        let item = try XCTUnwrap(due.thisWeek.first)
        XCTAssertEqual(item.due, "2026-11-23")
        XCTAssertEqual(due.name(item), "Nurlan Sampleuly")
        guard case .interventionFollowUp = item.reason else { return XCTFail("\(item.reason)") }
        await due.load(fromDate: "2026-11-25")
        XCTAssertEqual(due.overdue.map(\.due), ["2026-11-23"])

        // The home visit on the due day settles it.
        vm.kind = .homeVisit
        vm.date = DateComponents(year: 2026, month: 11, day: 23)
        vm.outcome = "Visited; calm (synthetic)"
        let visit = await vm.submit()
        XCTAssertNotNil(visit)
        await due.load(fromDate: "2026-11-25")
        XCTAssertTrue(due.items.isEmpty)

        vm.outcome = " "
        XCTAssertFalse(vm.canSubmit)
    }

    func testDates() {
        XCTAssertEqual(Dates.naive(DateComponents(year: 2026, month: 3, day: 2)), "2026-03-02")
        XCTAssertNil(Dates.naive(DateComponents(year: 2026, month: 3)))
        XCTAssertEqual(Dates.components("1990-11-02"), DateComponents(year: 1990, month: 11, day: 2))
        XCTAssertEqual(Dates.rfc3339("2026-11-25T10:40:00.123456789+00:00")?.timeIntervalSince1970 ?? 0, 1_795_603_200.123, accuracy: 0.001)
        XCTAssertEqual(Dates.rfc3339("2026-11-25T10:40:00Z")?.timeIntervalSince1970, 1_795_603_200)
        XCTAssertEqual(Dates.rfc3339("2026-11-25T15:40:00+05:00")?.timeIntervalSince1970, 1_795_603_200)
        XCTAssertNil(Dates.rfc3339("25.11.2026"))
        XCTAssertEqual(Dates.unix(1_795_603_200), Dates.rfc3339("2026-11-25T10:40:00Z"))
    }
}
