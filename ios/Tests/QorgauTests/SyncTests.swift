import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// A real station (`qorgau-station`, built by cargo with the workspace) on loopback, started
/// with Foundation's `Process`. Its output is drained until it exits (a closed pipe could kill it).
final class StationProcess: @unchecked Sendable {
    /// `QORGAU_STATION_BIN`, or where `ios/scripts/test-linux.sh` finds it inside the chroot.
    static let defaultBinary = "/src/target/debug/qorgau-station"

    /// A missing station binary fails the test that needs it: CI must never pass by skipping.
    static func requireBinary() throws {
        struct Missing: Error, CustomStringConvertible {
            var description: String { "no qorgau-station binary (set QORGAU_STATION_BIN; ios/scripts/test-linux.sh does)" }
        }
        if ProcessInfo.processInfo.environment["QORGAU_STATION_BIN"] == nil,
           !FileManager.default.isExecutableFile(atPath: defaultBinary) {
            throw Missing()
        }
    }
    static var binary: String {
        ProcessInfo.processInfo.environment["QORGAU_STATION_BIN"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultBinary
    }

    /// How the station serves.
    enum Transport {
        /// `--plain-http` (allowed on loopback only): most tests, where TLS is not the point.
        case plainHTTP
        /// The default: https under the station's own root, made on first start under `<data>/tls/`.
        case stationTLS
    }

    let dataDir: URL
    let url: String
    /// The station's first line of output, e.g. `qorgau-station listening on https://127.0.0.1:PORT (data …)`.
    let firstLine: String
    private let process: Process
    private let output: OutputDrain

    init(dataDir: URL, transport: Transport = .plainHTTP) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--data", dataDir.path, "serve", "--listen", "127.0.0.1:0"]
            + (transport == .plainHTTP ? ["--plain-http"] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = OutputDrain()
        let reader = pipe.fileHandleForReading
        DispatchQueue.global().async { output.drain(reader) }
        guard let line = output.firstLine(timeout: 30) else {
            process.terminate()
            throw StationError("the station did not start within 30 s; output: \(output.text)")
        }
        guard let start = line.range(of: transport == .plainHTTP ? "http://127.0.0.1:" : "https://127.0.0.1:") else {
            process.terminate()
            throw StationError("no address in the station's first line: \(line)")
        }
        self.dataDir = dataDir
        self.process = process
        self.output = output
        self.firstLine = line
        self.url = String(line[start.lowerBound...].prefix { !$0.isWhitespace })
    }

    /// Everything the station printed so far.
    var outputText: String { output.text }

    /// The station's own TLS root (PEM), as `serve` made it (`<data>/tls/ca.pem`).
    var tlsRootPEM: URL { dataDir.appendingPathComponent("tls/ca.pem") }

    /// Reads a child's output until it exits, keeping it for diagnostics.
    private final class OutputDrain: @unchecked Sendable {
        private let lock = NSLock()
        private var output = ""
        private var line: String?
        private let started = DispatchSemaphore(value: 0)

        var text: String {
            lock.lock(); defer { lock.unlock() }
            return output
        }

        func firstLine(timeout seconds: Int) -> String? {
            guard started.wait(timeout: .now() + .seconds(seconds)) == .success else { return nil }
            lock.lock(); defer { lock.unlock() }
            return line
        }

        func drain(_ handle: FileHandle) {
            var signalled = false
            while true {
                let data = handle.availableData
                if data.isEmpty { break } // end of file: the child exited
                lock.lock()
                output += String(decoding: data, as: UTF8.self)
                if line == nil, let nl = output.firstIndex(of: "\n") { line = String(output[..<nl]) }
                let haveLine = line != nil
                lock.unlock()
                if haveLine && !signalled {
                    signalled = true
                    started.signal()
                }
            }
            if !signalled { started.signal() }
        }
    }

    var isRunning: Bool { process.isRunning }

    /// Stops the station (SIGTERM) and waits for it to exit.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// A fresh one-time enrolment code from the station's CLI (same data directory).
    func enrolmentCode(officer: String = "KZ-DEMO-0417", unit: String = "DV team 3 (synthetic)") throws -> String {
        try enrolmentCodeCLI(officer: officer, unit: unit, print: "code")
    }

    /// A fresh enrolment card's text (what its QR code holds) for the address `serve` announced:
    /// `QORGAU-ENROL:1;url=…;code=…;ca=<64 hex>;key=<64 hex>`.
    func enrolmentCard(officer: String = "KZ-DEMO-0417", unit: String = "DV team 3 (synthetic)") throws -> String {
        try enrolmentCodeCLI(officer: officer, unit: unit, print: "card")
    }

    private func enrolmentCodeCLI(officer: String, unit: String, print: String) throws -> String {
        try cli(["enrolment-code", "--officer", officer, "--unit", unit, "--print", print])
    }

    /// Revokes a device with the station's CLI (`revoke <device-id>`, same data directory, while
    /// `serve` runs): its later requests are refused with the code `device_revoked`.
    @discardableResult
    func revoke(device: String) throws -> String {
        try cli(["revoke", device])
    }

    /// Runs the station's CLI on this station's data directory; its output, or an error.
    private func cli(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["--data", dataDir.path] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard p.terminationStatus == 0, !text.isEmpty else { throw StationError("\(args.first ?? "") failed (\(p.terminationStatus)): \(text)") }
        return text
    }

    struct StationError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}

/// Sync with a real station on loopback: enrolment, what waits, sync with progress, refusals,
/// an unreachable station, cancellation, and the sync screen's view model.
final class SyncTests: TempDirTestCase {
    private var station: StationProcess!

