//! The public error of the bindings: a flat enum mapped from the core's error in one place.

use qorgau_core::document::qr::QrRejection;
use qorgau_core::iin::IinProblem;
use qorgau_core::sync::SyncFailure;
use qorgau_core::Error;

use crate::types::UtcInstant;

/// What went wrong, for the apps. Messages name ids and fields, never personal data or keys.
/// Apps decide on the variant and its typed fields (`problem`, `rejection`, `failure`,
/// `until`), never on `reason`, which is English for logs and may be reworded.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum QorgauError {
    /// The input was refused (empty statement, unsupported language, a field out of range...).
    #[error("{reason}")]
    InvalidInput { field: String, reason: String },
    /// An IIN was refused; `problem` says why (the IIN itself is never repeated).
    #[error("{reason}")]
    InvalidIin { problem: IinProblem, reason: String },
    /// The file is not photo, video or audio media, is empty, of the wrong kind, corrupt or too
    /// large; `problem` says which (`Damaged`: the officer may keep it, marked damaged, with
    /// `CaptureInfo.keepDamaged`).
    #[error("{reason}")]
    BadMedia {
        problem: MediaProblem,
        reason: String,
    },
    /// No case, person, evidence or statement with that id.
    #[error("{reason}")]
    NotFound { reason: String },
    /// Not allowed in the current state.
    #[error("{reason}")]
    Conflict { reason: String },
    /// The key store cannot unlock this store; nothing was changed.
    #[error("{reason}")]
    WrongKey { reason: String },
    /// Stored data failed an integrity check (altered or corrupt).
    #[error("{reason}")]
    Integrity { reason: String },
    /// The store directory has no device profile yet: create one first.
    #[error("{reason}")]
    NotInitialised { reason: String },
    /// The store directory already has a device profile: open it instead.
    #[error("{reason}")]
    AlreadyInitialised { reason: String },
    /// The store file is not a database, or was written by a newer version.
    #[error("{reason}")]
    Storage { reason: String },
    /// A protection order's QR code was refused (malformed, tampered, unknown or revoked signer, expired).
    #[error("{reason}")]
    InvalidQr {
        rejection: QrRejection,
        reason: String,
    },
    /// A registry file from the station was refused; nothing changed.
    #[error("{reason}")]
    InvalidRegistry { reason: String },
    /// The acting profile's role may not do this; the attempt is audited where it concerns
    /// restricted content.
    #[error("{reason}")]
    PermissionDenied { reason: String },
    /// A wrong PIN.
    #[error("{reason}")]
    WrongPin { attempts_left: u32, reason: String },
    /// Too many wrong PINs: locked until `until`.
    #[error("{reason}")]
    ProfileLocked { until: UtcInstant, reason: String },
    /// Talking to the station failed (`failure` says how); everything stays in the outbox.
    /// `failure.isTransient` in the core's sense: the client already retried with backoff.
    #[error("{reason}")]
    Sync {
        failure: SyncFailure,
        reason: String,
    },
    /// The operation was cancelled through the progress observer.
    #[error("cancelled")]
    Cancelled,
    /// The platform key store failed.
    #[error("{reason}")]
    KeyStore { reason: String },
    /// File-system or database failure.
    #[error("{reason}")]
    Io { reason: String },
    /// A bug: an unexpected failure inside the core (including a caught panic).
    #[error("{reason}")]
    Internal { reason: String },
}

