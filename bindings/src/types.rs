//! The core's records and enums, exposed as UniFFI remote types (the definitions repeat the
//! core's so that UniFFI can generate them; the compiler checks that they match), plus the
//! custom types for ids, dates and keys.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, Utc};
use qorgau_core::crypto::signing::PublicKey;
use qorgau_core::document::pdf::OrderCopy;
use qorgau_core::document::qr::QrRejection;
use qorgau_core::document::qr::VerifiedOrderCode;
use qorgau_core::export::{BundleFile, ExportSummary};
use qorgau_core::iin::Iin;
use qorgau_core::iin::IinProblem;
use qorgau_core::model::*;
use qorgau_core::registry::RegistryKind;
use qorgau_core::store::SyncStatus;
use qorgau_core::store::{
    ActiveOrder, CustodyEntry, EventKind, MatchKind, OrderSource, PersonCheck, PersonQuery,
    Profile, RegistryImport, ServeOrder, SignedEntry,
};
use qorgau_core::store::{LockReason, SessionState};
use qorgau_core::sync::client::SyncReport;
use qorgau_core::sync::protocol::{ErrorCode, Rejected, RejectionCode};
use qorgau_core::sync::{SyncFailure, SyncProblem};
use qorgau_core::{CaseFile, CaseSummary, DeviceInfo, DeviceProfile, VerifyFailure, VerifyReport};
use uuid::Uuid;

// ---- custom types -------------------------------------------------------------------------

uniffi::custom_type!(Uuid, String, {
    remote,
    lower: |u| u.to_string(),
    try_lift: |s| Ok(Uuid::parse_str(&s)?),
});

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |d| d.format("%Y-%m-%d").to_string(),
    try_lift: |s| Ok(NaiveDate::parse_from_str(&s, "%Y-%m-%d")?),
});

/// The core's UTC instants, as `java.time.Instant` in Kotlin and `Date` in Swift.
pub type UtcInstant = DateTime<Utc>;

uniffi::custom_type!(UtcInstant, SystemTime, {
    remote,
    lower: |t| t.into(),
    try_lift: |t| Ok(DateTime::<Utc>::from(t)),
});

uniffi::custom_type!(Iin, String, {
    remote,
    lower: |i| i.as_str().to_string(),
    try_lift: |s| Ok(Iin::parse(&s)?),
});

uniffi::custom_type!(PublicKey, String, {
    remote,
    lower: |k| k.hex(),
    try_lift: |s| PublicKey::from_hex(&s).ok_or_else(|| uniffi::deps::anyhow::anyhow!("not a 32-byte hex key")),
});

uniffi::custom_type!(PathBuf, String, {
    remote,
    lower: |p| p.to_string_lossy().into_owned(),
    try_lift: |s| Ok(PathBuf::from(s)),
});

// ---- time, places, cases ------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct DeviceTime {
    pub utc: UtcInstant,
    pub utc_offset_min: i32,
}

#[uniffi::remote(Record)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
}

#[uniffi::remote(Record)]
pub struct CaseLocation {
    pub point: Option<GeoPoint>,
    pub address: Option<String>,
}

#[uniffi::remote(Enum)]
pub enum Trigger {
    SurvivorCall,
    WitnessReport,
    VideoRecord,
    OfficerObserved,
    AgencyReferral,
}

#[uniffi::remote(Enum)]
pub enum CaseCategory {
    Physical,
    Psychological,
    Sexual,
    Economic,
    Stalking,
    ForcedMarriage,
    ChildInvolved,
}

#[uniffi::remote(Enum)]
pub enum TeamRole {
    Officer,
    Psychologist,
    SocialWorker,
    Supervisor,
}

#[uniffi::remote(Record)]
pub struct TeamMember {
    pub role: TeamRole,
    pub name: String,
    pub badge: String,
}

#[uniffi::remote(Enum)]
pub enum CaseStatus {
    Open,
    Closed,
}

#[uniffi::remote(Record)]
pub struct NewCase {
    pub location: CaseLocation,
    pub trigger: Trigger,
    pub categories: Vec<CaseCategory>,
    pub team: Vec<TeamMember>,
    pub summary: Option<String>,
}

