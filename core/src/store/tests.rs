//! Story tests of the store: what an officer does at the scene, and what goes wrong.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use tempfile::TempDir;
use uuid::Uuid;

use super::*;
use crate::crypto::keys::FileKeyStore;
use crate::fixtures;
use crate::model::*;
use chrono::NaiveDate;

pub(crate) struct Scene {
    pub dir: TempDir,
    pub ks: FileKeyStore,
    pub store: Store,
}

pub(crate) fn clock() -> StoreOptions {
    StoreOptions {
        clock: Some(Arc::new(SteppingClock::new(
            Utc.with_ymd_and_hms(2026, 11, 20, 18, 40, 0).unwrap(),
            300,
        ))),
        ..Default::default()
    }
}

pub(crate) fn scene() -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let ks = FileKeyStore::open_or_create(&dir.path().join("keystore.key")).unwrap();
    let store = Store::init(
        &dir.path().join("store"),
        &ks,
        fixtures::officer_profile(),
        clock(),
    )
    .unwrap();
    Scene { dir, ks, store }
}

fn statement(person: Uuid, text: &str) -> NewStatement {
    NewStatement {
        person_id: person,
        language: Language::Kk,
        text: text.into(),
        taken_by: "KZ-DEMO-0417".into(),
        consent: Consent {
            share_with_crisis_centre: true,
            share_with_court: true,
        },
        signature_png: None,
    }
}

#[test]
fn officer_opens_a_case_adds_people_photo_statement_and_it_verifies() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap();
    assert_eq!(case.seq, 1);
    assert_eq!(case.record.opened_at.utc_offset_min, 300);
    let survivor = s
        .store
        .add_person(case.record.id, fixtures::survivor())
        .unwrap();
    assert!(
        survivor.record.address_confidential,
        "a survivor's address is always confidential"
    );
    assert_eq!(
        survivor.record.date_of_birth,
        NaiveDate::from_ymd_opt(1994, 3, 12),
        "filled in from the IIN"
    );
    let aggressor = s
        .store
        .add_person(case.record.id, fixtures::aggressor())
        .unwrap();
    assert!(!aggressor.record.address_confidential);
    let witness = s
        .store
        .add_person(case.record.id, fixtures::neighbour())
        .unwrap();
    assert!(witness.record.identity_protected);

    let jpeg = fixtures::photo_jpeg(1200, 800, 7, 6);
    let photo = s
        .store
        .add_photo_bytes(case.record.id, &jpeg, CaptureInfo::default())
        .unwrap();
    let ev = &photo.record;
    assert_eq!(ev.sha256, crate::crypto::hash::Sha256::of(&jpeg).hex());
    assert_eq!(
        (ev.width, ev.height, ev.kind),
        (Some(1200), Some(800), MediaKind::Photo)
    );
    assert_eq!(
        ev.exif_datetime_original.as_deref(),
        Some("2026:11:20 23:41:07")
    );
    assert_eq!(ev.exif_orientation, Some(6));
    // Orientation 6 (rotate 90° clockwise): the preview of a landscape sensor image is portrait.
    let thumb = image::load_from_memory(&s.store.thumbnail(ev.id).unwrap().unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (213, 320));

    let st = s
        .store
        .record_statement(
            case.record.id,
            statement(survivor.record.id, "Ол мені итеріп жіберді."),
        )
        .unwrap();
    assert_eq!(st.record.version, 1);
    let refusal = s
        .store
        .record_refusal(
            case.record.id,
            aggressor.record.id,
            Language::Ru,
            "",
            "KZ-DEMO-0417",
        )
        .unwrap();
    assert_eq!(refusal.record.kind, StatementKind::Refused);

    let report = s.store.verify(case.record.id).unwrap();
    assert!(report.ok, "{:?}", report.failure);
    assert_eq!(report.entries_checked, 7);
    assert_eq!(report.records_checked, 7);
    assert_eq!(report.files_checked, 2, "original + thumbnail");
    assert_eq!(report.bytes_hashed, jpeg.len() as u64);

    // The original comes back byte for byte, and viewing it is logged.
    let mut out = Vec::new();
    s.store.view_original(ev.id, "review", &mut out).unwrap();
    assert_eq!(out, jpeg);
    let log = s.store.custody_log(case.record.id).unwrap();
    assert_eq!(log.last().unwrap().entry.kind, EventKind::EvidenceViewed);
    assert!(s.store.verify(case.record.id).unwrap().ok);
}

