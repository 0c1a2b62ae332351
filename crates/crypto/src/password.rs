//! Password hashing (argon2id) and the password policy. Hashing is slow on purpose, so the async
//! wrappers run it on the blocking thread pool, never on the runtime's worker threads.
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::CryptoError;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;

/// Why a new password was refused; `key()` names the translated message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("password is shorter than {MIN_LENGTH} characters")]
    TooShort,
    #[error("password is longer than {MAX_LENGTH} characters")]
    TooLong,
    #[error("password is a common or easily guessed password")]
    Common,
    #[error("password contains the user name")]
    ContainsUsername,
}

impl PolicyError {
    pub fn key(&self) -> &'static str {
        match self {
            PolicyError::TooShort => "error-password-too-short",
            PolicyError::TooLong => "error-password-too-long",
            PolicyError::Common => "error-password-common",
            PolicyError::ContainsUsername => "error-password-username",
        }
    }
}

/// Common passwords and the stems breached lists are made of; a password whose letters reduce to
/// one of these (ignoring case, digits and symbols) is refused.
const COMMON: &str = include_str!("common-passwords.txt");

fn letters_only(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

pub fn check_policy(password: &str, username: &str) -> Result<(), PolicyError> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err(PolicyError::TooShort);
    }
    if len > MAX_LENGTH {
        return Err(PolicyError::TooLong);
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        return Err(PolicyError::ContainsUsername);
    }
    let distinct: std::collections::HashSet<char> = lower.chars().collect();
    if distinct.len() < 4 {
        return Err(PolicyError::Common);
    }
    let stem = letters_only(password);
    let all_digits_or_keyboard = stem.is_empty() || stem.len() < 4;
    if all_digits_or_keyboard {
        return Err(PolicyError::Common);
    }
    for common in COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if lower == common
            || stem == letters_only(common)
            || stem == format!("{0}{0}", letters_only(common))
        {
            return Err(PolicyError::Common);
        }
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // argon2id v19 with the crate's defaults (19 MiB, 2 passes), OWASP's recommended minimum.
    Argon2::default()
}

pub fn hash_blocking(password: &str) -> Result<String, CryptoError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| CryptoError::Hash(e.to_string()))
}

pub fn verify_blocking(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

pub async fn hash(password: String) -> Result<String, CryptoError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| CryptoError::Hash(e.to_string()))?
}

pub async fn verify(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify_blocking(&password, &phc))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_weak_passwords() {
        assert_eq!(check_policy("short", "someone"), Err(PolicyError::TooShort));
        assert_eq!(
            check_policy("Password123!", "someone"),
            Err(PolicyError::Common)
        );
        assert_eq!(
            check_policy("P@ssw0rd2026!!", "someone"),
            Err(PolicyError::Common)
        );
        assert_eq!(
            check_policy("111111111111", "someone"),
            Err(PolicyError::Common)
        );
        assert_eq!(
            check_policy("qwertyuiop12", "someone"),
            Err(PolicyError::Common)
        );
        assert_eq!(
            check_policy("my name is alice!", "alice"),
            Err(PolicyError::ContainsUsername)
        );
        assert!(check_policy("river-canoe-Mazaruni-42", "alice").is_ok());
    }

    #[test]
    fn hash_and_verify() {
        let h = hash_blocking("river-canoe-Mazaruni-42").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_blocking("river-canoe-Mazaruni-42", &h));
        assert!(!verify_blocking("river-canoe-Mazaruni-43", &h));
        assert!(!verify_blocking("x", "not a hash"));
    }
}
