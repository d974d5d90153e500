//! Sync with the station: the protocol's wire types and request signing, enrolment by card,
//! the TLS trust a phone gives its station, and the client.

pub mod client;
pub mod enrolment;
pub mod protocol;
pub mod tls;
