//! Login sessions. Only a keyed hash of the cookie value is stored.
use haven_domain::UserId;
use sqlx::Row;

use crate::row::{flag, parse};
use crate::users::UserRow;
use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub mfa_pending: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: Option<String>,
}

pub async fn insert(conn: &mut Conn, s: &SessionRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, mfa_pending, created_at, last_seen_at, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&s.token_hash)
    .bind(s.user_id.to_string())
    .bind(&s.csrf_token)
    .bind(crate::flag(s.mfa_pending))
    .bind(s.created_at)
    .bind(s.last_seen_at)
    .bind(&s.ip)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The session and its user, in one query (every request does this).
pub async fn get_with_user(
    conn: &mut Conn,
    token_hash: &str,
) -> Result<Option<(SessionRow, UserRow)>> {
    let row = sqlx::query(
        "SELECT s.token_hash, s.user_id AS s_user_id, s.csrf_token, s.mfa_pending, s.created_at AS s_created_at,
                s.last_seen_at, s.ip,
                u.id, u.username, u.display_name, u.agency_id, u.role, u.password_hash, u.disabled,
                u.must_change_password, u.totp_secret, u.totp_last_step,
                u.language, u.created_at, u.last_login_at, u.email
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let session = SessionRow {
        token_hash: r.try_get("token_hash")?,
        user_id: parse(&r, "s_user_id")?,
        csrf_token: r.try_get("csrf_token")?,
        mfa_pending: flag(&r, "mfa_pending")?,
        created_at: r.try_get("s_created_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        ip: r.try_get("ip")?,
    };
    Ok(Some((session, crate::users::from_row(&r)?)))
}

pub async fn touch(conn: &mut Conn, token_hash: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The second factor is done: the session continues under a new token and CSRF token (the old
/// token stops working). False if the session is gone.
pub async fn complete_mfa(
    conn: &mut Conn,
    old_hash: &str,
    new_hash: &str,
    csrf: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE sessions SET mfa_pending = 0, token_hash = $1, csrf_token = $2, last_seen_at = $3 WHERE token_hash = $4",
    )
    .bind(new_hash)
    .bind(csrf)
    .bind(now)
    .bind(old_hash)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete(conn: &mut Conn, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Logs a user out everywhere; returns how many sessions ended.
pub async fn delete_for_user(conn: &mut Conn, user_id: UserId) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}

/// Removes sessions past their idle or absolute limit.
pub async fn delete_expired(conn: &mut Conn, idle_before: i64, created_before: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(created_before)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}

pub async fn count_for_user(conn: &mut Conn, user_id: UserId) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(user_id.to_string())
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Records a failed sign-in from an address.
pub async fn record_login_failure(conn: &mut Conn, ip: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (ip, at) VALUES ($1, $2)")
        .bind(ip)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Failed sign-ins from an address since `since`.
pub async fn login_failures_since(conn: &mut Conn, ip: &str, since: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND at >= $2")
            .bind(ip)
            .bind(since)
            .fetch_one(&mut *conn)
            .await?,
    )
}

pub async fn purge_login_failures(conn: &mut Conn, before: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}
