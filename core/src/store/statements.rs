//! Statements: recorded, refused, corrected (as new versions).

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::{EventKind, Recorded, Store};
use crate::error::{Error, Result};
use crate::media;
use crate::model::{
    Consent, Language, MediaKind, NewStatement, SignatureRef, Statement, StatementKind,
};

/// The most bytes a signature image may have.
const MAX_SIGNATURE_BYTES: usize = 2 * 1024 * 1024;

impl Store {
    /// Records a statement given by a person on the case; logs `statement_recorded`.
    pub fn record_statement(&self, case: Uuid, new: NewStatement) -> Result<Recorded<Statement>> {
        if new.text.trim().is_empty() {
            return Err(Error::EmptyStatement);
        }
        self.insert_statement(case, StatementKind::Given, new, None)
    }

    /// Records that a person declined to give a statement, with the reason if they gave one.
    pub fn record_refusal(
        &self,
        case: Uuid,
        person_id: Uuid,
        language: Language,
        reason: &str,
        taken_by: &str,
    ) -> Result<Recorded<Statement>> {
        let new = NewStatement {
            person_id,
            language,
            text: reason.trim().to_string(),
            taken_by: taken_by.to_string(),
            consent: Consent::default(),
            signature_png: None,
        };
        self.insert_statement(case, StatementKind::Refused, new, None)
    }

    /// Records a correction of a statement as a new version linked to the one it replaces. The
    /// replaced version stays stored and logged, unchanged.
    pub fn correct_statement(
        &self,
        replaces: Uuid,
        new: NewStatement,
    ) -> Result<Recorded<Statement>> {
        if new.text.trim().is_empty() {
            return Err(Error::EmptyStatement);
        }
        let old = self.statement(replaces)?;
        if old.person_id != new.person_id {
            return Err(Error::Conflict(
                "a correction must be by the same person as the statement it corrects".into(),
            ));
        }
        self.insert_statement(old.case_id, StatementKind::Given, new, Some(&old))
    }

    fn insert_statement(
        &self,
        case: Uuid,
        kind: StatementKind,
        new: NewStatement,
        replaces: Option<&Statement>,
    ) -> Result<Recorded<Statement>> {
        self.require_case(case)?;
        let person = self.person(new.person_id)?;
        if person.case_id != case {
            return Err(Error::NotFound {
                kind: "person on this case",
                id: new.person_id.to_string(),
            });
        }
        if new.taken_by.trim().is_empty() {
            return Err(Error::invalid(
                "taken_by",
                "the badge number of who took the statement",
            ));
        }
        let (signature, signature_blob) = match &new.signature_png {
            Some(img) => {
                if img.len() > MAX_SIGNATURE_BYTES {
                    return Err(Error::invalid("signature", "image larger than 2 MiB"));
                }
                let sniffed = media::sniff(img)?;
                if sniffed.kind != MediaKind::Photo {
                    return Err(Error::WrongMediaKind {
                        expected: "an image",
                        found: sniffed.mime,
                    });
                }
                // Decoding proves the image is whole; the preview itself is not kept.
                media::platform_thumbnail(img)?;
                let put =
                    self.blobs()
                        .put_stream(self.keys(), img, std::io::empty(), |_| Ok(()))?;
                (
                    Some(SignatureRef {
                        sha256: put.sha256.hex(),
                        media_type: sniffed.mime,
                        size_bytes: put.size,
                    }),
                    Some(put.name),
                )
            }
            None => (None, None),
        };
        let at = self.clock().now();
        let statement = Statement {
            id: Uuid::new_v4(),
            case_id: case,
            person_id: new.person_id,
            kind,
            language: new.language,
            text: new.text,
            taken_by: new.taken_by.trim().to_string(),
            taken_at: at,
            consent: new.consent,
            signature,
            version: replaces.map_or(1, |r| r.version + 1),
            supersedes: replaces.map(|r| r.id),
        };
        let id = statement.id.to_string();
        let sealed = self.seal_record("statements", &id, &statement)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO statements (id, case_id, person_id, supersedes, signature_blob, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                case.to_string(),
                statement.person_id.to_string(),
                statement.supersedes.map(|s| s.to_string()),
                signature_blob,
                sealed.sealed
            ],
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                Error::Conflict("that statement version was already corrected; correct the latest version".into())
            }
            _ => e.into(),
        })?;
        let seq = self.append_custody(
            &tx,
            case,
            EventKind::StatementRecorded,
            Some(statement.id),
            None,
            sealed.sha256,
            at,
        )?;
        if let (Some(name), Some(sig)) = (&signature_blob, &statement.signature) {
            self.outbox_blob(&tx, case, seq, name, sig.size_bytes)?;
        }
        tx.commit()?;
        Ok(Recorded {
            record: statement,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }

    /// One statement version.
    pub fn statement(&self, id: Uuid) -> Result<Statement> {
        let body: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT body FROM statements WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let body = body.ok_or(Error::NotFound {
            kind: "statement",
            id: id.to_string(),
        })?;
        self.open_record("statements", &id.to_string(), &body)
    }

    /// Every statement version on a case, in the order recorded.
    pub fn statements(&self, case: Uuid) -> Result<Vec<Statement>> {
        self.bodies_of_case("statements", case)?
            .into_iter()
            .map(|(id, b)| self.open_record("statements", &id, &b))
            .collect()
    }

    /// The signature image of a statement, if it has one.
    pub fn statement_signature(&self, id: Uuid) -> Result<Option<Vec<u8>>> {
        let name: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT signature_blob FROM statements WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match name.ok_or(Error::NotFound {
            kind: "statement",
            id: id.to_string(),
        })? {
            Some(n) => Ok(Some(self.blobs().read_all(self.keys(), &n)?)),
            None => Ok(None),
        }
    }
}
