//! A station process for the CLI's sync tests.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The station binary built beside the CLI.
pub fn station_bin() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_BIN_EXE_qorgau")).with_file_name("qorgau-station");
    assert!(p.exists(), "{} is missing: build it with `cargo build -p qorgau-station` (cargo test --workspace does)", p.display());
    p
}

/// A running `qorgau-station serve --plain-http` on loopback, killed when dropped.
pub struct Station(pub Child, pub String);

impl Drop for Station {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the station and reads its address from its first line.
pub fn station(data: &Path, listen: &str) -> Station {
    let mut child = Command::new(station_bin())
        .args([
            "--data",
            data.to_str().unwrap(),
            "serve",
            "--listen",
            listen,
            "--plain-http",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = Vec::new();
    let mut b = [0u8; 1];
    while out.read(&mut b).unwrap() == 1 && b[0] != b'\n' {
        first.push(b[0]);
    }
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut out, &mut std::io::sink());
    });
    let url = String::from_utf8(first)
        .unwrap()
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    Station(child, url)
}

/// A one-time enrolment code from the duty officer's command.
pub fn code(data: &Path) -> String {
    let o = Command::new(station_bin())
        .args([
            "--data",
            data.to_str().unwrap(),
            "enrolment-code",
            "--officer",
            "KZ-DEMO-0417",
            "--unit",
            "t",
            "--print",
            "code",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}
