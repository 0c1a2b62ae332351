//! Authentication: password sign-in with lockout, sessions with idle and absolute timeouts,
//! the TOTP second factor, and personal API tokens.
use crate::sealed::{self};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use haven_audit::{Action, Actor, Event};
use haven_authz::{Principal, Scope, Scopes};
use haven_crypto::{token, totp};
use haven_domain::{Role, TokenId, UserId};
use haven_store::sessions::{self, SessionRow};
use haven_store::users::{self, UserRow};
use haven_store::{Conn, tokens};

use crate::{CoreError, Haven, Origin, Result, actor};

/// What a request with an API token acts as: the token's owner, limited to the token's scopes.
#[derive(Clone, Debug)]
pub struct BearerGrant {
    pub principal: Principal,
    pub token: TokenId,
    pub scopes: Scopes,
    pub expires_at: Option<i64>,
}

/// A signed-in session as a request sees it.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub principal: Principal,
    pub username: String,
    pub display_name: String,
    pub language: Option<String>,
    pub csrf_token: String,
    /// Password accepted, second factor still to come.
    pub mfa_pending: bool,
    pub has_mfa: bool,
    pub must_change_password: bool,
    pub(crate) token_hash: String,
}

impl SessionInfo {
    /// Whether the user must set up a second factor before doing anything else.
    pub fn must_enrol_mfa(&self) -> bool {
        self.mfa_pending && !self.has_mfa
    }
}

/// The result of a successful password check: a cookie value and where to go next.
#[derive(Debug)]
pub struct NewSession {
    pub token: String,
    pub info: SessionInfo,
}

pub(crate) fn principal_of(u: &UserRow) -> Principal {
    Principal {
        user_id: u.id,
        agency_id: u.agency_id,
        role: u.role,
    }
}

fn info(u: &UserRow, s: &SessionRow) -> SessionInfo {
    SessionInfo {
        principal: principal_of(u),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        language: u.language.clone(),
        csrf_token: s.csrf_token.clone(),
        mfa_pending: s.mfa_pending,
        has_mfa: u.totp_secret.is_some(),
        must_change_password: u.must_change_password,
        token_hash: s.token_hash.clone(),
    }
}

fn user_actor(u: &UserRow, origin: &Origin) -> Actor {
    Actor {
        user_id: Some(u.id),
        agency_id: Some(u.agency_id),
        role: Some(u.role),
        ip: origin.ip.clone(),
    }
}

/// An MFA set-up in progress: the secret to show, and a sealed copy for the confirmation form
/// (so app servers stay stateless).
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret: String,
    pub uri: String,
    pub sealed: String,
}

impl Haven {
    async fn record(&self, conn: &mut Conn, actor: &Actor, event: Event) -> Result<()> {
        self.audit(conn, actor, event).await?;
        Ok(())
    }

    /// Refuses a sign-in that names no known account (or comes from a throttled address): the
    /// same answer and the same argon2 time as any other refusal, audited without the name.
    /// `count_address_at`: also count the failure against the client's address.
    async fn refuse_unidentified(
        &self,
        pw: &str,
        origin: &Origin,
        reason: &'static str,
        count_address_at: Option<i64>,
    ) -> Result<Option<NewSession>> {
        self.verify_password(pw, &self.dummy_hash).await;
        let mut tx = self.db.begin().await?;
        if let (Some(ip), Some(t)) = (&origin.ip, count_address_at) {
            sessions::record_login_failure(&mut tx, ip, t).await?;
        }
        let ev = Event::new(Action::LoginFailed)
            .outcome("failed")
            .details(serde_json::json!({ "reason": reason }));
        let who = Actor {
            ip: origin.ip.clone(),
            ..Default::default()
        };
        self.record(&mut tx, &who, ev).await?;
        tx.commit().await?;
        Ok(None)
    }

    /// Counts an attempt before it is checked and, when the count reaches the threshold, locks the
    /// account in the same transaction: concurrent guesses then find it locked. The attempt that
    /// set the lock is still checked; success lifts it. `None`: the account is locked.
    async fn reserve(&self, user: UserId, address: &str, t: i64) -> Result<Option<i64>> {
        let mut tx = self.db.begin().await?;
        let attempt = users::reserve_attempt(&mut tx, user, address, t).await?;
        if let Some(until) = attempt.and_then(|n| self.lock_for(n)) {
            users::set_locked_until(&mut tx, user, address, until).await?;
        }
        tx.commit().await?;
        Ok(attempt)
    }

