//! Protection orders (защитное предписание / қорғау нұсқамасы): issued at the scene, served,
//! extended, revoked, violated. The legal terms live in a rule table (data), not in code.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::DeviceTime;
use crate::error::{Error, Result};

/// Text in the three UI languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Texts {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

impl Texts {
    /// The text in a language.
    pub fn get(&self, lang: super::Language) -> &str {
        match lang {
            super::Language::Kk => &self.kk,
            super::Language::Ru => &self.ru,
            super::Language::En => &self.en,
        }
    }
}

/// A prohibition an order can impose, with its wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProhibitionRule {
    pub code: String,
    #[serde(flatten)]
    pub text: Texts,
}

/// The legal rules for protection orders, loaded from data (`core/rules/protection_order.json`
/// by default) so that a change in the law is a change of data, with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderRules {
    pub rules_version: String,
    pub source: String,
    pub term_days: u32,
    pub check_interval_days: u32,
    pub min_age_restricted: u32,
    /// The longest an order may run in total, extensions included.
    pub max_total_days: u32,
    pub violation_consequence: Texts,
    pub prohibitions: Vec<ProhibitionRule>,
}

const DEFAULT_RULES: &str = include_str!("../../rules/protection_order.json");

impl OrderRules {
    /// The rules shipped with this build.
    pub fn builtin() -> OrderRules {
        serde_json::from_str(DEFAULT_RULES).expect("the shipped rule table parses (tested)")
    }

    /// Rules from a JSON document (an updated table).
    pub fn from_json(json: &str) -> Result<OrderRules> {
        let r: OrderRules =
            serde_json::from_str(json).map_err(|e| Error::invalid("rules", e.to_string()))?;
        if r.term_days == 0
            || r.check_interval_days == 0
            || r.max_total_days < r.term_days
            || r.prohibitions.is_empty()
        {
            return Err(Error::invalid(
                "rules",
                "terms must be positive and prohibitions listed",
            ));
        }
        Ok(r)
    }

    /// The rule for a prohibition code.
    pub fn prohibition(&self, code: &str) -> Option<&ProhibitionRule> {
        self.prohibitions.iter().find(|p| p.code == code)
    }
}

/// What the officer enters to issue an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewOrder {
    /// The person the order restricts (on this case, aged 16 or more).
    pub restricted_person: Uuid,
    /// Survivor and children it protects (on this case).
    pub protected_persons: Vec<Uuid>,
    /// Prohibition codes from the rule table.
    pub prohibitions: Vec<String>,
    /// Start of validity; now when `None`.
    pub valid_from: Option<DateTime<Utc>>,
    /// End of validity; the rule table's term after `valid_from` when `None`.
    pub valid_until: Option<DateTime<Utc>>,
    /// A number from a pre-printed paper form; the device numbers the order when `None`.
    pub number: Option<String>,
    /// What the survivor said about the order (the law asks for her opinion to be considered).
    pub survivor_opinion: Option<String>,
}

/// An issued order, as issued. Immutable: serving, extension, revocation and violations are
/// events of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProtectionOrder {
    pub id: Uuid,
    pub case_id: Uuid,
    /// Unique across devices without a network: `PO-<device prefix>-<year>-<counter>`.
    pub number: String,
    pub issued_at: DeviceTime,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub restricted_person: Uuid,
    pub protected_persons: Vec<Uuid>,
    pub prohibitions: Vec<String>,
    /// Badge number of the issuing officer.
    pub issued_by: String,
    pub device_id: Uuid,
    pub survivor_opinion: Option<String>,
    /// The rule table version the terms were computed from.
    pub rules_version: String,
    pub check_interval_days: u32,
}

/// How the order was served on the restricted person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Service {
    /// Signed for: SHA-256 of the signature image.
    Signed { signature_sha256: String },
    /// Refused to sign, in the presence of these witnesses (names or badge numbers).
    RefusedToSign { witnesses: Vec<String> },
}

/// Something that happened to an order after it was issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEventKind {
    Served {
        service: Service,
    },
    Extended {
        new_valid_until: DateTime<Utc>,
        reason: String,
    },
    Revoked {
        reason: String,
    },
    Violated {
        description: String,
        occurred_at: DateTime<Utc>,
    },
}

/// An order event as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub id: Uuid,
    pub order_id: Uuid,
    pub case_id: Uuid,
    pub at: DeviceTime,
    pub by: String,
    pub event: OrderEventKind,
}

/// The state of an order, derived from the order and its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderStatus {
    pub order: ProtectionOrder,
    pub served_at: Option<DeviceTime>,
    pub service: Option<Service>,
    /// The current end of validity (after extensions).
    pub valid_until: DateTime<Utc>,
    pub revoked: bool,
    pub violations: u32,
    pub events: Vec<OrderEvent>,
}

impl OrderStatus {
    /// Derives the state from the order and its events in the order they were logged.
    pub fn derive(order: ProtectionOrder, events: Vec<OrderEvent>) -> OrderStatus {
        let mut s = OrderStatus {
            valid_until: order.valid_until,
            order,
            served_at: None,
            service: None,
            revoked: false,
            violations: 0,
            events: Vec::new(),
        };
        for e in &events {
            match &e.event {
                OrderEventKind::Served { service } => {
                    s.served_at = Some(e.at);
                    s.service = Some(service.clone());
                }
                OrderEventKind::Extended {
                    new_valid_until, ..
                } => s.valid_until = *new_valid_until,
                OrderEventKind::Revoked { .. } => s.revoked = true,
                OrderEventKind::Violated { .. } => s.violations += 1,
            }
        }
        s.events = events;
        s
    }

    /// In force at `at`: not revoked and within its validity.
    pub fn active_at(&self, at: DateTime<Utc>) -> bool {
        !self.revoked && self.order.valid_from <= at && at < self.valid_until
    }

    /// The weekly checks due from the start of validity until it ends.
    pub fn check_dates(&self) -> Vec<DateTime<Utc>> {
        let step = Duration::days(i64::from(self.order.check_interval_days.max(1)));
        let mut out = Vec::new();
        let mut t = self.order.valid_from + step;
        while t < self.valid_until {
            out.push(t);
            t += step;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_parse_with_todays_terms_and_a_source() {
        let r = OrderRules::builtin();
        assert_eq!(
            (r.term_days, r.check_interval_days, r.min_age_restricted),
            (30, 7, 16)
        );
        assert!(r.source.contains("245-VIII"));
        assert!(r
            .prohibition("contact")
            .unwrap()
            .text
            .kk
            .contains("байланыс"));
        assert!(OrderRules::from_json(DEFAULT_RULES).is_ok());
        assert!(OrderRules::from_json(
            &DEFAULT_RULES.replace("\"term_days\": 30", "\"term_days\": 0")
        )
        .is_err());
    }
}
