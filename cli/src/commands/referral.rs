//! The `referral` commands: crisis centres, shelters, legal aid; consent.

use qorgau_core::model::{NewReferral, ReferralChange};
use qorgau_core::{Error, Store};

use super::{id, print};
use crate::args::ReferralCmd;
use crate::output::Out;
use crate::parse_id;

pub fn referral(store: &Store, cmd: &ReferralCmd, out: &Out) -> Result<(), Error> {
    match cmd {
        ReferralCmd::Add {
            case,
            person,
            kind,
            organisation,
            children,
            consent,
            note,
        } => {
            let kind = *kind;
            let r = store.make_referral(
                parse_id("case", case)?,
                NewReferral {
                    person_id: parse_id("person", person)?,
                    kind,
                    organisation: organisation.clone(),
                    children_placed: *children,
                    consent_given: *consent,
                    note: note.clone(),
                },
            )?;
            id(
                out,
                &format!("referral {} made (custody entry {})", r.record.id, r.seq),
                r.record.id,
                &r,
            )
        }
        ReferralCmd::Update {
            referral,
            status,
            withdraw_consent,
            note,
        } => {
            let change = match (status, withdraw_consent) {
                (_, true) => ReferralChange::ConsentWithdrawn {
                    reason: note.clone(),
                },
                (Some(s), false) => ReferralChange::Status {
                    status: *s,
                    note: note.clone(),
                },
                (None, false) => {
                    return Err(Error::invalid(
                        "update",
                        "give --status or --withdraw-consent",
                    ))
                }
            };
            let u = store.update_referral(parse_id("referral", referral)?, change)?;
            id(
                out,
                &format!("referral updated (custody entry {})", u.seq),
                u.record.id,
                &u,
            )
        }
        ReferralCmd::List { case } => {
            let all = store.referrals(parse_id("case", case)?)?;
            let mut text = format!("{} referrals", all.len());
            for r in &all {
                text.push_str(&format!(
                    "\n  {}  {:?}  {:?}  consent active: {}",
                    r.referral.id, r.referral.kind, r.status, r.consent_active
                ));
            }
            print(out, &text, &all)
        }
    }
}
