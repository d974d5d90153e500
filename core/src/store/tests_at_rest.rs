//! The phone at rest (issue 10): what a copy of the phone's files does and does not give, SQL
//! edits of the rows that decide behaviour, a chain cut short, private files, and who may change
//! the trusted station key. Each test failed on the store before these protections.

use rusqlite::Connection;

use super::tests::{scene, trust_station, Scene};
use super::*;
use crate::crypto::seal;
use crate::crypto::signing::{generate_pkcs8, DeviceSigner};
use crate::fixtures;
use crate::model::*;

const PSY_PIN: &str = "480917";

fn psychologist(s: &Scene) -> Profile {
    s.store
        .create_profile(
            TeamRole::Supervisor,
            "Synthetic Supervisor",
            "KZ-DEMO-SUP-01",
            "246813",
        )
        .unwrap();
    let sup = s.store.profiles().unwrap()[0].clone();
    s.store.unlock_profile(sup.id, "246813").unwrap();
    let p = s
        .store
        .create_profile(
            TeamRole::Psychologist,
            "Saule Examplova",
            "KZ-DEMO-PSY-02",
            PSY_PIN,
        )
        .unwrap();
    s.store.lock_profile();
    p
}

/// Opens a copy of the database file by itself (no key store), as a thief with the file would.
fn stolen_copy(s: &Scene) -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    s.store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    std::fs::copy(s.store.dir().join(DB_FILE), dir.path().join("copy.db")).unwrap();
    let c = Connection::open(dir.path().join("copy.db")).unwrap();
    (dir, c)
}

