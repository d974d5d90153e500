package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.ProfileRepository
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.Profile
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Uuid
import java.time.Instant
import kotlin.coroutines.cancellation.CancellationException

/** A new profile as typed. The PIN rules (6–12 digits, not trivial) are the core's. */
data class ProfileForm(
    val role: TeamRole = TeamRole.OFFICER,
    val name: String = "",
    val badge: String = "",
    val pin: String = "",
    val pinAgain: String = "",
) {
    val pinsDiffer: Boolean get() = pinAgain.isNotEmpty() && pin != pinAgain
    val complete: Boolean get() = name.isNotBlank() && badge.isNotBlank() && pin.isNotEmpty() && pin == pinAgain
}

/** Who may add a profile now, by the core's rule (issue 11). The core checks it again. */
enum class AddProfileRule {
    /** No profile on the phone: the first one is the supervisor's. */
    FIRST_SUPERVISOR,
    /** Profiles but no supervisor (a phone set up before the rule): the signed-in profile adds
     *  the supervisor, and nothing else. */
    SUPERVISOR_MISSING,
    /** The supervisor is signed in: any role. */
    SUPERVISOR_SIGNED_IN,
    /** Nobody here may add one: the supervisor must sign in. */
    SUPERVISOR_MUST_SIGN_IN,
}

data class ProfileSetupState(
    val loading: Boolean = true,
    /** Profiles already on the phone (from earlier, or made on this screen). */
    val profiles: List<Profile> = emptyList(),
    /** Who is signed in, as the core said at the last refresh. */
    val signedIn: Profile? = null,
    val form: ProfileForm = ProfileForm(),
    val saving: Boolean = false,
    val error: UiError? = null,
    /** The profile made last (for a confirmation line). */
    val created: Profile? = null,
) {
    val rule: AddProfileRule
        get() = when {
            profiles.isEmpty() -> AddProfileRule.FIRST_SUPERVISOR
            profiles.none { it.role == TeamRole.SUPERVISOR } ->
                if (signedIn != null) AddProfileRule.SUPERVISOR_MISSING else AddProfileRule.SUPERVISOR_MUST_SIGN_IN
            signedIn?.role == TeamRole.SUPERVISOR -> AddProfileRule.SUPERVISOR_SIGNED_IN
            else -> AddProfileRule.SUPERVISOR_MUST_SIGN_IN
        }

    /** The roles the form offers; empty: no form, [rule] says why. */
    val roles: List<TeamRole>
        get() = when (rule) {
            AddProfileRule.FIRST_SUPERVISOR, AddProfileRule.SUPERVISOR_MISSING -> listOf(TeamRole.SUPERVISOR)
            AddProfileRule.SUPERVISOR_SIGNED_IN -> TeamRole.entries
            AddProfileRule.SUPERVISOR_MUST_SIGN_IN -> emptyList()
        }

    val canCreate: Boolean get() = !loading && !saving && form.role in roles && form.complete
    val canFinish: Boolean get() = !saving && profiles.isNotEmpty()

    /** A psychologist who does not hold the key to clinical notes yet. */
    fun waitingForClinicalKey(p: Profile): Boolean = p.role == TeamRole.PSYCHOLOGIST && !p.clinicalAccess

    /** The signed-in psychologist holds the clinical key and may hand it to [p]. */
    fun mayHandOverTo(p: Profile): Boolean {
        val me = signedIn ?: return false
        return me.role == TeamRole.PSYCHOLOGIST && me.clinicalAccess && me.id != p.id && waitingForClinicalKey(p)
    }
}

/**
 * Profiles on a shared phone — officer, psychologist, social worker, supervisor — each with a
 * PIN. The core's rule (issue 11): the first profile is the supervisor's (on first run she is
 * signed in with the PIN she chose, to add the others at once); after that only a signed-in
 * supervisor adds profiles. The screen offers only what that rule allows ([AddProfileRule]); a
 * refusal (a stale screen, a lock in between) is shown and the screen asks the core again.
 */
