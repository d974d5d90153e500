package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.SessionManager
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole

/** First start: the device profile (this phone's officer and unit). */
data class SetupState(
    val officerName: String = "",
    val badge: String = "",
    val unit: String = "",
    val deviceLabel: String = "",
    val saving: Boolean = false,
    val error: UiError? = null,
) {
    val canSave: Boolean get() = !saving && officerName.isNotBlank() && badge.isNotBlank() && unit.isNotBlank()

    fun toProfile() = DeviceProfile(
        label = deviceLabel.trim(),
        unit = unit.trim(),
        officer = TeamMember(TeamRole.OFFICER, officerName.trim(), badge.trim()),
    )
}

class SetupModel(
    private val scope: CoroutineScope,
    private val sessions: SessionManager,
    private val language: () -> UiLanguage,
    deviceLabel: String,
) {
    private val _state = MutableStateFlow(SetupState(deviceLabel = deviceLabel))
    val state: StateFlow<SetupState> = _state.asStateFlow()

    fun update(transform: (SetupState) -> SetupState) = _state.update { transform(it).copy(error = null) }

    fun save() {
        val s = state.value
        if (!s.canSave) return
        _state.update { it.copy(saving = true, error = null) }
        scope.launch {
            val r = attempt { sessions.setUp(s.toProfile()) }
            _state.update { it.copy(saving = false, error = (r as? Outcome.Failed)?.error) }
        }
    }
}
