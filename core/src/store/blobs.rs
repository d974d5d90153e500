//! Encrypted, content-addressed blob files (originals, signature images).
//!
//! A blob is written to `tmp/` while it is hashed and encrypted, synced to disk, then renamed
//! to its final name, an HMAC of its SHA-256 (so a file name does not reveal which file a
//! phone holds). A crash leaves at most a temporary file, removed when stale.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use ring::hmac;

use crate::crypto::hash::{Hasher, Sha256};
use crate::crypto::keys::DerivedKeys;
use crate::crypto::stream::{self, StreamSealer};
use crate::error::{Error, Result};

/// The blob directory of a store.
#[derive(Debug)]
pub struct BlobDir {
    root: PathBuf,
}

/// The result of storing a blob.
#[derive(Debug, Clone, PartialEq)]
pub struct PutBlob {
    pub sha256: Sha256,
    pub size: u64,
    pub name: String,
}

/// Size of the pieces read from an input while streaming it into the store.
pub const READ_PIECE: usize = 1024 * 1024;

fn sync_dir(dir: &Path) -> Result<()> {
    // Makes a rename durable; directories cannot be fsynced on every platform, so a failure to
    // open one is not an error, a failure to sync is.
    if let Ok(d) = File::open(dir) {
        d.sync_all()
            .map_err(|e| Error::io("sync blob directory", e))?;
    }
    Ok(())
}

impl BlobDir {
    /// Opens (creating if needed) the blob directory.
    pub fn open(root: &Path) -> Result<BlobDir> {
        crate::files::private_dir(root)?;
        crate::files::private_dir(&root.join("tmp"))?;
        Ok(BlobDir {
            root: root.to_path_buf(),
        })
    }

    /// The file name for content with this hash.
    pub fn name_for(keys: &DerivedKeys, sha: &Sha256) -> String {
        hex::encode(hmac::sign(&keys.blob_names, &sha.0).as_ref())
    }

