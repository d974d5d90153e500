//! Story tests of profiles, PINs, risk assessments and access control.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use uuid::Uuid;

use super::tests::{create_as_supervisor, scene, supervisor, walk, Scene, SUP_PIN};
use super::*;
use crate::crypto::signing::{generate_pkcs8, DeviceSigner};
use crate::fixtures;
use crate::model::*;

const NOTES: &str = "CLINICAL-MARKER she described strangling twice (synthetic)";
const PSY_PIN: &str = "480917";

struct Team {
    s: Scene,
    case: Uuid,
    survivor: Uuid,
    officer: Profile,
    psychologist: Profile,
    supervisor: Profile,
}

fn team() -> Team {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let survivor = s
        .store
        .add_person(case, fixtures::survivor())
        .unwrap()
        .record
        .id;
    let officer = create_as_supervisor(
        &s.store,
        TeamRole::Officer,
        "Aibek Demoulin",
        "KZ-DEMO-0417",
        "270415",
    );
    let psychologist = create_as_supervisor(
        &s.store,
        TeamRole::Psychologist,
        "Saule Examplova",
        "KZ-DEMO-PSY-02",
        PSY_PIN,
    );
    let supervisor = supervisor(&s.store);
    Team {
        s,
        case,
        survivor,
        officer,
        psychologist,
        supervisor,
    }
}

fn answers(inst: &Instrument, yes: usize) -> HashMap<String, Answer> {
    inst.items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            (
                it.id.clone(),
                if i < yes { Answer::Yes } else { Answer::No },
            )
        })
        .collect()
}

fn dash_assessment(t: &Team, yes: usize) -> NewAssessment {
    let inst = t.s.store.instrument("dash-style-kz", "1.0.0").unwrap();
    NewAssessment {
        survivor_id: t.survivor,
        instrument_id: inst.id.clone(),
        instrument_version: inst.version.clone(),
        answers: answers(&inst, yes),
        calendar: vec![],
        override_level: None,
        override_reason: None,
        recommendations: Recommendations {
            protection_order: true,
            shelter: yes >= 14,
            arrest_request: false,
            follow_up: None,
        },
        clinical_notes: NOTES.into(),
    }
}

#[test]
fn the_psychologist_assesses_and_the_officer_sees_the_level_only() {
    let t = team();
    let st = &t.s.store;
    assert!(
        matches!(
            st.record_assessment(t.case, dash_assessment(&t, 15)),
            Err(Error::PermissionDenied { .. })
        ),
        "device officer"
    );
    st.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    let a = st
        .record_assessment(t.case, dash_assessment(&t, 15))
        .unwrap()
        .record;
    assert_eq!(
        (a.score, a.level.as_str(), a.overridden),
        (15, "high", false)
    );
    assert_eq!(
        a.assessed_by, "KZ-DEMO-PSY-02",
        "the acting profile signs the entry"
    );
    let detail = st.assessment_detail(a.id).unwrap();
    assert_eq!(detail.clinical.notes, NOTES);
    assert_eq!(detail.clinical.answers.len(), 27);

    st.unlock_profile(t.officer.id, "270415").unwrap();
    let seen = st.assessment_summary(a.id).unwrap();
    assert_eq!(
        (
            seen.level.as_str(),
            seen.score,
            seen.recommendations.shelter
        ),
        ("high", 15, true)
    );
    assert!(matches!(
        st.assessment_detail(a.id),
        Err(Error::PermissionDenied { .. })
    ));
    let log = st.custody_log(t.case).unwrap();
    let kinds: Vec<EventKind> = log.iter().map(|e| e.entry.kind).collect();
    assert!(
        kinds.ends_with(&[
            EventKind::AssessmentRecorded,
            EventKind::AssessmentViewed,
            EventKind::AccessDenied
        ]),
        "{kinds:?}"
    );
    let denied = log.last().unwrap();
    assert_eq!(denied.entry.actor, "KZ-DEMO-0417", "who");
    assert!(
        denied
            .detail
            .as_deref()
            .unwrap()
            .contains(&a.id.to_string()),
        "what"
    );
    assert!(st.verify(t.case).unwrap().ok);
}

