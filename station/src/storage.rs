//! Station storage behind one trait, so that a PostgreSQL backend for a national deployment can
//! be added beside the embedded SQLite one without touching verification or the HTTP layer.

use std::cell::{RefCell, RefMut};
use std::path::Path;

use parking_lot::{ReentrantMutex, ReentrantMutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// The schema, one file per version (`PRAGMA user_version`); a station of any earlier version
/// upgrades in place, step by step, each step in one transaction.
const MIGRATIONS: &[&str] = &[
    include_str!("../sql/0001_station.sql"),
    include_str!("../sql/0002_trust.sql"),
    include_str!("../sql/0003_heads.sql"),
];
/// The schema version this code writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

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
    /// The enrolment answer's certificate and signature (JSON), given again on a repeated ask.
    pub certificate: Option<String>,
}

/// A one-time enrolment code as the station keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    pub officer: String,
    pub unit: String,
    pub expires_at: String,
    pub used_by: Option<String>,
    /// The key derived from the code, sealed under the station's data key.
    pub code_key: Vec<u8>,
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

/// A tus upload, owned by the device that created it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub device_id: String,
    /// The SHA-256 the device declared: the upload's id in its URL.
    pub id: String,
    pub length: u64,
    pub offset: u64,
    pub segments: u32,
    pub created_at: String,
    pub expires_at: String,
    pub completed: bool,
}

/// A request log row: (at, device, method, path, status, reason).
pub type LogRow = (String, Option<String>, String, String, u16, Option<String>);

