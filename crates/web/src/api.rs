//! The JSON API under `/api/v1`: personal bearer tokens, the caller's role decides as in the
//! pages, errors as RFC 9457 problem details. The OpenAPI document is generated from this file.
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use haven_authz::Principal;
use haven_core::{CoreError, Origin};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::api_cases as c;
use crate::api_duplicates as d;
use crate::api_protection as pr;
use crate::api_referrals as r;
use crate::api_tips as t;

#[derive(OpenApi)]
#[openapi(
    info(title = "Haven API", version = "1", description = "Case management and referral for victims of trafficking. \
        Authenticate with a personal token: `Authorization: Bearer hvn_...` (create one under My account)."),
    paths(me, c::list_cases, c::search_cases, c::create_case, c::get_case, c::update_case, c::case_history,
        c::close_case, c::reopen_case, c::assign_case, c::transfer_case, c::list_transfers, c::decide_transfer,
        c::add_note, c::add_event, c::put_event, c::delete_event, c::add_perpetrator, c::put_perpetrator,
        c::delete_perpetrator, c::add_attachment, c::get_attachment, c::delete_attachment, c::get_person,
        c::update_person, list_agencies, stats, ctdc_release, release_ledger, create_screening, get_screening,
        t::screening_matches, t::link_screening, t::create_tip, t::list_tips, t::get_tip, t::triage_tip,
        r::create_referral, r::list_referrals, r::get_referral, r::move_referral, r::case_services,
        r::list_notifications, r::read_notifications, pr::get_protection, pr::save_section,
        pr::list_tasks, pr::finish_task, d::check, d::queue, d::scan, d::decide,
        audit, openapi),
    components(schemas(Me, Agency, Aggregates, AggregateCell, ReleaseRequest, LedgerEntry, ScreeningRequest,
        t::TipRequest, t::TriageRequest, t::MatchRequest, t::LinkRequest, r::ReferralRequest,
        r::MoveRequest, r::ReadRequest, d::MatchCheckRequest, d::DecideRequest, pr::SectionRequest, pr::FinishRequest, AuditEvent, Problem, FieldProblem)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The OpenAPI 3.1 document, as served at `/api/v1/openapi.json` and checked in at
/// `docs/openapi.json`.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/matches/check", post(d::check))
        .route("/duplicates", get(d::queue))
        .route("/duplicates/scan", post(d::scan))
        .route("/duplicates/{id}/{action}", post(d::decide))
        .route("/cases", get(c::list_cases).post(c::create_case))
        .route("/cases/search", post(c::search_cases))
        .route("/cases/{id}", get(c::get_case).put(c::update_case))
        .route("/cases/{id}/history", get(c::case_history))
        .route("/cases/{id}/close", post(c::close_case))
        .route("/cases/{id}/reopen", post(c::reopen_case))
        .route("/cases/{id}/assign", post(c::assign_case))
        .route("/cases/{id}/transfer", post(c::transfer_case))
        .route("/cases/{id}/notes", post(c::add_note))
        .route("/cases/{id}/events", post(c::add_event))
        .route(
            "/cases/{id}/events/{eid}",
            axum::routing::put(c::put_event).delete(c::delete_event),
        )
        .route("/cases/{id}/perpetrators", post(c::add_perpetrator))
        .route(
            "/cases/{id}/perpetrators/{pid}",
            axum::routing::put(c::put_perpetrator).delete(c::delete_perpetrator),
        )
        .route(
            "/cases/{id}/attachments",
            // Uploads are limited by the router's outer upload limit instead.
            post(c::add_attachment).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/cases/{id}/attachments/{aid}",
            get(c::get_attachment).delete(c::delete_attachment),
        )
        .route("/people/{id}", get(c::get_person).put(c::update_person))
        .route("/transfers", get(c::list_transfers))
        .route("/transfers/{id}/{decision}", post(c::decide_transfer))
        .route("/agencies", get(list_agencies))
        .route("/stats", get(stats))
        .route("/releases/ctdc", post(ctdc_release))
        .route("/releases", get(release_ledger))
        .route("/screenings", post(create_screening))
        .route("/screenings/{id}", get(get_screening))
        .route("/screenings/{id}/matches", post(t::screening_matches))
        .route("/screenings/{id}/link", post(t::link_screening))
        .route("/tips", get(t::list_tips).post(t::create_tip))
        .route("/tips/{id}", get(t::get_tip))
        .route("/tips/{id}/triage", post(t::triage_tip))
        .route("/cases/{id}/referrals", post(r::create_referral))
        .route("/cases/{id}/services", get(r::case_services))
        .route("/referrals", get(r::list_referrals))
        .route("/referrals/{id}", get(r::get_referral))
        .route("/referrals/{id}/{action}", post(r::move_referral))
        .route("/cases/{id}/protection", get(pr::get_protection))
        .route("/cases/{id}/protection/{section}", post(pr::save_section))
        .route("/tasks", get(pr::list_tasks))
        .route("/tasks/{id}/{status}", post(pr::finish_task))
        .route("/notifications", get(r::list_notifications))
        .route("/notifications/read", post(r::read_notifications))
        .route("/audit", get(audit))
        .layer(axum::extract::DefaultBodyLimit::max(crate::BODY_LIMIT))
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "error-not-found", vec![]) })
}

