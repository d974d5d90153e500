//! The sync protocol between a device and its station: wire types and request signing.
//!
//! Every request after enrolment carries five headers and is signed with the device key:
//! ```text
//! Qorgau-Device: <device id>      Qorgau-Timestamp: <unix seconds>
//! Qorgau-Nonce: <32 hex digits>   Qorgau-Signature: <base64 Ed25519>
//! Qorgau-Content-Sha256: <hex SHA-256 of the body>
//! signed text: "QORGAU-REQ-2\n" METHOD "\n" PATH?QUERY "\n" hex(SHA-256(body)) "\n"
//!              Upload-Offset "\n" Upload-Checksum "\n" timestamp "\n" nonce
//! ```
//! The body's digest travels in a header so that the station checks the signature before it
//! reads a byte of the body (and then checks the body against the digest). The station refuses
//! an unknown or revoked device, a bad signature, a timestamp more than five minutes off, and a
//! nonce it has seen.

use serde::{Deserialize, Serialize};

/// Header names.
pub const H_DEVICE: &str = "qorgau-device";
pub const H_TIMESTAMP: &str = "qorgau-timestamp";
pub const H_NONCE: &str = "qorgau-nonce";
pub const H_SIGNATURE: &str = "qorgau-signature";
/// The body's SHA-256 (hex), covered by the signature.
pub const H_CONTENT: &str = "qorgau-content-sha256";
/// How far a request's timestamp may be from the station's clock.
pub const MAX_SKEW_SECS: i64 = 300;

/// The stable machine code in every error answer of the station, beside the text:
/// `{"error": "<words for people and logs>", "code": "<code>"}`. The words may be reworded at
/// any time; clients (and through them the apps) decide on the code alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed (a header, the body, a field).
    BadRequest,
    /// The body is over the endpoint's limit.
    TooLarge,
    /// Unsigned, badly signed, or from a device the station does not know.
    Unauthenticated,
    /// The request's timestamp is too far from the station's clock (check the phone's time).
    StaleRequest,
    /// The request's nonce was seen before (a replay).
    Replayed,
    /// The device was revoked: it may not sync or enrol again with its key.
    DeviceRevoked,
    /// No such enrolment code (or a mistyped one).
    CodeUnknown,
    /// The enrolment code was already used by another device.
    CodeUsed,
    /// The enrolment code has expired: ask the duty officer for a new card.
    CodeExpired,
    /// The device key is weak or invalid (all zero, small order): a broken or hostile app.
    WeakKey,
    /// Enrolment refused for another reason (a device already enrolled with another key).
    EnrolmentRefused,
    /// Too many attempts: wait before trying again.
    Throttled,
    /// The device's upload quota (count or declared bytes) is used up.
    QuotaExceeded,
    /// The station does not allow this to this device (not its upload, not its case).
    Forbidden,
    /// No such upload.
    NotFound,
    /// The upload expired; it starts over.
    Gone,
    /// The upload is busy or at another offset: try again.
    Busy,
    /// The uploaded bytes do not match their checksum.
    ChecksumMismatch,
    /// The station itself failed.
    Internal,
    /// A code this build does not know (a newer station).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Whether trying the same request again later can succeed without anyone acting.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorCode::Busy | ErrorCode::Internal | ErrorCode::Throttled
        )
    }
}

/// The body of every error answer of the station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub code: ErrorCode,
}

/// The text a request signature covers (`path` includes the query string).
pub fn signing_text(
    method: &str,
    path: &str,
    body_sha256_hex: &str,
    upload_offset: &str,
    upload_checksum: &str,
    ts: i64,
    nonce: &str,
) -> String {
    format!("QORGAU-REQ-2\n{method}\n{path}\n{body_sha256_hex}\n{upload_offset}\n{upload_checksum}\n{ts}\n{nonce}")
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

pub use super::enrolment::{EnrolAnswer, EnrolClaim, EnrolRequest, EnrolResponse};

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
    /// The signed head of each case in the batch: where the device says the case ends, so the
    /// station can tell a chain that was cut short on the phone.
    #[serde(default)]
    pub heads: Vec<crate::store::SignedHead>,
}

