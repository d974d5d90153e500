//! The device's key hierarchy and the `KeyStore` abstraction that protects it.
//!
//! ```text
//! KeyStore (Android Keystore / iOS Keychain / key file)
//!   └─ wraps DeviceSecrets = { data key (32 bytes), Ed25519 signing key (PKCS#8) }
//!        ├─ HKDF "records"    → AES-256-GCM key sealing every stored record
//!        ├─ HKDF "blob-names" → HMAC key naming blob files (a name reveals no hash)
//!        ├─ HKDF "lookup"     → HMAC key for IIN lookup hashes
//!        ├─ HKDF "rows"       → HMAC key authenticating rows that decide behaviour
//!        ├─ HKDF "pin-pepper" → mixed into every PIN key: no PIN search without the key store
//!        └─ HKDF(salt) "blob" → one AES-256-GCM key per stored blob file
//! ```
//! The core never sees the platform key: it only asks the key store to wrap and unwrap.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use ring::hkdf::{self, HKDF_SHA256};
use ring::hmac;

use super::random_bytes;
use crate::error::{Error, Result};

/// Protects the device secrets with a key the platform holds. Implemented by the apps over the
/// Android Keystore and the iOS Keychain, and by [`FileKeyStore`] on the desktop and in tests.
///
/// `unwrap` must fail with [`Error::WrongKey`] when the wrapped bytes were not produced by this
/// key store (another device's, a wrong key file); any other failure is [`Error::KeyStore`].
pub trait KeyStore: Send + Sync {
    /// Encrypts `secret` under the platform key named `alias`, creating that key if needed.
    fn wrap(&self, alias: &str, secret: &[u8]) -> Result<Vec<u8>>;
    /// Decrypts what `wrap` returned.
    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<Vec<u8>>;
}

/// A key store backed by a 32-byte key in a file (mode 0600), for the desktop CLI and tests.
/// It wraps with AES-256-GCM, binding the alias as associated data.
pub struct FileKeyStore {
    path: PathBuf,
    key: LessSafeKey,
}

impl FileKeyStore {
    /// Opens the key file at `path`, or creates it with a fresh random key when it is absent.
    pub fn open_or_create(path: &Path) -> Result<FileKeyStore> {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = random_bytes()?;
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)
                        .map_err(|e| Error::io("create key store directory", e))?;
                }
                let mut opts = fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    opts.mode(0o600);
                }
                let mut f = opts
                    .open(path)
                    .map_err(|e| Error::io("create key file", e))?;
                f.write_all(&key)
                    .and_then(|_| f.sync_all())
                    .map_err(|e| Error::io("write key file", e))?;
                key.to_vec()
            }
            Err(e) => return Err(Error::io("read key file", e)),
        };
        if bytes.len() != 32 {
            return Err(Error::KeyStore(
                "the key file does not hold a 32-byte key".into(),
            ));
        }
        let key = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| Error::Crypto("key"))?,
        );
        Ok(FileKeyStore {
            path: path.to_path_buf(),
            key,
        })
    }

    /// Where the key file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl KeyStore for FileKeyStore {
    fn wrap(&self, alias: &str, secret: &[u8]) -> Result<Vec<u8>> {
        let nonce: [u8; 12] = random_bytes()?;
        let mut buf = secret.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(alias.as_bytes()),
                &mut buf,
            )
            .map_err(|_| Error::Crypto("wrap"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        Ok(out)
    }

    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<Vec<u8>> {
        if wrapped.len() < 12 + 16 {
            return Err(Error::WrongKey);
        }
        let (nonce, ct) = wrapped.split_at(12);
        let mut buf = ct.to_vec();
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| Error::WrongKey)?;
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(alias.as_bytes()), &mut buf)
            .map_err(|_| Error::WrongKey)?;
        Ok(plain.to_vec())
    }
}

/// The secrets the key store wraps: the data key and the device's Ed25519 signing key.
/// `Debug` never prints them.
pub struct DeviceSecrets {
    pub(crate) data_key: [u8; 32],
    pub(crate) signing_pkcs8: Vec<u8>,
}

impl std::fmt::Debug for DeviceSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSecrets(***)")
    }
}

