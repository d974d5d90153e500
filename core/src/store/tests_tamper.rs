//! Tampering over every table that decides what the app does or what a court sees: a changed
//! byte in any cell, a deleted row, and a custody entry rewritten with its hashes recomputed (so
//! that only the signature can tell). Detection means `verify` *reports* a failure (`Ok` with
//! `ok == false`): an error of the check itself does not count.
//!
//! The case is `tamper::full_case` (people, a photo, a signed and corrected statement, a
//! refusal, a view, an order served with a signature, an intervention, a referral and its
//! update) plus a psychologist's assessment, which also brings device-wide rows: profiles, the
//! audit log, the order counter, the trusted station key and the outbox.
//!
//! Tables left out, and why: `device` (a changed row stops the store from opening at all:
//! `a_changed_device_row_stops_the_store_from_opening`), `registry` and `registry_state` (the
//! station's registry, each row sealed; checked where it is read, in `tests_orders`),
//! `sync_state` (what the sync screen shows; nothing is decided on it), `uploads` (resume
//! positions, MAC-checked where read; a bad one only restarts an upload) and `instruments`
//! (empty here: the built-in instruments are compiled in; station-loaded rows are MAC-checked in
//! `tests_at_rest`). Columns left out: the outbox's bookkeeping (`enqueued_at`, `attempts`,
//! `last_error`: the order cases are sent in and the retry count; what is sent and whether it
//! was acknowledged are MAC-checked), `profiles.created_at` (the order profiles are listed in)
//! and `audit.id` (SQLite's row number: the rows' order is covered, since each audit row's MAC
//! covers its time, actor, action, detail and the MAC of the row before it, but a number that
//! keeps the order is not).

use proptest::prelude::*;
use rusqlite::types::Value;
use uuid::Uuid;

use super::tests::tamper::full_case;
use super::tests::{create_as_supervisor, trust_station, Scene};
use crate::crypto::hash::Sha256;
use crate::crypto::signing::{generate_pkcs8, DeviceSigner};
use crate::model::*;
use crate::store::Store;

/// Tables whose every cell is covered, with the expression naming a row.
const TABLES: &[(&str, &str)] = &[
    ("cases", "id"),
    ("people", "id"),
    ("evidence", "id"),
    ("statements", "id"),
    ("orders", "id"),
    ("order_events", "id"),
    ("interventions", "id"),
    ("referrals", "id"),
    ("referral_updates", "id"),
    ("assessments", "id"),
    ("custody", "case_id || '/' || seq"),
    ("case_heads", "case_id"),
    ("outbox", "case_id || '/' || seq"),
    ("profiles", "id"),
    ("trusted_keys", "key_id"),
    ("counters", "name"),
    ("audit", "id"),
];

/// Rows whose deletion must be reported: everything of the case (records, entries, its head).
const CASE_TABLES: &[(&str, &str)] = &[
    ("cases", "id"),
    ("people", "id"),
    ("evidence", "id"),
    ("statements", "id"),
    ("orders", "id"),
    ("order_events", "id"),
    ("interventions", "id"),
    ("referrals", "id"),
    ("referral_updates", "id"),
    ("assessments", "id"),
    ("custody", "case_id || '/' || seq"),
    ("case_heads", "case_id"),
];

/// Columns whose changes decide nothing (see the module's comment).
const BOOKKEEPING: &[(&str, &str)] = &[
    ("outbox", "enqueued_at"),
    ("outbox", "attempts"),
    ("outbox", "last_error"),
    ("profiles", "created_at"),
    ("audit", "id"),
];

const PSY_PIN: &str = "480917";

/// `full_case` with a psychologist's assessment and a trusted station key.
fn whole_phone() -> (Scene, Uuid) {
    let (s, case) = full_case();
    let station = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    trust_station(&s.store, station.public_key());
    let psy = create_as_supervisor(
        &s.store,
        TeamRole::Psychologist,
        "Saule Examplova",
        "KZ-DEMO-PSY-02",
        PSY_PIN,
    );
    s.store.unlock_profile(psy.id, PSY_PIN).unwrap();
    let survivor = s
        .store
        .people(case)
        .unwrap()
        .into_iter()
        .find(|p| p.role == PersonRole::Survivor)
        .unwrap()
        .id;
    let inst = s.store.instrument("dash-style-kz", "1.0.0").unwrap();
    s.store
        .record_assessment(
            case,
            NewAssessment {
                survivor_id: survivor,
                instrument_id: inst.id.clone(),
                instrument_version: inst.version.clone(),
                answers: inst
                    .items
                    .iter()
                    .map(|i| (i.id.clone(), Answer::Yes))
                    .collect(),
                calendar: vec![],
                override_level: None,
                override_reason: None,
                recommendations: Recommendations::default(),
                clinical_notes: "synthetic note".into(),
            },
        )
        .unwrap();
    s.store.lock_profile();
    assert!(s.store.verify(case).unwrap().ok);
    (s, case)
}