#[test]
fn a_copy_of_the_database_alone_gives_nothing_to_search_a_pin_against() {
    let s = scene();
    let psy = psychologist(&s);
    let (_d, copy) = stolen_copy(&s);
    let (salt, iterations, check, wrapped): (Vec<u8>, u32, Vec<u8>, Vec<u8>) = copy
        .query_row("SELECT pin_salt, pin_iterations, pin_check, wrapped_clinical FROM profiles WHERE id = ?1", [psy.id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    // The right PIN, through PBKDF2 alone (all that a copy of the database gives): opens nothing.
    let pbkdf2_only = profiles::pin_key(PSY_PIN, &salt, iterations, 1, &[0u8; 32]).unwrap();
    assert!(seal::open(&pbkdf2_only, &format!("profile-check/{}", psy.id), &check).is_err());
    assert!(seal::open(
        &pbkdf2_only,
        &format!("profile-clinical/{}", psy.id),
        &wrapped
    )
    .is_err());
    // Nor does any guess at the missing secret (it comes from the key store, not the file).
    let guessed = profiles::pin_key(PSY_PIN, &salt, iterations, 2, &[0u8; 32]).unwrap();
    assert!(seal::open(&guessed, &format!("profile-check/{}", psy.id), &check).is_err());
    // With the key store's secret the same PIN opens both: the derivation needs both.
    let with_store =
        profiles::pin_key(PSY_PIN, &salt, iterations, 2, &s.store.keys().pin_pepper).unwrap();
    assert!(seal::open(&with_store, &format!("profile-check/{}", psy.id), &check).is_ok());
    assert_eq!(
        seal::open(
            &with_store,
            &format!("profile-clinical/{}", psy.id),
            &wrapped
        )
        .unwrap()
        .len(),
        32
    );
    // And the store still signs the psychologist in with her PIN.
    s.store.unlock_profile(psy.id, PSY_PIN).unwrap();
}

#[test]
fn a_profile_from_before_the_key_store_pepper_is_upgraded_at_its_next_sign_in() {
    let s = scene();
    let psy = psychologist(&s);
    s.store.unlock_profile(psy.id, PSY_PIN).unwrap();
    let clinical = s.store.current_clinical_key().unwrap();
    s.store.lock_profile();
    // Rewrite the row as schema 4 stored it: secrets under PBKDF2 of the PIN alone.
    {
        let conn = s.store.conn();
        let mut row = conn
            .query_row(
                &format!(
                    "SELECT {} FROM profiles WHERE id = ?1",
                    integrity::PROFILE_COLS
                ),
                [psy.id.to_string()],
                integrity::ProfileRow::read,
            )
            .unwrap();
        let old =
            profiles::pin_key(PSY_PIN, &row.pin_salt, row.pin_iterations, 1, &[0u8; 32]).unwrap();
        row.pin_check = seal::seal(
            &old,
            &format!("profile-check/{}", psy.id),
            b"qorgau pin check v1",
        )
        .unwrap();
        row.wrapped_clinical =
            Some(seal::seal(&old, &format!("profile-clinical/{}", psy.id), &clinical).unwrap());
        row.pin_scheme = 1;
        row.save(&conn, s.store.keys(), None, None).unwrap();
    }
    s.store.unlock_profile(psy.id, PSY_PIN).unwrap();
    assert_eq!(
        s.store.current_clinical_key(),
        Some(clinical),
        "the same clinical key"
    );
    let scheme: u32 = s
        .store
        .conn()
        .query_row(
            "SELECT pin_scheme FROM profiles WHERE id = ?1",
            [psy.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(scheme, 2);
}

#[test]
fn sql_edits_of_rows_that_decide_behaviour_are_refused_and_reported_precisely() {
    let s = scene();
    let psy = psychologist(&s);
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    // Locked out after five wrong PINs.
    for _ in 0..5 {
        let _ = s.store.unlock_profile(psy.id, "135792");
    }
    assert!(matches!(
        s.store.unlock_profile(psy.id, PSY_PIN),
        Err(Error::ProfileLocked { .. })
    ));
    // Lifting the lock-out with SQL: refused, and verify names the row.
    s.store
        .conn()
        .execute(
            "UPDATE profiles SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
            [psy.id.to_string()],
        )
        .unwrap();
    assert!(matches!(
        s.store.unlock_profile(psy.id, PSY_PIN),
        Err(Error::Integrity { .. })
    ));
    let r = s.store.verify(case).unwrap();
    assert!(!r.ok);
    assert_eq!(
        r.failure.unwrap().record,
        Some(format!("profiles/{}", psy.id))
    );

    // An officer made supervisor with SQL cannot create profiles.
    let t = scene();
    let sup = t
        .store
        .create_profile(
            TeamRole::Supervisor,
            "Synthetic Supervisor",
            "KZ-DEMO-SUP-01",
            "246813",
        )
        .unwrap();
    t.store.unlock_profile(sup.id, "246813").unwrap();
    let officer = t
        .store
        .create_profile(
            TeamRole::Officer,
            "Aibek Demoulin",
            "KZ-DEMO-0417",
            "270415",
        )
        .unwrap();
    t.store.lock_profile();
    t.store
        .conn()
        .execute(
            "UPDATE profiles SET role = 'supervisor' WHERE id = ?1",
            [officer.id.to_string()],
        )
        .unwrap();
    assert!(matches!(
        t.store.unlock_profile(officer.id, "270415"),
        Err(Error::Integrity { .. })
    ));
    assert!(matches!(
        t.store
            .create_profile(TeamRole::Officer, "X Y", "KZ-X", "371593"),
        Err(Error::Integrity { .. })
    ));

    // A station key swapped with SQL: registries are refused, verify names the row.
    let u = scene();
    let station = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    trust_station(&u.store, station.public_key());
    let case_u = u
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let attacker = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    u.store
        .conn()
        .execute(
            "UPDATE trusted_keys SET public_key = ?1 WHERE key_id = 'station'",
            [attacker.public_key().0.to_vec()],
        )
        .unwrap();
    assert!(matches!(
        u.store.station_key(),
        Err(Error::Integrity { .. })
    ));
    assert_eq!(
        u.store.verify(case_u).unwrap().failure.unwrap().record,
        Some("trusted_keys/station".into())
    );

    // An entry marked acknowledged with SQL (so that it would never be sent): reported.
    let v = scene();
    let case_v = v
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    v.store
        .conn()
        .execute("UPDATE outbox SET acked_at = '2026-11-20T18:40:00Z'", [])
        .unwrap();
    assert_eq!(
        v.store.verify(case_v).unwrap().failure.unwrap().record,
        Some(format!("outbox/{case_v}/1"))
    );
    assert_eq!(
        v.store.edited_rows().unwrap(),
        vec![("outbox".to_string(), format!("{case_v}/1"))]
    );
}

#[test]
fn a_chain_cut_short_no_longer_reaches_its_signed_head() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    s.store.add_person(case, fixtures::survivor()).unwrap();
    let photo = s
        .store
        .add_photo_bytes(
            case,
            &fixtures::photo_jpeg(640, 480, 3, 1),
            CaptureInfo::default(),
        )
        .unwrap();
    assert!(s.store.verify(case).unwrap().ok);
    let head = s.store.case_head(case).unwrap().unwrap();
    assert_eq!(head.head.seq, 3);
    assert!(head.verifies(&s.store.device().public_key));
    // Delete the last entry with its record and outbox row: the shorter chain is whole in
    // itself, and a hash chain alone could not tell.
    {
        let conn = s.store.conn();
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        conn.execute(
            "DELETE FROM outbox WHERE case_id = ?1 AND seq = 3",
            [case.to_string()],
        )
        .unwrap();
        conn.execute(
            "DELETE FROM custody WHERE case_id = ?1 AND seq = 3",
            [case.to_string()],
        )
        .unwrap();
        conn.execute(
            "DELETE FROM evidence WHERE id = ?1",
            [photo.record.id.to_string()],
        )
        .unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    }
    let r = s.store.verify(case).unwrap();
    assert!(!r.ok);
    let f = r.failure.unwrap();
    assert_eq!(
        (f.what.as_str(), f.seq),
        ("end of the chain (signed head)", Some(3)),
        "{f}"
    );
    // Nor can the head be moved back without the device key: a forged head fails its signature.
    s.store.conn().execute("UPDATE case_heads SET seq = 2, entry_hash = (SELECT entry_hash FROM custody WHERE case_id = ?1 AND seq = 2)", [case.to_string()]).unwrap();
    assert_eq!(
        s.store.verify(case).unwrap().failure.unwrap().what,
        "signature of the case head"
    );
    // Export refuses a case that does not verify.
    assert!(matches!(
        s.store.export_case(case, s.dir.path()),
        Err(Error::Integrity { .. })
    ));
}

#[test]
fn the_stores_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
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
            &fixtures::photo_jpeg(320, 240, 3, 1),
            CaptureInfo::default(),
        )
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = &s.store.dir().to_path_buf();
    assert_eq!(mode(dir), 0o700);
    assert_eq!(mode(&dir.join("blobs")), 0o700);
    for f in super::tests::walk(dir) {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
        let parent = f.parent().unwrap();
        assert_eq!(mode(parent), 0o700, "{}", parent.display());
    }
    // A store made before (0644 and 0755) is narrowed when it is opened.
    drop(s.store);
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(dir.join(DB_FILE), std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open(dir, &s.ks, super::tests::clock()).unwrap();
    assert_eq!((mode(dir), mode(&dir.join(DB_FILE))), (0o700, 0o600));
    drop(store);
}

#[test]
fn only_a_signed_in_supervisor_changes_the_trusted_station_key_and_it_is_audited() {
    let s = scene();
    let station = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    assert!(matches!(
        s.store.trust_station_key(station.public_key()),
        Err(Error::PermissionDenied { .. })
    ));
    let sup = s
        .store
        .create_profile(
            TeamRole::Supervisor,
            "Synthetic Supervisor",
            "KZ-DEMO-SUP-01",
            "246813",
        )
        .unwrap();
    let officer = {
        s.store.unlock_profile(sup.id, "246813").unwrap();
        let o = s
            .store
            .create_profile(
                TeamRole::Officer,
                "Aibek Demoulin",
                "KZ-DEMO-0417",
                "270415",
            )
            .unwrap();
        s.store.lock_profile();
        o
    };
    s.store.unlock_profile(officer.id, "270415").unwrap();
    assert!(matches!(
        s.store.trust_station_key(station.public_key()),
        Err(Error::PermissionDenied { .. })
    ));
    let trusts = |s: &Scene| {
        s.store
            .audit_log()
            .unwrap()
            .into_iter()
            .filter(|r| r.2 == "trust station key")
            .collect::<Vec<_>>()
    };
    assert!(trusts(&s).is_empty());
    s.store.unlock_profile(sup.id, "246813").unwrap();
    s.store.trust_station_key(station.public_key()).unwrap();
    let log = trusts(&s);
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].1.as_str(), log[0].2.as_str()),
        ("KZ-DEMO-SUP-01", "trust station key")
    );
    assert!(log[0].3.contains(&station.public_key().fingerprint()));
    assert!(s.store.edited_rows().unwrap().is_empty());
    // An audit row edited with SQL is reported.
    let id: i64 = s
        .store
        .conn()
        .query_row(
            "SELECT id FROM audit WHERE action = 'trust station key'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    s.store
        .conn()
        .execute(
            "UPDATE audit SET actor = 'KZ-DEMO-0417' WHERE id = ?1",
            [id],
        )
        .unwrap();
    assert_eq!(
        s.store.edited_rows().unwrap(),
        vec![("audit".to_string(), id.to_string())]
    );
}

