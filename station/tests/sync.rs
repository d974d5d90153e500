//! Devices sync with a station on loopback: enrolment, signed requests, tus uploads, verification
//! before acknowledgement, exactly-once effect, quarantine, registry push-down, revocation.

mod common;

use chrono::Duration;
use common::{device, enrolled, server, Device};
use qorgau_core::model::{CaptureInfo, NewOrder, NewReferral, ReferralKind};
use qorgau_core::store::PersonQuery;
use qorgau_core::sync::client::SyncClient;
use qorgau_core::sync::protocol::{ErrorBody, ErrorCode, RejectionCode};
use qorgau_core::sync::{SyncFailure, SyncProblem};
use qorgau_core::{fixtures, FileKeyStore, NoProgress, Store, StoreOptions};

/// A case with people, a 12 MP photo, a 3 MiB video, a statement, an order with a violation and
/// a shelter referral.
fn field_case(d: &Device) -> uuid::Uuid {
    let st = &d.store;
    let case = st
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let survivor = st.add_person(case, fixtures::survivor()).unwrap().record.id;
    let aggressor = st
        .add_person(case, fixtures::aggressor())
        .unwrap()
        .record
        .id;
    st.add_photo_bytes(
        case,
        &fixtures::photo_jpeg(1200, 900, 3, 1),
        CaptureInfo::default(),
    )
    .unwrap();
    let video = d._dir.path().join("v.mp4");
    let mut v = fixtures::isobmff(b"mp42", 3 * 1024 * 1024 + 77);
    v[5000] = 1;
    std::fs::write(&video, &v).unwrap();
    st.add_evidence_file(case, &video, None, CaptureInfo::default(), &NoProgress)
        .unwrap();
    let o = st
        .issue_order(
            case,
            NewOrder {
                restricted_person: aggressor,
                protected_persons: vec![survivor],
                prohibitions: vec!["contact".into()],
                valid_from: None,
                valid_until: None,
                number: None,
                survivor_opinion: None,
            },
        )
        .unwrap()
        .record;
    st.record_violation(o.id, "called", o.valid_from + Duration::minutes(5))
        .unwrap();
    st.make_referral(
        case,
        NewReferral {
            person_id: survivor,
            kind: ReferralKind::Shelter,
            organisation: "Refuge".into(),
            children_placed: 2,
            consent_given: true,
            note: None,
        },
    )
    .unwrap();
    case
}

/// A psychologist's risk assessment on the case (one more custody entry).
fn assess(d: &Device, case: uuid::Uuid) {
    use qorgau_core::model::{Answer, NewAssessment, Recommendations, TeamRole};
    let st = &d.store;
    let survivor = st
        .people(case)
        .unwrap()
        .into_iter()
        .find(|p| p.role == qorgau_core::model::PersonRole::Survivor)
        .unwrap()
        .id;
    // The phone's first profile is its supervisor's; she adds the psychologist.
    let sup = st
        .create_profile(
            TeamRole::Supervisor,
            "Synthetic Supervisor",
            &format!("SUP-{}", &st.device().device_id.simple().to_string()[..6]),
            "246813",
        )
        .unwrap();
    st.unlock_profile(sup.id, "246813").unwrap();
    let psy = st
        .create_profile(
            TeamRole::Psychologist,
            "Saule Examplova",
            &format!("PSY-{}", &st.device().device_id.simple().to_string()[..6]),
            "480917",
        )
        .unwrap();
    st.unlock_profile(psy.id, "480917").unwrap();
    let inst = st.instrument("dash-style-kz", "1.0.0").unwrap();
    let answers = inst
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.id.clone(), if i < 12 { Answer::Yes } else { Answer::No }))
        .collect();
    st.record_assessment(
        case,
        NewAssessment {
            survivor_id: survivor,
            instrument_id: inst.id,
            instrument_version: inst.version,
            answers,
            calendar: vec![],
            override_level: None,
            override_reason: None,
            recommendations: Recommendations {
                protection_order: true,
                ..Default::default()
            },
            clinical_notes: "synthetic clinical note".into(),
        },
    )
    .unwrap();
    st.lock_profile();
}

