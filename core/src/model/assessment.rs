//! Risk assessments: instruments as signed, versioned data, and the scoring engine.
//!
//! Two kinds of instrument: a checklist (count of "yes", e.g. the DASH-style checklist shipped
//! here) and a weighted instrument (per-item weights, an optional calendar of incidents rated by
//! severity, level bands) so that an agency can load the instrument it is licensed to use.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::order::Texts;
use super::time::DeviceTime;
use crate::error::{Error, Result};

/// Checklist or weighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstrumentKind {
    Checklist,
    Weighted,
}

/// An answer to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    DontKnow,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstrumentItem {
    pub id: String,
    pub text: Texts,
    /// Points for a "yes" (1 on a checklist).
    pub weight: u32,
    pub required: bool,
}

/// Points per incident of the calendar by severity (index 0 = severity 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarRule {
    pub max_severity: u8,
    pub points_by_severity: Vec<u32>,
}

/// A level and the lowest score that reaches it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub level: String,
    pub min_score: u32,
    pub label: Texts,
}

/// An instrument definition (data, versioned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instrument {
    pub id: String,
    pub version: String,
    pub kind: InstrumentKind,
    pub title: Texts,
    pub source: String,
    pub validated: bool,
    pub answer_options: Vec<Answer>,
    pub items: Vec<InstrumentItem>,
    pub calendar: Option<CalendarRule>,
    /// Ascending by `min_score`; the first starts at 0.
    pub bands: Vec<Band>,
    pub override_up_allowed: bool,
}

/// An incident on the calendar: when, and how severe (1 = slap … 5 = weapon/strangling).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub severity: u8,
}

/// A computed score and level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub score: u32,
    pub level: String,
    /// Position of the level among the bands (0 = lowest).
    pub level_rank: u32,
}

/// The score of an assessment in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorePreview {
    pub score: u32,
    pub level: String,
    pub level_rank: u32,
    /// Required items not answered yet (counted as "no" in the score).
    pub unanswered: u32,
}

impl Instrument {
    /// Parses and checks a definition: items with unique ids, bands ascending from 0, answer
    /// options that suit the kind, a calendar only on weighted instruments.
    pub fn from_json(json: &str) -> Result<Instrument> {
        let i: Instrument =
            serde_json::from_str(json).map_err(|e| Error::invalid("instrument", e.to_string()))?;
        i.check()?;
        Ok(i)
    }