#[test]
fn every_role_but_psychologist_is_refused_the_clinical_content() {
    let t = team();
    let st = &t.s.store;
    st.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    let a = st
        .record_assessment(t.case, dash_assessment(&t, 3))
        .unwrap()
        .record;
    let sw = create_as_supervisor(
        st,
        TeamRole::SocialWorker,
        "Dina Casework",
        "KZ-DEMO-SW-1",
        "735190",
    );
    for (p, pin) in [
        (&sw, "735190"),
        (&t.supervisor, SUP_PIN),
        (&t.officer, "270415"),
    ] {
        st.unlock_profile(p.id, pin).unwrap();
        assert_eq!(st.assessment_summary(a.id).unwrap().level, "standard");
        assert!(
            matches!(
                st.assessment_detail(a.id),
                Err(Error::PermissionDenied { .. })
            ),
            "{:?}",
            p.role
        );
        assert!(matches!(
            st.record_assessment(t.case, dash_assessment(&t, 3)),
            Err(Error::PermissionDenied { .. })
        ));
    }
    st.lock_profile();
    assert!(
        matches!(
            st.assessment_detail(a.id),
            Err(Error::PermissionDenied { .. })
        ),
        "no profile: device officer"
    );
    let denials = st
        .custody_log(t.case)
        .unwrap()
        .iter()
        .filter(|e| e.entry.kind == EventKind::AccessDenied)
        .count();
    assert_eq!(
        denials,
        4 + 3,
        "refused reads and refused recordings are both audited"
    );
}

#[test]
fn overrides_need_a_reason_and_only_raise_the_level() {
    let t = team();
    let st = &t.s.store;
    st.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    let no_reason = NewAssessment {
        override_level: Some("high".into()),
        ..dash_assessment(&t, 4)
    };
    assert!(matches!(
        st.record_assessment(t.case, no_reason),
        Err(Error::InvalidField {
            field: "override_reason",
            ..
        })
    ));
    let lower = NewAssessment {
        override_level: Some("standard".into()),
        override_reason: Some("calmer".into()),
        ..dash_assessment(&t, 12)
    };
    assert!(matches!(
        st.record_assessment(t.case, lower),
        Err(Error::InvalidField {
            field: "override_level",
            ..
        })
    ));
    let raised = NewAssessment {
        override_level: Some("high".into()),
        override_reason: Some("recent strangling, judgement".into()),
        ..dash_assessment(&t, 4)
    };
    let a = st.record_assessment(t.case, raised).unwrap().record;
    assert_eq!(
        (a.computed_level.as_str(), a.level.as_str(), a.overridden),
        ("standard", "high", true)
    );
    let unknown = NewAssessment {
        instrument_version: "9.9".into(),
        ..dash_assessment(&t, 1)
    };
    assert!(matches!(
        st.record_assessment(t.case, unknown),
        Err(Error::NotFound { .. })
    ));
    let mut missing = dash_assessment(&t, 1);
    missing.answers.remove("q27");
    assert!(matches!(
        st.record_assessment(t.case, missing),
        Err(Error::InvalidField {
            field: "answers",
            ..
        })
    ));
    assert_eq!(st.assessments_of_case(t.case).unwrap().len(), 1);
}

#[test]
fn wrong_pins_lock_the_profile_and_the_lock_survives_a_restart() {
    let t = team();
    let st = &t.s.store;
    st.unlock_profile(t.supervisor.id, SUP_PIN).unwrap();
    assert!(matches!(
        st.create_profile(TeamRole::Officer, "X", "B-1", "1234"),
        Err(Error::InvalidField { field: "pin", .. })
    ));
    assert!(matches!(
        st.create_profile(TeamRole::Officer, "X", "B-1", "123456"),
        Err(Error::InvalidField { field: "pin", .. })
    ));
    st.lock_profile();
    for left in (1..MAX_FAILED).rev() {
        assert!(
            matches!(st.unlock_profile(t.psychologist.id, "000111"), Err(Error::WrongPin { attempts_left }) if attempts_left == left)
        );
    }
    assert!(matches!(
        st.unlock_profile(t.psychologist.id, "000111"),
        Err(Error::ProfileLocked { .. })
    ));
    assert!(
        matches!(
            st.unlock_profile(t.psychologist.id, PSY_PIN),
            Err(Error::ProfileLocked { .. })
        ),
        "locked even with the right PIN"
    );
    let dir = st.dir().to_path_buf();
    drop(t.s.store);
    let reopened = Store::open(&dir, &t.s.ks, super::tests::clock()).unwrap();
    assert!(
        matches!(
            reopened.unlock_profile(t.psychologist.id, PSY_PIN),
            Err(Error::ProfileLocked { .. })
        ),
        "after a restart"
    );
    drop(reopened);
    let later = StoreOptions {
        clock: Some(Arc::new(SteppingClock::new(
            Utc.with_ymd_and_hms(2026, 11, 20, 18, 40, 0).unwrap() + Duration::hours(1),
            300,
        ))),
        ..Default::default()
    };
    let store = Store::open(&dir, &t.s.ks, later).unwrap();
    store.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    assert_eq!(store.profile(t.psychologist.id).unwrap().failed_attempts, 0);
}

