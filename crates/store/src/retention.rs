//! Retention: finding closed cases past the retention period and destroying their personal data
//! in place. Statistical columns stay (codes, regions, birth year, assessed age); dates are
//! generalised to their year by the caller.
use haven_domain::{CaseId, PersonId};
use sqlx::Row;

use crate::row::parse;
use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct Expired {
    pub case_id: CaseId,
    pub case_number: String,
    pub person_id: PersonId,
    pub opened_at: i64,
    pub closed_at: i64,
    pub referral_date: Option<String>,
}

/// Closed cases (closed or closed-referred) closed before `cutoff` and not yet anonymised.
pub async fn expired(conn: &mut Conn, cutoff: i64, limit: i64) -> Result<Vec<Expired>> {
    let rows = sqlx::query(
        "SELECT id, case_number, person_id, opened_at, closed_at, referral_date FROM cases \
         WHERE status IN ('Closed', 'ClosedReferred') AND closed_at < $1 \
         AND anonymised_at IS NULL ORDER BY closed_at, id LIMIT $2",
    )
    .bind(cutoff)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Expired {
                case_id: parse(r, "id")?,
                case_number: r.try_get("case_number")?,
                person_id: parse(r, "person_id")?,
                opened_at: r.try_get("opened_at")?,
                closed_at: r.try_get("closed_at")?,
                referral_date: r.try_get("referral_date")?,
            })
        })
        .collect()
}

/// Destroys the sealed data of a case and of everything beside it, and marks it anonymised.
/// `opened_at`, `closed_at` and `referral_date` are the generalised values to keep.
pub async fn anonymise_case(
    conn: &mut Conn,
    e: &Expired,
    opened_at: i64,
    closed_at: i64,
    referral_date: Option<&str>,
    now: i64,
) -> Result<()> {
    let id = e.case_id.to_string();
    sqlx::query(
        "UPDATE cases SET summary = NULL, closure_note = NULL, opened_at = $1, closed_at = $2, \
         referral_date = $3, anonymised_at = $4, updated_at = $4 WHERE id = $5",
    )
    .bind(opened_at)
    .bind(closed_at)
    .bind(referral_date)
    .bind(now)
    .bind(&id)
    .execute(&mut *conn)
    .await?;
    // What holds nothing but personal data goes; the rest keeps its coded facts.
    for sql in [
        "DELETE FROM case_notes WHERE case_id = $1",
        "DELETE FROM case_perpetrators WHERE case_id = $1",
        "DELETE FROM case_changes WHERE case_id = $1",
        "DELETE FROM case_attachments WHERE case_id = $1",
        "UPDATE case_events SET place = NULL, description = NULL WHERE case_id = $1",
        "UPDATE case_transfers SET reason = NULL, decision_note = NULL WHERE case_id = $1",
        "UPDATE screenings SET place = NULL WHERE case_id = $1",
        "UPDATE tips SET triage_note = NULL WHERE case_id = $1",
        "UPDATE consents SET guardian = NULL, note = NULL, withdrawn_reason = NULL WHERE case_id = $1",
        "UPDATE referrals SET reason = NULL, emergency_justification = NULL, answer = NULL WHERE case_id = $1",
        "UPDATE case_services SET outcome = NULL WHERE case_id = $1",
        "UPDATE risk_assessments SET safety_plan = NULL, notes = NULL WHERE case_id = $1",
        "UPDATE reflection_periods SET extensions = NULL WHERE case_id = $1",
        "UPDATE tasks SET title = NULL, note = NULL WHERE case_id = $1",
        "UPDATE assistance_plans SET goals = NULL, comments = NULL WHERE case_id = $1",
        "UPDATE case_returns SET notes = NULL WHERE case_id = $1",
        "UPDATE case_proceedings SET details = NULL WHERE case_id = $1",
    ] {
        sqlx::query(sql).bind(&id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The ids of the screenings and tips of a case (their sealed documents are rewritten without
/// the personal parts by the caller).
pub async fn screenings_and_tips(
    conn: &mut Conn,
    case: CaseId,
) -> Result<(Vec<String>, Vec<String>)> {
    let s: Vec<String> = sqlx::query_scalar("SELECT id FROM screenings WHERE case_id = $1")
        .bind(case.to_string())
        .fetch_all(&mut *conn)
        .await?;
    let t: Vec<String> = sqlx::query_scalar("SELECT id FROM tips WHERE case_id = $1")
        .bind(case.to_string())
        .fetch_all(&mut *conn)
        .await?;
    Ok((s, t))
}

pub async fn set_screening_answers(conn: &mut Conn, id: &str, answers: &[u8]) -> Result<()> {
    sqlx::query("UPDATE screenings SET answers = $1 WHERE id = $2")
        .bind(answers)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn screening_answers(conn: &mut Conn, id: &str) -> Result<Vec<u8>> {
    Ok(
        sqlx::query_scalar("SELECT answers FROM screenings WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?,
    )
}

pub async fn set_tip_body(conn: &mut Conn, id: &str, body: &[u8]) -> Result<()> {
    sqlx::query("UPDATE tips SET body = $1 WHERE id = $2")
        .bind(body)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether every case of a person is anonymised (then the person's own data may go too).
pub async fn person_fully_expired(conn: &mut Conn, person: PersonId) -> Result<bool> {
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE person_id = $1 AND anonymised_at IS NULL",
    )
    .bind(person.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(open == 0)
}

/// Destroys a person's names, birth date, contacts and documents, and their name index.
pub async fn anonymise_person(conn: &mut Conn, person: PersonId, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE persons SET first_name = NULL, middle_name = NULL, last_name = NULL, \
         nickname = NULL, birth_date = NULL, phone = NULL, address = NULL, details = NULL, \
         updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(person.to_string())
    .execute(&mut *conn)
    .await?;
    for table in ["person_name_index", "person_name_prefix"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE person_id = $1"
        )))
        .bind(person.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// How many cases are anonymised (for reports).
pub async fn anonymised_count(conn: &mut Conn) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE anonymised_at IS NOT NULL")
            .fetch_one(&mut *conn)
            .await?,
    )
}
