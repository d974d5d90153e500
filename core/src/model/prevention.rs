//! Preventive work with aggressors (interventions) and referrals of survivors and children.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::DeviceTime;

/// Kind of preventive intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterventionKind {
    PreventiveTalk,
    HomeVisit,
    /// The weekly check of a protection order.
    OrderCheck,
    OfficialWarning,
    CorrectionalProgramme,
    Other,
}

/// What the officer enters for an intervention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewIntervention {
    pub person_id: Uuid,
    pub kind: InterventionKind,
    pub date: NaiveDate,
    pub outcome: String,
    pub next_check: Option<NaiveDate>,
}

/// A recorded intervention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Why something is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueReason {
    /// The follow-up an earlier intervention set.
    InterventionFollowUp { intervention_id: Uuid },
    /// The weekly check of an active protection order.
    OrderCheck {
        order_id: Uuid,
        order_number: String,
    },
}

/// A piece of preventive work due on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueItem {
    pub due: NaiveDate,
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub reason: DueReason,
    /// Due before the start of the window asked for.
    pub overdue: bool,
}

/// Where a survivor or child is referred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralKind {
    CrisisCentre,
    Shelter,
    LegalAid,
    Psychologist,
    Medical,
}

/// Progress of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Proposed,
    Accepted,
    InProgress,
    Completed,
    Declined,
    Cancelled,
}

/// What the social worker or officer enters for a referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReferral {
    pub person_id: Uuid,
    pub kind: ReferralKind,
    /// The organisation (a shelter's name is confidential like its address).
    pub organisation: String,
    /// Children placed with the survivor (shelter placements).
    pub children_placed: u32,
    /// The survivor's consent to the referral and to sharing her data with the organisation.
    pub consent_given: bool,
    pub note: Option<String>,
}

/// A referral as made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// A change to a referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralChange {
    Status {
        status: ReferralStatus,
        note: Option<String>,
    },
    /// The survivor withdrew consent: the referral stops and no more data is shared.
    ConsentWithdrawn { reason: Option<String> },
}

/// A stored change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralUpdate {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub case_id: Uuid,
    pub at: DeviceTime,
    pub by: String,
    pub change: ReferralChange,
}

/// A referral with its current status, derived from its updates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralState {
    pub referral: Referral,
    pub status: ReferralStatus,
    pub consent_active: bool,
    pub updates: Vec<ReferralUpdate>,
}

impl ReferralState {
    /// Derives the state from the referral and its updates in logged order.
    pub fn derive(referral: Referral, updates: Vec<ReferralUpdate>) -> ReferralState {
        let mut status = ReferralStatus::Proposed;
        let mut consent_active = true;
        for u in &updates {
            match &u.change {
                ReferralChange::Status { status: s, .. } => status = *s,
                ReferralChange::ConsentWithdrawn { .. } => {
                    consent_active = false;
                    status = ReferralStatus::Cancelled;
                }
            }
        }
        ReferralState {
            referral,
            status,
            consent_active,
            updates,
        }
    }
}
