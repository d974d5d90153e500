package kz.qorgau.core

import kz.qorgau.ffi.ErrorCode
import kz.qorgau.ffi.IinProblem
import kz.qorgau.ffi.MediaProblem
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.QrRejection
import kz.qorgau.ffi.RejectionCode
import kz.qorgau.ffi.SyncFailure
import kz.qorgau.ffi.SyncProblem
import java.time.Instant

/** What a message needs filled in: nothing, the field the core named, a time, or a number. */
enum class ErrorArg { NONE, FIELD, TIME, NUMBER }

/**
 * Every message an officer can be shown for a failure: one per error kind of the core and per
 * typed reason it carries (IIN problem, QR rejection, sync failure, station code, a record's
 * rejection, the store's last sync problem), and the checks the phone makes itself before
 * anything goes to the station. Android's words are the string resources named [key] in
 * `res/values{,-kk,-ru}/strings.xml` (Kazakh, Russian, English), with `%1$s` (a field, a
 * time) or `%1$d` (a number) where [arg] says so; `ui/ErrorTexts.kt` maps each to its `R.string`.
 */
enum class ErrorText(val arg: ErrorArg = ErrorArg.NONE) {
    // ---- QorgauException kinds ------------------------------------------------------------------
    /** InvalidInput carries only words: a generic message and the field the core named. */
    ERROR_INVALID_INPUT(ErrorArg.FIELD),
    ERROR_IIN_WRONG_LENGTH,
    ERROR_IIN_BAD_CENTURY_DIGIT,
    ERROR_IIN_NO_SUCH_BIRTH_DATE,
    ERROR_IIN_NO_VALID_CHECK_DIGIT,
    ERROR_IIN_CHECK_DIGIT_MISMATCH,
    ERROR_BAD_MEDIA,
    ERROR_NOT_FOUND,
    ERROR_CONFLICT,
    ERROR_WRONG_KEY,
    ERROR_INTEGRITY,
    ERROR_NOT_INITIALISED,
    ERROR_ALREADY_INITIALISED,
    ERROR_STORAGE,
    ERROR_QR_MALFORMED,
    ERROR_QR_TAMPERED,
    ERROR_QR_UNKNOWN_SIGNER,
    ERROR_QR_REVOKED_SIGNER,
    ERROR_QR_EXPIRED,
    ERROR_INVALID_REGISTRY,
    ERROR_PERMISSION_DENIED,
    ERROR_WRONG_PIN,
    /** Until when, in the phone's time zone. */
    ERROR_PROFILE_LOCKED(ErrorArg.TIME),
    ERROR_CANCELLED,
    ERROR_KEY_STORE,
    ERROR_IO,
    ERROR_INTERNAL,

    // ---- SyncFailure ----------------------------------------------------------------------------
    SYNC_FAILURE_UNREACHABLE,
    SYNC_FAILURE_UNTRUSTED_CERTIFICATE,
    SYNC_FAILURE_NOT_ENROLLED,
    SYNC_FAILURE_ENROLMENT_NOT_AUTHENTIC,
    /** The HTTP status of the station's own fault. */
    SYNC_FAILURE_STATION_FAILED(ErrorArg.NUMBER),
    SYNC_FAILURE_MALFORMED_ANSWER,
    SYNC_FAILURE_NO_PROGRESS,
    SYNC_FAILURE_CANCELLED,
    SYNC_FAILURE_LOCAL,

    // ---- SyncFailure.Refused: the station's ErrorCode -------------------------------------------
    SYNC_REFUSED_BAD_REQUEST,
    SYNC_REFUSED_TOO_LARGE,
    SYNC_REFUSED_UNAUTHENTICATED,
    SYNC_REFUSED_STALE_REQUEST,
    SYNC_REFUSED_REPLAYED,
    SYNC_REFUSED_DEVICE_REVOKED,
    SYNC_REFUSED_CODE_UNKNOWN,
    SYNC_REFUSED_CODE_USED,
    SYNC_REFUSED_CODE_EXPIRED,
    SYNC_REFUSED_WEAK_KEY,
    SYNC_REFUSED_ENROLMENT_REFUSED,
    SYNC_REFUSED_THROTTLED,
    SYNC_REFUSED_QUOTA_EXCEEDED,
    SYNC_REFUSED_FORBIDDEN,
    SYNC_REFUSED_NOT_FOUND,
    SYNC_REFUSED_GONE,
    SYNC_REFUSED_BUSY,
    SYNC_REFUSED_CHECKSUM_MISMATCH,
    SYNC_REFUSED_INTERNAL,
    /** A code this build cannot name (a newer station): the HTTP status. */
    SYNC_REFUSED_UNKNOWN(ErrorArg.NUMBER),

