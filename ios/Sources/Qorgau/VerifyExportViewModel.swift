import Foundation
import QorgauFFI

/// Verification of a case on the device, and its export for court.
@MainActor
public final class VerifyExportViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    public var language: Language

    public private(set) var isWorking = false
    public private(set) var report: VerifyReport?
    public private(set) var export: ExportSummary?
    public private(set) var error: QorgauAppError?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            report = nil
            export = nil
            confirmingShare = false
            sharedEntrySeq = nil
            error = nil
        }
    }

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred()) {
        self.session = session
        self.caseId = caseId
        self.language = language
    }

    /// Re-hashes every original and checks the custody chain.
    @discardableResult
    public func verify() async -> VerifyReport? {
        let caseId = self.caseId
        set { isWorking = true; error = nil }
        do {
            let r = try await session.perform { try $0.verify(caseId: caseId) }
            set { report = r; isWorking = false }
            return r
        } catch {
            set { self.error = QorgauAppError(error, language: language); isWorking = false }
            return nil
        }
    }

    /// Verifies, then exports the case to a bundle under `directory` (created if needed). A case
    /// that does not verify is not exported. The bundle holds personal data in clear: the app
    /// must keep it in a protected, non-backed-up place and delete it once handed over.
    @discardableResult
    public func export(to directory: URL) async -> ExportSummary? {
        guard let r = await verify(), r.ok else { return nil }
        let caseId = self.caseId
        let out = directory.path
        set { isWorking = true }
        do {
            let summary = try await session.perform { store -> ExportSummary in
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                return try store.exportCase(caseId: caseId, outDir: out)
            }
            set { export = summary; isWorking = false }
            return summary
        } catch {
            set { self.error = QorgauAppError(error, language: language); isWorking = false }
            return nil
        }
    }

    /// One line for the officer about the last verification.
    public var headline: String? {
        guard let report else { return nil }
        if report.ok {
            switch language {
            case .kk: return "Іс тексерілді: \(report.entriesChecked) жазба, \(report.filesChecked) файл — бәрі түпнұсқа."
            case .ru: return "Дело проверено: записей — \(report.entriesChecked), файлов — \(report.filesChecked); всё подлинное."
            case .en: return "Case verified: \(report.entriesChecked) entries, \(report.filesChecked) files, all intact."
            }
        }
        let at = report.failure?.seq.map(String.init) ?? "?"
        switch language {
        case .kk: return "Тексеріс сәтсіз: №\(at) жазбада сәйкессіздік. Экспорттауға болмайды; хабарлаңыз."
        case .ru: return "Проверка не пройдена: несоответствие в записи №\(at). Экспорт невозможен; сообщите об этом."
        case .en: return "Verification failed: mismatch at entry \(at). The case cannot be exported; report it."
        }
    }

    /// The bundle directory of the last export.
    public var bundleURL: URL? { export.map { URL(fileURLWithPath: $0.bundle) } }

    // ---- handing the bundle over -----------------------------------------------------------
    // The bundle holds personal data in clear. It leaves the app only by an explicit act the
    // officer confirms (`askToShare` → `confirmShare`). Confirming first writes a
    // `bundle_shared` entry in the case's custody chain (`recordBundleShared`: who, when, how);
    // only when the core has recorded it is the bundle handed to the share sheet. If the core
    // refuses (nobody signed in) or fails, nothing is shared and the error is shown instead of
    // the sheet. The bundle is deleted as soon as the share sheet closes, whether it was sent or
    // not (`sharingFinished`). A lock deletes it too (`TransientFiles`).

    /// What the custody entry says the bundle goes to: the system share sheet (the officer's
    /// choice inside it is not known to the app).
    public nonisolated static let shareDestination = "share sheet"

    /// The officer asked to share: the screen asks for confirmation.
    public private(set) var confirmingShare = false
    /// The custody entry's sequence number for the share being handed over.
    public private(set) var sharedEntrySeq: UInt64?

    public func askToShare() {
        guard bundleURL != nil else { return }
        set { confirmingShare = true; error = nil }
    }

    public func cancelShare() {
        set { confirmingShare = false }
    }

    /// Confirmed: records the share in the custody chain, then returns the bundle to hand to the
    /// share sheet. Nil (no sheet) when the bundle is no longer on the phone, or when the core
    /// refused or failed to record the share (`error` says why; the bundle stays until deleted
    /// or purged).
    public func confirmShare() async -> URL? {
        set { confirmingShare = false; sharedEntrySeq = nil }
        guard let url = bundleURL, FileManager.default.fileExists(atPath: url.path) else {
            set { export = nil }
            return nil
        }
        let caseId = self.caseId
        set { isWorking = true; error = nil }
        switch await session.run(language, { try $0.recordBundleShared(caseId: caseId, to: Self.shareDestination) }) {
        case let .success(seq):
            set { isWorking = false; sharedEntrySeq = seq }
            // A lock during the call purges the bundle: then there is nothing to hand over.
            guard FileManager.default.fileExists(atPath: url.path) else {
                set { export = nil }
                return nil
            }
            return url
        case let .failure(e):
            set { isWorking = false; error = e }
            return nil
        }
    }

    /// The share sheet closed (sent or not): the bundle is deleted.
    public func sharingFinished() {
        discardBundle()
    }

    /// Deletes the exported bundle from the phone.
    public func discardBundle() {
        if let url = bundleURL { try? FileManager.default.removeItem(at: url) }
        set { export = nil; confirmingShare = false; sharedEntrySeq = nil }
    }

    private func set(_ change: () -> Void) {
        willChange()
        change()
        didChange()
    }
}
