//! Random secrets handed to clients (session cookies, CSRF tokens, API tokens). Only a keyed hash
//! of a token is stored, so a database dump does not let anyone log in.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;

use crate::KeyMaterial;

/// A new random token: 32 bytes, URL-safe base64 (43 characters), with an optional prefix that
/// lets secret scanners recognise Haven API tokens.
pub fn generate(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::fill(&mut b);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(b))
}

/// The value stored in the database for a token.
pub fn hash(key: &KeyMaterial, token: &str) -> String {
    let mut mac = key.mac();
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time comparison of two short secrets (CSRF tokens).
pub fn equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hash_stably() {
        let k = KeyMaterial::from_bytes([1; 32]);
        let t = generate("hvn_");
        assert!(t.starts_with("hvn_") && t.len() == 47);
        assert_ne!(t, generate("hvn_"));
        assert_eq!(hash(&k, &t), hash(&k, &t));
        assert_ne!(hash(&k, &t), hash(&KeyMaterial::from_bytes([2; 32]), &t));
        assert!(equal("abc", "abc") && !equal("abc", "abd") && !equal("abc", "ab"));
    }
}
