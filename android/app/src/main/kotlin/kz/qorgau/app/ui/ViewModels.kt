package kz.qorgau.app.ui

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import kz.qorgau.app.AppContainer
import kz.qorgau.app.data.SyncTrigger
import kz.qorgau.app.model.AssessmentFormModel
import kz.qorgau.app.model.AssessmentsModel
import kz.qorgau.app.model.CaptureModel
import kz.qorgau.app.model.ClinicalKeyModel
import kz.qorgau.app.model.CaseListModel
import kz.qorgau.app.model.CaseOrdersModel
import kz.qorgau.app.model.CaseOverviewModel
import kz.qorgau.app.model.DueThisWeekModel
import kz.qorgau.app.model.ExportModel
import kz.qorgau.app.model.InterventionsModel
import kz.qorgau.app.model.IssueOrderModel
import kz.qorgau.app.model.NewCaseModel
import kz.qorgau.app.model.OrderModel
import kz.qorgau.app.model.PeopleModel
import kz.qorgau.app.model.PersonCheckModel
import kz.qorgau.app.model.ProfileSetupModel
import kz.qorgau.app.model.QrVerifyModel
import kz.qorgau.app.model.ReferralsModel
import kz.qorgau.app.model.SetupModel
import kz.qorgau.app.model.SignInModel
import kz.qorgau.app.model.StatementModel
import kz.qorgau.app.model.StationKeyModel
import kz.qorgau.app.model.SyncModel
import kz.qorgau.app.model.VerifyModel
import kz.qorgau.ffi.Uuid

// Thin ViewModels: each owns one plain-Kotlin model (kz.qorgau.app.model, tested on the JVM in
// android/app-check) in its viewModelScope. Every store call in the models runs on
// Dispatchers.IO through CaseRepository / IngestQueue, never on the main thread.

class SetupViewModel(c: AppContainer, deviceLabel: String) : ViewModel() {
    val model = SetupModel(viewModelScope, c.sessions, c::language, deviceLabel)
}

class CaseListViewModel(c: AppContainer) : ViewModel() {
    val model = CaseListModel(viewModelScope, c.repository, c::language)
}

class NewCaseViewModel(c: AppContainer) : ViewModel() {
    val model = NewCaseModel(viewModelScope, c.repository, c::language) { c.location.current() }
}

class CaseViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = CaseOverviewModel(viewModelScope, c.repository, caseId, c::language)
}

class PeopleViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = PeopleModel(viewModelScope, c.repository, caseId, c::language)
}

class CaptureViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = CaptureModel(
        scope = viewModelScope,
        caseId = caseId,
        files = c.captures,
        queue = c.ingest,
        // A recent fix or a short wait: a capture is not held back for a GPS fix.
        locate = { c.location.current(maxAgeMs = 120_000, timeoutMs = 3_000) },
        work = c.appScope,
    )
}

class StatementViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = StatementModel(viewModelScope, c.repository, caseId, c::language)
}

class VerifyViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = VerifyModel(viewModelScope, c.repository, caseId, c::language)
}

class ExportViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = ExportModel(viewModelScope, c.repository, caseId, c::language)
}

// ---- profiles ----

class ProfileSetupViewModel(c: AppContainer) : ViewModel() {
    val model = ProfileSetupModel(viewModelScope, c.profiles, c::language)
    /** The hand-over of the clinical key to a psychologist waiting for it; the list follows. */
    val handOver = ClinicalKeyModel(viewModelScope, c.profiles, c::language, onHandedOver = model::refresh)
}

class SignInViewModel(c: AppContainer) : ViewModel() {
    val model = SignInModel(viewModelScope, c.profiles, c::language)
}

// ---- check at the scene, orders, QR ----

/** [caseId] null: a check from the case list (no case is "the current one"), which also
 *  offers the registry brought by hand ([stationKey]: the key change for supervisors only). */
class PersonCheckViewModel(c: AppContainer, caseId: Uuid?) : ViewModel() {
    val model = PersonCheckModel(viewModelScope, c.checks, c.orders, c.repository, caseId, c::language)
    val stationKey = StationKeyModel(viewModelScope, c.checks, c.dirs.incoming, c::language) { c.profiles.current()?.role }
}

class CaseOrdersViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = CaseOrdersModel(viewModelScope, c.orders, c.repository, caseId, c::language)
}

class IssueOrderViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = IssueOrderModel(viewModelScope, c.orders, c.repository, caseId, c::language)
}

class OrderViewModel(c: AppContainer, orderId: Uuid) : ViewModel() {
    val model = OrderModel(viewModelScope, c.orders, c.repository, orderId, c::language, c.signatures)
}

class QrVerifyViewModel(c: AppContainer) : ViewModel() {
    val model = QrVerifyModel(viewModelScope, c.orders, c::language)
}

// ---- referrals, interventions, due ----

class ReferralsViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = ReferralsModel(viewModelScope, c.support, c.repository, caseId, c::language)
}

class InterventionsViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = InterventionsModel(viewModelScope, c.support, c.repository, caseId, c::language)
}

class DueViewModel(c: AppContainer) : ViewModel() {
    val model = DueThisWeekModel(viewModelScope, c.support, c.repository, c::language)
}

// ---- risk assessments ----

class AssessmentFormViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = AssessmentFormModel(viewModelScope, c.assessments, c.repository, caseId, c::language) { c.profiles.current()?.role }
}

class AssessmentsViewModel(c: AppContainer, caseId: Uuid) : ViewModel() {
    val model = AssessmentsModel(viewModelScope, c.assessments, c.repository, caseId, c::language)
}

// ---- sending to the station ----

/** Runs go on in the application's scope (leaving the screen does not stop one). */
class SyncViewModel(c: AppContainer) : ViewModel() {
    val model = SyncModel(
        scope = viewModelScope,
        repo = c.sync,
        language = c::language,
        work = c.appScope,
        requestBackground = { c.requestBackgroundSync(SyncTrigger.SEND_FAILED) },
    )
}