class ProfileSetupModel(
    private val scope: CoroutineScope,
    private val profiles: ProfileRepository,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(ProfileSetupState())
    val state: StateFlow<ProfileSetupState> = _state.asStateFlow()

    fun refresh() {
        scope.launch { load() }
    }

    private suspend fun load() {
        when (val r = attempt { Triple(profiles.profiles(), profiles.signedIn(), profiles.deviceOfficer()) }) {
            is Outcome.Ok -> _state.update { s ->
                val (list, signedIn, officer) = r.value
                val next = s.copy(loading = false, profiles = list, signedIn = signedIn)
                val roles = next.roles
                val form = when {
                    // The supervisor adds the team: suggest the officer the phone was set up for.
                    next.rule == AddProfileRule.SUPERVISOR_SIGNED_IN && s.form.name.isEmpty() && s.form.badge.isEmpty() &&
                        list.none { it.badge == officer.badge } -> s.form.copy(role = TeamRole.OFFICER, name = officer.name, badge = officer.badge)
                    s.form.role !in roles && roles.isNotEmpty() -> s.form.copy(role = roles.first())
                    else -> s.form
                }
                next.copy(form = form)
            }
            is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
        }
    }

    fun update(transform: (ProfileForm) -> ProfileForm) = _state.update { it.copy(form = transform(it.form), error = null) }

    fun create() {
        val s = state.value
        if (!s.canCreate) return
        val firstRun = s.rule == AddProfileRule.FIRST_SUPERVISOR
        _state.update { it.copy(saving = true, error = null, created = null) }
        scope.launch {
            val r = attempt {
                val p = profiles.create(s.form.role, s.form.name, s.form.badge, s.form.pin)
                if (firstRun) profiles.signInDuringFirstRun(p.id, s.form.pin)
                p
            }
            // The PIN leaves the state as soon as the core has it.
            when (r) {
                is Outcome.Ok -> _state.update { it.copy(created = r.value, form = ProfileForm(role = s.form.role)) }
                is Outcome.Failed -> _state.update { it.copy(error = r.error, form = it.form.copy(pin = "", pinAgain = "")) }
            }
            // Who is signed in and what may be added next, from the core (also after a refusal).
            load()
            _state.update { it.copy(saving = false) }
        }
    }

    /** Leaves first run: to the signed-in screens (the supervisor) or to sign-in. */
    fun finish() {
        if (!state.value.canFinish) return
        scope.launch { attempt { profiles.finishFirstRun() } }
    }
}

data class HandOverState(
    /** The psychologist who receives the clinical key; null: no hand-over under way. */
    val to: Profile? = null,
    /** Her PIN as she types it; cleared at every attempt. */
    val pin: String = "",
    val busy: Boolean = false,
    val error: UiError? = null,
    /** Wrong PINs she has left before her profile locks (the core's count). */
    val attemptsLeft: Int? = null,
    /** The colleague who now holds the key (the last hand-over). */
    val handedTo: Profile? = null,
) {
    val canHandOver: Boolean get() = to != null && !busy && pin.isNotEmpty()
}

/**
 * Hands the key to clinical notes to a psychologist who was added while a colleague held it
 * (issue 11): the signed-in psychologist holding the key starts it ([start]), the newcomer
 * types her own PIN on the same phone ([setPin], [handOver]). The core checks both and audits
 * the hand-over; a wrong PIN counts towards her lock-out. [onHandedOver] refreshes the list.
 */
