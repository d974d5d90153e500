import Foundation
import QorgauFFI

/// A capture the store has not taken (yet). Its file (or the camera's bytes) is kept until it
/// is stored or the officer discards it: a failed or stopped save never loses evidence.
public struct PendingCapture: Identifiable, Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A file. `owned`: the app's own temporary copy (camera, recorder, picked from the
        /// library), deleted once stored or discarded; a file that is not owned is never deleted.
        case file(URL, expected: MediaKind?, platformThumbnail: Data?, owned: Bool)
        /// A photo from the camera's buffer (kept in memory).
        case photo(Data)
    }

    public let id: UUID
    public let source: Source
    /// The note and position given when it was captured (used again when it is saved).
    public let note: String?
    public let gps: GeoPoint?
    /// Why it was not stored; nil when the officer stopped the save, or for a file left over by
    /// an earlier run of the app (stopped during a save).
    public internal(set) var error: QorgauAppError?

    /// The core refused it and it is a photo (by its first bytes): it may be kept as damaged
    /// evidence (``QorgauAppError/Kind/damagedMedia``).
    public var isDamaged: Bool { error?.isDamagedMedia ?? false }

    /// Kept in ``CaptureViewModel/pending`` when not saved: the app's own file or the camera's
    /// bytes always, any file the core refused as damaged (the officer may still keep it).
    var isKeptOnFailure: Bool {
        switch source {
        case let .file(_, _, _, owned): return owned || isDamaged
        case .photo: return true
        }
    }

    /// The file, if it is one.
    public var fileURL: URL? {
        if case let .file(url, _, _, _) = source { return url }
        return nil
    }
}

