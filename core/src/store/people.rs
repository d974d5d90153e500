//! People on a case.

use ring::hmac;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::{EventKind, Recorded, Store};
use crate::error::{Error, Result};
use crate::iin::Iin;
use crate::model::{NewPerson, Person};

impl Store {
    /// Adds a person to a case after validating the IIN and other fields; logs `person_added`.
    pub fn add_person(&self, case: Uuid, new: NewPerson) -> Result<Recorded<Person>> {
        self.require_case(case)?;
        let at = self.clock().now();
        let person = new.validate(Uuid::new_v4(), case, at)?;
        let id = person.id.to_string();
        let sealed = self.seal_record("people", &id, &person)?;
        let iin_hash = person.iin.as_ref().map(|i| self.iin_lookup_hash(i));
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO people (id, case_id, iin_hash, body) VALUES (?1, ?2, ?3, ?4)",
            params![id, case.to_string(), iin_hash, sealed.sealed],
        )?;
        let seq = self.append_custody(
            &tx,
            case,
            EventKind::PersonAdded,
            Some(person.id),
            None,
            sealed.sha256,
            at,
        )?;
        tx.commit()?;
        Ok(Recorded {
            record: person,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }

    /// The keyed hash under which an IIN is indexed (the IIN itself is only stored sealed).
    pub fn iin_lookup_hash(&self, iin: &Iin) -> Vec<u8> {
        hmac::sign(&self.keys().lookup, iin.as_str().as_bytes())
            .as_ref()
            .to_vec()
    }

    /// One person.
    pub fn person(&self, id: Uuid) -> Result<Person> {
        let body: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT body FROM people WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let body = body.ok_or(Error::NotFound {
            kind: "person",
            id: id.to_string(),
        })?;
        self.open_record("people", &id.to_string(), &body)
    }

    /// The people on a case, in the order they were added.
    pub fn people(&self, case: Uuid) -> Result<Vec<Person>> {
        self.bodies_of_case("people", case)?
            .into_iter()
            .map(|(id, b)| self.open_record("people", &id, &b))
            .collect()
    }

    /// Cases on this device on which a person with this IIN appears (matching by IIN).
    pub fn cases_with_iin(&self, iin: &Iin) -> Result<Vec<Uuid>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT DISTINCT case_id FROM people WHERE iin_hash = ?1")?;
        let rows = stmt.query_map([self.iin_lookup_hash(iin)], |r| r.get::<_, String>(0))?;
        rows.map(|r| {
            Uuid::parse_str(&r?).map_err(|_| Error::Integrity {
                what: "case id".into(),
            })
        })
        .collect()
    }
}