    // ---- SyncProblem (the store's last sync), besides Failed ------------------------------------
    /** How many entries. */
    SYNC_PROBLEM_ENTRIES_REFUSED(ErrorArg.NUMBER),
    SYNC_PROBLEM_REGISTRY_NOT_UPDATED,

    // ---- Rejected.code: why the station refused one record --------------------------------------
    RECORD_REJECTED_MALFORMED,
    RECORD_REJECTED_OTHER_DEVICE,
    RECORD_REJECTED_BAD_SIGNATURE,
    RECORD_REJECTED_NOT_CASE_OWNER,
    RECORD_REJECTED_NOT_CASE_START,
    RECORD_REJECTED_CONFLICTING,
    RECORD_REJECTED_BROKEN_LINK,
    RECORD_REJECTED_PAYLOAD_MISMATCH,
    RECORD_REJECTED_INVALID_RECORD,
    RECORD_REJECTED_UNKNOWN,

    // ---- the sync screen's own checks, before anything goes out ---------------------------------
    /** The typed address is not http(s)://host[:port]. */
    SYNC_CHECK_BAD_ADDRESS,
    /** Plain http:// to another machine (typed, or on a card): only https leaves the phone. */
    SYNC_CHECK_PLAIN_HTTP,
    SYNC_CHECK_NO_CODE,
    /** "The station's own CA" chosen, none attached. */
    SYNC_CHECK_NO_CERTIFICATE,
    /** What was attached is not PEM text. */
    SYNC_CHECK_NOT_PEM,
    /** What was scanned is not a Qorgau enrolment card (or a damaged one, or a newer version). */
    SYNC_CHECK_NOT_A_CARD,
    /** The app does not hold the store open (locked meanwhile): nothing was tried. */
    SYNC_CHECK_STORE_CLOSED;

    /** The string resource's name. */
    val key: String get() = name.lowercase()
}

/** A message and what fills it in ([ErrorText.arg] says which of these it uses). */
data class ErrorMessage(
    val text: ErrorText,
    val field: String? = null,
    val time: Instant? = null,
    val number: Long? = null,
)

/**
 * The one mapping from what the core reports to what the officer is told: every error kind
 * and every typed reason to an [ErrorText]. Decides on kinds and typed fields only, never on
 * the English `reason` (for logs; it may be reworded).
 */
object ErrorMessages {
    fun of(e: QorgauException): ErrorMessage = when (e) {
        is QorgauException.InvalidInput -> ErrorMessage(ErrorText.ERROR_INVALID_INPUT, field = e.field)
        is QorgauException.InvalidIin -> ErrorMessage(of(e.problem))
        is QorgauException.BadMedia -> ErrorMessage(ErrorText.ERROR_BAD_MEDIA)
        is QorgauException.NotFound -> ErrorMessage(ErrorText.ERROR_NOT_FOUND)
        is QorgauException.Conflict -> ErrorMessage(ErrorText.ERROR_CONFLICT)
        is QorgauException.WrongKey -> ErrorMessage(ErrorText.ERROR_WRONG_KEY)
        is QorgauException.Integrity -> ErrorMessage(ErrorText.ERROR_INTEGRITY)
        is QorgauException.NotInitialised -> ErrorMessage(ErrorText.ERROR_NOT_INITIALISED)
        is QorgauException.AlreadyInitialised -> ErrorMessage(ErrorText.ERROR_ALREADY_INITIALISED)
        is QorgauException.Storage -> ErrorMessage(ErrorText.ERROR_STORAGE)
        is QorgauException.InvalidQr -> ErrorMessage(of(e.rejection))
        is QorgauException.InvalidRegistry -> ErrorMessage(ErrorText.ERROR_INVALID_REGISTRY)
        is QorgauException.PermissionDenied -> ErrorMessage(ErrorText.ERROR_PERMISSION_DENIED)
        is QorgauException.WrongPin -> ErrorMessage(ErrorText.ERROR_WRONG_PIN, number = e.attemptsLeft.toLong())
        is QorgauException.ProfileLocked -> ErrorMessage(ErrorText.ERROR_PROFILE_LOCKED, time = e.until)
        is QorgauException.Sync -> of(e.failure)
        is QorgauException.Cancelled -> ErrorMessage(ErrorText.ERROR_CANCELLED)
        is QorgauException.KeyStore -> ErrorMessage(ErrorText.ERROR_KEY_STORE)
        is QorgauException.Io -> ErrorMessage(ErrorText.ERROR_IO)
        is QorgauException.Internal -> ErrorMessage(ErrorText.ERROR_INTERNAL)
    }

