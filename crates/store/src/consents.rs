//! Consents of a case, and the service directory.
use haven_authz::CaseWriter;
use haven_domain::{AgencyId, CaseId, UserId};
use sqlx::Row;

use crate::row::{flag, parse, parse_opt};
use crate::{Conn, Result};

#[derive(Clone, Debug, Default)]
pub struct ConsentRow {
    pub id: String,
    pub case_id: Option<CaseId>,
    pub purpose: String,
    pub agency_id: Option<AgencyId>,
    pub given_by: String,
    pub guardian: Option<Vec<u8>>,
    pub form: String,
    /// YYYY-MM-DD.
    pub given_on: String,
    pub expires_on: Option<String>,
    pub note: Option<Vec<u8>>,
    pub withdrawn_on: Option<String>,
    pub withdrawn_reason: Option<Vec<u8>>,
    pub recorded_by: Option<UserId>,
    pub recorded_at: i64,
    pub updated_at: i64,
}

const CONSENT_COLS: &str = "id, case_id, purpose, agency_id, given_by, guardian, form, given_on, \
     expires_on, note, withdrawn_on, withdrawn_reason, recorded_by, recorded_at, updated_at";

fn consent(r: &sqlx::any::AnyRow) -> Result<ConsentRow> {
    Ok(ConsentRow {
        id: r.try_get("id")?,
        case_id: parse_opt(r, "case_id")?,
        purpose: r.try_get("purpose")?,
        agency_id: parse_opt(r, "agency_id")?,
        given_by: r.try_get("given_by")?,
        guardian: r.try_get("guardian")?,
        form: r.try_get("form")?,
        given_on: r.try_get("given_on")?,
        expires_on: r.try_get("expires_on")?,
        note: r.try_get("note")?,
        withdrawn_on: r.try_get("withdrawn_on")?,
        withdrawn_reason: r.try_get("withdrawn_reason")?,
        recorded_by: parse_opt(r, "recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn insert_consent(conn: &mut Conn, w: &CaseWriter<'_>, c: &ConsentRow) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO consents ({CONSENT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    )))
    .bind(&c.id)
    .bind(w.case().to_string())
    .bind(&c.purpose)
    .bind(c.agency_id.map(|x| x.to_string()))
    .bind(&c.given_by)
    .bind(&c.guardian)
    .bind(&c.form)
    .bind(&c.given_on)
    .bind(&c.expires_on)
    .bind(&c.note)
    .bind(&c.withdrawn_on)
    .bind(&c.withdrawn_reason)
    .bind(c.recorded_by.map(|x| x.to_string()))
    .bind(c.recorded_at)
    .bind(c.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The consents of a case, newest first.
pub async fn of_case(conn: &mut Conn, case: CaseId) -> Result<Vec<ConsentRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CONSENT_COLS} FROM consents WHERE case_id = $1 ORDER BY given_on DESC, recorded_at DESC, id DESC"
    )))
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(consent).collect()
}

/// Records a withdrawal; false if the consent is not this case's or was already withdrawn.
pub async fn withdraw(
    conn: &mut Conn,
    w: &CaseWriter<'_>,
    id: &str,
    on: &str,
    reason: Option<&[u8]>,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE consents SET withdrawn_on = $1, withdrawn_reason = $2, updated_at = $3 \
         WHERE id = $4 AND case_id = $5 AND withdrawn_on IS NULL",
    )
    .bind(on)
    .bind(reason)
    .bind(now)
    .bind(id)
    .bind(w.case().to_string())
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Clone, Debug, Default)]
pub struct ServiceRow {
    pub id: String,
    pub agency_id: AgencyId,
    pub service_type: String,
    pub name: String,
    pub description: Option<String>,
    /// Comma-separated codes; empty for "anyone".
    pub genders: String,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub nationalities: String,
    pub languages: String,
    pub exploitation: String,
    /// Empty: the whole country.
    pub regions: String,
    pub hours: Option<String>,
    pub emergency_line: Option<String>,
    pub capacity_total: Option<i64>,
    pub capacity_free: Option<i64>,
    pub capacity_at: Option<i64>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const SERVICE_COLS: &str = "id, agency_id, service_type, name, description, genders, age_min, \
     age_max, nationalities, languages, exploitation, regions, hours, emergency_line, \
     capacity_total, capacity_free, capacity_at, active, created_at, updated_at";

fn service(r: &sqlx::any::AnyRow) -> Result<ServiceRow> {
    Ok(ServiceRow {
        id: r.try_get("id")?,
        agency_id: parse(r, "agency_id")?,
        service_type: r.try_get("service_type")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        genders: r.try_get("genders")?,
        age_min: r.try_get("age_min")?,
        age_max: r.try_get("age_max")?,
        nationalities: r.try_get("nationalities")?,
        languages: r.try_get("languages")?,
        exploitation: r.try_get("exploitation")?,
        regions: r.try_get("regions")?,
        hours: r.try_get("hours")?,
        emergency_line: r.try_get("emergency_line")?,
        capacity_total: r.try_get("capacity_total")?,
        capacity_free: r.try_get("capacity_free")?,
        capacity_at: r.try_get("capacity_at")?,
        active: flag(r, "active")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Inserts or replaces a service (the capacity fields included).
pub async fn save_service(conn: &mut Conn, s: &ServiceRow) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO services ({SERVICE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) ON CONFLICT (id) DO UPDATE SET \
         service_type = $3, name = $4, description = $5, genders = $6, age_min = $7, age_max = $8, \
         nationalities = $9, languages = $10, exploitation = $11, regions = $12, hours = $13, \
         emergency_line = $14, capacity_total = $15, capacity_free = $16, capacity_at = $17, \
         active = $18, updated_at = $20"
    )))
    .bind(&s.id)
    .bind(s.agency_id.to_string())
    .bind(&s.service_type)
    .bind(&s.name)
    .bind(&s.description)
    .bind(&s.genders)
    .bind(s.age_min)
    .bind(s.age_max)
    .bind(&s.nationalities)
    .bind(&s.languages)
    .bind(&s.exploitation)
    .bind(&s.regions)
    .bind(&s.hours)
    .bind(&s.emergency_line)
    .bind(s.capacity_total)
    .bind(s.capacity_free)
    .bind(s.capacity_at)
    .bind(i64::from(s.active))
    .bind(s.created_at)
    .bind(s.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_service(conn: &mut Conn, id: &str) -> Result<Option<ServiceRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SERVICE_COLS} FROM services WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(service).transpose()
}

/// Every service, active first, by type and name (the directory is small: filtering is done on it).
pub async fn all_services(conn: &mut Conn) -> Result<Vec<ServiceRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SERVICE_COLS} FROM services ORDER BY active DESC, service_type, name, id"
    )))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(service).collect()
}

/// Sets the free capacity, stamped with the time.
pub async fn set_capacity(conn: &mut Conn, id: &str, free: i64, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE services SET capacity_free = $1, capacity_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(free)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}
