//! Deployment-wide settings stored in the database (so every app server sees the same).
use sqlx::Row;

use crate::{Conn, Result};

pub async fn get(conn: &mut Conn, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("value")).transpose()?)
}

pub async fn set(conn: &mut Conn, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The newest statistics snapshot: (computed_at, JSON body).
pub async fn latest_stats_snapshot(conn: &mut Conn) -> Result<Option<(i64, String)>> {
    let row = sqlx::query(
        "SELECT computed_at, body FROM stats_snapshots ORDER BY computed_at DESC, id DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((r.try_get("computed_at")?, r.try_get("body")?)))
        .transpose()
}

/// Stores a statistics snapshot and drops the older ones.
pub async fn put_stats_snapshot(conn: &mut Conn, id: &str, at: i64, body: &str) -> Result<()> {
    sqlx::query("INSERT INTO stats_snapshots (id, computed_at, body) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(at)
        .bind(body)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM stats_snapshots WHERE computed_at < $1")
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
