import Foundation
import QorgauFFI

/// A `ProgressObserver` for one ingest: forwards progress to `handler` (called on the Rust worker
/// thread) and answers the core's polls with the state of ``cancel()``.
///
/// The core polls `isCancelled` between the 1 MiB pieces of a video or audio file; a photo is
/// read at once and reports a single progress call, so it cannot be cancelled halfway.
public final class CaptureProgress: ProgressObserver, @unchecked Sendable {
    public typealias Handler = @Sendable (_ done: UInt64, _ total: UInt64) -> Void

    private let lock = NSLock()
    private var cancelled = false
    private var calls = 0
    private var last: (done: UInt64, total: UInt64)?
    private let handler: Handler?

    public init(handler: Handler? = nil) {
        self.handler = handler
    }

    /// Asks the running ingest to stop; it then fails with `QorgauError.Cancelled` and stores nothing.
    public func cancel() {
        lock.lock(); cancelled = true; lock.unlock()
    }

    public var isCancelRequested: Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }

    /// How many progress calls arrived, and the last one.
    public var snapshot: (calls: Int, done: UInt64, total: UInt64) {
        lock.lock(); defer { lock.unlock() }
        return (calls, last?.done ?? 0, last?.total ?? 0)
    }

    // ---- ProgressObserver (called by Rust) ------------------------------------------------

    public func onProgress(done: UInt64, total: UInt64) {
        lock.lock(); calls += 1; last = (done, total); lock.unlock()
        handler?(done, total)
    }

    public func isCancelled() -> Bool {
        isCancelRequested
    }
}
