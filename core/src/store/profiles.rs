//! User profiles on a shared phone: officer, psychologist, social worker, supervisor. A profile
//! is unlocked with a PIN; repeated wrong PINs lock it out, and the lock-out is stored, so it
//! survives a restart. Psychologist profiles hold the clinical key wrapped under their PIN.
//!
//! The PIN key is PBKDF2-HMAC-SHA256 (600,000 iterations) of the PIN, then HKDF with a pepper
//! derived from the data key, which only the platform key store releases. So a copy of the
//! database alone gives nothing to search a PIN against (no check value, no wrapped key opens
//! without the pepper); with the database *and* the key store, each guess still costs the full
//! PBKDF2. Each profile row carries a MAC under a key from the same data key: an SQL edit of a
//! role, a PIN check or a lock-out is refused, not obeyed.

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, Utc};
use ring::aead::{LessSafeKey, UnboundKey, AES_256_GCM};
use ring::pbkdf2;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::integrity::{ProfileRow, PROFILE_COLS};
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
/// PIN key derivation: 1 = PBKDF2 of the PIN alone (before schema 5), 2 = PBKDF2 then HKDF with
/// the key store's pepper.
const PIN_SCHEME: u32 = 2;

/// A profile as listed (no secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub id: Uuid,
    pub role: TeamRole,
    pub name: String,
    pub badge: String,
    pub failed_attempts: u32,
    pub locked_until: Option<DateTime<Utc>>,
    /// For a psychologist: whether the profile holds the clinical key. A psychologist added by
    /// a supervisor while another psychologist already holds the key waits for that colleague
    /// to hand it over ([`Store::grant_clinical_access`]).
    pub clinical_access: bool,
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
        _ => {
            return Err(Error::Integrity {
                what: "profile role".into(),
            })
        }
    })
}

/// The PIN-derived key: PBKDF2 of the PIN, then (scheme 2) HKDF-SHA256 with the pepper.
pub(crate) fn pin_key(
    pin: &str,
    salt: &[u8],
    iterations: u32,
    scheme: u32,
    pepper: &[u8; 32],
) -> Result<LessSafeKey> {
    let mut k = [0u8; 32];
    let n = NonZeroU32::new(iterations).ok_or(Error::Crypto("iterations"))?;
    pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, n, salt, pin.as_bytes(), &mut k);
    match scheme {
        1 => {}
        2 => {
            let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, pepper).extract(&k);
            prk.expand(&[b"qorgau pin key v2"], ring::hkdf::HKDF_SHA256)
                .and_then(|okm| okm.fill(&mut k))
                .map_err(|_| Error::Crypto("hkdf"))?;
        }
        _ => {
            return Err(Error::Integrity {
                what: "profile PIN scheme".into(),
            })
        }
    }
    Ok(LessSafeKey::new(
        UnboundKey::new(&AES_256_GCM, &k).map_err(|_| Error::Crypto("key"))?,
    ))
}

fn check_pin_format(pin: &str) -> Result<()> {
    if !(6..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("pin", "6 to 12 digits"));
    }
    if pin.bytes().all(|b| b == pin.as_bytes()[0])
        || "01234567890123".contains(pin)
        || "98765432109876".contains(pin)
    {
        return Err(Error::invalid(
            "pin",
            "too easy to guess (all the same digit, or a run)",
        ));
    }
    Ok(())
}

