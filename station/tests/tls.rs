//! The station over TLS (rustls): a phone that trusts the station's certificate enrols and syncs;
//! one that does not, or that speaks plain HTTP, gets nothing through.

mod common;

use std::process::Command;

use common::StationProc;
use qorgau_core::model::CaptureInfo;
use qorgau_core::sync::client::SyncClient;
use qorgau_core::{fixtures, FileKeyStore, NoProgress, Store, StoreOptions};

#[test]
fn a_phone_that_trusts_the_station_certificate_syncs_over_https() {
    let dir = tempfile::tempdir().unwrap();
    // The station's own CA, and a server certificate it signs (as a unit's IT would set up).
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let (cert, key, ca) = (dir.path().join("cert.pem"), dir.path().join("key.pem"), dir.path().join("ca.pem"));
    let sh = format!(
        "set -e
         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=qorgau-test-ca -keyout {cakey} -out {ca}
         openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=qorgau-station -keyout {key} -out {csr}
         printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > {ext}
         openssl x509 -req -in {csr} -CA {ca} -CAkey {cakey} -CAcreateserial -days 1 -extfile {ext} -out {cert}",
        cakey = p("ca.key"), ca = p("ca.pem"), key = p("key.pem"), csr = p("station.csr"), ext = p("ext.cnf"), cert = p("cert.pem")
    );
    let o = Command::new("bash").arg("-c").arg(&sh).output().expect("openssl is installed");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let data = dir.path().join("station");
    let mut st = StationProc::start(&data, "127.0.0.1:0", &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()]);
    let url = st.url.clone();
    assert!(url.starts_with("https://"), "{url}");
    let code = |who: &str| st.code(who);

    let ks = FileKeyStore::open_or_create(&dir.path().join("k")).unwrap();
    let store = Store::init(&dir.path().join("s"), &ks, fixtures::officer_profile(), StoreOptions::default()).unwrap();
    let case = store.open_case(fixtures::neighbour_report_case()).unwrap().record.id;
    store.add_photo_bytes(case, &fixtures::photo_jpeg(640, 480, 4, 1), CaptureInfo::default()).unwrap();

    // Without the station's certificate: refused by TLS, nothing sent.
    let untrusting = SyncClient::new(&url).enrol(&store, &code("A")).unwrap_err();
    assert!(untrusting.to_string().contains("TLS certificate is not trusted"), "{untrusting}");
    // Plain HTTP to the TLS port gets nowhere either.
    assert!(SyncClient::new(&url.replace("https://", "http://")).enrol(&store, &code("B")).is_err());

    let pem = std::fs::read(&ca).unwrap();
    let client = SyncClient::with_station_certificate(&url, &pem).unwrap();
    client.enrol(&store, &code("C")).unwrap();
    let r = client.sync(&store, &NoProgress).unwrap();
    assert_eq!((r.acked, r.pending_after, r.uploaded_bytes > 0), (2, 0, true));
    // The CA was remembered at enrolment: the client made from the store trusts it.
    store.add_photo_bytes(case, &fixtures::photo_jpeg(320, 240, 6, 1), CaptureInfo::default()).unwrap();
    let again = SyncClient::for_store(&store).unwrap().sync(&store, &NoProgress).unwrap();
    assert_eq!(again.acked, 1);
    st.kill();
}