/// Runs a tool from Debian's libtiff-tools (installed by scripts/ci-deps.sh); a missing tool
/// fails the test rather than skipping it.
fn tiff_tool(dir: &std::path::Path, args: &[&str]) {
    let o = std::process::Command::new(args[0])
        .args(&args[1..])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{} (libtiff-tools) is needed by this test: {e}", args[0]));
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn photos_the_decoder_cannot_draw_are_kept_byte_for_byte_and_damaged_ones_only_when_confirmed() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let work = tempfile::tempdir().unwrap();
    let d = work.path();
    image::RgbImage::from_fn(96, 64, |x, y| {
        image::Rgb([(x * 2) as u8, (y * 3) as u8, ((x + y) % 256) as u8])
    })
    .save(d.join("rgb.tif"))
    .unwrap();
    image::GrayImage::from_fn(96, 64, |x, y| image::Luma([((x * 7 + y * 3) % 256) as u8]))
        .save(d.join("grey.tif"))
        .unwrap();
    // TIFF variants that cameras, scanners and fax software write, made with libtiff at test
    // time (no third-party image is committed).
    tiff_tool(d, &["tiffcp", "-c", "lzw", "rgb.tif", "lzw.tif"]);
    tiff_tool(d, &["tiffcp", "-c", "zip", "rgb.tif", "zip.tif"]);
    tiff_tool(d, &["tiffcp", "-c", "packbits", "rgb.tif", "packbits.tif"]);
    tiff_tool(
        d,
        &[
            "tiffcp",
            "-c",
            "jpeg",
            "-r",
            "16",
            "rgb.tif",
            "jpeg-ycbcr.tif",
        ],
    );
    tiff_tool(
        d,
        &[
            "tiffcp",
            "-t",
            "-w",
            "16",
            "-l",
            "16",
            "rgb.tif",
            "tiled.tif",
        ],
    );
    tiff_tool(d, &["tiffcp", "-p", "separate", "rgb.tif", "planar.tif"]);
    tiff_tool(
        d,
        &[
            "tiffcp",
            "-t",
            "-w",
            "16",
            "-l",
            "16",
            "-p",
            "separate",
            "rgb.tif",
            "tiled-planar.tif",
        ],
    );
    tiff_tool(d, &["tiffmedian", "rgb.tif", "palette.tif"]);
    tiff_tool(d, &["tiffdither", "grey.tif", "bilevel.tif"]);
    tiff_tool(d, &["tiffcp", "-c", "g3", "bilevel.tif", "fax3.tif"]);
    tiff_tool(d, &["tiffcp", "-c", "g4", "bilevel.tif", "fax4.tif"]);
    let variants = [
        "lzw",
        "zip",
        "packbits",
        "jpeg-ycbcr",
        "tiled",
        "planar",
        "tiled-planar",
        "palette",
        "bilevel",
        "fax3",
        "fax4",
    ];
    let mut without_preview = Vec::new();
    for v in variants {
        let bytes = std::fs::read(d.join(format!("{v}.tif"))).unwrap();
        let ev = s
            .store
            .add_photo_bytes(case, &bytes, CaptureInfo::default())
            .unwrap_or_else(|e| panic!("{v}.tif refused: {e}"))
            .record;
        assert_eq!(
            ev.sha256,
            crate::crypto::hash::Sha256::of(&bytes).hex(),
            "{v}: the exact bytes"
        );
        assert_eq!(ev.damaged, None, "{v}");
        match ev.preview {
            PreviewSource::Generated => assert!(ev.preview_note.is_none()),
            _ => {
                assert!(ev.preview_note.is_some(), "{v}: no preview, and the reason");
                without_preview.push(v);
            }
        }
        let mut copy = Vec::new();
        s.store.view_original(ev.id, "test", &mut copy).unwrap();
        assert_eq!(copy, bytes, "{v}: stored byte for byte");
    }
    eprintln!("TIFF variants kept without a preview: {without_preview:?}");

    // Damaged: a TIFF and a JPEG cut in half are refused with a plain message...
    let whole = std::fs::read(d.join("packbits.tif")).unwrap();
    let cut_tiff = &whole[..whole.len() / 2];
    let jpeg = fixtures::photo_jpeg(640, 480, 5, 1);
    let cut_jpeg = &jpeg[..jpeg.len() / 2];
    for cut in [cut_tiff, cut_jpeg] {
        let e = s
            .store
            .add_photo_bytes(case, cut, CaptureInfo::default())
            .unwrap_err();
        assert!(
            matches!(&e, Error::DamagedImage { .. }) && e.to_string().contains("damaged evidence"),
            "{e}"
        );
    }
    // ...and kept, marked damaged, when the officer confirms.
    for cut in [cut_tiff, cut_jpeg] {
        let ev = s
            .store
            .add_photo_bytes(
                case,
                cut,
                CaptureInfo {
                    keep_damaged: true,
                    ..Default::default()
                },
            )
            .unwrap()
            .record;
        assert!(
            ev.damaged
                .as_deref()
                .is_some_and(|d| d.contains("cut short") || d.contains("truncated")),
            "{:?}",
            ev.damaged
        );
        assert_eq!(ev.sha256, crate::crypto::hash::Sha256::of(cut).hex());
    }
    // The mark is in the record the custody entry signs.
    let log = s.store.custody_log(case).unwrap();
    assert!(log.len() >= variants.len() + 3);
    assert!(s.store.verify(case).unwrap().ok);
}

