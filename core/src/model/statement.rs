//! Statements, given or refused. Never edited: a correction is a new version.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::DeviceTime;
use crate::error::{Error, Result};

/// Language of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Kk,
    Ru,
    En,
}

impl Language {
    /// Parses an ISO 639-1 code: kk, ru or en (case-insensitive).
    pub fn parse(code: &str) -> Result<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "kk" => Ok(Language::Kk),
            "ru" => Ok(Language::Ru),
            "en" => Ok(Language::En),
            _ => Err(Error::UnsupportedLanguage {
                code: code.chars().take(8).collect(),
            }),
        }
    }

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::Kk => "kk",
            Language::Ru => "ru",
            Language::En => "en",
        }
    }
}

/// Whether the person gave a statement or declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    Given,
    /// The person declined to give a statement; recorded because the law lets police proceed
    /// without one, and the refusal itself matters.
    Refused,
}

/// Consent to share the statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub share_with_crisis_centre: bool,
    pub share_with_court: bool,
}

/// What the officer enters for a statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewStatement {
    pub person_id: Uuid,
    pub language: Language,
    pub text: String,
    /// Badge number of the team member who took it.
    pub taken_by: String,
    pub consent: Consent,
    /// The person's signature as an image (PNG/JPEG), if signed on the screen.
    #[serde(skip)]
    pub signature_png: Option<Vec<u8>>,
}

/// A signature image attached to a statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureRef {
    pub sha256: String,
    pub media_type: String,
    pub size_bytes: u64,
}

/// A stored statement (one version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub id: Uuid,
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub kind: StatementKind,
    pub language: Language,
    /// The statement text; for a refusal, the reason given (may be empty).
    pub text: String,
    pub taken_by: String,
    pub taken_at: DeviceTime,
    pub consent: Consent,
    pub signature: Option<SignatureRef>,
    /// Version number, 1 for the first; a correction has the replaced version's number + 1.
    pub version: u32,
    /// The version this one corrects.
    pub supersedes: Option<Uuid>,
}
