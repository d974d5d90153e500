import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// The officer's flow at a scene, through the generated bindings into the real Rust library.
final class OfficerFlowTests: TempDirTestCase {
    func testFieldScenarioFromNeighbourReportToExport() throws {
        let keys = MemoryKeyStore()
        let store = try QorgauStore.create(dir: storeDir.path, keystore: keys, profile: Synthetic.profile)
        XCTAssertEqual(keys.wraps, 1, "the device secrets are wrapped by the Swift key store")
        XCTAssertEqual(store.device().profile, Synthetic.profile)
        XCTAssertFalse(coreVersion().isEmpty)

        // A case opened from a neighbour's report.
        let opened = try store.openCase(newCase: Synthetic.neighbourReport)
        let caseId = opened.record.id
        XCTAssertEqual(opened.seq, 1, "custody entries are numbered from 1")
        XCTAssertEqual(opened.record.trigger, .witnessReport)
        XCTAssertEqual(opened.record.categories, [.physical, .childInvolved])
        XCTAssertEqual(opened.sha256.count, 64)

        // The survivor and the alleged aggressor.
        let survivor = try store.addPerson(caseId: caseId, person: Synthetic.survivor)
        let aggressor = try store.addPerson(caseId: caseId, person: Synthetic.aggressor)
        XCTAssertEqual(survivor.record.iin, Synthetic.survivorIin)
        XCTAssertEqual(survivor.record.dateOfBirth, "1994-03-12", "the date of birth comes from the IIN")
        XCTAssertEqual(aggressor.record.role, .allegedAggressor)
        XCTAssertEqual(aggressor.record.dateOfBirth, "1990-11-02")
        XCTAssertEqual([survivor.seq, aggressor.seq], [2, 3])

        // A photo from a file, with progress reported back into Swift.
        let photo = Synthetic.photoURL
        let photoBytes = try Data(contentsOf: photo)
        XCTAssertLessThan(photoBytes.count, 100_000)
        let progress = CaptureProgress()
        let evidence = try store.addEvidenceFile(
            caseId: caseId, path: photo.path, expected: .photo,
            capture: CaptureInfo(gps: GeoPoint(lat: 51.1282, lon: 71.4304, accuracyM: 8), note: "Bruise on the left forearm (synthetic)", platformThumbnail: nil),
            progress: progress
        )
        let ev = evidence.record
        XCTAssertEqual(ev.kind, .photo)
        XCTAssertEqual(ev.mediaType, "image/jpeg")
        XCTAssertEqual(ev.sha256, Synthetic.photoSha256, "SHA-256 of the exact original bytes")
        XCTAssertEqual(ev.sizeBytes, UInt64(photoBytes.count))
        XCTAssertEqual(ev.width, 640)
        XCTAssertEqual(ev.height, 480)
        XCTAssertEqual(ev.preview, .generated)
        XCTAssertEqual(ev.capturedBy, "KZ-DEMO-0417")
        let p = progress.snapshot
        XCTAssertGreaterThanOrEqual(p.calls, 1)
        XCTAssertEqual(p.done, UInt64(photoBytes.count))
        XCTAssertEqual(p.total, UInt64(photoBytes.count))
        let thumb = try XCTUnwrap(try store.thumbnail(evidenceId: ev.id))
        XCTAssertEqual(Array(thumb.prefix(2)), [0xFF, 0xD8], "the preview is a JPEG")

        // A statement in Kazakh.
        let text = "Күйеуім мені итеріп жіберді, мен қолымды соғып алдым. Балам бөлмеде болды. (синтетикалық)"
        let statement = try store.recordStatement(caseId: caseId, statement: NewStatement(
            personId: survivor.record.id, language: .kk, text: text, takenBy: "KZ-DEMO-0417",
            consent: Consent(shareWithCrisisCentre: true, shareWithCourt: true), signaturePng: nil
        ))
        XCTAssertEqual(statement.record.language, .kk)
        XCTAssertEqual(statement.record.text, text, "Kazakh text survives the round trip byte for byte")
        XCTAssertEqual(statement.record.kind, .given)
        XCTAssertEqual(statement.record.version, 1)

        // Everything on the case, and the custody chain.
        let file = try store.caseFile(caseId: caseId)
        XCTAssertEqual(file.people.map(\.fullName), ["Aigerim Testova", "Nurlan Sampleuly"])
        XCTAssertEqual(file.evidence.count, 1)
        XCTAssertEqual(file.statements.count, 1)
        XCTAssertEqual(file.custodyEntries, 5)
        let log = try store.custodyLog(caseId: caseId)
        XCTAssertEqual(log.map(\.entry.kind), [.caseOpened, .personAdded, .personAdded, .evidenceAdded, .statementRecorded])
        XCTAssertEqual(log[1].entry.prev, log[0].entryHash, "each entry links to the previous one")
        XCTAssertTrue(log.allSatisfy { $0.signature.count == 64 }, "Ed25519 signatures")

        // Verify on the device.
        let report = try store.verify(caseId: caseId)
        XCTAssertTrue(report.ok, "\(String(describing: report.failure))")
        XCTAssertNil(report.failure)
        XCTAssertEqual(report.entriesChecked, 5)
        XCTAssertGreaterThanOrEqual(report.bytesHashed, UInt64(photoBytes.count))

        // The original comes back byte for byte (and the viewing is logged).
        let extracted = tmp.appendingPathComponent("original.jpg")
        XCTAssertEqual(try store.extractOriginal(evidenceId: ev.id, outPath: extracted.path, purpose: "review"), UInt64(photoBytes.count))
        XCTAssertEqual(try Data(contentsOf: extracted), photoBytes)

        // Export for court.
        let exportDir = tmp.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: exportDir, withIntermediateDirectories: true)
        let summary = try store.exportCase(caseId: caseId, outDir: exportDir.path)
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: summary.bundle, isDirectory: &isDir) && isDir.boolValue)
        XCTAssertEqual(URL(fileURLWithPath: summary.bundle).lastPathComponent, "qorgau-case-\(caseId)")
        for name in ["manifest.json", "SHA256SUMS", "SHA256SUMS.sig", "device.pub.pem", "VERIFY.txt"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: summary.bundle + "/" + name), name)
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary.bundle + "/manifest.json")))
        XCTAssertNotNil(manifest as? [String: Any])
        XCTAssertTrue(summary.files.contains { $0.sha256 == Synthetic.photoSha256 }, "the original is in the bundle")
        XCTAssertEqual(summary.custodyEntries, 7, "five events, the viewing and the export itself")
        XCTAssertFalse(summary.deviceFingerprint.isEmpty)

        // The store opens again with the same key store (an app restart).
        let reopened = try QorgauStore.open(dir: storeDir.path, keystore: keys)
        let cases = try reopened.listCases()
        XCTAssertEqual(cases.count, 1)
        XCTAssertEqual(cases[0].people, 2)
        XCTAssertEqual(cases[0].evidence, 1)
        XCTAssertEqual(cases[0].statements, 1)
        XCTAssertTrue(try reopened.verify(caseId: caseId).ok)
    }

    func testVideoAndAudioStreamWithProgressInPieces() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        let caseId = try store.openCase(newCase: Synthetic.neighbourReport).record.id
        let video = Synthetic.video(payload: 5 * 1024 * 1024 + 123)
        let progress = CaptureProgress()
        let ev = try store.addEvidenceFile(caseId: caseId, path: try file("clip.mp4", video).path, expected: .video,
                                           capture: Synthetic.noCapture, progress: progress).record
        XCTAssertEqual(ev.kind, .video)
        XCTAssertEqual(ev.sizeBytes, UInt64(video.count))
        XCTAssertGreaterThanOrEqual(progress.snapshot.calls, 5, "one progress call per 1 MiB piece")
        XCTAssertEqual(progress.snapshot.done, UInt64(video.count))

        let audio = try store.addEvidenceFile(caseId: caseId, path: try file("voice.wav", Synthetic.wav()).path, expected: .audio,
                                              capture: Synthetic.noCapture, progress: nil).record
        XCTAssertEqual(audio.kind, .audio)
        XCTAssertTrue(try store.verify(caseId: caseId).ok)
    }

    func testRefusalAndCorrectionKeepEveryVersion() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        let caseId = try store.openCase(newCase: Synthetic.neighbourReport).record.id
        let survivor = try store.addPerson(caseId: caseId, person: Synthetic.survivor).record.id
        let aggressor = try store.addPerson(caseId: caseId, person: Synthetic.aggressor).record.id
        let consent = Consent(shareWithCrisisCentre: false, shareWithCourt: true)
        let v1 = try store.recordStatement(caseId: caseId, statement: NewStatement(
            personId: survivor, language: .ru, text: "Первая версия (синтетическая).", takenBy: "KZ-DEMO-0417", consent: consent, signaturePng: nil))
        let v2 = try store.correctStatement(replaces: v1.record.id, statement: NewStatement(
            personId: survivor, language: .ru, text: "Исправленная версия (синтетическая).", takenBy: "KZ-DEMO-0417", consent: consent, signaturePng: nil))
        XCTAssertEqual(v2.record.version, 2)
        XCTAssertEqual(v2.record.supersedes, v1.record.id)
        let refusal = try store.recordRefusal(caseId: caseId, personId: aggressor, language: .en, reason: "Declined to speak (synthetic)", takenBy: "KZ-DEMO-0417")
        XCTAssertEqual(refusal.record.kind, .refused)
        XCTAssertEqual(try store.caseFile(caseId: caseId).statements.count, 3)
        XCTAssertTrue(try store.verify(caseId: caseId).ok)
    }
}
