package kz.qorgau.app

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kz.qorgau.app.data.AssessmentRepository
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.ProfileGate
import kz.qorgau.app.data.ProfileRepository
import kz.qorgau.app.data.SessionManager
import kz.qorgau.app.data.ShareExport
import kz.qorgau.app.model.AddProfileRule
import kz.qorgau.app.model.ClinicalKeyModel
import kz.qorgau.app.model.ExportModel
import kz.qorgau.app.model.ProfileForm
import kz.qorgau.app.model.ProfileSetupModel
import kz.qorgau.core.ErrorText
import kz.qorgau.core.NewCaseForm
import kz.qorgau.core.PersonForm
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.Answer
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.EventKind
import kz.qorgau.ffi.NewAssessment
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.Profile
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.Recommendations
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Trigger
import kz.qorgau.ffi.fileKeyStore
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import javax.xml.parsers.DocumentBuilderFactory

/**
 * Issue 11 through the screens' models, against the real library: the profile screen offers
 * what the core's rule allows (the supervisor first, then only she, signed in), the clinical
 * key's hand-over, and the court bundle's share as a confirmed act the core records first.
 */
class ProfilesAndShareTest {
    @TempDir lateinit var tmp: File
    private lateinit var scope: CoroutineScope
    private val en = { UiLanguage.EN }
    private val officer = TeamMember(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417")

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

    private fun sessions() = SessionManager(File(tmp, "store"), fileKeyStore(File(tmp, "device.key").path)).also {
        runBlocking { it.setUp(DeviceProfile("JVM test phone", "DV team 3 (synthetic)", officer)) }
    }

    private fun ProfileSetupModel.add(role: TeamRole, name: String, badge: String, pin: String): Profile {
        update { ProfileForm(role, name, badge, pin, pin) }
        create()
        val s = state.await("$role created") { !it.saving && (it.created?.badge == badge || it.error != null) }
        return s.created ?: throw AssertionError("$role refused: ${s.error}")
    }

    @Test
    fun `the supervisor comes first, then only she adds profiles, and the screen says why to anyone else`() {
        val sessions = sessions()
        val profiles = ProfileRepository({ sessions.session })
        runBlocking { profiles.refreshGate() }
        assertEquals(ProfileGate.FirstRun, profiles.gate.value)

        // First run: only the supervisor is offered; another role is not even asked of the core.
        val setup = ProfileSetupModel(scope, profiles, en)
        setup.refresh()
        val first = setup.state.await("first run") { !it.loading }
        assertEquals(AddProfileRule.FIRST_SUPERVISOR, first.rule)
        assertEquals(listOf(TeamRole.SUPERVISOR), first.roles)
        setup.update { ProfileForm(TeamRole.OFFICER, officer.name, officer.badge, "270415", "270415") }
        assertFalse(setup.state.value.canCreate, "an officer first is not offered")
        setup.create()
        assertFalse(setup.state.value.saving)
        // The core refuses it anyway, and stores nothing.
        assertThrows<QorgauException.PermissionDenied> { runBlocking { profiles.create(TeamRole.OFFICER, officer.name, officer.badge, "270415") } }
        assertTrue(runBlocking { profiles.profiles() }.isEmpty())

        // The supervisor: created and signed in; then every role is offered.
        val lead = setup.add(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
        val team = setup.state.await("supervisor signed in") { it.rule == AddProfileRule.SUPERVISOR_SIGNED_IN }
        assertEquals(lead.id, team.signedIn?.id)
        assertEquals(TeamRole.entries, team.roles)
        val psy = setup.add(TeamRole.PSYCHOLOGIST, "Saule Examplova", "KZ-DEMO-PSY-02", "480917")
        val second = setup.add(TeamRole.PSYCHOLOGIST, "Gulnar Secondova", "KZ-DEMO-PSY-03", "592604")
        val off = setup.add(TeamRole.OFFICER, officer.name, officer.badge, "270415")
        assertTrue(psy.clinicalAccess)
        assertFalse(second.clinicalAccess)
        val listed = setup.state.await("listed") { it.profiles.size == 4 }
        assertTrue(listed.waitingForClinicalKey(listed.profiles.single { it.id == second.id }))
        assertFalse(listed.waitingForClinicalKey(listed.profiles.single { it.id == psy.id }))
        assertFalse(listed.profiles.any(listed::mayHandOverTo), "the supervisor does not hold the clinical key")
        setup.finish()
        assertEquals(lead.id, (profiles.gate.await("signed in") { it is ProfileGate.SignedIn } as ProfileGate.SignedIn).profile.id)

        // The officer signed in, from the menu: no form, the rule said instead.
        runBlocking { profiles.unlock(off.id, "270415") }
        val menu = ProfileSetupModel(scope, profiles, en)
        menu.refresh()
        val asOfficer = menu.state.await("loaded") { !it.loading }
        assertEquals(AddProfileRule.SUPERVISOR_MUST_SIGN_IN, asOfficer.rule)
        assertTrue(asOfficer.roles.isEmpty())
        menu.update { ProfileForm(TeamRole.SOCIAL_WORKER, "Dina Casework", "KZ-DEMO-SW-1", "735190", "735190") }
        assertFalse(menu.state.value.canCreate)

        // A screen opened by the supervisor, whose session then locked: the core refuses, the
        // refusal is shown and the form withdrawn.
        runBlocking { profiles.unlock(lead.id, "864203") }
        val stale = ProfileSetupModel(scope, profiles, en)
        stale.refresh()
        stale.state.await("supervisor") { it.rule == AddProfileRule.SUPERVISOR_SIGNED_IN }
        runBlocking { profiles.signOut() }
        stale.update { ProfileForm(TeamRole.SOCIAL_WORKER, "Dina Casework", "KZ-DEMO-SW-1", "735190", "735190") }
        assertTrue(stale.state.value.canCreate, "the screen still thinks she is signed in")
        stale.create()
        val refused = stale.state.await("refused") { !it.saving && it.error != null && it.rule == AddProfileRule.SUPERVISOR_MUST_SIGN_IN }
        assertTrue(refused.error!!.denied)
        assertEquals(ErrorText.ERROR_PERMISSION_DENIED, refused.error.text)
        assertEquals("", refused.form.pin)
        assertEquals(4, runBlocking { profiles.profiles() }.size, "nothing created")
    }

    @Test
    fun `a psychologist hands the clinical key to a waiting colleague, who types her own PIN`() {
        val sessions = sessions()
        val profiles = ProfileRepository({ sessions.session })
        val cases = CaseRepository({ sessions.session }, File(tmp, "exports"))
        val assessments = AssessmentRepository({ sessions.session })
        val (lead, psy, second) = runBlocking {
            val lead = profiles.create(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            profiles.unlock(lead.id, "864203")
            Triple(
                lead,
                profiles.create(TeamRole.PSYCHOLOGIST, "Saule Examplova", "KZ-DEMO-PSY-02", "480917"),
                profiles.create(TeamRole.PSYCHOLOGIST, "Gulnar Secondova", "KZ-DEMO-PSY-03", "592604"),
            )
        }
        // Saule records an assessment with clinical notes.
        val assessmentId = runBlocking {
            val case = cases.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 7, Astana", team = listOf(officer))).record.id
            val survivor = cases.addPerson(case, PersonForm(role = PersonRole.SURVIVOR, fullName = "Aigerim Testova", iin = "940312402103")).record.id
            profiles.unlock(psy.id, "480917")
            val store = sessions.session.store
            val dash = store.instruments().first { it.id == "dash-style-kz" }
            val answers = dash.items.associate { it.id to Answer.NO }
            store.recordAssessment(case, NewAssessment(survivor, dash.id, dash.version, answers, emptyList(), null, null, Recommendations(false, false, false, null), "SECRET-NOTE (synthetic)")).record.id
        }

        // Gulnar waits for the key: the notes are refused to her.
        runBlocking { profiles.unlock(second.id, "592604") }
        assertThrows<QorgauException.PermissionDenied> { runBlocking { assessments.detail(assessmentId) } }

        // The supervisor is not offered the hand-over, and the core refuses her.
        runBlocking { profiles.unlock(lead.id, "864203") }
        val asLead = ProfileSetupModel(scope, profiles, en)
        asLead.refresh()
        assertFalse(asLead.state.await("loaded") { !it.loading }.let { s -> s.profiles.any(s::mayHandOverTo) })
        val leadTry = ClinicalKeyModel(scope, profiles, en)
        leadTry.start(second)
        leadTry.setPin("592604")
        leadTry.handOver()
        val leadRefused = leadTry.state.await("refused") { !it.busy && it.error != null }
        assertTrue(leadRefused.error!!.denied)
        assertNull(leadRefused.handedTo)

        // Saule signed in: offered for Gulnar only.
        runBlocking { profiles.unlock(psy.id, "480917") }
        val list = ProfileSetupModel(scope, profiles, en)
        list.refresh()
        val s = list.state.await("loaded") { !it.loading }
        assertEquals(listOf(second.id), s.profiles.filter(s::mayHandOverTo).map { it.id })
        val handOver = ClinicalKeyModel(scope, profiles, en, onHandedOver = list::refresh)
        assertFalse(handOver.state.value.canHandOver, "not started")
        handOver.start(s.profiles.single { it.id == second.id })
        handOver.setPin("00a0999")
        assertEquals("000999", handOver.state.value.pin, "digits only")
        handOver.handOver()
        val wrong = handOver.state.await("wrong PIN") { !it.busy && it.error != null }
        assertEquals(ErrorText.ERROR_WRONG_PIN, wrong.error!!.text)
        assertEquals(4, wrong.attemptsLeft)
        assertEquals("", wrong.pin, "her PIN leaves the state after every attempt")
        assertEquals(second.id, wrong.to?.id, "still under way")
        assertEquals(1u, runBlocking { profiles.profiles() }.single { it.id == second.id }.failedAttempts, "counts towards her lock-out")
        handOver.setPin("592604")
        handOver.handOver()
        val done = handOver.state.await("handed over") { !it.busy && (it.handedTo != null || it.error != null) }
        assertEquals(second.id, done.handedTo?.id, "${done.error}")
        assertTrue(done.handedTo!!.clinicalAccess)
        assertNull(done.to)
        val after = list.state.await("list refreshed") { st -> st.profiles.single { it.id == second.id }.clinicalAccess }
        assertFalse(after.profiles.any(after::mayHandOverTo))
        assertEquals(psy.id, runBlocking { profiles.signedIn() }?.id, "the hand-over signs nobody else in")

        // Gulnar now reads the notes.
        runBlocking { profiles.unlock(second.id, "592604") }
        assertEquals("SECRET-NOTE (synthetic)", runBlocking { assessments.detail(assessmentId) }.clinical.notes)
    }

    @Test
    fun `the bundle is shared only after a confirmation and the core's record, never with nobody signed in`() {
        val sessions = sessions()
        val profiles = ProfileRepository({ sessions.session })
        val cases = CaseRepository({ sessions.session }, File(tmp, "exports"))
        val caseId = runBlocking { cases.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 7, Astana", team = listOf(officer))).record.id }
        val export = ExportModel(scope, cases, caseId, en)
        assertFalse(export.state.value.canShare, "nothing exported yet")
        export.export()
        val summary = export.state.await("exported") { !it.running && (it.summary != null || it.error != null) }.summary
        assertNotNull(summary)
        val log = { runBlocking { sessions.session.store.custodyLog(caseId) } }
        val before = log().size

        // Not confirmed: nothing recorded, nothing to share.
        export.confirmShare()
        assertFalse(export.state.value.recordingShare)
        export.askShare()
        assertTrue(export.state.value.confirmingShare)
        export.cancelShare()
        assertFalse(export.state.value.confirmingShare)
        assertEquals(before, log().size)

        // Confirmed with nobody signed in: the core refuses; nothing to share, nothing recorded.
        export.askShare()
        export.confirmShare()
        val refused = export.state.await("refused") { !it.recordingShare && (it.share != null || it.error != null) }
        assertNull(refused.share)
        assertTrue(refused.error!!.denied)
        assertEquals(before, log().size)
        assertTrue(log().none { it.entry.kind == EventKind.BUNDLE_SHARED })

        // An officer signed in: confirmed, recorded under her badge, then the chooser's turn.
        runBlocking {
            val lead = profiles.create(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            profiles.unlock(lead.id, "864203")
            val off = profiles.create(TeamRole.OFFICER, officer.name, officer.badge, "270415")
            profiles.unlock(off.id, "270415")
        }
        export.askShare()
        assertNull(export.state.value.error)
        export.confirmShare()
        val shared = export.state.await("recorded") { !it.recordingShare && (it.share != null || it.error != null) }
        val share = shared.share
        assertNotNull(share, "${shared.error}")
        val last = log().last()
        assertEquals(EventKind.BUNDLE_SHARED, last.entry.kind)
        assertEquals(share!!.custodySeq, last.entry.seq)
        assertEquals(officer.badge, last.entry.actor)
        assertTrue(last.detail.orEmpty().contains(ShareExport.TO), last.detail)
        assertFalse(export.state.value.canShare, "one chooser per record")
        assertTrue(ShareExport.text(share.summary, "Qorgau court bundle").contains(summary!!.bundle))
        export.shareOpened()
        assertNull(export.state.value.share)
        assertTrue(export.state.value.canShare, "another share needs another confirmation")
        assertTrue(runBlocking { cases.verify(caseId) }.ok)
    }

    @Test
    fun `the new words are in all three languages`() {
        val keys = listOf(
            "profiles_first_supervisor", "profiles_supervisor_missing", "profiles_supervisor_only", "clinical_key_waiting",
            "clinical_key_hand_over", "clinical_key_hand_over_short", "clinical_key_hand_over_text", "clinical_key_handed",
            "key_security_title", "key_level_strongbox", "key_level_tee", "key_level_secure_hardware", "key_level_software",
            "key_level_unknown", "key_unlocked_required", "key_unlocked_not_required", "key_security_not_recorded",
            "export_share_confirm_title", "export_share_confirm_text", "print_pdf", "no_print_service", "pdf_other_apps",
            "pdf_other_apps_note",
        )
        for (dir in listOf("values", "values-kk", "values-ru")) {
            val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(File(System.getProperty("user.dir"), "../app/src/main/res/$dir/strings.xml"))
            val nodes = doc.getElementsByTagName("string")
            val strings = (0 until nodes.length).associate { nodes.item(it).attributes.getNamedItem("name").nodeValue to nodes.item(it).textContent }
            for (key in keys) assertTrue(strings[key].orEmpty().isNotBlank(), "$key in $dir")
            for (key in listOf("clinical_key_hand_over_text", "clinical_key_handed")) assertTrue("%1\$s" in strings.getValue(key), "$key in $dir names the colleague")
        }
    }
}
