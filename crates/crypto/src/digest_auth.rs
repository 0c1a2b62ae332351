//! The HTTP authentication of phones (ODK Collect, KoboCollect) on the OpenRosa endpoints:
//! Basic over TLS, and Digest (RFC 7616 with MD5 and `qop=auth`, as the clients implement it).
//! A credential is a random user name and secret; the server keeps only HA1,
//! MD5(username:realm:secret), which checks both schemes. Nonces are stateless (a time and its
//! MAC), so any app server behind a load balancer accepts a nonce another one gave.
use hmac::Mac;
use md5::{Digest, Md5};

use crate::KeyMaterial;
use crate::token::equal;

/// The realm of every challenge. Part of HA1: changing it would void every credential.
pub const REALM: &str = "Haven OpenRosa";

/// How long a nonce is accepted: a phone may take a while to send a large submission after the
/// challenge.
pub const NONCE_SECONDS: i64 = 3600;

/// Letters that survive being read aloud or typed on a phone (no 0/o, 1/l).
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

fn random_text(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::fill(&mut b[..]);
    // 256 is a multiple of the alphabet's 32 letters: no bias.
    b.iter()
        .map(|x| ALPHABET[usize::from(*x) % ALPHABET.len()] as char)
        .collect()
}

/// A new credential's user name: `hvn-` and 10 random letters (no person's name).
pub fn new_username() -> String {
    format!("hvn-{}", random_text(10))
}

/// A new credential's secret: 24 random letters (120 bits), typeable if the QR code fails.
pub fn new_secret() -> String {
    random_text(24)
}

fn md5_hex(parts: &[&str]) -> String {
    let mut h = Md5::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b":");
        }
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// HA1 of a credential: what is stored (sealed).
pub fn ha1(username: &str, secret: &str) -> String {
    md5_hex(&[username, REALM, secret])
}

/// Whether a Basic password is the credential's secret.
pub fn basic_ok(stored_ha1: &str, username: &str, password: &str) -> bool {
    equal(&ha1(username, password), stored_ha1)
}

/// A fresh nonce: the time and a MAC of it.
pub fn nonce(key: &KeyMaterial, now: i64) -> String {
    format!("{now}.{}", nonce_mac(key, now))
}

