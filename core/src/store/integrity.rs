//! What a copy of the phone's files must not be able to change unnoticed, beyond the sealed
//! records and the signed chain:
//!
//! - **Rows that decide behaviour** (profiles with their roles, PIN material and lock-out;
//!   trusted keys; instruments; the outbox's acknowledgements; resumable uploads; the order
//!   number counters) carry an HMAC under a key
//!   derived from the data key, which only the platform key store releases. The core checks it
//!   before it acts on a row, and `verify` reports any row whose MAC does not match.
//! - **The end of each case** is signed: a head (last sequence number and entry hash, Ed25519
//!   by the device key) kept apart from the chain, so deleting the last entries leaves a chain
//!   that no longer reaches its head.
//! - **Device-level audit** rows (a change of the trusted station key) carry a MAC as well.
//!
//! Limits, said plainly: a MAC cannot tell a row from an older copy of the same row, so someone
//! who kept an earlier copy of the database can put an older row back (an earlier lock-out
//! count, an earlier head). The station sees every head the phone pushes, which bounds that for
//! the chain; nothing on the phone alone can.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ring::hmac;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::Store;
use crate::crypto::keys::DerivedKeys;
use crate::crypto::signing::PublicKey;
use crate::error::{Error, Result};

/// The MAC of a row: HMAC-SHA256 over the table name and the canonical JSON of its fields.
pub(crate) fn mac(keys: &DerivedKeys, table: &str, fields: &[Value]) -> Vec<u8> {
    let mut ctx = hmac::Context::with_key(&keys.rows);
    ctx.update(table.as_bytes());
    ctx.update(b"\n");
    ctx.update(serde_json::to_string(fields).unwrap_or_default().as_bytes());
    ctx.sign().as_ref().to_vec()
}

/// Checks a row's MAC; a missing or wrong one is [`Error::Integrity`] naming the row.
pub(crate) fn check(
    keys: &DerivedKeys,
    table: &str,
    key: &str,
    fields: &[Value],
    found: Option<&[u8]>,
) -> Result<()> {
    let mut msg = table.as_bytes().to_vec();
    msg.push(b'\n');
    msg.extend_from_slice(serde_json::to_string(fields).unwrap_or_default().as_bytes());
    match found {
        Some(m) if hmac::verify(&keys.rows, &msg, m).is_ok() => Ok(()),
        _ => Err(Error::Integrity {
            what: format!("{table} row {key} was changed outside the app"),
        }),
    }
}

pub(crate) fn blob(b: &[u8]) -> Value {
    Value::String(B64.encode(b))
}

pub(crate) fn opt_blob(b: Option<&[u8]>) -> Value {
    b.map(blob).unwrap_or(Value::Null)
}

/// The columns of a profile that decide what it may do.
#[derive(Debug, Clone)]
pub(crate) struct ProfileRow {
    pub id: String,
    pub role: String,
    pub badge: String,
    pub pin_salt: Vec<u8>,
    pub pin_iterations: u32,
    pub pin_check: Vec<u8>,
    pub wrapped_clinical: Option<Vec<u8>>,
    pub failed_attempts: u32,
    pub locked_until: Option<String>,
    pub pin_scheme: u32,
    pub mac: Option<Vec<u8>>,
}

pub(crate) const PROFILE_COLS: &str =
    "id, role, badge, pin_salt, pin_iterations, pin_check, wrapped_clinical, failed_attempts, locked_until, pin_scheme, mac";

impl ProfileRow {
    pub(crate) fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProfileRow> {
        Ok(ProfileRow {
            id: r.get(0)?,
            role: r.get(1)?,
            badge: r.get(2)?,
            pin_salt: r.get(3)?,
            pin_iterations: r.get(4)?,
            pin_check: r.get(5)?,
            wrapped_clinical: r.get(6)?,
            failed_attempts: r.get(7)?,
            locked_until: r.get(8)?,
            pin_scheme: r.get(9)?,
            mac: r.get(10)?,
        })
    }

