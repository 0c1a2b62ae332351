//! Persons and cases: the minimal record the platform needs (the full HTCDS model builds on it).
use haven_authz::{CaseChange, CaseWriter, PersonWriter, TransferAcceptance};
use haven_domain::{AgencyId, CaseAccessFacts, CaseId, CaseScope, CaseStatus, PersonId, UserId};
use sqlx::Row;

use crate::row::{AnyQuery, flag, parse, parse_opt};
use crate::{Conn, Result};

/// A person as stored: names and birth date sealed one per column (names feed the blind index and
/// the case list), the other personal fields sealed together in `details`, coded fields in clear.
#[derive(Clone, Debug, Default)]
pub struct PersonRow {
    pub id: PersonId,
    pub first_name: Option<Vec<u8>>,
    pub middle_name: Option<Vec<u8>>,
    pub last_name: Option<Vec<u8>>,
    pub nickname: Option<Vec<u8>>,
    pub birth_date: Option<Vec<u8>>,
    /// Before issue 3: the only phone number and address. Read as a fallback, no longer written.
    pub phone: Option<Vec<u8>>,
    pub address: Option<Vec<u8>>,
    pub details: Option<Vec<u8>>,
    pub gender: Option<String>,
    /// The citizenships joined by commas; `person_citizenships` holds them one per row for search.
    pub citizenship: Option<String>,
    pub birth_year: Option<i64>,
    pub assessed_age: Option<i64>,
    pub age_uncertain: bool,
    pub marital_status: Option<String>,
    pub number_of_children: Option<i64>,
    pub education: Option<String>,
    pub primary_language: Option<String>,
    pub secondary_language: Option<String>,
    pub mailing_country: Option<String>,
    pub mailing_state: Option<String>,
    pub deceased: bool,
    pub version: i64,
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
    /// The first exploitation type, kept for the aggregate counts; `case_codes` holds them all.
    pub exploitation_type: Option<String>,
    pub summary: Option<Vec<u8>>,
    pub opened_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub version: i64,
    pub risk_level: Option<String>,
    pub trafficking_status: Option<String>,
    pub status_decision_org: Option<String>,
    pub relationship_to_trafficker: Option<String>,
    pub age_when_trafficked: Option<i64>,
    pub forced_labour_industry: Option<String>,
    pub referral_source: Option<String>,
    pub referring_organisation: Option<String>,
    pub referral_date: Option<String>,
    pub referral_reason: Option<String>,
    pub closure_reason: Option<String>,
    pub closure_note: Option<Vec<u8>>,
}

const PERSON_COLS: &str = "id, first_name, middle_name, last_name, nickname, birth_date, phone, address, details, gender,
    citizenship, birth_year, assessed_age, age_uncertain, marital_status, number_of_children, education,
    primary_language, secondary_language, mailing_country, mailing_state, deceased, version, created_at, updated_at";

const CASE_COLS: &str = "id, case_number, person_id, status, owner_agency_id, assigned_user_id, created_by, region,
    exploitation_type, summary, opened_at, updated_at, closed_at, version, risk_level, trafficking_status,
    status_decision_org, relationship_to_trafficker, age_when_trafficked, forced_labour_industry, referral_source,
    referring_organisation, referral_date, referral_reason, closure_reason, closure_note";

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

/// Allocates `n` numbers of a sequence at once; returns the last (they are `last - n + 1 ..=
/// last`, as `n` calls of [`next_number`] would have given).
pub async fn next_numbers(conn: &mut Conn, key: &str, n: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO case_counters (key, next_seq) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET next_seq = case_counters.next_seq + $2 RETURNING next_seq",
    )
    .bind(key)
    .bind(n)
    .fetch_one(&mut *conn)
    .await?)
}

/// The columns of a person's insert, in the order [`bind_person_insert`] binds them.
const PERSON_INSERT: &str = "persons (first_name, middle_name, last_name, nickname, birth_date,
     details, gender, citizenship, birth_year, assessed_age, age_uncertain, marital_status,
     number_of_children, education, primary_language, secondary_language, mailing_country,
     mailing_state, deceased, version, updated_at, id, phone, address, created_at)";

fn bind_person_insert<'q>(q: AnyQuery<'q>, p: &'q PersonRow) -> AnyQuery<'q> {
    bind_person(q, p)
        .bind(p.id.to_string())
        .bind(&p.phone)
        .bind(&p.address)
        .bind(p.created_at)
}

