//! Referrals between agencies.
use haven_domain::{AgencyId, CaseId, UserId};
use sqlx::Row;

use crate::row::{flag, parse, parse_opt};
use crate::{Conn, Result};

#[derive(Clone, Debug, Default)]
pub struct ReferralRow {
    pub id: String,
    pub case_id: Option<CaseId>,
    pub from_agency_id: Option<AgencyId>,
    pub from_user_id: Option<UserId>,
    pub to_agency_id: Option<AgencyId>,
    pub to_user_id: Option<UserId>,
    /// Comma-separated service types.
    pub services: String,
    pub urgency: String,
    pub reason: Option<Vec<u8>>,
    /// Comma-separated section keys shared with the recipient.
    pub sections: String,
    pub consent_id: Option<String>,
    pub emergency_justification: Option<Vec<u8>>,
    pub flagged: bool,
    pub status: String,
    pub answer: Option<Vec<u8>>,
    pub redirected_from: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub due_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub updated_at: i64,
    /// When the overdue reminder went out (set by `claim_reminder` only).
    pub reminded_at: Option<i64>,
}

const COLS: &str = "id, case_id, from_agency_id, from_user_id, to_agency_id, to_user_id, services, \
     urgency, reason, sections, consent_id, emergency_justification, flagged, status, answer, \
     redirected_from, created_at, sent_at, due_at, answered_at, completed_at, revoked_at, updated_at";
/// What is read: the written columns and the reminder mark.
const READ: &str = "id, case_id, from_agency_id, from_user_id, to_agency_id, to_user_id, services, \
     urgency, reason, sections, consent_id, emergency_justification, flagged, status, answer, \
     redirected_from, created_at, sent_at, due_at, answered_at, completed_at, revoked_at, \
     updated_at, reminded_at";

fn referral(r: &sqlx::any::AnyRow) -> Result<ReferralRow> {
    Ok(ReferralRow {
        id: r.try_get("id")?,
        case_id: Some(parse(r, "case_id")?),
        from_agency_id: Some(parse(r, "from_agency_id")?),
        from_user_id: Some(parse(r, "from_user_id")?),
        to_agency_id: Some(parse(r, "to_agency_id")?),
        to_user_id: parse_opt(r, "to_user_id")?,
        services: r.try_get("services")?,
        urgency: r.try_get("urgency")?,
        reason: r.try_get("reason")?,
        sections: r.try_get("sections")?,
        consent_id: r.try_get("consent_id")?,
        emergency_justification: r.try_get("emergency_justification")?,
        flagged: flag(r, "flagged")?,
        status: r.try_get("status")?,
        answer: r.try_get("answer")?,
        redirected_from: r.try_get("redirected_from")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
        due_at: r.try_get("due_at")?,
        answered_at: r.try_get("answered_at")?,
        completed_at: r.try_get("completed_at")?,
        revoked_at: r.try_get("revoked_at")?,
        updated_at: r.try_get("updated_at")?,
        reminded_at: r.try_get("reminded_at")?,
    })
}

/// Inserts or replaces a referral (every field).
pub async fn save(conn: &mut Conn, r: &ReferralRow) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO referrals ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
         $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) ON CONFLICT (id) DO UPDATE SET \
         to_user_id = $6, services = $7, urgency = $8, reason = $9, sections = $10, \
         consent_id = $11, emergency_justification = $12, flagged = $13, status = $14, \
         answer = $15, sent_at = $18, due_at = $19, answered_at = $20, completed_at = $21, \
         revoked_at = $22, updated_at = $23"
    )))
    .bind(&r.id)
    .bind(r.case_id.map(|x| x.to_string()))
    .bind(r.from_agency_id.map(|x| x.to_string()))
    .bind(r.from_user_id.map(|x| x.to_string()))
    .bind(r.to_agency_id.map(|x| x.to_string()))
    .bind(r.to_user_id.map(|x| x.to_string()))
    .bind(&r.services)
    .bind(&r.urgency)
    .bind(&r.reason)
    .bind(&r.sections)
    .bind(&r.consent_id)
    .bind(&r.emergency_justification)
    .bind(i64::from(r.flagged))
    .bind(&r.status)
    .bind(&r.answer)
    .bind(&r.redirected_from)
    .bind(r.created_at)
    .bind(r.sent_at)
    .bind(r.due_at)
    .bind(r.answered_at)
    .bind(r.completed_at)
    .bind(r.revoked_at)
    .bind(r.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<ReferralRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {READ} FROM referrals WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(referral).transpose()
}

/// The referrals of a case, newest first.
pub async fn of_case(conn: &mut Conn, case: CaseId) -> Result<Vec<ReferralRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {READ} FROM referrals WHERE case_id = $1 ORDER BY created_at DESC, id DESC"
    )))
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(referral).collect()
}

/// Referrals to an agency (its inbox) or from it, drafts excluded for the recipient, newest
/// first: `limit` of them after `after` (a referral's creation time and id) when given.
pub async fn of_agency(
    conn: &mut Conn,
    agency: AgencyId,
    incoming: bool,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<ReferralRow>> {
    let side = if incoming {
        "to_agency_id = $1 AND status <> 'draft'"
    } else {
        "from_agency_id = $1"
    };
    let page = if after.is_some() {
        " AND (created_at < $3 OR (created_at = $3 AND id < $4))"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {READ} FROM referrals WHERE {side}{page} ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(agency.to_string())
        .bind(limit.clamp(1, 1001));
    if let Some((at, id)) = after {
        q = q.bind(at).bind(id.to_string());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(referral).collect()
}

/// Sent referrals past their answer deadline (all agencies).
pub async fn overdue(conn: &mut Conn, now: i64) -> Result<Vec<ReferralRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {READ} FROM referrals WHERE status = 'sent' AND due_at < $1 ORDER BY due_at"
    )))
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(referral).collect()
}

/// Overdue sent referrals whose reminder has not gone out.
pub async fn overdue_unreminded(conn: &mut Conn, now: i64) -> Result<Vec<ReferralRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {READ} FROM referrals WHERE status = 'sent' AND due_at < $1 \
         AND reminded_at IS NULL ORDER BY due_at LIMIT 500"
    )))
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(referral).collect()
}

/// Marks the reminder of a referral sent; false when another server did it first.
pub async fn claim_reminder(conn: &mut Conn, id: &str, now: i64) -> Result<bool> {
    Ok(
        sqlx::query("UPDATE referrals SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1,
    )
}