fn nonce_mac(key: &KeyMaterial, at: i64) -> String {
    let mut mac = key.mac();
    mac.update(b"openrosa-nonce:");
    mac.update(at.to_string().as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Whether a nonce is one Haven gave, and not older than [`NONCE_SECONDS`]. (A stale one gets
/// a new challenge with `stale=true`, which the clients answer without asking the user.)
pub fn nonce_state(key: &KeyMaterial, nonce: &str, now: i64) -> NonceState {
    let Some((at, mac)) = nonce.split_once('.') else {
        return NonceState::Foreign;
    };
    let Ok(at) = at.parse::<i64>() else {
        return NonceState::Foreign;
    };
    if !equal(&nonce_mac(key, at), mac) {
        return NonceState::Foreign;
    }
    if at > now + 60 || now - at > NONCE_SECONDS {
        return NonceState::Stale;
    }
    NonceState::Fresh
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonceState {
    Fresh,
    Stale,
    Foreign,
}

/// The `WWW-Authenticate` challenge.
pub fn challenge(key: &KeyMaterial, now: i64, stale: bool) -> String {
    format!(
        "Digest realm=\"{REALM}\", qop=\"auth\", algorithm=MD5, nonce=\"{}\"{}",
        nonce(key, now),
        if stale { ", stale=true" } else { "" }
    )
}

/// The parameters of a `Digest` authorization header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DigestResponse {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub qop: Option<String>,
    pub nc: Option<String>,
    pub cnonce: Option<String>,
    pub algorithm: Option<String>,
}

/// Reads `Digest k="v", k=v, …`; `None` for anything else or without the required parameters.
pub fn parse_digest(header: &str) -> Option<DigestResponse> {
    let rest = header.trim();
    let (scheme, mut rest) = rest.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("digest") || rest.len() > 4096 {
        return None;
    }
    let mut d = DigestResponse::default();
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if rest.is_empty() {
            break;
        }
        let (name, after) = rest.split_once('=')?;
        let name = name.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            // A quoted string: backslash escapes one character.
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => v.push(chars.next()?.1),
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => v.push(c),
                }
            }
            (v, &quoted[end?..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        match name.as_str() {
            "username" => d.username = value,
            "realm" => d.realm = value,
            "nonce" => d.nonce = value,
            "uri" => d.uri = value,
            "response" => d.response = value,
            "qop" => d.qop = Some(value),
            "nc" => d.nc = Some(value),
            "cnonce" => d.cnonce = Some(value),
            "algorithm" => d.algorithm = Some(value),
            _ => {}
        }
        rest = next;
    }
    let complete = !d.username.is_empty()
        && !d.nonce.is_empty()
        && !d.uri.is_empty()
        && !d.response.is_empty();
    complete.then_some(d)
}

/// Whether a Digest response was made with the credential's secret, for this method. The
/// caller checks the nonce ([`nonce_state`]) and that `uri` is the request's.
pub fn digest_ok(stored_ha1: &str, method: &str, d: &DigestResponse) -> bool {
    if d.realm != REALM
        || d.algorithm
            .as_deref()
            .is_some_and(|a| !a.eq_ignore_ascii_case("md5"))
    {
        return false;
    }
    let ha2 = md5_hex(&[method, &d.uri]);
    let expected = match (d.qop.as_deref(), &d.nc, &d.cnonce) {
        (Some("auth"), Some(nc), Some(cnonce)) => {
            md5_hex(&[stored_ha1, &d.nonce, nc, cnonce, "auth", &ha2])
        }
        (None, _, _) => md5_hex(&[stored_ha1, &d.nonce, &ha2]),
        _ => return false,
    };
    equal(&expected, &d.response.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_2617_example() {
        // RFC 2617 §3.5: Mufasa, "Circle Of Life", realm testrealm@host.com.
        let ha1 = md5_hex(&["Mufasa", "testrealm@host.com", "Circle Of Life"]);
        let ha2 = md5_hex(&["GET", "/dir/index.html"]);
        let r = md5_hex(&[
            &ha1,
            "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            "00000001",
            "0a4f113b",
            "auth",
            &ha2,
        ]);
        assert_eq!(r, "6629fae49393a05397450978507c4ef1");
    }

    #[test]
    fn a_client_s_answer_is_checked() {
        let key = KeyMaterial::from_bytes([3; 32]);
        let (user, secret) = (new_username(), new_secret());
        assert!(user.starts_with("hvn-") && user.len() == 14 && secret.len() == 24);
        let stored = ha1(&user, &secret);
        assert!(basic_ok(&stored, &user, &secret));
        assert!(!basic_ok(&stored, &user, "guess"));
        let now = 1_800_000_000;
        let n = nonce(&key, now);
        assert_eq!(nonce_state(&key, &n, now + 10), NonceState::Fresh);
        assert_eq!(
            nonce_state(&key, &n, now + NONCE_SECONDS + 1),
            NonceState::Stale
        );
        assert_eq!(
            nonce_state(&KeyMaterial::from_bytes([4; 32]), &n, now),
            NonceState::Foreign
        );
        let ha2 = md5_hex(&["POST", "/openrosa/submission"]);
        let response = md5_hex(&[&stored, &n, "00000001", "abc", "auth", &ha2]);
        let header = format!(
            "Digest username=\"{user}\", realm=\"{REALM}\", nonce=\"{n}\", \
             uri=\"/openrosa/submission\", qop=auth, nc=00000001, cnonce=\"abc\", \
             response=\"{response}\", algorithm=MD5"
        );
        let d = parse_digest(&header).unwrap();
        assert!(digest_ok(&stored, "POST", &d));
        assert!(!digest_ok(&stored, "GET", &d), "another method");
        assert!(
            !digest_ok(&ha1(&user, "other"), "POST", &d),
            "another secret"
        );
        assert!(challenge(&key, now, true).ends_with("stale=true"));
    }

    proptest! {
        /// Any header is read or refused, never a panic.
        #[test]
        fn any_header_parses_or_is_refused(s in ".{0,300}") {
            let _ = parse_digest(&s);
            let _ = parse_digest(&format!("Digest {s}"));
        }
    }
}
