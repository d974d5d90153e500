import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// The view models the SwiftUI screens bind to, driven as the screens would, against the real
/// library. They run on the main actor; store work runs on a background queue.
final class ViewModelTests: TempDirTestCase {
    @MainActor
    private func session(_ keys: MemoryKeyStore = MemoryKeyStore()) async throws -> FieldSession {
        try await FieldSession.openOrInit(directory: storeDir, keyStore: keys, profile: Synthetic.profile)
    }

    @MainActor
    func testSessionCreatesOnceThenOpensAndNeverReplacesOnWrongKey() async throws {
        let keys = MemoryKeyStore()
        let first = try await session(keys)
        XCTAssertTrue(first.created)
        XCTAssertEqual(first.officer, Synthetic.officer)
        let second = try await session(keys)
        XCTAssertFalse(second.created)
        XCTAssertEqual(second.device.deviceId, first.device.deviceId)
        do {
            _ = try await session(MemoryKeyStore())
            XCTFail("another key store must not open (or re-create) the store")
        } catch let e as QorgauError {
            guard case .WrongKey = e else { return XCTFail("\(e)") }
            XCTAssertEqual(QorgauAppError(e, language: .kk).kind, .wrongKey)
        }
        let reopened = try await FieldSession.open(directory: storeDir, keyStore: keys)
        XCTAssertEqual(reopened.device.deviceId, first.device.deviceId)
    }

    @MainActor
    func testNewCaseFormValidatesIinLiveAndOpensTheCaseWithTheSurvivor() async throws {
        let s = try await session()
        let vm = NewCaseViewModel(session: s, language: .kk)
        var changes = 0
        vm.onChange = { changes += 1 }

        XCTAssertFalse(vm.canSubmit, "no location yet")
        vm.address = "Synthetic street 1, flat 1, Astana"
        vm.trigger = .witnessReport
        vm.categories = [.childInvolved, .physical]
        vm.gps = GeoPoint(lat: 51.1282, lon: 71.4304, accuracyM: 12)
        vm.summary = "Neighbour reported shouting (synthetic)."
        vm.addTeamMember(role: .psychologist, name: "Saule Examplova", badge: "KZ-DEMO-PSY-02")
        vm.survivorName = "Aigerim Testova"
        XCTAssertGreaterThan(changes, 0)

        vm.survivorIin = "940312"
        XCTAssertEqual(vm.survivorIinStatus, .incomplete(digits: 6))
        XCTAssertFalse(vm.canSubmit)
        vm.survivorIin = Synthetic.invalidIin
        // The IIN's problem by kind, in the screen's language.
        func shown(_ p: IinProblem, _ l: Language) -> IinStatus { .invalid(message: QorgauAppError(kind: .invalidIin(p), language: l).message) }
        XCTAssertEqual(vm.survivorIinStatus, shown(.checkDigitMismatch, .kk))
        vm.language = .ru
        XCTAssertEqual(vm.survivorIinStatus, shown(.checkDigitMismatch, .ru))
        XCTAssertFalse(vm.canSubmit)
        vm.survivorIin = "94031240210X"
        XCTAssertEqual(vm.survivorIinStatus, shown(.wrongLength, .ru))
        vm.survivorIin = Synthetic.survivorIin
        XCTAssertEqual(vm.survivorIinStatus, .valid)
        XCTAssertTrue(vm.canSubmit)

        let newCase = vm.makeNewCase()
        XCTAssertEqual(newCase.categories, [.physical, .childInvolved])
        XCTAssertEqual(newCase.team.map(\.badge), ["KZ-DEMO-0417", "KZ-DEMO-PSY-02"])

        let opened = await vm.submit()
        XCTAssertNil(vm.error)
        XCTAssertNotNil(opened)
        XCTAssertEqual(vm.survivor?.record.iin, Synthetic.survivorIin)
        XCTAssertFalse(vm.isSaving)

        let list = CaseListViewModel(session: s, language: .ru)
        await list.refresh()
        XCTAssertEqual(list.cases.count, 1)
        XCTAssertEqual(list.cases.first?.id, opened?.record.id)
        XCTAssertEqual(list.cases.first?.people, 1)
        XCTAssertEqual(list.openCases.count, 1)
    }

