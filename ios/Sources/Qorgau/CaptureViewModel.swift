import Foundation
import QorgauFFI

/// Capture of photo, video and audio evidence on a case, with progress and cancellation.
///
/// The app hands over what the platform captured: a file (video, audio, a picked photo) or the
/// camera's photo bytes. The core hashes, encrypts and signs it at once; temporary files are the
/// app's to delete afterwards (the store keeps the encrypted original).
@MainActor
public final class CaptureViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    public var language: Language

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

    private var observer: CaptureProgress?
    private var run = 0

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred()) {
        self.session = session
        self.caseId = caseId
        self.language = language
    }

    public func load() async {
        let caseId = self.caseId
        do {
            let list = try await session.perform { try $0.evidenceList(caseId: caseId) }
            set { evidence = list }
        } catch {
            set { self.error = QorgauAppError(error, language: language) }
        }
    }

    /// Adds a file (photo, video or audio). With `expected`, a file of another kind is refused.
    @discardableResult
    public func addFile(at url: URL, expected: MediaKind? = nil, platformThumbnail: Data? = nil) async -> RecordedEvidence? {
        let caseId = self.caseId
        let path = url.path
        let capture = makeCaptureInfo(platformThumbnail: platformThumbnail)
        return await ingest { store, observer in
            try store.addEvidenceFile(caseId: caseId, path: path, expected: expected, capture: capture, progress: observer)
        }
    }

    /// Adds a photo from the camera's buffer (e.g. `AVCapturePhoto.fileDataRepresentation()`).
    @discardableResult
    public func addPhoto(bytes: Data) async -> RecordedEvidence? {
        let caseId = self.caseId
        let capture = makeCaptureInfo(platformThumbnail: nil)
        return await ingest { store, _ in
            try store.addPhotoBytes(caseId: caseId, bytes: bytes, capture: capture)
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

    private func makeCaptureInfo(platformThumbnail: Data?) -> CaptureInfo {
        CaptureInfo(gps: gps, note: note.nilIfBlank, platformThumbnail: platformThumbnail)
    }

    private func ingest(_ work: @escaping @Sendable (QorgauStore, CaptureProgress) throws -> RecordedEvidence) async -> RecordedEvidence? {
        guard !isCapturing else { return nil }
        run += 1
        let token = run
        let observer = CaptureProgress { [weak self] done, total in
            Task { @MainActor in self?.apply(done: done, total: total, token: token) }
        }
        self.observer = observer
        set { isCapturing = true; progress = 0; bytesDone = 0; bytesTotal = 0; wasCancelled = false; error = nil }
        do {
            let added = try await session.perform { store in try work(store, observer) }
            set {
                finish(token)
                lastAdded = added
                evidence.append(added.record)
                progress = 1
                bytesDone = added.record.sizeBytes
                bytesTotal = added.record.sizeBytes
                note = ""
            }
            return added
        } catch QorgauError.Cancelled {
            set { finish(token); wasCancelled = true }
            return nil
        } catch {
            set { finish(token); self.error = QorgauAppError(error, language: language) }
            return nil
        }
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
