//! Canonical serialisation: the exact bytes that are hashed and signed.
//!
//! JSON with object keys sorted (serde_json's `Value` keeps maps in a BTreeMap), no
//! whitespace, UTF-8, numbers as serde_json prints them (shortest round-trip form). A record
//! serialised, stored, read back and serialised again gives the same bytes, so the hash in
//! the custody chain can be recomputed at any time, on the device, at the station or by a
//! court expert with `sha256sum`.

use serde::Serialize;

use crate::crypto::hash::Sha256;
use crate::error::Result;

/// The canonical bytes of a record.
pub fn to_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let v = serde_json::to_value(value)?;
    Ok(serde_json::to_vec(&v)?)
}

/// SHA-256 of the canonical bytes.
pub fn hash<T: Serialize>(value: &T) -> Result<Sha256> {
    Ok(Sha256::of(&to_bytes(value)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct B {
        z: u32,
        a: &'static str,
        m: Option<f64>,
    }

    #[test]
    fn keys_are_sorted_and_stable() {
        let b = B {
            z: 1,
            a: "қ",
            m: Some(43.25),
        };
        let bytes = to_bytes(&b).unwrap();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"{"a":"қ","m":43.25,"z":1}"#
        );
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(to_bytes(&back).unwrap(), bytes);
    }
}
