package kz.qorgau.app.model

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.SyncOutcome
import kz.qorgau.app.data.SyncRepository
import kz.qorgau.app.data.SyncRun
import kz.qorgau.app.data.SyncShared
import kz.qorgau.app.data.SyncSnapshot
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.SyncReport
import kz.qorgau.ffi.SyncStatus
import java.net.URI
import java.net.URISyntaxException
import java.time.Instant

/**
 * Why sending did not (fully) work, in the officer's terms. The screen shows each as its own
 * sentence in the UI language: string `sync_problem_<name in lower case>` in
 * res/values{,-kk,-ru}/strings.xml.
 */
enum class SyncProblem {
    /** No network, or the station is down or at another address. */
    UNREACHABLE,
    /** The one-time code is wrong, used or expired. */
    CODE_REFUSED,
    ALREADY_ENROLLED,
    /** The station does not know this phone, or has revoked it. */
    DEVICE_NOT_ACCEPTED,
    /** Something answers at the address, but not as a Qorgau station. */
    NOT_A_STATION,
    /** The station answered with a server error. */
    SERVER_FAULT,
    /** The station refused some records (they stay on the phone). */
    RECORDS_REFUSED,
    /** The station's registry did not verify; nothing was changed. */
    REGISTRY_REFUSED,
    /** Stopped by the officer or by the system; what was not sent still waits. */
    STOPPED,
    /** The address typed is not http(s)://host[:port]. */
    BAD_ADDRESS,
    NO_CODE,
    /** "Station's own certificate" chosen for an https address, but no CA certificate attached. */
    NO_CERTIFICATE,
    /** What was attached is not a PEM certificate (or the core could not read it). */
    BAD_CERTIFICATE,
    /** "Send now" before enrolment. */
    NOT_ENROLLED,
    /** Anything else: a failure on the phone (storage, integrity); everything is kept. */
    OTHER;

    companion object {
        /**
         * The core's sync wording (core/src/sync/client.rs with the station's answers from
         * station/src/station.rs): a `QorgauException.Sync` reason, or the last error the store
         * keeps (`SyncStatus.lastError`, the same text).
         */
        fun of(reason: String): SyncProblem = when {
            reason == "cancelled" -> STOPPED
            reason.contains("enrolment code") -> CODE_REFUSED
            reason.contains("already enrolled") -> ALREADY_ENROLLED
            reason.contains("device not enrolled") || reason.contains("device revoked") -> DEVICE_NOT_ACCEPTED
            reason.contains("cannot reach") -> UNREACHABLE
            reason.contains("certificate is not trusted") -> BAD_CERTIFICATE
            reason.contains("answered 5") -> SERVER_FAULT
            reason.contains("refused by the station") -> RECORDS_REFUSED
            reason.startsWith("registry update rejected") -> REGISTRY_REFUSED
            reason.contains("malformed") || reason.contains("certificate") || reason.contains("station key") ||
                reason.contains("answered 404") || reason.contains("answered 405") -> NOT_A_STATION
            else -> OTHER
        }

        fun of(e: Throwable): SyncProblem = when (e) {
            is QorgauException.Sync -> of(e.reason)
            is QorgauException.Cancelled -> STOPPED
            is QorgauException.InvalidRegistry -> REGISTRY_REFUSED
            is QorgauException.InvalidInput -> when (e.field) {
                "station" -> NOT_ENROLLED
                "certificate" -> BAD_CERTIFICATE
                else -> OTHER
            }
            else -> OTHER
        }
    }
}

/** A problem to show: what it means for the officer, when, and the core's words (no personal data). */
data class SyncFailure(val problem: SyncProblem, val detail: String?, val at: Instant? = null)

/** The one line at the top of the screen. */
enum class SyncPhase {
    /** The store's counts are not known (not read yet, or reading failed): no claim either way. */
    UNKNOWN,
    NOT_ENROLLED,
    SENDING,
    /** Something waits (records or originals). */
    WAITING,
    /** The store itself reports nothing waiting. */
    ALL_SENT,
}

