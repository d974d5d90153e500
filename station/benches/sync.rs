//! Sync benchmark on loopback: 1,000 custody records and 200 photos (about 800 MB) from one
//! device to a station, compared in the same run with a raw upload of the same bytes to the
//! same server with `curl` (one streamed tus PATCH of all the photos concatenated: the ceiling of
//! what the wire and the station's hashing and sealing allow). Both go over the same TLS (the
//! station's own root, as in the field; the phone enrols by the card, curl gets `--cacert`).
//! Prints throughput, the ratio (goal ≥ 0.9), records/s and the device process's peak memory.
//!
//! Run: `cargo bench -p qorgau-station --bench sync` (`-- --photos 50` for a quicker run,
//! `-- --plain` for plain HTTP on both sides).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use qorgau_core::crypto::hash::Sha256;
use qorgau_core::model::CaptureInfo;
use qorgau_core::sync::client::SyncClient;
use qorgau_core::sync::protocol;
use qorgau_core::{fixtures, FileKeyStore, NoProgress, Store, StoreOptions};
use qorgau_station::{http, Station};

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

/// Peak RSS (KiB) and wall time of a command, measured from a small fresh copy of this binary:
/// Linux carries the RSS high-water mark across fork and exec, so a child of this (large)
/// process would report this process's size.
fn measured(cmd: &[&std::ffi::OsStr]) -> (f64, u64) {
    let me = std::env::current_exe().unwrap();
    let out = Command::new(me)
        .arg("--measure")
        .args(cmd)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut it = text.split_whitespace();
    (
        it.next().unwrap().parse().unwrap(),
        it.next().unwrap().parse().unwrap(),
    )
}

/// Wall time and peak RSS (KiB) of a child process, via wait4.
fn run_measured(cmd: &mut Command) -> (f64, u64) {
    let t = Instant::now();
    #[allow(clippy::zombie_processes)] // reaped by wait4 below
    let child = cmd.spawn().expect("spawn");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child with valid out-pointers.
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed"
    );
    (t.elapsed().as_secs_f64(), usage.ru_maxrss as u64)
}