    fn check(&self) -> Result<()> {
        let bad = |r: &str| Err(Error::invalid("instrument", r.to_string()));
        if self.id.trim().is_empty() || self.version.trim().is_empty() || self.items.is_empty() {
            return bad("needs an id, a version and items");
        }
        let mut ids: Vec<&str> = self.items.iter().map(|i| i.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != self.items.len() {
            return bad("item ids must be unique");
        }
        if self.bands.is_empty()
            || self.bands[0].min_score != 0
            || self
                .bands
                .windows(2)
                .any(|w| w[0].min_score >= w[1].min_score)
        {
            return bad("bands must start at 0 and ascend");
        }
        if !self.answer_options.contains(&Answer::Yes) || !self.answer_options.contains(&Answer::No)
        {
            return bad("answers must include yes and no");
        }
        if self.kind == InstrumentKind::Checklist
            && (self.calendar.is_some() || self.items.iter().any(|i| i.weight != 1))
        {
            return bad("a checklist counts yes answers: weight 1 and no calendar");
        }
        if let Some(c) = &self.calendar {
            if c.max_severity == 0 || c.points_by_severity.len() != c.max_severity as usize {
                return bad("calendar points must be given for each severity");
            }
        }
        Ok(())
    }

    /// Scores answers (and the calendar, for weighted instruments). A required item without an
    /// answer, an answer to an unknown item, an answer option the instrument does not offer, or
    /// a calendar severity out of range is refused.
    pub fn score(
        &self,
        answers: &HashMap<String, Answer>,
        calendar: &[CalendarEntry],
    ) -> Result<Score> {
        self.tally(answers, calendar, true).map(|(s, _)| s)
    }

    /// The score so far of an assessment in progress, for the form to show as it is filled in:
    /// items not answered yet count as "no" and are counted in `unanswered`. Stores nothing;
    /// an unknown item, an answer option the instrument does not offer or a bad calendar entry
    /// is refused as in [`Instrument::score`].
    pub fn preview(
        &self,
        answers: &HashMap<String, Answer>,
        calendar: &[CalendarEntry],
    ) -> Result<ScorePreview> {
        let (s, unanswered) = self.tally(answers, calendar, false)?;
        Ok(ScorePreview {
            score: s.score,
            level: s.level,
            level_rank: s.level_rank,
            unanswered,
        })
    }

    fn tally(
        &self,
        answers: &HashMap<String, Answer>,
        calendar: &[CalendarEntry],
        require_all: bool,
    ) -> Result<(Score, u32)> {
        let mut unanswered = 0u32;
        for id in answers.keys() {
            if !self.items.iter().any(|i| &i.id == id) {
                return Err(Error::invalid(
                    "answers",
                    format!("unknown item {id:?} for {} {}", self.id, self.version),
                ));
            }
        }
        let mut score = 0u32;
        for item in &self.items {
            match answers.get(&item.id) {
                None if item.required && require_all => {
                    return Err(Error::invalid(
                        "answers",
                        format!("item {} needs an answer", item.id),
                    ))
                }
                None => unanswered += u32::from(item.required),
                Some(a) if !self.answer_options.contains(a) => {
                    return Err(Error::invalid(
                        "answers",
                        format!("{a:?} is not an answer option of {}", self.id),
                    ))
                }
                Some(Answer::Yes) => score += item.weight,
                Some(_) => {}
            }
        }
        match (&self.calendar, calendar.is_empty()) {
            (None, false) => {
                return Err(Error::invalid(
                    "calendar",
                    "this instrument has no calendar",
                ))
            }
            (Some(rule), _) => {
                for e in calendar {
                    if e.severity == 0 || e.severity > rule.max_severity {
                        return Err(Error::invalid(
                            "calendar",
                            format!("severity must be 1 to {}", rule.max_severity),
                        ));
                    }
                    score += rule.points_by_severity[e.severity as usize - 1];
                }
            }
            (None, true) => {}
        }
        let rank = self
            .bands
            .iter()
            .rposition(|b| score >= b.min_score)
            .unwrap_or(0);
        Ok((
            Score {
                score,
                level: self.bands[rank].level.clone(),
                level_rank: rank as u32,
            },
            unanswered,
        ))
    }

    /// The rank of a level code.
    pub fn level_rank(&self, level: &str) -> Option<u32> {
        self.bands
            .iter()
            .position(|b| b.level == level)
            .map(|r| r as u32)
    }
}

/// What the professional recommends.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Recommendations {
    pub protection_order: bool,
    pub shelter: bool,
    pub arrest_request: bool,
    pub follow_up: Option<NaiveDate>,
}

/// What the psychologist enters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAssessment {
    /// The survivor assessed (a person on the case).
    pub survivor_id: Uuid,
    pub instrument_id: String,
    pub instrument_version: String,
    pub answers: HashMap<String, Answer>,
    pub calendar: Vec<CalendarEntry>,
    /// Raise the level by professional judgement (never lower), with a written reason.
    pub override_level: Option<String>,
    pub override_reason: Option<String>,
    pub recommendations: Recommendations,
    /// Clinical notes: readable by psychologists only.
    pub clinical_notes: String,
}

