//! The outbox: what is still waiting to reach the station, and what the UI shows about it.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{CustodyEntry, Store};
use crate::error::{Error, Result};

/// What the sync screen shows: nothing may silently stop moving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Custody entries (each with its record) not yet acknowledged by the station.
    pub pending_records: u64,
    /// Bytes of originals still to upload.
    pub pending_bytes: u64,
    /// When the oldest waiting change was made (RFC 3339), if any.
    pub oldest_pending_at: Option<String>,
    pub last_success_at: Option<String>,
    /// The last error in plain words (no personal data), for logs and support.
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// The last problem as a kind, which the apps turn into their own words; `None` after a
    /// sync without problems. Its time is `last_error_at`.
    pub last_problem: Option<crate::sync::SyncProblem>,
}

/// One entry waiting to be sent, with everything the station needs to verify it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub entry: CustodyEntry,
    /// The record's canonical bytes (what the entry's payload hash covers), if it has a record.
    pub record: Option<Vec<u8>>,
    /// The table the record belongs to.
    pub table: Option<&'static str>,
    /// A blob to upload first: its name on the device, and its size.
    pub blob: Option<(String, u64)>,
    pub attempts: u32,
}

impl Store {
    /// Queues custody entry `seq` of `case` for the station, in the transaction that appends it.
    pub(crate) fn outbox_enqueue(
        &self,
        tx: &Transaction<'_>,
        case: Uuid,
        seq: u64,
        at: &str,
    ) -> Result<()> {
        tx.execute(
            "INSERT INTO outbox (case_id, seq, enqueued_at) VALUES (?1, ?2, ?3)",
            params![case.to_string(), seq, at],
        )?;
        super::integrity::reseal_outbox(tx, self.keys(), &case.to_string(), seq as i64)
    }

    /// Names a blob the entry `seq` of `case` needs uploaded before its record (same transaction).
    pub(crate) fn outbox_blob(
        &self,
        tx: &Transaction<'_>,
        case: Uuid,
        seq: u64,
        blob: &str,
        bytes: u64,
    ) -> Result<()> {
        tx.execute(
            "UPDATE outbox SET blob_name = ?1, blob_bytes = ?2 WHERE case_id = ?3 AND seq = ?4",
            params![blob, bytes, case.to_string(), seq],
        )?;
        super::integrity::reseal_outbox(tx, self.keys(), &case.to_string(), seq as i64)
    }

    /// Counts what is waiting, for the UI.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let conn = self.conn();
        let (pending_records, pending_bytes, oldest): (u64, u64, Option<String>) = conn.query_row(
            "SELECT count(*), coalesce(sum(blob_bytes), 0), min(enqueued_at) FROM outbox WHERE acked_at IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        type State = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let state: Option<State> = conn
            .query_row(
                "SELECT last_success_at, last_error, last_error_at, last_problem FROM sync_state WHERE singleton = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (last_success_at, last_error, last_error_at, problem) = state.unwrap_or_default();
        // A kind this build cannot read (written by a newer one) shows as no kind, not an error.
        let last_problem = problem.and_then(|p| serde_json::from_str(&p).ok());
        Ok(SyncStatus {
            pending_records,
            pending_bytes,
            oldest_pending_at: oldest,
            last_success_at,
            last_error,
            last_error_at,
            last_problem,
        })
    }

    /// Queues every custody entry that has no outbox row, with the original its record needs:
    /// entries written before schema version 4 (there was no outbox then, so a phone upgraded
    /// with unsent work would otherwise never send it) and rows deleted since. Runs at open, in
    /// one transaction; returns how many entries it queued. A re-queued entry the station
    /// already has is acknowledged again without duplication.
    pub(crate) fn backfill_outbox(&self) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let missing: Vec<(String, i64, String, Option<String>, String)> = {
            let mut stmt = tx.prepare(
                "SELECT c.case_id, c.seq, c.kind, c.record_id, c.at_utc FROM custody c
                 WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.case_id AND o.seq = c.seq)
                 ORDER BY c.case_id, c.seq",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        for (case, seq, kind, record, at) in &missing {
            tx.execute(
                "INSERT INTO outbox (case_id, seq, enqueued_at) VALUES (?1, ?2, ?3)",
                params![case, seq, at],
            )?;
            let blob_sql = match super::EventKind::parse(kind) {
                Some(super::EventKind::EvidenceAdded) => {
                    Some("SELECT blob_name FROM evidence WHERE id = ?1")
                }
                Some(super::EventKind::StatementRecorded) => {
                    Some("SELECT signature_blob FROM statements WHERE id = ?1")
                }
                Some(k) if k.record_table() == Some("order_events") => {
                    Some("SELECT blob_name FROM order_events WHERE id = ?1")
                }
                _ => None,
            };
            let blob: Option<String> = match (blob_sql, record) {
                (Some(sql), Some(id)) => {
                    tx.query_row(sql, [id], |r| r.get(0)).optional()?.flatten()
                }
                _ => None,
            };
            if let Some(name) = blob {
                // The upload's length is the original's plaintext size: count it. A blob that
                // cannot be read is still named, so the sync reports it instead of skipping it.
                let bytes = self
                    .blobs
                    .stream(self.keys(), &name, |_| Ok(()))
                    .unwrap_or(0);
                tx.execute(
                    "UPDATE outbox SET blob_name = ?1, blob_bytes = ?2 WHERE case_id = ?3 AND seq = ?4",
                    params![name, bytes as i64, case, seq],
                )?;
            }
            super::integrity::reseal_outbox(&tx, self.keys(), case, *seq)?;
        }
        tx.commit()?;
        Ok(missing.len())
    }

