//! The sync client: enrolment, then pulling the registry and pushing the outbox, uploading
//! originals with tus 1.0 (resumable, a SHA-256 checksum on every PATCH, the upload URL and the
//! confirmed offset kept in the store so that a restart resumes), retrying with backoff, and
//! marking an entry acknowledged only when the station says it stored and verified it.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::Serialize;

use super::enrolment::{self, CodeKey, EnrolClaim, EnrolmentCard};
use super::protocol::{
    self, EnrolAnswer, EnrolRequest, EnrolResponse, PushItem, PushRequest, PushResponse, Rejected,
};
use super::tls::{self, EnrolmentVerifier};
use super::{SyncFailure, SyncProblem};
use crate::crypto::hash::Sha256;
use crate::crypto::signing::PublicKey;
use crate::error::{Error, Result};
use crate::store::{Progress, RegistryImport, Store};

/// Bytes per tus PATCH.
pub const PATCH_SIZE: usize = 8 * 1024 * 1024;
/// Entries per push.
const BATCH: u32 = 200;
/// Attempts of one request before the sync gives up for now (the outbox keeps everything).
const ATTEMPTS: u32 = 4;
/// Originals uploaded at the same time.
const UPLOADERS: usize = 2;

/// What one sync run did.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SyncReport {
    pub acked: u64,
    pub rejected: Vec<Rejected>,
    pub uploaded_bytes: u64,
    pub registry: Option<RegistryImport>,
    /// Why the registry could not be brought up to date, if it could not (the entries were
    /// pushed all the same).
    pub registry_error: Option<String>,
    pub pending_after: u64,
}

/// A client for one station.
pub struct SyncClient {
    base: String,
    agent: ureq::Agent,
    /// The station's own CA, when the client was made with one.
    ca_pem: Option<Vec<u8>>,
}

fn sync_err(what: &str, e: ureq::Error) -> Error {
    match e {
        ureq::Error::Status(status, r) => {
            let body = r.into_string().unwrap_or_default();
            // The station's code decides; its words only go into the detail. An answer with
            // no code (a proxy's page, an older station) is judged by its status alone.
            let parsed = serde_json::from_str::<protocol::ErrorBody>(&body).ok();
            let words = parsed.as_ref().map(|b| b.error.clone()).unwrap_or(body);
            let failure = match (parsed.map(|b| b.code), status) {
                (Some(code), s) if s < 500 => SyncFailure::Refused { code, status },
                (None, 409 | 423) => SyncFailure::Refused {
                    code: protocol::ErrorCode::Busy,
                    status,
                },
                (None, s) if s < 500 => SyncFailure::Refused {
                    code: protocol::ErrorCode::Unknown,
                    status,
                },
                (_, s) => SyncFailure::StationFailed { status: s },
            };
            Error::sync(
                failure,
                format!(
                    "{what}: station answered {status}: {}",
                    words.chars().take(300).collect::<String>()
                ),
            )
        }
        ureq::Error::Transport(t)
            if std::error::Error::source(&t)
                .is_some_and(|s| s.to_string().to_lowercase().contains("certificate")) =>
        {
            // Not a network fault: retrying will not help, and the officer needs the right CA.
            Error::sync(
                SyncFailure::UntrustedCertificate,
                format!("{what}: the station's TLS certificate is not trusted (enrol with the station's own CA certificate)"),
            )
        }
        ureq::Error::Transport(t) => Error::sync(
            SyncFailure::Unreachable,
            format!(
                "{what}: cannot reach the station ({}{}{})",
                t.kind(),
                t.message().map(|m| format!(": {m}")).unwrap_or_default(),
                std::error::Error::source(&t)
                    .map(|s| format!(": {s}"))
                    .unwrap_or_default()
            ),
        ),
    }
}

fn is_transient(e: &Error) -> bool {
    matches!(e, Error::Sync { failure, .. } if failure.is_transient())
}

fn malformed(detail: impl Into<String>) -> Error {
    Error::sync(SyncFailure::MalformedAnswer, detail)
}

