//! The opened, unlocked store: every operation an app performs on cases.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use std::time::SystemTime;

use chrono::NaiveDate;
use qorgau_core::document::pdf::OrderCopy;
use qorgau_core::document::qr::VerifiedOrderCode;
use qorgau_core::export::ExportSummary;
use qorgau_core::model::{
    Answer, AssessmentDetail, AssessmentSummary, CalendarEntry, CaptureInfo, Case, DueItem,
    Evidence, Instrument, Intervention, Language, MediaKind, NewAssessment, NewCase,
    NewIntervention, NewOrder, NewPerson, NewReferral, NewStatement, OrderRules, OrderStatus,
    ReferralChange, ReferralState, ScorePreview, TeamRole, TrendPoint,
};
use qorgau_core::store::CustodyEntry;
use qorgau_core::store::{
    LockReason, PersonCheck, PersonQuery, Profile, RegistryImport, ServeOrder, SessionState,
    SyncStatus,
};
use qorgau_core::sync::client::SyncReport;
use qorgau_core::{
    CaseFile, CaseSummary, DeviceInfo, DeviceProfile, Store, StoreOptions, VerifyReport,
};
use uuid::Uuid;

use crate::enrolment::{enrolment_of, Enrolment};
use crate::error::{guard, QorgauError};
use crate::keystore::{Adapter as KeyAdapter, PlatformKeyStore};
use crate::progress::{Adapter as ProgressAdapter, ProgressObserver};
use crate::types::{
    RecordedAssessment, RecordedCase, RecordedEvidence, RecordedIntervention, RecordedOrder,
    RecordedOrderEvent, RecordedPerson, RecordedReferral, RecordedReferralUpdate,
    RecordedStatement,
};

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
    pub fn create(
        dir: String,
        keystore: Arc<dyn PlatformKeyStore>,
        profile: DeviceProfile,
    ) -> Result<Arc<Self>, QorgauError> {
        guard(|| {
            Ok(Arc::new(QorgauStore {
                inner: Store::init(
                    Path::new(&dir),
                    &KeyAdapter(keystore),
                    profile,
                    StoreOptions::default(),
                )?,
            }))
        })
    }

    /// Opens the store in `dir`; a key store that cannot unwrap its keys gives `WrongKey`.
    #[uniffi::constructor]
    pub fn open(
        dir: String,
        keystore: Arc<dyn PlatformKeyStore>,
    ) -> Result<Arc<Self>, QorgauError> {
        guard(|| {
            Ok(Arc::new(QorgauStore {
                inner: Store::open(
                    Path::new(&dir),
                    &KeyAdapter(keystore),
                    StoreOptions::default(),
                )?,
            }))
        })
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
    pub fn add_person(
        &self,
        case_id: Uuid,
        person: NewPerson,
    ) -> Result<RecordedPerson, QorgauError> {
        guard(|| Ok(self.inner.add_person(case_id, person)?.into()))
    }

    /// Adds a photo from the camera's buffer.
    pub fn add_photo_bytes(
        &self,
        case_id: Uuid,
        bytes: Vec<u8>,
        capture: CaptureInfo,
    ) -> Result<RecordedEvidence, QorgauError> {
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
        guard(|| {
            Ok(self
                .inner
                .add_evidence_file(
                    case_id,
                    Path::new(&path),
                    expected,
                    capture,
                    &ProgressAdapter(progress),
                )?
                .into())
        })
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
    pub fn extract_original(
        &self,
        evidence_id: Uuid,
        out_path: String,
        purpose: String,
    ) -> Result<u64, QorgauError> {
        guard(|| {
            let mut f = std::fs::File::create(&out_path)
                .map_err(|e| qorgau_core::Error::io("create output file", e))?;
            Ok(self.inner.view_original(evidence_id, &purpose, &mut f)?)
        })
    }

    /// Records a statement.
    pub fn record_statement(
        &self,
        case_id: Uuid,
        statement: NewStatement,
    ) -> Result<RecordedStatement, QorgauError> {
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
        guard(|| {
            Ok(self
                .inner
                .record_refusal(case_id, person_id, language, &reason, &taken_by)?
                .into())
        })
    }

    /// Records a corrected version of a statement; the old version stays.
    pub fn correct_statement(
        &self,
        replaces: Uuid,
        statement: NewStatement,
    ) -> Result<RecordedStatement, QorgauError> {
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
    pub fn export_case(
        &self,
        case_id: Uuid,
        out_dir: String,
    ) -> Result<ExportSummary, QorgauError> {
        guard(|| Ok(self.inner.export_case(case_id, Path::new(&out_dir))?))
    }

    /// Records in the case's custody chain that its court bundle is being shared (`to`: mail,
    /// AirDrop, an app's name). A signed-in profile is required; call it before the share sheet
    /// opens, and delete the bundle once the share ends.
    pub fn record_bundle_shared(&self, case_id: Uuid, to: String) -> Result<u64, QorgauError> {
        guard(|| Ok(self.inner.record_bundle_shared(case_id, &to)?))
    }

    // ---- protection orders ----------------------------------------------------------------

    /// The rule table in force (terms, prohibitions with their wording, source).
    pub fn order_rules(&self) -> OrderRules {
        self.inner.order_rules().clone()
    }

    /// Issues a protection order at the scene.
    pub fn issue_order(
        &self,
        case_id: Uuid,
        order: NewOrder,
    ) -> Result<RecordedOrder, QorgauError> {
        guard(|| Ok(self.inner.issue_order(case_id, order)?.into()))
    }

    /// An order with its events and current state.
    pub fn order_status(&self, order_id: Uuid) -> Result<OrderStatus, QorgauError> {
        guard(|| Ok(self.inner.order_status(order_id)?))
    }

    /// The orders of a case.
    pub fn orders_of_case(&self, case_id: Uuid) -> Result<Vec<OrderStatus>, QorgauError> {
        guard(|| Ok(self.inner.orders_of_case(case_id)?))
    }

    /// Records how the order was served (signed, or refused in front of witnesses).
    pub fn serve_order(
        &self,
        order_id: Uuid,
        how: ServeOrder,
    ) -> Result<RecordedOrderEvent, QorgauError> {
        guard(|| Ok(self.inner.serve_order(order_id, how)?.into()))
    }

    /// Extends an order.
    pub fn extend_order(
        &self,
        order_id: Uuid,
        new_valid_until: SystemTime,
        reason: String,
    ) -> Result<RecordedOrderEvent, QorgauError> {
        guard(|| {
            Ok(self
                .inner
                .extend_order(order_id, new_valid_until.into(), &reason)?
                .into())
        })
    }

    /// Revokes an order.
    pub fn revoke_order(
        &self,
        order_id: Uuid,
        reason: String,
    ) -> Result<RecordedOrderEvent, QorgauError> {
        guard(|| Ok(self.inner.revoke_order(order_id, &reason)?.into()))
    }

    /// Records a violation; the restricted person becomes a repeat offender.
    pub fn record_violation(
        &self,
        order_id: Uuid,
        description: String,
        occurred_at: SystemTime,
    ) -> Result<RecordedOrderEvent, QorgauError> {
        guard(|| {
            Ok(self
                .inner
                .record_violation(order_id, &description, occurred_at.into())?
                .into())
        })
    }

    /// The order's signed QR text.
    pub fn order_qr_text(&self, order_id: Uuid) -> Result<String, QorgauError> {
        guard(|| Ok(self.inner.order_qr_text(order_id)?))
    }

    /// The order's QR code as a PNG (`scale` pixels per module).
    pub fn order_qr_png(&self, order_id: Uuid, scale: u32) -> Result<Vec<u8>, QorgauError> {
        guard(|| {
            Ok(qorgau_core::document::qr::png(
                &self.inner.order_qr_text(order_id)?,
                scale.clamp(1, 32),
            )?)
        })
    }

    /// Verifies a scanned order code offline (signature, signer known and not revoked, not
    /// expired) and returns what it says in plain types.
    pub fn verify_order_qr(&self, text: String) -> Result<VerifiedOrderCode, QorgauError> {
        guard(|| Ok((&self.inner.verify_order_qr(&text)?).into()))
    }

    /// The printable order as PDF bytes, one page per language.
    pub fn order_pdf(
        &self,
        order_id: Uuid,
        copy: OrderCopy,
        languages: Vec<Language>,
    ) -> Result<Vec<u8>, QorgauError> {
        guard(|| Ok(self.inner.order_pdf(order_id, copy, &languages)?))
    }

    // ---- registry and check at the scene --------------------------------------------------

    /// Trusts the station's public key (hex) for registry files, by hand (a registry carried on
    /// a memory stick, a station replaced). Only a signed-in supervisor may (`PermissionDenied`
    /// otherwise); the change is audited. Enrolment sets the key by itself.
    pub fn trust_station_key(&self, public_key_hex: String) -> Result<(), QorgauError> {
        guard(|| {
            let key = qorgau_core::crypto::signing::PublicKey::from_hex(&public_key_hex)
                .ok_or_else(|| qorgau_core::Error::invalid("public_key", "64 hex digits"))?;
            Ok(self.inner.trust_station_key(key)?)
        })
    }

    /// Imports a signed registry file (snapshot or delta) from a path.
    pub fn import_registry(&self, path: String) -> Result<RegistryImport, QorgauError> {
        guard(|| {
            let f = std::fs::File::open(&path)
                .map_err(|e| qorgau_core::Error::io("open registry file", e))?;
            Ok(self.inner.import_registry(std::io::BufReader::new(f))?)
        })
    }

    /// Checks a person at the scene, offline.
    pub fn check_person(&self, query: PersonQuery) -> Result<PersonCheck, QorgauError> {
        guard(|| Ok(self.inner.check_person(&query)?))
    }

    // ---- interventions and referrals -------------------------------------------------------

    /// Records a preventive intervention.
    pub fn record_intervention(
        &self,
        case_id: Uuid,
        intervention: NewIntervention,
    ) -> Result<RecordedIntervention, QorgauError> {
        guard(|| {
            Ok(self
                .inner
                .record_intervention(case_id, intervention)?
                .into())
        })
    }

    /// The interventions of a case.
    pub fn interventions(&self, case_id: Uuid) -> Result<Vec<Intervention>, QorgauError> {
        guard(|| Ok(self.inner.interventions(case_id)?))
    }

    /// What is due in the week from `from` (YYYY-MM-DD), and what is overdue.
    pub fn due_this_week(&self, from: NaiveDate) -> Result<Vec<DueItem>, QorgauError> {
        guard(|| Ok(self.inner.due_this_week(from)?))
    }

    /// Makes a referral (consent required).
    pub fn make_referral(
        &self,
        case_id: Uuid,
        referral: NewReferral,
    ) -> Result<RecordedReferral, QorgauError> {
        guard(|| Ok(self.inner.make_referral(case_id, referral)?.into()))
    }

    /// The referrals of a case.
    pub fn referrals(&self, case_id: Uuid) -> Result<Vec<ReferralState>, QorgauError> {
        guard(|| Ok(self.inner.referrals(case_id)?))
    }

    /// Updates a referral or records the withdrawal of consent.
    pub fn update_referral(
        &self,
        referral_id: Uuid,
        change: ReferralChange,
    ) -> Result<RecordedReferralUpdate, QorgauError> {
        guard(|| Ok(self.inner.update_referral(referral_id, change)?.into()))
    }

    // ---- profiles -------------------------------------------------------------------------

    /// Creates a profile with a PIN (6–12 digits, not trivial). The first profile on a phone
    /// must be the supervisor's; after that a supervisor must be signed in. A psychologist added
    /// while another holds the clinical key gets it through `grant_clinical_access`.
    pub fn create_profile(
        &self,
        role: TeamRole,
        name: String,
        badge: String,
        pin: String,
    ) -> Result<Profile, QorgauError> {
        guard(|| Ok(self.inner.create_profile(role, &name, &badge, &pin)?))
    }

    /// Hands the clinical key to a psychologist's profile that lacks it: a psychologist who
    /// holds it is signed in, and the colleague types her own PIN (a wrong one counts towards
    /// her lock-out).
    pub fn grant_clinical_access(
        &self,
        profile_id: Uuid,
        pin: String,
    ) -> Result<Profile, QorgauError> {
        guard(|| Ok(self.inner.grant_clinical_access(profile_id, &pin)?))
    }

    /// The profiles on this device.
    pub fn profiles(&self) -> Result<Vec<Profile>, QorgauError> {
        guard(|| Ok(self.inner.profiles()?))
    }

    /// Unlocks a profile and makes it the acting one.
    pub fn unlock_profile(&self, profile_id: Uuid, pin: String) -> Result<Profile, QorgauError> {
        guard(|| Ok(self.inner.unlock_profile(profile_id, &pin)?))
    }

    /// Signs the acting profile out.
    pub fn lock_profile(&self) {
        self.inner.lock_profile()
    }

    /// The acting profile, if any.
    pub fn current_profile(&self) -> Option<Profile> {
        self.inner.current_profile()
    }

    /// Locks the session now (the app went to the background, the officer tapped quick-hide or
    /// signed out): the signed-in profile and its clinical key are forgotten.
    pub fn lock_session(&self, reason: LockReason) {
        self.inner.lock_session(reason)
    }

    /// The officer used the app; false (and locked) when the idle limit had already passed.
    pub fn note_activity(&self) -> bool {
        self.inner.note_activity()
    }

    /// Seconds of inactivity after which the core locks the session (1 to 3600).
    pub fn set_idle_limit(&self, secs: u32) -> Result<(), QorgauError> {
        guard(|| Ok(self.inner.set_idle_limit(secs)?))
    }

    /// What the PIN gate needs: the signed-in profile, if any, and why the last one ended.
    pub fn session_state(&self) -> SessionState {
        self.inner.session_state()
    }

    // ---- risk assessments -----------------------------------------------------------------

    /// The instruments available (shipped and station-loaded).
    pub fn instruments(&self) -> Result<Vec<Instrument>, QorgauError> {
        guard(|| Ok(self.inner.instruments()?))
    }

    /// Loads a station-signed instrument file (its content as text).
    pub fn load_signed_instrument(&self, envelope: String) -> Result<Instrument, QorgauError> {
        guard(|| Ok(self.inner.load_signed_instrument(&envelope)?))
    }

    /// The score so far of an assessment being filled in: unanswered items count as "no" and
    /// are counted. Stores nothing; the form shows it as the psychologist goes.
    pub fn score_preview(
        &self,
        instrument_id: String,
        version: String,
        answers: HashMap<String, Answer>,
        calendar: Vec<CalendarEntry>,
    ) -> Result<ScorePreview, QorgauError> {
        guard(|| {
            Ok(self
                .inner
                .score_preview(&instrument_id, &version, &answers, &calendar)?)
        })
    }

    /// Records an assessment (psychologist profiles only).
    pub fn record_assessment(
        &self,
        case_id: Uuid,
        assessment: NewAssessment,
    ) -> Result<RecordedAssessment, QorgauError> {
        guard(|| Ok(self.inner.record_assessment(case_id, assessment)?.into()))
    }

    /// Level, score and recommendations: for every role.
    pub fn assessment_summary(
        &self,
        assessment_id: Uuid,
    ) -> Result<AssessmentSummary, QorgauError> {
        guard(|| Ok(self.inner.assessment_summary(assessment_id)?))
    }

    /// The assessments of a case (summaries).
    pub fn assessments_of_case(
        &self,
        case_id: Uuid,
    ) -> Result<Vec<AssessmentSummary>, QorgauError> {
        guard(|| Ok(self.inner.assessments_of_case(case_id)?))
    }

    /// Answers and clinical notes: psychologists only; every read and refusal is audited.
    pub fn assessment_detail(&self, assessment_id: Uuid) -> Result<AssessmentDetail, QorgauError> {
        guard(|| Ok(self.inner.assessment_detail(assessment_id)?))
    }

    /// A survivor's levels over time.
    pub fn level_trend(&self, survivor_id: Uuid) -> Result<Vec<TrendPoint>, QorgauError> {
        guard(|| Ok(self.inner.level_trend(survivor_id)?))
    }

    // ---- sync -----------------------------------------------------------------------------

    /// What is waiting for the station, for the sync screen.
    pub fn sync_status(&self) -> Result<SyncStatus, QorgauError> {
        guard(|| Ok(self.inner.sync_status()?))
    }

    /// The station this device is enrolled with.
    pub fn station(&self) -> Result<Option<String>, QorgauError> {
        guard(|| Ok(self.inner.station()?))
    }

    /// Enrols the device from the duty officer's enrolment card (the text of its QR code): the
    /// phone trusts only the TLS root and station key the card names, and stores nothing unless
    /// the station's answer is bound to the card's code. Plain `http://` is refused except to
    /// this machine.
    pub fn enrol_with_card(&self, card: String) -> Result<Enrolment, QorgauError> {
        guard(|| {
            let card = qorgau_core::sync::enrolment::EnrolmentCard::parse(&card)?;
            let a = qorgau_core::sync::client::SyncClient::enrol_with_card(&self.inner, &card)?;
            Ok(enrolment_of(
                &card.station_url,
                &a,
                self.inner.station_ca()?.is_some(),
            ))
        })
    }

    /// Enrols the device with the station's address and the one-time code typed by hand. Over
    /// https the station's certificate must come from the TLS root named in its answer, which
    /// is bound to the code; plain `http://` is refused except to this machine.
    pub fn enrol(&self, station_url: String, code: String) -> Result<Enrolment, QorgauError> {
        guard(|| {
            let a = qorgau_core::sync::client::SyncClient::new(&station_url)?
                .enrol(&self.inner, &code)?;
            Ok(enrolment_of(
                &station_url,
                &a,
                self.inner.station_ca()?.is_some(),
            ))
        })
    }

    /// Enrols over https with a station under an operator's certificate whose CA (PEM) the
    /// officer was given; the device then trusts that CA for the station.
    pub fn enrol_with_certificate(
        &self,
        station_url: String,
        code: String,
        ca_pem: Vec<u8>,
    ) -> Result<Enrolment, QorgauError> {
        guard(|| {
            let a = qorgau_core::sync::client::SyncClient::with_station_certificate(
                &station_url,
                &ca_pem,
            )?
            .enrol(&self.inner, &code)?;
            Ok(enrolment_of(&station_url, &a, true))
        })
    }

    /// Syncs with the enrolled station (blocking: call it from a background worker). Progress is
    /// reported in bytes of originals uploaded; `is_cancelled` stops it between pieces, keeping
    /// everything not yet acknowledged in the outbox.
    pub fn sync(
        &self,
        progress: Option<Arc<dyn ProgressObserver>>,
    ) -> Result<SyncReport, QorgauError> {
        guard(|| {
            Ok(
                qorgau_core::sync::client::SyncClient::for_store(&self.inner)?
                    .sync(&self.inner, &ProgressAdapter(progress))?,
            )
        })
    }
}