#[test]
fn an_order_counter_set_back_with_sql_is_refused_rather_than_reusing_numbers() {
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
    let aggressor = s
        .store
        .add_person(case, fixtures::aggressor())
        .unwrap()
        .record
        .id;
    let order = || NewOrder {
        restricted_person: aggressor,
        protected_persons: vec![survivor],
        prohibitions: vec!["contact".into()],
        valid_from: None,
        valid_until: None,
        number: None,
        survivor_opinion: None,
    };
    assert!(s
        .store
        .issue_order(case, order())
        .unwrap()
        .record
        .number
        .ends_with("-00001"));
    s.store
        .conn()
        .execute("UPDATE counters SET value = 0", [])
        .unwrap();
    assert!(matches!(
        s.store.issue_order(case, order()),
        Err(Error::Integrity { .. })
    ));
    assert!(s
        .store
        .edited_rows()
        .unwrap()
        .iter()
        .any(|(t, k)| t == "counters" && k.starts_with("order/")));
}

#[test]
fn the_session_locks_on_background_quick_hide_and_idle_and_forgets_the_clinical_key() {
    let s = scene();
    let psy = psychologist(&s);
    for reason in [
        LockReason::Background,
        LockReason::QuickHide,
        LockReason::SignedOut,
    ] {
        s.store.unlock_profile(psy.id, PSY_PIN).unwrap();
        assert!(s.store.current_clinical_key().is_some());
        assert!(s.store.note_activity());
        s.store.lock_session(reason);
        let st = s.store.session_state();
        assert_eq!((st.profile, st.last_lock), (None, Some(reason)));
        assert!(
            s.store.current_clinical_key().is_none(),
            "{reason:?}: the key is forgotten"
        );
        assert_eq!(s.store.current_role(), TeamRole::Officer);
    }
    // Idle: past the limit the core locks by itself, at the next question anyone asks it.
    s.store.set_idle_limit(1).unwrap();
    s.store.unlock_profile(psy.id, PSY_PIN).unwrap();
    assert!(s.store.note_activity());
    std::thread::sleep(std::time::Duration::from_millis(1300));
    assert!(s.store.current_profile().is_none());
    assert_eq!(s.store.session_state().last_lock, Some(LockReason::Idle));
    assert!(
        !s.store.note_activity(),
        "activity after the limit does not bring the profile back"
    );
    assert!(matches!(
        s.store.set_idle_limit(0),
        Err(Error::InvalidField { .. })
    ));
}

