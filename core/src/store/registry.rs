//! The offline registry on the device and the check of a person at the scene.

use std::io::BufRead;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ring::hmac;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::Store;
use crate::crypto::hash::Hasher;
use crate::crypto::seal;
use crate::crypto::signing::PublicKey;
use crate::error::{Error, Result};
use crate::iin::Iin;
use crate::registry::{
    self, RegistryHeader, RegistryKind, RegistryLine, RegistryRecord, RegistrySignature, Subject,
};

/// How far in the future a registry's generation time may be (clock skew between phone and
/// station) before it is refused.
const MAX_FUTURE: Duration = Duration::minutes(10);

/// Who to check: an IIN, or a name and date of birth when the person has no IIN at hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonQuery {
    pub iin: Option<String>,
    pub name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    /// The case being worked on: it is not counted as an earlier case.
    pub current_case: Option<uuid::Uuid>,
}

/// How a check matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Iin,
    /// By name and date of birth only: the officer must confirm it is the same person.
    NameAndBirthDate,
    NoMatch,
}

/// Where an active order is known from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderSource {
    Registry,
    ThisDevice,
}

/// An order in force against the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActiveOrder {
    pub number: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub prohibitions: Vec<String>,
    pub source: OrderSource,
}

/// What the officer learns at the scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonCheck {
    pub match_kind: MatchKind,
    /// The registry's name for the person, to confirm a name + date-of-birth match.
    pub display_name: Option<String>,
    pub active_orders: Vec<ActiveOrder>,
    pub past_violations: u32,
    pub earlier_cases: u32,
    /// A prior DV record or a violated order: a new offence is a repeat offence.
    pub repeat_offender: bool,
    /// Sequence of the registry this answer is based on (0: none imported yet).
    pub registry_sequence: u64,
    /// The person's birth date: the registry's, else the one in the IIN asked about.
    pub birth_date: Option<NaiveDate>,
    /// When the station produced the registry this answer is based on (how fresh it is).
    pub registry_generated_at: Option<DateTime<Utc>>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistryImport {
    pub kind: RegistryKind,
    pub sequence: u64,
    pub rows: u64,
    /// Device keys and instrument definitions.
    pub devices: u64,
}

impl Store {
    /// When the station produced the registry in force, if one was imported.
    pub fn registry_generated_at(&self) -> Result<Option<DateTime<Utc>>> {
        let at: Option<String> = self
            .conn()
            .query_row(
                "SELECT generated_at FROM registry_state WHERE singleton = 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(at
            .and_then(|a| DateTime::parse_from_rfc3339(&a).ok())
            .map(|t| t.with_timezone(&Utc)))
    }

