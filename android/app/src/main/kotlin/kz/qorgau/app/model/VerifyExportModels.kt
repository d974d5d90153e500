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
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.ExportSummary
import kz.qorgau.ffi.Uuid
import kz.qorgau.ffi.VerifyReport

data class VerifyState(val running: Boolean = false, val report: VerifyReport? = null, val error: UiError? = null)

/** Verification on the device: every original re-hashed, every link and signature checked. */
class VerifyModel(
    private val scope: CoroutineScope,
    private val repo: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(VerifyState())
    val state: StateFlow<VerifyState> = _state.asStateFlow()

    fun run() {
        if (state.value.running) return
        _state.value = VerifyState(running = true)
        scope.launch {
            _state.value = when (val r = attempt(language()) { repo.verify(caseId) }) {
                is Outcome.Ok -> VerifyState(report = r.value)
                is Outcome.Failed -> VerifyState(error = r.error)
            }
        }
    }
}

data class ExportState(val running: Boolean = false, val summary: ExportSummary? = null, val error: UiError? = null)

/** Export for court: the core verifies first and refuses a case that does not verify. */
class ExportModel(
    private val scope: CoroutineScope,
    private val repo: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(ExportState())
    val state: StateFlow<ExportState> = _state.asStateFlow()

    fun export() {
        if (state.value.running) return
        _state.update { it.copy(running = true, error = null) }
        scope.launch {
            _state.value = when (val r = attempt(language()) { repo.export(caseId) }) {
                is Outcome.Ok -> ExportState(summary = r.value)
                is Outcome.Failed -> ExportState(error = r.error)
            }
        }
    }
}
