//! The audit trail (API).
use axum::Json;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haven_core::trail::TrailQuery;

use crate::AppState;
use crate::kit::problem::{ApiError, ApiUser, Problem};

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEvent {
    seq: i64,
    at: i64,
    actor_user_id: Option<String>,
    /// The user's full name and user name (as they are now).
    actor_name: Option<String>,
    actor_username: Option<String>,
    actor_agency_id: Option<String>,
    actor_agency_name: Option<String>,
    actor_role: Option<String>,
    action: String,
    outcome: String,
    target_kind: Option<String>,
    target_id: Option<String>,
    /// The case the event is about (for a person: their case).
    case_number: Option<String>,
    ip: Option<String>,
    reason: Option<String>,
    details: Option<String>,
    hash: String,
}

/// The filters, as on the auditor's page. A value that names nothing known (a case number, a
/// user, a group or action code, a day) is a 422 naming the field; an unknown parameter a 422.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// A case number: the events about the case and its person.
    case: Option<String>,
    /// A user name, full name or user id.
    user: Option<String>,
    /// A group of actions: sign-in, accounts, reads, changes, referrals, duplicates, data,
    /// statistics, training, system.
    group: Option<String>,
    /// An action code (`case.viewed`).
    action: Option<String>,
    /// The id of the record the events are about.
    target: Option<String>,
    /// First day (`YYYY-MM-DD`, UTC).
    from: Option<String>,
    /// Last day (`YYYY-MM-DD`, UTC), included.
    to: Option<String>,
    /// Events older than this sequence number (the next page).
    before: Option<i64>,
    /// At most this many events (1 to 1,000; 100 if not given).
    limit: Option<i64>,
    #[serde(flatten)]
    #[param(ignore)]
    rest: std::collections::BTreeMap<String, String>,
}

/// The audit trail, newest first (auditors only). A full page comes with a `Link` header to the
/// next one (`before` the last event's `seq`, the same filters).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams),
    responses((status = 200, body = Vec<AuditEvent>, headers(("Link" = String, description = "`<next page>; rel=\"next\"` when this page is full"))),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<AuditParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let cap = p.audit_read().ok_or_else(ApiError::forbidden)?;
    let text = |v: Option<String>| v.unwrap_or_default();
    let tq = TrailQuery {
        case_number: text(q.case),
        user: text(q.user),
        group: text(q.group),
        action: text(q.action),
        target_id: text(q.target),
        from: text(q.from),
        to: text(q.to),
        before: q.before,
        unknown: q.rest.into_keys().collect(),
        limit: q.limit.unwrap_or(100).clamp(1, 1000),
    };
    let limit = tq.limit;
    let events = state.haven().audit_events(cap, &tq, false, &o).await?;
    // A full page may have a next one: the same query, before the last event shown.
    let next = (events.len() as i64 == limit)
        .then(|| events.last().map(|e| e.seq))
        .flatten()
        .map(|seq| {
            let mut pairs: Vec<&str> = raw
                .as_deref()
                .unwrap_or_default()
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with("before="))
                .collect();
            let before = format!("before={seq}");
            pairs.push(&before);
            format!("</api/v1/audit?{}>; rel=\"next\"", pairs.join("&"))
        });
    let body = Json(
        events
            .into_iter()
            .map(|e| AuditEvent {
                seq: e.seq,
                at: e.at,
                actor_user_id: e.actor_user_id,
                actor_name: e.actor_name,
                actor_username: e.actor_username,
                actor_agency_id: e.actor_agency_id,
                actor_agency_name: e.actor_agency_name,
                actor_role: e.actor_role,
                action: e.action,
                outcome: e.outcome,
                target_kind: e.target_kind,
                target_id: e.target_id,
                case_number: e.case_number,
                ip: e.ip,
                reason: e.reason,
                details: e.details,
                hash: e.hash,
            })
            .collect::<Vec<_>>(),
    );
    let mut res = body.into_response();
    if let Some(link) = next.and_then(|l| HeaderValue::from_str(&l).ok()) {
        res.headers_mut().insert(header::LINK, link);
    }
    Ok(res)
}
