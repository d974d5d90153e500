//! SHA-256, streaming.

use ring::digest::{Context, Digest, SHA256};

/// A SHA-256 digest as 32 bytes, printed as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256(pub [u8; 32]);

impl Sha256 {
    /// Hashes a byte slice in one go.
    pub fn of(bytes: &[u8]) -> Sha256 {
        let mut h = Hasher::new();
        h.update(bytes);
        h.finish()
    }

    /// Lowercase hex, as `sha256sum` prints it.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Option<Sha256> {
        let v = hex::decode(s).ok()?;
        Some(Sha256(v.try_into().ok()?))
    }

    /// The all-zero hash, used as the "previous" link of a chain's first entry.
    pub const ZERO: Sha256 = Sha256([0u8; 32]);
}

impl std::fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sha256({})", self.hex())
    }
}

impl std::fmt::Display for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.hex())
    }
}

/// Incremental SHA-256 over data that arrives in pieces (a streamed video).
pub struct Hasher {
    ctx: Context,
    len: u64,
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher {
    /// A fresh hasher.
    pub fn new() -> Self {
        Hasher {
            ctx: Context::new(&SHA256),
            len: 0,
        }
    }

    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.ctx.update(bytes);
        self.len += bytes.len() as u64;
    }

    /// How many bytes were hashed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when nothing was hashed yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The digest.
    pub fn finish(self) -> Sha256 {
        let d: Digest = self.ctx.finish();
        Sha256(d.as_ref().try_into().expect("SHA-256 is 32 bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_known_vector_in_pieces() {
        // FIPS 180-2 example "abc".
        let want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(Sha256::of(b"abc").hex(), want);
        let mut h = Hasher::new();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.len(), 3);
        assert_eq!(h.finish().hex(), want);
        assert_eq!(Sha256::from_hex(want).unwrap().hex(), want);
    }
}
