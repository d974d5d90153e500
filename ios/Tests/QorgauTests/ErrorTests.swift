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

    func testInvalidIinIsInvalidInputAndNothingIsStored() throws {
        XCTAssertNoThrow(try validateIin(iin: Synthetic.survivorIin))
        XCTAssertNoThrow(try validateIin(iin: Synthetic.aggressorIin))
        XCTAssertQorgauError(try validateIin(iin: Synthetic.invalidIin), "InvalidInput") {
            if case let .InvalidInput(field, message) = $0 {
                return field == "iin" && message.contains("check digit") && !message.contains(Synthetic.invalidIin)
            }
            return false
        }
        XCTAssertQorgauError(try validateIin(iin: "12345"), "InvalidInput") {
            if case .InvalidInput(field: "iin", _) = $0 { return true }
            return false
        }

        let (store, caseId) = try newStore()
        let person = Synthetic.person(.child, "Dana Testova", iin: Synthetic.invalidIin, relation: "daughter")
        XCTAssertQorgauError(try store.addPerson(caseId: caseId, person: person), "InvalidInput") {
            if case .InvalidInput(field: "iin", _) = $0 { return true }
            return false
        }
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
            if case let .KeyStore(message) = $0 { return message.contains("device locked") }
            return false
        }
    }

    func testProfileErrors() throws {
        XCTAssertQorgauError(try QorgauStore.open(dir: storeDir.path, keystore: MemoryKeyStore()), "NotInitialised") {
            if case .NotInitialised = $0 { return true }
            return false
        }
        _ = try newStore()
        XCTAssertQorgauError(try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile), "AlreadyInitialised") {
            if case .AlreadyInitialised = $0 { return true }
            return false
        }
    }

    func testTextFileIsBadMedia() throws {
        let (store, caseId) = try newStore()
        let text = try file("notes.txt", Data("Not a photo, just some text written at the scene (synthetic).\n".utf8))
        for expected in [nil, MediaKind.photo] {
            XCTAssertQorgauError(try store.addEvidenceFile(caseId: caseId, path: text.path, expected: expected,
                                                           capture: Synthetic.noCapture, progress: nil), "BadMedia") {
                if case .BadMedia = $0 { return true }
                return false
            }
        }
        XCTAssertQorgauError(try store.addPhotoBytes(caseId: caseId, bytes: Data("%PDF-1.7\n".utf8), capture: Synthetic.noCapture), "BadMedia") {
            if case .BadMedia = $0 { return true }
            return false
        }
        // A truncated JPEG and a video where a photo was expected.
        let photo = try Data(contentsOf: Synthetic.photoURL)
        XCTAssertQorgauError(try store.addPhotoBytes(caseId: caseId, bytes: photo.prefix(photo.count / 2), capture: Synthetic.noCapture), "BadMedia") {
            if case .BadMedia = $0 { return true }
            return false
        }
        let video = try file("clip.mp4", Synthetic.video(payload: 4096))
        XCTAssertQorgauError(try store.addEvidenceFile(caseId: caseId, path: video.path, expected: .photo,
                                                       capture: Synthetic.noCapture, progress: nil), "BadMedia") {
            if case .BadMedia = $0 { return true }
            return false
        }
        XCTAssertEqual(try store.evidenceList(caseId: caseId).count, 0)
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
            if case let .Internal(message) = $0 { return message.contains("panic") && message.contains("synthetic panic") }
            return false
        }
        // The library is still usable afterwards.
        XCTAssertNoThrow(try validateIin(iin: Synthetic.survivorIin))
        let (store, caseId) = try newStore()
        XCTAssertTrue(try store.verify(caseId: caseId).ok)
        XCTAssertEqual(QorgauAppError(QorgauError.Internal(reason: "x"), language: .en).kind, .internal)
    }
}
