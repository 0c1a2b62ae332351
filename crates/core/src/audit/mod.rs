//! The auditor's view of the audit trail, and its verification. The auditor asks in the
//! words they know (a case number, a user's name, a kind of act, dates) and reads names and
//! case numbers, never bare ids; a filter that names nothing known is an error, not ignored.
use std::collections::HashMap;

use haven_audit::{Action, ActionGroup, Event};
use haven_authz::AuditRead;
use haven_domain::record::FieldError;
use haven_store::audit::{self, AuditFilter, AuditRow};
use haven_store::users::UserRow;

use crate::{CoreError, Haven, Origin, Result, actor};

/// What an auditor asks of the trail, as typed. Empty fields filter nothing.
#[derive(Clone, Debug, Default)]
pub struct TrailQuery {
    /// A case number (`GY-2026-000140`): the events about the case and its person.
    pub case_number: String,
    /// A user name, a user's full name, or a user id.
    pub user: String,
    /// An [`ActionGroup`] code.
    pub group: String,
    /// An [`Action`] code.
    pub action: String,
    /// The id of the record the events are about, whatever its kind.
    pub target_id: String,
    /// Days (`YYYY-MM-DD`, UTC), both included.
    pub from: String,
    pub to: String,
    /// Events older than this one (the next page).
    pub before: Option<i64>,
    /// Any other filter that was given (by its name): always an error.
    pub unknown: Vec<String>,
    pub limit: i64,
}

const DAY: i64 = 86_400;

fn day_start(s: &str) -> Option<i64> {
    let d = time::Date::parse(
        s.trim(),
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    Some(d.midnight().assume_utc().unix_timestamp())
}

/// An event as shown to an auditor, with its reason decrypted, and the names of its user, their
/// agency and its case.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub actor_user_id: Option<String>,
    /// The user's full name and user name, at the time of reading.
    pub actor_name: Option<String>,
    pub actor_username: Option<String>,
    pub actor_agency_name: Option<String>,
    /// The number of the case the event is about (of its person's case, for a person).
    pub case_number: Option<String>,
    pub actor_agency_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub outcome: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub reason: Option<String>,
    pub details: Option<String>,
    pub hash: String,
}

impl Haven {
    fn entry(&self, r: AuditRow) -> AuditEntry {
        let reason = r.reason.as_deref().map(|b| {
            self.cipher()
                .decrypt(b, "audit.reason")
                .unwrap_or_else(|_| "(unreadable)".into())
        });
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_user_id: r.actor_user_id.map(|u| u.to_string()),
            actor_name: None,
            actor_username: None,
            actor_agency_name: None,
            case_number: None,
            actor_agency_id: r.actor_agency_id.map(|a| a.to_string()),
            actor_role: r.actor_role,
            action: r.action,
            outcome: r.outcome,
            target_kind: r.target_kind,
            target_id: r.target_id,
            ip: r.ip,
            reason,
            details: r.details,
            hash: r.hash,
        }
    }

    /// The events `q` asks for, newest first. Reading the trail is itself recorded; `export`
    /// marks a download. A filter naming no case, user, group, action or day is refused with
    /// the field's error.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn audit_events(
        &self,
        cap: AuditRead<'_>,
        q: &TrailQuery,
        export: bool,
        origin: &Origin,
    ) -> Result<Vec<AuditEntry>> {
        let mut conn = self.db.pool().acquire().await?;
        let users = haven_store::users::list(&mut conn).await?;
        let f = resolve(&mut conn, &users, q).await?;
        let rows = audit::search(&mut conn, &f).await?;
        let agencies: HashMap<String, String> = haven_store::agencies::list(&mut conn)
            .await?
            .into_iter()
            .map(|a| (a.id.to_string(), a.name))
            .collect();
        let ids_of = |kind: &str| -> Vec<String> {
            let mut v: Vec<String> = rows
                .iter()
                .filter(|r| r.target_kind.as_deref() == Some(kind))
                .filter_map(|r| r.target_id.clone())
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let numbers = audit::case_numbers(&mut conn, &ids_of("case"), &ids_of("person")).await?;
        drop(conn);
        let action = if export {
            Action::AuditExported
        } else {
            Action::AuditViewed
        };
        let ev = Event::new(action).details(serde_json::json!({"rows": rows.len()}));
        self.record_read(&actor(cap.principal(), origin), ev)
            .await?;
        let by_id: HashMap<String, &UserRow> =
            users.iter().map(|u| (u.id.to_string(), u)).collect();
        Ok(rows
            .into_iter()
            .map(|r| {
                let mut e = self.entry(r);
                if let Some(u) = e.actor_user_id.as_ref().and_then(|id| by_id.get(id)) {
                    e.actor_name = Some(u.display_name.clone());
                    e.actor_username = Some(u.username.clone());
                }
                e.actor_agency_name = e
                    .actor_agency_id
                    .as_ref()
                    .and_then(|a| agencies.get(a).cloned());
                if matches!(e.target_kind.as_deref(), Some("case" | "person")) {
                    e.case_number = e.target_id.as_ref().and_then(|t| numbers.get(t).cloned());
                }
                e
            })
            .collect())
    }

    /// Every user's user name and full name, for the auditor's user filter.
    pub async fn audit_user_names(&self, _cap: AuditRead<'_>) -> Result<Vec<(String, String)>> {
        let mut conn = self.db.pool().acquire().await?;
        let mut users: Vec<(String, String)> = haven_store::users::list(&mut conn)
            .await?
            .into_iter()
            .map(|u| (u.username, u.display_name))
            .collect();
        users.sort();
        Ok(users)
    }

    #[tracing::instrument(skip_all)]
    pub async fn verify_audit(
        &self,
        progress: impl FnMut(i64, i64),
    ) -> Result<haven_audit::VerifyReport, haven_audit::VerifyError> {
        haven_audit::verify(&self.db, &self.audit_keys().chain, progress).await
    }
}