    /// Up to `limit` waiting entries, each case's in sequence order (cases oldest first), with
    /// their records' canonical bytes.
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxItem>> {
        let keys: Vec<(String, u64, Option<String>, u64, u32)> = {
            let conn = self.conn();
            let mut stmt = conn.prepare(
                "SELECT o.case_id, o.seq, o.blob_name, o.blob_bytes, o.attempts FROM outbox o
                 JOIN (SELECT case_id, min(enqueued_at) AS first FROM outbox WHERE acked_at IS NULL GROUP BY case_id) c
                   ON c.case_id = o.case_id
                 WHERE o.acked_at IS NULL ORDER BY c.first, o.case_id, o.seq LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(keys.len());
        let mut logs: std::collections::HashMap<String, Vec<CustodyEntry>> = Default::default();
        for (case, seq, blob, bytes, attempts) in keys {
            let case_id = Uuid::parse_str(&case).map_err(|_| Error::Integrity {
                what: "case id".into(),
            })?;
            if !logs.contains_key(&case) {
                logs.insert(case.clone(), self.custody_log(case_id)?);
            }
            let entry = logs[&case]
                .iter()
                .find(|e| e.entry.seq == seq)
                .cloned()
                .ok_or_else(|| Error::Integrity {
                    what: format!(
                        "outbox names custody entry {seq} of case {case}, which is missing"
                    ),
                })?;
            let table = entry.entry.kind.record_table();
            let record = match (table, entry.entry.record) {
                (Some(t), Some(id)) => {
                    let body: Vec<u8> = self.conn().query_row(
                        &format!("SELECT body FROM {t} WHERE id = ?1"),
                        [id.to_string()],
                        |r| r.get(0),
                    )?;
                    Some(self.open_record_bytes(t, &id.to_string(), &body)?)
                }
                _ => None,
            };
            out.push(OutboxItem {
                entry,
                record,
                table,
                blob: blob.map(|b| (b, bytes)),
                attempts,
            });
        }
        Ok(out)
    }

    /// Marks entries acknowledged: the station stored and verified them.
    pub fn outbox_ack(&self, case: Uuid, seqs: &[u64]) -> Result<()> {
        let now = self.clock().now().utc_rfc3339();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for s in seqs {
            tx.execute("UPDATE outbox SET acked_at = ?1, last_error = NULL WHERE case_id = ?2 AND seq = ?3", params![now, case.to_string(), s])?;
            super::integrity::reseal_outbox(&tx, self.keys(), &case.to_string(), *s as i64)?;
        }
        tx.execute(
            "INSERT INTO sync_state (singleton, last_success_at) VALUES (1, ?1)
             ON CONFLICT(singleton) DO UPDATE SET last_success_at = excluded.last_success_at",
            [&now],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Signs a sync request's signing text (see [`crate::sync::protocol::signing_text`]) with
    /// the device key. Only texts of that form are signed.
    pub fn sign_request(&self, text: &str) -> Result<[u8; 64]> {
        if !text.starts_with("QORGAU-REQ-2\n") {
            return Err(Error::invalid("request", "not a request signing text"));
        }
        Ok(self.signer.sign(text.as_bytes()))
    }

    /// Signs an enrolment claim (proof that this device holds its key); nothing else.
    pub fn sign_enrolment(&self, claim_bytes: &[u8]) -> Result<[u8; 64]> {
        if !claim_bytes.starts_with(b"QORGAU-ENROL-REQUEST-1\n") {
            return Err(Error::invalid("request", "not an enrolment claim"));
        }
        Ok(self.signer.sign(claim_bytes))
    }

    /// Records a finished enrolment in one transaction: the station's key (trusted for
    /// registries and instruments), its address and the TLS root the phone trusts from now on.
    pub fn record_enrolment(
        &self,
        station_key: crate::crypto::signing::PublicKey,
        url: &str,
        ca_pem: Option<&[u8]>,
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        super::registry::trust_station_key_in(&tx, self.keys(), station_key)?;
        self.audit(
            &tx,
            "enrolled",
            &format!(
                "station {url}, key fingerprint {}",
                station_key.fingerprint()
            ),
        )?;
        tx.execute(
            "INSERT INTO sync_state (singleton, station_url, station_ca) VALUES (1, ?1, ?2)
             ON CONFLICT(singleton) DO UPDATE SET station_url = excluded.station_url, station_ca = excluded.station_ca",
            params![url, ca_pem],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Remembers the station this device is enrolled with.
    pub fn set_station(&self, url: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO sync_state (singleton, station_url) VALUES (1, ?1)
             ON CONFLICT(singleton) DO UPDATE SET station_url = excluded.station_url",
            [url],
        )?;
        Ok(())
    }

    /// Remembers the station's own CA certificate (PEM) for https.
    pub fn set_station_ca(&self, pem: &[u8]) -> Result<()> {
        self.conn().execute(
            "INSERT INTO sync_state (singleton, station_ca) VALUES (1, ?1)
             ON CONFLICT(singleton) DO UPDATE SET station_ca = excluded.station_ca",
            [pem],
        )?;
        Ok(())
    }

    /// The station's CA certificate, if one was given at enrolment.
    pub fn station_ca(&self) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT station_ca FROM sync_state WHERE singleton = 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// The station this device is enrolled with, if any.
    pub fn station(&self) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT station_url FROM sync_state WHERE singleton = 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Where a resumable upload of `blob` stands, as the sync client left it (an edited row is
    /// not acted on).
    pub(crate) fn saved_upload(&self, blob: &str) -> Result<Option<(String, u64)>> {
        super::integrity::saved_upload(&self.conn(), self.keys(), blob)
    }

    /// Remembers where a resumable upload stands.
    pub(crate) fn remember_upload(
        &self,
        blob: &str,
        url: &str,
        offset: u64,
        length: u64,
    ) -> Result<()> {
        super::integrity::put_upload(
            &self.conn(),
            self.keys(),
            blob,
            url,
            offset,
            length,
            &self.clock().now().utc_rfc3339(),
        )
    }

    /// Records the end of a sync that went through, with the problem it met, if any (some
    /// entries refused, the registry not updated) in words and as a kind.
    pub fn sync_finished(&self, problem: Option<(crate::sync::SyncProblem, &str)>) -> Result<()> {
        let now = self.clock().now().utc_rfc3339();
        let (kind, words) = match problem {
            Some((p, w)) => (Some(serde_json::to_string(&p)?), Some(w.to_string())),
            None => (None, None),
        };
        self.conn().execute(
            "INSERT INTO sync_state (singleton, last_success_at, last_error, last_error_at, last_problem)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT(singleton) DO UPDATE SET last_success_at = excluded.last_success_at,
                last_error = excluded.last_error, last_error_at = excluded.last_error_at,
                last_problem = excluded.last_problem",
            params![now, words, words.as_ref().map(|_| now.clone()), kind],
        )?;
        Ok(())
    }

    /// Records a sync that failed, in words (no personal data) and as a kind.
    pub fn sync_failed(&self, failure: crate::sync::SyncFailure, words: &str) -> Result<()> {
        let now = self.clock().now().utc_rfc3339();
        let kind = serde_json::to_string(&crate::sync::SyncProblem::Failed { failure })?;
        self.conn().execute(
            "INSERT INTO sync_state (singleton, last_error, last_error_at, last_problem) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(singleton) DO UPDATE SET last_error = excluded.last_error,
                last_error_at = excluded.last_error_at, last_problem = excluded.last_problem",
            params![words, now, kind],
        )?;
        Ok(())
    }

    /// Records the station's refusal of one entry (kept on the phone with the reason).
    pub fn outbox_refused(&self, case: Uuid, seq: u64, reason: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?1 WHERE case_id = ?2 AND seq = ?3",
            params![reason, case.to_string(), seq],
        )?;
        Ok(())
    }
}
