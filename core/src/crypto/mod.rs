//! Cryptography, all of it from `ring`: hashing, record sealing (AES-256-GCM), chunked
//! stream encryption of media, Ed25519 device signatures and HKDF key derivation.

pub mod hash;
pub mod keys;
pub mod seal;
pub mod signing;
pub mod stream;

use ring::rand::{SecureRandom, SystemRandom};

use crate::error::{Error, Result};

/// Fills a fresh array with bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| Error::Crypto("system random source failed"))?;
    Ok(b)
}
