// Background sync with BackgroundTasks: a BGProcessingTask that requires network connectivity.
// Compiled only on Apple platforms with UIKit (the Linux tests cover `BackgroundSync.run`).
#if canImport(BackgroundTasks) && canImport(UIKit)
import BackgroundTasks
import Foundation
import Qorgau
import QorgauFFI

/// Sends what waits to the station while the app is in the background.
///
/// The identifier is listed in Info.plist (`BGTaskSchedulerPermittedIdentifiers`, with the
/// `processing` background mode). The handler is registered before launch finishes
/// (`QorgauApp.init`); a request is submitted whenever the app goes to the background and again
/// at the start of each run. iOS decides when it runs (network available; typically while the
/// phone is idle). The store's key is in the Keychain (`WhenUnlockedThisDeviceOnly`): when the
/// app has to open the store for the task and the phone is locked, the run does nothing and is
/// retried later. Nothing unacknowledged is ever lost: a run that expires is stopped through the
/// progress observer and what it did not finish still waits in the outbox.
enum BackgroundSyncTask {
    static let identifier = "kz.qorgau.app.sync"

    /// Registers the launch handler. Must be called before the app finishes launching.
    @MainActor
    static func register(model: AppModel) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            let completion = Completion(task)
            let observer = CaptureProgress()
            task.expirationHandler = {
                observer.cancel()           // stops between upload pieces; the outbox keeps the rest
                completion.complete(false)  // iOS wants the task finished at once
            }
            Task { @MainActor in
                schedule() // the next run
                guard let session = await model.sessionForBackgroundWork() else {
                    completion.complete(false)
                    return
                }
                let outcome = await BackgroundSync.run(session: session, progress: observer)
                completion.complete(outcome.succeeded)
            }
        }
    }

    /// Asks iOS for a run when the network is available (replaces an earlier request).
    static func schedule() {
        let request = BGProcessingTaskRequest(identifier: identifier)
        request.requiresNetworkConnectivity = true
        request.requiresExternalPower = false
        request.earliestBeginDate = Date(timeIntervalSinceNow: 15 * 60)
        do {
            try BGTaskScheduler.shared.submit(request)
        } catch {
            // Not available (e.g. the simulator, Background App Refresh off): the officer sends
            // from the sync screen instead.
        }
    }

    /// Calls `setTaskCompleted` exactly once (the expiration handler and the run may race).
    private final class Completion: @unchecked Sendable {
        private let task: BGTask
        private let lock = NSLock()
        private var done = false

        init(_ task: BGTask) { self.task = task }

        func complete(_ success: Bool) {
            lock.lock()
            let first = !done
            done = true
            lock.unlock()
            if first { task.setTaskCompleted(success: success) }
        }
    }
}
#endif
