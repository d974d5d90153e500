//! TLS by default: the station makes its own root and serves https under it; a phone enrols by
//! the duty officer's card and then trusts only that root; an operator's certificate works too;
//! plain HTTP is for loopback only, on both sides.

mod common;

use std::process::Command;

use common::StationProc;
use qorgau_core::model::CaptureInfo;
use qorgau_core::sync::client::SyncClient;
use qorgau_core::sync::enrolment::EnrolmentCard;
use qorgau_core::{fixtures, FileKeyStore, NoProgress, Store, StoreOptions};

fn phone(dir: &std::path::Path) -> (Store, uuid::Uuid) {
    let ks = FileKeyStore::open_or_create(&dir.join("k")).unwrap();
    let store = Store::init(
        &dir.join("s"),
        &ks,
        fixtures::officer_profile(),
        StoreOptions::default(),
    )
    .unwrap();
    let case = store
        .open_case(fixtures::neighbour_report_case())
        .unwrap()
        .record
        .id;
    store
        .add_photo_bytes(
            case,
            &fixtures::photo_jpeg(640, 480, 4, 1),
            CaptureInfo::default(),
        )
        .unwrap();
    (store, case)
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_station_serves_https_under_its_own_root_and_a_phone_enrols_by_its_card() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("station");
    let st = StationProc::start(&data, "127.0.0.1:0", &[]);
    assert!(
        st.url.starts_with("https://"),
        "TLS is the default: {}",
        st.url
    );

    // The card names the root that openssl, an independent tool, fingerprints the same way.
    let card = EnrolmentCard::parse(&st.card("KZ-DEMO-0417")).unwrap();
    assert_eq!(card.station_url, st.url);
    let o = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(data.join("tls/ca.pem"))
        .output()
        .unwrap();
    let openssl_fp = String::from_utf8(o.stdout)
        .unwrap()
        .trim()
        .rsplit('=')
        .next()
        .unwrap()
        .replace(':', "")
        .to_lowercase();
    assert_eq!(card.ca_fingerprint.as_deref(), Some(openssl_fp.as_str()));
    assert!(card.station_key_fingerprint.is_some());

    let (store, case) = phone(dir.path());
    let answer = SyncClient::enrol_with_card(&store, &card).unwrap();
    assert!(answer.ca_pem.is_some());
    assert_eq!(store.station().unwrap().as_deref(), Some(st.url.as_str()));
    let r = SyncClient::for_store(&store)
        .unwrap()
        .sync(&store, &NoProgress)
        .unwrap();
    assert_eq!(
        (r.acked, r.pending_after, r.uploaded_bytes > 0),
        (2, 0, true)
    );
    store
        .add_photo_bytes(
            case,
            &fixtures::photo_jpeg(320, 240, 6, 1),
            CaptureInfo::default(),
        )
        .unwrap();
    assert_eq!(
        SyncClient::for_store(&store)
            .unwrap()
            .sync(&store, &NoProgress)
            .unwrap()
            .acked,
        1
    );

    // Plain HTTP to the TLS port gets nowhere.
    let (other, _) = phone(&dir.path().join("other"));
    let plain = SyncClient::new(&st.url.replace("https://", "http://"))
        .unwrap()
        .enrol(&other, &st.code("B"))
        .unwrap_err();
    assert!(
        matches!(
            plain,
            qorgau_core::Error::Sync {
                failure: qorgau_core::sync::SyncFailure::Unreachable
                    | qorgau_core::sync::SyncFailure::MalformedAnswer
                    | qorgau_core::sync::SyncFailure::Refused {
                        code: qorgau_core::sync::protocol::ErrorCode::Unknown,
                        ..
                    },
                ..
            }
        ),
        "{plain:?}"
    );
    assert!(other.station().unwrap().is_none());

    // The station's files are its own: folders 0700, keys and database 0600.
    #[cfg(unix)]
    for (p, m) in [
        (data.clone(), 0o700),
        (data.join("tls"), 0o700),
        (data.join("tls/ca.key"), 0o600),
        (data.join("tls/server.key"), 0o600),
        (data.join("station.key"), 0o600),
        (data.join("data.key"), 0o600),
        (data.join("station.db"), 0o600),
        (data.join("blobs"), 0o700),
    ] {
        assert_eq!(mode(&p), m, "{}", p.display());
    }
}