#[test]
fn store_reopens_with_its_key_and_refuses_another_key_without_harm() {
    let s = scene();
    let dir = s.store.dir().to_path_buf();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    drop(s.store);
    let db_before = std::fs::read(dir.join(DB_FILE)).unwrap();

    let other = FileKeyStore::open_or_create(&s.dir.path().join("other.key")).unwrap();
    assert!(matches!(
        Store::open(&dir, &other, clock()),
        Err(Error::WrongKey)
    ));
    assert_eq!(
        std::fs::read(dir.join(DB_FILE)).unwrap(),
        db_before,
        "a wrong key changes nothing"
    );

    let store = Store::open(&dir, &s.ks, clock()).unwrap();
    assert_eq!(store.list_cases().unwrap().len(), 1);
    assert!(store.verify(case).unwrap().ok);
    assert!(matches!(
        Store::init(&dir, &s.ks, fixtures::officer_profile(), clock()),
        Err(Error::AlreadyInitialised(_))
    ));
}

#[test]
fn a_file_that_is_not_a_database_or_a_missing_store_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let ks = FileKeyStore::open_or_create(&dir.path().join("k")).unwrap();
    assert!(matches!(
        Store::open(&dir.path().join("none"), &ks, clock()),
        Err(Error::NotInitialised(_))
    ));
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 37 % 256) as u8).collect();
    std::fs::write(bad.join(DB_FILE), &garbage).unwrap();
    assert!(matches!(
        Store::open(&bad, &ks, clock()),
        Err(Error::NotADatabase(_))
    ));
    assert_eq!(
        std::fs::read(bad.join(DB_FILE)).unwrap(),
        garbage,
        "the file is left as it was"
    );
}

#[test]
fn bad_input_gets_typed_errors_and_loses_nothing() {
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
    let photo = fixtures::photo_jpeg(640, 480, 1, 1);
    s.store
        .add_photo_bytes(case, &photo, CaptureInfo::default())
        .unwrap();

    let invalid_iin = NewPerson {
        iin: Some("900101300005".into()),
        ..fixtures::aggressor()
    };
    assert!(matches!(
        s.store.add_person(case, invalid_iin),
        Err(Error::InvalidIin { .. })
    ));
    let mismatch = NewPerson {
        date_of_birth: NaiveDate::from_ymd_opt(1990, 1, 1),
        ..fixtures::aggressor()
    };
    assert!(matches!(
        s.store.add_person(case, mismatch),
        Err(Error::InvalidField {
            field: "date_of_birth",
            ..
        })
    ));
    assert!(matches!(
        s.store
            .add_photo_bytes(case, b"%PDF-1.4 not a photo", CaptureInfo::default()),
        Err(Error::NotMedia { .. })
    ));
    assert!(matches!(
        s.store.add_photo_bytes(case, &[], CaptureInfo::default()),
        Err(Error::EmptyFile)
    ));
    assert!(matches!(
        s.store
            .add_photo_bytes(case, &photo[..photo.len() / 2], CaptureInfo::default()),
        Err(Error::DamagedImage { .. })
    ));
    assert!(matches!(
        s.store.add_photo_bytes(
            case,
            &fixtures::jpeg_claiming(60000, 60000),
            CaptureInfo::default()
        ),
        Err(Error::ImageTooLarge {
            width: 60000,
            height: 60000,
            ..
        })
    ));
    assert!(matches!(
        s.store.add_photo_bytes(
            case,
            &fixtures::isobmff(b"mp42", 4000),
            CaptureInfo::default()
        ),
        Err(Error::WrongMediaKind {
            expected: "photo",
            ..
        })
    ));
    assert!(matches!(
        s.store.record_statement(case, statement(survivor, "  ")),
        Err(Error::EmptyStatement)
    ));
    assert!(matches!(
        Language::parse("de"),
        Err(Error::UnsupportedLanguage { .. })
    ));
    let unknown = Uuid::new_v4();
    assert!(matches!(
        s.store.add_person(unknown, fixtures::survivor()),
        Err(Error::NotFound { kind: "case", .. })
    ));
    assert!(matches!(
        s.store.verify(unknown),
        Err(Error::NotFound { .. })
    ));

    // Nothing that was saved before is lost, and the chain still verifies.
    let file = s.store.case_file(case).unwrap();
    assert_eq!(
        (
            file.people.len(),
            file.evidence.len(),
            file.statements.len()
        ),
        (1, 1, 0)
    );
    assert!(s.store.verify(case).unwrap().ok);
}

