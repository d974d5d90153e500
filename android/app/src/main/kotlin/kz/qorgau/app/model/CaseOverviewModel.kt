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
import kz.qorgau.ffi.CaseFile
import kz.qorgau.ffi.Uuid

data class CaseOverviewState(val loading: Boolean = true, val file: CaseFile? = null, val error: UiError? = null)

/** One case: what was recorded so far (the hub from which the officer goes on). */
class CaseOverviewModel(
    private val scope: CoroutineScope,
    private val repo: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(CaseOverviewState())
    val state: StateFlow<CaseOverviewState> = _state.asStateFlow()

    fun refresh() {
        scope.launch {
            when (val r = attempt { repo.caseFile(caseId) }) {
                is Outcome.Ok -> _state.value = CaseOverviewState(loading = false, file = r.value)
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    /** The stored preview of a piece of evidence (JPEG), or null. */
    suspend fun thumbnail(evidenceId: Uuid): ByteArray? =
        (attempt { repo.thumbnail(evidenceId) } as? Outcome.Ok)?.value
}
