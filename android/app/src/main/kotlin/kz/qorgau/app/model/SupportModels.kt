package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.SupportRepository
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.app.data.valueOrNull
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.DueItem
import kz.qorgau.ffi.Intervention
import kz.qorgau.ffi.InterventionKind
import kz.qorgau.ffi.NewIntervention
import kz.qorgau.ffi.NewReferral
import kz.qorgau.ffi.Person
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.ReferralChange
import kz.qorgau.ffi.ReferralKind
import kz.qorgau.ffi.ReferralState
import kz.qorgau.ffi.ReferralStatus
import kz.qorgau.ffi.Uuid
import java.time.LocalDate

// ---- referrals -----------------------------------------------------------------------------

data class ReferralForm(
    val personId: Uuid? = null,
    val kind: ReferralKind = ReferralKind.CRISIS_CENTRE,
    val organisation: String = "",
    val childrenPlaced: Int = 0,
    /** The person agreed to the referral (asked and recorded first; required by the core). */
    val consentGiven: Boolean = false,
    val note: String = "",
) {
    /** Children go with the survivor only to a shelter or a crisis centre. */
    val childrenAllowed: Boolean get() = kind == ReferralKind.SHELTER || kind == ReferralKind.CRISIS_CENTRE
}

data class ReferralsState(
    val loading: Boolean = true,
    val people: List<Person> = emptyList(),
    val referrals: List<ReferralState> = emptyList(),
    val form: ReferralForm = ReferralForm(),
    val saving: Boolean = false,
    /** The referral being updated. */
    val busyId: Uuid? = null,
    val error: UiError? = null,
) {
    val canSave: Boolean get() = !saving && form.personId != null && form.organisation.isNotBlank() && form.consentGiven
    fun nameOf(id: Uuid): String = people.firstOrNull { it.id == id }?.fullName.orEmpty()
}

/** Still open: consent in force and not completed, declined or cancelled. */
val ReferralState.open: Boolean
    get() = consentActive && status != ReferralStatus.COMPLETED && status != ReferralStatus.DECLINED && status != ReferralStatus.CANCELLED

/** The statuses a referral can move on to (never back to proposed). */
fun ReferralState.nextStatuses(): List<ReferralStatus> =
    listOf(ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED)
        .filter { it != status }

/**
 * Referrals to a crisis centre, shelter, legal aid, a psychologist or medical help, with the
 * person's consent (required, recorded, and withdrawable: a withdrawal closes the referral).
 */