/// Everything the station persists. Implementations must make each method atomic.
pub trait Storage: Send + Sync {
    /// Runs `f` as one transaction: everything it writes commits together (one sync to disk
    /// for a whole batch of entries) or not at all, and no other request's writes mix in.
    fn batch(&self, f: &mut dyn FnMut() -> Result<()>) -> Result<()> {
        f()
    }
    #[allow(clippy::too_many_arguments)] // one row: each argument is a column
    fn add_enrolment_code(
        &self,
        code_hash: &str,
        code_id: &str,
        code_key: &[u8],
        officer: &str,
        unit: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<()>;
    /// The code with this id (see `qorgau_core::sync::enrolment::CodeKey::code_id`).
    fn enrolment_code(&self, code_id: &str) -> Result<Option<CodeRow>>;
    /// Marks a code used by `device`.
    fn use_enrolment_code(&self, code_id: &str, device: &str) -> Result<()>;
    fn put_device(&self, d: &DeviceRow) -> Result<()>;
    /// Lifts a revocation (a new code given to a device that was found again).
    fn unrevoke_device(&self, id: &str, version: i64) -> Result<()>;
    fn device(&self, id: &str) -> Result<Option<DeviceRow>>;
    fn devices(&self) -> Result<Vec<DeviceRow>>;
    fn revoke_device(&self, id: &str, at: &str, version: i64) -> Result<bool>;
    /// Records a nonce; false when it was already seen. Prunes nonces older than `prune_before`.
    fn use_nonce(&self, device: &str, nonce: &str, now: i64, prune_before: i64) -> Result<bool>;
    /// Appends to the request log and keeps only its newest `keep` rows.
    #[allow(clippy::too_many_arguments)] // one log row: each argument is a column
    fn log_request(
        &self,
        at: &str,
        device: Option<&str>,
        method: &str,
        path: &str,
        status: u16,
        reason: Option<&str>,
        keep: u64,
    ) -> Result<()>;
    /// The request log, oldest first: (at, device, method, path, status, reason).
    fn request_log(&self) -> Result<Vec<LogRow>>;
    fn last_entry(&self, case: &str) -> Result<Option<(u64, String)>>;
    fn entry(&self, case: &str, seq: u64) -> Result<Option<EntryRow>>;
    fn put_entry(&self, e: &EntryRow) -> Result<()>;
    fn entries_between(&self, from: &str, to: &str) -> Result<Vec<EntryRow>>;
    fn quarantine(&self, case: &str, seq: u64, device: &str, reason: &str, at: &str) -> Result<()>;
    #[allow(clippy::type_complexity)] // (case, seq, device, reason, at) rows for the CLI and tests
    fn quarantined(&self) -> Result<Vec<(String, u64, String, String, String)>>;
    fn upload(&self, device: &str, id: &str) -> Result<Option<UploadRow>>;
    fn put_upload(&self, u: &UploadRow) -> Result<()>;
    fn delete_upload(&self, device: &str, id: &str) -> Result<()>;
    /// Unfinished uploads of a device: (count, declared bytes).
    fn open_uploads(&self, device: &str) -> Result<(u64, u64)>;
    /// Every unfinished upload (for the sweep of expired ones and the completion of ones whose
    /// last bytes arrived before a crash).
    fn unfinished_uploads(&self) -> Result<Vec<UploadRow>>;
    fn put_blob(&self, sha256: &str, length: u64, at: &str) -> Result<()>;
    fn blob(&self, sha256: &str) -> Result<bool>;
    fn case_owner(&self, case: &str) -> Result<Option<String>>;
    fn set_case_owner(&self, case: &str, device: &str) -> Result<()>;
    /// Keeps a case's signed head if it goes further than the one kept.
    fn put_head(
        &self,
        case: &str,
        device: &str,
        seq: u64,
        entry_hash: &str,
        signature: &[u8],
        at: &str,
    ) -> Result<()>;
    /// The head kept for a case: (seq, entry hash).
    fn head(&self, case: &str) -> Result<Option<(u64, String)>>;
    /// Every entry of a case, in sequence.
    fn entries_of(&self, case: &str) -> Result<Vec<EntryRow>>;
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
        if v > SCHEMA_VERSION {
            return Err(crate::StationError::Internal(format!(
                "station database version {v} is newer than this station ({SCHEMA_VERSION})"
            )));
        }
        for (i, step) in MIGRATIONS.iter().enumerate().skip(v as usize) {
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE; {step} PRAGMA user_version = {}; COMMIT;",
                i + 1
            ))?;
        }
        Ok(SqliteStorage {
            conn: ReentrantMutex::new(RefCell::new(conn)),
        })
    }

    fn c(&self) -> Locked<'_> {
        let guard = self.conn.lock();
        // SAFETY: the RefCell is owned by `self.conn` and outlives 'a; `Locked` keeps the guard
        // (this thread's hold on the re-entrant lock) alive until after the borrow is dropped
        // (field order), so no other thread touches the RefCell while the borrow exists.
        let cell: &'_ RefCell<Connection> = unsafe { &*(&*guard as *const RefCell<Connection>) };
        Locked {
            conn: cell.borrow_mut(),
            _guard: guard,
        }
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
        certificate: r.get(8)?,
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
const DEVICE_COLS: &str =
    "device_id, public_key, officer, unit, label, enrolled_at, revoked_at, version, certificate";
const UPLOAD_COLS: &str =
    "device_id, sha256, length, offset, segments, created_at, expires_at, completed";

