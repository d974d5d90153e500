//! One module per command group that works on an open store.

use qorgau_core::Error;
use serde::Serialize;

use crate::output::Out;

pub mod assessment;
pub mod intervention;
pub mod order;
pub mod profile;
pub mod referral;
pub mod registry;

pub(crate) fn print<T: Serialize>(out: &Out, text: &str, v: &T) -> Result<(), Error> {
    out.message(text, &serde_json::to_value(v)?)
}

/// Prints only the id with `-q`, else the text (or JSON).
pub(crate) fn id(
    out: &Out,
    text: &str,
    id: impl std::fmt::Display,
    v: &impl Serialize,
) -> Result<(), Error> {
    if out.quiet() {
        println!("{id}");
        Ok(())
    } else {
        print(out, text, v)
    }
}

pub(crate) fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}
