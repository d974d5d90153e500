//! The encrypted store on the device: a SQLite database (WAL, `synchronous=FULL`) for records
//! and the custody chain, and a directory of encrypted, content-addressed blobs for originals.
//!
//! A store lives in one directory:
//! ```text
//! <dir>/qorgau.db        records (sealed) and custody chain
//! <dir>/blobs/aa/bb...   originals and signature images, encrypted in chunks
//! <dir>/blobs/tmp/       ingests in progress (removed when stale)
//! ```

mod assessments;
mod blobs;
pub mod cases;
mod custody;
mod documents;
mod evidence;
pub mod export;
mod integrity;
mod orders;
mod outbox;
mod people;
mod prevention;
mod profiles;
mod records;
mod registry;
pub mod schema;
mod session;
mod statements;
pub mod verify;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use assessments::sign_instrument;
pub use blobs::BlobDir;
pub use custody::{CustodyEntry, EventKind, SignedEntry, RECORD_TABLES};
pub use evidence::{NoProgress, Progress};
pub use integrity::{CaseHead, SignedHead, HEAD_FORMAT};
pub use orders::ServeOrder;
pub use outbox::{OutboxItem, SyncStatus};
pub use profiles::{Profile, MAX_FAILED, PIN_ITERATIONS};
pub use registry::{ActiveOrder, MatchKind, OrderSource, PersonCheck, PersonQuery, RegistryImport};
pub use session::{LockReason, SessionState, DEFAULT_IDLE_LIMIT_SECS};

use crate::crypto::keys::{DerivedKeys, DeviceSecrets, KeyStore};
use crate::crypto::seal;
use crate::crypto::signing::{DeviceSigner, PublicKey};
use crate::error::{Error, Result};
use crate::model::{Clock, OrderRules, SystemClock, TeamMember};

/// File name of the database inside a store directory.
pub const DB_FILE: &str = "qorgau.db";
const KEY_CHECK: &[u8] = b"qorgau key check v1";
const KEY_ALIAS: &str = "qorgau-device-v1";

/// Who this device belongs to: set at `init`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceProfile {
    /// A label for the phone ("Unit 3 phone 2").
    pub label: String,
    /// The police unit.
    pub unit: String,
    /// The officer acting on this device (the custody chain's actor).
    pub officer: TeamMember,
}

/// Public facts about the device.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceInfo {
    pub device_id: Uuid,
    pub public_key: PublicKey,
    pub profile: DeviceProfile,
}

/// A stored record together with where it sits in the custody chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recorded<T> {
    pub record: T,
    /// SHA-256 of the record's canonical bytes (what the custody entry signs).
    pub sha256: String,
    /// Sequence number of the custody entry that logged it.
    pub seq: u64,
}

/// Options for opening a store.
#[derive(Clone, Default)]
pub struct StoreOptions {
    /// The clock; the system clock when `None`.
    pub clock: Option<Arc<dyn Clock>>,
    /// The protection-order rule table; the shipped one when `None`.
    pub order_rules: Option<OrderRules>,
}

/// An opened, unlocked store. Thread-safe; every change is one SQLite transaction.
pub struct Store {
    dir: PathBuf,
    conn: Mutex<Connection>,
    keys: DerivedKeys,
    pub(crate) signer: DeviceSigner,
    device: DeviceInfo,
    clock: Arc<dyn Clock>,
    blobs: BlobDir,
    pub(crate) rules: OrderRules,
    pub(crate) current: Mutex<Option<profiles::ActiveProfile>>,
    pub(crate) session: Mutex<session::Session>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .field("device_id", &self.device.device_id)
            .finish()
    }
}

fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            Error::NotADatabase(path.to_path_buf())
        }
        _ => Error::Database(e),
    }
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    // Read something first: a file that is not a database fails here, before any write.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| db_error(path, e))?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| db_error(path, e))?;
    // FULL: a capture the officer saw acknowledged survives a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(())
}