    /// The path of a blob by name.
    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(&name[..2]).join(name)
    }

    /// Streams `input` into an encrypted blob: hashing, encrypting and writing one piece at a
    /// time (memory stays bounded whatever the size). `first` holds bytes already read from
    /// the input (for sniffing). `on_piece` is told the bytes done so far and may cancel by
    /// returning an error. Returns the SHA-256 of the plaintext.
    pub fn put_stream<R: Read>(
        &self,
        keys: &DerivedKeys,
        first: &[u8],
        mut input: R,
        mut on_piece: impl FnMut(u64) -> Result<()>,
    ) -> Result<PutBlob> {
        let tmp = self.root.join("tmp").join(uuid::Uuid::new_v4().to_string());
        let result = (|| {
            let file = crate::files::private_options()
                .write(true)
                .create_new(true)
                .open(&tmp)
                .map_err(|e| Error::io("create blob file", e))?;
            let mut sealer = StreamSealer::new(keys, BufWriter::with_capacity(READ_PIECE, file))?;
            let mut hasher = Hasher::new();
            hasher.update(first);
            sealer.write(first)?;
            on_piece(hasher.len())?;
            let mut piece = vec![0u8; READ_PIECE];
            loop {
                let n = stream::read_full(&mut input, &mut piece)
                    .map_err(|e| Error::io("read evidence input", e))?;
                if n == 0 {
                    break;
                }
                hasher.update(&piece[..n]);
                sealer.write(&piece[..n])?;
                on_piece(hasher.len())?;
            }
            let (writer, _) = sealer.finish()?;
            let file = writer
                .into_inner()
                .map_err(|e| Error::io("write blob file", e.into_error()))?;
            file.sync_all()
                .map_err(|e| Error::io("sync blob file", e))?;
            let size = hasher.len();
            let sha256 = hasher.finish();
            let name = Self::name_for(keys, &sha256);
            let dest = self.path(&name);
            let dir = dest.parent().expect("blob path has a parent");
            crate::files::private_dir(dir)?;
            if dest.exists() {
                // Same content already stored (the same photo added twice): keep the first copy
                // and refresh its time so garbage collection sees it as in use.
                fs::remove_file(&tmp).map_err(|e| Error::io("remove duplicate blob", e))?;
                let f = File::options()
                    .append(true)
                    .open(&dest)
                    .map_err(|e| Error::io("open blob", e))?;
                f.set_modified(SystemTime::now())
                    .map_err(|e| Error::io("touch blob", e))?;
            } else {
                fs::rename(&tmp, &dest).map_err(|e| Error::io("move blob into place", e))?;
                sync_dir(dir)?;
            }
            Ok(PutBlob { sha256, size, name })
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Decrypts a blob, handing each plaintext piece to `sink`; returns the SHA-256 and size.
    pub fn read(
        &self,
        keys: &DerivedKeys,
        name: &str,
        mut sink: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<(Sha256, u64)> {
        let path = self.path(name);
        let file = File::open(&path).map_err(|e| Error::Integrity {
            what: format!("blob {name}: {e}"),
        })?;
        let mut hasher = Hasher::new();
        let size = stream::open_stream(
            keys,
            std::io::BufReader::with_capacity(READ_PIECE, file),
            &format!("blob {name}"),
            |p| {
                hasher.update(p);
                sink(p)
            },
        )?;
        Ok((hasher.finish(), size))
    }

    /// Decrypts a blob piece by piece into `sink` without hashing it (the sync client hashes
    /// each PATCH it sends, which for a single-PATCH blob is the whole file: hashing twice would
    /// cost a second pass over every original). Returns the plaintext size.
    pub fn stream(
        &self,
        keys: &DerivedKeys,
        name: &str,
        sink: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<u64> {
        let path = self.path(name);
        let file = File::open(&path).map_err(|e| Error::Integrity {
            what: format!("blob {name}: {e}"),
        })?;
        stream::open_stream(
            keys,
            std::io::BufReader::with_capacity(READ_PIECE, file),
            &format!("blob {name}"),
            sink,
        )
    }

    /// Decrypts a whole blob into memory (for small blobs: signature images).
    pub fn read_all(&self, keys: &DerivedKeys, name: &str) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.read(keys, name, |p| {
            out.extend_from_slice(p);
            Ok(())
        })?;
        Ok(out)
    }

    /// Removes temporary files and unreferenced blobs last modified more than `min_age` ago.
    pub fn collect_garbage(&self, referenced: &HashSet<String>, min_age: Duration) -> Result<()> {
        let now = SystemTime::now();
        let stale = |p: &Path| {
            fs::metadata(p)
                .and_then(|m| m.modified())
                .map(|t| now.duration_since(t).unwrap_or_default() > min_age)
                .unwrap_or(false)
        };
        let entries = fs::read_dir(&self.root).map_err(|e| Error::io("list blob directory", e))?;
        for sub in entries.flatten() {
            let sub_path = sub.path();
            if !sub_path.is_dir() {
                continue;
            }
            let is_tmp = sub.file_name() == "tmp";
            for f in fs::read_dir(&sub_path)
                .map_err(|e| Error::io("list blob directory", e))?
                .flatten()
            {
                let name = f.file_name().to_string_lossy().to_string();
                if (is_tmp || !referenced.contains(&name)) && stale(&f.path()) {
                    let _ = fs::remove_file(f.path());
                }
            }
        }
        Ok(())
    }

    /// Writes a plaintext stream for a blob into `out` (used by export and viewing).
    pub fn copy_to<W: Write + ?Sized>(
        &self,
        keys: &DerivedKeys,
        name: &str,
        out: &mut W,
    ) -> Result<(Sha256, u64)> {
        self.read(keys, name, |p| {
            out.write_all(p)
                .map_err(|e| Error::io("write original copy", e))
        })
    }
}