    override func setUpWithError() throws {
        try super.setUpWithError()
        try StationProcess.requireBinary()
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: StationProcess.binary), "station binary: \(StationProcess.binary)")
        station = try StationProcess(dataDir: tmp.appendingPathComponent("station"))
    }

    override func tearDownWithError() throws {
        station?.stop()
        station = nil
        try super.tearDownWithError()
    }

    private var photoSize: UInt64 {
        get throws { UInt64(try Data(contentsOf: Synthetic.photoURL).count) }
    }

    /// A case with the survivor and the photo fixture: three custody entries, one original.
    @discardableResult
    private static func caseWithPhoto(_ store: QorgauStore) throws -> Uuid {
        let caseId = try store.openCase(newCase: Synthetic.neighbourReport).record.id
        _ = try store.addPerson(caseId: caseId, person: Synthetic.survivor)
        _ = try store.addEvidenceFile(caseId: caseId, path: Synthetic.photoURL.path, expected: .photo, capture: Synthetic.noCapture, progress: nil)
        return caseId
    }

    /// A case with the survivor and a short synthetic video at `path` (an original the station
    /// has not seen: the same photo twice is stored and uploaded once).
    private static func caseWithVideo(_ store: QorgauStore, path: String) throws {
        let caseId = try store.openCase(newCase: Synthetic.neighbourReport).record.id
        _ = try store.addPerson(caseId: caseId, person: Synthetic.survivor)
        _ = try store.addEvidenceFile(caseId: caseId, path: path, expected: .video, capture: Synthetic.noCapture, progress: nil)
    }

    func testEnrolSeeWhatWaitsSyncWithProgressNothingLeftWaiting() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        XCTAssertNil(try store.station())
        XCTAssertQorgauError(try store.sync(progress: nil), "Sync(.notEnrolled)") {
            if case .Sync(.notEnrolled, _) = $0 { return true }
            return false
        }

        try Self.caseWithPhoto(store)
        let size = try photoSize
        let waiting = try store.syncStatus()
        XCTAssertEqual(waiting.pendingRecords, 3, "case opened, person added, evidence added")
        XCTAssertEqual(waiting.pendingBytes, size, "the photo's original")
        XCTAssertNotNil(waiting.oldestPendingAt)
        XCTAssertNil(waiting.lastSuccessAt)
        XCTAssertNil(waiting.lastProblem)

        // A wrong code is refused by the station with its code.
        XCTAssertQorgauError(try store.enrol(stationUrl: station.url, code: "NOTAVALIDCODE000"), "Sync(.refused(.codeUnknown))") {
            if case .Sync(.refused(code: .codeUnknown, status: 403), _) = $0 { return true }
            return false
        }
        XCTAssertNil(try store.station(), "not enrolled after a refused code")

        _ = try store.enrol(stationUrl: station.url, code: try station.enrolmentCode())
        XCTAssertEqual(try store.station(), station.url)

        let progress = CaptureProgress()
        let report = try store.sync(progress: progress)
        XCTAssertEqual(report.acked, 3)
        XCTAssertTrue(report.rejected.isEmpty, "\(report.rejected)")
        XCTAssertEqual(report.uploadedBytes, size)
        XCTAssertEqual(report.pendingAfter, 0)
        let p = progress.snapshot
        XCTAssertGreaterThanOrEqual(p.calls, 1)
        XCTAssertEqual(p.done, size, "progress in bytes of originals uploaded")
        XCTAssertEqual(p.total, size)

        let after = try store.syncStatus()
        XCTAssertEqual(after.pendingRecords, 0)
        XCTAssertEqual(after.pendingBytes, 0)
        XCTAssertNil(after.oldestPendingAt)
        XCTAssertNotNil(after.lastSuccessAt)
        XCTAssertNil(after.lastProblem, "a clean sync leaves no problem")

        // Nothing new: a second sync sends nothing.
        let again = try store.sync(progress: nil)
        XCTAssertEqual(again.acked, 0)
        XCTAssertEqual(again.uploadedBytes, 0)
    }

    func testUnreachableStationIsASyncErrorAndEverythingStaysWaiting() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        _ = try store.enrol(stationUrl: station.url, code: try station.enrolmentCode())
        try Self.caseWithPhoto(store)
        station.stop()
        XCTAssertFalse(station.isRunning)

        XCTAssertQorgauError(try store.sync(progress: nil), "Sync(.unreachable)") {
            if case .Sync(.unreachable, _) = $0 { return true }
            return false
        }
        XCTAssertTrue(syncFailureIsTransient(failure: .unreachable))
        let st = try store.syncStatus()
        XCTAssertEqual(st.pendingRecords, 3)
        XCTAssertEqual(st.pendingBytes, try photoSize)
        XCTAssertNil(st.lastSuccessAt)
        XCTAssertEqual(st.lastProblem, .failed(failure: .unreachable), "kept as a kind")
        XCTAssertNotNil(st.lastError, "and in words, for the log")
        XCTAssertNotNil(st.lastErrorAt)
        XCTAssertEqual(try store.station(), station.url, "still enrolled")
    }

    func testCancelledSyncKeepsEverythingWaiting() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        _ = try store.enrol(stationUrl: station.url, code: try station.enrolmentCode())
        try Self.caseWithPhoto(store)
        let progress = CaptureProgress()
        progress.cancel() // polled before each piece of an original is sent
        XCTAssertQorgauError(try store.sync(progress: progress), "Cancelled") { $0 == .Cancelled }
        let st = try store.syncStatus()
        XCTAssertEqual(st.pendingRecords, 3)
        XCTAssertEqual(st.lastProblem, .failed(failure: .cancelled))
        // The next run sends everything.
        XCTAssertEqual(try store.sync(progress: nil).acked, 3)
        XCTAssertEqual(try store.syncStatus().pendingRecords, 0)
    }

    // ---- the sync screen ----------------------------------------------------------------------

    @MainActor
    func testSyncViewModelNeverSaysAllSentWhileAnythingWaits() async throws {
        let session = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let vm = SyncViewModel(session: session, language: .en)
        XCTAssertEqual(vm.state, .unknown, "nothing read yet")
        XCTAssertNotEqual(vm.headline, "Everything has been sent to the station.")

        await vm.refresh()
        XCTAssertEqual(vm.state, .notEnrolled)
        XCTAssertFalse(vm.canSync)
        XCTAssertNil(vm.waitingLine)
        XCTAssertEqual(vm.lastSuccessLine, "Nothing has been sent from this device yet.")
        let notEnrolled = await vm.syncNow()
        XCTAssertNil(notEnrolled)
        XCTAssertEqual(vm.error?.kind, .sync(.notEnrolled))
        XCTAssertNil(vm.lastProblem)

        // Something waits before the device is enrolled.
        try await session.perform { store in _ = try SyncTests.caseWithPhoto(store) }
        await vm.refresh()
        let size = try photoSize
        XCTAssertEqual(vm.state, .notEnrolled)
        let waiting = try XCTUnwrap(vm.waitingLine)
        XCTAssertTrue(waiting.hasPrefix("Waiting to be sent: 3 records (\(Wording.bytes(size, .en))), the oldest from "), waiting)
        XCTAssertFalse(waiting.contains("T"), "local date and time, not RFC 3339: \(waiting)")

        // Enrolment: a bad address and a missing code are refused before any network call.
        vm.stationUrl = "station.example"
        vm.code = "ABCD"
        var enrolled = await vm.enrol()
        XCTAssertFalse(enrolled)
        XCTAssertEqual(vm.error?.field, "station_url")
        vm.stationUrl = station.url + "/"
        vm.code = " - "
        XCTAssertFalse(vm.canEnrol)
        enrolled = await vm.enrol()
        XCTAssertFalse(enrolled)
        XCTAssertEqual(vm.error?.field, "enrolment_code")

        // A wrong code: the station's refusal in plain words (Kazakh), the code kept for correction.
        vm.language = .kk
        vm.code = "NOTAVALIDCODE000"
        enrolled = await vm.enrol()
        XCTAssertFalse(enrolled)
        XCTAssertEqual(vm.error?.kind, .sync(.refused(code: .codeUnknown, status: 403)))
        XCTAssertEqual(vm.error?.language, .kk)
        XCTAssertEqual(vm.code, "NOTAVALIDCODE000")
        XCTAssertFalse(vm.isEnrolled)

        // The right code, typed in groups and lower case.
        let code = try station.enrolmentCode()
        vm.code = stride(from: 0, to: code.count, by: 4).map { i -> String in
            let s = code.index(code.startIndex, offsetBy: i)
            return String(code[s..<code.index(s, offsetBy: min(4, code.count - i))]).lowercased()
        }.joined(separator: " ")
        enrolled = await vm.enrol()
        XCTAssertTrue(enrolled, "\(String(describing: vm.error))")
        XCTAssertNil(vm.error)
        XCTAssertTrue(vm.isEnrolled)
        XCTAssertEqual(vm.station, station.url)
        XCTAssertEqual(vm.stationUrl, station.url, "the trailing slash is dropped")
        XCTAssertEqual(vm.code, "", "a one-time code is not kept")
        XCTAssertEqual(vm.state, .waiting(records: 3, bytes: size))
        XCTAssertEqual(vm.headline, "Әлі бәрі жіберілген жоқ.")
        XCTAssertTrue(vm.waitingLine?.hasPrefix("Жіберуді күтуде: 3 жазба (") == true, vm.waitingLine ?? "nil")

        // Sync now: "sending" while it runs, progress in bytes, then what the store reports.
        vm.language = .en
        var states: [SyncViewModel.State] = []
        var headlines: Set<String> = []
        vm.onChange = { [unowned vm] in
            states.append(vm.state)
            headlines.insert(vm.headline)
        }
        let report = try await unwrapped { await vm.syncNow() }
        vm.onChange = nil
        XCTAssertEqual(report.acked, 3)
        XCTAssertEqual(report.uploadedBytes, size)
        XCTAssertEqual(states.first, .sending)
        XCTAssertEqual(states.last, .allSent)
        XCTAssertFalse(states.dropLast().contains(.allSent), "never 'all sent' before the store says so: \(states)")
        XCTAssertTrue(headlines.contains("Sending to the station…"))
        XCTAssertEqual(vm.bytesDone, size)
        XCTAssertEqual(vm.progress, 1)
        XCTAssertEqual(vm.headline, "Everything has been sent to the station.")
        XCTAssertNil(vm.waitingLine)
        XCTAssertEqual(vm.resultLine, "Sent: 3 records, originals \(Wording.bytes(size, .en)). The station's registry was updated.")
        XCTAssertTrue(vm.lastSuccessLine?.hasPrefix("Last successful sync: ") == true)
        XCTAssertNil(vm.lastProblem, "the refused enrolment was not a sync")
        XCTAssertNil(vm.lastProblemLine)
        XCTAssertNil(vm.error)

        // Cancelled by the officer as soon as sending starts: not an error, nothing lost.
        let video = try file("scene.mp4", Synthetic.video(payload: 300_000))
        let videoSize = UInt64(try Data(contentsOf: video).count)
        try await session.perform { store in try SyncTests.caseWithVideo(store, path: video.path) }
        await vm.refresh()
        XCTAssertEqual(vm.state, .waiting(records: 3, bytes: videoSize))
        vm.onChange = { [unowned vm] in if vm.isSyncing { vm.cancel() } }
        let stopped = await vm.syncNow()
        XCTAssertNil(stopped)
        vm.onChange = nil
        XCTAssertTrue(vm.wasCancelled)
        XCTAssertNil(vm.error)
        XCTAssertEqual(vm.state, .waiting(records: 3, bytes: videoSize))
        XCTAssertEqual(vm.resultLine, "Sending stopped. Nothing is lost: what was not sent still waits on this device.")
        XCTAssertEqual(vm.lastProblem?.problem, .failed(failure: .cancelled))
        XCTAssertNil(vm.lastProblem?.clearsByItself, "stopped by the officer: nothing to say about retrying")
        XCTAssertNotNil(vm.lastProblem?.at)
        XCTAssertTrue(vm.lastProblemLine?.hasSuffix(QorgauAppError(kind: .sync(.cancelled), language: .en).message) == true, vm.lastProblemLine ?? "nil")

        // The station goes away: a Sync error in plain words, everything still waiting.
        station.stop()
        vm.language = .ru
        let unreachable = await vm.syncNow()
        XCTAssertNil(unreachable)
        XCTAssertEqual(vm.error?.kind, .sync(.unreachable))
        XCTAssertEqual(vm.error?.isTransientSyncFailure, true)
        XCTAssertFalse(vm.wasCancelled)
        XCTAssertEqual(vm.state, .waiting(records: 3, bytes: videoSize))
        XCTAssertEqual(vm.headline, "Ещё не всё отправлено.")
        XCTAssertTrue(vm.waitingLine?.hasPrefix("Ждут отправки: 3 записи (") == true, vm.waitingLine ?? "nil")
        // The sync screen: the store's last problem as a kind, its time, and that it clears by itself.
        let last = try XCTUnwrap(vm.lastProblem)
        XCTAssertEqual(last.problem, .failed(failure: .unreachable))
        XCTAssertEqual(last.clearsByItself, true)
        let at = try XCTUnwrap(last.at)
        XCTAssertEqual(at.timeIntervalSinceNow, 0, accuracy: 120)
        let line = try XCTUnwrap(vm.lastProblemLine)
        XCTAssertEqual(line, Strings.text("sync.lastProblem %@ %@", .ru, [
            UserMessages.localTime(at, .ru),
            QorgauAppError(kind: .sync(.unreachable), language: .ru).message + " " + UserMessages.retryNote(true, .ru),
        ]))
        XCTAssertFalse(line.contains("cannot reach"), "no English core text for the officer")

        // The background task's runner: failed (to be retried), nothing lost.
        let outcome = await BackgroundSync.run(session: session)
        XCTAssertFalse(outcome.succeeded)
        XCTAssertEqual(outcome.report, nil)
        let stillWaiting = try await session.perform { try $0.syncStatus().pendingRecords }
        XCTAssertEqual(stillWaiting, 3)
    }

    /// A device revoked at the station (its CLI, `revoke <device-id>`, while `serve` runs): the
    /// next sync is refused with the station's code, not retried, kept as the last problem with
    /// its time, and nothing waiting is lost.
    @MainActor
    func testRevokedDeviceIsRefusedWithItsCodeAndKeptAsTheLastProblem() async throws {
        let session = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let store = session.store
        _ = try store.enrol(stationUrl: station.url, code: try station.enrolmentCode())
        _ = try store.openCase(newCase: Synthetic.neighbourReport)
        XCTAssertEqual(try store.sync(progress: nil).acked, 1, "enrolled and accepted before the revocation")

        let said = try station.revoke(device: session.device.deviceId)
        XCTAssertTrue(said.contains("revoked"), said)
        try Self.caseWithPhoto(store)

        let revoked = SyncFailure.refused(code: .deviceRevoked, status: 403)
        XCTAssertQorgauError(try store.sync(progress: nil), "Sync(.refused(.deviceRevoked, 403))") {
            if case let .Sync(failure, _) = $0 { return failure == revoked }
            return false
        }
        XCTAssertFalse(syncFailureIsTransient(failure: revoked), "someone must act: the device is revoked")
        let st = try store.syncStatus()
        XCTAssertEqual(st.lastProblem, .failed(failure: revoked))
        XCTAssertNotNil(st.lastErrorAt)
        XCTAssertEqual(st.pendingRecords, 3, "everything not acknowledged stays on the phone")
        XCTAssertEqual(st.pendingBytes, try photoSize)
        XCTAssertEqual(try store.station(), station.url, "still enrolled as far as the phone knows")

        // The sync screen: the refusal by kind, then the last problem with its time, not retried.
        let vm = SyncViewModel(session: session, language: .kk)
        await vm.refresh()
        XCTAssertEqual(vm.lastProblem?.problem, .failed(failure: revoked))
        XCTAssertEqual(vm.lastProblem?.clearsByItself, false)
        let failed = await vm.syncNow()
        XCTAssertNil(failed)
        XCTAssertEqual(vm.error?.kind, .sync(revoked))
        XCTAssertEqual(vm.error?.isSecurityFailure, true)
        XCTAssertEqual(vm.error?.isTransientSyncFailure, false)
        XCTAssertEqual(vm.state, .waiting(records: 3, bytes: try photoSize))
        let line = try XCTUnwrap(vm.lastProblemLine)
        XCTAssertTrue(line.contains(QorgauAppError(kind: .sync(revoked), language: .kk).message), line)
        XCTAssertTrue(line.hasSuffix(UserMessages.retryNote(false, .kk)), line)
        XCTAssertTrue(line.contains(UserMessages.localTime(try XCTUnwrap(vm.lastProblem?.at), .kk)), line)
        guard case let .failed(background) = await BackgroundSync.run(session: session) else { return XCTFail("the background run succeeded") }
        XCTAssertEqual(background.kind, .sync(revoked))
    }

    /// A refused enrolment says why by the station's code: a code nobody issued, and a code
    /// already used by another device. Nothing is stored, and no sync problem is recorded.
    @MainActor
    func testRefusedEnrolmentCarriesTheStationsCode() async throws {
        let first = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        let code = try station.enrolmentCode()
        _ = try first.enrol(stationUrl: station.url, code: code)

        let session = try await FieldSession.openOrInit(directory: tmp.appendingPathComponent("second-phone"),
                                                        keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let second = session.store
        XCTAssertQorgauError(try second.enrol(stationUrl: station.url, code: code), "Sync(.refused(.codeUsed, 403))") {
            if case .Sync(.refused(code: .codeUsed, status: 403), _) = $0 { return true }
            return false
        }
        XCTAssertQorgauError(try second.enrol(stationUrl: station.url, code: "ABCDEFGHJKMN2345"), "Sync(.refused(.codeUnknown, 403))") {
            if case .Sync(.refused(code: .codeUnknown, status: 403), _) = $0 { return true }
            return false
        }
        XCTAssertNil(try second.station(), "nothing stored")
        XCTAssertNil(try second.syncStatus().lastProblem, "an enrolment is not a sync")

        // The sync screen shows each by kind, in the officer's language, and keeps the code.
        let vm = SyncViewModel(session: session, language: .ru)
        await vm.refresh()
        vm.stationUrl = station.url
        vm.code = code
        let used = await vm.enrol()
        XCTAssertFalse(used)
        XCTAssertEqual(vm.error?.kind, .sync(.refused(code: .codeUsed, status: 403)))
        XCTAssertEqual(vm.error?.message, QorgauAppError(kind: .sync(.refused(code: .codeUsed, status: 403)), language: .ru).message)
        XCTAssertEqual(vm.code, code, "kept for the officer to see")
        XCTAssertFalse(vm.isEnrolled)
        XCTAssertNotEqual(vm.error?.message, QorgauAppError(kind: .sync(.refused(code: .codeUnknown, status: 403)), language: .ru).message)
    }

    func testBackgroundSyncDoesNothingBeforeEnrolment() async throws {
        let session = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        try await session.perform { store in _ = try store.openCase(newCase: Synthetic.neighbourReport) }
        let outcome = await BackgroundSync.run(session: session)
        XCTAssertEqual(outcome, .notEnrolled)
        XCTAssertTrue(outcome.succeeded)
        let code = try station.enrolmentCode()
        let url = station.url
        _ = try await session.perform { try $0.enrol(stationUrl: url, code: code) }
        let sent = await BackgroundSync.run(session: session)
        XCTAssertEqual(sent.report?.acked, 1)
        XCTAssertTrue(sent.succeeded)
    }
}