#[test]
fn heic_photo_is_kept_as_evidence_with_platform_preview_or_none() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let heic = fixtures::isobmff(b"heic", 50_000);
    let none = s
        .store
        .add_photo_bytes(case, &heic, CaptureInfo::default())
        .unwrap()
        .record;
    assert_eq!(
        (none.preview, none.media_type.as_str()),
        (PreviewSource::None, "image/heif")
    );
    assert_eq!(s.store.thumbnail(none.id).unwrap(), None);
    let with = CaptureInfo {
        platform_thumbnail: Some(fixtures::photo_jpeg(400, 300, 2, 1)),
        ..Default::default()
    };
    let ev = s.store.add_photo_bytes(case, &heic, with).unwrap().record;
    assert_eq!(ev.preview, PreviewSource::Platform);
    assert_eq!(
        ev.sha256, none.sha256,
        "the same original bytes, the same hash"
    );
    assert!(s.store.thumbnail(ev.id).unwrap().is_some());
    assert!(s.store.verify(case).unwrap().ok);
}

#[test]
fn video_streams_with_progress_and_cancellation() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let path = s.dir.path().join("clip.mp4");
    let video = fixtures::isobmff(b"mp42", 5 * 1024 * 1024 + 123);
    std::fs::write(&path, &video).unwrap();

    struct Watch(std::sync::Mutex<Vec<(u64, u64)>>, u64);
    impl Progress for Watch {
        fn on_progress(&self, done: u64, total: u64) {
            self.0.lock().unwrap().push((done, total));
        }
        fn is_cancelled(&self) -> bool {
            self.0
                .lock()
                .unwrap()
                .last()
                .is_some_and(|(d, _)| *d >= self.1)
        }
    }
    let cancel = Watch(Default::default(), 2 * 1024 * 1024);
    let r = s.store.add_evidence_file(
        case,
        &path,
        Some(MediaKind::Video),
        CaptureInfo::default(),
        &cancel,
    );
    assert!(matches!(r, Err(Error::Cancelled)));
    assert_eq!(
        s.store.evidence_list(case).unwrap().len(),
        0,
        "a cancelled ingest stores nothing"
    );

    let watch = Watch(Default::default(), u64::MAX);
    let ev = s
        .store
        .add_evidence_file(case, &path, None, CaptureInfo::default(), &watch)
        .unwrap()
        .record;
    assert_eq!(
        (ev.kind, ev.size_bytes),
        (MediaKind::Video, video.len() as u64)
    );
    let seen = watch.0.lock().unwrap().clone();
    assert!(seen.len() >= 6, "progress per MiB piece: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(
        seen.last().unwrap(),
        &(video.len() as u64, video.len() as u64)
    );
    // A photo declared as audio is refused; an MPEG-4 container declared as audio is audio
    // (Android's MediaRecorder writes AAC in an "mp42"/"isom" MPEG-4 file).
    let photo = s.dir.path().join("p.jpg");
    std::fs::write(&photo, fixtures::photo_jpeg(64, 48, 2, 1)).unwrap();
    assert!(matches!(
        s.store.add_evidence_file(
            case,
            &photo,
            Some(MediaKind::Audio),
            CaptureInfo::default(),
            &NoProgress
        ),
        Err(Error::WrongMediaKind {
            expected: "audio",
            ..
        })
    ));
    let m4a = s
        .store
        .add_evidence_file(
            case,
            &path,
            Some(MediaKind::Audio),
            CaptureInfo::default(),
            &NoProgress,
        )
        .unwrap()
        .record;
    assert_eq!(
        (m4a.kind, m4a.media_type.as_str()),
        (MediaKind::Audio, "audio/mp4")
    );
    let report = s.store.verify(case).unwrap();
    assert!(report.ok);
    assert_eq!(report.bytes_hashed, 2 * video.len() as u64);
}

