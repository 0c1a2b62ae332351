//! How the API answers an error: RFC 9457 problem documents with a stable `type` (the message
//! key), the mapping from `CoreError`, the bearer-token extractor, a JSON-object body extractor,
//! and the outermost layer that shapes every other error answer under `/api/`.
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use haven_authz::Principal;
use haven_core::auth::BearerGrant;
use haven_core::{CoreError, Origin};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;

/// RFC 9457 problem details.
#[derive(Serialize, ToSchema)]
pub(crate) struct Problem {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct FieldProblem {
    field: String,
    code: String,
}

impl FieldProblem {
    pub(crate) fn new(field: &str, code: &str) -> Self {
        FieldProblem {
            field: field.into(),
            code: code.into(),
        }
    }
}

impl From<haven_domain::record::FieldError> for FieldProblem {
    fn from(e: haven_domain::record::FieldError) -> Self {
        FieldProblem {
            field: e.field.into(),
            code: e.key.into(),
        }
    }
}

pub(crate) fn problem(
    status: StatusCode,
    key: &'static str,
    errors: Vec<FieldProblem>,
) -> Response {
    // Titles are in English here; clients translate `type` (a stable message key).
    let title = match key {
        "error-not-found" => "Not found",
        "error-forbidden" => "Forbidden for your role",
        "error-token-scope" => {
            "This token was not given the scope this operation needs (see the operation's \
             security in the OpenAPI document)"
        }
        "error-unauthenticated" => "Authentication required",
        "error-form" => "Invalid input",
        "error-duplicate" => "Already exists",
        "error-bad-request" => "Bad request",
        "error-rate-limited" => "Too many requests: try again later",
        "error-match-rate-limited" => {
            "Too many possible-match checks this hour: try again later (the coordinator was told)"
        }
        "error-conflict" => "Edit conflict: the record changed since your version",
        "error-release-too-few-changes" => {
            "Refused: the register changed by fewer cases than the smallest cell since an earlier \
             release, so the two could be compared to reveal them (see GET /api/v1/releases)"
        }
        "error-release-other-parameters" => {
            "Refused: the same data were released as this kind with other parameters; ask for \
             the same ones (see GET /api/v1/releases)"
        }
        "error-precondition-required" => "If-Match with the version read is required",
        "error-bad-if-match" => "If-Match must be the ETag you read (a version number)",
        "error-idempotency-key" => "Idempotency-Key must be 1 to 255 visible ASCII characters",
        "error-idempotency-key-reused" => {
            "This Idempotency-Key was used with another request: use a new key for a new request"
        }
        "error-idempotency-in-progress" => {
            "The first request with this Idempotency-Key is still running: retry in a moment"
        }
        "error-method-not-allowed" => "Method not allowed here (see the Allow header)",
        "error-too-large" => "The request body is too large",
        "error-unsupported-media-type" => "Unsupported media type: send application/json",
        "error-timeout" => "The request took too long",
        "error-job-running" => "The job is still running: poll it (see Retry-After)",
        "error-job-failed" => "The job failed: its `error` says why",
        "error-job-gone" => {
            "The result was downloaded already, or not in time: start the job again"
        }
        "error-file-empty"
        | "error-file-too-large"
        | "error-file-type"
        | "error-file-mismatch"
        | "error-file-infected"
        | "error-file-scan-failed" => "File refused",
        _ => "Internal error",
    };
    let body = Problem {
        kind: format!("https://haven.invalid/problems/{key}"),
        title: title.into(),
        status: status.as_u16(),
        errors,
    };
    let mut res = (status, Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

/// 412 with the changes made since the caller's version.
#[derive(Serialize, ToSchema)]
pub(crate) struct ConflictProblem {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    changes: Vec<Change>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Change {
    version: i64,
    at: i64,
    user_name: Option<String>,
    field: String,
    /// Only for roles allowed to see previous values.
    old_value: Option<String>,
    new_value: Option<String>,
}

impl From<haven_core::cases::ChangeView> for Change {
    fn from(c: haven_core::cases::ChangeView) -> Self {
        Change {
            version: c.version,
            at: c.at,
            user_name: c.user_name,
            field: c.field,
            old_value: c.old_value,
            new_value: c.new_value,
        }
    }
}

/// Why an API call failed. Handlers return `Result<_, ApiError>` and use `?`; the answer is an
/// RFC 9457 problem document whose `type` is a stable message key.
#[derive(Debug)]
pub(crate) enum ApiError {
    Core(CoreError),
    /// A refusal of the HTTP layer itself (a missing `If-Match`, a bad one).
    Http(StatusCode, &'static str),
}

impl ApiError {
    pub(crate) fn forbidden() -> Self {
        ApiError::Core(CoreError::Forbidden)
    }

    pub(crate) fn not_found() -> Self {
        ApiError::Core(CoreError::NotFound)
    }

    pub(crate) fn invalid(field: &'static str, key: &'static str) -> Self {
        ApiError::Core(CoreError::invalid(field, key))
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError::Core(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = match self {
            ApiError::Http(status, key) => return problem(status, key, vec![]),
            ApiError::Core(e) => e,
        };
        match e {
            CoreError::NotFound => problem(StatusCode::NOT_FOUND, "error-not-found", vec![]),
            CoreError::Forbidden => problem(StatusCode::FORBIDDEN, "error-forbidden", vec![]),
            CoreError::Unauthenticated => {
                problem(StatusCode::UNAUTHORIZED, "error-unauthenticated", vec![])
            }
            CoreError::Invalid(errs) => problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "error-form",
                errs.into_iter().map(FieldProblem::from).collect(),
            ),
            e @ CoreError::File(_) => {
                let key = e.user_key();
                problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    key,
                    vec![FieldProblem {
                        field: "file".into(),
                        code: key.into(),
                    }],
                )
            }
            // Someone saved first (the caller's `If-Match` was stale): their changes since.
            CoreError::Conflict(c) => {
                let body = ConflictProblem {
                    kind: "https://haven.invalid/problems/error-conflict".into(),
                    title: "Edit conflict: the record changed since your version".into(),
                    status: 412,
                    changes: c.into_iter().map(Change::from).collect(),
                };
                problem_with(StatusCode::PRECONDITION_FAILED, body)
            }
            CoreError::Duplicate(_) => problem(StatusCode::CONFLICT, "error-duplicate", vec![]),
            CoreError::RateLimited | CoreError::MatchChecksLimited => {
                problem(StatusCode::TOO_MANY_REQUESTS, e.user_key(), vec![])
            }
            CoreError::ReleaseRefused(_) => problem(StatusCode::CONFLICT, e.user_key(), vec![]),
            e @ (CoreError::Internal(_) | CoreError::Store(_)) => {
                tracing::error!(error = %e, "api request failed");
                problem(StatusCode::INTERNAL_SERVER_ERROR, "error-internal", vec![])
            }
        }
    }
}

/// The caller, from `Authorization: Bearer`, once the token is found to hold the scope the
/// operation needs (`kit/scopes.rs`).
pub(crate) struct ApiUser(pub Principal, pub Origin);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ApiToken(grant, origin) = ApiToken::from_request_parts(parts, state).await?;
        Ok(ApiUser(grant.principal, origin))
    }
}

/// The token of `Authorization: Bearer`, if any.
pub(crate) fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The caller and the token itself (its scopes and expiry), for the operations on tokens.
pub(crate) struct ApiToken(pub BearerGrant, pub Origin);

impl FromRequestParts<AppState> for ApiToken {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ip = crate::ctx::client_ip(state.0.cfg.trust_proxy, &parts.headers, &parts.extensions);
        // The idempotency layer may have looked the token up already (`kit/idempotency.rs`).
        let grant = match parts.extensions.remove::<BearerGrant>() {
            Some(g) => g,
            None => {
                let Some(token) = bearer_token(&parts.headers) else {
                    return Err(ApiError::Core(CoreError::Unauthenticated).into_response());
                };
                match state.haven().bearer(token).await {
                    Ok(Some(g)) => g,
                    Ok(None) => {
                        return Err(ApiError::Core(CoreError::Unauthenticated).into_response());
                    }
                    Err(e) => return Err(ApiError::from(e).into_response()),
                }
            }
        };
        if let Some(refused) = refusal(state, &grant, parts) {
            return Err(refused);
        }
        Ok(ApiToken(grant, Origin { ip }))
    }
}

/// Rejects malformed JSON bodies with a problem document instead of axum's plain text.
pub(crate) struct ApiJson<T>(pub T);

/// The problem `type` for an error status that no handler explained (axum's own rejections:
/// a bad query string, a wrong method, an oversize body, a body that is not the JSON expected).
fn key_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED => "error-unauthenticated",
        StatusCode::FORBIDDEN => "error-forbidden",
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::METHOD_NOT_ALLOWED => "error-method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "error-unsupported-media-type",
        StatusCode::REQUEST_TIMEOUT => "error-timeout",
        StatusCode::UNPROCESSABLE_ENTITY => "error-form",
        StatusCode::TOO_MANY_REQUESTS => "error-rate-limited",
        s if s.is_client_error() => "error-bad-request",
        _ => "error-internal",
    }
}

