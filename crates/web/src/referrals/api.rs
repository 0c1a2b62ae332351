//! The API of referrals (create, list, read, move on, redirect), of the services of a case, of
//! the service directory and of the caller's notifications. The same use-cases and rules as the pages.
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use haven_core::notifications::NotificationView;
use haven_core::referrals::consents::{ServiceFilter, ServiceInput, ServiceView};
use haven_core::referrals::{CaseServiceView, Decision, ReferralInput, ReferralView};
use haven_core::support::cursor::PageRequest;
use haven_domain::CaseId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::kit::paging::{PageParams, paged};
use crate::kit::problem::{ApiError, ApiJson, ApiUser, ItemCreated, Problem, created};

/// A referral of a case's person to another agency.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ReferralRequest {
    /// The receiving agency's id.
    to_agency_id: String,
    /// Optionally, one person there (user id): only they (or a coordinator) answer.
    to_user: String,
    /// Service types (as in the directory), at least one.
    services: Vec<String>,
    /// `emergency`, `within_24h` or `routine`.
    urgency: String,
    reason: String,
    /// What the recipient sees once it accepts: `identity`, `languages`, `contact`,
    /// `exploitation`, `screening`.
    sections: Vec<String>,
    /// Send now (needs the person's current consent for the agency); otherwise a draft.
    send: bool,
    /// Coordinator only, for an emergency referral without a current consent (flagged).
    emergency_justification: String,
}

/// Creates a referral on a case (draft, or sent). Returns its id. Audited.
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", request_body = ReferralRequest,
    params(("id" = String, Path)),
    responses((status = 201, description = "the new referral", body = ItemCreated), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn create_referral(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ReferralRequest>,
) -> Result<Response, ApiError> {
    let case = id.parse::<CaseId>().map_err(|_| ApiError::not_found())?;
    let input = ReferralInput {
        to_agency_id: r.to_agency_id,
        to_user: r.to_user,
        services: r.services,
        urgency: r.urgency,
        reason: r.reason,
        sections: r.sections,
        send: r.send,
        emergency_justification: r.emergency_justification,
    };
    let id = state.haven().create_referral(&p, case, &input, &o).await?;
    Ok(created(id).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReferralListQuery {
    /// `incoming` (default: to the caller's agency), `outgoing` or `overdue`.
    #[serde(rename = "box")]
    which: String,
    /// The cursor of the page before, from its `Link: rel="next"`.
    cursor: String,
    /// Referrals per page, 1 to 1,000 (default 500).
    limit: Option<usize>,
}

/// The referrals of the caller's agency: received, sent, or past their answer deadline (all of
/// them for the coordinator). Coded facts and the reason, never a part of a case. Audited.
#[utoipa::path(get, path = "/api/v1/referrals", params(ReferralListQuery),
    responses((status = 200, description = "referrals, newest first (overdue: soonest due first)", body = Vec<ReferralView>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 403, body = Problem)))]
pub(crate) async fn list_referrals(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<ReferralListQuery>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let h = state.haven();
    let limit = q.limit.unwrap_or(500);
    if limit == 0 || limit > 1000 {
        return Err(ApiError::invalid("limit", "error-number-range"));
    }
    let (list, next) = match q.which.as_str() {
        "" | "incoming" => h.referrals_page(&p, true, &q.cursor, limit, &o).await?,
        "outgoing" => h.referrals_page(&p, false, &q.cursor, limit, &o).await?,
        "overdue" => PageRequest::new(&q.cursor, limit)?.cut(h.overdue_referrals(&p).await?, |r| {
            (r.due_at.unwrap_or(0), r.id.clone())
        }),
        _ => return Err(ApiError::invalid("box", "error-unknown-code")),
    };
    Ok(paged(list, next, "/api/v1/referrals", raw.as_deref()))
}

/// One referral. The receiving agency gets `shared` (the shared sections of the case) once it
/// has accepted; the sending side sees the referral with the case. Audited.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", params(("id" = String, Path)),
    responses((status = 200, description = "the referral", body = ReferralView), (status = 404, body = Problem)))]