/// Sync over https with the station's default TLS (its own root, made by `serve` on first start),
/// enrolling with the root's PEM chosen as "the station's own certificate" on the sync screen
/// (the path for a unit whose phones get the CA file from IT). Another station's root is refused
/// by the TLS handshake and nothing is sent; the station's own root enrols and syncs.
final class TLSSyncTests: TempDirTestCase {
    private var station: StationProcess!

    override func setUpWithError() throws {
        try super.setUpWithError()
        try StationProcess.requireBinary()
        station = try StationProcess(dataDir: tmp.appendingPathComponent("station"), transport: .stationTLS)
    }

    override func tearDownWithError() throws {
        station?.stop()
        station = nil
        try super.tearDownWithError()
    }

    /// The root of another station (a second station started once in its own data directory):
    /// a well-formed CA certificate that did not sign this station's certificate.
    private func anotherStationsRoot() throws -> Data {
        let other = try StationProcess(dataDir: tmp.appendingPathComponent("other-station"), transport: .stationTLS)
        other.stop()
        return try Data(contentsOf: other.tlsRootPEM)
    }

    @MainActor
    func testEnrolWithTheStationsOwnCertificateThenSyncOverHTTPS() async throws {
        XCTAssertTrue(station.url.hasPrefix("https://"), station.url)
        let ownRoot = try Data(contentsOf: station.tlsRootPEM)
        XCTAssertTrue(String(decoding: ownRoot, as: UTF8.self).hasPrefix("-----BEGIN CERTIFICATE-----"))
        let foreignRoot = try anotherStationsRoot()
        XCTAssertNotEqual(foreignRoot, ownRoot)

        let session = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        try await session.perform { store in
            let caseId = try store.openCase(newCase: Synthetic.neighbourReport).record.id
            _ = try store.addPerson(caseId: caseId, person: Synthetic.survivor)
            _ = try store.addEvidenceFile(caseId: caseId, path: Synthetic.photoURL.path, expected: .photo, capture: Synthetic.noCapture, progress: nil)
        }
        let size = UInt64(try Data(contentsOf: Synthetic.photoURL).count)
        let vm = SyncViewModel(session: session, language: .en)
        await vm.refresh()
        XCTAssertEqual(vm.state, .notEnrolled)

        vm.stationUrl = station.url
        XCTAssertTrue(vm.isHTTPSAddress)
        XCTAssertFalse(vm.needsStationCertificate)
        vm.code = try station.enrolmentCode()

        // Marked "station's own certificate" but no file chosen: refused before any network call.
        vm.usesStationCertificate = true
        XCTAssertTrue(vm.needsStationCertificate)
        XCTAssertFalse(vm.canEnrol)
        var enrolled = await vm.enrol()
        XCTAssertFalse(enrolled)
        XCTAssertEqual(vm.error?.field, "station_certificate")

        // Another station's root, straight through the bindings: an untrusted certificate (not
        // a network fault: not transient), nothing stored.
        let code = vm.code, url = station.url
        do {
            _ = try await session.perform { try $0.enrolWithCertificate(stationUrl: url, code: code, caPem: foreignRoot) }
            XCTFail("enrolled with another station's root")
        } catch let e as QorgauError {
            guard case .Sync(.untrustedCertificate, _) = e else { return XCTFail("\(e)") }
            XCTAssertFalse(syncFailureIsTransient(failure: .untrustedCertificate))
        }

        // The same on the sync screen: the TLS handshake fails, the kind is shown, nothing stored or sent.
        vm.stationCertificate = foreignRoot
        XCTAssertTrue(vm.canEnrol)
        enrolled = await vm.enrol()
        XCTAssertFalse(enrolled)
        XCTAssertEqual(vm.error?.kind, .sync(.untrustedCertificate))
        XCTAssertEqual(vm.error?.isSecurityFailure, true)
        XCTAssertEqual(vm.error?.isTransientSyncFailure, false)
        XCTAssertFalse(vm.isEnrolled)
        XCTAssertNil(vm.enrolled)
        XCTAssertFalse(vm.code.isEmpty, "the code is kept for another try")
        let untouched = try await session.perform { store in (try store.syncStatus(), try store.station()) }
        XCTAssertNil(untouched.1, "not enrolled")
        XCTAssertEqual(untouched.0.pendingRecords, 3, "nothing sent")
        XCTAssertEqual(untouched.0.pendingBytes, size)
        XCTAssertNil(untouched.0.lastSuccessAt)

        // The station's own root: enrolled over https (the root pinned), then everything sent.
        vm.stationCertificate = ownRoot
        enrolled = await vm.enrol()
        XCTAssertTrue(enrolled, "\(String(describing: vm.error))")
        XCTAssertNil(vm.error)
        XCTAssertEqual(vm.station, station.url)
        let e = try XCTUnwrap(vm.enrolled)
        XCTAssertTrue(e.tlsRootPinned)
        XCTAssertFalse(e.byCard)
        XCTAssertNil(e.tlsRootFingerprint, "not known from a typed code")
        XCTAssertEqual(e.officer, "KZ-DEMO-0417")
        XCTAssertTrue(station.outputText.contains("station key fingerprint \(e.stationKeyFingerprint)"),
                      "the key `serve` printed: \(station.outputText)")
        XCTAssertEqual(vm.state, .waiting(records: 3, bytes: size))
        let report = try await unwrapped { await vm.syncNow() }
        XCTAssertEqual(report.acked, 3)
        XCTAssertTrue(report.rejected.isEmpty, "\(report.rejected)")
        XCTAssertEqual(report.uploadedBytes, size)
        XCTAssertEqual(report.pendingAfter, 0)
        XCTAssertNil(vm.error)
        XCTAssertEqual(vm.state, .allSent)
        XCTAssertNil(vm.waitingLine)
        XCTAssertEqual(vm.headline, "Everything has been sent to the station.")
    }
}

