package kz.qorgau.app

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kz.qorgau.app.capture.CaptureFiles
import kz.qorgau.app.data.ProfileGate
import kz.qorgau.app.data.ProfileRepository
import kz.qorgau.app.data.SessionManager
import kz.qorgau.app.data.TransientFiles
import kz.qorgau.app.model.SessionGateModel
import kz.qorgau.app.model.SignInModel
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.LockReason
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.Profile
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.fileKeyStore
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File

/**
 * The lock model (issue 11) over the real core: background, idle, quick-hide and sign-out lock
 * the core's session, a screen model made again while the process survived still asks for the
 * PIN, exports and printed orders go on lock, stale captures expire.
 */
class SessionGateTest {
    @TempDir lateinit var tmp: File
    private lateinit var scope: CoroutineScope
    private val en = { UiLanguage.EN }
    private val officer = TeamMember(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417")
    private val pin = "864203"

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

    private class Phone(val sessions: SessionManager, val lead: Profile, val exports: File, val documents: File)

    /** A set-up phone with a supervisor profile (the first profile on a phone). */
    private fun phone(): Phone {
        val sessions = SessionManager(File(tmp, "store"), fileKeyStore(File(tmp, "device.key").path))
        runBlocking { sessions.setUp(DeviceProfile("JVM test phone", "DV team 3 (synthetic)", officer)) }
        val lead = runBlocking { ProfileRepository({ sessions.session }).create(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", pin) }
        return Phone(sessions, lead, File(tmp, "exports"), File(tmp, "documents"))
    }

    /** What the app makes once per process over an open store. */
    private fun app(phone: Phone): Pair<ProfileRepository, SessionGateModel> {
        val profiles = ProfileRepository({ phone.sessions.session })
        val files = TransientFiles(phone.exports, phone.documents)
        return profiles to SessionGateModel({ phone.sessions.session.store }, profiles) { files.purgeAll() }
    }

    private fun signIn(profiles: ProfileRepository, phone: Phone): SignInModel {
        val signIn = SignInModel(scope, profiles, en)
        signIn.refresh()
        signIn.state.await("profiles") { !it.loading }
        signIn.select(phone.lead.id)
        signIn.setPin(pin)
        signIn.unlock()
        assertEquals(TeamRole.SUPERVISOR, signIn.state.await("signed in") { it.signedIn != null || (!it.unlocking && it.error != null) }.signedIn?.role)
        return signIn
    }

    @Test
    fun `background locks at once, and a screen model made again over the same store still asks for the PIN`() {
        val phone = phone()
        val (profiles, gate) = app(phone)
        signIn(profiles, phone)
        assertTrue(gate.showsContent)
        assertTrue(gate.userActivity())
        // Files that left the store, as export and printing leave them.
        File(phone.exports, "case-1/manifest.json").apply { parentFile.mkdirs() }.writeText("{}")
        File(phone.documents, "ORD-1-served-kk.pdf").apply { parentFile.mkdirs() }.writeText("%PDF")

        val before = gate.state.value.generation
        gate.onBackground()
        assertEquals(ProfileGate.SignedOut, profiles.gate.value)
        assertFalse(gate.showsContent)
        assertEquals(before + 1, gate.state.value.generation, "the signed-in screens are dropped")
        assertEquals(LockReason.BACKGROUND, gate.state.value.lastLock)
        val core = phone.sessions.session.store.sessionState()
        assertNull(core.profile, "the core forgot the profile")
        assertEquals(LockReason.BACKGROUND, core.lastLock)
        assertNull(phone.sessions.session.store.currentProfile())
        assertEquals(emptyList<String>(), phone.exports.list()!!.toList(), "exports purged on lock")
        assertEquals(emptyList<String>(), phone.documents.list()!!.toList(), "printed orders purged on lock")

        // The activity is recreated, the process survived: new repository, gate and screen model
        // over the same open store. Nobody is signed in; the sign-in screen asks for the PIN.
        val (again, gateAgain) = app(phone)
        runBlocking { again.refreshGate() }
        assertEquals(ProfileGate.SignedOut, again.gate.value)
        gateAgain.onForeground()
        assertFalse(gateAgain.showsContent)
        val screen = SignInModel(scope, again, en)
        screen.refresh()
        val s = screen.state.await("sign-in") { !it.loading }
        assertNull(s.signedIn)
        assertFalse(gateAgain.userActivity(), "a touch does not bring the profile back")
        assertEquals(ProfileGate.SignedOut, again.gate.value)

        // The PIN again, then sign-out through the gate.
        signIn(again, phone)
        assertTrue(gateAgain.showsContent)
        gateAgain.signOut()
        assertEquals(LockReason.SIGNED_OUT, phone.sessions.session.store.sessionState().lastLock)
        assertFalse(gateAgain.showsContent)
    }

    @Test
    fun `idle limit locks on the next touch or check, quick-hide shows a neutral screen`() {
        val phone = phone()
        val (profiles, gate) = app(phone)
        val store = phone.sessions.session.store
        store.setIdleLimit(1u)
        signIn(profiles, phone)
        assertTrue(gate.userActivity())
        assertTrue(gate.showsContent)
        Thread.sleep(1_600)
        assertFalse(gate.userActivity(), "the idle limit passed")
        assertEquals(ProfileGate.SignedOut, profiles.gate.value)
        assertEquals(LockReason.IDLE, gate.state.value.lastLock)
        assertNull(store.sessionState().profile)

        // The periodic check locks an untouched screen too.
        signIn(profiles, phone)
        val watch = scope.launch { gate.watchIdle(everyMs = 200) }
        profiles.gate.await("idle lock by the watch", ms = 10_000) { it == ProfileGate.SignedOut }
        watch.cancel()
        assertEquals(LockReason.IDLE, store.sessionState().lastLock)

        // Quick-hide: locked, neutral until tapped, then the PIN gate.
        store.setIdleLimit(120u)
        signIn(profiles, phone)
        gate.quickHide()
        assertTrue(gate.state.value.neutral)
        assertEquals(LockReason.QUICK_HIDE, store.sessionState().lastLock)
        assertNull(store.sessionState().profile)
        assertFalse(gate.showsContent)
        gate.leaveNeutral()
        assertFalse(gate.state.value.neutral)
        assertEquals(ProfileGate.SignedOut, profiles.gate.value)

        // A picker opened from the app does not lock on the way out; a plain background does.
        signIn(profiles, phone)
        gate.expectExternal()
        gate.onBackground()
        gate.onForeground()
        assertTrue(gate.showsContent, "back from the file picker within the idle limit")
        gate.onBackground()
        assertFalse(gate.showsContent)
    }

    @Test
    fun `captures older than a day expire, newer ones stay pending`() {
        val files = CaptureFiles(File(tmp, "captures"))
        val old = files.newFile("case-a", MediaKind.PHOTO).apply { writeText("jpeg") }
        val fresh = files.newFile("case-b", MediaKind.AUDIO).apply { writeText("aac") }
        val now = System.currentTimeMillis()
        old.setLastModified(now - CaptureFiles.MAX_AGE_MS - 60_000)
        assertEquals(1, files.expire(now = now))
        assertFalse(old.exists())
        assertFalse(File(tmp, "captures/case-a").exists(), "the emptied case directory goes too")
        assertEquals(listOf(fresh), files.pending("case-b"))
    }
}