/// New persons, many at once, with their citizenships (an import's batch): the rows
/// [`insert_person`] writes for each.
pub async fn insert_persons(conn: &mut Conn, rows: &[PersonRow]) -> Result<()> {
    crate::insert_many(conn, PERSON_INSERT, 25, "", rows, bind_person_insert).await?;
    let citizenships: Vec<(String, &str)> = rows
        .iter()
        .flat_map(|p| {
            let id = p.id.to_string();
            p.citizenship
                .as_deref()
                .unwrap_or("")
                .split(',')
                .filter(|c| !c.is_empty())
                .map(move |c| (id.clone(), c))
        })
        .collect();
    crate::insert_many(
        conn,
        "person_citizenships (person_id, country)",
        2,
        " ON CONFLICT DO NOTHING",
        &citizenships,
        |q, (id, c)| q.bind(id).bind(*c),
    )
    .await
}

/// The name digests of new persons, many at once: (person, word digests, prefix digests), as
/// [`set_name_digests`] writes them for one.
pub async fn insert_name_digests(
    conn: &mut Conn,
    persons: &[(PersonId, Vec<String>, Vec<String>)],
) -> Result<()> {
    for (table, prefixes) in [("person_name_index", false), ("person_name_prefix", true)] {
        let ids: Vec<String> = persons.iter().map(|(id, _, _)| id.to_string()).collect();
        let mut rows: Vec<[&str; 2]> = persons
            .iter()
            .zip(&ids)
            .flat_map(|((_, words, pre), id)| {
                let list = if prefixes { pre } else { words };
                list.iter().map(move |d| [d.as_str(), id.as_str()])
            })
            .collect();
        // In the index's order: each of its pages is then visited once per batch, not once
        // per digest (the digests are random; the pages many).
        rows.sort_unstable();
        crate::insert_text_rows(
            conn,
            &format!("{table} (digest, person_id)"),
            " ON CONFLICT DO NOTHING",
            &rows,
        )
        .await?;
    }
    Ok(())
}

pub async fn insert_person(conn: &mut Conn, p: &PersonRow) -> Result<()> {
    crate::insert_many(
        conn,
        PERSON_INSERT,
        25,
        "",
        std::slice::from_ref(p),
        bind_person_insert,
    )
    .await?;
    set_citizenships(conn, p.id, p.citizenship.as_deref()).await
}

/// Binds `$1…$21` of a person's insert and update: the fields a save rewrites.
fn bind_person<'q>(q: AnyQuery<'q>, p: &'q PersonRow) -> AnyQuery<'q> {
    q.bind(&p.first_name)
        .bind(&p.middle_name)
        .bind(&p.last_name)
        .bind(&p.nickname)
        .bind(&p.birth_date)
        .bind(&p.details)
        .bind(&p.gender)
        .bind(&p.citizenship)
        .bind(p.birth_year)
        .bind(p.assessed_age)
        .bind(crate::flag(p.age_uncertain))
        .bind(&p.marital_status)
        .bind(p.number_of_children)
        .bind(&p.education)
        .bind(&p.primary_language)
        .bind(&p.secondary_language)
        .bind(&p.mailing_country)
        .bind(&p.mailing_state)
        .bind(crate::flag(p.deceased))
        .bind(p.version)
        .bind(p.updated_at)
}

/// Replaces a person's record if still at `expected_version`; false when someone saved first.
/// Takes the `PersonWriter` that only a case of the person the user may change gives (the row's
/// id is ignored for that one).
pub async fn update_person(
    conn: &mut Conn,
    w: &PersonWriter<'_>,
    p: &PersonRow,
    expected_version: i64,
) -> Result<bool> {
    let q = sqlx::query(
        "UPDATE persons SET first_name = $1, middle_name = $2, last_name = $3, nickname = $4, birth_date = $5,
             phone = NULL, address = NULL, details = $6, gender = $7, citizenship = $8, birth_year = $9,
             assessed_age = $10, age_uncertain = $11, marital_status = $12, number_of_children = $13, education = $14,
             primary_language = $15, secondary_language = $16, mailing_country = $17, mailing_state = $18,
             deceased = $19, version = $20, updated_at = $21
         WHERE id = $22 AND version = $23",
    );
    let r = bind_person(q, p)
        .bind(w.person().to_string())
        .bind(expected_version)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    set_citizenships(conn, w.person(), p.citizenship.as_deref()).await?;
    Ok(true)
}

