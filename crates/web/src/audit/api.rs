//! The audit trail (API).
use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::kit::problem::{ApiError, ApiUser, Problem};

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEvent {
    seq: i64,
    at: i64,
    actor_user_id: Option<String>,
    actor_agency_id: Option<String>,
    actor_role: Option<String>,
    action: String,
    outcome: String,
    target_kind: Option<String>,
    target_id: Option<String>,
    ip: Option<String>,
    reason: Option<String>,
    details: Option<String>,
    hash: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct AuditParams {
    action: Option<String>,
    user: Option<String>,
    target: Option<String>,
    before: Option<i64>,
    limit: Option<i64>,
}

/// The audit trail, newest first (auditors only).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams),
    responses((status = 200, body = Vec<AuditEvent>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<AuditParams>,
) -> Result<Json<Vec<AuditEvent>>, ApiError> {
    let cap = p.audit_read().ok_or_else(ApiError::forbidden)?;
    let f = haven_store::audit::AuditFilter {
        actor_user_id: q.user.and_then(|u| u.parse().ok()),
        action: q.action.filter(|a| !a.is_empty()),
        target_id: q.target.filter(|t| !t.is_empty()),
        from: None,
        to: None,
        before_seq: q.before,
        limit: q.limit.unwrap_or(100).clamp(1, 1000),
    };
    let events = state.haven().audit_events(cap, &f, false, &o).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| AuditEvent {
                seq: e.seq,
                at: e.at,
                actor_user_id: e.actor_user_id,
                actor_agency_id: e.actor_agency_id,
                actor_role: e.actor_role,
                action: e.action,
                outcome: e.outcome,
                target_kind: e.target_kind,
                target_id: e.target_id,
                ip: e.ip,
                reason: e.reason,
                details: e.details,
                hash: e.hash,
            })
            .collect(),
    ))
}
