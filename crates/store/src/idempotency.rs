//! Idempotency keys of API requests (`Idempotency-Key`): the first answer to a creating request,
//! replayed to a retry with the same key.
use haven_domain::UserId;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct IdemRow {
    pub id: String,
    pub user_id: UserId,
    pub idem_key: String,
    pub request_hash: String,
    /// 0 while the first request runs.
    pub status: i64,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    /// Sealed.
    pub body: Option<Vec<u8>>,
    pub created_at: i64,
}

fn from_row(r: &AnyRow) -> Result<IdemRow> {
    Ok(IdemRow {
        id: r.try_get("id")?,
        user_id: crate::row::parse(r, "user_id")?,
        idem_key: r.try_get("idem_key")?,
        request_hash: r.try_get("request_hash")?,
        status: r.try_get("status")?,
        location: r.try_get("location")?,
        etag: r.try_get("etag")?,
        content_type: r.try_get("content_type")?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Claims the key for a first request; false when the user already used it.
pub async fn claim(
    conn: &mut Conn,
    id: &str,
    user: UserId,
    key: &str,
    request_hash: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO idempotency_keys (id, user_id, idem_key, request_hash, status, created_at)
         VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (user_id, idem_key) DO NOTHING",
    )
    .bind(id)
    .bind(user.to_string())
    .bind(key)
    .bind(request_hash)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn get(conn: &mut Conn, user: UserId, key: &str) -> Result<Option<IdemRow>> {
    let row = sqlx::query(
        "SELECT id, user_id, idem_key, request_hash, status, location, etag, content_type, body,
                created_at
         FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
    )
    .bind(user.to_string())
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Takes over a key whose first request was abandoned or whose answer expired, if nobody else
/// did since it was read (`seen_at`); true when taken.
pub async fn take_over(
    conn: &mut Conn,
    id: &str,
    seen_at: i64,
    request_hash: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE idempotency_keys
         SET request_hash = $1, status = 0, location = NULL, etag = NULL, content_type = NULL,
             body = NULL, created_at = $2
         WHERE id = $3 AND created_at = $4",
    )
    .bind(request_hash)
    .bind(now)
    .bind(id)
    .bind(seen_at)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Keeps the first request's answer.
pub async fn finish(
    conn: &mut Conn,
    id: &str,
    status: i64,
    location: Option<&str>,
    etag: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<()> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, location = $2, etag = $3, content_type = $4,
                body = $5
         WHERE id = $6",
    )
    .bind(status)
    .bind(location)
    .bind(etag)
    .bind(content_type)
    .bind(body)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Frees the key of a request that was refused, so the client may send a corrected one.
pub async fn release(conn: &mut Conn, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM idempotency_keys WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets keys older than `before`.
pub async fn purge(conn: &mut Conn, before: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}
