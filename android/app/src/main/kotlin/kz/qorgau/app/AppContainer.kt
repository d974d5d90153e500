package kz.qorgau.app

import android.content.Context
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kz.qorgau.app.capture.AndroidSignatureRenderer
import kz.qorgau.app.capture.CaptureFiles
import kz.qorgau.app.capture.IngestQueue
import kz.qorgau.app.capture.LocationReader
import kz.qorgau.app.capture.VideoPreviews
import kz.qorgau.app.data.AppDirs
import kz.qorgau.app.data.AssessmentRepository
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.CheckRepository
import kz.qorgau.app.data.OrderDocuments
import kz.qorgau.app.data.OrderRepository
import kz.qorgau.app.data.ProfileRepository
import kz.qorgau.app.data.SessionManager
import kz.qorgau.app.data.SessionState
import kz.qorgau.app.data.SupportRepository
import kz.qorgau.app.data.SyncRepository
import kz.qorgau.app.data.SyncTrigger
import kz.qorgau.app.data.TransientFiles
import kz.qorgau.app.model.SessionGateModel
import kz.qorgau.app.data.uiLanguage
import kz.qorgau.app.security.AndroidKeystoreKeyStore
import kz.qorgau.core.UiLanguage

/**
 * The app's single objects, made once per process (no DI framework needed at this size).
 * [requestBackgroundSync] asks WorkManager for a sync run as soon as there is a network
 * (kz.qorgau.app.sync.BackgroundSync, wired in QorgauApp; a no-op where there is no WorkManager).
 */
class AppContainer(private val context: Context, val requestBackgroundSync: (SyncTrigger) -> Unit = {}) {
    /** Outlives every screen: evidence ingest goes on when the officer navigates away. */
    val appScope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    val dirs = AppDirs.of(context)
    /** The store's wrapping keys; its records (app-private prefs) say how the key was made. */
    val keyStore = AndroidKeystoreKeyStore(context.getSharedPreferences("qorgau.keystore", Context.MODE_PRIVATE))
    val sessions = SessionManager(dirs.store, keyStore)
    val repository = CaseRepository({ sessions.session }, dirs.exports)
    val profiles = ProfileRepository({ sessions.session })
    val documents = OrderDocuments(dirs.documents)
    val orders = OrderRepository({ sessions.session }, documents)
    val checks = CheckRepository({ sessions.session })
    val support = SupportRepository({ sessions.session })
    val assessments = AssessmentRepository({ sessions.session })
    /** Sending to the station: the sync screen and the background worker share its one lane. It
     *  uses the store only while the app holds it open (never opens it itself). */
    val sync = SyncRepository({ (sessions.state.value as? SessionState.Ready)?.session })
    val signatures = AndroidSignatureRenderer()
    val captures = CaptureFiles(dirs.captures)
    /** Exports and printed orders: deleted on every lock. */
    val transientFiles = TransientFiles(dirs.exports, dirs.documents)
    /** The one lock model (background via ProcessLifecycleOwner in QorgauApp, idle, quick-hide). */
    val gate = SessionGateModel(
        store = { (sessions.state.value as? SessionState.Ready)?.session?.store },
        profiles = profiles,
        onLocked = { appScope.launch(Dispatchers.IO) { transientFiles.purgeAll() } },
    )
    val location = LocationReader(context)
    val ingest = IngestQueue(
        store = { sessions.session.store },
        scope = appScope,
        language = ::language,
        previews = VideoPreviews,
        onStored = ::evidenceStored,
    )

    init {
        // Printed orders hold personal data in clear: none is kept longer than a day.
        appScope.launch(Dispatchers.IO) { documents.purge() }
        // Captures that never reached the store (failed ingest, killed app) expire after a day;
        // this runs before any capture of this process exists.
        appScope.launch(Dispatchers.IO) { captures.expire() }
        // Background runs find the store only while the app holds it open: once it is, what
        // waited (a run in backoff after "store closed") goes now.
        appScope.launch {
            sessions.state.first { it is SessionState.Ready }
            requestBackgroundSync(SyncTrigger.STORE_OPENED)
        }
    }

    /** New evidence waits to be sent: fresh counts for the sync screen, and a background run. */
    private fun evidenceStored() {
        appScope.launch(Dispatchers.IO) { runCatching { sync.refresh() } }
        requestBackgroundSync(SyncTrigger.EVIDENCE_STORED)
    }

    /** The UI language now (the per-app language can change while the app runs). */
    fun language(): UiLanguage = context.uiLanguage()
}
