//! The opened, unlocked store: every operation an app performs on cases.

use std::path::Path;
use std::sync::Arc;

use qorgau_core::model::{CaptureInfo, Case, Evidence, Language, MediaKind, NewCase, NewPerson, NewStatement};
use qorgau_core::store::CustodyEntry;
use qorgau_core::{CaseFile, CaseSummary, DeviceInfo, DeviceProfile, Store, StoreOptions, VerifyReport};
use qorgau_core::export::ExportSummary;
use uuid::Uuid;

use crate::error::{guard, QorgauError};
use crate::keystore::{Adapter as KeyAdapter, PlatformKeyStore};
use crate::progress::{Adapter as ProgressAdapter, ProgressObserver};
use crate::types::{RecordedCase, RecordedEvidence, RecordedPerson, RecordedStatement};

/// The device's encrypted store, opened and unlocked with the platform key store. Safe to use
/// from several threads; every change is one transaction with its custody entry.
#[derive(uniffi::Object)]
pub struct QorgauStore {
    inner: Store,
}

#[uniffi::export]
impl QorgauStore {
    /// Creates the store in `dir` with fresh device keys wrapped by `keystore`.
    #[uniffi::constructor]
    pub fn init(dir: String, keystore: Arc<dyn PlatformKeyStore>, profile: DeviceProfile) -> Result<Arc<Self>, QorgauError> {
        guard(|| Ok(Arc::new(QorgauStore { inner: Store::init(Path::new(&dir), &KeyAdapter(keystore), profile, StoreOptions::default())? })))
    }

    /// Opens the store in `dir`; a key store that cannot unwrap its keys gives `WrongKey`.
    #[uniffi::constructor]
    pub fn open(dir: String, keystore: Arc<dyn PlatformKeyStore>) -> Result<Arc<Self>, QorgauError> {
        guard(|| Ok(Arc::new(QorgauStore { inner: Store::open(Path::new(&dir), &KeyAdapter(keystore), StoreOptions::default())? })))
    }

    /// The device id, public key and profile.
    pub fn device(&self) -> DeviceInfo {
        self.inner.device().clone()
    }

    /// Opens a case at the scene.
    pub fn open_case(&self, new_case: NewCase) -> Result<RecordedCase, QorgauError> {
        guard(|| Ok(self.inner.open_case(new_case)?.into()))
    }

    /// All cases on the device, newest first.
    pub fn list_cases(&self) -> Result<Vec<CaseSummary>, QorgauError> {
        guard(|| Ok(self.inner.list_cases()?))
    }

    /// The case as opened.
    pub fn case(&self, case_id: Uuid) -> Result<Case, QorgauError> {
        guard(|| Ok(self.inner.case(case_id)?))
    }

    /// Everything on a case.
    pub fn case_file(&self, case_id: Uuid) -> Result<CaseFile, QorgauError> {
        guard(|| Ok(self.inner.case_file(case_id)?))
    }

    /// Adds a person (the IIN is validated).
    pub fn add_person(&self, case_id: Uuid, person: NewPerson) -> Result<RecordedPerson, QorgauError> {
        guard(|| Ok(self.inner.add_person(case_id, person)?.into()))
    }

    /// Adds a photo from the camera's buffer.
    pub fn add_photo_bytes(&self, case_id: Uuid, bytes: Vec<u8>, capture: CaptureInfo) -> Result<RecordedEvidence, QorgauError> {
        guard(|| Ok(self.inner.add_photo_bytes(case_id, &bytes, capture)?.into()))
    }

    /// Adds photo, video or audio from a file, streamed with progress and cancellation. When
    /// `expected` is set, a file of another kind is refused.
    pub fn add_evidence_file(
        &self,
        case_id: Uuid,
        path: String,
        expected: Option<MediaKind>,
        capture: CaptureInfo,
        progress: Option<Arc<dyn ProgressObserver>>,
    ) -> Result<RecordedEvidence, QorgauError> {
        guard(|| Ok(self.inner.add_evidence_file(case_id, Path::new(&path), expected, capture, &ProgressAdapter(progress))?.into()))
    }

    /// The evidence on a case.
    pub fn evidence_list(&self, case_id: Uuid) -> Result<Vec<Evidence>, QorgauError> {
        guard(|| Ok(self.inner.evidence_list(case_id)?))
    }

    /// The preview JPEG of a piece of evidence, if any.
    pub fn thumbnail(&self, evidence_id: Uuid) -> Result<Option<Vec<u8>>, QorgauError> {
        guard(|| Ok(self.inner.thumbnail(evidence_id)?))
    }

    /// Writes the original to `out_path` (hash checked on the way) and logs the viewing with
    /// its purpose (a short code: review, court, ...).
    pub fn extract_original(&self, evidence_id: Uuid, out_path: String, purpose: String) -> Result<u64, QorgauError> {
        guard(|| {
            let mut f = std::fs::File::create(&out_path).map_err(|e| qorgau_core::Error::io("create output file", e))?;
            Ok(self.inner.view_original(evidence_id, &purpose, &mut f)?)
        })
    }

    /// Records a statement.
    pub fn record_statement(&self, case_id: Uuid, statement: NewStatement) -> Result<RecordedStatement, QorgauError> {
        guard(|| Ok(self.inner.record_statement(case_id, statement)?.into()))
    }

    /// Records that a person declined to give a statement.
    pub fn record_refusal(
        &self,
        case_id: Uuid,
        person_id: Uuid,
        language: Language,
        reason: String,
        taken_by: String,
    ) -> Result<RecordedStatement, QorgauError> {
        guard(|| Ok(self.inner.record_refusal(case_id, person_id, language, &reason, &taken_by)?.into()))
    }

    /// Records a corrected version of a statement; the old version stays.
    pub fn correct_statement(&self, replaces: Uuid, statement: NewStatement) -> Result<RecordedStatement, QorgauError> {
        guard(|| Ok(self.inner.correct_statement(replaces, statement)?.into()))
    }

    /// The custody chain of a case, as stored.
    pub fn custody_log(&self, case_id: Uuid) -> Result<Vec<CustodyEntry>, QorgauError> {
        guard(|| Ok(self.inner.custody_log(case_id)?))
    }

    /// Re-hashes every original and checks the chain; mismatches are in the report.
    pub fn verify(&self, case_id: Uuid) -> Result<VerifyReport, QorgauError> {
        guard(|| Ok(self.inner.verify(case_id)?))
    }

    /// Exports the case to a bundle under `out_dir` for court.
    pub fn export_case(&self, case_id: Uuid, out_dir: String) -> Result<ExportSummary, QorgauError> {
        guard(|| Ok(self.inner.export_case(case_id, Path::new(&out_dir))?))
    }
}
