//! Persons and cases: the minimal record the platform needs (the full HTCDS model builds on it).
use haven_domain::{AgencyId, CaseAccessFacts, CaseId, CaseScope, CaseStatus, PersonId, UserId};
use sqlx::Row;

use crate::row::{flag, parse, parse_opt};
use crate::{Conn, Result};

#[derive(Clone, Debug)]
pub struct PersonRow {
    pub id: PersonId,
    pub first_name: Option<Vec<u8>>,
    pub middle_name: Option<Vec<u8>>,
    pub last_name: Option<Vec<u8>>,
    pub nickname: Option<Vec<u8>>,
    pub birth_date: Option<Vec<u8>>,
    pub phone: Option<Vec<u8>>,
    pub address: Option<Vec<u8>>,
    pub gender: Option<String>,
    pub citizenship: Option<String>,
    pub birth_year: Option<i64>,
    pub age_uncertain: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug)]
pub struct CaseRow {
    pub id: CaseId,
    pub case_number: String,
    pub person_id: PersonId,
    pub status: CaseStatus,
    pub owner_agency_id: AgencyId,
    pub assigned_user_id: Option<UserId>,
    pub created_by: UserId,
    pub region: Option<String>,
    pub exploitation_type: Option<String>,
    pub summary: Option<Vec<u8>>,
    pub opened_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
}