async fn set_citizenships(conn: &mut Conn, person: PersonId, joined: Option<&str>) -> Result<()> {
    sqlx::query("DELETE FROM person_citizenships WHERE person_id = $1")
        .bind(person.to_string())
        .execute(&mut *conn)
        .await?;
    for c in joined.unwrap_or("").split(',').filter(|c| !c.is_empty()) {
        sqlx::query(
            "INSERT INTO person_citizenships (person_id, country) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(person.to_string())
        .bind(c)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces a person's name digests: those of whole words, and apart those of word prefixes
/// (searched, never compared between persons).
pub async fn set_name_digests(
    conn: &mut Conn,
    person: PersonId,
    words: &[String],
    prefixes: &[String],
) -> Result<()> {
    for (table, digests) in [
        ("person_name_index", words),
        ("person_name_prefix", prefixes),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE person_id = $1"
        )))
        .bind(person.to_string())
        .execute(&mut *conn)
        .await?;
        for d in digests {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO {table} (digest, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            )))
            .bind(d)
            .bind(person.to_string())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

pub async fn insert_case(conn: &mut Conn, c: &CaseRow) -> Result<()> {
    crate::insert_many(
        conn,
        CASE_INSERT,
        26,
        "",
        std::slice::from_ref(c),
        bind_case_insert,
    )
    .await?;
    add_agency(conn, c.id, c.owner_agency_id, "owner", c.opened_at).await
}

/// The columns of a case's insert, in the order [`bind_case_insert`] binds them.
const CASE_INSERT: &str = "cases (region, exploitation_type, summary, risk_level,
     trafficking_status, status_decision_org, relationship_to_trafficker, age_when_trafficked,
     forced_labour_industry, referral_source, referring_organisation, referral_date,
     referral_reason, version, updated_at, id, case_number, person_id, status, owner_agency_id,
     assigned_user_id, created_by, opened_at, closed_at, closure_reason, closure_note)";

fn bind_case_insert<'q>(q: AnyQuery<'q>, c: &'q CaseRow) -> AnyQuery<'q> {
    bind_case_fields(q, c)
        .bind(c.id.to_string())
        .bind(&c.case_number)
        .bind(c.person_id.to_string())
        .bind(c.status.as_str())
        .bind(c.owner_agency_id.to_string())
        .bind(c.assigned_user_id.map(|u| u.to_string()))
        .bind(c.created_by.to_string())
        .bind(c.opened_at)
        .bind(c.closed_at)
        .bind(&c.closure_reason)
        .bind(&c.closure_note)
}

/// New cases, many at once, each owned by its agency from its opening (an import's batch):
/// the rows [`insert_case`] writes for each.
pub async fn insert_cases(conn: &mut Conn, rows: &[CaseRow]) -> Result<()> {
    crate::insert_many(conn, CASE_INSERT, 26, "", rows, bind_case_insert).await?;
    crate::insert_many(
        conn,
        "case_agencies (case_id, agency_id, involvement, added_at)",
        4,
        "",
        rows,
        |q, c| {
            q.bind(c.id.to_string())
                .bind(c.owner_agency_id.to_string())
                .bind("owner")
                .bind(c.opened_at)
        },
    )
    .await
}

/// The multi-valued picklists of new cases, many at once: (case, field, code).
pub async fn insert_codes(conn: &mut Conn, rows: &[(CaseId, &str, &str)]) -> Result<()> {
    // In the order of the lookup index (field, code, case).
    let ids: Vec<String> = rows.iter().map(|(case, _, _)| case.to_string()).collect();
    let mut rows: Vec<[&str; 3]> = rows
        .iter()
        .zip(&ids)
        .map(|((_, field, code), case)| [case.as_str(), *field, *code])
        .collect();
    rows.sort_unstable_by(|a, b| (a[1], a[2], a[0]).cmp(&(b[1], b[2], b[0])));
    crate::insert_text_rows(
        conn,
        "case_codes (case_id, field, code)",
        " ON CONFLICT DO NOTHING",
        &rows,
    )
    .await
}

