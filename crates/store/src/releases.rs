//! The register's release ledger: every statistical release, its parameters and the keyed tags
//! of the rows it was made from (to tell how far two releases' data differ).
use sqlx::Row;

use crate::row::parse;
use crate::{Conn, Result};
use haven_domain::UserId;

#[derive(Clone, Debug)]
pub struct LedgerRow {
    pub id: String,
    pub made_at: i64,
    pub user_id: UserId,
    pub kind: String,
    pub k: i64,
    pub reporting_length: i64,
    /// JSON list, or `None` when every 0 was a value.
    pub sensitive_zeros: Option<String>,
    pub rounding_base: i64,
    pub record_count: i64,
    pub protected_count: i64,
    pub fingerprint: String,
    pub row_tags: Vec<u8>,
}

const COLS: &str = "id, made_at, user_id, kind, k, reporting_length, sensitive_zeros, \
    rounding_base, record_count, protected_count, fingerprint";

fn ledger_row(r: &sqlx::any::AnyRow, tags: bool) -> Result<LedgerRow> {
    Ok(LedgerRow {
        id: r.try_get("id")?,
        made_at: r.try_get("made_at")?,
        user_id: parse(r, "user_id")?,
        kind: r.try_get("kind")?,
        k: r.try_get("k")?,
        reporting_length: r.try_get("reporting_length")?,
        sensitive_zeros: r.try_get("sensitive_zeros")?,
        rounding_base: r.try_get("rounding_base")?,
        record_count: r.try_get("record_count")?,
        protected_count: r.try_get("protected_count")?,
        fingerprint: r.try_get("fingerprint")?,
        row_tags: if tags {
            r.try_get("row_tags")?
        } else {
            Vec::new()
        },
    })
}

/// Locks the ledger until the transaction ends, so that two releases made at once are checked
/// one after the other (SQLite's write transactions are already exclusive).
pub async fn lock(conn: &mut Conn, backend: crate::Backend) -> Result<()> {
    if backend == crate::Backend::Postgres {
        sqlx::query("LOCK TABLE release_ledger IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn insert(conn: &mut Conn, e: &LedgerRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO release_ledger (id, made_at, user_id, kind, k, reporting_length, \
         sensitive_zeros, rounding_base, record_count, protected_count, fingerprint, row_tags) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&e.id)
    .bind(e.made_at)
    .bind(e.user_id.to_string())
    .bind(&e.kind)
    .bind(e.k)
    .bind(e.reporting_length)
    .bind(e.sensitive_zeros.clone())
    .bind(e.rounding_base)
    .bind(e.record_count)
    .bind(e.protected_count)
    .bind(&e.fingerprint)
    .bind(e.row_tags.clone())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The newest entries first (then by id), without their row tags: `limit` of them after
/// `after` (an entry's time and id) when given.
pub async fn list(
    conn: &mut Conn,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<LedgerRow>> {
    let page = if after.is_some() {
        "WHERE made_at < $2 OR (made_at = $2 AND id < $3) "
    } else {
        ""
    };
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM release_ledger {page}ORDER BY made_at DESC, id DESC LIMIT $1"
    )))
    .bind(limit);
    if let Some((at, id)) = after {
        q = q.bind(at).bind(id.to_string());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(|r| ledger_row(r, false)).collect()
}

/// Every protected release (not the coordinator's raw rows) with its row tags, oldest first.
pub async fn protected_with_tags(conn: &mut Conn) -> Result<Vec<LedgerRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS}, row_tags FROM release_ledger WHERE kind <> 'raw' ORDER BY made_at, id"
    )))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| ledger_row(r, true)).collect()
}
