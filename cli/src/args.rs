//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use qorgau_core::model::{
    CaseCategory, CaseLocation, GeoPoint, InterventionKind, MediaKind, NewCase, NewPerson,
    PersonRole, ReferralKind, ReferralStatus, TeamMember, TeamRole, Trigger,
};
use qorgau_core::{DeviceProfile, Error};

/// Parses one of the core's enums by its name, kebab-case or snake_case (`witness-report`),
/// through the core's own serde names: the CLI keeps no copy of each enum.
pub fn core_enum<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.trim().replace('-', "_")))
        .map_err(|_| format!("{s:?} is not an accepted value (see --help)"))
}

/// Qorgau field store: cases, people, evidence, statements, custody chain, verify, export.
#[derive(Parser, Debug)]
#[command(name = "qorgau", version, about, long_about = None)]
pub struct Cli {
    /// Directory of the device store and key file [default: $HOME/.local/share/qorgau].
    #[arg(long, global = true, env = "QORGAU_HOME")]
    pub home: Option<PathBuf>,
    /// Key file of the desktop key store [default: <home>/keystore.key].
    #[arg(long, global = true, env = "QORGAU_KEYSTORE")]
    pub keystore: Option<PathBuf>,
    /// Print JSON instead of text (progress goes to stderr as JSON lines).
    #[arg(long, global = true)]
    pub json: bool,
    /// Act as the profile with this badge number (unlocked with --pin).
    #[arg(long = "as", global = true, env = "QORGAU_AS")]
    pub as_badge: Option<String>,
    /// The profile's PIN.
    #[arg(long, global = true, env = "QORGAU_PIN", hide_env_values = true)]
    pub pin: Option<String>,
    /// Print only the id of what was created (for scripts).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the device profile: keys, encrypted store, officer.
    Init(InitArgs),
    /// Open, list and show cases.
    #[command(subcommand)]
    Case(CaseCmd),
    /// Add people to a case.
    #[command(subcommand)]
    Person(PersonCmd),
    /// Add photo, video or audio evidence; extract an original.
    #[command(subcommand)]
    Evidence(EvidenceCmd),
    /// Record, refuse or correct statements.
    #[command(subcommand)]
    Statement(StatementCmd),
    /// Re-hash every original and check the custody chain of a case.
    Verify {
        /// Case id.
        case: String,
    },
    /// Export a case to a bundle verifiable with sha256sum and openssl.
    Export {
        /// Case id.
        case: String,
        /// Directory to write the bundle into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Protection orders: issue, serve, extend, revoke, violations, PDF, QR.
    #[command(subcommand)]
    Order(OrderCmd),
    /// The offline registry from the station, and checking a person at the scene.
    #[command(subcommand)]
    Registry(RegistryCmd),
    /// Preventive interventions with aggressors, and what is due.
    #[command(subcommand)]
    Intervention(InterventionCmd),
    /// Referrals to crisis centres, shelters, legal aid, psychologists, medical help.
    #[command(subcommand)]
    Referral(ReferralCmd),
    /// User profiles on a shared device (PIN-protected roles).
    #[command(subcommand)]
    Profile(ProfileCmd),
    /// Risk assessments (psychologists record; every role sees the level).
    #[command(subcommand)]
    Assessment(AssessmentCmd),
    /// Enrol this device with a station: from the duty officer's enrolment card (the text of
    /// its QR code, e.g. read with zbarimg), or with the station's address and the code typed
    /// by hand. Nothing is stored unless the station proves it issued the code.
    Enrol {
        /// The enrolment card's text (QORGAU-ENROL:1;url=…;code=…;ca=…;key=…).
        #[arg(long, conflicts_with_all = ["station", "code", "ca"], required_unless_present = "station")]
        card: Option<String>,
        /// The station's address, e.g. https://10.20.0.5:8440 (http only to this machine).
        #[arg(long, requires = "code")]
        station: Option<String>,
        /// The one-time code, as typed.
        #[arg(long, requires = "station")]
        code: Option<String>,
        /// The station's CA certificate (PEM), when it serves under an operator's certificate.
        #[arg(long, requires = "station")]
        ca: Option<PathBuf>,
    },
    /// Sync with the station: pull the registry, upload originals, push the outbox.
    Sync {
        /// Only show what is waiting.
        #[arg(long)]
        status: bool,
    },
    /// Write synthetic media and registries for demos and tests (no real people).
    #[command(subcommand)]
    Synth(SynthCmd),
}

#[derive(Subcommand, Debug)]
pub enum OrderCmd {
    /// Issue a protection order on a case.
    Issue {
        /// Case id.
        case: String,
        /// The restricted person's id (aged 16+).
        #[arg(long)]
        restricted: String,
        /// A protected person's id (repeatable).
        #[arg(long = "protect", required = true)]
        protected: Vec<String>,
        /// Prohibition code from the rule table (repeatable): commit_violence, seek_out, pursue, visit, contact.
        #[arg(long = "prohibit", required = true)]
        prohibitions: Vec<String>,
        /// Number of a pre-printed paper form (otherwise numbered by the device).
        #[arg(long)]
        number: Option<String>,
        /// Start of validity, RFC 3339 [default: now].
        #[arg(long)]
        from: Option<chrono::DateTime<chrono::Utc>>,
        /// End of validity, RFC 3339 [default: the legal term after the start].
        #[arg(long)]
        until: Option<chrono::DateTime<chrono::Utc>>,
        /// The survivor's opinion, as she gave it.
        #[arg(long)]
        opinion: Option<String>,
    },
    /// Record how an order was served.
    Serve {
        order: String,
        /// The restricted person's signature image.
        #[arg(long, conflicts_with = "refused")]
        signature: Option<PathBuf>,
        /// The person refused to sign (give --witness).
        #[arg(long)]
        refused: bool,
        /// A witness present at the refusal (repeatable).
        #[arg(long = "witness")]
        witnesses: Vec<String>,
    },
    /// Extend an order.
    Extend {
        order: String,
        #[arg(long)]
        until: chrono::DateTime<chrono::Utc>,
        #[arg(long)]
        reason: String,
    },
    /// Revoke an order.
    Revoke {
        order: String,
        #[arg(long)]
        reason: String,
    },
    /// Record a violation of an order.
    Violation {
        order: String,
        #[arg(long)]
        description: String,
        /// When it happened, RFC 3339 [default: now].
        #[arg(long)]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Show an order and its events.
    Show { order: String },
    /// Write the printable order (PDF).
    Pdf {
        order: String,
        /// served (for the restricted person) or file (police file).
        #[arg(long, default_value = "served")]
        copy: String,
        /// Languages, comma-separated.
        #[arg(long, default_value = "kk,ru")]
        lang: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the order's signed QR text; with --png also write it as an image.
    Qr {
        order: String,
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// Verify a scanned order QR text offline.
    VerifyQr {
        /// The QR text (as zbarimg --raw prints it).
        text: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum RegistryCmd {
    /// Trust the station's public key (hex) for registry files.
    TrustStation { public_key: String },
    /// Import a signed registry snapshot or delta.
    Import { file: PathBuf },
    /// Check a person at the scene: active orders, violations, earlier cases.
    Check {
        #[arg(long)]
        iin: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        dob: Option<chrono::NaiveDate>,
        /// The case being worked on (not counted as an earlier case).
        #[arg(long)]
        case: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum InterventionCmd {
    /// Record an intervention with a person.
    Add {
        case: String,
        #[arg(long)]
        person: String,
        /// preventive-talk, home-visit, order-check, official-warning, correctional-programme, other.
        #[arg(long, value_parser = core_enum::<InterventionKind>)]
        kind: InterventionKind,
        /// Date, YYYY-MM-DD [default: today].
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        next_check: Option<chrono::NaiveDate>,
    },
    /// What is due this week (and overdue).
    Due {
        /// First day of the week [default: today].
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReferralCmd {
    /// Refer a person (consent required).
    Add {
        case: String,
        #[arg(long)]
        person: String,
        /// crisis-centre, shelter, legal-aid, psychologist, medical.
        #[arg(long, value_parser = core_enum::<ReferralKind>)]
        kind: ReferralKind,
        #[arg(long)]
        organisation: String,
        /// Children placed with her (shelter or crisis centre).
        #[arg(long, default_value_t = 0)]
        children: u32,
        /// The person consented (required).
        #[arg(long)]
        consent: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// Update the status of a referral, or record that consent was withdrawn.
    Update {
        referral: String,
        /// accepted, in-progress, completed, declined, cancelled.
        #[arg(long, value_parser = core_enum::<ReferralStatus>, conflicts_with = "withdraw_consent")]
        status: Option<ReferralStatus>,
        #[arg(long)]
        withdraw_consent: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// List the referrals of a case.
    List { case: String },
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Officer's full name.
    #[arg(long)]
    pub officer_name: String,
    /// Officer's badge number.
    #[arg(long)]
    pub badge: String,
    /// Police unit.
    #[arg(long, default_value = "")]
    pub unit: String,
    /// Label of this device.
    #[arg(long, default_value = "desktop")]
    pub label: String,
}

impl InitArgs {
    pub fn profile(&self) -> DeviceProfile {
        DeviceProfile {
            label: self.label.clone(),
            unit: self.unit.clone(),
            officer: TeamMember {
                role: TeamRole::Officer,
                name: self.officer_name.clone(),
                badge: self.badge.clone(),
            },
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum CaseCmd {
    /// Open a case at the scene.
    Open(CaseOpenArgs),
    /// List the cases on this device.
    List,
    /// Show everything on a case.
    Show {
        /// Case id.
        case: String,
    },
}

#[derive(Args, Debug)]
pub struct CaseOpenArgs {
    /// What brought police here: survivor-call, witness-report, video-record, officer-observed, agency-referral.
    #[arg(long, value_parser = core_enum::<Trigger>)]
    pub trigger: Trigger,
    /// Kind of violence (repeatable): physical, psychological, sexual, economic, stalking,
    /// forced-marriage, child-involved.
    #[arg(long = "category", value_parser = core_enum::<CaseCategory>)]
    pub categories: Vec<CaseCategory>,
    #[arg(long, allow_hyphen_values = true)]
    pub lat: Option<f64>,
    #[arg(long, allow_hyphen_values = true)]
    pub lon: Option<f64>,
    /// GPS accuracy in metres.
    #[arg(long)]
    pub accuracy: Option<f64>,
    #[arg(long)]
    pub address: Option<String>,
    /// Team member as ROLE:NAME:BADGE (officer, psychologist, social-worker, supervisor); repeatable.
    #[arg(long = "member")]
    pub members: Vec<String>,
    /// Short note of what happened.
    #[arg(long)]
    pub summary: Option<String>,
}

impl CaseOpenArgs {
    pub fn new_case(&self) -> Result<NewCase, Error> {
        let point = match (self.lat, self.lon) {
            (Some(lat), Some(lon)) => Some(GeoPoint {
                lat,
                lon,
                accuracy_m: self.accuracy.unwrap_or(0.0),
            }),
            (None, None) => None,
            _ => return Err(Error::invalid("location", "give both --lat and --lon")),
        };
        let team = self
            .members
            .iter()
            .map(|m| {
                let mut parts = m.splitn(3, ':');
                let (Some(role), Some(name), Some(badge)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(Error::invalid("member", "expected ROLE:NAME:BADGE"));
                };
                let role: TeamRole = core_enum(role).map_err(|_| {
                    Error::invalid(
                        "member",
                        "role must be officer, psychologist, social-worker or supervisor",
                    )
                })?;
                Ok(TeamMember {
                    role,
                    name: name.to_string(),
                    badge: badge.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewCase {
            location: CaseLocation {
                point,
                address: self.address.clone(),
            },
            trigger: self.trigger,
            categories: self.categories.clone(),
            team,
            summary: self.summary.clone(),
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum PersonCmd {
    /// Add a person to a case.
    Add(PersonAddArgs),
}

#[derive(Args, Debug)]
pub struct PersonAddArgs {
    /// Case id.
    pub case: String,
    /// survivor, alleged-aggressor, witness, child, other.
    #[arg(long, value_parser = core_enum::<PersonRole>)]
    pub role: PersonRole,
    #[arg(long)]
    pub name: String,
    /// Date of birth, YYYY-MM-DD (taken from the IIN when omitted).
    #[arg(long)]
    pub dob: Option<chrono::NaiveDate>,
    /// Kazakhstan IIN (12 digits, validated).
    #[arg(long)]
    pub iin: Option<String>,
    /// Relation to the survivor.
    #[arg(long)]
    pub relation: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    /// Protect a witness's identity.
    #[arg(long)]
    pub protected: bool,
    /// Mark the address confidential (always on for survivors and children).
    #[arg(long)]
    pub confidential_address: bool,
}

impl PersonAddArgs {
    pub fn new_person(&self) -> Result<NewPerson, Error> {
        Ok(NewPerson {
            role: self.role,
            full_name: self.name.clone(),
            date_of_birth: self.dob,
            relation_to_survivor: self.relation.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            iin: self.iin.clone(),
            identity_protected: self.protected,
            address_confidential: self.confidential_address,
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum EvidenceCmd {
    /// Add a photo, video or audio file (the kind is recognised from the content).
    Add(EvidenceAddArgs),
    /// Write an original out (logged in the custody chain as viewed).
    Extract {
        /// Evidence id.
        evidence: String,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// Why it is viewed (a short code: review, court, ...).
        #[arg(long, default_value = "review")]
        purpose: String,
    },
}

#[derive(Args, Debug)]
pub struct EvidenceAddArgs {
    /// Case id.
    pub case: String,
    /// The media file.
    pub file: PathBuf,
    /// Refuse the file unless it is of this kind.
    #[arg(long, value_parser = core_enum::<MediaKind>)]
    pub kind: Option<MediaKind>,
    #[arg(long, allow_hyphen_values = true)]
    pub lat: Option<f64>,
    #[arg(long, allow_hyphen_values = true)]
    pub lon: Option<f64>,
    #[arg(long)]
    pub accuracy: Option<f64>,
    #[arg(long)]
    pub note: Option<String>,
    /// A preview image made elsewhere (for HEIC photos or videos).
    #[arg(long)]
    pub thumbnail: Option<PathBuf>,
    /// Keep a photo that is damaged or cut short (refused otherwise): stored byte for byte and
    /// marked damaged in its custody entry.
    #[arg(long)]
    pub keep_damaged: bool,
}

#[derive(Subcommand, Debug)]
pub enum StatementCmd {
    /// Record a statement.
    Add(StatementArgs),
    /// Record that a person declined to give a statement.
    Refuse {
        /// Case id.
        case: String,
        #[arg(long)]
        person: String,
        #[arg(long, default_value = "kk")]
        lang: String,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        taken_by: Option<String>,
    },
    /// Record a corrected version of a statement (the old version stays).
    Correct {
        /// Id of the statement version being corrected.
        #[arg(long)]
        replaces: String,
        #[command(flatten)]
        statement: StatementArgs,
    },
}

#[derive(Args, Debug)]
pub struct StatementArgs {
    /// Case id.
    pub case: String,
    /// Person id of who gives the statement.
    #[arg(long)]
    pub person: String,
    /// Language: kk, ru or en.
    #[arg(long)]
    pub lang: String,
    #[arg(long)]
    pub text: Option<String>,
    /// Read the text from a UTF-8 file.
    #[arg(long)]
    pub text_file: Option<PathBuf>,
    /// Badge of who took it [default: this device's officer].
    #[arg(long)]
    pub taken_by: Option<String>,
    #[arg(long)]
    pub consent_crisis_centre: bool,
    #[arg(long)]
    pub consent_court: bool,
    /// Signature image (PNG or JPEG).
    #[arg(long)]
    pub signature: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum SynthCmd {
    /// A synthetic JPEG photo with EXIF.
    Photo {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 4000)]
        width: u32,
        #[arg(long, default_value_t = 3000)]
        height: u32,
        #[arg(long, default_value_t = 1)]
        seed: u32,
    },
    /// A synthetic MP4-like video file of the given size, written in pieces.
    Video {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 8)]
        mib: u64,
    },
    /// A signed synthetic registry snapshot from a synthetic station key (created if absent).
    Registry {
        /// The station's PKCS#8 key file.
        #[arg(long)]
        station_key: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Sequence number of the snapshot.
        #[arg(long, default_value_t = 1)]
        sequence: u64,
        /// Synthetic people with no record.
        #[arg(long, default_value_t = 1000)]
        rows: u64,
        /// An IIN with a prior DV record and an active order from another unit (repeatable).
        #[arg(long = "prior")]
        prior: Vec<String>,
    },
    /// A synthetic WAV recording (a tone).
    Audio {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 5)]
        seconds: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProfileCmd {
    /// Create a profile (PIN: 6 to 12 digits, from --pin or QORGAU_PIN).
    Create {
        /// officer, psychologist, social-worker, supervisor.
        #[arg(long, value_parser = core_enum::<TeamRole>)]
        role: TeamRole,
        #[arg(long)]
        name: String,
        #[arg(long)]
        badge: String,
        /// The new profile's PIN.
        #[arg(long = "new-pin", env = "QORGAU_NEW_PIN", hide_env_values = true)]
        new_pin: String,
    },
    /// List the profiles on this device.
    List,
    /// Hand the clinical key to a psychologist's profile that lacks it (a psychologist who
    /// holds it signs in with --as/--pin; the colleague's PIN from --new-pin or QORGAU_NEW_PIN).
    GrantClinical {
        /// The badge of the psychologist receiving the key.
        #[arg(long)]
        badge: String,
        /// Her PIN.
        #[arg(long = "new-pin", env = "QORGAU_NEW_PIN", hide_env_values = true)]
        new_pin: String,
    },
}

#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum AssessmentCmd {
    /// List the instruments.
    Instruments,
    /// Record a risk assessment (as a psychologist: --as BADGE --pin PIN).
    Record {
        case: String,
        #[arg(long)]
        survivor: String,
        #[arg(long, default_value = "dash-style-kz")]
        instrument: String,
        #[arg(long, default_value = "1.0.0")]
        version: String,
        /// Items answered yes, comma-separated (every other item is answered no).
        #[arg(long, default_value = "")]
        yes: String,
        /// Items answered "don't know", comma-separated.
        #[arg(long, default_value = "")]
        dont_know: String,
        /// Calendar incidents as YYYY-MM-DD:SEVERITY, comma-separated (weighted instruments).
        #[arg(long, default_value = "")]
        calendar: String,
        /// Raise the level by professional judgement (needs --reason).
        #[arg(long = "raise-to")]
        raise_to: Option<String>,
        #[arg(long)]
        reason: Option<String>,
        /// Recommend: order, shelter, arrest (comma-separated).
        #[arg(long, default_value = "")]
        recommend: String,
        #[arg(long)]
        follow_up: Option<chrono::NaiveDate>,
        /// Clinical notes (psychologists only can read them back).
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// Level, score and recommendations (every role).
    Show { assessment: String },
    /// Answers and clinical notes (psychologists only; audited).
    Detail { assessment: String },
    /// A survivor's levels over time.
    Trend {
        #[arg(long)]
        survivor: String,
    },
}
