//! Sync with the station: the protocol's wire types and request signing, and the client.

pub mod client;
pub mod protocol;
