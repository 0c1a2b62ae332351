//! The parts of a case kept beside it: notes, trafficking events (the route), perpetrators,
//! field-level change history, attachments, ownership transfers, and registration drafts.
//! Personal content arrives sealed (`Vec<u8>`); ids are text, times Unix seconds.
use haven_authz::{CaseAccess, CaseChange, CaseImport, CaseWriter};
use haven_domain::{AgencyId, CaseId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::row::{AnyQuery, parse, parse_opt};
use crate::{Conn, Result};

async fn delete_in_case(conn: &mut Conn, table: &str, case: CaseId, id: &str) -> Result<bool> {
    let sql = format!("DELETE FROM {table} WHERE case_id = $1 AND id = $2");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(case.to_string())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

// ---- notes ----

#[derive(Clone, Debug)]
pub struct NoteRow {
    pub id: String,
    pub case_id: CaseId,
    pub author_user_id: UserId,
    pub author_name: String,
    pub created_at: i64,
    pub body: Vec<u8>,
}

// The writes below change one case's own records: they take the `CaseWriter` that only the
// need-to-know gate gives (and write to its case, whatever a row says), so a change without the
// right to make it does not compile.

pub async fn insert_note(conn: &mut Conn, w: &CaseWriter<'_>, n: &NoteRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_notes (id, case_id, author_user_id, created_at, body) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&n.id)
    .bind(w.case().to_string())
    .bind(n.author_user_id.to_string())
    .bind(n.created_at)
    .bind(&n.body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Notes of a case, newest first, with their authors' display names.
pub async fn list_notes(conn: &mut Conn, c: &impl CaseAccess) -> Result<Vec<NoteRow>> {
    let rows = sqlx::query(
        "SELECT n.id, n.case_id, n.author_user_id, u.display_name, n.created_at, n.body
         FROM case_notes n JOIN users u ON u.id = n.author_user_id
         WHERE n.case_id = $1 ORDER BY n.created_at DESC, n.id DESC",
    )
    .bind(c.case_id().to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(NoteRow {
                id: r.try_get("id")?,
                case_id: parse(r, "case_id")?,
                author_user_id: parse(r, "author_user_id")?,
                author_name: r.try_get("display_name")?,
                created_at: r.try_get("created_at")?,
                body: r.try_get("body")?,
            })
        })
        .collect()
}

// ---- trafficking events ----

#[derive(Clone, Debug)]
pub struct EventRow {
    pub id: String,
    pub case_id: CaseId,
    pub event_type: String,
    pub country: Option<String>,
    pub region: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub place: Option<Vec<u8>>,
    pub description: Option<Vec<u8>>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn upsert_event(conn: &mut Conn, w: &CaseWriter<'_>, e: &EventRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_events (id, case_id, event_type, country, region, start_date, end_date, place, description,
             created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO UPDATE SET event_type = excluded.event_type, country = excluded.country,
             region = excluded.region, start_date = excluded.start_date, end_date = excluded.end_date,
             place = excluded.place, description = excluded.description, updated_at = excluded.updated_at
         WHERE case_events.case_id = excluded.case_id",
    )
    .bind(&e.id)
    .bind(w.case().to_string())
    .bind(&e.event_type)
    .bind(&e.country)
    .bind(&e.region)
    .bind(&e.start_date)
    .bind(&e.end_date)
    .bind(&e.place)
    .bind(&e.description)
    .bind(e.created_at)
    .bind(e.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn event_row(r: &AnyRow) -> Result<EventRow> {
    Ok(EventRow {
        id: r.try_get("id")?,
        case_id: parse(r, "case_id")?,
        event_type: r.try_get("event_type")?,
        country: r.try_get("country")?,
        region: r.try_get("region")?,
        start_date: r.try_get("start_date")?,
        end_date: r.try_get("end_date")?,
        place: r.try_get("place")?,
        description: r.try_get("description")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The route in time order (undated events last, then by entry).
pub async fn list_events(conn: &mut Conn, c: &impl CaseAccess) -> Result<Vec<EventRow>> {
    let rows = sqlx::query(
        "SELECT id, case_id, event_type, country, region, start_date, end_date, place, description, created_at, updated_at
         FROM case_events WHERE case_id = $1
         ORDER BY CASE WHEN start_date IS NULL THEN 1 ELSE 0 END, start_date, created_at, id",
    )
    .bind(c.case_id().to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(event_row).collect()
}

pub async fn get_event(conn: &mut Conn, c: &impl CaseAccess, id: &str) -> Result<Option<EventRow>> {
    let r = sqlx::query(
        "SELECT id, case_id, event_type, country, region, start_date, end_date, place, description, created_at, updated_at
         FROM case_events WHERE case_id = $1 AND id = $2",
    )
    .bind(c.case_id().to_string())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(event_row).transpose()
}

pub async fn delete_event(conn: &mut Conn, w: &CaseWriter<'_>, id: &str) -> Result<bool> {
    delete_in_case(conn, "case_events", w.case(), id).await
}

// ---- perpetrators ----

#[derive(Clone, Debug)]
pub struct PerpetratorRow {
    pub id: String,
    pub case_id: CaseId,
    pub details: Vec<u8>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn upsert_perpetrator(
    conn: &mut Conn,
    w: &CaseWriter<'_>,
    p: &PerpetratorRow,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_perpetrators (id, case_id, details, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET details = excluded.details, updated_at = excluded.updated_at
         WHERE case_perpetrators.case_id = excluded.case_id",
    )
    .bind(&p.id)
    .bind(w.case().to_string())
    .bind(&p.details)
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn list_perpetrators(
    conn: &mut Conn,
    c: &impl CaseAccess,
) -> Result<Vec<PerpetratorRow>> {
    let rows = sqlx::query(
        "SELECT id, case_id, details, created_at, updated_at FROM case_perpetrators WHERE case_id = $1
         ORDER BY created_at, id",
    )
    .bind(c.case_id().to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PerpetratorRow {
                id: r.try_get("id")?,
                case_id: parse(r, "case_id")?,
                details: r.try_get("details")?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect()
}

pub async fn delete_perpetrator(conn: &mut Conn, w: &CaseWriter<'_>, id: &str) -> Result<bool> {
    delete_in_case(conn, "case_perpetrators", w.case(), id).await
}

// ---- change history ----

#[derive(Clone, Debug)]
pub struct ChangeRow {
    pub id: String,
    pub case_id: CaseId,
    pub version: i64,
    pub at: i64,
    pub user_id: Option<UserId>,
    pub user_name: Option<String>,
    pub field: String,
    pub old_value: Option<Vec<u8>>,
    pub new_value: Option<Vec<u8>>,
}

/// The columns of a change's insert, in the order [`bind_change`] binds them.
const CHANGE_INSERT: &str =
    "case_changes (id, case_id, version, at, user_id, field, old_value, new_value)";

fn bind_change<'q>(q: AnyQuery<'q>, c: &'q ChangeRow, case_id: String) -> AnyQuery<'q> {
    q.bind(&c.id)
        .bind(case_id)
        .bind(c.version)
        .bind(c.at)
        .bind(c.user_id.map(|u| u.to_string()))
        .bind(&c.field)
        .bind(&c.old_value)
        .bind(&c.new_value)
}

pub async fn insert_change(conn: &mut Conn, right: &impl CaseChange, c: &ChangeRow) -> Result<()> {
    let sql = format!("INSERT INTO {CHANGE_INSERT} VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    bind_change(
        sqlx::query(sqlx::AssertSqlSafe(sql)),
        c,
        right.changed_case().to_string(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The history of cases an import creates in this transaction, many rows at once (the status a
/// file gives a case, recorded as a user's change would be). Those cases have no writer yet:
/// the right to import is the right to write them.
pub async fn insert_imported_changes(
    conn: &mut Conn,
    _import: &CaseImport<'_>,
    rows: &[ChangeRow],
) -> Result<()> {
    crate::insert_many(conn, CHANGE_INSERT, 8, "", rows, |q, c| {
        bind_change(q, c, c.case_id.to_string())
    })
    .await
}

/// Changes of a case after `since_version` (0 for all), newest first.
pub async fn list_changes(
    conn: &mut Conn,
    case: CaseId,
    since_version: i64,
) -> Result<Vec<ChangeRow>> {
    let rows = sqlx::query(
        "SELECT ch.id, ch.case_id, ch.version, ch.at, ch.user_id, u.display_name, ch.field, ch.old_value, ch.new_value
         FROM case_changes ch LEFT JOIN users u ON u.id = ch.user_id
         WHERE ch.case_id = $1 AND ch.version > $2 ORDER BY ch.version DESC, ch.id",
    )
    .bind(case.to_string())
    .bind(since_version)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChangeRow {
                id: r.try_get("id")?,
                case_id: parse(r, "case_id")?,
                version: r.try_get("version")?,
                at: r.try_get("at")?,
                user_id: parse_opt(r, "user_id")?,
                user_name: r.try_get("display_name")?,
                field: r.try_get("field")?,
                old_value: r.try_get("old_value")?,
                new_value: r.try_get("new_value")?,
            })
        })
        .collect()
}

// ---- attachments ----

#[derive(Clone, Debug)]
pub struct AttachmentRow {
    pub id: String,
    pub case_id: CaseId,
    pub uploaded_by: UserId,
    pub uploader_name: String,
    pub created_at: i64,
    pub name: Vec<u8>,
    pub content_type: String,
    pub size: i64,
    pub scan: String,
}

pub async fn insert_attachment(
    conn: &mut Conn,
    w: &CaseWriter<'_>,
    a: &AttachmentRow,
    data: &[u8],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_attachments (id, case_id, uploaded_by, created_at, name, content_type, size, scan, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&a.id)
    .bind(w.case().to_string())
    .bind(a.uploaded_by.to_string())
    .bind(a.created_at)
    .bind(&a.name)
    .bind(&a.content_type)
    .bind(a.size)
    .bind(&a.scan)
    .bind(data)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn attachment_row(r: &AnyRow) -> Result<AttachmentRow> {
    Ok(AttachmentRow {
        id: r.try_get("id")?,
        case_id: parse(r, "case_id")?,
        uploaded_by: parse(r, "uploaded_by")?,
        uploader_name: r.try_get("display_name")?,
        created_at: r.try_get("created_at")?,
        name: r.try_get("name")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get("size")?,
        scan: r.try_get("scan")?,
    })
}

/// Attachments of a case without their content, newest first.
pub async fn list_attachments(conn: &mut Conn, c: &impl CaseAccess) -> Result<Vec<AttachmentRow>> {
    let rows = sqlx::query(
        "SELECT a.id, a.case_id, a.uploaded_by, u.display_name, a.created_at, a.name, a.content_type, a.size, a.scan
         FROM case_attachments a JOIN users u ON u.id = a.uploaded_by
         WHERE a.case_id = $1 ORDER BY a.created_at DESC, a.id DESC",
    )
    .bind(c.case_id().to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(attachment_row).collect()
}

/// One attachment with its (sealed) content.
pub async fn get_attachment(
    conn: &mut Conn,
    c: &impl CaseAccess,
    id: &str,
) -> Result<Option<(AttachmentRow, Vec<u8>)>> {
    let r = sqlx::query(
        "SELECT a.id, a.case_id, a.uploaded_by, u.display_name, a.created_at, a.name, a.content_type, a.size, a.scan,
                a.data
         FROM case_attachments a JOIN users u ON u.id = a.uploaded_by WHERE a.case_id = $1 AND a.id = $2",
    )
    .bind(c.case_id().to_string())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = r else { return Ok(None) };
    Ok(Some((attachment_row(&r)?, r.try_get("data")?)))
}

pub async fn delete_attachment(conn: &mut Conn, w: &CaseWriter<'_>, id: &str) -> Result<bool> {
    delete_in_case(conn, "case_attachments", w.case(), id).await
}

// ---- transfers ----

#[derive(Clone, Debug)]
pub struct TransferRow {
    pub id: String,
    pub case_id: CaseId,
    pub case_number: String,
    pub from_agency_id: AgencyId,
    pub from_agency_name: String,
    pub to_agency_id: AgencyId,
    pub to_agency_name: String,
    pub requested_by: UserId,
    pub requested_at: i64,
    pub reason: Option<Vec<u8>>,
    pub status: String,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<Vec<u8>>,
}

pub async fn insert_transfer(conn: &mut Conn, t: &TransferRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_transfers (id, case_id, from_agency_id, to_agency_id, requested_by, requested_at, reason, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&t.id)
    .bind(t.case_id.to_string())
    .bind(t.from_agency_id.to_string())
    .bind(t.to_agency_id.to_string())
    .bind(t.requested_by.to_string())
    .bind(t.requested_at)
    .bind(&t.reason)
    .bind(&t.status)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

const TRANSFER_SELECT: &str = "SELECT t.id, t.case_id, c.case_number, t.from_agency_id, fa.name AS from_name, t.to_agency_id,
        ta.name AS to_name, t.requested_by, t.requested_at, t.reason, t.status, t.decided_by, t.decided_at,
        t.decision_note
    FROM case_transfers t JOIN cases c ON c.id = t.case_id
    JOIN agencies fa ON fa.id = t.from_agency_id JOIN agencies ta ON ta.id = t.to_agency_id";

fn transfer_row(r: &AnyRow) -> Result<TransferRow> {
    Ok(TransferRow {
        id: r.try_get("id")?,
        case_id: parse(r, "case_id")?,
        case_number: r.try_get("case_number")?,
        from_agency_id: parse(r, "from_agency_id")?,
        from_agency_name: r.try_get("from_name")?,
        to_agency_id: parse(r, "to_agency_id")?,
        to_agency_name: r.try_get("to_name")?,
        requested_by: parse(r, "requested_by")?,
        requested_at: r.try_get("requested_at")?,
        reason: r.try_get("reason")?,
        status: r.try_get("status")?,
        decided_by: parse_opt(r, "decided_by")?,
        decided_at: r.try_get("decided_at")?,
        decision_note: r.try_get("decision_note")?,
    })
}

pub async fn get_transfer(conn: &mut Conn, id: &str) -> Result<Option<TransferRow>> {
    let sql = format!("{TRANSFER_SELECT} WHERE t.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(transfer_row).transpose()
}

/// The transfer of a case that waits for a decision, if any (at most one at a time).
pub async fn pending_transfer(conn: &mut Conn, case: CaseId) -> Result<Option<TransferRow>> {
    let sql = format!(
        "{TRANSFER_SELECT} WHERE t.case_id = $1 AND t.status IN ('pending', 'awaiting_approval')"
    );
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(case.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(transfer_row).transpose()
}

/// Transfers offered to an agency and not yet decided, oldest first.
pub async fn pending_for_agency(conn: &mut Conn, agency: AgencyId) -> Result<Vec<TransferRow>> {
    let sql = format!(
        "{TRANSFER_SELECT} WHERE t.to_agency_id = $1 AND t.status = 'pending' ORDER BY t.requested_at"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(agency.to_string())
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(transfer_row).collect()
}

/// Transfers asked by case workers and waiting for the coordinator's approval, oldest first.
pub async fn awaiting_approval(conn: &mut Conn) -> Result<Vec<TransferRow>> {
    let sql =
        format!("{TRANSFER_SELECT} WHERE t.status = 'awaiting_approval' ORDER BY t.requested_at");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(transfer_row).collect()
}

/// The coordinator's answer to a transfer awaiting approval: on to the receiving agency
/// (`pending`) or refused (`rejected`, a decision). False if it was no longer waiting.
pub async fn approve_transfer(
    conn: &mut Conn,
    id: &str,
    approve: bool,
    by: UserId,
    note: Option<&[u8]>,
    now: i64,
) -> Result<bool> {
    let r = if approve {
        sqlx::query(
            "UPDATE case_transfers SET status = 'pending' WHERE id = $1 \
             AND status = 'awaiting_approval'",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?
    } else {
        sqlx::query(
            "UPDATE case_transfers SET status = 'rejected', decided_by = $1, decided_at = $2, \
             decision_note = $3 WHERE id = $4 AND status = 'awaiting_approval'",
        )
        .bind(by.to_string())
        .bind(now)
        .bind(note)
        .bind(id)
        .execute(&mut *conn)
        .await?
    };
    Ok(r.rows_affected() == 1)
}

/// Records a decision on a pending transfer; false if it was no longer pending.
pub async fn decide_transfer(
    conn: &mut Conn,
    id: &str,
    status: &str,
    by: UserId,
    note: Option<&[u8]>,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE case_transfers SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4
         WHERE id = $5 AND status IN ('pending', 'awaiting_approval')",
    )
    .bind(status)
    .bind(by.to_string())
    .bind(now)
    .bind(note)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

// ---- drafts ----

#[derive(Clone, Debug)]
pub struct DraftRow {
    pub id: String,
    pub user_id: UserId,
    pub created_at: i64,
    pub updated_at: i64,
    pub data: Vec<u8>,
}

/// Saves a draft; an existing draft is only overwritten by its own author.
pub async fn save_draft(conn: &mut Conn, d: &DraftRow) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO case_drafts (id, user_id, created_at, updated_at, data) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at
         WHERE case_drafts.user_id = excluded.user_id",
    )
    .bind(&d.id)
    .bind(d.user_id.to_string())
    .bind(d.created_at)
    .bind(d.updated_at)
    .bind(&d.data)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

fn draft_row(r: &AnyRow) -> Result<DraftRow> {
    Ok(DraftRow {
        id: r.try_get("id")?,
        user_id: parse(r, "user_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        data: r.try_get("data")?,
    })
}

/// A draft of this user (another user's draft is "not found").
pub async fn get_draft(conn: &mut Conn, user: UserId, id: &str) -> Result<Option<DraftRow>> {
    let r = sqlx::query(
        "SELECT id, user_id, created_at, updated_at, data FROM case_drafts WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(draft_row).transpose()
}

pub async fn list_drafts(conn: &mut Conn, user: UserId) -> Result<Vec<DraftRow>> {
    let rows = sqlx::query(
        "SELECT id, user_id, created_at, updated_at, data FROM case_drafts WHERE user_id = $1 ORDER BY updated_at DESC",
    )
    .bind(user.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(draft_row).collect()
}

pub async fn delete_draft(conn: &mut Conn, user: UserId, id: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM case_drafts WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Deletes drafts untouched since `before` (abandoned forms must not keep personal data).
pub async fn purge_drafts(conn: &mut Conn, before: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM case_drafts WHERE updated_at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}
