//! Printing results as text for people or JSON for scripts.

use std::path::Path;

use qorgau_core::export::ExportSummary;
use qorgau_core::model::Evidence;
use qorgau_core::{CaseFile, CaseSummary, DeviceInfo, Error, Recorded, VerifyReport};
use serde::Serialize;

/// Where output goes and in which form.
pub struct Out {
    json: bool,
    quiet: bool,
}

fn print_json<T: Serialize + ?Sized>(v: &T) -> Result<(), Error> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

impl Out {
    pub fn new(json: bool, quiet: bool) -> Out {
        Out { json, quiet }
    }

    /// An error on stderr: text, or a JSON object with a kind and message. Never personal data
    /// (the core's errors carry none).
    pub fn error(&self, e: &Error) {
        if self.json {
            let v = serde_json::json!({ "error": { "bad_input": e.is_bad_input(), "message": e.to_string() } });
            eprintln!("{v}");
        } else {
            eprintln!("qorgau: error: {e}");
        }
    }

    pub fn quiet(&self) -> bool {
        self.quiet
    }

    pub fn json(&self) -> bool {
        self.json
    }

    pub fn message(&self, text: &str, json: &serde_json::Value) -> Result<(), Error> {
        if self.json {
            print_json(json)
        } else {
            if !self.quiet {
                println!("{text}");
            }
            Ok(())
        }
    }

    pub fn device(&self, d: &DeviceInfo, home: &Path) {
        let v = serde_json::json!({
            "device_id": d.device_id,
            "public_key": d.public_key.hex(),
            "fingerprint": d.public_key.fingerprint(),
            "officer_badge": d.profile.officer.badge,
            "home": home,
        });
        if self.json {
            println!("{v:#}");
        } else if self.quiet {
            println!("{}", d.device_id);
        } else {
            println!("device {} initialised in {}", d.device_id, home.display());
            println!("public key fingerprint {}", d.public_key.fingerprint());
        }
    }

    pub fn recorded<T: Serialize>(
        &self,
        what: &str,
        id: &impl std::fmt::Display,
        r: &Recorded<T>,
    ) -> Result<(), Error> {
        if self.json {
            print_json(r)
        } else if self.quiet {
            println!("{id}");
            Ok(())
        } else {
            println!(
                "{what}: {id} (custody entry {}, sha256 {})",
                r.seq, r.sha256
            );
            Ok(())
        }
    }

    pub fn evidence_added(&self, r: &Recorded<Evidence>) -> Result<(), Error> {
        let e = &r.record;
        if self.json {
            return print_json(r);
        }
        if self.quiet {
            println!("{}", e.id);
            return Ok(());
        }
        println!("{} added: {}", e.kind.as_str(), e.id);
        println!("  sha256   {}", e.sha256);
        println!("  type     {} ({} bytes)", e.media_type, e.size_bytes);
        if let (Some(w), Some(h)) = (e.width, e.height) {
            println!("  size     {w}x{h} px");
        }
        println!("  preview  {:?}; custody entry {}", e.preview, r.seq);
        Ok(())
    }

    pub fn cases(&self, cases: &[CaseSummary]) -> Result<(), Error> {
        if self.json {
            return print_json(cases);
        }
        for c in cases {
            if self.quiet {
                println!("{}", c.case.id);
                continue;
            }
            println!(
                "{}  opened {}  {:?}  people {}  evidence {}  statements {}  entries {}",
                c.case.id,
                c.case.opened_at.utc_rfc3339(),
                c.case.trigger,
                c.people,
                c.evidence,
                c.statements,
                c.custody_entries
            );
        }
        Ok(())
    }

    pub fn case_file(&self, f: &CaseFile) -> Result<(), Error> {
        if self.json {
            return print_json(f);
        }
        let c = &f.case;
        println!(
            "case {}  opened {} (UTC{:+}min)  {:?}",
            c.id,
            c.opened_at.utc_rfc3339(),
            c.opened_at.utc_offset_min,
            c.trigger
        );
        println!("  categories {:?}", c.categories);
        for p in &f.people {
            println!(
                "  person {}  {:?}  {}{}",
                p.id,
                p.role,
                p.full_name,
                if p.identity_protected {
                    " (identity protected)"
                } else {
                    ""
                }
            );
        }
        for e in &f.evidence {
            println!(
                "  evidence {}  {}  {}  sha256 {}",
                e.id,
                e.kind.as_str(),
                e.media_type,
                e.sha256
            );
        }
        for s in &f.statements {
            println!(
                "  statement {}  v{}  {:?}  {}  person {}",
                s.id,
                s.version,
                s.kind,
                s.language.code(),
                s.person_id
            );
        }
        println!("  custody entries {}", f.custody_entries);
        Ok(())
    }

    pub fn verify(&self, r: &VerifyReport) -> Result<(), Error> {
        if self.json {
            return print_json(r);
        }
        match &r.failure {
            None => println!(
                "case {} VERIFIED: {} custody entries, {} records, {} files ({} bytes re-hashed)",
                r.case_id, r.entries_checked, r.records_checked, r.files_checked, r.bytes_hashed
            ),
            Some(f) => println!("case {} FAILED verification: {f}", r.case_id),
        }
        Ok(())
    }

    pub fn export(&self, s: &ExportSummary) -> Result<(), Error> {
        if self.json {
            return print_json(s);
        }
        if self.quiet {
            println!("{}", s.bundle.display());
            return Ok(());
        }
        println!("exported case {} to {}", s.case_id, s.bundle.display());
        println!(
            "  {} files, {} custody entries, device fingerprint {}",
            s.files.len(),
            s.custody_entries,
            s.device_fingerprint
        );
        println!(
            "  verify with: (cd {} && sha256sum -c SHA256SUMS)  -- see VERIFY.txt",
            s.bundle.display()
        );
        Ok(())
    }
}
