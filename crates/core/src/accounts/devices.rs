//! Phones that collect in the field: a user makes a collection credential for ODK Collect or
//! KoboCollect under "My account"; it signs the phone in to the OpenRosa endpoints, where it
//! can only list forms and submit, as its user and for its agency. It expires, and is revoked
//! in one step when the phone is lost (and with the account's sessions and tokens when the
//! account is disabled, moved or its password reset).
use haven_audit::{Action, Event};
use haven_authz::Principal;
use haven_crypto::digest_auth::{self, DigestResponse, NonceState};
use haven_store::devices::{self, DeviceRow};
use haven_store::users;

use crate::auth::principal_of;
use crate::sealed;
use crate::{CoreError, FieldError, Haven, Origin, Result, actor};

/// The longest life of a credential, and the default: a field season.
pub const MAX_DEVICE_DAYS: i64 = 180;

/// A credential as its owner sees it (never the secret).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct DeviceView {
    pub id: String,
    pub label: String,
    /// The user name the phone signs in with.
    pub username: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
    pub expired: bool,
}

/// A credential to make: what the phone is called, and for how many days.
#[derive(Clone, Debug, Default)]
pub struct NewDevice {
    pub label: String,
    /// 1 to [`MAX_DEVICE_DAYS`] (the default).
    pub days: Option<i64>,
}

/// How a phone signs in.
pub enum DeviceAuth<'a> {
    Basic {
        username: &'a str,
        password: &'a str,
    },
    Digest {
        method: &'a str,
        response: &'a DigestResponse,
    },
}

/// A phone signed in: its user's principal and the credential (for the audit trail).
#[derive(Clone, Debug)]
pub struct DeviceGrant {
    pub principal: Principal,
    pub device_id: String,
}

/// Why a phone was not signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceRefusal {
    /// Unknown, wrong secret, revoked, expired, or its account disabled or moved.
    Refused,
    /// A Digest nonce Haven gave but too old: the phone answers a new challenge by itself.
    StaleNonce,
}

fn view(d: DeviceRow, now: i64) -> DeviceView {
    DeviceView {
        expired: d.expires_at <= now,
        revoked: d.revoked_at.is_some(),
        id: d.id,
        label: d.label,
        username: d.username,
        created_at: d.created_at,
        expires_at: d.expires_at,
        last_used_at: d.last_used_at,
    }
}