impl From<Error> for QorgauError {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        match e {
            Error::InvalidIin { problem } => QorgauError::InvalidIin {
                problem,
                reason: message,
            },
            Error::InvalidField { field, .. } => QorgauError::InvalidInput {
                field: field.into(),
                reason: message,
            },
            Error::UnsupportedLanguage { .. } => QorgauError::InvalidInput {
                field: "language".into(),
                reason: message,
            },
            Error::EmptyStatement => QorgauError::InvalidInput {
                field: "text".into(),
                reason: message,
            },
            Error::EmptyFile => QorgauError::BadMedia {
                problem: MediaProblem::Empty,
                reason: message,
            },
            Error::NotMedia { .. } => QorgauError::BadMedia {
                problem: MediaProblem::NotMedia,
                reason: message,
            },
            Error::WrongMediaKind { .. } => QorgauError::BadMedia {
                problem: MediaProblem::WrongKind,
                reason: message,
            },
            Error::CorruptImage { .. } => QorgauError::BadMedia {
                problem: MediaProblem::Corrupt,
                reason: message,
            },
            Error::DamagedImage { .. } => QorgauError::BadMedia {
                problem: MediaProblem::Damaged,
                reason: message,
            },
            Error::ImageTooLarge { .. } | Error::FileTooLarge { .. } => QorgauError::BadMedia {
                problem: MediaProblem::TooLarge,
                reason: message,
            },
            Error::NotFound { .. } => QorgauError::NotFound { reason: message },
            Error::Conflict(_) => QorgauError::Conflict { reason: message },
            Error::AlreadyInitialised(_) => QorgauError::AlreadyInitialised { reason: message },
            Error::NotInitialised(_) => QorgauError::NotInitialised { reason: message },
            Error::InvalidQr { reason } => QorgauError::InvalidQr {
                rejection: reason,
                reason: message,
            },
            Error::InvalidRegistry { .. } => QorgauError::InvalidRegistry { reason: message },
            Error::PermissionDenied { .. } => QorgauError::PermissionDenied { reason: message },
            Error::WrongPin { attempts_left } => QorgauError::WrongPin {
                attempts_left,
                reason: message,
            },
            Error::ProfileLocked { until } => QorgauError::ProfileLocked {
                until,
                reason: message,
            },
            Error::Sync { failure, .. } => QorgauError::Sync {
                failure,
                reason: message,
            },
            Error::Cancelled => QorgauError::Cancelled,
            Error::WrongKey => QorgauError::WrongKey { reason: message },
            Error::Integrity { .. } => QorgauError::Integrity { reason: message },
            Error::KeyStore(_) => QorgauError::KeyStore { reason: message },
            Error::NotADatabase(_) | Error::SchemaTooNew { .. } => {
                QorgauError::Storage { reason: message }
            }
            Error::Io { .. } | Error::Database(_) => QorgauError::Io { reason: message },
            Error::Crypto(_) | Error::Serde(_) => QorgauError::Internal { reason: message },
        }
    }
}

/// Why a file was refused as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MediaProblem {
    /// The file is empty.
    Empty,
    /// Not a photo, video or audio file.
    NotMedia,
    /// Another kind of media than the one asked for.
    WrongKind,
    /// Broken in a way that cannot be kept (a signature image, a platform thumbnail).
    Corrupt,
    /// A damaged or cut-short photo: kept, byte for byte and marked damaged, only if the officer
    /// confirms (`CaptureInfo.keepDamaged`).
    Damaged,
    /// Too many pixels or too many bytes to decode on the phone.
    TooLarge,
}

/// Whether a sync failure may go away on its own (a network fault, a station failure, a busy
/// upload, throttling): the next background sync is worth trying. The others need someone to
/// act (enrol again, check the phone's clock, a new card...).
#[uniffi::export]
pub fn sync_failure_is_transient(failure: SyncFailure) -> bool {
    failure.is_transient()
}

/// Runs `f`, turning a panic into [`QorgauError::Internal`] so that it never unwinds across
/// the FFI boundary (UniFFI would otherwise report it as an untyped internal error).
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, QorgauError>) -> Result<T, QorgauError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(QorgauError::Internal {
                reason: format!("internal error (panic in core): {what}"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_internal_and_core_errors_keep_their_kind() {
        let r: Result<(), QorgauError> = guard(|| panic!("boom"));
        assert!(matches!(r, Err(QorgauError::Internal { reason }) if reason.contains("boom")));
        let e: QorgauError = qorgau_core::iin::Iin::parse("940312402109")
            .unwrap_err()
            .into();
        assert!(matches!(
            e,
            QorgauError::InvalidIin {
                problem: IinProblem::CheckDigitMismatch,
                ..
            }
        ));
        let locked = chrono::Utc::now();
        assert!(matches!(
            QorgauError::from(Error::ProfileLocked { until: locked }),
            QorgauError::ProfileLocked { until, .. } if until == locked
        ));
        let revoked = SyncFailure::Refused {
            code: qorgau_core::sync::protocol::ErrorCode::DeviceRevoked,
            status: 403,
        };
        assert!(matches!(
            QorgauError::from(Error::sync(revoked, "any words")),
            QorgauError::Sync { failure, .. } if failure == revoked
        ));
        assert!(!sync_failure_is_transient(revoked));
        let damaged = Error::DamagedImage {
            format: "jpeg".into(),
            reason: "cut short".into(),
        };
        assert!(matches!(
            QorgauError::from(damaged),
            QorgauError::BadMedia {
                problem: MediaProblem::Damaged,
                ..
            }
        ));
        assert!(sync_failure_is_transient(SyncFailure::Unreachable));
        assert!(matches!(
            QorgauError::from(Error::WrongKey),
            QorgauError::WrongKey { .. }
        ));
        assert!(matches!(
            QorgauError::from(Error::Cancelled),
            QorgauError::Cancelled
        ));
    }
}
