package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.core.NewCaseForm
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.CaseCategory
import kz.qorgau.ffi.GeoPoint
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Trigger
import kz.qorgau.ffi.Uuid

data class NewCaseState(
    val form: NewCaseForm = NewCaseForm(),
    val locating: Boolean = false,
    /** The last "use my location" found no fix (no permission, location off, no signal). */
    val noFix: Boolean = false,
    val saving: Boolean = false,
    val error: UiError? = null,
    /** Set once the case is open: the screen navigates to it. */
    val opened: Uuid? = null,
) {
    /** What the core requires too: a GPS fix or an address, and at least one team member. */
    val hasPlace: Boolean get() = (form.lat != null && form.lon != null) || form.address.isNotBlank()
    val canSave: Boolean get() = !saving && hasPlace && form.team.isNotEmpty()
}

/** Opening a case at the scene: trigger, categories, place, team. */
class NewCaseModel(
    private val scope: CoroutineScope,
    private val repo: CaseRepository,
    private val language: () -> UiLanguage,
    private val locate: suspend () -> GeoPoint?,
) {
    private val _state = MutableStateFlow(NewCaseState())
    val state: StateFlow<NewCaseState> = _state.asStateFlow()

    init {
        // The device's officer is on the team from the start.
        scope.launch {
            val r = attempt { repo.officer() }
            if (r is Outcome.Ok) _state.update { s -> if (s.form.team.isEmpty()) s.withForm { it.copy(team = listOf(r.value)) } else s }
        }
    }

    fun setTrigger(t: Trigger) = _state.update { s -> s.withForm { it.copy(trigger = t) } }

    fun toggleCategory(c: CaseCategory) = _state.update { s ->
        s.withForm { it.copy(categories = if (c in it.categories) it.categories - c else it.categories + c) }
    }

    fun setAddress(a: String) = _state.update { s -> s.withForm { it.copy(address = a) } }

    fun setSummary(text: String) = _state.update { s -> s.withForm { it.copy(summary = text) } }

    fun addMember(role: TeamRole, name: String, badge: String) {
        if (name.isBlank() || badge.isBlank()) return // the core needs both
        _state.update { s -> s.withForm { it.copy(team = it.team + TeamMember(role, name.trim(), badge.trim())) } }
    }

    fun removeMember(index: Int) = _state.update { s ->
        s.withForm { it.copy(team = it.team.filterIndexed { i, _ -> i != index }) }
    }

    fun clearLocation() = _state.update { s -> s.withForm { it.copy(lat = null, lon = null, accuracyM = null) } }

    fun useCurrentLocation() {
        if (state.value.locating) return
        _state.update { it.copy(locating = true, noFix = false) }
        scope.launch {
            val p = try { locate() } catch (e: SecurityException) { null }
            _state.update { s ->
                if (p == null) s.copy(locating = false, noFix = true)
                else s.copy(locating = false, noFix = false).withForm { it.copy(lat = p.lat, lon = p.lon, accuracyM = p.accuracyM) }
            }
        }
    }

    fun save() {
        val s = state.value
        if (!s.canSave) return
        _state.update { it.copy(saving = true, error = null) }
        scope.launch {
            when (val r = attempt { repo.openCase(s.form) }) {
                is Outcome.Ok -> _state.update { it.copy(saving = false, opened = r.value.record.id) }
                is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
            }
        }
    }

    private inline fun NewCaseState.withForm(f: (NewCaseForm) -> NewCaseForm) = copy(form = f(form), error = null)
}