/// Every error answer under `/api/` is an RFC 9457 problem document: answers the handlers did
/// not shape (rejections by axum or tower-http) are replaced by one with a stable `type`,
/// keeping their status and `Allow` header.
pub(crate) async fn problems_only(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let shaped = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if shaped {
        return res;
    }
    let allow = res.headers().get(axum::http::header::ALLOW).cloned();
    let mut out = problem(status, key_for_status(status), vec![]);
    if let Some(a) = allow {
        out.headers_mut().insert(axum::http::header::ALLOW, a);
    }
    out
}

/// The field serde names in "unknown field `x`, expected one of …".
fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_string())
}

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = Response;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        // Every request body is a JSON object: an array would be read by serde as a struct's
        // fields in order, and an empty one as "all defaults".
        let bad = |status: StatusCode| problem(status, key_for_status(status), vec![]);
        match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) if v.is_object() => serde_json::from_value(v).map(ApiJson).map_err(|e| {
                // A field the body does not take is named, as a form's error would be: a typo
                // must be found by the client, not dropped.
                match unknown_field(&e.to_string()) {
                    Some(field) => problem(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "error-form",
                        vec![FieldProblem {
                            field,
                            code: "error-unknown-field".into(),
                        }],
                    ),
                    None => bad(StatusCode::BAD_REQUEST),
                }
            }),
            Ok(Json(_)) => Err(bad(StatusCode::BAD_REQUEST)),
            // Too large, not JSON, or not sent as JSON: the rejection's own status.
            Err(rej) => Err(bad(match rej.status() {
                StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
                s => s,
            })),
        }
    }
}