#[test]
fn a_correction_is_a_new_version_and_the_old_one_stays() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let p = s
        .store
        .add_person(case, fixtures::survivor())
        .unwrap()
        .record
        .id;
    let v1 = s
        .store
        .record_statement(case, statement(p, "Бірінші нұсқа."))
        .unwrap();
    let v2 = s
        .store
        .correct_statement(v1.record.id, statement(p, "Түзетілген нұсқа."))
        .unwrap();
    assert_eq!(
        (v2.record.version, v2.record.supersedes),
        (2, Some(v1.record.id))
    );
    assert!(matches!(
        s.store
            .correct_statement(v1.record.id, statement(p, "Again")),
        Err(Error::Conflict(_))
    ));
    let all = s.store.statements(case).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].text, "Бірінші нұсқа.");
    assert_ne!(v1.sha256, v2.sha256);
    assert!(s.store.verify(case).unwrap().ok);
}

#[test]
fn statement_with_signature_image_is_stored_and_verified() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let p = s
        .store
        .add_person(case, fixtures::survivor())
        .unwrap()
        .record
        .id;
    let sig = fixtures::photo_jpeg(300, 100, 3, 1);
    let st = s
        .store
        .record_statement(
            case,
            NewStatement {
                signature_png: Some(sig.clone()),
                ..statement(p, "Text")
            },
        )
        .unwrap();
    assert_eq!(
        st.record.signature.as_ref().unwrap().sha256,
        crate::crypto::hash::Sha256::of(&sig).hex()
    );
    assert_eq!(
        s.store.statement_signature(st.record.id).unwrap(),
        Some(sig)
    );
    let bad = NewStatement {
        signature_png: Some(b"not an image".to_vec()),
        ..statement(p, "Text")
    };
    assert!(matches!(
        s.store.record_statement(case, bad),
        Err(Error::NotMedia { .. })
    ));
    assert!(s.store.verify(case).unwrap().ok);
}

#[test]
fn personal_data_is_not_in_clear_in_the_database_or_blobs() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let p = s
        .store
        .add_person(case, fixtures::survivor())
        .unwrap()
        .record;
    s.store
        .record_statement(case, statement(p.id, "UNIQUE-STATEMENT-MARKER"))
        .unwrap();
    let jpeg = fixtures::photo_jpeg(200, 200, 4, 1);
    s.store
        .add_photo_bytes(case, &jpeg, CaptureInfo::default())
        .unwrap();
    drop(s.store);
    let needles: Vec<Vec<u8>> = vec![
        b"Aigerim".to_vec(),
        p.iin.unwrap().as_str().as_bytes().to_vec(),
        b"UNIQUE-STATEMENT-MARKER".to_vec(),
        b"Synthetic street".to_vec(),
        jpeg[jpeg.len() - 64..].to_vec(),
    ];
    for entry in walk(s.dir.path().join("store").as_path()) {
        let bytes = std::fs::read(&entry).unwrap();
        for n in &needles {
            assert!(
                !bytes.windows(n.len()).any(|w| w == n.as_slice()),
                "{} holds plaintext",
                entry.display()
            );
        }
    }
}

