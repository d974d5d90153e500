//! The CLI as a script or a court expert uses it: real processes, real files, standard tools.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let h = Home {
            dir: tempfile::tempdir().unwrap(),
        };
        h.ok(&[
            "init",
            "--officer-name",
            "Aibek Demoulin",
            "--badge",
            "KZ-DEMO-0417",
        ]);
        h
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_qorgau"));
        c.env("QORGAU_HOME", self.dir.path())
            .env_remove("QORGAU_KEYSTORE")
            .args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn case(&self) -> String {
        self.ok(&[
            "-q",
            "case",
            "open",
            "--trigger",
            "witness-report",
            "--category",
            "physical",
            "--lat",
            "51.13",
            "--lon",
            "71.43",
            "--member",
            "officer:Aibek Demoulin:KZ-DEMO-0417",
        ])
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Runs the command blocks of the bundle's own VERIFY.txt (the indented lines of steps 1–4),
/// each step on its own with bash in the bundle directory, so that a step that fails does not
/// keep the later ones from seeing the bundle. Returns (all passed, output).
fn run_verify_txt(bundle: &Path) -> (bool, String) {
    let text = std::fs::read_to_string(bundle.join("VERIFY.txt")).unwrap();
    let mut steps = Vec::new();
    for n in 1..=4 {
        let start = text.find(&format!("\n{n}.")).unwrap();
        let end = text.find(&format!("\n{}.", n + 1)).unwrap();
        let script: String = text[start..end]
            .lines()
            .filter(|l| l.starts_with("     "))
            .map(|l| format!("{}\n", &l[5..]))
            .collect();
        assert!(!script.trim().is_empty(), "step {n} has commands");
        steps.push(script);
    }
    assert!(
        steps[0].contains("sha256sum -c SHA256SUMS")
            && steps[1].contains("openssl pkeyutl -verify")
            && steps[3].contains("HEAD.json")
    );
    let (mut ok, mut all) = (true, String::new());
    for (i, script) in steps.iter().enumerate() {
        let o = Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(bundle)
            .output()
            .unwrap();
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let bad = [
            "BAD",
            "BROKEN",
            "MISMATCH",
            "FAILED",
            "Failure",
            "CUT SHORT",
        ]
        .iter()
        .any(|w| out.contains(w));
        ok &= o.status.success() && !bad;
        all.push_str(&format!("--- step {}\n{out}", i + 1));
    }
    (ok, all)
}

#[test]
fn an_exported_case_verifies_with_sha256sum_and_openssl_and_tampering_is_caught() {
    let h = Home::new();
    let case = h.case();
    let photo = h.path("photo.jpg");
    h.ok(&[
        "synth",
        "photo",
        "--out",
        photo.to_str().unwrap(),
        "--width",
        "800",
        "--height",
        "600",
    ]);
    let survivor = h.ok(&[
        "-q",
        "person",
        "add",
        &case,
        "--role",
        "survivor",
        "--name",
        "Aigerim Testova",
        "--iin",
        "860415300123",
    ]);
    h.ok(&["evidence", "add", &case, photo.to_str().unwrap()]);
    h.ok(&[
        "statement",
        "add",
        &case,
        "--person",
        &survivor,
        "--lang",
        "ru",
        "--text",
        "Синтетическое заявление.",
        "--consent-court",
    ]);
    let out = h.path("out");
    let bundle = PathBuf::from(h.ok(&["-q", "export", &case, "--out", out.to_str().unwrap()]));

    let (ok, log) = run_verify_txt(&bundle);
    assert!(ok, "clean bundle must verify:\n{log}");
    assert!(log.contains("Signature Verified Successfully"));
    let original = std::fs::read_dir(bundle.join("originals"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        std::fs::read(&original).unwrap(),
        std::fs::read(&photo).unwrap(),
        "the original, byte for byte"
    );

    // A changed byte in an original: sha256sum -c fails.
    let copy = h.path("tampered-original");
    copy_dir(&bundle, &copy);
    let orig = copy.join("originals").join(original.file_name().unwrap());
    let mut b = std::fs::read(&orig).unwrap();
    b[1000] ^= 1;
    std::fs::write(&orig, b).unwrap();
    let (ok, log) = run_verify_txt(&copy);
    assert!(!ok, "tampered original must fail:\n{log}");
    assert!(log.contains("FAILED"), "{log}");

    // A changed custody entry with SHA256SUMS recomputed to match: the signatures catch it.
    let copy = h.path("tampered-log");
    copy_dir(&bundle, &copy);
    let entry = copy.join("custody/000002.json");
    let e = std::fs::read_to_string(&entry)
        .unwrap()
        .replace("\"seq\":2", "\"seq\":7");
    std::fs::write(&entry, e).unwrap();
    let o = Command::new("bash")
        .arg("-c")
        .arg("sha256sum $(cut -c67- SHA256SUMS) > SHA256SUMS")
        .current_dir(&copy)
        .output()
        .unwrap();
    assert!(o.status.success());
    let (ok, log) = run_verify_txt(&copy);
    assert!(!ok, "tampered log must fail:\n{log}");
    assert!(
        log.split("--- step 2")
            .nth(1)
            .is_some_and(|s| s.contains("BAD custody/000002.json")),
        "step 2 names the entry:\n{log}"
    );

    // A record changed (a statement's words), SHA256SUMS recomputed to match: step 3 sees that
    // the entry's payload hash no longer matches the record beside it.
    let copy = h.path("tampered-record");
    copy_dir(&bundle, &copy);
    let rec = std::fs::read_dir(copy.join("records"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("Синтетическое")
        })
        .unwrap();
    let changed = std::fs::read_to_string(&rec)
        .unwrap()
        .replace("Синтетическое", "Изменённое");
    std::fs::write(&rec, changed).unwrap();
    let o = Command::new("bash")
        .arg("-c")
        .arg("sha256sum $(cut -c67- SHA256SUMS) > SHA256SUMS")
        .current_dir(&copy)
        .output()
        .unwrap();
    assert!(o.status.success());
    let (ok, log) = run_verify_txt(&copy);
    assert!(!ok, "a changed record must fail:\n{log}");
    let n = rec.file_name().unwrap().to_str().unwrap()[..6].to_string();
    assert!(
        log.split("--- step 3")
            .nth(1)
            .is_some_and(|s| s.contains(&format!("PAYLOAD MISMATCH at {n}"))),
        "step 3 names the entry:\n{log}"
    );

    // The same change in the phone's store: verify and export both refuse, exit 3, no bundle.
    let db = h.path("store").join("qorgau.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let body: Vec<u8> = conn
        .query_row("SELECT body FROM statements", [], |r| r.get(0))
        .unwrap();
    let mut body = body;
    let i = body.len() / 2;
    body[i] ^= 1;
    conn.execute("UPDATE statements SET body = ?1", [body])
        .unwrap();
    drop(conn);
    let o = h.run(&["verify", &case]);
    assert_eq!(code(&o), 3, "{}", String::from_utf8_lossy(&o.stdout));
    let again = h.path("out-after-tampering");
    std::fs::create_dir_all(&again).unwrap();
    let o = h.run(&["export", &case, "--out", again.to_str().unwrap()]);
    assert_eq!(code(&o), 3, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_dir(&again).unwrap().count(),
        0,
        "no bundle, not even a partial one"
    );

    // The last entry cut off the bundle, SHA256SUMS recomputed: the signed head catches it.
    let copy = h.path("cut-tail");
    copy_dir(&bundle, &copy);
    let last = std::fs::read_dir(copy.join("custody"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .max()
        .unwrap();
    let n = last.file_stem().unwrap().to_str().unwrap().to_string();
    for f in std::fs::read_dir(copy.join("records")).unwrap().flatten() {
        if f.file_name().to_str().unwrap().starts_with(&n) {
            std::fs::remove_file(f.path()).unwrap();
        }
    }
    std::fs::remove_file(&last).unwrap();
    std::fs::remove_file(last.with_extension("sig")).unwrap();
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!("grep -v '{n}' SHA256SUMS > S && mv S SHA256SUMS"))
        .current_dir(&copy)
        .output()
        .unwrap();
    assert!(o.status.success());
    let (ok, log) = run_verify_txt(&copy);
    assert!(!ok);
    assert!(
        log.split("--- step 4")
            .nth(1)
            .is_some_and(|s| s.contains("CUT SHORT")),
        "step 4 sees the cut:\n{log}"
    );
    assert!(
        log.split("--- step 3")
            .nth(1)
            .is_some_and(|s| !s.contains("BROKEN") && !s.contains("MISMATCH")),
        "the shorter chain is whole in itself:\n{log}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    let o = Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .output()
        .unwrap();
    assert!(o.status.success());
}

#[test]
fn exit_codes_separate_bad_input_from_integrity_failures() {
    let h = Home::new();
    let case = h.case();
    assert_eq!(
        code(&h.run(&[
            "person",
            "add",
            &case,
            "--role",
            "witness",
            "--name",
            "X",
            "--iin",
            "860415300124"
        ])),
        2
    );
    assert_eq!(
        code(&h.run(&["verify", "3f1c8a54-0000-4000-8000-000000000000"])),
        2
    );
    let text = h.path("notes.txt");
    std::fs::write(&text, "not media").unwrap();
    let o = h.run(&["--json", "evidence", "add", &case, text.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let err: serde_json::Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(err["error"]["bad_input"], true);
    // Another key file: wrong key, exit 3, and the store still opens with the right one.
    let o = h
        .cmd(&["case", "list"])
        .env("QORGAU_KEYSTORE", h.path("other.key"))
        .output()
        .unwrap();
    assert_eq!(code(&o), 3, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrong key"));
    assert_eq!(h.ok(&["-q", "case", "list"]), case);
}

#[test]
fn a_process_killed_mid_ingest_leaves_a_store_that_opens_and_verifies() {
    let h = Home::new();
    let case = h.case();
    let video = h.path("clip.mp4");
    h.ok(&[
        "synth",
        "video",
        "--out",
        video.to_str().unwrap(),
        "--mib",
        "400",
    ]);
    let mut child = h
        .cmd(&["--json", "evidence", "add", &case, video.to_str().unwrap()])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    // Wait until the ingest has written a few MiB, then kill -9.
    loop {
        let line = lines.next().expect("progress lines").unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        if v["progress"]["done"].as_u64().unwrap() >= 8 * 1024 * 1024 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&h.ok(&["--json", "verify", &case])).unwrap();
    assert_eq!(report["ok"], true);
    let file: serde_json::Value =
        serde_json::from_str(&h.ok(&["--json", "case", "show", &case])).unwrap();
    assert_eq!(
        file["evidence"].as_array().unwrap().len(),
        0,
        "the interrupted ingest stored no record"
    );
    let tmp = std::fs::read_dir(h.dir.path().join("store/blobs/tmp"))
        .unwrap()
        .count();
    assert_eq!(
        tmp, 1,
        "the partial file is left for garbage collection, not used"
    );
    // The officer adds it again and it goes through.
    let added: serde_json::Value =
        serde_json::from_str(&h.ok(&["--json", "evidence", "add", &case, video.to_str().unwrap()]))
            .unwrap();
    assert_eq!(
        added["record"]["size_bytes"].as_u64().unwrap(),
        400 * 1024 * 1024 + 24
    );
    assert!(h.ok(&["verify", &case]).contains("VERIFIED"));
}

#[test]
fn running_out_of_file_space_mid_ingest_is_an_io_error_and_the_case_stays_consistent() {
    let h = Home::new();
    let case = h.case();
    let photo = h.path("p.jpg");
    h.ok(&[
        "synth",
        "photo",
        "--out",
        photo.to_str().unwrap(),
        "--width",
        "320",
        "--height",
        "240",
    ]);
    h.ok(&["evidence", "add", &case, photo.to_str().unwrap()]);
    let video = h.path("clip.mp4");
    h.ok(&[
        "synth",
        "video",
        "--out",
        video.to_str().unwrap(),
        "--mib",
        "12",
    ]);
    // The kernel refuses writes past 4 MiB (EFBIG), as a full disk refuses them (ENOSPC).
    let script = format!(
        "trap '' XFSZ; ulimit -f 4096; exec '{}' evidence add {case} '{}'",
        env!("CARGO_BIN_EXE_qorgau"),
        video.display()
    );
    let o = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("QORGAU_HOME", h.dir.path())
        .output()
        .unwrap();
    assert_eq!(
        code(&o),
        1,
        "internal I/O failure: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("write blob"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(h.ok(&["verify", &case]).contains("VERIFIED"));
    let file: serde_json::Value =
        serde_json::from_str(&h.ok(&["--json", "case", "show", &case])).unwrap();
    assert_eq!(
        file["evidence"].as_array().unwrap().len(),
        1,
        "the earlier photo is still there"
    );
}

#[test]
fn every_command_has_help() {
    let h = Home::new();
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["case", "open", "--help"],
        vec!["person", "add", "--help"],
        vec!["evidence", "add", "--help"],
        vec!["statement", "add", "--help"],
        vec!["verify", "--help"],
        vec!["export", "--help"],
    ] {
        let out = h.ok(&args);
        assert!(out.contains("Usage: qorgau"), "{args:?}: {out}");
    }
}