fn agent_with(tls: Option<rustls::ClientConfig>) -> ureq::Agent {
    let b = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(10))
        .timeout_read(Duration::from_secs(120));
    match tls {
        Some(c) => b.tls_config(Arc::new(c)).build(),
        None => b.build(),
    }
}

impl SyncClient {
    /// A client for the station at `base_url`: `https://…`, or `http://` to this machine only
    /// (tests, the demo); plain http to any other host is refused. Over https the station's
    /// certificate must chain to the system's web roots; a phone uses
    /// [`SyncClient::for_store`] (the station's own root, pinned at enrolment) instead.
    pub fn new(base_url: &str) -> Result<SyncClient> {
        enrolment::check_station_url(base_url)?;
        Ok(SyncClient {
            base: base_url.trim_end_matches('/').to_string(),
            agent: agent_with(None),
            ca_pem: None,
        })
    }

    /// The client for the station this device is enrolled with (its own CA if it gave one).
    pub fn for_store(store: &Store) -> Result<SyncClient> {
        let url = store.station()?.ok_or_else(|| {
            Error::sync(
                SyncFailure::NotEnrolled,
                "not enrolled: enrol the device with a station first",
            )
        })?;
        match store.station_ca()? {
            Some(pem) => Self::with_station_certificate(&url, &pem),
            None => Self::new(&url),
        }
    }

    /// A client that trusts only the given PEM certificate(s) (the station's own CA, handed to
    /// the phone with its enrolment) for https.
    pub fn with_station_certificate(base_url: &str, ca_pem: &[u8]) -> Result<SyncClient> {
        enrolment::check_station_url(base_url)?;
        let config = tls::config_with_roots(ca_pem)?;
        Ok(SyncClient {
            base: base_url.trim_end_matches('/').to_string(),
            agent: agent_with(Some(config)),
            ca_pem: Some(ca_pem.to_vec()),
        })
    }

    /// Enrols this device with a one-time code typed by hand. Over https the station's
    /// certificate is accepted for this one exchange and checked afterwards against the TLS root
    /// named in the station's answer, which is authenticated by the code (unless this client
    /// was made with the station's CA, which then stands). See [`SyncClient::enrol_with_card`].
    pub fn enrol(&self, store: &Store, code: &str) -> Result<EnrolAnswer> {
        let card = EnrolmentCard {
            station_url: self.base.clone(),
            code: enrolment::normalise_code(code),
            ca_fingerprint: None,
            station_key_fingerprint: None,
        };
        enrol(
            store,
            &card,
            self.ca_pem
                .as_ref()
                .map(|pem| (self.agent.clone(), pem.clone())),
        )
    }

    /// Enrols this device from the duty officer's card (scanned QR code): the phone trusts only
    /// the TLS root and the station key whose fingerprints the card names, and the station's
    /// answer must be authenticated by the card's code. Nothing is stored unless all of it holds.
    pub fn enrol_with_card(store: &Store, card: &EnrolmentCard) -> Result<EnrolAnswer> {
        enrol(store, card, None)
    }

    fn signed(
        &self,
        store: &Store,
        method: &str,
        path: &str,
        body: &[u8],
        upload_offset: Option<u64>,
        checksum: Option<&str>,
    ) -> Result<ureq::Request> {
        self.signed_digest(
            store,
            method,
            path,
            &Sha256::of(body),
            upload_offset,
            checksum,
        )
    }

