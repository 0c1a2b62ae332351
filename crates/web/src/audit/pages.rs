//! The audit trail: filtered view and export.
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use haven_audit::Action;
use haven_core::trail::AuditEntry;
use haven_domain::UserId;
use haven_store::audit::AuditFilter;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::Authed;
use crate::layout::Layout;

use crate::kit::page::{PageError, render};

// ---- audit ----

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    l: &'a Layout<'a>,
    events: Vec<AuditEntry>,
    actions: Vec<&'static str>,
    filter_action: Option<String>,
    filter_user: String,
    filter_target: String,
    query: String,
    older: Option<i64>,
}

#[derive(Deserialize, Default)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    target: String,
    before: Option<i64>,
}

fn audit_filter(q: &AuditQuery, limit: i64) -> AuditFilter {
    AuditFilter {
        actor_user_id: q.user.trim().parse::<UserId>().ok(),
        action: Action::ALL
            .iter()
            .map(|a| a.as_str())
            .find(|a| *a == q.action)
            .map(str::to_string),
        target_id: Some(q.target.trim().to_string()).filter(|t| !t.is_empty()),
        from: None,
        to: None,
        before_seq: q.before,
        limit,
    }
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.audit_read().ok_or_else(PageError::forbidden)?;
    let filter = audit_filter(&q, 100);
    let events = state
        .haven()
        .audit_events(cap, &filter, false, &info.origin)
        .await?;
    let older = (events.len() as i64 == filter.limit)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("action", filter.action.as_deref().unwrap_or(""))
        .append_pair("user", q.user.trim())
        .append_pair("target", q.target.trim())
        .finish();
    Ok(render(&AuditPage {
        l: &l,
        events,
        actions: Action::ALL.iter().map(|a| a.as_str()).collect(),
        filter_action: filter.action.clone(),
        filter_user: q.user.clone(),
        filter_target: q.target.clone(),
        query,
        older,
    }))
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
        .audit_events(cap, &audit_filter(&q, 10_000), true, &info.origin)
        .await?;
    let mut out = String::from(
        "seq,at,actor_user_id,actor_agency_id,actor_role,action,outcome,target_kind,target_id,ip,reason,details,hash\n",
    );
    for e in events {
        let cols = [
            e.seq.to_string(),
            l.datetime(&e.at),
            e.actor_user_id.unwrap_or_default(),
            e.actor_agency_id.unwrap_or_default(),
            e.actor_role.unwrap_or_default(),
            e.action,
            e.outcome,
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
