//! Station storage behind one trait, so that a PostgreSQL backend for a national deployment can
//! be added beside the embedded SQLite one without touching verification or the HTTP layer.

use std::cell::{RefCell, RefMut};
use std::path::Path;

use parking_lot::{ReentrantMutex, ReentrantMutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

const SCHEMA: &str = include_str!("../sql/0001_station.sql");

/// A device as the station knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub device_id: String,
    pub public_key: Vec<u8>,
    pub officer: String,
    pub unit: String,
    pub label: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    pub version: i64,
}

/// A stored, verified custody entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub case_id: String,
    pub seq: u64,
    pub device_id: String,
    pub kind: String,
    pub entry: Vec<u8>,
    pub signature: Vec<u8>,
    pub entry_hash: String,
    pub device_at: String,
    pub received_at: String,
    pub record_table: Option<String>,
    /// Sealed payload bytes.
    pub record: Option<Vec<u8>>,
}

/// A tus upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub id: String,
    pub length: u64,
    pub offset: u64,
    pub segments: u32,
    pub created_at: String,
    pub expires_at: String,
    pub completed: bool,
}

/// Everything the station persists. Implementations must make each method atomic.
pub trait Storage: Send + Sync {
    /// Runs `f` as one transaction: everything it writes commits together (one sync to disk
    /// for a whole batch of entries) or not at all, and no other request's writes mix in.
    fn batch(&self, f: &mut dyn FnMut() -> Result<()>) -> Result<()> {
        f()
    }
    fn add_enrolment_code(&self, code_hash: &str, officer: &str, unit: &str, created_at: &str, expires_at: &str) -> Result<()>;
    /// Marks a code used by `device` and returns (officer, unit, expires_at), if it was unused.
    fn use_enrolment_code(&self, code_hash: &str, device: &str) -> Result<Option<(String, String, String)>>;
    fn put_device(&self, d: &DeviceRow) -> Result<()>;
    fn device(&self, id: &str) -> Result<Option<DeviceRow>>;
    fn devices(&self) -> Result<Vec<DeviceRow>>;
    fn revoke_device(&self, id: &str, at: &str, version: i64) -> Result<bool>;
    /// Records a nonce; false when it was already seen. Prunes nonces older than `prune_before`.
    fn use_nonce(&self, device: &str, nonce: &str, now: i64, prune_before: i64) -> Result<bool>;
    fn log_request(&self, at: &str, device: Option<&str>, method: &str, path: &str, status: u16, reason: Option<&str>) -> Result<()>;
    fn last_entry(&self, case: &str) -> Result<Option<(u64, String)>>;
    fn entry(&self, case: &str, seq: u64) -> Result<Option<EntryRow>>;
    fn put_entry(&self, e: &EntryRow) -> Result<()>;
    fn entries_between(&self, from: &str, to: &str) -> Result<Vec<EntryRow>>;
    fn quarantine(&self, case: &str, seq: u64, device: &str, reason: &str, at: &str) -> Result<()>;
    fn quarantined(&self) -> Result<Vec<(String, u64, String, String, String)>>;
    fn upload(&self, id: &str) -> Result<Option<UploadRow>>;
    fn put_upload(&self, u: &UploadRow, device: Option<&str>) -> Result<()>;
    fn delete_upload(&self, id: &str) -> Result<()>;
    fn registry_put(&self, subject: &str, body: &[u8], version: i64) -> Result<()>;
    fn registry_get(&self, subject: &str) -> Result<Option<Vec<u8>>>;
    fn registry_since(&self, version: i64) -> Result<Vec<(String, Vec<u8>, i64)>>;
    /// Increments a named counter and returns the new value.
    fn next(&self, counter: &str) -> Result<i64>;
    fn counter(&self, counter: &str) -> Result<i64>;
    fn case_count(&self) -> Result<Vec<(String, u64, String)>>;
}

/// The embedded default: one SQLite file (WAL, synchronous=FULL). The connection sits behind a
/// re-entrant lock, so a batch holds it for its whole transaction while the calls inside it
/// lock it again on the same thread.
pub struct SqliteStorage {
    conn: ReentrantMutex<RefCell<Connection>>,
}

/// A locked connection. Field order matters: the borrow is released before the lock.
struct Locked<'a> {
    conn: RefMut<'a, Connection>,
    _guard: ReentrantMutexGuard<'a, RefCell<Connection>>,
}