/// The answer of a POST that creates one item: its id.
#[derive(Serialize, ToSchema)]
pub(crate) struct ItemCreated {
    pub(crate) id: String,
}

/// `201 Created` with the new item's id.
pub(crate) fn created(id: String) -> (StatusCode, Json<ItemCreated>) {
    (StatusCode::CREATED, Json(ItemCreated { id }))
}

/// `201 Created` with the new item's id and its address (`Location`).
pub(crate) fn created_at(id: String, location: &str) -> Response {
    let mut res = created(id).into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// A problem document with more than the usual fields (the changes since, the candidates):
/// its status and `application/problem+json`.
pub(crate) fn problem_with(status: StatusCode, body: impl Serialize) -> Response {
    let mut res = (status, Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

/// The language a document made for an API caller is written in: its `Accept-Language`.
pub(crate) fn accept_language(headers: &axum::http::HeaderMap) -> haven_i18n::Lang {
    haven_i18n::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    )
}

/// What every API request with a valid token passes, whether its handler runs or its kept
/// answer is replayed (`kit/idempotency.rs`): the token's rate, then the scope the operation
/// needs (`kit/scopes.rs`). The refusal, if any.
pub(crate) fn refusal(state: &AppState, grant: &BearerGrant, parts: &Parts) -> Option<Response> {
    if let Err(wait) = state.0.limiter.take(grant.token, std::time::Instant::now()) {
        let mut res =
            ApiError::Http(StatusCode::TOO_MANY_REQUESTS, "error-rate-limited").into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Some(res);
    }
    // Every API route is matched (an unknown path never reaches an extractor).
    let route = parts
        .extensions
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str())
        .unwrap_or_default();
    if let Some(need) = crate::kit::scopes::scope_of(&parts.method, route)
        && !grant.scopes.has(need)
    {
        return Some(ApiError::Http(StatusCode::FORBIDDEN, "error-token-scope").into_response());
    }
    None
}