impl Store {
    /// Creates a new store in `dir` (created if absent) with fresh device keys wrapped by
    /// `keystore`. Fails with [`Error::AlreadyInitialised`] if the directory has a store.
    pub fn init(
        dir: &Path,
        keystore: &dyn KeyStore,
        profile: DeviceProfile,
        opts: StoreOptions,
    ) -> Result<Store> {
        if profile.officer.badge.trim().is_empty() || profile.officer.name.trim().is_empty() {
            return Err(Error::invalid("officer", "needs a name and a badge number"));
        }
        crate::files::private_dir(dir)?;
        let path = dir.join(DB_FILE);
        if path.exists() {
            return Err(Error::AlreadyInitialised(dir.to_path_buf()));
        }
        crate::files::private_file(&path)?;
        let secrets = DeviceSecrets::generate()?;
        let keys = DerivedKeys::derive(&secrets.data_key)?;
        let signer = DeviceSigner::from_pkcs8(&secrets.signing_pkcs8)?;
        let wrapped = keystore.wrap(KEY_ALIAS, &secrets.to_bytes())?;
        let device_id = Uuid::new_v4();
        let clock = opts.clock.clone().unwrap_or_else(|| Arc::new(SystemClock));

        let mut conn = Connection::open(&path).map_err(|e| db_error(&path, e))?;
        configure(&conn, &path)?;
        schema::migrate(&mut conn, &|_, _| Ok(()))?;
        let profile_sealed = seal::seal(
            &keys.records,
            "device/profile",
            &serde_json::to_vec(&profile)?,
        )?;
        let check = seal::seal(&keys.records, "device/check", KEY_CHECK)?;
        conn.execute(
            "INSERT INTO device (singleton, device_id, public_key, key_alias, wrapped_keys, key_check, profile, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                device_id.to_string(),
                signer.public_key().0.to_vec(),
                KEY_ALIAS,
                wrapped,
                check,
                profile_sealed,
                clock.now().utc_rfc3339()
            ],
        )?;
        let blobs = BlobDir::open(&dir.join("blobs"))?;
        let device = DeviceInfo {
            device_id,
            public_key: signer.public_key(),
            profile,
        };
        let rules = opts.order_rules.unwrap_or_else(OrderRules::builtin);
        Ok(Store {
            dir: dir.to_path_buf(),
            conn: Mutex::new(conn),
            keys,
            signer,
            device,
            clock,
            blobs,
            rules,
            current: Mutex::new(None),
            session: Mutex::default(),
        })
    }

    /// Opens an existing store and unlocks it with `keystore`. A wrong key gives
    /// [`Error::WrongKey`] and changes nothing; a file that is not a database gives
    /// [`Error::NotADatabase`].
    pub fn open(dir: &Path, keystore: &dyn KeyStore, opts: StoreOptions) -> Result<Store> {
        let path = dir.join(DB_FILE);
        if !path.exists() {
            return Err(Error::NotInitialised(dir.to_path_buf()));
        }
        // A store made before files were kept private is narrowed now (0700 folder, 0600 files).
        crate::files::private_dir(dir)?;
        crate::files::private_file(&path)?;
        for side in ["-wal", "-shm"] {
            let p = dir.join(format!("{DB_FILE}{side}"));
            if p.exists() {
                crate::files::private_file(&p)?;
            }
        }
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| db_error(&path, e))?;
        configure(&conn, &path)?;
        let version = schema::check_supported(&conn)?;
        if version == 0 {
            return Err(Error::NotInitialised(dir.to_path_buf()));
        }
        #[allow(clippy::type_complexity)] // the device row's columns, read once
        let row: Option<(String, Vec<u8>, String, Vec<u8>, Vec<u8>, Vec<u8>)> = conn
            .query_row(
                "SELECT device_id, public_key, key_alias, wrapped_keys, key_check, profile FROM device WHERE singleton = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()
            .map_err(|e| db_error(&path, e))?;
        let Some((device_id, public_key, alias, wrapped, check, profile)) = row else {
            return Err(Error::NotInitialised(dir.to_path_buf()));
        };
        let secrets = DeviceSecrets::from_bytes(&keystore.unwrap(&alias, &wrapped)?)?;
        let keys = DerivedKeys::derive(&secrets.data_key)?;
        // A key store that returns the wrong bytes without failing is caught here.
        if seal::open(&keys.records, "device/check", &check)
            .ok()
            .as_deref()
            != Some(KEY_CHECK)
        {
            return Err(Error::WrongKey);
        }
        let signer = DeviceSigner::from_pkcs8(&secrets.signing_pkcs8)?;
        if signer.public_key().0.as_slice() != public_key.as_slice() {
            return Err(Error::Integrity {
                what: "device public key does not match the signing key".into(),
            });
        }
        let profile: DeviceProfile =
            serde_json::from_slice(&seal::open(&keys.records, "device/profile", &profile)?)?;
        let device_id = Uuid::parse_str(&device_id).map_err(|_| Error::Integrity {
            what: "device id".into(),
        })?;
        schema::migrate(&mut conn, &|tx, version| {
            if version == 5 {
                integrity::fill_macs(tx, &keys)?;
                integrity::sign_existing_heads(tx, &signer)?;
            }
            if version == 7 {
                integrity::chain_audit(tx, &keys)?;
            }
            Ok(())
        })?;
        let blobs = BlobDir::open(&dir.join("blobs"))?;
        let device = DeviceInfo {
            device_id,
            public_key: signer.public_key(),
            profile,
        };
        let store = Store {
            dir: dir.to_path_buf(),
            conn: Mutex::new(conn),
            keys,
            signer,
            device,
            clock: opts.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            blobs,
            rules: opts.order_rules.unwrap_or_else(OrderRules::builtin),
            current: Mutex::new(None),
            session: Mutex::default(),
        };
        store.backfill_outbox()?;
        store.collect_garbage()?;
        Ok(store)
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The device's id, public key and profile.
    pub fn device(&self) -> &DeviceInfo {
        &self.device
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn keys(&self) -> &DerivedKeys {
        &self.keys
    }

    pub(crate) fn blobs(&self) -> &BlobDir {
        &self.blobs
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The badge number of the acting team member: the unlocked profile's, else the device
    /// officer's.
    pub(crate) fn actor(&self) -> String {
        self.current_profile()
            .map(|p| p.badge)
            .unwrap_or_else(|| self.device.profile.officer.badge.clone())
    }

    /// Removes stale temporary files of interrupted ingests and blobs no record refers to
    /// (only those older than an hour, so an ingest running in another process is safe).
    fn collect_garbage(&self) -> Result<()> {
        let referenced = {
            let conn = self.conn();
            let mut names = std::collections::HashSet::new();
            let mut stmt = conn.prepare(
                "SELECT blob_name FROM evidence
                 UNION SELECT signature_blob FROM statements WHERE signature_blob IS NOT NULL
                 UNION SELECT blob_name FROM order_events WHERE blob_name IS NOT NULL",
            )?;
            for n in stmt.query_map([], |r| r.get::<_, String>(0))? {
                names.insert(n?);
            }
            names
        };
        self.blobs
            .collect_garbage(&referenced, std::time::Duration::from_secs(3600))
    }
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_assessments;
#[cfg(test)]
mod tests_at_rest;
#[cfg(test)]
mod tests_orders;
#[cfg(test)]
mod tests_tamper;
