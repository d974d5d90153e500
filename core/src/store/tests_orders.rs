//! Story tests of protection orders, the offline registry, interventions and referrals.

use std::process::Command;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::tests::{clock, scene, Scene};
use super::*;
use crate::crypto::signing::{generate_pkcs8, DeviceSigner};
use crate::document::pdf::OrderCopy;
use crate::document::qr::QrRejection;
use crate::fixtures;
use crate::model::*;
use crate::registry::{
    RegistryHeader, RegistryKind, RegistryLine, RegistryOrder, RegistryRecord, RegistryWriter,
    Subject,
};

const SHELTER: &str = "Synthetic Refuge No. 9, secret address";

struct Household {
    s: Scene,
    case: Uuid,
    survivor: Uuid,
    aggressor: Uuid,
    child: Uuid,
}

fn household() -> Household {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let survivor = s
        .store
        .add_person(
            case,
            NewPerson {
                address: Some(SHELTER.into()),
                ..fixtures::survivor()
            },
        )
        .unwrap()
        .record
        .id;
    let aggressor = s
        .store
        .add_person(case, fixtures::aggressor())
        .unwrap()
        .record
        .id;
    let child = s
        .store
        .add_person(
            case,
            NewPerson {
                address: Some(SHELTER.into()),
                ..fixtures::child()
            },
        )
        .unwrap()
        .record
        .id;
    Household {
        s,
        case,
        survivor,
        aggressor,
        child,
    }
}

fn new_order(h: &Household) -> NewOrder {
    NewOrder {
        restricted_person: h.aggressor,
        protected_persons: vec![h.survivor, h.child],
        prohibitions: vec![
            "commit_violence".into(),
            "seek_out".into(),
            "contact".into(),
        ],
        valid_from: None,
        valid_until: None,
        number: None,
        survivor_opinion: Some("wants him kept away (synthetic)".into()),
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 40, 0).unwrap()
}

#[test]
fn an_order_is_numbered_offline_valid_for_the_legal_term_and_logged() {
    let h = household();
    let o = h.s.store.issue_order(h.case, new_order(&h)).unwrap();
    let prefix = h.s.store.device().device_id.simple().to_string()[..8].to_uppercase();
    assert_eq!(o.record.number, format!("PO-{prefix}-2026-00001"));
    assert_eq!(
        o.record.valid_until - o.record.valid_from,
        Duration::days(30)
    );
    assert_eq!(o.record.rules_version, "KZ-2026-03-02");
    let second = h.s.store.issue_order(h.case, new_order(&h)).unwrap();
    assert_eq!(second.record.number, format!("PO-{prefix}-2026-00002"));
    let status = h.s.store.order_status(o.record.id).unwrap();
    assert_eq!(
        status.check_dates().len(),
        4,
        "weekly checks on days 7, 14, 21, 28"
    );
    assert!(status.active_at(o.record.valid_from + Duration::days(1)));
    assert!(!status.active_at(o.record.valid_until));
    let log = h.s.store.custody_log(h.case).unwrap();
    assert_eq!(log[o.seq as usize - 1].entry.kind, EventKind::OrderIssued);
    assert!(h.s.store.verify(h.case).unwrap().ok);
}

