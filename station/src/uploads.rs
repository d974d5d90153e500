//! tus uploads as the station keeps them: each belongs to the device that created it, lives as
//! sealed segments (one per PATCH) under `uploads/<device>/<sha256>/` until its whole content
//! matches the declared SHA-256, and then becomes the original under `blobs/<sha256>/` (kept
//! once, whoever sent it). A quota bounds what one device may declare; expired uploads are
//! swept; an upload whose last bytes were stored just before a crash is completed on the next
//! look at it or at start-up.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use qorgau_core::crypto::hash::{Hasher, Sha256};
use qorgau_core::crypto::stream;
use qorgau_core::sync::protocol::ErrorCode;

use crate::error::{Result, StationError};
use crate::station::{Station, UPLOAD_EXPIRES_HOURS};
use crate::storage::UploadRow;

/// Largest upload the station accepts.
pub const MAX_UPLOAD: u64 = 16 * 1024 * 1024 * 1024;
/// Unfinished uploads one device may have at once.
pub const MAX_OPEN_UPLOADS: u64 = 64;
/// Bytes one device's unfinished uploads may declare in all.
pub const MAX_OPEN_BYTES: u64 = 64 * 1024 * 1024 * 1024;

fn expired(u: &UploadRow, now: DateTime<Utc>) -> bool {
    DateTime::parse_from_rfc3339(&u.expires_at)
        .map(|t| t.with_timezone(&Utc) < now)
        .unwrap_or(true)
}

fn is_sha(name: &str) -> bool {
    Sha256::from_hex(name).is_some_and(|h| h.hex() == name)
}

/// The sealed segment files of an upload, in order of offset.
fn segments(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut segs: Vec<_> = match std::fs::read_dir(dir) {
        Ok(d) => d
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("seg-") && !n.ends_with(".part"))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    segs.sort();
    Ok(segs)
}

impl Station {
    /// Where a device's unfinished upload keeps its sealed segments.
    pub fn upload_dir(&self, device: &str, id: &str) -> PathBuf {
        self.dir().join("uploads").join(device).join(id)
    }

    /// Where a verified original lives.
    pub fn blob_dir(&self, id: &str) -> PathBuf {
        self.dir().join("blobs").join(id)
    }

    /// tus creation for `device`: its own upload of that content, made anew when it expired or
    /// was declared with another length; refused past the device's quota.
    pub fn create_upload(&self, device: &str, id: &str, length: u64) -> Result<UploadRow> {
        if length > MAX_UPLOAD {
            return Err(StationError::TooLarge(format!(
                "more than {MAX_UPLOAD} bytes"
            )));
        }
        let now = Utc::now();
        if let Some(u) = self.storage().upload(device, id)? {
            if u.completed {
                return Ok(u);
            }
            if !expired(&u, now) && u.length == length {
                return Ok(u);
            }
            // Expired, or declared again with another length by its own device: start over.
            self.drop_upload(&u)?;
        }
        let (open, bytes) = self.storage().open_uploads(device)?;
        if open >= MAX_OPEN_UPLOADS || bytes.saturating_add(length) > MAX_OPEN_BYTES {
            return Err(StationError::Refused(ErrorCode::QuotaExceeded, format!(
                "upload quota: at most {MAX_OPEN_UPLOADS} unfinished uploads and {MAX_OPEN_BYTES} bytes per device"
            )));
        }
        let u = UploadRow {
            device_id: device.to_string(),
            id: id.to_string(),
            length,
            offset: 0,
            segments: 0,
            created_at: now.to_rfc3339(),
            expires_at: (now + Duration::hours(UPLOAD_EXPIRES_HOURS)).to_rfc3339(),
            completed: false,
        };
        let dir = self.upload_dir(device, id);
        let _ = std::fs::remove_dir_all(&dir);
        crate::tls::make_private_dir(&dir)?;
        self.storage().put_upload(&u)?;
        Ok(u)
    }

    /// The device's own upload `id` (another device's is not found): gone once expired, and
    /// completed now if its bytes are all here but a crash cut off its completion.
    pub fn own_upload(&self, device: &str, id: &str) -> Result<UploadRow> {
        let u = self
            .storage()
            .upload(device, id)?
            .ok_or_else(|| StationError::NotFound("upload".into()))?;
        if u.completed {
            return Ok(u);
        }
        if expired(&u, Utc::now()) {
            self.drop_upload(&u)?;
            return Err(StationError::Gone("upload expired".into()));
        }
        if u.offset == u.length {
            let length = u.length;
            if !self.finish_upload(u, None)? {
                return Err(StationError::NotFound(
                    "upload (its content did not match; start again)".into(),
                ));
            }
            return self
                .storage()
                .upload(device, id)?
                .filter(|u| u.length == length)
                .ok_or_else(|| StationError::NotFound("upload".into()));
        }
        Ok(u)
    }

    /// Deletes a device's own unfinished upload (tus termination).
    pub fn delete_upload(&self, device: &str, id: &str) -> Result<()> {
        let u = self
            .storage()
            .upload(device, id)?
            .ok_or_else(|| StationError::NotFound("upload".into()))?;
        if u.completed {
            return Err(StationError::Conflict(
                "a verified upload is evidence and is not deleted".into(),
            ));
        }
        self.drop_upload(&u)
    }

