import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// Issue 10 ("the phone at rest") and issue 11, against the real library: the station key is set
/// by hand only by a signed-in supervisor; a photo that is damaged or cut short is refused unless
/// the officer confirms keeping it (then kept byte for byte and marked); a sound photo the core
/// cannot draw is accepted with the reason; and a captured file is never deleted before the
/// store holds it.
final class PhoneAtRestTests: TempDirTestCase {
    private func newStore() throws -> (QorgauStore, Uuid) {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        return (store, try store.openCase(newCase: Synthetic.neighbourReport).record.id)
    }

    /// The committed 640×480 JPEG cut to half its bytes.
    private func cutPhoto() throws -> Data {
        let photo = try Data(contentsOf: Synthetic.photoURL)
        return Data(photo.prefix(photo.count / 2))
    }

    /// A HEIF photo's start (`ftyp` brand heic): sound media the core has no decoder for.
    private static let heif: Data = {
        var d = Data([0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("heicmif1".utf8))
        d.append(contentsOf: (0..<100).map { UInt8(($0 * 7) % 251) })
        return d
    }()

    private static func isPermissionDenied(_ e: QorgauError) -> Bool {
        if case .PermissionDenied = e { return true }
        return false
    }

    private static func isBadMedia(_ e: QorgauError) -> Bool {
        if case .BadMedia = e { return true }
        return false
    }

    // ---- the station key ---------------------------------------------------------------------

    func testStationKeyIsSetByHandOnlyByASignedInSupervisor() throws {
        let (store, _) = try newStore()
        let key = Synthetic.stationKey
        let notEnrolled: (QorgauError) -> Bool = { if case .InvalidRegistry = $0 { return true }; return false }

        // Nobody signed in: the device's officer acts.
        XCTAssertNil(store.currentProfile())
        XCTAssertQorgauError(try store.trustStationKey(publicKeyHex: key), "PermissionDenied", Self.isPermissionDenied)
        XCTAssertQorgauError(try store.importRegistry(path: Synthetic.registryURL.path), "InvalidRegistry (no key)", notEnrolled)

        // The first profile, a supervisor, may be created by anyone; after that only by a
        // signed-in supervisor.
        let supervisor = try store.signInFirstSupervisor()
        XCTAssertEqual(supervisor.role, .supervisor)
        let officer = try store.createProfile(role: .officer, name: "Aibek Demoulin", badge: Synthetic.officerBadge, pin: Synthetic.officerPin)
        store.lockProfile()
        XCTAssertQorgauError(try store.createProfile(role: .officer, name: "Other Officer", badge: "KZ-DEMO-0999", pin: "864203"), "PermissionDenied") {
            if case .PermissionDenied = $0 { return true }
            return false
        }

        // An officer signed in with their PIN: refused, nothing changes.
        XCTAssertEqual(try store.unlockProfile(profileId: officer.id, pin: Synthetic.officerPin).role, .officer)
        XCTAssertQorgauError(try store.trustStationKey(publicKeyHex: key), "PermissionDenied", Self.isPermissionDenied)
        XCTAssertQorgauError(try store.importRegistry(path: Synthetic.registryURL.path), "InvalidRegistry (no key)", notEnrolled)

        // The supervisor signed in: allowed, and the station's registry now verifies.
        store.lockProfile()
        XCTAssertEqual(try store.unlockProfile(profileId: supervisor.id, pin: Synthetic.supervisorPin).role, .supervisor)
        XCTAssertNoThrow(try store.trustStationKey(publicKeyHex: key))
        XCTAssertEqual(try store.importRegistry(path: Synthetic.registryURL.path).sequence, 1)

        // Signed out again: refused.
        store.lockProfile()
        XCTAssertQorgauError(try store.trustStationKey(publicKeyHex: key), "PermissionDenied", Self.isPermissionDenied)
    }

    @MainActor
    func testCheckPersonOffersTheStationKeyOnlyToASignedInSupervisor() async throws {
        let s = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let check = CheckPersonViewModel(session: s, language: .en)
        let signIn = SignInViewModel(session: s, language: .en)

        // Nobody signed in.
        await check.loadProfile()
        XCTAssertNil(check.actingProfile)
        XCTAssertFalse(check.canTrustStation)
        let anonymous = await check.trustStation(publicKeyHex: Synthetic.stationKey)
        XCTAssertFalse(anonymous)
        XCTAssertEqual(check.error?.kind, .permissionDenied)

        // The supervisor (first profile) signs in and adds an officer.
        let supervisor = try await unwrapped { await signIn.createProfile(role: .supervisor, name: Synthetic.supervisorName, badge: Synthetic.supervisorBadge, pin: Synthetic.supervisorPin) }
        signIn.selectedId = supervisor.id
        signIn.pin = Synthetic.supervisorPin
        _ = try await unwrapped { await signIn.unlock() }
        let officer = try await unwrapped { await signIn.createProfile(role: .officer, name: "Aibek Demoulin", badge: Synthetic.officerBadge, pin: Synthetic.officerPin) }
        await signIn.signOut()

        // Another profile may not be added now (plain message).
        let refused = await signIn.createProfile(role: .officer, name: "Other Officer", badge: "KZ-DEMO-0999", pin: "864203")
        XCTAssertNil(refused)
        XCTAssertEqual(signIn.error?.kind, .permissionDenied)

        // An officer signed in: not offered, and refused if tried.
        signIn.selectedId = officer.id
        signIn.pin = Synthetic.officerPin
        _ = try await unwrapped { await signIn.unlock() }
        await check.loadProfile()
        XCTAssertEqual(check.actingProfile?.role, .officer)
        XCTAssertFalse(check.canTrustStation)
        let asOfficer = await check.trustStation(publicKeyHex: Synthetic.stationKey)
        XCTAssertFalse(asOfficer)
        XCTAssertEqual(check.error?.kind, .permissionDenied)

        // The supervisor: offered and allowed.
        await signIn.signOut()
        signIn.selectedId = supervisor.id
        signIn.pin = Synthetic.supervisorPin
        _ = try await unwrapped { await signIn.unlock() }
        await check.loadProfile()
        XCTAssertTrue(check.canTrustStation)
        let asSupervisor = await check.trustStation(publicKeyHex: Synthetic.stationKey)
        XCTAssertTrue(asSupervisor)
        XCTAssertNil(check.error)
        let imported = await check.importRegistry(at: Synthetic.registryURL)
        XCTAssertEqual(imported?.sequence, 1)

        // Signed out elsewhere: the refusal also withdraws the offer.
        await signIn.signOut()
        XCTAssertTrue(check.canTrustStation, "not yet reloaded")
        let afterSignOut = await check.trustStation(publicKeyHex: Synthetic.stationKey)
        XCTAssertFalse(afterSignOut)
        XCTAssertFalse(check.canTrustStation)
    }

    // ---- damaged and undrawable photos ---------------------------------------------------------

    func testTruncatedJpegIsRefusedThenKeptAsDamagedByteForByte() throws {
        let (store, caseId) = try newStore()
        let cut = try cutPhoto()
        let cutSha = sha256Hex(cut)
        XCTAssertNotEqual(cutSha, Synthetic.photoSha256)

        // Refused as bad media; nothing stored.
        XCTAssertQorgauError(try store.addPhotoBytes(caseId: caseId, bytes: cut, capture: Synthetic.noCapture), "BadMedia", Self.isBadMedia)
        let cutFile = try file("cut.jpg", cut)
        XCTAssertQorgauError(try store.addEvidenceFile(caseId: caseId, path: cutFile.path, expected: .photo, capture: Synthetic.noCapture, progress: nil),
                             "BadMedia", Self.isBadMedia)
        XCTAssertEqual(try store.evidenceList(caseId: caseId).count, 0)
        // A damaged photo is offered for keeping by its kind (`MediaProblem.damaged`), whatever
        // the core's words.
        do {
            _ = try store.addPhotoBytes(caseId: caseId, bytes: cut, capture: Synthetic.noCapture)
        } catch {
            guard case let QorgauError.BadMedia(problem, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(problem, .damaged)
            let shown = QorgauAppError.capture(error, language: .en)
            XCTAssertEqual(shown.kind, .damagedMedia)
            XCTAssertTrue(shown.isDamagedMedia)
            XCTAssertEqual(QorgauAppError.capture(QorgauError.BadMedia(problem: .damaged, reason: "other words"), language: .en).kind, .damagedMedia)
        }
        // Other bad media is not offered for keeping.
        let pdf = Data("%PDF-1.7\n".utf8)
        do {
            _ = try store.addPhotoBytes(caseId: caseId, bytes: pdf, capture: Synthetic.noCapture)
            XCTFail("a PDF header is not a photo")
        } catch {
            XCTAssertFalse(QorgauAppError.capture(error, language: .en).isDamagedMedia)
        }
        XCTAssertFalse(QorgauAppError.capture(QorgauError.BadMedia(problem: .wrongKind, reason: "damaged evidence"), language: .en).isDamagedMedia)
        XCTAssertFalse(QorgauAppError.capture(QorgauError.Io(reason: ""), language: .en).isDamagedMedia,
                       "only a damaged photo is offered")

        // Kept when the officer confirms: byte for byte, marked damaged, no preview.
        let keep = CaptureInfo(gps: nil, note: "Cut short when the phone fell (synthetic)", platformThumbnail: nil, keepDamaged: true)
        let kept = try store.addPhotoBytes(caseId: caseId, bytes: cut, capture: keep)
        XCTAssertNotNil(kept.record.damaged)
        XCTAssertTrue(kept.record.isDamaged)
        XCTAssertEqual(kept.record.sha256, cutSha)
        XCTAssertEqual(kept.sha256.count, 64, "the record's own hash (canonical form), signed in the custody entry")
        XCTAssertEqual(kept.record.sizeBytes, UInt64(cut.count))
        XCTAssertEqual(kept.record.kind, .photo)
        XCTAssertEqual(kept.record.preview, PreviewSource.none)
        XCTAssertNil(kept.record.previewNote)
        XCTAssertEqual(kept.record.note, "Cut short when the phone fell (synthetic)")
        let out = tmp.appendingPathComponent("extracted.jpg")
        XCTAssertEqual(try store.extractOriginal(evidenceId: kept.record.id, outPath: out.path, purpose: "review"), UInt64(cut.count))
        XCTAssertEqual(try Data(contentsOf: out), cut, "the original, byte for byte")

        // The same through a file.
        let fromFile = try store.addEvidenceFile(caseId: caseId, path: cutFile.path, expected: .photo, capture: keep, progress: nil)
        XCTAssertNotNil(fromFile.record.damaged)
        XCTAssertEqual(fromFile.record.sha256, cutSha)

        // A sound photo is never marked, even when keepDamaged is set.
        let sound = try store.addPhotoBytes(caseId: caseId, bytes: try Data(contentsOf: Synthetic.photoURL), capture: keep)
        XCTAssertNil(sound.record.damaged)
        XCTAssertEqual(sound.record.preview, .generated)

        let list = try store.evidenceList(caseId: caseId)
        XCTAssertEqual(list.map(\.isDamaged), [true, true, false])
        XCTAssertEqual(try store.custodyLog(caseId: caseId).filter { $0.entry.kind == .evidenceAdded }.count, 3)
        let report = try store.verify(caseId: caseId)
        XCTAssertTrue(report.ok, "\(String(describing: report.failure))")
    }

    func testSoundPhotoTheCoreCannotDrawIsAcceptedWithTheReason() throws {
        let (store, caseId) = try newStore()
        let added = try store.addPhotoBytes(caseId: caseId, bytes: Self.heif, capture: Synthetic.noCapture)
        XCTAssertEqual(added.record.kind, .photo)
        XCTAssertEqual(added.record.preview, PreviewSource.none)
        XCTAssertNil(added.record.damaged)
        XCTAssertNotNil(added.record.previewNote)
        XCTAssertEqual(added.record.sha256, sha256Hex(Self.heif))
    }

    // ---- the capture view model --------------------------------------------------------------

    @MainActor
    func testCaptureAsksBeforeKeepingADamagedPhoto() async throws {
        let s = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let caseId = try await s.perform { try $0.openCase(newCase: Synthetic.neighbourReport).record.id }
        let dir = tmp.appendingPathComponent("capture/\(caseId)")
        let vm = CaptureViewModel(session: s, caseId: caseId, language: .en, captureDirectory: dir)
        await vm.load()
        XCTAssertTrue(vm.pending.isEmpty)
        let cut = try cutPhoto()

        // The camera app's temporary file, cut short: not stored, not deleted, and the question
        // is asked instead of an error.
        vm.note = "Bruise on the left forearm (synthetic)"
        let temp = try file("IMG_0001.jpg", cut)
        let refused = await vm.addFile(at: temp, expected: .photo, owned: true)
        XCTAssertNil(refused)
        XCTAssertNil(vm.error, "the question replaces the error")
        let question = try XCTUnwrap(vm.damagedQuestion)
        XCTAssertTrue(question.isDamaged)
        XCTAssertEqual(question.error?.kind, .damagedMedia)
        XCTAssertEqual(question.note, "Bruise on the left forearm (synthetic)")
        XCTAssertEqual(vm.note, "", "the note went with the pending capture")
        XCTAssertEqual(vm.pending.map(\.id), [question.id])
        let kept = dir.appendingPathComponent("IMG_0001.jpg")
        XCTAssertEqual(question.fileURL?.path, kept.path, "moved into the case's capture folder")
        XCTAssertFalse(FileManager.default.fileExists(atPath: temp.path))
        XCTAssertEqual(try Data(contentsOf: kept), cut, "the file is kept until the officer answers")
        XCTAssertTrue(vm.evidence.isEmpty)

        // Keep: saved with keepDamaged, marked, then the temporary file goes.
        let saved = try await unwrapped { await vm.answerDamaged(keep: true) }
        XCTAssertNil(vm.damagedQuestion)
        XCTAssertTrue(vm.pending.isEmpty)
        XCTAssertNotNil(saved.record.damaged)
        XCTAssertEqual(saved.record.sha256, sha256Hex(cut))
        XCTAssertEqual(saved.record.note, "Bruise on the left forearm (synthetic)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: kept.path), "deleted once the store holds it")
        XCTAssertEqual(vm.evidence.map(\.isDamaged), [true])

        // Discard: nothing stored, the app's file deleted.
        let second = try file("IMG_0002.jpg", cut)
        await vm.addFile(at: second, expected: .photo, owned: true)
        XCTAssertNotNil(vm.damagedQuestion)
        let discarded = await vm.answerDamaged(keep: false)
        XCTAssertNil(discarded)
        XCTAssertNil(vm.damagedQuestion)
        XCTAssertTrue(vm.pending.isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("IMG_0002.jpg").path))

        // A file that is not the app's (e.g. the caller keeps it): asked too, never deleted.
        let notOwned = try file("shared.jpg", cut)
        await vm.addFile(at: notOwned, expected: .photo)
        let other = try XCTUnwrap(vm.damagedQuestion)
        XCTAssertEqual(other.fileURL, notOwned)
        vm.dismissDamagedQuestion()
        XCTAssertNil(vm.damagedQuestion)
        XCTAssertEqual(vm.pending.map(\.id), [other.id], "still offered after the dialog is closed")
        vm.discard(other.id)
        XCTAssertTrue(vm.pending.isEmpty)
        XCTAssertTrue(FileManager.default.fileExists(atPath: notOwned.path))

        // Camera bytes cut short: kept in memory, saved as damaged when the officer confirms.
        let fromCamera = await vm.addPhoto(bytes: cut)
        XCTAssertNil(fromCamera)
        let bytesQuestion = try XCTUnwrap(vm.damagedQuestion)
        XCTAssertEqual(bytesQuestion.source, .photo(cut))
        let again = await vm.retry(bytesQuestion.id)
        XCTAssertNil(again, "refused again without the officer's confirmation")
        XCTAssertEqual(vm.damagedQuestion?.id, bytesQuestion.id)
        let keptBytes = try await unwrapped { await vm.keepAsDamaged(bytesQuestion.id) }
        XCTAssertNotNil(keptBytes.record.damaged)
        XCTAssertTrue(vm.pending.isEmpty)

        // A sound photo the core cannot draw: stored with the reason, no question.
        let heif = await vm.addPhoto(bytes: Self.heif)
        XCTAssertNotNil(heif?.record.previewNote)
        XCTAssertNil(vm.damagedQuestion)

        await vm.load()
        XCTAssertEqual(vm.evidence.map(\.isDamaged), [true, true, false])
        XCTAssertEqual(vm.evidence.map { $0.previewNote != nil }, [false, false, true])
    }

    /// Issue 11: the capture's temporary file was deleted even when the save failed.
    @MainActor
    func testCapturedFileIsKeptUntilSavedOrDiscarded() async throws {
        let s = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let caseId = try await s.perform { try $0.openCase(newCase: Synthetic.neighbourReport).record.id }
        let dir = tmp.appendingPathComponent("capture/\(caseId)")
        let vm = CaptureViewModel(session: s, caseId: caseId, language: .kk, captureDirectory: dir)

        // Refused for another reason: the error is shown, the file stays (no question).
        let text = try file("memo.txt", Data("not media (synthetic)".utf8))
        await vm.addFile(at: text, owned: true)
        XCTAssertEqual(vm.error?.kind, .badMedia)
        XCTAssertNil(vm.damagedQuestion)
        let refused = try XCTUnwrap(vm.pending.first)
        XCTAssertFalse(refused.isDamaged)
        XCTAssertEqual(refused.error?.kind, .badMedia)
        let keptText = dir.appendingPathComponent("memo.txt")
        XCTAssertTrue(FileManager.default.fileExists(atPath: keptText.path))
        await vm.retry(refused.id)
        XCTAssertEqual(vm.pending.count, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: keptText.path))
        vm.discard(refused.id)
        XCTAssertTrue(vm.pending.isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: keptText.path))

        // A long video stopped by the officer: kept, then saved on retry and only then deleted.
        let video = try file("long.mp4", Synthetic.video(payload: 32 * 1024 * 1024))
        vm.onChange = { [unowned vm] in
            if vm.isCapturing, vm.progress > 0, vm.progress < 1 { vm.cancel() }
        }
        let stopped = await vm.addFile(at: video, expected: .video, owned: true)
        vm.onChange = nil
        XCTAssertNil(stopped)
        XCTAssertTrue(vm.wasCancelled)
        XCTAssertNil(vm.error)
        let pendingVideo = try XCTUnwrap(vm.pending.first)
        XCTAssertNil(pendingVideo.error, "stopped, not failed")
        let keptVideo = dir.appendingPathComponent("long.mp4")
        XCTAssertTrue(FileManager.default.fileExists(atPath: keptVideo.path))
        let saved = try await unwrapped { await vm.retry(pendingVideo.id) }
        XCTAssertEqual(saved.record.kind, .video)
        XCTAssertTrue(vm.pending.isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: keptVideo.path))

