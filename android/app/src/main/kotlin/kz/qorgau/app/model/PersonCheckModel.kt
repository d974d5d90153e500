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
import kz.qorgau.app.data.CheckRepository
import kz.qorgau.app.data.OrderRepository
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.app.data.valueOrNull
import kz.qorgau.core.PersonForm
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.IinProblem
import kz.qorgau.ffi.MatchKind
import kz.qorgau.ffi.OrderRules
import kz.qorgau.ffi.OrderSource
import kz.qorgau.ffi.Person
import kz.qorgau.ffi.PersonCheck
import kz.qorgau.ffi.PersonQuery
import kz.qorgau.ffi.Uuid
import java.time.Duration
import java.time.Instant

enum class CheckBy { IIN, NAME_AND_BIRTH_DATE }

/** A name + date-of-birth match must be confirmed by the officer before it is acted on. */
enum class MatchConfirmation { NOT_NEEDED, PENDING, CONFIRMED, REJECTED }

/** An active order as shown: prohibitions already in the UI language (from the rule table). */
data class ActiveOrderView(
    val number: String,
    val validFrom: Instant,
    val validUntil: Instant,
    val source: OrderSource,
    val prohibitions: List<String>,
)

data class PersonCheckState(
    val by: CheckBy = CheckBy.IIN,
    val iin: String = "",
    /** Why the core refuses the IIN (null while empty or valid); its message: ErrorMessages.of. */
    val iinProblem: IinProblem? = null,
    val name: String = "",
    /** YYYY-MM-DD. */
    val dateOfBirth: String = "",
    /** People on the case the check was opened from: a tap fills the query. */
    val people: List<Person> = emptyList(),
    val checking: Boolean = false,
    val result: PersonCheck? = null,
    val confirmation: MatchConfirmation = MatchConfirmation.NOT_NEEDED,
    val orders: List<ActiveOrderView> = emptyList(),
    val error: UiError? = null,
) {
    val dateOfBirthValid: Boolean get() = Format.parseDate(dateOfBirth) != null
    val canCheck: Boolean get() = !checking && when (by) {
        CheckBy.IIN -> iin.length == 12 && iinProblem == null
        CheckBy.NAME_AND_BIRTH_DATE -> name.isNotBlank() && dateOfBirthValid
    }

    /** The officer is asked "is this the same person?" (registry name shown, nothing else yet). */
    val needsConfirmation: Boolean get() = confirmation == MatchConfirmation.PENDING

    /** A record was found and is certain (by IIN, or confirmed): orders, history, banner shown. */
    val showRecord: Boolean get() = result != null && result.matchKind != MatchKind.NO_MATCH &&
        (confirmation == MatchConfirmation.NOT_NEEDED || confirmation == MatchConfirmation.CONFIRMED)

    /** Nothing on record (or a name match the officer did not confirm). */
    val noRecord: Boolean get() = result != null && (result.matchKind == MatchKind.NO_MATCH || confirmation == MatchConfirmation.REJECTED)

    val repeatOffender: Boolean get() = showRecord && result!!.repeatOffender

    /**
     * The birth date to show (YYYY-MM-DD): the registry's for a record shown or a name match
     * to confirm, the one in the IIN asked about when there is no record; none for a name
     * match the officer rejected (it is someone else's).
     */
    val birthDate: String? get() {
        val r = result ?: return null
        return if (confirmation == MatchConfirmation.REJECTED) null else r.birthDate
    }

    /** When the station made the registry this answer rests on; null: none on this phone yet. */
    val registryMadeAt: Instant? get() = result?.registryGeneratedAt

    /** How old that registry is at [now] (never negative: a phone clock behind the station's). */
    fun registryAge(now: Instant): Duration? = registryMadeAt?.let { Duration.between(it, now).coerceAtLeast(Duration.ZERO) }
}

/**
 * Checking a person at the scene, offline: by IIN, or by name and date of birth (then the
 * officer confirms it is the same person before anything is shown). Active orders with their
 * prohibitions in the UI language, violations, earlier cases, and the REPEAT OFFENDER banner.
 */
