//! The custody chain: every event on a case appends a signed entry linked to the previous one.

use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Store;
use crate::canonical;
use crate::crypto::hash::Sha256;
use crate::crypto::signing::PublicKey;
use crate::error::{Error, Result};
use crate::model::DeviceTime;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    CaseOpened,
    PersonAdded,
    EvidenceAdded,
    StatementRecorded,
    EvidenceViewed,
    CaseExported,
    /// A court bundle left the phone through a share (mail, AirDrop, another app).
    BundleShared,
    OrderIssued,
    OrderServed,
    OrderExtended,
    OrderRevoked,
    OrderViolated,
    InterventionRecorded,
    ReferralMade,
    ReferralUpdated,
    AssessmentRecorded,
    AssessmentViewed,
    AccessDenied,
}

/// Every table holding records that custody entries log.
pub const RECORD_TABLES: &[&str] = &[
    "people",
    "evidence",
    "statements",
    "orders",
    "order_events",
    "interventions",
    "referrals",
    "referral_updates",
    "assessments",
];

impl EventKind {
    /// The snake_case name stored and signed.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::CaseOpened => "case_opened",
            EventKind::PersonAdded => "person_added",
            EventKind::EvidenceAdded => "evidence_added",
            EventKind::StatementRecorded => "statement_recorded",
            EventKind::EvidenceViewed => "evidence_viewed",
            EventKind::CaseExported => "case_exported",
            EventKind::BundleShared => "bundle_shared",
            EventKind::OrderIssued => "order_issued",
            EventKind::OrderServed => "order_served",
            EventKind::OrderExtended => "order_extended",
            EventKind::OrderRevoked => "order_revoked",
            EventKind::OrderViolated => "order_violated",
            EventKind::InterventionRecorded => "intervention_recorded",
            EventKind::ReferralMade => "referral_made",
            EventKind::ReferralUpdated => "referral_updated",
            EventKind::AssessmentRecorded => "assessment_recorded",
            EventKind::AssessmentViewed => "assessment_viewed",
            EventKind::AccessDenied => "access_denied",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<EventKind> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }

    /// The table holding the record this kind of event creates, if it creates one.
    pub fn record_table(self) -> Option<&'static str> {
        match self {
            EventKind::CaseOpened => Some("cases"),
            EventKind::PersonAdded => Some("people"),
            EventKind::EvidenceAdded => Some("evidence"),
            EventKind::StatementRecorded => Some("statements"),
            EventKind::OrderIssued => Some("orders"),
            EventKind::OrderServed
            | EventKind::OrderExtended
            | EventKind::OrderRevoked
            | EventKind::OrderViolated => Some("order_events"),
            EventKind::InterventionRecorded => Some("interventions"),
            EventKind::ReferralMade => Some("referrals"),
            EventKind::ReferralUpdated => Some("referral_updates"),
            EventKind::AssessmentRecorded => Some("assessments"),
            EventKind::EvidenceViewed
            | EventKind::CaseExported
            | EventKind::BundleShared
            | EventKind::AssessmentViewed
            | EventKind::AccessDenied => None,
        }
    }
}

/// The exact content that is hashed and signed for an entry (canonical JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedEntry {
    /// Format version.
    pub v: u32,
    pub case: Uuid,
    pub seq: u64,
    /// SHA-256 of the previous entry's signed bytes (64 zeros for the first).
    pub prev: String,
    pub kind: EventKind,
    pub record: Option<Uuid>,
    /// SHA-256 of the record's canonical bytes, or of the detail.
    pub payload: String,
    /// Device time, UTC, RFC 3339.
    pub at: String,
    pub utc_offset_min: i32,
    /// Badge number of the acting team member.
    pub actor: String,
    pub device: Uuid,
}