    /// Sets the station's public key, which must sign every registry file. Enrolment does this
    /// by itself (the key then comes authenticated by the enrolment code); by hand (a registry
    /// carried on a memory stick, a station replaced) only a signed-in supervisor may, and the
    /// change is audited. A different station's key starts from an empty registry: sequence
    /// numbers belong to the station that signed them.
    pub fn trust_station_key(&self, key: PublicKey) -> Result<()> {
        if self.current_role() != crate::model::TeamRole::Supervisor {
            return Err(Error::PermissionDenied {
                action: "change the trusted station key (a supervisor must be signed in)".into(),
            });
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        trust_station_key_in(&tx, self.keys(), key)?;
        self.audit(
            &tx,
            "trust station key",
            &format!("fingerprint {}", key.fingerprint()),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The trusted station key, its row's MAC checked.
    pub(crate) fn station_key(&self) -> Result<PublicKey> {
        let k = super::integrity::trusted_key(&self.conn(), self.keys(), "station")?;
        k.and_then(|(k, _)| Some(PublicKey(k.try_into().ok()?)))
            .ok_or_else(|| Error::InvalidRegistry {
                reason: "no station key is trusted yet (enrol the device first)".into(),
            })
    }

    /// The sequence number of the registry in force (0 when none was imported).
    pub fn registry_sequence(&self) -> Result<u64> {
        Ok(self
            .conn()
            .query_row("SELECT sequence FROM registry_state", [], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    fn subject_key(&self, s: &Subject) -> Result<Vec<u8>> {
        let material = match s {
            Subject::Iin { iin } => format!("iin:{}", Iin::parse(iin)?.as_str()),
            Subject::NameDob { name, dob } => {
                format!("name:{}|{}", registry::normalise_name(name), dob)
            }
        };
        Ok(hmac::sign(&self.keys().lookup, material.as_bytes())
            .as_ref()
            .to_vec())
    }

    /// Imports a registry file (snapshot or delta) from the station. Everything happens in one
    /// transaction that is committed only when the station's signature over the whole file
    /// verifies, the sequence follows the one in force and the file is not from the future;
    /// otherwise nothing changes.
    pub fn import_registry(&self, input: impl BufRead) -> Result<RegistryImport> {
        let bad = |r: &str| Error::InvalidRegistry {
            reason: r.to_string(),
        };
        let station = self.station_key()?;
        let now = self.clock().now().utc;
        let mut lines = input.lines();
        let mut hasher = Hasher::new();
        let header_line = lines
            .next()
            .ok_or_else(|| bad("empty file"))?
            .map_err(|e| Error::io("read registry", e))?;
        let header: RegistryHeader =
            serde_json::from_str(&header_line).map_err(|_| bad("malformed header"))?;
        hasher.update(header_line.as_bytes());
        hasher.update(b"\n");
        if header.format != registry::FORMAT {
            return Err(bad("unknown format"));
        }
        if header.generated_at > now + MAX_FUTURE {
            return Err(bad("generated in the future (check the phone's clock)"));
        }
        let current = self.registry_sequence()?;
        match header.kind {
            RegistryKind::Snapshot if header.sequence <= current => {
                return Err(bad("out of sequence: older than the registry in force"))
            }
            RegistryKind::Delta
                if header.base_sequence != Some(current) || header.sequence <= current =>
            {
                return Err(bad(
                    "out of sequence: the delta does not follow the registry in force",
                ))
            }
            _ => {}
        }

        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if header.kind == RegistryKind::Snapshot {
            tx.execute("DELETE FROM registry", [])?;
        }
        let (mut rows, mut devices) = (0u64, 0u64);
        let mut signature = None;
        {
            let mut put = tx.prepare("INSERT INTO registry (subject, body) VALUES (?1, ?2) ON CONFLICT(subject) DO UPDATE SET body = excluded.body")?;
            let mut del = tx.prepare("DELETE FROM registry WHERE subject = ?1")?;
            for line in lines {
                let line = line.map_err(|e| Error::io("read registry", e))?;
                if signature.is_some() {
                    return Err(bad("data after the signature"));
                }
                if line.starts_with("{\"signature\"") {
                    let s: RegistrySignature =
                        serde_json::from_str(&line).map_err(|_| bad("malformed signature line"))?;
                    signature = Some(
                        registry::decode_signature(&s).ok_or_else(|| bad("malformed signature"))?,
                    );
                    continue;
                }
                hasher.update(line.as_bytes());
                hasher.update(b"\n");
                match serde_json::from_str::<RegistryLine>(&line)
                    .map_err(|_| bad("malformed row"))?
                {
                    RegistryLine::Put { subject, record } => {
                        let key = self
                            .subject_key(&subject)
                            .map_err(|_| bad("row with an invalid IIN"))?;
                        let body = serde_json::to_vec(&record)?;
                        let sealed = seal::seal(
                            &self.keys().records,
                            &format!("registry/{}", hex::encode(&key)),
                            &body,
                        )?;
                        put.execute(params![key, sealed])?;
                        rows += 1;
                    }
                    RegistryLine::Delete { subject } => {
                        if header.kind == RegistryKind::Snapshot {
                            return Err(bad("a snapshot cannot delete"));
                        }
                        del.execute([self
                            .subject_key(&subject)
                            .map_err(|_| bad("row with an invalid IIN"))?])?;
                        rows += 1;
                    }
                    RegistryLine::Instrument { envelope } => {
                        let (inst, json) = super::assessments::verify_instrument(
                            &envelope, &station,
                        )
                        .map_err(|_| {
                            bad("an instrument in the registry is not signed by the station")
                        })?;
                        super::assessments::store_instrument(&tx, self.keys(), &inst, &json)?;
                        devices += 1;
                    }
                    RegistryLine::Device {
                        device_id,
                        public_key,
                        revoked,
                    } => {
                        let key = PublicKey::from_hex(&public_key)
                            .ok_or_else(|| bad("malformed device key"))?;
                        if device_id == "station" {
                            return Err(bad("a registry cannot replace the station key"));
                        }
                        super::integrity::put_trusted_key(
                            &tx,
                            self.keys(),
                            &device_id,
                            &key.0,
                            revoked,
                        )?;
                        devices += 1;
                    }
                }
            }
        }
        let signature = signature.ok_or_else(|| bad("truncated: no signature line"))?;
        if rows + devices != header.rows {
            return Err(bad("truncated: fewer rows than the header announces"));
        }
        let digest = hasher.finish();
        if !station.verify(&registry::signed_message(&digest.0), &signature) {
            // Dropping the transaction rolls everything back.
            return Err(bad(
                "bad signature: not signed by this device's station, or altered",
            ));
        }
        tx.execute(
            "INSERT INTO registry_state (singleton, sequence, generated_at, imported_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(singleton) DO UPDATE SET sequence = excluded.sequence, generated_at = excluded.generated_at,
             imported_at = excluded.imported_at",
            params![header.sequence, header.generated_at.to_rfc3339(), now.to_rfc3339()],
        )?;
        tx.commit()?;
        Ok(RegistryImport {
            kind: header.kind,
            sequence: header.sequence,
            rows,
            devices,
        })
    }

    fn registry_record(&self, subject: &Subject) -> Result<Option<RegistryRecord>> {
        let key = self.subject_key(subject)?;
        let body: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT body FROM registry WHERE subject = ?1",
                [&key],
                |r| r.get(0),
            )
            .optional()?;
        match body {
            Some(b) => Ok(Some(serde_json::from_slice(&seal::open(
                &self.keys().records,
                &format!("registry/{}", hex::encode(&key)),
                &b,
            )?)?)),
            None => Ok(None),
        }
    }

    /// Checks a person at the scene, offline: active orders and their prohibitions, past
    /// violations, earlier cases and whether a new offence is a repeat offence. Combines the
    /// station's registry with what this device recorded since the last sync. A match by name
    /// and date of birth only is flagged for the officer to confirm.
    pub fn check_person(&self, q: &PersonQuery) -> Result<PersonCheck> {
        let now = self.clock().now().utc;
        let iin = q
            .iin
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Iin::parse)
            .transpose()?;
        let mut match_kind = MatchKind::NoMatch;
        let mut record = None;
        if let Some(i) = &iin {
            record = self.registry_record(&Subject::Iin {
                iin: i.as_str().to_string(),
            })?;
            if record.is_some() {
                match_kind = MatchKind::Iin;
            }
        }
        if record.is_none() {
            if let (Some(name), Some(dob)) = (
                q.name.as_deref().filter(|n| !n.trim().is_empty()),
                q.date_of_birth,
            ) {
                record = self.registry_record(&Subject::NameDob {
                    name: name.to_string(),
                    dob,
                })?;
                if record.is_some() {
                    match_kind = MatchKind::NameAndBirthDate;
                }
            }
        }
        if iin.is_none() && (q.name.is_none() || q.date_of_birth.is_none()) {
            return Err(Error::invalid(
                "query",
                "give an IIN, or a name and a date of birth",
            ));
        }
        let mut active = Vec::new();
        let (mut violations, mut earlier, mut display_name) = (0u32, 0u32, None);
        let mut birth_date = iin.as_ref().map(|i| i.birth_date());
        if let Some(r) = record {
            display_name = Some(r.display_name);
            birth_date = r.birth_date.or(birth_date);
            violations += r.past_violations;
            earlier += r.earlier_cases;
            active.extend(
                r.active_orders
                    .into_iter()
                    .filter(|o| o.valid_from <= now && now < o.valid_until)
                    .map(|o| ActiveOrder {
                        number: o.number,
                        valid_from: o.valid_from,
                        valid_until: o.valid_until,
                        prohibitions: o.prohibitions,
                        source: OrderSource::Registry,
                    }),
            );
        }
        // What this device recorded itself (not yet in the registry): orders against a person
        // with this IIN, their violations, and the cases the IIN appears on.
        if let Some(i) = &iin {
            let mut cases = self.cases_with_iin(i)?;
            let hash = self.iin_lookup_hash(i);
            for case in &cases {
                for status in self.orders_of_case(*case)? {
                    let restricted_hash: Option<Vec<u8>> = self.conn().query_row(
                        "SELECT iin_hash FROM people WHERE id = ?1",
                        [status.order.restricted_person.to_string()],
                        |r| r.get(0),
                    )?;
                    if restricted_hash.as_deref() != Some(hash.as_slice()) {
                        continue;
                    }
                    violations += status.violations;
                    if status.active_at(now)
                        && !active.iter().any(|a| a.number == status.order.number)
                    {
                        active.push(ActiveOrder {
                            number: status.order.number.clone(),
                            valid_from: status.order.valid_from,
                            valid_until: status.valid_until,
                            prohibitions: status.order.prohibitions.clone(),
                            source: OrderSource::ThisDevice,
                        });
                    }
                }
            }
            // This device's cases are newer than the registry's last sync; the case being
            // worked on is not an earlier one.
            cases.retain(|c| Some(*c) != q.current_case);
            earlier += cases.len() as u32;
            if match_kind == MatchKind::NoMatch
                && (!cases.is_empty() || !active.is_empty() || violations > 0)
            {
                match_kind = MatchKind::Iin;
            }
        }
        Ok(PersonCheck {
            match_kind,
            display_name,
            repeat_offender: violations > 0 || earlier > 0,
            active_orders: active,
            past_violations: violations,
            earlier_cases: earlier,
            registry_sequence: self.registry_sequence()?,
            birth_date,
            registry_generated_at: self.registry_generated_at()?,
        })
    }
}

/// Trusts `key` as the station's, on an open connection (inside the caller's transaction). A
/// different key than before drops the registry it signed.
pub(crate) fn trust_station_key_in(
    conn: &rusqlite::Connection,
    keys: &crate::crypto::keys::DerivedKeys,
    key: PublicKey,
) -> Result<()> {
    let old: Option<Vec<u8>> = conn
        .query_row(
            "SELECT public_key FROM trusted_keys WHERE key_id = 'station'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if old.is_some_and(|o| o != key.0) {
        conn.execute_batch("DELETE FROM registry; DELETE FROM registry_state;")?;
    }
    super::integrity::put_trusted_key(conn, keys, "station", &key.0, false)
}