pub(crate) fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn an_unwritable_blob_directory_fails_the_ingest_and_keeps_the_case_consistent() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    s.store
        .add_photo_bytes(
            case,
            &fixtures::photo_jpeg(320, 240, 5, 1),
            CaptureInfo::default(),
        )
        .unwrap();
    // Works for root too: the temp directory is replaced by a file.
    let tmp = s.store.dir().join("blobs").join("tmp");
    std::fs::remove_dir_all(&tmp).unwrap();
    std::fs::write(&tmp, b"in the way").unwrap();
    let r = s.store.add_photo_bytes(
        case,
        &fixtures::photo_jpeg(320, 240, 6, 1),
        CaptureInfo::default(),
    );
    assert!(matches!(r, Err(Error::Io { .. })), "{r:?}");
    assert_eq!(s.store.evidence_list(case).unwrap().len(), 1);
    assert!(s.store.verify(case).unwrap().ok);
}

pub(crate) mod tamper {
    use super::*;
    use proptest::prelude::*;
    use rusqlite::types::Value;

    /// A case with people, a photo with thumbnail, a signed statement, a refusal and a view.
    pub(crate) fn full_case() -> (Scene, Uuid) {
        let s = scene();
        let case = s
            .store
            .open_case(fixtures::neighbour_report_case())
            .unwrap()
            .record
            .id;
        let p = s
            .store
            .add_person(case, fixtures::survivor())
            .unwrap()
            .record
            .id;
        let a = s
            .store
            .add_person(case, fixtures::aggressor())
            .unwrap()
            .record
            .id;
        let ev = s
            .store
            .add_photo_bytes(
                case,
                &fixtures::photo_jpeg(400, 300, 9, 1),
                CaptureInfo::default(),
            )
            .unwrap()
            .record
            .id;
        let sig = fixtures::photo_jpeg(120, 40, 10, 1);
        let st = s
            .store
            .record_statement(
                case,
                NewStatement {
                    signature_png: Some(sig),
                    ..statement(p, "Мәтін")
                },
            )
            .unwrap();
        s.store
            .correct_statement(st.record.id, statement(p, "Түзету"))
            .unwrap();
        s.store
            .record_refusal(case, a, Language::Ru, "", "KZ-DEMO-0417")
            .unwrap();
        s.store
            .view_original(ev, "review", &mut Vec::new())
            .unwrap();
        let o = s
            .store
            .issue_order(
                case,
                NewOrder {
                    restricted_person: a,
                    protected_persons: vec![p],
                    prohibitions: vec!["contact".into()],
                    valid_from: None,
                    valid_until: None,
                    number: None,
                    survivor_opinion: None,
                },
            )
            .unwrap()
            .record;
        s.store
            .serve_order(
                o.id,
                ServeOrder::Signed {
                    signature_image: fixtures::photo_jpeg(90, 30, 11, 1),
                },
            )
            .unwrap();
        s.store
            .record_intervention(
                case,
                NewIntervention {
                    person_id: a,
                    kind: InterventionKind::PreventiveTalk,
                    date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                    outcome: "talk".into(),
                    next_check: NaiveDate::from_ymd_opt(2026, 11, 23),
                },
            )
            .unwrap();
        let r = s
            .store
            .make_referral(
                case,
                NewReferral {
                    person_id: p,
                    kind: ReferralKind::CrisisCentre,
                    organisation: "Centre".into(),
                    children_placed: 0,
                    consent_given: true,
                    note: None,
                },
            )
            .unwrap()
            .record;
        s.store
            .update_referral(
                r.id,
                ReferralChange::Status {
                    status: ReferralStatus::Accepted,
                    note: None,
                },
            )
            .unwrap();
        assert!(s.store.verify(case).unwrap().ok);
        (s, case)
    }

    fn detected(s: &Scene, case: Uuid) -> bool {
        !matches!(s.store.verify(case), Ok(r) if r.ok)
    }

    /// Every non-null cell of the case's tables, as (table, rowid-ish key, column).
    fn cells(s: &Scene) -> Vec<(String, String, String)> {
        let conn = s.store.conn();
        let mut out = Vec::new();
        let tables = [
            "cases",
            "people",
            "evidence",
            "statements",
            "orders",
            "order_events",
            "interventions",
            "referrals",
            "referral_updates",
        ];
        for (table, key) in tables
            .iter()
            .map(|t| (*t, "id"))
            .chain([("custody", "case_id || '/' || seq")])
        {
            let cols: Vec<String> = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            for col in cols {
                let keys: Vec<String> = conn
                    .prepare(&format!(
                        "SELECT {key} FROM {table} WHERE {col} IS NOT NULL ORDER BY 1"
                    ))
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .map(|r| r.unwrap())
                    .collect();
                for k in keys {
                    out.push((table.to_string(), k, col.clone()));
                }
            }
        }
        out
    }