    /// Where sign-in failures are counted: a keyed hash of the client address (no address is
    /// stored), so that an outsider's failures lock the account for the outsider's address
    /// only, never for the real user elsewhere. Addresses that spray many accounts are refused
    /// as a whole (`address_max_failures`).
    fn lock_address(&self, origin: &Origin) -> String {
        match &origin.ip {
            Some(ip) => token::hash(&self.token_key, &format!("login-address:{ip}")),
            None => "-".into(),
        }
    }

    fn lock_for(&self, failures: i64) -> Option<i64> {
        let over = failures - self.policy.lockout_threshold;
        if over < 0 {
            return None;
        }
        let secs = self
            .policy
            .lockout_base_secs
            .saturating_mul(1i64 << over.min(20));
        Some(self.now() + secs.min(self.policy.lockout_max_secs))
    }

    /// Checks a user name and password. `None` means refused, with one message for every reason
    /// (unknown user, wrong password, locked, disabled) so the answer reveals nothing.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        username: &str,
        pw: &str,
        origin: &Origin,
    ) -> Result<Option<NewSession>> {
        let username = username.trim().to_lowercase();
        let t = self.now();
        let (user, address_blocked) = {
            let mut conn = self.db.pool().acquire().await?;
            let blocked = match &origin.ip {
                Some(ip) => {
                    let since = t - self.policy.address_window_secs;
                    sessions::login_failures_since(&mut conn, ip, since).await?
                        >= self.policy.address_max_failures
                }
                None => false,
            };
            (users::by_username(&mut conn, &username).await?, blocked)
        };
        if address_blocked {
            return self
                .refuse_unidentified(pw, origin, "address_throttled", None)
                .await;
        }
        let Some(user) = user else {
            // The typed name is not recorded: people type passwords into the wrong field.
            return self
                .refuse_unidentified(pw, origin, "unknown_user", Some(t))
                .await;
        };
        // Take a number before the slow check: concurrent guesses are counted one by one, and
        // the attempt that reaches the threshold locks the account at once (see `reserve`).
        let address = self.lock_address(origin);
        let attempt = if user.disabled {
            None
        } else {
            self.reserve(user.id, &address, t).await?
        };
        let locked = !user.disabled && attempt.is_none();
        let ok = if locked || user.disabled {
            // Same time as a real check, so a locked account does not answer faster.
            self.verify_password(pw, &self.dummy_hash).await;
            false
        } else {
            self.verify_password(pw, &user.password_hash).await
        };
        let failures = attempt.unwrap_or_default();
        let mut tx = self.db.begin().await?;
        let who = user_actor(&user, origin);
        if locked || user.disabled || !ok {
            let (action, reason) = if user.disabled {
                (Action::LoginFailed, "disabled")
            } else if locked {
                (Action::LoginLocked, "locked")
            } else {
                (Action::LoginFailed, "wrong_password")
            };
            if let Some(ip) = &origin.ip {
                sessions::record_login_failure(&mut tx, ip, t).await?;
            }
            let ev = Event::new(action)
                .outcome("failed")
                .target("user", user.id)
                .details(serde_json::json!({"reason": reason, "failures": failures}));
            self.record(&mut tx, &who, ev).await?;
            tx.commit().await?;
            return Ok(None);
        }
        let mfa_pending = user.totp_secret.is_some() || user.role.requires_mfa();
        // With a second factor still to come, the failure counter is not reset: wrong codes keep
        // counting towards the lockout across fresh password sign-ins.
        if mfa_pending {
            // The password was right: lift a lock this attempt set, keep the count for the code.
            users::clear_lock(&mut tx, user.id, &address).await?;
        } else {
            users::record_success(&mut tx, user.id, &address, t).await?;
        }
        let cookie = token::generate("");
        let row = SessionRow {
            token_hash: token::hash(&self.token_key, &cookie),
            user_id: user.id,
            csrf_token: token::generate(""),
            mfa_pending,
            created_at: t,
            last_seen_at: t,
            ip: origin.ip.clone(),
        };
        sessions::insert(&mut tx, &row).await?;
        self.record(
            &mut tx,
            &who,
            Event::new(Action::LoginSucceeded).target("user", user.id),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(NewSession {
            token: cookie,
            info: info(&user, &row),
        }))
    }

    /// The session behind a cookie, if it is still valid. Expired sessions are deleted.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, cookie: &str) -> Result<Option<SessionInfo>> {
        let hash = token::hash(&self.token_key, cookie);
        let mut conn = self.db.pool().acquire().await?;
        let Some((s, u)) = sessions::get_with_user(&mut conn, &hash).await? else {
            return Ok(None);
        };
        let t = self.now();
        let expired = t - s.last_seen_at > self.policy.session_idle_secs
            || t - s.created_at > self.policy.session_absolute_secs
            || u.disabled;
        if expired {
            sessions::delete(&mut conn, &hash).await?;
            return Ok(None);
        }
        // Writing on every request would serialise SQLite; a minute of precision is enough.
        if t - s.last_seen_at >= 60 {
            sessions::touch(&mut conn, &hash, t).await?;
        }
        Ok(Some(info(&u, &s)))
    }

    /// Deletes every session past its idle or absolute limit (run periodically by `serve`).
    #[tracing::instrument(skip_all)]
    pub async fn purge_expired_sessions(&self) -> Result<u64> {
        let t = self.now();
        let mut conn = self.db.pool().acquire().await?;
        sessions::purge_login_failures(&mut conn, t - self.policy.address_window_secs).await?;
        users::purge_login_locks(&mut conn, t - 86_400).await?;
        haven_store::tips::purge_rate_events(&mut conn, t - crate::support::RATE_WINDOW_SECS)
            .await?;
        Ok(sessions::delete_expired(
            &mut conn,
            t - self.policy.session_idle_secs,
            t - self.policy.session_absolute_secs,
        )
        .await?)
    }

    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn logout(&self, s: &SessionInfo, origin: &Origin) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sessions::delete(&mut tx, &s.token_hash).await?;
        self.record(
            &mut tx,
            &actor(&s.principal, origin),
            Event::new(Action::Logout),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn logout_everywhere(&self, s: &SessionInfo, origin: &Origin) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let n = sessions::delete_for_user(&mut tx, s.principal.user_id).await?;
        let ev = Event::new(Action::LogoutEverywhere).details(serde_json::json!({"sessions": n}));
        self.record(&mut tx, &actor(&s.principal, origin), ev)
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Second step of sign-in. A code is accepted once only. On success the session gets a new
    /// token (returned: the new cookie), so a token seen before the second factor is worth
    /// nothing after it.
    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn verify_mfa(
        &self,
        s: &SessionInfo,
        code: &str,
        origin: &Origin,
    ) -> Result<Option<String>> {
        let mut tx = self.db.begin().await?;
        let user = users::by_id(&mut tx, s.principal.user_id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        let aad = format!("users.totp_secret:{}", user.id);
        let secret = match &user.totp_secret {
            Some(blob) => self.cipher().decrypt(blob, &aad)?,
            None => return Ok(None),
        };
        let t = self.now();
        let address = self.lock_address(origin);
        // Counted before checking, atomically, like passwords (see `login`).
        let attempt = users::reserve_attempt(&mut tx, user.id, &address, t).await?;
        let lock = attempt.and_then(|n| self.lock_for(n));
        if let Some(until) = lock {
            users::set_locked_until(&mut tx, user.id, &address, until).await?;
        }
        let locked = attempt.is_none();
        let step = totp::check(&secret, code, t as u64);
        let fresh = match step {
            Some(step) if !locked => users::use_totp_step(&mut tx, user.id, step as i64).await?,
            _ => false,
        };
        let who = actor(&s.principal, origin);
        let mut renewed = None;
        if fresh {
            users::record_success(&mut tx, user.id, &address, t).await?;
            renewed = Some(self.complete_mfa(&mut tx, s, t).await?);
            self.record(&mut tx, &who, Event::new(Action::MfaSucceeded))
                .await?;
        } else {
            // A locked account, or one that just reached its lock, loses the pending session.
            if locked || lock.is_some() {
                sessions::delete(&mut tx, &s.token_hash).await?;
            }
            if let Some(ip) = &origin.ip {
                sessions::record_login_failure(&mut tx, ip, t).await?;
            }
            self.record(
                &mut tx,
                &who,
                Event::new(Action::MfaFailed).outcome("failed"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(renewed)
    }

    /// Marks the session's second factor done under a new token and CSRF token; returns the new
    /// cookie value.
    async fn complete_mfa(&self, tx: &mut Conn, s: &SessionInfo, t: i64) -> Result<String> {
        let cookie = token::generate("");
        let hash = token::hash(&self.token_key, &cookie);
        if !sessions::complete_mfa(tx, &s.token_hash, &hash, &token::generate(""), t).await? {
            return Err(CoreError::Unauthenticated);
        }
        Ok(cookie)
    }

    pub fn start_mfa_enrolment(&self, s: &SessionInfo) -> Enrolment {
        let secret = totp::new_secret();
        let uri = totp::provisioning_uri(&secret, &s.username).unwrap_or_default();
        let sealed = self
            .cipher()
            .encrypt(&secret, &format!("mfa-enrolment:{}", s.principal.user_id));
        Enrolment {
            secret,
            uri,
            sealed: URL_SAFE_NO_PAD.encode(sealed),
        }
    }

    /// Re-shows an enrolment from its sealed copy (after a wrong code).
    pub fn resume_mfa_enrolment(&self, s: &SessionInfo, sealed: &str) -> Option<Enrolment> {
        let blob = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let secret = self
            .cipher()
            .decrypt(&blob, &format!("mfa-enrolment:{}", s.principal.user_id))
            .ok()?;
        let uri = totp::provisioning_uri(&secret, &s.username).unwrap_or_default();
        Some(Enrolment {
            secret,
            uri,
            sealed: sealed.to_string(),
        })
    }

    /// Saves the second factor once the user proves their app produces valid codes. Like
    /// [`Haven::verify_mfa`], returns the session's new cookie value.
    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn confirm_mfa_enrolment(
        &self,
        s: &SessionInfo,
        sealed: &str,
        code: &str,
        origin: &Origin,
    ) -> Result<Option<String>> {
        let Some(e) = self.resume_mfa_enrolment(s, sealed) else {
            return Ok(None);
        };
        let t = self.now();
        let Some(step) = totp::check(&e.secret, code, t as u64) else {
            return Ok(None);
        };
        let mut tx = self.db.begin().await?;
        let uid = s.principal.user_id;
        let blob = self
            .cipher()
            .encrypt(&e.secret, &sealed::USERS_TOTP_SECRET.of(uid));
        users::set_totp(&mut tx, uid, Some(&blob)).await?;
        users::use_totp_step(&mut tx, uid, step as i64).await?;
        let cookie = self.complete_mfa(&mut tx, s, t).await?;
        self.record(
            &mut tx,
            &actor(&s.principal, origin),
            Event::new(Action::MfaEnrolled).target("user", uid),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(cookie))
    }

    /// The principal behind an `Authorization: Bearer` token, with what the token may do.
    #[tracing::instrument(skip_all)]
    pub async fn bearer(&self, bearer: &str) -> Result<Option<BearerGrant>> {
        let hash = token::hash(&self.token_key, bearer);
        let mut conn = self.db.pool().acquire().await?;
        let Some((t, u)) = tokens::get_with_user(&mut conn, &hash).await? else {
            return Ok(None);
        };
        let n = self.now();
        if t.revoked || u.disabled || t.expires_at.is_some_and(|e| e <= n) {
            return Ok(None);
        }
        if t.last_used_at.is_none_or(|l| n - l >= 60) {
            tokens::touch(&mut conn, t.id, n).await?;
        }
        Ok(Some(BearerGrant {
            principal: principal_of(&u),
            token: t.id,
            // A stored code this binary does not know grants nothing rather than failing.
            scopes: t.scopes.split(' ').filter_map(Scope::parse).collect(),
            expires_at: t.expires_at,
        }))
    }

    /// Used by tests and the demo to act as a user without a password round-trip.
    #[tracing::instrument(skip_all)]
    pub async fn principal_of_user(&self, id: UserId) -> Result<Principal> {
        let mut conn = self.db.pool().acquire().await?;
        self.principal_of_user_in(&mut conn, id).await
    }

    /// The same, inside a transaction.
    pub(crate) async fn principal_of_user_in(
        &self,
        conn: &mut haven_store::Conn,
        id: UserId,
    ) -> Result<Principal> {
        let u = users::by_id(conn, id).await?.ok_or(CoreError::NotFound)?;
        Ok(principal_of(&u))
    }
}

/// Whether a role may use the API and pages at all without a second factor.
pub fn mfa_required(role: Role) -> bool {
    role.requires_mfa()
}