#[uniffi::remote(Record)]
pub struct Case {
    pub id: Uuid,
    pub opened_at: DeviceTime,
    pub location: CaseLocation,
    pub trigger: Trigger,
    pub categories: Vec<CaseCategory>,
    pub team: Vec<TeamMember>,
    pub summary: Option<String>,
    pub device_id: Uuid,
}

#[uniffi::remote(Record)]
pub struct CaseSummary {
    pub case: Case,
    pub status: CaseStatus,
    pub people: u32,
    pub evidence: u32,
    pub statements: u32,
    pub custody_entries: u64,
}

#[uniffi::remote(Record)]
pub struct CaseFile {
    pub case: Case,
    pub status: CaseStatus,
    pub people: Vec<Person>,
    pub evidence: Vec<Evidence>,
    pub statements: Vec<Statement>,
    pub custody_entries: u64,
}

// ---- people -------------------------------------------------------------------------------

#[uniffi::remote(Enum)]
pub enum PersonRole {
    Survivor,
    AllegedAggressor,
    Witness,
    Child,
    Other,
}

#[uniffi::remote(Record)]
pub struct NewPerson {
    pub role: PersonRole,
    pub full_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub relation_to_survivor: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub iin: Option<String>,
    pub identity_protected: bool,
    pub address_confidential: bool,
}

#[uniffi::remote(Record)]
pub struct Person {
    pub id: Uuid,
    pub case_id: Uuid,
    pub role: PersonRole,
    pub full_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub relation_to_survivor: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub iin: Option<Iin>,
    pub identity_protected: bool,
    pub address_confidential: bool,
    pub added_at: DeviceTime,
}

// ---- evidence -----------------------------------------------------------------------------

#[uniffi::remote(Enum)]
pub enum MediaKind {
    Photo,
    Video,
    Audio,
}

#[uniffi::remote(Enum)]
pub enum PreviewSource {
    Generated,
    Platform,
    None,
}

#[uniffi::remote(Record)]
pub struct CaptureInfo {
    pub gps: Option<GeoPoint>,
    pub note: Option<String>,
    pub platform_thumbnail: Option<Vec<u8>>,
    #[uniffi(default = false)]
    pub keep_damaged: bool,
}

#[uniffi::remote(Record)]
pub struct Evidence {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: MediaKind,
    pub media_type: String,
    pub sha256: String,
    pub size_bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub preview: PreviewSource,
    pub thumbnail_sha256: Option<String>,
    pub captured_at: DeviceTime,
    pub exif_datetime_original: Option<String>,
    pub exif_orientation: Option<u16>,
    pub gps: Option<GeoPoint>,
    pub captured_by: String,
    pub device_id: Uuid,
    pub note: Option<String>,
    pub preview_note: Option<String>,
    pub damaged: Option<String>,
}

// ---- statements ---------------------------------------------------------------------------

#[uniffi::remote(Enum)]
pub enum Language {
    Kk,
    Ru,
    En,
}

#[uniffi::remote(Enum)]
pub enum StatementKind {
    Given,
    Refused,
}

#[uniffi::remote(Record)]
pub struct Consent {
    pub share_with_crisis_centre: bool,
    pub share_with_court: bool,
}

#[uniffi::remote(Record)]
pub struct NewStatement {
    pub person_id: Uuid,
    pub language: Language,
    pub text: String,
    pub taken_by: String,
    pub consent: Consent,
    pub signature_png: Option<Vec<u8>>,
}

#[uniffi::remote(Record)]
pub struct SignatureRef {
    pub sha256: String,
    pub media_type: String,
    pub size_bytes: u64,
}

#[uniffi::remote(Record)]
pub struct Statement {
    pub id: Uuid,
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub kind: StatementKind,
    pub language: Language,
    pub text: String,
    pub taken_by: String,
    pub taken_at: DeviceTime,
    pub consent: Consent,
    pub signature: Option<SignatureRef>,
    pub version: u32,
    pub supersedes: Option<Uuid>,
}

// ---- device, custody, verification, export -----------------------------------------------

#[uniffi::remote(Record)]
pub struct DeviceProfile {
    pub label: String,
    pub unit: String,
    pub officer: TeamMember,
}

#[uniffi::remote(Record)]
pub struct DeviceInfo {
    pub device_id: Uuid,
    pub public_key: PublicKey,
    pub profile: DeviceProfile,
}

