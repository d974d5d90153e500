import Foundation

/// Files that leave the store (export bundles for court, printable protection orders): personal
/// data in clear, so they live only briefly. Everything under the given folders is deleted on
/// every lock (`purgeAll`) and, at launch, on return and while the app runs, once older than the
/// limit (`purge(olderThan:)`). The folders themselves stay.
public struct TransientFiles: Sendable {
    public let directories: [URL]

    public init(directories: [URL]) {
        self.directories = directories
    }

    /// Deletes everything in the folders. Returns how many top-level items were deleted.
    @discardableResult
    public func purgeAll() -> Int {
        purge { _ in true }
    }

    /// Deletes the items (files or bundle folders) last changed before `now - age`.
    @discardableResult
    public func purge(olderThan age: TimeInterval, now: Date = Date()) -> Int {
        let cutoff = now.addingTimeInterval(-age)
        return purge { url in
            // A bundle folder counts as new while anything inside it is new.
            (Self.newestChange(url) ?? .distantPast) < cutoff
        }
    }

    /// Deletes one item handed over (a shared bundle, a printed order), if it is inside the folders.
    @discardableResult
    public func delete(_ url: URL) -> Bool {
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        let inside = directories.contains { dir in
            path.hasPrefix(dir.standardizedFileURL.resolvingSymlinksInPath().path + "/")
        }
        guard inside else { return false }
        return (try? FileManager.default.removeItem(at: url)) != nil
    }

    /// The items currently kept (for tests and diagnostics).
    public func items() -> [URL] {
        directories.flatMap { dir in
            (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        }
    }

    private func purge(_ shouldDelete: (URL) -> Bool) -> Int {
        var n = 0
        for item in items() where shouldDelete(item) {
            if (try? FileManager.default.removeItem(at: item)) != nil { n += 1 }
        }
        return n
    }

    private static func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }

    private static func newestChange(_ url: URL) -> Date? {
        var newest = modified(url)
        if let e = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) {
            for case let f as URL in e {
                if let m = modified(f), m > (newest ?? .distantPast) { newest = m }
            }
        }
        return newest
    }
}
