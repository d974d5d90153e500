//! Helpers shared by the station's integration tests: the station binary as a process.

#![allow(dead_code)]

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use qorgau_core::sync::client::SyncClient;
use qorgau_core::{fixtures, FileKeyStore, Store, StoreOptions};
use qorgau_station::{http, Station};

/// A station served in this process on loopback (plain http), with its domain object at hand.
pub struct Server {
    pub addr: SocketAddr,
    pub station: Arc<Station>,
    pub _dir: tempfile::TempDir,
    pub _rt: tokio::runtime::Runtime,
}

/// Starts a station in this process.
pub fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let station = Arc::new(Station::open(dir.path()).unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = http::router(station.clone());
    rt.spawn(async move {
        qorgau_station::serve::serve(
            listener,
            app,
            None,
            Default::default(),
            std::future::pending(),
        )
        .await
        .unwrap()
    });
    Server {
        addr,
        station,
        _dir: dir,
        _rt: rt,
    }
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// A phone: a store with the synthetic officer's profile.
pub struct Device {
    pub store: Store,
    pub _dir: tempfile::TempDir,
}

pub fn device(label_badge: &str) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let ks = FileKeyStore::open_or_create(&dir.path().join("k")).unwrap();
    let mut profile = fixtures::officer_profile();
    profile.officer.badge = label_badge.into();
    let store = Store::init(&dir.path().join("s"), &ks, profile, StoreOptions::default()).unwrap();
    Device { store, _dir: dir }
}

/// A phone enrolled with the in-process station.
pub fn enrolled(s: &Server, badge: &str) -> (Device, SyncClient) {
    let d = device(badge);
    let code = s
        .station
        .create_enrolment_code(badge, "Astana DV team 3 (synthetic)")
        .unwrap();
    let c = SyncClient::new(&s.url()).unwrap();
    c.enrol(&d.store, &code).unwrap();
    (d, c)
}

/// A running `qorgau-station serve`.
pub struct StationProc {
    pub child: Child,
    pub url: String,
    pub data: PathBuf,
}

impl StationProc {
    /// Starts the station on `listen` with extra `serve` arguments and waits for its address.
    pub fn start(data: &Path, listen: &str, extra: &[&str]) -> StationProc {
        Self::start_with_env(data, listen, extra, &[])
    }

    /// Like `start`, with extra environment variables (e.g. a crash point).
    pub fn start_with_env(
        data: &Path,
        listen: &str,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> StationProc {
        let mut child = Command::new(env!("CARGO_BIN_EXE_qorgau-station"))
            .args([
                "--data",
                data.to_str().unwrap(),
                "serve",
                "--listen",
                listen,
            ])
            .args(extra)
            .envs(env.iter().copied())
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
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http"))
            .expect("an address")
            .to_string();
        StationProc {
            child,
            url,
            data: data.to_path_buf(),
        }
    }

    /// A one-time enrolment code from the duty officer's command.
    pub fn code(&self, officer: &str) -> String {
        let o = Command::new(env!("CARGO_BIN_EXE_qorgau-station"))
            .args([
                "--data",
                self.data.to_str().unwrap(),
                "enrolment-code",
                "--officer",
                officer,
                "--unit",
                "DV team (synthetic)",
                "--print",
                "code",
            ])
            .output()
            .unwrap();
        assert!(o.status.success());
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    }

    /// An enrolment card's text from the duty officer's command.
    pub fn card(&self, officer: &str) -> String {
        let o = Command::new(env!("CARGO_BIN_EXE_qorgau-station"))
            .args([
                "--data",
                self.data.to_str().unwrap(),
                "enrolment-code",
                "--officer",
                officer,
                "--unit",
                "DV team (synthetic)",
                "--print",
                "card",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    }

    /// What `qorgau-station cases` lists.
    pub fn cases(&self) -> String {
        let o = Command::new(env!("CARGO_BIN_EXE_qorgau-station"))
            .args(["--data", self.data.to_str().unwrap(), "cases"])
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap()
    }

    /// The process id (to read its memory use).
    pub fn pid(&self) -> u32 {
        self.child.id()
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
