//! Duplicate persons: candidates by the blind name index (no name in clear), the pairs the scan
//! proposed with the coordinator's decisions, and merging (reversibly: the merged person stays,
//! pointing at the one it was merged into, and the pair remembers which cases moved).
use haven_domain::{CaseId, PersonId, UserId};
use sqlx::Row;

use crate::row::{parse, parse_opt};
use crate::{Conn, Result, StoreError, placeholders};

/// Name digests held by more persons than this are too common to propose pairs by.
pub const COMMON_DIGEST: i64 = 500;

/// Persons (not merged away) holding at least one of `digests`, those holding most first; at
/// most `limit`.
pub async fn persons_sharing_digests(
    conn: &mut Conn,
    digests: &[String],
    limit: i64,
) -> Result<Vec<PersonId>> {
    if digests.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT i.person_id, COUNT(*) AS shared FROM person_name_index i \
         JOIN persons p ON p.id = i.person_id AND p.merged_into IS NULL \
         WHERE i.digest IN ({}) GROUP BY i.person_id ORDER BY shared DESC, i.person_id LIMIT ${}",
        placeholders(1, digests.len()),
        digests.len() + 1
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for d in digests {
        q = q.bind(d.clone());
    }
    let rows = q.bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| parse(r, "person_id")).collect()
}

/// Pairs of persons (not merged away, not yet proposed or decided) sharing at least `min_shared`
/// name digests, leaving out digests too common to say anything; at most `limit`.
pub async fn unproposed_pairs(
    conn: &mut Conn,
    min_shared: i64,
    limit: i64,
) -> Result<Vec<(PersonId, PersonId)>> {
    let rows = sqlx::query(
        "WITH usable AS (SELECT digest FROM person_name_index GROUP BY digest \
           HAVING COUNT(*) BETWEEN 2 AND $1), \
         live AS (SELECT i.digest, i.person_id FROM person_name_index i \
           JOIN usable u ON u.digest = i.digest \
           JOIN persons p ON p.id = i.person_id AND p.merged_into IS NULL) \
         SELECT a.person_id AS a, b.person_id AS b FROM live a \
         JOIN live b ON a.digest = b.digest AND a.person_id < b.person_id \
         WHERE NOT EXISTS (SELECT 1 FROM match_pairs m WHERE m.person_a = a.person_id \
           AND m.person_b = b.person_id) \
         GROUP BY a.person_id, b.person_id HAVING COUNT(*) >= $2 \
         ORDER BY a.person_id, b.person_id LIMIT $3",
    )
    .bind(COMMON_DIGEST)
    .bind(min_shared)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((parse(r, "a")?, parse(r, "b")?)))
        .collect()
}

/// A proposed pair, its explanation, and what was decided.
#[derive(Clone, Debug)]
pub struct PairRow {
    pub id: String,
    pub person_a: PersonId,
    pub person_b: PersonId,
    pub probability_ppm: i64,
    /// JSON: the per-field levels and weights.
    pub explanation: String,
    /// `open`, `merged` or `different`.
    pub status: String,
    pub found_at: i64,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<i64>,
    pub survivor: Option<PersonId>,
    /// JSON list of the case ids moved by the merge.
    pub moved_cases: Option<String>,
}

const PAIR_COLS: &str = "id, person_a, person_b, probability_ppm, explanation, status, found_at, \
    decided_by, decided_at, survivor, moved_cases";

fn pair_row(r: &sqlx::any::AnyRow) -> Result<PairRow> {
    Ok(PairRow {
        id: r.try_get("id")?,
        person_a: parse(r, "person_a")?,
        person_b: parse(r, "person_b")?,
        probability_ppm: r.try_get("probability_ppm")?,
        explanation: r.try_get("explanation")?,
        status: r.try_get("status")?,
        found_at: r.try_get("found_at")?,
        decided_by: parse_opt(r, "decided_by")?,
        decided_at: r.try_get("decided_at")?,
        survivor: parse_opt(r, "survivor")?,
        moved_cases: r.try_get("moved_cases")?,
    })
}