#[test]
fn a_second_psychologist_gets_the_clinical_key_only_from_a_colleague_who_holds_it() {
    let t = team();
    let st = &t.s.store;
    st.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    let a = st
        .record_assessment(t.case, dash_assessment(&t, 2))
        .unwrap()
        .record;
    assert!(t.psychologist.clinical_access);
    // The supervisor adds her; the key is not the supervisor's to give.
    let second = create_as_supervisor(st, TeamRole::Psychologist, "Other Psy", "PSY-3", "519283");
    assert!(!second.clinical_access, "waits for the key");
    st.unlock_profile(second.id, "519283").unwrap();
    assert!(
        matches!(
            st.assessment_detail(a.id),
            Err(Error::PermissionDenied { .. })
        ),
        "no key yet: no notes"
    );
    assert!(
        matches!(
            st.grant_clinical_access(second.id, "519283"),
            Err(Error::PermissionDenied { .. })
        ),
        "cannot grant herself"
    );
    st.unlock_profile(t.supervisor.id, SUP_PIN).unwrap();
    assert!(
        matches!(
            st.grant_clinical_access(second.id, "519283"),
            Err(Error::PermissionDenied { .. })
        ),
        "nor can the supervisor"
    );
    // The colleague who holds it signs in; the new psychologist types her PIN.
    st.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    assert!(matches!(
        st.grant_clinical_access(second.id, "000111"),
        Err(Error::WrongPin { .. })
    ));
    assert_eq!(
        st.profile(second.id).unwrap().failed_attempts,
        1,
        "a wrong PIN counts towards her lock-out"
    );
    assert!(
        matches!(
            st.grant_clinical_access(t.officer.id, "270415"),
            Err(Error::InvalidField { .. })
        ),
        "only a psychologist holds it"
    );
    let granted = st.grant_clinical_access(second.id, "519283").unwrap();
    assert!(granted.clinical_access);
    assert_eq!(granted.failed_attempts, 0);
    assert!(
        matches!(
            st.grant_clinical_access(second.id, "519283"),
            Err(Error::Conflict(_))
        ),
        "once"
    );
    st.unlock_profile(second.id, "519283").unwrap();
    assert_eq!(st.assessment_detail(a.id).unwrap().clinical.notes, NOTES);
    let audit = st.audit_log().unwrap();
    assert!(
        audit
            .iter()
            .any(|(_, actor, action, detail)| actor == "KZ-DEMO-PSY-02"
                && action == "clinical key handed over"
                && detail == "to PSY-3"),
        "{audit:?}"
    );
    // A psychologist added while a key holder is the one signed in... cannot happen (only a
    // supervisor creates profiles), so every later psychologist goes through the hand-over.
}

#[test]
fn clinical_notes_are_nowhere_in_plain_text_and_not_readable_with_the_device_key_alone() {
    let t = team();
    let st = &t.s.store;
    st.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    st.record_assessment(t.case, dash_assessment(&t, 9))
        .unwrap();
    // Search the database, its WAL (still unmerged: the store is open) and the blob directory.
    let files = walk(st.dir());
    assert!(
        files.iter().any(|f| f.to_string_lossy().ends_with("-wal")),
        "the WAL is searched too"
    );
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for needle in [NOTES.as_bytes(), b"CLINICAL-MARKER", b"strangling twice"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} holds clinical text",
                f.display()
            );
        }
    }
    // With the database and the key store but without a psychologist's PIN: no notes.
    let dir = st.dir().to_path_buf();
    drop(t.s.store);
    let copy = Store::open(&dir, &t.s.ks, super::tests::clock()).unwrap();
    let a = copy.assessments_of_case(t.case).unwrap().remove(0);
    assert!(matches!(
        copy.assessment_detail(a.id),
        Err(Error::PermissionDenied { .. })
    ));
    // Not only the role check: the clinical part does not open under any key the device holds
    // (the records key, derived from the data key the key store releases).
    let sealed: Vec<u8> = copy
        .conn()
        .query_row(
            "SELECT clinical FROM assessments WHERE id = ?1",
            [a.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    for aad in [
        format!("assessment-clinical/{}", a.id),
        format!("assessments/{}", a.id),
    ] {
        assert!(
            crate::crypto::seal::open(&copy.keys().records, &aad, &sealed).is_err(),
            "{aad}"
        );
    }
    // It opens only under the clinical key, which only a psychologist's PIN unwraps.
    copy.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    let key = copy.current_clinical_key().unwrap();
    let cipher = ring::aead::LessSafeKey::new(
        ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, &key).unwrap(),
    );
    assert!(
        crate::crypto::seal::open(&cipher, &format!("assessment-clinical/{}", a.id), &sealed)
            .is_ok()
    );
}

