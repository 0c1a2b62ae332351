//! In-app notifications, the e-mail outbox and the services of a case fed by referrals.
use haven_domain::{AgencyId, CaseId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::row::{parse, parse_opt};
use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct NotificationRow {
    pub id: String,
    pub user_id: UserId,
    pub kind: String,
    pub subject_id: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

fn notification(r: &AnyRow) -> Result<NotificationRow> {
    Ok(NotificationRow {
        id: r.try_get("id")?,
        user_id: parse(r, "user_id")?,
        kind: r.try_get("kind")?,
        subject_id: r.try_get("subject_id")?,
        created_at: r.try_get("created_at")?,
        read_at: r.try_get("read_at")?,
    })
}

pub async fn insert(conn: &mut Conn, n: &NotificationRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO notifications (id, user_id, kind, subject_id, created_at, read_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&n.id)
    .bind(n.user_id.to_string())
    .bind(&n.kind)
    .bind(&n.subject_id)
    .bind(n.created_at)
    .bind(n.read_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A user's notifications, unread first, newest first.
/// The user's notifications, unread first, then newest first (and by id): `limit` of them
/// after `after` (the last one's read state, time and id) when given.
pub async fn of_user(
    conn: &mut Conn,
    user: UserId,
    after: Option<(bool, i64, &str)>,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    const RANK: &str = "(CASE WHEN read_at IS NULL THEN 0 ELSE 1 END)";
    let page = if after.is_some() {
        format!(
            " AND ({RANK} > $3 OR ({RANK} = $3 AND (created_at < $4 \
             OR (created_at = $4 AND id < $5))))"
        )
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT id, user_id, kind, subject_id, created_at, read_at FROM notifications \
         WHERE user_id = $1{page} ORDER BY {RANK}, created_at DESC, id DESC LIMIT $2"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.to_string())
        .bind(limit);
    if let Some((read, at, id)) = after {
        q = q.bind(i64::from(read)).bind(at).bind(id.to_string());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(notification).collect()
}

/// One of the user's notifications (`None` for another user's, or none).
pub async fn one(conn: &mut Conn, user: UserId, id: &str) -> Result<Option<NotificationRow>> {
    sqlx::query(
        "SELECT id, user_id, kind, subject_id, created_at, read_at FROM notifications \
         WHERE user_id = $1 AND id = $2",
    )
    .bind(user.to_string())
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(notification)
    .transpose()
}

pub async fn unread_count(conn: &mut Conn, user: UserId) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user.to_string())
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?)
}

/// Marks one notification (or all, with `None`) of the user read; returns how many changed.
pub async fn mark_read(conn: &mut Conn, user: UserId, id: Option<&str>, now: i64) -> Result<u64> {
    let r = match id {
        Some(id) => {
            sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 \
                 AND read_at IS NULL",
            )
            .bind(now)
            .bind(user.to_string())
            .bind(id)
            .execute(&mut *conn)
            .await?
        }
        None => {
            sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            )
            .bind(now)
            .bind(user.to_string())
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(r.rows_affected())
}

/// Marks read the user's notifications about one subject (opening the referral reads them).
pub async fn mark_subject_read(
    conn: &mut Conn,
    user: UserId,
    subject: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND subject_id = $3 \
         AND read_at IS NULL",
    )
    .bind(now)
    .bind(user.to_string())
    .bind(subject)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes notifications read before `before` (unread ones stay until read).
pub async fn purge_read(conn: &mut Conn, before: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM notifications WHERE read_at IS NOT NULL AND read_at < $1")
            .bind(before)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}

// ---- outbox ----

#[derive(Clone, Debug)]
pub struct OutboxRow {
    pub id: String,
    pub user_id: UserId,
    pub kind: String,
    pub subject_id: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub last_error: Option<String>,
}

const OUTBOX_COLS: &str = "id, user_id, kind, subject_id, created_at, attempts, next_attempt_at, \
     sent_at, failed_at, last_error";

fn outbox(r: &AnyRow) -> Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.try_get("id")?,
        user_id: parse(r, "user_id")?,
        kind: r.try_get("kind")?,
        subject_id: r.try_get("subject_id")?,
        created_at: r.try_get("created_at")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        sent_at: r.try_get("sent_at")?,
        failed_at: r.try_get("failed_at")?,
        last_error: r.try_get("last_error")?,
    })
}

pub async fn enqueue(conn: &mut Conn, o: &OutboxRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, user_id, kind, subject_id, created_at, attempts, \
         next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&o.id)
    .bind(o.user_id.to_string())
    .bind(&o.kind)
    .bind(&o.subject_id)
    .bind(o.created_at)
    .bind(o.attempts)
    .bind(o.next_attempt_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Claims up to `limit` e-mails due now for `lease` seconds. Each row is claimed by a
/// compare-and-set, so two app servers never send the same e-mail at once.
pub async fn claim_due(
    conn: &mut Conn,
    now: i64,
    lease: i64,
    limit: i64,
) -> Result<Vec<OutboxRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OUTBOX_COLS} FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
         AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
         ORDER BY next_attempt_at, id LIMIT $2"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut claimed = Vec::new();
    for r in rows.iter().map(outbox) {
        let r = r?;
        let won = sqlx::query(
            "UPDATE outbox SET claimed_until = $1 WHERE id = $2 AND sent_at IS NULL \
             AND (claimed_until IS NULL OR claimed_until < $3)",
        )
        .bind(now + lease)
        .bind(&r.id)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if won {
            claimed.push(r);
        }
    }
    Ok(claimed)
}

