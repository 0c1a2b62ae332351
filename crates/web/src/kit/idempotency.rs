//! `Idempotency-Key` on the API's creating requests: a client that retries after a timeout
//! sends the same key and gets the first answer again (with `Idempotent-Replayed: true`)
//! instead of a second case, referral or note. The use-case (`haven_core::platform::
//! idempotency`) keeps the answers; this layer runs around the handler.
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use haven_core::idempotency::{IdemClaim, StoredAnswer};

use crate::AppState;
use crate::kit::problem::{ApiError, bearer_token, problem};

/// The operations that take a key: those that create a record.
pub(crate) const KEYED: &[&str] = &[
    "/api/v1/cases",
    "/api/v1/cases/{id}/notes",
    "/api/v1/cases/{id}/consents",
    "/api/v1/cases/{id}/events",
    "/api/v1/cases/{id}/perpetrators",
    "/api/v1/cases/{id}/referrals",
    "/api/v1/screenings",
    "/api/v1/screenings/{id}/draft",
    "/api/v1/drafts",
    "/api/v1/drafts/{id}/register",
    "/api/v1/tips",
    "/api/v1/training/workshops",
    "/api/v1/training/workshops/{id}/participants",
];

pub(crate) const HEADER: &str = "idempotency-key";

/// Marks a replayed answer.
const REPLAYED: axum::http::HeaderName = axum::http::HeaderName::from_static("idempotent-replayed");

pub(crate) async fn replay(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.headers().contains_key(HEADER) {
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    if !KEYED.contains(&route.as_str()) {
        return next.run(req).await;
    }
    let key = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    // Without a valid token the handler answers 401 as always; a key needs an owner.
    let haven = state.haven();
    let grant = match bearer_token(req.headers()) {
        Some(t) => haven.bearer(t).await.ok().flatten(),
        None => None,
    };
    let Some(grant) = grant else {
        return next.run(req).await;
    };
    let user = grant.principal.user_id;
    let (mut parts, body) = req.into_parts();
    // Handed to the handler's extractor, which then need not look the token up again.
    parts.extensions.insert(grant.clone());
    let Ok(bytes) = axum::body::to_bytes(body, crate::BODY_LIMIT).await else {
        return problem(StatusCode::PAYLOAD_TOO_LARGE, "error-too-large", vec![]);
    };
    let request = (parts.method.as_str(), parts.uri.path(), &bytes[..]);
    let claim = match haven.idempotency_claim(user, &key, request).await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    match claim {
        IdemClaim::Mismatch => {
            ApiError::invalid("Idempotency-Key", "error-idempotency-key-reused").into_response()
        }
        IdemClaim::InProgress => problem(
            StatusCode::CONFLICT,
            "error-idempotency-in-progress",
            vec![],
        ),
        // A replay does not reach the handler: the token's scope, its rate and the audit trail
        // are seen to here, as the extractor would for a request run.
        IdemClaim::Replay(a) => {
            if let Some(refused) = crate::kit::problem::refusal(&state, &grant, &parts) {
                return refused;
            }
            let origin = haven_core::Origin {
                ip: crate::ctx::client_ip(
                    state.0.cfg.trust_proxy,
                    &parts.headers,
                    &parts.extensions,
                ),
            };
            if let Err(e) = haven.record_replay(&grant.principal, &origin, &a).await {
                return ApiError::from(e).into_response();
            }
            replayed(a)
        }
        IdemClaim::Run(claim) => {
            let res = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            if !res.status().is_success() {
                // Nothing was created: the key is free for a corrected request.
                if let Err(e) = haven.idempotency_release(&claim).await {
                    tracing::warn!(error = %e, "could not free an idempotency key");
                }
                return res;
            }
            let (parts, body) = res.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
                return problem(StatusCode::INTERNAL_SERVER_ERROR, "error-internal", vec![]);
            };
            let text = |name| {
                parts
                    .headers
                    .get(name)
                    .and_then(|v: &HeaderValue| v.to_str().ok())
                    .map(str::to_string)
            };
            let answer = StoredAnswer {
                status: parts.status.as_u16(),
                location: text(header::LOCATION),
                etag: text(header::ETAG),
                content_type: text(header::CONTENT_TYPE),
                body: bytes.to_vec(),
            };
            // The record exists whatever happens here; a retry would then run again, which is
            // what a client without the key would have done.
            if let Err(e) = haven.idempotency_finish(&claim, &answer).await {
                tracing::warn!(error = %e, "could not keep an idempotent answer");
            }
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

/// The first answer again, marked as a replay.
fn replayed(a: StoredAnswer) -> Response {
    let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::OK);
    let mut res = (status, a.body).into_response();
    let h = res.headers_mut();
    for (name, value) in [
        (header::LOCATION, a.location),
        (header::ETAG, a.etag),
        (header::CONTENT_TYPE, a.content_type),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(name, v);
        }
    }
    h.insert(REPLAYED, HeaderValue::from_static("true"));
    res
}
