//! The station's one error type; every variant maps to an HTTP status with a plain message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qorgau_core::sync::protocol::{ErrorBody, ErrorCode};

/// What went wrong at the station. Messages carry ids and reasons, never personal data.
#[derive(Debug, thiserror::Error)]
pub enum StationError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not authenticated: {0}")]
    Unauthenticated(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("checksum mismatch: {0}")]
    ChecksumMismatch(String),
    #[error("gone: {0}")]
    Gone(String),
    #[error("payload too large: {0}")]
    TooLarge(String),
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    #[error("core: {0}")]
    Core(#[from] qorgau_core::Error),
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal: {0}")]
    Internal(String),
    /// A refusal whose code says more than its status (a revoked device, a used code...).
    #[error("{1}")]
    Refused(ErrorCode, String),
}

impl StationError {
    /// The stable machine code sent beside the words (see [`ErrorCode`]).
    pub fn code(&self) -> ErrorCode {
        match self {
            StationError::Refused(code, _) => *code,
            StationError::BadRequest(_) => ErrorCode::BadRequest,
            StationError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            StationError::Forbidden(_) => ErrorCode::Forbidden,
            StationError::NotFound(_) => ErrorCode::NotFound,
            StationError::Conflict(_) => ErrorCode::Busy,
            StationError::ChecksumMismatch(_) => ErrorCode::ChecksumMismatch,
            StationError::Gone(_) => ErrorCode::Gone,
            StationError::TooLarge(_) => ErrorCode::TooLarge,
            StationError::TooManyRequests(_) => ErrorCode::Throttled,
            StationError::Core(e) if e.is_bad_input() => ErrorCode::BadRequest,
            StationError::Core(_)
            | StationError::Database(_)
            | StationError::Io(_)
            | StationError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The HTTP status for this error (4xx for anything the client sent, 5xx for the station).
    pub fn status(&self) -> StatusCode {
        match self {
            StationError::BadRequest(_) => StatusCode::BAD_REQUEST,
            StationError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            StationError::Forbidden(_) => StatusCode::FORBIDDEN,
            StationError::NotFound(_) => StatusCode::NOT_FOUND,
            StationError::Conflict(_) => StatusCode::CONFLICT,
            // tus: 460 Checksum Mismatch.
            StationError::ChecksumMismatch(_) => {
                StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST)
            }
            StationError::Gone(_) => StatusCode::GONE,
            StationError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            StationError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            StationError::Refused(code, _) => match code {
                ErrorCode::BadRequest | ErrorCode::WeakKey => StatusCode::BAD_REQUEST,
                ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::Unauthenticated | ErrorCode::StaleRequest | ErrorCode::Replayed => {
                    StatusCode::UNAUTHORIZED
                }
                ErrorCode::DeviceRevoked
                | ErrorCode::CodeUnknown
                | ErrorCode::CodeUsed
                | ErrorCode::CodeExpired
                | ErrorCode::Forbidden => StatusCode::FORBIDDEN,
                ErrorCode::EnrolmentRefused | ErrorCode::Busy => StatusCode::CONFLICT,
                ErrorCode::Throttled | ErrorCode::QuotaExceeded => StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::NotFound => StatusCode::NOT_FOUND,
                ErrorCode::Gone => StatusCode::GONE,
                ErrorCode::ChecksumMismatch => {
                    StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST)
                }
                ErrorCode::Internal | ErrorCode::Unknown => StatusCode::INTERNAL_SERVER_ERROR,
            },
            StationError::Core(e) if e.is_bad_input() => StatusCode::BAD_REQUEST,
            StationError::Core(_)
            | StationError::Database(_)
            | StationError::Io(_)
            | StationError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for StationError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_string(&ErrorBody {
            error: self.to_string(),
            code: self.code(),
        })
        .unwrap_or_default();
        (
            status,
            [
                ("Tus-Resumable", "1.0.0"),
                ("Content-Type", "application/json"),
            ],
            body,
        )
            .into_response()
    }
}

/// Result alias of the station.
pub type Result<T, E = StationError> = std::result::Result<T, E>;