    /// Like `signed`, with the body's SHA-256 already computed (a PATCH's checksum is the same
    /// digest: the bytes are hashed once). The path includes the query string, which is signed.
    /// A failing random source or key store fails the request: nothing is sent unsigned.
    fn signed_digest(
        &self,
        store: &Store,
        method: &str,
        path: &str,
        body_sha: &Sha256,
        upload_offset: Option<u64>,
        checksum: Option<&str>,
    ) -> Result<ureq::Request> {
        let ts = chrono::Utc::now().timestamp();
        let nonce = hex::encode(crate::crypto::random_bytes::<16>()?);
        let offset = upload_offset.map(|o| o.to_string()).unwrap_or_default();
        let text = protocol::signing_text(
            method,
            path,
            &body_sha.hex(),
            &offset,
            checksum.unwrap_or(""),
            ts,
            &nonce,
        );
        let sig = store.sign_request(&text)?;
        let mut r = self
            .agent
            .request(method, &format!("{}{path}", self.base))
            .set(protocol::H_DEVICE, &store.device().device_id.to_string())
            .set(protocol::H_TIMESTAMP, &ts.to_string())
            .set(protocol::H_NONCE, &nonce)
            .set(protocol::H_CONTENT, &body_sha.hex())
            .set(protocol::H_SIGNATURE, &B64.encode(sig))
            .set("Tus-Resumable", "1.0.0");
        if let Some(o) = upload_offset {
            r = r.set("Upload-Offset", &o.to_string());
        }
        if let Some(c) = checksum {
            r = r.set("Upload-Checksum", c);
        }
        Ok(r)
    }

    /// Retries a request with backoff on transient failures (network, 5xx, a busy upload).
    fn retry<T>(&self, mut f: impl FnMut() -> Result<T>) -> Result<T> {
        let mut wait = Duration::from_millis(250);
        let mut attempt = 1;
        loop {
            match f() {
                Err(e) if attempt < ATTEMPTS && is_transient(&e) => {
                    std::thread::sleep(wait);
                    wait *= 2;
                    attempt += 1;
                }
                r => return r,
            }
        }
    }