pub(crate) async fn get_referral(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ReferralView>, ApiError> {
    let v = state.haven().open_referral(&p, &id, &o).await?;
    Ok(Json(v))
}

/// The printable referral (PDF) for an agency without Haven, in the language of
/// `Accept-Language` (English by default): what the receiving side may see, as on the page.
/// Audited.
#[utoipa::path(get, path = "/api/v1/referrals/{id}/print.pdf", params(("id" = String, Path)),
    responses((status = 200, description = "the referral as a PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = Problem)))]
pub(crate) async fn print_referral(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = crate::kit::problem::accept_language(&headers);
    let bytes = state
        .haven()
        .referral_pdf(&p, &id, state.i18n(), lang, &o)
        .await?;
    Ok(crate::kit::page::download(
        bytes,
        "application/pdf",
        &format!("referral-{}.pdf", id.chars().take(36).collect::<String>()),
    ))
}

/// A step on a referral.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MoveRequest {
    /// Decline reason, outcome (required for `decline` and `complete`) or revocation reason.
    note: String,
    /// For `redirect`: the new agency, and optionally a person there.
    to_agency_id: String,
    to_user: String,
}

/// Moves a referral on: `send` (a draft), `accept`, `decline`, `start`, `complete`, `revoke`, or
/// `redirect` (a declined one, to another agency: returns the new referral's id). Audited.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/{action}", request_body = MoveRequest,
    params(("id" = String, Path), ("action" = String, Path)),
    responses((status = 204), (status = 201, description = "the redirected referral", body = ItemCreated),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn move_referral(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path((id, action)): Path<(String, String)>,
    ApiJson(r): ApiJson<MoveRequest>,
) -> Result<Response, ApiError> {
    let h = state.haven();
    if action == "redirect" {
        let new_id = h
            .redirect_referral(&p, &id, &r.to_agency_id, &r.to_user, &o)
            .await?;
        return Ok(created(new_id).into_response());
    }
    let d = match action.as_str() {
        "send" => Decision::Send,
        "accept" => Decision::Accept,
        "decline" => Decision::Decline { reason: r.note },
        "start" => Decision::Start,
        "complete" => Decision::Complete { outcome: r.note },
        "revoke" => Decision::Revoke { reason: r.note },
        _ => return Err(ApiError::not_found()),
    };
    h.decide_referral(&p, &id, d, &o).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The services requested for the person of a case (through referrals) and their outcome.
#[utoipa::path(get, path = "/api/v1/cases/{id}/services", params(("id" = String, Path)),
    responses((status = 200, description = "services, oldest first", body = Vec<haven_core::referrals::CaseServiceView>), (status = 404, body = Problem)))]
pub(crate) async fn case_services(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<CaseServiceView>>, ApiError> {
    let case = id.parse::<CaseId>().map_err(|_| ApiError::not_found())?;
    Ok(Json(state.haven().case_services(&p, case, &o).await?))
}

/// The caller's notifications, unread first, then newest first (kinds and links by id only).
/// A notification read between two pages moves to the read part of the list.
#[utoipa::path(get, path = "/api/v1/notifications", params(PageParams),
    responses((status = 200, description = "your notifications, unread first, then newest first", body = Vec<NotificationView>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 422, body = Problem)))]
pub(crate) async fn list_notifications(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (list, next) = state.haven().notifications(&p, &pg.request()?).await?;
    Ok(paged(list, next, "/api/v1/notifications", raw.as_deref()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ReadRequest {
    /// One notification; absent: all of the caller's.
    id: Option<String>,
}

/// Marks the caller's notifications read (one, or all). Returns how many changed.
#[utoipa::path(post, path = "/api/v1/notifications/read", request_body = ReadRequest,
    responses((status = 200, description = "how many changed", body = ReadAnswer)))]
pub(crate) async fn read_notifications(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    ApiJson(r): ApiJson<ReadRequest>,
) -> Result<Json<ReadAnswer>, ApiError> {
    let read = state
        .haven()
        .mark_notifications_read(&p, r.id.as_deref())
        .await?;
    Ok(Json(ReadAnswer { read }))
}

/// How many notifications were marked read.
#[derive(serde::Serialize, ToSchema)]
pub(crate) struct ReadAnswer {
    read: u64,
}

// ---- the service directory ----

/// Who the service is for: the directory's search. Posted, so that a person's age or
/// nationality never goes into a URL. Every field is optional.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ServiceSearch {
    /// A service type code (as in a referral's `services`).
    service_type: String,
    /// ISO 3166-2 region served.
    region: String,
    /// A gender code.
    gender: String,
    age: Option<i64>,
    /// ISO 3166 country code.
    nationality: String,
    /// ISO 639 language code.
    language: String,
    /// A type of exploitation code.
    exploitation: String,
    agency_id: String,
    /// Include services marked inactive.
    include_inactive: bool,
}

/// The service directory: the services a person with these facts may use (an unset fact admits
/// any service). Free places are in `capacity_free`, with their age in `capacity_at`.
#[utoipa::path(post, path = "/api/v1/services/search", request_body = ServiceSearch,
    responses((status = 200, body = Vec<ServiceView>)))]