impl std::ops::Deref for Locked<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl SqliteStorage {
    /// Opens (creating if needed) the station database.
    pub fn open(path: &Path) -> Result<SqliteStorage> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if v == 0 {
            conn.execute_batch(&format!("BEGIN; {SCHEMA} PRAGMA user_version = 1; COMMIT;"))?;
        }
        Ok(SqliteStorage { conn: ReentrantMutex::new(RefCell::new(conn)) })
    }

    fn c(&self) -> Locked<'_> {
        let guard = self.conn.lock();
        // SAFETY: the RefCell is owned by `self.conn` and outlives 'a; `Locked` keeps the guard
        // (this thread's hold on the re-entrant lock) alive until after the borrow is dropped
        // (field order), so no other thread touches the RefCell while the borrow exists.
        let cell: &'_ RefCell<Connection> = unsafe { &*(&*guard as *const RefCell<Connection>) };
        Locked { conn: cell.borrow_mut(), _guard: guard }
    }
}

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceRow> {
    Ok(DeviceRow {
        device_id: r.get(0)?,
        public_key: r.get(1)?,
        officer: r.get(2)?,
        unit: r.get(3)?,
        label: r.get(4)?,
        enrolled_at: r.get(5)?,
        revoked_at: r.get(6)?,
        version: r.get(7)?,
    })
}

fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EntryRow> {
    Ok(EntryRow {
        case_id: r.get(0)?,
        seq: r.get(1)?,
        device_id: r.get(2)?,
        kind: r.get(3)?,
        entry: r.get(4)?,
        signature: r.get(5)?,
        entry_hash: r.get(6)?,
        device_at: r.get(7)?,
        received_at: r.get(8)?,
        record_table: r.get(9)?,
        record: r.get(10)?,
    })
}

const ENTRY_COLS: &str = "case_id, seq, device_id, kind, entry, signature, entry_hash, device_at, received_at, record_table, record";
const DEVICE_COLS: &str = "device_id, public_key, officer, unit, label, enrolled_at, revoked_at, version";

