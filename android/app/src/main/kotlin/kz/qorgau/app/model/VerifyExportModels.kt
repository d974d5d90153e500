package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.RecordedShare
import kz.qorgau.app.data.ShareExport
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
            _state.value = when (val r = attempt { repo.verify(caseId) }) {
                is Outcome.Ok -> VerifyState(report = r.value)
                is Outcome.Failed -> VerifyState(error = r.error)
            }
        }
    }
}

data class ExportState(
    val running: Boolean = false,
    val summary: ExportSummary? = null,
    val error: UiError? = null,
    /** The officer asked to share: the screen asks her to confirm first. */
    val confirmingShare: Boolean = false,
    /** The core is writing the share into the custody chain. */
    val recordingShare: Boolean = false,
    /** Recorded: the screen opens the chooser once with it, then calls [ExportModel.shareOpened]. */
    val share: RecordedShare? = null,
) {
    val canShare: Boolean get() = summary != null && !running && !recordingShare && share == null
}

/**
 * Export for court: the core verifies first and refuses a case that does not verify. Sharing
 * the bundle's whereabouts is an explicit, confirmed act ([askShare], [confirmShare]) that the
 * core records first (`bundle_shared` in the custody chain, by the signed-in profile); if it
 * refuses, nothing is shared and its refusal is shown.
 */
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
            _state.value = when (val r = attempt { repo.export(caseId) }) {
                is Outcome.Ok -> ExportState(summary = r.value)
                is Outcome.Failed -> ExportState(error = r.error)
            }
        }
    }

    fun askShare() = _state.update { if (it.canShare) it.copy(confirmingShare = true, error = null) else it }

    fun cancelShare() = _state.update { it.copy(confirmingShare = false) }

    /** Confirmed: the core records the share; only then is there a [ExportState.share]. */
    fun confirmShare() {
        val s = state.value
        val summary = s.summary ?: return
        if (!s.confirmingShare || !s.canShare) return
        _state.update { it.copy(confirmingShare = false, recordingShare = true, error = null) }
        scope.launch {
            val r = attempt { repo.recordBundleShared(summary, ShareExport.TO) }
            _state.update {
                when (r) {
                    is Outcome.Ok -> it.copy(recordingShare = false, share = r.value)
                    is Outcome.Failed -> it.copy(recordingShare = false, error = r.error)
                }
            }
        }
    }

    /** The chooser was opened with [ExportState.share]: a new share needs a new confirmation. */
    fun shareOpened() = _state.update { it.copy(share = null) }
}