#[test]
fn bad_orders_are_refused_with_typed_errors() {
    let h = household();
    let st = &h.s.store;
    let ends_first = NewOrder {
        valid_from: Some(now()),
        valid_until: Some(now() - Duration::hours(1)),
        ..new_order(&h)
    };
    assert!(matches!(
        st.issue_order(h.case, ends_first),
        Err(Error::InvalidField {
            field: "valid_until",
            ..
        })
    ));
    let nobody = NewOrder {
        protected_persons: vec![],
        ..new_order(&h)
    };
    assert!(matches!(
        st.issue_order(h.case, nobody),
        Err(Error::InvalidField {
            field: "protected_persons",
            ..
        })
    ));
    let teen = st
        .add_person(
            h.case,
            NewPerson {
                role: PersonRole::Other,
                iin: Some(fixtures::iin(2011, 5, 5, crate::iin::Sex::Male, 77)),
                ..fixtures::aggressor()
            },
        )
        .unwrap()
        .record
        .id;
    let young = NewOrder {
        restricted_person: teen,
        ..new_order(&h)
    };
    assert!(matches!(
        st.issue_order(h.case, young),
        Err(Error::InvalidField {
            field: "restricted_person",
            ..
        })
    ));
    let unknown_code = NewOrder {
        prohibitions: vec!["fly".into()],
        ..new_order(&h)
    };
    assert!(matches!(
        st.issue_order(h.case, unknown_code),
        Err(Error::InvalidField {
            field: "prohibitions",
            ..
        })
    ));
    let too_long = NewOrder {
        valid_from: Some(now()),
        valid_until: Some(now() + Duration::days(90)),
        ..new_order(&h)
    };
    assert!(matches!(
        st.issue_order(h.case, too_long),
        Err(Error::InvalidField {
            field: "valid_until",
            ..
        })
    ));
    let paper = NewOrder {
        number: Some("PAPER-0001".into()),
        ..new_order(&h)
    };
    st.issue_order(h.case, paper.clone()).unwrap();
    assert!(
        matches!(st.issue_order(h.case, paper), Err(Error::Conflict(_))),
        "a number already used"
    );
    let survivor_restricted = NewOrder {
        restricted_person: h.survivor,
        protected_persons: vec![h.child],
        ..new_order(&h)
    };
    assert!(matches!(
        st.issue_order(h.case, survivor_restricted),
        Err(Error::InvalidField {
            field: "restricted_person",
            ..
        })
    ));
    assert_eq!(
        st.orders_of_case(h.case).unwrap().len(),
        1,
        "only the valid order was stored"
    );
    assert!(st.verify(h.case).unwrap().ok);
}

#[test]
fn serving_extending_revoking_and_violations_follow_the_rules() {
    let h = household();
    let st = &h.s.store;
    let o = st.issue_order(h.case, new_order(&h)).unwrap().record;
    assert!(matches!(
        st.serve_order(
            o.id,
            ServeOrder::RefusedToSign {
                witnesses: vec![" ".into()]
            }
        ),
        Err(Error::InvalidField { .. })
    ));
    let sig = fixtures::photo_jpeg(300, 100, 8, 1);
    st.serve_order(
        o.id,
        ServeOrder::Signed {
            signature_image: sig.clone(),
        },
    )
    .unwrap();
    assert_eq!(st.order_signature(o.id).unwrap(), Some(sig));
    assert!(matches!(
        st.serve_order(
            o.id,
            ServeOrder::RefusedToSign {
                witnesses: vec!["KZ-DEMO-0417".into()]
            }
        ),
        Err(Error::Conflict(_))
    ));
    let until = o.valid_until + Duration::days(10);
    st.extend_order(o.id, until, "continued threats").unwrap();
    assert_eq!(st.order_status(o.id).unwrap().valid_until, until);
    assert!(matches!(
        st.extend_order(o.id, until, "again"),
        Err(Error::InvalidField { .. })
    ));
    st.record_violation(
        o.id,
        "called the survivor 14 times",
        o.valid_from + Duration::days(2),
    )
    .unwrap();
    st.revoke_order(o.id, "issued in error (synthetic)")
        .unwrap();
    assert!(matches!(
        st.revoke_order(o.id, "again"),
        Err(Error::Conflict(_))
    ));
    let s = st.order_status(o.id).unwrap();
    assert!(s.revoked && s.violations == 1 && s.served_at.is_some());
    // Served by refusal on another order, with a witness present.
    let o2 = st.issue_order(h.case, new_order(&h)).unwrap().record;
    st.serve_order(
        o2.id,
        ServeOrder::RefusedToSign {
            witnesses: vec!["Gulnara Fictiva (neighbour)".into()],
        },
    )
    .unwrap();
    assert!(st.verify(h.case).unwrap().ok);
}

fn zbarimg(png: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("qr.png");
    std::fs::write(&p, png).unwrap();
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&p)
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    assert!(
        out.status.success(),
        "zbarimg: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .trim_end_matches('\n')
        .to_string()
}

