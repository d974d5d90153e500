//! Diagnostics the apps and their tests use to check the FFI itself.

use crate::error::{guard, QorgauError};

/// The core's version, for the about screen and bug reports.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Panics inside the library on purpose and returns what the caller receives instead: always
/// `QorgauError.Internal`. Tests on both platforms call it to prove that no panic crosses the
/// boundary. Only in debug builds: a release library (what the apps ship) does not have it.
#[cfg(debug_assertions)]
#[uniffi::export]
pub fn diagnostics_panic(message: String) -> Result<(), QorgauError> {
    guard(|| panic!("{message}"))
}

/// Validates an IIN without storing anything (for live validation in a form field).
#[uniffi::export]
pub fn validate_iin(iin: String) -> Result<(), QorgauError> {
    guard(|| {
        qorgau_core::iin::Iin::parse(&iin)
            .map(|_| ())
            .map_err(Into::into)
    })
}
