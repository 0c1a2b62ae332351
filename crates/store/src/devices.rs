//! Collection credentials of phones (ODK Collect, KoboCollect) for the OpenRosa endpoints.
use haven_domain::{AgencyId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::row::parse;
use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct DeviceRow {
    pub id: String,
    pub user_id: UserId,
    pub agency_id: AgencyId,
    pub username: String,
    /// The sealed HA1 of Digest authentication.
    pub secret: Vec<u8>,
    pub label: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

const COLS: &str = "id, user_id, agency_id, username, secret, label, created_at, expires_at, \
    revoked_at, last_used_at";

fn device(r: &AnyRow) -> Result<DeviceRow> {
    Ok(DeviceRow {
        id: r.try_get("id")?,
        user_id: parse(r, "user_id")?,
        agency_id: parse(r, "agency_id")?,
        username: r.try_get("username")?,
        secret: r.try_get("secret")?,
        label: r.try_get("label")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

pub async fn insert(conn: &mut Conn, d: &DeviceRow) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO devices ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )))
    .bind(d.id.clone())
    .bind(d.user_id.to_string())
    .bind(d.agency_id.to_string())
    .bind(d.username.clone())
    .bind(d.secret.clone())
    .bind(d.label.clone())
    .bind(d.created_at)
    .bind(d.expires_at)
    .bind(d.revoked_at)
    .bind(d.last_used_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn by_username(conn: &mut Conn, username: &str) -> Result<Option<DeviceRow>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM devices WHERE username = $1"
    )))
    .bind(username.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(device)
    .transpose()
}

/// A user's credentials, newest first.
pub async fn of_user(conn: &mut Conn, user: UserId) -> Result<Vec<DeviceRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM devices WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
    )))
    .bind(user.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(device).collect()
}

/// Revokes one of the user's credentials; false if there is none of theirs still live.
pub async fn revoke(conn: &mut Conn, id: &str, user: UserId, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE devices SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id.to_string())
    .bind(user.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Disabling an account, or moving it to another agency, revokes its phones.
pub async fn revoke_all(conn: &mut Conn, user: UserId, now: i64) -> Result<u64> {
    let r =
        sqlx::query("UPDATE devices SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(user.to_string())
            .execute(&mut *conn)
            .await?;
    Ok(r.rows_affected())
}

/// Notes a use, at most once a minute per credential (a phone sends in bursts).
pub async fn touch(conn: &mut Conn, id: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE devices SET last_used_at = $1 WHERE id = $2 \
         AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(now)
    .bind(id.to_string())
    .bind(now - 60)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A form received from a phone.
#[derive(Clone, Debug)]
pub struct SubmissionRow {
    pub instance_id: String,
    pub form_id: String,
    pub form_version: String,
    pub device_id: String,
    pub user_id: UserId,
    pub digest: String,
    pub screening_id: Option<String>,
    pub received_at: i64,
}

/// Records a received form; a second row for the same instanceID is `Duplicate("instanceID")`.
pub async fn insert_submission(conn: &mut Conn, s: &SubmissionRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO openrosa_submissions (instance_id, form_id, form_version, device_id, user_id, \
         digest, screening_id, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(s.instance_id.clone())
    .bind(s.form_id.clone())
    .bind(s.form_version.clone())
    .bind(s.device_id.clone())
    .bind(s.user_id.to_string())
    .bind(s.digest.clone())
    .bind(s.screening_id.clone())
    .bind(s.received_at)
    .execute(&mut *conn)
    .await
    .map_err(|e| crate::StoreError::from(e).on_unique("instanceID"))?;
    Ok(())
}

pub async fn submission(conn: &mut Conn, instance_id: &str) -> Result<Option<SubmissionRow>> {
    let row = sqlx::query(
        "SELECT instance_id, form_id, form_version, device_id, user_id, digest, screening_id, \
         received_at FROM openrosa_submissions WHERE instance_id = $1",
    )
    .bind(instance_id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(SubmissionRow {
            instance_id: r.try_get("instance_id")?,
            form_id: r.try_get("form_id")?,
            form_version: r.try_get("form_version")?,
            device_id: r.try_get("device_id")?,
            user_id: parse(&r, "user_id")?,
            digest: r.try_get("digest")?,
            screening_id: r.try_get("screening_id")?,
            received_at: r.try_get("received_at")?,
        })
    })
    .transpose()
}

/// Notes that a form version was served, with what it was made from (kept the first time).
pub async fn remember_form_version(
    conn: &mut Conn,
    form_id: &str,
    version: &str,
    indicator_set: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO form_versions (form_id, version, indicator_set, first_served_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (form_id, version) DO NOTHING",
    )
    .bind(form_id.to_string())
    .bind(version.to_string())
    .bind(indicator_set.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What a served form version was made from.
pub async fn form_version(conn: &mut Conn, form_id: &str, version: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT indicator_set FROM form_versions WHERE form_id = $1 AND version = $2",
    )
    .bind(form_id.to_string())
    .bind(version.to_string())
    .fetch_optional(&mut *conn)
    .await?)
}
