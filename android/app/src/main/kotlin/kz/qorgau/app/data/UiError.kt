package kz.qorgau.app.data

import kz.qorgau.core.ErrorMessage
import kz.qorgau.core.ErrorMessages
import kz.qorgau.core.ErrorText
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.syncFailureIsTransient
import kotlin.coroutines.cancellation.CancellationException

/**
 * An error as the officer sees it: a [message] by kind (ErrorMessages: the core's error kind
 * and typed reason, never its English words), shown in the UI language from the app's string
 * resources (ui/ErrorTexts.kt). The core's `reason` is not kept: it is English for logs.
 */
data class UiError(
    val message: ErrorMessage,
    /**
     * A sync failure: whether it may pass without anyone acting, so a later background sync is
     * worth it (the core's `syncFailureIsTransient`); null for anything else.
     */
    val transient: Boolean? = null,
    val cancelled: Boolean = false,
    /** The core refused the acting profile's role (PermissionDenied); the attempt is audited. */
    val denied: Boolean = false,
    /** A photo refused as damaged or cut short: the officer may keep it, marked damaged
     *  (ErrorMessages.keepableAsDamaged; added again with CaptureInfo.keepDamaged). */
    val damaged: Boolean = false,
) {
    val text: ErrorText get() = message.text

    companion object {
        fun of(t: Throwable): UiError = UiError(
            ErrorMessages.of(t),
            transient = (t as? QorgauException.Sync)?.let { syncFailureIsTransient(it.failure) },
            cancelled = t is QorgauException.Cancelled,
            denied = t is QorgauException.PermissionDenied,
            damaged = ErrorMessages.keepableAsDamaged(t),
        )

        /** A check the app makes itself (the sync screen's address, code, certificate, card). */
        fun of(text: ErrorText): UiError = UiError(ErrorMessage(text))
    }
}

/** The result of one call into the store. */
sealed interface Outcome<out T> {
    data class Ok<T>(val value: T) : Outcome<T>
    data class Failed(val error: UiError) : Outcome<Nothing>
}

/** The value, or null after a failure (for calls whose failure the screen can do without). */
fun <T> Outcome<T>.valueOrNull(): T? = when (this) {
    is Outcome.Ok -> value
    is Outcome.Failed -> null
}

/** Runs [block], turning any failure except coroutine cancellation into [Outcome.Failed]. */
suspend fun <T> attempt(block: suspend () -> T): Outcome<T> = try {
    Outcome.Ok(block())
} catch (e: CancellationException) {
    throw e
} catch (e: Exception) {
    Outcome.Failed(UiError.of(e))
}
