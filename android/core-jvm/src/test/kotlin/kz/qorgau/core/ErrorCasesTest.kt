package kz.qorgau.core

import kz.qorgau.ffi.CaptureInfo
import kz.qorgau.ffi.IinProblem
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.MediaProblem
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.Trigger
import kz.qorgau.ffi.diagnosticsPanic
import kz.qorgau.ffi.validateIin
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
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
    fun `an invalid IIN is InvalidIin with its typed problem, and no digits in the message`() {
        session().use { s ->
            val case = s.newCase()
            val form = PersonForm(role = PersonRole.WITNESS, fullName = "Typo", iin = Fixtures.INVALID_IIN)
            assertEquals(IinProblem.CHECK_DIGIT_MISMATCH, form.iinProblem())
            val e = assertThrows<QorgauException.InvalidIin> { s.store.addPerson(case, form.toNewPerson()) }
            assertEquals(IinProblem.CHECK_DIGIT_MISMATCH, e.problem)
            assertFalse(e.reason.contains("940312") || e.message.contains("940312"), "the IIN is not echoed")
            assertEquals(ErrorMessage(ErrorText.ERROR_IIN_CHECK_DIGIT_MISMATCH), ErrorMessages.of(e))
            assertEquals(0, s.store.caseFile(case).people.size)
        }
    }

    @Test
    fun `every IIN problem arrives typed through validateIin and the live form check`() {
        val cases = mapOf(
            "12345" to IinProblem.WRONG_LENGTH,
            "86041530012a" to IinProblem.WRONG_LENGTH,
            "860415700123" to IinProblem.BAD_CENTURY_DIGIT,
            "860231300123" to IinProblem.NO_SUCH_BIRTH_DATE,
            Fixtures.INVALID_IIN to IinProblem.CHECK_DIGIT_MISMATCH,
        )
        for ((iin, problem) in cases) {
            val e = assertThrows<QorgauException.InvalidIin>(iin) { validateIin(iin) }
            assertEquals(problem, e.problem, iin)
            assertEquals(problem, PersonForm(iin = iin).iinProblem(), iin)
        }
        validateIin(Fixtures.SURVIVOR_IIN)
        assertNull(PersonForm(iin = Fixtures.SURVIVOR_IIN).iinProblem())
        assertNull(PersonForm(iin = "").iinProblem(), "empty is not a problem")
        // Each problem has its own message.
        assertEquals(IinProblem.entries.size, IinProblem.entries.map { ErrorMessages.of(it) }.toSet().size)
    }

    @Test
    fun `wrong key store is WrongKey and the store still opens with the right one`() {
        val keys = TestKeyStore()
        session(keys).use { it.newCase() }
        val other = TestKeyStore()
        val e = assertThrows<QorgauException.WrongKey> { FieldSession.open(File(tmp, "store"), other) }
        assertEquals(ErrorText.ERROR_WRONG_KEY, ErrorMessages.of(e).text)
        FieldSession.open(File(tmp, "store"), keys).use { assertEquals(1, it.store.listCases().size) }
    }

    @Test
    fun `a text file is not an image and a video cannot pose as a photo`() {
        session().use { s ->
            val case = s.newCase()
            val text = File(tmp, "notes.txt").apply { writeText("not media at all") }
            val notMedia = assertThrows<QorgauException.BadMedia> { s.store.addEvidenceFile(case, text.path, null, CaptureInfo(null, null, null), null) }
            assertEquals(ErrorText.ERROR_BAD_MEDIA, ErrorMessages.of(notMedia).text)
            assertEquals(MediaProblem.NOT_MEDIA, notMedia.problem)
            val empty = File(tmp, "empty.jpg").apply { writeBytes(ByteArray(0)) }
            val emptyFile = assertThrows<QorgauException.BadMedia> { s.store.addEvidenceFile(case, empty.path, MediaKind.PHOTO, CaptureInfo(null, null, null), null) }
            assertEquals(MediaProblem.EMPTY, emptyFile.problem)
            val photo = Fixtures.jpeg(File(tmp, "p.jpg"), 64, 48)
            val wrongKind = assertThrows<QorgauException.BadMedia> { s.store.addEvidenceFile(case, photo.path, MediaKind.VIDEO, CaptureInfo(null, null, null), null) }
            assertEquals(MediaProblem.WRONG_KIND, wrongKind.problem)
            val unknown = assertThrows<QorgauException.NotFound> { s.store.addEvidenceFile("3f1c8a54-0000-4000-8000-000000000000", photo.path, null, CaptureInfo(null, null, null), null) }
            assertEquals(ErrorText.ERROR_NOT_FOUND, ErrorMessages.of(unknown).text)
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
            val cancelled = assertThrows<QorgauException.Cancelled> { s.store.addEvidenceFile(case, video.path, MediaKind.VIDEO, CaptureInfo(null, null, null), observer) }
            assertEquals(ErrorText.ERROR_CANCELLED, ErrorMessages.of(cancelled).text)
            assertEquals(0, s.store.evidenceList(case).size)
            val ev = s.store.addEvidenceFile(case, video.path, MediaKind.VIDEO, CaptureInfo(null, null, null), CaptureProgress()).record
            assertEquals(video.length().toULong(), ev.sizeBytes)
        }
    }

    @Test
    fun `a panic inside the core arrives as QorgauException Internal, not a crash`() {
        val e = assertThrows<QorgauException.Internal> { diagnosticsPanic("synthetic failure") }
        assertEquals(ErrorText.ERROR_INTERNAL, ErrorMessages.of(e).text)
        // The library is still usable afterwards.
        session().use { assertTrue(it.store.listCases().isEmpty()) }
    }

    @Test
    fun `a changed original reaches Kotlin as a failed verification naming the file, and export refuses the case`() {
        session().use { s ->
            val case = s.newCase()
            val photo = Fixtures.jpeg(File(tmp, "p.jpg"), 320, 240)
            s.store.addEvidenceFile(case, photo.path, MediaKind.PHOTO, CaptureInfo(null, null, null), null)
            assertTrue(s.store.verify(case).ok)
            // One bit of the stored (encrypted) original flipped, as a thief or a bad sector would.
            val blobs = File(s.directory, "blobs")
            val blob = blobs.walkTopDown()
                .filter { it.isFile && !it.relativeTo(blobs).path.startsWith("tmp") }
                .maxByOrNull { it.length() }!!
            val bytes = blob.readBytes()
            bytes[bytes.size / 2] = (bytes[bytes.size / 2].toInt() xor 1).toByte()
            blob.writeBytes(bytes)
            val report = s.store.verify(case)
            assertFalse(report.ok)
            val failure = report.failure!!
            assertTrue(failure.file != null && blob.path.endsWith(failure.file!!.removePrefix("blobs/")), "$failure")
            val out = File(tmp, "out").apply { mkdirs() }
            assertThrows<QorgauException.Integrity> { s.store.exportCase(case, out.path) }
            assertEquals(0, out.listFiles()!!.size, "no bundle, not even a partial one")
        }
    }
}