    /** Anything thrown: the core's kinds as above; anything else (a JNA load failure, a bug) is internal. */
    fun of(t: Throwable): ErrorMessage = if (t is QorgauException) of(t) else ErrorMessage(ErrorText.ERROR_INTERNAL)

    fun of(p: IinProblem): ErrorText = when (p) {
        IinProblem.WRONG_LENGTH -> ErrorText.ERROR_IIN_WRONG_LENGTH
        IinProblem.BAD_CENTURY_DIGIT -> ErrorText.ERROR_IIN_BAD_CENTURY_DIGIT
        IinProblem.NO_SUCH_BIRTH_DATE -> ErrorText.ERROR_IIN_NO_SUCH_BIRTH_DATE
        IinProblem.NO_VALID_CHECK_DIGIT -> ErrorText.ERROR_IIN_NO_VALID_CHECK_DIGIT
        IinProblem.CHECK_DIGIT_MISMATCH -> ErrorText.ERROR_IIN_CHECK_DIGIT_MISMATCH
    }

    fun of(r: QrRejection): ErrorText = when (r) {
        QrRejection.MALFORMED -> ErrorText.ERROR_QR_MALFORMED
        QrRejection.TAMPERED -> ErrorText.ERROR_QR_TAMPERED
        QrRejection.UNKNOWN_SIGNER -> ErrorText.ERROR_QR_UNKNOWN_SIGNER
        QrRejection.REVOKED_SIGNER -> ErrorText.ERROR_QR_REVOKED_SIGNER
        QrRejection.EXPIRED -> ErrorText.ERROR_QR_EXPIRED
    }

    fun of(f: SyncFailure): ErrorMessage = when (f) {
        SyncFailure.Unreachable -> ErrorMessage(ErrorText.SYNC_FAILURE_UNREACHABLE)
        SyncFailure.UntrustedCertificate -> ErrorMessage(ErrorText.SYNC_FAILURE_UNTRUSTED_CERTIFICATE)
        SyncFailure.NotEnrolled -> ErrorMessage(ErrorText.SYNC_FAILURE_NOT_ENROLLED)
        SyncFailure.EnrolmentNotAuthentic -> ErrorMessage(ErrorText.SYNC_FAILURE_ENROLMENT_NOT_AUTHENTIC)
        is SyncFailure.Refused -> ErrorMessage(of(f.code), number = f.status.toLong())
        is SyncFailure.StationFailed -> ErrorMessage(ErrorText.SYNC_FAILURE_STATION_FAILED, number = f.status.toLong())
        SyncFailure.MalformedAnswer -> ErrorMessage(ErrorText.SYNC_FAILURE_MALFORMED_ANSWER)
        SyncFailure.NoProgress -> ErrorMessage(ErrorText.SYNC_FAILURE_NO_PROGRESS)
        SyncFailure.Cancelled -> ErrorMessage(ErrorText.SYNC_FAILURE_CANCELLED)
        SyncFailure.Local -> ErrorMessage(ErrorText.SYNC_FAILURE_LOCAL)
    }

