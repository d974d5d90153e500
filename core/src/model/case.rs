//! Cases: one response to one household, opened at the scene.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::DeviceTime;
use crate::error::{Error, Result};

/// A GPS fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
    /// Horizontal accuracy in metres.
    pub accuracy_m: f64,
}

impl GeoPoint {
    /// Checks ranges: latitude ±90, longitude ±180, accuracy ≥ 0, all finite.
    pub fn validate(&self) -> Result<()> {
        if !(self.lat.is_finite() && (-90.0..=90.0).contains(&self.lat)) {
            return Err(Error::invalid("latitude", "must be between -90 and 90"));
        }
        if !(self.lon.is_finite() && (-180.0..=180.0).contains(&self.lon)) {
            return Err(Error::invalid("longitude", "must be between -180 and 180"));
        }
        if !(self.accuracy_m.is_finite() && self.accuracy_m >= 0.0) {
            return Err(Error::invalid(
                "accuracy",
                "must be a non-negative number of metres",
            ));
        }
        Ok(())
    }
}

/// Where the case was opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseLocation {
    pub point: Option<GeoPoint>,
    /// Free address text, as the officer typed it.
    pub address: Option<String>,
}

/// What brought police to the case. Since 2023 no statement by the survivor is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    SurvivorCall,
    WitnessReport,
    VideoRecord,
    OfficerObserved,
    AgencyReferral,
}

/// Kind of violence recorded on a case (several may apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseCategory {
    Physical,
    Psychological,
    Sexual,
    Economic,
    Stalking,
    ForcedMarriage,
    ChildInvolved,
}

/// A responding team member's function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    Officer,
    Psychologist,
    SocialWorker,
    Supervisor,
}

/// A member of the responding team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub role: TeamRole,
    pub name: String,
    pub badge: String,
}

/// Status of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Closed,
}

/// What the officer enters to open a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCase {
    pub location: CaseLocation,
    pub trigger: Trigger,
    pub categories: Vec<CaseCategory>,
    pub team: Vec<TeamMember>,
    /// A short note of what happened (free text; personal data, stored encrypted).
    pub summary: Option<String>,
}

/// A stored case as opened. Immutable: later events append to the custody chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: Uuid,
    pub opened_at: DeviceTime,
    pub location: CaseLocation,
    pub trigger: Trigger,
    pub categories: Vec<CaseCategory>,
    pub team: Vec<TeamMember>,
    pub summary: Option<String>,
    /// The device that opened the case.
    pub device_id: Uuid,
}

impl NewCase {
    /// Validates the entries and normalises the category list (sorted, no repeats).
    pub fn validate(&mut self) -> Result<()> {
        if let Some(p) = &self.location.point {
            p.validate()?;
        }
        if self.location.point.is_none()
            && self
                .location
                .address
                .as_deref()
                .is_none_or(|a| a.trim().is_empty())
        {
            return Err(Error::invalid("location", "give a GPS fix or an address"));
        }
        if self.team.is_empty() {
            return Err(Error::invalid(
                "team",
                "at least one responding team member",
            ));
        }
        for m in &self.team {
            if m.badge.trim().is_empty() || m.name.trim().is_empty() {
                return Err(Error::invalid(
                    "team",
                    "every member needs a name and a badge number",
                ));
            }
        }
        self.categories.sort();
        self.categories.dedup();
        Ok(())
    }
}
