//! The registry the station pushes down to phones: active orders and prior DV records per
//! person, and the device keys the station knows. A file of JSON lines, signed by the station:
//!
//! ```text
//! {"format":"qorgau-registry/1","kind":"snapshot","sequence":7,"base_sequence":null,"generated_at":"…","rows":N}
//! {"op":"put","subject":{"iin":"…"},"record":{…}}          one line per row (delta: "put" or "delete")
//! {"op":"device","device_id":"…","public_key":"<hex>","revoked":false}
//! {"signature":"<base64 Ed25519>"}                          over "qorgau-registry/1:" + SHA-256 of all lines above
//! ```
//! The signature covers a digest of everything before it, so a file of a million rows is
//! verified while it streams into one transaction that is committed only if it verifies.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::crypto::hash::Hasher;
use crate::crypto::signing::DeviceSigner;
use crate::error::Result;

/// Format name.
pub const FORMAT: &str = "qorgau-registry/1";
const DOMAIN: &[u8] = b"qorgau-registry/1:";

/// Snapshot (replaces everything) or delta (applies on top of `base_sequence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryKind {
    Snapshot,
    Delta,
}

/// First line of a registry file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryHeader {
    pub format: String,
    pub kind: RegistryKind,
    pub sequence: u64,
    pub base_sequence: Option<u64>,
    pub generated_at: DateTime<Utc>,
    pub rows: u64,
}

/// Who a row is about: by IIN, or by name and date of birth when no IIN is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Subject {
    Iin { iin: String },
    NameDob { name: String, dob: NaiveDate },
}

/// An active order as the registry knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryOrder {
    pub number: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub prohibitions: Vec<String>,
    pub unit: String,
}

/// What the station knows of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryRecord {
    /// Shown to the officer to confirm a name + date-of-birth match.
    pub display_name: String,
    pub birth_date: Option<NaiveDate>,
    pub active_orders: Vec<RegistryOrder>,
    pub past_violations: u32,
    /// Earlier DV cases (prior records).
    pub earlier_cases: u32,
}

/// One line of a registry file after the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RegistryLine {
    Put {
        subject: Subject,
        record: RegistryRecord,
    },
    Delete {
        subject: Subject,
    },
    Device {
        device_id: String,
        public_key: String,
        revoked: bool,
    },
    /// A risk instrument definition signed by the station (see `store::sign_instrument`).
    Instrument {
        envelope: String,
    },
}

/// The last line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrySignature {
    pub signature: String,
}

/// The message the station signs for a digest of the file's lines.
pub fn signed_message(digest: &[u8; 32]) -> Vec<u8> {
    let mut m = DOMAIN.to_vec();
    m.extend_from_slice(digest);
    m
}

/// Normalises a name for matching: lowercase, single spaces, ё → е.
pub fn normalise_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// Writes a signed registry file (the station's side; also used by tests and benchmarks).
pub struct RegistryWriter<W: std::io::Write> {
    out: W,
    hasher: Hasher,
}

impl<W: std::io::Write> RegistryWriter<W> {
    /// Starts a file with its header.
    pub fn new(out: W, header: &RegistryHeader) -> Result<Self> {
        let mut w = RegistryWriter {
            out,
            hasher: Hasher::new(),
        };
        w.line(&serde_json::to_vec(header)?)?;
        Ok(w)
    }

    fn line(&mut self, json: &[u8]) -> Result<()> {
        self.hasher.update(json);
        self.hasher.update(b"\n");
        self.out
            .write_all(json)
            .and_then(|_| self.out.write_all(b"\n"))
            .map_err(|e| crate::Error::io("write registry file", e))
    }

    /// Adds a row.
    pub fn row(&mut self, line: &RegistryLine) -> Result<()> {
        self.line(&serde_json::to_vec(line)?)
    }

    /// Signs and finishes the file.
    pub fn finish(mut self, station: &DeviceSigner) -> Result<W> {
        let digest = std::mem::take(&mut self.hasher).finish();
        let sig = station.sign(&signed_message(&digest.0));
        let last = serde_json::to_vec(&RegistrySignature {
            signature: B64.encode(sig),
        })?;
        self.out
            .write_all(&last)
            .and_then(|_| self.out.write_all(b"\n"))
            .and_then(|_| self.out.flush())
            .map_err(|e| crate::Error::io("write registry file", e))?;
        Ok(self.out)
    }
}

/// Decodes the signature line.
pub fn decode_signature(s: &RegistrySignature) -> Option<Vec<u8>> {
    B64.decode(&s.signature).ok().filter(|v| v.len() == 64)
}
