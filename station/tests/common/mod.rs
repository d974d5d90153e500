//! Helpers shared by the station's integration tests: the station binary as a process.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `qorgau-station serve`.
pub struct StationProc {
    pub child: Child,
    pub url: String,
    pub data: PathBuf,
}

impl StationProc {
    /// Starts the station on `listen` with extra `serve` arguments and waits for its address.
    pub fn start(data: &Path, listen: &str, extra: &[&str]) -> StationProc {
        let mut child = Command::new(env!("CARGO_BIN_EXE_qorgau-station"))
            .args(["--data", data.to_str().unwrap(), "serve", "--listen", listen])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        while out.read(&mut b).unwrap() == 1 && b[0] != b'\n' {
            line.push(b[0]);
        }
        // Keep draining stdout so the station never writes into a closed pipe.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut out, &mut std::io::sink());
        });
        let line = String::from_utf8(line).unwrap();
        let url = line.split_whitespace().find(|w| w.starts_with("http")).expect("an address").to_string();
        StationProc { child, url, data: data.to_path_buf() }
    }

    /// A one-time enrolment code from the duty officer's command.
    pub fn code(&self, officer: &str) -> String {
        let o = Command::new(env!("CARGO_BIN_EXE_qorgau-station"))
            .args(["--data", self.data.to_str().unwrap(), "enrolment-code", "--officer", officer, "--unit", "DV team (synthetic)"])
            .output()
            .unwrap();
        assert!(o.status.success());
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    }

    /// What `qorgau-station cases` lists.
    pub fn cases(&self) -> String {
        let o = Command::new(env!("CARGO_BIN_EXE_qorgau-station")).args(["--data", self.data.to_str().unwrap(), "cases"]).output().unwrap();
        String::from_utf8(o.stdout).unwrap()
    }

    /// SIGKILL and reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for StationProc {
    /// A test that fails half-way leaves no station running.
    fn drop(&mut self) {
        self.kill();
    }
}
