//! Sync with the station: the protocol's wire types and request signing, enrolment by card,
//! the TLS trust a phone gives its station, and the client.

pub mod client;
pub mod enrolment;
pub mod protocol;
pub mod tls;

pub use failure::{SyncFailure, SyncProblem};

mod failure {
    use serde::{Deserialize, Serialize};

    use super::protocol::ErrorCode;

    /// Why talking to the station failed, as the apps decide on it (the words for people are
    /// in each app's strings, one per kind). The outbox keeps everything whatever the kind.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub enum SyncFailure {
        /// The station could not be reached (no network, connection refused or cut, timeout).
        Unreachable,
        /// The station's TLS certificate is not the one this phone trusts (another server, or
        /// an attacker in between).
        UntrustedCertificate,
        /// This phone is not enrolled with a station yet.
        NotEnrolled,
        /// The enrolment answer did not prove it came from the station the card names (it was
        /// changed on the way, or this is another station): nothing was stored.
        EnrolmentNotAuthentic,
        /// The station refused the request; `code` says why (a revoked device, a used code...).
        Refused { code: ErrorCode, status: u16 },
        /// The station answered with an error of its own (5xx).
        StationFailed { status: u16 },
        /// The station's answer did not follow the protocol.
        MalformedAnswer,
        /// The station acknowledged nothing: the entries wait for originals it has not got.
        NoProgress,
        /// The sync was cancelled on the phone.
        Cancelled,
        /// The phone itself failed (its store, a file, the key store); see the words.
        Local,
    }

    impl SyncFailure {
        /// The kind of any error met during a sync: a sync failure's own, cancellation, or a
        /// failure on the phone.
        pub fn of(e: &crate::Error) -> SyncFailure {
            match e {
                crate::Error::Sync { failure, .. } => *failure,
                crate::Error::Cancelled => SyncFailure::Cancelled,
                _ => SyncFailure::Local,
            }
        }

        /// Whether the client retries it (with backoff) and the next sync may succeed without
        /// anyone acting: a network fault, a station failure, a busy upload, throttling.
        pub fn is_transient(self) -> bool {
            match self {
                SyncFailure::Unreachable | SyncFailure::StationFailed { .. } => true,
                SyncFailure::Refused { code, .. } => code.is_transient(),
                _ => false,
            }
        }
    }

    /// What the sync screen shows about the last sync, as a kind (its time is beside it).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(tag = "problem", rename_all = "snake_case")]
    pub enum SyncProblem {
        /// The sync failed.
        Failed { failure: SyncFailure },
        /// The station refused some entries; they stay on the phone with the station's reason.
        EntriesRefused { count: u64 },
        /// Everything was pushed, but the registry could not be brought up to date.
        RegistryNotUpdated,
    }
}
