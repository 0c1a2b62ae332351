//! Protection and follow-up of a case: risk assessments, reflection periods, tasks, the
//! assistance plan, return and proceedings. Free text arrives sealed.
use haven_authz::{CaseAccess, CaseWriter};
use haven_domain::{CaseId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::row::{parse, parse_opt, qualified};
use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct RiskRow {
    pub id: String,
    pub case_id: CaseId,
    pub kind: String,
    pub assessed_on: String,
    pub level: String,
    pub areas: String,
    pub safety_plan: Option<Vec<u8>>,
    pub notes: Option<Vec<u8>>,
    pub assessed_by: Option<UserId>,
    pub created_at: i64,
}

pub async fn insert_risk(conn: &mut Conn, w: &CaseWriter<'_>, r: &RiskRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO risk_assessments (id, case_id, kind, assessed_on, level, areas, safety_plan, \
         notes, assessed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&r.id)
    .bind(w.case().to_string())
    .bind(&r.kind)
    .bind(&r.assessed_on)
    .bind(&r.level)
    .bind(&r.areas)
    .bind(&r.safety_plan)
    .bind(&r.notes)
    .bind(r.assessed_by.map(|u| u.to_string()))
    .bind(r.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A case's assessments, newest first.
pub async fn risks_of_case(conn: &mut Conn, c: &impl CaseAccess) -> Result<Vec<RiskRow>> {
    let rows = sqlx::query(
        "SELECT id, case_id, kind, assessed_on, level, areas, safety_plan, notes, assessed_by, \
         created_at FROM risk_assessments WHERE case_id = $1 \
         ORDER BY assessed_on DESC, created_at DESC, id DESC",
    )
    .bind(c.case_id().to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RiskRow {
                id: r.try_get("id")?,
                case_id: parse(r, "case_id")?,
                kind: r.try_get("kind")?,
                assessed_on: r.try_get("assessed_on")?,
                level: r.try_get("level")?,
                areas: r.try_get("areas")?,
                safety_plan: r.try_get("safety_plan")?,
                notes: r.try_get("notes")?,
                assessed_by: parse_opt(r, "assessed_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// Sets the case's risk level column (the record's `hvn_RiskLevel`).
pub async fn set_case_risk(
    conn: &mut Conn,
    w: &CaseWriter<'_>,
    level: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE cases SET risk_level = $1, updated_at = $2 WHERE id = $3")
        .bind(level)
        .bind(now)
        .bind(w.case().to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// ---- reflection ----

#[derive(Clone, Debug)]
pub struct ReflectionRow {
    pub id: String,
    pub case_id: CaseId,
    pub started_on: String,
    pub days: i64,
    pub extended_days: i64,
    pub extensions: Option<Vec<u8>>,
    pub ends_on: String,
    pub reminded_on: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

const REFLECTION_COLS: &str = "id, case_id, started_on, days, extended_days, extensions, ends_on, \
     reminded_on, created_by, created_at, updated_at";

fn reflection(r: &AnyRow) -> Result<ReflectionRow> {
    Ok(ReflectionRow {
        id: r.try_get("id")?,
        case_id: parse(r, "case_id")?,
        started_on: r.try_get("started_on")?,
        days: r.try_get("days")?,
        extended_days: r.try_get("extended_days")?,
        extensions: r.try_get("extensions")?,
        ends_on: r.try_get("ends_on")?,
        reminded_on: r.try_get("reminded_on")?,
        created_by: parse_opt(r, "created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Inserts or replaces the reflection period (one per case).
pub async fn save_reflection(conn: &mut Conn, w: &CaseWriter<'_>, r: &ReflectionRow) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO reflection_periods ({REFLECTION_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         $8, $9, $10, $11) ON CONFLICT (id) DO UPDATE SET started_on = $3, days = $4, \
         extended_days = $5, extensions = $6, ends_on = $7, reminded_on = $8, updated_at = $11"
    )))
    .bind(&r.id)
    .bind(w.case().to_string())
    .bind(&r.started_on)
    .bind(r.days)
    .bind(r.extended_days)
    .bind(&r.extensions)
    .bind(&r.ends_on)
    .bind(&r.reminded_on)
    .bind(r.created_by.map(|u| u.to_string()))
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn reflection_of_case(
    conn: &mut Conn,
    c: &impl CaseAccess,
) -> Result<Option<ReflectionRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REFLECTION_COLS} FROM reflection_periods WHERE case_id = $1 \
         ORDER BY created_at DESC LIMIT 1"
    )))
    .bind(c.case_id().to_string())
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(reflection).transpose()
}

/// Periods ending on or before `until` whose reminder has not gone out, in open cases.
pub async fn reflections_ending(conn: &mut Conn, until: &str) -> Result<Vec<ReflectionRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM reflection_periods r JOIN cases c ON c.id = r.case_id \
         WHERE r.ends_on <= $1 AND r.reminded_on IS NULL \
         AND c.status IN ('Active', 'FollowUp') ORDER BY r.ends_on LIMIT 500",
        qualified("r", REFLECTION_COLS)
    )))
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(reflection).collect()
}

/// Marks a reflection reminder sent; false when another server did it first.
pub async fn claim_reflection_reminder(conn: &mut Conn, id: &str, today: &str) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE reflection_periods SET reminded_on = $1 WHERE id = $2 AND reminded_on IS NULL",
    )
    .bind(today)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

// ---- tasks ----

#[derive(Clone, Debug)]
pub struct TaskRow {
    pub id: String,
    pub case_id: CaseId,
    pub kind: String,
    pub title: Option<Vec<u8>>,
    pub due_on: String,
    pub assigned_to: Option<UserId>,
    pub status: String,
    pub note: Option<Vec<u8>>,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub done_at: Option<i64>,
    pub reminded_on: Option<String>,
    pub updated_at: i64,
}

const TASK_COLS: &str = "id, case_id, kind, title, due_on, assigned_to, status, note, created_by, \
     created_at, done_at, reminded_on, updated_at";

fn task(r: &AnyRow) -> Result<TaskRow> {
    Ok(TaskRow {
        id: r.try_get("id")?,
        case_id: parse(r, "case_id")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        due_on: r.try_get("due_on")?,
        assigned_to: parse_opt(r, "assigned_to")?,
        status: r.try_get("status")?,
        note: r.try_get("note")?,
        created_by: parse_opt(r, "created_by")?,
        created_at: r.try_get("created_at")?,
        done_at: r.try_get("done_at")?,
        reminded_on: r.try_get("reminded_on")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn save_task(conn: &mut Conn, w: &CaseWriter<'_>, t: &TaskRow) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO tasks ({TASK_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13) ON CONFLICT (id) DO UPDATE SET kind = $3, title = $4, due_on = $5, \
         assigned_to = $6, status = $7, note = $8, done_at = $11, reminded_on = $12, \
         updated_at = $13"
    )))
    .bind(&t.id)
    .bind(w.case().to_string())
    .bind(&t.kind)
    .bind(&t.title)
    .bind(&t.due_on)
    .bind(t.assigned_to.map(|u| u.to_string()))
    .bind(&t.status)
    .bind(&t.note)
    .bind(t.created_by.map(|u| u.to_string()))
    .bind(t.created_at)
    .bind(t.done_at)
    .bind(&t.reminded_on)
    .bind(t.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_task(conn: &mut Conn, id: &str) -> Result<Option<TaskRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLS} FROM tasks WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(task).transpose()
}

pub async fn tasks_of_case(conn: &mut Conn, c: &impl CaseAccess) -> Result<Vec<TaskRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLS} FROM tasks WHERE case_id = $1 ORDER BY due_on, id"
    )))
    .bind(c.case_id().to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(task).collect()
}

