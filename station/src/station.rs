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
use qorgau_core::model::{
    OrderEvent, OrderEventKind, Person, PersonRole, ProtectionOrder, Referral, ReferralKind,
};
use qorgau_core::registry::{
    RegistryHeader, RegistryKind, RegistryLine, RegistryOrder, RegistryRecord, RegistryWriter,
    Subject,
};
use qorgau_core::store::{EventKind, SignedEntry};
use qorgau_core::sync::enrolment::{self, CodeKey, EnrolmentCard};
use qorgau_core::sync::protocol::{
    self, DeviceCertificate, EnrolAnswer, EnrolRequest, EnrolResponse, MissingBlob, PushRequest,
    PushResponse, Rejected,
};
use qorgau_core::sync::protocol::{ErrorCode, RejectionCode};
use ring::hmac;
use serde::Serialize;

use crate::error::{Result, StationError};
use crate::storage::{DeviceRow, EntryRow, SqliteStorage, Storage};

/// How long an enrolment code stays valid.
const CODE_VALID_HOURS: i64 = 24;
/// How long an unfinished upload is kept.
pub const UPLOAD_EXPIRES_HOURS: i64 = 24;
/// Rows the request log keeps (older ones are dropped).
pub const LOG_KEEP: u64 = 20_000;
/// Refusals of unauthenticated requests logged per minute; the rest are counted in the next row.
const LOG_UNAUTHENTICATED_PER_MINUTE: u32 = 60;
/// Wrong enrolment codes from one address before it must wait.
const ENROL_FAILURES_ALLOWED: usize = 10;
/// How long wrong codes count against an address, in seconds.
const ENROL_WINDOW_SECS: i64 = 600;

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

/// What `verify_case` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseCheck {
    pub case: String,
    /// Entries the station holds.
    pub entries: u64,
    /// The last sequence number the owning device signed as the case's head, if it sent one.
    pub head: Option<u64>,
    /// What does not hold, if anything.
    pub problem: Option<String>,
}

/// The station.
pub struct Station {
    dir: PathBuf,
    storage: Box<dyn Storage>,
    keys: DerivedKeys,
    signer: DeviceSigner,
    /// The TLS root phones are given at enrolment, when the station serves https.
    ca_pem: std::sync::RwLock<Option<String>>,
    /// Rate limit of log rows for unauthenticated refusals: (minute, written, suppressed).
    log_budget: std::sync::Mutex<(i64, u32, u64)>,
    /// Wrong enrolment codes per address (unix seconds of each).
    enrol_failures: std::sync::Mutex<HashMap<std::net::IpAddr, Vec<i64>>>,
}

/// Cuts a text that came from outside to at most `n` characters for the log.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// Why an enrolment failed, and whether it counts as a wrong code against the address.
struct EnrolFailure(StationError, bool);

impl From<StationError> for EnrolFailure {
    fn from(e: StationError) -> Self {
        EnrolFailure(e, false)
    }
}

impl From<qorgau_core::Error> for EnrolFailure {
    fn from(e: qorgau_core::Error) -> Self {
        EnrolFailure(e.into(), false)
    }
}

fn now_rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// True when `ts` is within the allowed clock skew of `now` (no overflow for any `ts`).
pub fn within_skew(now: i64, ts: i64) -> bool {
    now.checked_sub(ts)
        .is_some_and(|d| d.unsigned_abs() <= protocol::MAX_SKEW_SECS as u64)
}

fn read_or_create(path: &Path, make: impl FnOnce() -> Result<Vec<u8>>) -> Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let b = make()?;
            use std::io::Write;
            qorgau_core::files::private_options()
                .write(true)
                .create_new(true)
                .open(path)?
                .write_all(&b)?;
            Ok(b)
        }
        Err(e) => Err(e.into()),
    }
}

impl Station {
    /// Opens the station in `dir` (SQLite, blob directory, station key and data key), creating
    /// them on first start.
    /// Everything is kept readable by the station's user only (folders 0700, files 0600).
    /// Uploads cut off by a crash are completed or swept (see [`Station::recover_uploads`]).
    pub fn open(dir: &Path) -> Result<Station> {
        crate::tls::make_private_dir(dir)?;
        crate::tls::make_private_dir(&dir.join("uploads"))?;
        crate::tls::make_private_dir(&dir.join("blobs"))?;
        let pkcs8 = read_or_create(&dir.join("station.key"), || Ok(generate_pkcs8()?))?;
        let data = read_or_create(&dir.join("data.key"), || {
            Ok(qorgau_core::crypto::random_bytes::<32>()?.to_vec())
        })?;
        let data: [u8; 32] = data
            .try_into()
            .map_err(|_| StationError::Internal("data.key is not 32 bytes".into()))?;
        let db = dir.join("station.db");
        qorgau_core::files::private_file(&db)?;
        let station = Station {
            dir: dir.to_path_buf(),
            storage: Box::new(SqliteStorage::open(&db)?),
            keys: DerivedKeys::derive(&data)?,
            signer: DeviceSigner::from_pkcs8(&pkcs8)?,
            ca_pem: std::sync::RwLock::new(
                std::fs::read_to_string(dir.join("tls").join("ca.pem")).ok(),
            ),
            log_budget: std::sync::Mutex::new((0, 0, 0)),
            enrol_failures: std::sync::Mutex::default(),
        };
        station.migrate_upload_files()?;
        station.recover_uploads()?;
        Ok(station)
    }

