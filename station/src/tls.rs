//! TLS by default. On first start the station makes its own root (ECDSA P-256, ten years) and a
//! server certificate signed by it for the names and addresses it is told to serve; phones
//! learn the root's fingerprint from the enrolment card and trust nothing else. An operator's
//! certificate can be used instead (with the root that signed it, for the card).

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use qorgau_core::sync::tls as core_tls;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

use crate::error::{Result, StationError};

/// What the server needs to speak TLS, and what the enrolment card names.
pub struct StationTls {
    pub config: Arc<rustls::ServerConfig>,
    /// The root phones trust (PEM).
    pub ca_pem: String,
    /// SHA-256 of the root's DER, hex (on the card).
    pub ca_fingerprint: String,
}

fn tls_err(what: &str, e: impl std::fmt::Display) -> StationError {
    StationError::Internal(format!("TLS {what}: {e}"))
}

/// Writes a private file (0600) in a private folder (0700), atomically.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| StationError::Internal("no folder".into()))?;
    make_private_dir(dir)?;
    Ok(qorgau_core::files::write_private(path, bytes)?)
}

/// Creates a folder readable by the station only.
pub fn make_private_dir(dir: &Path) -> Result<()> {
    Ok(qorgau_core::files::private_dir(dir)?)
}

fn validity(days: i64) -> (time::OffsetDateTime, time::OffsetDateTime) {
    let now = time::OffsetDateTime::now_utc();
    (
        now - time::Duration::days(1),
        now + time::Duration::days(days),
    )
}

/// The root's parameters, the same every time for the same key (the issuer of server
/// certificates is rebuilt from them and the key).
fn ca_params(key: &KeyPair) -> Result<CertificateParams> {
    let mut p = CertificateParams::new(Vec::<String>::new()).map_err(|e| tls_err("root", e))?;
    let id = qorgau_core::crypto::hash::Sha256::of(key.public_key_pem().as_bytes()).hex();
    p.distinguished_name
        .push(DnType::OrganizationName, "Qorgau station");
    p.distinguished_name.push(
        DnType::CommonName,
        format!("Qorgau station root {}", &id[..12]),
    );
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    Ok(p)
}

fn san(name: &str) -> Result<SanType> {
    match name
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        Ok(ip) => Ok(SanType::IpAddress(ip)),
        Err(_) => Ok(SanType::DnsName(
            name.to_string()
                .try_into()
                .map_err(|e| tls_err("name", e))?,
        )),
    }
}

fn paths(dir: &Path) -> [PathBuf; 5] {
    let t = dir.join("tls");
    [
        t.join("ca.pem"),
        t.join("ca.key"),
        t.join("server.pem"),
        t.join("server.key"),
        t.join("server.names"),
    ]
}

/// The station's own root and a server certificate for `names` (plus localhost and 127.0.0.1),
/// made on first start and kept under `<data>/tls/`; the server certificate is issued again when
/// the names change or it is within 30 days of its end. The root never changes.
pub fn own(dir: &Path, names: &[String]) -> Result<StationTls> {
    let [ca_pem_p, ca_key_p, srv_pem_p, srv_key_p, names_p] = paths(dir);
    let ca_key = match std::fs::read_to_string(&ca_key_p) {
        Ok(pem) => KeyPair::from_pem(&pem).map_err(|e| tls_err("root key", e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let k = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
                .map_err(|e| tls_err("root key", e))?;
            let mut p = ca_params(&k)?;
            (p.not_before, p.not_after) = validity(3650);
            let cert = p.self_signed(&k).map_err(|e| tls_err("root", e))?;
            write_private(&ca_key_p, k.serialize_pem().as_bytes())?;
            write_private(&ca_pem_p, cert.pem().as_bytes())?;
            let _ = std::fs::remove_file(&names_p);
            k
        }
        Err(e) => return Err(e.into()),
    };
    let ca_pem = std::fs::read_to_string(&ca_pem_p)?;
    let mut wanted: Vec<String> = names
        .iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    wanted.extend(["localhost".to_string(), "127.0.0.1".to_string()]);
    wanted.sort();
    wanted.dedup();
    let wanted_text = wanted.join("\n");
    let current = std::fs::read_to_string(&names_p).ok();
    let fresh = current
        .as_deref()
        .and_then(|c| c.split_once('\n'))
        .is_some_and(|(until, names)| {
            names == wanted_text
                && until.parse::<i64>().is_ok_and(|u| {
                    u > time::OffsetDateTime::now_utc().unix_timestamp() + 30 * 86400
                })
        });
    if !fresh || !srv_pem_p.exists() || !srv_key_p.exists() {
        let issuer = Issuer::new(ca_params(&ca_key)?, &ca_key);
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| tls_err("server key", e))?;
        let mut p =
            CertificateParams::new(Vec::<String>::new()).map_err(|e| tls_err("server", e))?;
        p.distinguished_name
            .push(DnType::CommonName, "Qorgau station");
        p.subject_alt_names = wanted.iter().map(|n| san(n)).collect::<Result<_>>()?;
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.use_authority_key_identifier_extension = true;
        (p.not_before, p.not_after) = validity(397);
        let until = p.not_after.unix_timestamp();
        let cert = p
            .signed_by(&key, &issuer)
            .map_err(|e| tls_err("server", e))?;
        write_private(&srv_key_p, key.serialize_pem().as_bytes())?;
        write_private(&srv_pem_p, format!("{}{}", cert.pem(), ca_pem).as_bytes())?;
        write_private(&names_p, format!("{until}\n{wanted_text}").as_bytes())?;
    }
    from_files(&srv_pem_p, &srv_key_p, Some(&ca_pem_p))
}

/// TLS from an operator's certificate chain and key, with the root that signed them (for the
/// enrolment card) or, without one, the last certificate of the chain.
pub fn from_files(cert: &Path, key: &Path, ca: Option<&Path>) -> Result<StationTls> {
    let chain =
        core_tls::certs_from_pem(&std::fs::read(cert)?).map_err(|e| tls_err("certificate", e))?;
    let key_pem = std::fs::read(key)?;
    let key = rustls_pemfile::private_key(&mut std::io::Cursor::new(&key_pem))
        .map_err(|e| tls_err("key", e))?
        .ok_or_else(|| tls_err("key", "no private key in the PEM"))?;
    let ca_pem = match ca {
        Some(p) => std::fs::read_to_string(p)?,
        None => core_tls::to_pem(
            chain
                .last()
                .ok_or_else(|| tls_err("certificate", "empty chain"))?,
        ),
    };
    let ca_fingerprint = core_tls::fingerprint(
        &core_tls::certs_from_pem(ca_pem.as_bytes()).map_err(|e| tls_err("root", e))?[0],
    );
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| tls_err("config", e))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| tls_err("certificate or key", e))?;
    Ok(StationTls {
        config: Arc::new(config),
        ca_pem,
        ca_fingerprint,
    })
}
