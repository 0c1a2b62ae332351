//! The wrapped data keys.
use sqlx::Row;

use crate::{Conn, Result, StoreError};

#[derive(Clone, Debug)]
pub struct KeyRow {
    pub id: i64,
    pub purpose: String,
    pub wrapped: Vec<u8>,
    pub kek_fingerprint: String,
    pub active: bool,
}

pub async fn list(conn: &mut Conn) -> Result<Vec<KeyRow>> {
    let rows = sqlx::query(
        "SELECT id, purpose, wrapped, kek_fingerprint, active FROM keyring ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(KeyRow {
                id: r.try_get("id")?,
                purpose: r.try_get("purpose")?,
                wrapped: r.try_get("wrapped")?,
                kek_fingerprint: r.try_get("kek_fingerprint")?,
                active: crate::row::flag(r, "active")?,
            })
        })
        .collect::<Result<_, StoreError>>()
}

pub async fn insert(conn: &mut Conn, k: &KeyRow, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO keyring (id, purpose, wrapped, kek_fingerprint, active, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(k.id)
    .bind(&k.purpose)
    .bind(&k.wrapped)
    .bind(&k.kek_fingerprint)
    .bind(crate::flag(k.active))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Replaces a key's wrapping (KEK rotation): the key itself does not change.
pub async fn rewrap(conn: &mut Conn, id: i64, wrapped: &[u8], kek_fingerprint: &str) -> Result<()> {
    sqlx::query("UPDATE keyring SET wrapped = $1, kek_fingerprint = $2 WHERE id = $3")
        .bind(wrapped)
        .bind(kek_fingerprint)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Makes `id` the only active data key.
pub async fn activate_data_key(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE keyring SET active = CASE WHEN id = $1 THEN 1 ELSE 0 END WHERE purpose = 'data'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
