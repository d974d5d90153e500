package kz.qorgau.core

import kz.qorgau.ffi.CaptureInfo
import kz.qorgau.ffi.ErrorCode
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.SyncFailure
import kz.qorgau.ffi.SyncProblem
import kz.qorgau.ffi.Trigger
import kz.qorgau.ffi.parseEnrolmentCard
import kz.qorgau.ffi.syncFailureIsTransient
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.Collections
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread

/**
 * Sync from Kotlin with a real station started on loopback: plain http (`--plain-http`) for the
 * outbox tests, the station's default https under its own root for enrolment by card.
 */
class SyncTest {
    @TempDir lateinit var tmp: File
    private var station: Process? = null
    private lateinit var url: String
    /** Every line the station printed (its first is read before this fills). */
    private val output: MutableList<String> = Collections.synchronizedList(mutableListOf())
    private val bin get() = System.getProperty("qorgau.station.bin") ?: error("qorgau.station.bin not set")
    private val data get() = File(tmp, "station").path

    private fun startStation(plain: Boolean) {
        val cmd = mutableListOf(bin, "--data", data, "serve", "--listen", "127.0.0.1:0")
        if (plain) cmd += "--plain-http"
        val p = ProcessBuilder(cmd).redirectErrorStream(true).start()
        station = p
        val out = p.inputStream.bufferedReader()
        val first = out.readLine() ?: error("station did not start")
        val scheme = if (plain) "http" else "https"
        url = Regex("$scheme://127\\.0\\.0\\.1:[0-9]+").find(first)?.value ?: error("no $scheme address in: $first")
        // Keep reading its log: a full pipe would block the station.
        thread(isDaemon = true, name = "station-output") { runCatching { out.useLines { lines -> lines.forEach { output += it } } } }
    }

    @AfterEach
    fun stopStation() {
        station?.destroyForcibly()?.waitFor(10, TimeUnit.SECONDS)
        station = null
    }

    /** `enrolment-code --print code|card`: only the code, or only the card's text (what the QR holds). */
    private fun enrolment(print: String, officer: String = "KZ-DEMO-0417"): String {
        val p = ProcessBuilder(bin, "--data", data, "enrolment-code", "--officer", officer, "--unit", "DV team 3 (synthetic)", "--print", print)
            .redirectErrorStream(true).start()
        val text = p.inputStream.bufferedReader().readText().trim()
        assertEquals(0, p.waitFor(), text)
        return text
    }

    private fun enrolmentCode() = enrolment("code").also { assertTrue(Regex("[A-Z2-9]{16}").matches(it), it) }

    /** A fingerprint line `serve` printed (`station key fingerprint …`, `TLS root fingerprint …`). */
    private fun printed(prefix: String): String {
        val until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (System.nanoTime() < until) {
            synchronized(output) { output.firstOrNull { it.startsWith(prefix) } }?.let { return it.removePrefix(prefix).trim() }
            Thread.sleep(20)
        }
        throw AssertionError("the station printed no \"$prefix\" line: $output")
    }

    private val grouped = Regex("([0-9A-F]{4} ){15}[0-9A-F]{4}")

