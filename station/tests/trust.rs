//! The station against the attackers of `shared/notes/threats.md`: someone on the station's
//! network (a proxy that reads and rewrites), anyone on the internet (unsigned traffic, held
//! bodies, idle sockets, guessed codes), and an enrolled but rogue phone (another device's
//! uploads and cases, records that do not parse). Each test is one finding of issue 9 and
//! failed on the station before it.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use common::{enrolled, server, Server, StationProc};
use qorgau_core::crypto::hash::Sha256;
use qorgau_core::crypto::signing::{generate_pkcs8, DeviceSigner};
use qorgau_core::model::CaptureInfo;
use qorgau_core::store::{EventKind, SignedEntry};
use qorgau_core::sync::client::SyncClient;
use qorgau_core::sync::enrolment::{
    CodeKey, EnrolClaim, EnrolRequest, EnrolResponse, EnrolmentCard,
};
use qorgau_core::sync::protocol::{
    self, ErrorCode, PushItem, PushRequest, PushResponse, RejectionCode,
};
use qorgau_core::{fixtures, NoProgress};

// ---- a rogue device that holds its own raw key ----------------------------------------------

/// An enrolled device whose key the test holds directly: it can sign whatever it likes.
/// The machine code of a station's error answer.
fn code_of(body: &str) -> ErrorCode {
    serde_json::from_str::<qorgau_core::sync::protocol::ErrorBody>(body)
        .unwrap_or_else(|e| panic!("not an error body ({e}): {body}"))
        .code
}

struct Rogue {
    id: uuid::Uuid,
    signer: DeviceSigner,
    url: String,
}

fn claim(id: uuid::Uuid, public_key: &str, code: &str) -> EnrolClaim {
    EnrolClaim {
        code_id: CodeKey::derive(code).code_id(),
        device_id: id.to_string(),
        public_key: public_key.to_string(),
        label: "rogue (synthetic)".into(),
        ts: chrono::Utc::now().timestamp(),
    }
}

fn post_enrol(url: &str, req: &EnrolRequest) -> Result<EnrolResponse, (u16, String)> {
    match ureq::post(&format!("{url}/v1/enrol")).send_json(serde_json::to_value(req).unwrap()) {
        Ok(r) => Ok(r.into_json().unwrap()),
        Err(ureq::Error::Status(c, r)) => Err((c, r.into_string().unwrap_or_default())),
        Err(e) => panic!("{e}"),
    }
}

impl Rogue {
    fn new(url: &str) -> Rogue {
        Rogue {
            id: uuid::Uuid::new_v4(),
            signer: DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap(),
            url: url.to_string(),
        }
    }

    fn enrol(&self, code: &str) -> Result<EnrolResponse, (u16, String)> {
        let req = EnrolRequest::new(
            claim(self.id, &self.signer.public_key().hex(), code),
            &CodeKey::derive(code),
            |b| Ok(self.signer.sign(b)),
        )
        .unwrap();
        post_enrol(&self.url, &req)
    }

    fn request(&self, method: &str, path: &str, body: &[u8], offset: Option<u64>) -> ureq::Request {
        signed_request(
            &self.url,
            &self.id.to_string(),
            |t| self.signer.sign(t),
            method,
            path,
            body,
            offset,
        )
    }

    /// An entry signed by this device, with its record.
    fn item(
        &self,
        case: uuid::Uuid,
        seq: u64,
        prev: &str,
        kind: EventKind,
        record: Option<uuid::Uuid>,
        payload: &[u8],
    ) -> PushItem {
        let e = SignedEntry {
            v: 1,
            case,
            seq,
            prev: prev.to_string(),
            kind,
            record,
            payload: Sha256::of(payload).hex(),
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            utc_offset_min: 300,
            actor: "ROGUE-1".into(),
            device: self.id,
        };
        let bytes = e.bytes().unwrap();
        PushItem {
            case: case.to_string(),
            seq,
            entry: B64.encode(&bytes),
            signature: B64.encode(self.signer.sign(&bytes)),
            payload: Some(B64.encode(payload)),
            table: kind.record_table().map(str::to_string),
        }
    }

    fn push(&self, items: Vec<PushItem>) -> Result<PushResponse, u16> {
        let body = serde_json::to_vec(&PushRequest {
            items,
            heads: vec![],
        })
        .unwrap();
        match self
            .request("POST", "/v1/entries", &body, None)
            .set("Content-Type", "application/json")
            .send_bytes(&body)
        {
            Ok(r) => Ok(r.into_json().unwrap()),
            Err(ureq::Error::Status(c, _)) => Err(c),
            Err(e) => panic!("{e}"),
        }
    }
}

fn status(r: Result<ureq::Response, ureq::Error>) -> (u16, String) {
    match r {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(c, r)) => (c, r.into_string().unwrap_or_default()),
        Err(e) => panic!("{e}"),
    }
}

// ---- 1. on-path attackers at enrolment --------------------------------------------------------