impl Store {
    /// Creates a profile.
    ///
    /// Who may: the very first profile on a phone is created at set-up and must be the
    /// supervisor's; after that only a signed-in supervisor creates profiles. (A phone set up
    /// before this rule, with profiles but no supervisor, lets a signed-in profile create the
    /// supervisor; nobody else.) So whoever picks up a phone cannot make themselves a profile.
    ///
    /// A psychologist profile receives the clinical key: the first psychologist's profile
    /// creates it. Once one exists, a new psychologist gets it from a colleague who holds it:
    /// here if the acting profile holds it, otherwise later through
    /// [`Store::grant_clinical_access`] (the profile is listed with `clinical_access: false`
    /// until then). The key never exists outside a psychologist's PIN.
    pub fn create_profile(
        &self,
        role: TeamRole,
        name: &str,
        badge: &str,
        pin: &str,
    ) -> Result<Profile> {
        // Roles are read from rows whose MAC checks out: an edited role is an error, not a fact.
        let rows = self.profile_rows()?;
        let supervisors = rows.iter().filter(|p| p.role == "supervisor").count();
        let acting = self.current_role();
        if rows.is_empty() {
            if role != TeamRole::Supervisor {
                return Err(Error::PermissionDenied {
                    action: "create this profile first (the first profile on a phone is the supervisor's)".into(),
                });
            }
        } else if supervisors == 0 {
            if role != TeamRole::Supervisor || self.current_profile().is_none() {
                return Err(Error::PermissionDenied {
                    action: "create a profile (this phone has no supervisor: a signed-in profile must create the supervisor first)".into(),
                });
            }
        } else if acting != TeamRole::Supervisor {
            return Err(Error::PermissionDenied {
                action: "create a profile (a supervisor must be signed in)".into(),
            });
        }
        check_pin_format(pin)?;
        if name.trim().is_empty() || badge.trim().is_empty() {
            return Err(Error::invalid("profile", "a name and a badge number"));
        }
        let id = Uuid::new_v4();
        let salt: [u8; 16] = random_bytes()?;
        let key = pin_key(
            pin,
            &salt,
            PIN_ITERATIONS,
            PIN_SCHEME,
            &self.keys().pin_pepper,
        )?;
        let check = seal::seal(&key, &format!("profile-check/{id}"), PIN_CHECK)?;
        let wrapped = if role == TeamRole::Psychologist {
            let clinical = match (
                rows.iter().any(|r| r.wrapped_clinical.is_some()),
                self.current_clinical_key(),
            ) {
                (false, _) => Some(random_bytes::<32>()?),
                (true, held) => held,
            };
            clinical
                .map(|c| seal::seal(&key, &format!("profile-clinical/{id}"), &c))
                .transpose()?
        } else {
            None
        };
        let info = seal::seal(
            &self.keys().records,
            &format!("profiles/{id}"),
            &serde_json::to_vec(&serde_json::json!({ "name": name.trim() }))?,
        )?;
        let mut row = ProfileRow {
            id: id.to_string(),
            role: role_str(role).to_string(),
            badge: badge.trim().to_string(),
            pin_salt: salt.to_vec(),
            pin_iterations: PIN_ITERATIONS,
            pin_check: check,
            wrapped_clinical: wrapped,
            failed_attempts: 0,
            locked_until: None,
            pin_scheme: PIN_SCHEME,
            mac: None,
        };
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        row.save(
            &tx,
            self.keys(),
            Some(&info),
            Some(&self.clock().now().utc_rfc3339()),
        )
        .map_err(|e| match e {
            Error::Database(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
            {
                Error::Conflict("a profile with that badge exists".into())
            }
            e => e,
        })?;
        self.audit(
            &tx,
            "profile created",
            &format!("{} {}", role_str(role), row.badge),
        )?;
        tx.commit()?;
        drop(conn);
        self.profile(id)
    }

    /// Hands the clinical key to a psychologist profile that does not hold it yet. The acting
    /// profile must hold it (a psychologist signed in); the new colleague types her own PIN on
    /// the same phone, which wraps the key for her. A wrong PIN counts towards her lock-out.
    pub fn grant_clinical_access(&self, profile: Uuid, pin: &str) -> Result<Profile> {
        let clinical = self
            .current_clinical_key()
            .ok_or_else(|| Error::PermissionDenied {
                action:
                    "hand over the clinical key (a psychologist who holds it must be signed in)"
                        .into(),
            })?;
        let row = self.profile_row(profile)?;
        if row.role != "psychologist" {
            return Err(Error::invalid(
                "profile",
                "only a psychologist's profile can hold the clinical key",
            ));
        }
        if row.wrapped_clinical.is_some() {
            return Err(Error::Conflict(
                "this profile already holds the clinical key".into(),
            ));
        }
        let (mut row, key, _) = self.open_with_pin(profile, pin)?;
        row.wrapped_clinical = Some(seal::seal(
            &key,
            &format!("profile-clinical/{profile}"),
            &clinical,
        )?);
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        row.save(&tx, self.keys(), None, None)?;
        self.audit(
            &tx,
            "clinical key handed over",
            &format!("to {}", row.badge),
        )?;
        tx.commit()?;
        drop(conn);
        self.profile(profile)
    }

    /// One profile.
    pub fn profile(&self, id: Uuid) -> Result<Profile> {
        let row = self.profile_row(id)?;
        let info: Vec<u8> = self.conn().query_row(
            "SELECT info FROM profiles WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?;
        let info: serde_json::Value = serde_json::from_slice(&seal::open(
            &self.keys().records,
            &format!("profiles/{id}"),
            &info,
        )?)?;
        Ok(Profile {
            id,
            role: parse_role(&row.role)?,
            name: info["name"].as_str().unwrap_or_default().to_string(),
            badge: row.badge,
            failed_attempts: row.failed_attempts,
            locked_until: row
                .locked_until
                .and_then(|l| DateTime::parse_from_rfc3339(&l).ok())
                .map(|t| t.with_timezone(&Utc)),
            clinical_access: row.wrapped_clinical.is_some(),
        })
    }

    /// A profile's row, its MAC checked.
    fn profile_row(&self, id: Uuid) -> Result<ProfileRow> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {PROFILE_COLS} FROM profiles WHERE id = ?1"),
                [id.to_string()],
                ProfileRow::read,
            )
            .optional()?
            .ok_or(Error::NotFound {
                kind: "profile",
                id: id.to_string(),
            })?;
        row.check(self.keys())?;
        Ok(row)
    }

