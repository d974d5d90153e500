//! The `profile` commands: create, list, hand over the clinical key.

use qorgau_core::{Error, Store};

use super::{id, print};
use crate::args::ProfileCmd;
use crate::output::Out;

pub fn profile(store: &Store, cmd: &ProfileCmd, out: &Out) -> Result<(), Error> {
    match cmd {
        ProfileCmd::Create {
            role,
            name,
            badge,
            new_pin,
        } => {
            let p = store.create_profile(*role, name, badge, new_pin)?;
            id(
                out,
                &format!("profile {} created: {:?} {}", p.id, p.role, p.badge),
                p.id,
                &p,
            )
        }
        ProfileCmd::List => {
            let all = store.profiles()?;
            let mut text = format!("{} profiles", all.len());
            for p in &all {
                let waiting =
                    p.role == qorgau_core::model::TeamRole::Psychologist && !p.clinical_access;
                text.push_str(&format!(
                    "\n  {}  {:?}  {}  {}{}{}",
                    p.id,
                    p.role,
                    p.badge,
                    p.name,
                    if p.locked_until.is_some() {
                        "  LOCKED"
                    } else {
                        ""
                    },
                    if waiting {
                        "  (waiting for the clinical key)"
                    } else {
                        ""
                    }
                ));
            }
            print(out, &text, &all)
        }
        ProfileCmd::GrantClinical { badge, new_pin } => {
            let target = store
                .profiles()?
                .into_iter()
                .find(|p| p.badge == *badge)
                .ok_or_else(|| Error::invalid("badge", "no profile with that badge"))?;
            let p = store.grant_clinical_access(target.id, new_pin)?;
            id(
                out,
                &format!("profile {} ({}) now holds the clinical key", p.id, p.badge),
                p.id,
                &p,
            )
        }
    }
}
