//! The station's domain: enrolment, request authentication, verification of pushed custody
//! entries before acknowledgement, uploads, the registry it pushes down, and the figures.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use qorgau_core::crypto::hash::Sha256;
use qorgau_core::crypto::keys::DerivedKeys;
use qorgau_core::crypto::seal;
use qorgau_core::crypto::signing::{generate_pkcs8, DeviceSigner, PublicKey};
use qorgau_core::model::{OrderEvent, OrderEventKind, Person, PersonRole, ProtectionOrder, Referral, ReferralKind};
use qorgau_core::registry::{RegistryHeader, RegistryKind, RegistryLine, RegistryOrder, RegistryRecord, RegistryWriter, Subject};
use qorgau_core::store::{EventKind, SignedEntry};
use qorgau_core::sync::protocol::{self, DeviceCertificate, EnrolRequest, EnrolResponse, MissingBlob, PushRequest, PushResponse, Rejected};
use ring::hmac;
use serde::Serialize;

use crate::error::{Result, StationError};
use crate::storage::{DeviceRow, EntryRow, SqliteStorage, Storage, UploadRow};

/// How long an enrolment code stays valid.
const CODE_VALID_HOURS: i64 = 24;
/// How long an unfinished upload is kept.
pub const UPLOAD_EXPIRES_HOURS: i64 = 24;

/// The department's figures for a period.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Figures {
    pub from: String,
    pub to: String,
    pub cases: u64,
    pub protection_orders_issued: u64,
    pub shelter_placements_women: u64,
    pub shelter_placements_children: u64,
    pub preventive_interventions: u64,
    pub order_violations: u64,
    pub repeat_offence_cases: u64,
}

/// The station.
pub struct Station {
    dir: PathBuf,
    storage: Box<dyn Storage>,
    keys: DerivedKeys,
    signer: DeviceSigner,
}

fn now_rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn read_or_create(path: &Path, make: impl FnOnce() -> Result<Vec<u8>>) -> Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let b = make()?;
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            use std::io::Write;
            o.open(path)?.write_all(&b)?;
            Ok(b)
        }
        Err(e) => Err(e.into()),
    }
}

impl Station {
    /// Opens the station in `dir` (SQLite, blob directory, station key and data key), creating
    /// them on first start.
    pub fn open(dir: &Path) -> Result<Station> {
        std::fs::create_dir_all(dir.join("uploads"))?;
        let pkcs8 = read_or_create(&dir.join("station.key"), || Ok(generate_pkcs8()?))?;
        let data = read_or_create(&dir.join("data.key"), || Ok(qorgau_core::crypto::random_bytes::<32>()?.to_vec()))?;
        let data: [u8; 32] = data.try_into().map_err(|_| StationError::Internal("data.key is not 32 bytes".into()))?;
        Ok(Station {
            dir: dir.to_path_buf(),
            storage: Box::new(SqliteStorage::open(&dir.join("station.db"))?),
            keys: DerivedKeys::derive(&data)?,
            signer: DeviceSigner::from_pkcs8(&pkcs8)?,
        })
    }

    /// The station's public key.
    pub fn public_key(&self) -> PublicKey {
        self.signer.public_key()
    }

    /// The storage (for the CLI's listings).
    pub fn storage(&self) -> &dyn Storage {
        self.storage.as_ref()
    }

    // ---- enrolment ------------------------------------------------------------------------

    /// Creates a one-time enrolment code for an officer's device (valid 24 hours).
    pub fn create_enrolment_code(&self, officer: &str, unit: &str) -> Result<String> {
        let raw: [u8; 10] = qorgau_core::crypto::random_bytes()?;
        // Ten random bytes as 16 characters a person can read out: A–Z and 2–9, no 0/O/1/I.
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let code: String = raw.iter().flat_map(|b| [ALPHABET[(b >> 3) as usize % 32], ALPHABET[(b & 0x1f) as usize]]).map(char::from).collect();
        let now = Utc::now();
        self.storage.add_enrolment_code(&Sha256::of(code.as_bytes()).hex(), officer, unit, &now_rfc(now), &now_rfc(now + Duration::hours(CODE_VALID_HOURS)))?;
        Ok(code)
    }

