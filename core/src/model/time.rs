//! Time as the device saw it: a UTC instant plus the device's UTC offset, never corrected.

use chrono::{DateTime, Local, Offset, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// A moment recorded on the device: the UTC instant and the device's offset from UTC in
/// minutes at that moment (Kazakhstan is UTC+5 since 2024). Phone clocks can be wrong; the
/// custody chain's sequence numbers, not these times, define the order of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceTime {
    /// The instant, UTC.
    pub utc: DateTime<Utc>,
    /// The device's UTC offset in minutes (e.g. 300 for UTC+5).
    pub utc_offset_min: i32,
}

impl DeviceTime {
    /// RFC 3339 UTC with second precision, as stored and signed.
    pub fn utc_rfc3339(&self) -> String {
        self.utc
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }
}

/// Where the core gets the time from. The system clock in the apps; a fixed one in tests.
pub trait Clock: Send + Sync {
    /// The current device time.
    fn now(&self) -> DeviceTime;
}

/// The device's own clock and time zone.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DeviceTime {
        let local = Local::now();
        // Millisecond precision: the same instant is written in records and signed entries.
        let utc = local.with_timezone(&Utc);
        let utc = utc
            .with_nanosecond(utc.nanosecond() / 1_000_000 * 1_000_000)
            .unwrap_or(utc);
        DeviceTime {
            utc,
            utc_offset_min: local.offset().fix().local_minus_utc() / 60,
        }
    }
}

/// A clock that returns a set time advanced by one second per call (tests, scripted demos).
pub struct SteppingClock {
    next: std::sync::Mutex<DateTime<Utc>>,
    offset_min: i32,
}

impl SteppingClock {
    /// Starts at `start` with the given offset.
    pub fn new(start: DateTime<Utc>, offset_min: i32) -> Self {
        SteppingClock {
            next: std::sync::Mutex::new(start),
            offset_min,
        }
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> DeviceTime {
        let mut n = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let t = *n;
        *n = t + chrono::Duration::seconds(1);
        DeviceTime {
            utc: t,
            utc_offset_min: self.offset_min,
        }
    }
}
