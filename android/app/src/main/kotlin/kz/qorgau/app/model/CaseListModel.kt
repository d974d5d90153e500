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
import kz.qorgau.ffi.CaseSummary

data class CaseListState(
    val loading: Boolean = true,
    val cases: List<CaseSummary> = emptyList(),
    val error: UiError? = null,
)

/** All cases on the device, newest first. */
class CaseListModel(
    private val scope: CoroutineScope,
    private val repo: CaseRepository,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(CaseListState())
    val state: StateFlow<CaseListState> = _state.asStateFlow()

    fun refresh() {
        _state.update { it.copy(loading = true) }
        scope.launch {
            when (val r = attempt { repo.cases() }) {
                is Outcome.Ok -> _state.value = CaseListState(loading = false, cases = r.value)
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }
}