/// Open tasks assigned to a user, soonest first.
pub async fn open_tasks_of(conn: &mut Conn, user: UserId) -> Result<Vec<TaskRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLS} FROM tasks WHERE assigned_to = $1 AND status = 'open' \
         ORDER BY due_on, id"
    )))
    .bind(user.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(task).collect()
}

/// Open tasks due before `today` (overdue), in open cases, soonest first.
pub async fn overdue_tasks(conn: &mut Conn, today: &str) -> Result<Vec<TaskRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.status = 'open' \
         AND t.due_on < $1 AND c.status IN ('Active', 'FollowUp') ORDER BY t.due_on LIMIT 1000",
        qualified("t", TASK_COLS)
    )))
    .bind(today)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(task).collect()
}

/// Open tasks due on or before `until` whose reminder has not gone out.
pub async fn tasks_to_remind(conn: &mut Conn, until: &str) -> Result<Vec<TaskRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLS} FROM tasks WHERE status = 'open' AND due_on <= $1 \
         AND reminded_on IS NULL ORDER BY due_on LIMIT 500"
    )))
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(task).collect()
}

pub async fn claim_task_reminder(conn: &mut Conn, id: &str, today: &str) -> Result<bool> {
    Ok(
        sqlx::query("UPDATE tasks SET reminded_on = $1 WHERE id = $2 AND reminded_on IS NULL")
            .bind(today)
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1,
    )
}

