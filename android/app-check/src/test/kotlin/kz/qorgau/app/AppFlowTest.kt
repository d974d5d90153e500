package kz.qorgau.app

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kz.qorgau.app.capture.CaptureFiles
import kz.qorgau.app.capture.IngestItem
import kz.qorgau.app.capture.IngestQueue
import kz.qorgau.app.capture.IngestState
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.SessionManager
import kz.qorgau.app.data.SessionState
import kz.qorgau.app.data.UiError
import kz.qorgau.app.model.CaptureModel
import kz.qorgau.app.model.CaseOverviewModel
import kz.qorgau.app.model.ExportModel
import kz.qorgau.app.model.NewCaseModel
import kz.qorgau.app.model.PeopleModel
import kz.qorgau.app.model.StatementModel
import kz.qorgau.app.model.VerifyModel
import kz.qorgau.core.ErrorText
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.CaseCategory
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.GeoPoint
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.IinProblem
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.StatementKind
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.fileKeyStore
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.awt.image.BufferedImage
import java.io.File
import java.security.MessageDigest
import java.util.Random
import javax.imageio.ImageIO

/**
 * The app's models (everything under the Compose screens) driven as the screens drive them,
 * against the real Rust library. Synthetic people and media only.
 */
class AppFlowTest {
    @TempDir lateinit var tmp: File
    private lateinit var scope: CoroutineScope
    private val lang = { UiLanguage.EN }
    private val officer = TeamMember(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417")
    private val profile = DeviceProfile("JVM test phone", "DV team 3 (synthetic)", officer)

    @BeforeEach
    fun setUp() {
        val lib = File(System.getProperty("qorgau.lib.dir") ?: "", System.mapLibraryName("qorgau_ffi"))
        assertTrue(lib.isFile, "Rust library not built ($lib): cargo build -p qorgau-ffi")
        scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    }

    @AfterEach
    fun tearDown() {
        if (::scope.isInitialized) scope.cancel()
    }

    private fun <T> StateFlow<T>.await(what: String, ms: Long = 30_000, p: (T) -> Boolean): T = runBlocking {
        try {
            withTimeout(ms) { first(p) }
        } catch (e: Exception) {
            throw AssertionError("timed out waiting for $what; last state: $value", e)
        }
    }

    private fun sha256(f: File) = MessageDigest.getInstance("SHA-256").digest(f.readBytes()).joinToString("") { "%02x".format(it) }

    private fun jpeg(file: File): File {
        val img = BufferedImage(800, 600, BufferedImage.TYPE_INT_RGB)
        for (y in 0 until 600) for (x in 0 until 800) img.setRGB(x, y, (x shl 16) or (y shl 8) or 0x40)
        check(ImageIO.write(img, "jpg", file))
        return file
    }

    /** An MP4 header (ftyp isom) and [size] bytes of noise: real enough for the core's sniffing. */
    private fun fakeVideo(file: File, size: Int): File {
        val head = byteArrayOf(0, 0, 0, 0x18) + "ftypisom".toByteArray() + byteArrayOf(0, 0, 2, 0) + "isommp42".toByteArray()
        file.outputStream().use { out ->
            out.write(head)
            val buf = ByteArray(1 shl 20)
            val rnd = Random(7)
            var left = size - head.size
            while (left > 0) {
                rnd.nextBytes(buf)
                val n = minOf(left, buf.size)
                out.write(buf, 0, n)
                left -= n
            }
        }
        return file
    }

    /** AAC in ADTS frames, as AudioRecorder writes it (header 0xFFF1...), with noise payloads. */
    private fun adtsAudio(file: File, frames: Int = 200): File {
        val rnd = Random(3)
        file.outputStream().use { out ->
            repeat(frames) {
                val len = 7 + 200
                // syncword, MPEG-4, layer 0, no CRC; AAC LC, 44.1 kHz, mono; frame length
                val h = byteArrayOf(0xFF.toByte(), 0xF1.toByte(), 0x50, (0x40 or (len shr 11)).toByte(),
                    ((len shr 3) and 0xFF).toByte(), (((len and 7) shl 5) or 0x1F).toByte(), 0xFC.toByte())
                out.write(h)
                out.write(ByteArray(200).also { rnd.nextBytes(it) })
            }
        }
        return file
    }

    @Test
    fun `first start, a case from opening to export, through the screens' models`() {
        val storeDir = File(tmp, "store")
        val keyFile = File(tmp, "device.key").path
        val sessions = SessionManager(storeDir, fileKeyStore(keyFile))
        runBlocking { sessions.start() }
        assertEquals(SessionState.NeedsSetup, sessions.state.value, "a new phone has no profile yet")
        runBlocking { sessions.setUp(profile) }
        assertTrue(sessions.state.value is SessionState.Ready)

        val repo = CaseRepository({ sessions.session }, File(tmp, "exports"))

        // New case: the device's officer is on the team; a place is needed.
        val newCase = NewCaseModel(scope, repo, lang) { null }
        newCase.state.await("officer on the team") { it.form.team == listOf(officer) }
        newCase.toggleCategory(CaseCategory.PHYSICAL)
        assertFalse(newCase.state.value.canSave, "no GPS fix and no address")
        newCase.useCurrentLocation()
        assertTrue(newCase.state.await("no fix") { !it.locating }.noFix)
        newCase.setAddress("Synthetic street 1, Astana")
        newCase.addMember(TeamRole.PSYCHOLOGIST, "Saule Examplova", "")
        assertEquals(1, newCase.state.value.form.team.size, "a member without a badge is not added")
        newCase.addMember(TeamRole.PSYCHOLOGIST, "Saule Examplova", "KZ-DEMO-PSY-02")
        newCase.save()
        val caseId = newCase.state.await("case opened") { it.opened != null || it.error != null }.opened
        assertNotNull(caseId)
        caseId!!

        // People: live IIN validation, confidential address for survivor and child.
        val people = PeopleModel(scope, repo, caseId, lang)
        people.refresh()
        people.state.await("loaded") { !it.loading }
        assertTrue(people.state.value.form.addressConfidential, "survivor is the default role")
        people.update { it.copy(fullName = "Aigerim Testova", iin = "940312402109") }
        val bad = people.state.await("IIN refused") { it.iinProblem != null }
        assertFalse(bad.canSave)
        assertEquals(IinProblem.CHECK_DIGIT_MISMATCH, bad.iinProblem, "typed: the screen says it in the UI language")
        people.update { it.copy(iin = "940312402103") }
        people.state.await("IIN accepted") { it.iinProblem == null }
        people.update { it.copy(addressConfidential = false) }
        assertTrue(people.state.value.form.addressConfidential, "cannot be switched off for a survivor")
        people.save()
        val survivor = people.state.await("survivor added") { it.people.size == 1 }.people[0]
        assertTrue(survivor.addressConfidential)
        people.setRole(PersonRole.WITNESS)
        people.update { it.copy(fullName = "Dana Witnessova", identityProtected = true) }
        assertTrue(people.state.value.canProtectIdentity)
        people.setRole(PersonRole.ALLEGED_AGGRESSOR)
        assertFalse(people.state.value.form.identityProtected, "only a witness's identity can be protected")
        people.update { it.copy(fullName = "Nurlan Sampleuly", iin = "901102303307") }
        people.state.await("IIN accepted") { it.iinProblem == null }
        people.save()
        people.state.await("aggressor added") { it.people.size == 2 }

        // Capture: photo and audio stored, the plaintext capture files deleted.
        val files = CaptureFiles(File(tmp, "captures"))
        val queue = IngestQueue({ sessions.session.store }, scope, lang, previews = { _, _ -> null })
        val capture = CaptureModel(scope, caseId, files, queue, locate = { null })
        val photo = jpeg(capture.newFile(MediaKind.PHOTO))
        val photoHash = sha256(photo)
        val photoLen = photo.length()
        capture.captured(photo, MediaKind.PHOTO)
        val audio = adtsAudio(capture.newFile(MediaKind.AUDIO))
        val audioHash = sha256(audio)
        val audioLen = audio.length()
        capture.captured(audio, MediaKind.AUDIO)
        val done = capture.state.await("both stored") { s -> s.items.size == 2 && s.items.all { it.state is IngestState.Stored || it.state is IngestState.Failed } }
        val stored = done.items.map { (it.state as? IngestState.Stored)?.evidence ?: throw AssertionError("not stored: $it") }
        assertEquals(setOf(photoHash, audioHash), stored.map { it.sha256 }.toSet(), "SHA-256 of the exact bytes captured")
        assertEquals(setOf(MediaKind.PHOTO, MediaKind.AUDIO), stored.map { it.kind }.toSet())
        assertEquals("audio/aac", stored.single { it.kind == MediaKind.AUDIO }.mediaType)
        assertFalse(photo.exists() || audio.exists(), "plaintext captures deleted once stored")
        assertTrue(done.pending.isEmpty())

        // Statement in Kazakh with consent, and a refusal.
        val statements = StatementModel(scope, repo, caseId) { UiLanguage.KK }
        assertEquals(Language.KK, statements.state.value.language, "defaults to the UI language")
        statements.refresh()
        statements.state.await("people loaded") { !it.loading }
        statements.update { it.copy(personId = survivor.id, text = "Ол мені итеріп жіберді.", shareWithCourt = true) }
        statements.save()
        statements.state.await("statement recorded") { it.recorded != null }
        val aggressorId = statements.state.value.people.single { it.role == PersonRole.ALLEGED_AGGRESSOR }.id
        statements.update { it.copy(personId = aggressorId, language = Language.RU, refusing = true) }
        assertTrue(statements.state.value.canSave, "a refusal needs no text")
        statements.save()
        val st = statements.state.await("refusal recorded") { it.recorded?.kind == StatementKind.REFUSED }
        assertEquals(2, st.statements.size)

        // Verify on the device, then export; a second export of the same case is a conflict.
        val verify = VerifyModel(scope, repo, caseId, lang)
        verify.run()
        val report = verify.state.await("verified") { !it.running && (it.report != null || it.error != null) }.report
        assertNotNull(report)
        assertTrue(report!!.ok, "verify: ${report.failure}")
        assertEquals(photoLen + audioLen, report.bytesHashed.toLong(), "every original re-hashed")
        val export = ExportModel(scope, repo, caseId) { UiLanguage.RU }
        export.export()
        val summary = export.state.await("exported") { !it.running && (it.summary != null || it.error != null) }.summary
        assertNotNull(summary)
        assertTrue(File(summary!!.bundle, "SHA256SUMS").isFile)
        export.export()
        val again = export.state.await("second export refused") { !it.running && it.error != null }.error!!
        assertEquals(ErrorText.ERROR_CONFLICT, again.text, "Conflict, by kind")

        // The same store opens again with the same key; not with another one.
        runBlocking { SessionManager(storeDir, fileKeyStore(keyFile)).also { it.start() } }.let {
            assertTrue(it.state.value is SessionState.Ready)
        }
        val other = SessionManager(storeDir, fileKeyStore(File(tmp, "other.key").path))
        runBlocking { other.start() }
        val failed = other.state.value as SessionState.Failed
        assertTrue(failed.error is QorgauException.WrongKey)
        assertEquals(ErrorText.ERROR_WRONG_KEY, UiError.of(failed.error).text)
    }

    @Test
    fun `a cancelled ingest keeps the capture as pending, it can be stored later or discarded`() {
        val sessions = SessionManager(File(tmp, "store"), fileKeyStore(File(tmp, "device.key").path))
        runBlocking { sessions.setUp(profile) }
        val repo = CaseRepository({ sessions.session }, File(tmp, "exports"))
        val caseId = runBlocking {
            repo.openCase(kz.qorgau.core.NewCaseForm(address = "Synthetic street 2", team = listOf(officer)))
        }.record.id

        val files = CaptureFiles(File(tmp, "captures"))
        val previews = mutableListOf<MediaKind>()
        val queue = IngestQueue({ sessions.session.store }, scope, lang, previews = { _, kind -> previews += kind; null })
        val capture = CaptureModel(scope, caseId, files, queue, locate = { null })

        val video = fakeVideo(capture.newFile(MediaKind.VIDEO), 96 shl 20)
        capture.captured(video, MediaKind.VIDEO)
        val running = capture.state.await("ingest under way") { s -> s.items.any { (it.state as? IngestState.Running)?.done ?: 0 > 0 } }
        val id = running.items.single().id
        capture.cancel(id)
        val cancelled = capture.state.await("cancelled") { s -> s.items.single().state is IngestState.Failed }
        val error = (cancelled.items.single().state as IngestState.Failed).error
        assertTrue(error.cancelled, "cancelled: $error")
        assertEquals(ErrorText.ERROR_CANCELLED, error.text)
        assertTrue(video.isFile, "a cancelled capture is kept")
        assertEquals(listOf(MediaKind.VIDEO), previews, "a platform preview was asked for the video")
        assertNull(runBlocking { repo.caseFile(caseId) }.evidence.firstOrNull(), "nothing stored")

        capture.dismiss(id)
        assertEquals(listOf(video), capture.state.await("pending") { it.pending.isNotEmpty() }.pending)
        capture.retry(video)
        val stored = capture.state.await("stored on retry") { s -> s.items.singleOrNull()?.state is IngestState.Stored }
        assertEquals(MediaKind.VIDEO, (stored.items.single().state as IngestState.Stored).evidence.kind)
        assertFalse(video.exists())

        // Not media at all: refused, kept as pending until discarded on purpose.
        val junk = capture.newFile(MediaKind.PHOTO).apply { writeText("not a photo") }
        capture.captured(junk, MediaKind.PHOTO)
        val refused = capture.state.await("refused") { s -> s.items.any { it.file == junk && it.state is IngestState.Failed } }
        val item: IngestItem = refused.items.single { it.file == junk }
        val notMedia = (item.state as IngestState.Failed).error
        assertEquals(ErrorText.ERROR_BAD_MEDIA, notMedia.text)
        assertFalse(notMedia.damaged, "not media: nothing to keep as damaged")
        capture.discard(junk)
        assertFalse(junk.exists())
        assertTrue(capture.state.await("nothing pending") { s -> s.pending.isEmpty() && s.items.none { it.file == junk } }.pending.isEmpty())
    }

    @Test
    fun `a photo cut short is refused as damaged, kept as damaged evidence on confirmation, or discarded`() {
        val sessions = SessionManager(File(tmp, "store"), fileKeyStore(File(tmp, "device.key").path))
        runBlocking { sessions.setUp(profile) }
        val repo = CaseRepository({ sessions.session }, File(tmp, "exports"))
        val caseId = runBlocking {
            repo.openCase(kz.qorgau.core.NewCaseForm(address = "Synthetic street 3", team = listOf(officer)))
        }.record.id
        val files = CaptureFiles(File(tmp, "captures"))
        val queue = IngestQueue({ sessions.session.store }, scope, lang, previews = { _, _ -> null })
        val here = GeoPoint(51.1282, 71.4304, 9.0)
        val capture = CaptureModel(scope, caseId, files, queue, locate = { here })

        // A JPEG cut in half, as a camera interrupted mid-write could leave it.
        val whole = jpeg(File(tmp, "whole.jpg")).readBytes()
        val cutBytes = whole.copyOf(whole.size / 2)
        val cut = capture.newFile(MediaKind.PHOTO).apply { writeBytes(cutBytes) }
        capture.captured(cut, MediaKind.PHOTO)
        val asked = capture.state.await("asked to keep it damaged") { it.askKeepDamaged != null || it.items.any { i -> i.state is IngestState.Stored } }
        val item = asked.askKeepDamaged!!
        val error = (item.state as IngestState.Failed).error
        assertTrue(error.damaged, "$error")
        assertEquals(ErrorText.ERROR_BAD_MEDIA, error.text)
        assertEquals(here, item.gps, "the position of the capture is kept for the second try")
        assertTrue(cut.isFile, "kept on the phone until the officer answers")
        assertTrue(runBlocking { repo.caseFile(caseId) }.evidence.isEmpty(), "nothing stored")

        // "Later": the question goes away, the file waits as pending; adding it again asks again.
        capture.dismiss(item.id)
        assertEquals(listOf(cut), capture.state.await("pending") { it.pending.isNotEmpty() && it.askKeepDamaged == null }.pending)
        capture.retry(cut)
        val again = capture.state.await("asked again") { it.askKeepDamaged != null }.askKeepDamaged!!
        assertNull(again.gps, "a pending file added again has no position of the moment (as before)")

        // Keep: stored byte for byte, marked damaged, the plaintext copy deleted.
        capture.keepDamaged(again.id)
        val kept = capture.state.await("kept") { s -> s.items.any { it.state is IngestState.Stored || (it.keepDamaged && it.state is IngestState.Failed) } }
        val stored = kept.items.single { it.file == cut }
        assertTrue(stored.keepDamaged)
        val evidence = (stored.state as? IngestState.Stored)?.evidence ?: throw AssertionError("not stored: $stored")
        assertNotNull(evidence.damaged, "the damaged mark, with the core's reason")
        assertEquals(MessageDigest.getInstance("SHA-256").digest(cutBytes).joinToString("") { "%02x".format(it) }, evidence.sha256, "SHA-256 of the cut bytes")
        assertEquals(cutBytes.size.toULong(), evidence.sizeBytes)
        assertNull(kept.askKeepDamaged, "answered")
        assertFalse(cut.exists(), "the plaintext copy is deleted once stored")

        // The case screen's model shows the mark (and no preview note: it is not a sound file).
        val overview = CaseOverviewModel(scope, repo, caseId, lang)
        overview.refresh()
        val shown = overview.state.await("case loaded") { it.file != null || it.error != null }.file!!.evidence.single()
        assertEquals(evidence.damaged, shown.damaged)
        assertNull(shown.previewNote)
        assertNull(runBlocking { overview.thumbnail(shown.id) }, "no preview of a damaged photo")
        assertTrue(runBlocking { repo.verify(caseId) }.ok)

        // Another one, discarded (the screen confirms once more before this call): gone, nothing stored.
        val cut2 = capture.newFile(MediaKind.PHOTO).apply { writeBytes(cutBytes.copyOf(cutBytes.size - 1000)) }
        capture.captured(cut2, MediaKind.PHOTO)
        val second = capture.state.await("asked about the second") { it.askKeepDamaged?.file == cut2 }.askKeepDamaged!!
        capture.keepDamaged(second.id + 1000) // no such item: nothing happens
        capture.discard(second.file)
        assertFalse(cut2.exists())
        val after = capture.state.await("discarded") { s -> s.askKeepDamaged == null && s.items.none { it.file == cut2 } }
        assertTrue(after.pending.isEmpty())
        assertEquals(1, runBlocking { repo.caseFile(caseId) }.evidence.size)

        // Not media at all is refused without the question: there is nothing to keep.
        val junk = capture.newFile(MediaKind.PHOTO).apply { writeText("not a photo") }
        capture.captured(junk, MediaKind.PHOTO)
        val refused = capture.state.await("refused") { s -> s.items.any { it.file == junk && it.state is IngestState.Failed } }
        assertNull(refused.askKeepDamaged)
        assertFalse((refused.items.single { it.file == junk }.state as IngestState.Failed).error.damaged)
    }
}