#[test]
fn devices_sync_everything_once_and_it_verifies_at_the_station() {
    let s = server();
    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    let (b, cb) = enrolled(&s, "KZ-DEMO-0418");
    let (c, cc) = enrolled(&s, "KZ-DEMO-0419");
    let case_a = field_case(&a);
    let case_b = field_case(&b);
    field_case(&c);
    assess(&a, case_a);
    assess(&b, case_b);
    // Device A also carries a long recording: a video of a few hundred MB.
    let long = a._dir.path().join("long.mp4");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&long).unwrap());
        f.write_all(&fixtures::isobmff(b"mp42", 0)).unwrap();
        let mut piece = vec![0u8; 1024 * 1024];
        for m in 0..256u32 {
            piece[..4].copy_from_slice(&m.to_le_bytes());
            f.write_all(&piece).unwrap();
        }
    }
    a.store
        .add_evidence_file(case_a, &long, None, CaptureInfo::default(), &NoProgress)
        .unwrap();
    let before = a.store.sync_status().unwrap();
    assert_eq!(before.pending_records, 10);
    assert!(before.pending_bytes > 256 * 1024 * 1024);
    assert!(before.pending_bytes > 3 * 1024 * 1024);

    let batch = SyncClient::push_items(&a.store.outbox_pending(100).unwrap()).unwrap();
    let ra = ca.sync(&a.store, &NoProgress).unwrap();
    assert_eq!((ra.acked, ra.rejected.len(), ra.pending_after), (10, 0, 0));
    assert_eq!(ra.uploaded_bytes, before.pending_bytes);
    let rb = cb.sync(&b.store, &NoProgress).unwrap();
    assert_eq!(rb.acked, 9);
    let rc = cc.sync(&c.store, &NoProgress).unwrap();
    assert_eq!((rc.acked, rc.pending_after), (8, 0));
    let status = a.store.sync_status().unwrap();
    assert_eq!((status.pending_records, status.pending_bytes), (0, 0));
    assert!(status.last_success_at.is_some());

    // The station holds both chains, with its own receive time beside the device's.
    let cases = s.station.storage().case_count().unwrap();
    assert_eq!(cases.len(), 3);
    assert!(
        cases
            .iter()
            .any(|(c, n, _)| *c == case_a.to_string() && *n == 10),
        "{cases:?}"
    );
    assert!(
        cases
            .iter()
            .any(|(c, n, _)| *c == case_b.to_string() && *n == 9),
        "{cases:?}"
    );
    let e = s
        .station
        .storage()
        .entry(&case_a.to_string(), 1)
        .unwrap()
        .unwrap();
    assert!(!e.received_at.is_empty() && !e.device_at.is_empty());

    // Syncing again changes nothing; the same batch sent twice is acknowledged, not duplicated.
    let again = ca.sync(&a.store, &NoProgress).unwrap();
    assert_eq!(again.acked, 0);
    let resent = ca
        .push(
            &a.store,
            &qorgau_core::sync::protocol::PushRequest {
                items: batch,
                heads: vec![],
            },
        )
        .unwrap();
    assert_eq!(
        (resent.acked.len(), resent.rejected.len()),
        (10, 0),
        "re-sent entries are acknowledged again"
    );
    assert_eq!(
        s.station
            .storage()
            .case_count()
            .unwrap()
            .iter()
            .find(|c| c.0 == case_a.to_string())
            .unwrap()
            .1,
        10
    );

    // A third case against the same man, no violation in it: a repeat offence by his prior record.
    let case_c = a
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    a.store.add_person(case_c, fixtures::aggressor()).unwrap();
    ca.sync(&a.store, &NoProgress).unwrap();

    // Figures.
    let today = chrono::Utc::now();
    let f = s
        .station
        .figures(
            &(today - Duration::days(1)).to_rfc3339(),
            &(today + Duration::days(1)).to_rfc3339(),
        )
        .unwrap();
    assert_eq!(
        (f.cases, f.protection_orders_issued, f.order_violations),
        (4, 3, 3)
    );
    assert_eq!(
        f.repeat_offence_cases, 4,
        "three with violations, one by the prior record"
    );
    assert_eq!(
        (f.shelter_placements_women, f.shelter_placements_children),
        (3, 6)
    );

    // The registry came back down: device B's order (and the violation) is known on A.
    ca.sync(&a.store, &NoProgress).unwrap();
    let check = a
        .store
        .check_person(&PersonQuery {
            iin: fixtures::aggressor().iin,
            name: None,
            date_of_birth: None,
            current_case: Some(case_a),
        })
        .unwrap();
    assert!(check.repeat_offender);
    assert!(check.active_orders.len() >= 2, "{check:?}");

    // An instrument the agency is licensed to use travels to the phones, station-signed.
    let mut json: serde_json::Value =
        serde_json::from_str(include_str!("../../core/instruments/example_weighted.json")).unwrap();
    json["version"] = "0.3.0".into();
    s.station.add_instrument(&json.to_string()).unwrap();
    assert!(a.store.instrument("example-weighted", "0.3.0").is_err());
    ca.sync(&a.store, &NoProgress).unwrap();
    assert_eq!(
        a.store
            .instrument("example-weighted", "0.3.0")
            .unwrap()
            .items
            .len(),
        10
    );
    let _ = case_b;
}