#[uniffi::remote(Enum)]
pub enum EventKind {
    CaseOpened,
    PersonAdded,
    EvidenceAdded,
    StatementRecorded,
    EvidenceViewed,
    CaseExported,
    BundleShared,
    OrderIssued,
    OrderServed,
    OrderExtended,
    OrderRevoked,
    OrderViolated,
    InterventionRecorded,
    ReferralMade,
    ReferralUpdated,
    AssessmentRecorded,
    AssessmentViewed,
    AccessDenied,
}

#[uniffi::remote(Record)]
pub struct SignedEntry {
    pub v: u32,
    pub case: Uuid,
    pub seq: u64,
    pub prev: String,
    pub kind: EventKind,
    pub record: Option<Uuid>,
    pub payload: String,
    pub at: String,
    pub utc_offset_min: i32,
    pub actor: String,
    pub device: Uuid,
}

#[uniffi::remote(Record)]
pub struct CustodyEntry {
    pub entry: SignedEntry,
    pub detail: Option<String>,
    pub entry_hash: String,
    pub signature: Vec<u8>,
}

#[uniffi::remote(Record)]
pub struct VerifyFailure {
    pub seq: Option<u64>,
    pub record: Option<String>,
    pub file: Option<String>,
    pub what: String,
    pub expected: String,
    pub found: String,
}

#[uniffi::remote(Record)]
pub struct VerifyReport {
    pub case_id: Uuid,
    pub ok: bool,
    pub entries_checked: u64,
    pub records_checked: u64,
    pub files_checked: u64,
    pub bytes_hashed: u64,
    pub failure: Option<VerifyFailure>,
}

#[uniffi::remote(Record)]
pub struct BundleFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[uniffi::remote(Record)]
pub struct ExportSummary {
    pub case_id: Uuid,
    pub bundle: PathBuf,
    pub files: Vec<BundleFile>,
    pub custody_entries: u64,
    pub device_fingerprint: String,
}

// ---- protection orders ------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct Texts {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

#[uniffi::remote(Record)]
pub struct ProhibitionRule {
    pub code: String,
    pub text: Texts,
}

#[uniffi::remote(Record)]
pub struct OrderRules {
    pub rules_version: String,
    pub source: String,
    pub term_days: u32,
    pub check_interval_days: u32,
    pub min_age_restricted: u32,
    pub max_total_days: u32,
    pub violation_consequence: Texts,
    pub prohibitions: Vec<ProhibitionRule>,
}

#[uniffi::remote(Record)]
pub struct NewOrder {
    pub restricted_person: Uuid,
    pub protected_persons: Vec<Uuid>,
    pub prohibitions: Vec<String>,
    pub valid_from: Option<UtcInstant>,
    pub valid_until: Option<UtcInstant>,
    pub number: Option<String>,
    pub survivor_opinion: Option<String>,
}

#[uniffi::remote(Record)]
pub struct ProtectionOrder {
    pub id: Uuid,
    pub case_id: Uuid,
    pub number: String,
    pub issued_at: DeviceTime,
    pub valid_from: UtcInstant,
    pub valid_until: UtcInstant,
    pub restricted_person: Uuid,
    pub protected_persons: Vec<Uuid>,
    pub prohibitions: Vec<String>,
    pub issued_by: String,
    pub device_id: Uuid,
    pub survivor_opinion: Option<String>,
    pub rules_version: String,
    pub check_interval_days: u32,
}

#[uniffi::remote(Enum)]
pub enum Service {
    Signed { signature_sha256: String },
    RefusedToSign { witnesses: Vec<String> },
}

#[uniffi::remote(Enum)]
pub enum OrderEventKind {
    Served {
        service: Service,
    },
    Extended {
        new_valid_until: UtcInstant,
        reason: String,
    },
    Revoked {
        reason: String,
    },
    Violated {
        description: String,
        occurred_at: UtcInstant,
    },
}

#[uniffi::remote(Record)]
pub struct OrderEvent {
    pub id: Uuid,
    pub order_id: Uuid,
    pub case_id: Uuid,
    pub at: DeviceTime,
    pub by: String,
    pub event: OrderEventKind,
}