fn open_device(dir: &Path) -> Store {
    let ks = FileKeyStore::open_or_create(&dir.join("k")).unwrap();
    Store::open(&dir.join("s"), &ks, StoreOptions::default()).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--measure") {
        let (t, rss) = run_measured(
            Command::new(&args[2])
                .args(&args[3..])
                .stdout(std::process::Stdio::null()),
        );
        println!("{t} {rss}");
        return;
    }
    if args.get(1).map(String::as_str) == Some("--child-sync") {
        // The device side, in its own process so that its peak memory is its own.
        let store = open_device(Path::new(&args[2]));
        let r = SyncClient::for_store(&store)
            .unwrap()
            .sync(&store, &NoProgress)
            .expect("sync");
        assert_eq!(r.pending_after, 0);
        println!("{} {}", r.acked, r.uploaded_bytes);
        return;
    }
    let photos = arg(&args, "--photos", 200);
    let records = arg(&args, "--records", 1000).max(photos + 20);
    let work = tempfile::tempdir().unwrap();

    // Station, in this process, on loopback.
    let station = Arc::new(Station::open(&work.path().join("station")).unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let plain = args.iter().any(|a| a == "--plain");
    let tls =
        (!plain).then(|| qorgau_station::tls::own(&work.path().join("station"), &[]).unwrap());
    station.set_tls_root(tls.as_ref().map(|t| t.ca_pem.clone()));
    let ca_file = work.path().join("ca.pem");
    if let Some(t) = &tls {
        std::fs::write(&ca_file, &t.ca_pem).unwrap();
    }
    let url = format!(
        "{}://{}",
        if plain { "http" } else { "https" },
        listener.local_addr().unwrap()
    );
    let app = http::router(station.clone());
    let config = tls.map(|t| t.config);
    rt.spawn(async move {
        qorgau_station::serve::serve(
            listener,
            app,
            config,
            Default::default(),
            std::future::pending(),
        )
        .await
        .unwrap()
    });

    // Device: 20 cases; `photos` distinct photos of about 4 MB; people up to `records` entries.
    let dev_dir = work.path().join("device");
    std::fs::create_dir_all(&dev_dir).unwrap();
    let ks = FileKeyStore::open_or_create(&dev_dir.join("k")).unwrap();
    let store = Store::init(
        &dev_dir.join("s"),
        &ks,
        fixtures::officer_profile(),
        StoreOptions::default(),
    )
    .unwrap();
    let base = {
        let j = fixtures::photo_jpeg(3264, 2448, 9, 1);
        // Strip the EXIF block the fixture adds: each copy gets its own below.
        let app1_len = u16::from_be_bytes([j[4], j[5]]) as usize;
        let mut plain = j[..2].to_vec();
        plain.extend_from_slice(&j[4 + app1_len..]);
        plain
    };
    let t = Instant::now();
    let cases: Vec<_> = (0..20)
        .map(|_| {
            store
                .open_case(fixtures::neighbour_report_case())
                .unwrap()
                .record
                .id
        })
        .collect();
    let mut concatenated = Vec::new();
    for i in 0..photos {
        let jpeg = fixtures::with_exif(
            &base,
            &format!(
                "2026:11:{:02} {:02}:{:02}:{:02}",
                1 + i / 3600 % 28,
                i / 60 % 60,
                i % 60,
                i % 60
            ),
            1,
        );
        store
            .add_photo_bytes(cases[i % 20], &jpeg, CaptureInfo::default())
            .unwrap();
        concatenated.extend_from_slice(&jpeg);
    }
    let mut n = 20 + photos;
    while n < records {
        store
            .add_person(cases[n % 20], fixtures::survivor())
            .unwrap();
        n += 1;
    }
    let status = store.sync_status().unwrap();
    println!(
        "prepared {} records and {} photos ({:.1} MB of originals) in {:.1} s",
        status.pending_records,
        photos,
        status.pending_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let card = station.enrolment_card(
        &station
            .create_enrolment_code("KZ-DEMO-0417", "bench")
            .unwrap(),
        &url,
    );
    SyncClient::enrol_with_card(&store, &card).unwrap();
    drop(store);

    // Our sync, device in a child process.
    let me = std::env::current_exe().unwrap();
    let file: PathBuf = work.path().join("all-photos.bin");
    std::fs::write(&file, &concatenated).unwrap();
    let sha = Sha256::of(&concatenated);
    let total_len = concatenated.len();
    drop(concatenated);
    let (sync_s, device_rss) = measured(&[
        me.as_os_str(),
        "--child-sync".as_ref(),
        dev_dir.as_os_str(),
        url.as_ref(),
    ]);
    let bytes = status.pending_bytes as f64;

    // The anchor: curl PATCHes the same bytes, concatenated, in one request (tus, signed).
    let store = open_device(&dev_dir);
    let sign = |method: &str, path: &str, body_sha: &str, offset: &str, checksum: &str| {
        let ts = chrono::Utc::now().timestamp();
        let nonce = hex::encode(qorgau_core::crypto::random_bytes::<16>().unwrap());
        let sig = store
            .sign_request(&protocol::signing_text(
                method, path, body_sha, offset, checksum, ts, &nonce,
            ))
            .unwrap();
        vec![
            format!("{}: {}", protocol::H_DEVICE, store.device().device_id),
            format!("{}: {ts}", protocol::H_TIMESTAMP),
            format!("{}: {nonce}", protocol::H_NONCE),
            format!("{}: {body_sha}", protocol::H_CONTENT),
            format!("{}: {}", protocol::H_SIGNATURE, B64.encode(sig)),
        ]
    };
    let agent = match (plain, store.station_ca().unwrap()) {
        (false, Some(pem)) => ureq::AgentBuilder::new()
            .tls_config(Arc::new(
                qorgau_core::sync::tls::config_with_roots(&pem).unwrap(),
            ))
            .build(),
        _ => ureq::agent(),
    };
    let mut create = agent
        .post(&format!("{url}/v1/uploads"))
        .set("Tus-Resumable", "1.0.0")
        .set("Upload-Length", &total_len.to_string())
        .set(
            "Upload-Metadata",
            &format!("sha256 {}", B64.encode(sha.hex())),
        );
    for h in sign("POST", "/v1/uploads", &Sha256::of(b"").hex(), "", "") {
        let (k, v) = h.split_once(": ").unwrap();
        create = create.set(k, v);
    }
    let location = create
        .send_bytes(b"")
        .unwrap()
        .header("Location")
        .unwrap()
        .to_string();
    let checksum = format!("sha256 {}", B64.encode(sha.0));
    // -T streams the file (--data-binary @file would read it all into memory first).
    let mut curl_args: Vec<std::ffi::OsString> = ["curl", "-sS", "-f", "-X", "PATCH"]
        .iter()
        .map(Into::into)
        .collect();
    if !plain {
        curl_args.extend(["--cacert".into(), ca_file.as_os_str().to_owned()]);
    }
    curl_args.push("-T".into());
    curl_args.push(file.as_os_str().to_owned());
    for h in sign("PATCH", &location, &sha.hex(), "0", &checksum)
        .into_iter()
        .chain([
            "Tus-Resumable: 1.0.0".into(),
            "Content-Type: application/offset+octet-stream".into(),
            "Upload-Offset: 0".into(),
            format!("Upload-Checksum: {checksum}"),
            "Expect:".into(),
        ])
    {
        curl_args.push("-H".into());
        curl_args.push(h.into());
    }
    curl_args.push(format!("{url}{location}").into());
    let refs: Vec<&std::ffi::OsStr> = curl_args.iter().map(|a| a.as_os_str()).collect();
    let (curl_s, curl_rss) = measured(&refs);

    // Records on their own: a second phone with the same number of records and no originals,
    // so that records/s is not a by-product of 858 MB of uploads.
    let rec_dir = work.path().join("device-records");
    std::fs::create_dir_all(&rec_dir).unwrap();
    let rec_records = {
        let ks = FileKeyStore::open_or_create(&rec_dir.join("k")).unwrap();
        let mut profile = fixtures::officer_profile();
        profile.officer.badge = "KZ-DEMO-0418".into();
        let store = Store::init(&rec_dir.join("s"), &ks, profile, StoreOptions::default()).unwrap();
        let cases: Vec<_> = (0..20)
            .map(|_| {
                store
                    .open_case(fixtures::neighbour_report_case())
                    .unwrap()
                    .record
                    .id
            })
            .collect();
        for n in 20..records {
            store
                .add_person(cases[n % 20], fixtures::survivor())
                .unwrap();
        }
        let card = station.enrolment_card(
            &station
                .create_enrolment_code("KZ-DEMO-0418", "bench")
                .unwrap(),
            &url,
        );
        SyncClient::enrol_with_card(&store, &card).unwrap();
        store.sync_status().unwrap().pending_records
    };
    let (records_s, _) = measured(&[
        me.as_os_str(),
        "--child-sync".as_ref(),
        rec_dir.as_os_str(),
        url.as_ref(),
    ]);

    let ours = bytes / sync_s / 1e6;
    let raw = total_len as f64 / curl_s / 1e6;
    println!();
    println!(
        "| what                                                   | seconds | MB/s   | ratio |"
    );
    println!(
        "|--------------------------------------------------------|--------:|-------:|------:|"
    );
    println!("| qorgau sync ({} records, {} photos, {:.0} MB)        | {sync_s:7.2} | {ours:6.1} | {:.2}x |", status.pending_records, photos, bytes / 1e6, ours / raw);
    println!("| curl: one tus PATCH of the same bytes, same server     | {curl_s:7.2} | {raw:6.1} | 1.00x |");
    println!(
        "(both over {})",
        if plain {
            "plain HTTP on loopback"
        } else {
            "TLS under the station's own root"
        }
    );
    println!();
    println!(
        "records on their own: {rec_records} records (20 cases, no originals) in {records_s:.2} s = {:.0} records/s (whole process: start, open, sync)",
        rec_records as f64 / records_s
    );
    println!(
        "device peak RSS during the sync: {:.1} MiB (curl: {:.1} MiB)",
        device_rss as f64 / 1024.0,
        curl_rss as f64 / 1024.0
    );
    println!(
        "goal: sync >= 0.9x raw throughput -> {}",
        if ours / raw >= 0.9 { "MET" } else { "NOT MET" }
    );
}
