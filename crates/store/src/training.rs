//! Training: workshops, participants (sealed names, blind index), enrolments with attendance and
//! test scores, certificates, materials; the facts the reports count.
use haven_domain::{AgencyId, UserId};
use sqlx::Row;

use crate::row::{parse_opt, qualified};
use crate::{Conn, Result};

#[derive(Clone, Debug, Default)]
pub struct WorkshopRow {
    pub id: String,
    pub title: String,
    /// Comma-separated topic codes.
    pub topics: String,
    /// YYYY-MM-DD.
    pub first_day: String,
    pub last_day: String,
    pub region: Option<String>,
    pub place: Option<String>,
    pub format: String,
    pub language: Option<String>,
    pub trainers: Option<String>,
    pub organiser: Option<String>,
    pub funder: Option<String>,
    pub grant_ref: Option<String>,
    pub capacity: Option<i64>,
    pub pass_mark: i64,
    pub min_attendance: i64,
    pub questionnaire: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

const WORKSHOP_COLS: &str = "id, title, topics, first_day, last_day, region, place, format, language, \
     trainers, organiser, funder, grant_ref, capacity, pass_mark, min_attendance, questionnaire, \
     created_by, created_at, updated_at";

fn workshop(r: &sqlx::any::AnyRow) -> Result<WorkshopRow> {
    Ok(WorkshopRow {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        topics: r.try_get("topics")?,
        first_day: r.try_get("first_day")?,
        last_day: r.try_get("last_day")?,
        region: r.try_get("region")?,
        place: r.try_get("place")?,
        format: r.try_get("format")?,
        language: r.try_get("language")?,
        trainers: r.try_get("trainers")?,
        organiser: r.try_get("organiser")?,
        funder: r.try_get("funder")?,
        grant_ref: r.try_get("grant_ref")?,
        capacity: r.try_get("capacity")?,
        pass_mark: r.try_get("pass_mark")?,
        min_attendance: r.try_get("min_attendance")?,
        questionnaire: r.try_get("questionnaire")?,
        created_by: parse_opt(r, "created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Inserts or replaces a workshop (all its fields).
pub async fn save_workshop(conn: &mut Conn, w: &WorkshopRow) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO workshops ({WORKSHOP_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
         ON CONFLICT (id) DO UPDATE SET title = $2, topics = $3, first_day = $4, last_day = $5, \
         region = $6, place = $7, format = $8, language = $9, trainers = $10, organiser = $11, \
         funder = $12, grant_ref = $13, capacity = $14, pass_mark = $15, min_attendance = $16, \
         questionnaire = $17, updated_at = $20"
    )))
    .bind(&w.id)
    .bind(&w.title)
    .bind(&w.topics)
    .bind(&w.first_day)
    .bind(&w.last_day)
    .bind(&w.region)
    .bind(&w.place)
    .bind(&w.format)
    .bind(&w.language)
    .bind(&w.trainers)
    .bind(&w.organiser)
    .bind(&w.funder)
    .bind(&w.grant_ref)
    .bind(w.capacity)
    .bind(w.pass_mark)
    .bind(w.min_attendance)
    .bind(&w.questionnaire)
    .bind(w.created_by.map(|u| u.to_string()))
    .bind(w.created_at)
    .bind(w.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_workshop(conn: &mut Conn, id: &str) -> Result<Option<WorkshopRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {WORKSHOP_COLS} FROM workshops WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(workshop).transpose()
}

/// Workshops, newest first, with their number of participants.
pub async fn list_workshops(conn: &mut Conn) -> Result<Vec<(WorkshopRow, i64)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {WORKSHOP_COLS}, (SELECT COUNT(*) FROM enrolments e WHERE e.workshop_id = workshops.id) AS n \
         FROM workshops ORDER BY first_day DESC, id DESC"
    )))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((workshop(r)?, r.try_get("n")?)))
        .collect()
}