/// Reads one HTTP/1.1 request (headers and a Content-Length body) from a stream.
fn read_request(s: &mut impl Read) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut b = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut b).ok()? == 0 {
            return None;
        }
        buf.push(b[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let len = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    Some((head, body))
}

fn write_json(s: &mut impl Write, code: u16, body: &[u8]) {
    let _ = write!(s, "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    let _ = s.write_all(body);
    let _ = s.flush();
}

/// A proxy between phone and station that forwards the enrolment and, in the answer, puts its
/// own station key and a certificate it signed itself (finding 1 of issue 9).
fn key_swapping_proxy(upstream: String) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        let attacker = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
        for conn in l.incoming().flatten() {
            let mut c = conn;
            let Some((head, body)) = read_request(&mut c) else {
                continue;
            };
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let r = ureq::post(&format!("{upstream}{path}"))
                .set("Content-Type", "application/json")
                .send_bytes(&body);
            let (code, text) = status(r);
            let mut v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if let Some(a) = v.get_mut("answer") {
                a["station_public_key"] = attacker.public_key().hex().into();
                let cert: protocol::DeviceCertificate =
                    serde_json::from_value(a["certificate"].clone()).unwrap();
                a["certificate_signature"] = B64
                    .encode(attacker.sign(&qorgau_core::canonical::to_bytes(&cert).unwrap()))
                    .into();
            }
            write_json(&mut c, code, v.to_string().as_bytes());
        }
    });
    url
}

#[test]
fn a_proxy_that_swaps_the_station_key_in_the_enrolment_answer_is_refused_and_nothing_is_stored() {
    let s = server();
    let proxy = key_swapping_proxy(s.url());
    let d = common::device("KZ-DEMO-0417");
    let code = s
        .station
        .create_enrolment_code("KZ-DEMO-0417", "DV team (synthetic)")
        .unwrap();
    let e = SyncClient::new(&proxy)
        .unwrap()
        .enrol(&d.store, &code)
        .unwrap_err();
    assert!(e.to_string().contains("not bound to this code"), "{e}");
    assert_eq!(
        (d.store.station().unwrap(), d.store.station_ca().unwrap()),
        (None, None),
        "nothing stored"
    );
    // The code itself never crossed the proxy: the request carries only an id derived from it.
    // The same phone then enrols directly with the same code (the station answers it again).
    SyncClient::new(&s.url())
        .unwrap()
        .enrol(&d.store, &code)
        .unwrap();
    assert_eq!(d.store.station().unwrap(), Some(s.url()));

    // A card whose station key is not the station's: refused, nothing stored.
    let d2 = common::device("KZ-DEMO-0418");
    let mut card = s.station.enrolment_card(
        &s.station
            .create_enrolment_code("KZ-DEMO-0418", "t")
            .unwrap(),
        &s.url(),
    );
    card.station_key_fingerprint = Some("ab".repeat(32));
    let e = SyncClient::enrol_with_card(&d2.store, &card).unwrap_err();
    assert!(e.to_string().contains("not the one on the card"), "{e}");
    assert_eq!(d2.store.station().unwrap(), None);
}

/// A relay on the network that terminates TLS with its own certificate (another station's
/// root, a perfectly valid chain of its own) and forwards each request to the real station.
fn tls_relay(upstream: String, attacker_data: &std::path::Path) -> String {
    let attacker = qorgau_station::tls::own(attacker_data, &[]).unwrap();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", l.local_addr().unwrap());
    let client = ureq::AgentBuilder::new()
        .tls_config(Arc::new(
            qorgau_core::sync::tls::config_with_verifier(
                qorgau_core::sync::tls::EnrolmentVerifier::recording(),
            )
            .unwrap(),
        ))
        .build();
    std::thread::spawn(move || {
        for conn in l.incoming().flatten() {
            let Ok(tls) = rustls::ServerConnection::new(attacker.config.clone()) else {
                continue;
            };
            let mut s = rustls::StreamOwned::new(tls, conn);
            let Some((head, body)) = read_request(&mut s) else {
                continue;
            };
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (code, text) = status(
                client
                    .post(&format!("{upstream}{path}"))
                    .set("Content-Type", "application/json")
                    .send_bytes(&body),
            );
            write_json(&mut s, code, text.as_bytes());
        }
    });
    url
}

#[test]
fn a_tls_relay_with_its_own_certificate_is_refused_with_a_card_and_with_a_typed_code() {
    let dir = tempfile::tempdir().unwrap();
    let st = StationProc::start(&dir.path().join("station"), "127.0.0.1:0", &[]);
    let relay = tls_relay(st.url.clone(), &dir.path().join("attacker"));

    // With the card: the relay's certificate is not from the root the card names.
    let d = common::device("KZ-DEMO-0417");
    let mut card = EnrolmentCard::parse(&st.card("KZ-DEMO-0417")).unwrap();
    card.station_url = relay.clone();
    let e = SyncClient::enrol_with_card(&d.store, &card).unwrap_err();
    assert!(e.to_string().contains("certificate"), "{e}");
    assert_eq!(d.store.station().unwrap(), None);

    // Typed by hand: the relay forwards the genuine, code-bound answer, but the certificate the
    // phone saw is not from the root that answer names.
    let e = SyncClient::new(&relay)
        .unwrap()
        .enrol(&d.store, &st.code("KZ-DEMO-0417"))
        .unwrap_err();
    assert!(e.to_string().contains("not from the root it names"), "{e}");
    assert_eq!(
        (d.store.station().unwrap(), d.store.station_ca().unwrap()),
        (None, None)
    );
}

