//! Chunked authenticated encryption of large media (the STREAM construction, Hoang et al. 2015).
//!
//! File layout:
//! ```text
//! header (44 bytes) = "QGB1" | chunk size (u32 LE) | random salt (32) | reserved (4, zero)
//! chunk i           = AES-256-GCM(key, nonce_i, aad = header, plaintext_i) | tag (16)
//! nonce_i           = 0x00 0x00 0x00 | last flag (1 = final chunk) | i (u64 BE)
//! ```
//! The per-file key comes from HKDF over the salt, so nonces never repeat across files. The
//! index in the nonce detects reordering, the last flag detects truncation at a chunk boundary,
//! the tag a flipped byte, and the header as associated data a changed header.

use std::io::{Read, Write};

use ring::aead::{Aad, LessSafeKey, Nonce};

use super::keys::DerivedKeys;
use super::random_bytes;
use crate::error::{Error, Result};

/// Plaintext bytes per chunk.
pub const CHUNK: usize = 256 * 1024;
const MAGIC: &[u8; 4] = b"QGB1";
const HEADER_LEN: usize = 44;
const TAG: usize = 16;

fn nonce(index: u64, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[3] = u8::from(last);
    n[4..].copy_from_slice(&index.to_be_bytes());
    Nonce::assume_unique_for_key(n)
}

/// Encrypts a stream into a writer, chunk by chunk, with bounded memory.
pub struct StreamSealer<W: Write> {
    out: W,
    key: LessSafeKey,
    header: [u8; HEADER_LEN],
    buf: Vec<u8>,
    index: u64,
    written: u64,
}

impl<W: Write> StreamSealer<W> {
    /// Writes the header and returns a sealer ready for plaintext.
    pub fn new(keys: &DerivedKeys, mut out: W) -> Result<Self> {
        let salt: [u8; 32] = random_bytes()?;
        let mut header = [0u8; HEADER_LEN];
        header[..4].copy_from_slice(MAGIC);
        header[4..8].copy_from_slice(&(CHUNK as u32).to_le_bytes());
        header[8..40].copy_from_slice(&salt);
        out.write_all(&header)
            .map_err(|e| Error::io("write blob header", e))?;
        Ok(StreamSealer {
            out,
            key: keys.blob_key(&salt)?,
            header,
            buf: Vec::with_capacity(CHUNK + TAG),
            index: 0,
            written: HEADER_LEN as u64,
        })
    }

    /// Adds plaintext; full chunks are sealed and written at once.
    pub fn write(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            let take = (CHUNK - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            // Only seal a full chunk once more data is known to follow (it is then not the last).
            if self.buf.len() == CHUNK && !data.is_empty() {
                self.seal_chunk(false)?;
            }
        }
        Ok(())
    }

    fn seal_chunk(&mut self, last: bool) -> Result<()> {
        self.key
            .seal_in_place_append_tag(
                nonce(self.index, last),
                Aad::from(&self.header[..]),
                &mut self.buf,
            )
            .map_err(|_| Error::Crypto("seal chunk"))?;
        self.out
            .write_all(&self.buf)
            .map_err(|e| Error::io("write blob chunk", e))?;
        self.written += self.buf.len() as u64;
        self.buf.clear();
        self.index += 1;
        Ok(())
    }

    /// Seals the final chunk (possibly empty) and returns the writer and the bytes written.
    pub fn finish(mut self) -> Result<(W, u64)> {
        self.seal_chunk(true)?;
        self.out.flush().map_err(|e| Error::io("flush blob", e))?;
        Ok((self.out, self.written))
    }
}