    private fun FieldSession.caseWithPhoto(): File {
        val case = store.openCase(NewCaseForm(trigger = Trigger.WITNESS_REPORT, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase()).record.id
        store.addPerson(case, PersonForm(role = PersonRole.SURVIVOR, fullName = "Aigerim Testova", iin = Fixtures.SURVIVOR_IIN).toNewPerson())
        val photo = Fixtures.jpeg(File(tmp, "p.jpg"), 800, 600)
        store.addEvidenceFile(case, photo.path, null, CaptureInfo(null, null, null), null)
        return photo
    }

    @Test
    fun `enrol, see what waits, sync with progress, nothing left waiting`() {
        startStation(plain = true)
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            val store = s.store
            val notEnrolled = assertThrows<QorgauException.Sync> { store.sync(null) }
            assertEquals(SyncFailure.NotEnrolled, notEnrolled.failure)
            assertFalse(syncFailureIsTransient(notEnrolled.failure))
            val photo = s.caseWithPhoto()
            val waiting = store.syncStatus()
            assertEquals(3uL, waiting.pendingRecords)
            assertEquals(photo.length().toULong(), waiting.pendingBytes)

            val wrong = assertThrows<QorgauException.Sync> { store.enrol(url, "NOTAVALIDCODE234") }
            assertEquals(SyncFailure.Refused(ErrorCode.CODE_UNKNOWN, 403u), wrong.failure)
            assertEquals(ErrorMessage(ErrorText.SYNC_REFUSED_CODE_UNKNOWN, number = 403), ErrorMessages.of(wrong))
            assertNull(store.station())
            val enrolment = store.enrol(url, enrolmentCode())
            assertEquals(url, store.station())
            assertEquals(url, enrolment.stationUrl)
            assertEquals("KZ-DEMO-0417", enrolment.officer)
            assertTrue(grouped.matches(enrolment.stationKeyFingerprint), enrolment.stationKeyFingerprint)
            assertEquals(false, enrolment.tlsRootPinned, "plain http on loopback: no TLS root")

            val progress = CaptureProgress()
            val report = store.sync(progress)
            assertEquals(3uL, report.acked)
            assertTrue(report.rejected.isEmpty())
            assertEquals(photo.length().toULong(), report.uploadedBytes)
            assertEquals(photo.length(), progress.done)
            val after = store.syncStatus()
            assertEquals(0uL, after.pendingRecords)
            assertNotNull(after.lastSuccessAt)
            assertNull(after.lastProblem, "a sync without problems clears the last one")
        }
    }

