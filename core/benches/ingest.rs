//! Ingest benchmark: a 12-megapixel JPEG through the whole capture path (hash + validate +
//! thumbnail + encrypt + store + custody entry), compared in the same run, on the same file,
//! with `sha256sum` and `vipsthumbnail` (libvips-tools) as anchors. Prints a table with
//! median milliseconds, the ratio to the anchors, and peak memory (RSS) of one ingest in a
//! fresh process.
//!
//! Run: `cargo bench -p qorgau-core --bench ingest` (add `-- --runs 21` for more runs).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use qorgau_core::model::CaptureInfo;
use qorgau_core::{fixtures, FileKeyStore, NoProgress, Store, StoreOptions};

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

/// Runs a command to completion and returns (wall time, peak RSS in KiB) via wait4.
fn run_measured(cmd: &mut Command) -> Option<(Duration, u64)> {
    let start = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child pid with valid out-pointers.
    let r = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    if r < 0 || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return None;
    }
    Some((elapsed, usage.ru_maxrss as u64))
}

fn ingest_once(store: &Store, case: uuid::Uuid, photo: &Path) {
    store
        .add_evidence_file(case, photo, None, CaptureInfo::default(), &NoProgress)
        .expect("ingest");
}

/// A new store under `dir` (key file `k`, store `s`) with one open case.
fn new_store(dir: &Path) -> (Store, uuid::Uuid) {
    let ks = FileKeyStore::open_or_create(&dir.join("k")).unwrap();
    let store = Store::init(
        &dir.join("s"),
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
    (store, case)
}

fn child_mode(photo: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let (store, case) = new_store(dir.path());
    ingest_once(&store, case, photo);
}

/// Peak RSS (KiB) of a command, measured from a small, freshly started copy of this binary:
/// Linux carries a process's RSS high-water mark across fork and exec, so a command spawned
/// straight from this (large) process would report this process's size.
fn peak_rss(cmd: &[&std::ffi::OsStr]) -> Option<u64> {
    let me = std::env::current_exe().ok()?;
    let out = Command::new(me)
        .arg("--measure-child")
        .args(cmd)
        .output()
        .ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--measure-child") {
        let (_, rss) =
            run_measured(Command::new(&args[2]).args(&args[3..])).expect("measured command failed");
        println!("{rss}");
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--child-ingest") {
        child_mode(Path::new(&args[i + 1]));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--child-open-ingest") {
        // What one `qorgau evidence add` costs: start, open an existing store, ingest, exit.
        let dir = Path::new(&args[i + 1]);
        let ks = FileKeyStore::open_or_create(&dir.join("k")).unwrap();
        let store = Store::open(&dir.join("s"), &ks, StoreOptions::default()).unwrap();
        let case = store.list_cases().unwrap()[0].case.id;
        ingest_once(&store, case, Path::new(&args[i + 2]));
        return;
    }
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(11);
    let work = tempfile::tempdir().unwrap();
    let photo: PathBuf = work.path().join("photo-12mp.jpg");
    std::fs::write(&photo, fixtures::photo_jpeg(4000, 3000, 42, 1)).unwrap();
    let size = std::fs::metadata(&photo).unwrap().len();
    println!(
        "input: synthetic 4000x3000 JPEG (12.0 MP), {:.1} MiB, {runs} runs each, median wall time",
        size as f64 / 1048576.0
    );

    // Our ingest, in-process, into one store (a fresh case per run does not matter: blobs dedupe,
    // so each run uses a fresh store to pay for the blob write every time).
    let mut ours = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir_in(work.path()).unwrap();
        let (store, case) = new_store(dir.path());
        let t = Instant::now();
        ingest_once(&store, case, &photo);
        ours.push(t.elapsed());
    }
    let ours_ms = median(ours);

    // The same ingest as a whole process, as the anchors are measured: start, open a store made
    // beforehand (a fresh one each run), ingest, exit.
    let me = std::env::current_exe().unwrap();
    let mut whole = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir_in(work.path()).unwrap();
        drop(new_store(dir.path()));
        let (t, _) = run_measured(
            Command::new(&me)
                .arg("--child-open-ingest")
                .arg(dir.path())
                .arg(&photo),
        )
        .expect("whole-process ingest");
        whole.push(t);
    }
    let whole_ms = median(whole);

    let mut sha = Vec::new();
    let mut vips = Vec::new();
    let thumb = work.path().join("vips-thumb.jpg");
    let mut have_vips = true;
    for _ in 0..runs {
        match run_measured(Command::new("sha256sum").arg(&photo)) {
            Some((t, _)) => sha.push(t),
            None => panic!("sha256sum failed"),
        }
        match run_measured(
            Command::new("vipsthumbnail")
                .arg(&photo)
                .arg("-s")
                .arg("320")
                .arg("-o")
                .arg(&thumb),
        ) {
            Some((t, _)) => vips.push(t),
            None => {
                have_vips = false;
                break;
            }
        }
    }
    let our_rss = peak_rss(&[me.as_os_str(), "--child-ingest".as_ref(), photo.as_os_str()])
        .expect("child ingest");
    let vips_rss = if have_vips {
        peak_rss(&[
            "vipsthumbnail".as_ref(),
            photo.as_os_str(),
            "-s".as_ref(),
            "320".as_ref(),
            "-o".as_ref(),
            thumb.as_os_str(),
        ])
        .unwrap_or(0)
    } else {
        0
    };

    let sha_ms = median(sha);
    println!();
    println!(
        "| what                                                  | median ms | ratio to anchor |"
    );
    println!(
        "|-------------------------------------------------------|----------:|----------------:|"
    );
    if have_vips {
        let vips_ms = median(vips);
        let anchor = sha_ms + vips_ms;
        println!(
            "| qorgau ingest (hash+validate+thumb+encrypt+store+log) | {ours_ms:9.1} | {:14.2}x |",
            ours_ms / anchor
        );
        println!(
            "| the same, whole process (start+open store+ingest)     | {whole_ms:9.1} | {:14.2}x |",
            whole_ms / anchor
        );
        println!("| sha256sum                                             | {sha_ms:9.1} |                 |");
        println!("| vipsthumbnail -s 320                                  | {vips_ms:9.1} |                 |");
        println!("| anchor: sha256sum + vipsthumbnail                     | {anchor:9.1} |           1.00x |");
        println!();
        println!(
            "goal: ingest <= 1.0x anchor -> in-process {}, whole process {}",
            if ours_ms <= anchor { "MET" } else { "NOT MET" },
            if whole_ms <= anchor { "MET" } else { "NOT MET" }
        );
    } else {
        println!("| qorgau ingest                                         | {ours_ms:9.1} |               - |");
        println!("| the same, whole process                               | {whole_ms:9.1} |               - |");
        println!("| sha256sum                                             | {sha_ms:9.1} |                 |");
        println!("vipsthumbnail not installed (apt-get install libvips-tools): anchor incomplete");
    }
    println!();
    println!(
        "peak RSS, one ingest in a fresh process (store init + ingest): {:.1} MiB",
        our_rss as f64 / 1024.0
    );
    if have_vips {
        println!(
            "peak RSS, vipsthumbnail: {:.1} MiB",
            vips_rss as f64 / 1024.0
        );
    }
    println!(
        "goal: peak RSS <= 64 MiB per photo -> {}",
        if our_rss <= 64 * 1024 {
            "MET"
        } else {
            "NOT MET"
        }
    );
}