/// Binds `$1…$15` of a case's insert and update: the editable fields, version and updated_at.
fn bind_case_fields<'q>(q: AnyQuery<'q>, c: &'q CaseRow) -> AnyQuery<'q> {
    q.bind(&c.region)
        .bind(&c.exploitation_type)
        .bind(&c.summary)
        .bind(&c.risk_level)
        .bind(&c.trafficking_status)
        .bind(&c.status_decision_org)
        .bind(&c.relationship_to_trafficker)
        .bind(c.age_when_trafficked)
        .bind(&c.forced_labour_industry)
        .bind(&c.referral_source)
        .bind(&c.referring_organisation)
        .bind(&c.referral_date)
        .bind(&c.referral_reason)
        .bind(c.version)
        .bind(c.updated_at)
}

/// Rewrites the editable fields of a case if it is still at `expected_version` (then at
/// `c.version`); false when someone saved first. The row's id is ignored: the writer names the
/// case.
pub async fn update_case_fields(
    conn: &mut Conn,
    w: &CaseWriter<'_>,
    c: &CaseRow,
    expected_version: i64,
) -> Result<bool> {
    let q = sqlx::query(
        "UPDATE cases SET region = $1, exploitation_type = $2, summary = $3, risk_level = $4, trafficking_status = $5,
             status_decision_org = $6, relationship_to_trafficker = $7, age_when_trafficked = $8,
             forced_labour_industry = $9, referral_source = $10, referring_organisation = $11, referral_date = $12,
             referral_reason = $13, version = $14, updated_at = $15
         WHERE id = $16 AND version = $17",
    );
    let r = bind_case_fields(q, c)
        .bind(w.case().to_string())
        .bind(expected_version)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Moves a case to its next version without changing fields (status, assignment, owner and the
/// parts lists change the case too); false when it is no longer at `expected_version`.
pub async fn bump_version(
    conn: &mut Conn,
    c: &impl CaseChange,
    expected_version: i64,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE cases SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
    )
    .bind(now)
    .bind(c.changed_case().to_string())
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The multi-valued picklists of a case, as (field, code), in insertion-independent order.
pub async fn get_codes(conn: &mut Conn, case: CaseId) -> Result<Vec<(String, String)>> {
    let rows =
        sqlx::query("SELECT field, code FROM case_codes WHERE case_id = $1 ORDER BY field, code")
            .bind(case.to_string())
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("field")?, r.try_get("code")?)))
        .collect()
}

