//! Sealing of small records (rows, thumbnails) with AES-256-GCM.
//!
//! Format: `nonce (12) | ciphertext | tag (16)`. The associated data binds a sealed value to
//! the place it is stored (table and row id), so a sealed value moved to another row fails.

use ring::aead::{Aad, LessSafeKey, Nonce};

use super::random_bytes;
use crate::error::{Error, Result};

/// Encrypts `plain` with a random nonce, binding `aad`.
pub fn seal(key: &LessSafeKey, aad: &str, plain: &[u8]) -> Result<Vec<u8>> {
    let nonce: [u8; 12] = random_bytes()?;
    let mut out = Vec::with_capacity(12 + plain.len() + 16);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plain);
    let mut body = out.split_off(12);
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad.as_bytes()),
        &mut body,
    )
    .map_err(|_| Error::Crypto("seal"))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decrypts what [`seal`] produced for the same `aad`; any change gives [`Error::Integrity`].
pub fn open(key: &LessSafeKey, aad: &str, sealed: &[u8]) -> Result<Vec<u8>> {
    let fail = || Error::Integrity {
        what: aad.to_string(),
    };
    if sealed.len() < 28 {
        return Err(fail());
    }
    let (nonce, ct) = sealed.split_at(12);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| fail())?;
    let mut buf = ct.to_vec();
    let n = key
        .open_in_place(nonce, Aad::from(aad.as_bytes()), &mut buf)
        .map_err(|_| fail())?
        .len();
    buf.truncate(n);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::DerivedKeys;

    #[test]
    fn round_trip_and_binding() {
        let k = DerivedKeys::derive(&[7u8; 32]).unwrap();
        let s = seal(&k.records, "people/1", b"name").unwrap();
        assert_eq!(open(&k.records, "people/1", &s).unwrap(), b"name");
        assert!(matches!(
            open(&k.records, "people/2", &s),
            Err(Error::Integrity { .. })
        ));
        for i in 0..s.len() {
            let mut t = s.clone();
            t[i] ^= 1;
            assert!(
                open(&k.records, "people/1", &t).is_err(),
                "flip at {i} undetected"
            );
        }
    }
}
