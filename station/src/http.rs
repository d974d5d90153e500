//! The HTTP layer (axum): enrolment, signed sync requests, tus 1.0 uploads (core, creation,
//! checksum with sha256, termination, expiration), the registry. Handlers hand the work to the
//! blocking domain code; every client mistake is a 4xx, never a crash.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use futures_lite::StreamExt;
use qorgau_core::crypto::hash::{Hasher, Sha256};
use qorgau_core::crypto::stream::StreamSealer;
use qorgau_core::sync::protocol::{EnrolRequest, PushRequest};

use crate::error::{Result, StationError};
use crate::serve::Peer;
use crate::station::Station;
use crate::storage::DeviceRow;
pub use crate::uploads::MAX_UPLOAD;

/// Largest enrolment request (a few hundred bytes in practice).
const MAX_ENROL: usize = 8 * 1024;
/// Largest batch of entries with their records (read only after the signature checks out).
const MAX_JSON: usize = 32 * 1024 * 1024;
/// Longest pause between two pieces of a request body.
const BODY_IDLE: Duration = Duration::from_secs(30);

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    pub station: Arc<Station>,
    /// Uploads with a PATCH in progress: a second concurrent PATCH is refused (409).
    busy: Arc<Mutex<HashSet<(String, String)>>>,
}

/// Builds the router.
pub fn router(station: Arc<Station>) -> Router {
    let state = AppState {
        station,
        busy: Arc::new(Mutex::new(HashSet::new())),
    };
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/enrol", post(enrol))
        .route("/v1/entries", post(entries))
        .route("/v1/registry", get(registry))
        .route("/v1/uploads", post(tus_create).options(tus_options))
        .route(
            "/v1/uploads/{id}",
            axum::routing::head(tus_head)
                .patch(tus_patch)
                .delete(tus_delete)
                .options(tus_options),
        )
        .with_state(state)
}

fn header_map(h: &HeaderMap) -> HashMap<String, String> {
    h.iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_str().to_ascii_lowercase(),
                v.to_str().ok()?.to_string(),
            ))
        })
        .collect()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StationError::Internal(format!("task failed: {e}")))?
}

/// The signature over the headers, checked before anything else is done for the request.
async fn authenticate(
    st: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(DeviceRow, String)> {
    let station = st.station.clone();
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string());
    let (m, h) = (method.to_string(), header_map(headers));
    blocking(move || station.authenticate(&m, &path, &h)).await
}

/// Reads a body of at most `limit` bytes, each piece within [`BODY_IDLE`] of the last.
async fn read_body(body: Body, limit: usize) -> Result<Bytes> {
    if let Some(n) = http_body::Body::size_hint(&body).exact() {
        if n > limit as u64 {
            return Err(StationError::TooLarge(format!("more than {limit} bytes")));
        }
    }
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    loop {
        match tokio::time::timeout(BODY_IDLE, stream.next()).await {
            Err(_) => return Err(StationError::BadRequest("the request body stalled".into())),
            Ok(None) => return Ok(out.into()),
            Ok(Some(Err(_))) => {
                return Err(StationError::BadRequest("the request body was cut".into()))
            }
            Ok(Some(Ok(b))) => {
                if out.len() + b.len() > limit {
                    return Err(StationError::TooLarge(format!("more than {limit} bytes")));
                }
                out.extend_from_slice(&b);
            }
        }
    }
}

/// Reads an authenticated body and checks it against the digest the signature covers.
async fn signed_body(body: Body, limit: usize, digest: &str) -> Result<Bytes> {
    let b = read_body(body, limit).await?;
    if Sha256::of(&b).hex() != digest {
        return Err(StationError::BadRequest(
            "the body does not match its signed digest".into(),
        ));
    }
    Ok(b)
}

fn tus_headers(mut r: Response) -> Response {
    r.headers_mut()
        .insert("Tus-Resumable", HeaderValue::from_static("1.0.0"));
    r.headers_mut()
        .insert("Cache-Control", HeaderValue::from_static("no-store"));
    r
}