    /// Enrols a device with a one-time code and returns its signed certificate.
    pub fn enrol(&self, req: &EnrolRequest) -> Result<EnrolResponse> {
        let key = PublicKey::from_hex(&req.public_key).ok_or_else(|| StationError::BadRequest("public_key: 64 hex digits".into()))?;
        let device = uuid::Uuid::parse_str(&req.device_id).map_err(|_| StationError::BadRequest("device_id: a UUID".into()))?;
        let device = device.simple().to_string();
        let (officer, unit, expires) = self
            .storage
            .use_enrolment_code(&Sha256::of(req.code.trim().to_uppercase().as_bytes()).hex(), &device)?
            .ok_or_else(|| StationError::Forbidden("unknown or already used enrolment code".into()))?;
        if DateTime::parse_from_rfc3339(&expires).map(|t| t.with_timezone(&Utc) < Utc::now()).unwrap_or(true) {
            return Err(StationError::Forbidden("the enrolment code has expired".into()));
        }
        if self.storage.device(&device)?.is_some() {
            return Err(StationError::Conflict("this device is already enrolled".into()));
        }
        let now = now_rfc(Utc::now());
        let version = self.storage.next("registry_version")?;
        self.storage.put_device(&DeviceRow {
            device_id: device.clone(),
            public_key: key.0.to_vec(),
            officer: officer.clone(),
            unit: unit.clone(),
            label: req.label.chars().take(64).collect(),
            enrolled_at: now.clone(),
            revoked_at: None,
            version,
        })?;
        let certificate = DeviceCertificate { device_id: device, public_key: key.hex(), officer, unit, enrolled_at: now };
        let sig = self.signer.sign(&qorgau_core::canonical::to_bytes(&certificate)?);
        Ok(EnrolResponse { certificate, certificate_signature: B64.encode(sig), station_public_key: self.public_key().hex() })
    }

    /// Revokes a lost device: its later requests are refused and the revocation travels to the
    /// other devices with the registry.
    pub fn revoke(&self, device: &str) -> Result<bool> {
        let id = uuid::Uuid::parse_str(device).map_err(|_| StationError::BadRequest("device id".into()))?.simple().to_string();
        let version = self.storage.next("registry_version")?;
        self.storage.revoke_device(&id, &now_rfc(Utc::now()), version)
    }

    // ---- authentication -------------------------------------------------------------------

    /// Checks a signed request; returns the device. Every refusal is logged.
    #[allow(clippy::too_many_arguments)]
    pub fn authenticate(&self, method: &str, path: &str, headers: &HashMap<String, String>, body_sha256: &str) -> Result<DeviceRow> {
        let r = self.authenticate_inner(method, path, headers, body_sha256);
        if let Err(e) = &r {
            let _ = self.storage.log_request(&now_rfc(Utc::now()), headers.get(protocol::H_DEVICE).map(String::as_str), method, path, e.status().as_u16(), Some(&e.to_string()));
        }
        r
    }

