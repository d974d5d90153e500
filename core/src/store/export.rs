//! Export of a case to a self-contained bundle that a court expert verifies with standard tools
//! only (`sha256sum`, `openssl`). See README.md, "Verifying an exported case".
//!
//! ```text
//! <bundle>/
//!   device.pub.pem            the device's Ed25519 public key (SPKI PEM)
//!   manifest.json             case, device, every file with its SHA-256 and size
//!   custody/000001.json       exact signed bytes of each custody entry
//!   custody/000001.sig        its raw 64-byte Ed25519 signature
//!   records/000001-case_opened.json   canonical bytes whose SHA-256 is the entry's "payload"
//!   originals/<evidence-id>.<ext>     the originals, byte for byte
//!   signatures/<statement-id>.<ext>   signature images of statements
//!   SHA256SUMS                every file above, for `sha256sum -c`
//!   SHA256SUMS.sig            Ed25519 signature of SHA256SUMS by the device key
//!   VERIFY.txt                the verification steps
//! ```

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use uuid::Uuid;

use crate::crypto::hash::Sha256;
use crate::error::{Error, Result};
use crate::store::{EventKind, Store};

/// Bundle format name, in the manifest.
pub const FORMAT: &str = "qorgau-export/1";

/// A file in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// What an export produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportSummary {
    pub case_id: Uuid,
    pub bundle: PathBuf,
    pub files: Vec<BundleFile>,
    pub custody_entries: u64,
    pub device_fingerprint: String,
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: &'a str,
    case_id: Uuid,
    device_id: Uuid,
    device_public_key: String,
    device_fingerprint: String,
    exported_by: &'a str,
    custody_entries: u64,
    files: &'a [BundleFile],
}

const VERIFY_TXT: &str = include_str!("export_verify.txt");

fn write_file(root: &Path, rel: &str, bytes: &[u8], files: &mut Vec<BundleFile>) -> Result<()> {
    let p = root.join(rel);
    fs::write(&p, bytes).map_err(|e| Error::io(format!("write {rel}"), e))?;
    files.push(BundleFile {
        path: rel.to_string(),
        sha256: Sha256::of(bytes).hex(),
        size: bytes.len() as u64,
    });
    Ok(())
}

fn extension_for(mime: &str) -> &str {
    match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/heif" => "heic",
        "image/webp" => "webp",
        "video/mp4" => "mp4",
        "video/quicktime" => "mov",
        "audio/mpeg" => "mp3",
        "audio/m4a" | "audio/mp4" => "m4a",
        "audio/x-wav" | "audio/wav" => "wav",
        _ => mime
            .rsplit('/')
            .next()
            .filter(|s| s.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or("bin"),
    }
}

impl Store {
    /// Records, in the case's custody chain, that its court bundle is leaving the phone
    /// through a share (`to`: what the officer chose, such as "mail" or "AirDrop"; at most 100
    /// characters). Sharing is an explicit act of a signed-in profile: with nobody signed in it is
    /// refused and nothing is shared. The entry reaches the station with the next sync, so the
    /// chain shows who let a bundle out, when and how. Call it before handing the bundle over.
    pub fn record_bundle_shared(&self, case: Uuid, to: &str) -> Result<u64> {
        self.require_case(case)?;
        if self.current_profile().is_none() {
            return Err(Error::PermissionDenied {
                action: "share a court bundle (sign in first)".into(),
            });
        }
        let to = to.trim();
        if to.is_empty() || to.chars().count() > 100 || to.chars().any(char::is_control) {
            return Err(Error::invalid(
                "to",
                "say where the bundle goes (1 to 100 characters)",
            ));
        }
        self.log_event(
            case,
            EventKind::BundleShared,
            &serde_json::json!({ "format": FORMAT, "to": to }),
        )
    }

    /// Verifies the case, logs `case_exported`, and writes the bundle into a new directory
    /// `qorgau-case-<id>` under `out_dir` (written beside it first and renamed, so a failed
    /// export leaves no half bundle). A case that fails verification is not exported.
    ///
    /// The bundle holds personal data in clear (it is meant for the court file).
    pub fn export_case(&self, case: Uuid, out_dir: &Path) -> Result<ExportSummary> {
        let report = self.verify(case)?;
        if let Some(f) = report.failure {
            return Err(Error::Integrity {
                what: format!("case {case} does not verify ({f}); not exported"),
            });
        }
        let final_dir = out_dir.join(format!("qorgau-case-{case}"));
        if final_dir.exists() {
            return Err(Error::Conflict(format!(
                "{} already exists",
                final_dir.display()
            )));
        }
        self.log_event(
            case,
            EventKind::CaseExported,
            &serde_json::json!({ "format": FORMAT }),
        )?;
        let tmp = out_dir.join(format!(".qorgau-case-{case}.partial-{}", Uuid::new_v4()));
        let result = self.write_bundle(case, &tmp);
        match result {
            Ok((files, entries)) => {
                fs::rename(&tmp, &final_dir).map_err(|e| Error::io("move bundle into place", e))?;
                Ok(ExportSummary {
                    case_id: case,
                    bundle: final_dir,
                    files,
                    custody_entries: entries,
                    device_fingerprint: self.device().public_key.fingerprint(),
                })
            }
            Err(e) => {
                let _ = fs::remove_dir_all(&tmp);
                Err(e)
            }
        }
    }

