//! Envelope encryption. Personal fields are sealed with a data key (DEK); data keys are stored in
//! the database wrapped by the key-encryption key (KEK), which lives outside the database.
//! Rotating the KEK re-wraps the data keys only; rotating a data key makes new writes use a new
//! key while old ciphertexts stay readable (each ciphertext names its key).
use std::collections::HashMap;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::CryptoError;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = 1 + 4 + NONCE_LEN;

/// 32 bytes of secret key material, wiped on drop and never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct KeyMaterial([u8; 32]);

impl KeyMaterial {
    pub fn random() -> Self {
        let mut k = [0u8; 32];
        rand::fill(&mut k);
        Self(k)
    }
    pub fn from_bytes(b: [u8; 32]) -> Self {
        Self(b)
    }
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.0.into())
    }
    /// An HMAC-SHA256 keyed with this key (every keyed hash of Haven goes through here).
    pub fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.0)
            .expect("HMAC takes keys of any length")
    }

    /// A key derived for one purpose, so one secret never serves two algorithms.
    pub fn derive(&self, purpose: &str) -> KeyMaterial {
        let mut mac = self.mac();
        mac.update(purpose.as_bytes());
        KeyMaterial(mac.finalize().into_bytes().into())
    }
}

impl std::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyMaterial(***)")
    }
}

