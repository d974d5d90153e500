package kz.qorgau.app

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kz.qorgau.app.capture.CaptureFiles
import kz.qorgau.app.capture.IngestQueue
import kz.qorgau.app.capture.IngestState
import kz.qorgau.app.data.SyncOutcome
import kz.qorgau.app.data.SyncRepository
import kz.qorgau.app.data.WorkVerdict
import kz.qorgau.app.data.verdict
import kz.qorgau.app.model.CaptureModel
import kz.qorgau.app.model.SyncModel
import kz.qorgau.app.model.SyncPhase
import kz.qorgau.app.model.SyncState
import kz.qorgau.core.NewCaseForm
import kz.qorgau.core.ErrorMessage
import kz.qorgau.core.ErrorText
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.ErrorCode
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.SyncFailure
import kz.qorgau.ffi.SyncProblem
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Uuid
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.awt.image.BufferedImage
import java.io.File
import java.util.Collections
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import javax.imageio.ImageIO
import kotlin.concurrent.thread

/**
 * The sync screen's model and the background worker's path against the real library and a real
 * station (`qorgau-station serve --plain-http` on loopback, started here: plain http is allowed
 * to this machine only). Synthetic people and media only. Enrolment by card and https:
 * SyncCardTest, SyncTlsTest.
 */
