//! Agencies (HTCDS organisations).
use haven_domain::{AgencyId, AgencyType};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::row::{flag, parse};
use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct AgencyRow {
    pub id: AgencyId,
    pub name: String,
    pub agency_type: AgencyType,
    pub region: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub coordination_consent: bool,
    pub created_at: i64,
}

const COLS: &str = "id, name, agency_type, region, phone, email, coordination_consent, created_at";

fn from_row(r: &AnyRow) -> Result<AgencyRow> {
    Ok(AgencyRow {
        id: parse(r, "id")?,
        name: r.try_get("name")?,
        agency_type: parse(r, "agency_type")?,
        region: r.try_get("region")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        coordination_consent: flag(r, "coordination_consent")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert(conn: &mut Conn, a: &AgencyRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO agencies (id, name, agency_type, region, phone, email, coordination_consent, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(a.id.to_string())
    .bind(&a.name)
    .bind(a.agency_type.as_str())
    .bind(&a.region)
    .bind(&a.phone)
    .bind(&a.email)
    .bind(crate::flag(a.coordination_consent))
    .bind(a.created_at)
    .execute(&mut *conn)
    .await
    .map_err(|e| crate::StoreError::from(e).on_unique("name"))?;
    Ok(())
}

/// An agency's details (not its coordination consent nor its creation time).
pub async fn update(conn: &mut Conn, a: &AgencyRow) -> Result<()> {
    sqlx::query(
        "UPDATE agencies SET name = $1, agency_type = $2, region = $3, phone = $4, email = $5
         WHERE id = $6",
    )
    .bind(&a.name)
    .bind(a.agency_type.as_str())
    .bind(&a.region)
    .bind(&a.phone)
    .bind(&a.email)
    .bind(a.id.to_string())
    .execute(&mut *conn)
    .await
    .map_err(|e| crate::StoreError::from(e).on_unique("name"))?;
    Ok(())
}

pub async fn list(conn: &mut Conn) -> Result<Vec<AgencyRow>> {
    let sql = format!("SELECT {COLS} FROM agencies ORDER BY name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(conn: &mut Conn, id: AgencyId) -> Result<Option<AgencyRow>> {
    let sql = format!("SELECT {COLS} FROM agencies WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_by_name(conn: &mut Conn, name: &str) -> Result<Option<AgencyRow>> {
    let sql = format!("SELECT {COLS} FROM agencies WHERE name = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn set_coordination_consent(
    conn: &mut Conn,
    id: AgencyId,
    consent: bool,
) -> Result<bool> {
    let r = sqlx::query("UPDATE agencies SET coordination_consent = $1 WHERE id = $2")
        .bind(crate::flag(consent))
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}
