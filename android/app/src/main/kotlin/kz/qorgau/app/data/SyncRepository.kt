package kz.qorgau.app.data

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import kz.qorgau.core.CaptureProgress
import kz.qorgau.core.FieldSession
import kz.qorgau.ffi.Enrolment
import kz.qorgau.ffi.EnrolmentCardInfo
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.SyncReport
import kz.qorgau.ffi.SyncStatus
import kz.qorgau.ffi.parseEnrolmentCard
import kz.qorgau.ffi.syncFailureIsTransient
import java.time.Instant

/** What the store says about sending: its outbox counts and the station it is enrolled with. */
data class SyncSnapshot(val status: SyncStatus, val station: String?)

/** A sync under way: bytes of originals uploaded of [total] (0 when only records are sent). */
data class SyncRun(val done: Long, val total: Long, val background: Boolean) {
    val fraction: Float get() = if (total <= 0) 0f else (done.toDouble() / total).toFloat().coerceIn(0f, 1f)
}

/**
 * What the sync screen and a background run share: [snapshot] as last read (null = unknown),
 * [run] under way or null, and [lastRunOk], when a run in this process last completed without
 * error (the store moves its "last success" only when the station acknowledged something, so a
 * clean run with nothing to send would otherwise leave an older error standing).
 */
data class SyncShared(val snapshot: SyncSnapshot? = null, val run: SyncRun? = null, val lastRunOk: Instant? = null)

/** How one sync run ended. */
sealed interface SyncOutcome {
    /** The app does not hold the store open (not started yet, or the phone was locked at start). */
    data object StoreClosed : SyncOutcome
    /** No station yet: nothing can be sent; everything stays on the phone. */
    data object NotEnrolled : SyncOutcome
    data class Synced(val report: SyncReport) : SyncOutcome
    /** Stopped through the progress observer (the officer, or WorkManager stopping the worker). */
    data object Cancelled : SyncOutcome
    data class Failed(val error: Throwable) : SyncOutcome
}

/** Why the app asks for a background run (kz.qorgau.app.sync.BackgroundSync picks the policy). */
enum class SyncTrigger {
    /** New evidence waits to be sent. */
    EVIDENCE_STORED,
    /** "Send now" could not reach the station (or it had a fault): try again with a network. */
    SEND_FAILED,
    /** The app has just opened the store: runs that waited for it (in backoff) start afresh. */
    STORE_OPENED,
}

/** What a background worker should tell WorkManager after a run (mapped to `ListenableWorker.Result`). */
enum class WorkVerdict { SUCCESS, RETRY, FAILURE }

/**
 * [stopped]: WorkManager stopped the worker (constraints lost, time limit). A closed store and a
 * sync failure that may pass by itself (the core's `syncFailureIsTransient`: network, the
 * station's fault, busy, throttled) are retried with backoff; a run the officer stopped, an
 * unenrolled phone and a finished run are done (the periodic work comes again); anything else
 * (a revoked phone, an untrusted certificate, a damaged store, a refused registry) is a failure
 * of this run: retrying will not help until someone acts.
 */
fun SyncOutcome.verdict(stopped: Boolean): WorkVerdict = when (this) {
    SyncOutcome.StoreClosed -> WorkVerdict.RETRY
    SyncOutcome.NotEnrolled -> WorkVerdict.SUCCESS
    is SyncOutcome.Synced -> WorkVerdict.SUCCESS
    SyncOutcome.Cancelled -> if (stopped) WorkVerdict.RETRY else WorkVerdict.SUCCESS
    is SyncOutcome.Failed -> if ((error as? QorgauException.Sync)?.let { syncFailureIsTransient(it.failure) } == true) WorkVerdict.RETRY else WorkVerdict.FAILURE
}

/**
 * The one way into `QorgauStore.sync` for the sync screen and the background worker: one run at
 * a time (a [Mutex] lane), blocking calls on [io], progress and the last counts as StateFlows
 * so that the screen shows a background run too, and can stop it.
 *
 * [session] is the store the app holds open, or null: this class never opens the store (its
 * key is in the Android Keystore, which may need the phone unlocked).
 */