data class SyncState(
    val loading: Boolean = true,
    /** The store's counts and station, as last read; null = unknown. */
    val snapshot: SyncSnapshot? = null,
    /** The run under way (from this screen or the background worker), or null. */
    val run: SyncRun? = null,
    val stationUrl: String = "",
    /** The duty officer's one-time code; cleared once the station has taken it. */
    val code: String = "",
    val enrolling: Boolean = false,
    /**
     * For an https address: the station has its own CA (attach it in [caPem]) rather than a
     * public certificate the phone already trusts (then no CA and plain enrolment).
     */
    val ownCertificate: Boolean = false,
    /** The station's CA certificate (PEM text), pasted or read from a picked file. */
    val caPem: String = "",
    /** "Send now" was tapped and its run has not ended yet (it may wait for a background run). */
    val starting: Boolean = false,
    /** Enrolled just now from this screen. */
    val enrolled: Boolean = false,
    /** The result of this screen's last completed run. */
    val lastReport: SyncReport? = null,
    /** This screen's last run was stopped (not an error; nothing is lost). */
    val stopped: Boolean = false,
    /** The last action on this screen failed (enrolment, a typed address, send before enrolment). */
    val failure: SyncFailure? = null,
    /** The store could not be read. */
    val error: UiError? = null,
    /** When a run in this process last completed cleanly (see SyncRepository.lastRunOk). */
    val lastRunOk: Instant? = null,
) {
    val status: SyncStatus? get() = snapshot?.status
    val station: String? get() = snapshot?.station
    val sending: Boolean get() = run != null || starting
    val isEnrolled: Boolean get() = station != null

    /** "All sent" only from the store's own counts, never while sending, never when unknown. */
    val phase: SyncPhase
        get() {
            val s = status
            return when {
                sending -> SyncPhase.SENDING
                s == null -> SyncPhase.UNKNOWN
                station == null -> SyncPhase.NOT_ENROLLED
                s.pendingRecords > 0uL || s.pendingBytes > 0uL -> SyncPhase.WAITING
                else -> SyncPhase.ALL_SENT
            }
        }

    val pendingRecords: Long? get() = status?.pendingRecords?.toLong()
    val pendingBytes: Long? get() = status?.pendingBytes?.toLong()
    val oldestPendingAt: Instant? get() = status?.oldestPendingAt?.let(Format::parseRfc3339)
    val lastSuccessAt: Instant? get() = status?.lastSuccessAt?.let(Format::parseRfc3339)

    /**
     * The store's last sync error in plain words, while it is not older than the last success
     * (the station's acknowledgement, or a clean run in this process).
     */
    val lastError: SyncFailure?
        get() {
            val s = status ?: return null
            val text = s.lastError ?: return null
            val at = s.lastErrorAt?.let(Format::parseRfc3339)
            val ok = listOfNotNull(lastSuccessAt, lastRunOk).maxOrNull()
            if (ok != null && at != null && ok.isAfter(at)) return null
            return SyncFailure(SyncProblem.of(text), text, at)
        }

    val canEnrol: Boolean
        get() = !enrolling && !sending && stationUrl.isNotBlank() && SyncModel.normalisedCode(code).isNotEmpty()
    val canSend: Boolean get() = isEnrolled && !sending && !enrolling

    /** The typed address is https: the screen offers the certificate choice. */
    val isHttps: Boolean get() = stationUrl.trim().startsWith("https://", ignoreCase = true)
}

/**
 * The sync screen: what waits to be sent to the station (records, size of originals, since
 * when), the last success and the last error in plain words, enrolment with the station's
 * address and the duty officer's one-time code, and "send now" with progress and a stop button.
 *
 * Runs go through [SyncRepository] (one at a time, shared with the background worker) in
 * [work], the application's scope: leaving the screen does not stop a run. After a run that
 * failed for a reason that may pass (network, server fault), [requestBackground] asks for a
 * background run when the phone has a network again.
 */
