//! The `assessment` commands: instruments, record, show, detail.

use qorgau_core::{Error, Store};

use super::{id, list, print};
use crate::args::AssessmentCmd;
use crate::output::Out;
use crate::parse_id;

pub fn assessment(store: &Store, cmd: &AssessmentCmd, out: &Out) -> Result<(), Error> {
    use qorgau_core::model::{Answer, CalendarEntry, NewAssessment, Recommendations};
    match cmd {
        AssessmentCmd::Instruments => {
            let all = store.instruments()?;
            let mut text = String::new();
            for i in &all {
                text.push_str(&format!(
                    "{} {}  {:?}  {} items  {}\n",
                    i.id,
                    i.version,
                    i.kind,
                    i.items.len(),
                    i.title.en
                ));
            }
            print(out, text.trim_end(), &all)
        }
        AssessmentCmd::Record {
            case,
            survivor,
            instrument,
            version,
            yes,
            dont_know,
            calendar,
            raise_to,
            reason,
            recommend,
            follow_up,
            notes,
        } => {
            let inst = store.instrument(instrument, version)?;
            let (yes, dk) = (list(yes), list(dont_know));
            let answers = inst
                .items
                .iter()
                .map(|i| {
                    (
                        i.id.clone(),
                        if yes.contains(&i.id) {
                            Answer::Yes
                        } else if dk.contains(&i.id) {
                            Answer::DontKnow
                        } else {
                            Answer::No
                        },
                    )
                })
                .collect();
            let calendar = list(calendar)
                .iter()
                .map(|c| {
                    let (d, s) = c
                        .split_once(':')
                        .ok_or_else(|| Error::invalid("calendar", "YYYY-MM-DD:SEVERITY"))?;
                    Ok(CalendarEntry {
                        date: d
                            .parse()
                            .map_err(|_| Error::invalid("calendar", "YYYY-MM-DD:SEVERITY"))?,
                        severity: s
                            .parse()
                            .map_err(|_| Error::invalid("calendar", "severity 1-5"))?,
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let rec = list(recommend);
            let a = store.record_assessment(
                parse_id("case", case)?,
                NewAssessment {
                    survivor_id: parse_id("survivor", survivor)?,
                    instrument_id: inst.id.clone(),
                    instrument_version: inst.version.clone(),
                    answers,
                    calendar,
                    override_level: raise_to.clone(),
                    override_reason: reason.clone(),
                    recommendations: Recommendations {
                        protection_order: rec.iter().any(|r| r == "order"),
                        shelter: rec.iter().any(|r| r == "shelter"),
                        arrest_request: rec.iter().any(|r| r == "arrest"),
                        follow_up: *follow_up,
                    },
                    clinical_notes: notes.clone(),
                },
            )?;
            let r = &a.record;
            id(
                out,
                &format!(
                    "assessment {} recorded: score {}, level {}{} (custody entry {})",
                    r.id,
                    r.score,
                    r.level,
                    if r.overridden {
                        " (raised by judgement)"
                    } else {
                        ""
                    },
                    a.seq
                ),
                r.id,
                &a,
            )
        }
        AssessmentCmd::Show { assessment } => {
            let a = store.assessment_summary(parse_id("assessment", assessment)?)?;
            let r = &a.recommendations;
            print(out, &format!(
                "assessment {}: level {} (score {}, {} {}){}; recommended: protection order {}, shelter {}, arrest request {}",
                a.id, a.level.to_uppercase(), a.score, a.instrument_id, a.instrument_version,
                if a.overridden { ", raised by professional judgement" } else { "" },
                r.protection_order, r.shelter, r.arrest_request
            ), &a)
        }
        AssessmentCmd::Detail { assessment } => {
            let d = store.assessment_detail(parse_id("assessment", assessment)?)?;
            print(
                out,
                &format!(
                    "assessment {}: {} answers; notes: {}",
                    d.summary.id,
                    d.clinical.answers.len(),
                    d.clinical.notes
                ),
                &d,
            )
        }
        AssessmentCmd::Trend { survivor } => {
            let t = store.level_trend(parse_id("survivor", survivor)?)?;
            let mut text = format!("{} assessments", t.len());
            for p in &t {
                text.push_str(&format!(
                    "\n  {}  {}  score {}  {}",
                    p.assessed_at.utc_rfc3339(),
                    p.level,
                    p.score,
                    p.instrument_id
                ));
            }
            print(out, &text, &t)
        }
    }
}