class SyncRepository(
    private val session: () -> FieldSession?,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val now: () -> Instant = Instant::now,
) {
    private val lane = Mutex()
    @Volatile private var current: CaptureProgress? = null

    private val _state = MutableStateFlow(SyncShared())
    /**
     * The run under way and the store's counts, in one flow: a run ends (run = null) in the
     * same update that brings the counts read after it, so nothing ever pairs "not sending"
     * with counts from before the run.
     */
    val state: StateFlow<SyncShared> = _state.asStateFlow()

    /** The store's counts as last read (after every run, enrolment and [refresh]); null = unknown. */
    val snapshot: SyncSnapshot? get() = _state.value.snapshot

    private fun store() = (session() ?: throw IllegalStateException("store not open")).store

    /** Reads what waits and the station (off the main thread). Fails when the store is not open. */
    suspend fun refresh(): SyncSnapshot = withContext(io) { read() }.also { snap -> _state.update { it.copy(snapshot = snap) } }

    private fun read(): SyncSnapshot {
        val store = store()
        return SyncSnapshot(store.syncStatus(), store.station())
    }

    /**
     * Enrols with the station at [url] (as the core takes it) using the one-time [code] typed by
     * hand. Over https without [caPem] the store pins the TLS root the station names in its
     * answer (which is bound to the code); with [caPem] (a CA from the unit's IT) it trusts only
     * that CA for this station from now on. Plain http is refused by the core except to this
     * machine.
     */
    suspend fun enrol(url: String, code: String, caPem: ByteArray? = null): Enrolment = lane.withLock {
        withContext(io) {
            val enrolment = if (caPem == null) store().enrol(url, code) else store().enrolWithCertificate(url, code, caPem)
            enrolment to read()
        }.let { (enrolment, snap) ->
            _state.update { it.copy(snapshot = snap) }
            enrolment
        }
    }

    /**
     * Reads the text of a scanned enrolment card without contacting anyone (off the main
     * thread): the station's address and the fingerprints the officer compares with the card.
     * Throws `QorgauException.InvalidInput` for anything but a card, and for a card with a plain
     * http address to another machine.
     */
    suspend fun readCard(text: String): EnrolmentCardInfo = withContext(io) { parseEnrolmentCard(text) }

    /**
     * Enrols from the duty officer's card (the text of its QR code): the store trusts only the
     * TLS root and the station key the card names, and stores nothing when the station that
     * answers is not the one on the card.
     */
    suspend fun enrolWithCard(card: String): Enrolment = lane.withLock {
        withContext(io) {
            val enrolment = store().enrolWithCard(card)
            enrolment to read()
        }.let { (enrolment, snap) ->
            _state.update { it.copy(snapshot = snap) }
            enrolment
        }
    }

    /**
     * One sync run, after any run already under way. Never throws (except coroutine
     * cancellation, which first stops the core's run between two pieces): the outcome says
     * what happened; the store keeps its own last error and counts.
     */
    suspend fun sync(background: Boolean): SyncOutcome = lane.withLock {
        val store = session()?.store ?: return@withLock SyncOutcome.StoreClosed
        var lastPermille = -1L
        val progress = CaptureProgress { done, total ->
            // Called from the core's upload threads: publish at most 1000 steps.
            val permille = if (total <= 0) 0 else done * 1000 / total
            if (permille != lastPermille) {
                lastPermille = permille
                _state.update { it.copy(run = SyncRun(done, total, background)) }
            }
        }
        current = progress
        _state.update { it.copy(run = SyncRun(0, it.snapshot?.status?.pendingBytes?.toLong() ?: 0, background)) }
        var after: SyncSnapshot? = null
        var ok: Instant? = null
        try {
            val outcome = try {
                coroutineScope {
                    val work = async(io) {
                        if (store.station() == null) null else store.sync(progress)
                    }
                    try {
                        work.await()
                    } catch (e: CancellationException) {
                        progress.cancel() // the core stops at its next piece; nothing unacknowledged is lost
                        throw e
                    }
                }?.let { SyncOutcome.Synced(it) } ?: SyncOutcome.NotEnrolled
            } catch (e: CancellationException) {
                throw e
            } catch (e: QorgauException.Cancelled) {
                SyncOutcome.Cancelled
            } catch (e: Exception) {
                SyncOutcome.Failed(e)
            }
            if (outcome is SyncOutcome.Synced || outcome is SyncOutcome.NotEnrolled) ok = now()
            // The counts are read again before the run ends: the screen goes from "sending" to
            // what the store says, never to a stale "all sent" (unknown if they cannot be read).
            after = try {
                withContext(io) { read() }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                null
            }
            outcome
        } finally {
            current = null
            _state.update { SyncShared(snapshot = after, run = null, lastRunOk = ok ?: it.lastRunOk) }
        }
    }

    /** Stops the run under way (screen or background) between two pieces of an upload. */
    fun cancel() {
        current?.cancel()
    }
}
