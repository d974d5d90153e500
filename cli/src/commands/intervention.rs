//! The `intervention` commands: preventive work and what is due this week.

use qorgau_core::model::NewIntervention;
use qorgau_core::{Error, Store};

use super::{id, print};
use crate::args::InterventionCmd;
use crate::output::Out;
use crate::parse_id;

pub fn intervention(store: &Store, cmd: &InterventionCmd, out: &Out) -> Result<(), Error> {
    let today = chrono::Local::now().date_naive();
    match cmd {
        InterventionCmd::Add {
            case,
            person,
            kind,
            date,
            outcome,
            next_check,
        } => {
            let kind = *kind;
            let i = store.record_intervention(
                parse_id("case", case)?,
                NewIntervention {
                    person_id: parse_id("person", person)?,
                    kind,
                    date: date.unwrap_or(today),
                    outcome: outcome.clone(),
                    next_check: *next_check,
                },
            )?;
            id(
                out,
                &format!(
                    "intervention {} recorded (custody entry {})",
                    i.record.id, i.seq
                ),
                i.record.id,
                &i,
            )
        }
        InterventionCmd::Due { from } => {
            let items = store.due_this_week(from.unwrap_or(today))?;
            let mut text = format!("{} due this week", items.len());
            for d in &items {
                text.push_str(&format!(
                    "\n  {}{}  case {}  person {}  {:?}",
                    d.due,
                    if d.overdue { " OVERDUE" } else { "" },
                    d.case_id,
                    d.person_id,
                    d.reason
                ));
            }
            print(out, &text, &items)
        }
    }
}
