//! What a script sees of a sync: a non-zero exit when the station refused entries, a status
//! that a later success clears, and a quiet end when the reader of the output goes away.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::station;

#[test]
fn sync_exits_non_zero_on_refused_entries_and_a_success_clears_the_last_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("station");
    let st = station(&data, "127.0.0.1:0");
    let listen = st.1.trim_start_matches("http://").to_string();
    let q = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_qorgau"));
        c.env("QORGAU_HOME", dir.path().join("phone"))
            .env_remove("QORGAU_KEYSTORE")
            .args(args);
        c.output().unwrap()
    };
    let ok = |args: &[&str]| {
        let o = q(args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
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
        "witness-report",
        "--address",
        "Synthetic street 1",
        "--member",
        "officer:Aibek Demoulin:KZ-DEMO-0417",
    ]);
    let case = case.trim();
    ok(&["enrol", "--station", &st.1, "--code", &common::code(&data)]);

    // The station down: the sync fails and says so.
    drop(st);
    let o = q(&["sync"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(ok(&["sync", "--status"]).contains("cannot reach the station"));
    // Back up: the sync succeeds and the old error is gone from the status.
    let st = station(&data, &listen);
    ok(&["sync"]);
    let status = ok(&["sync", "--status"]);
    assert!(status.contains("last error none"), "{status}");

    // The station holds a different entry 2 for this case (as if another copy of the phone had
    // sent one): the phone's entry 2 is refused, and the exit code says so.
    let db = rusqlite::Connection::open(data.join("station.db")).unwrap();
    db.execute(
        "INSERT INTO entries SELECT case_id, seq + 1, device_id, kind, entry, signature, 'other', device_at, received_at, record_table, record
         FROM entries WHERE case_id = ?1 AND seq = 1",
        [uuid::Uuid::parse_str(case).unwrap().to_string()],
    )
    .unwrap();
    drop(db);
    ok(&[
        "person",
        "add",
        case,
        "--role",
        "witness",
        "--name",
        "Gulnara Fictiva",
    ]);
    let o = q(&["sync"]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("refused: case"));
    assert!(ok(&["sync", "--status"]).contains("1 entries refused by the station"));
    drop(st);
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let q = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_qorgau"));
        c.env("QORGAU_HOME", dir.path())
            .env_remove("QORGAU_KEYSTORE");
        c
    };
    assert!(q()
        .args([
            "init",
            "--officer-name",
            "Aibek Demoulin",
            "--badge",
            "KZ-DEMO-0417"
        ])
        .output()
        .unwrap()
        .status
        .success());
    for _ in 0..3 {
        assert!(q()
            .args([
                "-q",
                "case",
                "open",
                "--trigger",
                "witness-report",
                "--address",
                "Synthetic street 1",
                "--member",
                "officer:Aibek Demoulin:KZ-DEMO-0417"
            ])
            .output()
            .unwrap()
            .status
            .success());
    }
    // The reader is gone before the first line is written (as `qorgau case list | head -0`).
    let mut child = q()
        .args(["case", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(status.code(), Some(101), "no panic exit");
}
