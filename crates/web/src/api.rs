//! The JSON API under `/api/v1`: personal bearer tokens, the caller's role decides as in the
//! pages, errors as RFC 9457 problem details. The OpenAPI document is generated from this file.
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use haven_authz::Principal;
use haven_core::cases::{CaseSearch, NewCase};
use haven_core::{CoreError, Origin};
use haven_domain::CaseId;
use haven_i18n::Lang;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Haven API", version = "1", description = "Case management and referral for victims of trafficking. \
        Authenticate with a personal token: `Authorization: Bearer hvn_...` (create one under My account)."),
    paths(me, list_cases, search_cases, create_case, get_case, list_agencies, stats, audit, openapi),
    components(schemas(Me, CaseSummary, CaseList, CaseDetail, PersonDetail, SearchRequest, CreateCaseRequest, Created,
        Agency, Aggregates, AggregateCell, AuditEvent, Problem, FieldProblem)),
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
        .route("/cases", get(list_cases).post(create_case))
        .route("/cases/search", post(search_cases))
        .route("/cases/{id}", get(get_case))
        .route("/agencies", get(list_agencies))
        .route("/stats", get(stats))
        .route("/audit", get(audit))
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "error-not-found", Lang::En, vec![]) })
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

fn problem(
    status: StatusCode,
    key: &'static str,
    _lang: Lang,
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

fn fail(e: CoreError) -> Response {
    match e {
        CoreError::NotFound => problem(StatusCode::NOT_FOUND, "error-not-found", Lang::En, vec![]),
        CoreError::Forbidden => problem(StatusCode::FORBIDDEN, "error-forbidden", Lang::En, vec![]),
        CoreError::Unauthenticated => problem(
            StatusCode::UNAUTHORIZED,
            "error-unauthenticated",
            Lang::En,
            vec![],
        ),
        CoreError::Invalid(errs) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-form",
            Lang::En,
            errs.into_iter()
                .map(|e| FieldProblem {
                    field: e.field.into(),
                    code: e.key.into(),
                })
                .collect(),
        ),
        CoreError::Store(haven_store::StoreError::Duplicate(_)) => {
            problem(StatusCode::CONFLICT, "error-duplicate", Lang::En, vec![])
        }
        e => {
            tracing::error!(error = %e, "api request failed");
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
                Lang::En,
                vec![],
            )
        }
    }
}

fn forbidden() -> Response {
    fail(CoreError::Forbidden)
}