#[derive(Clone, Debug, Default)]
pub struct TraineeRow {
    pub id: String,
    pub first_name: Option<Vec<u8>>,
    pub family_name: Option<Vec<u8>>,
    pub position: Option<Vec<u8>>,
    pub contact: Option<Vec<u8>>,
    pub sex: String,
    pub agency_id: Option<AgencyId>,
    /// An organisation not in the agency list, as written.
    pub organisation: Option<String>,
    pub region: Option<String>,
    pub user_id: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

const TRAINEE_COLS: &str = "id, first_name, family_name, position, contact, sex, agency_id, \
     organisation, region, user_id, created_at, updated_at";

fn trainee(r: &sqlx::any::AnyRow) -> Result<TraineeRow> {
    Ok(TraineeRow {
        id: r.try_get("id")?,
        first_name: r.try_get("first_name")?,
        family_name: r.try_get("family_name")?,
        position: r.try_get("position")?,
        contact: r.try_get("contact")?,
        sex: r.try_get("sex")?,
        agency_id: parse_opt(r, "agency_id")?,
        organisation: r.try_get("organisation")?,
        region: r.try_get("region")?,
        user_id: parse_opt(r, "user_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn insert_trainee(conn: &mut Conn, t: &TraineeRow, digests: &[String]) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO trainees ({TRAINEE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    )))
    .bind(&t.id)
    .bind(&t.first_name)
    .bind(&t.family_name)
    .bind(&t.position)
    .bind(&t.contact)
    .bind(&t.sex)
    .bind(t.agency_id.map(|a| a.to_string()))
    .bind(&t.organisation)
    .bind(&t.region)
    .bind(t.user_id.map(|u| u.to_string()))
    .bind(t.created_at)
    .bind(t.updated_at)
    .execute(&mut *conn)
    .await?;
    set_digests(conn, &t.id, digests).await?;
    Ok(())
}

/// Replaces a participant's name digests (blind index).
/// Replaces a participant's name digests (also when the index is rebuilt).
pub async fn set_digests(conn: &mut Conn, trainee: &str, digests: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM trainee_name_index WHERE trainee_id = $1")
        .bind(trainee)
        .execute(&mut *conn)
        .await?;
    for d in digests {
        sqlx::query(
            "INSERT INTO trainee_name_index (digest, trainee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(d)
        .bind(trainee)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces a participant's fields and name digests.
pub async fn update_trainee(conn: &mut Conn, t: &TraineeRow, digests: &[String]) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE trainees SET first_name = $1, family_name = $2, position = $3, contact = $4, \
         sex = $5, agency_id = $6, organisation = $7, region = $8, user_id = $9, updated_at = $10 \
         WHERE id = $11",
    )
    .bind(&t.first_name)
    .bind(&t.family_name)
    .bind(&t.position)
    .bind(&t.contact)
    .bind(&t.sex)
    .bind(t.agency_id.map(|a| a.to_string()))
    .bind(&t.organisation)
    .bind(&t.region)
    .bind(t.user_id.map(|u| u.to_string()))
    .bind(t.updated_at)
    .bind(&t.id)
    .execute(&mut *conn)
    .await?;
    set_digests(conn, &t.id, digests).await?;
    Ok(r.rows_affected() == 1)
}

/// The workshops a participant is enrolled in: (id, title, first day).
pub async fn workshops_of(conn: &mut Conn, trainee: &str) -> Result<Vec<(String, String, String)>> {
    let rows = sqlx::query(
        "SELECT w.id, w.title, w.first_day FROM enrolments e JOIN workshops w ON w.id = e.workshop_id \
         WHERE e.trainee_id = $1 ORDER BY w.first_day",
    )
    .bind(trainee)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("title")?,
                r.try_get("first_day")?,
            ))
        })
        .collect()
}

pub async fn get_trainee(conn: &mut Conn, id: &str) -> Result<Option<TraineeRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TRAINEE_COLS} FROM trainees WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(trainee).transpose()
}