/// Capture of photo, video and audio evidence on a case, with progress and cancellation.
///
/// The app hands over what the platform captured: a file (video, audio, a picked photo) or the
/// camera's photo bytes. The core hashes, encrypts and signs it at once. The app's own temporary
/// files (`owned`) are deleted here once the store holds the encrypted original, and only then:
/// a capture the core refused, or whose save failed or was stopped, stays in ``pending`` until
/// it is saved (``retry(_:)``, ``keepAsDamaged(_:)``) or the officer discards it
/// (``discard(_:)``). A photo the core finds damaged or cut short is refused unless the officer
/// confirms keeping it (``damagedQuestion``): then it is kept byte for byte and marked damaged.
@MainActor
public final class CaptureViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    public var language: Language
    /// This case's folder for captured files waiting to be saved (in the app's protected
    /// storage). Owned files are moved here before they are saved; files found here by ``load()``
    /// (the app stopped during a save) are offered again in ``pending``. Nil: files stay where
    /// they are and nothing is recovered after a restart.
    public let captureDirectory: URL?

    public var note = "" { willSet { willChange() } didSet { didChange() } }
    /// Where the evidence was captured, if the platform has a fix.
    public var gps: GeoPoint? { willSet { willChange() } didSet { didChange() } }

    public private(set) var evidence: [Evidence] = []
    public private(set) var isCapturing = false
    /// 0...1 while capturing.
    public private(set) var progress: Double = 0
    public private(set) var bytesDone: UInt64 = 0
    public private(set) var bytesTotal: UInt64 = 0
    public private(set) var lastAdded: RecordedEvidence?
    /// True when the last capture was cancelled by the officer (not an error).
    public private(set) var wasCancelled = false
    public private(set) var error: QorgauAppError?
    /// Captures not saved yet (oldest first): saved again or discarded by the officer.
    public private(set) var pending: [PendingCapture] = []
    /// The capture just refused as damaged or cut short: the app asks "Keep it as damaged
    /// evidence?" → ``answerDamaged(keep:)``.
    public private(set) var damagedQuestion: PendingCapture?

    private var observer: CaptureProgress?
    private var run = 0
    /// The file being saved now (not offered again by `load()` meanwhile).
    private var inFlight: URL?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            note = ""
            gps = nil
            evidence = []
            lastAdded = nil
            error = nil
            pending = []
            damagedQuestion = nil
        }
    }

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred(), captureDirectory: URL? = nil) {
        self.session = session
        self.caseId = caseId
        self.language = language
        self.captureDirectory = captureDirectory
    }

    /// Loads the case's evidence, and offers again the files an earlier run left unsaved.
    public func load() async {
        let caseId = self.caseId
        do {
            let list = try await session.perform { try $0.evidenceList(caseId: caseId) }
            set { evidence = list }
        } catch {
            set { self.error = QorgauAppError(error, language: language) }
        }
        recoverLeftovers()
    }

    /// Adds a file (photo, video or audio). With `expected`, a file of another kind is refused.
    /// `owned`: the file is the app's temporary copy; it is deleted once stored, and kept (in
    /// ``pending``) when the save fails or is stopped.
    @discardableResult
    public func addFile(at url: URL, expected: MediaKind? = nil, platformThumbnail: Data? = nil, owned: Bool = false) async -> RecordedEvidence? {
        let url = owned ? adopt(url) : url
        let capture = PendingCapture(id: UUID(), source: .file(url, expected: expected, platformThumbnail: platformThumbnail, owned: owned),
                                     note: note.nilIfBlank, gps: gps, error: nil)
        return await save(capture, keepDamaged: false, isNew: true)
    }

    /// Adds a photo from the camera's buffer (e.g. `AVCapturePhoto.fileDataRepresentation()`).
    /// The bytes are kept in ``pending`` if they cannot be saved.
    @discardableResult
    public func addPhoto(bytes: Data) async -> RecordedEvidence? {
        let capture = PendingCapture(id: UUID(), source: .photo(bytes), note: note.nilIfBlank, gps: gps, error: nil)
        return await save(capture, keepDamaged: false, isNew: true)
    }

    /// Tries again to save a pending capture (as it was: a damaged photo is refused again).
    @discardableResult
    public func retry(_ id: UUID) async -> RecordedEvidence? {
        guard let capture = pending.first(where: { $0.id == id }) else { return nil }
        return await save(capture, keepDamaged: false, isNew: false)
    }

    /// Saves a pending capture the core found damaged or cut short, as the officer confirmed:
    /// kept byte for byte, marked damaged (`Evidence.damaged`, also in the custody record).
    @discardableResult
    public func keepAsDamaged(_ id: UUID) async -> RecordedEvidence? {
        guard let capture = pending.first(where: { $0.id == id }) else { return nil }
        return await save(capture, keepDamaged: true, isNew: false)
    }

    /// The officer's answer to "This file is damaged or cut short. Keep it as damaged evidence?":
    /// keep it (marked damaged) or discard it.
    @discardableResult
    public func answerDamaged(keep: Bool) async -> RecordedEvidence? {
        guard let question = damagedQuestion else { return nil }
        set { damagedQuestion = nil }
        if keep { return await keepAsDamaged(question.id) }
        discard(question.id)
        return nil
    }

    /// Closes the damaged-evidence question without an answer; the capture stays in ``pending``.
    public func dismissDamagedQuestion() {
        set { damagedQuestion = nil }
    }

    /// The officer discards a pending capture: the app's temporary file is deleted (a file that is
    /// not the app's is left alone), camera bytes are dropped. Nothing was stored.
    public func discard(_ id: UUID) {
        guard let capture = pending.first(where: { $0.id == id }) else { return }
        if case let .file(url, _, _, true) = capture.source { try? FileManager.default.removeItem(at: url) }
        set {
            pending.removeAll { $0.id == id }
            if damagedQuestion?.id == id { damagedQuestion = nil }
        }
    }

    /// Stops the running capture (video and audio stop within one 1 MiB piece).
    public func cancel() {
        observer?.cancel()
    }

    /// The preview JPEG of a piece of evidence.
    public func thumbnail(_ evidenceId: Uuid) async -> Data? {
        try? await session.perform { try $0.thumbnail(evidenceId: evidenceId) }
    }

    // ---- internals --------------------------------------------------------------------------

    /// Moves an owned file into ``captureDirectory`` (so that it is found again after a restart).
    private func adopt(_ url: URL) -> URL {
        guard let dir = captureDirectory, url.deletingLastPathComponent().standardizedFileURL.path != dir.standardizedFileURL.path else { return url }
        let fm = FileManager.default
        let target = dir.appendingPathComponent(url.lastPathComponent)
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try fm.moveItem(at: url, to: target)
            return target
        } catch {
            return url // saved from where it is; only the recovery after a restart is lost
        }
    }

    /// Files in ``captureDirectory`` that are neither pending nor being saved: left by a run of
    /// the app that stopped during a save. Offered again, as owned files.
    private func recoverLeftovers() {
        guard let dir = captureDirectory,
              let files = try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
        else { return }
        let known = Set((pending.compactMap(\.fileURL) + [inFlight].compactMap { $0 }).map { $0.standardizedFileURL.path })
        let left = files
            .filter { !known.contains($0.standardizedFileURL.path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { PendingCapture(id: UUID(), source: .file($0, expected: nil, platformThumbnail: nil, owned: true), note: nil, gps: nil, error: nil) }
        if !left.isEmpty { set { pending.append(contentsOf: left) } }
    }

    private func save(_ capture: PendingCapture, keepDamaged: Bool, isNew: Bool) async -> RecordedEvidence? {
        guard !isCapturing else {
            // Another save is running (the screen disables capture meanwhile): keep this one.
            if isNew, capture.isKeptOnFailure { set { pending.append(capture); note = "" } }
            return nil
        }
        let caseId = self.caseId
        let info = CaptureInfo(gps: capture.gps, note: capture.note, platformThumbnail: nil, keepDamaged: keepDamaged)
        let work: @Sendable (QorgauStore, CaptureProgress) throws -> RecordedEvidence
        switch capture.source {
        case let .file(url, expected, thumbnail, _):
            let path = url.path
            let info = CaptureInfo(gps: info.gps, note: info.note, platformThumbnail: thumbnail, keepDamaged: keepDamaged)
            work = { store, observer in
                try store.addEvidenceFile(caseId: caseId, path: path, expected: expected, capture: info, progress: observer)
            }
        case let .photo(bytes):
            work = { store, _ in try store.addPhotoBytes(caseId: caseId, bytes: bytes, capture: info) }
        }
        inFlight = capture.fileURL
        defer { inFlight = nil }
        let outcome = await ingest(work)
        switch outcome {
        case let .success(added):
            if case let .file(url, _, _, true) = capture.source {
                try? FileManager.default.removeItem(at: url) // the store keeps the encrypted original
            }
            set {
                pending.removeAll { $0.id == capture.id }
                if isNew { note = "" }
            }
            return added
        case let .failure(failure):
            set {
                var failed = capture
                failed.error = failure.error
                if let i = pending.firstIndex(where: { $0.id == capture.id }) {
                    pending[i] = failed
                } else if failed.isKeptOnFailure {
                    pending.append(failed)
                    note = "" // the note now belongs to the pending capture
                }
                if failed.isDamaged, pending.contains(where: { $0.id == failed.id }) {
                    // The question replaces the error banner.
                    damagedQuestion = failed
                    error = nil
                }
            }
            return nil
        }
    }

    /// Runs one save with progress. Failure: the error, or nil when the officer stopped it.
    private func ingest(_ work: @escaping @Sendable (QorgauStore, CaptureProgress) throws -> RecordedEvidence)
        async -> Result<RecordedEvidence, Failure> {
        run += 1
        let token = run
        let observer = CaptureProgress { [weak self] done, total in
            Task { @MainActor in self?.apply(done: done, total: total, token: token) }
        }
        self.observer = observer
        set { isCapturing = true; progress = 0; bytesDone = 0; bytesTotal = 0; wasCancelled = false; error = nil; damagedQuestion = nil }
        do {
            let added = try await session.perform { store in try work(store, observer) }
            set {
                finish(token)
                lastAdded = added
                evidence.append(added.record)
                progress = 1
                bytesDone = added.record.sizeBytes
                bytesTotal = added.record.sizeBytes
            }
            return .success(added)
        } catch QorgauError.Cancelled {
            set { finish(token); wasCancelled = true }
            return .failure(Failure(nil))
        } catch {
            let e = QorgauAppError.capture(error, language: language)
            set { finish(token); self.error = e }
            return .failure(Failure(e))
        }
    }

    /// A failed save: the error, or nil when it was stopped.
    private struct Failure: Error {
        let error: QorgauAppError?
        init(_ error: QorgauAppError?) { self.error = error }
    }

    private func finish(_ token: Int) {
        if run == token { run += 1 } // progress still in flight for this run is ignored
        isCapturing = false
        observer = nil
    }

    private func apply(done: UInt64, total: UInt64, token: Int) {
        guard token == run, isCapturing else { return }
        set {
            bytesDone = done
            bytesTotal = total
            progress = total == 0 ? 0 : min(1, Double(done) / Double(total))
        }
    }

    private func set(_ change: () -> Void) {
        willChange()
        change()
        didChange()
    }
}

extension Evidence: Identifiable {}

extension Evidence {
    /// Kept although damaged or cut short, as the officer confirmed (`damaged` says what is wrong).
    public var isDamaged: Bool { damaged != nil }
}
