package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kz.qorgau.app.data.CheckRepository
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.RegistryImport
import kz.qorgau.ffi.TeamRole
import java.io.File
import java.io.InputStream
import java.util.concurrent.atomic.AtomicLong

data class StationKeyState(
    /** The signed-in profile's role; null: nobody is signed in. */
    val role: TeamRole? = null,
    /** The station's public key as typed: spaces dropped, lower case. */
    val keyHex: String = "",
    val busy: Boolean = false,
    /** The phone now trusts the key entered last. */
    val trusted: Boolean = false,
    /** The registry last imported by hand. */
    val imported: RegistryImport? = null,
    /** The core refused the change: no supervisor signed in (the role the screen knew was stale). */
    val refusedBySupervisorRule: Boolean = false,
    val error: UiError? = null,
) {
    /**
     * Changing the trusted station key is offered only to a signed-in supervisor (the core's
     * rule: anyone else is refused, and each change is audited). Everyone else is told so
     * plainly ([supervisorOnly]) instead of being shown the action.
     */
    val mayChangeKey: Boolean get() = role == TeamRole.SUPERVISOR && !refusedBySupervisorRule
    val supervisorOnly: Boolean get() = !mayChangeKey

    val keyValid: Boolean get() = keyHex.length == 64 && keyHex.all { it in '0'..'9' || it in 'a'..'f' }
    /** Something typed that is not 64 hex digits. */
    val keyProblem: Boolean get() = keyHex.isNotEmpty() && !keyValid
    val canTrust: Boolean get() = mayChangeKey && keyValid && !busy
    /** A registry file is checked against the trusted key by the core: anyone may import one. */
    val canImport: Boolean get() = !busy
}

/**
 * A registry brought by hand (normally enrolment sets the station key and sync brings the
 * registry): a signed-in supervisor may change the station key the phone trusts; anyone may
 * import a signed registry file, which the core takes only if it verifies against that key.
 */
class StationKeyModel(
    private val scope: CoroutineScope,
    private val checks: CheckRepository,
    /** Where a picked registry file is copied for the core to read; deleted right after. */
    private val incoming: File,
    private val language: () -> UiLanguage,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    /** Who is signed in, as the app knows it (ProfileRepository.current()?.role). */
    private val currentRole: () -> TeamRole?,
) {
    private val _state = MutableStateFlow(StationKeyState(role = currentRole()))
    val state: StateFlow<StationKeyState> = _state.asStateFlow()
    private val copies = AtomicLong()

    /** On show: who is signed in now. */
    fun refresh() = _state.update { it.copy(role = currentRole(), refusedBySupervisorRule = false) }

    fun setKey(text: String) = _state.update {
        it.copy(keyHex = text.filterNot(Char::isWhitespace).lowercase(), trusted = false, error = null)
    }

    fun trust() {
        refresh()
        val s = state.value
        if (!s.canTrust) return
        _state.update { it.copy(busy = true, error = null, trusted = false) }
        scope.launch {
            when (val r = attempt { checks.trustStationKey(s.keyHex) }) {
                is Outcome.Ok -> _state.update { it.copy(busy = false, trusted = true, keyHex = "") }
                is Outcome.Failed -> _state.update {
                    if (r.error.denied) it.copy(busy = false, role = currentRole(), refusedBySupervisorRule = true)
                    else it.copy(busy = false, error = r.error)
                }
            }
        }
    }

    /**
     * Imports the registry file [open] reads (the file picker's document): copied to [incoming]
     * on [io], imported by the core (nothing changes unless it verifies), the copy deleted.
     */
    fun importRegistry(open: () -> InputStream?) {
        if (!state.value.canImport) return
        _state.update { it.copy(busy = true, error = null, imported = null) }
        scope.launch {
            val r = attempt {
                val copy = withContext(io) {
                    incoming.mkdirs()
                    val f = File(incoming, "registry-${copies.incrementAndGet()}.jsonl")
                    val input = open() ?: throw kz.qorgau.ffi.QorgauException.Io("the picked file could not be opened")
                    input.use { i -> f.outputStream().use { o -> i.copyTo(o) } }
                    f
                }
                try {
                    checks.importRegistry(copy)
                } finally {
                    withContext(io) { copy.delete() }
                }
            }
            when (r) {
                is Outcome.Ok -> _state.update { it.copy(busy = false, imported = r.value) }
                is Outcome.Failed -> _state.update { it.copy(busy = false, error = r.error) }
            }
        }
    }
}