/// The store's filter for `q`, or the errors of the fields that name nothing known.
async fn resolve(
    conn: &mut haven_store::Conn,
    users: &[UserRow],
    q: &TrailQuery,
) -> Result<AuditFilter> {
    let mut errors = Vec::new();
    if !q.unknown.is_empty() {
        errors.push(FieldError::new("filter", "error-audit-filter-unknown"));
    }
    let mut f = AuditFilter {
        before_seq: q.before,
        limit: q.limit,
        ..Default::default()
    };
    let number = q.case_number.trim().to_uppercase();
    if !number.is_empty() {
        match audit::case_by_number(conn, &number).await? {
            Some((case, person)) => {
                f.targets = vec![
                    ("case".into(), case.to_string()),
                    ("person".into(), person.to_string()),
                ];
            }
            None => errors.push(FieldError::new("case", "error-audit-case-unknown")),
        }
    }
    let target = q.target_id.trim();
    if !target.is_empty() {
        f.target_id = Some(target.to_string());
    }
    let user = q.user.trim();
    if !user.is_empty() {
        let folded = user.to_lowercase();
        let by_username = users.iter().find(|u| u.username.to_lowercase() == folded);
        let by_name: Vec<&UserRow> = users
            .iter()
            .filter(|u| u.display_name.to_lowercase() == folded)
            .collect();
        let by_id = users.iter().find(|u| u.id.to_string() == folded);
        match (by_username.or(by_id), by_name.as_slice()) {
            (Some(u), _) | (None, &[u]) => f.actor_user_id = Some(u.id),
            (None, []) => errors.push(FieldError::new("user", "error-audit-user-unknown")),
            // Two users of the same full name: their user names tell them apart.
            (None, _) => errors.push(FieldError::new("user", "error-audit-user-ambiguous")),
        }
    }
    let group = q.group.trim();
    let group = if group.is_empty() {
        None
    } else {
        let g = ActionGroup::from_code(group);
        if g.is_none() {
            errors.push(FieldError::new("group", "error-audit-group-unknown"));
        }
        g
    };
    let action = q.action.trim();
    if !action.is_empty() {
        match Action::from_code(action) {
            // An action outside the chosen group: nothing could match; say so.
            Some(a) if group.is_some_and(|g| a.group() != g) => {
                errors.push(FieldError::new("action", "error-audit-action-group"))
            }
            Some(a) => f.actions = vec![a.as_str().to_string()],
            None => errors.push(FieldError::new("action", "error-audit-action-unknown")),
        }
    } else if let Some(g) = group {
        f.actions = g.actions().map(|a| a.as_str().to_string()).collect();
    }
    for (field, text, slot, end) in [
        ("from", &q.from, &mut f.from, 0),
        ("to", &q.to, &mut f.to, DAY),
    ] {
        if text.trim().is_empty() {
            continue;
        }
        match day_start(text) {
            Some(t) => *slot = Some(t + end),
            None => errors.push(FieldError::new(field, "error-audit-date")),
        }
    }
    if let (Some(a), Some(b)) = (f.from, f.to)
        && a >= b
    {
        errors.push(FieldError::new("to", "error-audit-dates-order"));
    }
    if errors.is_empty() {
        Ok(f)
    } else {
        Err(CoreError::Invalid(errors))
    }
}
