//! Cryptography for Haven: field encryption (XChaCha20-Poly1305), key wrapping and rotation,
//! keyed blind indexes for name search, password hashing and policy, TOTP, encrypted backups.
//! No I/O except reading and writing the key-encryption key file.

pub mod backup;
pub mod blind;
pub mod digest_auth;
pub mod keys;
pub mod password;
pub mod token;
pub mod totp;

pub use blind::{BlindIndex, StoredName, normalise_name};
pub use keys::{FieldCipher, Kek, KeyMaterial, Keyring, WrappedKey};

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("decryption failed: wrong key or tampered data")]
    Decrypt,
    #[error("ciphertext uses unknown data key {0}")]
    UnknownKey(u32),
    #[error("malformed ciphertext")]
    Malformed,
    #[error("the key-encryption key does not open the stored data keys (wrong key file?)")]
    WrongKek,
    #[error("key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}
