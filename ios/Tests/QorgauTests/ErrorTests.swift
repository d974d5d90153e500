import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// Every failure arrives in Swift as a typed `QorgauError`, never as a crash.
final class ErrorTests: TempDirTestCase {
    private func newStore(_ keys: MemoryKeyStore = MemoryKeyStore()) throws -> (QorgauStore, Uuid) {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: keys, profile: Synthetic.profile)
        return (store, try store.openCase(newCase: Synthetic.neighbourReport).record.id)
    }

    /// Media refused by the core, with its problem.
    private static func media(_ problem: MediaProblem) -> (QorgauError) -> Bool {
        { if case let .BadMedia(p, _) = $0 { return p == problem }; return false }
    }

    /// An IIN refused by the core, with its problem.
    private static func iin(_ problem: IinProblem) -> (QorgauError) -> Bool {
        { if case let .InvalidIin(p, _) = $0 { return p == problem }; return false }
    }

    func testInvalidIinIsInvalidIinWithItsProblemAndNothingIsStored() throws {
        XCTAssertNoThrow(try validateIin(iin: Synthetic.survivorIin))
        XCTAssertNoThrow(try validateIin(iin: Synthetic.aggressorIin))
        // A bad check digit: the kind and its problem; the IIN is never repeated in the words.
        XCTAssertQorgauError(try validateIin(iin: Synthetic.invalidIin), "InvalidIin(.checkDigitMismatch)") {
            if case let .InvalidIin(problem, reason) = $0 {
                return problem == .checkDigitMismatch && !reason.contains(Synthetic.invalidIin)
            }
            return false
        }
        XCTAssertQorgauError(try validateIin(iin: "12345"), "InvalidIin(.wrongLength)", Self.iin(.wrongLength))
        XCTAssertQorgauError(try validateIin(iin: "9403124021031"), "InvalidIin(.wrongLength)", Self.iin(.wrongLength))
        XCTAssertQorgauError(try validateIin(iin: "940312702103"), "InvalidIin(.badCenturyDigit)", Self.iin(.badCenturyDigit))
        XCTAssertQorgauError(try validateIin(iin: "941312402103"), "InvalidIin(.noSuchBirthDate)", Self.iin(.noSuchBirthDate))
        XCTAssertQorgauError(try validateIin(iin: Synthetic.noCheckDigitIin), "InvalidIin(.noValidCheckDigit)", Self.iin(.noValidCheckDigit))
        XCTAssertEqual(QorgauAppError(QorgauError.InvalidIin(problem: .checkDigitMismatch, reason: "any words"), language: .kk).kind,
                       .invalidIin(.checkDigitMismatch))

        let (store, caseId) = try newStore()
        let person = Synthetic.person(.child, "Dana Testova", iin: Synthetic.invalidIin, relation: "daughter")
        XCTAssertQorgauError(try store.addPerson(caseId: caseId, person: person), "InvalidIin(.checkDigitMismatch)", Self.iin(.checkDigitMismatch))
        XCTAssertEqual(try store.caseFile(caseId: caseId).people.count, 0)
        XCTAssertEqual(try store.caseFile(caseId: caseId).custodyEntries, 1, "a refused person leaves no custody entry")
    }

    func testOtherInvalidInputNamesTheField() throws {
        let (store, caseId) = try newStore()
        XCTAssertQorgauError(try store.addPerson(caseId: caseId, person: Synthetic.person(.survivor, "  ", iin: nil)), "InvalidInput") {
            if case .InvalidInput(field: "full_name", _) = $0 { return true }
            return false
        }
        let noLocation = NewCase(location: CaseLocation(point: nil, address: nil), trigger: .survivorCall,
                                 categories: [], team: [Synthetic.officer], summary: nil)
        XCTAssertQorgauError(try store.openCase(newCase: noLocation), "InvalidInput") {
            if case .InvalidInput(field: "location", _) = $0 { return true }
            return false
        }
        let survivor = try store.addPerson(caseId: caseId, person: Synthetic.survivor).record.id
        let empty = NewStatement(personId: survivor, language: .kk, text: "  ", takenBy: "KZ-DEMO-0417",
                                 consent: Consent(shareWithCrisisCentre: false, shareWithCourt: false), signaturePng: nil)
        XCTAssertQorgauError(try store.recordStatement(caseId: caseId, statement: empty), "InvalidInput") {
            if case .InvalidInput(field: "text", _) = $0 { return true }
            return false
        }
        XCTAssertQorgauError(try store.caseFile(caseId: UUID().uuidString.lowercased()), "NotFound") {
            if case .NotFound = $0 { return true }
            return false
        }
    }

    func testWrongKeyStoreCannotOpenAndChangesNothing() throws {
        let keys = MemoryKeyStore()
        let (store, caseId) = try newStore(keys)
        _ = try store.addPerson(caseId: caseId, person: Synthetic.survivor)

        let otherDevice = MemoryKeyStore()
        XCTAssertQorgauError(try QorgauStore.open(dir: storeDir.path, keystore: otherDevice), "WrongKey") {
            if case .WrongKey = $0 { return true }
            return false
        }
        XCTAssertEqual(otherDevice.unwraps, 1, "Rust called the Swift key store, which threw KeyStoreError.WrongKey")

        let reopened = try QorgauStore.open(dir: storeDir.path, keystore: keys)
        XCTAssertEqual(try reopened.caseFile(caseId: caseId).people.count, 1)
        XCTAssertTrue(try reopened.verify(caseId: caseId).ok)
    }

    func testUnavailableKeyStoreIsKeyStoreError() throws {
        let keys = MemoryKeyStore()
        _ = try newStore(keys)
        keys.unavailable = true
        XCTAssertQorgauError(try QorgauStore.open(dir: storeDir.path, keystore: keys), "KeyStore") {
            if case .KeyStore = $0 { return true }
            return false
        }
        do {
            _ = try QorgauStore.open(dir: storeDir.path, keystore: keys)
        } catch {
            XCTAssertEqual(QorgauAppError(error, language: .en).kind, .keyStore)
        }
    }

    func testProfileErrors() throws {
        XCTAssertQorgauError(try QorgauStore.open(dir: storeDir.path, keystore: MemoryKeyStore()), "NotInitialised") {
            if case .NotInitialised = $0 { return true }
            return false
        }
        XCTAssertEqual(QorgauAppError(QorgauError.NotInitialised(reason: ""), language: .en).kind, .notInitialised)
        _ = try newStore()
        XCTAssertQorgauError(try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile), "AlreadyInitialised") {
            if case .AlreadyInitialised = $0 { return true }
            return false
        }
        XCTAssertEqual(QorgauAppError(QorgauError.AlreadyInitialised(reason: ""), language: .en).kind, .alreadyInitialised)
    }

    /// Four wrong PINs count down; the fifth locks the profile until a time (not text) about
    /// five minutes away; the right PIN is refused while it lasts, with the same time.
    func testWrongPinsThenProfileLockedWithItsTime() throws {
        let (store, _) = try newStore()
        let supervisor = try store.createProfile(role: .supervisor, name: Synthetic.supervisorName, badge: Synthetic.supervisorBadge, pin: Synthetic.supervisorPin)
        for left in stride(from: UInt32(4), through: 1, by: -1) {
            XCTAssertQorgauError(try store.unlockProfile(profileId: supervisor.id, pin: "000999"), "WrongPin(\(left))") {
                if case let .WrongPin(attemptsLeft, _) = $0 { return attemptsLeft == left }
                return false
            }
        }
        let before = Date()
        var until: Date?
        XCTAssertQorgauError(try store.unlockProfile(profileId: supervisor.id, pin: "000999"), "ProfileLocked") {
            if case let .ProfileLocked(t, _) = $0 { until = t; return true }
            return false
        }
        let lockedUntil = try XCTUnwrap(until)
        XCTAssertGreaterThan(lockedUntil, before, "in the future")
        XCTAssertLessThanOrEqual(lockedUntil.timeIntervalSince(before), 5 * 60 + 30, "about five minutes")
        XCTAssertGreaterThanOrEqual(lockedUntil.timeIntervalSince(before), 5 * 60 - 30)
        XCTAssertQorgauError(try store.unlockProfile(profileId: supervisor.id, pin: Synthetic.supervisorPin), "ProfileLocked (right PIN)") {
            if case let .ProfileLocked(t, _) = $0 { return abs(t.timeIntervalSince(lockedUntil)) < 1 }
            return false
        }
        XCTAssertNil(store.currentProfile())
        let shown = QorgauAppError(QorgauError.ProfileLocked(until: lockedUntil, reason: ""), language: .kk)
        XCTAssertEqual(shown.kind, .profileLocked(until: lockedUntil))
        XCTAssertTrue(shown.message.contains(UserMessages.localTime(lockedUntil, .kk)), shown.message)
    }

    func testTextFileIsBadMedia() throws {
        let (store, caseId) = try newStore()
        let text = try file("notes.txt", Data("Not a photo, just some text written at the scene (synthetic).\n".utf8))
        for expected in [nil, MediaKind.photo] {
            XCTAssertQorgauError(try store.addEvidenceFile(caseId: caseId, path: text.path, expected: expected,
                                                           capture: Synthetic.noCapture, progress: nil), "BadMedia(notMedia)",
                                 Self.media(.notMedia))
        }
        XCTAssertQorgauError(try store.addPhotoBytes(caseId: caseId, bytes: Data("%PDF-1.7\n".utf8), capture: Synthetic.noCapture),
                             "BadMedia(notMedia)", Self.media(.notMedia))
        // A truncated JPEG (damaged: may be kept if confirmed) and a video where a photo was expected.
        let photo = try Data(contentsOf: Synthetic.photoURL)
        XCTAssertQorgauError(try store.addPhotoBytes(caseId: caseId, bytes: photo.prefix(photo.count / 2), capture: Synthetic.noCapture),
                             "BadMedia(damaged)", Self.media(.damaged))
        let video = try file("clip.mp4", Synthetic.video(payload: 4096))
        XCTAssertQorgauError(try store.addEvidenceFile(caseId: caseId, path: video.path, expected: .photo,
                                                       capture: Synthetic.noCapture, progress: nil), "BadMedia(wrongKind)",
                             Self.media(.wrongKind))
        XCTAssertEqual(try store.evidenceList(caseId: caseId).count, 0)
    }

    /// A changed original reaches Swift as a failed verification naming the file, and export
    /// refuses the case without leaving a bundle.
    func testAChangedOriginalFailsVerificationAndExport() throws {
        let (store, caseId) = try newStore()
        _ = try store.addPhotoBytes(caseId: caseId, bytes: try Data(contentsOf: Synthetic.photoURL), capture: Synthetic.noCapture)
        XCTAssertTrue(try store.verify(caseId: caseId).ok)
        let blobs = storeDir.appendingPathComponent("blobs")
        let files = FileManager.default.enumerator(at: blobs, includingPropertiesForKeys: [.fileSizeKey])!
            .compactMap { $0 as? URL }
            .filter { !$0.path.dropFirst(blobs.path.count).hasPrefix("/tmp") && !$0.hasDirectoryPath }
        let blob = try XCTUnwrap(files.max { (try? Data(contentsOf: $0).count) ?? 0 < (try? Data(contentsOf: $1).count) ?? 0 })
        var bytes = try Data(contentsOf: blob)
        bytes[bytes.count / 2] ^= 1
        try bytes.write(to: blob)
        let report = try store.verify(caseId: caseId)
        XCTAssertFalse(report.ok)
        let failed = try XCTUnwrap(report.failure?.file)
        XCTAssertTrue(blob.path.hasSuffix(String(failed.dropFirst("blobs/".count))), "\(failed)")
        let out = tmp.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        XCTAssertQorgauError(try store.exportCase(caseId: caseId, outDir: out.path), "Integrity") {
            if case .Integrity = $0 { return true }
            return false
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).count, 0, "no bundle, not even a partial one")
    }

    func testCancellationThroughTheObserverStoresNothing() throws {
        let (store, caseId) = try newStore()
        let video = try file("long.mp4", Synthetic.video(payload: 6 * 1024 * 1024))
        // An observer that asks to stop as soon as the first piece is reported.
        final class CancelAfterFirst: ProgressObserver, @unchecked Sendable {
            private let lock = NSLock()
            private var seen: [UInt64] = []
            var calls: [UInt64] { lock.lock(); defer { lock.unlock() }; return seen }
            func onProgress(done: UInt64, total: UInt64) { lock.lock(); seen.append(done); lock.unlock() }
            func isCancelled() -> Bool { !calls.isEmpty }
        }
        let observer = CancelAfterFirst()
        XCTAssertQorgauError(try store.addEvidenceFile(caseId: caseId, path: video.path, expected: .video,
                                                       capture: Synthetic.noCapture, progress: observer), "Cancelled") {
            $0 == .Cancelled
        }
        XCTAssertEqual(observer.calls.count, 1, "stopped at the next poll")
        XCTAssertEqual(try store.evidenceList(caseId: caseId).count, 0, "a cancelled ingest stores nothing")
        XCTAssertEqual(try store.custodyLog(caseId: caseId).count, 1)

        // The same with CaptureProgress.cancel() requested before the first piece.
        let progress = CaptureProgress()
        progress.cancel()
        XCTAssertQorgauError(try store.addEvidenceFile(caseId: caseId, path: video.path, expected: nil,
                                                       capture: Synthetic.noCapture, progress: progress), "Cancelled") {
            $0 == .Cancelled
        }
        XCTAssertTrue(try store.verify(caseId: caseId).ok)
    }

    func testPanicInRustIsInternalErrorNotACrash() throws {
        XCTAssertQorgauError(try diagnosticsPanic(message: "synthetic panic from the Swift tests"), "Internal") {
            if case .Internal = $0 { return true }
            return false
        }
        // The library is still usable afterwards.
        XCTAssertNoThrow(try validateIin(iin: Synthetic.survivorIin))
        let (store, caseId) = try newStore()
        XCTAssertTrue(try store.verify(caseId: caseId).ok)
        XCTAssertEqual(QorgauAppError(QorgauError.Internal(reason: "x"), language: .en).kind, .internal)
    }
}