/// Sync wording and input checks (no station needed).
final class SyncWordingTests: XCTestCase {
    func testSyncWordsInThreeLanguages() {
        XCTAssertEqual(Language.all.map { Wording.records(1, $0) }, ["1 жазба", "1 запись", "1 record"])
        XCTAssertEqual([2, 5, 11, 21, 22, 112].map { Wording.records($0, .ru) },
                       ["2 записи", "5 записей", "11 записей", "21 запись", "22 записи", "112 записей"])
        XCTAssertEqual(Wording.bytes(999, .en), "999 B")
        XCTAssertEqual(Wording.bytes(56_320, .en), "56 KB")
        XCTAssertEqual(Wording.bytes(1_234_567, .ru), "1,2 МБ")
        XCTAssertEqual(Wording.bytes(33_554_432, .kk), "34 МБ")

        XCTAssertEqual(SyncViewModel.stationURL(" http://10.0.0.5:8440/ "), "http://10.0.0.5:8440")
        XCTAssertEqual(SyncViewModel.stationURL("https://station.example/qorgau"), "https://station.example/qorgau")
        XCTAssertNil(SyncViewModel.stationURL("station.example"))
        XCTAssertNil(SyncViewModel.stationURL("ftp://station.example"))
        XCTAssertNil(SyncViewModel.stationURL("http://"))
        XCTAssertEqual(SyncViewModel.normalisedCode(" abcd-efgh jkmn 2345\n"), "ABCDEFGHJKMN2345")

        // Plain http only to this machine, as the core allows it.
        for url in ["http://127.0.0.1:8440", "http://127.3.2.1", "HTTP://localhost:8440/qorgau", "http://[::1]:8440",
                    "https://10.20.0.5:8440", "https://qorgau.dvp.local"] {
            XCTAssertFalse(SyncViewModel.isPlainHTTPOffThisMachine(url), url)
        }
        for url in ["http://192.0.2.10:8440", "http://10.20.0.5", "http://qorgau.dvp.local:8440", "http://127.0.0.1.example.com",
                    "http://128.0.0.1", "http://localhost.example.com"] {
            XCTAssertTrue(SyncViewModel.isPlainHTTPOffThisMachine(url), url)
        }
        // The core's refusal of a station address (field `station`: malformed or plain http) and
        // the screen's own refusals are kinds, each with its message.
        for l in Language.all {
            let core = QorgauAppError(QorgauError.InvalidInput(field: "station", reason: "any words"), language: l)
            XCTAssertEqual(core.kind, .invalidInput(field: "station"))
            let texts = [core.message,
                         QorgauAppError(kind: .invalidInput(field: "station_url"), language: l).message,
                         QorgauAppError(kind: .plainHTTPRefused, language: l).message,
                         QorgauAppError(kind: .sync(.notEnrolled), language: l).message]
            XCTAssertEqual(Set(texts).count, texts.count, "\(l.code): \(texts)")
        }
    }
}