pub async fn set_codes(conn: &mut Conn, case: CaseId, field: &str, codes: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM case_codes WHERE case_id = $1 AND field = $2")
        .bind(case.to_string())
        .bind(field)
        .execute(&mut *conn)
        .await?;
    for code in codes {
        sqlx::query("INSERT INTO case_codes (case_id, field, code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(case.to_string())
            .bind(field)
            .bind(code)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn get_citizenships(conn: &mut Conn, person: PersonId) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT country FROM person_citizenships WHERE person_id = $1 ORDER BY country",
    )
    .bind(person.to_string())
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn set_assigned(
    conn: &mut Conn,
    w: &CaseWriter<'_>,
    user: Option<UserId>,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE cases SET assigned_user_id = $1, updated_at = $2 WHERE id = $3")
        .bind(user.map(|u| u.to_string()))
        .bind(now)
        .bind(w.case().to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Hands the case to another agency: the new owner is recorded and involved; the previous owner's
/// involvement ends.
pub async fn set_owner(
    conn: &mut Conn,
    t: &TransferAcceptance<'_>,
    from: AgencyId,
    to: AgencyId,
    now: i64,
) -> Result<()> {
    let id = t.case();
    sqlx::query("UPDATE cases SET owner_agency_id = $1, assigned_user_id = NULL, updated_at = $2 WHERE id = $3")
        .bind(to.to_string())
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM case_agencies WHERE case_id = $1 AND agency_id = $2")
        .bind(id.to_string())
        .bind(from.to_string())
        .execute(&mut *conn)
        .await?;
    add_agency(conn, id, to, "owner", now).await
}

/// Closes or reopens: the status, and the closure reason and note (cleared on reopening).
pub async fn set_closure(
    conn: &mut Conn,
    w: &CaseWriter<'_>,
    status: CaseStatus,
    reason: Option<&str>,
    note: Option<&[u8]>,
    now: i64,
) -> Result<()> {
    let closed = matches!(status, CaseStatus::Closed | CaseStatus::ClosedReferred);
    sqlx::query(
        "UPDATE cases SET status = $1, closure_reason = $2, closure_note = $3, closed_at = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(note)
    .bind(if closed { Some(now) } else { None })
    .bind(now)
    .bind(w.case().to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
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

/// The agencies of a case and how each is involved (`owner`, `involved`), with the date.
pub async fn agencies_of_case(
    conn: &mut Conn,
    case: CaseId,
) -> Result<Vec<(AgencyId, String, i64)>> {
    let rows = sqlx::query(
        "SELECT agency_id, involvement, added_at FROM case_agencies WHERE case_id = $1 ORDER BY added_at, agency_id",
    )
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                parse(r, "agency_id")?,
                r.try_get("involvement")?,
                r.try_get("added_at")?,
            ))
        })
        .collect()
}

/// The facts the need-to-know rule needs, or `None` if no such case exists.
pub async fn access_facts(conn: &mut Conn, case: CaseId) -> Result<Option<CaseAccessFacts>> {
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
    Ok(Some(CaseAccessFacts {
        owner_agency: parse(&r, "owner_agency_id")?,
        owner_consents_to_coordination: flag(&r, "coordination_consent")?,
        involved_agencies: involved
            .iter()
            .map(|r| parse(r, "agency_id"))
            .collect::<Result<_>>()?,
        created_by: parse(&r, "created_by")?,
        assigned_to: parse_opt(&r, "assigned_user_id")?,
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
    /// Blind-index name search: per typed word, digests one of which the person must hold.
    pub name_digests: Vec<Vec<String>>,
    /// ISO 3166 alpha-2: one of the person's citizenships.
    pub nationality: Option<String>,
    /// The owning agency.
    pub agency: Option<AgencyId>,
    pub region: Option<String>,
    /// One of the case's `vic_TypeOfExploitation` codes.
    pub exploitation_type: Option<String>,
    /// Opened at or after / before (Unix seconds).
    pub opened_from: Option<i64>,
    pub opened_before: Option<i64>,
    /// Open cases at high or critical risk only.
    pub high_risk: bool,
    /// Overrides [`RARE_FILTER`] (tests run both query shapes with it).
    pub rare_threshold: Option<i64>,
    /// A cursor: only the cases after this one in the list's order (opened, then case number,
    /// newest first). Pages this way stay whole while cases are added.
    pub after: Option<(i64, String)>,
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
    match scope {
        CaseScope::CreatedBy { user } => {
            let u = next();
            binds.push(user.to_string());
            (
                format!("c.created_by = {u}"),
                format!("SELECT cc.id FROM cases cc WHERE cc.created_by = {u}"),
            )
        }
        CaseScope::Agency { agency } => {
            let a = next();
            binds.push(agency.to_string());
            (
                format!(
                    "EXISTS (SELECT 1 FROM case_agencies ca WHERE ca.case_id = c.id AND ca.agency_id = {a})"
                ),
                format!("SELECT ca.case_id FROM case_agencies ca WHERE ca.agency_id = {a}"),
            )
        }
        CaseScope::Coordination { agency } => {
            let a = next();
            binds.push(agency.to_string());
            (
                format!(
                    "(EXISTS (SELECT 1 FROM agencies ac WHERE ac.id = c.owner_agency_id AND ac.coordination_consent = 1) \
                     OR EXISTS (SELECT 1 FROM case_agencies ca WHERE ca.case_id = c.id AND ca.agency_id = {a}))"
                ),
                format!(
                    "SELECT cc.id FROM cases cc JOIN agencies ac ON ac.id = cc.owner_agency_id WHERE ac.coordination_consent = 1 \
                     UNION SELECT ca.case_id FROM case_agencies ca WHERE ca.agency_id = {a}"
                ),
            )
        }
    }
}

/// A code filter matching at most this many rows (or a fifth of the register, if more) starts the
/// search (see [`list`]).
const RARE_FILTER: i64 = 2000;

/// Filtered counts stop here (see [`list`]).
pub const COUNT_CAP: i64 = 1000;

/// Whether at most [`RARE_FILTER`] rows match `sql` (one bind), counting no further than that.
async fn is_rare(
    conn: &mut Conn,
    sql: &'static str,
    code: Option<&str>,
    threshold: i64,
) -> Result<bool> {
    let Some(code) = code else { return Ok(false) };
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM ({sql} LIMIT {}) s",
        threshold.max(0) + 1
    )))
    .bind(code)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n <= threshold)
}

/// A bound value of a dynamically built query.
enum Arg {
    Text(String),
    Int(i64),
}

/// Cases visible in `scope`, newest first, with the total count for paging.
pub async fn list(
    conn: &mut Conn,
    scope: &CaseScope,
    q: &CaseQuery,
) -> Result<(Vec<CaseListRow>, i64)> {
    // A code filter that few rows carry is where the search starts (its index gives the
    // candidates); a common one is tested case by case while walking the list index newest
    // first, which stops as soon as the page is full. Counting the filter's index entries, up to
    // the threshold, is cheap either way.
    // "Rare": fewer rows than a fifth of the register (case numbers issued tell its size).
    let threshold = match q.rare_threshold {
        Some(t) => t,
        None => {
            let issued: Option<i64> =
                sqlx::query_scalar("SELECT CAST(SUM(next_seq) AS BIGINT) FROM case_counters")
                    .fetch_one(&mut *conn)
                    .await?;
            (issued.unwrap_or(0) / 5).max(RARE_FILTER)
        }
    };
    let nationality_rare = is_rare(
        conn,
        "SELECT 1 FROM person_citizenships WHERE country = $1",
        q.nationality.as_deref(),
        threshold,
    )
    .await?;
    let exploitation_rare = is_rare(
        conn,
        "SELECT 1 FROM case_codes WHERE field = 'vic_TypeOfExploitation' AND code = $1",
        q.exploitation_type.as_deref(),
        threshold,
    )
    .await?;
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut binds: Vec<String> = Vec::new();
    let (cond, set) = scope_sql(scope, &mut next, &mut binds);
    let scope_only = format!("WHERE {cond}");
    let mut where_ = scope_only.clone();
    let mut args: Vec<Arg> = Vec::new();
    if let Some(s) = q.status {
        where_ += &format!(" AND c.status = {}", next());
        args.push(Arg::Text(s.as_str().to_string()));
    }
    if let Some(num) = &q.case_number {
        where_ += &format!(" AND c.case_number = {}", next());
        args.push(Arg::Text(num.clone()));
    }
    if let Some(n) = &q.nationality {
        let sql = if nationality_rare {
            " AND c.person_id IN (SELECT pc.person_id FROM person_citizenships pc WHERE pc.country = {})"
        } else {
            " AND EXISTS (SELECT 1 FROM person_citizenships pc WHERE pc.person_id = c.person_id AND pc.country = {})"
        };
        where_ += &sql.replace("{}", &next());
        args.push(Arg::Text(n.clone()));
    }
    if let Some(a) = q.agency {
        where_ += &format!(" AND c.owner_agency_id = {}", next());
        args.push(Arg::Text(a.to_string()));
    }
    if let Some(r) = &q.region {
        where_ += &format!(" AND c.region = {}", next());
        args.push(Arg::Text(r.clone()));
    }
    if let Some(x) = &q.exploitation_type {
        let sql = if exploitation_rare {
            " AND c.id IN (SELECT cx.case_id FROM case_codes cx WHERE cx.field = 'vic_TypeOfExploitation' AND cx.code = {})"
        } else {
            " AND EXISTS (SELECT 1 FROM case_codes cx WHERE cx.case_id = c.id AND cx.field = 'vic_TypeOfExploitation' AND cx.code = {})"
        };
        where_ += &sql.replace("{}", &next());
        args.push(Arg::Text(x.clone()));
    }
    if q.high_risk {
        where_ +=
            " AND c.risk_level IN ('High', 'Critical') AND c.status IN ('Active', 'FollowUp')";
    }
    if let Some(t) = q.opened_from {
        where_ += &format!(" AND c.opened_at >= {}", next());
        args.push(Arg::Int(t));
    }
    if let Some(t) = q.opened_before {
        where_ += &format!(" AND c.opened_at < {}", next());
        args.push(Arg::Int(t));
    }
    // A typed word's digests may be word digests or its prefix digest; each kind is keyed
    // apart, so looking all of them up in both tables finds no more than it should.
    for group in q.name_digests.iter().filter(|g| !g.is_empty()) {
        let ps: Vec<String> = group.iter().map(|_| next()).collect();
        args.extend(group.iter().map(|d| Arg::Text(d.clone())));
        let qs: Vec<String> = group.iter().map(|_| next()).collect();
        args.extend(group.iter().map(|d| Arg::Text(d.clone())));
        where_ += &format!(
            " AND (c.person_id IN (SELECT pni.person_id FROM person_name_index pni WHERE pni.digest IN ({})) \
             OR c.person_id IN (SELECT pnp.person_id FROM person_name_prefix pnp WHERE pnp.digest IN ({})))",
            ps.join(", "),
            qs.join(", ")
        );
    }
    // The cursor narrows the page, not the count: the total stays the search's.
    let mut page_where = where_.clone();
    let mut page_args: Vec<Arg> = Vec::new();
    if let Some((at, number)) = &q.after {
        let (a1, a2, n) = (next(), next(), next());
        page_where +=
            &format!(" AND (c.opened_at < {a1} OR (c.opened_at = {a2} AND c.case_number < {n}))");
        page_args.extend([Arg::Int(*at), Arg::Int(*at), Arg::Text(number.clone())]);
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
               FROM cases c {page_where}
               ORDER BY c.opened_at DESC, c.case_number DESC LIMIT {limit_p} OFFSET {offset_p}) c
         JOIN agencies a ON a.id = c.owner_agency_id JOIN persons p ON p.id = c.person_id
         ORDER BY c.opened_at DESC, c.case_number DESC"
    );
    // Broad filters (codes) are tested case by case while walking the list index newest first,
    // which stops once the page is full; names and numbers are selective, so those searches start
    // from their own index (`IN`). A filtered count stops at COUNT_CAP: "more than 1,000" is
    // as useful to a reader as the exact number, and much cheaper on a large register.
    // Any condition beyond the scope is a filter, whether it binds an argument or not (the high
    // risk filter binds none: taking it for "no filter" counted every visible case).
    let filtered = where_ != scope_only;
    let count_sql = if filtered {
        format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM cases c {where_} LIMIT {}) s",
            COUNT_CAP + 1
        )
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
    for a in &args {
        match a {
            Arg::Text(t) => {
                query = query.bind(t.clone());
                count = count.bind(t.clone());
            }
            Arg::Int(i) => {
                query = query.bind(*i);
                count = count.bind(*i);
            }
        }
    }
    for a in &page_args {
        query = match a {
            Arg::Text(t) => query.bind(t.clone()),
            Arg::Int(i) => query.bind(*i),
        };
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
    let sql = format!("SELECT {CASE_COLS} FROM cases WHERE id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
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
        version: r.try_get("version")?,
        risk_level: r.try_get("risk_level")?,
        trafficking_status: r.try_get("trafficking_status")?,
        status_decision_org: r.try_get("status_decision_org")?,
        relationship_to_trafficker: r.try_get("relationship_to_trafficker")?,
        age_when_trafficked: r.try_get("age_when_trafficked")?,
        forced_labour_industry: r.try_get("forced_labour_industry")?,
        referral_source: r.try_get("referral_source")?,
        referring_organisation: r.try_get("referring_organisation")?,
        referral_date: r.try_get("referral_date")?,
        referral_reason: r.try_get("referral_reason")?,
        closure_reason: r.try_get("closure_reason")?,
        closure_note: r.try_get("closure_note")?,
    }))
}