    fn change_cell(s: &Scene, (table, key, col): &(String, String, String), pos: usize) {
        let conn = s.store.conn();
        let key_expr = if table == "custody" {
            "case_id || '/' || seq"
        } else {
            "id"
        };
        let v: Value = conn
            .query_row(
                &format!("SELECT {col} FROM {table} WHERE {key_expr} = ?1"),
                [key],
                |r| r.get(0),
            )
            .unwrap();
        let new = match v {
            Value::Integer(i) => Value::Integer(i + 1),
            Value::Text(t) => {
                let mut b = t.into_bytes();
                let i = pos % b.len();
                b[i] = if b[i] == b'a' {
                    b'b'
                } else if b[i].is_ascii() {
                    b'a'
                } else {
                    b'?'
                };
                Value::Text(String::from_utf8_lossy(&b).into_owned())
            }
            Value::Blob(mut b) => {
                let i = pos % b.len();
                b[i] ^= 0x01;
                Value::Blob(b)
            }
            other => panic!("unexpected {other:?}"),
        };
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        let sql = format!("UPDATE {table} SET {col} = ?1 WHERE {key_expr} = ?2");
        if conn.execute(&sql, rusqlite::params![new, key]).is_err() {
            // A changed sequence number may collide with its neighbour's: jump further instead.
            let Value::Integer(i) = new else {
                panic!("update of {table}.{col} failed")
            };
            conn.execute(&sql, rusqlite::params![i + 1_000_000, key])
                .unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn changing_any_byte_of_any_stored_row_or_log_entry_is_detected(cell in any::<prop::sample::Index>(), pos in 0usize..10_000) {
            let (s, case) = full_case();
            let all = cells(&s);
            let target = cell.get(&all).clone();
            change_cell(&s, &target, pos);
            prop_assert!(detected(&s, case), "undetected change of {:?}", target);
        }

        #[test]
        fn changing_any_byte_of_a_stored_original_is_detected(file in any::<prop::sample::Index>(), pos in 0usize..1_000_000) {
            let (s, case) = full_case();
            let blobs: Vec<_> = walk(&s.store.dir().join("blobs")).into_iter().filter(|p| !p.starts_with(s.store.dir().join("blobs/tmp"))).collect();
            prop_assert_eq!(blobs.len(), 3, "photo, statement signature and order signature");
            let f = file.get(&blobs);
            let mut bytes = std::fs::read(f).unwrap();
            let i = pos % bytes.len();
            bytes[i] ^= 0x80;
            std::fs::write(f, bytes).unwrap();
            let report = s.store.verify(case).unwrap();
            prop_assert!(!report.ok);
            let failure = report.failure.unwrap();
            prop_assert!(failure.file.as_deref().is_some_and(|p| f.ends_with(p.trim_start_matches("blobs/"))), "{:?}", failure);
        }
    }

    #[test]
    fn report_names_the_entry_and_the_expected_and_found_hash() {
        let (s, case) = full_case();
        // Rewrite a custody entry's payload hash: entry 4 (the photo) now claims other content.
        s.store
            .conn()
            .execute(
                "UPDATE custody SET payload_hash = ?1 WHERE case_id = ?2 AND seq = 4",
                rusqlite::params!["0".repeat(64), case.to_string()],
            )
            .unwrap();
        let f = s.store.verify(case).unwrap().failure.unwrap();
        assert_eq!((f.seq, f.what.as_str()), (Some(4), "entry hash"));
        assert_ne!(f.expected, f.found);
        // Deleting a middle entry breaks the sequence at that point.
        let (s, case) = full_case();
        s.store
            .conn()
            .execute_batch("PRAGMA foreign_keys = OFF")
            .unwrap();
        s.store
            .conn()
            .execute(
                "DELETE FROM custody WHERE case_id = ?1 AND seq = 3",
                [case.to_string()],
            )
            .unwrap();
        let f = s.store.verify(case).unwrap().failure.unwrap();
        assert_eq!(
            (
                f.seq,
                f.what.as_str(),
                f.expected.as_str(),
                f.found.as_str()
            ),
            (Some(3), "sequence number", "3", "4")
        );
    }
}

#[test]
fn every_change_is_in_the_outbox_in_the_same_transaction() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let p = s
        .store
        .add_person(case, fixtures::survivor())
        .unwrap()
        .record
        .id;
    let jpeg = fixtures::photo_jpeg(320, 240, 12, 1);
    s.store
        .add_photo_bytes(case, &jpeg, CaptureInfo::default())
        .unwrap();
    s.store
        .record_statement(case, statement(p, "Мәтін"))
        .unwrap();
    let status = s.store.sync_status().unwrap();
    assert_eq!(
        (status.pending_records, status.pending_bytes),
        (4, jpeg.len() as u64)
    );
    let pending = s.store.outbox_pending(100).unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|i| i.entry.entry.seq)
            .collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    assert_eq!(pending[2].blob.as_ref().unwrap().1, jpeg.len() as u64);
    // The record bytes are exactly what the entry's payload hash covers.
    for i in &pending {
        assert_eq!(
            crate::crypto::hash::Sha256::of(i.record.as_ref().unwrap()).hex(),
            i.entry.entry.payload
        );
    }
    s.store.outbox_ack(case, &[1, 2]).unwrap();
    let status = s.store.sync_status().unwrap();
    assert_eq!(status.pending_records, 2);
    assert!(status.last_success_at.is_some());

    // If the outbox cannot take the entry, the change itself is not stored either.
    s.store
        .conn()
        .execute_batch("ALTER TABLE outbox RENAME TO outbox_gone")
        .unwrap();
    assert!(matches!(
        s.store.add_person(case, fixtures::aggressor()),
        Err(Error::Database(_))
    ));
    s.store
        .conn()
        .execute_batch("ALTER TABLE outbox_gone RENAME TO outbox")
        .unwrap();
    assert_eq!(s.store.people(case).unwrap().len(), 1);
    assert_eq!(s.store.custody_log(case).unwrap().len(), 4);
    assert!(s.store.verify(case).unwrap().ok);
}