/// Decrypts a sealed stream, chunk by chunk, handing each plaintext chunk to a callback.
/// `what` names the blob in errors. Any tampering gives [`Error::Integrity`] naming the chunk.
pub fn open_stream<R: Read>(
    keys: &DerivedKeys,
    mut input: R,
    what: &str,
    mut sink: impl FnMut(&[u8]) -> Result<()>,
) -> Result<u64> {
    let bad = |detail: String| Error::Integrity {
        what: format!("{what}: {detail}"),
    };
    let mut header = [0u8; HEADER_LEN];
    read_full(&mut input, &mut header)
        .map_err(|e| Error::io("read blob", e))
        .and_then(|n| {
            if n == HEADER_LEN {
                Ok(())
            } else {
                Err(bad("header truncated".into()))
            }
        })?;
    if &header[..4] != MAGIC || header[40..] != [0u8; 4] {
        return Err(bad("not a Qorgau blob header".into()));
    }
    let chunk = u32::from_le_bytes(header[4..8].try_into().expect("4")) as usize;
    if chunk == 0 || chunk > 64 * 1024 * 1024 {
        return Err(bad("implausible chunk size".into()));
    }
    let salt: [u8; 32] = header[8..40].try_into().expect("32");
    let key = keys.blob_key(&salt)?;
    let record = chunk + TAG;
    // One extra byte tells whether another chunk follows (then this one is not the last).
    let mut buf = vec![0u8; record + 1];
    let mut have =
        read_full(&mut input, &mut buf[..record + 1]).map_err(|e| Error::io("read blob", e))?;
    let mut index = 0u64;
    let mut total = 0u64;
    loop {
        let last = have <= record;
        let len = have.min(record);
        if len < TAG {
            return Err(bad(format!("chunk {index} truncated")));
        }
        let plain = key
            .open_in_place(nonce(index, last), Aad::from(&header[..]), &mut buf[..len])
            .map_err(|_| {
                bad(format!(
                    "chunk {index} fails authentication (altered, reordered or truncated)"
                ))
            })?;
        total += plain.len() as u64;
        sink(plain)?;
        if last {
            return Ok(total);
        }
        // Move the look-ahead byte to the front and refill.
        buf[0] = buf[record];
        have = 1 + read_full(&mut input, &mut buf[1..record + 1])
            .map_err(|e| Error::io("read blob", e))?;
        index += 1;
    }
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
pub fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys() -> DerivedKeys {
        DerivedKeys::derive(&[9u8; 32]).unwrap()
    }

    fn seal_all(data: &[u8], pieces: usize) -> Vec<u8> {
        let k = keys();
        let mut s = StreamSealer::new(&k, Vec::new()).unwrap();
        for part in data.chunks(pieces.max(1)) {
            s.write(part).unwrap();
        }
        s.finish().unwrap().0
    }

    fn open_all(sealed: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        open_stream(&keys(), sealed, "blob", |p| {
            out.extend_from_slice(p);
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn round_trips_at_chunk_boundaries() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 7] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let sealed = seal_all(&data, 10_000);
            assert_eq!(open_all(&sealed).unwrap(), data, "len {len}");
        }
    }

    #[test]
    fn detects_truncation_at_a_chunk_boundary_and_reordering() {
        let data = vec![5u8; 3 * CHUNK];
        let sealed = seal_all(&data, CHUNK);
        let rec = CHUNK + TAG;
        // Drop the final chunk: the new final chunk lacks the "last" flag.
        let truncated = &sealed[..HEADER_LEN + 2 * rec];
        assert!(matches!(open_all(truncated), Err(Error::Integrity { .. })));
        // Swap chunks 0 and 1.
        let mut swapped = sealed.clone();
        let (a, b) = (HEADER_LEN, HEADER_LEN + rec);
        let c0 = sealed[a..a + rec].to_vec();
        swapped[a..a + rec].copy_from_slice(&sealed[b..b + rec]);
        swapped[b..b + rec].copy_from_slice(&c0);
        let err = open_all(&swapped).unwrap_err().to_string();
        assert!(err.contains("chunk 0"), "{err}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_flipped_byte_is_detected(len in 1usize..(CHUNK + 300), pos_frac in 0.0f64..1.0, bit in 0u8..8) {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut sealed = seal_all(&data, 4096);
            let pos = ((sealed.len() as f64) * pos_frac) as usize % sealed.len();
            sealed[pos] ^= 1 << bit;
            prop_assert!(open_all(&sealed).is_err());
        }
    }
}
