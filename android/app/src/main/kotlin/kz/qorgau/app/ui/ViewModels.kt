package kz.qorgau.app.ui

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import kz.qorgau.app.AppContainer
import kz.qorgau.app.model.CaptureModel
import kz.qorgau.app.model.CaseListModel
import kz.qorgau.app.model.CaseOverviewModel
import kz.qorgau.app.model.ExportModel
import kz.qorgau.app.model.NewCaseModel
import kz.qorgau.app.model.PeopleModel
import kz.qorgau.app.model.SetupModel
import kz.qorgau.app.model.StatementModel
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