/// Allocates the next number in a sequence (e.g. `GY-2026`), atomically on both backends.
pub async fn next_number(conn: &mut Conn, key: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO case_counters (key, next_seq) VALUES ($1, 1)
         ON CONFLICT (key) DO UPDATE SET next_seq = case_counters.next_seq + 1 RETURNING next_seq",
    )
    .bind(key)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn insert_person(conn: &mut Conn, p: &PersonRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO persons (id, first_name, middle_name, last_name, nickname, birth_date, phone, address, gender,
             citizenship, birth_year, age_uncertain, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(p.id.to_string())
    .bind(&p.first_name)
    .bind(&p.middle_name)
    .bind(&p.last_name)
    .bind(&p.nickname)
    .bind(&p.birth_date)
    .bind(&p.phone)
    .bind(&p.address)
    .bind(&p.gender)
    .bind(&p.citizenship)
    .bind(p.birth_year)
    .bind(crate::flag(p.age_uncertain))
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_name_digests(conn: &mut Conn, person: PersonId, digests: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM person_name_index WHERE person_id = $1")
        .bind(person.to_string())
        .execute(&mut *conn)
        .await?;
    for d in digests {
        sqlx::query("INSERT INTO person_name_index (digest, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(d)
            .bind(person.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn insert_case(conn: &mut Conn, c: &CaseRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO cases (id, case_number, person_id, status, owner_agency_id, assigned_user_id, created_by, region,
             exploitation_type, summary, opened_at, updated_at, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(c.id.to_string())
    .bind(&c.case_number)
    .bind(c.person_id.to_string())
    .bind(c.status.as_str())
    .bind(c.owner_agency_id.to_string())
    .bind(c.assigned_user_id.map(|u| u.to_string()))
    .bind(c.created_by.to_string())
    .bind(&c.region)
    .bind(&c.exploitation_type)
    .bind(&c.summary)
    .bind(c.opened_at)
    .bind(c.updated_at)
    .bind(c.closed_at)
    .execute(&mut *conn)
    .await?;
    add_agency(conn, c.id, c.owner_agency_id, "owner", c.opened_at).await
}

pub async fn add_agency(
    conn: &mut Conn,
    case: CaseId,
    agency: AgencyId,
    involvement: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_agencies (case_id, agency_id, involvement, added_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id, agency_id) DO UPDATE SET involvement = excluded.involvement",
    )
    .bind(case.to_string())
    .bind(agency.to_string())
    .bind(involvement)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn grant(
    conn: &mut Conn,
    case: CaseId,
    user: UserId,
    by: UserId,
    now: i64,
    expires_at: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_grants (case_id, user_id, granted_by, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (case_id, user_id) DO UPDATE SET granted_by = excluded.granted_by,
             granted_at = excluded.granted_at, expires_at = excluded.expires_at",
    )
    .bind(case.to_string())
    .bind(user.to_string())
    .bind(by.to_string())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The facts the need-to-know rule needs, or `None` if no such case exists.
pub async fn access_facts(
    conn: &mut Conn,
    case: CaseId,
    now: i64,
) -> Result<Option<CaseAccessFacts>> {
    let Some(r) = sqlx::query(
        "SELECT c.owner_agency_id, c.created_by, c.assigned_user_id, a.coordination_consent
         FROM cases c JOIN agencies a ON a.id = c.owner_agency_id WHERE c.id = $1",
    )
    .bind(case.to_string())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let involved = sqlx::query("SELECT agency_id FROM case_agencies WHERE case_id = $1")
        .bind(case.to_string())
        .fetch_all(&mut *conn)
        .await?;
    let grants = sqlx::query("SELECT user_id FROM case_grants WHERE case_id = $1 AND (expires_at IS NULL OR expires_at > $2)")
        .bind(case.to_string())
        .bind(now)
        .fetch_all(&mut *conn)
        .await?;
    Ok(Some(CaseAccessFacts {
        owner_agency: parse(&r, "owner_agency_id")?,
        owner_consents_to_coordination: flag(&r, "coordination_consent")?,
        involved_agencies: involved
            .iter()
            .map(|r| parse(r, "agency_id"))
            .collect::<Result<_>>()?,
        created_by: parse(&r, "created_by")?,
        assigned_to: parse_opt(&r, "assigned_user_id")?,
        granted_users: grants
            .iter()
            .map(|r| parse(r, "user_id"))
            .collect::<Result<_>>()?,
    }))
}

/// One line of a case list: enough to show and to decrypt the person's name.
#[derive(Clone, Debug)]
pub struct CaseListRow {
    pub id: CaseId,
    pub case_number: String,
    pub status: CaseStatus,
    pub owner_agency_id: AgencyId,
    pub owner_agency_name: String,
    pub region: Option<String>,
    pub opened_at: i64,
    pub person_id: PersonId,
    pub first_name: Option<Vec<u8>>,
    pub last_name: Option<Vec<u8>>,
}

#[derive(Clone, Debug, Default)]
pub struct CaseQuery {
    pub status: Option<CaseStatus>,
    pub case_number: Option<String>,
    /// Every digest must be present for the person (blind-index name search).
    pub name_digests: Vec<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Builds the visibility condition for a scope. Kept beside the per-case rule's tests in
/// `haven-authz`, which check both agree on every role.
/// The visibility of a scope in two forms: a per-case condition (for walking the list index
/// newest first, which stops after one page) and the set of visible ids (for counting).
fn scope_sql(
    scope: &CaseScope,
    next: &mut impl FnMut() -> String,
    binds: &mut Vec<String>,
) -> (String, String) {
    let user = match scope {
        CaseScope::GrantsOnly { user }
        | CaseScope::CreatedBy { user }
        | CaseScope::Agency { user, .. }
        | CaseScope::Coordination { user, .. } => user,
    };
    let u = next();
    binds.push(user.to_string());
    let grant_ok = "(g.expires_at IS NULL OR g.expires_at > {now})";
    let grant_cond = format!(
        "EXISTS (SELECT 1 FROM case_grants g WHERE g.case_id = c.id AND g.user_id = {u} AND {grant_ok})"
    );
    let grant_set =
        format!("SELECT g.case_id FROM case_grants g WHERE g.user_id = {u} AND {grant_ok}");
    match scope {
        CaseScope::GrantsOnly { .. } => (grant_cond, grant_set),
        CaseScope::CreatedBy { .. } => (
            format!("(c.created_by = {u} OR {grant_cond})"),
            format!("SELECT cc.id FROM cases cc WHERE cc.created_by = {u} UNION {grant_set}"),
        ),
        CaseScope::Agency { agency, .. } => {
            let a = next();
            binds.push(agency.to_string());
            (
                format!(
                    "(EXISTS (SELECT 1 FROM case_agencies ca WHERE ca.case_id = c.id AND ca.agency_id = {a}) OR {grant_cond})"
                ),
                format!(
                    "SELECT ca.case_id FROM case_agencies ca WHERE ca.agency_id = {a} UNION {grant_set}"
                ),
            )
        }
        CaseScope::Coordination { agency, .. } => {
            let a = next();
            binds.push(agency.to_string());
            (
                format!(
                    "(EXISTS (SELECT 1 FROM agencies ac WHERE ac.id = c.owner_agency_id AND ac.coordination_consent = 1) \
                     OR EXISTS (SELECT 1 FROM case_agencies ca WHERE ca.case_id = c.id AND ca.agency_id = {a}) OR {grant_cond})"
                ),
                format!(
                    "SELECT cc.id FROM cases cc JOIN agencies ac ON ac.id = cc.owner_agency_id WHERE ac.coordination_consent = 1 \
                     UNION SELECT ca.case_id FROM case_agencies ca WHERE ca.agency_id = {a} UNION {grant_set}"
                ),
            )
        }
    }
}

/// Cases visible in `scope`, newest first, with the total count for paging.
pub async fn list(
    conn: &mut Conn,
    scope: &CaseScope,
    q: &CaseQuery,
    now: i64,
) -> Result<(Vec<CaseListRow>, i64)> {
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut binds: Vec<String> = Vec::new();
    let (cond, set) = scope_sql(scope, &mut next, &mut binds);
    let now_p = next();
    let (cond, set) = (cond.replace("{now}", &now_p), set.replace("{now}", &now_p));
    let mut where_ = format!("WHERE {cond}");
    let mut text_binds: Vec<String> = Vec::new();
    if let Some(s) = q.status {
        where_ += &format!(" AND c.status = {}", next());
        text_binds.push(s.as_str().to_string());
    }
    if let Some(num) = &q.case_number {
        where_ += &format!(" AND c.case_number = {}", next());
        text_binds.push(num.clone());
    }
    for d in &q.name_digests {
        where_ += &format!(
            " AND EXISTS (SELECT 1 FROM person_name_index pni WHERE pni.person_id = c.person_id AND pni.digest = {})",
            next()
        );
        text_binds.push(d.clone());
    }
    let limit_p = next();
    let offset_p = next();
    // Page first, walking the (opened_at, case_number, id) index newest first and testing each
    // case's visibility by primary-key probes until the page is full, then join the page's rows
    // with their agency and person.
    let sql = format!(
        "SELECT c.id, c.case_number, c.status, c.owner_agency_id, a.name AS agency_name, c.region, c.opened_at,
                c.person_id, p.first_name, p.last_name
         FROM (SELECT c.id, c.case_number, c.status, c.owner_agency_id, c.region, c.opened_at, c.person_id
               FROM cases c {where_}
               ORDER BY c.opened_at DESC, c.case_number DESC LIMIT {limit_p} OFFSET {offset_p}) c
         JOIN agencies a ON a.id = c.owner_agency_id JOIN persons p ON p.id = c.person_id
         ORDER BY c.opened_at DESC, c.case_number DESC"
    );
    let filtered = q.status.is_some() || q.case_number.is_some() || !q.name_digests.is_empty();
    let count_sql = if filtered {
        format!("SELECT COUNT(*) FROM cases c {where_}")
    } else {
        // Without filters the count is the size of the scope's id set, read from indexes.
        format!("SELECT COUNT(*) FROM ({set}) s")
    };

    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
    for b in &binds {
        query = query.bind(b.clone());
        count = count.bind(b.clone());
    }
    query = query.bind(now);
    count = count.bind(now);
    for b in &text_binds {
        query = query.bind(b.clone());
        count = count.bind(b.clone());
    }
    query = query.bind(q.limit.clamp(1, 500)).bind(q.offset.max(0));
    let rows = query.fetch_all(&mut *conn).await?;
    let total = count.fetch_one(&mut *conn).await?;
    let list = rows
        .iter()
        .map(|r| {
            Ok(CaseListRow {
                id: parse(r, "id")?,
                case_number: r.try_get("case_number")?,
                status: parse(r, "status")?,
                owner_agency_id: parse(r, "owner_agency_id")?,
                owner_agency_name: r.try_get("agency_name")?,
                region: r.try_get("region")?,
                opened_at: r.try_get("opened_at")?,
                person_id: parse(r, "person_id")?,
                first_name: r.try_get("first_name")?,
                last_name: r.try_get("last_name")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((list, total))
}

pub async fn get_case(conn: &mut Conn, id: CaseId) -> Result<Option<CaseRow>> {
    let r = sqlx::query(
        "SELECT id, case_number, person_id, status, owner_agency_id, assigned_user_id, created_by, region,
                exploitation_type, summary, opened_at, updated_at, closed_at FROM cases WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = r else { return Ok(None) };
    Ok(Some(CaseRow {
        id: parse(&r, "id")?,
        case_number: r.try_get("case_number")?,
        person_id: parse(&r, "person_id")?,
        status: parse(&r, "status")?,
        owner_agency_id: parse(&r, "owner_agency_id")?,
        assigned_user_id: parse_opt(&r, "assigned_user_id")?,
        created_by: parse(&r, "created_by")?,
        region: r.try_get("region")?,
        exploitation_type: r.try_get("exploitation_type")?,
        summary: r.try_get("summary")?,
        opened_at: r.try_get("opened_at")?,
        updated_at: r.try_get("updated_at")?,
        closed_at: r.try_get("closed_at")?,
    }))
}

pub async fn get_person(conn: &mut Conn, id: PersonId) -> Result<Option<PersonRow>> {
    let r = sqlx::query(
        "SELECT id, first_name, middle_name, last_name, nickname, birth_date, phone, address, gender, citizenship,
                birth_year, age_uncertain, created_at, updated_at FROM persons WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = r else { return Ok(None) };
    Ok(Some(PersonRow {
        id: parse(&r, "id")?,
        first_name: r.try_get("first_name")?,
        middle_name: r.try_get("middle_name")?,
        last_name: r.try_get("last_name")?,
        nickname: r.try_get("nickname")?,
        birth_date: r.try_get("birth_date")?,
        phone: r.try_get("phone")?,
        address: r.try_get("address")?,
        gender: r.try_get("gender")?,
        citizenship: r.try_get("citizenship")?,
        birth_year: r.try_get("birth_year")?,
        age_uncertain: flag(&r, "age_uncertain")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    }))
}

pub async fn set_status(conn: &mut Conn, id: CaseId, status: CaseStatus, now: i64) -> Result<bool> {
    let closed = matches!(status, CaseStatus::Closed | CaseStatus::ClosedReferred);
    let r =
        sqlx::query("UPDATE cases SET status = $1, updated_at = $2, closed_at = $3 WHERE id = $4")
            .bind(status.as_str())
            .bind(now)
            .bind(if closed { Some(now) } else { None })
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
    Ok(r.rows_affected() == 1)
}

/// Counts by one non-personal column, for the analyst's aggregates.
pub async fn count_by(conn: &mut Conn, column: CountColumn) -> Result<Vec<(Option<String>, i64)>> {
    let col = column.sql();
    let sql = format!("SELECT {col} AS k, COUNT(*) AS n FROM cases GROUP BY {col} ORDER BY {col}");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("k")?, r.try_get("n")?)))
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountColumn {
    Status,
    Region,
    ExploitationType,
}

impl CountColumn {
    fn sql(self) -> &'static str {
        match self {
            CountColumn::Status => "status",
            CountColumn::Region => "region",
            CountColumn::ExploitationType => "exploitation_type",
        }
    }
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(&mut *conn)
        .await?)
}