// ---- 2-4. unauthenticated traffic -----------------------------------------------------------

#[test]
fn unsigned_requests_get_the_same_answer_whether_or_not_an_upload_exists_and_hold_nothing() {
    let s = server();
    let (a, _) = enrolled(&s, "KZ-DEMO-0417");
    // A's 20 MiB video: the first 8 MiB PATCH is in, the rest not yet.
    let content: Vec<u8> = (0..20 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let sha = Sha256::of(&content).hex();
    let url = s.url();
    let rogue_a = common_signed(&a.store, &url);
    let loc = rogue_a("POST", "/v1/uploads", b"", None)
        .set("Upload-Length", &content.len().to_string())
        .set("Upload-Metadata", &format!("sha256 {}", B64.encode(&sha)))
        .call()
        .unwrap();
    let loc = loc.header("Location").unwrap().to_string();
    rogue_a("PATCH", &loc, &content[..8 << 20], Some(0))
        .send_bytes(&content[..8 << 20])
        .unwrap();

    let made_up = format!("/v1/uploads/{}", Sha256::of(b"made up").hex());
    let mut answers = Vec::new();
    for path in [loc.as_str(), made_up.as_str()] {
        answers.push(status(ureq::head(&format!("{}{path}", s.url())).call()));
        answers.push(status(
            ureq::request("PATCH", &format!("{}{path}", s.url()))
                .set("Content-Type", "application/offset+octet-stream")
                .set("Upload-Offset", "8388608")
                .send_bytes(&[7u8; 4096]),
        ));
        answers.push(status(ureq::delete(&format!("{}{path}", s.url())).call()));
    }
    assert!(answers.iter().all(|(c, _)| *c == 401), "{answers:?}");
    assert_eq!(
        answers[0..3],
        answers[3..6],
        "an existing upload and a made-up one look the same"
    );

    // A slow unsigned PATCH held open does not lock the upload and writes nothing.
    let mut slow = TcpStream::connect(s.addr).unwrap();
    write!(slow, "PATCH {loc} HTTP/1.1\r\nHost: x\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 8388608\r\nContent-Length: 10000000\r\n\r\n").unwrap();
    slow.write_all(&[1u8; 1000]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let r = rogue_a("PATCH", &loc, &content[8 << 20..], Some(8 << 20))
        .send_bytes(&content[8 << 20..])
        .unwrap();
    assert_eq!(
        r.header("Upload-Offset"),
        Some(content.len().to_string().as_str()),
        "the real device is not kept out"
    );
    let parts = walk(s.station.dir())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "part"))
        .count();
    assert_eq!(parts, 0, "nothing of the unsigned body was written");
    drop(slow);
}

/// Signs raw requests as a real phone's store does.
fn common_signed<'a>(
    store: &'a qorgau_core::Store,
    url: &'a str,
) -> impl Fn(&str, &str, &[u8], Option<u64>) -> ureq::Request + 'a {
    move |method, path, body, offset| {
        signed_request(
            url,
            &store.device().device_id.to_string(),
            |t| store.sign_request(std::str::from_utf8(t).unwrap()).unwrap(),
            method,
            path,
            body,
            offset,
        )
    }
}

/// A request signed as the protocol says (and as a PATCH's tus headers need), with `sign`.
fn signed_request(
    url: &str,
    device: &str,
    sign: impl Fn(&[u8]) -> [u8; 64],
    method: &str,
    path: &str,
    body: &[u8],
    offset: Option<u64>,
) -> ureq::Request {
    let ts = chrono::Utc::now().timestamp();
    let nonce = hex::encode(qorgau_core::crypto::random_bytes::<16>().unwrap());
    let digest = Sha256::of(body);
    let checksum = offset.map(|_| format!("sha256 {}", B64.encode(digest.0)));
    let off = offset.map(|o| o.to_string()).unwrap_or_default();
    let text = protocol::signing_text(
        method,
        path,
        &digest.hex(),
        &off,
        checksum.as_deref().unwrap_or(""),
        ts,
        &nonce,
    );
    let mut r = ureq::request(method, &format!("{url}{path}"))
        .set(protocol::H_DEVICE, device)
        .set(protocol::H_TIMESTAMP, &ts.to_string())
        .set(protocol::H_NONCE, &nonce)
        .set(protocol::H_CONTENT, &digest.hex())
        .set(protocol::H_SIGNATURE, &B64.encode(sign(text.as_bytes())));
    if let (Some(o), Some(c)) = (offset, checksum) {
        r = r
            .set("Upload-Offset", &o.to_string())
            .set("Upload-Checksum", &c)
            .set("Content-Type", "application/offset+octet-stream");
    }
    r
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .unwrap()
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap()
}

