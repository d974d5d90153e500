package kz.qorgau.app.ui

import androidx.annotation.StringRes
import androidx.compose.runtime.Composable
import androidx.compose.ui.res.stringResource
import kz.qorgau.app.R
import kz.qorgau.app.model.Format
import kz.qorgau.core.ErrorArg
import kz.qorgau.core.ErrorMessage
import kz.qorgau.core.ErrorMessages
import kz.qorgau.core.ErrorText
import kz.qorgau.ffi.IinProblem

// What the officer is told about a failure, in the UI language: every ErrorText (one per error
// kind and typed reason, kz.qorgau.core.ErrorMessages) to its string of res/values{,-kk,-ru}.
// app-check's ErrorTextsTest reads this file: each constant maps to the resource of its own name.

@StringRes fun ErrorText.res(): Int = when (this) {
    ErrorText.ERROR_INVALID_INPUT -> R.string.error_invalid_input
    ErrorText.ERROR_IIN_WRONG_LENGTH -> R.string.error_iin_wrong_length
    ErrorText.ERROR_IIN_BAD_CENTURY_DIGIT -> R.string.error_iin_bad_century_digit
    ErrorText.ERROR_IIN_NO_SUCH_BIRTH_DATE -> R.string.error_iin_no_such_birth_date
    ErrorText.ERROR_IIN_NO_VALID_CHECK_DIGIT -> R.string.error_iin_no_valid_check_digit
    ErrorText.ERROR_IIN_CHECK_DIGIT_MISMATCH -> R.string.error_iin_check_digit_mismatch
    ErrorText.ERROR_BAD_MEDIA -> R.string.error_bad_media
    ErrorText.ERROR_NOT_FOUND -> R.string.error_not_found
    ErrorText.ERROR_CONFLICT -> R.string.error_conflict
    ErrorText.ERROR_WRONG_KEY -> R.string.error_wrong_key
    ErrorText.ERROR_INTEGRITY -> R.string.error_integrity
    ErrorText.ERROR_NOT_INITIALISED -> R.string.error_not_initialised
    ErrorText.ERROR_ALREADY_INITIALISED -> R.string.error_already_initialised
    ErrorText.ERROR_STORAGE -> R.string.error_storage
    ErrorText.ERROR_QR_MALFORMED -> R.string.error_qr_malformed
    ErrorText.ERROR_QR_TAMPERED -> R.string.error_qr_tampered
    ErrorText.ERROR_QR_UNKNOWN_SIGNER -> R.string.error_qr_unknown_signer
    ErrorText.ERROR_QR_REVOKED_SIGNER -> R.string.error_qr_revoked_signer
    ErrorText.ERROR_QR_EXPIRED -> R.string.error_qr_expired
    ErrorText.ERROR_INVALID_REGISTRY -> R.string.error_invalid_registry
    ErrorText.ERROR_PERMISSION_DENIED -> R.string.error_permission_denied
    ErrorText.ERROR_WRONG_PIN -> R.string.error_wrong_pin
    ErrorText.ERROR_PROFILE_LOCKED -> R.string.error_profile_locked
    ErrorText.ERROR_CANCELLED -> R.string.error_cancelled
    ErrorText.ERROR_KEY_STORE -> R.string.error_key_store
    ErrorText.ERROR_IO -> R.string.error_io
    ErrorText.ERROR_INTERNAL -> R.string.error_internal
    ErrorText.SYNC_FAILURE_UNREACHABLE -> R.string.sync_failure_unreachable
    ErrorText.SYNC_FAILURE_UNTRUSTED_CERTIFICATE -> R.string.sync_failure_untrusted_certificate
    ErrorText.SYNC_FAILURE_NOT_ENROLLED -> R.string.sync_failure_not_enrolled
    ErrorText.SYNC_FAILURE_ENROLMENT_NOT_AUTHENTIC -> R.string.sync_failure_enrolment_not_authentic
    ErrorText.SYNC_FAILURE_STATION_FAILED -> R.string.sync_failure_station_failed
    ErrorText.SYNC_FAILURE_MALFORMED_ANSWER -> R.string.sync_failure_malformed_answer
    ErrorText.SYNC_FAILURE_NO_PROGRESS -> R.string.sync_failure_no_progress
    ErrorText.SYNC_FAILURE_CANCELLED -> R.string.sync_failure_cancelled
    ErrorText.SYNC_FAILURE_LOCAL -> R.string.sync_failure_local
    ErrorText.SYNC_REFUSED_BAD_REQUEST -> R.string.sync_refused_bad_request
    ErrorText.SYNC_REFUSED_TOO_LARGE -> R.string.sync_refused_too_large
    ErrorText.SYNC_REFUSED_UNAUTHENTICATED -> R.string.sync_refused_unauthenticated
    ErrorText.SYNC_REFUSED_STALE_REQUEST -> R.string.sync_refused_stale_request
    ErrorText.SYNC_REFUSED_REPLAYED -> R.string.sync_refused_replayed
    ErrorText.SYNC_REFUSED_DEVICE_REVOKED -> R.string.sync_refused_device_revoked
    ErrorText.SYNC_REFUSED_CODE_UNKNOWN -> R.string.sync_refused_code_unknown
    ErrorText.SYNC_REFUSED_CODE_USED -> R.string.sync_refused_code_used
    ErrorText.SYNC_REFUSED_CODE_EXPIRED -> R.string.sync_refused_code_expired
    ErrorText.SYNC_REFUSED_WEAK_KEY -> R.string.sync_refused_weak_key
    ErrorText.SYNC_REFUSED_ENROLMENT_REFUSED -> R.string.sync_refused_enrolment_refused
    ErrorText.SYNC_REFUSED_THROTTLED -> R.string.sync_refused_throttled
    ErrorText.SYNC_REFUSED_QUOTA_EXCEEDED -> R.string.sync_refused_quota_exceeded
    ErrorText.SYNC_REFUSED_FORBIDDEN -> R.string.sync_refused_forbidden
    ErrorText.SYNC_REFUSED_NOT_FOUND -> R.string.sync_refused_not_found
    ErrorText.SYNC_REFUSED_GONE -> R.string.sync_refused_gone
    ErrorText.SYNC_REFUSED_BUSY -> R.string.sync_refused_busy
    ErrorText.SYNC_REFUSED_CHECKSUM_MISMATCH -> R.string.sync_refused_checksum_mismatch
    ErrorText.SYNC_REFUSED_INTERNAL -> R.string.sync_refused_internal
    ErrorText.SYNC_REFUSED_UNKNOWN -> R.string.sync_refused_unknown
    ErrorText.SYNC_PROBLEM_ENTRIES_REFUSED -> R.string.sync_problem_entries_refused
    ErrorText.SYNC_PROBLEM_REGISTRY_NOT_UPDATED -> R.string.sync_problem_registry_not_updated
    ErrorText.RECORD_REJECTED_MALFORMED -> R.string.record_rejected_malformed
    ErrorText.RECORD_REJECTED_OTHER_DEVICE -> R.string.record_rejected_other_device
    ErrorText.RECORD_REJECTED_BAD_SIGNATURE -> R.string.record_rejected_bad_signature
    ErrorText.RECORD_REJECTED_NOT_CASE_OWNER -> R.string.record_rejected_not_case_owner
    ErrorText.RECORD_REJECTED_NOT_CASE_START -> R.string.record_rejected_not_case_start
    ErrorText.RECORD_REJECTED_CONFLICTING -> R.string.record_rejected_conflicting
    ErrorText.RECORD_REJECTED_BROKEN_LINK -> R.string.record_rejected_broken_link
    ErrorText.RECORD_REJECTED_PAYLOAD_MISMATCH -> R.string.record_rejected_payload_mismatch
    ErrorText.RECORD_REJECTED_INVALID_RECORD -> R.string.record_rejected_invalid_record
    ErrorText.RECORD_REJECTED_UNKNOWN -> R.string.record_rejected_unknown
    ErrorText.SYNC_CHECK_BAD_ADDRESS -> R.string.sync_check_bad_address
    ErrorText.SYNC_CHECK_PLAIN_HTTP -> R.string.sync_check_plain_http
    ErrorText.SYNC_CHECK_NO_CODE -> R.string.sync_check_no_code
    ErrorText.SYNC_CHECK_NO_CERTIFICATE -> R.string.sync_check_no_certificate
    ErrorText.SYNC_CHECK_NOT_PEM -> R.string.sync_check_not_pem
    ErrorText.SYNC_CHECK_NOT_A_CARD -> R.string.sync_check_not_a_card
    ErrorText.SYNC_CHECK_STORE_CLOSED -> R.string.sync_check_store_closed
}

/** The message in the UI language, with its field, time (the phone's zone) or number filled in. */
@Composable
fun errorText(m: ErrorMessage): String = when (m.text.arg) {
    ErrorArg.NONE -> stringResource(m.text.res())
    ErrorArg.FIELD -> stringResource(m.text.res(), m.field.orEmpty())
    ErrorArg.TIME -> stringResource(m.text.res(), m.time?.let { Format.instant(it) }.orEmpty())
    ErrorArg.NUMBER -> stringResource(m.text.res(), m.number ?: 0L)
}

/** Why an IIN is refused, for the live check under an IIN field. */
@Composable
fun errorText(p: IinProblem): String = errorText(ErrorMessage(ErrorMessages.of(p)))