pub(crate) async fn search_services(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    ApiJson(r): ApiJson<ServiceSearch>,
) -> Result<Json<Vec<ServiceView>>, ApiError> {
    let f = ServiceFilter {
        service_type: r.service_type,
        region: r.region,
        gender: r.gender,
        age: r.age.map(|a| a.to_string()).unwrap_or_default(),
        nationality: r.nationality,
        language: r.language,
        exploitation: r.exploitation,
        agency_id: r.agency_id,
        all: if r.include_inactive {
            "1".into()
        } else {
            String::new()
        },
    };
    Ok(Json(state.haven().services(&p, &f).await?))
}

/// One service of the directory.
#[utoipa::path(get, path = "/api/v1/services/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ServiceView), (status = 404, body = Problem)))]
pub(crate) async fn get_service(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ServiceView>, ApiError> {
    Ok(Json(state.haven().service(&p, &id).await?))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(crate) struct NeedQuery {
    /// A service type code; empty: every type.
    service_type: String,
}

/// The services the person of a case may use (by the case's own facts: age, gender,
/// nationality, languages, exploitation, region). Audited as a read of the case.
#[utoipa::path(get, path = "/api/v1/cases/{id}/matching-services", params(("id" = String, Path), NeedQuery),
    responses((status = 200, body = Vec<ServiceView>), (status = 404, body = Problem)))]
pub(crate) async fn services_for_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    Query(q): Query<NeedQuery>,
) -> Result<Json<Vec<ServiceView>>, ApiError> {
    let case = id.parse::<CaseId>().map_err(|_| ApiError::not_found())?;
    let (_, items) = state
        .haven()
        .services_for_case(&p, case, &q.service_type, &o)
        .await?;
    Ok(Json(items))
}

/// A service of one's agency, as the directory lists it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ServiceRequest {
    /// The providing agency (one's own; any for the coordinator and admins).
    agency_id: String,
    service_type: String,
    name: String,
    description: String,
    /// Gender codes admitted; empty: anyone.
    genders: Vec<String>,
    age_min: Option<i64>,
    age_max: Option<i64>,
    /// ISO 3166 codes admitted; empty: anyone.
    nationalities: Vec<String>,
    /// ISO 639 codes spoken.
    languages: Vec<String>,
    /// Types of exploitation served; empty: any.
    exploitation: Vec<String>,
    /// ISO 3166-2 regions served; empty: all.
    regions: Vec<String>,
    hours: String,
    emergency_line: String,
    capacity_total: Option<i64>,
    capacity_free: Option<i64>,
    /// Listed in the directory (default); false takes it off without deleting it.
    #[serde(default = "listed")]
    active: bool,
}

fn listed() -> bool {
    true
}

fn service_input(r: ServiceRequest) -> ServiceInput {
    let n = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    ServiceInput {
        agency_id: r.agency_id,
        service_type: r.service_type,
        name: r.name,
        description: r.description,
        genders: r.genders,
        age_min: n(r.age_min),
        age_max: n(r.age_max),
        nationalities: r.nationalities.join(","),
        languages: r.languages.join(","),
        exploitation: r.exploitation,
        regions: r.regions,
        hours: r.hours,
        emergency_line: r.emergency_line,
        capacity_total: n(r.capacity_total),
        capacity_free: n(r.capacity_free),
        active: if r.active { "1".into() } else { String::new() },
    }
}

/// Adds a service to the directory (for one's own agency; any for the coordinator and
/// admins). Audited.
#[utoipa::path(post, path = "/api/v1/services", request_body = ServiceRequest,
    responses((status = 201, body = ItemCreated), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_service(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<ServiceRequest>,
) -> Result<Response, ApiError> {
    let id = state
        .haven()
        .save_service(&p, None, &service_input(r), &o)
        .await?;
    Ok(created(id).into_response())
}

/// Replaces a service of the directory (who may: as for adding it). Audited.
#[utoipa::path(put, path = "/api/v1/services/{id}", request_body = ServiceRequest,
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn update_service(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ServiceRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .haven()
        .save_service(&p, Some(&id), &service_input(r), &o)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Free places now.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CapacityRequest {
    free: i64,
}

/// Sets a service's free places (its agency's staff, the coordinator). Audited.
#[utoipa::path(post, path = "/api/v1/services/{id}/capacity", request_body = CapacityRequest,
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn service_capacity(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<CapacityRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .haven()
        .update_capacity(&p, &id, &r.free.to_string(), &o)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