/// The part of an assessment every team member sees (officers decide on orders with it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentSummary {
    pub id: Uuid,
    pub case_id: Uuid,
    pub survivor_id: Uuid,
    pub instrument_id: String,
    pub instrument_version: String,
    pub score: u32,
    pub computed_level: String,
    /// The level in force (raised by professional judgement if `overridden`).
    pub level: String,
    pub level_rank: u32,
    pub overridden: bool,
    pub recommendations: Recommendations,
    pub assessed_by: String,
    pub assessed_at: DeviceTime,
    /// SHA-256 of the sealed clinical part, so that `verify` checks it without the clinical key.
    pub clinical_sha256: String,
}

/// The clinical part: answers, calendar, override reason and notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClinicalPart {
    pub answers: HashMap<String, Answer>,
    pub calendar: Vec<CalendarEntry>,
    pub override_reason: Option<String>,
    pub notes: String,
}

/// Everything, for a psychologist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentDetail {
    pub summary: AssessmentSummary,
    pub clinical: ClinicalPart,
}

/// A point on a survivor's trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub assessment_id: Uuid,
    pub case_id: Uuid,
    pub assessed_at: DeviceTime,
    pub instrument_id: String,
    pub score: u32,
    pub level: String,
    pub level_rank: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dash() -> Instrument {
        Instrument::from_json(include_str!("../../instruments/dash_style_kz.json")).unwrap()
    }
    fn example() -> Instrument {
        Instrument::from_json(include_str!("../../instruments/example_weighted.json")).unwrap()
    }

    fn yes(inst: &Instrument, n: usize) -> HashMap<String, Answer> {
        inst.items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                (
                    it.id.clone(),
                    if i < n {
                        Answer::Yes
                    } else if i % 2 == 0 {
                        Answer::No
                    } else {
                        Answer::DontKnow
                    },
                )
            })
            .collect()
    }

    #[test]
    fn dash_style_levels_at_and_around_every_threshold() {
        let d = dash();
        assert_eq!(d.items.len(), 27);
        for (n, level) in [
            (0, "standard"),
            (1, "standard"),
            (9, "standard"),
            (10, "medium"),
            (13, "medium"),
            (14, "high"),
            (27, "high"),
        ] {
            let s = d.score(&yes(&d, n), &[]).unwrap();
            assert_eq!((s.score, s.level.as_str()), (n as u32, level), "{n} yes");
        }
    }

    #[test]
    fn a_preview_scores_a_form_in_progress_and_agrees_with_the_score_once_complete() {
        let d = dash();
        let empty = d.preview(&HashMap::new(), &[]).unwrap();
        assert_eq!(
            (empty.score, empty.level.as_str(), empty.unanswered),
            (0, "standard", 27)
        );
        // Fourteen yes answers and nothing else yet: already high.
        let partial: HashMap<String, Answer> = d
            .items
            .iter()
            .take(14)
            .map(|i| (i.id.clone(), Answer::Yes))
            .collect();
        let p = d.preview(&partial, &[]).unwrap();
        assert_eq!((p.score, p.level.as_str(), p.unanswered), (14, "high", 13));
        assert!(
            matches!(
                d.score(&partial, &[]),
                Err(Error::InvalidField {
                    field: "answers",
                    ..
                })
            ),
            "the final score still needs every answer"
        );
        for n in [0, 9, 10, 13, 14, 27] {
            let full = yes(&d, n);
            let (s, p) = (d.score(&full, &[]).unwrap(), d.preview(&full, &[]).unwrap());
            assert_eq!(
                (p.score, p.level, p.level_rank, p.unanswered),
                (s.score, s.level, s.level_rank, 0)
            );
        }
        let mut bad = partial.clone();
        bad.insert("q99".into(), Answer::Yes);
        assert!(matches!(
            d.preview(&bad, &[]),
            Err(Error::InvalidField {
                field: "answers",
                ..
            })
        ));
        let e = example();
        assert!(matches!(
            e.preview(
                &HashMap::new(),
                &[CalendarEntry {
                    date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                    severity: 99
                }]
            ),
            Err(Error::InvalidField {
                field: "calendar",
                ..
            })
        ));
    }

    #[test]
    fn dont_know_is_not_yes_and_missing_required_answers_are_refused() {
        let d = dash();
        let mut a: HashMap<String, Answer> = d
            .items
            .iter()
            .map(|i| (i.id.clone(), Answer::DontKnow))
            .collect();
        assert_eq!(d.score(&a, &[]).unwrap().score, 0);
        a.remove("q05");
        assert!(matches!(
            d.score(&a, &[]),
            Err(Error::InvalidField {
                field: "answers",
                ..
            })
        ));
        a.insert("q05".into(), Answer::Yes);
        a.insert("q99".into(), Answer::Yes);
        assert!(d.score(&a, &[]).is_err(), "unknown item");
    }

    #[test]
    fn weighted_example_with_calendar_at_and_around_every_threshold() {
        let e = example();
        let none: HashMap<String, Answer> =
            e.items.iter().map(|i| (i.id.clone(), Answer::No)).collect();
        let with = |ids: &[&str]| {
            let mut a = none.clone();
            for id in ids {
                a.insert(id.to_string(), Answer::Yes);
            }
            a
        };
        let day = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let cal = |sev: &[u8]| {
            sev.iter()
                .map(|s| CalendarEntry {
                    date: day,
                    severity: *s,
                })
                .collect::<Vec<_>>()
        };
        // weights: q1 4, q2 5, q3 4, q4 3, q5 2, q6 2, q7 3, q8 2, q9 1, q10 2; calendar points 0,0,1,2,3.
        #[allow(clippy::type_complexity)] // a table of test cases
        let cases: Vec<(HashMap<String, Answer>, Vec<CalendarEntry>, u32, &str)> = vec![
            (with(&[]), cal(&[]), 0, "low"),
            (with(&["q1", "q9"]), cal(&[]), 5, "low"),
            (with(&["q1", "q9"]), cal(&[3]), 6, "elevated"),
            (with(&["q2", "q5", "q6"]), cal(&[1, 2]), 9, "elevated"),
            (with(&["q2", "q5", "q6"]), cal(&[4]), 11, "elevated"),
            (with(&["q2", "q5", "q6"]), cal(&[5]), 12, "severe"),
            (with(&["q1", "q2", "q3"]), cal(&[5, 5]), 19, "severe"),
        ];
        for (answers, calendar, want, level) in cases {
            let s = e.score(&answers, &calendar).unwrap();
            assert_eq!((s.score, s.level.as_str()), (want, level));
        }
        assert!(
            matches!(
                e.score(&none, &cal(&[6])),
                Err(Error::InvalidField {
                    field: "calendar",
                    ..
                })
            ),
            "severity out of range"
        );
        let mut dk = none.clone();
        dk.insert("q1".into(), Answer::DontKnow);
        assert!(
            matches!(
                e.score(&dk, &[]),
                Err(Error::InvalidField {
                    field: "answers",
                    ..
                })
            ),
            "the example offers only yes and no"
        );
        assert!(
            matches!(
                dash().score(&yes(&dash(), 3), &cal(&[2])),
                Err(Error::InvalidField {
                    field: "calendar",
                    ..
                })
            ),
            "a checklist has no calendar"
        );
    }

    #[test]
    fn malformed_definitions_are_refused() {
        let src = include_str!("../../instruments/dash_style_kz.json");
        assert!(matches!(
            Instrument::from_json(&src.replace("\"min_score\": 10", "\"min_score\": 20")),
            Err(Error::InvalidField {
                field: "instrument",
                ..
            })
        ));
        assert!(matches!(
            Instrument::from_json(&src.replace("\"weight\": 1,", "\"weight\": 2,")),
            Err(Error::InvalidField {
                field: "instrument",
                ..
            })
        ));
        assert!(matches!(
            Instrument::from_json("{}"),
            Err(Error::InvalidField {
                field: "instrument",
                ..
            })
        ));
    }
}
