package kz.qorgau.app.model

import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kz.qorgau.app.data.ProfileGate
import kz.qorgau.app.data.ProfileRepository
import kz.qorgau.ffi.LockReason
import kz.qorgau.ffi.QorgauStore

/** What the app shows around the signed-in screens. */
data class GateState(
    /** After quick-hide: a neutral screen with nothing of a case on it, until tapped. */
    val neutral: Boolean = false,
    /** Changes on every lock: the signed-in screens (navigation, ViewModels) are keyed on it. */
    val generation: Int = 0,
    /** Why the last sign-in ended, as the core says. */
    val lastLock: LockReason? = null,
)

/**
 * The app's one lock model, over the core's session (`lockSession`, `noteActivity`,
 * `sessionState`; the same shape as iOS's SessionGate). Content is shown only while the core
 * says a profile is signed in ([showsContent]). The app locks at once when the process leaves
 * the foreground ([onBackground], from ProcessLifecycleOwner), after the core's idle limit
 * ([userActivity], [check]), on quick-hide and on sign-out; every lock drops the signed-in
 * screens ([GateState.generation]) and calls [onLocked] (which deletes exports and printed
 * orders). Nothing here is kept in a composable: a screen recreated while the process survived
 * asks the core again and finds nobody signed in.
 *
 * Calls are cheap (the core's session is a pair of in-memory locks) and are made on the main
 * thread; [store] is null while the store is not open (then nothing is signed in).
 */
class SessionGateModel(
    private val store: () -> QorgauStore?,
    private val profiles: ProfileRepository,
    private val onLocked: (LockReason) -> Unit = {},
) {
    private val _state = MutableStateFlow(GateState())
    val state: StateFlow<GateState> = _state.asStateFlow()

    /** An activity of another app the officer opened from here (file picker, PDF viewer). */
    @Volatile private var externalTrip = false

    /** Cases, people, orders, notes may be on screen. */
    val showsContent: Boolean
        get() {
            check()
            return !state.value.neutral && profiles.gate.value is ProfileGate.SignedIn
        }

    /** The process left the foreground: lock now, no grace period — except while the officer is
     *  in a picker or viewer opened from the app ([expectExternal]); the core's idle limit still
     *  runs then (nothing notes activity), so a trip that goes elsewhere locks on return. */
    fun onBackground() {
        if (externalTrip) return
        lock(LockReason.BACKGROUND)
    }

    /** The process is in front again: ask the core (it may have locked on idle). */
    fun onForeground() {
        externalTrip = false
        check()
    }

    /** The next trip to the background is to a picker or viewer the app opened itself. */
    fun expectExternal() {
        externalTrip = true
    }

    /** The officer touched the screen. False when nobody is signed in any more (the idle limit
     *  had passed: the gate shows now). */
    fun userActivity(): Boolean {
        val s = store() ?: return false
        val alive = s.noteActivity()
        if (!alive && profiles.gate.value is ProfileGate.SignedIn) locked(s.sessionState().lastLock ?: LockReason.IDLE)
        return alive
    }

    /** A touch or key reached the app: true when it found the session locked by idle (the
     *  event should then be dropped, not act on the screen that is going away). */
    fun onUserInput(): Boolean {
        val wasSignedIn = profiles.gate.value is ProfileGate.SignedIn
        return !userActivity() && wasSignedIn
    }

    /** Asks the core whether the profile is still signed in; shows the gate if not. */
    fun check() {
        val s = store() ?: return
        val state = s.sessionState()
        if (state.profile == null && profiles.gate.value is ProfileGate.SignedIn) locked(state.lastLock ?: LockReason.IDLE)
    }

    /** Checks every [everyMs] while the caller's scope runs, so an idle screen locks untouched. */
    suspend fun watchIdle(everyMs: Long = 5_000) {
        while (true) {
            delay(everyMs)
            check()
        }
    }

    /** Quick-hide: lock, drop every screen, show a neutral one. */
    fun quickHide() {
        lock(LockReason.QUICK_HIDE)
        _state.update { it.copy(neutral = true) }
    }

    /** Leaves the neutral screen for the PIN gate. */
    fun leaveNeutral() = _state.update { it.copy(neutral = false) }

    fun signOut() = lock(LockReason.SIGNED_OUT)

    /** Locks the core's session now (it forgets the profile and its clinical key), then the app. */
    fun lock(reason: LockReason) {
        store()?.lockSession(reason)
        locked(reason)
    }

    private fun locked(reason: LockReason) {
        profiles.locked()
        _state.update { it.copy(generation = it.generation + 1, lastLock = reason) }
        runCatching { onLocked(reason) }
    }
}