class SyncFlowTest {
    @TempDir lateinit var tmp: File
    private lateinit var scope: CoroutineScope
    private lateinit var bin: File
    private var station: Process? = null
    private lateinit var url: String
    private val officer = TeamMember(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417")
    private val profile = DeviceProfile("JVM test phone", "DV team 3 (synthetic)", officer)

    @BeforeEach
    fun setUp() {
        val libDir = System.getProperty("qorgau.lib.dir") ?: ""
        val lib = File(libDir, System.mapLibraryName("qorgau_ffi"))
        assertTrue(lib.isFile, "Rust library not built ($lib): cargo build -p qorgau-ffi")
        bin = File(System.getProperty("qorgau.station.bin") ?: File(libDir, "qorgau-station").path)
        assertTrue(bin.canExecute(), "station not built ($bin): cargo build -p qorgau-station")
        scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
        startStation()
    }

    @AfterEach
    fun tearDown() {
        stopStation()
        if (::scope.isInitialized) scope.cancel()
    }

    private fun startStation() {
        val p = ProcessBuilder(bin.path, "--data", File(tmp, "station").path, "serve", "--listen", "127.0.0.1:0", "--plain-http")
            .redirectErrorStream(true).start()
        station = p
        val out = p.inputStream.bufferedReader()
        val first = out.readLine() ?: error("station did not start")
        url = Regex("http://127\\.0\\.0\\.1:[0-9]+").find(first)?.value ?: error("no address in: $first")
        // Keep reading its log: a full pipe would block the station.
        thread(isDaemon = true, name = "station-output") { runCatching { out.useLines { lines -> lines.forEach { } } } }
    }

    private fun stopStation() {
        station?.let { p ->
            p.destroy()
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
        }
        station = null
    }

    private fun enrolmentCode(): String {
        val p = ProcessBuilder(bin.path, "--data", File(tmp, "station").path, "enrolment-code", "--officer", officer.badge, "--unit", profile.unit, "--print", "code")
            .redirectErrorStream(true).start()
        val code = p.inputStream.bufferedReader().readText().trim()
        assertEquals(0, p.waitFor(), code)
        return code
    }


    private fun jpeg(file: File): File {
        val img = BufferedImage(800, 600, BufferedImage.TYPE_INT_RGB)
        for (y in 0 until 600) for (x in 0 until 800) img.setRGB(x, y, (x shl 16) or (y shl 8) or 0x40)
        check(ImageIO.write(img, "jpg", file))
        return file
    }



    /** A case with a photo, through the app's repository and capture models; returns the photo's size. */
    private fun caseWithPhoto(p: TestPhone, sync: SyncRepository, address: String): Pair<Uuid, Long> {
        val caseId = runBlocking { p.repo.openCase(NewCaseForm(address = address, team = listOf(officer))) }.record.id
        val queue = IngestQueue({ p.sessions.session.store }, scope, { UiLanguage.EN }, previews = { _, _ -> null },
            onStored = { scope.launch { sync.refresh() } })
        val capture = CaptureModel(scope, caseId, CaptureFiles(File(tmp, "captures")), queue, locate = { null })
        val photo = jpeg(capture.newFile(MediaKind.PHOTO))
        val size = photo.length()
        capture.captured(photo, MediaKind.PHOTO)
        val stored = capture.state.await("photo stored") { s -> s.items.singleOrNull()?.state.let { it is IngestState.Stored || it is IngestState.Failed } }
        assertTrue(stored.items.single().state is IngestState.Stored, "${stored.items}")
        return caseId to size
    }

    private fun <T> StateFlow<T>.await(what: String, ms: Long = 60_000, p: (T) -> Boolean): T = awaitState(what, ms, p)
    private fun phone(): TestPhone = testPhone(tmp, profile)
    private fun strings(dir: String): Map<String, String> = appStrings(dir)

    @Test
    fun `enrol through the screen model, a case with a photo, send now - nothing waits`() {
        val p = phone()
        val requests = AtomicInteger()
        val model = SyncModel(scope, p.sync, { UiLanguage.EN }, requestBackground = { requests.incrementAndGet() })
        val seen = Collections.synchronizedList(mutableListOf<SyncState>())
        val recorder = scope.launch { model.state.collect { seen += it } }

        model.refresh()
        var s = model.state.await("counts read") { !it.loading && it.status != null }
        assertEquals(SyncPhase.NOT_ENROLLED, s.phase)
        assertFalse(s.canSend)
        model.sendNow()
        model.state.await("refused before enrolment") { it.failure?.text == ErrorText.SYNC_FAILURE_NOT_ENROLLED }

        val (_, photoSize) = caseWithPhoto(p, p.sync, "Synthetic street 5, Astana")
        s = model.state.await("case and photo waiting") { (it.pendingRecords ?: 0) >= 2 }
        assertEquals(2L, s.pendingRecords, "the case and the photo")
        assertEquals(photoSize, s.pendingBytes)
        assertNotNull(s.oldestPendingAt)
        assertNull(s.lastSuccessAt)
        assertEquals(SyncPhase.NOT_ENROLLED, s.phase, "waiting, but nowhere to send yet")

        // Enrolment: a typed address without a scheme and a missing code never reach the network.
        model.setStationUrl("127.0.0.1:8440")
        model.setCode("ABCD")
        model.enrol()
        model.state.await("bad address refused") { it.failure?.text == ErrorText.SYNC_CHECK_BAD_ADDRESS }
        // Plain http to another machine: refused on the phone, in plain words.
        model.setStationUrl("http://192.0.2.10:8440")
        model.enrol()
        s = model.state.await("plain http refused") { it.failure != null }
        assertEquals(ErrorText.SYNC_CHECK_PLAIN_HTTP, s.failure!!.text)
        assertFalse(s.enrolling)
        assertNull(s.station)
        model.setStationUrl("$url/")
        model.setCode(" - ")
        assertFalse(model.state.await("no code") { it.code == " - " }.canEnrol)
        model.enrol()
        model.state.await("no code refused") { it.failure?.text == ErrorText.SYNC_CHECK_NO_CODE }
        // A wrong code: the station refuses it; the code stays for correcting, still not enrolled.
        model.setCode("NOTA-VALI-DCOD-E234")
        model.enrol()
        s = model.state.await("wrong code refused") { !it.enrolling && it.failure.let { f -> f != null && f.text != ErrorText.SYNC_CHECK_NO_CODE } }
        // By the station's code, whatever its words: an unknown code, 403; waiting will not help.
        assertEquals(ErrorMessage(ErrorText.SYNC_REFUSED_CODE_UNKNOWN, number = 403), s.failure!!.message, "${s.failure}")
        assertEquals(false, s.failure.transient)
        assertEquals("NOTA-VALI-DCOD-E234", s.code)
        assertNull(s.station)
        // The duty officer's code, typed in lower-case groups.
        model.setCode(enrolmentCode().lowercase().chunked(4).joinToString(" "))
        model.enrol()
        s = model.state.await("enrolled") { !it.enrolling && (it.enrolled || it.failure != null) }
        assertNull(s.failure, "${s.failure}")
        assertEquals(url, s.station, "the address as the core takes it (no trailing slash)")
        assertEquals("", s.code, "the one-time code leaves the state once used")
        // What the phone now trusts: the station key; no TLS root over plain http.
        val trusted = s.enrolledStation!!
        assertEquals(officer.badge, trusted.enrolment.officer)
        assertTrue(Regex("([0-9A-F]{4} ){15}[0-9A-F]{4}").matches(trusted.enrolment.stationKeyFingerprint), "$trusted")
        assertFalse(trusted.enrolment.tlsRootPinned)
        assertNull(trusted.tlsRootFingerprint)
        assertEquals(SyncPhase.WAITING, s.phase)
        assertTrue(s.canSend)

        model.sendNow()
        s = model.state.await("sent") { !it.sending && (it.lastReport != null || it.failure != null || it.lastProblem != null) }
        assertNull(s.failure, "${s.failure}")
        assertNull(s.lastProblem, "${s.lastProblem}")
        val report = s.lastReport!!
        assertEquals(2uL, report.acked)
        assertTrue(report.rejected.isEmpty())
        assertEquals(photoSize.toULong(), report.uploadedBytes)
        assertEquals(SyncPhase.ALL_SENT, s.phase)
        assertEquals(0L, s.pendingRecords)
        assertEquals(0L, s.pendingBytes)
        assertNull(s.oldestPendingAt)
        assertNotNull(s.lastSuccessAt)
        assertEquals(0, requests.get(), "no background run needed")

        runBlocking { recorder.cancelAndJoinQuietly() }
        val states = synchronized(seen) { seen.toList() }
        assertTrue(states.any { it.phase == SyncPhase.SENDING }, "sending was shown")
        states.filter { it.phase == SyncPhase.ALL_SENT }.forEach {
            assertTrue(it.run == null && it.status!!.pendingRecords == 0uL && it.status!!.pendingBytes == 0uL, "\"all sent\" while something waited: $it")
        }
        assertTrue(states.last().phase == SyncPhase.ALL_SENT)

        // The background worker's path: nothing left, a clean run.
        assertEquals(WorkVerdict.SUCCESS, runBlocking { p.sync.sync(background = true) }.verdict(stopped = false))
    }

    @Test
    fun `an unreachable station shows the plain error and everything stays waiting`() {
        val p = phone()
        val requests = AtomicInteger()
        val model = SyncModel(scope, p.sync, { UiLanguage.RU }, requestBackground = { requests.incrementAndGet() })
        model.refresh()
        model.state.await("counts read") { !it.loading && it.status != null }
        model.setStationUrl(url)
        model.setCode(enrolmentCode())
        model.enrol()
        assertTrue(model.state.await("enrolled") { !it.enrolling && (it.enrolled || it.failure != null) }.enrolled)
        val (_, photoSize) = caseWithPhoto(p, p.sync, "Synthetic street 6, Astana")
        model.refresh()
        val before = model.state.await("waiting") { it.phase == SyncPhase.WAITING && it.pendingRecords == 2L }

        stopStation()
        model.sendNow()
        val s = model.state.await("failed", ms = 120_000) { !it.sending && it.lastProblem != null }
        val last = s.lastProblem!!
        assertEquals(SyncProblem.Failed(SyncFailure.Unreachable), last.problem, "$last")
        assertEquals(ErrorMessage(ErrorText.SYNC_FAILURE_UNREACHABLE), last.message)
        assertEquals(true, last.retriesByItself, "a network fault passes by itself")
        assertNotNull(last.at)
        assertNull(s.failure, "shown once: as the store's last problem, with its time")
        assertEquals(SyncPhase.WAITING, s.phase, "never \"all sent\"")
        assertEquals(before.pendingRecords, s.pendingRecords, "everything still waits")
        assertEquals(photoSize, s.pendingBytes)
        assertNull(s.lastSuccessAt)
        assertNull(s.lastReport)
        assertEquals(1, requests.get(), "a background run is asked for, for when the station is back")

        // What the screen shows for it, in the UI language (Russian here), and in the others.
        val ru = strings("values-ru").getValue(last.message.text.key)
        assertEquals("Не удалось связаться с отделом (нет сети или сервер отдела выключен). Всё сохранено на этом телефоне и будет отправлено позже.", ru)
        assertTrue(strings("values-kk").getValue("sync_failure_unreachable").startsWith("Бөліммен байланыс болмады"))
        assertTrue(strings("values").getValue("sync_failure_unreachable").startsWith("The station could not be reached"))
        assertTrue(strings("values").getValue("sync_retries_by_itself").isNotBlank())

        // The background worker: the same failure is retried (with backoff), nothing is lost;
        // with the store not held open it does not touch it and asks to be retried.
        val background = runBlocking { p.sync.sync(background = true) }
        assertTrue(background is SyncOutcome.Failed && background.error is QorgauException.Sync, "$background")
        assertEquals(WorkVerdict.RETRY, background.verdict(stopped = false))
        assertEquals(2uL, runBlocking { p.sync.refresh() }.status.pendingRecords)
        val closed = runBlocking { SyncRepository({ null }).sync(background = true) }
        assertEquals(SyncOutcome.StoreClosed, closed)
        assertEquals(WorkVerdict.RETRY, closed.verdict(stopped = false))
        assertEquals(WorkVerdict.SUCCESS, SyncOutcome.Cancelled.verdict(stopped = false), "stopped by the officer")
        assertEquals(WorkVerdict.RETRY, SyncOutcome.Cancelled.verdict(stopped = true), "stopped by WorkManager")
    }

    @Test
    fun `the sync screen's words are in kk, ru and en, and the phone's own checks`() {
        val langs = listOf("values", "values-kk", "values-ru").associateWith { strings(it) }
        val keys = langs.getValue("values").keys.filter { it.startsWith("sync_") }
        langs.forEach { (dir, s) -> assertEquals(keys.toSet(), s.keys.filter { it.startsWith("sync_") }.toSet(), "sync strings of $dir") }
        // Every kind the screen can show: each in its own words, different in each language
        // (ErrorTextsTest checks every message of the app the same way).
        ErrorText.entries.filter { it.key.startsWith("sync_") }.forEach { t ->
            val words = langs.mapValues { (_, s) -> s[t.key] ?: throw AssertionError("${t.key} missing") }
            assertEquals(3, words.values.toSet().size, "${t.key} differs by language: $words")
        }
        // A card's address, read on the phone before the core reads the card.
        assertEquals("http://192.0.2.10:8440", SyncModel.cardAddress(" QORGAU-ENROL:1;url=http://192.0.2.10:8440;code=ABCDEFGHJKMNPQ23 "))
        assertNull(SyncModel.cardAddress("https://example.org/not-a-card"))
        assertNull(SyncModel.cardAddress("QORGAU-ENROL:1;code=ABCDEFGHJKMNPQ23"))
        assertEquals("http://10.0.0.5:8440", SyncModel.stationUrl(" http://10.0.0.5:8440// "))
        assertNull(SyncModel.stationUrl("ftp://10.0.0.5"))
        assertNull(SyncModel.stationUrl("http://user@10.0.0.5"))
        // Plain http only to this phone itself, as the core allows it.
        listOf("http://10.0.0.5:8440", "http://station.local", "HTTP://192.0.2.10", "http://127.0.0.1.evil.example", "http://[fe80::1]:8440").forEach {
            assertTrue(SyncModel.isPlainHttpOffPhone(it), it)
        }
        listOf("https://10.0.0.5:8440", "http://127.0.0.1:8440", "http://127.3.4.5", "http://localhost:1", "http://[::1]:8440").forEach {
            assertFalse(SyncModel.isPlainHttpOffPhone(it), it)
        }
        assertEquals(listOf("AB12 CD34 EF56 7890", "1111 2222"), SyncModel.fingerprintLines("AB12 CD34 EF56 7890 1111 2222"))
        assertNotEquals("", SyncModel.normalisedCode("ab2c-d3ef 4ghj"))
        assertEquals("AB2CD3EF4GHJ", SyncModel.normalisedCode("ab2c-d3ef 4ghj"))
    }

    /** `revoke <device-id>`: the duty officer revokes a lost phone at the station (as the Rust tests do). */
    private fun revoke(deviceId: String) {
        val p = ProcessBuilder(bin.path, "--data", File(tmp, "station").path, "revoke", deviceId).redirectErrorStream(true).start()
        val text = p.inputStream.bufferedReader().readText().trim()
        assertEquals(0, p.waitFor(), text)
    }

    @Test
    fun `a revoked phone - refused with DEVICE_REVOKED, shown as the last problem that needs someone, nothing lost`() {
        val p = phone()
        val requests = AtomicInteger()
        val model = SyncModel(scope, p.sync, { UiLanguage.KK }, requestBackground = { requests.incrementAndGet() })
        model.refresh()
        model.state.await("counts read") { !it.loading && it.status != null }
        model.setStationUrl(url)
        model.setCode(enrolmentCode())
        model.enrol()
        assertTrue(model.state.await("enrolled") { !it.enrolling && (it.enrolled || it.failure != null) }.enrolled)
        caseWithPhoto(p, p.sync, "Synthetic street 9, Astana")
        model.sendNow()
        assertEquals(SyncPhase.ALL_SENT, model.state.await("sent") { !it.sending && (it.lastReport != null || it.failure != null) }.phase)

        // The phone is reported lost; the station revokes it. New work waits to be sent.
        revoke(p.sessions.session.store.device().deviceId)
        runBlocking { p.repo.openCase(NewCaseForm(address = "Synthetic street 10, Astana", team = listOf(officer))) }
        model.refresh()
        model.state.await("waiting") { it.pendingRecords == 1L }
        model.sendNow()
        val s = model.state.await("refused") { !it.sending && (it.lastProblem != null || it.failure != null) }
        val revoked = SyncFailure.Refused(ErrorCode.DEVICE_REVOKED, 403u)
        // The store keeps it as a kind with its time; the screen shows it once, from there.
        assertEquals(SyncProblem.Failed(revoked), s.status!!.lastProblem)
        val last = s.lastProblem!!
        assertEquals(SyncProblem.Failed(revoked), last.problem)
        assertEquals(ErrorText.SYNC_REFUSED_DEVICE_REVOKED, last.message.text)
        assertEquals(false, last.retriesByItself, "waiting does not help: a new enrolment does")
        assertNotNull(last.at)
        assertNull(s.failure, "shown once")
        assertEquals(0, requests.get(), "no background run asked for: it would be refused again")
        assertEquals(SyncPhase.WAITING, s.phase)
        assertEquals(1L, s.pendingRecords, "everything still waits on the phone")

        // The background worker: a failure, not a retry with backoff.
        val background = runBlocking { p.sync.sync(background = true) }
        assertTrue(background is SyncOutcome.Failed && (background.error as QorgauException.Sync).failure == revoked, "$background")
        assertEquals(WorkVerdict.FAILURE, background.verdict(stopped = false))
        assertTrue(strings("values-kk").getValue(last.message.text.key).isNotBlank())
    }

    @Test
    fun `a used code - a second phone's enrolment is refused with CODE_USED and stays unenrolled`() {
        val code = enrolmentCode()
        val first = phone()
        runBlocking { first.sync.enrol(url, code) }
        val second = testPhone(File(tmp, "second").apply { mkdirs() }, profile)
        val model = SyncModel(scope, second.sync, { UiLanguage.RU })
        model.refresh()
        model.state.await("counts read") { !it.loading && it.status != null }
        model.setStationUrl(url)
        model.setCode(code)
        model.enrol()
        val s = model.state.await("refused") { !it.enrolling && (it.enrolled || it.failure != null) }
        assertFalse(s.enrolled)
        assertEquals(ErrorMessage(ErrorText.SYNC_REFUSED_CODE_USED, number = 403), s.failure!!.message, "${s.failure}")
        assertEquals(false, s.failure.transient)
        assertEquals(code, s.code, "kept: the officer sees what was typed")
        assertNull(s.station)
        val thrown = assertThrows<QorgauException.Sync> { runBlocking { second.sync.enrol(url, code) } }
        assertEquals(SyncFailure.Refused(ErrorCode.CODE_USED, 403u), thrown.failure)
    }
}

private suspend fun kotlinx.coroutines.Job.cancelAndJoinQuietly() {
    cancel()
    join()
}