pub async fn mark_sent(conn: &mut Conn, id: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, claimed_until = NULL, \
         last_error = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a failed attempt: tried again at `retry_at`, or given up (`retry_at` None).
pub async fn mark_failed(
    conn: &mut Conn,
    id: &str,
    now: i64,
    retry_at: Option<i64>,
    error: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, claimed_until = NULL, last_error = $1, \
         next_attempt_at = COALESCE($2, next_attempt_at), \
         failed_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END WHERE id = $4",
    )
    .bind(error)
    .bind(retry_at)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The outbox for the administrator: waiting, sent and given-up counts.
pub async fn counts(conn: &mut Conn) -> Result<(i64, i64, i64)> {
    let r = sqlx::query(
        "SELECT \
         COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0) AS w, \
         COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS s, \
         COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS f FROM outbox",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((r.try_get("w")?, r.try_get("s")?, r.try_get("f")?))
}

/// Every outbox row (tests and the administrator's view), newest first.
pub async fn all(conn: &mut Conn, limit: i64) -> Result<Vec<OutboxRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OUTBOX_COLS} FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1"
    )))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(outbox).collect()
}

/// Removes sent and given-up e-mails older than `before`.
pub async fn purge(conn: &mut Conn, before: i64) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < $1) \
         OR (failed_at IS NOT NULL AND failed_at < $1)",
    )
    .bind(before)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

// ---- services of a case ----

#[derive(Clone, Debug)]
pub struct CaseServiceRow {
    pub id: String,
    pub case_id: CaseId,
    pub service_type: String,
    pub provider_agency_id: Option<AgencyId>,
    pub referral_id: Option<String>,
    /// requested, in_progress, delivered, not_delivered
    pub status: String,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub outcome: Option<Vec<u8>>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a service recorded by hand adds (read only).
#[derive(Clone, Debug, Default)]
pub struct ServiceExtra {
    pub provider_name: Option<String>,
    pub cost: Option<String>,
    pub consent: bool,
}

const SERVICE_COLS: &str = "id, case_id, service_type, provider_agency_id, referral_id, status, \
     started_at, ended_at, outcome, created_at, updated_at";

fn case_service(r: &AnyRow) -> Result<CaseServiceRow> {
    Ok(CaseServiceRow {
        id: r.try_get("id")?,
        case_id: parse(r, "case_id")?,
        service_type: r.try_get("service_type")?,
        provider_agency_id: parse_opt(r, "provider_agency_id")?,
        referral_id: r.try_get("referral_id")?,
        status: r.try_get("status")?,
        started_at: r.try_get("started_at")?,
        ended_at: r.try_get("ended_at")?,
        outcome: r.try_get("outcome")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn insert_service(conn: &mut Conn, s: &CaseServiceRow) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO case_services ({SERVICE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11)"
    )))
    .bind(&s.id)
    .bind(s.case_id.to_string())
    .bind(&s.service_type)
    .bind(s.provider_agency_id.map(|a| a.to_string()))
    .bind(&s.referral_id)
    .bind(&s.status)
    .bind(s.started_at)
    .bind(s.ended_at)
    .bind(&s.outcome)
    .bind(s.created_at)
    .bind(s.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn update_service(conn: &mut Conn, s: &CaseServiceRow) -> Result<()> {
    sqlx::query(
        "UPDATE case_services SET status = $1, started_at = $2, ended_at = $3, outcome = $4, \
         updated_at = $5 WHERE id = $6",
    )
    .bind(&s.status)
    .bind(s.started_at)
    .bind(s.ended_at)
    .bind(&s.outcome)
    .bind(s.updated_at)
    .bind(&s.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The parts of a service recorded by hand: a provider named freely, the cost, the person's
/// consent, who recorded it.
pub async fn set_service_extra(
    conn: &mut Conn,
    id: &str,
    provider_name: Option<&str>,
    cost: Option<&str>,
    consent: bool,
    by: UserId,
) -> Result<()> {
    sqlx::query(
        "UPDATE case_services SET provider_name = $1, cost = $2, consent = $3, recorded_by = $4 \
         WHERE id = $5",
    )
    .bind(provider_name)
    .bind(cost)
    .bind(i64::from(consent))
    .bind(by.to_string())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn services_of_case(
    conn: &mut Conn,
    case: CaseId,
) -> Result<Vec<(CaseServiceRow, ServiceExtra)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SERVICE_COLS}, provider_name, cost, consent FROM case_services \
         WHERE case_id = $1 ORDER BY created_at, id"
    )))
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                case_service(r)?,
                ServiceExtra {
                    provider_name: r.try_get("provider_name")?,
                    cost: r.try_get("cost")?,
                    consent: crate::row::flag(r, "consent")?,
                },
            ))
        })
        .collect()
}

pub async fn services_of_referral(conn: &mut Conn, referral: &str) -> Result<Vec<CaseServiceRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SERVICE_COLS} FROM case_services WHERE referral_id = $1 ORDER BY id"
    )))
    .bind(referral)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(case_service).collect()
}