#[test]
fn a_survivors_levels_form_a_trend_over_time() {
    let t = team();
    let st = &t.s.store;
    st.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    for yes in [4, 11, 16] {
        st.record_assessment(t.case, dash_assessment(&t, yes))
            .unwrap();
    }
    // A later case with the same survivor (same IIN) joins her trend.
    let case2 = st
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let again = st
        .add_person(case2, fixtures::survivor())
        .unwrap()
        .record
        .id;
    let inst = st.instrument("example-weighted", "0.1.0").unwrap();
    st.record_assessment(
        case2,
        NewAssessment {
            survivor_id: again,
            instrument_id: inst.id.clone(),
            instrument_version: inst.version.clone(),
            answers: answers(&inst, 2),
            calendar: vec![CalendarEntry {
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                severity: 5,
            }],
            override_level: None,
            override_reason: None,
            recommendations: Recommendations::default(),
            clinical_notes: "second case".into(),
        },
    )
    .unwrap();
    let trend = st.level_trend(t.survivor).unwrap();
    let levels: Vec<&str> = trend.iter().map(|p| p.level.as_str()).collect();
    assert_eq!(levels, vec!["standard", "medium", "high", "severe"]);
    assert!(trend
        .windows(2)
        .all(|w| w[0].assessed_at.utc <= w[1].assessed_at.utc));
    assert_eq!(trend[3].case_id, case2);
}

#[test]
fn instruments_load_only_with_the_stations_signature() {
    let t = team();
    let st = &t.s.store;
    let station = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    let mut inst = st.instrument("example-weighted", "0.1.0").unwrap();
    inst.version = "0.2.0".into();
    let signed = sign_instrument(&inst, &station).unwrap();
    assert!(
        matches!(
            st.load_signed_instrument(&signed),
            Err(Error::InvalidField {
                field: "instrument",
                ..
            })
        ),
        "no station key yet"
    );
    super::tests::trust_station(st, station.public_key());
    let forged = signed.replace("\"weight\":4", "\"weight\":9");
    assert!(matches!(
        st.load_signed_instrument(&forged),
        Err(Error::InvalidField {
            field: "instrument",
            ..
        })
    ));
    let intruder = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    assert!(matches!(
        st.load_signed_instrument(&sign_instrument(&inst, &intruder).unwrap()),
        Err(Error::InvalidField {
            field: "instrument",
            ..
        })
    ));
    assert!(
        matches!(
            st.instrument("example-weighted", "0.2.0"),
            Err(Error::NotFound { .. })
        ),
        "nothing stored"
    );
    st.load_signed_instrument(&signed).unwrap();
    assert_eq!(
        st.instrument("example-weighted", "0.2.0")
            .unwrap()
            .items
            .len(),
        10
    );
}