/// The caller, from `Authorization: Bearer`.
pub struct ApiUser(Principal, Origin);

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
pub struct ApiJson<T>(T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = Response;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(_) => Err(problem(
                StatusCode::BAD_REQUEST,
                "error-bad-request",
                Lang::En,
                vec![],
            )),
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
pub struct CaseSummary {
    id: String,
    case_number: String,
    status: String,
    owner_agency: String,
    region: Option<String>,
    opened_at: i64,
    person_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    items: Vec<CaseSummary>,
    total: i64,
    page: i64,
    pages: i64,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct SearchRequest {
    #[serde(default)]
    name: String,
    #[serde(default)]
    case_number: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: Option<i64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    page: Option<i64>,
}

async fn run_search(
    state: &AppState,
    p: &Principal,
    origin: &Origin,
    s: SearchRequest,
) -> Response {
    let Some(cap) = p.case_list() else {
        return forbidden();
    };
    let search = CaseSearch {
        name: s.name,
        case_number: s.case_number,
        status: s.status,
        page: s.page.unwrap_or(1),
        per_page: 50,
    };
    match state.haven().list_cases(cap, &search, origin).await {
        Ok(page) => Json(CaseList {
            items: page
                .items
                .into_iter()
                .map(|c| CaseSummary {
                    id: c.id.to_string(),
                    case_number: c.case_number,
                    status: c.status.as_str().into(),
                    owner_agency: c.owner_agency_name,
                    region: c.region,
                    opened_at: c.opened_at,
                    person_name: c.person_name,
                })
                .collect(),
            total: page.total,
            page: page.page,
            pages: page.pages,
        })
        .into_response(),
        Err(e) => fail(e),
    }
}

/// The cases the caller may see, newest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/cases", params(PageParams),
    responses((status = 200, body = CaseList), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list_cases(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<PageParams>,
) -> Response {
    run_search(
        &state,
        &p,
        &o,
        SearchRequest {
            page: q.page,
            ..Default::default()
        },
    )
    .await
}

/// Search by name (accent-, case- and spelling-tolerant), case number or status. A POST, so that
/// names never appear in URLs or logs.
#[utoipa::path(post, path = "/api/v1/cases/search", request_body = SearchRequest,
    responses((status = 200, body = CaseList), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn search_cases(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(s): ApiJson<SearchRequest>,
) -> Response {
    run_search(&state, &p, &o, s).await
}

#[derive(Deserialize, ToSchema, Default)]
pub struct CreateCaseRequest {
    first_name: String,
    #[serde(default)]
    middle_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    nickname: String,
    /// YYYY-MM-DD
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    age_uncertain: bool,
    /// HTCDS prs_Gender code
    #[serde(default)]
    gender: String,
    /// ISO 3166 alpha-2
    #[serde(default)]
    citizenship: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    /// ISO 3166-2 region code
    #[serde(default)]
    region: String,
    /// HTCDS vic_TypeOfExploitation code
    #[serde(default)]
    exploitation_type: String,
    #[serde(default)]
    summary: String,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: String,
    case_number: String,
}

/// Registers a person and opens a case owned by the caller's agency.
#[utoipa::path(post, path = "/api/v1/cases", request_body = CreateCaseRequest,
    responses((status = 201, body = Created), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<CreateCaseRequest>,
) -> Response {
    let Some(cap) = p.case_create() else {
        return forbidden();
    };
    let input = NewCase {
        first_name: r.first_name,
        middle_name: r.middle_name,
        last_name: r.last_name,
        nickname: r.nickname,
        birth_date: r.birth_date,
        age_uncertain: r.age_uncertain,
        gender: r.gender,
        citizenship: r.citizenship,
        phone: r.phone,
        address: r.address,
        region: r.region,
        exploitation_type: r.exploitation_type,
        summary: r.summary,
    };
    match state.haven().create_case(cap, &input, &o).await {
        Ok((id, number)) => (
            StatusCode::CREATED,
            Json(Created {
                id: id.to_string(),
                case_number: number,
            }),
        )
            .into_response(),
        Err(e) => fail(e),
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonDetail {
    first_name: Option<String>,
    middle_name: Option<String>,
    last_name: Option<String>,
    nickname: Option<String>,
    birth_date: Option<String>,
    age_uncertain: bool,
    gender: Option<String>,
    citizenship: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseDetail {
    id: String,
    case_number: String,
    status: String,
    owner_agency_id: String,
    owner_agency: String,
    region: Option<String>,
    exploitation_type: Option<String>,
    opened_at: i64,
    summary: Option<String>,
    person: PersonDetail,
}

/// One case. A case the caller may not see answers 404, like one that does not exist.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = String, Path, description = "Case id (UUID)")),
    responses((status = 200, body = CaseDetail), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return fail(CoreError::NotFound);
    };
    match state.haven().open_case(&p, id, &o).await {
        Ok(c) => Json(CaseDetail {
            id: c.id.to_string(),
            case_number: c.case_number,
            status: c.status.as_str().into(),
            owner_agency_id: c.owner_agency_id.to_string(),
            owner_agency: c.owner_agency_name,
            region: c.region,
            exploitation_type: c.exploitation_type,
            opened_at: c.opened_at,
            summary: c.summary,
            person: PersonDetail {
                first_name: c.person.first_name,
                middle_name: c.person.middle_name,
                last_name: c.person.last_name,
                nickname: c.person.nickname,
                birth_date: c.person.birth_date,
                age_uncertain: c.person.age_uncertain,
                gender: c.person.gender,
                citizenship: c.person.citizenship,
                phone: c.person.phone,
                address: c.person.address,
            },
        })
        .into_response(),
        Err(e) => fail(e),
    }
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
    /// Absent when below the minimum cell size.
    count: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Aggregates {
    total: i64,
    min_cell: i64,
    by_status: Vec<AggregateCell>,
    by_region: Vec<AggregateCell>,
    by_exploitation: Vec<AggregateCell>,
}

/// Case counts for analysts and coordinators; small counts are suppressed.
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
            by_status: conv(a.by_status),
            by_region: conv(a.by_region),
            by_exploitation: conv(a.by_exploitation),
        })
        .into_response(),
        Err(e) => fail(e),
    }
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