fn reported(store: &Store, case: Uuid) -> bool {
    match store.verify(case) {
        Ok(r) => !r.ok,
        Err(e) => panic!("verify itself failed instead of reporting: {e:?}"),
    }
}

fn rows(s: &Scene, tables: &[(&str, &str)]) -> Vec<(String, String, String)> {
    let conn = s.store.conn();
    let mut out = Vec::new();
    for (table, key) in tables {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let keys: Vec<String> = conn
            .prepare(&format!("SELECT {key} FROM {table} ORDER BY 1"))
            .unwrap()
            .query_map([], |r| r.get::<_, Value>(0))
            .unwrap()
            .map(|r| match r.unwrap() {
                Value::Integer(i) => i.to_string(),
                Value::Text(t) => t,
                v => panic!("key {v:?}"),
            })
            .collect();
        assert!(!keys.is_empty(), "{table} has rows in the scene");
        for k in keys {
            for col in &cols {
                if !BOOKKEEPING.contains(&(table, col.as_str())) {
                    out.push((table.to_string(), k.clone(), col.clone()));
                }
            }
        }
    }
    out
}

fn key_expr(table: &str) -> &'static str {
    TABLES
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, k)| *k)
        .unwrap()
}

/// Changes one byte (or the number) of a cell; a NULL becomes a value. False when the change is
/// refused by the schema itself (a constraint), which is then not a possible edit.
fn change_cell(s: &Scene, (table, key, col): &(String, String, String), pos: usize) -> bool {
    let conn = s.store.conn();
    let k = key_expr(table);
    let v: Value = conn
        .query_row(
            &format!("SELECT {col} FROM {table} WHERE {k} = ?1"),
            [key],
            |r| r.get(0),
        )
        .unwrap();
    let new = match v {
        Value::Null => Value::Text("x".into()),
        Value::Integer(i) => Value::Integer(i + 1 + (pos as i64 % 3)),
        Value::Real(f) => Value::Real(f + 1.0),
        Value::Text(t) if t.is_empty() => Value::Text("x".into()),
        Value::Text(t) => {
            let mut b = t.into_bytes();
            let i = pos % b.len();
            b[i] = if b[i] == b'a' {
                b'b'
            } else if b[i].is_ascii() {
                b'a'
            } else {
                b'?'
            };
            Value::Text(String::from_utf8_lossy(&b).into_owned())
        }
        Value::Blob(b) if b.is_empty() => Value::Blob(vec![0]),
        Value::Blob(mut b) => {
            let i = pos % b.len();
            b[i] ^= 0x01;
            Value::Blob(b)
        }
    };
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute(
        &format!("UPDATE {table} SET {col} = ?1 WHERE {k} = ?2"),
        rusqlite::params![new, key],
    )
    .is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random byte positions on top of the exhaustive pass below: 24 cases a run, each one
    /// random cell of ~380 over 17 tables, changed at a random position, on a copy of one phone.
    #[test]
    fn a_changed_byte_anywhere_in_any_cell_is_reported(cell in any::<prop::sample::Index>(), pos in 0usize..10_000) {
        let (s, case) = base();
        let all = rows(s, TABLES);
        let target = cell.get(&all).clone();
        let c = copy_of(s);
        if change_cell(&c, &target, pos) {
            prop_assert!(reported(&c.store, *case), "unreported change of {:?}", target);
        }
    }
}

/// One phone for the property above (building it stretches three PINs).
fn base() -> &'static (Scene, Uuid) {
    static BASE: std::sync::OnceLock<(Scene, Uuid)> = std::sync::OnceLock::new();
    BASE.get_or_init(whole_phone)
}