#[test]
fn a_changed_clinical_ciphertext_is_caught_by_verify_without_the_clinical_key() {
    let t = team();
    let st = &t.s.store;
    st.unlock_profile(t.psychologist.id, PSY_PIN).unwrap();
    let a = st
        .record_assessment(t.case, dash_assessment(&t, 5))
        .unwrap()
        .record;
    st.lock_profile();
    assert!(st.verify(t.case).unwrap().ok);
    let mut c: Vec<u8> = st
        .conn()
        .query_row(
            "SELECT clinical FROM assessments WHERE id = ?1",
            [a.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    c[20] ^= 1;
    st.conn()
        .execute(
            "UPDATE assessments SET clinical = ?1 WHERE id = ?2",
            rusqlite::params![c, a.id.to_string()],
        )
        .unwrap();
    let f = st.verify(t.case).unwrap().failure.unwrap();
    assert_eq!(f.what, "survivor_id column and clinical ciphertext");
}

#[test]
fn the_first_profile_is_the_supervisors_and_after_that_only_she_creates_profiles() {
    let s = scene();
    let st = &s.store;
    // Whoever holds a fresh phone cannot start with an officer's (or psychologist's) profile.
    for role in [
        TeamRole::Officer,
        TeamRole::Psychologist,
        TeamRole::SocialWorker,
    ] {
        assert!(
            matches!(
                st.create_profile(role, "First", "KZ-DEMO-0001", "507190"),
                Err(Error::PermissionDenied { .. })
            ),
            "{role:?}"
        );
    }
    assert!(st.profiles().unwrap().is_empty());
    let sup = st
        .create_profile(
            TeamRole::Supervisor,
            "Marat Lead",
            "KZ-DEMO-SUP-1",
            "864203",
        )
        .unwrap();
    // Nobody signed in: nothing more, not even a second supervisor.
    assert!(matches!(
        st.create_profile(TeamRole::Officer, "New Officer", "KZ-DEMO-0500", "507193"),
        Err(Error::PermissionDenied { .. })
    ));
    assert!(matches!(
        st.create_profile(TeamRole::Supervisor, "Intruder", "KZ-DEMO-0666", "507196"),
        Err(Error::PermissionDenied { .. })
    ));
    st.unlock_profile(sup.id, "864203").unwrap();
    let officer = st
        .create_profile(TeamRole::Officer, "New Officer", "KZ-DEMO-0500", "507193")
        .unwrap();
    st.unlock_profile(officer.id, "507193").unwrap();
    assert!(matches!(
        st.create_profile(
            TeamRole::Supervisor,
            "Self Promoted",
            "KZ-DEMO-0501",
            "507194"
        ),
        Err(Error::PermissionDenied { .. })
    ));
    assert!(matches!(
        st.create_profile(TeamRole::Officer, "Friend", "KZ-DEMO-0502", "507195"),
        Err(Error::PermissionDenied { .. })
    ));
    assert_eq!(st.profiles().unwrap().len(), 2);
    let created: Vec<_> = st
        .audit_log()
        .unwrap()
        .into_iter()
        .filter(|(_, _, action, _)| action == "profile created")
        .map(|(_, actor, _, d)| (actor, d))
        .collect();
    assert_eq!(
        created[1],
        (
            "KZ-DEMO-SUP-1".to_string(),
            "officer KZ-DEMO-0500".to_string()
        ),
        "{created:?}"
    );
}

#[test]
fn a_phone_set_up_before_the_rule_without_a_supervisor_gets_one_only_from_a_signed_in_profile() {
    let s = scene();
    let st = &s.store;
    let officer = create_as_supervisor(
        st,
        TeamRole::Officer,
        "Aibek Demoulin",
        "KZ-DEMO-0417",
        "270415",
    );
    // As an older phone would be: an officer's profile and no supervisor.
    st.conn()
        .execute("DELETE FROM profiles WHERE role = 'supervisor'", [])
        .unwrap();
    assert!(
        matches!(
            st.create_profile(TeamRole::Supervisor, "Intruder", "KZ-DEMO-0666", "507196"),
            Err(Error::PermissionDenied { .. })
        ),
        "nobody signed in"
    );
    st.unlock_profile(officer.id, "270415").unwrap();
    assert!(
        matches!(
            st.create_profile(TeamRole::Officer, "Friend", "KZ-DEMO-0502", "507195"),
            Err(Error::PermissionDenied { .. })
        ),
        "the supervisor comes first"
    );
    let sup = st
        .create_profile(
            TeamRole::Supervisor,
            "Marat Lead",
            "KZ-DEMO-SUP-1",
            "864203",
        )
        .unwrap();
    assert!(
        matches!(
            st.create_profile(TeamRole::Officer, "Friend", "KZ-DEMO-0502", "507195"),
            Err(Error::PermissionDenied { .. })
        ),
        "now only she"
    );
    st.unlock_profile(sup.id, "864203").unwrap();
    st.create_profile(TeamRole::Officer, "Friend", "KZ-DEMO-0502", "507195")
        .unwrap();
}
