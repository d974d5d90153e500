//! `verify(case)`: re-hash every stored original and check every record, link and signature
//! of the custody chain, reporting precisely the first thing that does not match.

use std::collections::HashSet;

use serde::Serialize;
use uuid::Uuid;

use crate::crypto::hash::Sha256;
use crate::crypto::seal;
use crate::error::{Error, Result};
use crate::model::{
    AssessmentSummary, Case, Evidence, Intervention, OrderEvent, OrderEventKind, Person,
    ProtectionOrder, Referral, ReferralUpdate, Service, Statement,
};
use crate::store::{BlobDir, CustodyEntry, EventKind, Store};

/// The first thing that did not match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyFailure {
    /// The custody entry concerned, if any.
    pub seq: Option<u64>,
    /// The record concerned (table/id), if any.
    pub record: Option<String>,
    /// The stored file concerned (original, thumbnail, signature image), if any.
    pub file: Option<String>,
    /// What was checked.
    pub what: String,
    pub expected: String,
    pub found: String,
}

impl std::fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.what)?;
        if let Some(s) = self.seq {
            write!(f, " at custody entry {s}")?;
        }
        if let Some(r) = &self.record {
            write!(f, ", record {r}")?;
        }
        if let Some(file) = &self.file {
            write!(f, ", file {file}")?;
        }
        write!(f, ": expected {}, found {}", self.expected, self.found)
    }
}

/// The outcome of verifying a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub case_id: Uuid,
    pub ok: bool,
    pub entries_checked: u64,
    pub records_checked: u64,
    pub files_checked: u64,
    pub bytes_hashed: u64,
    pub failure: Option<VerifyFailure>,
}

struct Checker<'a> {
    store: &'a Store,
    case: Uuid,
    report: VerifyReport,
}

type Check<T = ()> = std::result::Result<T, VerifyFailure>;

