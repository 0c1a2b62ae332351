//! Tips from the public form and the hotline, and their triage; the anonymous forms' rate limits.
use haven_domain::{AgencyId, CaseId, UserId};
use sqlx::Row;

use crate::row::parse_opt;
use crate::{Conn, Result};

#[derive(Clone, Debug, Default)]
pub struct TipRow {
    pub id: String,
    /// What the submitter was given (not personal, unique).
    pub reference: String,
    /// `web` or `hotline`.
    pub channel: String,
    pub received_at: i64,
    pub region: Option<String>,
    /// Suspected kind of exploitation (code).
    pub suspected: Option<String>,
    /// `new`, `assigned`, `linked` or `not_actionable`.
    pub status: String,
    pub assigned_to: Option<UserId>,
    pub case_id: Option<CaseId>,
    pub closed_reason: Option<String>,
    /// The hotline operator who entered the call; none for the public form.
    pub entered_by: Option<UserId>,
    pub agency_id: Option<AgencyId>,
    /// Sealed JSON: what, place, when, contact, call details.
    pub body: Vec<u8>,
    pub triage_note: Option<Vec<u8>>,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, reference, channel, received_at, region, suspected, status, assigned_to, \
     case_id, closed_reason, entered_by, agency_id, body, triage_note, updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<TipRow> {
    Ok(TipRow {
        id: r.try_get("id")?,
        reference: r.try_get("reference")?,
        channel: r.try_get("channel")?,
        received_at: r.try_get("received_at")?,
        region: r.try_get("region")?,
        suspected: r.try_get("suspected")?,
        status: r.try_get("status")?,
        assigned_to: parse_opt(r, "assigned_to")?,
        case_id: parse_opt(r, "case_id")?,
        closed_reason: r.try_get("closed_reason")?,
        entered_by: parse_opt(r, "entered_by")?,
        agency_id: parse_opt(r, "agency_id")?,
        body: r.try_get("body")?,
        triage_note: r.try_get("triage_note")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn insert(conn: &mut Conn, t: &TipRow) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO tips ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    )))
    .bind(&t.id)
    .bind(&t.reference)
    .bind(&t.channel)
    .bind(t.received_at)
    .bind(&t.region)
    .bind(&t.suspected)
    .bind(&t.status)
    .bind(t.assigned_to.map(|u| u.to_string()))
    .bind(t.case_id.map(|c| c.to_string()))
    .bind(&t.closed_reason)
    .bind(t.entered_by.map(|u| u.to_string()))
    .bind(t.agency_id.map(|a| a.to_string()))
    .bind(&t.body)
    .bind(&t.triage_note)
    .bind(t.updated_at)
    .execute(&mut *conn)
    .await
    .map_err(|e| crate::StoreError::from(e).on_unique("reference"))?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<TipRow>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tips WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The triage fields, written together.
pub async fn update_triage(conn: &mut Conn, t: &TipRow) -> Result<()> {
    sqlx::query(
        "UPDATE tips SET status = $1, assigned_to = $2, case_id = $3, closed_reason = $4, \
         triage_note = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(&t.status)
    .bind(t.assigned_to.map(|u| u.to_string()))
    .bind(t.case_id.map(|c| c.to_string()))
    .bind(&t.closed_reason)
    .bind(&t.triage_note)
    .bind(t.updated_at)
    .bind(&t.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Which tips a queue shows.
#[derive(Clone, Debug, Default)]
pub struct TipQuery {
    /// Only these statuses (all when empty).
    pub statuses: Vec<String>,
    /// Only tips assigned to, or entered by, this user (everyone else's queue).
    pub mine: Option<UserId>,
    pub reference: Option<String>,
    /// Only tips after this one in the order (its time received and id): the next page.
    pub after: Option<(i64, String)>,
    pub limit: i64,
}

/// Tips newest first, without their sealed parts.
pub async fn list(conn: &mut Conn, q: &TipQuery) -> Result<Vec<TipRow>> {
    let mut sql = String::from(
        "SELECT id, reference, channel, received_at, region, suspected, status, assigned_to, \
         case_id, closed_reason, entered_by, agency_id, body, NULL AS triage_note, updated_at \
         FROM tips WHERE 1 = 1",
    );
    let mut binds: Vec<String> = Vec::new();
    if !q.statuses.is_empty() {
        let marks: Vec<String> = q
            .statuses
            .iter()
            .map(|s| {
                binds.push(s.clone());
                format!("${}", binds.len())
            })
            .collect();
        sql.push_str(&format!(" AND status IN ({})", marks.join(", ")));
    }
    if let Some(u) = q.mine {
        binds.push(u.to_string());
        let n = binds.len();
        sql.push_str(&format!(" AND (assigned_to = ${n} OR entered_by = ${n})"));
    }
    if let Some(r) = &q.reference {
        binds.push(r.clone());
        sql.push_str(&format!(" AND reference = ${}", binds.len()));
    }
    if let Some((at, id)) = &q.after {
        binds.push(id.clone());
        // `at` is a number (no injection); inlined because the binds here are text.
        sql.push_str(&format!(
            " AND (received_at < {at} OR (received_at = {at} AND id < ${}))",
            binds.len()
        ));
    }
    sql.push_str(&format!(
        " ORDER BY received_at DESC, id DESC LIMIT {}",
        q.limit.clamp(1, 1001)
    ));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect()
}

/// Tips per status (dashboard counts).
pub async fn count_by_status(conn: &mut Conn, mine: Option<UserId>) -> Result<Vec<(String, i64)>> {
    let rows =
        match mine {
            None => {
                sqlx::query("SELECT status, COUNT(*) AS n FROM tips GROUP BY status")
                    .fetch_all(&mut *conn)
                    .await?
            }
            Some(u) => sqlx::query(
                "SELECT status, COUNT(*) AS n FROM tips WHERE assigned_to = $1 OR entered_by = $1 \
                 GROUP BY status",
            )
            .bind(u.to_string())
            .fetch_all(&mut *conn)
            .await?,
        };
    rows.iter()
        .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
        .collect()
}

/// Counts a use of an anonymous form by `key` and says how many there were since `since`,
/// this one included.
pub async fn rate_hit(conn: &mut Conn, kind: &str, key: &str, now: i64, since: i64) -> Result<i64> {
    sqlx::query("INSERT INTO rate_events (kind, key, at) VALUES ($1, $2, $3)")
        .bind(kind)
        .bind(key)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM rate_events WHERE kind = $1 AND key = $2 AND at >= $3",
    )
    .bind(kind)
    .bind(key)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn purge_rate_events(conn: &mut Conn, before: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM rate_events WHERE at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}
