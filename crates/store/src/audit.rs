//! Raw storage of the audit trail. The chain arithmetic lives in `haven-audit`; this module only
//! serialises appends through the single `audit_head` row. That row is locked by an UPDATE at the
//! very end of the writer's transaction, so concurrent app servers queue only for the few
//! microseconds between the append and the commit.
use haven_domain::{AgencyId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::row::{parse, parse_opt};
use crate::{Conn, Result, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_user_id: Option<UserId>,
    pub actor_agency_id: Option<AgencyId>,
    pub actor_role: Option<String>,
    pub action: String,
    pub outcome: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    /// Encrypted: a reason may name people.
    pub reason: Option<Vec<u8>>,
    /// JSON object of non-personal details.
    pub details: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

const COLS: &str = "seq, at, actor_user_id, actor_agency_id, actor_role, action, outcome, target_kind, target_id, ip, \
     reason, details, prev_hash, hash";

fn from_row(r: &AnyRow) -> Result<AuditRow> {
    Ok(AuditRow {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor_user_id: parse_opt(r, "actor_user_id")?,
        actor_agency_id: parse_opt(r, "actor_agency_id")?,
        actor_role: r.try_get("actor_role")?,
        action: r.try_get("action")?,
        outcome: r.try_get("outcome")?,
        target_kind: r.try_get("target_kind")?,
        target_id: r.try_get("target_id")?,
        ip: r.try_get("ip")?,
        reason: r.try_get("reason")?,
        details: r.try_get("details")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

/// Appends one event. `seal` receives the event with `seq` and `prev_hash` filled in and returns
/// its hash. Must be the last statement of the transaction before commit (see module doc).
pub async fn append(
    conn: &mut Conn,
    mut ev: AuditRow,
    seal: impl FnOnce(&AuditRow) -> String,
    seal_head: impl FnOnce(i64, &str) -> String,
) -> Result<AuditRow> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    ev.seq = head.try_get("seq")?;
    ev.prev_hash = head.try_get("hash")?;
    ev.hash = seal(&ev);
    let sql = format!(
        "INSERT INTO audit_events ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    );
    bind_event(sqlx::query(sqlx::AssertSqlSafe(sql)), &ev)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE audit_head SET hash = $1, mac = $2 WHERE id = 1")
        .bind(&ev.hash)
        .bind(seal_head(ev.seq, &ev.hash))
        .execute(&mut *conn)
        .await?;
    Ok(ev)
}

/// Appends several events in order, as that many [`append`]s would (the same numbers, links
/// and hashes), in three statements: one move of the head by their number, the events (as few
/// inserts as the parameter limit allows), and the head's new hash and seal. Must end the
/// transaction, as [`append`].
pub async fn append_many(
    conn: &mut Conn,
    mut evs: Vec<AuditRow>,
    seal: impl Fn(&AuditRow) -> String,
    seal_head: impl FnOnce(i64, &str) -> String,
) -> Result<Vec<AuditRow>> {
    if evs.is_empty() {
        return Ok(evs);
    }
    let head = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(evs.len() as i64)
        .fetch_one(&mut *conn)
        .await?;
    let last: i64 = head.try_get("seq")?;
    let mut prev: String = head.try_get("hash")?;
    let first = last - evs.len() as i64 + 1;
    for (i, ev) in evs.iter_mut().enumerate() {
        ev.seq = first + i as i64;
        ev.prev_hash = std::mem::take(&mut prev);
        ev.hash = seal(ev);
        prev = ev.hash.clone();
    }
    crate::insert_many(
        conn,
        &format!("audit_events ({COLS})"),
        14,
        "",
        &evs,
        bind_event,
    )
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1, mac = $2 WHERE id = 1")
        .bind(&prev)
        .bind(seal_head(last, &prev))
        .execute(&mut *conn)
        .await?;
    Ok(evs)
}

/// Binds an event's values in the order of [`COLS`].
fn bind_event<'q>(q: crate::row::AnyQuery<'q>, ev: &'q AuditRow) -> crate::row::AnyQuery<'q> {
    q.bind(ev.seq)
        .bind(ev.at)
        .bind(ev.actor_user_id.map(|i| i.to_string()))
        .bind(ev.actor_agency_id.map(|i| i.to_string()))
        .bind(&ev.actor_role)
        .bind(&ev.action)
        .bind(&ev.outcome)
        .bind(&ev.target_kind)
        .bind(&ev.target_id)
        .bind(&ev.ip)
        .bind(&ev.reason)
        .bind(&ev.details)
        .bind(&ev.prev_hash)
        .bind(&ev.hash)
}

/// The chain head: last number, last hash, and the seal of both.
pub async fn head(conn: &mut Conn) -> Result<(i64, String, String)> {
    let r = sqlx::query("SELECT seq, hash, mac FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    Ok((r.try_get("seq")?, r.try_get("hash")?, r.try_get("mac")?))
}

/// Events with `seq > after`, in order, at most `limit` (for verification in batches).
pub async fn batch_after(conn: &mut Conn, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
    let sql = format!("SELECT {COLS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor_user_id: Option<UserId>,
    /// Any of these actions (none: every action).
    pub actions: Vec<String>,
    /// Events about any of these records, each `(kind, id)` (none: every record).
    pub targets: Vec<(String, String)>,
    /// Events about the record of this id, whatever its kind.
    pub target_id: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// Newest first, for the auditor's pages and exports.
pub async fn search(conn: &mut Conn, f: &AuditFilter) -> Result<Vec<AuditRow>> {
    let mut sql = format!("SELECT {COLS} FROM audit_events WHERE 1 = 1");
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if f.actor_user_id.is_some() {
        sql += &format!(" AND actor_user_id = {}", next());
    }
    if !f.actions.is_empty() {
        let ps: Vec<String> = f.actions.iter().map(|_| next()).collect();
        sql += &format!(" AND action IN ({})", ps.join(", "));
    }
    if !f.targets.is_empty() {
        // (kind, id) pairs: each one a probe of the (target_kind, target_id) index.
        let ors: Vec<String> = f
            .targets
            .iter()
            .map(|_| format!("(target_kind = {} AND target_id = {})", next(), next()))
            .collect();
        sql += &format!(" AND ({})", ors.join(" OR "));
    }
    if f.target_id.is_some() {
        sql += &format!(" AND target_id = {}", next());
    }
    if f.from.is_some() {
        sql += &format!(" AND at >= {}", next());
    }
    if f.to.is_some() {
        sql += &format!(" AND at < {}", next());
    }
    if f.before_seq.is_some() {
        sql += &format!(" AND seq < {}", next());
    }
    sql += &format!(" ORDER BY seq DESC LIMIT {}", next());
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(u) = f.actor_user_id {
        q = q.bind(u.to_string());
    }
    for a in &f.actions {
        q = q.bind(a.clone());
    }
    for (kind, id) in &f.targets {
        q = q.bind(kind.clone()).bind(id.clone());
    }
    if let Some(t) = &f.target_id {
        q = q.bind(t.clone());
    }
    if let Some(v) = f.from {
        q = q.bind(v);
    }
    if let Some(v) = f.to {
        q = q.bind(v);
    }
    if let Some(v) = f.before_seq {
        q = q.bind(v);
    }
    q = q.bind(f.limit.clamp(1, 10_000));
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect::<Result<_, StoreError>>()
}

/// The case numbered `number`, with its person: what an auditor's "case" filter stands for.
pub async fn case_by_number(
    conn: &mut Conn,
    number: &str,
) -> Result<Option<(haven_domain::CaseId, haven_domain::PersonId)>> {
    let r = sqlx::query("SELECT id, person_id FROM cases WHERE case_number = $1")
        .bind(number)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| Ok((parse(&r, "id")?, parse(&r, "person_id")?)))
        .transpose()
}

/// Case numbers of the events' records: of each case id in `cases`, and of the cases of each
/// person id in `persons` (a person's first case), keyed by the id given.
pub async fn case_numbers(
    conn: &mut Conn,
    cases: &[String],
    persons: &[String],
) -> Result<std::collections::HashMap<String, String>> {
    let mut out = std::collections::HashMap::new();
    for (ids, col) in [(cases, "id"), (persons, "person_id")] {
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {col} AS k, case_number FROM cases WHERE {col} IN ({}) ORDER BY case_number",
                crate::placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id.clone());
            }
            for r in q.fetch_all(&mut *conn).await? {
                out.entry(r.try_get("k")?)
                    .or_insert(r.try_get("case_number")?);
            }
        }
    }
    Ok(out)
}
