//! Evidence ingest: hash and encrypt the exact original, make a preview, log the capture.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::blobs::PutBlob;
use super::{EventKind, Recorded, Store};
use crate::crypto::hash::Sha256;
use crate::crypto::seal;
use crate::crypto::stream::read_full;
use crate::error::{Error, Result};
use crate::media::{self, PhotoInfo, Sniffed};
use crate::model::{CaptureInfo, Evidence, MediaKind, PreviewSource};

/// Told how far a long ingest has got, and asked whether to stop. Implemented by the apps
/// (through the bindings) and by the CLI's progress bar.
pub trait Progress: Send + Sync {
    /// `done` of `total` bytes have been hashed, encrypted and written.
    fn on_progress(&self, done: u64, total: u64);
    /// Returning true stops the work with [`Error::Cancelled`]; nothing is stored.
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// Progress that nobody watches.
pub struct NoProgress;
impl Progress for NoProgress {
    fn on_progress(&self, _: u64, _: u64) {}
}

/// Bytes read up front to recognise the format.
const SNIFF_LEN: usize = 64 * 1024;

fn evidence_aad_thumb(id: &str) -> String {
    format!("evidence-thumb/{id}")
}

impl Store {
    /// Adds a photo given as bytes (the camera's buffer). See [`Store::add_evidence_file`].
    pub fn add_photo_bytes(
        &self,
        case: Uuid,
        bytes: &[u8],
        capture: CaptureInfo,
    ) -> Result<Recorded<Evidence>> {
        self.require_case(case)?;
        if bytes.len() as u64 > media::MAX_PHOTO_BYTES {
            return Err(Error::FileTooLarge {
                size: bytes.len() as u64,
                limit: media::MAX_PHOTO_BYTES,
            });
        }
        let sniffed = media::sniff(&bytes[..bytes.len().min(SNIFF_LEN)])?;
        if sniffed.kind != MediaKind::Photo {
            return Err(Error::WrongMediaKind {
                expected: "photo",
                found: sniffed.mime,
            });
        }
        self.ingest_photo(case, bytes, &sniffed, capture)
    }

    /// Adds photo, video or audio evidence from a file. The kind is recognised from the content;
    /// when `expected` is given, other kinds are refused. Photos are validated and previewed;
    /// video and audio are streamed (hashed, encrypted and written piece by piece, with bounded
    /// memory whatever their size) with progress and cancellation.
    pub fn add_evidence_file(
        &self,
        case: Uuid,
        path: &Path,
        expected: Option<MediaKind>,
        capture: CaptureInfo,
        progress: &dyn Progress,
    ) -> Result<Recorded<Evidence>> {
        self.require_case(case)?;
        let mut file = File::open(path).map_err(|e| Error::io("open evidence file", e))?;
        let total = file
            .metadata()
            .map_err(|e| Error::io("read evidence file size", e))?
            .len();
        let mut head = vec![0u8; SNIFF_LEN.min(total as usize)];
        let n = read_full(&mut file, &mut head).map_err(|e| Error::io("read evidence file", e))?;
        head.truncate(n);
        let mut sniffed = media::sniff(&head)?;
        // An MPEG-4 container with a generic brand (isom, mp42: what Android's MediaRecorder
        // writes for AAC audio) sniffs as video; the container holds audio alone just as well,
        // so when the app declares audio, an MPEG-4/QuickTime/3GPP container is taken as audio.
        if expected == Some(MediaKind::Audio)
            && matches!(
                sniffed.mime.as_str(),
                "video/mp4" | "video/quicktime" | "video/3gpp"
            )
        {
            sniffed = Sniffed {
                kind: MediaKind::Audio,
                mime: "audio/mp4".into(),
                extension: "m4a".into(),
            };
        }
        if let Some(want) = expected {
            if want != sniffed.kind {
                return Err(Error::WrongMediaKind {
                    expected: want.as_str(),
                    found: sniffed.mime,
                });
            }
        }
        if sniffed.kind == MediaKind::Photo {
            if total > media::MAX_PHOTO_BYTES {
                return Err(Error::FileTooLarge {
                    size: total,
                    limit: media::MAX_PHOTO_BYTES,
                });
            }
            let mut bytes = head;
            file.read_to_end(&mut bytes)
                .map_err(|e| Error::io("read evidence file", e))?;
            progress.on_progress(bytes.len() as u64, bytes.len() as u64);
            return self.ingest_photo(case, &bytes, &sniffed, capture);
        }
        let thumb = capture
            .platform_thumbnail
            .as_deref()
            .map(media::platform_thumbnail)
            .transpose()?;
        let put = self.blobs().put_stream(self.keys(), &head, file, |done| {
            if progress.is_cancelled() {
                return Err(Error::Cancelled);
            }
            progress.on_progress(done, total.max(done));
            Ok(())
        })?;
        let info = PhotoInfo {
            width: None,
            height: None,
            preview: if thumb.is_some() {
                PreviewSource::Platform
            } else {
                PreviewSource::None
            },
            thumbnail_jpeg: thumb,
            exif_datetime_original: None,
            exif_orientation: None,
            preview_note: None,
            damaged: None,
        };
        self.commit_evidence(case, &sniffed, put, info, capture)
    }