fn fail(
    seq: Option<u64>,
    record: Option<String>,
    file: Option<String>,
    what: &str,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> VerifyFailure {
    VerifyFailure {
        seq,
        record,
        file,
        what: what.into(),
        expected: expected.into(),
        found: found.into(),
    }
}

impl Store {
    /// Verifies a case: every custody entry's sequence, link, hash and signature; every
    /// record's hash against its entry; every original, thumbnail and signature image against
    /// its recorded SHA-256; and that no record exists outside the chain. Only an unknown case
    /// or an internal failure is an `Err`; anything that does not match is in the report.
    pub fn verify(&self, case: Uuid) -> Result<VerifyReport> {
        let missing = self.require_case(case).err();
        let mut c = Checker {
            store: self,
            case,
            report: VerifyReport {
                case_id: case,
                ok: false,
                entries_checked: 0,
                records_checked: 0,
                files_checked: 0,
                bytes_hashed: 0,
                failure: None,
            },
        };
        if let Some(e) = missing {
            // The case's record gone while its chain or signed head is still here: the case was
            // cut out with SQL. That is a finding, not an unknown case.
            let traces: i64 = self.conn().query_row(
                "SELECT (SELECT count(*) FROM custody WHERE case_id = ?1)
                      + (SELECT count(*) FROM case_heads WHERE case_id = ?1)",
                [case.to_string()],
                |r| r.get(0),
            )?;
            if traces == 0 {
                return Err(e);
            }
            c.report.failure = Some(fail(
                None,
                Some(format!("cases/{case}")),
                None,
                "case record",
                "present",
                "missing",
            ));
            return Ok(c.report);
        }
        match c.run() {
            Ok(Ok(())) => c.report.ok = true,
            Ok(Err(f)) => c.report.failure = Some(f),
            Err(e) => return Err(e),
        }
        Ok(c.report)
    }
}

impl Checker<'_> {
    fn run(&mut self) -> Result<Check> {
        let entries = match self.store.custody_log(self.case) {
            Ok(e) => e,
            Err(Error::Integrity { what }) => {
                return Ok(Err(fail(
                    None,
                    None,
                    None,
                    "custody log",
                    "well-formed entries",
                    what,
                )))
            }
            Err(e) => return Err(e),
        };
        // Every case begins with the entry that logs its opening: a case row without a chain
        // was not written by the app.
        if entries.first().map(|e| e.entry.kind) != Some(EventKind::CaseOpened) {
            return Ok(Err(fail(
                Some(1),
                Some(format!("cases/{}", self.case)),
                None,
                "custody log",
                "entry 1 logging the case's opening",
                entries.first().map_or("no entries".to_string(), |e| {
                    e.entry.kind.as_str().to_string()
                }),
            )));
        }
        let key = self.store.device().public_key;
        let mut prev = Sha256::ZERO.hex();
        let mut referenced = HashSet::new();
        for (i, e) in entries.iter().enumerate() {
            let seq = e.entry.seq;
            let want_seq = i as u64 + 1;
            if seq != want_seq {
                return Ok(Err(fail(
                    Some(want_seq),
                    None,
                    None,
                    "sequence number",
                    want_seq.to_string(),
                    seq.to_string(),
                )));
            }
            if e.entry.device != self.store.device().device_id {
                return Ok(Err(fail(
                    Some(seq),
                    None,
                    None,
                    "signing device",
                    self.store.device().device_id.to_string(),
                    e.entry.device.to_string(),
                )));
            }
            if e.entry.prev != prev {
                return Ok(Err(fail(
                    Some(seq),
                    None,
                    None,
                    "link to previous entry",
                    prev,
                    e.entry.prev.clone(),
                )));
            }
            if let Err((what, expected, found)) = e.check_self(&key) {
                return Ok(Err(fail(Some(seq), None, None, &what, expected, found)));
            }
            if i == 0
                && (e.entry.kind != EventKind::CaseOpened || e.entry.record != Some(self.case))
            {
                return Ok(Err(fail(
                    Some(seq),
                    None,
                    None,
                    "first entry",
                    "case_opened for this case",
                    e.entry.kind.as_str(),
                )));
            }
            prev = e.entry_hash.clone();
            self.report.entries_checked += 1;
            let r = self.check_payload(e, &mut referenced)?;
            if r.is_err() {
                return Ok(r);
            }
        }
        // Entries or records filed under a case that does not exist (a changed case id).
        let orphan_sql = format!(
            "SELECT {}",
            std::iter::once("custody")
                .chain(crate::store::RECORD_TABLES.iter().copied())
                .map(|t| format!(
                    "(SELECT count(*) FROM {t} WHERE case_id NOT IN (SELECT id FROM cases))"
                ))
                .collect::<Vec<_>>()
                .join(" + ")
        );
        let orphans: i64 = self.store.conn().query_row(&orphan_sql, [], |r| r.get(0))?;
        if orphans > 0 {
            return Ok(Err(fail(
                None,
                None,
                None,
                "rows filed under an unknown case",
                "0",
                orphans.to_string(),
            )));
        }
        if entries.is_empty() {
            return Ok(Err(fail(
                None,
                None,
                None,
                "custody log",
                "at least the case_opened entry",
                "no entries",
            )));
        }
        // The chain must reach its signed head: deleting the last entries leaves a shorter chain
        // that is valid in itself but no longer ends where the device said it ended.
        let (last_seq, last_hash) = entries
            .last()
            .map(|e| (e.entry.seq, e.entry_hash.clone()))
            .unwrap_or_default();
        match self.store.case_head(self.case)? {
            None => {
                return Ok(Err(fail(
                    None,
                    None,
                    None,
                    "signed case head",
                    "the head of the chain",
                    "none",
                )))
            }
            Some(h) if h.head.case != self.case || !h.verifies(&key) => {
                return Ok(Err(fail(
                    Some(h.head.seq),
                    None,
                    None,
                    "signature of the case head",
                    "the device's signature",
                    "not valid",
                )));
            }
            Some(h) if h.head.seq != last_seq || h.head.entry_hash != last_hash => {
                return Ok(Err(fail(
                    Some(h.head.seq),
                    None,
                    None,
                    "end of the chain (signed head)",
                    format!("entry {} ({})", h.head.seq, h.head.entry_hash),
                    format!("entry {last_seq} ({last_hash})"),
                )));
            }
            Some(_) => {}
        }
        // Rows that decide what the app does must be as the app wrote them.
        if let Some((table, key)) = self.store.edited_rows()?.into_iter().next() {
            return Ok(Err(fail(
                None,
                Some(format!("{table}/{key}")),
                None,
                "row authentication (MAC)",
                "as the app wrote it",
                "changed outside the app",
            )));
        }
        // Every record row of the case must be in the chain.
        for table in crate::store::RECORD_TABLES {
            let ids: Vec<String> = {
                let conn = self.store.conn();
                let mut stmt = conn.prepare(&format!(
                    "SELECT id FROM {table} WHERE case_id = ?1 ORDER BY id"
                ))?;
                let rows = stmt.query_map([self.case.to_string()], |r| r.get(0))?;
                rows.collect::<std::result::Result<_, _>>()?
            };
            for id in ids {
                if !referenced.contains(&format!("{table}/{id}")) {
                    return Ok(Err(fail(
                        None,
                        Some(format!("{table}/{id}")),
                        None,
                        "record in custody log",
                        "an entry logging this record",
                        "none",
                    )));
                }
            }
        }
        Ok(Ok(()))
    }

    fn check_payload(
        &mut self,
        e: &CustodyEntry,
        referenced: &mut HashSet<String>,
    ) -> Result<Check> {
        let seq = Some(e.entry.seq);
        let Some(table) = e.entry.kind.record_table() else {
            let Some(detail) = &e.detail else {
                return Ok(Err(fail(
                    seq,
                    None,
                    None,
                    "event detail",
                    "detail text",
                    "none",
                )));
            };
            let h = Sha256::of(detail.as_bytes()).hex();
            if h != e.entry.payload {
                return Ok(Err(fail(
                    seq,
                    None,
                    None,
                    "event detail hash",
                    e.entry.payload.clone(),
                    h,
                )));
            }
            return Ok(Ok(()));
        };
        // An entry that logs a record carries no detail: text added beside it would be shown
        // (in exports) as if it were part of the signed entry.
        if e.detail.is_some() {
            return Ok(Err(fail(
                seq,
                None,
                None,
                "event detail",
                "none (the entry logs a record)",
                "detail text",
            )));
        }
        let Some(id) = e.entry.record else {
            return Ok(Err(fail(
                seq,
                None,
                None,
                "record reference",
                format!("a {table} record"),
                "none",
            )));
        };
        let rec = format!("{table}/{id}");
        if !referenced.insert(rec.clone()) {
            return Ok(Err(fail(
                seq,
                Some(rec),
                None,
                "record logged once",
                "one entry",
                "a second entry",
            )));
        }
        let case_col = if table == "cases" { "id" } else { "case_id" };
        let row: Option<(String, Vec<u8>)> = {
            let conn = self.store.conn();
            rusqlite::OptionalExtension::optional(conn.query_row(
                &format!("SELECT {case_col}, body FROM {table} WHERE id = ?1"),
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            ))?
        };
        let Some((row_case, body)) = row else {
            return Ok(Err(fail(
                seq,
                Some(rec),
                None,
                "record present",
                "stored record",
                "missing",
            )));
        };
        if row_case != self.case.to_string() {
            return Ok(Err(fail(
                seq,
                Some(rec),
                None,
                "record's case",
                self.case.to_string(),
                row_case,
            )));
        }
        let bytes = match self.store.open_record_bytes(table, &id.to_string(), &body) {
            Ok(b) => b,
            Err(Error::Integrity { .. }) => {
                return Ok(Err(fail(
                    seq,
                    Some(rec),
                    None,
                    "record decryption",
                    "authentic sealed record",
                    "altered or corrupt",
                )))
            }
            Err(e) => return Err(e),
        };
        let h = Sha256::of(&bytes).hex();
        if h != e.entry.payload {
            return Ok(Err(fail(
                seq,
                Some(rec),
                None,
                "record hash",
                e.entry.payload.clone(),
                h,
            )));
        }
        self.report.records_checked += 1;
        let r = self.check_clear_columns(seq, &rec, table, id, &bytes)?;
        if r.is_err() {
            return Ok(r);
        }
        match table {
            "evidence" => {
                let ev: Evidence = serde_json::from_slice(&bytes)?;
                self.check_evidence(seq, &rec, &ev)
            }
            "statements" => {
                let st: Statement = serde_json::from_slice(&bytes)?;
                let name: Option<String> = self.store.conn().query_row(
                    "SELECT signature_blob FROM statements WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                match (&st.signature, name) {
                    (None, None) => Ok(Ok(())),
                    (Some(sig), Some(name)) => {
                        self.check_blob(seq, &rec, &name, &sig.sha256, Some(sig.size_bytes))
                    }
                    (want, got) => Ok(Err(fail(
                        seq,
                        Some(rec),
                        None,
                        "signature image",
                        format!("{}", want.is_some()),
                        format!("{}", got.is_some()),
                    ))),
                }
            }
            "order_events" => {
                let ev: OrderEvent = serde_json::from_slice(&bytes)?;
                match &ev.event {
                    OrderEventKind::Served {
                        service: Service::Signed { signature_sha256 },
                    } => {
                        let Some(h) = Sha256::from_hex(signature_sha256) else {
                            return Ok(Err(fail(
                                seq,
                                Some(rec),
                                None,
                                "signature hash",
                                "64 hex digits",
                                signature_sha256.clone(),
                            )));
                        };
                        let name = BlobDir::name_for(self.store.keys(), &h);
                        // The served order records the image's hash only; its size is not checked.
                        self.check_blob(seq, &rec, &name, signature_sha256, None)
                    }
                    _ => Ok(Ok(())),
                }
            }
            _ => Ok(Ok(())),
        }
    }

    /// The few columns kept in clear for queries must say what the sealed record says.
    fn check_clear_columns(
        &mut self,
        seq: Option<u64>,
        rec: &str,
        table: &str,
        id: Uuid,
        bytes: &[u8],
    ) -> Result<Check> {
        let conn = self.store.conn();
        let (what, expected, found): (&str, String, String) = match table {
            "cases" => {
                let c: Case = serde_json::from_slice(bytes)?;
                let col: String = conn.query_row(
                    "SELECT opened_at FROM cases WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                ("opened_at column", c.opened_at.utc_rfc3339(), col)
            }
            "people" => {
                let p: Person = serde_json::from_slice(bytes)?;
                let col: Option<Vec<u8>> = conn.query_row(
                    "SELECT iin_hash FROM people WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                let want = p.iin.as_ref().map(|i| self.store.iin_lookup_hash(i));
                (
                    "iin_hash column",
                    want.map(hex::encode).unwrap_or_default(),
                    col.map(hex::encode).unwrap_or_default(),
                )
            }
            "evidence" => {
                let e: Evidence = serde_json::from_slice(bytes)?;
                let col: String = conn.query_row(
                    "SELECT kind FROM evidence WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                ("kind column", e.kind.as_str().to_string(), col)
            }
            "statements" => {
                let s: Statement = serde_json::from_slice(bytes)?;
                let (person, sup): (String, Option<String>) = conn.query_row(
                    "SELECT person_id, supersedes FROM statements WHERE id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                (
                    "person_id and supersedes columns",
                    format!("{} {:?}", s.person_id, s.supersedes.map(|u| u.to_string())),
                    format!("{person} {sup:?}"),
                )
            }
            "orders" => {
                let o: ProtectionOrder = serde_json::from_slice(bytes)?;
                let (n, r): (String, String) = conn.query_row(
                    "SELECT number, restricted FROM orders WHERE id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                (
                    "number and restricted columns",
                    format!("{} {}", o.number, o.restricted_person),
                    format!("{n} {r}"),
                )
            }
            "order_events" => {
                let e: OrderEvent = serde_json::from_slice(bytes)?;
                let (o, blob): (String, Option<String>) = conn.query_row(
                    "SELECT order_id, blob_name FROM order_events WHERE id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                let want_blob = match &e.event {
                    OrderEventKind::Served {
                        service: Service::Signed { signature_sha256 },
                    } => Sha256::from_hex(signature_sha256)
                        .map(|h| BlobDir::name_for(self.store.keys(), &h)),
                    _ => None,
                };
                (
                    "order_id and blob_name columns",
                    format!("{} {:?}", e.order_id, want_blob),
                    format!("{o} {blob:?}"),
                )
            }
            "interventions" => {
                let i: Intervention = serde_json::from_slice(bytes)?;
                let (p, n): (String, Option<String>) = conn.query_row(
                    "SELECT person_id, next_check FROM interventions WHERE id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                (
                    "person_id and next_check columns",
                    format!("{} {:?}", i.person_id, i.next_check.map(|d| d.to_string())),
                    format!("{p} {n:?}"),
                )
            }
            "referrals" => {
                let r: Referral = serde_json::from_slice(bytes)?;
                let p: String = conn.query_row(
                    "SELECT person_id FROM referrals WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                ("person_id column", r.person_id.to_string(), p)
            }
            "referral_updates" => {
                let u: ReferralUpdate = serde_json::from_slice(bytes)?;
                let r: String = conn.query_row(
                    "SELECT referral_id FROM referral_updates WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                ("referral_id column", u.referral_id.to_string(), r)
            }
            "assessments" => {
                let a: AssessmentSummary = serde_json::from_slice(bytes)?;
                let (sv, clinical): (String, Vec<u8>) = conn.query_row(
                    "SELECT survivor_id, clinical FROM assessments WHERE id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                // The clinical part cannot be decrypted here; its ciphertext hash is in the record.
                (
                    "survivor_id column and clinical ciphertext",
                    format!("{} {}", a.survivor_id, a.clinical_sha256),
                    format!("{sv} {}", Sha256::of(&clinical).hex()),
                )
            }
            _ => return Ok(Ok(())),
        };
        if expected != found {
            return Ok(Err(fail(
                seq,
                Some(rec.into()),
                None,
                what,
                expected,
                found,
            )));
        }
        Ok(Ok(()))
    }

    fn check_evidence(&mut self, seq: Option<u64>, rec: &str, ev: &Evidence) -> Result<Check> {
        let name: String = self.store.evidence_blob_name(ev.id)?;
        let r = self.check_blob(seq, rec, &name, &ev.sha256, Some(ev.size_bytes))?;
        if r.is_err() {
            return Ok(r);
        }
        let thumb: Option<Vec<u8>> = self.store.conn().query_row(
            "SELECT thumbnail FROM evidence WHERE id = ?1",
            [ev.id.to_string()],
            |r| r.get(0),
        )?;
        let file = Some(format!("thumbnail of evidence {}", ev.id));
        match (&ev.thumbnail_sha256, thumb) {
            (None, None) => Ok(Ok(())),
            (Some(want), Some(sealed)) => {
                let aad = format!("evidence-thumb/{}", ev.id);
                let Ok(plain) = seal::open(&self.store.keys().records, &aad, &sealed) else {
                    return Ok(Err(fail(
                        seq,
                        Some(rec.into()),
                        file,
                        "thumbnail decryption",
                        "authentic sealed thumbnail",
                        "altered or corrupt",
                    )));
                };
                self.report.files_checked += 1;
                let h = Sha256::of(&plain).hex();
                if &h != want {
                    return Ok(Err(fail(
                        seq,
                        Some(rec.into()),
                        file,
                        "thumbnail hash",
                        want.clone(),
                        h,
                    )));
                }
                Ok(Ok(()))
            }
            (want, got) => Ok(Err(fail(
                seq,
                Some(rec.into()),
                file,
                "thumbnail present",
                format!("{}", want.is_some()),
                format!("{}", got.is_some()),
            ))),
        }
    }

    fn check_blob(
        &mut self,
        seq: Option<u64>,
        rec: &str,
        name: &str,
        want_sha: &str,
        want_size: Option<u64>,
    ) -> Result<Check> {
        let file = Some(format!("blobs/{}/{}", &name[..2.min(name.len())], name));
        let Some(want) = Sha256::from_hex(want_sha) else {
            return Ok(Err(fail(
                seq,
                Some(rec.into()),
                file,
                "recorded hash",
                "64 hex digits",
                want_sha,
            )));
        };
        if name != BlobDir::name_for(self.store.keys(), &want) {
            return Ok(Err(fail(
                seq,
                Some(rec.into()),
                file,
                "blob name",
                BlobDir::name_for(self.store.keys(), &want),
                name,
            )));
        }
        match self.store.blobs().read(self.store.keys(), name, |_| Ok(())) {
            Ok((sha, size)) => {
                self.report.files_checked += 1;
                self.report.bytes_hashed += size;
                if sha != want {
                    return Ok(Err(fail(
                        seq,
                        Some(rec.into()),
                        file,
                        "original hash",
                        want_sha,
                        sha.hex(),
                    )));
                }
                if let Some(want) = want_size.filter(|w| *w != size) {
                    return Ok(Err(fail(
                        seq,
                        Some(rec.into()),
                        file,
                        "original size",
                        want.to_string(),
                        size.to_string(),
                    )));
                }
                Ok(Ok(()))
            }
            Err(Error::Integrity { what }) => Ok(Err(fail(
                seq,
                Some(rec.into()),
                file,
                "original decryption",
                "authentic encrypted original",
                what,
            ))),
            Err(e) => Err(e),
        }
    }
}
