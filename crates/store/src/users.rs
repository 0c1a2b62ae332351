//! User accounts.
use haven_domain::{AgencyId, Role, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::row::{flag, parse};
use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub agency_id: AgencyId,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    /// Encrypted base32 TOTP secret; `None` until the user enrols.
    pub totp_secret: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    pub language: Option<String>,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
    /// Work address for notification e-mails (optional).
    pub email: Option<String>,
}

const COLS: &str = "id, username, display_name, agency_id, role, password_hash, disabled, must_change_password, \
     failed_logins, locked_until, totp_secret, totp_last_step, language, created_at, last_login_at, email";

pub(crate) fn from_row(r: &AnyRow) -> Result<UserRow> {
    Ok(UserRow {
        id: parse(r, "id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        agency_id: parse(r, "agency_id")?,
        role: parse(r, "role")?,
        password_hash: r.try_get("password_hash")?,
        disabled: flag(r, "disabled")?,
        must_change_password: flag(r, "must_change_password")?,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: r.try_get("locked_until")?,
        totp_secret: r.try_get("totp_secret")?,
        totp_last_step: r.try_get("totp_last_step")?,
        language: r.try_get("language")?,
        created_at: r.try_get("created_at")?,
        last_login_at: r.try_get("last_login_at")?,
        email: r.try_get("email")?,
    })
}

pub async fn insert(conn: &mut Conn, u: &UserRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, username, display_name, agency_id, role, password_hash, disabled, must_change_password,
             failed_logins, locked_until, totp_secret, totp_last_step, language, created_at, last_login_at, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(u.id.to_string())
    .bind(&u.username)
    .bind(&u.display_name)
    .bind(u.agency_id.to_string())
    .bind(u.role.as_str())
    .bind(&u.password_hash)
    .bind(crate::flag(u.disabled))
    .bind(crate::flag(u.must_change_password))
    .bind(u.failed_logins)
    .bind(u.locked_until)
    .bind(&u.totp_secret)
    .bind(u.totp_last_step)
    .bind(&u.language)
    .bind(u.created_at)
    .bind(u.last_login_at)
    .bind(&u.email)
    .execute(&mut *conn)
    .await
    .map_err(|e| crate::StoreError::from(e).on_unique("username"))?;
    Ok(())
}

pub async fn by_username(conn: &mut Conn, username: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLS} FROM users WHERE username = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(username)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(conn: &mut Conn, id: UserId) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(conn: &mut Conn) -> Result<Vec<UserRow>> {
    let sql = format!("SELECT {COLS} FROM users ORDER BY username");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn set_disabled(conn: &mut Conn, id: UserId, disabled: bool) -> Result<bool> {
    let r = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(crate::flag(disabled))
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_password(
    conn: &mut Conn,
    id: UserId,
    hash: &str,
    must_change: bool,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, locked_until = NULL WHERE id = $3",
    )
    .bind(hash)
    .bind(crate::flag(must_change))
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn record_success(conn: &mut Conn, id: UserId, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_totp(conn: &mut Conn, id: UserId, secret: Option<&[u8]>) -> Result<()> {
    sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
        .bind(secret)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records the TOTP step just used; fails (returns false) if that step or a later one was used
/// already, so a code cannot be replayed.
pub async fn use_totp_step(conn: &mut Conn, id: UserId, step: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_email(conn: &mut Conn, id: UserId, email: Option<&str>) -> Result<bool> {
    let r = sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
        .bind(email)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Active users of an agency, by role.
pub async fn active_of_agency(conn: &mut Conn, agency: AgencyId) -> Result<Vec<UserRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM users WHERE agency_id = $1 AND disabled = 0 ORDER BY username"
    )))
    .bind(agency.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Active users with a role, all agencies.
pub async fn active_with_role(conn: &mut Conn, role: Role) -> Result<Vec<UserRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM users WHERE role = $1 AND disabled = 0 ORDER BY username"
    )))
    .bind(role.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn set_language(conn: &mut Conn, id: UserId, lang: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(lang)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Counts a sign-in attempt before it is checked, atomically: concurrent guesses each get their
/// own number. Returns the count including this attempt, or `None` while the account is locked.
/// A successful attempt resets the count with [`record_success`].
pub async fn reserve_attempt(conn: &mut Conn, id: UserId, now: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1
         WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) RETURNING failed_logins",
    )
    .bind(id.to_string())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn set_locked_until(conn: &mut Conn, id: UserId, until: i64) -> Result<()> {
    sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
        .bind(until)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn clear_lock(conn: &mut Conn, id: UserId) -> Result<()> {
    sqlx::query("UPDATE users SET locked_until = NULL WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
