//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s, one step of clock skew),
//! the format every authenticator app reads.
use totp_rs::{Builder, Secret, Totp};

/// A new random secret, as the base32 text shown to the user.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn build(secret_b32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some("Haven"))
        .build()
        .ok()
}

/// The `otpauth://` URI to enter in an authenticator app.
pub fn provisioning_uri(secret_b32: &str, account: &str) -> Option<String> {
    build(secret_b32, account)?.to_url().ok()
}

/// Returns the time step of the accepted code, so a caller can refuse the same code twice.
pub fn check(secret_b32: &str, code: &str, now: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    build(secret_b32, "haven")?.check(&code, now)
}

/// The current code (demo and tests only).
pub fn current_code(secret_b32: &str, now: u64) -> Option<String> {
    Some(build(secret_b32, "haven")?.generate(now).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_verify_within_skew_only() {
        let s = new_secret();
        let now = 1_800_000_000;
        let code = current_code(&s, now).unwrap();
        assert!(check(&s, &code, now).is_some());
        assert!(check(&s, &code, now + 30).is_some(), "one step of skew");
        assert!(check(&s, &code, now + 300).is_none());
        assert!(check(&s, "000000x", now).is_none());
        assert!(
            provisioning_uri(&s, "alice")
                .unwrap()
                .starts_with("otpauth://totp/")
        );
    }
}
