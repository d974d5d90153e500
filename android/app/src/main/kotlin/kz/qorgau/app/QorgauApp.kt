package kz.qorgau.app

import android.app.Application
import kz.qorgau.app.sync.BackgroundSync

class QorgauApp : Application() {
    lateinit var container: AppContainer
        private set

    override fun onCreate() {
        super.onCreate()
        container = AppContainer(this, requestBackgroundSync = { why -> BackgroundSync.request(this, why) })
        // Periodic sending to the station (network connected); a run finds the store open only
        // while the app holds it (see SyncWorker), otherwise it is retried with backoff.
        BackgroundSync.schedule(this)
    }
}