class SyncModel(
    private val scope: CoroutineScope,
    private val repo: SyncRepository,
    private val language: () -> UiLanguage,
    private val work: CoroutineScope = scope,
    private val requestBackground: () -> Unit = {},
) {
    private val local = MutableStateFlow(SyncState().withShared(repo.state.value))
    val state: StateFlow<SyncState> = local.asStateFlow()

    init {
        // The run under way and the counts come from the repository (a background run too).
        scope.launch { repo.state.collect { shared -> local.update { it.withShared(shared) } } }
    }

    private fun SyncState.withShared(s: SyncShared) = copy(snapshot = s.snapshot, run = s.run, lastRunOk = s.lastRunOk)

    /** The state now, with the repository's latest (the copy in [state] follows a moment later). */
    private fun current(): SyncState = local.value.withShared(repo.state.value)

    fun refresh() {
        local.update { it.copy(loading = true) }
        scope.launch {
            when (val r = attempt(language()) { repo.refresh() }) {
                is Outcome.Ok -> local.update {
                    it.withShared(repo.state.value).copy(loading = false, error = null, stationUrl = it.stationUrl.ifBlank { r.value.station.orEmpty() })
                }
                is Outcome.Failed -> local.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun setStationUrl(text: String) = local.update { it.copy(stationUrl = text, failure = null) }

    fun setCode(text: String) = local.update { it.copy(code = text, failure = null) }

    /** https only: true = the station's own CA (attach it), false = a public certificate. */
    fun setOwnCertificate(own: Boolean) = local.update { it.copy(ownCertificate = own, failure = null) }

    /** The station's CA certificate as pasted PEM text. */
    fun setCaPem(text: String) = local.update { it.copy(caPem = text, failure = null) }

    /** The station's CA certificate from a picked file; anything but PEM text is refused. */
    fun attachCaFile(bytes: ByteArray) {
        val text = if (bytes.size <= MAX_CA_BYTES) bytes.toString(Charsets.UTF_8) else ""
        if (!isPem(text)) return local.update { it.copy(failure = SyncFailure(SyncProblem.BAD_CERTIFICATE, null)) }
        local.update { it.copy(caPem = text.trim(), ownCertificate = true, failure = null) }
    }

    /** Enrols with the station; the code is cleared once taken, kept after a refusal (a typo). */
    fun enrol() {
        val s = current()
        if (s.enrolling || s.sending) return
        val url = stationUrl(s.stationUrl)
            ?: return local.update { it.copy(failure = SyncFailure(SyncProblem.BAD_ADDRESS, null)) }
        val code = normalisedCode(s.code)
        if (code.isEmpty()) return local.update { it.copy(failure = SyncFailure(SyncProblem.NO_CODE, null)) }
        // The station's own CA only for https and only when chosen; a public certificate needs none.
        val ca = if (s.ownCertificate && url.startsWith("https://", ignoreCase = true)) {
            if (s.caPem.isBlank()) return local.update { it.copy(failure = SyncFailure(SyncProblem.NO_CERTIFICATE, null)) }
            if (!isPem(s.caPem)) return local.update { it.copy(failure = SyncFailure(SyncProblem.BAD_CERTIFICATE, null)) }
            s.caPem.trim().toByteArray(Charsets.UTF_8)
        } else {
            null
        }
        local.update { it.copy(enrolling = true, failure = null, enrolled = false) }
        work.launch {
            val failure = try {
                repo.enrol(url, code, ca)
                null
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                failureOf(e)
            }
            local.update {
                if (failure == null) it.withShared(repo.state.value).copy(enrolling = false, enrolled = true, code = "", stationUrl = url, error = null)
                else it.copy(enrolling = false, failure = failure)
            }
        }
    }

    /** Sends everything waiting now, with progress; the outcome shows when it is done. */
    fun sendNow() {
        val s = current()
        if (s.sending || s.enrolling) return
        if (!s.isEnrolled) return local.update { it.copy(failure = SyncFailure(SyncProblem.NOT_ENROLLED, null)) }
        local.update { it.copy(starting = true, failure = null, stopped = false, lastReport = null, enrolled = false) }
        work.launch {
            val started = Instant.now().minusSeconds(1)
            val outcome = repo.sync(background = false)
            // Network or server trouble: WorkManager tries again once there is a network.
            if (outcome is SyncOutcome.Failed && SyncProblem.of(outcome.error).let { it == SyncProblem.UNREACHABLE || it == SyncProblem.SERVER_FAULT }) {
                requestBackground()
            }
            // A failed run is the store's last error from now on (shown with its time as
            // lastError); only a failure the store did not record is shown from here.
            val recorded = repo.snapshot?.status?.lastErrorAt?.let(Format::parseRfc3339)?.let { !it.isBefore(started) } == true
            local.update { st ->
                val it = st.withShared(repo.state.value).copy(starting = false)
                when (outcome) {
                    is SyncOutcome.Synced -> it.copy(lastReport = outcome.report)
                    SyncOutcome.Cancelled -> it.copy(stopped = true)
                    SyncOutcome.NotEnrolled -> it.copy(failure = SyncFailure(SyncProblem.NOT_ENROLLED, null))
                    SyncOutcome.StoreClosed -> it.copy(failure = SyncFailure(SyncProblem.OTHER, null))
                    is SyncOutcome.Failed -> if (recorded) it else it.copy(failure = failureOf(outcome.error))
                }
            }
        }
    }

    /** Stops the run under way (this screen's or a background one) between two pieces. */
    fun cancel() = repo.cancel()

    private fun failureOf(e: Throwable): SyncFailure =
        SyncFailure(SyncProblem.of(e), (e as? QorgauException)?.let(UiError::detailOf) ?: e.javaClass.simpleName)

    companion object {
        /** A CA file larger than this is not a certificate. */
        const val MAX_CA_BYTES = 64 * 1024

        /** PEM text with at least one certificate (the core checks the rest). */
        fun isPem(text: String): Boolean = text.contains("-----BEGIN CERTIFICATE-----") && text.contains("-----END CERTIFICATE-----")

        /**
         * The station's address as the core takes it, `http(s)://host[:port][/path]` without a
         * trailing slash; null when it is not such an address.
         */
        fun stationUrl(text: String): String? {
            val s = text.trim().trimEnd('/')
            val uri = try {
                URI(s)
            } catch (e: URISyntaxException) {
                return null
            }
            val scheme = uri.scheme?.lowercase() ?: return null
            if (scheme != "http" && scheme != "https") return null
            if (uri.host.isNullOrEmpty() || uri.rawQuery != null || uri.rawFragment != null || uri.rawUserInfo != null) return null
            return s
        }

        /** The code as the station issues it: letters and digits, upper case (read out in groups). */
        fun normalisedCode(text: String): String =
            text.filter { it in 'a'..'z' || it in 'A'..'Z' || it in '0'..'9' }.uppercase()
    }
}
