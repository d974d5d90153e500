package kz.qorgau.app

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kz.qorgau.app.model.SyncModel
import kz.qorgau.app.model.SyncPhase
import kz.qorgau.core.ErrorMessage
import kz.qorgau.core.ErrorText
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.Collections
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread

/**
 * Enrolment by the duty officer's card through the sync screen's model, against the real library
 * and a real station serving https under its own root (the default): the scanned text is read
 * on the phone and shown (address, TLS root and station key fingerprints, as the station printed
 * them) before anything goes out; confirmed, the phone enrols trusting only what the card names
 * and sends. A plain http card, something that is not a card, a card whose key was altered and
 * a station that cannot be reached are each refused in plain words, with nothing stored.
 * Synthetic people and media only.
 */
class SyncCardTest {
    @TempDir lateinit var tmp: File
    private lateinit var scope: CoroutineScope
    private lateinit var bin: File
    private var station: Process? = null
    private lateinit var url: String
    private val output: MutableList<String> = Collections.synchronizedList(mutableListOf())
    private val officer = TeamMember(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417")
    private val profile = DeviceProfile("JVM test phone", "DV team 3 (synthetic)", officer)
    private val grouped = Regex("([0-9A-F]{4} ){15}[0-9A-F]{4}")

    @BeforeEach
    fun setUp() {
        val libDir = System.getProperty("qorgau.lib.dir") ?: ""
        val lib = File(libDir, System.mapLibraryName("qorgau_ffi"))
        assertTrue(lib.isFile, "Rust library not built ($lib): cargo build -p qorgau-ffi")
        bin = File(System.getProperty("qorgau.station.bin") ?: File(libDir, "qorgau-station").path)
        assertTrue(bin.canExecute(), "station not built ($bin): cargo build -p qorgau-station")
        scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
        // https under the station's own root, made on this first start under <data>/tls/.
        val p = ProcessBuilder(bin.path, "--data", File(tmp, "station").path, "serve", "--listen", "127.0.0.1:0")
            .redirectErrorStream(true).start()
        station = p
        val out = p.inputStream.bufferedReader()
        val first = out.readLine() ?: error("station did not start")
        url = Regex("https://127\\.0\\.0\\.1:[0-9]+").find(first)?.value ?: error("no https address in: $first")
        // Keep reading its log (a full pipe would block the station); the fingerprints are in it.
        thread(isDaemon = true, name = "station-output") { runCatching { out.useLines { lines -> lines.forEach { output += it } } } }
    }

    @AfterEach
    fun tearDown() {
        stopStation()
        if (::scope.isInitialized) scope.cancel()
    }

    private fun stopStation() {
        station?.let { p ->
            p.destroy()
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
        }
        station = null
    }

    /** The duty officer's card, as its QR code holds it (`enrolment-code --print card`). */
    private fun card(): String {
        val p = ProcessBuilder(bin.path, "--data", File(tmp, "station").path, "enrolment-code", "--officer", officer.badge, "--unit", profile.unit, "--print", "card")
            .redirectErrorStream(true).start()
        val text = p.inputStream.bufferedReader().readText().trim()
        assertEquals(0, p.waitFor(), text)
        assertTrue(text.startsWith("QORGAU-ENROL:1;url=$url;"), text)
        return text
    }

    /** A fingerprint line `serve` printed when it started (`TLS root fingerprint …`). */
    private fun printed(prefix: String): String {
        val until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (System.nanoTime() < until) {
            synchronized(output) { output.firstOrNull { it.startsWith(prefix) } }?.let { return it.removePrefix(prefix).trim() }
            Thread.sleep(20)
        }
        throw AssertionError("the station printed no \"$prefix\" line: $output")
    }





    private fun model(p: TestPhone, lang: UiLanguage = UiLanguage.EN): SyncModel {
        val model = SyncModel(scope, p.sync, { lang })
        model.refresh()
        model.state.await("counts read") { !it.loading && it.status != null }
        return model
    }

    private fun <T> StateFlow<T>.await(what: String, ms: Long = 60_000, p: (T) -> Boolean): T = awaitState(what, ms, p)
    private fun phone(): TestPhone = testPhone(tmp, profile)
    private fun strings(dir: String): Map<String, String> = appStrings(dir)
    private fun caseWithPhoto(p: TestPhone): Long = newCaseWithPhoto(p, tmp, scope, officer, "Synthetic street 8, Astana")

    @Test
    fun `scan the card, compare the fingerprints, confirm - enrolled, send now - nothing waits`() {
        val p = phone()
        val model = model(p)
        val photoSize = caseWithPhoto(p)
        model.state.await("case and photo waiting") { it.pendingRecords == 2L }
        val text = card()

        // Something else in front of the camera (an order's QR code, a web link): not a card.
        assertTrue(model.state.value.canScan)
        model.scanned("https://example.org/not-a-card")
        var s = model.state.await("not a card") { !it.readingCard && it.failure != null }
        assertEquals(ErrorText.SYNC_CHECK_NOT_A_CARD, s.failure!!.text, "${s.failure}")
        assertNull(s.card)

        // The card: shown to compare, nothing sent yet.
        model.scanned(text)
        s = model.state.await("card shown") { !it.readingCard && (it.card != null || it.failure != null) }
        assertNull(s.failure, "${s.failure}")
        val info = s.card!!.info
        assertEquals(url, info.stationUrl)
        val root = info.tlsRootFingerprint!!
        val key = info.stationKeyFingerprint!!
        assertTrue(grouped.matches(root), root)
        assertTrue(grouped.matches(key), key)
        // What the officer compares is what the station printed (and what the printed card says).
        assertEquals(printed("TLS root fingerprint"), root)
        assertEquals(printed("station key fingerprint"), key)
        assertEquals(4, SyncModel.fingerprintLines(root).size)
        assertTrue(SyncModel.fingerprintLines(root).all { Regex("([0-9A-F]{4} ){3}[0-9A-F]{4}").matches(it) })
        assertFalse(s.toString().contains(Regex("code=[A-Z2-9]{16}")), "the one-time code is never printed: $s")
        assertNull(s.station, "nothing goes out before the officer confirms")
        assertTrue(s.canConfirmCard)
        assertFalse(s.canScan, "one card at a time")
        // The scanner reports every frame: more reads of the same (or another) code change nothing.
        model.scanned("https://example.org/not-a-card")
        assertEquals(info, model.state.value.card?.info)
        assertNull(model.state.value.failure)

        // Cancel, and scan again.
        model.cancelCard()
        assertNull(model.state.await("cancelled") { it.card == null }.card)
        model.scanned(text)
        model.state.await("card shown again") { it.card != null }
        model.confirmCard()
        s = model.state.await("enrolled") { !it.enrolling && (it.enrolled || it.failure != null) }
        assertNull(s.failure, "${s.failure}")
        assertNull(s.card, "the card (with its code) leaves the state once used")
        assertEquals(url, s.station)
        assertEquals(SyncPhase.WAITING, s.phase)
        val trusted = s.enrolledStation!!
        assertTrue(trusted.enrolment.tlsRootPinned)
        assertEquals(key, trusted.enrolment.stationKeyFingerprint)
        assertEquals(root, trusted.tlsRootFingerprint)
        assertEquals(officer.badge, trusted.enrolment.officer)
        assertEquals(profile.unit, trusted.enrolment.unit)

        model.sendNow()
        s = model.state.await("sent") { !it.sending && (it.lastReport != null || it.failure != null || it.lastProblem != null) }
        assertNull(s.failure, "${s.failure}")
        assertNull(s.lastProblem, "${s.lastProblem}")
        assertEquals(2uL, s.lastReport!!.acked)
        assertTrue(s.lastReport!!.rejected.isEmpty())
        assertEquals(photoSize.toULong(), s.lastReport!!.uploadedBytes)
        assertEquals(SyncPhase.ALL_SENT, s.phase)
        assertEquals(0L, s.pendingRecords)
        assertEquals(0L, s.pendingBytes)
        assertNotNull(s.lastSuccessAt)
    }

    @Test
    fun `a card or a typed address with plain http to another machine is refused on the phone`() {
        val p = phone()
        val model = model(p, UiLanguage.KK)
        model.scanned("QORGAU-ENROL:1;url=http://192.0.2.10:8440;code=ABCDEFGHJKMNPQ23")
        var s = model.state.await("http card refused") { !it.readingCard && it.failure != null }
        assertEquals(ErrorText.SYNC_CHECK_PLAIN_HTTP, s.failure!!.text, "${s.failure}")
        assertNull(s.card, "never shown for confirmation")
        assertNull(s.station)
        assertTrue(s.canScan, "scan again")

        model.setStationUrl("http://192.0.2.10:8440")
        model.setCode("ABCD EFGH JKMN PQ23")
        model.enrol()
        s = model.state.await("http address refused") { it.failure != null }
        assertEquals(ErrorText.SYNC_CHECK_PLAIN_HTTP, s.failure!!.text)
        assertFalse(s.enrolling)
        assertNull(runBlocking { p.sync.refresh() }.station, "nothing stored")
        assertNull(runBlocking { p.sync.refresh() }.status.lastProblem, "no network call was made")

        // The plain words, in each language, point to the https address on the card.
        listOf("values", "values-kk", "values-ru").forEach { dir ->
            val words = strings(dir).getValue(ErrorText.SYNC_CHECK_PLAIN_HTTP.key)
            assertTrue(words.contains("https://"), "$dir: $words")
        }
    }

    @Test
    fun `a card whose station key was altered is refused as another station's, and the real card then enrols`() {
        val p = phone()
        val model = model(p, UiLanguage.RU)
        caseWithPhoto(p)
        model.state.await("case and photo waiting") { it.pendingRecords == 2L }
        val text = card()
        val fp = Regex(";key=([0-9a-f]{64})").find(text)!!.groupValues[1]
        val altered = text.replace(";key=$fp", ";key=" + fp.dropLast(1) + (if (fp.last() == '0') '1' else '0'))

        model.scanned(altered)
        var s = model.state.await("altered card shown") { !it.readingCard && (it.card != null || it.failure != null) }
        assertNotEquals(printed("station key fingerprint"), s.card!!.info.stationKeyFingerprint, "the officer would see the difference")
        model.confirmCard()
        s = model.state.await("refused") { !it.enrolling && (it.enrolled || it.failure != null) }
        assertFalse(s.enrolled)
        // By kind: the answer is not bound to the card (another station key), whatever its words.
        assertEquals(ErrorMessage(ErrorText.SYNC_FAILURE_ENROLMENT_NOT_AUTHENTIC), s.failure!!.message, "${s.failure}")
        assertEquals(false, s.failure.transient, "trying again will not help")
        assertNull(s.card, "a card that does not match is dropped")
        assertNull(s.station)
        assertNull(s.enrolledStation)
        assertEquals(SyncPhase.NOT_ENROLLED, s.phase)
        assertEquals(2L, s.pendingRecords, "nothing was sent")
        assertTrue(strings("values-ru").getValue(ErrorText.SYNC_FAILURE_ENROLMENT_NOT_AUTHENTIC.key).startsWith("Ответивший отдел не подтвердил"))

        // The real card from the same phone: enrolled, the phone trusts what it names.
        model.scanned(text)
        model.state.await("real card shown") { it.card != null }
        model.confirmCard()
        s = model.state.await("enrolled") { !it.enrolling && (it.enrolled || it.failure != null) }
        assertNull(s.failure, "${s.failure}")
        assertEquals(printed("station key fingerprint"), s.enrolledStation!!.enrolment.stationKeyFingerprint)
        assertEquals(url, s.station)
    }

    @Test
    fun `the station cannot be reached - the card stays for another try, or is cancelled`() {
        val p = phone()
        val model = model(p)
        val text = card()
        model.scanned(text)
        model.state.await("card shown") { it.card != null }
        stopStation()
        model.confirmCard()
        var s = model.state.await("failed", ms = 120_000) { !it.enrolling && (it.enrolled || it.failure != null) }
        assertEquals(ErrorText.SYNC_FAILURE_UNREACHABLE, s.failure!!.text, "${s.failure}")
        assertEquals(true, s.failure.transient, "may pass by itself: the card stays")
        assertNotNull(s.card, "kept for another try")
        assertTrue(s.canConfirmCard)
        assertNull(s.station)
        model.cancelCard()
        s = model.state.await("cancelled") { it.card == null }
        assertNull(s.failure)
        assertTrue(s.canScan)
    }
}
