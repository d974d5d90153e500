//! Qorgau core: the domain of a field app for police domestic-violence response teams.
//!
//! Cases, people, evidence (photos, video, audio) hashed and signed at capture, statements,
//! a signed hash-linked custody chain, an encrypted store that survives being killed at any
//! moment, verification and export for court. Pure Rust; the UniFFI layer lives in
//! `bindings/`.

pub mod canonical;
pub mod crypto;
pub mod document;
pub mod error;
pub mod files;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod iin;
pub mod media;
pub mod model;
pub mod registry;
pub mod store;
pub mod sync;

pub use crypto::keys::{FileKeyStore, KeyStore};
pub use error::{Error, Result};
pub use export::ExportSummary;
pub use store::cases::{CaseFile, CaseSummary};
/// Export for court (its code lives with the store: it reads the store's tables).
pub use store::export;
/// Verification of a case (its code lives with the store: it reads the store's tables).
pub use store::verify;
pub use store::{DeviceInfo, DeviceProfile, NoProgress, Progress, Recorded, Store, StoreOptions};
pub use verify::{VerifyFailure, VerifyReport};
