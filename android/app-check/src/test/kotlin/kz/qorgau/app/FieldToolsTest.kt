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
import kz.qorgau.app.data.CheckRepository
import kz.qorgau.app.data.OrderDocuments
import kz.qorgau.app.data.OrderRepository
import kz.qorgau.app.data.ProfileGate
import kz.qorgau.app.data.ProfileRepository
import kz.qorgau.app.data.SessionManager
import kz.qorgau.app.data.SupportRepository
import kz.qorgau.app.model.AssessmentFormModel
import kz.qorgau.app.model.AssessmentsModel
import kz.qorgau.app.model.CaseOrdersModel
import kz.qorgau.app.model.CheckBy
import kz.qorgau.app.model.DueThisWeekModel
import kz.qorgau.app.model.InterventionsModel
import kz.qorgau.app.model.IssueOrderModel
import kz.qorgau.app.model.OrderAction
import kz.qorgau.app.model.OrderModel
import kz.qorgau.app.model.PersonCheckModel
import kz.qorgau.app.model.ProfileForm
import kz.qorgau.app.model.ProfileSetupModel
import kz.qorgau.app.model.QrVerifyModel
import kz.qorgau.app.model.ReferralsModel
import kz.qorgau.app.model.ServeMode
import kz.qorgau.app.model.SignInModel
import kz.qorgau.app.model.SignaturePoint
import kz.qorgau.app.model.StationKeyModel
import kz.qorgau.app.model.SignatureRenderer
import kz.qorgau.app.model.open
import kz.qorgau.core.ErrorMessage
import kz.qorgau.core.ErrorMessages
import kz.qorgau.core.ErrorText
import kz.qorgau.core.NewCaseForm
import kz.qorgau.core.PersonForm
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.Answer
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.DueReason
import kz.qorgau.ffi.EventKind
import kz.qorgau.ffi.IinProblem
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.MatchKind
import kz.qorgau.ffi.OrderCopy
import kz.qorgau.ffi.OrderSource
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.ReferralKind
import kz.qorgau.ffi.ReferralStatus
import kz.qorgau.ffi.Service
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
import java.awt.BasicStroke
import java.awt.Color
import java.awt.RenderingHints
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import java.io.File
import java.security.KeyPairGenerator
import java.security.MessageDigest
import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.temporal.ChronoUnit
import java.util.Base64
import javax.imageio.ImageIO

/**
 * The newer screens' models — sign-in, check at the scene, protection orders, referrals,
 * interventions, risk assessments — driven as their screens drive them, against the real Rust
 * library. Synthetic people only.
 */
