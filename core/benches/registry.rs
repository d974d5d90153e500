//! Offline registry benchmark: import time and size on disk of a full signed snapshot, and
//! `check_person` latency (p50 / p99) at 10 000, 100 000 and 1 000 000 rows. Goal: < 1 ms per
//! check at 1 000 000 rows.
//!
//! Run: `cargo bench -p qorgau-core --bench registry` (`-- --max 100000` to stop earlier).

use std::time::{Duration, Instant};

use qorgau_core::crypto::signing::{generate_pkcs8, DeviceSigner};
use qorgau_core::store::PersonQuery;
use qorgau_core::{fixtures, FileKeyStore, Store, StoreOptions};

fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        dir_size(&e.path())
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e6
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let max: u64 = args
        .iter()
        .position(|a| a == "--max")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(1_000_000);
    let station = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    println!("| rows      | snapshot MiB | import s | db on disk MiB | check p50 µs | check p99 µs | checks | hits |");
    println!("|----------:|-------------:|---------:|---------------:|-------------:|-------------:|-------:|-----:|");
    for rows in [10_000u64, 100_000, 1_000_000]
        .into_iter()
        .filter(|r| *r <= max)
    {
        let work = tempfile::tempdir().unwrap();
        let file = work.path().join("registry.jsonl");
        let f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        fixtures::write_registry(f, &station, 1, rows, &[], chrono::Utc::now()).unwrap();
        let snapshot = std::fs::metadata(&file).unwrap().len();
        let ks = FileKeyStore::open_or_create(&work.path().join("k")).unwrap();
        let store_dir = work.path().join("store");
        let store = Store::init(
            &store_dir,
            &ks,
            fixtures::officer_profile(),
            StoreOptions::default(),
        )
        .unwrap();
        store.trust_station_key(station.public_key()).unwrap();
        let t = Instant::now();
        let r = store
            .import_registry(std::io::BufReader::new(std::fs::File::open(&file).unwrap()))
            .unwrap();
        let import = t.elapsed();
        assert_eq!(r.rows, rows);
        drop(store);
        let store = Store::open(&store_dir, &ks, StoreOptions::default()).unwrap(); // checkpoints nothing extra; measures the file as it stands
        let disk = dir_size(&store_dir);
        // 2 000 checks: 3 of 4 for people in the registry, 1 of 4 for people not in it.
        let mut lat = Vec::new();
        let mut hits = 0;
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for k in 0..2000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = if k % 4 == 3 {
                rows * 3 + (x % rows)
            } else {
                x % rows
            };
            let Some(iin) = fixtures::registry_iin(i) else {
                continue;
            };
            let q = PersonQuery {
                iin: Some(iin),
                name: None,
                date_of_birth: None,
                current_case: None,
            };
            let t = Instant::now();
            let c = store.check_person(&q).unwrap();
            lat.push(t.elapsed());
            hits += (c.earlier_cases > 0) as u32;
        }
        lat.sort();
        println!(
            "| {rows:>9} | {:>12.1} | {:>8.2} | {:>14.1} | {:>12.1} | {:>12.1} | {:>6} | {:>4} |",
            snapshot as f64 / 1048576.0,
            import.as_secs_f64(),
            disk as f64 / 1048576.0,
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            lat.len(),
            hits
        );
    }
    println!("\ngoal: check < 1000 µs per person at 1 000 000 rows (p99 above)");
}
