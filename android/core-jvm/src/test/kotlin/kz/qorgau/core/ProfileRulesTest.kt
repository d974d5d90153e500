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
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.time.Duration
import java.time.Instant

/**
 * Issue 11 from Kotlin: who may create profiles (the supervisor first, then only she, signed in),
 * the hand-over of the clinical key to a second psychologist, and the audited share of a court
 * bundle. Against the real library; synthetic people only.
 */
class ProfileRulesTest {
    @TempDir lateinit var tmp: File

    private fun session() = FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile)

    @Test
    fun `the first profile must be the supervisor's, and a refused one stores nothing`() {
        session().use { s ->
            val store = s.store
            for (role in listOf(TeamRole.OFFICER, TeamRole.PSYCHOLOGIST, TeamRole.SOCIAL_WORKER)) {
                val e = assertThrows<QorgauException.PermissionDenied>("$role first") { store.createProfile(role, "Aibek Demoulin", "KZ-DEMO-0417", "270415") }
                assertEquals(ErrorText.ERROR_PERMISSION_DENIED, ErrorMessages.of(e).text)
                assertTrue(store.profiles().isEmpty(), "nothing stored after $role was refused")
            }
            val lead = store.createProfile(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            assertEquals(listOf(lead.id), store.profiles().map { it.id })
            assertFalse(lead.clinicalAccess)
            assertNull(store.currentProfile(), "creating a profile signs nobody in")
        }
    }

    @Test
    fun `with a supervisor on the phone nothing is created unless she is signed in`() {
        session().use { s ->
            val store = s.store
            val lead = store.createProfile(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")

            // Nobody signed in: refused, even a second supervisor.
            for (role in TeamRole.entries) {
                assertThrows<QorgauException.PermissionDenied>("$role, nobody signed in") { store.createProfile(role, "Dina Casework", "KZ-DEMO-SW-1", "735190") }
            }
            assertEquals(1, store.profiles().size)

            // The supervisor signed in: she adds an officer.
            store.unlockProfile(lead.id, "864203")
            val officer = store.createProfile(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417", "270415")

            // The officer signed in: refused, whatever the role.
            store.unlockProfile(officer.id, "270415")
            for (role in TeamRole.entries) {
                assertThrows<QorgauException.PermissionDenied>("$role, officer signed in") { store.createProfile(role, "Dina Casework", "KZ-DEMO-SW-1", "735190") }
            }
            assertEquals(setOf(TeamRole.SUPERVISOR, TeamRole.OFFICER), store.profiles().map { it.role }.toSet())

            // Signed out: refused again.
            store.lockProfile()
            assertThrows<QorgauException.PermissionDenied> { store.createProfile(TeamRole.SOCIAL_WORKER, "Dina Casework", "KZ-DEMO-SW-1", "735190") }
            assertEquals(2, store.profiles().size)
        }
    }

    @Test
    fun `a second psychologist reads clinical notes only after a psychologist hands her the key`() {
        session().use { s ->
            val store = s.store
            val lead = store.createProfile(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            store.unlockProfile(lead.id, "864203")
            val first = store.createProfile(TeamRole.PSYCHOLOGIST, "Saule Examplova", "KZ-DEMO-PSY-02", "480917")
            assertTrue(first.clinicalAccess, "the first psychologist gets a new clinical key")
            val second = store.createProfile(TeamRole.PSYCHOLOGIST, "Gulnar Secondova", "KZ-DEMO-PSY-03", "592604")
            assertFalse(second.clinicalAccess, "another psychologist holds the key: she waits for it")
            assertFalse(store.profiles().single { it.id == second.id }.clinicalAccess)

            // The first psychologist records an assessment with clinical notes.
            val case = store.openCase(NewCaseForm(trigger = Trigger.WITNESS_REPORT, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase()).record.id
            val survivor = store.addPerson(case, PersonForm(role = PersonRole.SURVIVOR, fullName = "Aigerim Testova", iin = Fixtures.SURVIVOR_IIN).toNewPerson()).record.id
            val dash = store.instruments().first { it.id == "dash-style-kz" }
            val answers = dash.items.mapIndexed { i, item -> item.id to if (i < 11) Answer.YES else Answer.NO }.toMap()
            store.unlockProfile(first.id, "480917")
            val a = store.recordAssessment(case, NewAssessment(survivor, dash.id, dash.version, answers, emptyList(), null, null, Recommendations(true, false, false, null), "SECRET-NOTE (synthetic)")).record

            // The newcomer, signed in, cannot read them (refused, audited).
            store.unlockProfile(second.id, "592604")
            assertThrows<QorgauException.PermissionDenied> { store.assessmentDetail(a.id) }
            assertEquals("medium", store.assessmentSummary(a.id).level, "the level is for every role")

            // The supervisor does not hold the key: she cannot hand it over.
            store.unlockProfile(lead.id, "864203")
            assertThrows<QorgauException.PermissionDenied> { store.grantClinicalAccess(second.id, "592604") }

            // The first psychologist signed in; the newcomer types her own PIN.
            store.unlockProfile(first.id, "480917")
            val wrong = assertThrows<QorgauException.WrongPin> { store.grantClinicalAccess(second.id, "000999") }
            assertEquals(4u, wrong.attemptsLeft)
            assertEquals(ErrorMessage(ErrorText.ERROR_WRONG_PIN, number = 4), ErrorMessages.of(wrong))
            val afterWrong = store.profiles().single { it.id == second.id }
            assertEquals(1u, afterWrong.failedAttempts, "a wrong PIN counts towards her lock-out")
            assertFalse(afterWrong.clinicalAccess)
            val notPsychologist = assertThrows<QorgauException.InvalidInput>("not a psychologist") { store.grantClinicalAccess(lead.id, "864203") }
            assertEquals(ErrorText.ERROR_INVALID_INPUT, ErrorMessages.of(notPsychologist).text)
            val holds = assertThrows<QorgauException.Conflict>("already holds it") { store.grantClinicalAccess(first.id, "480917") }
            assertEquals(ErrorText.ERROR_CONFLICT, ErrorMessages.of(holds).text)
            val granted = store.grantClinicalAccess(second.id, "592604")
            assertTrue(granted.clinicalAccess)
            assertTrue(store.profiles().single { it.id == second.id }.clinicalAccess)
            assertEquals(TeamRole.PSYCHOLOGIST, store.currentProfile()?.role)
            assertEquals(first.id, store.currentProfile()?.id, "the hand-over does not sign the newcomer in")

            // Now she reads the notes.
            store.unlockProfile(second.id, "592604")
            assertEquals("SECRET-NOTE (synthetic)", store.assessmentDetail(a.id).clinical.notes)
            assertTrue(store.verify(case).ok)
        }
    }

    @Test
    fun `five wrong PINs lock a profile with the time it unlocks, typed`() {
        session().use { s ->
            val store = s.store
            val lead = store.createProfile(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            store.unlockProfile(lead.id, "864203")
            val officer = store.createProfile(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417", "270415")
            store.lockProfile()
            for (left in 4 downTo 1) {
                val wrong = assertThrows<QorgauException.WrongPin>("$left left") { store.unlockProfile(officer.id, "000999") }
                assertEquals(left.toUInt(), wrong.attemptsLeft)
            }
            val before = Instant.now()
            val locked = assertThrows<QorgauException.ProfileLocked> { store.unlockProfile(officer.id, "000999") }
            // A few minutes ahead (the core's first lock-out), as an instant: no text to read.
            assertTrue(locked.until.isAfter(before.plus(Duration.ofMinutes(2))), "${locked.until}")
            assertTrue(locked.until.isBefore(before.plus(Duration.ofMinutes(30))), "${locked.until}")
            assertEquals(ErrorMessage(ErrorText.ERROR_PROFILE_LOCKED, time = locked.until), ErrorMessages.of(locked))
            assertEquals(locked.until, store.profiles().single { it.id == officer.id }.lockedUntil, "the profile list carries the same time")
            // The right PIN does not lift it early.
            val still = assertThrows<QorgauException.ProfileLocked> { store.unlockProfile(officer.id, "270415") }
            assertEquals(locked.until, still.until)
            assertNull(store.currentProfile())
        }
    }

    @Test
    fun `sharing a court bundle is recorded by a signed-in profile only`() {
        session().use { s ->
            val store = s.store
            val case = store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase()).record.id
            store.exportCase(case, File(tmp, "exports").apply { mkdirs() }.path)
            val before = store.custodyLog(case).size

            // Nobody signed in: refused, nothing written.
            assertThrows<QorgauException.PermissionDenied> { store.recordBundleShared(case, "Android share chooser") }
            assertEquals(before, store.custodyLog(case).size)

            val lead = store.createProfile(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            store.unlockProfile(lead.id, "864203")
            val officer = store.createProfile(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417", "270415")
            store.unlockProfile(officer.id, "270415")
            assertThrows<QorgauException.InvalidInput>("a control character") { store.recordBundleShared(case, "mail\nmore") }
            assertThrows<QorgauException.InvalidInput>("too long") { store.recordBundleShared(case, "x".repeat(101)) }

            val seq = store.recordBundleShared(case, "Android share chooser")
            val last = store.custodyLog(case).last()
            assertEquals(seq, last.entry.seq)
            assertEquals(EventKind.BUNDLE_SHARED, last.entry.kind)
            assertEquals("KZ-DEMO-0417", last.entry.actor, "the signed-in profile's badge")
            assertTrue(last.detail.orEmpty().contains("Android share chooser"), last.detail)
            assertEquals(before + 1, store.custodyLog(case).size)
            assertTrue(store.verify(case).ok, "the entry is part of the signed chain")
        }
    }
}
