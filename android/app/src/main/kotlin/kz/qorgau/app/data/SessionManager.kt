package kz.qorgau.app.data

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext
import kz.qorgau.core.FieldSession
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.PlatformKeyStore
import kz.qorgau.ffi.QorgauException
import java.io.File

/** Whether the device store is open. */
sealed interface SessionState {
    data object Starting : SessionState
    /** No device profile yet: the setup screen creates one. */
    data object NeedsSetup : SessionState
    data class Ready(val session: FieldSession) : SessionState
    /** The store could not be opened (wrong key, damaged file, key store unavailable). */
    data class Failed(val error: Throwable) : SessionState
}

/**
 * Opens the device store once per process, off the main thread (unwrapping the keys goes to
 * the Android Keystore, opening the database touches the disk).
 */
class SessionManager(
    private val storeDir: File,
    private val keyStore: PlatformKeyStore,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow<SessionState>(SessionState.Starting)
    val state: StateFlow<SessionState> = _state.asStateFlow()

    /** The open session; only called by screens shown once [state] is [SessionState.Ready]. */
    val session: FieldSession
        get() = (state.value as? SessionState.Ready)?.session ?: error("store not open")

    suspend fun start() {
        if (state.value is SessionState.Ready) return
        _state.value = withContext(io) {
            try {
                SessionState.Ready(FieldSession.open(storeDir, keyStore))
            } catch (e: QorgauException.NotInitialised) {
                SessionState.NeedsSetup
            } catch (e: Exception) {
                SessionState.Failed(e)
            }
        }
    }

    /** Creates the store with this device's profile (first start). */
    suspend fun setUp(profile: DeviceProfile) {
        val session = withContext(io) {
            storeDir.mkdirs()
            FieldSession.openOrInit(storeDir, keyStore, profile)
        }
        _state.value = SessionState.Ready(session)
    }
}
