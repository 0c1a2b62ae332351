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
     totp_secret, totp_last_step, language, created_at, last_login_at, email";

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
             totp_secret, totp_last_step, language, created_at, last_login_at, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(u.id.to_string())
    .bind(&u.username)
    .bind(&u.display_name)
    .bind(u.agency_id.to_string())
    .bind(u.role.as_str())
    .bind(&u.password_hash)
    .bind(crate::flag(u.disabled))
    .bind(crate::flag(u.must_change_password))
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
    let r =
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(hash)
            .bind(crate::flag(must_change))
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
    // A new password lifts every sign-in lock of the account.
    sqlx::query("DELETE FROM login_locks WHERE user_id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A completed sign-in from `address`: the failures counted there are forgotten (not those of
/// other addresses, which may be an attacker's).
pub async fn record_success(conn: &mut Conn, id: UserId, address: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM login_locks WHERE user_id = $1 AND address = $2")
        .bind(id.to_string())
        .bind(address)
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

pub async fn set_language(conn: &mut Conn, id: UserId, lang: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(lang)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Counts a sign-in attempt of `id` from `address` (a keyed hash of the client address) before
/// it is checked, unless that pair is locked: returns the failures so far, this one included, or
/// `None` while locked. The lock is per account and address, so failures from one place do not
/// lock the real user out from another.
pub async fn reserve_attempt(
    conn: &mut Conn,
    id: UserId,
    address: &str,
    now: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO login_locks (user_id, address, failures, locked_until, updated_at) VALUES ($1, $2, 1, NULL, $3)
         ON CONFLICT (user_id, address) DO UPDATE SET failures = login_locks.failures + 1, updated_at = excluded.updated_at
         WHERE login_locks.locked_until IS NULL OR login_locks.locked_until <= $3
         RETURNING failures",
    )
    .bind(id.to_string())
    .bind(address)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn set_locked_until(
    conn: &mut Conn,
    id: UserId,
    address: &str,
    until: i64,
) -> Result<()> {
    sqlx::query("UPDATE login_locks SET locked_until = $1 WHERE user_id = $2 AND address = $3")
        .bind(until)
        .bind(id.to_string())
        .bind(address)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn clear_lock(conn: &mut Conn, id: UserId, address: &str) -> Result<()> {
    sqlx::query("UPDATE login_locks SET locked_until = NULL WHERE user_id = $1 AND address = $2")
        .bind(id.to_string())
        .bind(address)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The latest lock of an account at any address, for the administrators' view and tests.
pub async fn locked_until(conn: &mut Conn, id: UserId) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT MAX(locked_until) FROM login_locks WHERE user_id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Forgets failure counts untouched since `before` (run with the session purge).
pub async fn purge_login_locks(conn: &mut Conn, before: i64) -> Result<u64> {
    let r = sqlx::query(
        "DELETE FROM login_locks WHERE updated_at < $1 AND (locked_until IS NULL OR locked_until < $1)",
    )
    .bind(before)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected())
}

/// An enrolment waiting for its owner: the code's keyed hash, when it expires, wrong tries.
#[derive(Clone, Debug)]
pub struct EnrolmentRow {
    pub code_hash: String,
    pub expires_at: i64,
    pub attempts: i64,
}

/// Issues (or replaces) the enrolment of a user.
pub async fn put_enrolment(
    conn: &mut Conn,
    id: UserId,
    code_hash: &str,
    by: Option<UserId>,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM account_enrolments WHERE user_id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO account_enrolments (user_id, code_hash, issued_by, issued_at, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0)",
    )
    .bind(id.to_string())
    .bind(code_hash)
    .bind(by.map(|u| u.to_string()))
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_enrolment(conn: &mut Conn, id: UserId) -> Result<Option<EnrolmentRow>> {
    let r = sqlx::query(
        "SELECT code_hash, expires_at, attempts FROM account_enrolments WHERE user_id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    r.map(|r| {
        Ok(EnrolmentRow {
            code_hash: r.try_get("code_hash")?,
            expires_at: r.try_get("expires_at")?,
            attempts: r.try_get("attempts")?,
        })
    })
    .transpose()
}

pub async fn enrolment_failed(conn: &mut Conn, id: UserId) -> Result<()> {
    sqlx::query("UPDATE account_enrolments SET attempts = attempts + 1 WHERE user_id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn delete_enrolment(conn: &mut Conn, id: UserId) -> Result<()> {
    sqlx::query("DELETE FROM account_enrolments WHERE user_id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Users waiting to enrol, with the expiry of their code (the administrators' list).
pub async fn pending_enrolments(conn: &mut Conn) -> Result<Vec<(UserId, i64)>> {
    let rows = sqlx::query("SELECT user_id, expires_at FROM account_enrolments")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((parse(r, "user_id")?, r.try_get("expires_at")?)))
        .collect()
}

pub async fn set_agency(conn: &mut Conn, id: UserId, agency: AgencyId) -> Result<bool> {
    let r = sqlx::query("UPDATE users SET agency_id = $1 WHERE id = $2")
        .bind(agency.to_string())
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_role(conn: &mut Conn, id: UserId, role: Role) -> Result<bool> {
    let r = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}
