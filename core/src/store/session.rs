//! One lock model for both apps. A profile signed in with its PIN stays signed in only while
//! the app is in front and in use: the app reports that it went to the background, that the
//! officer hid everything with one tap, or that the officer touched the screen; the core locks
//! on the first two at once and on its own after the idle limit, and forgets the unlocked
//! profile and its clinical key when it locks. Every role check asks the core, so a screen that
//! survived (an Android activity recreated in the same process) cannot act as the profile.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::profiles::Profile;
use super::Store;
use crate::error::{Error, Result};

/// The idle limit a new store starts with.
pub const DEFAULT_IDLE_LIMIT_SECS: u32 = 120;

/// Why the signed-in profile was locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// The officer signed out.
    SignedOut,
    /// The app left the foreground (another app, the home screen, the screen turned off).
    Background,
    /// No activity for longer than the idle limit.
    Idle,
    /// The officer hid everything with one tap.
    QuickHide,
}

/// What the lock screen needs to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    /// The signed-in profile, if one is (the PIN gate shows when there is none).
    pub profile: Option<Profile>,
    /// Why the last sign-in ended, if one did.
    pub last_lock: Option<LockReason>,
    /// Seconds of inactivity after which the core locks.
    pub idle_limit_secs: u32,
}

/// The session's clock and settings, kept in memory only.
pub(crate) struct Session {
    pub idle_limit: Duration,
    pub last_activity: Instant,
    pub last_lock: Option<LockReason>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            idle_limit: Duration::from_secs(u64::from(DEFAULT_IDLE_LIMIT_SECS)),
            last_activity: Instant::now(),
            last_lock: None,
        }
    }
}

impl Store {
    /// Locks the session now: the signed-in profile and its clinical key are forgotten.
    pub fn lock_session(&self, reason: LockReason) {
        let had = self
            .current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .is_some();
        if had || reason != LockReason::Idle {
            self.session
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .last_lock = Some(reason);
        }
    }

    /// The officer used the app: the idle clock starts again. Returns false (and locks) when
    /// the idle limit had already passed, so the app shows the PIN gate instead of acting.
    pub fn note_activity(&self) -> bool {
        if self.expire_idle() {
            return false;
        }
        self.session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_activity = Instant::now();
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Sets the idle limit (15 s to 1 hour on a device; shorter limits are for tests).
    pub fn set_idle_limit(&self, secs: u32) -> Result<()> {
        if secs == 0 || secs > 3600 {
            return Err(Error::invalid("idle limit", "1 to 3600 seconds"));
        }
        self.session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .idle_limit = Duration::from_secs(u64::from(secs));
        Ok(())
    }

    /// The session as the lock screen needs it (locking first if the idle limit passed).
    pub fn session_state(&self) -> SessionState {
        self.expire_idle();
        let s = self.session.lock().unwrap_or_else(|p| p.into_inner());
        SessionState {
            profile: self
                .current
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
                .map(|a| a.profile.clone()),
            last_lock: s.last_lock,
            idle_limit_secs: s.idle_limit.as_secs() as u32,
        }
    }

    /// Locks when the idle limit has passed; true when it did.
    pub(crate) fn expire_idle(&self) -> bool {
        let idle = {
            let s = self.session.lock().unwrap_or_else(|p| p.into_inner());
            s.last_activity.elapsed() > s.idle_limit
        };
        let signed_in = self
            .current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some();
        if idle && signed_in {
            self.lock_session(LockReason::Idle);
            return true;
        }
        false
    }

    /// Starts the idle clock at a sign-in.
    pub(crate) fn session_started(&self) {
        self.session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_activity = Instant::now();
    }
}