    @Test
    fun `an unreachable station is a Sync error and everything stays waiting`() {
        startStation(plain = true)
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            s.store.enrol(url, enrolmentCode())
            s.store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase())
            stopStation()
            val e = assertThrows<QorgauException.Sync> { s.store.sync(null) }
            assertEquals(SyncFailure.Unreachable, e.failure)
            assertTrue(syncFailureIsTransient(e.failure))
            val st = s.store.syncStatus()
            assertEquals(1uL, st.pendingRecords)
            assertEquals(SyncProblem.Failed(SyncFailure.Unreachable), st.lastProblem)
            assertNotNull(st.lastErrorAt)
        }
    }

    @Test
    fun `enrol with the duty officer's card over https, then sync trusting only what it names`() {
        startStation(plain = false)
        val card = enrolment("card", officer = "KZ-DEMO-0418")
        assertTrue(card.startsWith("QORGAU-ENROL:1;url=$url;code="), card)

        // What the phone shows before anything goes out: the address and both fingerprints,
        // grouped for reading aloud, the same as the station printed when it started.
        val info = parseEnrolmentCard(card)
        assertEquals(url, info.stationUrl)
        val root = info.tlsRootFingerprint!!
        val key = info.stationKeyFingerprint!!
        assertTrue(grouped.matches(root), root)
        assertTrue(grouped.matches(key), key)
        assertNotEquals(root, key)
        assertEquals(printed("TLS root fingerprint"), root)
        assertEquals(printed("station key fingerprint"), key)

        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            val photo = s.caseWithPhoto()
            val enrolment = s.store.enrolWithCard(card)
            assertEquals(url, enrolment.stationUrl)
            assertEquals("KZ-DEMO-0418", enrolment.officer, "the officer the code was made for")
            assertEquals("DV team 3 (synthetic)", enrolment.unit)
            assertEquals(key, enrolment.stationKeyFingerprint)
            assertTrue(enrolment.tlsRootPinned)
            assertEquals(url, s.store.station())

            val report = s.store.sync(CaptureProgress())
            assertEquals(3uL, report.acked)
            assertTrue(report.rejected.isEmpty())
            assertEquals(photo.length().toULong(), report.uploadedBytes)
            assertEquals(0uL, s.store.syncStatus().pendingRecords)
            assertNotNull(s.store.syncStatus().lastSuccessAt)
        }
    }

    @Test
    fun `plain http to another machine is refused and nothing is stored`() {
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            val typed = assertThrows<QorgauException.InvalidInput> { s.store.enrol("http://192.0.2.10:8440", "ABCDEFGHJKMNPQ23") }
            assertEquals("station", typed.field)
            val card = "QORGAU-ENROL:1;url=http://192.0.2.10:8440;code=ABCDEFGHJKMNPQ23"
            val parsed = assertThrows<QorgauException.InvalidInput> { parseEnrolmentCard(card) }
            // The library names the card's address ("station"; "enrolment card" for the rest of a card).
            assertTrue(parsed.field in setOf("station", "enrolment card"), parsed.field)
            val scanned = assertThrows<QorgauException.InvalidInput> { s.store.enrolWithCard(card) }
            assertEquals(parsed.field, scanned.field)
            assertNull(s.store.station())
            assertNull(s.store.syncStatus().lastProblem, "refused on the phone: no sync was attempted")
            // Not a card at all (an order's QR code, say).
            assertThrows<QorgauException.InvalidInput> { parseEnrolmentCard("QORGAU-ORDER:1;n=KZ-2026-000123") }
        }
    }

    @Test
    fun `a card whose station key fingerprint was altered is refused and nothing is stored`() {
        startStation(plain = false)
        val card = enrolment("card")
        val fp = Regex(";key=([0-9a-f]{64})").find(card)!!.groupValues[1]
        val altered = card.replace(";key=$fp", ";key=" + fp.dropLast(1) + (if (fp.last() == '0') '1' else '0'))
        assertNotEquals(card, altered)
        assertNotEquals(parseEnrolmentCard(card).stationKeyFingerprint, parseEnrolmentCard(altered).stationKeyFingerprint)

        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            s.store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase())
            val e = assertThrows<QorgauException.Sync> { s.store.enrolWithCard(altered) }
            assertEquals(SyncFailure.EnrolmentNotAuthentic, e.failure)
            assertFalse(syncFailureIsTransient(e.failure))
            assertNull(s.store.station())
            assertEquals(SyncFailure.NotEnrolled, assertThrows<QorgauException.Sync> { s.store.sync(null) }.failure)
            assertEquals(1uL, s.store.syncStatus().pendingRecords)
        }
    }

    /** `revoke <device-id>`: the station's duty officer revokes a lost phone. */
    private fun revoke(deviceId: String) {
        val p = ProcessBuilder(bin, "--data", data, "revoke", deviceId).redirectErrorStream(true).start()
        val text = p.inputStream.bufferedReader().readText().trim()
        assertEquals(0, p.waitFor(), text)
    }

    @Test
    fun `a revoked phone is refused with DEVICE_REVOKED, kept as the last problem, and keeps everything`() {
        startStation(plain = true)
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            s.store.enrol(url, enrolmentCode())
            s.store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase())
            assertEquals(1uL, s.store.sync(null).acked, "accepted before the revocation")
            s.store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 2", team = listOf(Fixtures.officer)).toNewCase())

            revoke(s.store.device().deviceId)
            val e = assertThrows<QorgauException.Sync> { s.store.sync(null) }
            val revoked = SyncFailure.Refused(ErrorCode.DEVICE_REVOKED, 403u)
            assertEquals(revoked, e.failure)
            assertFalse(syncFailureIsTransient(e.failure), "waiting does not help: a new enrolment does")
            assertEquals(ErrorText.SYNC_REFUSED_DEVICE_REVOKED, ErrorMessages.of(e).text)
            val st = s.store.syncStatus()
            assertEquals(SyncProblem.Failed(revoked), st.lastProblem)
            assertNotNull(st.lastErrorAt)
            assertEquals(ErrorText.SYNC_REFUSED_DEVICE_REVOKED, ErrorMessages.of(st.lastProblem!!).text)
            assertEquals(1uL, st.pendingRecords, "the new case still waits")
        }
    }

    @Test
    fun `a used code is refused with CODE_USED and the second phone stays unenrolled`() {
        startStation(plain = true)
        val code = enrolmentCode()
        FieldSession.openOrInit(File(tmp, "a"), TestKeyStore(), Fixtures.profile).use { a -> a.store.enrol(url, code) }
        FieldSession.openOrInit(File(tmp, "b"), TestKeyStore(), Fixtures.profile).use { b ->
            val e = assertThrows<QorgauException.Sync> { b.store.enrol(url, code) }
            assertEquals(SyncFailure.Refused(ErrorCode.CODE_USED, 403u), e.failure)
            assertFalse(syncFailureIsTransient(e.failure))
            assertEquals(ErrorText.SYNC_REFUSED_CODE_USED, ErrorMessages.of(e).text)
            assertNull(b.store.station())
        }
    }
}
