//! The one UniFFI layer over the Qorgau core (proc macros, library mode).
//!
//! Thin by design: the core's records and enums are exposed as remote types (no copies), the
//! store is one object, the platforms implement two foreign traits (`PlatformKeyStore`,
//! `ProgressObserver`), and every core error arrives as a `QorgauException` (Kotlin) or
//! `QorgauError` (Swift) with a message free of personal data. A panic inside the core is
//! caught here and becomes `QorgauError.Internal`; it never unwinds into Kotlin or Swift.

mod diagnostics;
mod enrolment;
mod error;
mod keystore;
mod progress;
mod store;
mod types;

pub use diagnostics::*;
pub use enrolment::*;
pub use error::QorgauError;
pub use keystore::{KeyStoreError, PlatformKeyStore};
pub use progress::ProgressObserver;
pub use store::QorgauStore;
pub use types::*;

uniffi::setup_scaffolding!("qorgau");