// ---- assistance plan ----

#[derive(Clone, Debug)]
pub struct PlanRow {
    pub case_id: CaseId,
    pub status: String,
    pub goals: Option<Vec<u8>>,
    pub review_on: Option<String>,
    pub comments: Option<Vec<u8>>,
    pub updated_by: Option<UserId>,
    pub submitted_by: Option<UserId>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const PLAN_COLS: &str = "case_id, status, goals, review_on, comments, updated_by, submitted_by, \
     decided_by, decided_at, created_at, updated_at, version";

pub async fn plan_of_case(conn: &mut Conn, c: &impl CaseAccess) -> Result<Option<PlanRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PLAN_COLS} FROM assistance_plans WHERE case_id = $1"
    )))
    .bind(c.case_id().to_string())
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref()
        .map(|r| {
            Ok(PlanRow {
                case_id: parse(r, "case_id")?,
                status: r.try_get("status")?,
                goals: r.try_get("goals")?,
                review_on: r.try_get("review_on")?,
                comments: r.try_get("comments")?,
                updated_by: parse_opt(r, "updated_by")?,
                submitted_by: parse_opt(r, "submitted_by")?,
                decided_by: parse_opt(r, "decided_by")?,
                decided_at: r.try_get("decided_at")?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
                version: r.try_get("version")?,
            })
        })
        .transpose()
}