fn seal(key: &KeyMaterial, key_id: u32, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::fill(&mut nonce);
    let ct = key
        .cipher()
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
    let mut out = Vec::with_capacity(HEADER_LEN + ct.len());
    out.push(VERSION);
    out.extend_from_slice(&key_id.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

fn header(blob: &[u8]) -> Result<(u32, &[u8], &[u8]), CryptoError> {
    if blob.len() < HEADER_LEN + 16 || blob[0] != VERSION {
        return Err(CryptoError::Malformed);
    }
    let key_id = u32::from_be_bytes([blob[1], blob[2], blob[3], blob[4]]);
    Ok((key_id, &blob[5..HEADER_LEN], &blob[HEADER_LEN..]))
}

fn open(key: &KeyMaterial, nonce: &[u8], ct: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let nonce = XNonce::try_from(nonce).map_err(|_| CryptoError::Malformed)?;
    key.cipher()
        .decrypt(&nonce, Payload { msg: ct, aad })
        .map_err(|_| CryptoError::Decrypt)
}

/// The key-encryption key. Kept in a 0600 file in the data folder or passed by environment.
#[derive(Clone, Debug)]
pub struct Kek(KeyMaterial);

impl Kek {
    pub fn generate() -> Self {
        Self(KeyMaterial::random())
    }

    /// Parses the hex text of a key file or environment variable.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = hex::decode(text.trim()).map_err(|_| "is not hexadecimal".to_string())?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "must hold 64 hexadecimal digits (32 bytes)".to_string())?;
        Ok(Self(KeyMaterial(arr)))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// A short public identifier of this KEK, stored beside each wrapped key so an operator can
    /// tell which key file is needed.
    pub fn fingerprint(&self) -> String {
        hex::encode(&self.0.derive("haven-kek-fingerprint").as_bytes()[..8])
    }

    pub fn read_file(path: &Path) -> Result<Self, CryptoError> {
        let err = |reason: String| CryptoError::KeyFile {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|e| err(e.to_string()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(err(format!(
                    "permissions are {:o}; the key file must be readable by its owner only (chmod 600)",
                    mode & 0o777
                )));
            }
        }
        Self::from_hex(&text).map_err(err)
    }

    /// Writes the key to a new file with 0600 permissions; refuses to overwrite.
    pub fn write_new_file(&self, path: &Path) -> Result<(), CryptoError> {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(|e| CryptoError::KeyFile {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        f.write_all(self.to_hex().as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        Ok(())
    }

    /// Key for encrypted backups: derived from the KEK itself, so a backup can be opened on an
    /// empty machine with only the key file.
    pub fn backup_key(&self) -> KeyMaterial {
        self.0.derive("haven-backup")
    }

    pub fn wrap(&self, purpose: &str, key: &KeyMaterial) -> Vec<u8> {
        seal(&self.0, 0, key.as_bytes(), purpose.as_bytes())
    }

    pub fn unwrap_key(&self, purpose: &str, wrapped: &[u8]) -> Result<KeyMaterial, CryptoError> {
        let (_, nonce, ct) = header(wrapped)?;
        let plain =
            open(&self.0, nonce, ct, purpose.as_bytes()).map_err(|_| CryptoError::WrongKek)?;
        let arr: [u8; 32] = plain.try_into().map_err(|_| CryptoError::Malformed)?;
        Ok(KeyMaterial(arr))
    }
}

/// One row of the `keyring` table.
#[derive(Clone, Debug)]
pub struct WrappedKey {
    pub id: u32,
    /// `data`, `index` or `audit`.
    pub purpose: String,
    pub wrapped: Vec<u8>,
    pub kek_fingerprint: String,
    pub active: bool,
}

/// All unwrapped keys a server needs, loaded once at start.
#[derive(Clone, Debug)]
pub struct Keyring {
    data: HashMap<u32, KeyMaterial>,
    active_data: u32,
    index: KeyMaterial,
    audit: KeyMaterial,
}

impl Keyring {
    /// Fresh keys for a new deployment, already wrapped for storage.
    pub fn generate(kek: &Kek) -> Vec<WrappedKey> {
        ["data", "index", "audit"]
            .iter()
            .enumerate()
            .map(|(i, purpose)| WrappedKey {
                id: i as u32 + 1,
                purpose: purpose.to_string(),
                wrapped: kek.wrap(purpose, &KeyMaterial::random()),
                kek_fingerprint: kek.fingerprint(),
                active: true,
            })
            .collect()
    }

    pub fn unwrap_all(kek: &Kek, rows: &[WrappedKey]) -> Result<Self, CryptoError> {
        let mut data = HashMap::new();
        let mut active_data = None;
        let mut index = None;
        let mut audit = None;
        for row in rows {
            let key = kek.unwrap_key(&row.purpose, &row.wrapped)?;
            match row.purpose.as_str() {
                "data" => {
                    if row.active {
                        active_data = Some(row.id);
                    }
                    data.insert(row.id, key);
                }
                "index" => index = Some(key),
                "audit" => audit = Some(key),
                _ => return Err(CryptoError::Malformed),
            }
        }
        match (active_data, index, audit) {
            (Some(active_data), Some(index), Some(audit)) => Ok(Self {
                data,
                active_data,
                index,
                audit,
            }),
            _ => Err(CryptoError::Malformed),
        }
    }

    pub fn cipher(&self) -> FieldCipher {
        FieldCipher {
            keys: self.data.clone(),
            active: self.active_data,
        }
    }

    pub fn blind_index(&self) -> crate::BlindIndex {
        crate::BlindIndex::new(self.index.derive("haven-blind-index"))
    }

    /// Key for the audit chain's HMAC: without it, nobody can forge a consistent chain.
    pub fn audit_key(&self) -> KeyMaterial {
        self.audit.derive("haven-audit-chain")
    }

    /// Key that tokens (sessions, API tokens) are hashed with before storage.
    pub fn token_key(&self) -> KeyMaterial {
        self.index.derive("haven-token-hash")
    }
}

/// Seals and opens personal fields. The associated data binds a ciphertext to its table, column
/// and row, so a value copied into another record does not decrypt.
#[derive(Clone, Debug)]
pub struct FieldCipher {
    keys: HashMap<u32, KeyMaterial>,
    active: u32,
}

impl FieldCipher {
    pub fn encrypt(&self, plaintext: &str, aad: &str) -> Vec<u8> {
        seal(
            &self.keys[&self.active],
            self.active,
            plaintext.as_bytes(),
            aad.as_bytes(),
        )
    }

    pub fn decrypt(&self, blob: &[u8], aad: &str) -> Result<String, CryptoError> {
        let (key_id, nonce, ct) = header(blob)?;
        let key = self
            .keys
            .get(&key_id)
            .ok_or(CryptoError::UnknownKey(key_id))?;
        let plain = open(key, nonce, ct, aad.as_bytes())?;
        String::from_utf8(plain).map_err(|_| CryptoError::Malformed)
    }

    /// Seals arbitrary bytes (attachments) the same way as text fields.
    pub fn encrypt_bytes(&self, plaintext: &[u8], aad: &str) -> Vec<u8> {
        seal(
            &self.keys[&self.active],
            self.active,
            plaintext,
            aad.as_bytes(),
        )
    }

    pub fn decrypt_bytes(&self, blob: &[u8], aad: &str) -> Result<Vec<u8>, CryptoError> {
        let (key_id, nonce, ct) = header(blob)?;
        let key = self
            .keys
            .get(&key_id)
            .ok_or(CryptoError::UnknownKey(key_id))?;
        open(key, nonce, ct, aad.as_bytes())
    }

    pub fn encrypt_opt(&self, plaintext: Option<&str>, aad: &str) -> Option<Vec<u8>> {
        plaintext.map(|p| self.encrypt(p, aad))
    }

    pub fn decrypt_opt(
        &self,
        blob: Option<&[u8]>,
        aad: &str,
    ) -> Result<Option<String>, CryptoError> {
        blob.map(|b| self.decrypt(b, aad)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> (Kek, Keyring) {
        let kek = Kek::generate();
        let rows = Keyring::generate(&kek);
        let ring = Keyring::unwrap_all(&kek, &rows).unwrap();
        (kek, ring)
    }

    #[test]
    fn bytes_round_trip_and_binding() {
        let (_, ring) = ring();
        let c = ring.cipher();
        let data = [0u8, 255, 7, 0, 1];
        let blob = c.encrypt_bytes(&data, "case_attachments.data:1");
        assert_eq!(
            c.decrypt_bytes(&blob, "case_attachments.data:1").unwrap(),
            data
        );
        assert!(c.decrypt_bytes(&blob, "case_attachments.data:2").is_err());
    }

    #[test]
    fn field_round_trip_and_binding() {
        let (_, ring) = ring();
        let c = ring.cipher();
        let blob = c.encrypt("María González", "persons.first_name:1");
        assert_eq!(
            c.decrypt(&blob, "persons.first_name:1").unwrap(),
            "María González"
        );
        assert!(
            c.decrypt(&blob, "persons.first_name:2").is_err(),
            "aad must bind the row"
        );
        let mut tampered = blob.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(c.decrypt(&tampered, "persons.first_name:1").is_err());
        assert!(
            !blob.windows(5).any(|w| w == b"Mar\xc3\xad"),
            "no plaintext in ciphertext"
        );
    }

    #[test]
    fn wrong_kek_is_detected() {
        let kek = Kek::generate();
        let rows = Keyring::generate(&kek);
        assert!(matches!(
            Keyring::unwrap_all(&Kek::generate(), &rows),
            Err(CryptoError::WrongKek)
        ));
    }

    #[test]
    fn kek_hex_round_trip() {
        let kek = Kek::generate();
        assert_eq!(
            Kek::from_hex(&kek.to_hex()).unwrap().fingerprint(),
            kek.fingerprint()
        );
        assert!(Kek::from_hex("abcd").is_err());
        assert!(Kek::from_hex("zz").is_err());
    }

    #[test]
    fn key_file_permissions_are_enforced() {
        let dir = tempfile_dir();
        let path = dir.join("kek.key");
        let kek = Kek::generate();
        kek.write_new_file(&path).unwrap();
        assert_eq!(
            Kek::read_file(&path).unwrap().fingerprint(),
            kek.fingerprint()
        );
        assert!(
            kek.write_new_file(&path).is_err(),
            "never overwrite a key file"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(Kek::read_file(&path).is_err());
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let mut p = std::env::temp_dir();
        let mut r = [0u8; 8];
        rand::fill(&mut r);
        p.push(format!("haven-crypto-test-{}", hex::encode(r)));
        std::fs::create_dir_all(&p).unwrap();
        p
    }
}