    /// Validates and previews a photo on one core while the other hashes, encrypts and writes
    /// the original.
    fn ingest_photo(
        &self,
        case: Uuid,
        bytes: &[u8],
        sniffed: &Sniffed,
        capture: CaptureInfo,
    ) -> Result<Recorded<Evidence>> {
        let platform = capture.platform_thumbnail.as_deref();
        let (info, put) = std::thread::scope(|s| {
            let analysis =
                s.spawn(|| media::analyse_photo(bytes, sniffed, platform, capture.keep_damaged));
            let put = self
                .blobs()
                .put_stream(self.keys(), bytes, std::io::empty(), |_| Ok(()));
            let info = analysis.join().unwrap_or_else(|_| {
                Err(Error::CorruptImage {
                    format: sniffed.extension.clone(),
                    reason: "decoder failed".into(),
                })
            });
            (info, put)
        });
        // A refused photo leaves at most an unreferenced blob, removed by garbage collection.
        let info = info?;
        self.commit_evidence(case, sniffed, put?, info, capture)
    }

    fn commit_evidence(
        &self,
        case: Uuid,
        sniffed: &Sniffed,
        put: PutBlob,
        info: PhotoInfo,
        capture: CaptureInfo,
    ) -> Result<Recorded<Evidence>> {
        if let Some(g) = &capture.gps {
            g.validate()?;
        }
        let at = self.clock().now();
        let evidence = Evidence {
            id: Uuid::new_v4(),
            case_id: case,
            kind: sniffed.kind,
            media_type: sniffed.mime.clone(),
            sha256: put.sha256.hex(),
            size_bytes: put.size,
            width: info.width,
            height: info.height,
            preview: info.preview,
            thumbnail_sha256: info.thumbnail_jpeg.as_deref().map(|t| Sha256::of(t).hex()),
            captured_at: at,
            exif_datetime_original: info.exif_datetime_original,
            exif_orientation: info.exif_orientation,
            gps: capture.gps,
            captured_by: self.actor().to_string(),
            device_id: self.device().device_id,
            note: capture.note.filter(|n| !n.trim().is_empty()),
            preview_note: info.preview_note,
            damaged: info.damaged,
        };
        let id = evidence.id.to_string();
        let sealed = self.seal_record("evidence", &id, &evidence)?;
        let thumb = info
            .thumbnail_jpeg
            .map(|t| seal::seal(&self.keys().records, &evidence_aad_thumb(&id), &t))
            .transpose()?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO evidence (id, case_id, kind, blob_name, thumbnail, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, case.to_string(), evidence.kind.as_str(), put.name, thumb, sealed.sealed],
        )?;
        let seq = self.append_custody(
            &tx,
            case,
            EventKind::EvidenceAdded,
            Some(evidence.id),
            None,
            sealed.sha256,
            at,
        )?;
        self.outbox_blob(&tx, case, seq, &put.name, put.size)?;
        tx.commit()?;
        Ok(Recorded {
            record: evidence,
            sha256: sealed.sha256.hex(),
            seq,
        })
    }

    /// One piece of evidence.
    pub fn evidence(&self, id: Uuid) -> Result<Evidence> {
        let body: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT body FROM evidence WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let body = body.ok_or(Error::NotFound {
            kind: "evidence",
            id: id.to_string(),
        })?;
        self.open_record("evidence", &id.to_string(), &body)
    }

    /// The evidence on a case, in the order captured.
    pub fn evidence_list(&self, case: Uuid) -> Result<Vec<Evidence>> {
        self.bodies_of_case("evidence", case)?
            .into_iter()
            .map(|(id, b)| self.open_record("evidence", &id, &b))
            .collect()
    }

    /// The preview JPEG of a piece of evidence, if it has one. Showing a thumbnail is not logged.
    pub fn thumbnail(&self, id: Uuid) -> Result<Option<Vec<u8>>> {
        let row: Option<Option<Vec<u8>>> = self
            .conn()
            .query_row(
                "SELECT thumbnail FROM evidence WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match row.ok_or(Error::NotFound {
            kind: "evidence",
            id: id.to_string(),
        })? {
            Some(t) => Ok(Some(seal::open(
                &self.keys().records,
                &evidence_aad_thumb(&id.to_string()),
                &t,
            )?)),
            None => Ok(None),
        }
    }

    pub(crate) fn evidence_blob_name(&self, id: Uuid) -> Result<String> {
        let name: Option<String> = self
            .conn()
            .query_row(
                "SELECT blob_name FROM evidence WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        name.ok_or(Error::NotFound {
            kind: "evidence",
            id: id.to_string(),
        })
    }

    /// Decrypts the original into `out`, checking its hash on the way, and logs
    /// `evidence_viewed` with the purpose (a short code such as `review` or `court`; free text
    /// is refused because the log is kept in clear). Fails with [`Error::Integrity`] if the stored
    /// original no longer matches its recorded hash (what was written is then not to be used).
    pub fn view_original(&self, id: Uuid, purpose: &str, out: &mut dyn Write) -> Result<u64> {
        if purpose.is_empty()
            || purpose.len() > 32
            || !purpose.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        {
            return Err(Error::invalid(
                "purpose",
                "a short code of lowercase letters, e.g. review or court",
            ));
        }
        let ev = self.evidence(id)?;
        let (sha, size) = self
            .blobs()
            .copy_to(self.keys(), &self.evidence_blob_name(id)?, out)?;
        if sha.hex() != ev.sha256 {
            return Err(Error::Integrity {
                what: format!("evidence {id}: original does not match its recorded hash"),
            });
        }
        self.log_event(
            ev.case_id,
            EventKind::EvidenceViewed,
            &serde_json::json!({ "evidence": id, "purpose": purpose }),
        )?;
        Ok(size)
    }
}