impl DeviceSecrets {
    /// Fresh random secrets for a new device.
    pub fn generate() -> Result<DeviceSecrets> {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng)
            .map_err(|_| Error::Crypto("keygen"))?;
        Ok(DeviceSecrets {
            data_key: random_bytes()?,
            signing_pkcs8: pkcs8.as_ref().to_vec(),
        })
    }

    /// Serialises as `version(1) | data key(32) | pkcs8` for wrapping.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(33 + self.signing_pkcs8.len());
        v.push(1);
        v.extend_from_slice(&self.data_key);
        v.extend_from_slice(&self.signing_pkcs8);
        v
    }

    /// Parses what [`to_bytes`](Self::to_bytes) wrote; a malformed buffer means a wrong key.
    pub fn from_bytes(b: &[u8]) -> Result<DeviceSecrets> {
        if b.len() < 34 || b[0] != 1 {
            return Err(Error::WrongKey);
        }
        Ok(DeviceSecrets {
            data_key: b[1..33].try_into().expect("32"),
            signing_pkcs8: b[33..].to_vec(),
        })
    }
}

/// Keys derived from the data key, held in memory while the store is open.
pub struct DerivedKeys {
    pub(crate) records: LessSafeKey,
    pub(crate) blob_names: hmac::Key,
    pub(crate) lookup: hmac::Key,
    pub(crate) rows: hmac::Key,
    pub(crate) pin_pepper: [u8; 32],
    blob_prk: hkdf::Prk,
}

struct Len(usize);
impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

impl DerivedKeys {
    /// Derives the working keys from the data key with HKDF-SHA256 and fixed labels.
    pub fn derive(data_key: &[u8; 32]) -> Result<DerivedKeys> {
        let prk = hkdf::Salt::new(HKDF_SHA256, b"qorgau/v1").extract(data_key);
        let expand = |label: &[u8]| -> Result<[u8; 32]> {
            let mut out = [0u8; 32];
            prk.expand(&[label], Len(32))
                .and_then(|okm| okm.fill(&mut out))
                .map_err(|_| Error::Crypto("hkdf"))?;
            Ok(out)
        };
        let records = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, &expand(b"records")?)
                .map_err(|_| Error::Crypto("key"))?,
        );
        let blob_names = hmac::Key::new(hmac::HMAC_SHA256, &expand(b"blob-names")?);
        let lookup = hmac::Key::new(hmac::HMAC_SHA256, &expand(b"lookup")?);
        let rows = hmac::Key::new(hmac::HMAC_SHA256, &expand(b"rows")?);
        let pin_pepper = expand(b"pin-pepper")?;
        let blob_prk = hkdf::Prk::new_less_safe(HKDF_SHA256, &expand(b"blob")?);
        Ok(DerivedKeys {
            records,
            blob_names,
            lookup,
            rows,
            pin_pepper,
            blob_prk,
        })
    }

    /// The key sealing records (for a station that uses the same construction at rest).
    pub fn records(&self) -> &LessSafeKey {
        &self.records
    }

    /// The HMAC key for lookup hashes.
    pub fn lookup(&self) -> &hmac::Key {
        &self.lookup
    }

    /// The AES-256-GCM key of one blob file, from the random salt in its header.
    pub fn blob_key(&self, salt: &[u8; 32]) -> Result<LessSafeKey> {
        let mut out = [0u8; 32];
        self.blob_prk
            .expand(&[b"blob-file", salt.as_slice()], Len(32))
            .and_then(|okm| okm.fill(&mut out))
            .map_err(|_| Error::Crypto("hkdf"))?;
        Ok(LessSafeKey::new(
            UnboundKey::new(&aead::AES_256_GCM, &out).map_err(|_| Error::Crypto("key"))?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_key_store_round_trips_and_refuses_another_key() {
        let dir = tempfile::tempdir().unwrap();
        let a = FileKeyStore::open_or_create(&dir.path().join("a.key")).unwrap();
        let b = FileKeyStore::open_or_create(&dir.path().join("b.key")).unwrap();
        let wrapped = a.wrap("device", b"secret material").unwrap();
        assert_eq!(a.unwrap("device", &wrapped).unwrap(), b"secret material");
        assert!(matches!(b.unwrap("device", &wrapped), Err(Error::WrongKey)));
        assert!(matches!(
            a.unwrap("other-alias", &wrapped),
            Err(Error::WrongKey)
        ));
        // Reopening the same file gives the same key.
        let a2 = FileKeyStore::open_or_create(&dir.path().join("a.key")).unwrap();
        assert_eq!(a2.unwrap("device", &wrapped).unwrap(), b"secret material");
    }

    #[test]
    fn device_secrets_debug_hides_material() {
        let s = DeviceSecrets::generate().unwrap();
        assert_eq!(format!("{s:?}"), "DeviceSecrets(***)");
        let back = DeviceSecrets::from_bytes(&s.to_bytes()).unwrap();
        assert_eq!(back.data_key, s.data_key);
    }
}