fn upload_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UploadRow> {
    Ok(UploadRow {
        device_id: r.get(0)?,
        id: r.get(1)?,
        length: r.get(2)?,
        offset: r.get(3)?,
        segments: r.get(4)?,
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        completed: r.get::<_, i64>(7)? == 1,
    })
}

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

    fn add_enrolment_code(
        &self,
        code_hash: &str,
        code_id: &str,
        code_key: &[u8],
        officer: &str,
        unit: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<()> {
        self.c().execute(
            "INSERT INTO enrolment_codes (code_hash, code_id, code_key, officer, unit, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![code_hash, code_id, code_key, officer, unit, created_at, expires_at],
        )?;
        Ok(())
    }

    fn enrolment_code(&self, code_id: &str) -> Result<Option<CodeRow>> {
        Ok(self
            .c()
            .query_row(
                "SELECT officer, unit, expires_at, used_by, code_key FROM enrolment_codes WHERE code_id = ?1 AND code_key IS NOT NULL",
                [code_id],
                |r| Ok(CodeRow { officer: r.get(0)?, unit: r.get(1)?, expires_at: r.get(2)?, used_by: r.get(3)?, code_key: r.get(4)? }),
            )
            .optional()?)
    }

    fn use_enrolment_code(&self, code_id: &str, device: &str) -> Result<()> {
        self.c().execute(
            "UPDATE enrolment_codes SET used_by = ?1 WHERE code_id = ?2",
            params![device, code_id],
        )?;
        Ok(())
    }

    fn put_device(&self, d: &DeviceRow) -> Result<()> {
        self.c().execute(
            &format!(
                "INSERT INTO devices ({DEVICE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ),
            params![
                d.device_id,
                d.public_key,
                d.officer,
                d.unit,
                d.label,
                d.enrolled_at,
                d.revoked_at,
                d.version,
                d.certificate
            ],
        )?;
        Ok(())
    }

    fn unrevoke_device(&self, id: &str, version: i64) -> Result<()> {
        self.c().execute(
            "UPDATE devices SET revoked_at = NULL, version = ?1 WHERE device_id = ?2",
            params![version, id],
        )?;
        Ok(())
    }

    fn device(&self, id: &str) -> Result<Option<DeviceRow>> {
        Ok(self
            .c()
            .query_row(
                &format!("SELECT {DEVICE_COLS} FROM devices WHERE device_id = ?1"),
                [id],
                device_row,
            )
            .optional()?)
    }

    fn devices(&self) -> Result<Vec<DeviceRow>> {
        let c = self.c();
        let mut stmt = c.prepare(&format!(
            "SELECT {DEVICE_COLS} FROM devices ORDER BY enrolled_at"
        ))?;
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
        Ok(c.execute(
            "INSERT OR IGNORE INTO nonces (device_id, nonce, seen_at) VALUES (?1, ?2, ?3)",
            params![device, nonce, now],
        )? == 1)
    }

    fn log_request(
        &self,
        at: &str,
        device: Option<&str>,
        method: &str,
        path: &str,
        status: u16,
        reason: Option<&str>,
        keep: u64,
    ) -> Result<()> {
        let c = self.c();
        c.execute(
            "INSERT INTO request_log (at, device_id, method, path, status, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![at, device, method, path, status, reason],
        )?;
        let id = c.last_insert_rowid();
        // Rotation: now and then, drop what is older than the newest `keep` rows.
        if id % 64 == 0 {
            c.execute("DELETE FROM request_log WHERE id <= ?1", [id - keep as i64])?;
        }
        Ok(())
    }

    fn request_log(&self) -> Result<Vec<LogRow>> {
        let c = self.c();
        let mut stmt = c.prepare(
            "SELECT at, device_id, method, path, status, reason FROM request_log ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn last_entry(&self, case: &str) -> Result<Option<(u64, String)>> {
        Ok(self
            .c()
            .query_row(
                "SELECT seq, entry_hash FROM entries WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1",
                [case],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn entry(&self, case: &str, seq: u64) -> Result<Option<EntryRow>> {
        Ok(self
            .c()
            .query_row(
                &format!("SELECT {ENTRY_COLS} FROM entries WHERE case_id = ?1 AND seq = ?2"),
                params![case, seq],
                entry_row,
            )
            .optional()?)
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
        let mut stmt = c.prepare(
            "SELECT case_id, seq, device_id, reason, received_at FROM quarantine ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn upload(&self, device: &str, id: &str) -> Result<Option<UploadRow>> {
        Ok(self
            .c()
            .query_row(
                &format!("SELECT {UPLOAD_COLS} FROM uploads WHERE device_id = ?1 AND sha256 = ?2"),
                [device, id],
                upload_row,
            )
            .optional()?)
    }

    fn put_upload(&self, u: &UploadRow) -> Result<()> {
        self.c().execute(
            &format!(
                "INSERT INTO uploads ({UPLOAD_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(device_id, sha256) DO UPDATE SET length = excluded.length, offset = excluded.offset,
                    segments = excluded.segments, created_at = excluded.created_at, expires_at = excluded.expires_at,
                    completed = excluded.completed"
            ),
            params![u.device_id, u.id, u.length, u.offset, u.segments, u.created_at, u.expires_at, u.completed as i64],
        )?;
        Ok(())
    }

    fn delete_upload(&self, device: &str, id: &str) -> Result<()> {
        self.c().execute(
            "DELETE FROM uploads WHERE device_id = ?1 AND sha256 = ?2",
            [device, id],
        )?;
        Ok(())
    }

    fn open_uploads(&self, device: &str) -> Result<(u64, u64)> {
        Ok(self.c().query_row("SELECT count(*), coalesce(sum(length), 0) FROM uploads WHERE device_id = ?1 AND completed = 0", [device], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?)
    }

    fn unfinished_uploads(&self) -> Result<Vec<UploadRow>> {
        let c = self.c();
        let mut stmt = c.prepare(&format!(
            "SELECT {UPLOAD_COLS} FROM uploads WHERE completed = 0"
        ))?;
        let rows = stmt.query_map([], upload_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn put_blob(&self, sha256: &str, length: u64, at: &str) -> Result<()> {
        self.c().execute(
            "INSERT OR IGNORE INTO blobs (sha256, length, stored_at) VALUES (?1, ?2, ?3)",
            params![sha256, length, at],
        )?;
        Ok(())
    }

    fn blob(&self, sha256: &str) -> Result<bool> {
        Ok(self
            .c()
            .query_row(
                "SELECT 1 FROM blobs WHERE sha256 = ?1",
                [sha256],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn case_owner(&self, case: &str) -> Result<Option<String>> {
        Ok(self
            .c()
            .query_row(
                "SELECT device_id FROM case_owners WHERE case_id = ?1",
                [case],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn set_case_owner(&self, case: &str, device: &str) -> Result<()> {
        self.c().execute(
            "INSERT INTO case_owners (case_id, device_id) VALUES (?1, ?2)",
            [case, device],
        )?;
        Ok(())
    }

    fn put_head(
        &self,
        case: &str,
        device: &str,
        seq: u64,
        entry_hash: &str,
        signature: &[u8],
        at: &str,
    ) -> Result<()> {
        self.c().execute(
            "INSERT INTO case_heads (case_id, device_id, seq, entry_hash, signature, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(case_id) DO UPDATE SET seq = excluded.seq, entry_hash = excluded.entry_hash, signature = excluded.signature,
                received_at = excluded.received_at
             WHERE excluded.seq > case_heads.seq",
            params![case, device, seq, entry_hash, signature, at],
        )?;
        Ok(())
    }

    fn head(&self, case: &str) -> Result<Option<(u64, String)>> {
        Ok(self
            .c()
            .query_row(
                "SELECT seq, entry_hash FROM case_heads WHERE case_id = ?1",
                [case],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn entries_of(&self, case: &str) -> Result<Vec<EntryRow>> {
        let c = self.c();
        let mut stmt = c.prepare(&format!(
            "SELECT {ENTRY_COLS} FROM entries WHERE case_id = ?1 ORDER BY seq"
        ))?;
        let rows = stmt.query_map([case], entry_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
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
        Ok(self
            .c()
            .query_row(
                "SELECT body FROM registry WHERE subject = ?1",
                [subject],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn registry_since(&self, version: i64) -> Result<Vec<(String, Vec<u8>, i64)>> {
        let c = self.c();
        let mut stmt = c.prepare(
            "SELECT subject, body, version FROM registry WHERE version > ?1 ORDER BY subject",
        )?;
        let rows = stmt.query_map([version], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn next(&self, counter: &str) -> Result<i64> {
        let c = self.c();
        c.execute("INSERT INTO counters (name, value) VALUES (?1, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1", [counter])?;
        Ok(c.query_row(
            "SELECT value FROM counters WHERE name = ?1",
            [counter],
            |r| r.get(0),
        )?)
    }

    fn counter(&self, counter: &str) -> Result<i64> {
        Ok(self
            .c()
            .query_row(
                "SELECT value FROM counters WHERE name = ?1",
                [counter],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    fn case_count(&self) -> Result<Vec<(String, u64, String)>> {
        let c = self.c();
        let mut stmt = c.prepare("SELECT case_id, count(*), max(received_at) FROM entries GROUP BY case_id ORDER BY max(received_at) DESC")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
