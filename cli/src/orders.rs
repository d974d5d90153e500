//! The order, registry, intervention and referral commands.

use qorgau_core::crypto::signing::PublicKey;
use qorgau_core::document::pdf::OrderCopy;
use qorgau_core::model::{Language, NewIntervention, NewOrder, NewReferral, ReferralChange};
use qorgau_core::store::{PersonQuery, ServeOrder};
use qorgau_core::{Error, Store};
use serde::Serialize;

use crate::args::{AssessmentCmd, InterventionCmd, OrderCmd, ProfileCmd, ReferralCmd, RegistryCmd};
use crate::output::Out;
use crate::{parse_id, read_file};

fn print<T: Serialize>(out: &Out, text: &str, v: &T) -> Result<(), Error> {
    out.message(text, &serde_json::to_value(v)?)
}

fn id(out: &Out, text: &str, id: impl std::fmt::Display, v: &impl Serialize) -> Result<(), Error> {
    if out.quiet() {
        println!("{id}");
        Ok(())
    } else {
        print(out, text, v)
    }
}

pub fn order(store: &Store, cmd: &OrderCmd, out: &Out) -> Result<(), Error> {
    match cmd {
        OrderCmd::Issue {
            case,
            restricted,
            protected,
            prohibitions,
            number,
            from,
            until,
            opinion,
        } => {
            let new = NewOrder {
                restricted_person: parse_id("restricted", restricted)?,
                protected_persons: protected
                    .iter()
                    .map(|p| parse_id("protect", p))
                    .collect::<Result<_, _>>()?,
                prohibitions: prohibitions.clone(),
                valid_from: *from,
                valid_until: *until,
                number: number.clone(),
                survivor_opinion: opinion.clone(),
            };
            let o = store.issue_order(parse_id("case", case)?, new)?;
            let text = format!(
                "order {} issued: {} (valid {} to {}, custody entry {})",
                o.record.id,
                o.record.number,
                o.record.valid_from.format("%Y-%m-%d %H:%M UTC"),
                o.record.valid_until.format("%Y-%m-%d %H:%M UTC"),
                o.seq
            );
            id(out, &text, o.record.id, &o)
        }
        OrderCmd::Serve {
            order,
            signature,
            refused,
            witnesses,
        } => {
            let how = match (signature, refused) {
                (Some(p), false) => ServeOrder::Signed {
                    signature_image: read_file(p, "signature image")?,
                },
                (None, true) => ServeOrder::RefusedToSign {
                    witnesses: witnesses.clone(),
                },
                _ => {
                    return Err(Error::invalid(
                        "serve",
                        "give --signature FILE or --refused with --witness",
                    ))
                }
            };
            let e = store.serve_order(parse_id("order", order)?, how)?;
            id(
                out,
                &format!("order served (custody entry {})", e.seq),
                e.record.id,
                &e,
            )
        }
        OrderCmd::Extend {
            order,
            until,
            reason,
        } => {
            let e = store.extend_order(parse_id("order", order)?, *until, reason)?;
            id(
                out,
                &format!(
                    "order extended to {} (custody entry {})",
                    until.format("%Y-%m-%d %H:%M UTC"),
                    e.seq
                ),
                e.record.id,
                &e,
            )
        }
        OrderCmd::Revoke { order, reason } => {
            let e = store.revoke_order(parse_id("order", order)?, reason)?;
            id(
                out,
                &format!("order revoked (custody entry {})", e.seq),
                e.record.id,
                &e,
            )
        }
        OrderCmd::Violation {
            order,
            description,
            at,
        } => {
            let at = at.unwrap_or_else(chrono::Utc::now);
            let e = store.record_violation(parse_id("order", order)?, description, at)?;
            id(
                out,
                &format!(
                    "violation recorded (custody entry {}); the person is now a repeat offender",
                    e.seq
                ),
                e.record.id,
                &e,
            )
        }
        OrderCmd::Show { order } => {
            let s = store.order_status(parse_id("order", order)?)?;
            let text = format!(
                "order {} {}: valid until {}, served: {}, revoked: {}, violations: {}",
                s.order.id,
                s.order.number,
                s.valid_until.format("%Y-%m-%d %H:%M UTC"),
                s.served_at.is_some(),
                s.revoked,
                s.violations
            );
            print(out, &text, &s)
        }
        OrderCmd::Pdf {
            order,
            copy,
            lang,
            out: path,
        } => {
            let copy = match copy.as_str() {
                "served" => OrderCopy::Served,
                "file" => OrderCopy::PoliceFile,
                _ => return Err(Error::invalid("copy", "served or file")),
            };
            let langs = lang
                .split(',')
                .map(Language::parse)
                .collect::<Result<Vec<_>, _>>()?;
            let pdf = store.order_pdf(parse_id("order", order)?, copy, &langs)?;
            std::fs::write(path, &pdf).map_err(|e| Error::io("write PDF", e))?;
            out.message(
                &format!("wrote {} ({} bytes)", path.display(), pdf.len()),
                &serde_json::json!({ "bytes": pdf.len() }),
            )
        }
        OrderCmd::Qr { order, png } => {
            let text = store.order_qr_text(parse_id("order", order)?)?;
            if let Some(p) = png {
                std::fs::write(p, qorgau_core::document::qr::png(&text, 6)?)
                    .map_err(|e| Error::io("write PNG", e))?;
            }
            if out.json() {
                print(out, "", &serde_json::json!({ "qr": text }))
            } else {
                println!("{text}");
                Ok(())
            }
        }
        OrderCmd::VerifyQr { text } => {
            let p = store.verify_order_qr(text)?;
            let until = chrono::DateTime::from_timestamp(p.u, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default();
            print(
                out,
                &format!(
                    "VALID order {} until {}; prohibitions: {}",
                    p.n,
                    until,
                    p.x.join(", ")
                ),
                &p,
            )
        }
    }
}

pub fn registry(store: &Store, cmd: &RegistryCmd, out: &Out) -> Result<(), Error> {
    match cmd {
        RegistryCmd::TrustStation { public_key } => {
            let key = PublicKey::from_hex(public_key)
                .ok_or_else(|| Error::invalid("public_key", "64 hex digits"))?;
            store.trust_station_key(key)?;
            out.message(
                &format!("station key trusted (fingerprint {})", key.fingerprint()),
                &serde_json::json!({ "fingerprint": key.fingerprint() }),
            )
        }
        RegistryCmd::Import { file } => {
            let f = std::fs::File::open(file).map_err(|e| Error::io("open registry file", e))?;
            let r = store.import_registry(std::io::BufReader::new(f))?;
            print(
                out,
                &format!(
                    "registry {:?} #{} imported: {} rows, {} device keys",
                    r.kind, r.sequence, r.rows, r.devices
                ),
                &r,
            )
        }
        RegistryCmd::Check {
            iin,
            name,
            dob,
            case,
        } => {
            let q = PersonQuery {
                iin: iin.clone(),
                name: name.clone(),
                date_of_birth: *dob,
                current_case: case.as_deref().map(|c| parse_id("case", c)).transpose()?,
            };
            let c = store.check_person(&q)?;
            let mut text = format!(
                "match: {:?}{}; active orders: {}; past violations: {}; earlier cases: {}; REPEAT OFFENDER: {}",
                c.match_kind,
                if c.match_kind == qorgau_core::store::MatchKind::NameAndBirthDate { " (confirm identity)" } else { "" },
                c.active_orders.len(),
                c.past_violations,
                c.earlier_cases,
                if c.repeat_offender { "yes" } else { "no" }
            );
            for o in &c.active_orders {
                text.push_str(&format!(
                    "\n  order {} until {} ({:?}): {}",
                    o.number,
                    o.valid_until.format("%Y-%m-%d"),
                    o.source,
                    o.prohibitions.join(", ")
                ));
            }
            print(out, &text, &c)
        }
    }
}

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

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

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
