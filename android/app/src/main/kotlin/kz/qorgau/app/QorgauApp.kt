package kz.qorgau.app

import android.app.Application
import androidx.lifecycle.DefaultLifecycleObserver
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.ProcessLifecycleOwner
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
        // The lock model (issue 11): the process leaving the foreground locks the core's session
        // at once (ProcessLifecycleOwner: not on a rotation, which only recreates the activity);
        // coming back asks the core again (it may have locked on idle).
        ProcessLifecycleOwner.get().lifecycle.addObserver(object : DefaultLifecycleObserver {
            override fun onStop(owner: LifecycleOwner) = container.gate.onBackground()
            override fun onStart(owner: LifecycleOwner) = container.gate.onForeground()
        })
    }
}
