//! Screenings by the ILO/EC indicators: coded facts in clear, answers and place sealed.
use haven_domain::{AgencyId, CaseId, UserId};
use sqlx::Row;

use crate::row::{flag, parse};
use crate::{Conn, Result};

#[derive(Clone, Debug, Default)]
pub struct ScreeningRow {
    pub id: String,
    pub case_id: Option<CaseId>,
    pub agency_id: AgencyId,
    pub screened_by: UserId,
    /// YYYY-MM-DD.
    pub screened_on: String,
    pub region: Option<String>,
    pub language: Option<String>,
    pub interpreter: bool,
    pub person_present: bool,
    pub consent: bool,
    /// Comma-separated profile codes.
    pub profiles: String,
    /// The strongest outcome over the profiles.
    pub outcome: String,
    pub indicator_set: String,
    pub answers: Vec<u8>,
    pub place: Option<Vec<u8>>,
    pub created_at: i64,
}

pub async fn insert(conn: &mut Conn, s: &ScreeningRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO screenings (id, case_id, agency_id, screened_by, screened_on, region, language, \
         interpreter, person_present, consent, profiles, outcome, indicator_set, answers, place, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&s.id)
    .bind(s.case_id.map(|c| c.to_string()))
    .bind(s.agency_id.to_string())
    .bind(s.screened_by.to_string())
    .bind(&s.screened_on)
    .bind(&s.region)
    .bind(&s.language)
    .bind(i64::from(s.interpreter))
    .bind(i64::from(s.person_present))
    .bind(i64::from(s.consent))
    .bind(&s.profiles)
    .bind(&s.outcome)
    .bind(&s.indicator_set)
    .bind(&s.answers)
    .bind(&s.place)
    .bind(s.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<ScreeningRow> {
    let case: Option<String> = r.try_get("case_id")?;
    Ok(ScreeningRow {
        id: r.try_get("id")?,
        case_id: match case {
            Some(c) => Some(
                c.parse()
                    .map_err(|_| crate::StoreError::Corrupt(format!("case id {c:?}")))?,
            ),
            None => None,
        },
        agency_id: parse(r, "agency_id")?,
        screened_by: parse(r, "screened_by")?,
        screened_on: r.try_get("screened_on")?,
        region: r.try_get("region")?,
        language: r.try_get("language")?,
        interpreter: flag(r, "interpreter")?,
        person_present: flag(r, "person_present")?,
        consent: flag(r, "consent")?,
        profiles: r.try_get("profiles")?,
        outcome: r.try_get("outcome")?,
        indicator_set: r.try_get("indicator_set")?,
        answers: r.try_get("answers")?,
        place: r.try_get("place")?,
        created_at: r.try_get("created_at")?,
    })
}

const COLUMNS: &str = "id, case_id, agency_id, screened_by, screened_on, region, language, interpreter, \
     person_present, consent, profiles, outcome, indicator_set, answers, place, created_at";

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<ScreeningRow>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM screenings WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The screenings of a case, newest first.
pub async fn of_case(conn: &mut Conn, case: CaseId) -> Result<Vec<ScreeningRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM screenings WHERE case_id = $1 ORDER BY created_at DESC, id DESC"
    )))
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Attaches a case-less screening to a case. False if it already had one (nothing changed).
pub async fn link_case(conn: &mut Conn, id: &str, case: CaseId) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE screenings SET case_id = $1, draft_id = NULL WHERE id = $2 AND case_id IS NULL",
    )
    .bind(case.to_string())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Notes the case draft opened from a case-less screening.
pub async fn set_draft(conn: &mut Conn, id: &str, draft: &str) -> Result<()> {
    sqlx::query("UPDATE screenings SET draft_id = $1 WHERE id = $2 AND case_id IS NULL")
        .bind(draft)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Attaches the screenings waiting for a draft to the case completed from it; their ids.
pub async fn link_draft(conn: &mut Conn, draft: &str, case: CaseId) -> Result<Vec<String>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM screenings WHERE draft_id = $1 AND case_id IS NULL ORDER BY id",
    )
    .bind(draft)
    .fetch_all(&mut *conn)
    .await?;
    for id in &ids {
        link_case(conn, id, case).await?;
    }
    Ok(ids)
}

/// Screening counts by outcome, profiles, region and screening agency (statistics: coded facts
/// only, no personal data).
pub async fn counts(conn: &mut Conn) -> Result<Vec<ScreeningCount>> {
    let rows = sqlx::query(
        "SELECT s.outcome, s.profiles, s.region, a.name AS agency, COUNT(*) AS n \
         FROM screenings s JOIN agencies a ON a.id = s.agency_id \
         GROUP BY s.outcome, s.profiles, s.region, a.name",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ScreeningCount {
                outcome: r.try_get("outcome")?,
                profiles: r.try_get("profiles")?,
                region: r.try_get("region")?,
                agency: r.try_get("agency")?,
                n: r.try_get("n")?,
            })
        })
        .collect()
}

/// One cell of [`counts`].
#[derive(Clone, Debug)]
pub struct ScreeningCount {
    pub outcome: String,
    /// Comma-separated profile codes.
    pub profiles: String,
    pub region: Option<String>,
    pub agency: String,
    pub n: i64,
}