#[test]
fn the_qr_code_round_trips_through_a_png_read_by_zbarimg_and_verifies_offline() {
    let h = household();
    let st = &h.s.store;
    let o = st.issue_order(h.case, new_order(&h)).unwrap().record;
    let text = st.order_qr_text(o.id).unwrap();
    let decoded = zbarimg(&crate::document::qr::png(&text, 4).unwrap());
    assert_eq!(decoded, text);
    let p = st.verify_order_qr(&decoded).unwrap();
    assert_eq!(p.n, o.number);
    assert_eq!(p.r, fixtures::aggressor().iin.unwrap());
    assert_eq!(p.p, vec!["A.T.", "D.T."]);
    // The typed view the apps receive: times as times, to the second.
    let typed = crate::document::qr::VerifiedOrderCode::from(&p);
    assert_eq!(typed.number, o.number);
    assert_eq!(typed.valid_from.timestamp(), o.valid_from.timestamp());
    assert_eq!(
        typed.valid_until.timestamp(),
        st.order_status(o.id).unwrap().valid_until.timestamp()
    );
    assert_eq!(typed.issued_at.timestamp(), o.issued_at.utc.timestamp());
    assert_eq!(typed.prohibitions, o.prohibitions);
    assert_eq!(typed.device_id, st.device().device_id.simple().to_string());
    assert!(
        !text.contains("Aigerim") && !text.contains("Synthetic"),
        "no full names or addresses in the code"
    );

    let reject = |t: &str| match st.verify_order_qr(t) {
        Err(Error::InvalidQr { reason }) => reason,
        other => panic!("expected a rejection, got {other:?}"),
    };
    assert_eq!(reject(&text[..text.len() - 20]), QrRejection::Malformed);
    assert_eq!(reject("hello"), QrRejection::Malformed);
    // Change the order number inside the signed JSON: the signature no longer matches.
    let (head, sig) = text.rsplit_once('.').unwrap();
    let json = String::from_utf8(
        base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            &head[8..],
        )
        .unwrap(),
    )
    .unwrap();
    let forged = json.replace(&o.number, "PO-FORGED-2026-99999");
    let forged = format!(
        "QORGAU1.{}.{sig}",
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, forged)
    );
    assert_eq!(reject(&forged), QrRejection::Tampered);
    // Another device's order, unknown here until the registry brings its key.
    let other = household();
    let theirs = other
        .s
        .store
        .issue_order(other.case, new_order(&other))
        .unwrap()
        .record;
    let their_text = other.s.store.order_qr_text(theirs.id).unwrap();
    assert_eq!(reject(&their_text), QrRejection::UnknownSigner);
    // Expired: the same store with its clock 40 days on.
    let later = Store::open(
        st.dir(),
        &h.s.ks,
        StoreOptions {
            clock: Some(Arc::new(SteppingClock::new(
                now() + Duration::days(40),
                300,
            ))),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(matches!(
        later.verify_order_qr(&text),
        Err(Error::InvalidQr {
            reason: QrRejection::Expired
        })
    ));
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("order.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&p)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_order_pdf_has_kazakh_and_russian_text_and_the_served_copy_hides_the_shelter() {
    let h = household();
    let st = &h.s.store;
    let o = st.issue_order(h.case, new_order(&h)).unwrap().record;
    let served = st
        .order_pdf(
            o.id,
            OrderCopy::Served,
            &[Language::Kk, Language::Ru, Language::En],
        )
        .unwrap();
    assert!(served.starts_with(b"%PDF"));
    let text = pdftotext(&served);
    assert!(text.contains(&o.number), "order number");
    assert!(text.contains("ҚОРҒАУ НҰСҚАМАСЫ"), "Kazakh title");
    assert!(text.contains("ЗАЩИТНОЕ ПРЕДПИСАНИЕ"), "Russian title");
    assert!(text.contains("PROTECTION ORDER"));
    for letter in ["ә", "ғ", "қ", "ң", "ө", "ұ", "ү", "і"] {
        assert!(
            text.contains(letter),
            "Kazakh letter {letter} extracted from the PDF"
        );
    }
    assert!(
        text.contains("Отбасылық-тұрмыстық зорлық-зомбылық жасауға"),
        "prohibition wording from the rule table"
    );
    assert!(text.contains("Nurlan Sampleuly"));
    assert!(
        !text.contains("Refuge"),
        "the served copy never shows the shelter:\n{text}"
    );
    let file = pdftotext(
        &st.order_pdf(o.id, OrderCopy::PoliceFile, &[Language::Ru])
            .unwrap(),
    );
    assert!(
        !file.contains("Refuge"),
        "a confidential address is never printed"
    );
    assert!(file.contains("адрес конфиденциален"));
}

fn station() -> (DeviceSigner, crate::crypto::signing::PublicKey) {
    let s = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    let k = s.public_key();
    (s, k)
}

fn registry_file(
    station: &DeviceSigner,
    kind: RegistryKind,
    seq: u64,
    base: Option<u64>,
    at: DateTime<Utc>,
    lines: &[RegistryLine],
) -> Vec<u8> {
    let header = RegistryHeader {
        format: crate::registry::FORMAT.into(),
        kind,
        sequence: seq,
        base_sequence: base,
        generated_at: at,
        rows: lines.len() as u64,
    };
    let mut w = RegistryWriter::new(Vec::new(), &header).unwrap();
    for l in lines {
        w.row(l).unwrap();
    }
    w.finish(station).unwrap()
}

fn prior(name: &str, orders: Vec<RegistryOrder>, cases: u32) -> RegistryRecord {
    RegistryRecord {
        display_name: name.into(),
        birth_date: None,
        active_orders: orders,
        past_violations: 0,
        earlier_cases: cases,
    }
}

#[test]
fn check_person_uses_the_signed_registry_and_this_devices_own_orders() {
    let h = household();
    let st = &h.s.store;
    let (station, key) = station();
    let aggressor_iin = fixtures::aggressor().iin.unwrap();
    let q = |iin: &str| PersonQuery {
        iin: Some(iin.into()),
        name: None,
        date_of_birth: None,
        current_case: Some(h.case),
    };
    // No registry yet: the station key must be trusted first.
    let file = registry_file(&station, RegistryKind::Snapshot, 1, None, now(), &[]);
    assert!(matches!(
        st.import_registry(&file[..]),
        Err(Error::InvalidRegistry { .. })
    ));
    super::tests::trust_station(st, key);
    let other_device = household();
    let order = RegistryOrder {
        number: "PO-OTHER-2026-00042".into(),
        valid_from: now() - Duration::days(3),
        valid_until: now() + Duration::days(27),
        prohibitions: vec!["contact".into()],
        unit: "Astana DV team 1".into(),
    };
    let lines = vec![
        RegistryLine::Put {
            subject: Subject::Iin {
                iin: aggressor_iin.clone(),
            },
            record: prior("Nurlan Sampleuly", vec![order], 2),
        },
        RegistryLine::Put {
            subject: Subject::NameDob {
                name: "Bolat  Exampleuly".into(),
                dob: NaiveDate::from_ymd_opt(1985, 2, 1).unwrap(),
            },
            record: RegistryRecord {
                birth_date: NaiveDate::from_ymd_opt(1985, 2, 1),
                ..prior("Bolat Exampleuly", vec![], 1)
            },
        },
        RegistryLine::Device {
            device_id: other_device.s.store.device().device_id.simple().to_string(),
            public_key: other_device.s.store.device().public_key.hex(),
            revoked: false,
        },
    ];
    let snap = registry_file(&station, RegistryKind::Snapshot, 1, None, now(), &lines);
    let imported = st.import_registry(&snap[..]).unwrap();
    assert_eq!(
        (imported.rows, imported.devices, imported.sequence),
        (2, 1, 1)
    );

    let c = st.check_person(&q(&aggressor_iin)).unwrap();
    assert_eq!(c.match_kind, MatchKind::Iin);
    assert_eq!(c.active_orders.len(), 1);
    assert_eq!(c.active_orders[0].prohibitions, vec!["contact"]);
    assert_eq!((c.earlier_cases, c.repeat_offender), (2, true));
    // The birth date from the IIN (the registry has none for him), and how fresh the answer is.
    assert_eq!(
        c.birth_date,
        Some(crate::iin::Iin::parse(&aggressor_iin).unwrap().birth_date())
    );
    assert_eq!(c.registry_generated_at, Some(now()));
    // By name and date of birth only: flagged for the officer to confirm.
    let by_name = st
        .check_person(&PersonQuery {
            iin: None,
            name: Some("bolat exampleuly".into()),
            date_of_birth: NaiveDate::from_ymd_opt(1985, 2, 1),
            current_case: None,
        })
        .unwrap();
    assert_eq!(
        (by_name.match_kind, by_name.display_name.as_deref()),
        (MatchKind::NameAndBirthDate, Some("Bolat Exampleuly"))
    );
    assert_eq!(
        by_name.birth_date,
        NaiveDate::from_ymd_opt(1985, 2, 1),
        "the registry's"
    );
    // Unknown person: nothing, not a repeat offender.
    let nobody = st
        .check_person(&q(&fixtures::iin(1999, 9, 9, crate::iin::Sex::Male, 5)))
        .unwrap();
    assert_eq!(
        (
            nobody.match_kind,
            nobody.active_orders.len(),
            nobody.repeat_offender
        ),
        (MatchKind::NoMatch, 0, false)
    );
    assert!(matches!(
        st.check_person(&q("940312402109")),
        Err(Error::InvalidIin { .. })
    ));

    // This device's order and a violation count at once, before any sync.
    let o = st.issue_order(h.case, new_order(&h)).unwrap().record;
    st.record_violation(o.id, "came to the flat", o.valid_from + Duration::hours(2))
        .unwrap();
    let c = st.check_person(&q(&aggressor_iin)).unwrap();
    assert_eq!(c.active_orders.len(), 2);
    assert!(c
        .active_orders
        .iter()
        .any(|a| a.number == o.number && a.source == OrderSource::ThisDevice));
    assert_eq!(c.past_violations, 1);

    // The registry brought the other device's key: its order codes now verify here.
    let theirs = other_device
        .s
        .store
        .issue_order(other_device.case, new_order(&other_device))
        .unwrap()
        .record;
    let code = other_device.s.store.order_qr_text(theirs.id).unwrap();
    assert_eq!(st.verify_order_qr(&code).unwrap().n, theirs.number);

    // A delta revokes that device: its codes are refused.
    let delta = registry_file(
        &station,
        RegistryKind::Delta,
        2,
        Some(1),
        now(),
        &[RegistryLine::Device {
            device_id: other_device.s.store.device().device_id.simple().to_string(),
            public_key: other_device.s.store.device().public_key.hex(),
            revoked: true,
        }],
    );
    st.import_registry(&delta[..]).unwrap();
    assert!(matches!(
        st.verify_order_qr(&code),
        Err(Error::InvalidQr {
            reason: QrRejection::RevokedSigner
        })
    ));
}

#[test]
fn bad_registry_files_change_nothing() {
    let h = household();
    let st = &h.s.store;
    let (station, key) = station();
    super::tests::trust_station(st, key);
    let iin = fixtures::aggressor().iin.unwrap();
    let row = |cases| {
        vec![RegistryLine::Put {
            subject: Subject::Iin { iin: iin.clone() },
            record: prior("N", vec![], cases),
        }]
    };
    st.import_registry(
        &registry_file(&station, RegistryKind::Snapshot, 5, None, now(), &row(1))[..],
    )
    .unwrap();
    let before = || {
        st.check_person(&PersonQuery {
            iin: Some(iin.clone()),
            name: None,
            date_of_birth: None,
            current_case: Some(h.case),
        })
        .unwrap()
    };
    assert_eq!(before().earlier_cases, 1);
    let reason = |bytes: &[u8]| match st.import_registry(bytes) {
        Err(Error::InvalidRegistry { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Signed by another key.
    let (intruder, _) = station_pair();
    assert!(reason(&registry_file(
        &intruder,
        RegistryKind::Delta,
        6,
        Some(5),
        now(),
        &row(9)
    ))
    .contains("bad signature"));
    // Altered after signing.
    let good = registry_file(&station, RegistryKind::Delta, 6, Some(5), now(), &row(9));
    let altered = String::from_utf8(good.clone())
        .unwrap()
        .replace("\"earlier_cases\":9", "\"earlier_cases\":0");
    assert!(reason(altered.as_bytes()).contains("bad signature"));
    // Truncated: the signature line cut off.
    let cut = &good[..good.len() - 30];
    assert!(!reason(cut).is_empty());
    // Out of sequence, and an older snapshot.
    assert!(reason(&registry_file(
        &station,
        RegistryKind::Delta,
        8,
        Some(7),
        now(),
        &row(9)
    ))
    .contains("out of sequence"));
    assert!(reason(&registry_file(
        &station,
        RegistryKind::Snapshot,
        4,
        None,
        now(),
        &row(9)
    ))
    .contains("out of sequence"));
    // From the future.
    assert!(reason(&registry_file(
        &station,
        RegistryKind::Delta,
        6,
        Some(5),
        now() + Duration::days(2),
        &row(9)
    ))
    .contains("future"));
    assert_eq!(before().earlier_cases, 1, "nothing changed");
    assert_eq!(st.registry_sequence().unwrap(), 5);
    st.import_registry(&good[..]).unwrap();
    assert_eq!(before().earlier_cases, 9);
}

fn station_pair() -> (DeviceSigner, crate::crypto::signing::PublicKey) {
    station()
}

#[test]
fn interventions_and_weekly_order_checks_come_due() {
    let h = household();
    let st = &h.s.store;
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let i = st
        .record_intervention(
            h.case,
            NewIntervention {
                person_id: h.aggressor,
                kind: InterventionKind::PreventiveTalk,
                date: today,
                outcome: "explained the consequences".into(),
                next_check: Some(today + Duration::days(3)),
            },
        )
        .unwrap()
        .record;
    assert!(matches!(
        st.record_intervention(
            h.case,
            NewIntervention {
                person_id: h.aggressor,
                kind: InterventionKind::Other,
                date: today,
                outcome: " ".into(),
                next_check: None
            }
        ),
        Err(Error::InvalidField {
            field: "outcome",
            ..
        })
    ));
    let o = st.issue_order(h.case, new_order(&h)).unwrap().record;
    // The week of the first order check (day 7).
    let week = st.due_this_week(today + Duration::days(3)).unwrap();
    assert_eq!(week.len(), 2, "{week:?}");
    assert_eq!(
        week[0].reason,
        DueReason::InterventionFollowUp {
            intervention_id: i.id
        }
    );
    assert!(
        matches!(&week[1].reason, DueReason::OrderCheck { order_number, .. } if *order_number == o.number)
    );
    // Doing the check removes it.
    st.record_intervention(
        h.case,
        NewIntervention {
            person_id: h.aggressor,
            kind: InterventionKind::OrderCheck,
            date: today + Duration::days(7),
            outcome: "complying".into(),
            next_check: None,
        },
    )
    .unwrap();
    let week = st.due_this_week(today + Duration::days(3)).unwrap();
    assert!(week.is_empty(), "{week:?}");
    assert!(st.verify(h.case).unwrap().ok);
}

#[test]
fn referrals_need_consent_which_can_be_withdrawn() {
    let h = household();
    let st = &h.s.store;
    let no = NewReferral {
        person_id: h.survivor,
        kind: ReferralKind::Shelter,
        organisation: "Synthetic Refuge".into(),
        children_placed: 1,
        consent_given: false,
        note: None,
    };
    assert!(matches!(
        st.make_referral(h.case, no.clone()),
        Err(Error::InvalidField {
            field: "consent",
            ..
        })
    ));
    let r = st
        .make_referral(
            h.case,
            NewReferral {
                consent_given: true,
                ..no
            },
        )
        .unwrap()
        .record;
    assert_eq!(st.referral(r.id).unwrap().status, ReferralStatus::Proposed);
    st.update_referral(
        r.id,
        ReferralChange::Status {
            status: ReferralStatus::Accepted,
            note: None,
        },
    )
    .unwrap();
    st.update_referral(r.id, ReferralChange::ConsentWithdrawn { reason: None })
        .unwrap();
    let state = st.referral(r.id).unwrap();
    assert_eq!(
        (state.status, state.consent_active),
        (ReferralStatus::Cancelled, false)
    );
    assert!(matches!(
        st.update_referral(
            r.id,
            ReferralChange::Status {
                status: ReferralStatus::Completed,
                note: None
            }
        ),
        Err(Error::Conflict(_))
    ));
    let legal = NewReferral {
        person_id: h.survivor,
        kind: ReferralKind::LegalAid,
        organisation: "Free legal aid (synthetic)".into(),
        children_placed: 2,
        consent_given: true,
        note: None,
    };
    assert!(matches!(
        st.make_referral(h.case, legal),
        Err(Error::InvalidField {
            field: "children_placed",
            ..
        })
    ));
    assert_eq!(st.referrals(h.case).unwrap().len(), 1);
    assert!(st.verify(h.case).unwrap().ok);
}

#[test]
fn a_database_at_every_earlier_version_is_upgraded_on_open() {
    for old in 1..schema::CURRENT {
        let s = scene();
        let dir = s.store.dir().to_path_buf();
        let case = s
            .store
            .open_case(fixtures::neighbour_report_case())
            .unwrap()
            .record
            .id;
        s.store.add_person(case, fixtures::survivor()).unwrap();
        let jpeg = fixtures::photo_jpeg(640, 480, 3, 1);
        let photo = s
            .store
            .add_photo_bytes(case, &jpeg, CaptureInfo::default())
            .unwrap();
        let blob: String = s
            .store
            .conn()
            .query_row("SELECT blob_name FROM evidence", [], |r| r.get(0))
            .unwrap();
        {
            // Make it exactly what version `old` wrote: drop the tables and columns later
            // versions create, newest first.
            let conn = s.store.conn();
            for sql in schema::migrations()[old as usize..].iter().rev() {
                for l in sql.lines() {
                    if let Some(table) = l
                        .strip_prefix("CREATE TABLE ")
                        .and_then(|l| l.split_whitespace().next())
                    {
                        conn.execute_batch(&format!("DROP TABLE {table}")).unwrap();
                    }
                    if let Some(rest) = l.strip_prefix("ALTER TABLE ") {
                        let w: Vec<&str> = rest.split_whitespace().collect();
                        if w.get(1..3) == Some(&["ADD", "COLUMN"][..])
                            && !sql.contains(&format!("CREATE TABLE {} ", w[0]))
                        {
                            conn.execute_batch(&format!(
                                "ALTER TABLE {} DROP COLUMN {}",
                                w[0], w[3]
                            ))
                            .unwrap();
                        }
                    }
                }
            }
            conn.pragma_update(None, "user_version", old).unwrap();
        }
        drop(s.store);
        let store = Store::open(&dir, &s.ks, clock()).unwrap();
        assert_eq!(
            schema::version(&store.conn()).unwrap(),
            schema::CURRENT,
            "from version {old}"
        );
        assert!(store.verify(case).unwrap().ok);
        assert!(store.all_orders().unwrap().is_empty());
        assert!(store.profiles().unwrap().is_empty());
        // Unsent work is queued, whatever the version: before 4 there was no outbox at all.
        let pending = store.outbox_pending(100).unwrap();
        assert_eq!(
            pending
                .iter()
                .map(|i| i.entry.entry.seq)
                .collect::<Vec<_>>(),
            vec![1, 2, 3],
            "from version {old}"
        );
        assert_eq!(
            pending[2].blob,
            Some((blob.clone(), jpeg.len() as u64)),
            "from version {old}: the original goes first"
        );
        assert_eq!(pending[2].entry.entry.record, Some(photo.record.id));
        let status = store.sync_status().unwrap();
        assert_eq!(
            (status.pending_records, status.pending_bytes),
            (3, jpeg.len() as u64)
        );
        assert!(
            store.edited_rows().unwrap().is_empty(),
            "the queued rows carry their MACs"
        );
    }
}

#[test]
fn an_outbox_row_deleted_with_sql_is_queued_again_at_open() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    s.store.add_person(case, fixtures::survivor()).unwrap();
    s.store.outbox_ack(case, &[1]).unwrap();
    s.store
        .conn()
        .execute("DELETE FROM outbox WHERE seq = 2", [])
        .unwrap();
    assert_eq!(
        s.store.outbox_pending(10).unwrap().len(),
        0,
        "hidden from the sync"
    );
    let dir = s.store.dir().to_path_buf();
    drop(s.store);
    let store = Store::open(&dir, &s.ks, clock()).unwrap();
    let pending = store.outbox_pending(10).unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|i| i.entry.entry.seq)
            .collect::<Vec<_>>(),
        vec![2],
        "the acknowledged entry stays acknowledged"
    );
}

#[test]
fn the_case_being_worked_on_is_not_an_earlier_case() {
    let h = household();
    let iin = fixtures::aggressor().iin.unwrap();
    let here =
        h.s.store
            .check_person(&PersonQuery {
                iin: Some(iin.clone()),
                name: None,
                date_of_birth: None,
                current_case: Some(h.case),
            })
            .unwrap();
    assert_eq!(
        (here.match_kind, here.earlier_cases, here.repeat_offender),
        (MatchKind::NoMatch, 0, false)
    );
    // Seen from another case, this one is an earlier case.
    let elsewhere =
        h.s.store
            .check_person(&PersonQuery {
                iin: Some(iin),
                name: None,
                date_of_birth: None,
                current_case: None,
            })
            .unwrap();
    assert_eq!(
        (
            elsewhere.match_kind,
            elsewhere.earlier_cases,
            elsewhere.repeat_offender
        ),
        (MatchKind::Iin, 1, true)
    );
}