/// Why the station refused an entry (stable; the words beside it may change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionCode {
    /// The entry, its signature or its payload could not be read.
    Malformed,
    /// Signed for another device than the one sending it.
    OtherDevice,
    /// The signature does not verify: altered, or not this device's.
    BadSignature,
    /// The case belongs to another device.
    NotCaseOwner,
    /// A case must begin with `case_opened`.
    NotCaseStart,
    /// The station already holds a different entry at this place in the chain.
    Conflicting,
    /// The entry does not link to the previous one.
    BrokenLink,
    /// The record does not match the entry's hash: altered.
    PayloadMismatch,
    /// The record does not match its schema.
    InvalidRecord,
    /// A code this build does not know (a newer station).
    #[serde(other)]
    Unknown,
}

/// An entry the station refused and quarantined, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub case: String,
    pub seq: u64,
    /// What the apps decide on. Answers of stations from before the code read as `Unknown`.
    #[serde(default = "unknown_rejection")]
    pub code: RejectionCode,
    /// For people and logs.
    pub reason: String,
}

fn unknown_rejection() -> RejectionCode {
    RejectionCode::Unknown
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
        EventKind::EvidenceAdded => serde_json::from_slice::<Evidence>(payload)
            .ok()
            .map(|e| e.sha256),
        EventKind::StatementRecorded => serde_json::from_slice::<Statement>(payload)
            .ok()
            .and_then(|s| s.signature.map(|s| s.sha256)),
        EventKind::OrderServed => match serde_json::from_slice::<OrderEvent>(payload).ok()?.event {
            OrderEventKind::Served {
                service: Service::Signed { signature_sha256 },
            } => Some(signature_sha256),
            _ => None,
        },
        _ => None,
    }
}

/// Checks that a pushed record is what its entry says it is, before the station acknowledges it:
/// the payload parses as the record type of the event (or, for an event without a record, as a
/// JSON object), an order event is of the entry's kind, and the record's id is the entry's.
/// Returns the reason a record is refused (no personal data in it).
pub fn validate_record(
    kind: crate::store::EventKind,
    record: Option<uuid::Uuid>,
    payload: &[u8],
) -> std::result::Result<(), String> {
    use crate::model::{
        AssessmentSummary, Case, Evidence, Intervention, OrderEvent, OrderEventKind, Person,
        ProtectionOrder, Referral, ReferralUpdate, Statement,
    };
    use crate::store::EventKind as K;
    fn parse<T: serde::de::DeserializeOwned>(p: &[u8]) -> std::result::Result<T, String> {
        serde_json::from_slice(p)
            .map_err(|e| format!("record does not match its schema ({})", e.classify_name()))
    }
    let value: serde_json::Value =
        serde_json::from_slice(payload).map_err(|_| "record is not JSON".to_string())?;
    if !value.is_object() {
        return Err("record is not a JSON object".into());
    }
    match kind {
        K::CaseOpened => drop(parse::<Case>(payload)?),
        K::PersonAdded => drop(parse::<Person>(payload)?),
        K::EvidenceAdded => drop(parse::<Evidence>(payload)?),
        K::StatementRecorded => drop(parse::<Statement>(payload)?),
        K::OrderIssued => drop(parse::<ProtectionOrder>(payload)?),
        K::OrderServed | K::OrderExtended | K::OrderRevoked | K::OrderViolated => {
            let e: OrderEvent = parse(payload)?;
            let matches = matches!(
                (kind, &e.event),
                (K::OrderServed, OrderEventKind::Served { .. })
                    | (K::OrderExtended, OrderEventKind::Extended { .. })
                    | (K::OrderRevoked, OrderEventKind::Revoked { .. })
                    | (K::OrderViolated, OrderEventKind::Violated { .. })
            );
            if !matches {
                return Err("order event does not match the entry's kind".into());
            }
        }
        K::InterventionRecorded => drop(parse::<Intervention>(payload)?),
        K::ReferralMade => drop(parse::<Referral>(payload)?),
        K::ReferralUpdated => drop(parse::<ReferralUpdate>(payload)?),
        K::AssessmentRecorded => drop(parse::<AssessmentSummary>(payload)?),
        K::EvidenceViewed
        | K::CaseExported
        | K::BundleShared
        | K::AssessmentViewed
        | K::AccessDenied => {}
    }
    if let Some(id) = record {
        if value
            .get("id")
            .and_then(|v| v.as_str())
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            != Some(id)
        {
            return Err("record id does not match the entry".into());
        }
    }
    Ok(())
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "a field is missing or of the wrong type",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}
