//! Ed25519 device signatures.

use base64::Engine;
use ring::signature::{self, Ed25519KeyPair, KeyPair};

use crate::error::{Error, Result};

/// The device's signing key, loaded from its PKCS#8 document.
pub struct DeviceSigner {
    pair: Ed25519KeyPair,
}

/// A fresh Ed25519 key as a PKCS#8 document (a station's key, a test key).
pub fn generate_pkcs8() -> Result<Vec<u8>> {
    let rng = ring::rand::SystemRandom::new();
    Ok(Ed25519KeyPair::generate_pkcs8(&rng)
        .map_err(|_| Error::Crypto("keygen"))?
        .as_ref()
        .to_vec())
}

impl DeviceSigner {
    /// Loads a key from the PKCS#8 v2 document that ring generated.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<DeviceSigner> {
        Ok(DeviceSigner {
            pair: Ed25519KeyPair::from_pkcs8(pkcs8).map_err(|_| Error::WrongKey)?,
        })
    }

    /// Signs `msg`, returning the 64-byte signature.
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.pair
            .sign(msg)
            .as_ref()
            .try_into()
            .expect("Ed25519 signatures are 64 bytes")
    }

    /// The raw 32-byte public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(
            self.pair
                .public_key()
                .as_ref()
                .try_into()
                .expect("32 bytes"),
        )
    }
}

/// An Ed25519 public key (32 raw bytes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PublicKey(pub [u8; 32]);

/// DER prefix of a SubjectPublicKeyInfo for Ed25519 (RFC 8410): SEQUENCE { SEQUENCE { OID
/// 1.3.101.112 }, BIT STRING (32 bytes) }.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

impl PublicKey {
    /// Checks a signature over `msg`.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        signature::UnparsedPublicKey::new(&signature::ED25519, &self.0)
            .verify(msg, sig)
            .is_ok()
    }

    /// The key as a PEM "PUBLIC KEY" (SPKI), readable by `openssl pkeyutl -pubin`.
    pub fn to_pem(&self) -> String {
        let mut der = ED25519_SPKI_PREFIX.to_vec();
        der.extend_from_slice(&self.0);
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        format!("-----BEGIN PUBLIC KEY-----\n{b64}\n-----END PUBLIC KEY-----\n")
    }

    /// SHA-256 of the raw key, hex: the fingerprint a station records at enrolment.
    pub fn fingerprint(&self) -> String {
        super::hash::Sha256::of(&self.0).hex()
    }

    /// Lowercase hex of the raw key.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Option<PublicKey> {
        Some(PublicKey(hex::decode(s).ok()?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::DeviceSecrets;

    #[test]
    fn sign_verify_and_pem_shape() {
        let s = DeviceSecrets::generate().unwrap();
        let signer = DeviceSigner::from_pkcs8(&s.signing_pkcs8).unwrap();
        let sig = signer.sign(b"entry");
        let pk = signer.public_key();
        assert!(pk.verify(b"entry", &sig));
        assert!(!pk.verify(b"entrx", &sig));
        let pem = pk.to_pem();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
        assert_eq!(PublicKey::from_hex(&pk.hex()), Some(pk));
    }
}
