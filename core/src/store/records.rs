//! Sealing records into rows and opening them again.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Store;
use crate::canonical;
use crate::crypto::hash::Sha256;
use crate::crypto::seal;
use crate::error::Result;

/// A record ready to be written: its canonical bytes, their hash and the sealed form.
pub(crate) struct SealedRecord {
    pub sha256: Sha256,
    pub sealed: Vec<u8>,
}

/// Associated data binding a sealed body to its table and row.
pub(crate) fn aad(table: &str, id: &str) -> String {
    format!("{table}/{id}")
}

impl Store {
    /// Serialises a record canonically, hashes it and seals it for `table`/`id`.
    pub(crate) fn seal_record<T: Serialize>(
        &self,
        table: &str,
        id: &str,
        record: &T,
    ) -> Result<SealedRecord> {
        let bytes = canonical::to_bytes(record)?;
        Ok(SealedRecord {
            sha256: Sha256::of(&bytes),
            sealed: seal::seal(&self.keys().records, &aad(table, id), &bytes)?,
        })
    }

    /// Opens a sealed body and returns its canonical bytes (exactly as hashed at write time).
    pub(crate) fn open_record_bytes(
        &self,
        table: &str,
        id: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>> {
        seal::open(&self.keys().records, &aad(table, id), sealed)
    }

    /// Opens and deserialises a sealed body.
    pub(crate) fn open_record<T: DeserializeOwned>(
        &self,
        table: &str,
        id: &str,
        sealed: &[u8],
    ) -> Result<T> {
        Ok(serde_json::from_slice(
            &self.open_record_bytes(table, id, sealed)?,
        )?)
    }
}