    fn authenticate_inner(&self, method: &str, path: &str, headers: &HashMap<String, String>, body_sha256: &str) -> Result<DeviceRow> {
        let h = |n: &str| headers.get(n).map(String::as_str).ok_or_else(|| StationError::Unauthenticated(format!("missing {n} header (unsigned request)")));
        let device = h(protocol::H_DEVICE)?;
        let ts: i64 = h(protocol::H_TIMESTAMP)?.parse().map_err(|_| StationError::Unauthenticated("malformed timestamp".into()))?;
        let nonce = h(protocol::H_NONCE)?;
        let sig = B64.decode(h(protocol::H_SIGNATURE)?).map_err(|_| StationError::Unauthenticated("malformed signature".into()))?;
        if nonce.len() < 16 || nonce.len() > 64 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StationError::Unauthenticated("malformed nonce".into()));
        }
        let id = uuid::Uuid::parse_str(device).map_err(|_| StationError::Unauthenticated("malformed device id".into()))?.simple().to_string();
        let d = self.storage.device(&id)?.ok_or_else(|| StationError::Forbidden("device not enrolled".into()))?;
        if d.revoked_at.is_some() {
            return Err(StationError::Forbidden("device revoked".into()));
        }
        let text = protocol::signing_text(
            method,
            path,
            body_sha256,
            headers.get("upload-offset").map(String::as_str).unwrap_or(""),
            headers.get("upload-checksum").map(String::as_str).unwrap_or(""),
            ts,
            nonce,
        );
        let key = PublicKey(d.public_key.clone().try_into().map_err(|_| StationError::Internal("stored key".into()))?);
        if !key.verify(text.as_bytes(), &sig) {
            return Err(StationError::Unauthenticated("bad request signature".into()));
        }
        let now = Utc::now().timestamp();
        if (now - ts).abs() > protocol::MAX_SKEW_SECS {
            return Err(StationError::Unauthenticated("stale request (timestamp more than 5 minutes off)".into()));
        }
        if !self.storage.use_nonce(&id, nonce, now, now - 2 * protocol::MAX_SKEW_SECS)? {
            return Err(StationError::Unauthenticated("replayed request (nonce already seen)".into()));
        }
        Ok(d)
    }

    // ---- entries --------------------------------------------------------------------------

    fn seal_payload(&self, case: &str, seq: u64, bytes: &[u8]) -> Result<Vec<u8>> {
        Ok(seal::seal(&self.keys.records(), &format!("entry/{case}/{seq}"), bytes)?)
    }

    fn open_payload(&self, e: &EntryRow) -> Result<Option<Vec<u8>>> {
        match &e.record {
            Some(b) => Ok(Some(seal::open(&self.keys.records(), &format!("entry/{}/{}", e.case_id, e.seq), b)?)),
            None => Ok(None),
        }
    }

    /// Verifies and stores pushed entries. Each case's entries must link to what the station
    /// holds; an entry already stored is acknowledged again (exactly-once effect); one that
    /// fails verification is quarantined with the reason and reported; one whose original has
    /// not been uploaded and verified yet waits.
    pub fn push(&self, device: &DeviceRow, req: &PushRequest) -> Result<PushResponse> {
        let mut out = PushResponse::default();
        let key = PublicKey(device.public_key.clone().try_into().map_err(|_| StationError::Internal("stored key".into()))?);
        // One transaction for the batch: acknowledged means committed to disk.
        self.storage.batch(&mut || {
            out = self.push_items(device, &key, req)?;
            Ok(())
        })?;
        Ok(out)
    }

    fn push_items(&self, device: &DeviceRow, key: &PublicKey, req: &PushRequest) -> Result<PushResponse> {
        let mut out = PushResponse::default();
        let mut stopped: Vec<String> = Vec::new();
        for item in &req.items {
            if stopped.contains(&item.case) {
                continue;
            }
            match self.verify_item(device, key, item)? {
                Verdict::Ack => out.acked.push((item.case.clone(), item.seq)),
                Verdict::Reject(reason) => {
                    self.storage.quarantine(&item.case, item.seq, &device.device_id, &reason, &now_rfc(Utc::now()))?;
                    out.rejected.push(Rejected { case: item.case.clone(), seq: item.seq, reason });
                    stopped.push(item.case.clone());
                }
                Verdict::NeedsBlob(sha256) => {
                    out.missing_blobs.push(MissingBlob { case: item.case.clone(), seq: item.seq, sha256 });
                    stopped.push(item.case.clone());
                }
                Verdict::Gap => stopped.push(item.case.clone()),
            }
        }
        Ok(out)
    }

    fn verify_item(&self, device: &DeviceRow, key: &PublicKey, item: &protocol::PushItem) -> Result<Verdict> {
        let reject = |r: &str| Ok(Verdict::Reject(r.to_string()));
        let Ok(bytes) = B64.decode(&item.entry) else { return reject("malformed entry encoding") };
        let Ok(sig) = B64.decode(&item.signature) else { return reject("malformed signature encoding") };
        let Ok(entry) = serde_json::from_slice::<SignedEntry>(&bytes) else { return reject("malformed entry") };
        if entry.case.to_string() != item.case || entry.seq != item.seq {
            return reject("entry does not match its case and sequence number");
        }
        if entry.device.simple().to_string() != device.device_id {
            return reject("entry signed for another device");
        }
        if qorgau_core::canonical::to_bytes(&entry)? != bytes {
            return reject("entry bytes are not canonical");
        }
        if !key.verify(&bytes, &sig) {
            return reject("bad entry signature (altered, or not this device's)");
        }
        let hash = Sha256::of(&bytes).hex();
        if let Some(existing) = self.storage.entry(&item.case, item.seq)? {
            return if existing.entry_hash == hash { Ok(Verdict::Ack) } else { reject("conflicts with the entry the station already holds") };
        }
        let (expected, prev) = match self.storage.last_entry(&item.case)? {
            Some((s, h)) => (s + 1, h),
            None => (1, Sha256::ZERO.hex()),
        };
        if item.seq > expected {
            return Ok(Verdict::Gap);
        }
        if entry.prev != prev {
            return reject("broken link to the previous entry");
        }
        let payload = match &item.payload {
            Some(p) => match B64.decode(p) {
                Ok(b) => b,
                Err(_) => return reject("malformed payload encoding"),
            },
            None => return reject("missing payload"),
        };
        if Sha256::of(&payload).hex() != entry.payload {
            return reject("payload does not match the entry's hash (altered record)");
        }
        let table = entry.kind.record_table();
        if table.map(str::to_string) != item.table && !(table.is_none() && item.table.is_none()) {
            return reject("record table does not match the event");
        }
        // Originals must be here and verified before the record is acknowledged.
        if let Some(sha) = protocol::needed_blob(entry.kind, &payload) {
            match self.storage.upload(&sha)? {
                Some(u) if u.completed => {}
                _ => return Ok(Verdict::NeedsBlob(sha)),
            }
        }
        let received = Utc::now();
        self.storage.put_entry(&EntryRow {
            case_id: item.case.clone(),
            seq: item.seq,
            device_id: device.device_id.clone(),
            kind: entry.kind.as_str().to_string(),
            entry: bytes,
            signature: sig,
            entry_hash: hash,
            device_at: entry.at.clone(),
            received_at: now_rfc(received),
            record_table: table.map(str::to_string),
            record: Some(self.seal_payload(&item.case, item.seq, &payload)?),
        })?;
        self.update_registry(&item.case, entry.kind, &payload, device)?;
        Ok(Verdict::Ack)
    }

    // ---- registry -------------------------------------------------------------------------

    fn subject(&self, iin: &str) -> String {
        hex::encode(hmac::sign(&self.keys.lookup(), format!("iin:{iin}").as_bytes()))
    }

    fn registry_record(&self, subject: &str) -> Result<Option<(String, RegistryRecord)>> {
        match self.storage.registry_get(subject)? {
            Some(b) => {
                let v: (String, RegistryRecord) = serde_json::from_slice(&seal::open(&self.keys.records(), &format!("registry/{subject}"), &b)?)
                    .map_err(|e| StationError::Internal(e.to_string()))?;
                Ok(Some(v))
            }
            None => Ok(None),
        }
    }

    fn put_registry(&self, subject: &str, iin: &str, rec: &RegistryRecord) -> Result<()> {
        let body = serde_json::to_vec(&(iin, rec)).map_err(|e| StationError::Internal(e.to_string()))?;
        let version = self.storage.next("registry_version")?;
        self.storage.registry_put(subject, &seal::seal(&self.keys.records(), &format!("registry/{subject}"), &body)?, version)
    }

    /// The person record of `person_id` on `case`, from the entries the station holds.
    fn person(&self, case: &str, person_id: uuid::Uuid) -> Result<Option<Person>> {
        let mut seq = 1;
        while let Some(e) = self.storage.entry(case, seq)? {
            if e.kind == "person_added" {
                if let Some(p) = self.open_payload(&e)? {
                    if let Ok(person) = serde_json::from_slice::<Person>(&p) {
                        if person.id == person_id {
                            return Ok(Some(person));
                        }
                    }
                }
            }
            seq += 1;
        }
        Ok(None)
    }

    fn update_registry(&self, case: &str, kind: EventKind, payload: &[u8], device: &DeviceRow) -> Result<()> {
        let empty = |name: &str| RegistryRecord { display_name: name.to_string(), birth_date: None, active_orders: vec![], past_violations: 0, earlier_cases: 0 };
        match kind {
            EventKind::PersonAdded => {
                let p: Person = serde_json::from_slice(payload).map_err(|e| StationError::Internal(e.to_string()))?;
                if let (PersonRole::AllegedAggressor, Some(iin)) = (p.role, &p.iin) {
                    let s = self.subject(iin.as_str());
                    let mut rec = self.registry_record(&s)?.map(|(_, r)| r).unwrap_or_else(|| empty(&p.full_name));
                    if rec.earlier_cases > 0 || rec.past_violations > 0 {
                        // A prior DV record when this case arrived: a repeat offence (for the figures).
                        self.storage.registry_put(&format!("repeat:{case}"), b"prior record", 0)?;
                    }
                    rec.earlier_cases += 1;
                    rec.birth_date = p.date_of_birth;
                    self.put_registry(&s, iin.as_str(), &rec)?;
                }
            }
            EventKind::OrderIssued => {
                let o: ProtectionOrder = serde_json::from_slice(payload).map_err(|e| StationError::Internal(e.to_string()))?;
                let Some(person) = self.person(case, o.restricted_person)? else { return Ok(()) };
                let Some(iin) = person.iin else { return Ok(()) };
                let s = self.subject(iin.as_str());
                let mut rec = self.registry_record(&s)?.map(|(_, r)| r).unwrap_or_else(|| empty(&person.full_name));
                rec.active_orders.push(RegistryOrder {
                    number: o.number.clone(),
                    valid_from: o.valid_from,
                    valid_until: o.valid_until,
                    prohibitions: o.prohibitions.clone(),
                    unit: device.unit.clone(),
                });
                self.put_registry(&s, iin.as_str(), &rec)?;
                self.index_order(&o.id.to_string(), &s, &o.number)?;
            }
            EventKind::OrderExtended | EventKind::OrderRevoked | EventKind::OrderViolated => {
                let ev: OrderEvent = serde_json::from_slice(payload).map_err(|e| StationError::Internal(e.to_string()))?;
                let Some((subject, number)) = self.order_index(&ev.order_id.to_string())? else { return Ok(()) };
                let Some((iin, mut rec)) = self.registry_record(&subject)? else { return Ok(()) };
                match ev.event {
                    OrderEventKind::Extended { new_valid_until, .. } => {
                        rec.active_orders.iter_mut().filter(|o| o.number == number).for_each(|o| o.valid_until = new_valid_until)
                    }
                    OrderEventKind::Revoked { .. } => rec.active_orders.retain(|o| o.number != number),
                    OrderEventKind::Violated { .. } => rec.past_violations += 1,
                    OrderEventKind::Served { .. } => {}
                }
                self.put_registry(&subject, &iin, &rec)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn index_order(&self, order_id: &str, subject: &str, number: &str) -> Result<()> {
        self.storage.registry_put(&format!("order:{order_id}"), format!("{subject}\n{number}").as_bytes(), 0)
    }

    fn order_index(&self, order_id: &str) -> Result<Option<(String, String)>> {
        Ok(self.storage.registry_get(&format!("order:{order_id}"))?.and_then(|b| {
            let s = String::from_utf8(b).ok()?;
            let (a, n) = s.split_once('\n')?;
            Some((a.to_string(), n.to_string()))
        }))
    }

    /// A signed registry file for a device that has `since`: a delta of what changed after it,
    /// or a snapshot when `since` is 0. Includes device keys and revocations.
    pub fn registry_file(&self, since: u64) -> Result<Vec<u8>> {
        let current = self.storage.counter("registry_version")? as u64;
        let mut lines = Vec::new();
        for (subject, body, _) in self.storage.registry_since(since as i64)? {
            if subject.starts_with("order:") || subject.starts_with("repeat:") {
                continue;
            }
            if subject.starts_with("instrument:") {
                lines.push(RegistryLine::Instrument { envelope: String::from_utf8(body).map_err(|e| StationError::Internal(e.to_string()))? });
                continue;
            }
            if let Some((iin, rec)) = self.registry_record(&subject)? {
                lines.push(RegistryLine::Put { subject: Subject::Iin { iin }, record: rec });
            }
        }
        for d in self.storage.devices()? {
            if since == 0 || d.version as u64 > since {
                lines.push(RegistryLine::Device { device_id: d.device_id, public_key: hex::encode(&d.public_key), revoked: d.revoked_at.is_some() });
            }
        }
        let header = RegistryHeader {
            format: qorgau_core::registry::FORMAT.into(),
            kind: if since == 0 { RegistryKind::Snapshot } else { RegistryKind::Delta },
            sequence: current.max(since + 1),
            base_sequence: (since > 0).then_some(since),
            generated_at: Utc::now(),
            rows: lines.len() as u64,
        };
        let mut w = RegistryWriter::new(Vec::new(), &header)?;
        for l in &lines {
            w.row(l)?;
        }
        Ok(w.finish(&self.signer)?)
    }

    /// Signs an instrument definition (JSON) and adds it to the registry that goes to phones.
    pub fn add_instrument(&self, json: &str) -> Result<qorgau_core::model::Instrument> {
        let inst = qorgau_core::model::Instrument::from_json(json)?;
        let envelope = qorgau_core::store::sign_instrument(&inst, &self.signer)?;
        let version = self.storage.next("registry_version")?;
        self.storage.registry_put(&format!("instrument:{}:{}", inst.id, inst.version), envelope.as_bytes(), version)?;
        Ok(inst)
    }

    /// The registry version now.
    pub fn registry_version(&self) -> Result<u64> {
        Ok(self.storage.counter("registry_version")? as u64)
    }

    // ---- uploads --------------------------------------------------------------------------

    /// Where the sealed segments of an upload live.
    pub fn upload_dir(&self, id: &str) -> PathBuf {
        self.dir.join("uploads").join(id)
    }

    /// The station's keys for sealing upload segments.
    pub fn keys(&self) -> &DerivedKeys {
        &self.keys
    }

    /// The figures the department publishes, for entries the devices made in [from, to).
    pub fn figures(&self, from: &str, to: &str) -> Result<Figures> {
        let mut f = Figures { from: from.into(), to: to.into(), ..Default::default() };
        let mut cases = std::collections::HashSet::new();
        let mut repeat_cases = std::collections::HashSet::new();
        for e in self.storage.entries_between(from, to)? {
            cases.insert(e.case_id.clone());
            let payload = self.open_payload(&e)?.unwrap_or_default();
            match e.kind.as_str() {
                "order_issued" => f.protection_orders_issued += 1,
                "intervention_recorded" => f.preventive_interventions += 1,
                "order_violated" => {
                    f.order_violations += 1;
                    repeat_cases.insert(e.case_id.clone());
                }
                "referral_made" => {
                    if let Ok(r) = serde_json::from_slice::<Referral>(&payload) {
                        if r.kind == ReferralKind::Shelter {
                            f.shelter_placements_women += 1;
                            f.shelter_placements_children += u64::from(r.children_placed);
                        }
                    }
                }
                _ => {}
            }
        }
        for c in &cases {
            if self.storage.registry_get(&format!("repeat:{c}"))?.is_some() {
                repeat_cases.insert(c.clone());
            }
        }
        f.cases = cases.len() as u64;
        f.repeat_offence_cases = repeat_cases.len() as u64;
        Ok(f)
    }

    /// Marks a finished upload verified when its whole-file SHA-256 is the declared one.
    pub fn complete_upload(&self, mut u: UploadRow, actual_sha256: &str) -> Result<bool> {
        if actual_sha256 != u.id {
            // Start over: the content is not what was declared.
            let _ = std::fs::remove_dir_all(self.upload_dir(&u.id));
            self.storage.delete_upload(&u.id)?;
            return Ok(false);
        }
        u.completed = true;
        self.storage.put_upload(&u, None)?;
        Ok(true)
    }
}

enum Verdict {
    Ack,
    Reject(String),
    NeedsBlob(String),
    Gap,
}

