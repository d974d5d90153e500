package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.core.PersonForm
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.Person
import kz.qorgau.ffi.IinProblem
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.Uuid

data class PeopleState(
    val people: List<Person> = emptyList(),
    val form: PersonForm = PersonForm(role = PersonRole.SURVIVOR, addressConfidential = true),
    /** Why the core refuses the IIN (null while empty or valid); its message: ErrorMessages.of. */
    val iinProblem: IinProblem? = null,
    val loading: Boolean = true,
    val saving: Boolean = false,
    val error: UiError? = null,
) {
    val canSave: Boolean get() = !saving && form.fullName.isNotBlank() && iinProblem == null
    /** Only a witness's identity can be protected (the core refuses it for other roles). */
    val canProtectIdentity: Boolean get() = form.role == PersonRole.WITNESS
}

/** Who is at the scene: the list and the "add person" form with live IIN validation. */
class PeopleModel(
    private val scope: CoroutineScope,
    private val repo: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
    private val compute: CoroutineDispatcher = Dispatchers.Default,
) {
    private val _state = MutableStateFlow(PeopleState())
    val state: StateFlow<PeopleState> = _state.asStateFlow()
    private var iinCheck: Job? = null

    fun refresh() {
        scope.launch {
            when (val r = attempt { repo.caseFile(caseId) }) {
                is Outcome.Ok -> _state.update { it.copy(loading = false, people = r.value.people) }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    /** Role rules as the officer picks: survivor's and child's addresses are always confidential. */
    fun setRole(role: PersonRole) = update {
        it.copy(
            role = role,
            identityProtected = it.identityProtected && role == PersonRole.WITNESS,
            addressConfidential = it.addressConfidential || role == PersonRole.SURVIVOR || role == PersonRole.CHILD,
        )
    }

    fun update(transform: (PersonForm) -> PersonForm) {
        val before = state.value.form
        var after = transform(before)
        if (after.addressAlwaysConfidential) after = after.copy(addressConfidential = true)
        if (after.role != PersonRole.WITNESS) after = after.copy(identityProtected = false)
        _state.update { it.copy(form = after, error = null) }
        if (after.iin != before.iin) checkIin(after)
    }

    /** Live validation through the core (validateIin), off the main thread, latest input wins. */
    private fun checkIin(form: PersonForm) {
        iinCheck?.cancel()
        iinCheck = scope.launch {
            val problem = withContext(compute) { form.iinProblem() }
            _state.update { if (it.form.iin == form.iin) it.copy(iinProblem = problem) else it }
        }
    }

    fun save() {
        val s = state.value
        if (!s.canSave) return
        _state.update { it.copy(saving = true, error = null) }
        scope.launch {
            iinCheck?.join()
            when (val r = attempt { repo.addPerson(caseId, s.form) }) {
                is Outcome.Ok -> _state.update {
                    it.copy(saving = false, people = it.people + r.value.record, form = PersonForm(role = s.form.role).let { f ->
                        if (f.addressAlwaysConfidential) f.copy(addressConfidential = true) else f
                    }, iinProblem = null)
                }
                is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
            }
        }
    }
}
