//! Synthetic media for demos and tests: no real person is in any of it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use qorgau_core::{fixtures, Error};

fn create(path: &Path) -> Result<BufWriter<File>, Error> {
    Ok(BufWriter::new(
        File::create(path).map_err(|e| Error::io("create synthetic file", e))?,
    ))
}

/// A JPEG with EXIF (DateTimeOriginal, orientation 1).
pub fn photo(path: &Path, width: u32, height: u32, seed: u32) -> Result<(), Error> {
    std::fs::write(path, fixtures::photo_jpeg(width, height, seed, 1))
        .map_err(|e| Error::io("write synthetic photo", e))
}

/// An ISO-BMFF ("mp42") file of `mib` MiB, written a MiB at a time.
pub fn video(path: &Path, mib: u64) -> Result<(), Error> {
    let mut w = create(path)?;
    let head = fixtures::isobmff(b"mp42", 0);
    w.write_all(&head)
        .map_err(|e| Error::io("write synthetic video", e))?;
    let mut piece = vec![0u8; 1024 * 1024];
    let mut state = 0x9E37_79B9u32;
    for _ in 0..mib {
        for b in piece.iter_mut() {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            *b = state as u8;
        }
        w.write_all(&piece)
            .map_err(|e| Error::io("write synthetic video", e))?;
    }
    w.flush().map_err(|e| Error::io("write synthetic video", e))
}

/// A 16-bit mono 16 kHz WAV of a 440 Hz tone.
pub fn audio(path: &Path, seconds: u32) -> Result<(), Error> {
    let rate = 16_000u32;
    let samples = rate * seconds;
    let mut w = create(path)?;
    let mut put = |b: &[u8]| {
        w.write_all(b)
            .map_err(|e| Error::io("write synthetic audio", e))
    };
    put(b"RIFF")?;
    put(&(36 + samples * 2).to_le_bytes())?;
    put(b"WAVEfmt ")?;
    put(&16u32.to_le_bytes())?;
    put(&1u16.to_le_bytes())?;
    put(&1u16.to_le_bytes())?;
    put(&rate.to_le_bytes())?;
    put(&(rate * 2).to_le_bytes())?;
    put(&2u16.to_le_bytes())?;
    put(&16u16.to_le_bytes())?;
    put(b"data")?;
    put(&(samples * 2).to_le_bytes())?;
    for i in 0..samples {
        let v =
            ((i as f64 * 440.0 * std::f64::consts::TAU / f64::from(rate)).sin() * 8000.0) as i16;
        put(&v.to_le_bytes())?;
    }
    w.flush().map_err(|e| Error::io("write synthetic audio", e))
}

/// A signed synthetic registry snapshot; creates the station key file if absent. Returns the
/// station's public key (hex).
pub fn registry(
    key_path: &Path,
    out: &Path,
    sequence: u64,
    rows: u64,
    prior: &[String],
) -> Result<String, Error> {
    use qorgau_core::crypto::signing::{generate_pkcs8, DeviceSigner};
    let pkcs8 = match std::fs::read(key_path) {
        Ok(k) => k,
        Err(_) => {
            let k = generate_pkcs8()?;
            std::fs::write(key_path, &k).map_err(|e| Error::io("write station key", e))?;
            k
        }
    };
    let station = DeviceSigner::from_pkcs8(&pkcs8)?;
    for iin in prior {
        qorgau_core::iin::Iin::parse(iin)?;
    }
    let w = create(out)?;
    fixtures::write_registry(w, &station, sequence, rows, prior, chrono::Utc::now())?;
    Ok(station.public_key().hex())
}
