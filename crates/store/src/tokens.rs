//! Personal API tokens (bearer), stored as keyed hashes.
use haven_domain::{TokenId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::row::{flag, parse};
use crate::users::UserRow;
use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct TokenRow {
    pub id: TokenId,
    pub user_id: UserId,
    pub token_hash: String,
    pub label: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
    /// Space-separated scope codes (`haven_authz::Scopes::to_text`).
    pub scopes: String,
}

fn from_row(r: &AnyRow) -> Result<TokenRow> {
    Ok(TokenRow {
        id: parse(r, "t_id")?,
        user_id: parse(r, "user_id")?,
        token_hash: r.try_get("token_hash")?,
        label: r.try_get("label")?,
        created_at: r.try_get("t_created_at")?,
        expires_at: r.try_get("expires_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked: flag(r, "revoked")?,
        scopes: r.try_get("scopes")?,
    })
}

pub async fn insert(conn: &mut Conn, t: &TokenRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, expires_at, last_used_at, revoked, scopes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(t.id.to_string())
    .bind(t.user_id.to_string())
    .bind(&t.token_hash)
    .bind(&t.label)
    .bind(t.created_at)
    .bind(t.expires_at)
    .bind(t.last_used_at)
    .bind(crate::flag(t.revoked))
    .bind(&t.scopes)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_with_user(
    conn: &mut Conn,
    token_hash: &str,
) -> Result<Option<(TokenRow, UserRow)>> {
    let row = sqlx::query(
        "SELECT t.id AS t_id, t.user_id, t.token_hash, t.label, t.created_at AS t_created_at, t.expires_at,
                t.last_used_at, t.revoked, t.scopes,
                u.id, u.username, u.display_name, u.agency_id, u.role, u.password_hash, u.disabled,
                u.must_change_password, u.totp_secret, u.totp_last_step,
                u.language, u.created_at, u.last_login_at, u.email
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some((from_row(&r)?, crate::users::from_row(&r)?)))
}

pub async fn list_for_user(conn: &mut Conn, user_id: UserId) -> Result<Vec<TokenRow>> {
    let rows = sqlx::query(
        "SELECT id AS t_id, user_id, token_hash, label, created_at AS t_created_at, expires_at, last_used_at, revoked,
                scopes
         FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC",
    )
    .bind(user_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn touch(conn: &mut Conn, id: TokenId, now: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn revoke(conn: &mut Conn, id: TokenId, user_id: UserId) -> Result<bool> {
    let r = sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE id = $1 AND user_id = $2")
        .bind(id.to_string())
        .bind(user_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Disabling an account revokes its tokens too.
pub async fn revoke_all(conn: &mut Conn, user_id: UserId) -> Result<u64> {
    let r = sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE user_id = $1")
        .bind(user_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}