impl Storage for SqliteStorage {
    fn batch(&self, f: &mut dyn FnMut() -> Result<()>) -> Result<()> {
        let _hold = self.conn.lock();
        self.c().execute_batch("BEGIN IMMEDIATE")?;
        match f() {
            Ok(()) => {
                self.c().execute_batch("COMMIT")?;
                Ok(())
            }
            Err(e) => {
                let _ = self.c().execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn add_enrolment_code(&self, code_hash: &str, officer: &str, unit: &str, created_at: &str, expires_at: &str) -> Result<()> {
        self.c().execute(
            "INSERT INTO enrolment_codes (code_hash, officer, unit, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![code_hash, officer, unit, created_at, expires_at],
        )?;
        Ok(())
    }

    fn use_enrolment_code(&self, code_hash: &str, device: &str) -> Result<Option<(String, String, String)>> {
        let mut c = self.c();
        let tx = c.transaction()?;
        let row: Option<(String, String, String)> = tx
            .query_row(
                "SELECT officer, unit, expires_at FROM enrolment_codes WHERE code_hash = ?1 AND used_by IS NULL",
                [code_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if row.is_some() {
            tx.execute("UPDATE enrolment_codes SET used_by = ?1 WHERE code_hash = ?2", params![device, code_hash])?;
        }
        tx.commit()?;
        Ok(row)
    }

    fn put_device(&self, d: &DeviceRow) -> Result<()> {
        self.c().execute(
            &format!("INSERT INTO devices ({DEVICE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![d.device_id, d.public_key, d.officer, d.unit, d.label, d.enrolled_at, d.revoked_at, d.version],
        )?;
        Ok(())
    }

    fn device(&self, id: &str) -> Result<Option<DeviceRow>> {
        Ok(self.c().query_row(&format!("SELECT {DEVICE_COLS} FROM devices WHERE device_id = ?1"), [id], device_row).optional()?)
    }

    fn devices(&self) -> Result<Vec<DeviceRow>> {
        let c = self.c();
        let mut stmt = c.prepare(&format!("SELECT {DEVICE_COLS} FROM devices ORDER BY enrolled_at"))?;
        let rows = stmt.query_map([], device_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn revoke_device(&self, id: &str, at: &str, version: i64) -> Result<bool> {
        Ok(self.c().execute(
            "UPDATE devices SET revoked_at = ?1, version = ?2 WHERE device_id = ?3 AND revoked_at IS NULL",
            params![at, version, id],
        )? == 1)
    }

    fn use_nonce(&self, device: &str, nonce: &str, now: i64, prune_before: i64) -> Result<bool> {
        let c = self.c();
        c.execute("DELETE FROM nonces WHERE seen_at < ?1", [prune_before])?;
        Ok(c.execute("INSERT OR IGNORE INTO nonces (device_id, nonce, seen_at) VALUES (?1, ?2, ?3)", params![device, nonce, now])? == 1)
    }

    fn log_request(&self, at: &str, device: Option<&str>, method: &str, path: &str, status: u16, reason: Option<&str>) -> Result<()> {
        self.c().execute(
            "INSERT INTO request_log (at, device_id, method, path, status, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![at, device, method, path, status, reason],
        )?;
        Ok(())
    }

    fn last_entry(&self, case: &str) -> Result<Option<(u64, String)>> {
        Ok(self
            .c()
            .query_row("SELECT seq, entry_hash FROM entries WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1", [case], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn entry(&self, case: &str, seq: u64) -> Result<Option<EntryRow>> {
        Ok(self.c().query_row(&format!("SELECT {ENTRY_COLS} FROM entries WHERE case_id = ?1 AND seq = ?2"), params![case, seq], entry_row).optional()?)
    }

    fn put_entry(&self, e: &EntryRow) -> Result<()> {
        self.c().execute(
            &format!("INSERT INTO entries ({ENTRY_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
            params![e.case_id, e.seq, e.device_id, e.kind, e.entry, e.signature, e.entry_hash, e.device_at, e.received_at, e.record_table, e.record],
        )?;
        Ok(())
    }

    fn entries_between(&self, from: &str, to: &str) -> Result<Vec<EntryRow>> {
        let c = self.c();
        let mut stmt = c.prepare(&format!("SELECT {ENTRY_COLS} FROM entries WHERE device_at >= ?1 AND device_at < ?2 ORDER BY case_id, seq"))?;
        let rows = stmt.query_map([from, to], entry_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn quarantine(&self, case: &str, seq: u64, device: &str, reason: &str, at: &str) -> Result<()> {
        self.c().execute(
            "INSERT INTO quarantine (case_id, seq, device_id, reason, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![case, seq, device, reason, at],
        )?;
        Ok(())
    }

    fn quarantined(&self) -> Result<Vec<(String, u64, String, String, String)>> {
        let c = self.c();
        let mut stmt = c.prepare("SELECT case_id, seq, device_id, reason, received_at FROM quarantine ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn upload(&self, id: &str) -> Result<Option<UploadRow>> {
        Ok(self
            .c()
            .query_row(
                "SELECT id, length, offset, segments, created_at, expires_at, completed FROM uploads WHERE id = ?1",
                [id],
                |r| {
                    Ok(UploadRow {
                        id: r.get(0)?,
                        length: r.get(1)?,
                        offset: r.get(2)?,
                        segments: r.get(3)?,
                        created_at: r.get(4)?,
                        expires_at: r.get(5)?,
                        completed: r.get::<_, i64>(6)? == 1,
                    })
                },
            )
            .optional()?)
    }

    fn put_upload(&self, u: &UploadRow, device: Option<&str>) -> Result<()> {
        self.c().execute(
            "INSERT INTO uploads (id, length, offset, segments, created_at, expires_at, completed, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(id) DO UPDATE SET length = excluded.length, offset = excluded.offset, segments = excluded.segments,
                expires_at = excluded.expires_at, completed = excluded.completed",
            params![u.id, u.length, u.offset, u.segments, u.created_at, u.expires_at, u.completed as i64, device],
        )?;
        Ok(())
    }

    fn delete_upload(&self, id: &str) -> Result<()> {
        self.c().execute("DELETE FROM uploads WHERE id = ?1", [id])?;
        Ok(())
    }

    fn registry_put(&self, subject: &str, body: &[u8], version: i64) -> Result<()> {
        self.c().execute(
            "INSERT INTO registry (subject, body, version) VALUES (?1, ?2, ?3)
             ON CONFLICT(subject) DO UPDATE SET body = excluded.body, version = excluded.version",
            params![subject, body, version],
        )?;
        Ok(())
    }

    fn registry_get(&self, subject: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.c().query_row("SELECT body FROM registry WHERE subject = ?1", [subject], |r| r.get(0)).optional()?)
    }

    fn registry_since(&self, version: i64) -> Result<Vec<(String, Vec<u8>, i64)>> {
        let c = self.c();
        let mut stmt = c.prepare("SELECT subject, body, version FROM registry WHERE version > ?1 ORDER BY subject")?;
        let rows = stmt.query_map([version], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn next(&self, counter: &str) -> Result<i64> {
        let c = self.c();
        c.execute("INSERT INTO counters (name, value) VALUES (?1, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1", [counter])?;
        Ok(c.query_row("SELECT value FROM counters WHERE name = ?1", [counter], |r| r.get(0))?)
    }

    fn counter(&self, counter: &str) -> Result<i64> {
        Ok(self.c().query_row("SELECT value FROM counters WHERE name = ?1", [counter], |r| r.get(0)).optional()?.unwrap_or(0))
    }

    fn case_count(&self) -> Result<Vec<(String, u64, String)>> {
        let c = self.c();
        let mut stmt = c.prepare("SELECT case_id, count(*), max(received_at) FROM entries GROUP BY case_id ORDER BY max(received_at) DESC")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
