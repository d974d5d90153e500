//! The sync protocol between a device and its station: wire types and request signing.
//!
//! Every request after enrolment carries four headers and is signed with the device key:
//! ```text
//! Qorgau-Device: <device id>      Qorgau-Timestamp: <unix seconds>
//! Qorgau-Nonce: <32 hex digits>   Qorgau-Signature: <base64 Ed25519>
//! signed text: "QORGAU-REQ-1\n" METHOD "\n" PATH "\n" hex(SHA-256(body)) "\n"
//!              Upload-Offset "\n" Upload-Checksum "\n" timestamp "\n" nonce
//! ```
//! The station refuses an unknown or revoked device, a bad signature, a timestamp more than
//! five minutes off, and a nonce it has seen.

use serde::{Deserialize, Serialize};

/// Header names.
pub const H_DEVICE: &str = "qorgau-device";
pub const H_TIMESTAMP: &str = "qorgau-timestamp";
pub const H_NONCE: &str = "qorgau-nonce";
pub const H_SIGNATURE: &str = "qorgau-signature";
/// How far a request's timestamp may be from the station's clock.
pub const MAX_SKEW_SECS: i64 = 300;

/// The text a request signature covers.
pub fn signing_text(method: &str, path: &str, body_sha256_hex: &str, upload_offset: &str, upload_checksum: &str, ts: i64, nonce: &str) -> String {
    format!("QORGAU-REQ-1\n{method}\n{path}\n{body_sha256_hex}\n{upload_offset}\n{upload_checksum}\n{ts}\n{nonce}")
}

/// A device asks to enrol with a one-time code from the station's duty officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub device_id: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
    pub label: String,
}

/// The station's certificate for an enrolled device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCertificate {
    pub device_id: String,
    pub public_key: String,
    pub officer: String,
    pub unit: String,
    pub enrolled_at: String,
}

/// The station's answer to enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub certificate: DeviceCertificate,
    /// Station signature over the canonical certificate, base64.
    pub certificate_signature: String,
    /// The station's Ed25519 public key, hex (signs certificates and registries).
    pub station_public_key: String,
}

/// One custody entry with what the station needs to verify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushItem {
    pub case: String,
    pub seq: u64,
    /// The exact signed entry bytes, base64.
    pub entry: String,
    /// Ed25519 signature, base64.
    pub signature: String,
    /// The record's canonical bytes (or the event detail), base64.
    pub payload: Option<String>,
    /// The table the record belongs to, if any.
    pub table: Option<String>,
}

/// A batch of entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    pub items: Vec<PushItem>,
}

/// An entry the station refused and quarantined, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub case: String,
    pub seq: u64,
    pub reason: String,
}

/// An entry waiting for a blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingBlob {
    pub case: String,
    pub seq: u64,
    pub sha256: String,
}

/// What the station did with a batch: stored and verified (acked), refused (rejected), or
/// waiting for a blob upload (missing_blobs). Anything else in the batch was not looked at
/// (it follows a refused or waiting entry of the same case).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PushResponse {
    pub acked: Vec<(String, u64)>,
    pub rejected: Vec<Rejected>,
    pub missing_blobs: Vec<MissingBlob>,
}

/// The SHA-256 (hex) of the original a record needs uploaded before it, if any: an evidence
/// original, a statement's signature image, a served order's signature image.
pub fn needed_blob(kind: crate::store::EventKind, payload: &[u8]) -> Option<String> {
    use crate::model::{Evidence, OrderEvent, OrderEventKind, Service, Statement};
    use crate::store::EventKind;
    match kind {
        EventKind::EvidenceAdded => serde_json::from_slice::<Evidence>(payload).ok().map(|e| e.sha256),
        EventKind::StatementRecorded => serde_json::from_slice::<Statement>(payload).ok().and_then(|s| s.signature.map(|s| s.sha256)),
        EventKind::OrderServed => match serde_json::from_slice::<OrderEvent>(payload).ok()?.event {
            OrderEventKind::Served { service: Service::Signed { signature_sha256 } } => Some(signature_sha256),
            _ => None,
        },
        _ => None,
    }
}
