package kz.qorgau.core

import kz.qorgau.ffi.CaptureInfo
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.Trigger
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.TimeUnit

/** Sync from Kotlin with a real station started on loopback. */
class SyncTest {
    @TempDir lateinit var tmp: File
    private lateinit var station: Process
    private lateinit var url: String
    private val bin get() = System.getProperty("qorgau.station.bin") ?: error("qorgau.station.bin not set")

    @BeforeEach
    fun startStation() {
        station = ProcessBuilder(bin, "--data", File(tmp, "station").path, "serve", "--listen", "127.0.0.1:0").redirectErrorStream(true).start()
        val first = station.inputStream.bufferedReader().readLine() ?: error("station did not start")
        url = Regex("http://127\\.0\\.0\\.1:[0-9]+").find(first)?.value ?: error("no address in: $first")
    }

    @AfterEach
    fun stopStation() {
        station.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
    }

    private fun enrolmentCode(): String {
        val p = ProcessBuilder(bin, "--data", File(tmp, "station").path, "enrolment-code", "--officer", "KZ-DEMO-0417", "--unit", "DV team 3 (synthetic)")
            .redirectErrorStream(true).start()
        val code = p.inputStream.bufferedReader().readText().trim()
        assertEquals(0, p.waitFor())
        return code
    }

    @Test
    fun `enrol, see what waits, sync with progress, nothing left waiting`() {
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            val store = s.store
            assertThrows<QorgauException.InvalidInput> { store.sync(null) }
            val case = store.openCase(NewCaseForm(trigger = Trigger.WITNESS_REPORT, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase()).record.id
            store.addPerson(case, PersonForm(role = PersonRole.SURVIVOR, fullName = "Aigerim Testova", iin = Fixtures.SURVIVOR_IIN).toNewPerson())
            val photo = Fixtures.jpeg(File(tmp, "p.jpg"), 800, 600)
            store.addEvidenceFile(case, photo.path, null, CaptureInfo(null, null, null), null)
            val waiting = store.syncStatus()
            assertEquals(3uL, waiting.pendingRecords)
            assertEquals(photo.length().toULong(), waiting.pendingBytes)

            val wrong = assertThrows<QorgauException.Sync> { store.enrol(url, "NOTAVALIDCODE0000") }
            assertTrue(wrong.reason.contains("enrolment code"), wrong.reason)
            store.enrol(url, enrolmentCode())
            assertEquals(url, store.station())

            val progress = CaptureProgress()
            val report = store.sync(progress)
            assertEquals(3uL, report.acked)
            assertTrue(report.rejected.isEmpty())
            assertEquals(photo.length().toULong(), report.uploadedBytes)
            assertEquals(photo.length(), progress.done)
            val after = store.syncStatus()
            assertEquals(0uL, after.pendingRecords)
            assertNotNull(after.lastSuccessAt)
        }
    }

    @Test
    fun `an unreachable station is a Sync error and everything stays waiting`() {
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            s.store.enrol(url, enrolmentCode())
            s.store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase())
            stopStation()
            val e = assertThrows<QorgauException.Sync> { s.store.sync(null) }
            assertTrue(e.reason.contains("cannot reach the station"), e.reason)
            val st = s.store.syncStatus()
            assertEquals(1uL, st.pendingRecords)
            assertTrue(st.lastError!!.contains("cannot reach"))
        }
    }
}
