package kz.qorgau.app.data

import kz.qorgau.core.ErrorMessages
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.QorgauException
import kotlin.coroutines.cancellation.CancellationException

/**
 * An error as the officer sees it: a [headline] in the UI language (ErrorMessages) and the
 * core's [detail] (ids and field names only, never personal data, by the core's contract).
 */
data class UiError(
    val headline: String,
    val detail: String?,
    val cancelled: Boolean = false,
    /** The core refused the acting profile's role (PermissionDenied); the attempt is audited. */
    val denied: Boolean = false,
    /** A photo refused as damaged or cut short: the officer may keep it, marked damaged
     *  (ErrorMessages.keepableAsDamaged; added again with CaptureInfo.keepDamaged). */
    val damaged: Boolean = false,
) {
    companion object {
        fun of(t: Throwable, lang: UiLanguage): UiError = when (t) {
            is QorgauException -> UiError(
                ErrorMessages.headline(t, lang), detailOf(t),
                cancelled = t is QorgauException.Cancelled,
                denied = t is QorgauException.PermissionDenied,
                damaged = ErrorMessages.keepableAsDamaged(t),
            )
            // Anything else (a JNA load failure, a bug in the app): the generic "internal"
            // headline and the exception type only; its message could hold a path or more.
            else -> UiError(ErrorMessages.headline(QorgauException.Internal(""), lang), t.javaClass.simpleName)
        }

        fun detailOf(e: QorgauException): String? = when (e) {
            is QorgauException.InvalidInput -> "${e.field}: ${e.reason}"
            is QorgauException.BadMedia -> e.reason
            is QorgauException.NotFound -> e.reason
            is QorgauException.Conflict -> e.reason
            is QorgauException.WrongKey -> e.reason
            is QorgauException.Integrity -> e.reason
            is QorgauException.NotInitialised -> e.reason
            is QorgauException.AlreadyInitialised -> e.reason
            is QorgauException.Storage -> e.reason
            is QorgauException.InvalidQr -> e.reason
            is QorgauException.InvalidRegistry -> e.reason
            is QorgauException.PermissionDenied -> e.reason
            is QorgauException.WrongPin -> e.reason
            is QorgauException.ProfileLocked -> e.reason
            is QorgauException.Sync -> e.reason
            is QorgauException.Cancelled -> null
            is QorgauException.KeyStore -> e.reason
            is QorgauException.Io -> e.reason
            is QorgauException.Internal -> e.reason
        }
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
suspend fun <T> attempt(lang: UiLanguage, block: suspend () -> T): Outcome<T> = try {
    Outcome.Ok(block())
} catch (e: CancellationException) {
    throw e
} catch (e: Exception) {
    Outcome.Failed(UiError.of(e, lang))
}
