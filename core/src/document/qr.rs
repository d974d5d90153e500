//! The signed QR payload of a protection order, verifiable offline by any officer's device or
//! the station.
//!
//! Text form: `QORGAU1.<base64url(canonical JSON)>.<base64url(Ed25519 signature)>`, the
//! signature over `qorgau-order-qr/1:` followed by the JSON bytes (domain-separated, so no other
//! signature of the device can pass as an order). The payload holds only minimal identifiers:
//! the restricted person's IIN (it is his own document) or initials and birth year, and the
//! protected persons' initials; never a name in full, never an address.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::canonical;
use crate::crypto::signing::{DeviceSigner, PublicKey};
use crate::error::{Error, Result};

const PREFIX: &str = "QORGAU1.";
const DOMAIN: &[u8] = b"qorgau-order-qr/1:";
/// Longest payload text accepted (a QR code holds at most 2953 bytes).
const MAX_LEN: usize = 2953;

/// Why a QR payload was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrRejection {
    /// Not a Qorgau order code, cut off, or not decodable.
    Malformed,
    /// The signature does not match the content: altered.
    Tampered,
    /// Signed by a device this device does not know.
    UnknownSigner,
    /// Signed by a device the station revoked.
    RevokedSigner,
    /// The order's validity has ended.
    Expired,
}

impl std::fmt::Display for QrRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QrRejection::Malformed => "not a Qorgau order code, or cut off",
            QrRejection::Tampered => "the signature does not match: the code was altered",
            QrRejection::UnknownSigner => "signed by an unknown device",
            QrRejection::RevokedSigner => "signed by a revoked device",
            QrRejection::Expired => "the order has expired",
        })
    }
}

/// What a verified order code says, in plain types for the screens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedOrderCode {
    pub number: String,
    pub valid_from: chrono::DateTime<chrono::Utc>,
    /// After extensions, at the time of printing.
    pub valid_until: chrono::DateTime<chrono::Utc>,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    /// The restricted person: IIN, or initials and birth year.
    pub restricted: String,
    /// The protected persons' initials.
    pub protected: Vec<String>,
    /// Prohibition codes.
    pub prohibitions: Vec<String>,
    /// The issuing device's id (32 hex digits).
    pub device_id: String,
}

impl From<&OrderPayload> for VerifiedOrderCode {
    fn from(p: &OrderPayload) -> Self {
        let at = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap_or_default();
        VerifiedOrderCode {
            number: p.n.clone(),
            valid_from: at(p.f),
            valid_until: at(p.u),
            issued_at: at(p.i),
            restricted: p.r.clone(),
            protected: p.p.clone(),
            prohibitions: p.x.clone(),
            device_id: p.d.clone(),
        }
    }
}

/// What an order's QR code says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPayload {
    /// Format version (1).
    pub v: u8,
    /// Order number.
    pub n: String,
    /// Valid from, Unix seconds.
    pub f: i64,
    /// Valid until, Unix seconds (after extensions, at the time of printing).
    pub u: i64,
    /// Issued at, Unix seconds.
    pub i: i64,
    /// The restricted person: IIN, or initials and birth year.
    pub r: String,
    /// The protected persons' initials.
    pub p: Vec<String>,
    /// Prohibition codes.
    pub x: Vec<String>,
    /// The issuing device's id (32 hex digits).
    pub d: String,
}

impl OrderPayload {
    /// Valid until, as an instant.
    pub fn valid_until(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.u, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
    /// Valid from, as an instant.
    pub fn valid_from(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.f, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
}

/// Signs a payload with the device key and returns the QR text.
pub fn sign(payload: &OrderPayload, signer: &DeviceSigner) -> Result<String> {
    let json = canonical::to_bytes(payload)?;
    let mut msg = DOMAIN.to_vec();
    msg.extend_from_slice(&json);
    let sig = signer.sign(&msg);
    Ok(format!("{PREFIX}{}.{}", B64.encode(&json), B64.encode(sig)))
}

/// How a verifier knows device keys: `Some((key, revoked))` for a known device.
pub trait KeyLookup {
    fn device_key(&self, device_id: &str) -> Option<(PublicKey, bool)>;
}

/// Verifies QR text offline: well-formed, signed by a known, unrevoked device, unaltered, and
/// not expired at `now`.
pub fn verify(text: &str, keys: &dyn KeyLookup, now: DateTime<Utc>) -> Result<OrderPayload> {
    let reject = |r: QrRejection| Error::InvalidQr { reason: r };
    let text = text.trim();
    if text.len() > MAX_LEN {
        return Err(reject(QrRejection::Malformed));
    }
    let body = text
        .strip_prefix(PREFIX)
        .ok_or(reject(QrRejection::Malformed))?;
    let (json_b64, sig_b64) = body.split_once('.').ok_or(reject(QrRejection::Malformed))?;
    let json = B64
        .decode(json_b64)
        .map_err(|_| reject(QrRejection::Malformed))?;
    let sig = B64
        .decode(sig_b64)
        .map_err(|_| reject(QrRejection::Malformed))?;
    if sig.len() != 64 {
        return Err(reject(QrRejection::Malformed));
    }
    let payload: OrderPayload =
        serde_json::from_slice(&json).map_err(|_| reject(QrRejection::Malformed))?;
    if payload.v != 1 {
        return Err(reject(QrRejection::Malformed));
    }
    let (key, revoked) = keys
        .device_key(&payload.d)
        .ok_or(reject(QrRejection::UnknownSigner))?;
    let mut msg = DOMAIN.to_vec();
    msg.extend_from_slice(&json);
    if !key.verify(&msg, &sig) {
        return Err(reject(QrRejection::Tampered));
    }
    if revoked {
        return Err(reject(QrRejection::RevokedSigner));
    }
    if now >= payload.valid_until() {
        return Err(reject(QrRejection::Expired));
    }
    Ok(payload)
}

/// Initials of a name ("Aigerim Testova" → "A.T."), for minimal identification.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .flat_map(|c| c.to_uppercase().chain(std::iter::once('.')))
        .collect()
}

/// Renders QR text as a PNG (black on white, with a quiet zone), `scale` pixels per module.
pub fn png(text: &str, scale: u32) -> Result<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::invalid("qr", e.to_string()))?;
    let w = code.width() as u32;
    let quiet = 4;
    let size = (w + 2 * quiet) * scale;
    let colors = code.to_colors();
    let img = image::GrayImage::from_fn(size, size, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let dark = mx >= quiet
            && my >= quiet
            && mx < w + quiet
            && my < w + quiet
            && colors[((my - quiet) * w + (mx - quiet)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| Error::invalid("qr", e.to_string()))?;
    Ok(out)
}

/// The dark modules of the QR code as a square matrix (for drawing it in a PDF).
pub fn modules(text: &str) -> Result<(usize, Vec<bool>)> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::invalid("qr", e.to_string()))?;
    Ok((
        code.width(),
        code.to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    ))
}