class PersonCheckModel(
    private val scope: CoroutineScope,
    private val checks: CheckRepository,
    private val orders: OrderRepository,
    private val cases: CaseRepository,
    /** The case being worked on (not counted as an earlier case), or null from the case list. */
    private val caseId: Uuid?,
    private val language: () -> UiLanguage,
    private val compute: CoroutineDispatcher = Dispatchers.Default,
) {
    private val _state = MutableStateFlow(PersonCheckState())
    val state: StateFlow<PersonCheckState> = _state.asStateFlow()
    private var rules: OrderRules? = null
    private var iinCheck: Job? = null

    fun refresh() {
        val case = caseId ?: return
        scope.launch {
            val people = attempt { cases.caseFile(case) }.valueOrNull()?.people.orEmpty()
            _state.update { it.copy(people = people) }
        }
    }

    fun setBy(by: CheckBy) = _state.update { it.copy(by = by, error = null) }

    fun setIin(text: String) {
        val iin = text.filter(Char::isDigit).take(12)
        _state.update { it.copy(iin = iin, error = null, result = null) }
        iinCheck?.cancel()
        iinCheck = scope.launch {
            val problem = withContext(compute) { PersonForm(iin = iin).iinProblem() }
            _state.update { if (it.iin == iin) it.copy(iinProblem = problem) else it }
        }
    }

    fun setName(name: String) = _state.update { it.copy(name = name, error = null, result = null) }

    fun setDateOfBirth(text: String) = _state.update { it.copy(dateOfBirth = text, error = null, result = null) }

    /** Fills the query from a person on the case: the IIN if recorded, else name and birth date. */
    fun fillFrom(p: Person) {
        val iin = p.iin
        if (iin != null) {
            setBy(CheckBy.IIN)
            setIin(iin)
        } else {
            _state.update { it.copy(by = CheckBy.NAME_AND_BIRTH_DATE, name = p.fullName, dateOfBirth = p.dateOfBirth.orEmpty(), result = null, error = null) }
        }
    }

    fun check() {
        val s = state.value
        if (!s.canCheck) return
        _state.update { it.copy(checking = true, error = null, result = null, orders = emptyList(), confirmation = MatchConfirmation.NOT_NEEDED) }
        scope.launch {
            iinCheck?.join()
            val query = when (s.by) {
                CheckBy.IIN -> PersonQuery(iin = s.iin, name = null, dateOfBirth = null, currentCase = caseId)
                CheckBy.NAME_AND_BIRTH_DATE -> PersonQuery(iin = null, name = s.name.trim(), dateOfBirth = s.dateOfBirth.trim(), currentCase = caseId)
            }
            val r = attempt {
                val table = rules ?: orders.rules().also { rules = it }
                table to checks.check(query)
            }
            when (r) {
                is Outcome.Ok -> {
                    val (table, check) = r.value
                    val lang = language()
                    _state.update {
                        it.copy(
                            checking = false,
                            result = check,
                            confirmation = if (check.matchKind == MatchKind.NAME_AND_BIRTH_DATE) MatchConfirmation.PENDING else MatchConfirmation.NOT_NEEDED,
                            orders = check.activeOrders.map { o ->
                                ActiveOrderView(o.number, o.validFrom, o.validUntil, o.source, o.prohibitions.map { c -> table.prohibitionText(c, lang) })
                            },
                        )
                    }
                }
                is Outcome.Failed -> _state.update { it.copy(checking = false, error = r.error) }
            }
        }
    }

    /** The officer compared the registry's name and birth date with the person's documents. */
    fun confirmSamePerson(same: Boolean) = _state.update {
        if (it.confirmation != MatchConfirmation.PENDING) it
        else it.copy(confirmation = if (same) MatchConfirmation.CONFIRMED else MatchConfirmation.REJECTED)
    }

    fun clear() = _state.update { PersonCheckState(people = it.people) }
}
