package kz.qorgau.core

import kz.qorgau.ffi.Answer
import kz.qorgau.ffi.EventKind
import kz.qorgau.ffi.NewAssessment
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.Recommendations
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Trigger
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File

/** Roles and access to risk assessments, enforced by the core, seen from Kotlin. */
class AssessmentsTest {
    @TempDir lateinit var tmp: File

    @Test
    fun `the psychologist reads everything, every other role only the level, and refusals are audited`() {
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            val store = s.store
            val case = store.openCase(NewCaseForm(trigger = Trigger.WITNESS_REPORT, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase()).record.id
            val survivor = store.addPerson(case, PersonForm(role = PersonRole.SURVIVOR, fullName = "Aigerim Testova", iin = Fixtures.SURVIVOR_IIN).toNewPerson()).record.id
            // The supervisor first (issue 11); signed in, she adds the others, then signs out.
            val lead = store.createProfile(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            store.unlockProfile(lead.id, "864203")
            val psy = store.createProfile(TeamRole.PSYCHOLOGIST, "Saule Examplova", "KZ-DEMO-PSY-02", "480917")
            val others = listOf(
                store.createProfile(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417", "270415") to "270415",
                store.createProfile(TeamRole.SOCIAL_WORKER, "Dina Casework", "KZ-DEMO-SW-1", "735190") to "735190",
                lead to "864203",
            )
            store.lockProfile()
            val dash = store.instruments().first { it.id == "dash-style-kz" }
            val answers = dash.items.mapIndexed { i, item -> item.id to if (i < 11) Answer.YES else Answer.NO }.toMap()
            val new = NewAssessment(survivor, dash.id, dash.version, answers, emptyList(), null, null, Recommendations(true, false, false, null), "SECRET-NOTE (synthetic)")

            assertThrows<QorgauException.PermissionDenied> { store.recordAssessment(case, new) }
            store.unlockProfile(psy.id, "480917")
            val a = store.recordAssessment(case, new).record
            assertEquals(11u, a.score)
            assertEquals("medium", a.level)
            assertEquals("SECRET-NOTE (synthetic)", store.assessmentDetail(a.id).clinical.notes)
            assertThrows<QorgauException.InvalidInput> { store.recordAssessment(case, new.copy(overrideLevel = "high")) }

            for ((profile, pin) in others) {
                store.unlockProfile(profile.id, pin)
                assertEquals("medium", store.assessmentSummary(a.id).level)
                val e = assertThrows<QorgauException.PermissionDenied> { store.assessmentDetail(a.id) }
                assertEquals(ErrorText.ERROR_PERMISSION_DENIED, ErrorMessages.of(e).text)
            }
            val log = store.custodyLog(case)
            assertEquals(3, log.count { it.entry.kind == EventKind.ACCESS_DENIED && it.detail.orEmpty().contains("clinical_content") })
            assertEquals(1, log.count { it.entry.kind == EventKind.ACCESS_DENIED && it.detail.orEmpty().contains("record_assessment") }, "the refused recording is audited too")
            assertEquals(listOf("medium"), store.levelTrend(survivor).map { it.level })
            assertTrue(store.verify(case).ok)
        }
    }

    @Test
    fun `wrong PINs count down and then lock the profile`() {
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            val lead = s.store.createProfile(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            s.store.unlockProfile(lead.id, "864203")
            val p = s.store.createProfile(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417", "270415")
            assertThrows<QorgauException.InvalidInput> { s.store.createProfile(TeamRole.OFFICER, "X", "B-2", "111111") }
            s.store.lockProfile()
            for (left in 4 downTo 1) {
                val e = assertThrows<QorgauException.WrongPin> { s.store.unlockProfile(p.id, "000999") }
                assertEquals(left.toUInt(), e.attemptsLeft)
            }
            assertThrows<QorgauException.ProfileLocked> { s.store.unlockProfile(p.id, "000999") }
            assertThrows<QorgauException.ProfileLocked> { s.store.unlockProfile(p.id, "270415") }
        }
    }
}