pub(crate) const SUP_PIN: &str = "246813";

/// The phone's supervisor, created at set-up (the first profile must be hers) on first use.
pub(crate) fn supervisor(st: &Store) -> crate::store::Profile {
    match st
        .profiles()
        .unwrap()
        .into_iter()
        .find(|p| p.role == crate::model::TeamRole::Supervisor)
    {
        Some(p) => p,
        None => st
            .create_profile(
                crate::model::TeamRole::Supervisor,
                "Synthetic Supervisor",
                "KZ-DEMO-SUP-01",
                SUP_PIN,
            )
            .unwrap(),
    }
}

/// Creates a profile as the signed-in supervisor (made first if the phone has none), then
/// signs her out.
pub(crate) fn create_as_supervisor(
    st: &Store,
    role: crate::model::TeamRole,
    name: &str,
    badge: &str,
    pin: &str,
) -> crate::store::Profile {
    let sup = supervisor(st);
    st.unlock_profile(sup.id, SUP_PIN).unwrap();
    let p = st.create_profile(role, name, badge, pin).unwrap();
    st.lock_profile();
    p
}

/// Trusts a station key by hand, as a signed-in supervisor (the only role that may); the
/// supervisor profile is made on first use. The acting profile is signed out afterwards.
pub(crate) fn trust_station(st: &Store, key: crate::crypto::signing::PublicKey) {
    let sup = supervisor(st);
    st.unlock_profile(sup.id, SUP_PIN).unwrap();
    st.trust_station_key(key).unwrap();
    st.lock_profile();
}
