package kz.qorgau.app.sync

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import kz.qorgau.app.data.SyncTrigger
import java.util.concurrent.TimeUnit

/**
 * Background sending to the station with WorkManager: a unique periodic run every
 * [PERIOD_MINUTES] and a unique one-time run on demand (new evidence stored, a "send now" that
 * could not reach the station), both only with a connected network and retried with
 * exponential backoff (from [BACKOFF_SECONDS], doubling, capped by WorkManager at 5 hours).
 */
object BackgroundSync {
    const val PERIODIC = "kz.qorgau.sync.periodic"
    const val ON_DEMAND = "kz.qorgau.sync.on-demand"
    private const val PERIOD_MINUTES = 30L
    private const val BACKOFF_SECONDS = 60L

    private val network = Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

    /** Registers the periodic run (once per app start; an existing one keeps its schedule). */
    fun schedule(context: Context) {
        val request = PeriodicWorkRequestBuilder<SyncWorker>(PERIOD_MINUTES, TimeUnit.MINUTES)
            .setConstraints(network)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, BACKOFF_SECONDS, TimeUnit.SECONDS)
            .build()
        WorkManager.getInstance(context).enqueueUniquePeriodicWork(PERIODIC, ExistingPeriodicWorkPolicy.UPDATE, request)
    }

    /**
     * A run as soon as there is a network. One already waiting (or in backoff) is kept, except
     * when the app has just opened the store ([SyncTrigger.STORE_OPENED]): a run backing off
     * after "store closed" would otherwise wait up to hours while the store is open.
     */
    fun request(context: Context, why: SyncTrigger) {
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setConstraints(network)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, BACKOFF_SECONDS, TimeUnit.SECONDS)
            .build()
        WorkManager.getInstance(context).enqueueUniqueWork(
            ON_DEMAND,
            if (why == SyncTrigger.STORE_OPENED) ExistingWorkPolicy.REPLACE else ExistingWorkPolicy.KEEP,
            request,
        )
    }
}