/// True once the server has closed the connection (read gives end of stream or a reset).
fn closed_within(s: &mut TcpStream, t: Duration) -> bool {
    s.set_read_timeout(Some(t)).unwrap();
    let mut b = [0u8; 4096];
    loop {
        match s.read(&mut b) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn held_bodies_slow_headers_and_idle_sockets_do_not_exhaust_the_station() {
    let dir = tempfile::tempdir().unwrap();
    let st = StationProc::start(
        &dir.path().join("station"),
        "127.0.0.1:0",
        &["--plain-http", "--header-timeout", "2"],
    );
    let addr = st.url.trim_start_matches("http://").to_string();
    std::thread::sleep(Duration::from_millis(200));
    let before = rss_kib(st.pid());

    // Four 60 MiB unsigned bodies on the endpoints that take bodies, pushed as fast as the
    // station will take them: each is refused from its headers and none is read into memory.
    let held: Vec<_> = ["/v1/entries", "/v1/uploads", "/v1/enrol", "/v1/entries"]
        .iter()
        .map(|path| {
            let addr = addr.clone();
            let path = path.to_string();
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(&addr).unwrap();
                c.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
                write!(c, "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", 60 << 20).unwrap();
                let chunk = vec![b'['; 1 << 20];
                let mut sent = 0usize;
                for _ in 0..60 {
                    match c.write(&chunk) {
                        Ok(n) if n > 0 => sent += n,
                        _ => break,
                    }
                }
                let mut answer = String::new();
                c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let _ = c.read_to_string(&mut answer);
                (sent, answer)
            })
        })
        .collect();
    let answers: Vec<(usize, String)> = held.into_iter().map(|h| h.join().unwrap()).collect();
    for (_, a) in &answers {
        assert!(
            a.starts_with("HTTP/1.1 401") || a.starts_with("HTTP/1.1 413"),
            "{a}"
        );
    }
    let after = rss_kib(st.pid());
    assert!(
        after < before + 24 * 1024,
        "station memory stayed flat: {before} KiB before, {after} KiB after"
    );

    // Headers sent one byte a second: cut off after the header timeout.
    let mut slow = TcpStream::connect(&addr).unwrap();
    let trickle = std::thread::spawn({
        let mut w = slow.try_clone().unwrap();
        move || {
            for b in b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaa" {
                if w.write_all(&[*b]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    });
    assert!(
        closed_within(&mut slow, Duration::from_secs(8)),
        "a trickled header is cut off"
    );
    drop(trickle);

    // Idle sockets are closed after the header timeout; past 32 from one address, at once.
    let mut idle: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    let at_once = idle
        .iter_mut()
        .map(|s| closed_within(s, Duration::from_millis(300)))
        .filter(|c| *c)
        .count();
    assert!(
        at_once >= 8,
        "connections past the per-address cap are closed at once ({at_once})"
    );
    // Closed by the 2 s header timeout; the margin is for a loaded CI machine.
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        idle.iter_mut()
            .all(|s| closed_within(s, Duration::from_secs(2))),
        "idle sockets are closed"
    );
    // And the station still serves.
    assert_eq!(
        ureq::get(&format!("{}/v1/health", st.url))
            .call()
            .unwrap()
            .into_string()
            .unwrap(),
        "ok"
    );
}

#[test]
fn ten_thousand_unsigned_requests_leave_a_bounded_log_and_registry_downloads_are_logged() {
    let s = server();
    let long_device = "d".repeat(100_000);
    let agent = ureq::AgentBuilder::new().build();
    for i in 0..10_000 {
        let r = agent
            .get(&format!("{}/v1/registry?since={i}", s.url()))
            .set(
                protocol::H_DEVICE,
                if i % 2 == 0 { &long_device } else { "x" },
            )
            .call();
        assert!(matches!(r, Err(ureq::Error::Status(401, _))));
    }
    let log = s.station.storage().request_log().unwrap();
    assert!(log.len() <= 200, "{} rows for 10,000 refusals", log.len());
    assert!(log.iter().all(
        |r| r.1.as_ref().is_none_or(|d| d.chars().count() <= 41) && r.3.chars().count() <= 121
    ));
    assert!(
        log.iter().any(|r| r
            .5
            .as_deref()
            .is_some_and(|x| x.contains("counted, not logged"))),
        "the log says it stopped"
    );
    let db = std::fs::metadata(s.station.dir().join("station.db"))
        .unwrap()
        .len()
        + std::fs::metadata(s.station.dir().join("station.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    assert!(db < 8 << 20, "database {db} bytes");

    // Who downloaded the registry is on record.
    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    ca.sync(&a.store, &NoProgress).unwrap();
    let dev = a.store.device().device_id.simple().to_string();
    let log = s.station.storage().request_log().unwrap();
    assert!(
        log.iter().any(|r| r.1.as_deref() == Some(dev.as_str())
            && r.3.starts_with("/v1/registry")
            && r.4 == 200),
        "{:?}",
        log.last()
    );
}

// ---- 5-6. a rogue enrolled device -------------------------------------------------------------

#[test]
fn a_second_device_cannot_touch_the_first_devices_uploads() {
    let s = server();
    let (a, _) = enrolled(&s, "KZ-DEMO-0417");
    let b = Rogue::new(&s.url());
    b.enrol(&s.station.create_enrolment_code("ROGUE", "t").unwrap())
        .unwrap();
    let content: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 249) as u8).collect();
    let sha = Sha256::of(&content).hex();
    let url = s.url();
    let sa = common_signed(&a.store, &url);
    let loc = sa("POST", "/v1/uploads", b"", None)
        .set("Upload-Length", &content.len().to_string())
        .set("Upload-Metadata", &format!("sha256 {}", B64.encode(&sha)))
        .call()
        .unwrap();
    let loc = loc.header("Location").unwrap().to_string();
    sa("PATCH", &loc, &content[..8 << 20], Some(0))
        .send_bytes(&content[..8 << 20])
        .unwrap();

    // B sees nothing of A's upload and changes nothing of it.
    assert_eq!(status(b.request("HEAD", &loc, b"", None).call()).0, 404);
    assert_eq!(
        status(
            b.request("PATCH", &loc, &[0u8; 100], Some(8 << 20))
                .send_bytes(&[0u8; 100])
        )
        .0,
        404
    );
    assert_eq!(status(b.request("DELETE", &loc, b"", None).call()).0, 404);
    // B creating an upload of A's content with a wrong length gets its own, and A is not blocked.
    let (c, _) = status(
        b.request("POST", "/v1/uploads", b"", None)
            .set("Upload-Length", "5")
            .set("Upload-Metadata", &format!("sha256 {}", B64.encode(&sha)))
            .call(),
    );
    assert_eq!(c, 201);
    assert_eq!(
        sa("HEAD", &loc, b"", None)
            .call()
            .unwrap()
            .header("Upload-Offset"),
        Some("8388608")
    );
    let r = sa("PATCH", &loc, &content[8 << 20..], Some(8 << 20))
        .send_bytes(&content[8 << 20..])
        .unwrap();
    assert_eq!(
        r.header("Upload-Offset"),
        Some(content.len().to_string().as_str())
    );
    assert!(s.station.storage().blob(&sha).unwrap());

    // A quota: one device cannot declare unbounded uploads.
    let mut refused = 0;
    for i in 0..10u32 {
        let sha = Sha256::of(&i.to_le_bytes()).hex();
        let (c, _) = status(
            b.request("POST", "/v1/uploads", b"", None)
                .set("Upload-Length", &(16u64 << 30).to_string())
                .set("Upload-Metadata", &format!("sha256 {}", B64.encode(&sha)))
                .call(),
        );
        if c == 429 {
            refused += 1;
        } else {
            assert_eq!(c, 201);
        }
    }
    assert_eq!(
        refused, 7,
        "three 16 GiB uploads and the 5-byte one fill the 64 GiB quota"
    );

    // An expired upload is made anew at creation, not refused for ever.
    let dev = a.store.device().device_id.simple().to_string();
    let other: Vec<u8> = vec![5u8; 1000];
    let osha = Sha256::of(&other).hex();
    sa("POST", "/v1/uploads", b"", None)
        .set("Upload-Length", "999")
        .set("Upload-Metadata", &format!("sha256 {}", B64.encode(&osha)))
        .call()
        .unwrap();
    let mut u = s.station.storage().upload(&dev, &osha).unwrap().unwrap();
    u.expires_at = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    s.station.storage().put_upload(&u).unwrap();
    let r = sa("POST", "/v1/uploads", b"", None)
        .set("Upload-Length", "1000")
        .set("Upload-Metadata", &format!("sha256 {}", B64.encode(&osha)))
        .call()
        .unwrap();
    assert_eq!((r.status(), r.header("Upload-Offset")), (201, Some("0")));
    assert_eq!(
        s.station
            .storage()
            .upload(&dev, &osha)
            .unwrap()
            .unwrap()
            .length,
        1000
    );
}

#[test]
fn a_second_device_cannot_add_to_the_first_devices_case_nor_smuggle_people_into_the_registry() {
    let s = server();
    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    let case = a
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    a.store.add_person(case, fixtures::survivor()).unwrap();
    assert_eq!(ca.sync(&a.store, &NoProgress).unwrap().acked, 2);
    let b = Rogue::new(&s.url());
    b.enrol(&s.station.create_enrolment_code("ROGUE", "t").unwrap())
        .unwrap();

    // B signs, correctly, an entry that continues A's case.
    let (_, last) = s
        .station
        .storage()
        .last_entry(&case.to_string())
        .unwrap()
        .unwrap();
    let mut aggressor = serde_json::to_value(a.store.people(case).unwrap()[0].clone()).unwrap();
    let pid = uuid::Uuid::new_v4();
    aggressor["id"] = pid.to_string().into();
    aggressor["role"] = "alleged_aggressor".into();
    let payload = qorgau_core::canonical::to_bytes(&aggressor).unwrap();
    let r = b
        .push(vec![b.item(
            case,
            3,
            &last,
            EventKind::PersonAdded,
            Some(pid),
            &payload,
        )])
        .unwrap();
    assert!(r.acked.is_empty());
    assert_eq!(r.rejected.len(), 1);
    assert!(r.rejected[0].code == RejectionCode::NotCaseOwner, "{r:?}");
    assert!(s
        .station
        .storage()
        .quarantined()
        .unwrap()
        .iter()
        .any(|q| q.3.contains("belongs to another device")));
    // A's own next entry is still acknowledged.
    a.store.add_person(case, fixtures::aggressor()).unwrap();
    let again = ca.sync(&a.store, &NoProgress).unwrap();
    assert_eq!((again.acked, again.rejected.len()), (1, 0));

    // A bare person_added, naming the survivor's IIN as an aggressor, starting a case: refused,
    // and the registry pushed to every phone does not carry it.
    let other_case = uuid::Uuid::new_v4();
    let r = b
        .push(vec![b.item(
            other_case,
            1,
            &Sha256::ZERO.hex(),
            EventKind::PersonAdded,
            Some(pid),
            &payload,
        )])
        .unwrap();
    assert!(r.rejected[0].code == RejectionCode::NotCaseStart, "{r:?}");
    let iin = aggressor["iin"].as_str().unwrap().to_string();
    let registry = String::from_utf8_lossy(&s.station.registry_file(0).unwrap()).to_string();
    assert!(
        !registry.contains(&iin),
        "the survivor is not in the registry"
    );
}

#[test]
fn a_record_that_does_not_parse_is_quarantined_and_the_batch_goes_on() {
    let s = server();
    let b = Rogue::new(&s.url());
    b.enrol(&s.station.create_enrolment_code("ROGUE", "t").unwrap())
        .unwrap();
    let case = uuid::Uuid::new_v4();
    let bad = serde_json::json!({ "id": case.to_string(), "opened": "yesterday" }).to_string();
    let other = uuid::Uuid::new_v4();
    let r = b.push(vec![
        b.item(
            case,
            1,
            &Sha256::ZERO.hex(),
            EventKind::CaseOpened,
            Some(case),
            bad.as_bytes(),
        ),
        b.item(
            other,
            1,
            &Sha256::ZERO.hex(),
            EventKind::CaseOpened,
            Some(other),
            b"[1,2,3]",
        ),
    ]);
    let r = r.expect("an answer, not a 500");
    assert_eq!(r.rejected.len(), 2, "{r:?}");
    assert!(r.rejected[0].code == RejectionCode::InvalidRecord, "{r:?}");
    assert_eq!(r.rejected[1].code, RejectionCode::InvalidRecord, "{r:?}");
    assert_eq!(s.station.storage().quarantined().unwrap().len(), 2);

    // A real phone's sync in the same station goes through.
    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    let c = a
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    a.store
        .add_photo_bytes(
            c,
            &fixtures::photo_jpeg(320, 240, 1, 1),
            CaptureInfo::default(),
        )
        .unwrap();
    assert_eq!(ca.sync(&a.store, &NoProgress).unwrap().pending_after, 0);
}

// ---- 7. a crash in the completion window ------------------------------------------------------

#[test]
fn a_station_killed_between_the_last_patch_and_completion_completes_the_upload_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("station");
    let mut st = StationProc::start_with_env(
        &data,
        "127.0.0.1:0",
        &["--plain-http"],
        &[("QORGAU_FAULT", "upload-before-completion")],
    );
    let listen = st.url.trim_start_matches("http://").to_string();
    let d = common::device("KZ-DEMO-0417");
    SyncClient::new(&st.url)
        .unwrap()
        .enrol(&d.store, &st.code("KZ-DEMO-0417"))
        .unwrap();
    let case = d
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let video = d._dir.path().join("v.mp4");
    std::fs::write(&video, fixtures::isobmff(b"mp42", 12 * 1024 * 1024)).unwrap();
    d.store
        .add_evidence_file(case, &video, None, CaptureInfo::default(), &NoProgress)
        .unwrap();
    assert!(
        SyncClient::for_store(&d.store)
            .unwrap()
            .sync(&d.store, &NoProgress)
            .is_err(),
        "the station died in the window"
    );
    let _ = st.child.wait();

    // The state the crash left: every byte stored, the upload not completed.
    let db = rusqlite::Connection::open(data.join("station.db")).unwrap();
    let (offset, length, done): (u64, u64, i64) = db
        .query_row("SELECT offset, length, completed FROM uploads", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((offset == length, done), (true, 0));
    drop(db);

    // Restarted, the station completes it by itself, and the phone's next sync finishes at once.
    let st2 = StationProc::start(&data, &listen, &["--plain-http"]);
    let db = rusqlite::Connection::open(data.join("station.db")).unwrap();
    let done: i64 = db
        .query_row("SELECT completed FROM uploads", [], |r| r.get(0))
        .unwrap();
    assert_eq!(done, 1, "completed at start-up, not 24 hours later");
    let r = SyncClient::for_store(&d.store)
        .unwrap()
        .sync(&d.store, &NoProgress)
        .unwrap();
    assert_eq!(
        (r.pending_after, r.uploaded_bytes),
        (0, 0),
        "nothing sent twice"
    );
    drop(st2);
    st.kill();
}

// ---- 8. enrolment ------------------------------------------------------------------------------

#[test]
fn enrolment_survives_a_lost_answer_and_refuses_weak_keys_stolen_keys_and_guessed_codes() {
    let s = server();
    let code = s
        .station
        .create_enrolment_code("KZ-DEMO-0417", "t")
        .unwrap();
    let r = Rogue::new(&s.url());
    let first = r.enrol(&code).unwrap();
    // The answer was lost: asking again with the same code gives the same certificate.
    let again = r.enrol(&code).unwrap();
    assert_eq!(first.answer, again.answer);
    // So does a new code for the same device and key.
    let fresh = r
        .enrol(
            &s.station
                .create_enrolment_code("KZ-DEMO-0417", "t")
                .unwrap(),
        )
        .unwrap();
    assert_eq!(first.answer.certificate, fresh.answer.certificate);
    // Revoked, then found again: its old code does not lift the revocation, a new one does.
    assert!(s.station.revoke(&r.id.to_string()).unwrap());
    assert_eq!(
        status(r.request("GET", "/v1/registry?since=0", b"", None).call()).0,
        403
    );
    assert_eq!(r.enrol(&code).unwrap_err().0, 403);
    r.enrol(
        &s.station
            .create_enrolment_code("KZ-DEMO-0417", "t")
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        status(r.request("GET", "/v1/registry?since=0", b"", None).call()).0,
        200
    );

    // Another key for the same device id: refused.
    let thief = Rogue {
        id: r.id,
        signer: DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap(),
        url: s.url(),
    };
    let (status, body) = thief
        .enrol(&s.station.create_enrolment_code("X", "t").unwrap())
        .unwrap_err();
    assert_eq!(
        (status, code_of(&body)),
        (409, ErrorCode::EnrolmentRefused),
        "{body}"
    );
    // A code used by one device is not another's.
    let (status, body) = Rogue::new(&s.url()).enrol(&code).unwrap_err();
    assert_eq!(
        (status, code_of(&body)),
        (403, ErrorCode::CodeUsed),
        "{body}"
    );

    // Weak keys (all zero, small order) and a request not signed by the key it names.
    let code2 = s.station.create_enrolment_code("Y", "t").unwrap();
    let key = CodeKey::derive(&code2);
    for weak in ["00".repeat(32), format!("01{}", "00".repeat(31))] {
        let req = EnrolRequest::new(claim(uuid::Uuid::new_v4(), &weak, &code2), &key, |_| {
            Ok([0u8; 64])
        })
        .unwrap();
        let (c, body) = post_enrol(&s.url(), &req).unwrap_err();
        assert_eq!(c, 400, "{body}");
        assert!(body.contains("\"code\":\"weak_key\""), "{body}");
    }
    let other = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    let named = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    let req = EnrolRequest::new(
        claim(uuid::Uuid::new_v4(), &named.public_key().hex(), &code2),
        &key,
        |b| Ok(other.sign(b)),
    )
    .unwrap();
    let (c, body) = post_enrol(&s.url(), &req).unwrap_err();
    assert!(
        c == 400 && body.contains("proof of possession"),
        "{c} {body}"
    );

    // 1,000 guessed codes: after ten, the address waits; each refusal is on record, bounded.
    let mut throttled = 0;
    for i in 0..1000u32 {
        let guess = format!("{:016}", i).replace('0', "A").replace('1', "B");
        match Rogue::new(&s.url()).enrol(&guess) {
            Err((429, _)) => throttled += 1,
            Err((403, _)) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(throttled, 990);
    let log = s.station.storage().request_log().unwrap();
    let wrong = log
        .iter()
        .filter(|r| {
            r.3 == "/v1/enrol"
                && r.5
                    .as_deref()
                    .is_some_and(|x| x.contains("unknown enrolment code"))
        })
        .count();
    let waits = log
        .iter()
        .filter(|r| r.3 == "/v1/enrol" && r.4 == 429)
        .count();
    assert!(
        wrong >= 10 && waits >= 1 && log.len() < 400,
        "{wrong} wrong codes and {waits} throttled on record, {} rows",
        log.len()
    );
    // The right code was not used up by the guesses (it is tried again after the wait).
    assert!(s
        .station
        .storage()
        .enrolment_code(&key.code_id())
        .unwrap()
        .unwrap()
        .used_by
        .is_none());
}

#[test]
fn a_timestamp_of_now_minus_two_to_the_63_is_refused_as_stale_without_a_crash() {
    let s: Server = server();
    let (a, _) = enrolled(&s, "KZ-DEMO-0417");
    let nonce = "00112233445566778899aabbccddeeff";
    let empty = Sha256::of(b"").hex();
    for ts in [
        i64::MIN,
        i64::MAX,
        chrono::Utc::now()
            .timestamp()
            .wrapping_sub(i64::MAX)
            .wrapping_sub(1),
    ] {
        let text = protocol::signing_text("GET", "/v1/registry", &empty, "", "", ts, nonce);
        let r = ureq::get(&format!("{}/v1/registry", s.url()))
            .set(protocol::H_DEVICE, &a.store.device().device_id.to_string())
            .set(protocol::H_TIMESTAMP, &ts.to_string())
            .set(protocol::H_NONCE, nonce)
            .set(protocol::H_CONTENT, &empty)
            .set(
                protocol::H_SIGNATURE,
                &B64.encode(a.store.sign_request(&text).unwrap()),
            )
            .call();
        let (c, body) = status(r);
        assert_eq!(
            (c, code_of(&body)),
            (401, ErrorCode::StaleRequest),
            "{ts}: {body}"
        );
    }
    assert_eq!(
        ureq::get(&format!("{}/v1/health", s.url()))
            .call()
            .unwrap()
            .into_string()
            .unwrap(),
        "ok"
    );
}

// ---- the end of a case ---------------------------------------------------------------------

#[test]
fn the_station_tells_a_chain_that_stops_short_of_the_head_its_device_signed() {
    let s = server();
    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    let case = a
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    a.store.add_person(case, fixtures::survivor()).unwrap();
    a.store.add_person(case, fixtures::aggressor()).unwrap();
    // Only the first two entries arrive, with the head the device signed (entry 3).
    let items = a.store.outbox_pending(10).unwrap();
    let head = a.store.case_head(case).unwrap().unwrap();
    assert_eq!(head.head.seq, 3);
    let req = PushRequest {
        items: SyncClient::push_items(&items[..2]).unwrap(),
        heads: vec![head],
    };
    assert_eq!(ca.push(&a.store, &req).unwrap().acked.len(), 2);
    let c = s.station.verify_case(&case.to_string()).unwrap();
    assert_eq!((c.entries, c.head), (2, Some(3)));
    assert!(
        c.problem
            .as_deref()
            .is_some_and(|p| p.contains("signed head is entry 3; the station holds 2")),
        "{c:?}"
    );
    // A head signed by another device for this case is ignored.
    let b = Rogue::new(&s.url());
    b.enrol(&s.station.create_enrolment_code("ROGUE", "t").unwrap())
        .unwrap();
    let forged = qorgau_core::store::CaseHead {
        v: qorgau_core::store::HEAD_FORMAT.into(),
        case,
        seq: 99,
        entry_hash: "ab".repeat(32),
    };
    let sig = B64.encode(b.signer.sign(&forged.bytes().unwrap()));
    assert!(b.push(vec![]).is_ok());
    let body = serde_json::to_vec(&PushRequest {
        items: vec![],
        heads: vec![qorgau_core::store::SignedHead {
            head: forged,
            signature: sig,
        }],
    })
    .unwrap();
    b.request("POST", "/v1/entries", &body, None)
        .set("Content-Type", "application/json")
        .send_bytes(&body)
        .unwrap();
    assert_eq!(
        s.station.verify_case(&case.to_string()).unwrap().head,
        Some(3)
    );
    // The rest arrives: the chain reaches its head.
    ca.sync(&a.store, &NoProgress).unwrap();
    let c = s.station.verify_case(&case.to_string()).unwrap();
    assert_eq!((c.entries, c.head, c.problem), (3, Some(3), None));
}

#[test]
fn a_registry_that_cannot_be_imported_is_reported_and_the_evidence_still_goes_out() {
    let s = server();
    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    let case = a
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    a.store
        .add_photo_bytes(
            case,
            &fixtures::photo_jpeg(320, 240, 2, 1),
            CaptureInfo::default(),
        )
        .unwrap();
    // A supervisor trusts another station's key by hand (allowed, audited): the station's
    // registry no longer verifies on this phone.
    let sup = a
        .store
        .create_profile(
            qorgau_core::model::TeamRole::Supervisor,
            "Synthetic Supervisor",
            "KZ-DEMO-SUP-01",
            "246813",
        )
        .unwrap();
    a.store.unlock_profile(sup.id, "246813").unwrap();
    a.store
        .trust_station_key(
            DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap())
                .unwrap()
                .public_key(),
        )
        .unwrap();
    a.store.lock_profile();
    let r = ca.sync(&a.store, &NoProgress).unwrap();
    assert!(
        r.registry_error
            .as_deref()
            .is_some_and(|e| e.contains("registry")),
        "{r:?}"
    );
    assert_eq!(
        (r.acked, r.pending_after),
        (2, 0),
        "the entries went out all the same"
    );
    let st = a.store.sync_status().unwrap();
    assert!(
        st.last_error
            .as_deref()
            .is_some_and(|e| e.contains("the registry was not updated")),
        "{st:?}"
    );
}

#[test]
fn entries_signed_by_one_device_and_sent_by_another_and_a_body_changed_after_signing_are_refused() {
    let s: Server = server();
    let (a, _) = enrolled(&s, "KZ-DEMO-0417");
    let (b, cb) = enrolled(&s, "KZ-DEMO-0418");
    // A's entries (A's signatures), sent by B as its own push.
    let case = a
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let items = SyncClient::push_items(&a.store.outbox_pending(10).unwrap()).unwrap();
    let r = cb
        .push(
            &b.store,
            &PushRequest {
                items,
                heads: vec![],
            },
        )
        .unwrap();
    assert!(r.acked.is_empty(), "{r:?}");
    assert_eq!(r.rejected.len(), 1, "{r:?}");
    assert_eq!(r.rejected[0].code, RejectionCode::OtherDevice, "{r:?}");
    assert!(s
        .station
        .storage()
        .entries_of(&case.to_string())
        .unwrap()
        .is_empty());

    // A body changed after it was signed: refused with its code before anything is stored.
    let signed_body = serde_json::to_vec(&PushRequest {
        items: vec![],
        heads: vec![],
    })
    .unwrap();
    let changed = serde_json::to_vec(&PushRequest {
        items: SyncClient::push_items(&a.store.outbox_pending(10).unwrap()).unwrap(),
        heads: vec![],
    })
    .unwrap();
    let req = common_signed(&b.store, &s.url())("POST", "/v1/entries", &signed_body, None);
    let (status_code, body) = status(req.send_bytes(&changed));
    assert_eq!(
        (status_code, code_of(&body)),
        (400, ErrorCode::BadRequest),
        "{body}"
    );
    assert!(s
        .station
        .storage()
        .entries_of(&case.to_string())
        .unwrap()
        .is_empty());
}
