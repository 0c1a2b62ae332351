//! Storage: one set of queries for SQLite and PostgreSQL through sqlx's `Any` driver, using only
//! portable types (text ids, integer timestamps and flags, blobs for ciphertext). Migrations are
//! embedded per backend. Nothing here knows HTTP or cryptography: personal fields arrive sealed.

pub mod agencies;
pub mod audit;
pub mod case_parts;
pub mod cases;
pub mod consents;
pub mod db;
pub mod devices;
pub mod dump;
pub mod idempotency;
pub mod imports;
pub mod jobs;
pub mod keyring;
pub mod matching;
pub mod notifications;
pub mod protection;
pub mod referrals;
pub mod releases;
pub mod retention;
mod row;
pub mod screenings;
pub mod sessions;
pub mod settings;
pub mod tips;
pub mod tokens;
pub mod training;
pub mod users;

pub use db::{Backend, Conn, Db, OpenMode, Tx};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL {0}")]
    BadUrl(String),
    #[error("no database at {0}; run `haven init` first (or check --database-url)")]
    Missing(String),
    #[error("a record with this {0} already exists")]
    Duplicate(&'static str),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Maps a unique-constraint violation to `Duplicate(field)`, leaving other errors alone.
    pub fn on_unique(self, field: &'static str) -> StoreError {
        match &self {
            StoreError::Sqlx(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                StoreError::Duplicate(field)
            }
            _ => self,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Booleans are stored as integers so both backends read them the same way.
/// `$from, $from+1, …`: `n` bind placeholders for an `IN (…)` list.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn flag(b: bool) -> i64 {
    b as i64
}

/// The most values one statement binds on both backends: SQLite's limit (PostgreSQL's is
/// 65,535).
pub const MAX_PARAMS: usize = 32_766;

/// Inserts `rows` in as few statements as [`MAX_PARAMS`] allows: `INSERT INTO {into} VALUES
/// (…), (…){tail}`, each row's `cols` values bound by `bind` in the order `into` names them.
/// One statement per chunk instead of one per row is what makes a large import fast (each
/// statement is a round trip to the database, or to SQLite's worker thread).
pub(crate) async fn insert_many<'q, T>(
    conn: &mut Conn,
    into: &str,
    cols: usize,
    tail: &str,
    rows: &'q [T],
    bind: impl Fn(row::AnyQuery<'q>, &'q T) -> row::AnyQuery<'q>,
) -> Result<()> {
    let per = (MAX_PARAMS / cols.max(1)).max(1);
    // SQLite looks each `$n` up among the statement's names so far (quadratic in their number);
    // its `?` are numbered in order, as bound.
    let sqlite = conn.backend_name() == "SQLite";
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {into} VALUES ");
        let mut n = 0;
        for r in 0..chunk.len() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..cols {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                if sqlite {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
            sql.push(')');
        }
        sql.push_str(tail);
        // Kept prepared only in its two steady shapes (one row; a full chunk): the other row
        // counts vary, and a connection's cache of statements of a thousand rows each grew
        // with the import.
        let steady = chunk.len() == 1 || chunk.len() == per;
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(steady);
        for row in chunk {
            q = bind(q, row);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts rows of text values (`N` columns, in the order `into` names them) as one JSON
/// array bound to one statement and unpacked by the database (`json_each` in SQLite,
/// `json_array_elements` in PostgreSQL): for the many small rows of an import (name digests,
/// picklist codes), a statement with tens of thousands of placeholders costs more to build,
/// bind and parse than the rows cost to write.
pub(crate) async fn insert_text_rows<const N: usize>(
    conn: &mut Conn,
    into: &str,
    tail: &str,
    rows: &[[&str; N]],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sqlite = conn.backend_name() == "SQLite";
    let cols: Vec<String> = (0..N).map(|i| format!("value->>{i}")).collect();
    let from = if sqlite {
        // `WHERE true`: SQLite would otherwise read a following ON CONFLICT as a join's ON.
        "json_each($1) WHERE true"
    } else {
        "json_array_elements($1::json) AS value"
    };
    let sql = format!(
        "INSERT INTO {into} SELECT {} FROM {from}{tail}",
        cols.join(", ")
    );
    for chunk in rows.chunks(50_000) {
        let slices: Vec<&[&str]> = chunk.iter().map(|r| &r[..]).collect();
        let json = serde_json::to_string(&slices).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(json)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
