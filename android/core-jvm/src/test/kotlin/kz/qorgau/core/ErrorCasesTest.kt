package kz.qorgau.core

import kz.qorgau.ffi.CaptureInfo
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.Trigger
import kz.qorgau.ffi.diagnosticsPanic
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File

/** Bad input from Kotlin arrives as typed exceptions and loses nothing. */
class ErrorCasesTest {
    @TempDir lateinit var tmp: File

    private fun session(keys: TestKeyStore = TestKeyStore()) = FieldSession.openOrInit(File(tmp, "store"), keys, Fixtures.profile)

    private fun FieldSession.newCase() =
        store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase()).record.id

    @Test
    fun `invalid IIN is InvalidInput with the field and no digits in the message`() {
        session().use { s ->
            val case = s.newCase()
            val form = PersonForm(role = PersonRole.WITNESS, fullName = "Typo", iin = Fixtures.INVALID_IIN)
            assertEquals("invalid IIN: check digit does not match", form.iinProblem())
            val e = assertThrows<QorgauException.InvalidInput> { s.store.addPerson(case, form.toNewPerson()) }
            assertEquals("iin", e.field)
            assertFalse(e.reason.contains("940312") || e.message!!.contains("940312"), "the IIN is not echoed")
            assertEquals("Енгізілген дерек қате", ErrorMessages.headline(e, UiLanguage.KK))
            assertEquals(0, s.store.caseFile(case).people.size)
        }
    }

    @Test
    fun `wrong key store is WrongKey and the store still opens with the right one`() {
        val keys = TestKeyStore()
        session(keys).use { it.newCase() }
        val other = TestKeyStore()
        val e = assertThrows<QorgauException.WrongKey> { FieldSession.open(File(tmp, "store"), other) }
        assertTrue(e.reason.contains("nothing was changed"))
        FieldSession.open(File(tmp, "store"), keys).use { assertEquals(1, it.store.listCases().size) }
    }

    @Test
    fun `a text file is not an image and a video cannot pose as a photo`() {
        session().use { s ->
            val case = s.newCase()
            val text = File(tmp, "notes.txt").apply { writeText("not media at all") }
            assertThrows<QorgauException.BadMedia> { s.store.addEvidenceFile(case, text.path, null, CaptureInfo(null, null, null), null) }
            val empty = File(tmp, "empty.jpg").apply { writeBytes(ByteArray(0)) }
            assertThrows<QorgauException.BadMedia> { s.store.addEvidenceFile(case, empty.path, MediaKind.PHOTO, CaptureInfo(null, null, null), null) }
            val photo = Fixtures.jpeg(File(tmp, "p.jpg"), 64, 48)
            assertThrows<QorgauException.BadMedia> { s.store.addEvidenceFile(case, photo.path, MediaKind.VIDEO, CaptureInfo(null, null, null), null) }
            assertThrows<QorgauException.NotFound> { s.store.addEvidenceFile("3f1c8a54-0000-4000-8000-000000000000", photo.path, null, CaptureInfo(null, null, null), null) }
            assertTrue(s.store.verify(case).ok)
        }
    }

    @Test
    fun `cancelling a capture through the progress observer stores nothing`() {
        session().use { s ->
            val case = s.newCase()
            // An MP4-branded file of 6 MiB: streamed in 1 MiB pieces.
            val video = File(tmp, "clip.mp4")
            video.outputStream().use { out ->
                out.write(byteArrayOf(0, 0, 0, 0x18) + "ftypmp42".toByteArray() + ByteArray(4) + "mp42isom".toByteArray())
                repeat(6) { out.write(ByteArray(1024 * 1024) { i -> (i % 251).toByte() }) }
            }
            val progress = CaptureProgress()
            val cancelling = CaptureProgress { done, _ -> if (done >= 2L * 1024 * 1024) progress.cancel() }
            val observer = object : kz.qorgau.ffi.ProgressObserver by cancelling {
                override fun isCancelled() = progress.isCancelled()
            }
            assertThrows<QorgauException.Cancelled> { s.store.addEvidenceFile(case, video.path, MediaKind.VIDEO, CaptureInfo(null, null, null), observer) }
            assertEquals(0, s.store.evidenceList(case).size)
            val ev = s.store.addEvidenceFile(case, video.path, MediaKind.VIDEO, CaptureInfo(null, null, null), CaptureProgress()).record
            assertEquals(video.length().toULong(), ev.sizeBytes)
        }
    }

    @Test
    fun `a panic inside the core arrives as QorgauException Internal, not a crash`() {
        val e = assertThrows<QorgauException.Internal> { diagnosticsPanic("synthetic failure") }
        assertTrue(e.reason.contains("(panic in core): synthetic failure"), e.reason)
        // The library is still usable afterwards.
        session().use { assertTrue(it.store.listCases().isEmpty()) }
    }
}