async fn enrol(
    State(st): State<AppState>,
    peer: Option<Extension<Peer>>,
    body: Body,
) -> Result<Response> {
    let body = read_body(body, MAX_ENROL).await?;
    let req: EnrolRequest = serde_json::from_slice(&body)
        .map_err(|_| StationError::BadRequest("malformed enrolment request".into()))?;
    let station = st.station.clone();
    let ip = peer
        .map(|Extension(Peer(a))| a.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let resp = blocking(move || station.enrol(&req, ip)).await?;
    Ok((StatusCode::OK, axum::Json(resp)).into_response())
}

async fn entries(
    State(st): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let (device, digest) = authenticate(&st, &method, &uri, &headers).await?;
    let body = signed_body(body, MAX_JSON, &digest).await?;
    let req: PushRequest = serde_json::from_slice(&body)
        .map_err(|_| StationError::BadRequest("malformed push request".into()))?;
    let station = st.station.clone();
    let resp = blocking(move || station.push(&device, &req)).await?;
    Ok((StatusCode::OK, axum::Json(resp)).into_response())
}

#[derive(serde::Deserialize)]
struct Since {
    since: Option<u64>,
}

async fn registry(
    State(st): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let (device, digest) = authenticate(&st, &method, &uri, &headers).await?;
    signed_body(body, 0, &digest).await?;
    let Query(q) = Query::<Since>::try_from_uri(&uri)
        .map_err(|_| StationError::BadRequest("since: a number".into()))?;
    let station = st.station.clone();
    let since = q.since.unwrap_or(0);
    let current = station.registry_version()?;
    if since >= current && since > 0 {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let path = uri.to_string();
    let file = blocking(move || {
        let f = station.registry_file(since)?;
        // Who downloaded the registry (names and IINs of people with orders) is on record.
        station.log(
            Some(&device.device_id),
            "GET",
            &path,
            200,
            Some(&format!("registry sent ({} bytes)", f.len())),
            true,
        );
        Ok(f)
    })
    .await?;
    Ok((
        StatusCode::OK,
        [("Content-Type", "application/x-ndjson")],
        file,
    )
        .into_response())
}

async fn tus_options() -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    h.insert("Tus-Version", HeaderValue::from_static("1.0.0"));
    h.insert(
        "Tus-Extension",
        HeaderValue::from_static("creation,checksum,termination,expiration"),
    );
    h.insert("Tus-Checksum-Algorithm", HeaderValue::from_static("sha256"));
    h.insert(
        "Tus-Max-Size",
        HeaderValue::from_str(&MAX_UPLOAD.to_string()).unwrap_or(HeaderValue::from_static("0")),
    );
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
                    let v = it
                        .next()
                        .and_then(|v| B64.decode(v).ok())
                        .and_then(|v| String::from_utf8(v).ok())
                        .unwrap_or_default();
                    Some((k, v))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// tus creation: the upload's id is the SHA-256 the client declares in its metadata; the upload
/// belongs to the device that creates it.
async fn tus_create(
    State(st): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let (device, digest) = authenticate(&st, &method, &uri, &headers).await?;
    signed_body(body, 0, &digest).await?;
    let length: u64 = headers
        .get("upload-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            StationError::BadRequest(
                "Upload-Length required (deferred length is not supported)".into(),
            )
        })?;
    let sha = metadata(&headers)
        .remove("sha256")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if Sha256::from_hex(&sha).is_none() {
        return Err(StationError::BadRequest(
            "Upload-Metadata must carry sha256 (64 hex digits)".into(),
        ));
    }
    let station = st.station.clone();
    let row = blocking(move || station.create_upload(&device.device_id, &sha, length)).await?;
    let mut r = StatusCode::CREATED.into_response();
    r.headers_mut().insert(
        "Location",
        HeaderValue::from_str(&format!("/v1/uploads/{}", row.id))
            .map_err(|e| StationError::Internal(e.to_string()))?,
    );
    r.headers_mut()
        .insert("Upload-Offset", HeaderValue::from(row.offset));
    if let Ok(v) = HeaderValue::from_str(&row.expires_at) {
        r.headers_mut().insert("Upload-Expires", v);
    }
    Ok(tus_headers(r))
}

fn upload_id(id: &str) -> Result<String> {
    Sha256::from_hex(id)
        .map(|h| h.hex())
        .ok_or_else(|| StationError::NotFound("upload".into()))
}

async fn own_upload(st: &AppState, device: &str, id: &str) -> Result<crate::storage::UploadRow> {
    let (station, device, id) = (st.station.clone(), device.to_string(), id.to_string());
    blocking(move || station.own_upload(&device, &id)).await
}

async fn tus_head(
    State(st): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let (device, _) = authenticate(&st, &method, &uri, &headers).await?;
    let u = own_upload(&st, &device.device_id, &upload_id(&id)?).await?;
    let mut r = StatusCode::OK.into_response();
    r.headers_mut()
        .insert("Upload-Offset", HeaderValue::from(u.offset));
    r.headers_mut()
        .insert("Upload-Length", HeaderValue::from(u.length));
    Ok(tus_headers(r))
}

async fn tus_delete(
    State(st): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let (device, _) = authenticate(&st, &method, &uri, &headers).await?;
    let id = upload_id(&id)?;
    let station = st.station.clone();
    blocking(move || station.delete_upload(&device.device_id, &id)).await?;
    Ok(tus_headers(StatusCode::NO_CONTENT.into_response()))
}

