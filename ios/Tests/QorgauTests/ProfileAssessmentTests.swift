import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// Profiles with PINs and risk assessments, with the access rules the core enforces: every role
/// sees the level; only a signed-in psychologist records an assessment or reads its answers and
/// notes, and every other attempt to read them is refused and written to the custody log.
final class ProfileAssessmentTests: TempDirTestCase {
    @MainActor
    func testWrongPinsCountDownThenLockTheProfile() async throws {
        let s = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let vm = SignInViewModel(session: s, language: .en)
        await vm.load()
        XCTAssertTrue(vm.profiles.isEmpty)
        XCTAssertNil(vm.current)

        // The first profile is the supervisor's (issue 11); the PIN rules apply to it too.
        let easy = await vm.createProfile(role: .supervisor, name: "Dana Supervisorova", badge: "KZ-DEMO-0417", pin: "123456")
        XCTAssertNil(easy)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "pin"))
        let short = await vm.createProfile(role: .supervisor, name: "Dana Supervisorova", badge: "KZ-DEMO-0417", pin: "2704")
        XCTAssertNil(short)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "pin"))
        let profile = try await unwrapped { await vm.createProfile(role: .supervisor, name: "Dana Supervisorova", badge: "KZ-DEMO-0417", pin: "270415") }
        vm.pin = "270415"
        _ = try await unwrapped { await vm.unlock() }
        let duplicate = await vm.createProfile(role: .officer, name: "Other", badge: "KZ-DEMO-0417", pin: "864203")
        XCTAssertNil(duplicate)
        XCTAssertEqual(vm.error?.kind, .conflict)
        await vm.signOut()
        XCTAssertEqual(vm.selectedId, profile.id)

        // Only digits, at most 12.
        vm.pin = "12-34 56 78 90 12 34"
        XCTAssertEqual(vm.pin, "123456789012")
        vm.pin = "2704"
        XCTAssertFalse(vm.canUnlock(), "too short to try")

        for left in stride(from: UInt32(4), through: 1, by: -1) {
            vm.pin = "000999"
            XCTAssertTrue(vm.canUnlock())
            let p = await vm.unlock()
            XCTAssertNil(p)
            XCTAssertEqual(vm.attemptsLeft, left)
            XCTAssertEqual(vm.error?.kind, .wrongPin(attemptsLeft: left))
            XCTAssertTrue(vm.error?.message.contains("\(left)") == true, vm.error?.message ?? "nil")
            XCTAssertEqual(vm.pin, "", "the PIN field is cleared after every attempt")
            XCTAssertNil(vm.lockedUntil(now: Date()))
        }
        vm.pin = "000999"
        let fifth = await vm.unlock()
        XCTAssertNil(fifth)
        let until = try XCTUnwrap(vm.lockedUntil(now: Date()))
        XCTAssertEqual(until.timeIntervalSinceNow, 5 * 60, accuracy: 30)
        XCTAssertEqual(vm.attemptsLeft, 0)
        // The core's lock-out is a time (not text): in the future, about five minutes away.
        guard case let .profileLocked(lockedUntil)? = vm.error?.kind else { return XCTFail("\(String(describing: vm.error))") }
        XCTAssertGreaterThan(lockedUntil, Date())
        XCTAssertLessThanOrEqual(lockedUntil.timeIntervalSinceNow, 5 * 60 + 30)
        XCTAssertEqual(lockedUntil, until)
        XCTAssertTrue(vm.error?.isSecurityFailure ?? false)
        // Shown as local time in the officer's language.
        XCTAssertTrue(vm.error?.message.contains(UserMessages.localTime(lockedUntil, .en)) == true, vm.error?.message ?? "nil")
        vm.pin = "270415"
        XCTAssertFalse(vm.canUnlock(), "locked: even the right PIN is not tried")
        XCTAssertTrue(vm.canUnlock(now: until.addingTimeInterval(1)))

        // A fresh screen (after a restart) sees the lock from the profile list, and the core
        // refuses the right PIN while it lasts.
        let again = SignInViewModel(session: s, language: .ru)
        await again.load()
        XCTAssertEqual(again.selected?.failedAttempts, 5)
        XCTAssertNotNil(again.lockedUntil(now: Date()))
        again.pin = "270415"
        XCTAssertFalse(again.canUnlock())
        let forced = await again.unlock()
        XCTAssertNil(forced)
        guard case let .profileLocked(stillUntil)? = again.error?.kind else { return XCTFail("\(String(describing: again.error))") }
        XCTAssertEqual(stillUntil.timeIntervalSince(until), 0, accuracy: 1, "the same lock-out, read after a restart")
        XCTAssertEqual(again.error?.message, QorgauAppError(kind: .profileLocked(until: stillUntil), language: .ru).message)
        XCTAssertNil(s.store.currentProfile())
    }

    /// The core's pure preview of a form in progress: unanswered items count as "no" and are
    /// counted; it stores nothing, needs no one signed in, and agrees with the recorded score
    /// once the form is complete. Refusals come back by kind.
    func testScorePreviewOfAPartialForm() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        let dash = try XCTUnwrap(try store.instruments().first { $0.id == "dash-style-kz" })
        let required = UInt32(dash.items.filter(\.required).count)
        func preview(_ answers: [String: Answer]) throws -> ScorePreview {
            try store.scorePreview(instrumentId: dash.id, version: dash.version, answers: answers, calendar: [])
        }
        let empty = try preview([:])
        XCTAssertEqual(empty.score, 0)
        XCTAssertEqual(empty.unanswered, required)
        XCTAssertEqual(empty.level, "standard")
        XCTAssertEqual(empty.levelRank, 0)

        // Eleven "yes" out of the first twelve, the rest unanswered: medium already.
        var partial: [String: Answer] = [:]
        for (i, item) in dash.items.prefix(12).enumerated() { partial[item.id] = i < 11 ? .yes : .dontKnow }
        let p = try preview(partial)
        XCTAssertEqual(p.score, dash.items.prefix(11).reduce(0) { $0 + $1.weight })
        XCTAssertEqual(p.unanswered, required - 12)
        XCTAssertEqual(p.level, "medium")
        XCTAssertEqual(p.levelRank, 1)
        XCTAssertEqual(dash.bands[Int(p.levelRank)].level, p.level)

        // Complete: nothing left.
        var all = partial
        for item in dash.items where all[item.id] == nil { all[item.id] = .no }
        XCTAssertEqual(try preview(all).unanswered, 0)
        XCTAssertEqual(try preview(all).score, p.score)
        XCTAssertEqual(try store.custodyLog(caseId: try store.openCase(newCase: Synthetic.neighbourReport).record.id).count, 1,
                       "a preview writes nothing")

        // Refusals by kind: an item the instrument does not have, an instrument version it does not know.
        XCTAssertQorgauError(try preview(["no-such-item": .yes]), "InvalidInput(answers)") {
            if case let .InvalidInput(field, _) = $0 { return field == "answers" }
            return false
        }
        XCTAssertQorgauError(try store.scorePreview(instrumentId: dash.id, version: "9.9.9", answers: [:], calendar: []), "NotFound") {
            if case .NotFound = $0 { return true }
            return false
        }
    }

    @MainActor
    func testPsychologistRecordsAndReadsNotesOtherRolesSeeTheLevelOnly() async throws {
        let scene = try await Scene.make(in: storeDir)
        let s = scene.session
        let signIn = SignInViewModel(session: s, language: .en)
        // The supervisor first (issue 11: after it only a signed-in supervisor adds profiles).
        let lead = try await unwrapped { await signIn.createProfile(role: .supervisor, name: "Marat Lead", badge: "KZ-DEMO-SUP-1", pin: "864203") }
        signIn.selectedId = lead.id
        signIn.pin = "864203"
        _ = try await unwrapped { await signIn.unlock() }
        let psy = try await unwrapped { await signIn.createProfile(role: .psychologist, name: "Saule Examplova", badge: "KZ-DEMO-PSY-02", pin: "480917") }
        var others: [(Profile, String)] = []
        for (role, name, badge, pin) in [(TeamRole.officer, "Aibek Demoulin", "KZ-DEMO-0417", "270415"),
                                         (.socialWorker, "Dina Casework", "KZ-DEMO-SW-1", "735190")] {
            others.append((try await unwrapped { await signIn.createProfile(role: role, name: name, badge: badge, pin: pin) }, pin))
        }
        others.append((lead, "864203"))
        await signIn.signOut()
        XCTAssertEqual(signIn.profiles.map(\.role), [.supervisor, .psychologist, .officer, .socialWorker])

        // The DASH-style checklist in Kazakh: 11 "yes" → medium; raised to high with a reason.
        let form = AssessmentFormViewModel(session: s, caseId: scene.caseId, language: .kk)
        await form.load()
        let dash = try XCTUnwrap(form.instrument)
        XCTAssertEqual(dash.id, "dash-style-kz")
        XCTAssertEqual(form.survivorId, scene.survivor.id)
        XCTAssertEqual(form.answerOptions, [.yes, .no, .dontKnow])
        XCTAssertFalse(form.hasCalendar)
        XCTAssertEqual(form.text(dash.items[0]), "Жәбірленуші қазір, осы оқиғадан жарақат алды ма?")
        XCTAssertEqual(form.unanswered.count, 27)
        XCTAssertFalse(form.canSubmit)
        // The core's preview of the empty form: nothing scored yet, every question left.
        await form.previewSettled()
        XCTAssertEqual(form.preview?.score, 0)
        XCTAssertEqual(form.preview?.unanswered, 27)
        // A partial form: the preview follows each answer (unanswered count as "no").
        for (i, item) in dash.items.prefix(5).enumerated() {
            form.setAnswer(i < 4 ? .yes : .no, for: item.id)
        }
        await form.previewSettled()
        XCTAssertEqual(form.preview?.score, 4)
        XCTAssertEqual(form.preview?.unanswered, 22)
        XCTAssertEqual(form.questionsLeft, 22)
        XCTAssertEqual(form.previewBand?.level, "standard")
        XCTAssertEqual(form.previewLine, "Стандартты (балл 4) · қалған сұрақтар: 22")
        for (i, item) in dash.items.enumerated() {
            form.setAnswer(i < 11 ? .yes : (i == 20 ? .dontKnow : .no), for: item.id)
        }
        XCTAssertTrue(form.unanswered.isEmpty)
        await form.previewSettled()
        XCTAssertEqual(form.previewScore, 11)
        XCTAssertEqual(form.preview?.unanswered, 0)
        XCTAssertEqual(form.previewBand.map(form.label), "Орташа")
        XCTAssertEqual(form.previewLine, "Орташа (балл 11) · барлық сұраққа жауап берілді")
        form.language = .en
        XCTAssertEqual(form.previewLine, "Medium (score 11) · all questions answered")
        form.language = .kk
        XCTAssertEqual(form.overrideChoices.map(\.level), ["high"])
        form.overrideLevel = "high"
        XCTAssertFalse(form.canSubmit, "an override needs its reason")
        form.overrideReason = "Strangled last week, escalating (synthetic)"
        form.recommendProtectionOrder = true
        form.recommendShelter = true
        form.followUp = DateComponents(year: 2026, month: 12, day: 2)
        let note = "SECRET-NOTE (synthetic): disclosed a threat to kill"
        form.notes = note
        XCTAssertTrue(form.canSubmit)

        // Not signed in (the device's officer acts): the core refuses, the form keeps its content.
        let refused = await form.submit()
        XCTAssertNil(refused)
        XCTAssertEqual(form.access, .psychologistsOnly)
        XCTAssertEqual(form.error?.kind, .permissionDenied)
        XCTAssertTrue(form.unanswered.isEmpty)
        XCTAssertEqual(form.notes, note)

        signIn.selectedId = psy.id
        signIn.pin = "480917"
        let unlocked = await signIn.unlock()
        XCTAssertEqual(unlocked?.role, .psychologist)
        XCTAssertEqual(signIn.current?.id, psy.id)
        let recorded = try await unwrapped { await form.submit() }.record
        XCTAssertEqual(form.access, .allowed)
        XCTAssertEqual(recorded.score, 11)
        XCTAssertEqual(recorded.computedLevel, "medium")
        XCTAssertEqual(recorded.level, "high")
        XCTAssertTrue(recorded.overridden)
        XCTAssertEqual(recorded.assessedBy, "KZ-DEMO-PSY-02")
        XCTAssertEqual(recorded.recommendations, Recommendations(protectionOrder: true, shelter: true, arrestRequest: false, followUp: "2026-12-02"))
        XCTAssertEqual(form.notes, "", "the form is cleared")

        // The psychologist reads everything.
        let summary = AssessmentSummaryViewModel(session: s, caseId: scene.caseId, language: .ru)
        await summary.load()
        XCTAssertEqual(summary.assessments.map(\.id), [recorded.id])
        XCTAssertEqual(summary.levelLabel("high", instrumentId: "dash-style-kz"), "Высокий")
        let detail = await summary.openDetail(recorded.id)
        guard case let .loaded(d) = detail else { return XCTFail("\(detail)") }
        XCTAssertEqual(d.clinical.notes, note)
        XCTAssertEqual(d.clinical.overrideReason, "Strangled last week, escalating (synthetic)")
        XCTAssertEqual(d.clinical.answers.count, 27)
        let items = summary.answeredItems(d)
        XCTAssertEqual(items.count, 27)
        XCTAssertEqual(items.first?.answer, .yes)
        XCTAssertEqual(items.first?.item, "Пострадавшая травмирована сейчас, в результате этого инцидента?")

        // Officer, social worker and supervisor: the level and recommendations, never the detail.
        for (profile, pin) in others {
            signIn.selectedId = profile.id
            signIn.pin = pin
            let p = await signIn.unlock()
            XCTAssertEqual(p?.role, profile.role)
            await summary.load()
            XCTAssertEqual(summary.latest?.level, "high", "\(profile.role)")
            XCTAssertEqual(summary.latest?.recommendations.protectionOrder, true)
            let state = await summary.openDetail(recorded.id)
            guard case let .psychologistsOnly(e) = state else { return XCTFail("\(profile.role): \(state)") }
            XCTAssertEqual(e.kind, .permissionDenied)
            XCTAssertEqual(e.language, .ru)
            let again = await form.submit()
            XCTAssertNil(again)
        }

        let caseId = scene.caseId
        let log = try await s.perform { try $0.custodyLog(caseId: caseId) }
        // Refused reads of the clinical content (refused recordings are audited too, separately).
        let denied = log.filter { $0.entry.kind == .accessDenied && ($0.detail?.contains("clinical_content") ?? false) }
        XCTAssertEqual(denied.count, 3)
        XCTAssertEqual(denied.map(\.entry.actor), ["KZ-DEMO-0417", "KZ-DEMO-SW-1", "KZ-DEMO-SUP-1"])
        for (entry, role) in zip(denied, ["officer", "social_worker", "supervisor"]) {
            XCTAssertTrue(entry.detail?.contains("\"role\":\"\(role)\"") ?? false, entry.detail ?? "")
            XCTAssertTrue(entry.detail?.contains("clinical_content") ?? false, entry.detail ?? "")
        }
        XCTAssertEqual(log.filter { $0.entry.kind == .assessmentViewed }.count, 1)
        XCTAssertEqual(log.filter { $0.entry.kind == .assessmentRecorded }.count, 1)
        XCTAssertFalse(log.contains { $0.entry.payload.contains("SECRET") || ($0.detail ?? "").contains("SECRET") }, "no clinical text in the log")

        // A second assessment with the weighted example instrument: calendar of incidents.
        signIn.selectedId = psy.id
        signIn.pin = "480917"
        await signIn.unlock()
        form.instrumentKey = "example-weighted@0.1.0"
        let weighted = try XCTUnwrap(form.instrument)
        XCTAssertTrue(form.hasCalendar)
        XCTAssertEqual(form.maxSeverity, 5)
        XCTAssertEqual(form.answerOptions, [.yes, .no])
        for item in weighted.items { form.setAnswer(item.id == "q1" ? .yes : .no, for: item.id) }
        form.addIncident(on: DateComponents(year: 2026, month: 11, day: 18), severity: 4)
        form.addIncident(on: DateComponents(year: 2026, month: 11, day: 10), severity: 5)
        XCTAssertEqual(form.calendar.map(\.date), ["2026-11-10", "2026-11-18"])
        await form.previewSettled()
        XCTAssertEqual(form.previewScore, 4 + 3 + 2)
        XCTAssertEqual(form.previewBand?.level, "elevated")
        form.addIncident(on: DateComponents(year: 2026, month: 11, day: 1), severity: 1)
        form.removeIncident(at: 0)
        XCTAssertEqual(form.calendar.count, 2)
        let second = try await unwrapped { await form.submit() }.record
        XCTAssertEqual(second.score, 9)
        XCTAssertEqual(second.level, "elevated")

        await summary.loadTrend(survivorId: scene.survivor.id)
        XCTAssertEqual(summary.trend.map(\.level), ["high", "elevated"])
        XCTAssertEqual(summary.trendDirection, .falling)

        await signIn.signOut()
        XCTAssertNil(signIn.current)
        XCTAssertNil(s.store.currentProfile())
        let report = try await s.perform { try $0.verify(caseId: caseId) }
        XCTAssertTrue(report.ok)
    }
}
