//! The one error type of the core.
//!
//! Errors never carry personal data: no names, IINs, phone numbers, addresses or statement
//! text, and never key material. They name ids, field names and sizes only, so that they can
//! be logged and shown on a screen without leaking anything.

use std::path::PathBuf;

/// Everything that can go wrong in the core. Variants are grouped: bad input from the caller
/// (`is_bad_input()` is true), security failures (wrong key, tampering) and internal failures
/// (I/O, database).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // ---- bad input --------------------------------------------------------------------------
    /// An IIN that is not 12 digits, has an impossible birth date or century digit, or whose
    /// check digit does not match. The IIN itself is deliberately not repeated.
    #[error("invalid IIN: {problem}")]
    InvalidIin { problem: crate::iin::IinProblem },
    /// A field failed validation (empty where required, out of range...).
    #[error("invalid {field}: {reason}")]
    InvalidField { field: &'static str, reason: String },
    /// A language code other than kk, ru or en.
    #[error("unsupported language code {code:?} (expected kk, ru or en)")]
    UnsupportedLanguage { code: String },
    /// A statement with no text (a refusal is recorded with `record_refusal`, not as an empty statement).
    #[error("a statement needs text; record a refusal instead if the person declined")]
    EmptyStatement,
    /// The file is empty.
    #[error("the file is empty (0 bytes)")]
    EmptyFile,
    /// The bytes are not photo, video or audio media at all.
    #[error("not media: {detected} is not a photo, video or audio file")]
    NotMedia { detected: String },
    /// The bytes are of a different kind than the one asked for (a video given as a photo...).
    #[error("expected {expected} but the file is {found}")]
    WrongMediaKind {
        expected: &'static str,
        found: String,
    },
    /// An image whose header or data is broken (truncated, corrupt).
    #[error("corrupt or truncated image ({format}): {reason}")]
    CorruptImage { format: String, reason: String },
    /// A photo whose data is damaged or cut short: refused unless the officer confirms keeping
    /// it, byte for byte and marked damaged (`CaptureInfo::keep_damaged`).
    #[error("damaged or cut-short image ({format}): {reason}; it can be kept as damaged evidence if the officer confirms")]
    DamagedImage { format: String, reason: String },
    /// An image larger than the decoder limits; refused before any pixel memory is allocated.
    #[error("image of {width}x{height} pixels exceeds the limit of {max_pixels} pixels")]
    ImageTooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    /// A photo file over the size that is decoded in memory.
    #[error("photo file of {size} bytes exceeds the limit of {limit} bytes; add it as a document or video")]
    FileTooLarge { size: u64, limit: u64 },
    /// No record with that id (case, person, evidence, statement).
    #[error("unknown {kind} {id}")]
    NotFound { kind: &'static str, id: String },
    /// The operation is not allowed in the current state (e.g. a correction of a statement on another case).
    #[error("not allowed: {0}")]
    Conflict(String),
    /// The directory already holds a device profile.
    #[error("a device profile already exists in {0}")]
    AlreadyInitialised(PathBuf),
    /// The directory holds no device profile yet.
    #[error("no device profile in {0}; run init first")]
    NotInitialised(PathBuf),
    /// A protection order's QR code was refused.
    #[error("order QR code rejected: {reason}")]
    InvalidQr {
        reason: crate::document::qr::QrRejection,
    },
    /// A registry file or delta from the station was refused.
    #[error("registry update rejected: {reason}")]
    InvalidRegistry { reason: String },
    /// The acting profile's role may not do this (enforced in the core; the attempt is audited
    /// where it concerns restricted content).
    #[error("permission denied: cannot {action}")]
    PermissionDenied { action: String },
    /// A wrong PIN; the profile locks after a few more.
    #[error("wrong PIN ({attempts_left} attempts left before the profile locks)")]
    WrongPin { attempts_left: u32 },
    /// Too many wrong PINs: the profile is locked until the time given.
    #[error("profile locked after repeated wrong PINs until {}", until.to_rfc3339())]
    ProfileLocked {
        until: chrono::DateTime<chrono::Utc>,
    },
    /// Talking to the station failed; the outbox keeps everything. `failure` is what callers
    /// decide on; `detail` is for people and logs (no personal data) and may be reworded.
    #[error("sync: {detail}")]
    Sync {
        failure: crate::sync::SyncFailure,
        detail: String,
    },
    /// The operation was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,

    // ---- security ---------------------------------------------------------------------------
    /// The key store could not unwrap the device keys: wrong key, or another device's key store.
    /// Nothing was changed.
    #[error("wrong key: the key store cannot unlock this store (nothing was changed)")]
    WrongKey,
    /// Authenticated decryption failed for stored data: it was altered or is corrupt.
    #[error("integrity failure in {what}")]
    Integrity { what: String },
    /// The key store itself failed (platform keystore error, unreadable key file).
    #[error("key store error: {0}")]
    KeyStore(String),

    // ---- internal ---------------------------------------------------------------------------
    /// The store file exists but is not a SQLite database (or is encrypted/corrupt).
    #[error("the store file {0} is not a database or is corrupt")]
    NotADatabase(PathBuf),
    /// The database was written by a newer version of Qorgau.
    #[error("the store has schema version {found}, newer than this build supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    /// A database error.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A file-system error; `context` says which operation on which (non-personal) path.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A cryptographic primitive failed unexpectedly (not an authentication failure).
    #[error("crypto failure: {0}")]
    Crypto(&'static str),
    /// Serialisation of a record failed.
    #[error("serialisation: {0}")]
    Serde(#[from] serde_json::Error),
}

impl Error {
    /// A sync failure with its words.
    pub fn sync(failure: crate::sync::SyncFailure, detail: impl Into<String>) -> Error {
        Error::Sync {
            failure,
            detail: detail.into(),
        }
    }

    /// True when the caller gave input the core refuses; false for security and internal errors.
    /// The CLI maps this to a distinct exit code.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::InvalidIin { .. }
                | Error::InvalidField { .. }
                | Error::UnsupportedLanguage { .. }
                | Error::EmptyStatement
                | Error::EmptyFile
                | Error::NotMedia { .. }
                | Error::WrongMediaKind { .. }
                | Error::CorruptImage { .. }
                | Error::DamagedImage { .. }
                | Error::ImageTooLarge { .. }
                | Error::FileTooLarge { .. }
                | Error::NotFound { .. }
                | Error::InvalidQr { .. }
                | Error::WrongPin { .. }
                | Error::InvalidRegistry { .. }
                | Error::Conflict(_)
                | Error::AlreadyInitialised(_)
                | Error::NotInitialised(_)
        )
    }

    /// Builds an [`Error::Io`] with a context naming the operation.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// Builds an [`Error::InvalidField`].
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidField {
            field,
            reason: reason.into(),
        }
    }
}

/// Result alias of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
