//! Case imports: the jobs (a sealed file between its preview and its commit, then the outcome)
//! and the keyed digests of the rows each agency imported.
use sqlx::Row;

use crate::row::parse;
use crate::{Conn, Result};
use haven_domain::{AgencyId, CaseId, UserId};

#[derive(Clone, Debug)]
pub struct ImportJobRow {
    pub id: String,
    pub agency_id: AgencyId,
    pub user_id: UserId,
    pub created_at: i64,
    pub status: String,
    pub file_name: Option<Vec<u8>>,
    pub file: Option<Vec<u8>>,
    pub settings: String,
    pub preview: Option<Vec<u8>>,
    pub done_rows: i64,
    pub total_rows: Option<i64>,
    pub counts: Option<String>,
    pub errors: Option<Vec<u8>>,
    pub finished_at: Option<i64>,
}

const COLS: &str = "id, agency_id, user_id, created_at, status, file_name, file, settings, \
    preview, done_rows, total_rows, counts, errors, finished_at";

fn job_row(r: &sqlx::any::AnyRow) -> Result<ImportJobRow> {
    Ok(ImportJobRow {
        id: r.try_get("id")?,
        agency_id: parse(r, "agency_id")?,
        user_id: parse(r, "user_id")?,
        created_at: r.try_get("created_at")?,
        status: r.try_get("status")?,
        file_name: r.try_get("file_name")?,
        file: r.try_get("file")?,
        settings: r.try_get("settings")?,
        preview: r.try_get("preview")?,
        done_rows: r.try_get("done_rows")?,
        total_rows: r.try_get("total_rows")?,
        counts: r.try_get("counts")?,
        errors: r.try_get("errors")?,
        finished_at: r.try_get("finished_at")?,
    })
}

pub async fn insert_job(conn: &mut Conn, j: &ImportJobRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO imports (id, agency_id, user_id, created_at, status, file_name, file,
             settings, preview, done_rows, total_rows, counts, errors, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&j.id)
    .bind(j.agency_id.to_string())
    .bind(j.user_id.to_string())
    .bind(j.created_at)
    .bind(&j.status)
    .bind(&j.file_name)
    .bind(&j.file)
    .bind(&j.settings)
    .bind(&j.preview)
    .bind(j.done_rows)
    .bind(j.total_rows)
    .bind(&j.counts)
    .bind(&j.errors)
    .bind(j.finished_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_job(conn: &mut Conn, id: &str) -> Result<Option<ImportJobRow>> {
    let sql = format!("SELECT {COLS} FROM imports WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| job_row(&r))
        .transpose()
}

/// A user's jobs for an agency, newest first (then by id), without their files: `limit` of
/// them after `after` (a job's creation time and id) when given.
pub async fn jobs_of_user(
    conn: &mut Conn,
    agency: AgencyId,
    user: UserId,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<ImportJobRow>> {
    let page = if after.is_some() {
        " AND (created_at < $4 OR (created_at = $4 AND id < $5))"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {} FROM imports WHERE agency_id = $1 AND user_id = $2{page} \
         ORDER BY created_at DESC, id DESC LIMIT $3",
        COLS.replace("file, ", "NULL AS file, ")
            .replace("preview, ", "NULL AS preview, ")
            .replace("errors, ", "NULL AS errors, ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(agency.to_string())
        .bind(user.to_string())
        .bind(limit);
    if let Some((at, id)) = after {
        q = q.bind(at).bind(id.to_string());
    }
    q.fetch_all(&mut *conn).await?.iter().map(job_row).collect()
}

/// Records the preview of a job (sealed) and its number of rows. Only from `from` status, so
/// that two requests cannot both move a job on; returns whether it did.
pub async fn set_preview(
    conn: &mut Conn,
    id: &str,
    from: &str,
    preview: &[u8],
    total: i64,
    settings: &str,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE imports SET status = 'previewed', preview = $1, total_rows = $2, settings = $3
         WHERE id = $4 AND status = $5",
    )
    .bind(preview)
    .bind(total)
    .bind(settings)
    .bind(id)
    .bind(from)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Moves a job from one status to another; returns whether it was in `from`.
pub async fn move_status(conn: &mut Conn, id: &str, from: &str, to: &str) -> Result<bool> {
    let n = sqlx::query("UPDATE imports SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

pub async fn set_progress(conn: &mut Conn, id: &str, done: i64) -> Result<()> {
    sqlx::query("UPDATE imports SET done_rows = $1 WHERE id = $2")
        .bind(done)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends a job: its outcome kept, its file and preview dropped.
pub async fn finish(
    conn: &mut Conn,
    id: &str,
    status: &str,
    counts: &str,
    errors: Option<&[u8]>,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE imports SET status = $1, counts = $2, errors = $3, finished_at = $4,
             file = NULL, preview = NULL
         WHERE id = $5",
    )
    .bind(status)
    .bind(counts)
    .bind(errors)
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Jobs created before `before` that never finished (an upload left at its preview, or a
/// commit cut by a restart, which a new import of the same file completes without creating
/// anything twice): their sealed files are dropped.
pub async fn drop_stale(conn: &mut Conn, before: i64) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE imports SET file = NULL, preview = NULL, status = 'expired'
         WHERE created_at < $1 AND status IN ('uploaded', 'previewed', 'committing')",
    )
    .bind(before)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Which of these digests the agency has already imported.
pub async fn known_keys(
    conn: &mut Conn,
    agency: AgencyId,
    digests: &[String],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for chunk in digests.chunks(500) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT digest FROM import_keys WHERE agency_id = $1 AND digest IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(agency.to_string());
        for d in chunk {
            q = q.bind(d);
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

pub async fn insert_keys(
    conn: &mut Conn,
    agency: AgencyId,
    import_id: &str,
    keys: &[(String, CaseId)],
) -> Result<()> {
    let (agency, cases): (String, Vec<String>) = (
        agency.to_string(),
        keys.iter().map(|(_, c)| c.to_string()).collect(),
    );
    let mut rows: Vec<[&str; 4]> = keys
        .iter()
        .zip(&cases)
        .map(|((d, _), c)| [agency.as_str(), import_id, d.as_str(), c.as_str()])
        .collect();
    // In the key's order (the digests are random).
    rows.sort_unstable_by(|a, b| a[2].cmp(b[2]));
    crate::insert_text_rows(
        conn,
        "import_keys (agency_id, import_id, digest, case_id)",
        "",
        &rows,
    )
    .await
}
