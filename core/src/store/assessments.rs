//! Risk assessments, with access control in the core: every role sees the level, score and
//! recommendations; only an unlocked psychologist profile reads answers and clinical notes,
//! and every such read, or refused attempt, is written to the custody chain.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ring::aead::{LessSafeKey, UnboundKey, AES_256_GCM};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::{EventKind, Recorded, Store};
use crate::canonical;
use crate::crypto::hash::Sha256;
use crate::crypto::seal;
use crate::crypto::signing::DeviceSigner;
use crate::error::{Error, Result};
use crate::model::{
    Answer, AssessmentDetail, AssessmentSummary, CalendarEntry, ClinicalPart, Instrument,
    NewAssessment, PersonRole, ScorePreview, TeamRole, TrendPoint,
};

/// The instruments every phone has. The weighted example (an instrument to show the calendar
/// and weights, not a validated tool) is built in only for tests, debug builds and the demo
/// CLI; a release build (what the apps ship) offers it only if the station sends it signed.
#[cfg(any(test, debug_assertions, feature = "fixtures"))]
const BUILTIN: &[&str] = &[
    include_str!("../../instruments/dash_style_kz.json"),
    include_str!("../../instruments/example_weighted.json"),
];
#[cfg(not(any(test, debug_assertions, feature = "fixtures")))]
const BUILTIN: &[&str] = &[include_str!("../../instruments/dash_style_kz.json")];
const INSTRUMENT_DOMAIN: &[u8] = b"qorgau-instrument/1:";

/// Signs an instrument definition as the station does: `{"instrument": …, "signature": …}`.
pub fn sign_instrument(instrument: &Instrument, station: &DeviceSigner) -> Result<String> {
    let mut msg = INSTRUMENT_DOMAIN.to_vec();
    msg.extend_from_slice(&canonical::to_bytes(instrument)?);
    Ok(serde_json::to_string(
        &serde_json::json!({ "instrument": instrument, "signature": B64.encode(station.sign(&msg)) }),
    )?)
}

/// Checks a signed instrument file against the station's key; returns the definition and its
/// JSON to store.
pub(crate) fn verify_instrument(
    envelope: &str,
    station: &crate::crypto::signing::PublicKey,
) -> Result<(Instrument, String)> {
    let bad = |r: &str| Error::invalid("instrument", r.to_string());
    let v: serde_json::Value =
        serde_json::from_str(envelope).map_err(|_| bad("not a signed instrument file"))?;
    let inst: Instrument =
        serde_json::from_value(v["instrument"].clone()).map_err(|e| bad(&e.to_string()))?;
    let sig = v["signature"]
        .as_str()
        .and_then(|s| B64.decode(s).ok())
        .ok_or_else(|| bad("no signature"))?;
    let mut msg = INSTRUMENT_DOMAIN.to_vec();
    msg.extend_from_slice(&canonical::to_bytes(&inst)?);
    if !station.verify(&msg, &sig) {
        return Err(bad(
            "bad signature: not signed by this device's station, or altered",
        ));
    }
    let json = serde_json::to_string(&inst)?;
    Ok((Instrument::from_json(&json)?, json))
}

/// Stores a verified instrument definition.
pub(crate) fn store_instrument(
    conn: &rusqlite::Connection,
    keys: &crate::crypto::keys::DerivedKeys,
    inst: &Instrument,
    json: &str,
) -> Result<()> {
    let mac = super::integrity::mac(
        keys,
        "instruments",
        &super::integrity::instrument_fields(&inst.id, &inst.version, json),
    );
    conn.execute(
        "INSERT INTO instruments (id, version, definition, mac) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id, version) DO UPDATE SET definition = excluded.definition, mac = excluded.mac",
        params![inst.id, inst.version, json, mac],
    )?;
    Ok(())
}

fn clinical_cipher(key: &[u8; 32]) -> Result<LessSafeKey> {
    Ok(LessSafeKey::new(
        UnboundKey::new(&AES_256_GCM, key).map_err(|_| Error::Crypto("key"))?,
    ))
}