/// RFC 9457 problem details.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    field: String,
    code: String,
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
        "error-method-not-allowed" => "Method not allowed here (see the Allow header)",
        "error-too-large" => "The request body is too large",
        "error-unsupported-media-type" => "Unsupported media type: send application/json",
        "error-timeout" => "The request took too long",
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

pub(crate) fn fail(e: CoreError) -> Response {
    match e {
        CoreError::NotFound => problem(StatusCode::NOT_FOUND, "error-not-found", vec![]),
        CoreError::Forbidden => problem(StatusCode::FORBIDDEN, "error-forbidden", vec![]),
        CoreError::Unauthenticated => {
            problem(StatusCode::UNAUTHORIZED, "error-unauthenticated", vec![])
        }
        CoreError::Invalid(errs) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-form",
            errs.into_iter()
                .map(|e| FieldProblem {
                    field: e.field.into(),
                    code: e.key.into(),
                })
                .collect(),
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
        CoreError::Store(haven_store::StoreError::Duplicate(_)) => {
            problem(StatusCode::CONFLICT, "error-duplicate", vec![])
        }
        CoreError::RateLimited | CoreError::MatchChecksLimited => {
            problem(StatusCode::TOO_MANY_REQUESTS, e.user_key(), vec![])
        }
        CoreError::ReleaseRefused(_) => problem(StatusCode::CONFLICT, e.user_key(), vec![]),
        e => {
            tracing::error!(error = %e, "api request failed");
            problem(StatusCode::INTERNAL_SERVER_ERROR, "error-internal", vec![])
        }
    }
}

pub(crate) fn forbidden() -> Response {
    fail(CoreError::Forbidden)
}

/// The caller, from `Authorization: Bearer`.
pub struct ApiUser(pub Principal, pub Origin);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token else {
            return Err(fail(CoreError::Unauthenticated));
        };
        let ip = crate::ctx::client_ip(state.0.cfg.trust_proxy, &parts.headers, &parts.extensions);
        match state.haven().bearer(token).await {
            Ok(Some(p)) => Ok(ApiUser(p, Origin { ip })),
            Ok(None) => Err(fail(CoreError::Unauthenticated)),
            Err(e) => Err(fail(e)),
        }
    }
}

/// Rejects malformed JSON bodies with a problem document instead of axum's plain text.
pub struct ApiJson<T>(pub T);

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

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = Response;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        // Every request body is a JSON object: an array would be read by serde as a struct's
        // fields in order, and an empty one as "all defaults".
        let bad = |status: StatusCode| problem(status, key_for_status(status), vec![]);
        match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) if v.is_object() => serde_json::from_value(v)
                .map(ApiJson)
                .map_err(|_| bad(StatusCode::BAD_REQUEST)),
            Ok(Json(_)) => Err(bad(StatusCode::BAD_REQUEST)),
            // Too large, not JSON, or not sent as JSON: the rejection's own status.
            Err(rej) => Err(bad(match rej.status() {
                StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
                s => s,
            })),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    user_id: String,
    agency_id: String,
    role: String,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = Problem)))]