/// Records a proposed pair (lower person id first). A pair already there is left alone.
pub async fn insert_pair(conn: &mut Conn, p: &PairRow) -> Result<bool> {
    let (a, b) = if p.person_a.to_string() < p.person_b.to_string() {
        (p.person_a, p.person_b)
    } else {
        (p.person_b, p.person_a)
    };
    let done = sqlx::query(
        "INSERT INTO match_pairs (id, person_a, person_b, probability_ppm, explanation, status, \
         found_at) VALUES ($1, $2, $3, $4, $5, 'open', $6) ON CONFLICT (person_a, person_b) DO NOTHING",
    )
    .bind(p.id.clone())
    .bind(a.to_string())
    .bind(b.to_string())
    .bind(p.probability_ppm)
    .bind(p.explanation.clone())
    .bind(p.found_at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Pairs in one status, most probable first (`merged` and `different` newest decision first),
/// then by id; after `after` (the last pair's probability or decision time, and id), at most
/// `limit`. Open pairs one of whose persons was merged away since are left out.
pub async fn pairs(
    conn: &mut Conn,
    status: &str,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<PairRow>> {
    let (key, merged_out) = if status == "open" {
        (
            "m.probability_ppm",
            "JOIN persons a ON a.id = m.person_a AND a.merged_into IS NULL \
             JOIN persons b ON b.id = m.person_b AND b.merged_into IS NULL",
        )
    } else {
        ("COALESCE(m.decided_at, 0)", "")
    };
    let cols = PAIR_COLS
        .split(", ")
        .map(|c| format!("m.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let page = if after.is_some() {
        format!(" AND ({key} < $3 OR ({key} = $3 AND m.id > $4))")
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT {cols} FROM match_pairs m {merged_out} WHERE m.status = $1{page} \
         ORDER BY {key} DESC, m.id LIMIT $2"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(status.to_string())
        .bind(limit);
    if let Some((t, k)) = after {
        q = q.bind(t).bind(k.to_string());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(pair_row).collect()
}

pub async fn count_open(conn: &mut Conn) -> Result<i64> {
    Ok(
        // As the queue lists them: not pairs one of whose persons was merged away since.
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM match_pairs m \
             JOIN persons a ON a.id = m.person_a AND a.merged_into IS NULL \
             JOIN persons b ON b.id = m.person_b AND b.merged_into IS NULL \
             WHERE m.status = 'open'",
        )
        .fetch_one(&mut *conn)
        .await?,
    )
}

pub async fn get_pair(conn: &mut Conn, id: &str) -> Result<Option<PairRow>> {
    let sql = format!("SELECT {PAIR_COLS} FROM match_pairs WHERE id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(pair_row).transpose()
}

/// A decision on a pair: from which status to which, by whom, when; for a merge, the person
/// kept and the cases moved (JSON list).
pub struct Decision<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub by: UserId,
    pub at: i64,
    pub survivor: Option<PersonId>,
    pub moved: Option<&'a str>,
}

/// Moves a pair from one status to another (compare-and-set: a decision taken twice at once
/// counts once). Returns whether it moved.
pub async fn decide(conn: &mut Conn, id: &str, d: &Decision<'_>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE match_pairs SET status = $1, decided_by = $2, decided_at = $3, survivor = $4, \
         moved_cases = $5 WHERE id = $6 AND status = $7",
    )
    .bind(d.to.to_string())
    .bind(d.by.to_string())
    .bind(d.at)
    .bind(d.survivor.map(|s| s.to_string()))
    .bind(d.moved.map(str::to_string))
    .bind(id.to_string())
    .bind(d.from.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a person has been merged into another.
pub async fn merged_into(conn: &mut Conn, person: PersonId) -> Result<Option<PersonId>> {
    let v: Option<Option<String>> =
        sqlx::query_scalar("SELECT merged_into FROM persons WHERE id = $1")
            .bind(person.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    v.flatten()
        .map(|s| {
            s.parse()
                .map_err(|_| StoreError::Corrupt(format!("person id {s:?}")))
        })
        .transpose()
}

/// Moves every case of `from` to `into` and marks `from` merged; returns the cases moved.
pub async fn merge_persons(
    conn: &mut Conn,
    from: PersonId,
    into: PersonId,
    now: i64,
) -> Result<Vec<CaseId>> {
    let moved = crate::cases::cases_of_person(conn, from).await?;
    sqlx::query("UPDATE cases SET person_id = $1, updated_at = $2 WHERE person_id = $3")
        .bind(into.to_string())
        .bind(now)
        .bind(from.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE persons SET merged_into = $1, updated_at = $2 WHERE id = $3")
        .bind(into.to_string())
        .bind(now)
        .bind(from.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(moved)
}

/// Undoes a merge: the `moved` cases go back to `person`, which is no longer merged.
pub async fn unmerge_persons(
    conn: &mut Conn,
    person: PersonId,
    moved: &[CaseId],
    now: i64,
) -> Result<()> {
    for c in moved {
        sqlx::query("UPDATE cases SET person_id = $1, updated_at = $2 WHERE id = $3")
            .bind(person.to_string())
            .bind(now)
            .bind(c.to_string())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE persons SET merged_into = NULL, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(person.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks a just-examined pair unlikely (not shown, not examined again).
pub async fn set_unlikely(conn: &mut Conn, id: &str) -> Result<()> {
    sqlx::query("UPDATE match_pairs SET status = 'unlikely' WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Puts a decided pair back to `open` (after an unmerge, or a "different" taken back).
pub async fn reopen(conn: &mut Conn, id: &str, from: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE match_pairs SET status = 'open', decided_by = NULL, decided_at = NULL, \
         survivor = NULL, moved_cases = NULL WHERE id = $1 AND status = $2",
    )
    .bind(id.to_string())
    .bind(from.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets the undecided pairs of a person whose record changed, so the next scan looks again.
pub async fn forget_undecided(conn: &mut Conn, person: PersonId) -> Result<()> {
    sqlx::query(
        "DELETE FROM match_pairs WHERE status IN ('open', 'unlikely') \
         AND (person_a = $1 OR person_b = $1)",
    )
    .bind(person.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