    fn write_bundle(&self, case: Uuid, root: &Path) -> Result<(Vec<BundleFile>, u64)> {
        for d in ["custody", "records", "originals", "signatures"] {
            fs::create_dir_all(root.join(d))
                .map_err(|e| Error::io("create bundle directory", e))?;
        }
        let mut files = Vec::new();
        let log = self.custody_log(case)?;
        for e in &log {
            let seq = e.entry.seq;
            write_file(
                root,
                &format!("custody/{seq:06}.json"),
                &e.entry.bytes()?,
                &mut files,
            )?;
            write_file(
                root,
                &format!("custody/{seq:06}.sig"),
                &e.signature,
                &mut files,
            )?;
            let payload = match (e.entry.kind.record_table(), e.entry.record, &e.detail) {
                (Some(table), Some(id), _) => {
                    let body: Vec<u8> = self.conn().query_row(
                        &format!("SELECT body FROM {table} WHERE id = ?1"),
                        [id.to_string()],
                        |r| r.get(0),
                    )?;
                    self.open_record_bytes(table, &id.to_string(), &body)?
                }
                (None, _, Some(detail)) => detail.as_bytes().to_vec(),
                _ => {
                    return Err(Error::Integrity {
                        what: format!("custody entry {seq} has no payload"),
                    })
                }
            };
            write_file(
                root,
                &format!("records/{seq:06}-{}.json", e.entry.kind.as_str()),
                &payload,
                &mut files,
            )?;
        }
        for ev in self.evidence_list(case)? {
            let rel = format!("originals/{}.{}", ev.id, extension_for(&ev.media_type));
            let f =
                File::create(root.join(&rel)).map_err(|e| Error::io("create original copy", e))?;
            let mut w = BufWriter::new(f);
            let (sha, size) =
                self.blobs()
                    .copy_to(self.keys(), &self.evidence_blob_name(ev.id)?, &mut w)?;
            w.flush().map_err(|e| Error::io("write original copy", e))?;
            if sha.hex() != ev.sha256 {
                return Err(Error::Integrity {
                    what: format!("evidence {} changed during export", ev.id),
                });
            }
            files.push(BundleFile {
                path: rel,
                sha256: sha.hex(),
                size,
            });
        }
        for st in self.statements(case)? {
            if let (Some(sig), Some(bytes)) = (&st.signature, self.statement_signature(st.id)?) {
                write_file(
                    root,
                    &format!("signatures/{}.{}", st.id, extension_for(&sig.media_type)),
                    &bytes,
                    &mut files,
                )?;
            }
        }
        // The signed end of the case: the expert checks that the chain reaches it (step 4).
        let head = self.case_head(case)?.ok_or_else(|| Error::Integrity {
            what: format!("case {case} has no signed head"),
        })?;
        let head_sig =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &head.signature)
                .map_err(|_| Error::Integrity {
                    what: "case head signature".into(),
                })?;
        write_file(root, "HEAD.json", &head.head.bytes()?, &mut files)?;
        write_file(root, "HEAD.sig", &head_sig, &mut files)?;
        let pk = self.device().public_key;
        let actor = self.actor();
        write_file(root, "device.pub.pem", pk.to_pem().as_bytes(), &mut files)?;
        write_file(root, "VERIFY.txt", VERIFY_TXT.as_bytes(), &mut files)?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let manifest = Manifest {
            format: FORMAT,
            case_id: case,
            device_id: self.device().device_id,
            device_public_key: pk.hex(),
            device_fingerprint: pk.fingerprint(),
            exported_by: &actor,
            custody_entries: log.len() as u64,
            files: &files,
        };
        let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
        manifest_bytes.push(b'\n');
        write_file(root, "manifest.json", &manifest_bytes, &mut files)?;
        // SHA256SUMS in the exact format `sha256sum -c` reads: "<hex>  <path>".
        let sums: String = files
            .iter()
            .map(|f| format!("{}  {}\n", f.sha256, f.path))
            .collect();
        fs::write(root.join("SHA256SUMS"), &sums).map_err(|e| Error::io("write SHA256SUMS", e))?;
        fs::write(
            root.join("SHA256SUMS.sig"),
            self.signer.sign(sums.as_bytes()),
        )
        .map_err(|e| Error::io("write SHA256SUMS.sig", e))?;
        Ok((files, log.len() as u64))
    }
}