impl Store {
    /// The instruments available: the shipped ones and those loaded from station-signed files.
    pub fn instruments(&self) -> Result<Vec<Instrument>> {
        let mut all: Vec<Instrument> = BUILTIN
            .iter()
            .map(|j| Instrument::from_json(j))
            .collect::<Result<_>>()?;
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT id, version, definition, mac FROM instruments ORDER BY id, version")?;
        for r in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<Vec<u8>>>(3)?,
            ))
        })? {
            let (id, version, d, mac) = r?;
            // An instrument edited in the database would change how risk is scored: refused.
            super::integrity::check(
                self.keys(),
                "instruments",
                &format!("{id} {version}"),
                &super::integrity::instrument_fields(&id, &version, &d),
                mac.as_deref(),
            )?;
            all.push(Instrument::from_json(&d)?);
        }
        Ok(all)
    }

    /// The score so far of an assessment being filled in (see [`Instrument::preview`]). Pure:
    /// nothing is stored or logged, and no clinical key is needed.
    pub fn score_preview(
        &self,
        instrument_id: &str,
        version: &str,
        answers: &HashMap<String, Answer>,
        calendar: &[CalendarEntry],
    ) -> Result<ScorePreview> {
        self.instrument(instrument_id, version)?
            .preview(answers, calendar)
    }

    /// One instrument version; an unknown id or version is refused.
    pub fn instrument(&self, id: &str, version: &str) -> Result<Instrument> {
        self.instruments()?
            .into_iter()
            .find(|i| i.id == id && i.version == version)
            .ok_or_else(|| Error::NotFound {
                kind: "instrument version",
                id: format!("{id} {version}"),
            })
    }

    /// Loads an instrument from a station-signed file (the way an agency installs the
    /// instrument it is licensed to use). A bad signature is refused and nothing is stored.
    pub fn load_signed_instrument(&self, envelope: &str) -> Result<Instrument> {
        let station = self.station_key().map_err(|e| match e {
            Error::InvalidRegistry { .. } => {
                Error::invalid("instrument", "no station key is trusted yet")
            }
            e => e,
        })?;
        let (inst, json) = verify_instrument(envelope, &station)?;
        store_instrument(&self.conn(), self.keys(), &inst, &json)?;
        Ok(inst)
    }

    /// Records an assessment. Only an unlocked psychologist profile may; the answers, calendar,
    /// override reason and notes are sealed under the clinical key.
    pub fn record_assessment(
        &self,
        case: uuid::Uuid,
        new: NewAssessment,
    ) -> Result<Recorded<AssessmentSummary>> {
        self.require_case(case)?;
        if self.current_role() != TeamRole::Psychologist {
            let role = super::profiles::role_str(self.current_role());
            self.log_event(
                case,
                EventKind::AccessDenied,
                &serde_json::json!({ "wanted": "record_assessment", "role": role }),
            )?;
            return Err(Error::PermissionDenied {
                action: "record a risk assessment (psychologists only)".into(),
            });
        }
        let clinical_key = self
            .current_clinical_key()
            .ok_or_else(|| Error::PermissionDenied {
                action: "use the clinical key".into(),
            })?;
        let survivor = self.person(new.survivor_id)?;
        if survivor.case_id != case {
            return Err(Error::NotFound {
                kind: "person on this case",
                id: new.survivor_id.to_string(),
            });
        }
        if survivor.role != PersonRole::Survivor {
            return Err(Error::invalid(
                "survivor_id",
                "a risk assessment is made with the survivor",
            ));
        }
        let inst = self.instrument(&new.instrument_id, &new.instrument_version)?;
        let computed = inst.score(&new.answers, &new.calendar)?;
        let (level, rank, overridden, reason) = match (
            &new.override_level,
            new.override_reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty()),
        ) {
            (None, _) => (computed.level.clone(), computed.level_rank, false, None),
            (Some(_), None) => {
                return Err(Error::invalid(
                    "override_reason",
                    "a professional override needs a written reason",
                ))
            }
            (Some(l), Some(r)) => {
                let rank = inst.level_rank(l).ok_or_else(|| {
                    Error::invalid(
                        "override_level",
                        format!("{l:?} is not a level of {}", inst.id),
                    )
                })?;
                if !inst.override_up_allowed || rank < computed.level_rank {
                    return Err(Error::invalid(
                        "override_level",
                        "judgement can raise the level, not lower it",
                    ));
                }
                (
                    l.clone(),
                    rank,
                    rank != computed.level_rank,
                    Some(r.to_string()),
                )
            }
        };
        let id = Uuid::new_v4();
        let clinical = ClinicalPart {
            answers: new.answers,
            calendar: new.calendar,
            override_reason: reason,
            notes: new.clinical_notes,
        };
        let sealed_clinical = seal::seal(
            &clinical_cipher(&clinical_key)?,
            &format!("assessment-clinical/{id}"),
            &canonical::to_bytes(&clinical)?,
        )?;
        let at = self.clock().now();
        let summary = AssessmentSummary {
            id,
            case_id: case,
            survivor_id: survivor.id,
            instrument_id: inst.id,
            instrument_version: inst.version,
            score: computed.score,
            computed_level: computed.level,
            level,
            level_rank: rank,
            overridden,
            recommendations: new.recommendations,
            assessed_by: self.actor(),
            assessed_at: at,
            clinical_sha256: Sha256::of(&sealed_clinical).hex(),
        };
        let sealed = self.seal_record("assessments", &id.to_string(), &summary)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO assessments (id, case_id, survivor_id, body, clinical) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.to_string(), case.to_string(), summary.survivor_id.to_string(), sealed.sealed, sealed_clinical],
        )?;
        let seq = self.append_custody(
            &tx,
            case,
            EventKind::AssessmentRecorded,
            Some(id),
            None,
            sealed.sha256,
            at,
        )?;
        tx.commit()?;
        Ok(Recorded {
            record: summary,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }

    /// What every role sees: score, level and recommendations.
    pub fn assessment_summary(&self, id: Uuid) -> Result<AssessmentSummary> {
        let body: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT body FROM assessments WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let body = body.ok_or(Error::NotFound {
            kind: "assessment",
            id: id.to_string(),
        })?;
        self.open_record("assessments", &id.to_string(), &body)
    }

    /// The assessments on a case, in the order recorded.
    pub fn assessments_of_case(&self, case: Uuid) -> Result<Vec<AssessmentSummary>> {
        self.bodies_of_case("assessments", case)?
            .into_iter()
            .map(|(id, b)| self.open_record("assessments", &id, &b))
            .collect()
    }

    /// The whole assessment, for an unlocked psychologist profile only. The read is logged in
    /// the custody chain; a refused attempt is logged too, then refused.
    pub fn assessment_detail(&self, id: Uuid) -> Result<AssessmentDetail> {
        let summary = self.assessment_summary(id)?;
        let role = self.current_role();
        let key = match (role, self.current_clinical_key()) {
            (TeamRole::Psychologist, Some(k)) => k,
            _ => {
                self.log_event(
                    summary.case_id,
                    EventKind::AccessDenied,
                    &serde_json::json!({ "assessment": id, "wanted": "clinical_content", "role": super::profiles::role_str(role) }),
                )?;
                return Err(Error::PermissionDenied {
                    action: "read the answers and clinical notes (psychologists only)".into(),
                });
            }
        };
        let sealed: Vec<u8> = self.conn().query_row(
            "SELECT clinical FROM assessments WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?;
        let clinical: ClinicalPart = serde_json::from_slice(&seal::open(
            &clinical_cipher(&key)?,
            &format!("assessment-clinical/{id}"),
            &sealed,
        )?)?;
        self.log_event(
            summary.case_id,
            EventKind::AssessmentViewed,
            &serde_json::json!({ "assessment": id, "read": "clinical_content" }),
        )?;
        Ok(AssessmentDetail { summary, clinical })
    }

    /// The survivor's levels over time, across every case on this device where she appears
    /// (matched by IIN when she has one), oldest first.
    pub fn level_trend(&self, survivor_id: Uuid) -> Result<Vec<TrendPoint>> {
        let person = self.person(survivor_id)?;
        let mut ids = vec![survivor_id.to_string()];
        if let Some(iin) = &person.iin {
            let conn = self.conn();
            let mut stmt = conn.prepare("SELECT id FROM people WHERE iin_hash = ?1")?;
            for r in stmt.query_map([self.iin_lookup_hash(iin)], |r| r.get::<_, String>(0))? {
                let r = r?;
                if !ids.contains(&r) {
                    ids.push(r);
                }
            }
        }
        let mut out = Vec::new();
        for pid in ids {
            let rows: Vec<(String, Vec<u8>)> = {
                let conn = self.conn();
                let mut stmt =
                    conn.prepare("SELECT id, body FROM assessments WHERE survivor_id = ?1")?;
                let rows = stmt.query_map([&pid], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<std::result::Result<_, _>>()?
            };
            for (id, body) in rows {
                let s: AssessmentSummary = self.open_record("assessments", &id, &body)?;
                out.push(TrendPoint {
                    assessment_id: s.id,
                    case_id: s.case_id,
                    assessed_at: s.assessed_at,
                    instrument_id: s.instrument_id,
                    score: s.score,
                    level: s.level,
                    level_rank: s.level_rank,
                });
            }
        }
        out.sort_by_key(|p| p.assessed_at.utc);
        Ok(out)
    }
}