struct Busy(Arc<Mutex<HashSet<(String, String)>>>, (String, String));
impl Drop for Busy {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.1);
    }
}

/// tus PATCH: the signature over the headers (with the body's digest and the Upload-Checksum)
/// is checked first; then the body is streamed into a sealed temporary segment while it is
/// hashed, and kept only if it matches the signed digest. When the last byte arrives, the whole
/// file's SHA-256 must be the declared one.
async fn tus_patch(
    State(st): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response> {
    let (device, digest) = authenticate(&st, &method, &uri, &headers).await?;
    let id = upload_id(&id)?;
    if headers.get("content-type").and_then(|v| v.to_str().ok())
        != Some("application/offset+octet-stream")
    {
        return Err(StationError::BadRequest(
            "Content-Type must be application/offset+octet-stream".into(),
        ));
    }
    let offset: u64 = headers
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| StationError::BadRequest("Upload-Offset required".into()))?;
    let checksum =
        match headers.get("upload-checksum").and_then(|v| v.to_str().ok()) {
            Some(v) => {
                let (alg, val) = v.split_once(' ').ok_or_else(|| {
                    StationError::BadRequest("Upload-Checksum: <algorithm> <base64>".into())
                })?;
                if alg != "sha256" {
                    return Err(StationError::BadRequest(
                        "only sha256 checksums are supported".into(),
                    ));
                }
                Some(B64.decode(val).map_err(|_| {
                    StationError::BadRequest("Upload-Checksum is not base64".into())
                })?)
            }
            None => None,
        };
    let key = (device.device_id.clone(), id.clone());
    {
        let mut busy = st.busy.lock().unwrap_or_else(|p| p.into_inner());
        if !busy.insert(key.clone()) {
            return Err(StationError::Conflict(
                "another PATCH of this upload is in progress".into(),
            ));
        }
    }
    let _guard = Busy(st.busy.clone(), key);
    let u = own_upload(&st, &device.device_id, &id).await?;
    if u.completed {
        // Already whole and verified (sent before): nothing to add.
        let mut r = StatusCode::NO_CONTENT.into_response();
        r.headers_mut()
            .insert("Upload-Offset", HeaderValue::from(u.offset));
        return Ok(tus_headers(r));
    }
    if u.offset != offset {
        return Err(StationError::Conflict(format!(
            "Upload-Offset {offset} does not match the station's {}",
            u.offset
        )));
    }
    // Stream the body to a sealed temporary segment on a blocking thread, with bounded memory.
    let part = st
        .station
        .upload_dir(&device.device_id, &id)
        .join(format!("seg-{offset:020}.part"));
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
                return Err(StationError::BadRequest(
                    "more bytes than the upload's length".into(),
                ));
            }
            sealer.write(&chunk)?;
        }
        let (w, _) = sealer.finish()?;
        w.into_inner()
            .map_err(|e| StationError::Io(e.into_error()))?
            .sync_all()?;
        let n = h.len();
        Ok((h.finish(), n))
    });
    let mut stream = body.into_data_stream();
    let mut cut = false;
    loop {
        match tokio::time::timeout(BODY_IDLE, stream.next()).await {
            Ok(Some(Ok(b))) => {
                if tx.send(b).is_err() {
                    break;
                }
            }
            Ok(None) => break,
            // Cut or stalled: the checksum and signature cover the whole PATCH, so the segment
            // is discarded and the client resumes from the confirmed offset.
            Ok(Some(Err(_))) | Err(_) => {
                cut = true;
                break;
            }
        }
    }
    drop(tx);
    let written = writer
        .await
        .map_err(|e| StationError::Internal(e.to_string()))?;
    let discard = |e: StationError| {
        let _ = std::fs::remove_file(&part);
        Err(e)
    };
    let (sha, n) = match written {
        Ok(v) => v,
        Err(e) => return discard(e),
    };
    if cut {
        return discard(StationError::BadRequest(
            "connection cut during the PATCH; resume from Upload-Offset".into(),
        ));
    }
    if sha.hex() != digest {
        return discard(StationError::BadRequest(
            "the PATCH body does not match its signed digest".into(),
        ));
    }
    if let Some(c) = checksum {
        if c != sha.0 {
            return discard(StationError::ChecksumMismatch(
                "the PATCH body does not match Upload-Checksum".into(),
            ));
        }
    }
    let station = st.station.clone();
    let new_offset = blocking(move || station.commit_segment(u, offset, &part, n, &sha)).await?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .insert("Upload-Offset", HeaderValue::from(new_offset));
    Ok(tus_headers(r))
}