#[test]
fn a_tampered_record_or_entry_is_quarantined_reported_and_kept_on_the_device() {
    let s = server();
    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    let case = a
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    a.store.add_person(case, fixtures::survivor()).unwrap();
    a.store.add_person(case, fixtures::aggressor()).unwrap();
    let items = a.store.outbox_pending(10).unwrap();
    let mut push = SyncClient::push_items(&items).unwrap();
    // The record of entry 2 altered on the way (a name changed): its hash no longer matches.
    let rec = String::from_utf8(
        base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            push[1].payload.as_ref().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    push[1].payload = Some(base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        rec.replace("Aigerim", "Someone"),
    ));
    let resp = ca
        .push(
            &a.store,
            &qorgau_core::sync::protocol::PushRequest {
                items: push.clone(),
                heads: vec![],
            },
        )
        .unwrap();
    assert_eq!(resp.acked, vec![(case.to_string(), 1)]);
    assert_eq!(resp.rejected.len(), 1);
    assert!(
        resp.rejected[0].code == RejectionCode::PayloadMismatch,
        "{:?}",
        resp.rejected
    );
    let q = s.station.storage().quarantined().unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].1, q[0].3.contains("payload")), (2, true));
    // A changed log entry (its sequence rewritten) fails its signature.
    let mut forged = push.clone();
    let entry = String::from_utf8(
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &forged[2].entry)
            .unwrap(),
    )
    .unwrap();
    forged[2].entry = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        entry.replace("\"actor\":\"KZ-DEMO-0417\"", "\"actor\":\"KZ-DEMO-9999\""),
    );
    let resp = ca
        .push(
            &a.store,
            &qorgau_core::sync::protocol::PushRequest {
                items: vec![forged[2].clone()],
                heads: vec![],
            },
        )
        .unwrap();
    assert_eq!(resp.rejected.len(), 1, "{resp:?}");
    assert!(
        resp.rejected[0].code == RejectionCode::BadSignature,
        "{resp:?}"
    );
    // The device still holds everything and the honest sync goes through.
    assert_eq!(a.store.sync_status().unwrap().pending_records, 3);
    let r = ca.sync(&a.store, &NoProgress).unwrap();
    assert_eq!((r.acked, r.pending_after), (3, 0));
    assert!(a.store.verify(case).unwrap().ok);
}