class FieldToolsTest {
    @TempDir lateinit var tmp: File
    private lateinit var scope: CoroutineScope
    private val en = { UiLanguage.EN }
    private val officer = TeamMember(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417")
    private val profile = DeviceProfile("JVM test phone", "DV team 3 (synthetic)", officer)

    private val survivorIin = "940312402103"
    private val aggressorIin = "901102303307"
    private val invalidIin = "940312402109"

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

    /** The signature pad's strokes as PNG, with java.awt (the app uses android.graphics). */
    private val awtSignatures = SignatureRenderer { sig ->
        val img = BufferedImage(sig.width, sig.height, BufferedImage.TYPE_INT_RGB)
        val g = img.createGraphics()
        g.color = Color.WHITE
        g.fillRect(0, 0, sig.width, sig.height)
        g.color = Color.BLACK
        g.stroke = BasicStroke(4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON)
        for (s in sig.strokes) for (i in 1 until s.size) g.drawLine(s[i - 1].x.toInt(), s[i - 1].y.toInt(), s[i].x.toInt(), s[i].y.toInt())
        g.dispose()
        ByteArrayOutputStream().also { check(ImageIO.write(img, "png", it)) }.toByteArray()
    }

    private class Phone(val sessions: SessionManager, val cases: CaseRepository, val caseId: String, val survivorId: String, val aggressorId: String)

    /** A set-up phone with one case: a survivor and the alleged aggressor, both with IINs. */
    private fun phone(): Phone {
        val sessions = SessionManager(File(tmp, "store"), fileKeyStore(File(tmp, "device.key").path))
        runBlocking { sessions.setUp(profile) }
        val cases = CaseRepository({ sessions.session }, File(tmp, "exports"))
        return runBlocking {
            val caseId = cases.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 7, Astana", team = listOf(officer))).record.id
            val survivor = cases.addPerson(caseId, PersonForm(role = PersonRole.SURVIVOR, fullName = "Aigerim Testova", iin = survivorIin, address = "Synthetic Refuge 9")).record
            val aggressor = cases.addPerson(caseId, PersonForm(role = PersonRole.ALLEGED_AGGRESSOR, fullName = "Nurlan Sampleuly", iin = aggressorIin)).record
            Phone(sessions, cases, caseId, survivor.id, aggressor.id)
        }
    }

    /** A station key (hex) and a registry snapshot signed with it, written as the station does. */
    private fun stationRegistry(file: File, vararg lines: String): Pair<String, File> {
        val keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
        val raw = keys.public.encoded.takeLast(32).toByteArray() // X.509 SubjectPublicKeyInfo: the key is the last 32 bytes
        val header = """{"format":"qorgau-registry/1","kind":"snapshot","sequence":1,"base_sequence":null,"generated_at":"${Instant.now().minusSeconds(60)}","rows":${lines.size}}"""
        val body = (listOf(header) + lines).joinToString("") { it + "\n" }
        val digest = MessageDigest.getInstance("SHA-256").digest(body.toByteArray())
        val sig = java.security.Signature.getInstance("Ed25519").apply {
            initSign(keys.private)
            update("qorgau-registry/1:".toByteArray() + digest)
        }.sign()
        file.writeText(body + """{"signature":"${Base64.getEncoder().encodeToString(sig)}"}""" + "\n")
        return raw.joinToString("") { "%02x".format(it) } to file
    }

    @Test
    fun `check a person, issue, serve, print and verify an order, check again, a violation makes a repeat offender`() {
        val phone = phone()
        val session = { phone.sessions.session }
        val documents = File(tmp, "documents")
        val orders = OrderRepository(session, OrderDocuments(documents))
        val checks = CheckRepository(session)

        // Check at the scene, by IIN, before any order: nothing on record.
        val check = PersonCheckModel(scope, checks, orders, phone.cases, phone.caseId, en)
        check.refresh()
        val people = check.state.await("people of the case") { it.people.size == 2 }.people
        check.setIin(invalidIin)
        val bad = check.state.await("IIN refused") { it.iinProblem != null }
        assertFalse(bad.canCheck)
        assertEquals(IinProblem.CHECK_DIGIT_MISMATCH, bad.iinProblem, "typed: the screen says it in the UI language")
        assertEquals(ErrorText.ERROR_IIN_CHECK_DIGIT_MISMATCH, ErrorMessages.of(bad.iinProblem!!))
        check.fillFrom(people.single { it.role == PersonRole.ALLEGED_AGGRESSOR })
        check.state.await("IIN accepted") { it.iin == aggressorIin && it.iinProblem == null }
        check.check()
        val none = check.state.await("checked") { it.result != null || it.error != null }
        assertEquals(MatchKind.NO_MATCH, none.result?.matchKind, "error: ${none.error}")
        assertTrue(none.noRecord)
        assertFalse(none.repeatOffender)
        assertEquals("1990-11-02", none.birthDate, "no record: the birth date in the IIN asked about")
        assertNull(none.registryMadeAt, "no registry on the phone yet")
        assertNull(none.registryAge(Instant.now()))

        // Issue: the aggressor restricted, the survivor protected, prohibitions from the table.
        val issue = IssueOrderModel(scope, orders, phone.cases, phone.caseId, en)
        issue.refresh()
        val form = issue.state.await("rules and people") { !it.loading }
        assertEquals(phone.aggressorId, form.restrictedId, "the alleged aggressor by default")
        assertEquals(setOf(phone.survivorId), form.protectedIds, "survivors and children by default")
        assertEquals(listOf("commit_violence", "seek_out", "pursue", "visit", "contact"), form.prohibitions.map { it.code })
        assertEquals("Call or make any other contact against their will", form.prohibitions.single { it.code == "contact" }.text)
        assertEquals(30, form.termDays)
        assertTrue(form.consequence.contains("Art. 461"), form.consequence)
        assertFalse(form.canIssue, "no prohibition chosen yet")
        issue.toggleProhibition("contact")
        issue.toggleProhibition("visit")
        issue.toggleProhibition("seek_out")
        issue.setOpinion("She asks for the order (synthetic).")
        issue.issue()
        val issued = issue.state.await("issued") { it.issued != null || it.error != null }.issued
        assertNotNull(issued, "error: ${issue.state.value.error}")
        assertTrue(issued!!.number.startsWith("PO-"), issued.number)
        assertEquals(listOf("seek_out", "visit", "contact"), issued.prohibitions, "in the rule table's order")
        assertEquals(Duration.ofDays(30), Duration.between(issued.validFrom, issued.validUntil))

        val list = CaseOrdersModel(scope, orders, phone.cases, phone.caseId, en)
        list.refresh()
        assertEquals(listOf(issued.number), list.state.await("orders of the case") { !it.loading }.orders.map { it.order.number })

        // Serve: the restricted person signs on the pad; the PNG goes to the core.
        val order = OrderModel(scope, orders, phone.cases, issued.id, en, awtSignatures)
        order.refresh()
        val loaded = order.state.await("order loaded") { it.status != null }
        assertEquals(
            listOf("Seek out the protected person", "Visit the protected person against their will", "Call or make any other contact against their will"),
            loaded.prohibitions,
        )
        assertEquals("Nurlan Sampleuly", loaded.nameOf(loaded.order!!.restrictedPerson))
        assertFalse(loaded.canServe, "nothing signed yet")
        order.padSize(600, 200)
        order.strokeStart(SignaturePoint(40f, 150f))
        for (i in 1..40) order.strokeTo(SignaturePoint(40f + i * 12, 150f - (i % 7) * 15))
        assertTrue(order.state.value.canServe)
        order.serve()
        val served = order.state.await("served") { it.done == OrderAction.SERVE || it.error != null }
        assertNull(served.error)
        assertTrue(served.served)
        assertTrue(served.status!!.service is Service.Signed, "${served.status.service}")
        assertTrue(served.signature.isEmpty, "the pad is cleared")
        order.update { it.copy(serveMode = ServeMode.REFUSAL, witnesses = listOf("Gulnara Fictiva (neighbour)")) }
        assertFalse(order.state.value.canServe, "served once only")

        // The printable order: served copy in Kazakh and Russian, police file in English.
        order.makePdf()
        val pdf = order.state.await("PDF") { it.pdf != null || it.error != null }.pdf
        assertNotNull(pdf, "error: ${order.state.value.error}")
        assertEquals(documents.canonicalFile, pdf!!.parentFile.canonicalFile)
        assertTrue(pdf.name.endsWith("-served-kk-ru.pdf"), pdf.name)
        assertEquals("%PDF", String(pdf.readBytes().copyOfRange(0, 4)))
        order.update { it.copy(pdfCopy = OrderCopy.POLICE_FILE) }
        order.togglePdfLanguage(Language.KK)
        order.togglePdfLanguage(Language.RU)
        order.togglePdfLanguage(Language.EN)
        order.makePdf()
        val police = order.state.await("police copy") { it.pdf != null || it.error != null }.pdf!!
        assertTrue(police.name.endsWith("-police-en.pdf"), police.name)
        assertEquals(setOf(pdf.name, police.name), documents.list()!!.toSet(), "no half-written files left")

        // The QR code, scanned and verified offline; an altered code is refused.
        order.showQr()
        val png = order.state.await("QR") { it.qrPng != null || it.error != null }.qrPng!!
        assertEquals(listOf(0x89, 'P'.code, 'N'.code, 'G'.code), png.take(4).map { it.toInt() and 0xFF })
        val qrText = runBlocking { orders.qrText(issued.id) }
        val verify = QrVerifyModel(scope, orders) { UiLanguage.KK }
        verify.scanned(qrText)
        val ok = verify.state.await("verified") { !it.verifying && (it.code != null || it.error != null) }
        assertEquals(issued.number, ok.code?.number, "error: ${ok.error}")
        // Typed instants (the code keeps whole seconds), shown formatted by the screen.
        assertEquals(issued.validFrom.epochSecond, ok.code!!.validFrom.epochSecond)
        assertEquals(issued.validUntil.epochSecond, ok.code.validUntil.epochSecond)
        assertFalse(ok.code.issuedAt.isAfter(Instant.now()))
        assertEquals(issued.prohibitions, ok.code.prohibitions)
        assertEquals(aggressorIin, ok.code.restricted)
        assertEquals(aggressorIin, ok.restrictedIin)
        assertEquals("Оның еркінен тыс телефон арқылы қоңырау шалуға және өзге де байланыс жасауға", ok.prohibitions.last(), "in the UI language")
        verify.scanned(qrText)
        assertFalse(verify.state.value.verifying, "the same code read again is not verified again")
        verify.reset()
        // One character of the signature changed: well-formed, but no longer what was signed.
        val at = qrText.lastIndexOf('.') + 20
        verify.setManual(qrText.substring(0, at) + (if (qrText[at] == 'A') 'B' else 'A') + qrText.substring(at + 1))
        verify.verifyManual()
        val refused = verify.state.await("refused") { !it.verifying && (it.code != null || it.error != null) }
        assertNull(refused.code)
        assertEquals(ErrorText.ERROR_QR_TAMPERED, refused.error?.text)
        verify.reset()
        verify.setManual(qrText.dropLast(10))
        verify.verifyManual()
        val cut = verify.state.await("cut off") { !it.verifying && (it.code != null || it.error != null) }
        assertEquals(ErrorText.ERROR_QR_MALFORMED, cut.error?.text)

        // Check again: the order in force, its prohibitions; not yet a repeat offender.
        check.check()
        val withOrder = check.state.await("checked again") { it.result != null || it.error != null }
        assertEquals(MatchKind.IIN, withOrder.result?.matchKind)
        assertTrue(withOrder.showRecord)
        assertEquals(OrderSource.THIS_DEVICE, withOrder.orders.single().source)
        assertEquals(loaded.prohibitions, withOrder.orders.single().prohibitions)
        assertFalse(withOrder.repeatOffender, "this case is not an earlier one and nothing was violated")

        // A violation: recorded on the order, and the person is a repeat offender.
        order.update { it.copy(violationText = "Called her 14 times (synthetic).") }
        order.recordViolation()
        val violated = order.state.await("violation") { it.done == OrderAction.VIOLATION || it.error != null }
        assertNull(violated.error)
        assertEquals(1u, violated.status!!.violations)
        check.check()
        val repeat = check.state.await("checked after the violation") { it.result != null || it.error != null }
        assertTrue(repeat.repeatOffender, "REPEAT OFFENDER banner")
        assertEquals(1u, repeat.result!!.pastViolations)

        // Extended by 10 days, then revoked: no order in force, the history stays.
        val until = violated.status.validUntil
        order.update { it.copy(extendDays = "10", extendReason = "Further threats (synthetic).") }
        order.extend()
        val extended = order.state.await("extended") { it.done == OrderAction.EXTEND || it.error != null }
        assertEquals(until.plus(Duration.ofDays(10)), extended.status!!.validUntil, "error: ${extended.error}")
        order.update { it.copy(extendDays = "60", extendReason = "too long") }
        order.extend()
        val tooLong = order.state.await("too long") { it.busy == null && it.error != null }
        assertEquals(ErrorMessage(ErrorText.ERROR_INVALID_INPUT, field = "valid_until"), tooLong.error!!.message)
        order.update { it.copy(revokeReason = "Court decision (synthetic).") }
        order.revoke()
        assertTrue(order.state.await("revoked") { it.done == OrderAction.REVOKE || it.error != null }.revoked)
        check.check()
        val after = check.state.await("checked after revocation") { it.result != null || it.error != null }
        assertTrue(after.orders.isEmpty())
        assertTrue(after.repeatOffender)
        assertTrue(runBlocking { phone.cases.verify(phone.caseId) }.ok)

        // From the station's registry, by name and date of birth: confirmed before it is shown.
        // Brought by hand: a signed-in supervisor trusts the station key (the core's rule since
        // issue 10; the first profile on a phone is the supervisor's, issue 11), then the import.
        val (keyHex, registry) = stationRegistry(
            File(tmp, "registry.jsonl"),
            """{"op":"put","subject":{"name":"Dana Registrova","dob":"1985-04-12"},"record":{"display_name":"Dana Registrova","birth_date":"1985-04-12","active_orders":[{"number":"PO-STATION-2026-00042","valid_from":"${Instant.now().minus(2, ChronoUnit.DAYS)}","valid_until":"${Instant.now().plus(20, ChronoUnit.DAYS)}","prohibitions":["contact","pursue"],"unit":"DV team 1 (synthetic)"}],"past_violations":2,"earlier_cases":1}}""",
        )
        val profiles = ProfileRepository(session)
        runBlocking {
            val lead = profiles.create(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            profiles.unlock(lead.id, "864203")
        }
        val byHand = StationKeyModel(scope, checks, File(tmp, "incoming"), en) { profiles.current()?.role }
        byHand.setKey(keyHex)
        byHand.trust()
        val trusted = byHand.state.await("station key trusted") { !it.busy && (it.trusted || it.error != null || it.refusedBySupervisorRule) }
        assertTrue(trusted.trusted, "$trusted")
        byHand.importRegistry { registry.inputStream() }
        val imported = byHand.state.await("registry imported") { !it.busy && (it.imported != null || it.error != null) }.imported
        assertEquals(1uL, imported?.sequence, "error: ${byHand.state.value.error}")
        val byName = PersonCheckModel(scope, checks, orders, phone.cases, null, language = { UiLanguage.RU })
        byName.setBy(CheckBy.NAME_AND_BIRTH_DATE)
        byName.setName("dana   registrova")
        byName.setDateOfBirth("1985-04-12")
        byName.check()
        val pending = byName.state.await("name match") { it.result != null || it.error != null }
        assertEquals(MatchKind.NAME_AND_BIRTH_DATE, pending.result?.matchKind, "error: ${pending.error}")
        assertTrue(pending.needsConfirmation)
        assertFalse(pending.showRecord, "nothing shown before the officer confirms")
        assertFalse(pending.repeatOffender)
        assertEquals("Dana Registrova", pending.result!!.displayName)
        assertEquals("1985-04-12", pending.birthDate, "the registry's birth date, to compare with her documents")
        // How fresh: the registry was made just now by the (test) station.
        assertNotNull(pending.registryMadeAt)
        assertTrue(pending.registryAge(Instant.now())!! < Duration.ofHours(1), "${pending.registryMadeAt}")
        byName.confirmSamePerson(true)
        val confirmed = byName.state.value
        assertTrue(confirmed.showRecord && confirmed.repeatOffender)
        assertEquals(OrderSource.REGISTRY, confirmed.orders.single().source)
        assertEquals(listOf("Звонить и вступать в иные контакты против его воли", "Преследовать защищаемое лицо"), confirmed.orders.single().prohibitions)
        byName.check()
        byName.state.await("asked again") { it.needsConfirmation }
        byName.confirmSamePerson(false)
        assertTrue(byName.state.value.noRecord)
        assertFalse(byName.state.value.repeatOffender, "not the same person: nothing of the record applies")
        assertNull(byName.state.value.birthDate, "not her: the registry's birth date is not shown")
    }

    @Test
    fun `profiles and sign-in, referral consent withdrawn, interventions due, psychologist assessment, officer refused the detail`() {
        val phone = phone()
        val session = { phone.sessions.session }
        val profiles = ProfileRepository(session)
        runBlocking { profiles.refreshGate() }
        assertEquals(ProfileGate.FirstRun, profiles.gate.value)

        // First run (issue 11): the supervisor first, signed in once made; then she adds the
        // others, the officer of the phone suggested; four roles; the core's PIN rules.
        val setup = ProfileSetupModel(scope, profiles, en)
        setup.refresh()
        val first = setup.state.await("first run") { !it.loading }
        assertEquals(listOf(TeamRole.SUPERVISOR), first.roles)
        assertEquals(TeamRole.SUPERVISOR, first.form.role)
        assertFalse(first.canFinish)
        setup.update { it.copy(name = "Marat Lead", badge = "KZ-DEMO-SUP-1", pin = "864203", pinAgain = "864204") }
        assertTrue(setup.state.value.form.pinsDiffer)
        assertFalse(setup.state.value.canCreate)
        setup.update { it.copy(pinAgain = "864203") }
        setup.create()
        assertEquals(TeamRole.SUPERVISOR, setup.state.await("supervisor") { it.created != null || it.error != null }.created?.role, "${setup.state.value.error}")
        val team = setup.state.await("device officer suggested") { !it.saving && it.form.name.isNotEmpty() }
        assertEquals("", team.form.pin, "the PIN leaves the state")
        assertEquals(TeamRole.SUPERVISOR, team.signedIn?.role, "signed in with the PIN she chose")
        assertEquals(ProfileGate.FirstRun, profiles.gate.value, "still the first-run screen")
        assertEquals(TeamRole.entries, team.roles)
        assertEquals(Triple(TeamRole.OFFICER, officer.name, officer.badge), Triple(team.form.role, team.form.name, team.form.badge))
        setup.update { it.copy(pin = "270415", pinAgain = "270415") }
        setup.create()
        assertEquals(TeamRole.OFFICER, setup.state.await("officer") { !it.saving && (it.created?.role == TeamRole.OFFICER || it.error != null) }.created?.role, "${setup.state.value.error}")
        setup.update { it.copy(role = TeamRole.SOCIAL_WORKER, name = "Dina Casework", badge = "KZ-DEMO-SW-1", pin = "111111", pinAgain = "111111") }
        setup.create()
        val trivial = setup.state.await("trivial PIN refused") { !it.saving && it.error != null }
        assertEquals(ErrorText.ERROR_INVALID_INPUT, trivial.error!!.text)
        for ((role, who) in listOf(
            TeamRole.SOCIAL_WORKER to Triple("Dina Casework", "KZ-DEMO-SW-1", "735190"),
            TeamRole.PSYCHOLOGIST to Triple("Saule Examplova", "KZ-DEMO-PSY-02", "480917"),
        )) {
            setup.update { ProfileForm(role, who.first, who.second, who.third, who.third) }
            setup.create()
            assertEquals(role, setup.state.await("$role") { !it.saving && (it.created?.role == role || it.error != null) }.created?.role, "${setup.state.value.error}")
        }
        assertEquals(4, setup.state.value.profiles.size)
        setup.finish()
        assertEquals(TeamRole.SUPERVISOR, (profiles.gate.await("supervisor signed in") { it is ProfileGate.SignedIn } as ProfileGate.SignedIn).profile.role)

        // Sign-in: a wrong PIN counts down; the right one signs in.
        val signIn = SignInModel(scope, profiles, en)
        signIn.signOut()
        profiles.gate.await("signed out") { it == ProfileGate.SignedOut }
        signIn.refresh()
        val listed = signIn.state.await("profiles") { !it.loading }.profiles
        val byRole = listed.associateBy { it.role }
        signIn.select(byRole.getValue(TeamRole.OFFICER).id)
        signIn.setPin("000999")
        signIn.unlock()
        val wrong = signIn.state.await("wrong PIN") { !it.unlocking && it.error != null }
        assertEquals(4, wrong.attemptsLeft)
        assertEquals(ErrorMessage(ErrorText.ERROR_WRONG_PIN, number = 4), wrong.error!!.message)
        assertEquals("", wrong.pin, "the PIN is cleared after every attempt")
        signIn.setPin("270415")
        signIn.unlock()
        assertEquals(TeamRole.OFFICER, signIn.state.await("signed in") { it.signedIn != null || (!it.unlocking && it.error != null) }.signedIn?.role)
        assertEquals(TeamRole.OFFICER, (profiles.gate.value as ProfileGate.SignedIn).profile.role)

        // Referral with consent; status update; consent withdrawn closes it.
        val support = SupportRepository(session)
        val referrals = ReferralsModel(scope, support, phone.cases, phone.caseId, en)
        referrals.refresh()
        assertEquals(phone.survivorId, referrals.state.await("loaded") { !it.loading }.form.personId)
        referrals.update { it.copy(kind = ReferralKind.SHELTER, organisation = "Synthetic Refuge", childrenPlaced = 2) }
        assertFalse(referrals.state.value.canSave, "consent first")
        referrals.update { it.copy(kind = ReferralKind.LEGAL_AID) }
        assertEquals(0, referrals.state.value.form.childrenPlaced, "children only with a shelter or crisis centre")
        referrals.update { it.copy(kind = ReferralKind.SHELTER, childrenPlaced = 2, consentGiven = true) }
        referrals.save()
        val made = referrals.state.await("referral made") { it.referrals.isNotEmpty() || it.error != null }.referrals.single()
        assertEquals(ReferralStatus.PROPOSED, made.status)
        assertEquals(2u, made.referral.childrenPlaced)
        referrals.setStatus(made.referral.id, ReferralStatus.ACCEPTED)
        referrals.state.await("accepted") { it.referrals.single().status == ReferralStatus.ACCEPTED }
        referrals.withdrawConsent(made.referral.id, "She changed her mind (synthetic).")
        val withdrawn = referrals.state.await("withdrawn") { !it.referrals.single().consentActive }.referrals.single()
        assertEquals(ReferralStatus.CANCELLED, withdrawn.status)
        assertFalse(withdrawn.open)
        referrals.setStatus(made.referral.id, ReferralStatus.IN_PROGRESS)
        assertEquals(ErrorText.ERROR_CONFLICT, referrals.state.await("closed") { it.busyId == null && it.error != null }.error!!.text)

        // An intervention with a follow-up, and the week's list.
        val interventions = InterventionsModel(scope, support, phone.cases, phone.caseId, en, today = { LocalDate.of(2026, 11, 20) })
        interventions.refresh()
        val iForm = interventions.state.await("loaded") { !it.loading }.form
        assertEquals(phone.aggressorId, iForm.personId)
        assertEquals("2026-11-27", iForm.nextCheck)
        interventions.update { it.copy(outcome = "Explained the consequences (synthetic).") }
        interventions.save()
        assertEquals(1, interventions.state.await("recorded") { it.interventions.isNotEmpty() || it.error != null }.interventions.size)
        val due = DueThisWeekModel(scope, support, phone.cases, en, today = { LocalDate.of(2026, 11, 22) })
        due.refresh()
        val row = due.state.await("due") { !it.loading }.thisWeek.single()
        assertEquals("2026-11-27", row.item.due)
        assertEquals("Nurlan Sampleuly", row.personName)
        assertTrue(row.item.reason is DueReason.InterventionFollowUp)

        // The officer may not record an assessment: the core refuses, the screen says so.
        val assessments = AssessmentRepository(session)
        val asOfficer = AssessmentFormModel(scope, assessments, phone.cases, phone.caseId, en) { profiles.current()?.role }
        asOfficer.refresh()
        val officerForm = asOfficer.state.await("instruments") { !it.loading }
        assertTrue(officerForm.psychologistsOnlyNote)
        officerForm.items.forEachIndexed { i, item -> asOfficer.answer(item.id, if (i < 11) Answer.YES else Answer.NO) }
        // The preview is pure (no role needed): every role sees the score as the form fills.
        assertEquals(11u, asOfficer.state.await("officer's preview") { it.preview?.unanswered == 0u }.preview?.score)
        asOfficer.save()
        val denied = asOfficer.state.await("refused") { !it.saving && it.error != null }.error!!
        assertTrue(denied.denied)
        assertEquals(ErrorText.ERROR_PERMISSION_DENIED, denied.text)

        // The psychologist: the DASH-style checklist, then the weighted example with its calendar.
        signIn.signOut()
        profiles.gate.await("signed out") { it == ProfileGate.SignedOut }
        signIn.select(byRole.getValue(TeamRole.PSYCHOLOGIST).id)
        signIn.setPin("480917")
        signIn.unlock()
        assertEquals(TeamRole.PSYCHOLOGIST, signIn.state.await("psychologist") { it.signedIn?.role == TeamRole.PSYCHOLOGIST || it.error != null }.signedIn?.role)
        val form = AssessmentFormModel(scope, assessments, phone.cases, phone.caseId, en) { profiles.current()?.role }
        form.refresh()
        val dash = form.state.await("instruments") { !it.loading }
        assertFalse(dash.psychologistsOnlyNote)
        assertEquals("dash-style-kz", dash.instrumentKey?.first)
        assertEquals("Is the survivor injured now, from this incident?", dash.items.first().text, "items in the UI language")
        assertEquals(listOf(Answer.YES, Answer.NO, Answer.DONT_KNOW), dash.answerOptions)
        assertEquals(phone.survivorId, dash.survivorId)
        // The live preview before any answer: nothing scored, every required question left.
        val empty = form.state.await("first preview") { it.preview != null }
        assertEquals(0u, empty.preview!!.score)
        assertEquals(dash.items.count { it.required }, empty.questionsLeft)
        // A partial form: the core's score so far, its level in the UI language, questions left.
        dash.items.forEachIndexed { i, item -> if (i < 26) form.answer(item.id, if (i < 11) Answer.YES else Answer.DONT_KNOW) }
        assertEquals(1, form.state.value.unanswered)
        val partial = form.state.await("partial preview") { it.preview?.unanswered == 1u }
        assertEquals(11u, partial.preview!!.score)
        assertEquals("medium", partial.preview.level)
        assertEquals("Medium", partial.previewLevel)
        assertEquals(1, partial.questionsLeft)
        assertFalse(form.state.value.canSave, "a required item unanswered")
        form.answer(dash.items.last().id, Answer.NO)
        assertEquals(0, form.state.await("all answered") { it.preview?.unanswered == 0u }.questionsLeft)
        form.update { it.copy(protectionOrder = true, followUp = "2026-12-01", notes = "SECRET-NOTE (synthetic)") }
        form.save()
        val recorded = form.state.await("recorded") { it.recorded != null || it.error != null }
        assertEquals("medium", recorded.recorded?.level, "error: ${recorded.error}")
        assertEquals(11u, recorded.recorded!!.score)
        assertEquals("Medium", recorded.recordedLevel)
        assertEquals("", recorded.notes, "notes leave the screen's state once sealed")
        assertNull(recorded.preview, "no preview once recorded")

        val weighted = AssessmentFormModel(scope, assessments, phone.cases, phone.caseId, language = { UiLanguage.KK }) { profiles.current()?.role }
        weighted.refresh()
        weighted.state.await("instruments") { !it.loading }
        weighted.chooseInstrument("example-weighted", "0.1.0")
        val w = weighted.state.value
        assertTrue(w.hasCalendar)
        assertEquals(5, w.maxSeverity)
        assertEquals(listOf(Answer.YES, Answer.NO), w.answerOptions, "no \"don't know\" on this instrument")
        w.items.forEach { weighted.answer(it.id, if (it.id == "q1" || it.id == "q9") Answer.YES else Answer.NO) }
        weighted.update { it.copy(calendarDate = "2026-10-01", calendarSeverity = 3) }
        weighted.addIncident()
        assertEquals(1, weighted.state.value.calendar.size)
        // The preview counts the incident calendar too (the same 4 + 1 + 1 the recording gives).
        val wp = weighted.state.await("weighted preview") { it.preview?.score == 6u }
        assertEquals("elevated", wp.preview!!.level)
        assertTrue(wp.previewLevel.isNotBlank() && wp.previewLevel != "elevated", "the level in Kazakh: ${wp.previewLevel}")
        weighted.update { it.copy(overrideLevel = "severe") }
        assertFalse(weighted.state.value.canSave, "an override needs its reason")
        weighted.update { it.copy(overrideReason = "Strangulation attempt described (synthetic).", shelter = true) }
        weighted.save()
        val w2 = weighted.state.await("weighted recorded") { it.recorded != null || it.error != null }
        assertEquals(6u, w2.recorded?.score, "4 + 1 + 1 for a severity-3 incident; error: ${w2.error}")
        assertEquals("elevated", w2.recorded!!.computedLevel)
        assertEquals("severe", w2.recorded.level)
        assertTrue(w2.recorded.overridden)

        // Every role sees the level; the psychologist also the answers and notes.
        val list = AssessmentsModel(scope, assessments, phone.cases, phone.caseId, en)
        list.refresh()
        val rows = list.state.await("assessments") { !it.loading && it.trend.size == 2 }
        assertEquals(listOf("Medium", "Severe (example)"), rows.rows.map { it.levelLabel })
        assertEquals(listOf("Medium", "Severe (example)"), rows.trend.map { it.levelLabel })
        list.showDetail(rows.rows.first().summary.id)
        val detail = list.state.await("detail") { !it.busy && (it.detail != null || it.detailRefused != null || it.error != null) }
        assertEquals("SECRET-NOTE (synthetic)", detail.detail?.detail?.clinical?.notes, "refused: ${detail.detailRefused}")
        assertEquals("Is the survivor injured now, from this incident?" to Answer.YES, detail.detail!!.answers.first())

        // Back to the officer: the level, not the answers; the refusal said plainly and audited.
        signIn.signOut()
        profiles.gate.await("signed out") { it == ProfileGate.SignedOut }
        signIn.select(byRole.getValue(TeamRole.OFFICER).id)
        signIn.setPin("270415")
        signIn.unlock()
        signIn.state.await("officer again") { it.signedIn?.role == TeamRole.OFFICER || it.error != null }
        val officerList = AssessmentsModel(scope, assessments, phone.cases, phone.caseId, en)
        officerList.refresh()
        val officerRows = officerList.state.await("assessments") { !it.loading }
        assertEquals(listOf("medium", "severe"), officerRows.rows.map { it.summary.level })
        assertTrue(officerRows.rows.first().summary.recommendations.protectionOrder)
        officerList.showDetail(officerRows.rows.first().summary.id)
        val refusedDetail = officerList.state.await("refused") { !it.busy && (it.detail != null || it.detailRefused != null || it.error != null) }
        assertNull(refusedDetail.detail)
        assertEquals(ErrorText.ERROR_PERMISSION_DENIED, refusedDetail.detailRefused?.text)
        val log = runBlocking { phone.sessions.session.store.custodyLog(phone.caseId) }
        assertEquals(1, log.count { it.entry.kind == EventKind.ACCESS_DENIED && it.detail.orEmpty().contains("clinical_content") }, "the refused read is in the custody chain")

        // Five wrong PINs lock a profile out; the screen shows until when.
        signIn.signOut()
        signIn.select(byRole.getValue(TeamRole.SOCIAL_WORKER).id)
        for (left in 4 downTo 0) {
            signIn.setPin("000999")
            signIn.unlock()
            signIn.state.await("attempt, $left left") { !it.unlocking && it.attemptsLeft == left }
        }
        val locked = signIn.state.await("locked, listed") { it.selected?.lockedUntil != null }
        val until = locked.lockedUntil(Instant.now())
        assertNotNull(until, "locked out now")
        assertTrue(until!!.isAfter(Instant.now().plusSeconds(60)))
        assertTrue(until.isBefore(Instant.now().plus(Duration.ofMinutes(30))), "a few minutes ahead: $until")
        // The message by kind, with the core's time (an Instant, shown in the phone's zone).
        assertEquals(ErrorMessage(ErrorText.ERROR_PROFILE_LOCKED, time = until), locked.error!!.message)
        assertEquals(until, locked.lockedUntilFromCore)
        signIn.setPin("735190")
        signIn.unlock()
        val still = signIn.state.await("still locked") { !it.unlocking && it.error != null }.error!!
        assertEquals(ErrorMessage(ErrorText.ERROR_PROFILE_LOCKED, time = until), still.message)
        assertNull(signIn.state.value.signedIn)
        assertTrue(runBlocking { phone.cases.verify(phone.caseId) }.ok)
    }

    @Test
    fun `the station key is offered to a signed-in supervisor only, and the core refuses anyone else`() {
        val phone = phone()
        val session = { phone.sessions.session }
        val checks = CheckRepository(session)
        val profiles = ProfileRepository(session)
        runBlocking { profiles.refreshGate() }
        val incoming = File(tmp, "incoming")
        val (keyHex, registry) = stationRegistry(File(tmp, "registry.jsonl"))
        val model = StationKeyModel(scope, checks, incoming, en) { profiles.current()?.role }

        // Nobody signed in: the action is not offered, the screen says who may; the core agrees.
        model.refresh()
        model.setKey(keyHex)
        val nobody = model.state.value
        assertTrue(nobody.supervisorOnly && !nobody.mayChangeKey && !nobody.canTrust, "$nobody")
        assertTrue(nobody.keyValid)
        model.trust()
        assertFalse(model.state.value.busy || model.state.value.trusted, "nothing asked of the core")
        assertThrows<QorgauException.PermissionDenied> { runBlocking { checks.trustStationKey(keyHex) } }

        // An officer signed in (through the sign-in screen's model): the same. The supervisor's
        // profile comes first; she adds the officer, signed in, then signs out (issue 11).
        val leadProfile = runBlocking { profiles.create(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203") }
        val officerProfile = runBlocking {
            profiles.unlock(leadProfile.id, "864203")
            profiles.create(TeamRole.OFFICER, officer.name, officer.badge, "270415").also { profiles.signOut() }
        }
        val signIn = SignInModel(scope, profiles, en)
        signIn.refresh()
        signIn.state.await("profiles") { !it.loading }
        signIn.select(officerProfile.id)
        signIn.setPin("270415")
        signIn.unlock()
        assertEquals(TeamRole.OFFICER, signIn.state.await("officer") { it.signedIn != null || (!it.unlocking && it.error != null) }.signedIn?.role)
        model.refresh()
        assertTrue(model.state.value.supervisorOnly)
        model.trust()
        assertFalse(model.state.value.busy || model.state.value.trusted)
        assertThrows<QorgauException.PermissionDenied> { runBlocking { checks.trustStationKey(keyHex) } }

        // A screen that still believes a supervisor is signed in: the core refuses, the screen
        // withdraws the action and says why (not a generic error).
        val stale = StationKeyModel(scope, checks, incoming, en) { TeamRole.SUPERVISOR }
        stale.setKey(keyHex)
        assertTrue(stale.state.value.canTrust)
        stale.trust()
        val refused = stale.state.await("refused by the core") { !it.busy && (it.trusted || it.error != null || it.refusedBySupervisorRule) }
        assertTrue(refused.refusedBySupervisorRule && refused.supervisorOnly && !refused.trusted, "$refused")
        assertNull(refused.error)
        // Nothing trusted: the registry signed with that key is refused, nothing changed.
        model.importRegistry { registry.inputStream() }
        val notTrusted = model.state.await("import refused") { !it.busy && (it.imported != null || it.error != null) }
        assertNull(notTrusted.imported)
        assertEquals(ErrorText.ERROR_INVALID_REGISTRY, notTrusted.error?.text)
        assertTrue(incoming.listFiles().orEmpty().isEmpty(), "the copy of a refused registry is deleted")

        // The supervisor signed in: offered; a mistyped key is held back; the key trusted.
        signIn.signOut()
        profiles.gate.await("signed out") { it == ProfileGate.SignedOut }
        signIn.select(leadProfile.id)
        signIn.setPin("864203")
        signIn.unlock()
        assertEquals(TeamRole.SUPERVISOR, signIn.state.await("supervisor") { it.signedIn?.role == TeamRole.SUPERVISOR || (!it.unlocking && it.error != null) }.signedIn?.role)
        model.refresh()
        assertTrue(model.state.value.mayChangeKey && !model.state.value.supervisorOnly)
        model.setKey(keyHex.dropLast(1) + "g")
        assertTrue(model.state.value.keyProblem)
        assertFalse(model.state.value.canTrust)
        model.setKey(keyHex.uppercase().chunked(8).joinToString(" "))
        assertEquals(keyHex, model.state.value.keyHex, "spaces dropped, lower case")
        assertTrue(model.state.value.canTrust)
        model.trust()
        val trusted = model.state.await("trusted") { !it.busy && (it.trusted || it.error != null || it.refusedBySupervisorRule) }
        assertTrue(trusted.trusted, "$trusted")
        assertEquals("", trusted.keyHex)
        model.importRegistry { registry.inputStream() }
        val imported = model.state.await("imported") { !it.busy && (it.imported != null || it.error != null) }
        assertEquals(1uL, imported.imported?.sequence, "error: ${imported.error}")
        assertTrue(incoming.listFiles().orEmpty().isEmpty(), "the copy is deleted once imported")

        // The screen's words, in all three languages.
        for (dir in listOf("values", "values-kk", "values-ru")) {
            val doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(File(System.getProperty("user.dir"), "../app/src/main/res/$dir/strings.xml"))
            val nodes = doc.getElementsByTagName("string")
            val names = (0 until nodes.length).map { nodes.item(it).attributes.getNamedItem("name").nodeValue }.toSet()
            for (key in listOf("station_key_supervisor_only", "station_key_trust", "station_key_trusted", "registry_by_hand_title", "registry_import", "registry_imported")) {
                assertTrue(key in names, "$key in $dir")
            }
        }
    }
}
