//! What a signed-in user does with their own account.

pub mod admin;
pub mod auth;
use haven_audit::{Action, Event};
use haven_crypto::{password, token};
use haven_domain::TokenId;
use haven_i18n::Lang;
use haven_store::tokens::{self, TokenRow};
use haven_store::{sessions, users};

use crate::auth::SessionInfo;
use crate::{CoreError, Haven, Origin, Result, actor};

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

    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn list_tokens(&self, s: &SessionInfo) -> Result<Vec<TokenRow>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(tokens::list_for_user(&mut conn, s.principal.user_id).await?)
    }

    /// Creates a personal API token; the clear token is returned once and never stored.
    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn create_token(
        &self,
        s: &SessionInfo,
        label: &str,
        origin: &Origin,
    ) -> Result<String> {
        let label = label.trim();
        if label.is_empty() {
            return Err(CoreError::invalid("label", "error-required"));
        }
        if label.chars().count() > 100 {
            return Err(CoreError::invalid("label", "error-too-long"));
        }
        let clear = token::generate("hvn_");
        let t = self.now();
        let row = TokenRow {
            id: TokenId::new(),
            user_id: s.principal.user_id,
            token_hash: token::hash(&self.token_key, &clear),
            label: label.to_string(),
            created_at: t,
            // Tokens live a year at most; a forgotten token should not open the system forever.
            expires_at: Some(t + 365 * 86400),
            last_used_at: None,
            revoked: false,
        };
        let mut tx = self.db.begin().await?;
        tokens::insert(&mut tx, &row).await?;
        haven_audit::record(
            &mut tx,
            self.audit_keys(),
            &actor(&s.principal, origin),
            Event::new(Action::TokenCreated).target("token", row.id),
            t,
        )
        .await?;
        tx.commit().await?;
        Ok(clear)
    }

    #[tracing::instrument(skip_all, fields(user = %s.principal.user_id))]
    pub async fn revoke_token(&self, s: &SessionInfo, id: TokenId, origin: &Origin) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !tokens::revoke(&mut tx, id, s.principal.user_id).await? {
            return Err(CoreError::NotFound);
        }
        self.audit(
            &mut tx,
            &actor(&s.principal, origin),
            Event::new(Action::TokenRevoked).target("token", id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