/// Participants holding every one of the digests (the duplicate check), at most 20.
/// Participants holding, for each typed word, one of its digests (at most 20).
pub async fn trainees_by_digests(
    conn: &mut Conn,
    groups: &[Vec<String>],
) -> Result<Vec<TraineeRow>> {
    let groups: Vec<&Vec<String>> = groups.iter().filter(|g| !g.is_empty()).collect();
    if groups.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = format!("SELECT {TRAINEE_COLS} FROM trainees t WHERE 1 = 1");
    let mut n = 0;
    for g in &groups {
        let ps: Vec<String> = g
            .iter()
            .map(|_| {
                n += 1;
                format!("${n}")
            })
            .collect();
        sql.push_str(&format!(
            " AND t.id IN (SELECT trainee_id FROM trainee_name_index WHERE digest IN ({}))",
            ps.join(", ")
        ));
    }
    sql.push_str(" ORDER BY t.created_at LIMIT 20");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for d in groups.iter().flat_map(|g| g.iter()) {
        q = q.bind(d);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(trainee).collect()
}

/// Trainees holding at least one of `digests`, those holding most first; at most `limit`.
pub async fn trainees_sharing_digests(
    conn: &mut Conn,
    digests: &[String],
    limit: i64,
) -> Result<Vec<TraineeRow>> {
    if digests.is_empty() {
        return Ok(vec![]);
    }
    // The shared count is named `shared` and the trainee key `trainee_id`, so the trainee's
    // own columns need no table prefix.
    let sql = format!(
        "SELECT {TRAINEE_COLS} FROM trainees JOIN (SELECT trainee_id, COUNT(*) AS shared \
         FROM trainee_name_index WHERE digest IN ({}) GROUP BY trainee_id) s \
         ON s.trainee_id = trainees.id ORDER BY s.shared DESC, created_at, id LIMIT ${}",
        crate::placeholders(1, digests.len()),
        digests.len() + 1
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for d in digests {
        q = q.bind(d);
    }
    let rows = q.bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(trainee).collect()
}

/// An enrolment with its attendance.
#[derive(Clone, Debug, Default)]
pub struct EnrolmentRow {
    pub workshop_id: String,
    pub trainee: TraineeRow,
    pub pre_score: Option<i64>,
    pub post_score: Option<i64>,
    pub certificate_code: Option<String>,
    pub certificate_at: Option<i64>,
    /// YYYY-MM-DD, sorted.
    pub days: Vec<String>,
}

/// Enrols a participant; false if already enrolled.
pub async fn enrol(conn: &mut Conn, workshop: &str, trainee: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO enrolments (workshop_id, trainee_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(workshop)
    .bind(trainee)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn unenrol(conn: &mut Conn, workshop: &str, trainee: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM enrolments WHERE workshop_id = $1 AND trainee_id = $2")
        .bind(workshop)
        .bind(trainee)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The participants of a workshop, in the order they were enrolled.
pub async fn enrolments(conn: &mut Conn, workshop: &str) -> Result<Vec<EnrolmentRow>> {
    let cols = qualified("t", TRAINEE_COLS);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {cols}, e.pre_score, e.post_score, e.certificate_code, e.certificate_at \
         FROM enrolments e JOIN trainees t ON t.id = e.trainee_id \
         WHERE e.workshop_id = $1 ORDER BY e.created_at, t.id"
    )))
    .bind(workshop)
    .fetch_all(&mut *conn)
    .await?;
    let days = sqlx::query(
        "SELECT trainee_id, day FROM attendance WHERE workshop_id = $1 ORDER BY trainee_id, day",
    )
    .bind(workshop)
    .fetch_all(&mut *conn)
    .await?;
    // Attendance grouped once by participant (a large workshop has thousands of rows).
    let mut by_trainee: std::collections::HashMap<String, Vec<String>> = Default::default();
    for a in &days {
        by_trainee
            .entry(a.try_get("trainee_id")?)
            .or_default()
            .push(a.try_get("day")?);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let t = trainee(r)?;
        out.push(EnrolmentRow {
            workshop_id: workshop.to_string(),
            days: by_trainee.remove(&t.id).unwrap_or_default(),
            trainee: t,
            pre_score: r.try_get("pre_score")?,
            post_score: r.try_get("post_score")?,
            certificate_code: r.try_get("certificate_code")?,
            certificate_at: r.try_get("certificate_at")?,
        });
    }
    Ok(out)
}

/// Replaces a participant's attendance and scores in a workshop.
pub async fn set_record(
    conn: &mut Conn,
    workshop: &str,
    trainee: &str,
    days: &[String],
    pre: Option<i64>,
    post: Option<i64>,
) -> Result<()> {
    sqlx::query("UPDATE enrolments SET pre_score = $1, post_score = $2 WHERE workshop_id = $3 AND trainee_id = $4")
        .bind(pre)
        .bind(post)
        .bind(workshop)
        .bind(trainee)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM attendance WHERE workshop_id = $1 AND trainee_id = $2")
        .bind(workshop)
        .bind(trainee)
        .execute(&mut *conn)
        .await?;
    for d in days {
        sqlx::query("INSERT INTO attendance (workshop_id, trainee_id, day) VALUES ($1, $2, $3)")
            .bind(workshop)
            .bind(trainee)
            .bind(d)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Gives an enrolment its certificate code, unless it has one.
pub async fn set_certificate(
    conn: &mut Conn,
    workshop: &str,
    trainee: &str,
    code: &str,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE enrolments SET certificate_code = $1, certificate_at = $2 \
         WHERE workshop_id = $3 AND trainee_id = $4 AND certificate_code IS NULL",
    )
    .bind(code)
    .bind(at)
    .bind(workshop)
    .bind(trainee)
    .execute(&mut *conn)
    .await
    .map_err(|e| crate::StoreError::from(e).on_unique("certificate_code"))?;
    Ok(r.rows_affected() == 1)
}

/// The enrolment a certificate code belongs to: (workshop id, trainee id).
pub async fn by_certificate(conn: &mut Conn, code: &str) -> Result<Option<(String, String)>> {
    let r =
        sqlx::query("SELECT workshop_id, trainee_id FROM enrolments WHERE certificate_code = $1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?;
    r.map(|r| Ok((r.try_get("workshop_id")?, r.try_get("trainee_id")?)))
        .transpose()
}

/// One enrolment with what the reports need (no sealed field).
#[derive(Clone, Debug)]
pub struct EnrolmentFact {
    pub workshop_id: String,
    pub title: String,
    pub first_day: String,
    pub last_day: String,
    pub pass_mark: i64,
    pub min_attendance: i64,
    pub trainee_id: String,
    pub sex: String,
    pub agency_name: Option<String>,
    pub agency_type: Option<String>,
    pub organisation: Option<String>,
    pub region: Option<String>,
    pub user_id: Option<UserId>,
    pub attended: i64,
    pub pre_score: Option<i64>,
    pub post_score: Option<i64>,
}

pub async fn facts(conn: &mut Conn) -> Result<Vec<EnrolmentFact>> {
    let rows = sqlx::query(
        "SELECT w.id AS workshop_id, w.title, w.first_day, w.last_day, w.pass_mark, w.min_attendance, \
         t.id AS trainee_id, t.sex, a.name AS agency_name, a.agency_type, t.organisation, t.region, \
         t.user_id, e.pre_score, e.post_score, \
         (SELECT COUNT(*) FROM attendance x WHERE x.workshop_id = e.workshop_id AND x.trainee_id = e.trainee_id) AS attended \
         FROM enrolments e JOIN workshops w ON w.id = e.workshop_id JOIN trainees t ON t.id = e.trainee_id \
         LEFT JOIN agencies a ON a.id = t.agency_id ORDER BY w.first_day, w.id, t.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EnrolmentFact {
                workshop_id: r.try_get("workshop_id")?,
                title: r.try_get("title")?,
                first_day: r.try_get("first_day")?,
                last_day: r.try_get("last_day")?,
                pass_mark: r.try_get("pass_mark")?,
                min_attendance: r.try_get("min_attendance")?,
                trainee_id: r.try_get("trainee_id")?,
                sex: r.try_get("sex")?,
                agency_name: r.try_get("agency_name")?,
                agency_type: r.try_get("agency_type")?,
                organisation: r.try_get("organisation")?,
                region: r.try_get("region")?,
                user_id: parse_opt(r, "user_id")?,
                attended: r.try_get("attended")?,
                pre_score: r.try_get("pre_score")?,
                post_score: r.try_get("post_score")?,
            })
        })
        .collect()
}

/// Screenings a user recorded before / on or after a day (training outcomes: counts only).
pub async fn screenings_around(conn: &mut Conn, user: UserId, day: &str) -> Result<(i64, i64)> {
    let r = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN screened_on < $2 THEN 1 ELSE 0 END), 0) AS before, \
         COALESCE(SUM(CASE WHEN screened_on >= $2 THEN 1 ELSE 0 END), 0) AS after \
         FROM screenings WHERE screened_by = $1",
    )
    .bind(user.to_string())
    .bind(day)
    .fetch_one(&mut *conn)
    .await?;
    Ok((r.try_get("before")?, r.try_get("after")?))
}

