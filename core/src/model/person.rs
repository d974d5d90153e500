//! People present at or involved in a case.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::DeviceTime;
use crate::error::{Error, Result};
use crate::iin::Iin;

/// A person's role on the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    Survivor,
    AllegedAggressor,
    Witness,
    Child,
    Other,
}

impl PersonRole {
    /// Survivors and children: their current address or shelter is always confidential.
    pub fn address_always_confidential(self) -> bool {
        matches!(self, PersonRole::Survivor | PersonRole::Child)
    }
}

/// What the officer enters about a person. The IIN is validated; everything here is personal
/// data and is stored encrypted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPerson {
    pub role: PersonRole,
    pub full_name: String,
    pub date_of_birth: Option<NaiveDate>,
    /// Relation to the survivor ("spouse", "son", "neighbour"...).
    pub relation_to_survivor: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// The IIN as typed; validated on entry.
    pub iin: Option<String>,
    /// A witness whose identity must not be disclosed outside the case file.
    pub identity_protected: bool,
    /// The address is confidential (forced on for survivors and children).
    pub address_confidential: bool,
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: Uuid,
    pub case_id: Uuid,
    pub role: PersonRole,
    pub full_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub relation_to_survivor: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub iin: Option<Iin>,
    pub identity_protected: bool,
    pub address_confidential: bool,
    pub added_at: DeviceTime,
}

impl NewPerson {
    /// Validates and normalises: a valid IIN whose birth date agrees with the date of birth
    /// (which is filled in from the IIN when absent); confidential address for survivors and
    /// children; identity protection only for witnesses.
    pub fn validate(self, id: Uuid, case_id: Uuid, at: DeviceTime) -> Result<Person> {
        let full_name = self.full_name.trim().to_string();
        if full_name.is_empty() {
            return Err(Error::invalid("full_name", "must not be empty"));
        }
        let iin = match self.iin.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(Iin::parse(s)?),
            None => None,
        };
        let date_of_birth = match (&iin, self.date_of_birth) {
            (Some(i), Some(d)) if i.birth_date() != d => {
                return Err(Error::invalid(
                    "date_of_birth",
                    "does not match the birth date in the IIN",
                ))
            }
            (Some(i), None) => Some(i.birth_date()),
            (_, d) => d,
        };
        if let Some(d) = date_of_birth {
            if d > at.utc.date_naive() {
                return Err(Error::invalid("date_of_birth", "is in the future"));
            }
        }
        if self.identity_protected && self.role != PersonRole::Witness {
            return Err(Error::invalid(
                "identity_protected",
                "only a witness's identity can be protected",
            ));
        }
        let clean = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        Ok(Person {
            id,
            case_id,
            role: self.role,
            full_name,
            date_of_birth,
            relation_to_survivor: clean(self.relation_to_survivor),
            phone: clean(self.phone),
            address: clean(self.address),
            iin,
            identity_protected: self.identity_protected,
            address_confidential: self.address_confidential
                || self.role.address_always_confidential(),
            added_at: at,
        })
    }
}
