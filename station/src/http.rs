//! The HTTP layer (axum): enrolment, signed sync requests, tus 1.0 uploads (core, creation,
//! checksum with sha256, termination, expiration), the registry. Handlers hand the work to the
//! blocking domain code; every client mistake is a 4xx, never a crash.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{Duration, Utc};
use qorgau_core::crypto::hash::{Hasher, Sha256};
use qorgau_core::crypto::stream::{self, StreamSealer};
use qorgau_core::sync::protocol::{EnrolRequest, PushRequest};

use crate::error::{Result, StationError};
use crate::station::{Station, UPLOAD_EXPIRES_HOURS};
use crate::storage::{DeviceRow, UploadRow};

/// Largest JSON request body (a batch of entries with their records).
const MAX_JSON: usize = 64 * 1024 * 1024;
/// Largest upload the station accepts.
pub const MAX_UPLOAD: u64 = 16 * 1024 * 1024 * 1024;

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    pub station: Arc<Station>,
    /// Uploads with a PATCH in progress: a second concurrent PATCH is refused (409).
    busy: Arc<Mutex<HashSet<String>>>,
}

/// TLS (rustls, ring provider) from PEM files.
pub async fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> Result<axum_server::tls_rustls::RustlsConfig> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await.map_err(|e| StationError::BadRequest(format!("TLS certificate or key: {e}")))
}

/// Builds the router.
pub fn router(station: Arc<Station>) -> Router {
    let state = AppState { station, busy: Arc::new(Mutex::new(HashSet::new())) };
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/enrol", post(enrol))
        .route("/v1/entries", post(entries))
        .route("/v1/registry", get(registry))
        .route("/v1/uploads", post(tus_create).options(tus_options))
        .route("/v1/uploads/{id}", axum::routing::head(tus_head).patch(tus_patch).delete(tus_delete).options(tus_options))
        .layer(DefaultBodyLimit::max(MAX_JSON))
        .with_state(state)
}

fn header_map(h: &HeaderMap) -> HashMap<String, String> {
    h.iter().filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_string()))).collect()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StationError::Internal(format!("task failed: {e}")))?
}