impl SignedEntry {
    /// The bytes that are hashed and signed.
    pub fn bytes(&self) -> Result<Vec<u8>> {
        canonical::to_bytes(self)
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CustodyEntry {
    pub entry: SignedEntry,
    /// Canonical JSON of an event without a record (e.g. which evidence was viewed).
    pub detail: Option<String>,
    /// SHA-256 of the signed bytes, as stored.
    pub entry_hash: String,
    /// Ed25519 signature, as stored.
    pub signature: Vec<u8>,
}

impl CustodyEntry {
    /// Checks this entry's own hash and signature against `key`; returns a description of the
    /// first problem.
    pub fn check_self(&self, key: &PublicKey) -> std::result::Result<(), (String, String, String)> {
        let bytes = self
            .entry
            .bytes()
            .map_err(|e| ("entry bytes".to_string(), String::new(), e.to_string()))?;
        let h = Sha256::of(&bytes).hex();
        if h != self.entry_hash {
            return Err(("entry hash".into(), self.entry_hash.clone(), h));
        }
        if !key.verify(&bytes, &self.signature) {
            return Err((
                "entry signature".into(),
                format!("valid Ed25519 signature by {}", key.fingerprint()),
                "invalid signature".into(),
            ));
        }
        Ok(())
    }
}

impl Store {
    /// Appends an entry for `case` inside the caller's transaction and returns its sequence
    /// number. `payload` is the SHA-256 of the record or detail.
    #[allow(clippy::too_many_arguments)] // one row of the chain: each argument is a column
    pub(crate) fn append_custody(
        &self,
        tx: &Transaction<'_>,
        case: Uuid,
        kind: EventKind,
        record: Option<Uuid>,
        detail: Option<&str>,
        payload: Sha256,
        at: DeviceTime,
    ) -> Result<u64> {
        let last: Option<(u64, String)> = tx
            .query_row(
                "SELECT seq, entry_hash FROM custody WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1",
                [case.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map(Some)
            .or_else(|e| {
                if e == rusqlite::Error::QueryReturnedNoRows {
                    Ok(None)
                } else {
                    Err(e)
                }
            })?;
        let (seq, prev) = match last {
            Some((s, h)) => (s + 1, h),
            None => (1, Sha256::ZERO.hex()),
        };
        let entry = SignedEntry {
            v: 1,
            case,
            seq,
            prev,
            kind,
            record,
            payload: payload.hex(),
            at: at.utc_rfc3339(),
            utc_offset_min: at.utc_offset_min,
            actor: self.actor().to_string(),
            device: self.device().device_id,
        };
        let bytes = entry.bytes()?;
        let hash = Sha256::of(&bytes).hex();
        let sig = self.signer.sign(&bytes);
        tx.execute(
            "INSERT INTO custody (case_id, seq, kind, record_id, detail, payload_hash, prev_hash, at_utc, utc_offset_min,
                                  actor, device_id, entry_hash, signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                case.to_string(),
                seq,
                kind.as_str(),
                record.map(|r| r.to_string()),
                detail,
                entry.payload,
                entry.prev,
                entry.at,
                entry.utc_offset_min,
                entry.actor,
                entry.device.to_string(),
                hash,
                sig.to_vec()
            ],
        )?;
        // The outbox entry and the signed head commit or roll back with the change itself.
        self.outbox_enqueue(tx, case, seq, &at.utc_rfc3339())?;
        self.put_head(tx, case, seq, &hash)?;
        Ok(seq)
    }

    /// Appends an event that creates no record (viewed, exported), with its detail, in its own
    /// transaction.
    pub(crate) fn log_event(
        &self,
        case: Uuid,
        kind: EventKind,
        detail: &serde_json::Value,
    ) -> Result<u64> {
        let detail = String::from_utf8(canonical::to_bytes(detail)?).expect("JSON is UTF-8");
        let at = self.clock().now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let seq = self.append_custody(
            &tx,
            case,
            kind,
            None,
            Some(&detail),
            Sha256::of(detail.as_bytes()),
            at,
        )?;
        tx.commit()?;
        Ok(seq)
    }

    /// The custody chain of a case, in sequence order, as stored (unverified).
    pub fn custody_log(&self, case: Uuid) -> Result<Vec<CustodyEntry>> {
        self.require_case(case)?;
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT seq, kind, record_id, detail, payload_hash, prev_hash, at_utc, utc_offset_min, actor, device_id,
                    entry_hash, signature
             FROM custody WHERE case_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([case.to_string()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i32>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, String>(10)?,
                r.get::<_, Vec<u8>>(11)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, kind, record, detail, payload, prev, at, off, actor, device, hash, sig) =
                row?;
            let bad = |what: &str| Error::Integrity {
                what: format!("custody entry {seq} of case {case}: {what}"),
            };
            out.push(CustodyEntry {
                entry: SignedEntry {
                    v: 1,
                    case,
                    seq: u64::try_from(seq).map_err(|_| bad("sequence number"))?,
                    prev,
                    kind: EventKind::parse(&kind).ok_or_else(|| bad("unknown event kind"))?,
                    record: record
                        .map(|r| Uuid::parse_str(&r))
                        .transpose()
                        .map_err(|_| bad("record id"))?,
                    payload,
                    at,
                    utc_offset_min: off,
                    actor,
                    device: Uuid::parse_str(&device).map_err(|_| bad("device id"))?,
                },
                detail,
                entry_hash: hash,
                signature: sig,
            });
        }
        Ok(out)
    }
}