/// The settings ODK Collect and KoboCollect read from a QR code: the server, the user name and
/// the secret, as JSON, zlib-compressed and in base64 (what Collect's "Configure with QR code"
/// decodes; plain JSON is refused by it).
pub fn collect_settings(server_url: &str, username: &str, secret: &str, project: &str) -> String {
    use base64::Engine;
    use std::io::Write;
    let json = serde_json::json!({
        "general": {"server_url": server_url, "username": username, "password": secret},
        "admin": {},
        "project": {"name": project},
    });
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(json.to_string().as_bytes());
    let bytes = z.finish().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl Haven {
    /// Makes a collection credential for the caller's phone; the secret is returned once and
    /// only its Digest HA1 is kept, sealed. Only users who may screen and register may collect.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn add_device(
        &self,
        p: &Principal,
        req: &NewDevice,
        origin: &Origin,
    ) -> Result<(DeviceView, String)> {
        if p.case_create().is_none() {
            return Err(CoreError::Forbidden);
        }
        let label = req.label.trim();
        let mut errors = Vec::new();
        if label.is_empty() {
            errors.push(FieldError::new("label", "error-required"));
        } else if let Err(e) = haven_domain::text::check(label, 100, haven_domain::text::Lines::One)
        {
            errors.push(FieldError::new("label", e.key()));
        }
        let days = req.days.unwrap_or(MAX_DEVICE_DAYS);
        if !(1..=MAX_DEVICE_DAYS).contains(&days) {
            errors.push(FieldError::new("days", "error-device-days"));
        }
        if !errors.is_empty() {
            return Err(CoreError::Invalid(errors));
        }
        let now = self.now();
        let id = uuid::Uuid::now_v7().to_string();
        let (username, secret) = (digest_auth::new_username(), digest_auth::new_secret());
        let ha1 = digest_auth::ha1(&username, &secret);
        let row = DeviceRow {
            secret: self
                .cipher()
                .encrypt_bytes(ha1.as_bytes(), &sealed::DEVICES_SECRET.of(&id)),
            id: id.clone(),
            user_id: p.user_id,
            agency_id: p.agency_id,
            username,
            label: label.to_string(),
            created_at: now,
            expires_at: now + days * 86400,
            revoked_at: None,
            last_used_at: None,
        };
        let mut tx = self.db.begin().await?;
        devices::insert(&mut tx, &row).await?;
        let ev = Event::new(Action::DeviceAdded)
            .target("device", &id)
            .details(serde_json::json!({"days": days}));
        self.commit_audited(tx, &actor(p, origin), ev, now).await?;
        Ok((view(row, now), secret))
    }

    /// The caller's collection credentials, newest first.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn list_devices(&self, p: &Principal) -> Result<Vec<DeviceView>> {
        let mut conn = self.db.pool().acquire().await?;
        let now = self.now();
        Ok(devices::of_user(&mut conn, p.user_id)
            .await?
            .into_iter()
            .map(|d| view(d, now))
            .collect())
    }

    /// Revokes one of the caller's credentials at once (a lost phone). Anyone else's, or one
    /// already revoked, is "not found".
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn revoke_device(&self, p: &Principal, id: &str, origin: &Origin) -> Result<()> {
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !devices::revoke(&mut tx, id, p.user_id, now).await? {
            return Err(CoreError::NotFound);
        }
        let ev = Event::new(Action::DeviceRevoked).target("device", id);
        self.commit_audited(tx, &actor(p, origin), ev, now).await?;
        Ok(())
    }

    /// Signs a phone in. The user must still be enabled and in the credential's agency; the
    /// credential live. Every refusal looks the same to the phone.
    #[tracing::instrument(skip_all)]
    pub async fn device_sign_in(
        &self,
        auth: DeviceAuth<'_>,
    ) -> Result<std::result::Result<DeviceGrant, DeviceRefusal>> {
        let now = self.now();
        let username = match &auth {
            DeviceAuth::Basic { username, .. } => *username,
            DeviceAuth::Digest { response, .. } => {
                match digest_auth::nonce_state(&self.token_key, &response.nonce, now) {
                    NonceState::Fresh => {}
                    NonceState::Stale => return Ok(Err(DeviceRefusal::StaleNonce)),
                    NonceState::Foreign => return Ok(Err(DeviceRefusal::Refused)),
                }
                response.username.as_str()
            }
        };
        let mut conn = self.db.pool().acquire().await?;
        let Some(d) = devices::by_username(&mut conn, username).await? else {
            return Ok(Err(DeviceRefusal::Refused));
        };
        let ha1 = self
            .cipher()
            .decrypt_bytes(&d.secret, &sealed::DEVICES_SECRET.of(&d.id))?;
        let ha1 = String::from_utf8(ha1).map_err(CoreError::internal)?;
        let ok = match auth {
            DeviceAuth::Basic { username, password } => {
                digest_auth::basic_ok(&ha1, username, password)
            }
            DeviceAuth::Digest { method, response } => {
                digest_auth::digest_ok(&ha1, method, response)
            }
        };
        if !ok || d.revoked_at.is_some() || d.expires_at <= now {
            return Ok(Err(DeviceRefusal::Refused));
        }
        let Some(u) = users::by_id(&mut conn, d.user_id).await? else {
            return Ok(Err(DeviceRefusal::Refused));
        };
        if u.disabled || u.agency_id != d.agency_id {
            return Ok(Err(DeviceRefusal::Refused));
        }
        devices::touch(&mut conn, &d.id, now).await?;
        Ok(Ok(DeviceGrant {
            principal: principal_of(&u),
            device_id: d.id,
        }))
    }

    /// The keyed digest of a submitted form's bytes (to tell a resend from other content under
    /// the same instanceID, without keeping a hash anyone could test guesses against).
    pub fn submission_digest(&self, bytes: &[u8]) -> String {
        haven_crypto::token::hash(&self.token_key, &hex::encode(sha2_256(bytes)))
    }

    /// The `WWW-Authenticate` challenge for a phone (Digest, with a fresh nonce).
    pub fn device_challenge(&self, stale: bool) -> String {
        digest_auth::challenge(&self.token_key, self.now(), stale)
    }
}

fn sha2_256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use std::io::Read;

    #[test]
    fn the_settings_are_zlib_json_in_base64() {
        let s = collect_settings(
            "https://haven.example/openrosa",
            "hvn-abc",
            "s3cret",
            "Haven",
        );
        let z = base64::engine::general_purpose::STANDARD
            .decode(&s)
            .unwrap();
        let mut json = String::new();
        flate2::read::ZlibDecoder::new(&z[..])
            .read_to_string(&mut json)
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["general"]["server_url"], "https://haven.example/openrosa");
        assert_eq!(v["general"]["username"], "hvn-abc");
        assert_eq!(v["general"]["password"], "s3cret");
        assert!(v["admin"].is_object(), "Collect requires `admin`");
    }
}