async fn authenticate(st: &AppState, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<DeviceRow> {
    let station = st.station.clone();
    let (m, p, h, sha) = (method.to_string(), uri.path().to_string(), header_map(headers), Sha256::of(body).hex());
    blocking(move || station.authenticate(&m, &p, &h, &sha)).await
}

fn tus_headers(mut r: Response) -> Response {
    r.headers_mut().insert("Tus-Resumable", HeaderValue::from_static("1.0.0"));
    r.headers_mut().insert("Cache-Control", HeaderValue::from_static("no-store"));
    r
}

async fn enrol(State(st): State<AppState>, body: Bytes) -> Result<Response> {
    let req: EnrolRequest = serde_json::from_slice(&body).map_err(|e| StationError::BadRequest(format!("enrolment request: {e}")))?;
    let station = st.station.clone();
    let resp = blocking(move || station.enrol(&req)).await?;
    Ok((StatusCode::OK, axum::Json(resp)).into_response())
}

async fn entries(State(st): State<AppState>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Result<Response> {
    let device = authenticate(&st, &method, &uri, &headers, &body).await?;
    let req: PushRequest = serde_json::from_slice(&body).map_err(|e| StationError::BadRequest(format!("push request: {e}")))?;
    let station = st.station.clone();
    let resp = blocking(move || station.push(&device, &req)).await?;
    Ok((StatusCode::OK, axum::Json(resp)).into_response())
}

#[derive(serde::Deserialize)]
struct Since {
    since: Option<u64>,
}

async fn registry(State(st): State<AppState>, method: Method, uri: Uri, headers: HeaderMap, Query(q): Query<Since>) -> Result<Response> {
    authenticate(&st, &method, &uri, &headers, b"").await?;
    let station = st.station.clone();
    let since = q.since.unwrap_or(0);
    let current = station.registry_version()?;
    if since >= current && since > 0 {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let file = blocking(move || station.registry_file(since)).await?;
    Ok((StatusCode::OK, [("Content-Type", "application/x-ndjson")], file).into_response())
}

async fn tus_options() -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    h.insert("Tus-Version", HeaderValue::from_static("1.0.0"));
    h.insert("Tus-Extension", HeaderValue::from_static("creation,checksum,termination,expiration"));
    h.insert("Tus-Checksum-Algorithm", HeaderValue::from_static("sha256"));
    h.insert("Tus-Max-Size", HeaderValue::from_str(&MAX_UPLOAD.to_string()).unwrap_or(HeaderValue::from_static("0")));
    tus_headers(r)
}

fn metadata(h: &HeaderMap) -> HashMap<String, String> {
    h.get("upload-metadata")
        .and_then(|v| v.to_str().ok())
        .map(|s| {
            s.split(',')
                .filter_map(|kv| {
                    let mut it = kv.trim().splitn(2, ' ');
                    let k = it.next()?.to_string();
                    let v = it.next().and_then(|v| B64.decode(v).ok()).and_then(|v| String::from_utf8(v).ok()).unwrap_or_default();
                    Some((k, v))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// tus creation: the upload's id is the SHA-256 the client declares in its metadata, so the
/// same file created twice (after a timeout, by two devices) is one upload.
async fn tus_create(State(st): State<AppState>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Result<Response> {
    let device = authenticate(&st, &method, &uri, &headers, &body).await?;
    let length: u64 = headers
        .get("upload-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| StationError::BadRequest("Upload-Length required (deferred length is not supported)".into()))?;
    if length > MAX_UPLOAD {
        return Err(StationError::TooLarge(format!("more than {MAX_UPLOAD} bytes")));
    }
    let sha = metadata(&headers).remove("sha256").unwrap_or_default().to_ascii_lowercase();
    if Sha256::from_hex(&sha).is_none() {
        return Err(StationError::BadRequest("Upload-Metadata must carry sha256 (64 hex digits)".into()));
    }
    let station = st.station.clone();
    let id = sha.clone();
    let row = blocking(move || {
        match station.storage().upload(&id)? {
            Some(u) if u.length != length => Err(StationError::Conflict("an upload of that content exists with another length".into())),
            Some(u) => Ok(u),
            None => {
                let now = Utc::now();
                let u = UploadRow {
                    id: id.clone(),
                    length,
                    offset: 0,
                    segments: 0,
                    created_at: now.to_rfc3339(),
                    expires_at: (now + Duration::hours(UPLOAD_EXPIRES_HOURS)).to_rfc3339(),
                    completed: false,
                };
                std::fs::create_dir_all(station.upload_dir(&id))?;
                station.storage().put_upload(&u, Some(&device.device_id))?;
                Ok(u)
            }
        }
    })
    .await?;
    let mut r = StatusCode::CREATED.into_response();
    r.headers_mut().insert("Location", HeaderValue::from_str(&format!("/v1/uploads/{}", row.id)).map_err(|e| StationError::Internal(e.to_string()))?);
    r.headers_mut().insert("Upload-Offset", HeaderValue::from(row.offset));
    if let Ok(v) = HeaderValue::from_str(&row.expires_at) {
        r.headers_mut().insert("Upload-Expires", v);
    }
    Ok(tus_headers(r))
}

fn upload_id(id: &str) -> Result<String> {
    Sha256::from_hex(id).map(|h| h.hex()).ok_or_else(|| StationError::NotFound("upload".into()))
}

async fn load_upload(st: &AppState, id: &str) -> Result<UploadRow> {
    let station = st.station.clone();
    let id = id.to_string();
    blocking(move || {
        let u = station.storage().upload(&id)?.ok_or_else(|| StationError::NotFound("upload".into()))?;
        let expired = chrono::DateTime::parse_from_rfc3339(&u.expires_at).map(|t| t.with_timezone(&Utc) < Utc::now()).unwrap_or(false);
        if expired && !u.completed {
            let _ = std::fs::remove_dir_all(station.upload_dir(&id));
            station.storage().delete_upload(&id)?;
            return Err(StationError::Gone("upload expired".into()));
        }
        Ok(u)
    })
    .await
}

async fn tus_head(State(st): State<AppState>, method: Method, uri: Uri, headers: HeaderMap, Path(id): Path<String>) -> Result<Response> {
    authenticate(&st, &method, &uri, &headers, b"").await?;
    let u = load_upload(&st, &upload_id(&id)?).await?;
    let mut r = StatusCode::OK.into_response();
    r.headers_mut().insert("Upload-Offset", HeaderValue::from(u.offset));
    r.headers_mut().insert("Upload-Length", HeaderValue::from(u.length));
    Ok(tus_headers(r))
}

async fn tus_delete(State(st): State<AppState>, method: Method, uri: Uri, headers: HeaderMap, Path(id): Path<String>) -> Result<Response> {
    authenticate(&st, &method, &uri, &headers, b"").await?;
    let id = upload_id(&id)?;
    let u = load_upload(&st, &id).await?;
    if u.completed {
        return Err(StationError::Conflict("a verified upload is evidence and is not deleted".into()));
    }
    let station = st.station.clone();
    blocking(move || {
        let _ = std::fs::remove_dir_all(station.upload_dir(&id));
        station.storage().delete_upload(&id)
    })
    .await?;
    Ok(tus_headers(StatusCode::NO_CONTENT.into_response()))
}

struct Busy(Arc<Mutex<HashSet<String>>>, String);
impl Drop for Busy {
    fn drop(&mut self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.1);
    }
}

/// tus PATCH: the body is streamed into a sealed segment file while it is hashed; the request
/// signature (over the body digest) and the Upload-Checksum are checked before the segment is
/// kept. When the last byte arrives, the whole file's SHA-256 must be the declared one.
async fn tus_patch(State(st): State<AppState>, method: Method, uri: Uri, headers: HeaderMap, Path(id): Path<String>, body: Body) -> Result<Response> {
    let id = upload_id(&id)?;
    if headers.get("content-type").and_then(|v| v.to_str().ok()) != Some("application/offset+octet-stream") {
        return Err(StationError::BadRequest("Content-Type must be application/offset+octet-stream".into()));
    }
    let offset: u64 = headers
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| StationError::BadRequest("Upload-Offset required".into()))?;
    let checksum = match headers.get("upload-checksum").and_then(|v| v.to_str().ok()) {
        Some(v) => {
            let (alg, val) = v.split_once(' ').ok_or_else(|| StationError::BadRequest("Upload-Checksum: <algorithm> <base64>".into()))?;
            if alg != "sha256" {
                return Err(StationError::BadRequest("only sha256 checksums are supported".into()));
            }
            Some(B64.decode(val).map_err(|_| StationError::BadRequest("Upload-Checksum is not base64".into()))?)
        }
        None => None,
    };
    {
        let mut busy = st.busy.lock().unwrap_or_else(|p| p.into_inner());
        if !busy.insert(id.clone()) {
            return Err(StationError::Conflict("another PATCH of this upload is in progress".into()));
        }
    }
    let _guard = Busy(st.busy.clone(), id.clone());
    let u = load_upload(&st, &id).await?;
    if u.completed {
        // Already whole and verified (sent before, or by another device): nothing to add.
        let mut r = StatusCode::NO_CONTENT.into_response();
        r.headers_mut().insert("Upload-Offset", HeaderValue::from(u.offset));
        return Ok(tus_headers(r));
    }
    if u.offset != offset {
        return Err(StationError::Conflict(format!("Upload-Offset {offset} does not match the station's {}", u.offset)));
    }
    // Stream the body to a sealed temporary segment on a blocking thread, with bounded memory.
    let part = st.station.upload_dir(&id).join(format!("seg-{offset:020}.part"));
    let (tx, rx) = std::sync::mpsc::sync_channel::<Bytes>(8);
    let keys_station = st.station.clone();
    let part2 = part.clone();
    let max = u.length - u.offset;
    let writer = tokio::task::spawn_blocking(move || -> Result<(Sha256, u64)> {
        let f = std::fs::File::create(&part2)?;
        let mut sealer = StreamSealer::new(keys_station.keys(), std::io::BufWriter::new(f))?;
        let mut h = Hasher::new();
        while let Ok(chunk) = rx.recv() {
            h.update(&chunk);
            if h.len() > max {
                return Err(StationError::BadRequest("more bytes than the upload's length".into()));
            }
            sealer.write(&chunk)?;
        }
        let (w, _) = sealer.finish()?;
        w.into_inner().map_err(|e| StationError::Io(e.into_error()))?.sync_all()?;
        let n = h.len();
        Ok((h.finish(), n))
    });
    let mut stream = body.into_data_stream();
    use futures_lite::StreamExt;
    let mut cut = false;
    while let Some(frame) = stream.next().await {
        match frame {
            Ok(b) => {
                if tx.send(b).is_err() {
                    break;
                }
            }
            Err(_) => {
                // The connection was cut: keep what arrived? tus allows it, but the checksum and
                // signature cover the whole PATCH, so the segment is discarded and the client
                // resumes from the confirmed offset.
                cut = true;
                break;
            }
        }
    }
    drop(tx);
    let written = writer.await.map_err(|e| StationError::Internal(e.to_string()))?;
    let discard = |e: StationError| {
        let _ = std::fs::remove_file(&part);
        Err(e)
    };
    let (sha, n) = match written {
        Ok(v) => v,
        Err(e) => return discard(e),
    };
    if cut {
        return discard(StationError::BadRequest("connection cut during the PATCH; resume from Upload-Offset".into()));
    }
    // The signature covers the body digest: checked now that the digest is known.
    let station = st.station.clone();
    let (m, p, h, digest) = (method.to_string(), uri.path().to_string(), header_map(&headers), sha.hex());
    if let Err(e) = blocking(move || station.authenticate(&m, &p, &h, &digest)).await {
        return discard(e);
    }
    if let Some(c) = checksum {
        if c != sha.0 {
            return discard(StationError::ChecksumMismatch("the PATCH body does not match Upload-Checksum".into()));
        }
    }
    let station = st.station.clone();
    let new_offset = blocking(move || {
        let seg = station.upload_dir(&u.id).join(format!("seg-{offset:020}"));
        std::fs::rename(&part, &seg)?;
        let mut u = u;
        u.offset += n;
        u.segments += 1;
        if u.offset == u.length && offset == 0 {
            // One PATCH carried the whole file: its digest is the whole file's (one write).
            let offset = u.offset;
            if !station.complete_upload(u, &sha.hex())? {
                return Err(StationError::ChecksumMismatch("the upload does not match its declared SHA-256; start again".into()));
            }
            return Ok(offset);
        }
        station.storage().put_upload(&u, None)?;
        if u.offset == u.length {
            // Re-hash the whole upload from its sealed segments.
            let mut segs: Vec<_> = std::fs::read_dir(station.upload_dir(&u.id))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("seg-") && !n.ends_with(".part")))
                .collect();
            segs.sort();
            let mut h = Hasher::new();
            for s in segs {
                let f = std::fs::File::open(&s)?;
                stream::open_stream(station.keys(), std::io::BufReader::new(f), "upload segment", |p| {
                    h.update(p);
                    Ok(())
                })?;
            }
            let offset = u.offset;
            if !station.complete_upload(u, &h.finish().hex())? {
                return Err(StationError::ChecksumMismatch("the whole upload does not match its declared SHA-256; start again".into()));
            }
            return Ok(offset);
        }
        Ok(u.offset)
    })
    .await?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().insert("Upload-Offset", HeaderValue::from(new_offset));
    Ok(tus_headers(r))
}