#[test]
fn sharing_a_court_bundle_is_an_audited_act_of_a_signed_in_profile() {
    let s = scene();
    let case = s
        .store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    let before = s.store.custody_log(case).unwrap().len();
    assert!(
        matches!(
            s.store.record_bundle_shared(case, "mail"),
            Err(Error::PermissionDenied { .. })
        ),
        "nobody signed in"
    );
    assert_eq!(
        s.store.custody_log(case).unwrap().len(),
        before,
        "a refused share leaves no entry"
    );
    let officer = super::tests::create_as_supervisor(
        &s.store,
        TeamRole::Officer,
        "Aibek Demoulin",
        "KZ-DEMO-0417",
        "270415",
    );
    s.store.unlock_profile(officer.id, "270415").unwrap();
    for bad in ["", "   ", "line\nbreak", &"x".repeat(101)] {
        assert!(
            matches!(
                s.store.record_bundle_shared(case, bad),
                Err(Error::InvalidField { field: "to", .. })
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        s.store.record_bundle_shared(Uuid::new_v4(), "mail"),
        Err(Error::NotFound { .. })
    ));
    let seq = s.store.record_bundle_shared(case, " AirDrop ").unwrap();
    let log = s.store.custody_log(case).unwrap();
    let last = log.last().unwrap();
    let e = &last.entry;
    assert_eq!(
        (e.seq, e.kind, e.actor.as_str()),
        (seq, crate::store::EventKind::BundleShared, "KZ-DEMO-0417")
    );
    assert!(
        last.detail
            .as_deref()
            .unwrap()
            .contains("\"to\":\"AirDrop\""),
        "{:?}",
        last.detail
    );
    assert!(
        s.store.verify(case).unwrap().ok,
        "the entry is part of the signed chain"
    );
    // It travels to the station like any entry: the protocol accepts it.
    let queued = s.store.outbox_pending(100).unwrap();
    let item = queued
        .iter()
        .find(|i| i.entry.entry.kind == crate::store::EventKind::BundleShared)
        .expect("queued for the station");
    crate::sync::protocol::validate_record(
        item.entry.entry.kind,
        None,
        item.entry.detail.as_deref().unwrap().as_bytes(),
    )
    .unwrap();
}

#[test]
fn audit_rows_from_before_the_chain_are_chained_at_the_upgrade() {
    use serde_json::json;
    let s = scene();
    let station = DeviceSigner::from_pkcs8(&generate_pkcs8().unwrap()).unwrap();
    super::tests::trust_station(&s.store, station.public_key());
    let before = s.store.audit_log().unwrap();
    assert!(before.len() >= 2, "{before:?}");
    // As version 6 wrote them: each MAC over the row's own fields, no count.
    {
        let conn = s.store.conn();
        let rows: Vec<(i64, String, String, String, String)> = conn
            .prepare("SELECT id, at, actor, action, detail FROM audit")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for (id, at, actor, action, detail) in rows {
            let m = super::integrity::mac(
                s.store.keys(),
                "audit",
                &[json!(at), json!(actor), json!(action), json!(detail)],
            );
            conn.execute(
                "UPDATE audit SET mac = ?1 WHERE id = ?2",
                rusqlite::params![m, id],
            )
            .unwrap();
        }
        conn.execute("DELETE FROM counters WHERE name = 'audit_rows'", [])
            .unwrap();
        conn.pragma_update(None, "user_version", 6).unwrap();
    }
    assert!(
        !s.store.edited_rows().unwrap().is_empty(),
        "old MACs do not pass as chained ones"
    );
    let dir = s.store.dir().to_path_buf();
    drop(s.store);
    let store = Store::open(&dir, &s.ks, super::tests::clock()).unwrap();
    assert!(
        store.edited_rows().unwrap().is_empty(),
        "chained and counted at the upgrade"
    );
    assert_eq!(store.audit_log().unwrap(), before);
    store
        .conn()
        .execute(
            "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)",
            [],
        )
        .unwrap();
    assert_eq!(
        store.edited_rows().unwrap(),
        vec![("audit".to_string(), "count".to_string())],
        "a cut tail"
    );
}