pub async fn get_person(conn: &mut Conn, id: PersonId) -> Result<Option<PersonRow>> {
    let sql = format!("SELECT {PERSON_COLS} FROM persons WHERE id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
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
        details: r.try_get("details")?,
        gender: r.try_get("gender")?,
        citizenship: r.try_get("citizenship")?,
        birth_year: r.try_get("birth_year")?,
        assessed_age: r.try_get("assessed_age")?,
        age_uncertain: flag(&r, "age_uncertain")?,
        marital_status: r.try_get("marital_status")?,
        number_of_children: r.try_get("number_of_children")?,
        education: r.try_get("education")?,
        primary_language: r.try_get("primary_language")?,
        secondary_language: r.try_get("secondary_language")?,
        mailing_country: r.try_get("mailing_country")?,
        mailing_state: r.try_get("mailing_state")?,
        deceased: flag(&r, "deceased")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    }))
}

/// The cases of one person (a person may come back years later as a new case).
pub async fn cases_of_person(conn: &mut Conn, person: PersonId) -> Result<Vec<CaseId>> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM cases WHERE person_id = $1 ORDER BY opened_at")
            .bind(person.to_string())
            .fetch_all(&mut *conn)
            .await?;
    ids.iter()
        .map(|s| {
            s.parse()
                .map_err(|_| crate::StoreError::Corrupt(format!("case id {s:?}")))
        })
        .collect()
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

