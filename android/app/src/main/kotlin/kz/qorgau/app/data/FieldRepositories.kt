package kz.qorgau.app.data

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kz.qorgau.core.FieldSession
import kz.qorgau.ffi.Answer
import kz.qorgau.ffi.AssessmentDetail
import kz.qorgau.ffi.AssessmentSummary
import kz.qorgau.ffi.CalendarEntry
import kz.qorgau.ffi.DueItem
import kz.qorgau.ffi.Instrument
import kz.qorgau.ffi.Intervention
import kz.qorgau.ffi.NewAssessment
import kz.qorgau.ffi.NewIntervention
import kz.qorgau.ffi.NewReferral
import kz.qorgau.ffi.PersonCheck
import kz.qorgau.ffi.PersonQuery
import kz.qorgau.ffi.RecordedAssessment
import kz.qorgau.ffi.RecordedIntervention
import kz.qorgau.ffi.RecordedReferral
import kz.qorgau.ffi.RecordedReferralUpdate
import kz.qorgau.ffi.ReferralChange
import kz.qorgau.ffi.ReferralState
import kz.qorgau.ffi.RegistryImport
import kz.qorgau.ffi.ScorePreview
import kz.qorgau.ffi.TrendPoint
import kz.qorgau.ffi.Uuid
import java.io.File
import java.time.LocalDate

// The store calls of the newer screens, grouped by subject; each on `io` (Dispatchers.IO),
// failures thrown as the core's QorgauException (the models wrap calls in `attempt`).

/** The check of a person at the scene, against the station's registry and this phone's records. */
class CheckRepository(
    private val session: () -> FieldSession,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val store get() = session().store

    suspend fun check(query: PersonQuery): PersonCheck = withContext(io) { store.checkPerson(query) }

    /** Enrolment: the station's public key (hex) that signs registry files. */
    suspend fun trustStationKey(publicKeyHex: String) = withContext(io) { store.trustStationKey(publicKeyHex) }

    /** A signed snapshot or delta from the station; nothing changes unless it verifies. */
    suspend fun importRegistry(file: File): RegistryImport = withContext(io) { store.importRegistry(file.path) }
}

/** Referrals with consent, preventive interventions and what is due. */
class SupportRepository(
    private val session: () -> FieldSession,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val store get() = session().store

    suspend fun referrals(caseId: Uuid): List<ReferralState> = withContext(io) { store.referrals(caseId) }

    suspend fun makeReferral(caseId: Uuid, referral: NewReferral): RecordedReferral = withContext(io) { store.makeReferral(caseId, referral) }

    suspend fun updateReferral(referralId: Uuid, change: ReferralChange): RecordedReferralUpdate =
        withContext(io) { store.updateReferral(referralId, change) }

    suspend fun interventions(caseId: Uuid): List<Intervention> = withContext(io) { store.interventions(caseId) }

    suspend fun recordIntervention(caseId: Uuid, intervention: NewIntervention): RecordedIntervention =
        withContext(io) { store.recordIntervention(caseId, intervention) }

    /** Follow-ups and weekly order checks due in the 7 days from [from], and overdue ones. */
    suspend fun dueThisWeek(from: LocalDate): List<DueItem> = withContext(io) { store.dueThisWeek(from.toString()) }
}

/**
 * Risk assessments. Who may record one and who may read answers and notes is decided by the
 * core from the signed-in profile; a refusal arrives as PermissionDenied (and is audited).
 */
class AssessmentRepository(
    private val session: () -> FieldSession,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val store get() = session().store

    suspend fun instruments(): List<Instrument> = withContext(io) { store.instruments() }

    suspend fun record(caseId: Uuid, assessment: NewAssessment): RecordedAssessment = withContext(io) { store.recordAssessment(caseId, assessment) }

    /**
     * The score so far of a form being filled in (unanswered items count as "no" and are
     * counted): pure, nothing stored or logged, no role needed.
     */
    suspend fun preview(instrumentId: String, version: String, answers: Map<String, Answer>, calendar: List<CalendarEntry>): ScorePreview =
        withContext(io) { store.scorePreview(instrumentId, version, answers, calendar) }

    suspend fun ofCase(caseId: Uuid): List<AssessmentSummary> = withContext(io) { store.assessmentsOfCase(caseId) }

    suspend fun summary(id: Uuid): AssessmentSummary = withContext(io) { store.assessmentSummary(id) }

    /** Answers, calendar and clinical notes: psychologists only; every read and refusal is logged. */
    suspend fun detail(id: Uuid): AssessmentDetail = withContext(io) { store.assessmentDetail(id) }

    suspend fun trend(survivorId: Uuid): List<TrendPoint> = withContext(io) { store.levelTrend(survivorId) }
}