#[test]
fn plain_http_is_refused_off_loopback_on_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_qorgau-station"))
        .args([
            "--data",
            dir.path().join("s").to_str().unwrap(),
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--plain-http",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("plain http is only for a loopback address")
    );
    for url in ["http://192.0.2.10:8440", "http://qorgau.police.example"] {
        let e = SyncClient::new(url).err().expect("refused");
        assert!(
            matches!(
                e,
                qorgau_core::Error::InvalidField {
                    field: "station",
                    ..
                }
            ),
            "{e}"
        );
        let card = format!("QORGAU-ENROL:1;url={url};code=ABCDEFGHJKMNPQ23");
        assert!(matches!(
            EnrolmentCard::parse(&card),
            Err(qorgau_core::Error::InvalidField {
                field: "station",
                ..
            })
        ));
    }
    // A card for such an address is not even printed.
    let o = Command::new(env!("CARGO_BIN_EXE_qorgau-station"))
        .args([
            "--data",
            dir.path().join("s").to_str().unwrap(),
            "enrolment-code",
            "--officer",
            "X",
            "--unit",
            "Y",
            "--url",
            "http://192.0.2.10:8440",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
}

#[test]
fn an_operator_certificate_works_and_a_code_typed_by_hand_pins_the_root_the_station_names() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let sh = format!(
        "set -e
         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=qorgau-test-ca -keyout {cakey} -out {ca} 2>/dev/null
         openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=qorgau-station -keyout {key} -out {csr} 2>/dev/null
         printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > {ext}
         openssl x509 -req -in {csr} -CA {ca} -CAkey {cakey} -CAcreateserial -days 1 -extfile {ext} -out {cert} 2>/dev/null",
        cakey = p("ca.key"), ca = p("ca.pem"), key = p("key.pem"), csr = p("station.csr"), ext = p("ext.cnf"), cert = p("cert.pem")
    );
    let o = Command::new("bash")
        .arg("-c")
        .arg(&sh)
        .output()
        .expect("openssl is installed");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let data = dir.path().join("station");
    let st = StationProc::start(
        &data,
        "127.0.0.1:0",
        &[
            "--tls-cert",
            &p("cert.pem"),
            "--tls-key",
            &p("key.pem"),
            "--tls-ca",
            &p("ca.pem"),
        ],
    );
    assert!(st.url.starts_with("https://"), "{}", st.url);

    // Typed by hand (no fingerprints): the station's answer, bound to the code, names the root,
    // and the certificate seen during enrolment must come from it.
    let (store, _) = phone(dir.path());
    let answer = SyncClient::new(&st.url)
        .unwrap()
        .enrol(&store, &st.code("C"))
        .unwrap();
    assert_eq!(
        answer.ca_pem.as_deref().map(str::as_bytes),
        Some(std::fs::read(p("ca.pem")).unwrap().as_slice())
    );
    assert_eq!(
        store.station_ca().unwrap(),
        Some(std::fs::read(p("ca.pem")).unwrap())
    );
    let r = SyncClient::for_store(&store)
        .unwrap()
        .sync(&store, &NoProgress)
        .unwrap();
    assert_eq!((r.acked, r.pending_after), (2, 0));

    // With the CA given to the phone beforehand, that CA stands.
    let (second, _) = phone(&dir.path().join("second"));
    SyncClient::with_station_certificate(&st.url, &std::fs::read(p("ca.pem")).unwrap())
        .unwrap()
        .enrol(&second, &st.code("D"))
        .unwrap();
    assert_eq!(
        SyncClient::for_store(&second)
            .unwrap()
            .sync(&second, &NoProgress)
            .unwrap()
            .pending_after,
        0
    );
}

#[test]
fn after_enrolment_a_certificate_from_another_root_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("station");
    let mut st = StationProc::start(&data, "127.0.0.1:0", &[]);
    let listen = st.url.trim_start_matches("https://").to_string();
    let (store, _) = phone(dir.path());
    SyncClient::enrol_with_card(
        &store,
        &EnrolmentCard::parse(&st.card("KZ-DEMO-0417")).unwrap(),
    )
    .unwrap();
    st.kill();
    // The same address now answers with a certificate from another root (a machine that took
    // the station's address, or an operator's certificate the phone was never given).
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let sh = format!(
        "set -e
         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=other-ca -keyout {cakey} -out {ca} 2>/dev/null
         openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=impostor -keyout {key} -out {csr} 2>/dev/null
         printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > {ext}
         openssl x509 -req -in {csr} -CA {ca} -CAkey {cakey} -CAcreateserial -days 1 -extfile {ext} -out {cert} 2>/dev/null",
        cakey = p("o.key"), ca = p("o.pem"), key = p("i.key"), csr = p("i.csr"), ext = p("i.cnf"), cert = p("i.pem")
    );
    assert!(Command::new("bash")
        .arg("-c")
        .arg(&sh)
        .output()
        .unwrap()
        .status
        .success());
    let _impostor = StationProc::start(
        &dir.path().join("impostor"),
        &listen,
        &[
            "--tls-cert",
            &p("i.pem"),
            "--tls-key",
            &p("i.key"),
            "--tls-ca",
            &p("o.pem"),
        ],
    );
    let before = store.sync_status().unwrap().pending_records;
    let e = SyncClient::for_store(&store)
        .unwrap()
        .sync(&store, &NoProgress)
        .unwrap_err();
    assert!(
        e.to_string().contains("TLS certificate is not trusted"),
        "{e}"
    );
    assert_eq!(
        store.sync_status().unwrap().pending_records,
        before,
        "nothing was sent"
    );
}
