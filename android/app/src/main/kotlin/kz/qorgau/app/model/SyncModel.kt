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
import kz.qorgau.core.ErrorMessage
import kz.qorgau.core.ErrorMessages
import kz.qorgau.core.ErrorText
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.Enrolment
import kz.qorgau.ffi.EnrolmentCardInfo
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.SyncFailure
import kz.qorgau.ffi.SyncProblem
import kz.qorgau.ffi.SyncReport
import kz.qorgau.ffi.SyncStatus
import kz.qorgau.ffi.syncFailureIsTransient
import java.net.InetAddress
import java.net.URI
import java.net.URISyntaxException
import java.time.Instant

/**
 * The store's last sync problem as the sync screen shows it: the kind (from
 * `SyncStatus.lastProblem`) and its [message], when it happened, and for a failed sync whether
 * it may pass by itself so that the next background sync is worth waiting for
 * ([retriesByItself], the core's `syncFailureIsTransient`; null for refused entries or a
 * registry not updated, which a sync went through with).
 */
data class LastSyncProblem(
    val problem: SyncProblem,
    val message: ErrorMessage,
    val at: Instant?,
    val retriesByItself: Boolean?,
)

/**
 * A card read from the duty officer's QR code, shown for the officer to compare with the printed
 * card before anything goes out. [text] carries the one-time code: it leaves the state once the
 * card is used or cancelled, and is never printed.
 */
class ScannedCard(val text: String, val info: EnrolmentCardInfo) {
    override fun toString() = "ScannedCard($info)"
}

/**
 * What the phone trusts after an enrolment, to show: [enrolment] from the core (the station key's
 * fingerprint, whether a TLS root was pinned) and, from a card, the TLS root's fingerprint the
 * card named (the core pinned exactly that root). A typed code pins the root the station named
 * in its answer, whose fingerprint the core does not return: then [tlsRootFingerprint] is null.
 */
data class EnrolledStation(val enrolment: Enrolment, val tlsRootFingerprint: String?)

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
    /** A scanned enrolment card is being read (parsed on the phone, no network). */
    val readingCard: Boolean = false,
    /** The scanned card waiting for the officer's confirmation, or null. */
    val card: ScannedCard? = null,
    /** What this screen's last enrolment established (fingerprints to show), or null. */
    val enrolledStation: EnrolledStation? = null,
    /** The result of this screen's last completed run. */
    val lastReport: SyncReport? = null,
    /** This screen's last run was stopped (not an error; nothing is lost). */
    val stopped: Boolean = false,
    /**
     * The last action on this screen failed (enrolment, a typed address, send before
     * enrolment): the core's error by kind, or the phone's own check.
     */
    val failure: UiError? = null,
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
     * The store's last sync problem, by kind, with its time. A failed sync is shown while it is
     * not older than the last success (the station's acknowledgement, or a clean run in this
     * process); refused entries and a registry not updated are kept by the store until the
     * next sync without problems.
     */
    val lastProblem: LastSyncProblem?
        get() {
            val s = status ?: return null
            val problem = s.lastProblem ?: return null
            val at = s.lastErrorAt?.let(Format::parseRfc3339)
            if (problem is SyncProblem.Failed) {
                val ok = listOfNotNull(lastSuccessAt, lastRunOk).maxOrNull()
                if (ok != null && at != null && ok.isAfter(at)) return null
            }
            val retries = (problem as? SyncProblem.Failed)?.let { syncFailureIsTransient(it.failure) }
            return LastSyncProblem(problem, ErrorMessages.of(problem), at, retries)
        }

    val canEnrol: Boolean
        get() = !enrolling && !sending && card == null && stationUrl.isNotBlank() && SyncModel.normalisedCode(code).isNotEmpty()

    /** "Scan enrolment card" is offered (nothing else is being enrolled or read). */
    val canScan: Boolean get() = !enrolling && !sending && !readingCard && card == null

    /** The scanned card can be confirmed. */
    val canConfirmCard: Boolean get() = card != null && !enrolling && !sending

    val canSend: Boolean get() = isEnrolled && !sending && !enrolling

    /** The typed address is https: the screen offers the certificate choice. */
    val isHttps: Boolean get() = stationUrl.trim().startsWith("https://", ignoreCase = true)
}

