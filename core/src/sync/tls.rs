//! The TLS trust a phone gives its station: only the station's own root, pinned by the
//! fingerprint on the enrolment card, or, for a card typed by hand, whatever the station shows
//! during enrolment, checked afterwards against the root that the code-authenticated answer
//! names. Never the system's web roots.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::crypto::hash::Sha256;
use crate::error::{Error, Result};

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificates in a PEM text.
pub fn certs_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let certs: Vec<_> = rustls_pemfile::certs(&mut std::io::Cursor::new(pem))
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| Error::invalid("certificate", "not a PEM certificate"))?;
    if certs.is_empty() {
        return Err(Error::invalid("certificate", "no certificate in the PEM"));
    }
    Ok(certs)
}

/// SHA-256 (hex) of a certificate's DER: what `openssl x509 -fingerprint -sha256` prints.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::of(cert.as_ref()).hex()
}

/// A certificate as PEM.
pub fn to_pem(cert: &CertificateDer<'_>) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

fn webpki(
    roots: Vec<CertificateDer<'static>>,
) -> std::result::Result<Arc<WebPkiServerVerifier>, rustls::Error> {
    let mut store = RootCertStore::empty();
    for c in roots {
        store
            .add(c)
            .map_err(|e| rustls::Error::General(format!("root certificate: {e}")))?;
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider())
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))
}

/// Checks that `chain` (end entity first) is valid for `server_name` under the root `ca_pem`.
pub fn chain_verifies(
    chain: &[CertificateDer<'static>],
    server_name: &ServerName<'static>,
    ca_pem: &[u8],
) -> bool {
    let (Some(leaf), Ok(roots)) = (chain.first(), certs_from_pem(ca_pem)) else {
        return false;
    };
    let Ok(v) = webpki(roots) else { return false };
    v.verify_server_cert(leaf, &chain[1..], server_name, &[], UnixTime::now())
        .is_ok()
}

/// How the phone decides whether the certificate it is shown is its station's.
#[derive(Debug)]
enum Trust {
    /// The chain must contain the root with this fingerprint and verify under it.
    Pinned(String),
    /// Anything goes for now; the chain is kept to be checked once the answer is authenticated.
    Recording,
}

/// A verifier for enrolment: pinned to the card's root fingerprint, or recording the chain for a
/// card typed by hand. Either way it remembers what the station showed.
#[derive(Debug)]
pub struct EnrolmentVerifier {
    trust: Trust,
    seen: Mutex<Option<(Vec<CertificateDer<'static>>, ServerName<'static>)>>,
    provider: Arc<CryptoProvider>,
}

impl EnrolmentVerifier {
    /// A verifier that accepts only a chain holding the root named by `ca_fingerprint`.
    pub fn pinned(ca_fingerprint: &str) -> Arc<EnrolmentVerifier> {
        Arc::new(EnrolmentVerifier {
            trust: Trust::Pinned(ca_fingerprint.to_ascii_lowercase()),
            seen: Mutex::new(None),
            provider: provider(),
        })
    }

    /// A verifier that records the chain for a later check.
    pub fn recording() -> Arc<EnrolmentVerifier> {
        Arc::new(EnrolmentVerifier {
            trust: Trust::Recording,
            seen: Mutex::new(None),
            provider: provider(),
        })
    }

    /// The chain the station showed, and the name it was checked for.
    pub fn seen(&self) -> Option<(Vec<CertificateDer<'static>>, ServerName<'static>)> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The root certificate named by the pin, as the station presented it.
    pub fn pinned_root(&self) -> Option<CertificateDer<'static>> {
        let Trust::Pinned(fp) = &self.trust else {
            return None;
        };
        self.seen()?.0.into_iter().find(|c| fingerprint(c) == *fp)
    }
}

impl ServerCertVerifier for EnrolmentVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let chain: Vec<CertificateDer<'static>> = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((chain.clone(), server_name.to_owned()));
        match &self.trust {
            Trust::Recording => Ok(ServerCertVerified::assertion()),
            Trust::Pinned(fp) => {
                let root = chain.iter().find(|c| fingerprint(c) == *fp).ok_or(
                    rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
                )?;
                if fingerprint(end_entity) == *fp {
                    // The card pins the server's own certificate (an operator's self-signed one).
                    return Ok(ServerCertVerified::assertion());
                }
                webpki(vec![root.clone()])?.verify_server_cert(
                    end_entity,
                    intermediates,
                    server_name,
                    ocsp_response,
                    now,
                )
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A client TLS configuration with a custom verifier.
pub fn config_with_verifier(verifier: Arc<dyn ServerCertVerifier>) -> Result<rustls::ClientConfig> {
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::invalid("certificate", e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// A client TLS configuration that trusts only the given roots.
pub fn config_with_roots(ca_pem: &[u8]) -> Result<rustls::ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in certs_from_pem(ca_pem)? {
        roots
            .add(cert)
            .map_err(|e| Error::invalid("certificate", e.to_string()))?;
    }
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::invalid("certificate", e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