class ReferralsModel(
    private val scope: CoroutineScope,
    private val support: SupportRepository,
    private val cases: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(ReferralsState())
    val state: StateFlow<ReferralsState> = _state.asStateFlow()

    fun refresh() {
        scope.launch {
            when (val r = attempt { cases.caseFile(caseId).people to support.referrals(caseId) }) {
                is Outcome.Ok -> _state.update { s ->
                    val people = r.value.first
                    s.copy(
                        loading = false, people = people, referrals = r.value.second,
                        form = if (s.form.personId != null) s.form else s.form.copy(personId = people.firstOrNull { it.role == PersonRole.SURVIVOR }?.id),
                    )
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun update(transform: (ReferralForm) -> ReferralForm) = _state.update { s ->
        var f = transform(s.form)
        if (!f.childrenAllowed) f = f.copy(childrenPlaced = 0)
        s.copy(form = f.copy(childrenPlaced = f.childrenPlaced.coerceIn(0, 20)), error = null)
    }

    fun save() {
        val s = state.value
        val person = s.form.personId ?: return
        if (!s.canSave) return
        _state.update { it.copy(saving = true, error = null) }
        scope.launch {
            val f = s.form
            val r = attempt {
                support.makeReferral(caseId, NewReferral(person, f.kind, f.organisation.trim(), f.childrenPlaced.toUInt(), f.consentGiven, f.note.trim().ifEmpty { null }))
                support.referrals(caseId)
            }
            when (r) {
                is Outcome.Ok -> _state.update { it.copy(saving = false, referrals = r.value, form = ReferralForm(personId = person)) }
                is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
            }
        }
    }

    fun setStatus(referralId: Uuid, status: ReferralStatus, note: String? = null) =
        change(referralId, ReferralChange.Status(status, note?.trim()?.ifEmpty { null }))

    /** The person withdrew consent: recorded, and the referral is closed. */
    fun withdrawConsent(referralId: Uuid, reason: String? = null) =
        change(referralId, ReferralChange.ConsentWithdrawn(reason?.trim()?.ifEmpty { null }))

    private fun change(referralId: Uuid, change: ReferralChange) {
        if (state.value.busyId != null) return
        _state.update { it.copy(busyId = referralId, error = null) }
        scope.launch {
            val r = attempt {
                support.updateReferral(referralId, change)
                support.referrals(caseId)
            }
            when (r) {
                is Outcome.Ok -> _state.update { it.copy(busyId = null, referrals = r.value) }
                is Outcome.Failed -> _state.update { it.copy(busyId = null, error = r.error) }
            }
        }
    }
}

// ---- interventions -----------------------------------------------------------------------

data class InterventionForm(
    val personId: Uuid? = null,
    val kind: InterventionKind = InterventionKind.PREVENTIVE_TALK,
    /** YYYY-MM-DD. */
    val date: String = "",
    val outcome: String = "",
    /** YYYY-MM-DD or empty: when to follow up. */
    val nextCheck: String = "",
) {
    val dateValid: Boolean get() = Format.parseDate(date) != null
    val nextCheckValid: Boolean get() = nextCheck.isBlank() || Format.parseDate(nextCheck) != null
}

data class InterventionsState(
    val loading: Boolean = true,
    val people: List<Person> = emptyList(),
    val interventions: List<Intervention> = emptyList(),
    val form: InterventionForm = InterventionForm(),
    val saving: Boolean = false,
    val error: UiError? = null,
) {
    val canSave: Boolean get() = !saving && form.personId != null && form.outcome.isNotBlank() && form.dateValid && form.nextCheckValid
    fun nameOf(id: Uuid): String = people.firstOrNull { it.id == id }?.fullName.orEmpty()
}

/** Preventive work with a person on the case (talks, visits, order checks, warnings). */
class InterventionsModel(
    private val scope: CoroutineScope,
    private val support: SupportRepository,
    private val cases: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
    private val today: () -> LocalDate = LocalDate::now,
    /** The follow-up suggested for a new intervention, in days (the rule table's check interval). */
    private val followUpDays: Long = 7,
) {
    private val _state = MutableStateFlow(InterventionsState(form = blankForm(null)))
    val state: StateFlow<InterventionsState> = _state.asStateFlow()

    private fun blankForm(person: Uuid?) = InterventionForm(personId = person, date = today().toString(), nextCheck = today().plusDays(followUpDays).toString())

    fun refresh() {
        scope.launch {
            when (val r = attempt { cases.caseFile(caseId).people to support.interventions(caseId) }) {
                is Outcome.Ok -> _state.update { s ->
                    val people = r.value.first
                    s.copy(
                        loading = false, people = people, interventions = r.value.second,
                        form = if (s.form.personId != null) s.form else s.form.copy(personId = people.firstOrNull { it.role == PersonRole.ALLEGED_AGGRESSOR }?.id),
                    )
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun update(transform: (InterventionForm) -> InterventionForm) = _state.update { it.copy(form = transform(it.form), error = null) }

    fun save() {
        val s = state.value
        val person = s.form.personId ?: return
        if (!s.canSave) return
        _state.update { it.copy(saving = true, error = null) }
        scope.launch {
            val f = s.form
            val r = attempt {
                support.recordIntervention(caseId, NewIntervention(person, f.kind, f.date.trim(), f.outcome.trim(), f.nextCheck.trim().ifEmpty { null }))
                support.interventions(caseId)
            }
            when (r) {
                is Outcome.Ok -> _state.update { it.copy(saving = false, interventions = r.value, form = blankForm(person)) }
                is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
            }
        }
    }
}

// ---- due this week ---------------------------------------------------------------------------

/** A due item with the person's name (from the case file). */
data class DueRow(val item: DueItem, val personName: String)

data class DueState(
    val from: LocalDate,
    val loading: Boolean = true,
    val rows: List<DueRow> = emptyList(),
    val error: UiError? = null,
) {
    val overdue: List<DueRow> get() = rows.filter { it.item.overdue }
    val thisWeek: List<DueRow> get() = rows.filter { !it.item.overdue }
}

/** Follow-ups and weekly order checks due this week on every case of the phone, overdue first. */
class DueThisWeekModel(
    private val scope: CoroutineScope,
    private val support: SupportRepository,
    private val cases: CaseRepository,
    private val language: () -> UiLanguage,
    private val today: () -> LocalDate = LocalDate::now,
) {
    private val _state = MutableStateFlow(DueState(from = today()))
    val state: StateFlow<DueState> = _state.asStateFlow()

    fun refresh() {
        val from = today()
        _state.update { it.copy(from = from, loading = true) }
        scope.launch {
            when (val r = attempt { support.dueThisWeek(from) }) {
                is Outcome.Ok -> {
                    val names = HashMap<Uuid, String>()
                    for (caseId in r.value.map { it.caseId }.distinct()) {
                        attempt { cases.caseFile(caseId) }.valueOrNull()?.people?.forEach { names[it.id] = it.fullName }
                    }
                    val rows = r.value.map { DueRow(it, names[it.personId].orEmpty()) }
                    _state.value = DueState(from = from, loading = false, rows = rows)
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }
}
