//! What a signed-in user does with their own account.

pub mod admin;
pub mod auth;
pub mod devices;
use haven_audit::{Action, Event};
use haven_authz::{Principal, Scope, Scopes};
use haven_crypto::{password, token};
use haven_domain::TokenId;
use haven_i18n::Lang;
use haven_store::tokens::{self, TokenRow};
use haven_store::{sessions, users};

use crate::auth::{BearerGrant, SessionInfo};
use crate::{CoreError, Haven, Origin, Result, actor};

/// The longest an API token may live, in days.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// A token to make: a label to recognise it, what it may do, and for how many days (at most
/// [`MAX_TOKEN_DAYS`], the default).
#[derive(Clone, Debug, Default)]
pub struct NewToken {
    pub label: String,
    pub scopes: Scopes,
    pub days: Option<i64>,
}

/// An API token as its owner sees it: never the secret.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct TokenView {
    pub id: String,
    pub label: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
    pub expired: bool,
    /// Scope codes: `cases:read`, `cases:write`, `referrals`, `statistics`, `training`, `admin`.
    pub scopes: Vec<String>,
}

impl Haven {
    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn set_language(&self, s: &SessionInfo, lang: Option<Lang>) -> Result<()> {
        let mut conn = self.db.pool().acquire().await?;
        users::set_language(&mut conn, s.principal.user_id, lang.map(Lang::code)).await?;
        Ok(())
    }

    /// Sets (or clears, with an empty text) the user's own address for notification e-mails.
    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn set_email(&self, s: &SessionInfo, email: &str, origin: &Origin) -> Result<()> {
        let email = crate::admin::parse_email(email).map_err(|k| CoreError::invalid("email", k))?;
        let mut tx = self.db.begin().await?;
        users::set_email(&mut tx, s.principal.user_id, email.as_deref()).await?;
        let ev = Event::new(Action::UserEmailChanged)
            .target("user", s.principal.user_id)
            .details(serde_json::json!({"email": if email.is_some() { "set" } else { "cleared" }}));
        self.commit_audited(tx, &actor(&s.principal, origin), ev, self.now())
            .await?;
        Ok(())
    }

    /// The user's own address for notification e-mails.
    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn email_of(&self, s: &SessionInfo) -> Result<Option<String>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(users::by_id(&mut conn, s.principal.user_id)
            .await?
            .and_then(|u| u.email))
    }

    /// Changes the user's password and signs out their other sessions.
    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn change_password(
        &self,
        s: &SessionInfo,
        current: &str,
        new: &str,
        origin: &Origin,
    ) -> Result<()> {
        let user = {
            let mut conn = self.db.pool().acquire().await?;
            users::by_id(&mut conn, s.principal.user_id)
                .await?
                .ok_or(CoreError::Unauthenticated)?
        };
        if !self.verify_password(current, &user.password_hash).await {
            return Err(CoreError::invalid("current", "account-password-wrong"));
        }
        password::check_policy(new, &user.username)
            .map_err(|e| CoreError::invalid("new", e.key()))?;
        let hash = self.hash_password(new).await?;
        let mut tx = self.db.begin().await?;
        users::set_password(&mut tx, user.id, &hash, false).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.id.to_string())
            .bind(&s.token_hash)
            .execute(&mut *tx)
            .await?;
        self.audit(
            &mut tx,
            &actor(&s.principal, origin),
            Event::new(Action::PasswordChanged).target("user", user.id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn session_count(&self, s: &SessionInfo) -> Result<i64> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(sessions::count_for_user(&mut conn, s.principal.user_id).await?)
    }

    /// The caller's own API tokens, newest first (never their secret).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn list_tokens(&self, p: &Principal) -> Result<Vec<TokenView>> {
        let mut conn = self.db.pool().acquire().await?;
        let now = self.now();
        Ok(tokens::list_for_user(&mut conn, p.user_id)
            .await?
            .into_iter()
            .map(|t| TokenView {
                id: t.id.to_string(),
                expired: t.expires_at.is_some_and(|e| e <= now),
                scopes: t
                    .scopes
                    .split(' ')
                    .filter(|c| Scope::parse(c).is_some())
                    .map(str::to_string)
                    .collect(),
                label: t.label,
                created_at: t.created_at,
                expires_at: t.expires_at,
                last_used_at: t.last_used_at,
                revoked: t.revoked,
            })
            .collect())
    }

    /// Creates a personal API token for the caller; the clear token is returned once and never
    /// stored. Made with a token (`parent`), it can hold no scope the parent lacks and cannot
    /// outlive it, so a leaked token cannot mint a stronger or longer-lived one.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn create_token(
        &self,
        p: &Principal,
        req: &NewToken,
        parent: Option<&BearerGrant>,
        origin: &Origin,
    ) -> Result<(TokenId, String)> {
        let label = req.label.trim();
        let mut errors = Vec::new();
        if label.is_empty() {
            errors.push(crate::FieldError::new("label", "error-required"));
        } else if let Err(e) = haven_domain::text::check(label, 100, haven_domain::text::Lines::One)
        {
            // A NUL would not even store in PostgreSQL; a line break would break lists.
            errors.push(crate::FieldError::new("label", e.key()));
        }
        if req.scopes.is_empty() {
            errors.push(crate::FieldError::new(
                "scopes",
                "error-token-scopes-required",
            ));
        } else if parent.is_some_and(|g| !g.scopes.covers(req.scopes)) {
            errors.push(crate::FieldError::new(
                "scopes",
                "error-token-scopes-exceed",
            ));
        }
        let days = req.days.unwrap_or(MAX_TOKEN_DAYS);
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            errors.push(crate::FieldError::new("days", "error-token-days"));
        }
        if !errors.is_empty() {
            return Err(CoreError::Invalid(errors));
        }
        let clear = token::generate("hvn_");
        let t = self.now();
        // Tokens live a year at most; a forgotten token should not open the system forever.
        let mut expires_at = t + days * 86400;
        if let Some(e) = parent.and_then(|g| g.expires_at) {
            expires_at = expires_at.min(e);
        }
        let row = TokenRow {
            id: TokenId::new(),
            user_id: p.user_id,
            token_hash: token::hash(&self.token_key, &clear),
            label: label.to_string(),
            created_at: t,
            expires_at: Some(expires_at),
            last_used_at: None,
            revoked: false,
            scopes: req.scopes.to_text(),
        };
        let mut tx = self.db.begin().await?;
        tokens::insert(&mut tx, &row).await?;
        haven_audit::record(
            &mut tx,
            self.audit_keys(),
            &actor(p, origin),
            Event::new(Action::TokenCreated)
                .target("token", row.id)
                .details(serde_json::json!({ "scopes": row.scopes })),
            t,
        )
        .await?;
        tx.commit().await?;
        Ok((row.id, clear))
    }

    /// Revokes one of the caller's own tokens (404 for anyone else's).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn revoke_token(&self, p: &Principal, id: TokenId, origin: &Origin) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !tokens::revoke(&mut tx, id, p.user_id).await? {
            return Err(CoreError::NotFound);
        }
        self.audit(
            &mut tx,
            &actor(p, origin),
            Event::new(Action::TokenRevoked).target("token", id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