/// Referrals a user sent before / at or after a time (training outcomes: counts only; drafts
/// left out).
pub async fn referrals_around(conn: &mut Conn, user: UserId, at: i64) -> Result<(i64, i64)> {
    let r = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN sent_at < $2 THEN 1 ELSE 0 END), 0) AS before, \
         COALESCE(SUM(CASE WHEN sent_at >= $2 THEN 1 ELSE 0 END), 0) AS after \
         FROM referrals WHERE from_user_id = $1 AND sent_at IS NOT NULL",
    )
    .bind(user.to_string())
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok((r.try_get("before")?, r.try_get("after")?))
}

#[derive(Clone, Debug)]
pub struct MaterialRow {
    pub id: String,
    pub workshop_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: i64,
}

pub async fn add_material(conn: &mut Conn, m: &MaterialRow, data: &[u8]) -> Result<()> {
    sqlx::query(
        "INSERT INTO workshop_materials (id, workshop_id, file_name, content_type, size, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&m.id)
    .bind(&m.workshop_id)
    .bind(&m.file_name)
    .bind(&m.content_type)
    .bind(m.size)
    .bind(data)
    .bind(m.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn materials(conn: &mut Conn, workshop: &str) -> Result<Vec<MaterialRow>> {
    let rows = sqlx::query(
        "SELECT id, workshop_id, file_name, content_type, size, created_at FROM workshop_materials \
         WHERE workshop_id = $1 ORDER BY created_at, id",
    )
    .bind(workshop)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MaterialRow {
                id: r.try_get("id")?,
                workshop_id: r.try_get("workshop_id")?,
                file_name: r.try_get("file_name")?,
                content_type: r.try_get("content_type")?,
                size: r.try_get("size")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

pub async fn material(conn: &mut Conn, id: &str) -> Result<Option<(MaterialRow, Vec<u8>)>> {
    let r = sqlx::query(
        "SELECT id, workshop_id, file_name, content_type, size, created_at, data FROM workshop_materials WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.map(|r| {
        Ok((
            MaterialRow {
                id: r.try_get("id")?,
                workshop_id: r.try_get("workshop_id")?,
                file_name: r.try_get("file_name")?,
                content_type: r.try_get("content_type")?,
                size: r.try_get("size")?,
                created_at: r.try_get("created_at")?,
            },
            r.try_get("data")?,
        ))
    })
    .transpose()
}

/// Participants after `after` (by id), at most `limit`: for rebuilding the name index in batches.
pub async fn trainees_after(conn: &mut Conn, after: &str, limit: i64) -> Result<Vec<TraineeRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TRAINEE_COLS} FROM trainees WHERE id > $1 ORDER BY id LIMIT $2"
    )))
    .bind(after)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(trainee).collect()
}

pub async fn count_trainees(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM trainees")
        .fetch_one(&mut *conn)
        .await?)
}