    /// The station's data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Sets the TLS root that enrolment answers name (the station serves https under it).
    pub fn set_tls_root(&self, ca_pem: Option<String>) {
        *self.ca_pem.write().unwrap_or_else(|p| p.into_inner()) = ca_pem;
    }

    /// The TLS root's fingerprint (SHA-256 of its DER, hex), if the station has one.
    pub fn tls_root_fingerprint(&self) -> Option<String> {
        let pem = self
            .ca_pem
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()?;
        let certs = qorgau_core::sync::tls::certs_from_pem(pem.as_bytes()).ok()?;
        Some(qorgau_core::sync::tls::fingerprint(&certs[0]))
    }

    /// The enrolment card for `code` at `url`: what the duty officer shows the phone.
    pub fn enrolment_card(&self, code: &str, url: &str) -> EnrolmentCard {
        EnrolmentCard {
            station_url: url.trim_end_matches('/').to_string(),
            code: code.to_string(),
            ca_fingerprint: self.tls_root_fingerprint(),
            station_key_fingerprint: Some(enrolment::station_key_fingerprint(&self.public_key())),
        }
    }

    // ---- the request log --------------------------------------------------------------------

    /// Logs a request (fields cut to a bounded size; the log keeps its newest rows). Refusals of
    /// unauthenticated requests are rate-limited: past the budget they are counted, and the
    /// count goes into the next row that is written.
    pub fn log(
        &self,
        device: Option<&str>,
        method: &str,
        path: &str,
        status: u16,
        reason: Option<&str>,
        authenticated: bool,
    ) {
        let now = Utc::now();
        let mut note = String::new();
        if !authenticated {
            let mut b = self.log_budget.lock().unwrap_or_else(|p| p.into_inner());
            let minute = now.timestamp() / 60;
            if b.0 != minute {
                *b = (minute, 0, b.2);
            }
            if b.1 >= LOG_UNAUTHENTICATED_PER_MINUTE {
                b.2 += 1;
                return;
            }
            b.1 += 1;
            if b.2 > 0 {
                note = format!(" ({} more refusals not logged)", b.2);
                b.2 = 0;
            }
            if b.1 == LOG_UNAUTHENTICATED_PER_MINUTE {
                note.push_str(" (further refusals this minute are counted, not logged)");
            }
        }
        let reason = reason.map(|r| format!("{}{note}", clip(r, 160)));
        let _ = self.storage.log_request(
            &now_rfc(now),
            device.map(|d| clip(d, 40)).as_deref(),
            &clip(method, 10),
            &clip(path, 120),
            status,
            reason.as_deref(),
            LOG_KEEP,
        );
    }

    /// The station's public key.
    pub fn public_key(&self) -> PublicKey {
        self.signer.public_key()
    }

    /// The station's keys for sealing records and upload segments.
    pub fn keys(&self) -> &DerivedKeys {
        &self.keys
    }

    /// The storage (for the CLI's listings).
    pub fn storage(&self) -> &dyn Storage {
        self.storage.as_ref()
    }

    // ---- enrolment ------------------------------------------------------------------------

    /// Creates a one-time enrolment code for an officer's device (valid 24 hours). The station
    /// keeps only an id and a key derived from it (sealed), never the code.
    pub fn create_enrolment_code(&self, officer: &str, unit: &str) -> Result<String> {
        let raw: [u8; 10] = qorgau_core::crypto::random_bytes()?;
        // 80 random bits as 16 characters of 5 bits a person can read out: A–Z and 2–9 without
        // 0/O/1/I.
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let bits = raw.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
        let code: String = (0..16)
            .rev()
            .map(|i| char::from(ALPHABET[((bits >> (5 * i)) & 0x1f) as usize]))
            .collect();
        let key = CodeKey::derive(&code);
        let id = key.code_id();
        let sealed = seal::seal(
            self.keys.records(),
            &format!("enrolment-code/{id}"),
            key.raw(),
        )?;
        let now = Utc::now();
        self.storage.add_enrolment_code(
            &Sha256::of(code.as_bytes()).hex(),
            &id,
            &sealed,
            officer,
            unit,
            &now_rfc(now),
            &now_rfc(now + Duration::hours(CODE_VALID_HOURS)),
        )?;
        Ok(code)
    }