/// The coded facts of one case that the CTDC layout is derived from: clear columns only, plus the
/// sealed birth date for the caller to unseal (age at registration) and drop.
#[derive(Clone, Debug, Default)]
pub struct CtdcFacts {
    pub case_id: CaseId,
    pub person_id: PersonId,
    pub opened_at: i64,
    pub birth_date: Option<Vec<u8>>,
    pub birth_year: Option<i64>,
    pub assessed_age: Option<i64>,
    pub age_uncertain: bool,
    pub gender: Option<String>,
    /// Comma-separated, main citizenship first.
    pub citizenship: Option<String>,
    pub age_when_trafficked: Option<i64>,
    pub forced_labour_industry: Option<String>,
    pub relationship_to_trafficker: Option<String>,
    pub referral_source: Option<String>,
    /// `(field, code)` of the case's multi-valued picklists.
    pub codes: Vec<(String, String)>,
    /// Countries of the route's exploitation events.
    pub exploitation_countries: Vec<String>,
}

/// The facts of every case in the register, for statistical releases: three scans joined in
/// memory, rather than one query per case.
pub async fn ctdc_facts(conn: &mut Conn) -> Result<Vec<CtdcFacts>> {
    let rows = sqlx::query(
        "SELECT c.id, c.person_id, c.opened_at, p.birth_date, p.birth_year, p.assessed_age, \
         p.age_uncertain, p.gender, p.citizenship, c.age_when_trafficked, \
         c.forced_labour_industry, c.relationship_to_trafficker, c.referral_source \
         FROM cases c JOIN persons p ON p.id = c.person_id ORDER BY c.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut index = std::collections::HashMap::with_capacity(rows.len());
    for r in &rows {
        let f = CtdcFacts {
            case_id: parse(r, "id")?,
            person_id: parse(r, "person_id")?,
            opened_at: r.try_get("opened_at")?,
            birth_date: r.try_get("birth_date")?,
            birth_year: r.try_get("birth_year")?,
            assessed_age: r.try_get("assessed_age")?,
            age_uncertain: flag(r, "age_uncertain")?,
            gender: r.try_get("gender")?,
            citizenship: r.try_get("citizenship")?,
            age_when_trafficked: r.try_get("age_when_trafficked")?,
            forced_labour_industry: r.try_get("forced_labour_industry")?,
            relationship_to_trafficker: r.try_get("relationship_to_trafficker")?,
            referral_source: r.try_get("referral_source")?,
            ..CtdcFacts::default()
        };
        index.insert(f.case_id, out.len());
        out.push(f);
    }
    let codes = sqlx::query("SELECT case_id, field, code FROM case_codes")
        .fetch_all(&mut *conn)
        .await?;
    for r in &codes {
        let id: CaseId = parse(r, "case_id")?;
        if let Some(i) = index.get(&id) {
            out[*i]
                .codes
                .push((r.try_get("field")?, r.try_get("code")?));
        }
    }
    let events = sqlx::query(
        "SELECT case_id, country FROM case_events \
         WHERE event_type = 'Exploitation' AND country IS NOT NULL ORDER BY start_date, created_at",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in &events {
        let id: CaseId = parse(r, "case_id")?;
        if let Some(i) = index.get(&id) {
            out[*i].exploitation_countries.push(r.try_get("country")?);
        }
    }
    Ok(out)
}

/// Ids of every case visible in `scope` (for releases that must not go beyond need to know).
pub async fn scope_case_ids(conn: &mut Conn, scope: &CaseScope) -> Result<Vec<CaseId>> {
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut binds: Vec<String> = Vec::new();
    let (_, set) = scope_sql(scope, &mut next, &mut binds);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT * FROM ({set}) s"
    )));
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let id: String = r.try_get(0)?;
            id.parse()
                .map_err(|_| crate::StoreError::Corrupt(format!("case id {id:?}")))
        })
        .collect()
}

/// Persons after `after` (by id), at most `limit`: for rebuilding the name index in batches.
pub async fn person_ids_after(conn: &mut Conn, after: &str, limit: i64) -> Result<Vec<PersonId>> {
    let rows = sqlx::query("SELECT id FROM persons WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| parse(r, "id")).collect()
}

pub async fn count_persons(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM persons")
        .fetch_one(&mut *conn)
        .await?)
}
