//! Opening and reading cases.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::{EventKind, Recorded, Store};
use crate::error::{Error, Result};
use crate::model::{Case, CaseStatus, Evidence, NewCase, Person, Statement};

/// A line in the case list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CaseSummary {
    pub case: Case,
    pub status: CaseStatus,
    pub people: u32,
    pub evidence: u32,
    pub statements: u32,
    pub custody_entries: u64,
}

/// Everything on a case, decrypted.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CaseFile {
    pub case: Case,
    pub status: CaseStatus,
    pub people: Vec<Person>,
    pub evidence: Vec<Evidence>,
    /// All statement versions, oldest first.
    pub statements: Vec<Statement>,
    pub custody_entries: u64,
}

impl Store {
    /// Opens a case and logs `case_opened` as the chain's first entry.
    pub fn open_case(&self, mut new: NewCase) -> Result<Recorded<Case>> {
        new.validate()?;
        let at = self.clock().now();
        let case = Case {
            id: Uuid::new_v4(),
            opened_at: at,
            location: new.location,
            trigger: new.trigger,
            categories: new.categories,
            team: new.team,
            summary: new.summary.filter(|s| !s.trim().is_empty()),
            device_id: self.device().device_id,
        };
        let id = case.id.to_string();
        let sealed = self.seal_record("cases", &id, &case)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO cases (id, opened_at, body) VALUES (?1, ?2, ?3)",
            params![id, at.utc_rfc3339(), sealed.sealed],
        )?;
        let seq = self.append_custody(
            &tx,
            case.id,
            EventKind::CaseOpened,
            Some(case.id),
            None,
            sealed.sha256,
            at,
        )?;
        tx.commit()?;
        Ok(Recorded {
            record: case,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }

    /// Fails with [`Error::NotFound`] unless the case exists.
    pub(crate) fn require_case(&self, id: Uuid) -> Result<()> {
        let found: Option<i64> = self
            .conn()
            .query_row("SELECT 1 FROM cases WHERE id = ?1", [id.to_string()], |r| {
                r.get(0)
            })
            .optional()?;
        found.map(|_| ()).ok_or(Error::NotFound {
            kind: "case",
            id: id.to_string(),
        })
    }

    /// The case as opened.
    pub fn case(&self, id: Uuid) -> Result<Case> {
        let body: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT body FROM cases WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let body = body.ok_or(Error::NotFound {
            kind: "case",
            id: id.to_string(),
        })?;
        self.open_record("cases", &id.to_string(), &body)
    }

    /// All cases on the device, newest first.
    pub fn list_cases(&self) -> Result<Vec<CaseSummary>> {
        let ids: Vec<String> = {
            let conn = self.conn();
            let mut stmt = conn.prepare("SELECT id FROM cases ORDER BY opened_at DESC, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let id = Uuid::parse_str(&id).map_err(|_| Error::Integrity {
                what: "case id".into(),
            })?;
            let case = self.case(id)?;
            let conn = self.conn();
            let count = |table: &str| -> Result<u32> {
                Ok(conn.query_row(
                    &format!("SELECT count(*) FROM {table} WHERE case_id = ?1"),
                    [id.to_string()],
                    |r| r.get(0),
                )?)
            };
            let (people, evidence, statements) =
                (count("people")?, count("evidence")?, count("statements")?);
            let custody_entries: u64 = conn.query_row(
                "SELECT count(*) FROM custody WHERE case_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )?;
            out.push(CaseSummary {
                case,
                status: CaseStatus::Open,
                people,
                evidence,
                statements,
                custody_entries,
            });
        }
        Ok(out)
    }

    /// Everything on a case, decrypted.
    pub fn case_file(&self, id: Uuid) -> Result<CaseFile> {
        let case = self.case(id)?;
        let people = self.people(id)?;
        let evidence = self.evidence_list(id)?;
        let statements = self.statements(id)?;
        let custody_entries: u64 = self.conn().query_row(
            "SELECT count(*) FROM custody WHERE case_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?;
        Ok(CaseFile {
            case,
            status: CaseStatus::Open,
            people,
            evidence,
            statements,
            custody_entries,
        })
    }

    /// Reads the sealed bodies of `table` rows of a case, oldest (by custody order) first.
    pub(crate) fn bodies_of_case(&self, table: &str, case: Uuid) -> Result<Vec<(String, Vec<u8>)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT t.id, t.body FROM {table} t
             LEFT JOIN custody c ON c.case_id = t.case_id AND c.record_id = t.id
             WHERE t.case_id = ?1 ORDER BY c.seq, t.id"
        ))?;
        let rows = stmt.query_map([case.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
