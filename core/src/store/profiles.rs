//! User profiles on a shared phone: officer, psychologist, social worker, supervisor. A profile
//! is unlocked with a PIN (PBKDF2-HMAC-SHA256 from ring); repeated wrong PINs lock it out, and
//! the lock-out is stored, so it survives a restart. Psychologist profiles hold the clinical key
//! wrapped under their PIN: without a psychologist's PIN, clinical notes cannot be decrypted,
//! even from a copy of the database and the key store.

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, Utc};
use ring::aead::{LessSafeKey, UnboundKey, AES_256_GCM};
use ring::pbkdf2;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Store;
use crate::crypto::{random_bytes, seal};
use crate::error::{Error, Result};
use crate::model::TeamRole;

/// PBKDF2 iterations for PINs (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). A PIN has little
/// entropy: the lock-out, not the iteration count, is what stops guessing on the phone.
pub const PIN_ITERATIONS: u32 = 600_000;
/// Wrong PINs allowed before the profile locks.
pub const MAX_FAILED: u32 = 5;
/// First lock-out; it doubles with every further failure.
const FIRST_LOCKOUT_MIN: i64 = 5;
const PIN_CHECK: &[u8] = b"qorgau pin check v1";

/// A profile as listed (no secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub id: Uuid,
    pub role: TeamRole,
    pub name: String,
    pub badge: String,
    pub failed_attempts: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// The unlocked profile acting on the store.
pub(crate) struct ActiveProfile {
    pub profile: Profile,
    pub clinical_key: Option<[u8; 32]>,
}

pub(crate) fn role_str(r: TeamRole) -> &'static str {
    match r {
        TeamRole::Officer => "officer",
        TeamRole::Psychologist => "psychologist",
        TeamRole::SocialWorker => "social_worker",
        TeamRole::Supervisor => "supervisor",
    }
}

fn parse_role(s: &str) -> Result<TeamRole> {
    Ok(match s {
        "officer" => TeamRole::Officer,
        "psychologist" => TeamRole::Psychologist,
        "social_worker" => TeamRole::SocialWorker,
        "supervisor" => TeamRole::Supervisor,
        _ => return Err(Error::Integrity { what: "profile role".into() }),
    })
}

fn pin_key(pin: &str, salt: &[u8], iterations: u32) -> Result<LessSafeKey> {
    let mut k = [0u8; 32];
    let n = NonZeroU32::new(iterations).ok_or(Error::Crypto("iterations"))?;
    pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, n, salt, pin.as_bytes(), &mut k);
    Ok(LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &k).map_err(|_| Error::Crypto("key"))?))
}

fn check_pin_format(pin: &str) -> Result<()> {
    if !(6..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("pin", "6 to 12 digits"));
    }
    if pin.bytes().all(|b| b == pin.as_bytes()[0]) || "01234567890123".contains(pin) || "98765432109876".contains(pin) {
        return Err(Error::invalid("pin", "too easy to guess (all the same digit, or a run)"));
    }
    Ok(())
}