        // The app stopped during a save: the next screen for the case offers the file again.
        let leftover = dir.appendingPathComponent("A1B2C3.jpg")
        try FileManager.default.copyItem(at: Synthetic.photoURL, to: leftover)
        let later = CaptureViewModel(session: s, caseId: caseId, language: .kk, captureDirectory: dir)
        await later.load()
        XCTAssertEqual(later.evidence.count, 1)
        let offered = try XCTUnwrap(later.pending.first)
        XCTAssertEqual(later.pending.count, 1)
        XCTAssertEqual(offered.fileURL?.path, leftover.path)
        XCTAssertNil(offered.error)
        await later.load()
        XCTAssertEqual(later.pending.count, 1, "offered once")
        let recovered = try await unwrapped { await later.retry(offered.id) }
        XCTAssertEqual(recovered.record.sha256, Synthetic.photoSha256)
        XCTAssertTrue(later.pending.isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover.path))

        // Saved at once: the app's file is deleted, as before.
        let photo = try file("IMG_0003.jpg", try Data(contentsOf: Synthetic.photoURL))
        let direct = await later.addFile(at: photo, expected: .photo, owned: true)
        XCTAssertNotNil(direct)
        XCTAssertFalse(FileManager.default.fileExists(atPath: photo.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("IMG_0003.jpg").path))
        XCTAssertTrue(later.pending.isEmpty)
    }
}
