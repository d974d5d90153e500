//! Enrolment by the duty officer's card, as the apps show it: the card read from a QR code,
//! its fingerprints grouped for reading aloud, and what the station answered.

use crate::error::{guard, QorgauError};
use qorgau_core::sync::enrolment::{self, EnrolmentCard};

/// An enrolment card as scanned, for the screen that asks the officer to confirm it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EnrolmentCardInfo {
    /// The station's address (`https://…`).
    pub station_url: String,
    /// The fingerprint of the station's TLS root, grouped (`AB12 CD34 …`), if the card names it.
    pub tls_root_fingerprint: Option<String>,
    /// The fingerprint of the station's signing key, grouped, if the card names it.
    pub station_key_fingerprint: Option<String>,
}

/// What enrolment established.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrolment {
    pub station_url: String,
    pub officer: String,
    pub unit: String,
    /// The station key the phone now trusts for registries and instruments, grouped.
    pub station_key_fingerprint: String,
    /// True when the phone pinned a TLS root for the station (https).
    pub tls_root_pinned: bool,
}

/// Reads an enrolment card's text (from the QR code) without contacting anyone. A card with a
/// plain `http://` address to another machine, or in a format this app does not know, is refused.
#[uniffi::export]
pub fn parse_enrolment_card(text: String) -> Result<EnrolmentCardInfo, QorgauError> {
    guard(|| {
        let c = EnrolmentCard::parse(&text)?;
        Ok(EnrolmentCardInfo {
            station_url: c.station_url,
            tls_root_fingerprint: c.ca_fingerprint.as_deref().map(enrolment::grouped),
            station_key_fingerprint: c.station_key_fingerprint.as_deref().map(enrolment::grouped),
        })
    })
}

/// The record the apps receive for a finished enrolment.
pub(crate) fn enrolment_of(
    url: &str,
    a: &qorgau_core::sync::protocol::EnrolAnswer,
    pinned: bool,
) -> Enrolment {
    let key = qorgau_core::crypto::signing::PublicKey::from_hex(&a.station_public_key)
        .map(|k| enrolment::station_key_fingerprint(&k))
        .unwrap_or_default();
    Enrolment {
        station_url: url.trim_end_matches('/').to_string(),
        officer: a.certificate.officer.clone(),
        unit: a.certificate.unit.clone(),
        station_key_fingerprint: enrolment::grouped(&key),
        tls_root_pinned: pinned,
    }
}