    fn drop_upload(&self, u: &UploadRow) -> Result<()> {
        let _ = std::fs::remove_dir_all(self.upload_dir(&u.device_id, &u.id));
        self.storage().delete_upload(&u.device_id, &u.id)
    }

    /// Keeps a PATCH's sealed segment (`part`, `n` bytes from `offset`, with digest `sha`) and
    /// returns the new offset; at the last byte the upload is completed.
    pub fn commit_segment(
        &self,
        mut u: UploadRow,
        offset: u64,
        part: &Path,
        n: u64,
        sha: &Sha256,
    ) -> Result<u64> {
        let seg = self
            .upload_dir(&u.device_id, &u.id)
            .join(format!("seg-{offset:020}"));
        std::fs::rename(part, &seg)?;
        u.offset += n;
        u.segments += 1;
        if u.offset == u.length && offset == 0 {
            // One PATCH carried the whole file: its digest is the whole file's (one write).
            let end = u.offset;
            if !self.finish_upload(u, Some(&sha.hex()))? {
                return Err(StationError::ChecksumMismatch(
                    "the upload does not match its declared SHA-256; start again".into(),
                ));
            }
            return Ok(end);
        }
        self.storage().put_upload(&u)?;
        if u.offset == u.length {
            crate::fault::point("upload-before-completion");
            let end = u.offset;
            if !self.finish_upload(u, None)? {
                return Err(StationError::ChecksumMismatch(
                    "the whole upload does not match its declared SHA-256; start again".into(),
                ));
            }
            return Ok(end);
        }
        Ok(u.offset)
    }

    /// Completes an upload whose bytes are all here: its whole-file SHA-256 (given, or computed
    /// from the sealed segments) must be the declared one, else it is dropped (false). The
    /// segments become the original (unless it is already kept), then the database says so;
    /// a crash between the two is finished by the next call.
    fn finish_upload(&self, mut u: UploadRow, actual: Option<&str>) -> Result<bool> {
        let dir = self.upload_dir(&u.device_id, &u.id);
        let blob = self.blob_dir(&u.id);
        let source = if dir.exists() {
            dir.clone()
        } else {
            blob.clone()
        };
        let actual = match actual {
            Some(a) => a.to_string(),
            None => {
                let mut h = Hasher::new();
                for s in segments(&source)? {
                    let f = std::fs::File::open(&s)?;
                    stream::open_stream(
                        self.keys(),
                        std::io::BufReader::new(f),
                        "upload segment",
                        |p| {
                            h.update(p);
                            Ok(())
                        },
                    )?;
                }
                if h.len() != u.length {
                    String::new()
                } else {
                    h.finish().hex()
                }
            }
        };
        if actual != u.id {
            self.drop_upload(&u)?;
            return Ok(false);
        }
        if dir.exists() {
            if blob.exists() {
                std::fs::remove_dir_all(&dir)?;
            } else {
                std::fs::rename(&dir, &blob)?;
            }
        }
        u.completed = true;
        let now = Utc::now().to_rfc3339();
        self.storage().batch(&mut || {
            self.storage().put_blob(&u.id, u.length, &now)?;
            self.storage().put_upload(&u)
        })?;
        Ok(true)
    }

    /// At start-up: temporary segments are removed, expired uploads swept, and uploads whose
    /// bytes all arrived before a crash are completed.
    pub fn recover_uploads(&self) -> Result<()> {
        let root = self.dir().join("uploads");
        for device in std::fs::read_dir(&root)?.flatten() {
            for upload in std::fs::read_dir(device.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                for f in std::fs::read_dir(upload.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    if f.file_name().to_str().is_some_and(|n| n.ends_with(".part")) {
                        let _ = std::fs::remove_file(f.path());
                    }
                }
            }
        }
        self.sweep_uploads()?;
        for u in self.storage().unfinished_uploads()? {
            if u.offset == u.length {
                self.finish_upload(u, None)?;
            }
        }
        Ok(())
    }

    /// Removes expired unfinished uploads (their segments and rows).
    pub fn sweep_uploads(&self) -> Result<()> {
        let now = Utc::now();
        for u in self.storage().unfinished_uploads()? {
            if expired(&u, now) && u.offset < u.length {
                self.drop_upload(&u)?;
            }
        }
        Ok(())
    }

    /// Moves the files of a version-1 station (`uploads/<sha256>/`) to where version 2 keeps
    /// them: finished ones to `blobs/`, unfinished ones away (their rows were dropped).
    pub(crate) fn migrate_upload_files(&self) -> Result<()> {
        let root = self.dir().join("uploads");
        for e in std::fs::read_dir(&root)?.flatten() {
            let Some(name) = e.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if !is_sha(&name) {
                continue;
            }
            if self.storage().blob(&name)? && !self.blob_dir(&name).exists() {
                std::fs::rename(e.path(), self.blob_dir(&name))?;
            } else {
                std::fs::remove_dir_all(e.path())?;
            }
        }
        Ok(())
    }
}
