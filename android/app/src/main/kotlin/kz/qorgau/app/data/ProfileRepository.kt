package kz.qorgau.app.data

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext
import kz.qorgau.core.FieldSession
import kz.qorgau.ffi.LockReason
import kz.qorgau.ffi.Profile
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Uuid

/** Who is using the phone, as far as the screens are concerned. */
sealed interface ProfileGate {
    data object Loading : ProfileGate
    /** No profile on the phone yet: the first-run screen creates them. */
    data object FirstRun : ProfileGate
    /** Profiles exist, nobody is signed in: the sign-in screen. */
    data object SignedOut : ProfileGate
    data class SignedIn(val profile: Profile) : ProfileGate
}

/**
 * Profiles on a shared phone (officer, psychologist, social worker, supervisor), each unlocked
 * with its PIN. The core holds the acting profile and decides what each role may do; this
 * class only mirrors "who is signed in" for the screens ([gate]). PIN checks (PBKDF2) and the
 * lock-out are the core's, run on [io].
 */
class ProfileRepository(
    private val session: () -> FieldSession,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val store get() = session().store
    private val _gate = MutableStateFlow<ProfileGate>(ProfileGate.Loading)
    val gate: StateFlow<ProfileGate> = _gate.asStateFlow()

    /** Reads the profiles and the acting one (after the store opened). */
    suspend fun refreshGate() {
        _gate.value = withContext(io) {
            // The core's session (it locks on idle first): a screen recreated while the process
            // survived finds nobody signed in after a background lock.
            val current = store.sessionState().profile
            when {
                current != null -> ProfileGate.SignedIn(current)
                store.profiles().isEmpty() -> ProfileGate.FirstRun
                else -> ProfileGate.SignedOut
            }
        }
    }

    suspend fun profiles(): List<Profile> = withContext(io) { store.profiles() }

    /** The device's officer from setup: the first profile's suggested name and badge. */
    suspend fun deviceOfficer() = withContext(io) { store.device().profile.officer }

    /** Who is signed in, as the core says now (not the [gate]'s mirror). */
    suspend fun signedIn(): Profile? = withContext(io) { store.currentProfile() }

    /**
     * Creates a profile. The core's rule (issue 11): the first profile on a phone is the
     * supervisor's; after that only a signed-in supervisor creates profiles (PermissionDenied).
     */
    suspend fun create(role: TeamRole, name: String, badge: String, pin: String): Profile =
        withContext(io) { store.createProfile(role, name.trim(), badge.trim(), pin) }

    /**
     * First run: the supervisor just made is signed in with the PIN she chose, so that she adds
     * the others on the same screen. The [gate] stays [ProfileGate.FirstRun] until
     * [finishFirstRun]; every lock (background, idle) still applies in the core.
     */
    suspend fun signInDuringFirstRun(id: Uuid, pin: String): Profile = withContext(io) {
        store.noteActivity()
        store.unlockProfile(id, pin)
    }

    /**
     * Hands the clinical key to the psychologist [id]: a psychologist who holds it is signed in,
     * the colleague types her own [pin] (WrongPin / ProfileLocked count towards her lock-out).
     */
    suspend fun grantClinicalAccess(id: Uuid, pin: String): Profile = withContext(io) { store.grantClinicalAccess(id, pin) }

    /** First run is over (at least one profile exists): on to the signed-in screens if the
     *  supervisor is still signed in, else to sign-in. */
    suspend fun finishFirstRun() = refreshGate()

    /** Unlocks [id] with [pin]; throws WrongPin / ProfileLocked as the core does. */
    suspend fun unlock(id: Uuid, pin: String): Profile {
        val p = withContext(io) {
            store.noteActivity() // the idle clock starts at the sign-in
            store.unlockProfile(id, pin)
        }
        _gate.value = ProfileGate.SignedIn(p)
        return p
    }

    /** Signs out: the core drops the acting profile (and the clinical key it held). */
    suspend fun signOut() {
        withContext(io) { store.lockSession(LockReason.SIGNED_OUT) }
        _gate.value = ProfileGate.SignedOut
    }

    /** The core's session was locked (SessionGateModel): the sign-in screen, no profile. */
    fun locked() {
        if (_gate.value is ProfileGate.SignedIn) _gate.value = ProfileGate.SignedOut
    }

    fun current(): Profile? = (gate.value as? ProfileGate.SignedIn)?.profile
}
