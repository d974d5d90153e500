//! A phone process killed with SIGKILL in the middle of a sync: the next sync resumes the upload
//! from the offset the station confirmed, everything arrives once and nothing is lost.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::station_bin;

#[test]
fn a_device_killed_mid_sync_resumes_and_delivers_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("station");
    let station = common::station(&data, "127.0.0.1:0");
    let url = station.1.clone();

    let q = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_qorgau"));
        c.env("QORGAU_HOME", dir.path().join("phone"))
            .env_remove("QORGAU_KEYSTORE")
            .args(args);
        c
    };
    let ok = |args: &[&str]| {
        let o = q(args).output().unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    ok(&[
        "init",
        "--officer-name",
        "Aibek Demoulin",
        "--badge",
        "KZ-DEMO-0417",
    ]);
    let case = ok(&[
        "-q",
        "case",
        "open",
        "--trigger",
        "video-record",
        "--address",
        "Synthetic street 1",
        "--member",
        "officer:Aibek Demoulin:KZ-DEMO-0417",
    ]);
    let video = dir.path().join("clip.mp4");
    ok(&[
        "synth",
        "video",
        "--out",
        video.to_str().unwrap(),
        "--mib",
        "300",
    ]);
    ok(&["evidence", "add", &case, video.to_str().unwrap()]);
    ok(&["enrol", "--station", &url, "--code", &common::code(&data)]);

    // Sync, and kill -9 the phone's process once 40 MB are confirmed by the station.
    let mut child = q(&["--json", "sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let v: serde_json::Value = match serde_json::from_str(&line.unwrap()) {
            Ok(v) => v,
            Err(_) => continue,
        };
        if v["progress"]["done"].as_u64().unwrap_or(0) >= 40 * 1024 * 1024 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let waiting: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "sync", "--status"])).unwrap();
    assert_eq!(
        waiting["pending_records"], 2,
        "nothing acknowledged before the original arrived"
    );

    // The next sync resumes from the station's offset: it sends less than the whole video.
    let report = ok(&["--json", "sync"]);
    let first_doc: serde_json::Value = serde_json::Deserializer::from_str(&report)
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    let size = std::fs::metadata(&video).unwrap().len();
    let uploaded = first_doc["uploaded_bytes"].as_u64().unwrap();
    assert!(
        uploaded < size - 30 * 1024 * 1024,
        "resumed: sent {uploaded} of {size}"
    );
    assert_eq!(first_doc["acked"], 2);
    let cases = String::from_utf8(
        Command::new(station_bin())
            .args(["--data", data.to_str().unwrap(), "cases"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(cases.contains(&format!("{case}  2 entries")), "{cases}");
    assert!(ok(&["verify", &case]).contains("VERIFIED"));
    drop(station);
}