    /// Enrols a device (see `qorgau_core::sync::enrolment`): the request must be MACed with a
    /// valid code's key and signed by the key it names; the answer is MACed with the same code
    /// key. The same device and key asking again get the same certificate (a lost answer
    /// strands nobody); a fresh code lifts a revocation of the same device and key. Wrong codes
    /// from one address are throttled; every refusal is logged.
    pub fn enrol(&self, req: &EnrolRequest, peer: std::net::IpAddr) -> Result<EnrolResponse> {
        let now = Utc::now().timestamp();
        {
            let mut f = self
                .enrol_failures
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            f.retain(|_, v| {
                v.retain(|t| now - t < ENROL_WINDOW_SECS);
                !v.is_empty()
            });
            if f.get(&peer)
                .is_some_and(|v| v.len() >= ENROL_FAILURES_ALLOWED)
            {
                let e = StationError::Refused(
                    ErrorCode::Throttled,
                    "too many wrong enrolment codes from this address; wait ten minutes".into(),
                );
                self.log(
                    Some(&req.claim.device_id),
                    "POST",
                    "/v1/enrol",
                    e.status().as_u16(),
                    Some(&format!("{e} ({peer})")),
                    false,
                );
                return Err(e);
            }
        }
        // One transaction: a refusal half-way (after a revocation was lifted, say) leaves nothing.
        let (mut answer, mut wrong_code) = (None, false);
        let r = self.storage.batch(&mut || match self.enrol_inner(req) {
            Ok(resp) => {
                answer = Some(resp);
                Ok(())
            }
            Err(EnrolFailure(e, wrong)) => {
                wrong_code = wrong;
                Err(e)
            }
        });
        let r = match (r, answer) {
            (Ok(()), Some(resp)) => Ok(resp),
            (Err(e), _) => Err(EnrolFailure(e, wrong_code)),
            (Ok(()), None) => Err(EnrolFailure(
                StationError::Internal("enrolment did not run".into()),
                false,
            )),
        };
        match r {
            Ok(resp) => {
                self.log(
                    Some(&req.claim.device_id),
                    "POST",
                    "/v1/enrol",
                    200,
                    Some("enrolled"),
                    true,
                );
                Ok(resp)
            }
            Err(EnrolFailure(e, wrong_code)) => {
                if wrong_code {
                    self.enrol_failures
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .entry(peer)
                        .or_default()
                        .push(now);
                }
                self.log(
                    Some(&req.claim.device_id),
                    "POST",
                    "/v1/enrol",
                    e.status().as_u16(),
                    Some(&format!("{e} ({peer})")),
                    false,
                );
                Err(e)
            }
        }
    }

