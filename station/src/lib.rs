//! Qorgau station: the server at the police station that phones sync with. It enrols devices,
//! authenticates every request by the device's signature, verifies every pushed custody entry,
//! record and original before acknowledging it, keeps the registry of active orders that goes
//! back to the phones, and computes the department's figures.

pub mod error;
pub mod fault;
pub mod http;
pub mod serve;
pub mod station;
pub mod storage;
pub mod tls;
pub mod uploads;

pub use error::{Result, StationError};
pub use station::{Figures, Station};
