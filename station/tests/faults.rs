//! Sync under faults on loopback: a proxy that cuts connections after N bytes, and a station
//! killed with SIGKILL in the middle of an upload and restarted. Everything arrives once and
//! verifies; nothing is lost on the device.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::StationProc;
use qorgau_core::model::CaptureInfo;
use qorgau_core::sync::client::SyncClient;
use qorgau_core::{fixtures, FileKeyStore, NoProgress, Store, StoreOptions};

/// A TCP proxy to `upstream` that lets connection number k carry `budgets[k]` bytes from the
/// client before cutting it (then unlimited once the list is used up).
fn cutting_proxy(upstream: SocketAddr, budgets: Vec<usize>) -> (SocketAddr, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let cuts = Arc::new(AtomicUsize::new(0));
    let cuts2 = cuts.clone();
    std::thread::spawn(move || {
        for (k, conn) in l.incoming().enumerate() {
            let Ok(client) = conn else { continue };
            let Ok(server) = TcpStream::connect(upstream) else {
                continue;
            };
            let budget = budgets.get(k).copied();
            let (mut c_r, mut s_w) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut s_r, mut c_w) = (server, client);
            let cuts = cuts2.clone();
            std::thread::spawn(move || {
                let mut left = budget.unwrap_or(usize::MAX);
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = match c_r.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let send = n.min(left);
                    if s_w.write_all(&buf[..send]).is_err() {
                        break;
                    }
                    left -= send;
                    if left == 0 {
                        cuts.fetch_add(1, Ordering::SeqCst);
                        break;
                    }
                }
                let _ = s_w.shutdown(Shutdown::Both);
                let _ = c_r.shutdown(Shutdown::Both);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_r, &mut c_w);
                let _ = c_w.shutdown(Shutdown::Both);
            });
        }
    });
    (addr, cuts)
}

fn device_with_video(mib: usize) -> (Store, tempfile::TempDir, uuid::Uuid) {
    let dir = tempfile::tempdir().unwrap();
    let ks = FileKeyStore::open_or_create(&dir.path().join("k")).unwrap();
    let store = Store::init(
        &dir.path().join("s"),
        &ks,
        fixtures::officer_profile(),
        StoreOptions::default(),
    )
    .unwrap();
    let case = store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    store.add_person(case, fixtures::survivor()).unwrap();
    store
        .add_photo_bytes(
            case,
            &fixtures::photo_jpeg(800, 600, 5, 1),
            CaptureInfo::default(),
        )
        .unwrap();
    let v = dir.path().join("v.mp4");
    let mut bytes = fixtures::isobmff(b"mp42", mib * 1024 * 1024);
    for (i, b) in bytes.iter_mut().enumerate().skip(100) {
        *b = (i.wrapping_mul(2_654_435_761) >> 13) as u8;
    }
    std::fs::write(&v, &bytes).unwrap();
    store
        .add_evidence_file(case, &v, None, CaptureInfo::default(), &NoProgress)
        .unwrap();
    (store, dir, case)
}

#[test]
fn connections_cut_after_n_bytes_for_many_n_still_deliver_everything_once() {
    let data = tempfile::tempdir().unwrap();
    let mut st = StationProc::start(data.path(), "127.0.0.1:0", &["--plain-http"]);
    let (store, _d, case) = device_with_video(20);
    let up: SocketAddr = st.url.trim_start_matches("http://").parse().unwrap();
    // Cut the first connections at many points: inside headers, inside JSON bodies, inside
    // the 8 MiB upload PATCHes.
    let budgets = vec![
        10, 150, 700, 2_000, 40_000, 1_000_000, 5_000_000, 8_500_000, 300, 12_000_000, 90,
        3_000_000,
    ];
    let (proxy, cuts) = cutting_proxy(up, budgets.clone());
    let c = SyncClient::new(&format!("http://{proxy}")).unwrap();
    // Enrol straight to the station, then sync through the proxy.
    SyncClient::new(&st.url)
        .unwrap()
        .enrol(&store, &st.code("KZ-DEMO-0417"))
        .unwrap();
    let mut attempts = 0;
    let report = loop {
        attempts += 1;
        match c.sync(&store, &NoProgress) {
            Ok(r) if r.pending_after == 0 => break r,
            Ok(_) | Err(_) if attempts < 40 => continue,
            other => panic!("sync never completed: {other:?}"),
        }
    };
    assert!(
        cuts.load(Ordering::SeqCst) >= 5,
        "the proxy did cut connections"
    );
    assert_eq!(report.pending_after, 0);
    assert_eq!(store.sync_status().unwrap().pending_records, 0);
    let listed = st.cases();
    assert!(
        listed.contains(&format!("{case}  4 entries")),
        "each entry stored once: {listed}"
    );
    assert!(store.verify(case).unwrap().ok);
    st.kill();
}

#[test]
fn a_station_killed_mid_upload_and_restarted_resumes_and_stores_once() {
    let data = tempfile::tempdir().unwrap();
    let st = StationProc::start(data.path(), "127.0.0.1:0", &["--plain-http"]);
    let listen = st.url.trim_start_matches("http://").to_string();
    let (store, _d, case) = device_with_video(64);
    let store = Arc::new(store);
    let c = SyncClient::new(&st.url).unwrap();
    c.enrol(&store, &st.code("KZ-DEMO-0417")).unwrap();
    let mut st = st;
    let s2 = store.clone();
    let url = st.url.clone();
    let syncing = std::thread::spawn(move || SyncClient::new(&url).unwrap().sync(&s2, &NoProgress));
    // Kill -9 once the station has written part of the upload.
    let uploads = data.path().join("uploads");
    let start = Instant::now();
    loop {
        let written = std::fs::read_dir(&uploads)
            .map(|d| {
                d.flatten().any(|e| {
                    std::fs::read_dir(e.path())
                        .map(|s| s.count() > 0)
                        .unwrap_or(false)
                })
            })
            .unwrap_or(false);
        if written || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    st.kill();
    let first = syncing.join().unwrap();
    assert!(
        first.is_err() || first.as_ref().unwrap().pending_after > 0,
        "the first sync cannot have finished: {first:?}"
    );
    assert!(
        store.sync_status().unwrap().pending_records > 0,
        "nothing acknowledged that was not stored"
    );
    // Restart on the same address and data; sync again.
    let mut st2 = StationProc::start(data.path(), &listen, &["--plain-http"]);
    let mut attempts = 0;
    loop {
        attempts += 1;
        match c.sync(&store, &NoProgress) {
            Ok(r) if r.pending_after == 0 => break,
            _ if attempts < 10 => std::thread::sleep(Duration::from_millis(200)),
            other => panic!("{other:?}"),
        }
    }
    assert!(st2.cases().contains(&format!("{case}  4 entries")));
    assert!(store.verify(case).unwrap().ok);
    st2.kill();
}
