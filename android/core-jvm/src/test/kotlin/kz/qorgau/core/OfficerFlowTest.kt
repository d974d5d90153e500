package kz.qorgau.core

import kz.qorgau.ffi.CaseCategory
import kz.qorgau.ffi.Consent
import kz.qorgau.ffi.CaptureInfo
import kz.qorgau.ffi.EventKind
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.NewStatement
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.PreviewSource
import kz.qorgau.ffi.StatementKind
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Trigger
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.security.MessageDigest

/** The officer's flow at the scene, from Kotlin, against the real Rust library. */
class OfficerFlowTest {
    @TempDir lateinit var tmp: File

    private fun sha256(f: File) = MessageDigest.getInstance("SHA-256").digest(f.readBytes()).joinToString("") { "%02x".format(it) }

    @Test
    fun `open case, add people, photo with progress, statement, verify, export`() {
        val keys = TestKeyStore()
        FieldSession.openOrInit(File(tmp, "store"), keys, Fixtures.profile).use { session ->
            assertEquals(1, keys.wrapCalls, "device secrets wrapped once by the Kotlin key store")
            val store = session.store
            val form = NewCaseForm(
                trigger = Trigger.WITNESS_REPORT,
                categories = setOf(CaseCategory.PHYSICAL, CaseCategory.CHILD_INVOLVED),
                lat = 51.1282, lon = 71.4304, accuracyM = 12.0,
                team = listOf(Fixtures.officer, TeamMember(TeamRole.PSYCHOLOGIST, "Saule Examplova", "KZ-DEMO-PSY-02")),
                summary = "Neighbour reported shouting (synthetic)",
            )
            val case = store.openCase(form.toNewCase())
            assertEquals(1uL, case.seq)
            val caseId = case.record.id

            val survivorForm = PersonForm(role = PersonRole.SURVIVOR, fullName = "Aigerim Testova", iin = Fixtures.SURVIVOR_IIN)
            assertNull(survivorForm.iinProblem())
            val survivor = store.addPerson(caseId, survivorForm.toNewPerson()).record
            assertTrue(survivor.addressConfidential)
            assertEquals("1994-03-12", survivor.dateOfBirth, "birth date read from the IIN")
            val aggressor = store.addPerson(caseId, PersonForm(role = PersonRole.ALLEGED_AGGRESSOR, fullName = "Nurlan Sampleuly", iin = Fixtures.AGGRESSOR_IIN).toNewPerson()).record

            val photo = Fixtures.jpeg(File(tmp, "IMG_0001.jpg"))
            val seen = mutableListOf<Pair<Long, Long>>()
            val progress = CaptureProgress { d, t -> seen += d to t }
            val ev = store.addEvidenceFile(caseId, photo.path, MediaKind.PHOTO, CaptureInfo(null, "kitchen", null), progress).record
            assertEquals(sha256(photo), ev.sha256, "SHA-256 of the exact original bytes")
            assertEquals(1600u, ev.width)
            assertEquals(PreviewSource.GENERATED, ev.preview)
            assertTrue(seen.isNotEmpty() && seen.last().first == photo.length(), "progress reached the file size: $seen")
            assertEquals(1.0, progress.fraction)
            val thumb = store.thumbnail(ev.id)
            assertNotNull(thumb)
            val img = javax.imageio.ImageIO.read(thumb!!.inputStream())
            assertEquals(320, maxOf(img.width, img.height))

            val st = store.recordStatement(caseId, NewStatement(survivor.id, Language.KK, "Ол мені итеріп жіберді.", session.officerBadge, Consent(true, true), null))
            assertEquals(1u, st.record.version)
            val refusal = store.recordRefusal(caseId, aggressor.id, Language.RU, "", session.officerBadge)
            assertEquals(StatementKind.REFUSED, refusal.record.kind)

            val report = store.verify(caseId)
            assertTrue(report.ok, "verify: ${report.failure}")
            assertEquals(6uL, report.entriesChecked)
            assertEquals(photo.length().toULong(), report.bytesHashed)

            val summary = store.exportCase(caseId, File(tmp, "export").path)
            val bundle = File(summary.bundle)
            assertTrue(File(bundle, "SHA256SUMS").isFile)
            val original = File(bundle, "originals/${ev.id}.jpg")
            assertTrue(original.readBytes().contentEquals(photo.readBytes()))
            val kinds = store.custodyLog(caseId).map { it.entry.kind }
            assertEquals(listOf(EventKind.CASE_OPENED, EventKind.PERSON_ADDED, EventKind.PERSON_ADDED, EventKind.EVIDENCE_ADDED,
                EventKind.STATEMENT_RECORDED, EventKind.STATEMENT_RECORDED, EventKind.CASE_EXPORTED), kinds)

            val listed = store.listCases()
            assertEquals(1, listed.size)
            assertEquals(1u, listed[0].evidence)
        }
        // Reopens with the same Kotlin key store.
        FieldSession.open(File(tmp, "store"), keys).use { assertFalse(it.store.listCases().isEmpty()) }
    }
}