    @MainActor
    func testNewCaseErrorsComeBackLocalised() async throws {
        let s = try await session()
        let vm = NewCaseViewModel(session: s, language: .en)
        vm.team = []
        vm.address = "Synthetic street 2, Astana"
        XCTAssertFalse(vm.canSubmit)
        let opened = await vm.submit()   // a screen would not allow it; the core refuses anyway
        XCTAssertNil(opened)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "team"))
        // A field without a message of its own is named in the officer's language.
        XCTAssertEqual(vm.error?.message, "Please check: response team (name and badge number).")
        XCTAssertEqual(vm.error?.localized(.kk).message, "Мына өрісті тексеріңіз: жедел топ құрамы (аты-жөні мен төсбелгі нөмірі).")
    }

    @MainActor
    private func openCase(_ s: FieldSession) async throws -> Uuid {
        try await s.perform { try $0.openCase(newCase: Synthetic.neighbourReport).record.id }
    }

    @MainActor
    func testPeopleViewModelAddsPeopleAndRefusesBadInput() async throws {
        let s = try await session()
        let caseId = try await openCase(s)
        let vm = PeopleViewModel(session: s, caseId: caseId, language: .en)
        await vm.load()
        XCTAssertEqual(vm.people.count, 0)

        vm.role = .survivor
        vm.fullName = "Aigerim Testova"
        vm.iin = Synthetic.survivorIin
        XCTAssertTrue(vm.canAdd)
        let added = await vm.add()
        XCTAssertEqual(added?.record.dateOfBirth, "1994-03-12")
        XCTAssertEqual(vm.fullName, "", "the form is cleared")

        vm.role = .allegedAggressor
        vm.fullName = "Nurlan Sampleuly"
        vm.relationToSurvivor = "spouse"
        vm.iin = Synthetic.invalidIin
        XCTAssertFalse(vm.canAdd)
        XCTAssertEqual(vm.iinStatus, .invalid(message: QorgauAppError(kind: .invalidIin(.checkDigitMismatch), language: .en).message))
        vm.iin = Synthetic.aggressorIin
        XCTAssertTrue(vm.canAdd)
        await vm.add()

        // A protected identity only for witnesses: the core's refusal is shown in the UI language.
        vm.role = .child
        vm.fullName = "Dana Testova"
        vm.identityProtected = true
        XCTAssertFalse(vm.canAdd)
        vm.language = .ru
        await vm.add()
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "identity_protected"))

        vm.role = .witness
        vm.fullName = "Gulnara Fictiva"
        vm.dateOfBirth = DateComponents(year: 1970, month: 5, day: 17)
        XCTAssertTrue(vm.canAdd)
        let witness = await vm.add()
        XCTAssertEqual(witness?.record.identityProtected, true)
        XCTAssertEqual(witness?.record.dateOfBirth, "1970-05-17")

        await vm.load()
        XCTAssertEqual(vm.people.map(\.role), [.survivor, .allegedAggressor, .witness])
    }

    @MainActor
    func testCaptureViewModelPublishesProgressAndCancels() async throws {
        let s = try await session()
        let caseId = try await openCase(s)
        let vm = CaptureViewModel(session: s, caseId: caseId, language: .kk)

        vm.note = "Bruise on the left forearm (synthetic)"
        vm.gps = GeoPoint(lat: 51.1282, lon: 71.4304, accuracyM: 8)
        let photo = await vm.addFile(at: Synthetic.photoURL, expected: .photo)
        XCTAssertNil(vm.error)
        XCTAssertEqual(photo?.record.sha256, Synthetic.photoSha256)
        XCTAssertEqual(photo?.record.note, "Bruise on the left forearm (synthetic)")
        XCTAssertEqual(vm.progress, 1)
        XCTAssertFalse(vm.isCapturing)
        XCTAssertEqual(vm.note, "")
        let thumb = await vm.thumbnail(try XCTUnwrap(photo).record.id)
        XCTAssertNotNil(thumb)

        // Bytes from the camera's buffer.
        let bytes = try Data(contentsOf: Synthetic.photoURL)
        let fromBuffer = await vm.addPhoto(bytes: bytes)
        XCTAssertNotNil(fromBuffer)

        // Not media: a localised error, nothing stored.
        let text = try file("notes.txt", Data("just text (synthetic)".utf8))
        let refused = await vm.addFile(at: text)
        XCTAssertNil(refused)
        XCTAssertEqual(vm.error?.kind, .badMedia, "text is not a photo: not offered for keeping")
        XCTAssertEqual(vm.error?.language, .kk)

        // A long video: progress arrives on the main actor in pieces; the officer cancels.
        let video = try file("long.mp4", Synthetic.video(payload: 32 * 1024 * 1024))
        var seen: [Double] = []
        vm.onChange = { [unowned vm] in
            if vm.isCapturing, vm.progress > 0, vm.progress < 1 {
                seen.append(vm.progress)
                vm.cancel()
            }
        }
        let cancelled = await vm.addFile(at: video, expected: .video)
        XCTAssertNil(cancelled)
        XCTAssertFalse(seen.isEmpty, "progress was published while capturing")
        XCTAssertTrue(vm.wasCancelled)
        XCTAssertNil(vm.error, "a cancellation is not an error")

        // The same video, not cancelled.
        var fractions: [Double] = []
        vm.onChange = { [unowned vm] in if vm.isCapturing { fractions.append(vm.progress) } }
        let small = try file("clip.mp4", Synthetic.video(payload: 3 * 1024 * 1024))
        let clip = await vm.addFile(at: small, expected: .video)
        XCTAssertEqual(clip?.record.kind, .video)
        XCTAssertFalse(vm.wasCancelled)
        XCTAssertEqual(fractions, fractions.sorted(), "progress only grows")

        await vm.load()
        XCTAssertEqual(vm.evidence.map(\.kind), [.photo, .photo, .video])
    }

    @MainActor
    func testStatementViewModelInThreeLanguagesWithRefusalAndCorrection() async throws {
        let s = try await session()
        let caseId = try await openCase(s)
        let people = PeopleViewModel(session: s, caseId: caseId, language: .kk)
        people.fullName = "Aigerim Testova"; people.iin = Synthetic.survivorIin
        let addedSurvivor = await people.add()
        let survivor = try XCTUnwrap(addedSurvivor).record
        people.role = .allegedAggressor; people.fullName = "Nurlan Sampleuly"; people.iin = Synthetic.aggressorIin
        let addedAggressor = await people.add()
        let aggressor = try XCTUnwrap(addedAggressor).record

        let vm = StatementViewModel(session: s, caseId: caseId, language: .kk)
        await vm.load()
        XCTAssertEqual(vm.people.count, 2)
        XCTAssertEqual(vm.takenBy, "KZ-DEMO-0417")
        XCTAssertFalse(vm.canSubmit)

        vm.personId = survivor.id
        vm.statementLanguage = .kk
        XCTAssertEqual(vm.consentQuestions.court, "Түсініктемеңізді сотқа беруге келісесіз бе?")
        vm.text = "Күйеуім мені итеріп жіберді. (синтетикалық)"
        vm.shareWithCourt = true
        XCTAssertTrue(vm.canSubmit)
        let kk = await vm.submit()
        XCTAssertEqual(kk?.record.language, .kk)
        XCTAssertEqual(kk?.record.consent.shareWithCourt, true)
        XCTAssertEqual(vm.text, "")

        vm.statementLanguage = .ru
        XCTAssertTrue(vm.consentQuestions.crisisCentre.hasPrefix("Согласны ли вы"))
        vm.text = "   "
        XCTAssertFalse(vm.canSubmit)
        let empty = await vm.submit()
        XCTAssertNil(empty, "an empty statement is refused by the core")
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "text"))

        // A correction in English: a new version, the old one stays.
        vm.beginCorrection(of: try XCTUnwrap(kk).record)
        XCTAssertEqual(vm.statementLanguage, .kk)
        vm.statementLanguage = .en
        vm.text = "My husband pushed me. (synthetic, corrected)"
        let corrected = await vm.submit()
        XCTAssertEqual(corrected?.record.version, 2)
        XCTAssertEqual(corrected?.record.supersedes, kk?.record.id)
        XCTAssertNil(vm.correcting)

        vm.personId = aggressor.id
        vm.statementLanguage = .ru
        let refusal = await vm.recordRefusal(reason: "Отказался давать показания (синтетически)")
        XCTAssertEqual(refusal?.record.kind, .refused)

        await vm.load()
        XCTAssertEqual(vm.statements.count, 3)
        XCTAssertEqual(vm.currentStatements.map(\.version), [2, 1])
    }

    @MainActor
    func testVerifyAndExportViewModel() async throws {
        let s = try await session()
        let caseId = try await openCase(s)
        let capture = CaptureViewModel(session: s, caseId: caseId)
        _ = await capture.addFile(at: Synthetic.photoURL)

        let vm = VerifyExportViewModel(session: s, caseId: caseId, language: .en)
        let report = await vm.verify()
        XCTAssertEqual(report?.ok, true)
        XCTAssertEqual(vm.headline, "Case verified: 2 entries, 2 files, all intact.", "the original and its preview")
        vm.language = .kk
        XCTAssertEqual(vm.headline?.hasPrefix("Іс тексерілді"), true)

        let summary = await vm.export(to: tmp.appendingPathComponent("exports"))
        XCTAssertNil(vm.error)
        let bundle = try XCTUnwrap(vm.bundleURL)
        XCTAssertEqual(summary?.caseId, caseId)
        XCTAssertTrue(FileManager.default.fileExists(atPath: bundle.appendingPathComponent("manifest.json").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: bundle.appendingPathComponent("SHA256SUMS").path))

        // A second export to the same place is refused (the bundle exists): a Conflict, localised.
        let again = await vm.export(to: tmp.appendingPathComponent("exports"))
        XCTAssertNil(again)
        XCTAssertEqual(vm.error?.kind, .conflict)
        XCTAssertEqual(vm.error?.language, .kk)
    }
}
