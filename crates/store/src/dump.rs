//! Logical dump and restore of every table, identical on both backends: a backup taken from
//! SQLite restores into PostgreSQL and back. Rows are read inside one snapshot transaction, so the
//! dump is consistent while the server keeps running.
use std::io::{BufRead, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use sqlx::Row;

use crate::{Db, Result, StoreError};

/// Column kinds, as declared in the migrations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Blob,
}

pub struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
}

use Kind::{Blob as B, Int as I, Text as T};

/// Every table, in an order that satisfies foreign keys. Sessions are left out on purpose: a
/// restored database must not hold live logins. A test checks this list against the schema.
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "settings",
        columns: &[("key", T), ("value", T)],
    },
    TableSpec {
        name: "keyring",
        columns: &[
            ("id", I),
            ("purpose", T),
            ("wrapped", B),
            ("kek_fingerprint", T),
            ("active", I),
            ("created_at", I),
        ],
    },
    TableSpec {
        name: "agencies",
        columns: &[
            ("id", T),
            ("name", T),
            ("agency_type", T),
            ("region", T),
            ("phone", T),
            ("email", T),
            ("coordination_consent", I),
            ("created_at", I),
        ],
    },
    TableSpec {
        name: "users",
        columns: &[
            ("id", T),
            ("username", T),
            ("display_name", T),
            ("agency_id", T),
            ("role", T),
            ("password_hash", T),
            ("disabled", I),
            ("must_change_password", I),
            ("totp_secret", B),
            ("totp_last_step", I),
            ("language", T),
            ("created_at", I),
            ("last_login_at", I),
            ("email", T),
        ],
    },
    TableSpec {
        name: "api_tokens",
        columns: &[
            ("id", T),
            ("user_id", T),
            ("token_hash", T),
            ("label", T),
            ("created_at", I),
            ("expires_at", I),
            ("last_used_at", I),
            ("revoked", I),
            ("scopes", T),
        ],
    },
    TableSpec {
        name: "devices",
        columns: &[
            ("id", T),
            ("user_id", T),
            ("agency_id", T),
            ("username", T),
            ("secret", B),
            ("label", T),
            ("created_at", I),
            ("expires_at", I),
            ("revoked_at", I),
            ("last_used_at", I),
        ],
    },
    TableSpec {
        name: "idempotency_keys",
        columns: &[
            ("id", T),
            ("user_id", T),
            ("idem_key", T),
            ("request_hash", T),
            ("status", I),
            ("location", T),
            ("etag", T),
            ("content_type", T),
            ("body", B),
            ("created_at", I),
        ],
    },
    TableSpec {
        name: "persons",
        columns: &[
            ("id", T),
            ("first_name", B),
            ("middle_name", B),
            ("last_name", B),
            ("nickname", B),
            ("birth_date", B),
            ("phone", B),
            ("address", B),
            ("gender", T),
            ("citizenship", T),
            ("birth_year", I),
            ("age_uncertain", I),
            ("created_at", I),
            ("updated_at", I),
            ("details", B),
            ("assessed_age", I),
            ("marital_status", T),
            ("number_of_children", I),
            ("education", T),
            ("primary_language", T),
            ("secondary_language", T),
            ("mailing_country", T),
            ("mailing_state", T),
            ("deceased", I),
            ("version", I),
            ("merged_into", T),
        ],
    },
    TableSpec {
        name: "person_citizenships",
        columns: &[("person_id", T), ("country", T)],
    },
    TableSpec {
        name: "person_name_index",
        columns: &[("digest", T), ("person_id", T)],
    },
    TableSpec {
        name: "person_name_prefix",
        columns: &[("digest", T), ("person_id", T)],
    },
    TableSpec {
        name: "case_counters",
        columns: &[("key", T), ("next_seq", I)],
    },
    TableSpec {
        name: "cases",
        columns: &[
            ("id", T),
            ("case_number", T),
            ("person_id", T),
            ("status", T),
            ("owner_agency_id", T),
            ("assigned_user_id", T),
            ("created_by", T),
            ("region", T),
            ("exploitation_type", T),
            ("summary", B),
            ("opened_at", I),
            ("updated_at", I),
            ("closed_at", I),
            ("version", I),
            ("risk_level", T),
            ("trafficking_status", T),
            ("status_decision_org", T),
            ("relationship_to_trafficker", T),
            ("age_when_trafficked", I),
            ("forced_labour_industry", T),
            ("referral_source", T),
            ("referring_organisation", T),
            ("referral_date", T),
            ("referral_reason", T),
            ("closure_reason", T),
            ("closure_note", B),
            ("anonymised_at", I),
        ],
    },
    TableSpec {
        name: "case_codes",
        columns: &[("case_id", T), ("field", T), ("code", T)],
    },
    TableSpec {
        name: "case_notes",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("author_user_id", T),
            ("created_at", I),
            ("body", B),
        ],
    },
    TableSpec {
        name: "case_events",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("event_type", T),
            ("country", T),
            ("region", T),
            ("start_date", T),
            ("end_date", T),
            ("place", B),
            ("description", B),
            ("created_at", I),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "case_perpetrators",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("details", B),
            ("created_at", I),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "case_changes",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("version", I),
            ("at", I),
            ("user_id", T),
            ("field", T),
            ("old_value", B),
            ("new_value", B),
        ],
    },
    TableSpec {
        name: "case_attachments",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("uploaded_by", T),
            ("created_at", I),
            ("name", B),
            ("content_type", T),
            ("size", I),
            ("scan", T),
            ("data", B),
        ],
    },
    TableSpec {
        name: "case_transfers",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("from_agency_id", T),
            ("to_agency_id", T),
            ("requested_by", T),
            ("requested_at", I),
            ("reason", B),
            ("status", T),
            ("decided_by", T),
            ("decided_at", I),
            ("decision_note", B),
        ],
    },
    TableSpec {
        name: "case_drafts",
        columns: &[
            ("id", T),
            ("user_id", T),
            ("created_at", I),
            ("updated_at", I),
            ("data", B),
        ],
    },
    TableSpec {
        name: "screenings",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("agency_id", T),
            ("screened_by", T),
            ("screened_on", T),
            ("region", T),
            ("language", T),
            ("interpreter", I),
            ("person_present", I),
            ("consent", I),
            ("profiles", T),
            ("outcome", T),
            ("indicator_set", T),
            ("answers", B),
            ("place", B),
            ("created_at", I),
            ("draft_id", T),
        ],
    },
    TableSpec {
        name: "workshops",
        columns: &[
            ("id", T),
            ("title", T),
            ("topics", T),
            ("first_day", T),
            ("last_day", T),
            ("region", T),
            ("place", T),
            ("format", T),
            ("language", T),
            ("trainers", T),
            ("organiser", T),
            ("funder", T),
            ("grant_ref", T),
            ("capacity", I),
            ("pass_mark", I),
            ("min_attendance", I),
            ("questionnaire", T),
            ("created_by", T),
            ("created_at", I),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "trainees",
        columns: &[
            ("id", T),
            ("first_name", B),
            ("family_name", B),
            ("position", B),
            ("contact", B),
            ("sex", T),
            ("agency_id", T),
            ("organisation", T),
            ("region", T),
            ("user_id", T),
            ("created_at", I),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "trainee_name_index",
        columns: &[("digest", T), ("trainee_id", T)],
    },
    TableSpec {
        name: "enrolments",
        columns: &[
            ("workshop_id", T),
            ("trainee_id", T),
            ("pre_score", I),
            ("post_score", I),
            ("certificate_code", T),
            ("certificate_at", I),
            ("created_at", I),
        ],
    },
    TableSpec {
        name: "attendance",
        columns: &[("workshop_id", T), ("trainee_id", T), ("day", T)],
    },
    TableSpec {
        name: "workshop_materials",
        columns: &[
            ("id", T),
            ("workshop_id", T),
            ("file_name", T),
            ("content_type", T),
            ("size", I),
            ("data", B),
            ("created_at", I),
        ],
    },
    TableSpec {
        name: "consents",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("purpose", T),
            ("agency_id", T),
            ("given_by", T),
            ("guardian", B),
            ("form", T),
            ("given_on", T),
            ("expires_on", T),
            ("note", B),
            ("withdrawn_on", T),
            ("withdrawn_reason", B),
            ("recorded_by", T),
            ("recorded_at", I),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "services",
        columns: &[
            ("id", T),
            ("agency_id", T),
            ("service_type", T),
            ("name", T),
            ("description", T),
            ("genders", T),
            ("age_min", I),
            ("age_max", I),
            ("nationalities", T),
            ("languages", T),
            ("exploitation", T),
            ("regions", T),
            ("hours", T),
            ("emergency_line", T),
            ("capacity_total", I),
            ("capacity_free", I),
            ("capacity_at", I),
            ("active", I),
            ("created_at", I),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "referrals",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("from_agency_id", T),
            ("from_user_id", T),
            ("to_agency_id", T),
            ("to_user_id", T),
            ("services", T),
            ("urgency", T),
            ("reason", B),
            ("sections", T),
            ("consent_id", T),
            ("emergency_justification", B),
            ("flagged", I),
            ("status", T),
            ("answer", B),
            ("redirected_from", T),
            ("created_at", I),
            ("sent_at", I),
            ("due_at", I),
            ("answered_at", I),
            ("completed_at", I),
            ("revoked_at", I),
            ("updated_at", I),
            ("reminded_at", I),
        ],
    },
    TableSpec {
        name: "case_services",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("service_type", T),
            ("provider_agency_id", T),
            ("referral_id", T),
            ("status", T),
            ("started_at", I),
            ("ended_at", I),
            ("outcome", B),
            ("created_at", I),
            ("updated_at", I),
            ("provider_name", T),
            ("cost", T),
            ("consent", I),
            ("recorded_by", T),
        ],
    },
    TableSpec {
        name: "risk_assessments",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("kind", T),
            ("assessed_on", T),
            ("level", T),
            ("areas", T),
            ("safety_plan", B),
            ("notes", B),
            ("assessed_by", T),
            ("created_at", I),
        ],
    },
    TableSpec {
        name: "reflection_periods",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("started_on", T),
            ("days", I),
            ("extended_days", I),
            ("extensions", B),
            ("ends_on", T),
            ("reminded_on", T),
            ("created_by", T),
            ("created_at", I),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "tasks",
        columns: &[
            ("id", T),
            ("case_id", T),
            ("kind", T),
            ("title", B),
            ("due_on", T),
            ("assigned_to", T),
            ("status", T),
            ("note", B),
            ("created_by", T),
            ("created_at", I),
            ("done_at", I),
            ("reminded_on", T),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "assistance_plans",
        columns: &[
            ("case_id", T),
            ("status", T),
            ("goals", B),
            ("review_on", T),
            ("comments", B),
            ("updated_by", T),
            ("submitted_by", T),
            ("decided_by", T),
            ("decided_at", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableSpec {
        name: "case_returns",
        columns: &[
            ("case_id", T),
            ("country", T),
            ("region", T),
            ("receiving_org", T),
            ("planned_on", T),
            ("returned_on", T),
            ("notes", B),
            ("updated_by", T),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "case_proceedings",
        columns: &[
            ("case_id", T),
            ("cooperation", T),
            ("compensation", T),
            ("details", B),
            ("updated_by", T),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "notifications",
        columns: &[
            ("id", T),
            ("user_id", T),
            ("kind", T),
            ("subject_id", T),
            ("created_at", I),
            ("read_at", I),
        ],
    },
    TableSpec {
        name: "tips",
        columns: &[
            ("id", T),
            ("reference", T),
            ("channel", T),
            ("received_at", I),
            ("region", T),
            ("suspected", T),
            ("status", T),
            ("assigned_to", T),
            ("case_id", T),
            ("closed_reason", T),
            ("entered_by", T),
            ("agency_id", T),
            ("body", B),
            ("triage_note", B),
            ("updated_at", I),
        ],
    },
    TableSpec {
        name: "case_agencies",
        columns: &[
            ("case_id", T),
            ("agency_id", T),
            ("involvement", T),
            ("added_at", I),
        ],
    },
    TableSpec {
        name: "audit_head",
        columns: &[("id", I), ("seq", I), ("hash", T), ("mac", T)],
    },
    TableSpec {
        name: "audit_events",
        columns: &[
            ("seq", I),
            ("at", I),
            ("actor_user_id", T),
            ("actor_agency_id", T),
            ("actor_role", T),
            ("action", T),
            ("outcome", T),
            ("target_kind", T),
            ("target_id", T),
            ("ip", T),
            ("reason", B),
            ("details", T),
            ("prev_hash", T),
            ("hash", T),
        ],
    },
    TableSpec {
        name: "match_pairs",
        columns: &[
            ("id", T),
            ("person_a", T),
            ("person_b", T),
            ("probability_ppm", I),
            ("explanation", T),
            ("status", T),
            ("found_at", I),
            ("decided_by", T),
            ("decided_at", I),
            ("survivor", T),
            ("moved_cases", T),
        ],
    },
    TableSpec {
        name: "release_ledger",
        columns: &[
            ("id", T),
            ("made_at", I),
            ("user_id", T),
            ("kind", T),
            ("k", I),
            ("reporting_length", I),
            ("sensitive_zeros", T),
            ("rounding_base", I),
            ("record_count", I),
            ("protected_count", I),
            ("fingerprint", T),
            ("row_tags", B),
        ],
    },
    TableSpec {
        name: "import_keys",
        columns: &[
            ("agency_id", T),
            ("digest", T),
            ("case_id", T),
            ("import_id", T),
        ],
    },
    TableSpec {
        name: "form_versions",
        columns: &[
            ("form_id", T),
            ("version", T),
            ("indicator_set", T),
            ("first_served_at", I),
        ],
    },
    TableSpec {
        name: "openrosa_submissions",
        columns: &[
            ("instance_id", T),
            ("form_id", T),
            ("form_version", T),
            ("device_id", T),
            ("user_id", T),
            ("digest", T),
            ("screening_id", T),
            ("received_at", I),
        ],
    },
];

/// Tables that exist but are not backed up.
pub const NOT_DUMPED: &[&str] = &[
    "sessions",
    "login_failures",
    "login_locks",
    // Enrolment codes: a restored database must not hold live ones.
    "account_enrolments",
    "rate_events",
    // E-mails waiting to go out: a restored copy must not send them again.
    "outbox",
    // Statistics snapshots: derived, computed again when needed.
    "stats_snapshots",
    // Import jobs: an uploaded file waiting for its commit is not carried into a restore (the
    // imported cases and their keys are).
    "imports",
    // API jobs: a result waits for one download; a restore must not bring it back.
    "jobs",
    "_sqlx_migrations",
];

/// Tables of earlier versions that no longer exist: their rows in an older backup are skipped
/// (`case_grants`: per-user access grants, removed because no page showed them).
const RETIRED: &[&str] = &["case_grants"];

/// Columns of earlier versions that no longer exist, as (table, column): dropped from the rows of
/// an older backup. (`users.failed_logins`, `users.locked_until`: sign-in locks are now kept per
/// account and address, in `login_locks`, which is not backed up.)
const RETIRED_COLUMNS: &[(&str, &str)] = &[("users", "failed_logins"), ("users", "locked_until")];

const FORMAT: &str = "haven-backup";
const VERSION: i64 = 1;

/// Writes the whole database as JSON lines; returns the number of rows. `progress` is called
/// after each table with (rows so far).
pub async fn dump(
    db: &Db,
    out: &mut (impl Write + Send),
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let mut tx = db.begin_snapshot().await?;
    let io = |e: std::io::Error| StoreError::Corrupt(format!("writing backup: {e}"));
    writeln!(out, "{}", json!({"format": FORMAT, "version": VERSION})).map_err(io)?;
    let mut total = 0u64;
    for t in TABLES {
        let cols: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
        writeln!(out, "{}", json!({"table": t.name, "columns": cols})).map_err(io)?;
        let sql = format!("SELECT {} FROM {} ORDER BY 1", cols.join(", "), t.name);
        // Streamed row by row: memory stays flat whatever the size of the table.
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
        while let Some(r) = rows.try_next().await? {
            let mut vals = Vec::with_capacity(t.columns.len());
            for (i, (_, kind)) in t.columns.iter().enumerate() {
                vals.push(match kind {
                    Kind::Text => r
                        .try_get::<Option<String>, _>(i)?
                        .map(Value::from)
                        .unwrap_or(Value::Null),
                    Kind::Int => r
                        .try_get::<Option<i64>, _>(i)?
                        .map(Value::from)
                        .unwrap_or(Value::Null),
                    Kind::Blob => r
                        .try_get::<Option<Vec<u8>>, _>(i)?
                        .map(|b| json!({"b64": B64.encode(b)}))
                        .unwrap_or(Value::Null),
                });
            }
            writeln!(out, "{}", Value::Array(vals)).map_err(io)?;
            total += 1;
            if total.is_multiple_of(10_000) {
                progress(total);
            }
        }
        drop(rows);
        progress(total);
    }
    writeln!(out, "{}", json!({"end": total})).map_err(io)?;
    tx.commit().await?;
    Ok(total)
}

/// Loads a dump into a freshly migrated, empty database, in one transaction.
pub async fn restore(db: &Db, input: impl BufRead, mut progress: impl FnMut(u64)) -> Result<u64> {
    let bad = |m: &str| StoreError::Corrupt(format!("backup content: {m}"));
    let mut tx = db.begin().await?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(&mut *tx)
        .await?;
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM keyring")
        .fetch_one(&mut *tx)
        .await?;
    if users + events + keys > 0 {
        return Err(StoreError::Corrupt(
            "the target database is not empty; restore needs a new, empty database".into(),
        ));
    }
    sqlx::query("DELETE FROM audit_head")
        .execute(&mut *tx)
        .await?;

    let mut lines = input.lines();
    let header: Value = serde_json::from_str(
        &lines
            .next()
            .ok_or_else(|| bad("empty"))?
            .map_err(|e| bad(&e.to_string()))?,
    )
    .map_err(|_| bad("not a Haven backup"))?;
    if header["format"] != FORMAT || header["version"] != VERSION {
        return Err(bad("not a Haven backup of a version this binary reads"));
    }
    let mut table: Option<&TableSpec> = None;
    let mut skipping = false;
    // Positions of the backup's columns that this version keeps.
    let mut keep: Vec<usize> = Vec::new();
    let mut insert_sql = String::new();
    let mut total = 0u64;
    let mut ended = false;
    for line in lines {
        let line = line.map_err(|e| bad(&e.to_string()))?;
        let v: Value = serde_json::from_str(&line).map_err(|_| bad("malformed line"))?;
        match v {
            Value::Object(o) if o.contains_key("table") => {
                let name = o["table"].as_str().unwrap_or_default();
                skipping = RETIRED.contains(&name);
                if skipping {
                    table = None;
                    continue;
                }
                let spec = TABLES
                    .iter()
                    .find(|t| t.name == name)
                    .ok_or_else(|| bad("unknown table"))?;
                let cols: Vec<&str> = spec.columns.iter().map(|c| c.0).collect();
                let theirs: Vec<&str> = o["columns"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                keep = (0..theirs.len())
                    .filter(|i| !RETIRED_COLUMNS.contains(&(name, theirs[*i])))
                    .collect();
                if keep.iter().map(|i| theirs[*i]).collect::<Vec<_>>() != cols {
                    return Err(bad(&format!(
                        "columns of {name} differ from this version's schema"
                    )));
                }
                let ph: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
                insert_sql = format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    name,
                    cols.join(", "),
                    ph.join(", ")
                );
                table = Some(spec);
                progress(total);
            }
            Value::Object(o) if o.contains_key("end") => {
                if o["end"] != json!(total) {
                    return Err(bad("row count does not match"));
                }
                ended = true;
            }
            Value::Array(_) if skipping => total += 1,
            Value::Array(vals) => {
                let spec = table.ok_or_else(|| bad("row before table"))?;
                if keep.iter().any(|i| *i >= vals.len()) || vals.len() < spec.columns.len() {
                    return Err(bad("row width"));
                }
                let mut q = sqlx::query(sqlx::AssertSqlSafe(insert_sql.clone()));
                for (val, (_, kind)) in keep.iter().map(|i| &vals[*i]).zip(spec.columns) {
                    q = match (kind, val) {
                        (Kind::Text, Value::Null) => q.bind(None::<String>),
                        (Kind::Int, Value::Null) => q.bind(None::<i64>),
                        (Kind::Blob, Value::Null) => q.bind(None::<Vec<u8>>),
                        (Kind::Text, Value::String(s)) => q.bind(s.clone()),
                        (Kind::Int, Value::Number(n)) => {
                            q.bind(n.as_i64().ok_or_else(|| bad("integer"))?)
                        }
                        (Kind::Blob, Value::Object(b)) => {
                            let s = b
                                .get("b64")
                                .and_then(Value::as_str)
                                .ok_or_else(|| bad("blob"))?;
                            q.bind(B64.decode(s).map_err(|_| bad("blob"))?)
                        }
                        _ => return Err(bad("value type")),
                    };
                }
                q.execute(&mut *tx).await?;
                total += 1;
            }
            _ => return Err(bad("unexpected line")),
        }
    }
    if !ended {
        return Err(bad("truncated (no end marker)"));
    }
    tx.commit().await?;
    progress(total);
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OpenMode;

    #[tokio::test]
    async fn table_list_matches_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url, OpenMode::CreateIfMissing).await.unwrap();
        db.migrate().await.unwrap();
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        for name in &names {
            if NOT_DUMPED.contains(&name.as_str()) {
                continue;
            }
            let spec = TABLES
                .iter()
                .find(|t| t.name == name)
                .unwrap_or_else(|| panic!("table {name} is not in TABLES"));
            let cols: Vec<(String, String)> = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT name, type FROM pragma_table_info('{name}')"
            )))
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect();
            let expected: Vec<(String, String)> = spec
                .columns
                .iter()
                .map(|(c, k)| {
                    let ty = match k {
                        Kind::Text => "TEXT",
                        Kind::Int => "INTEGER",
                        Kind::Blob => "BLOB",
                    };
                    (c.to_string(), ty.to_string())
                })
                .collect();
            assert_eq!(cols, expected, "columns of {name}");
        }
        assert_eq!(names.len(), TABLES.len() + NOT_DUMPED.len());
    }
}
