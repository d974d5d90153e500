//! The platform key store as a foreign trait: Android Keystore / iOS Keychain implement it.

use std::sync::Arc;

/// Errors a platform key store reports.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum KeyStoreError {
    /// The wrapped bytes were not made by this key store (another device, a reset keystore).
    #[error("wrong key")]
    WrongKey,
    /// The platform key store is unavailable or failed (locked device, hardware error...).
    #[error("{reason}")]
    Unavailable { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        KeyStoreError::Unavailable {
            reason: format!("key store callback failed: {}", e.reason),
        }
    }
}

/// Wraps and unwraps the device secrets with a key the platform holds and never exports.
/// `unwrap` must fail with `WrongKey` for bytes this key store did not wrap.
#[uniffi::export(with_foreign)]
pub trait PlatformKeyStore: Send + Sync {
    /// Encrypts `secret` under the platform key `alias` (creating the key on first use).
    fn wrap(&self, alias: String, secret: Vec<u8>) -> Result<Vec<u8>, KeyStoreError>;
    /// Decrypts what `wrap` returned.
    fn unwrap(&self, alias: String, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyStoreError>;
}

/// Adapts a platform key store to the core's `KeyStore`.
pub(crate) struct Adapter(pub Arc<dyn PlatformKeyStore>);

impl qorgau_core::KeyStore for Adapter {
    fn wrap(&self, alias: &str, secret: &[u8]) -> qorgau_core::Result<Vec<u8>> {
        self.0.wrap(alias.to_string(), secret.to_vec()).map_err(map)
    }
    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> qorgau_core::Result<Vec<u8>> {
        self.0
            .unwrap(alias.to_string(), wrapped.to_vec())
            .map_err(map)
    }
}

fn map(e: KeyStoreError) -> qorgau_core::Error {
    match e {
        KeyStoreError::WrongKey => qorgau_core::Error::WrongKey,
        KeyStoreError::Unavailable { reason } => qorgau_core::Error::KeyStore(reason),
    }
}

/// A key store backed by a key file (desktop, tests, demos). Not for phones: there the key
/// must live in the Android Keystore or the iOS Keychain.
struct FileKeyStore(qorgau_core::FileKeyStore);

/// Opens a key file (creating it with a fresh random key if absent) as a key store.
#[uniffi::export]
pub fn file_key_store(path: String) -> Result<Arc<dyn PlatformKeyStore>, crate::QorgauError> {
    crate::error::guard(|| {
        Ok(
            Arc::new(FileKeyStore(qorgau_core::FileKeyStore::open_or_create(
                path.as_ref(),
            )?)) as Arc<dyn PlatformKeyStore>,
        )
    })
}

impl PlatformKeyStore for FileKeyStore {
    fn wrap(&self, alias: String, secret: Vec<u8>) -> Result<Vec<u8>, KeyStoreError> {
        qorgau_core::KeyStore::wrap(&self.0, &alias, &secret).map_err(|e| {
            KeyStoreError::Unavailable {
                reason: e.to_string(),
            }
        })
    }
    fn unwrap(&self, alias: String, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyStoreError> {
        qorgau_core::KeyStore::unwrap(&self.0, &alias, &wrapped).map_err(|e| match e {
            qorgau_core::Error::WrongKey => KeyStoreError::WrongKey,
            e => KeyStoreError::Unavailable {
                reason: e.to_string(),
            },
        })
    }
}