/// Every entry of the chain, rewritten (its time moved by a second) with its entry hash, the
/// next entry's link and everything after recomputed, so the chain is whole again: only the
/// signatures can tell, and they do.
#[test]
fn an_entry_rewritten_with_its_hashes_recomputed_is_caught_by_its_signature() {
    let (s, case) = whole_phone();
    let n = s.store.custody_log(case).unwrap().len() as u64;
    for seq in 1..=n {
        let (s, case) = whole_phone();
        {
            let conn = s.store.conn();
            conn.execute(
                "UPDATE custody SET actor = 'KZ-DEMO-9999' WHERE case_id = ?1 AND seq = ?2",
                rusqlite::params![case.to_string(), seq],
            )
            .unwrap();
        }
        // Recompute every hash from `seq` on, as a forger without the device key would.
        let log = s.store.custody_log(case).unwrap();
        let mut prev = if seq == 1 {
            Sha256::ZERO.hex()
        } else {
            log[seq as usize - 2].entry_hash.clone()
        };
        for e in &log[seq as usize - 1..] {
            let mut entry = e.entry.clone();
            entry.prev = prev.clone();
            let hash = Sha256::of(&entry.bytes().unwrap()).hex();
            s.store
                .conn()
                .execute(
                    "UPDATE custody SET prev_hash = ?1, entry_hash = ?2 WHERE case_id = ?3 AND seq = ?4",
                    rusqlite::params![entry.prev, hash, case.to_string(), entry.seq],
                )
                .unwrap();
            prev = hash;
        }
        s.store
            .conn()
            .execute(
                "UPDATE case_heads SET entry_hash = ?1 WHERE case_id = ?2",
                rusqlite::params![prev, case.to_string()],
            )
            .unwrap();
        let r = s.store.verify(case).unwrap();
        assert!(!r.ok, "entry {seq}");
        let f = r.failure.unwrap();
        assert!(
            f.what.contains("signature"),
            "entry {seq}: caught by {:?}, not by a signature",
            f.what
        );
    }
}

#[test]
fn a_changed_device_row_stops_the_store_from_opening() {
    for col in ["wrapped_keys", "key_check", "profile", "public_key"] {
        let (s, _) = whole_phone();
        let dir = s.store.dir().to_path_buf();
        {
            let conn = s.store.conn();
            let v: Vec<u8> = conn
                .query_row(&format!("SELECT {col} FROM device"), [], |r| r.get(0))
                .unwrap();
            let mut v = v;
            let i = v.len() / 2;
            v[i] ^= 1;
            conn.execute(&format!("UPDATE device SET {col} = ?1"), [v])
                .unwrap();
        }
        drop(s.store);
        let opened = Store::open(&dir, &s.ks, super::tests::clock());
        assert!(
            matches!(
                opened,
                Err(crate::Error::WrongKey | crate::Error::Integrity { .. })
            ),
            "{col}: {:?}",
            opened.as_ref().err()
        );
    }
}

/// A copy of a phone's store directory, opened: many edits of one scene without building it
/// (and stretching its PINs) again for each.
fn copy_of(s: &Scene) -> Scene {
    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let t = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy_dir(&e.path(), &t);
            } else {
                std::fs::copy(e.path(), &t).unwrap();
            }
        }
    }
    s.store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let d = tempfile::tempdir().unwrap();
    copy_dir(s.store.dir(), &d.path().join("s"));
    let ks = crate::FileKeyStore::open_or_create(&s.dir.path().join("keystore.key")).unwrap();
    let store = Store::open(&d.path().join("s"), &ks, super::tests::clock()).unwrap();
    Scene { dir: d, ks, store }
}

/// Every cell of every covered table (382 here), changed one at a time on a copy of the phone.
#[test]
fn every_cell_of_every_table_changed_alone_is_reported() {
    let (s, case) = whole_phone();
    let all = rows(&s, TABLES);
    assert!(all.len() > 300, "{} cells", all.len());
    let mut unreported = Vec::new();
    for (i, target) in all.iter().enumerate() {
        let c = copy_of(&s);
        if change_cell(&c, target, i * 7) && !reported(&c.store, case) {
            unreported.push(target.clone());
        }
    }
    assert!(unreported.is_empty(), "unreported: {unreported:?}");
}

/// Every row of the case (records, entries, its signed head), deleted one at a time.
#[test]
fn every_row_of_the_case_deleted_alone_is_reported() {
    let (s, case) = whole_phone();
    let mut all = rows(&s, CASE_TABLES);
    all.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    assert!(all.len() > 25, "{} rows", all.len());
    let mut unreported = Vec::new();
    for (table, key, _) in &all {
        let c = copy_of(&s);
        {
            let conn = c.store.conn();
            conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
            let sql = format!("DELETE FROM {table} WHERE {} = ?1", key_expr(table));
            assert_eq!(conn.execute(&sql, [key]).unwrap(), 1);
        }
        if !reported(&c.store, case) {
            unreported.push((table.clone(), key.clone()));
        }
    }
    assert!(unreported.is_empty(), "unreported: {unreported:?}");
}