#[uniffi::remote(Record)]
pub struct OrderStatus {
    pub order: ProtectionOrder,
    pub served_at: Option<DeviceTime>,
    pub service: Option<Service>,
    pub valid_until: UtcInstant,
    pub revoked: bool,
    pub violations: u32,
    pub events: Vec<OrderEvent>,
}

#[uniffi::remote(Enum)]
pub enum ServeOrder {
    Signed { signature_image: Vec<u8> },
    RefusedToSign { witnesses: Vec<String> },
}

#[uniffi::remote(Enum)]
pub enum OrderCopy {
    Served,
    PoliceFile,
}

#[uniffi::remote(Record)]
pub struct VerifiedOrderCode {
    pub number: String,
    pub valid_from: UtcInstant,
    pub valid_until: UtcInstant,
    pub issued_at: UtcInstant,
    pub restricted: String,
    pub protected: Vec<String>,
    pub prohibitions: Vec<String>,
    pub device_id: String,
}

// ---- registry and check at the scene ------------------------------------------------------

#[uniffi::remote(Record)]
pub struct PersonQuery {
    pub iin: Option<String>,
    pub name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub current_case: Option<Uuid>,
}

#[uniffi::remote(Enum)]
pub enum MatchKind {
    Iin,
    NameAndBirthDate,
    NoMatch,
}

#[uniffi::remote(Enum)]
pub enum OrderSource {
    Registry,
    ThisDevice,
}

#[uniffi::remote(Record)]
pub struct ActiveOrder {
    pub number: String,
    pub valid_from: UtcInstant,
    pub valid_until: UtcInstant,
    pub prohibitions: Vec<String>,
    pub source: OrderSource,
}

#[uniffi::remote(Record)]
pub struct PersonCheck {
    pub match_kind: MatchKind,
    pub display_name: Option<String>,
    pub active_orders: Vec<ActiveOrder>,
    pub past_violations: u32,
    pub earlier_cases: u32,
    pub repeat_offender: bool,
    pub registry_sequence: u64,
    pub birth_date: Option<NaiveDate>,
    pub registry_generated_at: Option<UtcInstant>,
}

#[uniffi::remote(Enum)]
pub enum RegistryKind {
    Snapshot,
    Delta,
}

#[uniffi::remote(Record)]
pub struct RegistryImport {
    pub kind: RegistryKind,
    pub sequence: u64,
    pub rows: u64,
    pub devices: u64,
}

// ---- interventions and referrals ----------------------------------------------------------

#[uniffi::remote(Enum)]
pub enum InterventionKind {
    PreventiveTalk,
    HomeVisit,
    OrderCheck,
    OfficialWarning,
    CorrectionalProgramme,
    Other,
}

#[uniffi::remote(Record)]
pub struct NewIntervention {
    pub person_id: Uuid,
    pub kind: InterventionKind,
    pub date: NaiveDate,
    pub outcome: String,
    pub next_check: Option<NaiveDate>,
}

#[uniffi::remote(Record)]
pub struct Intervention {
    pub id: Uuid,
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub kind: InterventionKind,
    pub date: NaiveDate,
    pub outcome: String,
    pub next_check: Option<NaiveDate>,
    pub officer: String,
    pub recorded_at: DeviceTime,
}

#[uniffi::remote(Enum)]
pub enum DueReason {
    InterventionFollowUp {
        intervention_id: Uuid,
    },
    OrderCheck {
        order_id: Uuid,
        order_number: String,
    },
}

#[uniffi::remote(Record)]
pub struct DueItem {
    pub due: NaiveDate,
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub reason: DueReason,
    pub overdue: bool,
}

#[uniffi::remote(Enum)]
pub enum ReferralKind {
    CrisisCentre,
    Shelter,
    LegalAid,
    Psychologist,
    Medical,
}

#[uniffi::remote(Enum)]
pub enum ReferralStatus {
    Proposed,
    Accepted,
    InProgress,
    Completed,
    Declined,
    Cancelled,
}

#[uniffi::remote(Record)]
pub struct NewReferral {
    pub person_id: Uuid,
    pub kind: ReferralKind,
    pub organisation: String,
    pub children_placed: u32,
    pub consent_given: bool,
    pub note: Option<String>,
}