async fn me(ApiUser(p, _): ApiUser) -> Json<Me> {
    Json(Me {
        user_id: p.user_id.to_string(),
        agency_id: p.agency_id.to_string(),
        role: p.role.as_str().into(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct Agency {
    id: String,
    name: String,
    agency_type: String,
    region: Option<String>,
    coordination_consent: bool,
}

/// The agencies of the deployment (public directory data, no personal data).
#[utoipa::path(get, path = "/api/v1/agencies", responses((status = 200, body = Vec<Agency>), (status = 401, body = Problem)))]
async fn list_agencies(State(state): State<AppState>, ApiUser(_, _): ApiUser) -> Response {
    match state.haven().list_agencies().await {
        Ok(list) => Json(
            list.into_iter()
                .map(|a| Agency {
                    id: a.id.to_string(),
                    name: a.name,
                    agency_type: a.agency_type.as_str().into(),
                    region: a.region,
                    coordination_consent: a.coordination_consent,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => fail(e),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AggregateCell {
    key: Option<String>,
    /// Absent when hidden: below the minimum cell size, or hidden with such a cell so that the
    /// total minus the counts shown does not isolate it.
    count: Option<i64>,
}

/// The statistics, from the snapshot of the current period (recomputed daily by default).
#[derive(Serialize, ToSchema)]
pub struct Aggregates {
    /// Rounded down to a multiple of `min_cell`, as every count.
    total: i64,
    min_cell: i64,
    /// When the figures were computed (Unix seconds).
    as_of: i64,
    /// When they will next be computed, at the earliest (Unix seconds).
    next_refresh: i64,
    by_status: Vec<AggregateCell>,
    by_region: Vec<AggregateCell>,
    by_exploitation: Vec<AggregateCell>,
    by_screening_outcome: Vec<AggregateCell>,
    /// Screenings by profile evaluated (a screening counts under each of its profiles).
    by_screening_profile: Vec<AggregateCell>,
    by_screening_region: Vec<AggregateCell>,
    /// By the agency of the screener (the referring agency).
    by_screening_agency: Vec<AggregateCell>,
}

/// Case and screening counts for analysts and coordinators, from the current period's snapshot;
/// small counts are hidden.
#[utoipa::path(get, path = "/api/v1/stats", responses((status = 200, body = Aggregates), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn stats(State(state): State<AppState>, ApiUser(p, o): ApiUser) -> Response {
    let Some(cap) = p.aggregates_read() else {
        return forbidden();
    };
    let conv = |v: Vec<haven_core::stats::Cell>| {
        v.into_iter()
            .map(|c| AggregateCell {
                key: c.key,
                count: c.count,
            })
            .collect()
    };
    match state.haven().aggregates(cap, &o).await {
        Ok(a) => Json(Aggregates {
            total: a.total,
            min_cell: a.min_cell,
            as_of: a.as_of,
            next_refresh: a.next_refresh,
            by_status: conv(a.by_status),
            by_region: conv(a.by_region),
            by_exploitation: conv(a.by_exploitation),
            by_screening_outcome: conv(a.by_screening_outcome),
            by_screening_profile: conv(a.by_screening_profile),
            by_screening_region: conv(a.by_screening_region),
            by_screening_agency: conv(a.by_screening_agency),
        })
        .into_response(),
        Err(e) => fail(e),
    }
}

/// A statistical release of the register in the CTDC layout.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    /// `aggregates` (k-protected counts, SDS TSV), `synthetic`, `anonymized` (k-anonymous rows),
    /// or `raw` (coordinator only; needs `passphrase`).
    kind: String,
    /// k (default 11; never below the deployment's smallest cell).
    #[serde(default)]
    k: Option<u64>,
    /// Longest combination counted or protected (1 to 4, default 3).
    #[serde(default)]
    reporting_length: Option<usize>,
    /// HXL hashtag row under the header of CSV files.
    #[serde(default)]
    hxl: bool,
    /// For `raw`: the passphrase (12 characters or more) sealing the ZIP with AES-256.
    #[serde(default)]
    passphrase: Option<String>,
    /// CTDC-layout columns where a `0` is a value to protect, as SDS's `--sensitive-zeros`;
    /// elsewhere a `0` (a flag's "not this") is no value. Default: none.
    #[serde(default)]
    sensitive_zeros: Vec<String>,
}

/// A release in the register's release ledger.
#[derive(Serialize, ToSchema)]
pub struct LedgerEntry {
    id: String,
    /// Unix seconds.
    made_at: i64,
    made_by: String,
    kind: String,
    k: i64,
    reporting_length: i64,
    /// Columns where a 0 was a value (absent for raw rows).
    sensitive_zeros: Option<Vec<String>>,
    /// Every count was rounded down to a multiple of this.
    rounding_base: i64,
    /// Cases released, rounded down to the base.
    protected_count: i64,
}

/// The register's release ledger, newest first: every statistical release, who made it and with
/// which parameters.
#[utoipa::path(get, path = "/api/v1/releases", responses((status = 200, body = Vec<LedgerEntry>),
    (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn release_ledger(State(state): State<AppState>, ApiUser(p, _o): ApiUser) -> Response {
    let Some(cap) = p.aggregates_read() else {
        return forbidden();
    };
    match state.haven().release_ledger(cap).await {
        Ok(v) => Json(
            v.into_iter()
                .map(|e| LedgerEntry {
                    id: e.id,
                    made_at: e.made_at,
                    made_by: e.made_by,
                    kind: e.kind,
                    k: e.k,
                    reporting_length: e.reporting_length,
                    sensitive_zeros: e.sensitive_zeros,
                    rounding_base: e.rounding_base,
                    protected_count: e.protected_count,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => fail(e),
    }
}

/// The release: a ZIP holding the data file and its JSON manifest (AES-256 sealed for `raw`).
/// Audited.
#[utoipa::path(post, path = "/api/v1/releases/ctdc", request_body = ReleaseRequest,
    responses((status = 200, description = "application/zip"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn ctdc_release(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<ReleaseRequest>,
) -> Response {
    let Some(cap) = p.aggregates_read() else {
        return forbidden();
    };
    let Some(kind) = haven_core::release::ReleaseKind::parse(&r.kind) else {
        return fail(CoreError::invalid("kind", "error-release-kind"));
    };
    let req = haven_core::release::ReleaseRequest {
        kind,
        resolution: r.k.unwrap_or(11),
        reporting_length: r.reporting_length.unwrap_or(3),
        hxl: r.hxl,
        passphrase: r.passphrase,
        sensitive_zeros: r.sensitive_zeros,
    };
    match state
        .haven()
        .ctdc_release(cap, p.ctdc_raw_export(), &o, req)
        .await
    {
        Ok(f) => zip_download(f),
        Err(e) => fail(e),
    }
}

/// A screening interview by the ILO/EC indicators.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningRequest {
    /// The case it belongs to (you must be able to change it); none for a screening before a case.
    #[serde(default)]
    case_id: Option<String>,
    /// YYYY-MM-DD; today if left out.
    #[serde(default)]
    screened_on: String,
    /// Region code (e.g. GY-CU).
    #[serde(default)]
    region: String,
    /// Where (sealed; no address of a private person).
    #[serde(default)]
    place: String,
    /// ISO 639 code of the interview's language.
    #[serde(default)]
    language: String,
    #[serde(default)]
    interpreter: bool,
    #[serde(default = "yes")]
    person_present: bool,
    /// The person (or a child's guardian) agreed to be screened; required.
    consent: bool,
    /// For the choice of profiles (not stored): age in years if known, whether uncertain, and the
    /// kinds of exploitation suspected.
    #[serde(default)]
    age: Option<u32>,
    #[serde(default)]
    age_uncertain: bool,
    #[serde(default)]
    labour: bool,
    #[serde(default)]
    sexual: bool,
    /// Recruited, transported, transferred, harboured or received.
    #[serde(default)]
    act: bool,
    /// Indicator id → `{"answer": "present"|"absent"|"unknown", "evidence": "..."}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    answers: std::collections::BTreeMap<String, haven_core::screening::IndicatorAnswer>,
}

fn yes() -> bool {
    true
}

/// Records a screening and returns it evaluated for every applicable profile (outcome, positive
/// dimensions and their indicators, the Palermo elements, what is missing). Not a legal
/// determination. Audited.
#[utoipa::path(post, path = "/api/v1/screenings", request_body = ScreeningRequest,
    responses((status = 201, description = "the screening, evaluated"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_screening(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<ScreeningRequest>,
) -> Response {
    let case_id = match r.case_id.as_deref().map(str::parse) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return fail(CoreError::NotFound),
    };
    let input = haven_core::screening::ScreeningInput {
        case_id,
        screened_on: r.screened_on,
        region: r.region,
        place: r.place,
        language: r.language,
        interpreter: r.interpreter,
        person_present: r.person_present,
        consent: r.consent,
        age: r.age,
        age_uncertain: r.age_uncertain,
        labour: r.labour,
        sexual: r.sexual,
        act: r.act,
        answers: r.answers,
    };
    match state.haven().record_screening(&p, input, &o).await {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => fail(e),
    }
}

/// A screening, evaluated by the current indicator set. Audited.
#[utoipa::path(get, path = "/api/v1/screenings/{id}",
    responses((status = 200, description = "the screening, evaluated"), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
async fn get_screening(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    match state.haven().open_screening(&p, &id, &o).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => fail(e),
    }
}

/// A release as a download that no cache keeps.
pub(crate) fn zip_download(f: haven_core::release::ReleaseFile) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", f.file_name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        f.bytes,
    )
        .into_response()
}

#[derive(Serialize, ToSchema)]
pub struct AuditEvent {
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
pub struct AuditParams {
    action: Option<String>,
    user: Option<String>,
    target: Option<String>,
    before: Option<i64>,
    limit: Option<i64>,
}

/// The audit trail, newest first (auditors only).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams),
    responses((status = 200, body = Vec<AuditEvent>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn audit(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<AuditParams>,
) -> Response {
    let Some(cap) = p.audit_read() else {
        return forbidden();
    };
    let f = haven_store::audit::AuditFilter {
        actor_user_id: q.user.and_then(|u| u.parse().ok()),
        action: q.action.filter(|a| !a.is_empty()),
        target_id: q.target.filter(|t| !t.is_empty()),
        from: None,
        to: None,
        before_seq: q.before,
        limit: q.limit.unwrap_or(100).clamp(1, 1000),
    };
    match state.haven().audit_events(cap, &f, false, &o).await {
        Ok(events) => Json(
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
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => fail(e),
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", security(()), responses((status = 200, description = "OpenAPI 3.1 document")))]
async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        openapi_json(),
    )
        .into_response()
}