/// A row inserted into any covered table, copied from one the app wrote with only its key made
/// new (another id, the next sequence number, another name): a forged record the chain does
/// not log, an entry past the signed head, a profile, key, counter, outbox or audit row without
/// a MAC of its own, a copy of an audit row). Each is reported (a forged case row: when that
/// case is verified). Left out: `case_heads` (a head copied onto another case id concerns that
/// id, which has no case).
#[test]
fn a_row_inserted_into_any_table_is_reported() {
    let (s, case) = whole_phone();
    let mut unreported = Vec::new();
    for (table, key) in TABLES.iter().filter(|(t, _)| *t != "case_heads") {
        let c = copy_of(&s);
        {
            let conn = c.store.conn();
            conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
            let cols: Vec<String> = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            let new_key = |col: &str| -> Option<String> {
                match (*table, col) {
                    ("custody" | "outbox", "seq") => Some(format!(
                        "(SELECT max(seq) + 1 FROM {table} WHERE case_id = '{case}')"
                    )),
                    (_, "id") if *table == "audit" => {
                        Some("(SELECT max(id) + 1 FROM audit)".into())
                    }
                    (_, "id") => Some(format!("'{}'", Uuid::new_v4())),
                    ("trusted_keys", "key_id") => Some(format!("'{}'", Uuid::new_v4().simple())),
                    ("counters", "name") => Some("'order_number/2099'".into()),
                    ("profiles", "badge") => Some("'KZ-FORGED-1'".into()),
                    ("orders", "number") => Some("number || '-2'".into()),
                    ("statements", "supersedes") => Some("NULL".into()),
                    _ => None,
                }
            };
            let select: Vec<String> = cols
                .iter()
                .map(|c| new_key(c).unwrap_or_else(|| c.clone()))
                .collect();
            let filter = if *table == "custody" || *table == "outbox" {
                format!("WHERE case_id = '{case}' ORDER BY seq DESC")
            } else {
                format!("ORDER BY {key}")
            };
            let sql = format!(
                "INSERT INTO {table} ({}) SELECT {} FROM {table} {filter} LIMIT 1",
                cols.join(", "),
                select.join(", ")
            );
            assert_eq!(
                conn.execute(&sql, [])
                    .unwrap_or_else(|e| panic!("{sql}: {e}")),
                1,
                "{sql}"
            );
        }
        let checked = if *table == "cases" {
            let forged: String = c
                .store
                .conn()
                .query_row(
                    "SELECT id FROM cases WHERE id != ?1",
                    [case.to_string()],
                    |r| r.get(0),
                )
                .unwrap();
            Uuid::parse_str(&forged).unwrap()
        } else {
            case
        };
        if !reported(&c.store, checked) {
            unreported.push(*table);
        }
    }
    assert!(
        unreported.is_empty(),
        "unreported inserts into {unreported:?}"
    );
}

/// Every audit row deleted alone, and the last one cut off: the chain and the count see it.
#[test]
fn a_deleted_audit_row_or_a_cut_audit_tail_is_reported() {
    let (s, case) = whole_phone();
    let ids: Vec<i64> = {
        let conn = s.store.conn();
        let mut stmt = conn.prepare("SELECT id FROM audit ORDER BY id").unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    assert!(ids.len() >= 3, "{ids:?}");
    for id in &ids {
        let c = copy_of(&s);
        c.store
            .conn()
            .execute("DELETE FROM audit WHERE id = ?1", [id])
            .unwrap();
        assert!(reported(&c.store, case), "audit row {id} deleted");
    }
    // Swapping two rows' contents (their order) breaks the chain too.
    let c = copy_of(&s);
    c.store
        .conn()
        .execute_batch(&format!(
            "UPDATE audit SET id = -1 WHERE id = {a}; UPDATE audit SET id = {a} WHERE id = {b}; UPDATE audit SET id = {b} WHERE id = -1;",
            a = ids[0],
            b = ids[1]
        ))
        .unwrap();
    assert!(reported(&c.store, case), "audit rows reordered");
}