/**
 * The sync screen: what waits to be sent to the station (records, size of originals, since
 * when), the last success and the last problem by kind (kk/ru/en), enrolment, and "send now" with
 * progress and a stop button.
 *
 * Enrolment is by the duty officer's card: [scanned] reads the QR code's text on the phone and
 * shows the station's address and the fingerprints of its TLS root and signing key for the
 * officer to compare with the printed card; [confirmCard] enrols (the core trusts only what the
 * card names), [cancelCard] drops it. Typing the address and the one-time code ([enrol]) stays
 * as the fallback; a plain http:// address to another machine is refused on the phone.
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
            when (val r = attempt { repo.refresh() }) {
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
        if (!isPem(text)) return local.update { it.copy(failure = UiError.of(ErrorText.SYNC_CHECK_NOT_PEM)) }
        local.update { it.copy(caPem = text.trim(), ownCertificate = true, failure = null) }
    }

    /**
     * The text of a QR code the scanner read: if it is an enrolment card, it is shown for
     * confirmation (nothing goes out yet). Codes read while a card is shown or being read are
     * ignored (the scanner reports every frame).
     */
    fun scanned(text: String) {
        val s = current()
        if (!s.canScan) return
        // A card with a plain http address to another machine: refused on the phone, as a typed one.
        val address = cardAddress(text)
        if (address != null && isPlainHttpOffPhone(address)) {
            return local.update { it.copy(failure = UiError.of(ErrorText.SYNC_CHECK_PLAIN_HTTP), enrolled = false) }
        }
        local.update { it.copy(readingCard = true, failure = null, enrolled = false) }
        scope.launch {
            val card = try {
                ScannedCard(text.trim(), repo.readCard(text.trim()))
            } catch (e: CancellationException) {
                throw e
            } catch (e: QorgauException.InvalidInput) {
                // The core does not read it as a card (not one, damaged, a newer version).
                return@launch local.update { it.copy(readingCard = false, failure = UiError.of(ErrorText.SYNC_CHECK_NOT_A_CARD)) }
            } catch (e: Exception) {
                return@launch local.update { it.copy(readingCard = false, failure = UiError.of(e)) }
            }
            local.update { it.copy(readingCard = false, card = card) }
        }
    }

    /**
     * The officer compared the fingerprints with the card: enrol from it, off the main thread.
     * Once enrolled the card leaves the state; after a station that does not match or a refused
     * code it is dropped too (scan again, or ask the duty officer); after a network or server
     * problem it stays for another try.
     */
    fun confirmCard() {
        val s = current()
        val card = s.card ?: return
        if (!s.canConfirmCard) return
        local.update { it.copy(enrolling = true, failure = null, enrolled = false) }
        work.launch {
            val result = try {
                Result.success(repo.enrolWithCard(card.text))
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                Result.failure(e)
            }
            local.update { st ->
                result.fold(
                    onSuccess = { e ->
                        st.withShared(repo.state.value).copy(
                            enrolling = false, enrolled = true, card = null, code = "", stationUrl = e.stationUrl, error = null,
                            enrolledStation = EnrolledStation(e, card.info.tlsRootFingerprint),
                        )
                    },
                    onFailure = { e ->
                        // A failure that may pass (network, the station's fault) keeps the card for another try.
                        val f = UiError.of(e)
                        st.copy(enrolling = false, failure = f, card = if (f.transient == true) st.card else null)
                    },
                )
            }
        }
    }

    /** Drops the scanned card (it does not match, or was the wrong one). */
    fun cancelCard() = local.update { it.copy(card = null, readingCard = false, failure = null) }

    /**
     * Enrols with the typed address and code (the fallback to the card); the code is cleared
     * once taken, kept after a refusal (a typo).
     */
    fun enrol() {
        val s = current()
        if (s.enrolling || s.sending) return
        val url = stationUrl(s.stationUrl)
            ?: return local.update { it.copy(failure = UiError.of(ErrorText.SYNC_CHECK_BAD_ADDRESS)) }
        if (isPlainHttpOffPhone(url)) return local.update { it.copy(failure = UiError.of(ErrorText.SYNC_CHECK_PLAIN_HTTP)) }
        val code = normalisedCode(s.code)
        if (code.isEmpty()) return local.update { it.copy(failure = UiError.of(ErrorText.SYNC_CHECK_NO_CODE)) }
        // The station's own CA only for https and only when chosen; a public certificate needs none.
        val ca = if (s.ownCertificate && url.startsWith("https://", ignoreCase = true)) {
            if (s.caPem.isBlank()) return local.update { it.copy(failure = UiError.of(ErrorText.SYNC_CHECK_NO_CERTIFICATE)) }
            if (!isPem(s.caPem)) return local.update { it.copy(failure = UiError.of(ErrorText.SYNC_CHECK_NOT_PEM)) }
            s.caPem.trim().toByteArray(Charsets.UTF_8)
        } else {
            null
        }
        local.update { it.copy(enrolling = true, failure = null, enrolled = false) }
        work.launch {
            val result = try {
                Result.success(repo.enrol(url, code, ca))
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                Result.failure(e)
            }
            local.update { st ->
                result.fold(
                    onSuccess = { e ->
                        st.withShared(repo.state.value).copy(
                            enrolling = false, enrolled = true, code = "", stationUrl = url, error = null,
                            enrolledStation = EnrolledStation(e, null),
                        )
                    },
                    onFailure = { e -> st.copy(enrolling = false, failure = UiError.of(e)) },
                )
            }
        }
    }

    /** Sends everything waiting now, with progress; the outcome shows when it is done. */
    fun sendNow() {
        val s = current()
        if (s.sending || s.enrolling) return
        if (!s.isEnrolled) return local.update { it.copy(failure = notEnrolled()) }
        local.update { it.copy(starting = true, failure = null, stopped = false, lastReport = null, enrolled = false) }
        work.launch {
            val started = Instant.now().minusSeconds(1)
            val outcome = repo.sync(background = false)
            // A failure that may pass by itself (network, the station's fault, busy): WorkManager
            // tries again once there is a network. Anything else needs someone to act.
            val error = (outcome as? SyncOutcome.Failed)?.let { UiError.of(it.error) }
            if (error?.transient == true) requestBackground()
            // A failed run is the store's last problem from now on (shown with its time as
            // lastProblem); only a failure the store did not record is shown from here.
            val recorded = repo.snapshot?.status?.lastErrorAt?.let(Format::parseRfc3339)?.let { !it.isBefore(started) } == true
            local.update { st ->
                val it = st.withShared(repo.state.value).copy(starting = false)
                when (outcome) {
                    is SyncOutcome.Synced -> it.copy(lastReport = outcome.report)
                    SyncOutcome.Cancelled -> it.copy(stopped = true)
                    SyncOutcome.NotEnrolled -> it.copy(failure = notEnrolled())
                    SyncOutcome.StoreClosed -> it.copy(failure = UiError.of(ErrorText.SYNC_CHECK_STORE_CLOSED))
                    is SyncOutcome.Failed -> if (recorded) it else it.copy(failure = error)
                }
            }
        }
    }

    /** Stops the run under way (this screen's or a background one) between two pieces. */
    fun cancel() = repo.cancel()

    /** "Send now" before enrolment: the core's own kind for it, said the same way. */
    private fun notEnrolled() = UiError(ErrorMessages.of(SyncFailure.NotEnrolled), transient = false)

    companion object {
        /** A CA file larger than this is not a certificate. */
        const val MAX_CA_BYTES = 64 * 1024

        /**
         * The station address a scanned card names (`url=` of `QORGAU-ENROL:…;url=…;…`), or null
         * when the text is not shaped like a card; the core reads and checks the card itself.
         */
        fun cardAddress(text: String): String? {
            val t = text.trim()
            if (!t.startsWith("QORGAU-ENROL:")) return null
            return t.split(';').drop(1).firstOrNull { it.startsWith("url=") }?.removePrefix("url=")
        }

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

        /**
         * A plain `http://` address to anything but this phone itself (127.0.0.0/8, ::1,
         * localhost), as the core refuses it: the station is reached over https only.
         */
        fun isPlainHttpOffPhone(url: String): Boolean {
            val uri = try {
                URI(url.trim())
            } catch (e: URISyntaxException) {
                return false
            }
            if (!uri.scheme.equals("http", ignoreCase = true)) return false
            return !isLoopbackHost(uri.host ?: return true)
        }

        /** 127.0.0.0/8, ::1 or localhost, written as such (no name is looked up). */
        fun isLoopbackHost(host: String): Boolean {
            val h = host.removePrefix("[").removeSuffix("]")
            if (h.equals("localhost", ignoreCase = true)) return true
            val v4 = h.split('.')
            if (v4.size == 4 && v4.all { p -> p.length in 1..3 && p.all { it in '0'..'9' } && p.toInt() <= 255 }) return v4[0].toInt() == 127
            // An IPv6 literal: parsed as such, never resolved (a name has no ':').
            return h.contains(':') && runCatching { InetAddress.getByName(h).isLoopbackAddress }.getOrDefault(false)
        }

        /** A grouped fingerprint (`AB12 CD34 …`) as lines of [perLine] groups, for reading aloud. */
        fun fingerprintLines(grouped: String, perLine: Int = 4): List<String> =
            grouped.trim().split(Regex("\\s+")).filter { it.isNotEmpty() }.chunked(perLine) { it.joinToString(" ") }

        /** The code as the station issues it: letters and digits, upper case (read out in groups). */
        fun normalisedCode(text: String): String =
            text.filter { it in 'a'..'z' || it in 'A'..'Z' || it in '0'..'9' }.uppercase()
    }
}