    fun of(c: ErrorCode): ErrorText = when (c) {
        ErrorCode.BAD_REQUEST -> ErrorText.SYNC_REFUSED_BAD_REQUEST
        ErrorCode.TOO_LARGE -> ErrorText.SYNC_REFUSED_TOO_LARGE
        ErrorCode.UNAUTHENTICATED -> ErrorText.SYNC_REFUSED_UNAUTHENTICATED
        ErrorCode.STALE_REQUEST -> ErrorText.SYNC_REFUSED_STALE_REQUEST
        ErrorCode.REPLAYED -> ErrorText.SYNC_REFUSED_REPLAYED
        ErrorCode.DEVICE_REVOKED -> ErrorText.SYNC_REFUSED_DEVICE_REVOKED
        ErrorCode.CODE_UNKNOWN -> ErrorText.SYNC_REFUSED_CODE_UNKNOWN
        ErrorCode.CODE_USED -> ErrorText.SYNC_REFUSED_CODE_USED
        ErrorCode.CODE_EXPIRED -> ErrorText.SYNC_REFUSED_CODE_EXPIRED
        ErrorCode.WEAK_KEY -> ErrorText.SYNC_REFUSED_WEAK_KEY
        ErrorCode.ENROLMENT_REFUSED -> ErrorText.SYNC_REFUSED_ENROLMENT_REFUSED
        ErrorCode.THROTTLED -> ErrorText.SYNC_REFUSED_THROTTLED
        ErrorCode.QUOTA_EXCEEDED -> ErrorText.SYNC_REFUSED_QUOTA_EXCEEDED
        ErrorCode.FORBIDDEN -> ErrorText.SYNC_REFUSED_FORBIDDEN
        ErrorCode.NOT_FOUND -> ErrorText.SYNC_REFUSED_NOT_FOUND
        ErrorCode.GONE -> ErrorText.SYNC_REFUSED_GONE
        ErrorCode.BUSY -> ErrorText.SYNC_REFUSED_BUSY
        ErrorCode.CHECKSUM_MISMATCH -> ErrorText.SYNC_REFUSED_CHECKSUM_MISMATCH
        ErrorCode.INTERNAL -> ErrorText.SYNC_REFUSED_INTERNAL
        ErrorCode.UNKNOWN -> ErrorText.SYNC_REFUSED_UNKNOWN
    }

    fun of(p: SyncProblem): ErrorMessage = when (p) {
        is SyncProblem.Failed -> of(p.failure)
        is SyncProblem.EntriesRefused -> ErrorMessage(ErrorText.SYNC_PROBLEM_ENTRIES_REFUSED, number = p.count.toLong())
        SyncProblem.RegistryNotUpdated -> ErrorMessage(ErrorText.SYNC_PROBLEM_REGISTRY_NOT_UPDATED)
    }

    fun of(c: RejectionCode): ErrorText = when (c) {
        RejectionCode.MALFORMED -> ErrorText.RECORD_REJECTED_MALFORMED
        RejectionCode.OTHER_DEVICE -> ErrorText.RECORD_REJECTED_OTHER_DEVICE
        RejectionCode.BAD_SIGNATURE -> ErrorText.RECORD_REJECTED_BAD_SIGNATURE
        RejectionCode.NOT_CASE_OWNER -> ErrorText.RECORD_REJECTED_NOT_CASE_OWNER
        RejectionCode.NOT_CASE_START -> ErrorText.RECORD_REJECTED_NOT_CASE_START
        RejectionCode.CONFLICTING -> ErrorText.RECORD_REJECTED_CONFLICTING
        RejectionCode.BROKEN_LINK -> ErrorText.RECORD_REJECTED_BROKEN_LINK
        RejectionCode.PAYLOAD_MISMATCH -> ErrorText.RECORD_REJECTED_PAYLOAD_MISMATCH
        RejectionCode.INVALID_RECORD -> ErrorText.RECORD_REJECTED_INVALID_RECORD
        RejectionCode.UNKNOWN -> ErrorText.RECORD_REJECTED_UNKNOWN
    }

    /**
     * A photo the core refused as damaged or cut short (`MediaProblem.DAMAGED`), which the
     * officer may keep as it is, marked damaged, by adding it again with
     * `CaptureInfo.keepDamaged = true`; other BadMedia refusals (not media, wrong kind, too
     * large) cannot be kept that way.
     */
    fun keepableAsDamaged(e: Throwable): Boolean =
        e is QorgauException.BadMedia && e.problem == MediaProblem.DAMAGED
}
