//! Preventive interventions with aggressors, what is due, and referrals with consent.

use chrono::{Duration, NaiveDate};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::{EventKind, Recorded, Store};
use crate::error::{Error, Result};
use crate::model::{
    DueItem, DueReason, Intervention, NewIntervention, NewReferral, Referral, ReferralChange,
    ReferralState, ReferralStatus, ReferralUpdate,
};

impl Store {
    /// Records a preventive intervention with a person on the case.
    pub fn record_intervention(
        &self,
        case: Uuid,
        new: NewIntervention,
    ) -> Result<Recorded<Intervention>> {
        self.require_case(case)?;
        let person = self.person(new.person_id)?;
        if person.case_id != case {
            return Err(Error::NotFound {
                kind: "person on this case",
                id: new.person_id.to_string(),
            });
        }
        if new.outcome.trim().is_empty() {
            return Err(Error::invalid("outcome", "say what came of it"));
        }
        if let Some(n) = new.next_check {
            if n <= new.date {
                return Err(Error::invalid(
                    "next_check",
                    "must be after the intervention date",
                ));
            }
        }
        let at = self.clock().now();
        let rec = Intervention {
            id: Uuid::new_v4(),
            case_id: case,
            person_id: new.person_id,
            kind: new.kind,
            date: new.date,
            outcome: new.outcome.trim().to_string(),
            next_check: new.next_check,
            officer: self.actor().to_string(),
            recorded_at: at,
        };
        let id = rec.id.to_string();
        let sealed = self.seal_record("interventions", &id, &rec)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO interventions (id, case_id, person_id, next_check, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, case.to_string(), rec.person_id.to_string(), rec.next_check.map(|d| d.to_string()), sealed.sealed],
        )?;
        let seq = self.append_custody(
            &tx,
            case,
            EventKind::InterventionRecorded,
            Some(rec.id),
            None,
            sealed.sha256,
            at,
        )?;
        tx.commit()?;
        Ok(Recorded {
            record: rec,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }

    /// The interventions on a case, in the order recorded.
    pub fn interventions(&self, case: Uuid) -> Result<Vec<Intervention>> {
        self.bodies_of_case("interventions", case)?
            .into_iter()
            .map(|(id, b)| self.open_record("interventions", &id, &b))
            .collect()
    }

    /// What is due in the week starting `from` (7 days), plus anything overdue: follow-ups that
    /// interventions set (unless a later intervention with the same person was recorded on or
    /// after that date) and the weekly checks of active protection orders (unless an
    /// `order_check` intervention with the restricted person was recorded on or after it).
    pub fn due_this_week(&self, from: NaiveDate) -> Result<Vec<DueItem>> {
        let until = from + Duration::days(7);
        let mut out = Vec::new();
        let all: Vec<Intervention> = {
            let rows: Vec<(String, Vec<u8>)> = {
                let conn = self.conn();
                let mut stmt = conn.prepare("SELECT id, body FROM interventions")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<std::result::Result<_, _>>()?
            };
            rows.into_iter()
                .map(|(id, b)| self.open_record("interventions", &id, &b))
                .collect::<Result<_>>()?
        };
        let done_since = |person: Uuid, date: NaiveDate, order_check_only: bool| {
            all.iter().any(|i| {
                i.person_id == person
                    && i.date >= date
                    && (!order_check_only || i.kind == crate::model::InterventionKind::OrderCheck)
            })
        };
        for i in &all {
            if let Some(due) = i.next_check {
                if due < until
                    && !all
                        .iter()
                        .any(|j| j.id != i.id && j.person_id == i.person_id && j.date >= due)
                {
                    out.push(DueItem {
                        due,
                        case_id: i.case_id,
                        person_id: i.person_id,
                        reason: DueReason::InterventionFollowUp {
                            intervention_id: i.id,
                        },
                        overdue: due < from,
                    });
                }
            }
        }
        let now = self.clock().now().utc;
        for status in self.all_orders()? {
            if !status.active_at(now) {
                continue;
            }
            let offset = Duration::minutes(i64::from(status.order.issued_at.utc_offset_min));
            // The most recent check date that has come before the end of the window.
            let due = status
                .check_dates()
                .into_iter()
                .map(|t| (t + offset).date_naive())
                .rfind(|d| *d < until);
            if let Some(due) = due {
                if !done_since(status.order.restricted_person, due, true) {
                    out.push(DueItem {
                        due,
                        case_id: status.order.case_id,
                        person_id: status.order.restricted_person,
                        reason: DueReason::OrderCheck {
                            order_id: status.order.id,
                            order_number: status.order.number.clone(),
                        },
                        overdue: due < from,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.case_id.cmp(&b.case_id)));
        Ok(out)
    }

    /// Refers a person on the case to a crisis centre, shelter, legal aid, a psychologist or
    /// medical help. The survivor's consent must be given; it is recorded and can be withdrawn.
    pub fn make_referral(&self, case: Uuid, new: NewReferral) -> Result<Recorded<Referral>> {
        self.require_case(case)?;
        let person = self.person(new.person_id)?;
        if person.case_id != case {
            return Err(Error::NotFound {
                kind: "person on this case",
                id: new.person_id.to_string(),
            });
        }
        if !new.consent_given {
            return Err(Error::invalid(
                "consent",
                "a referral needs the person's consent, recorded first",
            ));
        }
        if new.organisation.trim().is_empty() {
            return Err(Error::invalid("organisation", "name the organisation"));
        }
        if new.children_placed > 0
            && new.kind != crate::model::ReferralKind::Shelter
            && new.kind != crate::model::ReferralKind::CrisisCentre
        {
            return Err(Error::invalid(
                "children_placed",
                "children are placed only with a shelter or crisis centre referral",
            ));
        }
        let at = self.clock().now();
        let rec = Referral {
            id: Uuid::new_v4(),
            case_id: case,
            person_id: new.person_id,
            kind: new.kind,
            organisation: new.organisation.trim().to_string(),
            children_placed: new.children_placed,
            consent_given_at: at,
            note: new.note.filter(|n| !n.trim().is_empty()),
            made_by: self.actor().to_string(),
            made_at: at,
        };
        let id = rec.id.to_string();
        let sealed = self.seal_record("referrals", &id, &rec)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO referrals (id, case_id, person_id, body) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                case.to_string(),
                rec.person_id.to_string(),
                sealed.sealed
            ],
        )?;
        let seq = self.append_custody(
            &tx,
            case,
            EventKind::ReferralMade,
            Some(rec.id),
            None,
            sealed.sha256,
            at,
        )?;
        tx.commit()?;
        Ok(Recorded {
            record: rec,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }

    /// A referral with its current status.
    pub fn referral(&self, id: Uuid) -> Result<ReferralState> {
        let body: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT body FROM referrals WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let body = body.ok_or(Error::NotFound {
            kind: "referral",
            id: id.to_string(),
        })?;
        let referral: Referral = self.open_record("referrals", &id.to_string(), &body)?;
        let rows: Vec<(String, Vec<u8>)> = {
            let conn = self.conn();
            let mut stmt = conn.prepare(
                "SELECT u.id, u.body FROM referral_updates u
                 JOIN custody c ON c.case_id = u.case_id AND c.record_id = u.id
                 WHERE u.referral_id = ?1 ORDER BY c.seq",
            )?;
            let rows = stmt.query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let updates = rows
            .into_iter()
            .map(|(uid, b)| self.open_record("referral_updates", &uid, &b))
            .collect::<Result<Vec<_>>>()?;
        Ok(ReferralState::derive(referral, updates))
    }

    /// The referrals on a case.
    pub fn referrals(&self, case: Uuid) -> Result<Vec<ReferralState>> {
        self.bodies_of_case("referrals", case)?
            .into_iter()
            .map(|(id, _)| {
                self.referral(Uuid::parse_str(&id).map_err(|_| Error::Integrity {
                    what: "referral id".into(),
                })?)
            })
            .collect()
    }

    /// Updates a referral's status, or records that consent was withdrawn (which cancels it).
    /// A referral whose consent was withdrawn, or that is completed, declined or cancelled, takes
    /// no further status changes.
    pub fn update_referral(
        &self,
        id: Uuid,
        change: ReferralChange,
    ) -> Result<Recorded<ReferralUpdate>> {
        let state = self.referral(id)?;
        if !state.consent_active {
            return Err(Error::Conflict(
                "consent was withdrawn; the referral is closed".into(),
            ));
        }
        if matches!(
            state.status,
            ReferralStatus::Completed | ReferralStatus::Declined | ReferralStatus::Cancelled
        ) {
            return Err(Error::Conflict("the referral is closed".into()));
        }
        if let ReferralChange::Status {
            status: ReferralStatus::Proposed,
            ..
        } = change
        {
            return Err(Error::invalid(
                "status",
                "a referral cannot go back to proposed",
            ));
        }
        let at = self.clock().now();
        let rec = ReferralUpdate {
            id: Uuid::new_v4(),
            referral_id: id,
            case_id: state.referral.case_id,
            at,
            by: self.actor().to_string(),
            change,
        };
        let uid = rec.id.to_string();
        let sealed = self.seal_record("referral_updates", &uid, &rec)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO referral_updates (id, referral_id, case_id, body) VALUES (?1, ?2, ?3, ?4)",
            params![uid, id.to_string(), rec.case_id.to_string(), sealed.sealed],
        )?;
        let seq = self.append_custody(
            &tx,
            rec.case_id,
            EventKind::ReferralUpdated,
            Some(rec.id),
            None,
            sealed.sha256,
            at,
        )?;
        tx.commit()?;
        Ok(Recorded {
            record: rec,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }
}
