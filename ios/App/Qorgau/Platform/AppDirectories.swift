#if canImport(UIKit)
import Foundation

/// Where the app keeps its data, protected by iOS Data Protection and kept out of backups.
enum AppDirectories {
    /// The encrypted Rust store. `completeUnlessOpen`: files already open (the database during a
    /// long video ingest) stay usable when the screen locks; nothing new can be opened while locked.
    static var store: URL {
        get throws {
            try directory(appSupport.appendingPathComponent("Qorgau/store", isDirectory: true), protection: .completeUnlessOpen)
        }
    }

    /// Captured media waiting to be ingested: deleted once the store holds it, kept (and offered
    /// again) when the save fails or is stopped, until the officer discards it. Not in tmp: iOS
    /// may empty tmp while the app is not running, and that would lose evidence.
    static var capture: URL {
        get throws {
            try directory(appSupport.appendingPathComponent("Qorgau/capture", isDirectory: true), protection: .complete)
        }
    }

    /// One case's captured media waiting to be ingested (`CaptureViewModel.captureDirectory`).
    static func capture(for caseId: String) throws -> URL {
        try directory(capture.appendingPathComponent(caseId, isDirectory: true), protection: .complete)
    }

    /// Export bundles: personal data in clear, for court; deleted once handed over.
    static var exports: URL {
        get throws {
            try directory(FileManager.default.temporaryDirectory.appendingPathComponent("exports", isDirectory: true), protection: .complete)
        }
    }

    /// Printable protection orders (personal data): shared, then deleted.
    static var documents: URL {
        get throws {
            try directory(FileManager.default.temporaryDirectory.appendingPathComponent("documents", isDirectory: true), protection: .complete)
        }
    }

    /// Registry files from the station, copied in from the Files app before import.
    static var imports: URL {
        get throws {
            try directory(FileManager.default.temporaryDirectory.appendingPathComponent("imports", isDirectory: true), protection: .complete)
        }
    }

    private static var appSupport: URL {
        FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
    }

    private static func directory(_ url: URL, protection: FileProtectionType) throws -> URL {
        let fm = FileManager.default
        if !fm.fileExists(atPath: url.path) {
            try fm.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.protectionKey: protection])
        } else {
            try fm.setAttributes([.protectionKey: protection], ofItemAtPath: url.path)
        }
        var u = url
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try u.setResourceValues(values)
        return u
    }

    /// A fresh file name for captured media.
    static func newCaptureFile(extension ext: String) throws -> URL {
        try capture.appendingPathComponent("\(UUID().uuidString).\(ext)")
    }
}
#endif