    fn enrol_inner(&self, req: &EnrolRequest) -> std::result::Result<EnrolResponse, EnrolFailure> {
        let c = &req.claim;
        let wrong = |m: &str| {
            EnrolFailure(
                StationError::Refused(ErrorCode::CodeUnknown, m.to_string()),
                true,
            )
        };
        let key = PublicKey::from_hex(&c.public_key)
            .ok_or_else(|| StationError::BadRequest("public_key: 64 hex digits".into()))?;
        if enrolment::is_weak_public_key(&key.0) {
            return Err(StationError::Refused(
                ErrorCode::WeakKey,
                "weak device key refused".into(),
            )
            .into());
        }
        let device = uuid::Uuid::parse_str(&c.device_id)
            .map_err(|_| StationError::BadRequest("device_id: a UUID".into()))?
            .simple()
            .to_string();
        if c.label.chars().count() > 200
            || c.code_id.len() != 32
            || !c.code_id.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(StationError::BadRequest("malformed enrolment request".into()).into());
        }
        if !within_skew(Utc::now().timestamp(), c.ts) {
            return Err(StationError::Refused(
                ErrorCode::StaleRequest,
                "stale enrolment request (device clock more than 5 minutes off)".into(),
            )
            .into());
        }
        let code = self
            .storage
            .enrolment_code(&c.code_id)?
            .ok_or_else(|| wrong("unknown enrolment code"))?;
        let raw: [u8; 32] = seal::open(
            self.keys.records(),
            &format!("enrolment-code/{}", c.code_id),
            &code.code_key,
        )?
        .try_into()
        .map_err(|_| StationError::Internal("stored code key".into()))?;
        let code_key = CodeKey::from_raw(raw);
        if !req.proof_matches(&code_key) {
            return Err(wrong("the request does not prove the enrolment code"));
        }
        if !req.possession_proven() {
            return Err(StationError::BadRequest(
                "the request is not signed by the key it names (proof of possession)".into(),
            )
            .into());
        }
        if DateTime::parse_from_rfc3339(&code.expires_at)
            .map(|t| t.with_timezone(&Utc) < Utc::now())
            .unwrap_or(true)
        {
            return Err(StationError::Refused(
                ErrorCode::CodeExpired,
                "the enrolment code has expired".into(),
            )
            .into());
        }
        if code.used_by.as_deref().is_some_and(|u| u != device) {
            return Err(StationError::Refused(
                ErrorCode::CodeUsed,
                "the enrolment code was already used by another device".into(),
            )
            .into());
        }
        let (certificate, certificate_signature) = match self.storage.device(&device)? {
            Some(d) if d.public_key != key.0 => {
                return Err(StationError::Refused(
                    ErrorCode::EnrolmentRefused,
                    "this device id is enrolled with another key".into(),
                )
                .into());
            }
            Some(d) => {
                if d.revoked_at.is_some() {
                    if code.used_by.is_some() {
                        // The code this device used before its revocation does not lift it.
                        return Err(StationError::Refused(
                            ErrorCode::DeviceRevoked,
                            "device revoked; ask the duty officer for a new code".into(),
                        )
                        .into());
                    }
                    let version = self.storage.next("registry_version")?;
                    self.storage.unrevoke_device(&device, version)?;
                }
                let stored = d.certificate.ok_or_else(|| StationError::Conflict("this device was enrolled before enrolment answers were kept; revoke it and enrol it anew".into()))?;
                serde_json::from_str::<(DeviceCertificate, String)>(&stored)
                    .map_err(|e| StationError::Internal(e.to_string()))?
            }
            None => {
                let certificate = DeviceCertificate {
                    device_id: device.clone(),
                    public_key: key.hex(),
                    officer: code.officer.clone(),
                    unit: code.unit.clone(),
                    enrolled_at: now_rfc(Utc::now()),
                };
                let sig = B64.encode(
                    self.signer
                        .sign(&qorgau_core::canonical::to_bytes(&certificate)?),
                );
                let version = self.storage.next("registry_version")?;
                self.storage.put_device(&DeviceRow {
                    device_id: device.clone(),
                    public_key: key.0.to_vec(),
                    officer: code.officer.clone(),
                    unit: code.unit.clone(),
                    label: c.label.chars().take(64).collect(),
                    enrolled_at: certificate.enrolled_at.clone(),
                    revoked_at: None,
                    version,
                    certificate: Some(
                        serde_json::to_string(&(&certificate, &sig))
                            .map_err(|e| StationError::Internal(e.to_string()))?,
                    ),
                })?;
                (certificate, sig)
            }
        };
        self.storage.use_enrolment_code(&c.code_id, &device)?;
        let answer = EnrolAnswer {
            certificate,
            certificate_signature,
            station_public_key: self.public_key().hex(),
            ca_pem: self
                .ca_pem
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        };
        Ok(EnrolResponse::seal(answer, &code_key)?)
    }

    /// Revokes a lost device: its later requests are refused and the revocation travels to the
    /// other devices with the registry.
    pub fn revoke(&self, device: &str) -> Result<bool> {
        let id = uuid::Uuid::parse_str(device)
            .map_err(|_| StationError::BadRequest("device id".into()))?
            .simple()
            .to_string();
        let version = self.storage.next("registry_version")?;
        self.storage
            .revoke_device(&id, &now_rfc(Utc::now()), version)
    }

    // ---- authentication -------------------------------------------------------------------

    /// Checks a signed request from its headers alone, before anything is looked up, locked,
    /// read or written for it; returns the device and the body digest the signature covers
    /// (the body, once read, must match it). `path` includes the query string. Every refusal
    /// is logged (bounded).
    pub fn authenticate(
        &self,
        method: &str,
        path: &str,
        headers: &HashMap<String, String>,
    ) -> Result<(DeviceRow, String)> {
        let r = self.authenticate_inner(method, path, headers);
        if let Err(e) = &r {
            let known = matches!(e, StationError::Forbidden(_));
            self.log(
                headers.get(protocol::H_DEVICE).map(String::as_str),
                method,
                path,
                e.status().as_u16(),
                Some(&e.to_string()),
                known,
            );
        }
        r
    }

    fn authenticate_inner(
        &self,
        method: &str,
        path: &str,
        headers: &HashMap<String, String>,
    ) -> Result<(DeviceRow, String)> {
        let h = |n: &str| {
            headers
                .get(n)
                .map(String::as_str)
                .ok_or_else(|| StationError::Unauthenticated("unsigned request".into()))
        };
        let device = h(protocol::H_DEVICE)?;
        let ts: i64 = h(protocol::H_TIMESTAMP)?
            .parse()
            .map_err(|_| StationError::Unauthenticated("malformed timestamp".into()))?;
        let nonce = h(protocol::H_NONCE)?;
        let content = h(protocol::H_CONTENT)?.to_ascii_lowercase();
        let sig = h(protocol::H_SIGNATURE)?;
        if sig.len() > 128 {
            return Err(StationError::Unauthenticated("malformed signature".into()));
        }
        let sig = B64
            .decode(sig)
            .map_err(|_| StationError::Unauthenticated("malformed signature".into()))?;
        if nonce.len() < 16 || nonce.len() > 64 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StationError::Unauthenticated("malformed nonce".into()));
        }
        if Sha256::from_hex(&content).is_none() {
            return Err(StationError::Unauthenticated(
                "malformed content digest".into(),
            ));
        }
        if device.len() > 40 {
            return Err(StationError::Unauthenticated("malformed device id".into()));
        }
        let id = uuid::Uuid::parse_str(device)
            .map_err(|_| StationError::Unauthenticated("malformed device id".into()))?
            .simple()
            .to_string();
        // Unknown device or bad signature: the same answer, so nothing is learnt about devices.
        let refused = || {
            StationError::Unauthenticated("device not enrolled, or bad request signature".into())
        };
        let d = self.storage.device(&id)?.ok_or_else(refused)?;
        let text = protocol::signing_text(
            method,
            path,
            &content,
            headers
                .get("upload-offset")
                .map(String::as_str)
                .unwrap_or(""),
            headers
                .get("upload-checksum")
                .map(String::as_str)
                .unwrap_or(""),
            ts,
            nonce,
        );
        let key = PublicKey(
            d.public_key
                .clone()
                .try_into()
                .map_err(|_| StationError::Internal("stored key".into()))?,
        );
        if !key.verify(text.as_bytes(), &sig) {
            return Err(refused());
        }
        if d.revoked_at.is_some() {
            return Err(StationError::Refused(
                ErrorCode::DeviceRevoked,
                "device revoked".into(),
            ));
        }
        let now = Utc::now().timestamp();
        if !within_skew(now, ts) {
            return Err(StationError::Refused(
                ErrorCode::StaleRequest,
                "stale request (timestamp more than 5 minutes off)".into(),
            ));
        }
        if !self
            .storage
            .use_nonce(&id, nonce, now, now - 2 * protocol::MAX_SKEW_SECS)?
        {
            return Err(StationError::Refused(
                ErrorCode::Replayed,
                "replayed request (nonce already seen)".into(),
            ));
        }
        Ok((d, content))
    }

    // ---- entries --------------------------------------------------------------------------

    fn seal_payload(&self, case: &str, seq: u64, bytes: &[u8]) -> Result<Vec<u8>> {
        Ok(seal::seal(
            self.keys.records(),
            &format!("entry/{case}/{seq}"),
            bytes,
        )?)
    }

    fn open_payload(&self, e: &EntryRow) -> Result<Option<Vec<u8>>> {
        match &e.record {
            Some(b) => Ok(Some(seal::open(
                self.keys.records(),
                &format!("entry/{}/{}", e.case_id, e.seq),
                b,
            )?)),
            None => Ok(None),
        }
    }

    /// Verifies and stores pushed entries. Each case's entries must link to what the station
    /// holds; an entry already stored is acknowledged again (exactly-once effect); one that
    /// fails verification is quarantined with the reason and reported; one whose original has
    /// not been uploaded and verified yet waits.
    pub fn push(&self, device: &DeviceRow, req: &PushRequest) -> Result<PushResponse> {
        let mut out = PushResponse::default();
        let key = PublicKey(
            device
                .public_key
                .clone()
                .try_into()
                .map_err(|_| StationError::Internal("stored key".into()))?,
        );
        // One transaction for the batch: acknowledged means committed to disk.
        self.storage.batch(&mut || {
            out = self.push_items(device, &key, req)?;
            self.keep_heads(device, &key, req)?;
            Ok(())
        })?;
        Ok(out)
    }

    /// Keeps the signed heads the device sent for its own cases (a head signed by another key,
    /// or for another device's case, is ignored and logged).
    fn keep_heads(&self, device: &DeviceRow, key: &PublicKey, req: &PushRequest) -> Result<()> {
        for h in &req.heads {
            let case = h.head.case.to_string();
            let owned = self
                .storage
                .case_owner(&case)?
                .is_some_and(|o| o == device.device_id);
            let sig = B64.decode(&h.signature).unwrap_or_default();
            if !owned || !h.verifies(key) {
                self.log(
                    Some(&device.device_id),
                    "POST",
                    "/v1/entries",
                    200,
                    Some(&format!(
                        "case head for {} ignored (not this device's, or not signed by it)",
                        clip(&case, 40)
                    )),
                    true,
                );
                continue;
            }
            self.storage.put_head(
                &case,
                &device.device_id,
                h.head.seq,
                &h.head.entry_hash,
                &sig,
                &now_rfc(Utc::now()),
            )?;
        }
        Ok(())
    }

    /// Checks the chain the station holds for a case: every entry's signature and link, and
    /// that it reaches the head the owning device last signed. A chain that stops short is
    /// reported (entries on their way, or cut off on the phone); one that disagrees with its
    /// head is a failure.
    pub fn verify_case(&self, case: &str) -> Result<CaseCheck> {
        let entries = self.storage.entries_of(case)?;
        let owner = self.storage.case_owner(case)?;
        let mut check = CaseCheck {
            case: case.to_string(),
            entries: entries.len() as u64,
            head: self.storage.head(case)?.map(|h| h.0),
            problem: None,
        };
        let key = match owner
            .as_deref()
            .map(|o| self.storage.device(o))
            .transpose()?
            .flatten()
        {
            Some(d) => PublicKey(
                d.public_key
                    .try_into()
                    .map_err(|_| StationError::Internal("stored key".into()))?,
            ),
            None => {
                check.problem = Some("no entries from the device that opened the case".into());
                return Ok(check);
            }
        };
        let mut prev = Sha256::ZERO.hex();
        for (i, e) in entries.iter().enumerate() {
            let parsed: Option<SignedEntry> = serde_json::from_slice(&e.entry).ok();
            let ok = e.seq == i as u64 + 1
                && key.verify(&e.entry, &e.signature)
                && Sha256::of(&e.entry).hex() == e.entry_hash
                && parsed.is_some_and(|p| p.prev == prev);
            if !ok {
                check.problem = Some(format!(
                    "entry {} does not verify or does not link to the one before",
                    i + 1
                ));
                return Ok(check);
            }
            prev = e.entry_hash.clone();
        }
        if let Some((seq, hash)) = self.storage.head(case)? {
            match entries.get(seq.saturating_sub(1) as usize) {
                Some(e) if e.entry_hash != hash => {
                    check.problem = Some(format!(
                        "entry {seq} is not the one the device's signed head names"
                    ))
                }
                Some(_) => {}
                None => {
                    check.problem = Some(format!(
                        "the device's signed head is entry {seq}; the station holds {}",
                        entries.len()
                    ))
                }
            }
        }
        Ok(check)
    }

    fn push_items(
        &self,
        device: &DeviceRow,
        key: &PublicKey,
        req: &PushRequest,
    ) -> Result<PushResponse> {
        let mut out = PushResponse::default();
        let mut stopped: Vec<String> = Vec::new();
        for item in &req.items {
            if stopped.contains(&item.case) {
                continue;
            }
            match self.verify_item(device, key, item)? {
                Verdict::Ack => out.acked.push((item.case.clone(), item.seq)),
                Verdict::Reject(code, reason) => {
                    self.storage.quarantine(
                        &item.case,
                        item.seq,
                        &device.device_id,
                        &reason,
                        &now_rfc(Utc::now()),
                    )?;
                    out.rejected.push(Rejected {
                        case: item.case.clone(),
                        seq: item.seq,
                        code,
                        reason,
                    });
                    stopped.push(item.case.clone());
                }
                Verdict::NeedsBlob(sha256) => {
                    out.missing_blobs.push(MissingBlob {
                        case: item.case.clone(),
                        seq: item.seq,
                        sha256,
                    });
                    stopped.push(item.case.clone());
                }
                Verdict::Gap => stopped.push(item.case.clone()),
            }
        }
        Ok(out)
    }

    fn verify_item(
        &self,
        device: &DeviceRow,
        key: &PublicKey,
        item: &protocol::PushItem,
    ) -> Result<Verdict> {
        let reject = |c: RejectionCode, r: &str| Ok(Verdict::Reject(c, r.to_string()));
        let Ok(bytes) = B64.decode(&item.entry) else {
            return reject(RejectionCode::Malformed, "malformed entry encoding");
        };
        let Ok(sig) = B64.decode(&item.signature) else {
            return reject(RejectionCode::Malformed, "malformed signature encoding");
        };
        let Ok(entry) = serde_json::from_slice::<SignedEntry>(&bytes) else {
            return reject(RejectionCode::Malformed, "malformed entry");
        };
        if entry.case.to_string() != item.case || entry.seq != item.seq {
            return reject(
                RejectionCode::Malformed,
                "entry does not match its case and sequence number",
            );
        }
        if entry.device.simple().to_string() != device.device_id {
            return reject(
                RejectionCode::OtherDevice,
                "entry signed for another device",
            );
        }
        if qorgau_core::canonical::to_bytes(&entry)? != bytes {
            return reject(RejectionCode::Malformed, "entry bytes are not canonical");
        }
        if !key.verify(&bytes, &sig) {
            return reject(
                RejectionCode::BadSignature,
                "bad entry signature (altered, or not this device's)",
            );
        }
        let hash = Sha256::of(&bytes).hex();
        // A case belongs to the device that opened it; nobody else adds to it.
        match self.storage.case_owner(&item.case)? {
            Some(owner) if owner != device.device_id => {
                return reject(
                    RejectionCode::NotCaseOwner,
                    "the case belongs to another device",
                )
            }
            Some(_) => {}
            None if item.seq == 1 && entry.kind != EventKind::CaseOpened => {
                return reject(
                    RejectionCode::NotCaseStart,
                    "a case must begin with case_opened",
                )
            }
            None => {}
        }
        if let Some(existing) = self.storage.entry(&item.case, item.seq)? {
            return if existing.entry_hash == hash {
                Ok(Verdict::Ack)
            } else {
                reject(
                    RejectionCode::Conflicting,
                    "conflicts with the entry the station already holds",
                )
            };
        }
        let (expected, prev) = match self.storage.last_entry(&item.case)? {
            Some((s, h)) => (s + 1, h),
            None => (1, Sha256::ZERO.hex()),
        };
        if item.seq > expected {
            return Ok(Verdict::Gap);
        }
        if entry.prev != prev {
            return reject(
                RejectionCode::BrokenLink,
                "broken link to the previous entry",
            );
        }
        let payload = match &item.payload {
            Some(p) => match B64.decode(p) {
                Ok(b) => b,
                Err(_) => return reject(RejectionCode::Malformed, "malformed payload encoding"),
            },
            None => return reject(RejectionCode::Malformed, "missing payload"),
        };
        if Sha256::of(&payload).hex() != entry.payload {
            return reject(
                RejectionCode::PayloadMismatch,
                "payload does not match the entry's hash (altered record)",
            );
        }
        let table = entry.kind.record_table();
        if table.map(str::to_string) != item.table && !(table.is_none() && item.table.is_none()) {
            return reject(
                RejectionCode::InvalidRecord,
                "record table does not match the event",
            );
        }
        if let Err(why) = protocol::validate_record(entry.kind, entry.record, &payload) {
            return reject(RejectionCode::InvalidRecord, &why);
        }
        // Originals must be here, verified and sent by this device before the record is
        // acknowledged (so no device learns whether another sent a file).
        if let Some(sha) = protocol::needed_blob(entry.kind, &payload) {
            match self.storage.upload(&device.device_id, &sha)? {
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
        if item.seq == 1 {
            self.storage.set_case_owner(&item.case, &device.device_id)?;
        }
        self.update_registry(&item.case, entry.kind, &payload, device)?;
        Ok(Verdict::Ack)
    }

    // ---- registry -------------------------------------------------------------------------

    fn subject(&self, iin: &str) -> String {
        hex::encode(hmac::sign(
            self.keys.lookup(),
            format!("iin:{iin}").as_bytes(),
        ))
    }

    fn registry_record(&self, subject: &str) -> Result<Option<(String, RegistryRecord)>> {
        match self.storage.registry_get(subject)? {
            Some(b) => {
                let v: (String, RegistryRecord) = serde_json::from_slice(&seal::open(
                    self.keys.records(),
                    &format!("registry/{subject}"),
                    &b,
                )?)
                .map_err(|e| StationError::Internal(e.to_string()))?;
                Ok(Some(v))
            }
            None => Ok(None),
        }
    }

    fn put_registry(&self, subject: &str, iin: &str, rec: &RegistryRecord) -> Result<()> {
        let body =
            serde_json::to_vec(&(iin, rec)).map_err(|e| StationError::Internal(e.to_string()))?;
        let version = self.storage.next("registry_version")?;
        self.storage.registry_put(
            subject,
            &seal::seal(self.keys.records(), &format!("registry/{subject}"), &body)?,
            version,
        )
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

    fn update_registry(
        &self,
        case: &str,
        kind: EventKind,
        payload: &[u8],
        device: &DeviceRow,
    ) -> Result<()> {
        let empty = |name: &str| RegistryRecord {
            display_name: name.to_string(),
            birth_date: None,
            active_orders: vec![],
            past_violations: 0,
            earlier_cases: 0,
        };
        match kind {
            EventKind::PersonAdded => {
                let p: Person = serde_json::from_slice(payload)
                    .map_err(|e| StationError::Internal(e.to_string()))?;
                if let (PersonRole::AllegedAggressor, Some(iin)) = (p.role, &p.iin) {
                    let s = self.subject(iin.as_str());
                    let mut rec = self
                        .registry_record(&s)?
                        .map(|(_, r)| r)
                        .unwrap_or_else(|| empty(&p.full_name));
                    if rec.earlier_cases > 0 || rec.past_violations > 0 {
                        // A prior DV record when this case arrived: a repeat offence (for the figures).
                        self.storage
                            .registry_put(&format!("repeat:{case}"), b"prior record", 0)?;
                    }
                    rec.earlier_cases += 1;
                    rec.birth_date = p.date_of_birth;
                    self.put_registry(&s, iin.as_str(), &rec)?;
                }
            }
            EventKind::OrderIssued => {
                let o: ProtectionOrder = serde_json::from_slice(payload)
                    .map_err(|e| StationError::Internal(e.to_string()))?;
                let Some(person) = self.person(case, o.restricted_person)? else {
                    return Ok(());
                };
                let Some(iin) = person.iin else { return Ok(()) };
                let s = self.subject(iin.as_str());
                let mut rec = self
                    .registry_record(&s)?
                    .map(|(_, r)| r)
                    .unwrap_or_else(|| empty(&person.full_name));
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
                let ev: OrderEvent = serde_json::from_slice(payload)
                    .map_err(|e| StationError::Internal(e.to_string()))?;
                let Some((subject, number)) = self.order_index(&ev.order_id.to_string())? else {
                    return Ok(());
                };
                let Some((iin, mut rec)) = self.registry_record(&subject)? else {
                    return Ok(());
                };
                match ev.event {
                    OrderEventKind::Extended {
                        new_valid_until, ..
                    } => rec
                        .active_orders
                        .iter_mut()
                        .filter(|o| o.number == number)
                        .for_each(|o| o.valid_until = new_valid_until),
                    OrderEventKind::Revoked { .. } => {
                        rec.active_orders.retain(|o| o.number != number)
                    }
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
        self.storage.registry_put(
            &format!("order:{order_id}"),
            format!("{subject}\n{number}").as_bytes(),
            0,
        )
    }

    fn order_index(&self, order_id: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .storage
            .registry_get(&format!("order:{order_id}"))?
            .and_then(|b| {
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
                lines.push(RegistryLine::Instrument {
                    envelope: String::from_utf8(body)
                        .map_err(|e| StationError::Internal(e.to_string()))?,
                });
                continue;
            }
            if let Some((iin, rec)) = self.registry_record(&subject)? {
                lines.push(RegistryLine::Put {
                    subject: Subject::Iin { iin },
                    record: rec,
                });
            }
        }
        for d in self.storage.devices()? {
            if since == 0 || d.version as u64 > since {
                lines.push(RegistryLine::Device {
                    device_id: d.device_id,
                    public_key: hex::encode(&d.public_key),
                    revoked: d.revoked_at.is_some(),
                });
            }
        }
        let header = RegistryHeader {
            format: qorgau_core::registry::FORMAT.into(),
            kind: if since == 0 {
                RegistryKind::Snapshot
            } else {
                RegistryKind::Delta
            },
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
        self.storage.registry_put(
            &format!("instrument:{}:{}", inst.id, inst.version),
            envelope.as_bytes(),
            version,
        )?;
        Ok(inst)
    }

    /// The registry version now.
    pub fn registry_version(&self) -> Result<u64> {
        Ok(self.storage.counter("registry_version")? as u64)
    }

    /// The figures the department publishes, for entries the devices made in [from, to).
    pub fn figures(&self, from: &str, to: &str) -> Result<Figures> {
        let mut f = Figures {
            from: from.into(),
            to: to.into(),
            ..Default::default()
        };
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
}

enum Verdict {
    Ack,
    Reject(RejectionCode, String),
    NeedsBlob(String),
    Gap,
}