/// Writes the plan if it is still at `expected` (0: no plan yet); false when someone saved since.
pub async fn save_plan(
    conn: &mut Conn,
    w: &CaseWriter<'_>,
    p: &PlanRow,
    expected: i64,
) -> Result<bool> {
    // Both statements bind the saved fields first, in the same order: the insert then takes the
    // case and creation time, the update the case and the version it expects.
    let (sql, last) = if expected == 0 {
        (
            "INSERT INTO assistance_plans (status, goals, review_on, comments, updated_by, \
             submitted_by, decided_by, decided_at, updated_at, version, case_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (case_id) DO NOTHING",
            p.created_at,
        )
    } else {
        (
            "UPDATE assistance_plans SET status = $1, goals = $2, review_on = $3, comments = $4, \
             updated_by = $5, submitted_by = $6, decided_by = $7, decided_at = $8, \
             updated_at = $9, version = $10 WHERE case_id = $11 AND version = $12",
            expected,
        )
    };
    let r = sqlx::query(sql)
        .bind(&p.status)
        .bind(&p.goals)
        .bind(&p.review_on)
        .bind(&p.comments)
        .bind(p.updated_by.map(|u| u.to_string()))
        .bind(p.submitted_by.map(|u| u.to_string()))
        .bind(p.decided_by.map(|u| u.to_string()))
        .bind(p.decided_at)
        .bind(p.updated_at)
        .bind(p.version)
        .bind(w.case().to_string())
        .bind(last)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Plans submitted for approval, oldest first.
pub async fn submitted_plans(conn: &mut Conn) -> Result<Vec<(CaseId, i64)>> {
    let rows = sqlx::query(
        "SELECT case_id, updated_at FROM assistance_plans WHERE status = 'submitted' \
         ORDER BY updated_at",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((parse(r, "case_id")?, r.try_get("updated_at")?)))
        .collect()
}

// ---- return and proceedings ----

#[derive(Clone, Debug, Default)]
pub struct ReturnRow {
    pub case_id: Option<CaseId>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub receiving_org: Option<String>,
    pub planned_on: Option<String>,
    pub returned_on: Option<String>,
    pub notes: Option<Vec<u8>>,
    pub updated_by: Option<UserId>,
    pub updated_at: i64,
}

pub async fn save_return(conn: &mut Conn, w: &CaseWriter<'_>, r: &ReturnRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_returns (case_id, country, region, receiving_org, planned_on, \
         returned_on, notes, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (case_id) DO UPDATE SET country = $2, region = $3, receiving_org = $4, \
         planned_on = $5, returned_on = $6, notes = $7, updated_by = $8, updated_at = $9",
    )
    .bind(w.case().to_string())
    .bind(&r.country)
    .bind(&r.region)
    .bind(&r.receiving_org)
    .bind(&r.planned_on)
    .bind(&r.returned_on)
    .bind(&r.notes)
    .bind(r.updated_by.map(|u| u.to_string()))
    .bind(r.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn return_of_case(conn: &mut Conn, c: &impl CaseAccess) -> Result<Option<ReturnRow>> {
    let r = sqlx::query(
        "SELECT case_id, country, region, receiving_org, planned_on, returned_on, notes, \
         updated_by, updated_at FROM case_returns WHERE case_id = $1",
    )
    .bind(c.case_id().to_string())
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref()
        .map(|r| {
            Ok(ReturnRow {
                case_id: Some(parse(r, "case_id")?),
                country: r.try_get("country")?,
                region: r.try_get("region")?,
                receiving_org: r.try_get("receiving_org")?,
                planned_on: r.try_get("planned_on")?,
                returned_on: r.try_get("returned_on")?,
                notes: r.try_get("notes")?,
                updated_by: parse_opt(r, "updated_by")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .transpose()
}

#[derive(Clone, Debug)]
pub struct ProceedingsRow {
    pub case_id: CaseId,
    pub cooperation: String,
    pub compensation: String,
    pub details: Option<Vec<u8>>,
    pub updated_by: Option<UserId>,
    pub updated_at: i64,
}

pub async fn save_proceedings(
    conn: &mut Conn,
    w: &CaseWriter<'_>,
    r: &ProceedingsRow,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_proceedings (case_id, cooperation, compensation, details, updated_by, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO UPDATE SET \
         cooperation = $2, compensation = $3, details = $4, updated_by = $5, updated_at = $6",
    )
    .bind(w.case().to_string())
    .bind(&r.cooperation)
    .bind(&r.compensation)
    .bind(&r.details)
    .bind(r.updated_by.map(|u| u.to_string()))
    .bind(r.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn proceedings_of_case(
    conn: &mut Conn,
    c: &impl CaseAccess,
) -> Result<Option<ProceedingsRow>> {
    let r = sqlx::query(
        "SELECT case_id, cooperation, compensation, details, updated_by, updated_at \
         FROM case_proceedings WHERE case_id = $1",
    )
    .bind(c.case_id().to_string())
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref()
        .map(|r| {
            Ok(ProceedingsRow {
                case_id: parse(r, "case_id")?,
                cooperation: r.try_get("cooperation")?,
                compensation: r.try_get("compensation")?,
                details: r.try_get("details")?,
                updated_by: parse_opt(r, "updated_by")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .transpose()
}