    /// Pulls the registry delta since the one in force.
    pub fn pull_registry(&self, store: &Store) -> Result<Option<RegistryImport>> {
        let since = store.registry_sequence()?;
        let path = format!("/v1/registry?since={since}");
        let resp = self.retry(|| {
            self.signed(store, "GET", &path, b"", None, None)?
                .call()
                .map_err(|e| sync_err("registry", e))
        })?;
        if resp.status() == 204 {
            return Ok(None);
        }
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut resp.into_reader(), &mut body)
            .map_err(|e| Error::io("read registry", e))?;
        Ok(Some(store.import_registry(&body[..])?))
    }

    /// Uploads one blob with tus, resuming from the offset the station confirms.
    #[allow(clippy::too_many_arguments)] // the upload's identity plus the shared progress counters
    fn upload(
        &self,
        store: &Store,
        blob_name: &str,
        sha256: &str,
        size: u64,
        progress: &dyn Progress,
        done: &AtomicU64,
        total: u64,
    ) -> Result<u64> {
        let saved = store.saved_upload(blob_name)?;
        let mut offset = None;
        let mut url = String::new();
        if let Some((u, _)) = saved {
            // The station's offset is the truth (it may have kept less or more than we saw).
            match self.signed(store, "HEAD", &u, b"", None, None)?.call() {
                Ok(r) => {
                    offset = r.header("Upload-Offset").and_then(|v| v.parse().ok());
                    url = u;
                }
                Err(ureq::Error::Status(404 | 410, _)) => {}
                Err(e) => return Err(sync_err("upload status", e)),
            }
        }
        if offset.is_none() {
            let meta = format!(
                "sha256 {},filename {}",
                B64.encode(sha256),
                B64.encode(blob_name)
            );
            let r = self.retry(|| {
                self.signed(store, "POST", "/v1/uploads", b"", None, None)?
                    .set("Upload-Length", &size.to_string())
                    .set("Upload-Metadata", &meta)
                    .send_bytes(b"")
                    .map_err(|e| sync_err("upload creation", e))
            })?;
            url = r
                .header("Location")
                .ok_or_else(|| malformed("upload creation: no Location"))?
                .to_string();
            offset = Some(
                r.header("Upload-Offset")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            );
        }
        let mut offset = offset.unwrap_or(0);
        let remember = |o: u64| store.remember_upload(blob_name, &url, o, size);
        // A blob that fits one PATCH is not worth resuming: sending it again is cheap and the
        // station keys uploads by content, so only larger blobs keep their URL and offset.
        let resumable = size > PATCH_SIZE as u64;
        if resumable {
            remember(offset)?;
        }
        let mut sent = 0u64;
        if offset < size {
            // Decrypt the original piece by piece; send from the confirmed offset in PATCHes.
            let mut skip = offset;
            let whole = Sha256::from_hex(sha256);
            let mut buf: Vec<u8> = Vec::with_capacity(PATCH_SIZE);
            let mut flush = |buf: &mut Vec<u8>, offset: &mut u64| -> Result<()> {
                if progress.is_cancelled() {
                    return Err(Error::Cancelled);
                }
                // A PATCH that is the whole original has the original's SHA-256, known since
                // capture: no second pass over it here (the station checks the bytes anyway).
                let digest = match &whole {
                    Some(h) if *offset == 0 && buf.len() as u64 == size => *h,
                    _ => Sha256::of(buf),
                };
                let checksum = format!("sha256 {}", B64.encode(digest.0));
                let r = self.retry(|| {
                    self.signed_digest(
                        store,
                        "PATCH",
                        &url,
                        &digest,
                        Some(*offset),
                        Some(&checksum),
                    )?
                    .set("Content-Type", "application/offset+octet-stream")
                    .send_bytes(buf)
                    .map_err(|e| sync_err("upload", e))
                });
                let r = r?;
                let new: u64 = r
                    .header("Upload-Offset")
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| malformed("upload: no Upload-Offset"))?;
                sent += new - *offset;
                let now_done = done.fetch_add(new - *offset, Ordering::SeqCst) + (new - *offset);
                *offset = new;
                if resumable {
                    remember(new)?;
                }
                progress.on_progress(now_done, total);
                buf.clear();
                Ok(())
            };
            store.blobs().stream(store.keys(), blob_name, |piece| {
                let mut p = piece;
                if skip > 0 {
                    let s = (skip as usize).min(p.len());
                    p = &p[s..];
                    skip -= s as u64;
                }
                while !p.is_empty() {
                    let take = (PATCH_SIZE - buf.len()).min(p.len());
                    buf.extend_from_slice(&p[..take]);
                    p = &p[take..];
                    if buf.len() == PATCH_SIZE {
                        flush(&mut buf, &mut offset)?;
                    }
                }
                Ok(())
            })?;
            if !buf.is_empty() {
                flush(&mut buf, &mut offset)?;
            }
        }
        Ok(sent)
    }

    /// Sends one batch of entries and returns what the station did with each.
    pub fn push(&self, store: &Store, req: &PushRequest) -> Result<PushResponse> {
        let body = serde_json::to_vec(req)?;
        self.retry(|| {
            self.signed(store, "POST", "/v1/entries", &body, None, None)?
                .set("Content-Type", "application/json")
                .send_bytes(&body)
                .map_err(|e| sync_err("push", e))
        })?
        .into_json()
        .map_err(|e| malformed(format!("push: malformed answer ({e})")))
    }

    /// The push items for outbox entries (what `sync` sends).
    pub fn push_items(items: &[crate::store::OutboxItem]) -> Result<Vec<PushItem>> {
        items
            .iter()
            .map(|i| -> Result<PushItem> {
                let payload = match (&i.record, &i.entry.detail) {
                    (Some(r), _) => Some(B64.encode(r)),
                    (None, Some(d)) => Some(B64.encode(d.as_bytes())),
                    _ => None,
                };
                Ok(PushItem {
                    case: i.entry.entry.case.to_string(),
                    seq: i.entry.entry.seq,
                    entry: B64.encode(i.entry.entry.bytes()?),
                    signature: B64.encode(&i.entry.signature),
                    payload,
                    table: i.table.map(str::to_string),
                })
            })
            .collect()
    }

    /// One sync run: pull the registry, then push every waiting entry (uploading originals
    /// first), until the outbox is empty or the station refuses what is left.
    pub fn sync(&self, store: &Store, progress: &dyn Progress) -> Result<SyncReport> {
        let r = self.sync_inner(store, progress);
        if let Err(e) = &r {
            let _ = store.sync_failed(SyncFailure::of(e), &e.to_string());
        }
        r
    }

    fn sync_inner(&self, store: &Store, progress: &dyn Progress) -> Result<SyncReport> {
        // A registry that cannot be pulled (a station key changed, a bad file) is reported; the
        // evidence still goes out.
        let mut report = SyncReport::default();
        match self.pull_registry(store) {
            Ok(r) => report.registry = r,
            Err(e @ (Error::InvalidRegistry { .. } | Error::Integrity { .. })) => {
                report.registry_error = Some(e.to_string())
            }
            // The station refused or could not be reached: the push would fare no better.
            Err(e) => return Err(e),
        }
        let total = store.sync_status()?.pending_bytes;
        let done = AtomicU64::new(0);
        let mut refused: Vec<(String, u64)> = Vec::new();
        loop {
            let items: Vec<_> = store
                .outbox_pending(BATCH)?
                .into_iter()
                .filter(|i| {
                    !refused
                        .iter()
                        .any(|(c, _)| *c == i.entry.entry.case.to_string())
                })
                .collect();
            if items.is_empty() {
                break;
            }
            // Originals first, two at a time: while the station hashes and seals one, this
            // device reads and hashes the next (the two cores overlap instead of taking turns).
            let blobs: Vec<(String, String, u64)> = items
                .iter()
                .filter_map(|i| {
                    let (name, size) = i.blob.as_ref()?;
                    let sha = protocol::needed_blob(i.entry.entry.kind, i.record.as_ref()?)?;
                    Some((name.clone(), sha, *size))
                })
                .collect();
            let next = AtomicUsize::new(0);
            let uploaded = AtomicU64::new(0);
            let results: Vec<Result<()>> = std::thread::scope(|sc| {
                let workers: Vec<_> = (0..UPLOADERS)
                    .map(|_| {
                        sc.spawn(|| -> Result<()> {
                            loop {
                                let k = next.fetch_add(1, Ordering::SeqCst);
                                let Some((name, sha, size)) = blobs.get(k) else {
                                    return Ok(());
                                };
                                let n =
                                    self.upload(store, name, sha, *size, progress, &done, total)?;
                                uploaded.fetch_add(n, Ordering::SeqCst);
                            }
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| {
                        w.join().unwrap_or_else(|_| {
                            Err(Error::io(
                                "upload worker",
                                std::io::Error::other("panicked"),
                            ))
                        })
                    })
                    .collect()
            });
            report.uploaded_bytes += uploaded.load(Ordering::SeqCst);
            for r in results {
                r?;
            }
            let mut cases: Vec<uuid::Uuid> = items.iter().map(|i| i.entry.entry.case).collect();
            cases.sort();
            cases.dedup();
            let heads = cases
                .iter()
                .map(|c| store.case_head(*c))
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .collect();
            let req = PushRequest {
                items: Self::push_items(&items)?,
                heads,
            };
            let resp = self.push(store, &req)?;
            let mut by_case: std::collections::BTreeMap<String, Vec<u64>> = Default::default();
            for (c, s) in &resp.acked {
                by_case.entry(c.clone()).or_default().push(*s);
            }
            for (c, seqs) in &by_case {
                let id = uuid::Uuid::parse_str(c)
                    .map_err(|_| malformed("push: malformed case id in answer"))?;
                store.outbox_ack(id, seqs)?;
                report.acked += seqs.len() as u64;
            }
            for r in &resp.rejected {
                if let Ok(id) = uuid::Uuid::parse_str(&r.case) {
                    store.outbox_refused(
                        id,
                        r.seq,
                        &format!("refused by the station: {}", r.reason),
                    )?;
                }
                refused.push((r.case.clone(), r.seq));
                report.rejected.push(r.clone());
            }
            if resp.acked.is_empty() && resp.rejected.is_empty() {
                return Err(Error::sync(
                    SyncFailure::NoProgress,
                    format!(
                        "push: no progress ({} entries wait for originals)",
                        resp.missing_blobs.len()
                    ),
                ));
            }
        }
        report.pending_after = store.sync_status()?.pending_records;
        let problem = match (&report.registry_error, report.rejected.len()) {
            (_, n) if n > 0 => Some((
                SyncProblem::EntriesRefused { count: n as u64 },
                format!("{n} entries refused by the station"),
            )),
            (Some(e), _) => Some((
                SyncProblem::RegistryNotUpdated,
                format!("the registry was not updated: {e}"),
            )),
            _ => None,
        };
        store.sync_finished(problem.as_ref().map(|(p, w)| (*p, w.as_str())))?;
        Ok(report)
    }
}

fn refused(why: &str) -> Error {
    Error::sync(
        SyncFailure::EnrolmentNotAuthentic,
        format!("enrolment: {why}; nothing was stored"),
    )
}

/// Enrolment (see [`super::enrolment`]). `trusted` is an agent already limited to a CA the
/// officer supplied, with that CA.
fn enrol(
    store: &Store,
    card: &EnrolmentCard,
    trusted: Option<(ureq::Agent, Vec<u8>)>,
) -> Result<EnrolAnswer> {
    enrolment::check_station_url(&card.station_url)?;
    let base = card.station_url.trim_end_matches('/');
    let https = base
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    let verifier = match (&trusted, https) {
        (None, true) => Some(match &card.ca_fingerprint {
            Some(fp) => EnrolmentVerifier::pinned(fp),
            None => EnrolmentVerifier::recording(),
        }),
        _ => None,
    };
    let agent = match (&trusted, &verifier) {
        (Some((a, _)), _) => a.clone(),
        (None, Some(v)) => agent_with(Some(tls::config_with_verifier(v.clone())?)),
        (None, None) => agent_with(None),
    };
    let d = store.device();
    let key = CodeKey::derive(&card.code);
    let claim = EnrolClaim {
        code_id: key.code_id(),
        device_id: d.device_id.to_string(),
        public_key: d.public_key.hex(),
        label: d.profile.label.clone(),
        ts: chrono::Utc::now().timestamp(),
    };
    let req = EnrolRequest::new(claim, &key, |b| store.sign_enrolment(b))?;
    let resp: EnrolResponse = agent
        .post(&format!("{base}/v1/enrol"))
        .send_json(serde_json::to_value(&req)?)
        .map_err(|e| sync_err("enrolment", e))?
        .into_json()
        .map_err(|e| malformed(format!("enrolment: malformed answer ({e})")))?;
    let answer = resp
        .open(&key)
        .ok_or_else(|| {
            refused(
                "the answer is not bound to this code (changed on the way, or not this station)",
            )
        })?
        .clone();
    let station_key = PublicKey::from_hex(&answer.station_public_key)
        .ok_or_else(|| refused("malformed station key"))?;
    if let Some(fp) = &card.station_key_fingerprint {
        if enrolment::station_key_fingerprint(&station_key) != *fp {
            return Err(refused("the station key is not the one on the card"));
        }
    }
    let sig = B64
        .decode(&answer.certificate_signature)
        .map_err(|_| refused("malformed certificate"))?;
    if !station_key.verify(&crate::canonical::to_bytes(&answer.certificate)?, &sig)
        || answer.certificate.public_key != d.public_key.hex()
        || uuid::Uuid::parse_str(&answer.certificate.device_id).ok() != Some(d.device_id)
    {
        return Err(refused("the certificate does not verify"));
    }
    // The TLS root the phone trusts from now on.
    let ca_pem: Option<Vec<u8>> = match (trusted, verifier) {
        (Some((_, pem)), _) => Some(pem),
        (None, None) => None,
        (None, Some(v)) => {
            let (chain, name) = v
                .seen()
                .ok_or_else(|| refused("no TLS certificate was seen"))?;
            let root = match (&answer.ca_pem, v.pinned_root()) {
                (_, Some(pinned)) => tls::to_pem(&pinned).into_bytes(),
                (Some(pem), None) => pem.clone().into_bytes(),
                (None, None) => {
                    return Err(refused(
                        "the station names no TLS root; scan its enrolment card",
                    ))
                }
            };
            if !tls::chain_verifies(&chain, &name, &root) {
                return Err(refused(
                    "the station's TLS certificate is not from the root it names",
                ));
            }
            Some(root)
        }
    };
    store.record_enrolment(station_key, base, ca_pem.as_deref())?;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::ErrorCode;

    const CODES: &[ErrorCode] = &[
        ErrorCode::BadRequest,
        ErrorCode::TooLarge,
        ErrorCode::Unauthenticated,
        ErrorCode::StaleRequest,
        ErrorCode::Replayed,
        ErrorCode::DeviceRevoked,
        ErrorCode::CodeUnknown,
        ErrorCode::CodeUsed,
        ErrorCode::CodeExpired,
        ErrorCode::WeakKey,
        ErrorCode::EnrolmentRefused,
        ErrorCode::Throttled,
        ErrorCode::QuotaExceeded,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Gone,
        ErrorCode::Busy,
        ErrorCode::ChecksumMismatch,
    ];

    fn answer(status: u16, body: &str) -> Error {
        let r = ureq::Response::new(status, "x", body).unwrap();
        sync_err("push", ureq::Error::Status(status, r))
    }

    /// Words the old client matched on, and nonsense: none of them may change a decision.
    const WORDINGS: &[&str] = &[
        "cannot reach the station",
        "station answered 503",
        "answered 409",
        "device revoked",
        "certificate",
        "",
        "ǵʊ∂ø",
    ];

    #[test]
    fn decisions_follow_the_stations_code_whatever_its_words() {
        for &code in CODES {
            for status in [400u16, 401, 403, 404, 409, 410, 413, 429, 460] {
                for words in WORDINGS {
                    let body = serde_json::to_string(&protocol::ErrorBody {
                        error: words.to_string(),
                        code,
                    })
                    .unwrap();
                    let e = answer(status, &body);
                    let Error::Sync { failure, .. } = &e else {
                        panic!("{e:?}")
                    };
                    assert_eq!(*failure, SyncFailure::Refused { code, status }, "{body}");
                    assert_eq!(is_transient(&e), code.is_transient(), "{code:?} {words:?}");
                }
            }
        }
        // A code from a newer station is a refusal this build cannot name, never a crash.
        let e = answer(403, r#"{"error":"device revoked","code":"some_new_code"}"#);
        assert!(matches!(
            e,
            Error::Sync {
                failure: SyncFailure::Refused {
                    code: ErrorCode::Unknown,
                    status: 403
                },
                ..
            }
        ));
        assert!(!is_transient(&e));
    }

    #[test]
    fn answers_without_a_code_are_judged_by_status_alone() {
        for words in WORDINGS {
            let e = answer(502, words);
            assert!(matches!(
                e,
                Error::Sync {
                    failure: SyncFailure::StationFailed { status: 502 },
                    ..
                }
            ));
            assert!(is_transient(&e));
            let e = answer(409, words);
            assert!(matches!(
                e,
                Error::Sync {
                    failure: SyncFailure::Refused {
                        code: ErrorCode::Busy,
                        ..
                    },
                    ..
                }
            ));
            assert!(is_transient(&e), "a busy upload is retried");
            let e = answer(403, words);
            assert!(matches!(
                e,
                Error::Sync {
                    failure: SyncFailure::Refused {
                        code: ErrorCode::Unknown,
                        ..
                    },
                    ..
                }
            ));
            assert!(!is_transient(&e), "{words:?}");
        }
    }

    #[test]
    fn transient_kinds() {
        assert!(SyncFailure::Unreachable.is_transient());
        assert!(SyncFailure::StationFailed { status: 500 }.is_transient());
        for f in [
            SyncFailure::UntrustedCertificate,
            SyncFailure::NotEnrolled,
            SyncFailure::EnrolmentNotAuthentic,
            SyncFailure::MalformedAnswer,
            SyncFailure::NoProgress,
            SyncFailure::Cancelled,
            SyncFailure::Local,
            SyncFailure::Refused {
                code: ErrorCode::DeviceRevoked,
                status: 403,
            },
        ] {
            assert!(!f.is_transient(), "{f:?}");
        }
    }
}
