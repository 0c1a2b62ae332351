//! Jobs of the API: a long operation (a statistical release) runs in the background while its
//! owner polls it; the result waits, sealed, for one download.
use sqlx::Row;

use crate::row::parse;
use crate::{Conn, Result};
use haven_domain::UserId;

#[derive(Clone, Debug)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub user_id: UserId,
    pub created_at: i64,
    pub status: String,
    pub error: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub finished_at: Option<i64>,
}

/// A job's columns, without its result.
const COLS: &str =
    "id, kind, user_id, created_at, status, error, file_name, content_type, finished_at";

fn job_row(r: &sqlx::any::AnyRow) -> Result<JobRow> {
    Ok(JobRow {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        user_id: parse(r, "user_id")?,
        created_at: r.try_get("created_at")?,
        status: r.try_get("status")?,
        error: r.try_get("error")?,
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// A new job, running.
pub async fn insert(conn: &mut Conn, id: &str, kind: &str, user: UserId, at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (id, kind, user_id, created_at, status) VALUES ($1, $2, $3, $4, 'running')",
    )
    .bind(id)
    .bind(kind)
    .bind(user.to_string())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<JobRow>> {
    let sql = format!("SELECT {COLS} FROM jobs WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| job_row(&r))
        .transpose()
}

/// A user's latest jobs, newest first.
pub async fn of_user(conn: &mut Conn, user: UserId, limit: i64) -> Result<Vec<JobRow>> {
    let sql = format!(
        "SELECT {COLS} FROM jobs WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.to_string())
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(job_row)
        .collect()
}

/// Records a finished job's result (sealed); only a running job finishes.
pub async fn done(
    conn: &mut Conn,
    id: &str,
    file_name: &str,
    content_type: &str,
    result: &[u8],
    at: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE jobs SET status = 'done', file_name = $1, content_type = $2, result = $3,
             finished_at = $4
         WHERE id = $5 AND status = 'running'",
    )
    .bind(file_name)
    .bind(content_type)
    .bind(result)
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Records a job's failure (a message key); only a running job fails.
pub async fn failed(conn: &mut Conn, id: &str, error: &str, at: i64) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE jobs SET status = 'failed', error = $1, finished_at = $2
         WHERE id = $3 AND status = 'running'",
    )
    .bind(error)
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Takes a done job's result: the job is claimed first, so that two downloads (from two app
/// servers) cannot both have it, then the result is read and dropped. `None` if it is not
/// there (any more).
pub async fn take_result(conn: &mut Conn, id: &str, at: i64) -> Result<Option<Vec<u8>>> {
    let claimed = sqlx::query(
        "UPDATE jobs SET status = 'downloaded', finished_at = $1 WHERE id = $2 AND status = 'done'",
    )
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(None);
    }
    let result: Option<Vec<u8>> = sqlx::query_scalar("SELECT result FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("UPDATE jobs SET result = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(result)
}

/// Housekeeping: a job still running since before `stuck` lost its server (a restart) and
/// failed; a result not downloaded since before `unclaimed` is dropped; jobs older than `old`
/// are forgotten. Returns the number of jobs changed or removed.
pub async fn tidy(conn: &mut Conn, stuck: i64, unclaimed: i64, old: i64, at: i64) -> Result<u64> {
    let a = sqlx::query(
        "UPDATE jobs SET status = 'failed', error = 'error-job-interrupted', finished_at = $1
         WHERE status = 'running' AND created_at < $2",
    )
    .bind(at)
    .bind(stuck)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // A download cut between its claim and the drop of the result leaves it: dropped here.
    let b = sqlx::query(
        "UPDATE jobs SET status = CASE WHEN status = 'done' THEN 'expired' ELSE status END,
             result = NULL
         WHERE result IS NOT NULL AND finished_at < $1",
    )
    .bind(unclaimed)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let c = sqlx::query("DELETE FROM jobs WHERE created_at < $1")
        .bind(old)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(a + b + c)
}