    fn fields(&self) -> Vec<Value> {
        vec![
            json!(self.id),
            json!(self.role),
            json!(self.badge),
            blob(&self.pin_salt),
            json!(self.pin_iterations),
            blob(&self.pin_check),
            opt_blob(self.wrapped_clinical.as_deref()),
            json!(self.failed_attempts),
            json!(self.locked_until),
            json!(self.pin_scheme),
        ]
    }

    pub(crate) fn check(&self, keys: &DerivedKeys) -> Result<()> {
        check(
            keys,
            "profiles",
            &self.id,
            &self.fields(),
            self.mac.as_deref(),
        )
    }

    /// Writes the row (insert or replace) with a fresh MAC.
    pub(crate) fn save(
        &mut self,
        conn: &Connection,
        keys: &DerivedKeys,
        info: Option<&[u8]>,
        created_at: Option<&str>,
    ) -> Result<()> {
        self.mac = Some(mac(keys, "profiles", &self.fields()));
        match (info, created_at) {
            (Some(info), Some(at)) => {
                conn.execute(
                    "INSERT INTO profiles (id, role, badge, info, pin_salt, pin_iterations, pin_check, wrapped_clinical,
                                           failed_attempts, locked_until, pin_scheme, mac, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                    params![
                        self.id,
                        self.role,
                        self.badge,
                        info,
                        self.pin_salt,
                        self.pin_iterations,
                        self.pin_check,
                        self.wrapped_clinical,
                        self.failed_attempts,
                        self.locked_until,
                        self.pin_scheme,
                        self.mac,
                        at
                    ],
                )?;
            }
            _ => {
                conn.execute(
                    "UPDATE profiles SET pin_check = ?1, wrapped_clinical = ?2, failed_attempts = ?3, locked_until = ?4,
                                         pin_scheme = ?5, mac = ?6 WHERE id = ?7",
                    params![self.pin_check, self.wrapped_clinical, self.failed_attempts, self.locked_until, self.pin_scheme, self.mac, self.id],
                )?;
            }
        }
        Ok(())
    }
}

pub(crate) fn trusted_key_fields(key_id: &str, public_key: &[u8], revoked: bool) -> Vec<Value> {
    vec![json!(key_id), blob(public_key), json!(revoked)]
}

/// Writes a trusted key with its MAC.
pub(crate) fn put_trusted_key(
    conn: &Connection,
    keys: &DerivedKeys,
    key_id: &str,
    public_key: &[u8],
    revoked: bool,
) -> Result<()> {
    let m = mac(
        keys,
        "trusted_keys",
        &trusted_key_fields(key_id, public_key, revoked),
    );
    conn.execute(
        "INSERT INTO trusted_keys (key_id, public_key, revoked, mac) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(key_id) DO UPDATE SET public_key = excluded.public_key, revoked = excluded.revoked, mac = excluded.mac",
        params![key_id, public_key, revoked as i64, m],
    )?;
    Ok(())
}