    /// Every profile row, each MAC checked.
    fn profile_rows(&self) -> Result<Vec<ProfileRow>> {
        let rows: Vec<ProfileRow> = {
            let conn = self.conn();
            let mut stmt = conn.prepare(&format!(
                "SELECT {PROFILE_COLS} FROM profiles ORDER BY created_at, id"
            ))?;
            let rows = stmt.query_map([], ProfileRow::read)?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        for r in &rows {
            r.check(self.keys())?;
        }
        Ok(rows)
    }

    /// All profiles on the device.
    pub fn profiles(&self) -> Result<Vec<Profile>> {
        let ids: Vec<String> = {
            let conn = self.conn();
            let mut stmt = conn.prepare("SELECT id FROM profiles ORDER BY created_at, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        ids.iter()
            .map(|i| {
                self.profile(Uuid::parse_str(i).map_err(|_| Error::Integrity {
                    what: "profile id".into(),
                })?)
            })
            .collect()
    }

    /// Unlocks a profile with its PIN and makes it the acting profile. A locked profile is
    /// refused before the PIN is even checked; a wrong PIN counts towards the lock-out.
    pub fn unlock_profile(&self, id: Uuid, pin: &str) -> Result<Profile> {
        let (_, _, clinical_key) = self.open_with_pin(id, pin)?;
        let profile = self.profile(id)?;
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(ActiveProfile {
            profile: profile.clone(),
            clinical_key,
        });
        self.session_started();
        Ok(profile)
    }

    /// Checks a profile's PIN (lock-out first; a wrong PIN counted and stored), clears the
    /// failures, upgrades an old PIN scheme, and returns the row as saved, the PIN key and the
    /// clinical key it unwraps.
    fn open_with_pin(
        &self,
        id: Uuid,
        pin: &str,
    ) -> Result<(ProfileRow, LessSafeKey, Option<[u8; 32]>)> {
        // An edited row (a lifted lock-out, a changed role) fails its MAC here: refused.
        let mut row = self.profile_row(id)?;
        let now = self.clock().now().utc;
        if let Some(until) = row
            .locked_until
            .as_deref()
            .and_then(|l| DateTime::parse_from_rfc3339(l).ok())
            .map(|t| t.with_timezone(&Utc))
        {
            if now < until {
                return Err(Error::ProfileLocked { until });
            }
        }
        let pepper = &self.keys().pin_pepper;
        let mut key = pin_key(
            pin,
            &row.pin_salt,
            row.pin_iterations,
            row.pin_scheme,
            pepper,
        )?;
        if seal::open(&key, &format!("profile-check/{id}"), &row.pin_check)
            .ok()
            .as_deref()
            != Some(PIN_CHECK)
        {
            row.failed_attempts += 1;
            let failed = row.failed_attempts;
            let locked_until = (failed >= MAX_FAILED).then(|| {
                now + Duration::minutes(FIRST_LOCKOUT_MIN << (failed - MAX_FAILED).min(10))
            });
            row.locked_until = locked_until.map(|t| t.to_rfc3339());
            row.save(&self.conn(), self.keys(), None, None)?;
            return Err(match locked_until {
                Some(until) => Error::ProfileLocked { until },
                None => Error::WrongPin {
                    attempts_left: MAX_FAILED - failed,
                },
            });
        }
        let clinical_key: Option<[u8; 32]> = match &row.wrapped_clinical {
            Some(w) => Some(
                seal::open(&key, &format!("profile-clinical/{id}"), w)?
                    .try_into()
                    .map_err(|_| Error::Integrity {
                        what: "clinical key".into(),
                    })?,
            ),
            None => None,
        };
        if row.pin_scheme != PIN_SCHEME {
            // A profile from before the key store's pepper: wrap its secrets again, now.
            key = pin_key(pin, &row.pin_salt, row.pin_iterations, PIN_SCHEME, pepper)?;
            row.pin_check = seal::seal(&key, &format!("profile-check/{id}"), PIN_CHECK)?;
            row.wrapped_clinical = clinical_key
                .map(|c| seal::seal(&key, &format!("profile-clinical/{id}"), &c))
                .transpose()?;
            row.pin_scheme = PIN_SCHEME;
        }
        row.failed_attempts = 0;
        row.locked_until = None;
        row.save(&self.conn(), self.keys(), None, None)?;
        Ok((row, key, clinical_key))
    }

    /// Signs the acting profile out (back to the device's officer, with no clinical access).
    pub fn lock_profile(&self) {
        self.lock_session(super::session::LockReason::SignedOut);
    }

    /// The acting profile, if one is unlocked (and the idle limit has not passed: then the
    /// session locks now and there is none).
    pub fn current_profile(&self) -> Option<Profile> {
        self.expire_idle();
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|a| a.profile.clone())
    }

    /// The acting role: the unlocked profile's, or the device officer's.
    pub fn current_role(&self) -> TeamRole {
        self.current_profile()
            .map(|p| p.role)
            .unwrap_or(TeamRole::Officer)
    }

    pub(crate) fn current_clinical_key(&self) -> Option<[u8; 32]> {
        self.expire_idle();
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .and_then(|a| a.clinical_key)
    }
}
