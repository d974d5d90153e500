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
import kz.qorgau.app.data.valueOrNull
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

data class ProfileSetupState(
    val loading: Boolean = true,
    /** Profiles already on the phone (from earlier, or made on this screen). */
    val profiles: List<Profile> = emptyList(),
    val form: ProfileForm = ProfileForm(),
    val saving: Boolean = false,
    val error: UiError? = null,
    /** The profile made last (for a confirmation line). */
    val created: Profile? = null,
) {
    val canCreate: Boolean get() = !saving && form.complete
    val canFinish: Boolean get() = !saving && profiles.isNotEmpty()
}

/**
 * Profiles on a shared phone: on first run (and later, from the menu) one per person who uses
 * it — officer, psychologist, social worker, supervisor — each with a PIN. The core decides
 * what each role may do and whether a profile may be made (a second psychologist needs a
 * psychologist signed in, to hand over the clinical key); its refusal is shown as it comes.
 */
class ProfileSetupModel(
    private val scope: CoroutineScope,
    private val profiles: ProfileRepository,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(ProfileSetupState())
    val state: StateFlow<ProfileSetupState> = _state.asStateFlow()

    fun refresh() {
        scope.launch {
            when (val r = attempt(language()) { profiles.profiles() }) {
                is Outcome.Ok -> {
                    // First profile: suggest the officer the phone was set up for.
                    val officer = if (r.value.isEmpty()) attempt(language()) { profiles.deviceOfficer() }.valueOrNull() else null
                    _state.update { s ->
                        val form = if (officer != null && s.form.name.isEmpty() && s.form.badge.isEmpty()) {
                            s.form.copy(role = TeamRole.OFFICER, name = officer.name, badge = officer.badge)
                        } else s.form
                        s.copy(loading = false, profiles = r.value, form = form)
                    }
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun update(transform: (ProfileForm) -> ProfileForm) = _state.update { it.copy(form = transform(it.form), error = null) }

    fun create() {
        val s = state.value
        if (!s.canCreate) return
        _state.update { it.copy(saving = true, error = null, created = null) }
        scope.launch {
            when (val r = attempt(language()) { profiles.create(s.form.role, s.form.name, s.form.badge, s.form.pin) }) {
                // The PIN leaves the state as soon as the core has it.
                is Outcome.Ok -> _state.update {
                    it.copy(saving = false, profiles = it.profiles + r.value, created = r.value, form = ProfileForm(role = s.form.role))
                }
                is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error, form = it.form.copy(pin = "", pinAgain = "")) }
            }
        }
    }

    /** Leaves first run for the sign-in screen. */
    fun finish() {
        if (!state.value.canFinish) return
        scope.launch { attempt(language()) { profiles.finishFirstRun() } }
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
            when (val r = attempt(language()) { profiles.profiles() }) {
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
                _state.update { it.copy(unlocking = false, error = UiError.of(e, language()), attemptsLeft = e.attemptsLeft.toInt()) }
            } catch (e: QorgauException.ProfileLocked) {
                _state.update {
                    it.copy(unlocking = false, error = UiError.of(e, language()), attemptsLeft = 0, lockedUntilFromCore = Format.parseRfc3339(e.until))
                }
                refresh() // the listed profile now carries the lock-out too
            } catch (e: Exception) {
                _state.update { it.copy(unlocking = false, error = UiError.of(e, language())) }
            }
        }
    }

    fun signOut() {
        scope.launch {
            attempt(language()) { profiles.signOut() }
            _state.update { it.copy(signedIn = null, pin = "") }
        }
    }
}