/// A trusted key (public key, revoked), its MAC checked; `None` when there is none.
pub(crate) fn trusted_key(
    conn: &Connection,
    keys: &DerivedKeys,
    key_id: &str,
) -> Result<Option<(Vec<u8>, bool)>> {
    let row: Option<(Vec<u8>, i64, Option<Vec<u8>>)> = conn
        .query_row(
            "SELECT public_key, revoked, mac FROM trusted_keys WHERE key_id = ?1",
            [key_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((k, revoked, m)) => {
            check(
                keys,
                "trusted_keys",
                key_id,
                &trusted_key_fields(key_id, &k, revoked != 0),
                m.as_deref(),
            )?;
            Ok(Some((k, revoked != 0)))
        }
    }
}

pub(crate) fn instrument_fields(id: &str, version: &str, definition: &str) -> Vec<Value> {
    vec![json!(id), json!(version), json!(definition)]
}

pub(crate) fn outbox_fields(
    case: &str,
    seq: i64,
    blob_name: Option<&str>,
    blob_bytes: i64,
    acked_at: Option<&str>,
) -> Vec<Value> {
    vec![
        json!(case),
        json!(seq),
        json!(blob_name),
        json!(blob_bytes),
        json!(acked_at),
    ]
}

/// Recomputes an outbox row's MAC from what it holds now (after a write by this code).
pub(crate) fn reseal_outbox(
    conn: &Connection,
    keys: &DerivedKeys,
    case: &str,
    seq: i64,
) -> Result<()> {
    let (blob_name, blob_bytes, acked_at): (Option<String>, i64, Option<String>) = conn.query_row(
        "SELECT blob_name, blob_bytes, acked_at FROM outbox WHERE case_id = ?1 AND seq = ?2",
        params![case, seq],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let m = mac(
        keys,
        "outbox",
        &outbox_fields(
            case,
            seq,
            blob_name.as_deref(),
            blob_bytes,
            acked_at.as_deref(),
        ),
    );
    conn.execute(
        "UPDATE outbox SET mac = ?1 WHERE case_id = ?2 AND seq = ?3",
        params![m, case, seq],
    )?;
    Ok(())
}

/// Increments a named counter (an order number) whose value carries a MAC: a counter set back
/// with SQL (to reuse numbers) is refused.
/// The counter that holds how many audit rows there are.
const AUDIT_ROWS: &str = "audit_rows";

/// What an audit row's MAC covers: its own fields and the MAC of the row before it.
fn audit_fields(at: &str, actor: &str, action: &str, detail: &str, prev: &[u8]) -> Vec<Value> {
    vec![
        json!(at),
        json!(actor),
        json!(action),
        json!(detail),
        json!(hex::encode(prev)),
    ]
}

type AuditRow = (i64, String, String, String, String, Vec<u8>);

fn audit_rows(conn: &Connection) -> Result<Vec<AuditRow>> {
    let mut stmt =
        conn.prepare("SELECT id, at, actor, action, detail, mac FROM audit ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get::<_, Option<Vec<u8>>>(5)?.unwrap_or_default(),
        ))
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Chains the audit rows written before schema version 7 (each then had a MAC of its own
/// fields only) and counts them, in that upgrade's transaction: the rows are taken as they are
/// at the upgrade.
pub(crate) fn chain_audit(conn: &Connection, keys: &DerivedKeys) -> Result<()> {
    let mut prev: Vec<u8> = Vec::new();
    let mut count = 0i64;
    for (id, at, actor, action, detail, _) in audit_rows(conn)? {
        let m = mac(
            keys,
            "audit",
            &audit_fields(&at, &actor, &action, &detail, &prev),
        );
        conn.execute("UPDATE audit SET mac = ?1 WHERE id = ?2", params![m, id])?;
        prev = m;
        count += 1;
    }
    let m = mac(keys, "counters", &[json!(AUDIT_ROWS), json!(count)]);
    conn.execute(
        "INSERT INTO counters (name, value, mac) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET value = excluded.value, mac = excluded.mac",
        params![AUDIT_ROWS, count, m],
    )?;
    Ok(())
}

pub(crate) fn next_counter(conn: &Connection, keys: &DerivedKeys, name: &str) -> Result<i64> {
    let row: Option<(i64, Option<Vec<u8>>)> = conn
        .query_row(
            "SELECT value, mac FROM counters WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let value = match row {
        Some((v, m)) => {
            check(
                keys,
                "counters",
                name,
                &[json!(name), json!(v)],
                m.as_deref(),
            )?;
            v + 1
        }
        None => 1,
    };
    let m = mac(keys, "counters", &[json!(name), json!(value)]);
    conn.execute(
        "INSERT INTO counters (name, value, mac) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET value = excluded.value, mac = excluded.mac",
        params![name, value, m],
    )?;
    Ok(value)
}

fn upload_fields(blob: &str, url: &str, offset: i64, length: i64) -> Vec<Value> {
    vec![json!(blob), json!(url), json!(offset), json!(length)]
}

/// Remembers where a resumable upload stands (the station's URL and confirmed offset).
pub(crate) fn put_upload(
    conn: &Connection,
    keys: &DerivedKeys,
    blob: &str,
    url: &str,
    offset: u64,
    length: u64,
    at: &str,
) -> Result<()> {
    let m = mac(
        keys,
        "uploads",
        &upload_fields(blob, url, offset as i64, length as i64),
    );
    conn.execute(
        "INSERT INTO uploads (blob_name, url, offset, length, updated_at, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(blob_name) DO UPDATE SET url = excluded.url, offset = excluded.offset, length = excluded.length,
            updated_at = excluded.updated_at, mac = excluded.mac",
        params![blob, url, offset, length, at, m],
    )?;
    Ok(())
}

/// Where a resumable upload stands, if the row is as this code wrote it (an edited row is not
/// acted on: the upload starts from what the station says).
pub(crate) fn saved_upload(
    conn: &Connection,
    keys: &DerivedKeys,
    blob: &str,
) -> Result<Option<(String, u64)>> {
    let row: Option<(String, i64, i64, Option<Vec<u8>>)> = conn
        .query_row(
            "SELECT url, offset, length, mac FROM uploads WHERE blob_name = ?1",
            [blob],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    Ok(row.and_then(|(url, offset, length, m)| {
        check(
            keys,
            "uploads",
            blob,
            &upload_fields(blob, &url, offset, length),
            m.as_deref(),
        )
        .ok()
        .map(|_| (url, offset.max(0) as u64))
    }))
}

/// Fills the MACs of rows written before schema version 5 (run once, inside that upgrade's
/// transaction, so a crash cannot leave rows without one that are then taken for edited).
pub(crate) fn fill_macs(conn: &Connection, keys: &DerivedKeys) -> Result<()> {
    let profiles: Vec<ProfileRow> = {
        let mut stmt = conn.prepare(&format!("SELECT {PROFILE_COLS} FROM profiles"))?;
        let rows = stmt.query_map([], ProfileRow::read)?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for mut p in profiles {
        p.save(conn, keys, None, None)?;
    }
    let trusted: Vec<(String, Vec<u8>, i64)> = {
        let mut stmt = conn.prepare("SELECT key_id, public_key, revoked FROM trusted_keys")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for (id, k, revoked) in trusted {
        put_trusted_key(conn, keys, &id, &k, revoked != 0)?;
    }
    let instruments: Vec<(String, String, String)> = {
        let mut stmt = conn.prepare("SELECT id, version, definition FROM instruments")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for (id, v, d) in instruments {
        let m = mac(keys, "instruments", &instrument_fields(&id, &v, &d));
        conn.execute(
            "UPDATE instruments SET mac = ?1 WHERE id = ?2 AND version = ?3",
            params![m, id, v],
        )?;
    }
    let outbox: Vec<(String, i64)> = {
        let mut stmt = conn.prepare("SELECT case_id, seq FROM outbox")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for (c, s) in outbox {
        reseal_outbox(conn, keys, &c, s)?;
    }
    let uploads: Vec<(String, String, i64, i64)> = {
        let mut stmt = conn.prepare("SELECT blob_name, url, offset, length FROM uploads")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for (b, u, o, l) in uploads {
        let m = mac(keys, "uploads", &upload_fields(&b, &u, o, l));
        conn.execute(
            "UPDATE uploads SET mac = ?1 WHERE blob_name = ?2",
            params![m, b],
        )?;
    }
    let counters: Vec<(String, i64)> = {
        let mut stmt = conn.prepare("SELECT name, value FROM counters")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for (n, v) in counters {
        let m = mac(keys, "counters", &[json!(n), json!(v)]);
        conn.execute(
            "UPDATE counters SET mac = ?1 WHERE name = ?2",
            params![m, n],
        )?;
    }
    Ok(())
}

/// Signs the head of every case that has entries (the upgrade to schema version 5).
pub(crate) fn sign_existing_heads(
    conn: &Connection,
    signer: &crate::crypto::signing::DeviceSigner,
) -> Result<()> {
    let lasts: Vec<(String, i64, String)> = {
        let mut stmt = conn.prepare(
            "SELECT c.case_id, c.seq, c.entry_hash FROM custody c
             JOIN (SELECT case_id, max(seq) AS seq FROM custody GROUP BY case_id) m ON m.case_id = c.case_id AND m.seq = c.seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for (case, seq, hash) in lasts {
        let id = Uuid::parse_str(&case).map_err(|_| Error::Integrity {
            what: "case id".into(),
        })?;
        write_head(conn, signer, id, seq.max(0) as u64, &hash)?;
    }
    Ok(())
}

fn write_head(
    conn: &Connection,
    signer: &crate::crypto::signing::DeviceSigner,
    case: Uuid,
    seq: u64,
    entry_hash: &str,
) -> Result<()> {
    let head = CaseHead {
        v: HEAD_FORMAT.into(),
        case,
        seq,
        entry_hash: entry_hash.to_string(),
    };
    let sig = signer.sign(&head.bytes()?);
    conn.execute(
        "INSERT INTO case_heads (case_id, seq, entry_hash, signature) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(case_id) DO UPDATE SET seq = excluded.seq, entry_hash = excluded.entry_hash, signature = excluded.signature",
        params![case.to_string(), seq, entry_hash, sig.to_vec()],
    )?;
    Ok(())
}

/// The signed end of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseHead {
    /// Format label.
    pub v: String,
    pub case: Uuid,
    /// The last sequence number.
    pub seq: u64,
    /// SHA-256 of the last entry's signed bytes.
    pub entry_hash: String,
}

/// The label of a case head's canonical JSON.
pub const HEAD_FORMAT: &str = "qorgau-case-head-1";

impl CaseHead {
    /// The exact bytes that are signed.
    pub fn bytes(&self) -> Result<Vec<u8>> {
        crate::canonical::to_bytes(self)
    }
}

/// A head with its signature, as exported and as pushed to the station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHead {
    pub head: CaseHead,
    /// Ed25519 by the device key over [`CaseHead::bytes`], base64.
    pub signature: String,
}

impl SignedHead {
    /// True when the signature is the device's over the head.
    pub fn verifies(&self, key: &PublicKey) -> bool {
        let (Ok(bytes), Ok(sig)) = (self.head.bytes(), B64.decode(&self.signature)) else {
            return false;
        };
        self.head.v == HEAD_FORMAT && key.verify(&bytes, &sig)
    }
}

impl Store {
    /// Moves the head of `case` to (`seq`, `entry_hash`), signed (same transaction as the entry).
    pub(crate) fn put_head(
        &self,
        conn: &Connection,
        case: Uuid,
        seq: u64,
        entry_hash: &str,
    ) -> Result<()> {
        write_head(conn, &self.signer, case, seq, entry_hash)
    }

    /// The signed head of a case as stored (unverified), if it has one.
    pub fn case_head(&self, case: Uuid) -> Result<Option<SignedHead>> {
        let row: Option<(i64, String, Vec<u8>)> = self
            .conn()
            .query_row(
                "SELECT seq, entry_hash, signature FROM case_heads WHERE case_id = ?1",
                [case.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.map(|(seq, entry_hash, sig)| SignedHead {
            head: CaseHead {
                v: HEAD_FORMAT.into(),
                case,
                seq: seq.max(0) as u64,
                entry_hash,
            },
            signature: B64.encode(sig),
        }))
    }

    /// Every row that decides behaviour whose MAC does not match: (table, row key).
    pub fn edited_rows(&self) -> Result<Vec<(String, String)>> {
        let conn = self.conn();
        let keys = self.keys();
        let mut out = Vec::new();
        // A row that no longer reads as the app wrote it (a column of another type) is an edit
        // too; so is a profile whose sealed name no longer opens.
        let ids: Vec<String> = {
            let mut stmt = conn.prepare("SELECT id FROM profiles ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        for id in ids {
            let row = conn.query_row(
                &format!("SELECT {PROFILE_COLS} FROM profiles WHERE id = ?1"),
                [&id],
                ProfileRow::read,
            );
            let info: rusqlite::Result<Vec<u8>> =
                conn.query_row("SELECT info FROM profiles WHERE id = ?1", [&id], |r| {
                    r.get(0)
                });
            let intact = matches!(&row, Ok(p) if p.check(keys).is_ok())
                && info.is_ok_and(|i| {
                    crate::crypto::seal::open(&keys.records, &format!("profiles/{id}"), &i).is_ok()
                });
            if !intact {
                out.push(("profiles".into(), id));
            }
        }
        let mut stmt = conn
            .prepare("SELECT key_id, public_key, revoked, mac FROM trusted_keys ORDER BY key_id")?;
        for r in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<Vec<u8>>>(3)?,
            ))
        })? {
            let (id, k, revoked, m) = r?;
            if check(
                keys,
                "trusted_keys",
                &id,
                &trusted_key_fields(&id, &k, revoked != 0),
                m.as_deref(),
            )
            .is_err()
            {
                out.push(("trusted_keys".into(), id));
            }
        }
        let mut stmt = conn
            .prepare("SELECT id, version, definition, mac FROM instruments ORDER BY id, version")?;
        for r in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<Vec<u8>>>(3)?,
            ))
        })? {
            let (id, v, d, m) = r?;
            if check(
                keys,
                "instruments",
                &id,
                &instrument_fields(&id, &v, &d),
                m.as_deref(),
            )
            .is_err()
            {
                out.push(("instruments".into(), format!("{id} {v}")));
            }
        }
        let mut stmt = conn.prepare("SELECT case_id, seq, blob_name, blob_bytes, acked_at, mac FROM outbox ORDER BY case_id, seq")?;
        for r in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<Vec<u8>>>(5)?,
            ))
        })? {
            let (c, s, b, n, a, m) = r?;
            if check(
                keys,
                "outbox",
                &c,
                &outbox_fields(&c, s, b.as_deref(), n, a.as_deref()),
                m.as_deref(),
            )
            .is_err()
            {
                out.push(("outbox".into(), format!("{c}/{s}")));
            }
        }
        let mut stmt = conn.prepare(
            "SELECT blob_name, url, offset, length, mac FROM uploads ORDER BY blob_name",
        )?;
        for r in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<Vec<u8>>>(4)?,
            ))
        })? {
            let (b, u, o, l, m) = r?;
            if check(
                keys,
                "uploads",
                &b,
                &upload_fields(&b, &u, o, l),
                m.as_deref(),
            )
            .is_err()
            {
                out.push(("uploads".into(), b));
            }
        }
        let mut stmt = conn.prepare("SELECT name, value, mac FROM counters ORDER BY name")?;
        for r in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<Vec<u8>>>(2)?,
            ))
        })? {
            let (n, v, m) = r?;
            if check(keys, "counters", &n, &[json!(n), json!(v)], m.as_deref()).is_err() {
                out.push(("counters".into(), n));
            }
        }
        // The audit rows form a chain (each MAC covers the one before) whose length is a MAC'd
        // counter: an edited, copied, reordered or deleted row, or a cut tail, is reported.
        let mut prev: Vec<u8> = Vec::new();
        let mut count = 0i64;
        for (id, at, actor, action, detail, m) in audit_rows(&conn)? {
            count += 1;
            if check(
                keys,
                "audit",
                &id.to_string(),
                &audit_fields(&at, &actor, &action, &detail, &prev),
                Some(&m),
            )
            .is_err()
            {
                out.push(("audit".into(), id.to_string()));
            }
            prev = m;
        }
        let counted: Option<(i64, Option<Vec<u8>>)> = conn
            .query_row(
                "SELECT value, mac FROM counters WHERE name = ?1",
                [AUDIT_ROWS],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if counted.map_or(0, |(v, _)| v) != count {
            out.push(("audit".into(), "count".into()));
        }
        Ok(out)
    }

    /// Appends a device-level audit row (who did what, no personal data), chained to the row
    /// before it and counted.
    pub(crate) fn audit(&self, conn: &Connection, action: &str, detail: &str) -> Result<()> {
        let at = self.clock().now().utc_rfc3339();
        let actor = self.actor();
        let prev: Vec<u8> = conn
            .query_row("SELECT mac FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or_default();
        let m = mac(
            self.keys(),
            "audit",
            &audit_fields(&at, &actor, action, detail, &prev),
        );
        conn.execute(
            "INSERT INTO audit (at, actor, action, detail, mac) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![at, actor, action, detail, m],
        )?;
        next_counter(conn, self.keys(), AUDIT_ROWS)?;
        Ok(())
    }

    /// The device-level audit log: (time, actor, action, detail), oldest first.
    pub fn audit_log(&self) -> Result<Vec<(String, String, String, String)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT at, actor, action, detail FROM audit ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