#[uniffi::remote(Record)]
pub struct Referral {
    pub id: Uuid,
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub kind: ReferralKind,
    pub organisation: String,
    pub children_placed: u32,
    pub consent_given_at: DeviceTime,
    pub note: Option<String>,
    pub made_by: String,
    pub made_at: DeviceTime,
}

#[uniffi::remote(Enum)]
pub enum ReferralChange {
    Status {
        status: ReferralStatus,
        note: Option<String>,
    },
    ConsentWithdrawn {
        reason: Option<String>,
    },
}

#[uniffi::remote(Record)]
pub struct ReferralUpdate {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub case_id: Uuid,
    pub at: DeviceTime,
    pub by: String,
    pub change: ReferralChange,
}

#[uniffi::remote(Record)]
pub struct ReferralState {
    pub referral: Referral,
    pub status: ReferralStatus,
    pub consent_active: bool,
    pub updates: Vec<ReferralUpdate>,
}

// ---- profiles and risk assessments -------------------------------------------------------

#[uniffi::remote(Record)]
pub struct Profile {
    pub id: Uuid,
    pub role: TeamRole,
    pub name: String,
    pub badge: String,
    pub failed_attempts: u32,
    pub locked_until: Option<UtcInstant>,
    pub clinical_access: bool,
}

#[uniffi::remote(Enum)]
pub enum LockReason {
    SignedOut,
    Background,
    Idle,
    QuickHide,
}

#[uniffi::remote(Record)]
pub struct SessionState {
    pub profile: Option<Profile>,
    pub last_lock: Option<LockReason>,
    pub idle_limit_secs: u32,
}

#[uniffi::remote(Enum)]
pub enum InstrumentKind {
    Checklist,
    Weighted,
}

#[uniffi::remote(Enum)]
pub enum Answer {
    Yes,
    No,
    DontKnow,
}

#[uniffi::remote(Record)]
pub struct InstrumentItem {
    pub id: String,
    pub text: Texts,
    pub weight: u32,
    pub required: bool,
}

#[uniffi::remote(Record)]
pub struct CalendarRule {
    pub max_severity: u8,
    pub points_by_severity: Vec<u32>,
}

#[uniffi::remote(Record)]
pub struct Band {
    pub level: String,
    pub min_score: u32,
    pub label: Texts,
}

#[uniffi::remote(Record)]
pub struct Instrument {
    pub id: String,
    pub version: String,
    pub kind: InstrumentKind,
    pub title: Texts,
    pub source: String,
    pub validated: bool,
    pub answer_options: Vec<Answer>,
    pub items: Vec<InstrumentItem>,
    pub calendar: Option<CalendarRule>,
    pub bands: Vec<Band>,
    pub override_up_allowed: bool,
}

#[uniffi::remote(Record)]
pub struct ScorePreview {
    pub score: u32,
    pub level: String,
    pub level_rank: u32,
    pub unanswered: u32,
}

#[uniffi::remote(Record)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub severity: u8,
}

#[uniffi::remote(Record)]
pub struct Recommendations {
    pub protection_order: bool,
    pub shelter: bool,
    pub arrest_request: bool,
    pub follow_up: Option<NaiveDate>,
}

#[uniffi::remote(Record)]
pub struct NewAssessment {
    pub survivor_id: Uuid,
    pub instrument_id: String,
    pub instrument_version: String,
    pub answers: HashMap<String, Answer>,
    pub calendar: Vec<CalendarEntry>,
    pub override_level: Option<String>,
    pub override_reason: Option<String>,
    pub recommendations: Recommendations,
    pub clinical_notes: String,
}

#[uniffi::remote(Record)]
pub struct AssessmentSummary {
    pub id: Uuid,
    pub case_id: Uuid,
    pub survivor_id: Uuid,
    pub instrument_id: String,
    pub instrument_version: String,
    pub score: u32,
    pub computed_level: String,
    pub level: String,
    pub level_rank: u32,
    pub overridden: bool,
    pub recommendations: Recommendations,
    pub assessed_by: String,
    pub assessed_at: DeviceTime,
    pub clinical_sha256: String,
}

#[uniffi::remote(Record)]
pub struct ClinicalPart {
    pub answers: HashMap<String, Answer>,
    pub calendar: Vec<CalendarEntry>,
    pub override_reason: Option<String>,
    pub notes: String,
}

