//! The audit trail: filtered view and export.
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

use haven_audit::ActionGroup;
use haven_core::CoreError;
use haven_core::trail::{AuditEntry, TrailQuery};
use haven_domain::Role;
use haven_domain::record::FieldError;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::Authed;
use crate::layout::Layout;

use crate::kit::page::{PageError, form_status, render};
use crate::layout::role_key;

// ---- audit ----

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    l: &'a Layout<'a>,
    events: Vec<AuditEntry>,
    groups: Vec<GroupChoice>,
    /// User names and full names, offered as the user filter is typed.
    users: Vec<(String, String)>,
    q: AuditQuery,
    errors: Vec<FieldError>,
    query: String,
    older: Option<i64>,
}

/// The auditor's filters, as in the page's address. Any other parameter is kept to be refused.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    case: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl AuditQuery {
    fn trail(&self, limit: i64) -> TrailQuery {
        let mut unknown: Vec<String> = self.rest.keys().cloned().collect();
        let before = self.before.trim();
        let before = if before.is_empty() {
            None
        } else {
            let n = before.parse::<i64>().ok();
            if n.is_none() {
                unknown.push("before".into());
            }
            n
        };
        TrailQuery {
            case_number: self.case.clone(),
            user: self.user.clone(),
            group: self.group.clone(),
            action: self.action.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            target_id: String::new(),
            before,
            unknown,
            limit,
        }
    }

    /// The filters again, for the export link and the next page.
    fn encoded(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("case", self.case.trim())
            .append_pair("user", self.user.trim())
            .append_pair("group", self.group.trim())
            .append_pair("action", self.action.trim())
            .append_pair("from", self.from.trim())
            .append_pair("to", self.to.trim())
            .finish()
    }
}

/// A group's code and label, with its actions' codes and labels (for the filters' lists).
type GroupChoice = (&'static str, String, Vec<(&'static str, String)>);

fn groups(l: &Layout<'_>) -> Vec<GroupChoice> {
    ActionGroup::ALL
        .iter()
        .map(|g| {
            let mut actions: Vec<(&'static str, String)> = g
                .actions()
                .map(|a| (a.as_str(), l.action(a.as_str())))
                .collect();
            actions.sort_by(|a, b| a.1.cmp(&b.1));
            (
                g.as_str(),
                l.t(&format!("audit-group-{}", g.as_str())),
                actions,
            )
        })
        .collect()
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.audit_read().ok_or_else(PageError::forbidden)?;
    let limit = 100;
    let haven = state.haven();
    let (events, errors) = match haven
        .audit_events(cap, &q.trail(limit), false, &info.origin)
        .await
    {
        Ok(events) => (events, Vec::new()),
        // The filters named something unknown: the form again, with each error beside its field.
        Err(CoreError::Invalid(errors)) => (Vec::new(), errors),
        Err(e) => return Err(e.into()),
    };
    let older = (events.len() as i64 == limit)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    let users = haven.audit_user_names(cap).await?;
    let status = form_status(&errors);
    let page = AuditPage {
        l: &l,
        events,
        groups: groups(&l),
        users,
        query: q.encoded(),
        q,
        errors,
        older,
    };
    Ok((status, render(&page)).into_response())
}

fn csv_field(s: &str) -> String {
    // Quote everything; neutralise spreadsheet formulas (CSV injection).
    let s = crate::kit::page::spreadsheet_safe(s);
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub(crate) async fn audit_export(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.audit_read().ok_or_else(PageError::forbidden)?;
    let events = state
        .haven()
        .audit_events(cap, &q.trail(10_000), true, &info.origin)
        .await?;
    let mut out = String::from(
        "seq,at,user,username,agency,role,action,action_code,outcome,case_number,target_kind,target_id,ip,reason,details,hash\n",
    );
    for e in events {
        let role = e
            .actor_role
            .as_deref()
            .and_then(|r| r.parse::<Role>().ok())
            .map(|r| l.t(&role_key(r)))
            .unwrap_or_default();
        let cols = [
            e.seq.to_string(),
            l.datetime(&e.at),
            e.actor_name.clone().unwrap_or_else(|| {
                if e.actor_user_id.is_some() {
                    String::new()
                } else {
                    l.t("audit-system")
                }
            }),
            e.actor_username.unwrap_or_default(),
            e.actor_agency_name.unwrap_or_default(),
            role,
            l.action(&e.action),
            e.action,
            e.outcome,
            e.case_number.unwrap_or_default(),
            e.target_kind.unwrap_or_default(),
            e.target_id.unwrap_or_default(),
            e.ip.unwrap_or_default(),
            e.reason.unwrap_or_default(),
            e.details.unwrap_or_default(),
            e.hash,
        ];
        out += &cols
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
    }
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"haven-audit.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}