#[test]
fn unenrolled_revoked_and_replayed_requests_are_refused() {
    let s = server();
    let stranger = device("KZ-NOBODY");
    let c = SyncClient::new(&s.url()).unwrap();
    let e = c.sync(&stranger.store, &NoProgress).unwrap_err();
    assert_eq!(refusal(&e), Some((ErrorCode::Unauthenticated, 401)), "{e}");
    assert!(matches!(
        SyncClient::for_store(&stranger.store),
        Err(qorgau_core::Error::Sync {
            failure: SyncFailure::NotEnrolled,
            ..
        })
    ));
    // An unknown code is refused; so is a used one.
    let bad = c.enrol(&stranger.store, "AAAABBBBCCCCDDDD").unwrap_err();
    assert_eq!(refusal(&bad), Some((ErrorCode::CodeUnknown, 403)), "{bad}");
    let once = s
        .station
        .create_enrolment_code("KZ-DEMO-0499", "t")
        .unwrap();
    c.enrol(&device("KZ-DEMO-0499").store, &once).unwrap();
    let used = c.enrol(&stranger.store, &once).unwrap_err();
    assert_eq!(refusal(&used), Some((ErrorCode::CodeUsed, 403)), "{used}");
    // An expired code (its expiry moved into the past in the station's database).
    let late = s
        .station
        .create_enrolment_code("KZ-DEMO-0498", "t")
        .unwrap();
    rusqlite::Connection::open(s._dir.path().join("station.db"))
        .unwrap()
        .execute(
            "UPDATE enrolment_codes SET expires_at = '2026-01-01T00:00:00Z' WHERE used_by IS NULL",
            [],
        )
        .unwrap();
    let expired = c.enrol(&stranger.store, &late).unwrap_err();
    assert_eq!(
        refusal(&expired),
        Some((ErrorCode::CodeExpired, 403)),
        "{expired}"
    );
    assert!(
        stranger.store.station().unwrap().is_none(),
        "nothing stored on a refusal"
    );

    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    field_case(&a);
    assert!(s
        .station
        .revoke(&a.store.device().device_id.to_string())
        .unwrap());
    let e = ca.sync(&a.store, &NoProgress).unwrap_err();
    assert_eq!(refusal(&e), Some((ErrorCode::DeviceRevoked, 403)), "{e}");
    let status = a.store.sync_status().unwrap();
    assert_eq!(
        status.last_problem,
        Some(SyncProblem::Failed {
            failure: SyncFailure::Refused {
                code: ErrorCode::DeviceRevoked,
                status: 403
            }
        }),
        "the sync screen gets the kind"
    );
    assert!(status.last_error_at.is_some());
    assert_eq!(
        a.store.sync_status().unwrap().pending_records,
        8,
        "nothing lost on the device"
    );

    // Raw requests: unsigned, garbage, replayed.
    let agent = ureq::agent();
    let unsigned = agent
        .post(&format!("{}/v1/entries", s.url()))
        .send_bytes(b"{}");
    assert!(matches!(unsigned, Err(ureq::Error::Status(401, _))));
    let garbage: Vec<u8> = (0..2_000u64).map(|i| (i * 7919 % 251) as u8).collect();
    let g = agent
        .post(&format!("{}/v1/enrol", s.url()))
        .send_bytes(&garbage);
    assert!(
        matches!(g, Err(ureq::Error::Status(400, _))),
        "garbage gets a 4xx"
    );
    let big = agent
        .post(&format!("{}/v1/enrol", s.url()))
        .send_bytes(&vec![b' '; 64 * 1024]);
    assert!(
        matches!(
            big,
            Err(ureq::Error::Status(413, _)) | Err(ureq::Error::Transport(_))
        ),
        "an enrolment body past 8 KiB is refused"
    );
    let huge = agent
        .post(&format!("{}/v1/enrol", s.url()))
        .send_bytes(&vec![b'{'; 70 * 1024 * 1024]);
    assert!(
        matches!(
            huge,
            Err(ureq::Error::Status(413, _)) | Err(ureq::Error::Transport(_))
        ),
        "oversized body refused"
    );
    let (b, _) = enrolled(&s, "KZ-DEMO-0418");
    let ts = chrono::Utc::now().timestamp();
    let nonce = "00112233445566778899aabbccddeeff";
    let empty = qorgau_core::crypto::hash::Sha256::of(b"").hex();
    let text =
        qorgau_core::sync::protocol::signing_text("GET", "/v1/registry", &empty, "", "", ts, nonce);
    let sig = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        b.store.sign_request(&text).unwrap(),
    );
    #[allow(clippy::result_large_err)] // ureq's error type
    let req = || {
        agent
            .get(&format!("{}/v1/registry", s.url()))
            .set("qorgau-device", &b.store.device().device_id.to_string())
            .set("qorgau-timestamp", &ts.to_string())
            .set("qorgau-nonce", nonce)
            .set("qorgau-content-sha256", &empty)
            .set("qorgau-signature", &sig)
            .call()
    };
    assert!(req().is_ok());
    match req() {
        Err(ureq::Error::Status(401, r)) => {
            let body: ErrorBody = r.into_json().unwrap();
            assert_eq!(
                body.code,
                ErrorCode::Replayed,
                "the same nonce twice is a replay"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// The station's code and status, when the error is its refusal.
fn refusal(e: &qorgau_core::Error) -> Option<(ErrorCode, u16)> {
    match e {
        qorgau_core::Error::Sync {
            failure: SyncFailure::Refused { code, status },
            ..
        } => Some((*code, *status)),
        _ => None,
    }
}

/// Signed raw request helper for the upload tests.
#[allow(clippy::too_many_arguments)] // the signed parts of a request
fn signed(
    agent: &ureq::Agent,
    store: &Store,
    method: &str,
    url: &str,
    path: &str,
    body: &[u8],
    offset: Option<u64>,
    checksum: Option<&str>,
) -> ureq::Request {
    use base64::Engine;
    let ts = chrono::Utc::now().timestamp();
    let nonce = hex::encode(qorgau_core::crypto::random_bytes::<16>().unwrap());
    let digest = qorgau_core::crypto::hash::Sha256::of(body).hex();
    let off = offset.map(|o| o.to_string()).unwrap_or_default();
    let text = qorgau_core::sync::protocol::signing_text(
        method,
        path,
        &digest,
        &off,
        checksum.unwrap_or(""),
        ts,
        &nonce,
    );
    let mut r = agent
        .request(method, &format!("{url}{path}"))
        .set("qorgau-device", &store.device().device_id.to_string())
        .set("qorgau-timestamp", &ts.to_string())
        .set("qorgau-nonce", &nonce)
        .set("qorgau-content-sha256", &digest)
        .set(
            "qorgau-signature",
            &base64::engine::general_purpose::STANDARD.encode(store.sign_request(&text).unwrap()),
        )
        .set("Tus-Resumable", "1.0.0");
    if let Some(o) = offset {
        r = r
            .set("Upload-Offset", &o.to_string())
            .set("Content-Type", "application/offset+octet-stream");
    }
    if let Some(c) = checksum {
        r = r.set("Upload-Checksum", c);
    }
    r
}

#[test]
fn a_tampered_blob_is_refused_and_the_upload_starts_over() {
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let s = server();
    let (a, _) = enrolled(&s, "KZ-DEMO-0417");
    let agent = ureq::agent();
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let sha = qorgau_core::crypto::hash::Sha256::of(&content);
    let create = |declared: &str| {
        signed(
            &agent,
            &a.store,
            "POST",
            &s.url(),
            "/v1/uploads",
            b"",
            None,
            None,
        )
        .set("Upload-Length", &content.len().to_string())
        .set(
            "Upload-Metadata",
            &format!("sha256 {}", b64(declared.as_bytes())),
        )
        .send_bytes(b"")
        .unwrap()
        .header("Location")
        .unwrap()
        .to_string()
    };
    let loc = create(&sha.hex());
    // A PATCH whose body was altered on the way: its checksum does not match (tus 460), and the
    // station keeps nothing of it.
    let mut altered = content.clone();
    altered[1000] ^= 1;
    let r = signed(
        &agent,
        &a.store,
        "PATCH",
        &s.url(),
        &loc,
        &altered,
        Some(0),
        Some(&format!("sha256 {}", b64(&sha.0))),
    )
    .send_bytes(&altered);
    assert!(matches!(r, Err(ureq::Error::Status(460, _))), "{r:?}");
    let head = signed(&agent, &a.store, "HEAD", &s.url(), &loc, b"", None, None)
        .call()
        .unwrap();
    assert_eq!(head.header("Upload-Offset"), Some("0"));
    // Content that does not hash to the declared SHA-256 is refused at the end, and the upload
    // starts over; the honest upload then completes and verifies.
    let other: Vec<u8> = content.iter().map(|b| b.wrapping_add(1)).collect();
    let other_sum = qorgau_core::crypto::hash::Sha256::of(&other);
    let r = signed(
        &agent,
        &a.store,
        "PATCH",
        &s.url(),
        &loc,
        &other,
        Some(0),
        Some(&format!("sha256 {}", b64(&other_sum.0))),
    )
    .send_bytes(&other);
    assert!(matches!(r, Err(ureq::Error::Status(460, _))), "{r:?}");
    let loc = create(&sha.hex());
    let r = signed(
        &agent,
        &a.store,
        "PATCH",
        &s.url(),
        &loc,
        &content,
        Some(0),
        Some(&format!("sha256 {}", b64(&sha.0))),
    )
    .send_bytes(&content)
    .unwrap();
    assert_eq!(
        r.header("Upload-Offset"),
        Some(content.len().to_string().as_str())
    );
    let dev = a.store.device().device_id.simple().to_string();
    assert!(
        s.station
            .storage()
            .upload(&dev, &sha.hex())
            .unwrap()
            .unwrap()
            .completed
    );
    assert!(s.station.storage().blob(&sha.hex()).unwrap());
}

#[test]
fn two_devices_racing_on_the_same_original_store_it_once() {
    let s = server();
    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    let (b, cb) = enrolled(&s, "KZ-DEMO-0418");
    // The same 12 MB recording captured on both phones (a shared video from the neighbour).
    let video = fixtures::isobmff(b"mp42", 12 * 1024 * 1024);
    for d in [&a, &b] {
        let case = d
            .store
            .open_case(fixtures::neighbour_report_case())
            .unwrap()
            .record
            .id;
        let p = d._dir.path().join("shared.mp4");
        std::fs::write(&p, &video).unwrap();
        d.store
            .add_evidence_file(case, &p, None, CaptureInfo::default(), &NoProgress)
            .unwrap();
    }
    let (ra, rb) = std::thread::scope(|sc| {
        let ta = sc.spawn(|| {
            let mut r = ca.sync(&a.store, &NoProgress);
            for _ in 0..5 {
                if matches!(&r, Ok(x) if x.pending_after == 0) {
                    break;
                }
                r = ca.sync(&a.store, &NoProgress);
            }
            r
        });
        let tb = sc.spawn(|| {
            let mut r = cb.sync(&b.store, &NoProgress);
            for _ in 0..5 {
                if matches!(&r, Ok(x) if x.pending_after == 0) {
                    break;
                }
                r = cb.sync(&b.store, &NoProgress);
            }
            r
        });
        (ta.join().unwrap(), tb.join().unwrap())
    });
    assert_eq!(ra.unwrap().pending_after, 0);
    assert_eq!(rb.unwrap().pending_after, 0);
    let sha = qorgau_core::crypto::hash::Sha256::of(&video).hex();
    for d in [&a, &b] {
        let u = s
            .station
            .storage()
            .upload(&d.store.device().device_id.simple().to_string(), &sha)
            .unwrap()
            .unwrap();
        assert!(
            u.completed && u.offset == video.len() as u64,
            "each device's upload whole and verified"
        );
    }
    let kept: Vec<_> = std::fs::read_dir(s.station.dir().join("blobs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        kept,
        vec![std::ffi::OsString::from(&sha)],
        "the original is kept once"
    );
    assert!(
        std::fs::read_dir(s.station.dir().join("uploads"))
            .unwrap()
            .flatten()
            .all(|d| std::fs::read_dir(d.path()).unwrap().next().is_none()),
        "no upload folder left behind"
    );
    assert_eq!(s.station.storage().case_count().unwrap().len(), 2);
}

#[test]
fn a_phone_upgraded_from_before_the_outbox_sends_its_unsent_work() {
    let s = server();
    let (a, ca) = enrolled(&s, "KZ-DEMO-0417");
    let case = a
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    a.store.add_person(case, fixtures::survivor()).unwrap();
    let jpeg = fixtures::photo_jpeg(640, 480, 3, 1);
    let photo = a
        .store
        .add_photo_bytes(case, &jpeg, CaptureInfo::default())
        .unwrap();
    // As a phone upgraded from schema 3 would be: every entry recorded, none queued.
    let dir = a.store.dir().to_path_buf();
    drop(a.store);
    let db = rusqlite::Connection::open(dir.join("qorgau.db")).unwrap();
    db.execute("DELETE FROM outbox", []).unwrap();
    drop(db);
    let ks = FileKeyStore::open_or_create(&a._dir.path().join("k")).unwrap();
    let store = Store::open(&dir, &ks, StoreOptions::default()).unwrap();
    let r = ca.sync(&store, &NoProgress).unwrap();
    assert_eq!(
        (r.acked, r.uploaded_bytes, r.pending_after),
        (3, jpeg.len() as u64, 0)
    );
    let at_station = s.station.storage().entries_of(&case.to_string()).unwrap();
    assert_eq!(at_station.len(), 3);
    assert!(
        s.station.storage().blob(&photo.record.sha256).unwrap(),
        "the original arrived"
    );
}