#[uniffi::remote(Record)]
pub struct AssessmentDetail {
    pub summary: AssessmentSummary,
    pub clinical: ClinicalPart,
}

#[uniffi::remote(Record)]
pub struct TrendPoint {
    pub assessment_id: Uuid,
    pub case_id: Uuid,
    pub assessed_at: DeviceTime,
    pub instrument_id: String,
    pub score: u32,
    pub level: String,
    pub level_rank: u32,
}

// ---- sync ---------------------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct SyncStatus {
    pub pending_records: u64,
    pub pending_bytes: u64,
    pub oldest_pending_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    pub last_problem: Option<SyncProblem>,
}

/// The stable code of a station's refusal (decide on it, never on the words).
#[uniffi::remote(Enum)]
pub enum ErrorCode {
    BadRequest,
    TooLarge,
    Unauthenticated,
    StaleRequest,
    Replayed,
    DeviceRevoked,
    CodeUnknown,
    CodeUsed,
    CodeExpired,
    WeakKey,
    EnrolmentRefused,
    Throttled,
    QuotaExceeded,
    Forbidden,
    NotFound,
    Gone,
    Busy,
    ChecksumMismatch,
    Internal,
    Unknown,
}

/// Why talking to the station failed.
#[uniffi::remote(Enum)]
pub enum SyncFailure {
    Unreachable,
    UntrustedCertificate,
    NotEnrolled,
    EnrolmentNotAuthentic,
    Refused { code: ErrorCode, status: u16 },
    StationFailed { status: u16 },
    MalformedAnswer,
    NoProgress,
    Cancelled,
    Local,
}

/// The last sync's problem, as a kind.
#[uniffi::remote(Enum)]
pub enum SyncProblem {
    Failed { failure: SyncFailure },
    EntriesRefused { count: u64 },
    RegistryNotUpdated,
}

/// Why an IIN was refused.
#[uniffi::remote(Enum)]
pub enum IinProblem {
    WrongLength,
    BadCenturyDigit,
    NoSuchBirthDate,
    NoValidCheckDigit,
    CheckDigitMismatch,
}

/// Why an order's QR code was refused.
#[uniffi::remote(Enum)]
pub enum QrRejection {
    Malformed,
    Tampered,
    UnknownSigner,
    RevokedSigner,
    Expired,
}

#[uniffi::remote(Record)]
pub struct Rejected {
    pub case: String,
    pub seq: u64,
    pub code: RejectionCode,
    pub reason: String,
}

/// Why the station refused an entry.
#[uniffi::remote(Enum)]
pub enum RejectionCode {
    Malformed,
    OtherDevice,
    BadSignature,
    NotCaseOwner,
    NotCaseStart,
    Conflicting,
    BrokenLink,
    PayloadMismatch,
    InvalidRecord,
    Unknown,
}

#[uniffi::remote(Record)]
pub struct SyncReport {
    pub acked: u64,
    pub rejected: Vec<Rejected>,
    pub uploaded_bytes: u64,
    pub registry: Option<RegistryImport>,
    pub registry_error: Option<String>,
    pub pending_after: u64,
}

// ---- results with their place in the chain ------------------------------------------------

macro_rules! recorded {
    ($name:ident, $t:ty) => {
        /// A stored record with the SHA-256 of its canonical form and its custody entry.
        #[derive(uniffi::Record)]
        pub struct $name {
            pub record: $t,
            pub sha256: String,
            pub seq: u64,
        }
        impl From<qorgau_core::Recorded<$t>> for $name {
            fn from(r: qorgau_core::Recorded<$t>) -> Self {
                $name {
                    record: r.record,
                    sha256: r.sha256,
                    seq: r.seq,
                }
            }
        }
    };
}

recorded!(RecordedCase, Case);
recorded!(RecordedPerson, Person);
recorded!(RecordedEvidence, Evidence);
recorded!(RecordedStatement, Statement);
recorded!(RecordedOrder, ProtectionOrder);
recorded!(RecordedOrderEvent, OrderEvent);
recorded!(RecordedIntervention, Intervention);
recorded!(RecordedReferral, Referral);
recorded!(RecordedReferralUpdate, ReferralUpdate);
recorded!(RecordedAssessment, AssessmentSummary);