class ClinicalKeyModel(
    private val scope: CoroutineScope,
    private val profiles: ProfileRepository,
    private val language: () -> UiLanguage,
    private val onHandedOver: () -> Unit = {},
) {
    private val _state = MutableStateFlow(HandOverState())
    val state: StateFlow<HandOverState> = _state.asStateFlow()

    fun start(colleague: Profile) {
        if (!state.value.busy) _state.value = HandOverState(to = colleague)
    }

    fun setPin(pin: String) = _state.update { it.copy(pin = pin.filter(Char::isDigit).take(12), error = null) }

    fun cancel() {
        if (!state.value.busy) _state.value = HandOverState()
    }

    fun handOver() {
        val s = state.value
        val to = s.to ?: return
        if (!s.canHandOver) return
        // Her PIN leaves the state at once, whatever the answer.
        _state.update { it.copy(busy = true, pin = "", error = null) }
        scope.launch {
            try {
                val p = profiles.grantClinicalAccess(to.id, s.pin)
                _state.value = HandOverState(handedTo = p)
                onHandedOver()
            } catch (e: CancellationException) {
                throw e
            } catch (e: QorgauException.WrongPin) {
                _state.update { it.copy(busy = false, error = UiError.of(e), attemptsLeft = e.attemptsLeft.toInt()) }
            } catch (e: QorgauException.ProfileLocked) {
                _state.update { it.copy(busy = false, error = UiError.of(e), attemptsLeft = 0) }
            } catch (e: Exception) {
                _state.update { it.copy(busy = false, error = UiError.of(e)) }
            }
        }
    }
}

data class SignInState(
    val loading: Boolean = true,
    val profiles: List<Profile> = emptyList(),
    val selectedId: Uuid? = null,
    val pin: String = "",
    val unlocking: Boolean = false,
    val error: UiError? = null,
    /** Wrong PINs left before the lock-out, from the core's last refusal. */
    val attemptsLeft: Int? = null,
    /** End of the lock-out, from the core's refusal (it survives a restart: see [lockedUntil]). */
    val lockedUntilFromCore: Instant? = null,
    val signedIn: Profile? = null,
) {
    val selected: Profile? get() = profiles.firstOrNull { it.id == selectedId }
    val canUnlock: Boolean get() = !unlocking && selected != null && pin.isNotEmpty()

    /** The profile is locked out at [now]: until when (from the refusal, or as listed). */
    fun lockedUntil(now: Instant): Instant? = (lockedUntilFromCore ?: selected?.lockedUntil)?.takeIf { it.isAfter(now) }
}

/** Sign-in: choose a profile, enter its PIN; wrong PINs count down to a lock-out (the core's). */
class SignInModel(
    private val scope: CoroutineScope,
    private val profiles: ProfileRepository,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(SignInState())
    val state: StateFlow<SignInState> = _state.asStateFlow()

    fun refresh() {
        scope.launch {
            when (val r = attempt { profiles.profiles() }) {
                is Outcome.Ok -> _state.update { s ->
                    s.copy(loading = false, profiles = r.value, selectedId = s.selectedId ?: r.value.singleOrNull()?.id)
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun select(id: Uuid) = _state.update {
        if (it.selectedId == id) it else it.copy(selectedId = id, pin = "", error = null, attemptsLeft = null, lockedUntilFromCore = null)
    }

    fun setPin(pin: String) = _state.update { it.copy(pin = pin.filter(Char::isDigit).take(12), error = null) }

    fun unlock() {
        val s = state.value
        val id = s.selectedId ?: return
        if (!s.canUnlock) return
        // The PIN is cleared from the state at once, whatever the answer.
        _state.update { it.copy(unlocking = true, pin = "", error = null) }
        scope.launch {
            try {
                val p = profiles.unlock(id, s.pin)
                _state.update { it.copy(unlocking = false, signedIn = p, attemptsLeft = null, lockedUntilFromCore = null) }
            } catch (e: CancellationException) {
                throw e
            } catch (e: QorgauException.WrongPin) {
                _state.update { it.copy(unlocking = false, error = UiError.of(e), attemptsLeft = e.attemptsLeft.toInt()) }
            } catch (e: QorgauException.ProfileLocked) {
                _state.update {
                    it.copy(unlocking = false, error = UiError.of(e), attemptsLeft = 0, lockedUntilFromCore = e.until)
                }
                refresh() // the listed profile now carries the lock-out too
            } catch (e: Exception) {
                _state.update { it.copy(unlocking = false, error = UiError.of(e)) }
            }
        }
    }

    fun signOut() {
        scope.launch {
            attempt { profiles.signOut() }
            _state.update { it.copy(signedIn = null, pin = "") }
        }
    }
}
