//! Protection orders: issue, serve, extend, revoke, record violations.

use chrono::{DateTime, Datelike, Duration, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::{EventKind, Recorded, Store};
use crate::crypto::hash::Sha256;
use crate::error::{Error, Result};
use crate::media;
use crate::model::{
    MediaKind, NewOrder, OrderEvent, OrderEventKind, OrderRules, OrderStatus, Person, PersonRole,
    ProtectionOrder, Service,
};

/// How the order was served, as the officer enters it.
#[derive(Debug, Clone, PartialEq)]
pub enum ServeOrder {
    /// The restricted person signed; the signature image (PNG or JPEG).
    Signed { signature_image: Vec<u8> },
    /// The person refused to sign, in front of these witnesses.
    RefusedToSign { witnesses: Vec<String> },
}

/// Whole years between two dates.
fn age_on(birth: chrono::NaiveDate, on: chrono::NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

impl Store {
    /// The rule table in force on this device.
    pub fn order_rules(&self) -> &OrderRules {
        &self.rules
    }

    /// Issues a protection order on a case: validates the persons (restricted person on the
    /// case and aged 16+, at least one protected person, not the same person), the prohibitions
    /// (from the rule table) and the validity (computed from the rule table unless given; it
    /// must end after it starts and not exceed the longest term), numbers it without a network
    /// and logs `order_issued`.
    pub fn issue_order(&self, case: Uuid, new: NewOrder) -> Result<Recorded<ProtectionOrder>> {
        self.require_case(case)?;
        let rules = self.order_rules();
        let at = self.clock().now();
        let restricted = self.person_on_case(case, new.restricted_person, "restricted person")?;
        if restricted.role == PersonRole::Survivor || restricted.role == PersonRole::Child {
            return Err(Error::invalid(
                "restricted_person",
                "a survivor or child cannot be the restricted person",
            ));
        }
        let valid_from = new.valid_from.unwrap_or(at.utc);
        let dob = restricted.date_of_birth.ok_or_else(|| {
            Error::invalid(
                "restricted_person",
                "date of birth (or IIN) needed to check the minimum age",
            )
        })?;
        let local_start =
            (valid_from + Duration::minutes(i64::from(at.utc_offset_min))).date_naive();
        if age_on(dob, local_start) < rules.min_age_restricted as i32 {
            return Err(Error::invalid(
                "restricted_person",
                format!("must be aged {} or more", rules.min_age_restricted),
            ));
        }
        if new.protected_persons.is_empty() {
            return Err(Error::invalid(
                "protected_persons",
                "at least one protected person (the survivor)",
            ));
        }
        let mut protected: Vec<Uuid> = Vec::new();
        for p in &new.protected_persons {
            if !protected.contains(p) {
                protected.push(*p);
            }
        }
        for p in &protected {
            if *p == restricted.id {
                return Err(Error::invalid(
                    "protected_persons",
                    "the restricted person cannot also be protected",
                ));
            }
            self.person_on_case(case, *p, "protected person")?;
        }
        if new.prohibitions.is_empty() {
            return Err(Error::invalid(
                "prohibitions",
                "choose at least one prohibition",
            ));
        }
        let mut prohibitions = Vec::new();
        for code in &new.prohibitions {
            if rules.prohibition(code).is_none() {
                return Err(Error::invalid(
                    "prohibitions",
                    format!("unknown prohibition code {code:?}"),
                ));
            }
            if !prohibitions.contains(code) {
                prohibitions.push(code.clone());
            }
        }
        let valid_until = new
            .valid_until
            .unwrap_or(valid_from + Duration::days(i64::from(rules.term_days)));
        if valid_until <= valid_from {
            return Err(Error::invalid(
                "valid_until",
                "the order must end after it starts",
            ));
        }
        if valid_until - valid_from > Duration::days(i64::from(rules.max_total_days)) {
            return Err(Error::invalid(
                "valid_until",
                format!(
                    "longer than the {} days the rules allow",
                    rules.max_total_days
                ),
            ));
        }
        if let Some(n) = &new.number {
            if n.trim().is_empty() || n.len() > 64 {
                return Err(Error::invalid("number", "1 to 64 characters"));
            }
        }

        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let number = match new.number {
            Some(n) => n.trim().to_string(),
            None => {
                let year = at.utc.year();
                let key = format!("order/{year}");
                let n = super::integrity::next_counter(&tx, self.keys(), &key)?;
                let prefix = self.device().device_id.simple().to_string()[..8].to_uppercase();
                format!("PO-{prefix}-{year}-{n:05}")
            }
        };
        let order = ProtectionOrder {
            id: Uuid::new_v4(),
            case_id: case,
            number,
            issued_at: at,
            valid_from,
            valid_until,
            restricted_person: restricted.id,
            protected_persons: protected,
            prohibitions,
            issued_by: self.actor().to_string(),
            device_id: self.device().device_id,
            survivor_opinion: new.survivor_opinion.filter(|s| !s.trim().is_empty()),
            rules_version: rules.rules_version.clone(),
            check_interval_days: rules.check_interval_days,
        };
        let id = order.id.to_string();
        let sealed = self.seal_record("orders", &id, &order)?;
        tx.execute(
            "INSERT INTO orders (id, case_id, number, restricted, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, case.to_string(), order.number, order.restricted_person.to_string(), sealed.sealed],
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => Error::Conflict("that order number is already used".into()),
            _ => e.into(),
        })?;
        let seq = self.append_custody(
            &tx,
            case,
            EventKind::OrderIssued,
            Some(order.id),
            None,
            sealed.sha256,
            at,
        )?;
        tx.commit()?;
        Ok(Recorded {
            record: order,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }

    fn person_on_case(&self, case: Uuid, id: Uuid, what: &'static str) -> Result<Person> {
        let p = self.person(id).map_err(|e| match e {
            Error::NotFound { .. } => Error::NotFound {
                kind: what,
                id: id.to_string(),
            },
            e => e,
        })?;
        if p.case_id != case {
            return Err(Error::NotFound {
                kind: what,
                id: id.to_string(),
            });
        }
        Ok(p)
    }

    /// One order.
    pub fn order(&self, id: Uuid) -> Result<ProtectionOrder> {
        let body: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT body FROM orders WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let body = body.ok_or(Error::NotFound {
            kind: "order",
            id: id.to_string(),
        })?;
        self.open_record("orders", &id.to_string(), &body)
    }

    /// An order with its events and derived state.
    pub fn order_status(&self, id: Uuid) -> Result<OrderStatus> {
        let order = self.order(id)?;
        let rows: Vec<(String, Vec<u8>)> = {
            let conn = self.conn();
            let mut stmt = conn.prepare(
                "SELECT e.id, e.body FROM order_events e
                 JOIN custody c ON c.case_id = e.case_id AND c.record_id = e.id
                 WHERE e.order_id = ?1 ORDER BY c.seq",
            )?;
            let rows = stmt.query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let events = rows
            .into_iter()
            .map(|(eid, b)| self.open_record("order_events", &eid, &b))
            .collect::<Result<Vec<OrderEvent>>>()?;
        Ok(OrderStatus::derive(order, events))
    }

    /// The orders issued on a case, oldest first.
    pub fn orders_of_case(&self, case: Uuid) -> Result<Vec<OrderStatus>> {
        self.bodies_of_case("orders", case)?
            .into_iter()
            .map(|(id, _)| {
                self.order_status(Uuid::parse_str(&id).map_err(|_| Error::Integrity {
                    what: "order id".into(),
                })?)
            })
            .collect()
    }

    /// Every order on this device, oldest first.
    pub fn all_orders(&self) -> Result<Vec<OrderStatus>> {
        let ids: Vec<String> = {
            let conn = self.conn();
            let mut stmt = conn.prepare("SELECT id FROM orders ORDER BY number")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        ids.into_iter()
            .map(|id| {
                self.order_status(Uuid::parse_str(&id).map_err(|_| Error::Integrity {
                    what: "order id".into(),
                })?)
            })
            .collect()
    }

    /// Records how the order was served. Serving twice, or serving a revoked order, is refused.
    pub fn serve_order(&self, order_id: Uuid, how: ServeOrder) -> Result<Recorded<OrderEvent>> {
        let status = self.order_status(order_id)?;
        if status.served_at.is_some() {
            return Err(Error::Conflict("the order was already served".into()));
        }
        if status.revoked {
            return Err(Error::Conflict("the order is revoked".into()));
        }
        let mut blob = None;
        let service = match how {
            ServeOrder::Signed { signature_image } => {
                let sniffed = media::sniff(&signature_image)?;
                if sniffed.kind != MediaKind::Photo {
                    return Err(Error::WrongMediaKind {
                        expected: "an image",
                        found: sniffed.mime,
                    });
                }
                media::platform_thumbnail(&signature_image)?;
                let put = self.blobs().put_stream(
                    self.keys(),
                    &signature_image,
                    std::io::empty(),
                    |_| Ok(()),
                )?;
                blob = Some((put.name, put.size));
                Service::Signed {
                    signature_sha256: put.sha256.hex(),
                }
            }
            ServeOrder::RefusedToSign { witnesses } => {
                let witnesses: Vec<String> = witnesses
                    .into_iter()
                    .map(|w| w.trim().to_string())
                    .filter(|w| !w.is_empty())
                    .collect();
                if witnesses.is_empty() {
                    return Err(Error::invalid(
                        "witnesses",
                        "a refusal to sign needs at least one witness present",
                    ));
                }
                Service::RefusedToSign { witnesses }
            }
        };
        self.order_event(
            &status,
            EventKind::OrderServed,
            OrderEventKind::Served { service },
            blob,
        )
    }

    /// Extends an order to `new_valid_until` (later than now's end, within the longest term).
    pub fn extend_order(
        &self,
        order_id: Uuid,
        new_valid_until: DateTime<Utc>,
        reason: &str,
    ) -> Result<Recorded<OrderEvent>> {
        let status = self.order_status(order_id)?;
        if status.revoked {
            return Err(Error::Conflict("the order is revoked".into()));
        }
        if new_valid_until <= status.valid_until {
            return Err(Error::invalid(
                "valid_until",
                "an extension must end later than the order does now",
            ));
        }
        let max = Duration::days(i64::from(self.order_rules().max_total_days));
        if new_valid_until - status.order.valid_from > max {
            return Err(Error::invalid(
                "valid_until",
                format!("longer than the {} days the rules allow", max.num_days()),
            ));
        }
        if reason.trim().is_empty() {
            return Err(Error::invalid("reason", "say why the order is extended"));
        }
        let ev = OrderEventKind::Extended {
            new_valid_until,
            reason: reason.trim().to_string(),
        };
        self.order_event(&status, EventKind::OrderExtended, ev, None)
    }

    /// Revokes an order. Revoking a revoked order is refused.
    pub fn revoke_order(&self, order_id: Uuid, reason: &str) -> Result<Recorded<OrderEvent>> {
        let status = self.order_status(order_id)?;
        if status.revoked {
            return Err(Error::Conflict("the order is already revoked".into()));
        }
        if reason.trim().is_empty() {
            return Err(Error::invalid("reason", "say why the order is revoked"));
        }
        self.order_event(
            &status,
            EventKind::OrderRevoked,
            OrderEventKind::Revoked {
                reason: reason.trim().to_string(),
            },
            None,
        )
    }

    /// Records a violation of an order; the restricted person becomes a repeat offender.
    pub fn record_violation(
        &self,
        order_id: Uuid,
        description: &str,
        occurred_at: DateTime<Utc>,
    ) -> Result<Recorded<OrderEvent>> {
        let status = self.order_status(order_id)?;
        if description.trim().is_empty() {
            return Err(Error::invalid("description", "describe the violation"));
        }
        if occurred_at < status.order.valid_from || occurred_at >= status.valid_until {
            return Err(Error::invalid(
                "occurred_at",
                "outside the order's validity",
            ));
        }
        let ev = OrderEventKind::Violated {
            description: description.trim().to_string(),
            occurred_at,
        };
        self.order_event(&status, EventKind::OrderViolated, ev, None)
    }

    fn order_event(
        &self,
        status: &OrderStatus,
        kind: EventKind,
        event: OrderEventKind,
        blob: Option<(String, u64)>,
    ) -> Result<Recorded<OrderEvent>> {
        let (blob, blob_bytes) = match blob {
            Some((n, b)) => (Some(n), Some(b)),
            None => (None, None),
        };
        let at = self.clock().now();
        let ev = OrderEvent {
            id: Uuid::new_v4(),
            order_id: status.order.id,
            case_id: status.order.case_id,
            at,
            by: self.actor().to_string(),
            event,
        };
        let id = ev.id.to_string();
        let sealed = self.seal_record("order_events", &id, &ev)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO order_events (id, order_id, case_id, blob_name, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, ev.order_id.to_string(), ev.case_id.to_string(), blob, sealed.sealed],
        )?;
        let seq =
            self.append_custody(&tx, ev.case_id, kind, Some(ev.id), None, sealed.sha256, at)?;
        if let Some((name, bytes)) = blob.as_ref().zip(blob_bytes) {
            self.outbox_blob(&tx, ev.case_id, seq, name, bytes)?;
        }
        tx.commit()?;
        Ok(Recorded {
            record: ev,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }

    /// The signature image of a served order, if it was signed.
    pub fn order_signature(&self, order_id: Uuid) -> Result<Option<Vec<u8>>> {
        match self.order_status(order_id)?.service {
            Some(Service::Signed { signature_sha256 }) => {
                let sha = Sha256::from_hex(&signature_sha256).ok_or(Error::Integrity {
                    what: "signature hash".into(),
                })?;
                Ok(Some(self.blobs().read_all(
                    self.keys(),
                    &super::BlobDir::name_for(self.keys(), &sha),
                )?))
            }
            _ => Ok(None),
        }
    }
}
