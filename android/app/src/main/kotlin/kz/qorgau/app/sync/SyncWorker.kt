package kz.qorgau.app.sync

import android.content.Context
import androidx.work.CoroutineWorker
import androidx.work.WorkerParameters
import kz.qorgau.app.QorgauApp
import kz.qorgau.app.data.WorkVerdict
import kz.qorgau.app.data.verdict

/**
 * One background sync run (periodic, or on demand: BackgroundSync). Uses the store only if the
 * app already holds it open: the worker never unwraps the store's keys itself (the Android
 * Keystore key may need the phone unlocked, and a process started by WorkManager has not opened
 * the store). Otherwise it asks to be retried with backoff.
 *
 * Runs through the app's SyncRepository, one run at a time with the sync screen, which shows
 * its progress and can stop it. When WorkManager stops the worker, the coroutine's cancellation
 * stops the core's run between two pieces; nothing unacknowledged is lost.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val app = applicationContext as? QorgauApp ?: return Result.retry()
        val outcome = app.container.sync.sync(background = true)
        return when (outcome.verdict(stopped = isStopped)) {
            WorkVerdict.SUCCESS -> Result.success()
            WorkVerdict.RETRY -> Result.retry()
            WorkVerdict.FAILURE -> Result.failure()
        }
    }
}