impl Store {
    /// Creates a profile. A psychologist profile receives the clinical key: the first one
    /// creates it; later ones only while a psychologist is signed in (who hands it over).
    ///
    /// Who may create profiles: anyone while the device has no supervisor profile (first run,
    /// when the team sets the phone up); after that, only a signed-in supervisor.
    pub fn create_profile(&self, role: TeamRole, name: &str, badge: &str, pin: &str) -> Result<Profile> {
        let supervisors: i64 = self.conn().query_row("SELECT count(*) FROM profiles WHERE role = 'supervisor'", [], |r| r.get(0))?;
        if supervisors > 0 && self.current_role() != TeamRole::Supervisor {
            return Err(Error::PermissionDenied { action: "create a profile (a supervisor must be signed in)".into() });
        }
        check_pin_format(pin)?;
        if name.trim().is_empty() || badge.trim().is_empty() {
            return Err(Error::invalid("profile", "a name and a badge number"));
        }
        let id = Uuid::new_v4();
        let salt: [u8; 16] = random_bytes()?;
        let key = pin_key(pin, &salt, PIN_ITERATIONS)?;
        let check = seal::seal(&key, &format!("profile-check/{id}"), PIN_CHECK)?;
        let wrapped = if role == TeamRole::Psychologist {
            let existing: Option<i64> =
                self.conn().query_row("SELECT 1 FROM profiles WHERE wrapped_clinical IS NOT NULL LIMIT 1", [], |r| r.get(0)).optional()?;
            let clinical = match existing {
                None => random_bytes::<32>()?,
                Some(_) => self.current_clinical_key().ok_or_else(|| Error::PermissionDenied {
                    action: "add a psychologist profile (a psychologist must be signed in to hand over the clinical key)".into(),
                })?,
            };
            Some(seal::seal(&key, &format!("profile-clinical/{id}"), &clinical)?)
        } else {
            None
        };
        let info = seal::seal(&self.keys().records, &format!("profiles/{id}"), &serde_json::to_vec(&serde_json::json!({ "name": name.trim() }))?)?;
        self.conn()
            .execute(
                "INSERT INTO profiles (id, role, badge, info, pin_salt, pin_iterations, pin_check, wrapped_clinical, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id.to_string(), role_str(role), badge.trim(), info, salt.to_vec(), PIN_ITERATIONS, check, wrapped, self.clock().now().utc_rfc3339()],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => Error::Conflict("a profile with that badge exists".into()),
                _ => e.into(),
            })?;
        self.profile(id)
    }

    /// One profile.
    pub fn profile(&self, id: Uuid) -> Result<Profile> {
        let row: Option<(String, String, Vec<u8>, u32, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT role, badge, info, failed_attempts, locked_until FROM profiles WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let (role, badge, info, failed, locked) = row.ok_or(Error::NotFound { kind: "profile", id: id.to_string() })?;
        let info: serde_json::Value = serde_json::from_slice(&seal::open(&self.keys().records, &format!("profiles/{id}"), &info)?)?;
        Ok(Profile {
            id,
            role: parse_role(&role)?,
            name: info["name"].as_str().unwrap_or_default().to_string(),
            badge,
            failed_attempts: failed,
            locked_until: locked.and_then(|l| DateTime::parse_from_rfc3339(&l).ok()).map(|t| t.with_timezone(&Utc)),
        })
    }

    /// All profiles on the device.
    pub fn profiles(&self) -> Result<Vec<Profile>> {
        let ids: Vec<String> = {
            let conn = self.conn();
            let mut stmt = conn.prepare("SELECT id FROM profiles ORDER BY created_at, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        ids.iter().map(|i| self.profile(Uuid::parse_str(i).map_err(|_| Error::Integrity { what: "profile id".into() })?)).collect()
    }

    /// Unlocks a profile with its PIN and makes it the acting profile. A locked profile is
    /// refused before the PIN is even checked; a wrong PIN counts towards the lock-out.
    pub fn unlock_profile(&self, id: Uuid, pin: &str) -> Result<Profile> {
        let row: Option<(Vec<u8>, u32, Vec<u8>, Option<Vec<u8>>, u32, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT pin_salt, pin_iterations, pin_check, wrapped_clinical, failed_attempts, locked_until FROM profiles WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let (salt, iterations, check, wrapped, failed, locked) = row.ok_or(Error::NotFound { kind: "profile", id: id.to_string() })?;
        let now = self.clock().now().utc;
        if let Some(until) = locked.as_deref().and_then(|l| DateTime::parse_from_rfc3339(l).ok()).map(|t| t.with_timezone(&Utc)) {
            if now < until {
                return Err(Error::ProfileLocked { until: until.to_rfc3339() });
            }
        }
        let key = pin_key(pin, &salt, iterations)?;
        if seal::open(&key, &format!("profile-check/{id}"), &check).ok().as_deref() != Some(PIN_CHECK) {
            let failed = failed + 1;
            let locked_until = (failed >= MAX_FAILED).then(|| now + Duration::minutes(FIRST_LOCKOUT_MIN << (failed - MAX_FAILED).min(10)));
            self.conn().execute(
                "UPDATE profiles SET failed_attempts = ?1, locked_until = ?2 WHERE id = ?3",
                params![failed, locked_until.map(|t| t.to_rfc3339()), id.to_string()],
            )?;
            return Err(match locked_until {
                Some(t) => Error::ProfileLocked { until: t.to_rfc3339() },
                None => Error::WrongPin { attempts_left: MAX_FAILED - failed },
            });
        }
        let clinical_key = match wrapped {
            Some(w) => Some(
                seal::open(&key, &format!("profile-clinical/{id}"), &w)?
                    .try_into()
                    .map_err(|_| Error::Integrity { what: "clinical key".into() })?,
            ),
            None => None,
        };
        self.conn().execute("UPDATE profiles SET failed_attempts = 0, locked_until = NULL WHERE id = ?1", [id.to_string()])?;
        let profile = self.profile(id)?;
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(ActiveProfile { profile: profile.clone(), clinical_key });
        Ok(profile)
    }

    /// Signs the acting profile out (back to the device's officer, with no clinical access).
    pub fn lock_profile(&self) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The acting profile, if one is unlocked.
    pub fn current_profile(&self) -> Option<Profile> {
        self.current.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|a| a.profile.clone())
    }

    /// The acting role: the unlocked profile's, or the device officer's.
    pub fn current_role(&self) -> TeamRole {
        self.current_profile().map(|p| p.role).unwrap_or(TeamRole::Officer)
    }

    pub(crate) fn current_clinical_key(&self) -> Option<[u8; 32]> {
        self.current.lock().unwrap_or_else(|p| p.into_inner()).as_ref().and_then(|a| a.clinical_key)
    }
}
