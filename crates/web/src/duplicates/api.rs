//! The API of possible matches (before a registration) and of the coordinator's duplicate
//! review queue.
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use haven_core::CoreError;
use haven_core::duplicates::{MatchReport, PairView, ScanOutcome, TypedPerson};
use haven_domain::PersonId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::kit::paging::{PageParams, paged};
use crate::kit::problem::{ApiError, ApiJson, ApiUser, Problem};

/// A person about to be registered.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MatchCheckRequest {
    first_name: String,
    family_name: String,
    /// `YYYY-MM-DD`, or a year.
    birth_date: String,
    sex: String,
}

/// Possible existing records of a person about to be registered: those the caller may see
/// (`visible`: case, name, probability and reasons) and the agencies holding others
/// (`elsewhere`: ask the coordinator). Audited.
#[utoipa::path(post, path = "/api/v1/matches/check", request_body = MatchCheckRequest,
    responses((status = 200, description = "possible existing records", body = MatchReport), (status = 403, body = Problem)))]
pub(crate) async fn check(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<MatchCheckRequest>,
) -> Result<Json<MatchReport>, ApiError> {
    let who = TypedPerson {
        first_name: r.first_name,
        family_name: r.family_name,
        birth_date: r.birth_date,
        sex: r.sex,
    };
    let v = state
        .haven()
        .possible_matches(&p, &who, "api_check", &o)
        .await?;
    Ok(Json(v))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(crate) struct QueueParams {
    /// `open` (default), `merged` or `different`.
    status: Option<String>,
}

/// The coordinator's duplicate review queue: open pairs most probable first, decided pairs
/// newest decision first (then by id). Audited.
#[utoipa::path(get, path = "/api/v1/duplicates", params(QueueParams, PageParams),
    responses((status = 200, description = "pairs with their explanation", body = Vec<PairView>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn queue(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<QueueParams>,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let cap = p.duplicate_review().ok_or_else(ApiError::forbidden)?;
    let status = q.status.unwrap_or_else(|| "open".into());
    let (list, next) = state
        .haven()
        .duplicate_queue(cap, &status, &pg.request()?, &o)
        .await?;
    Ok(paged(list, next, "/api/v1/duplicates", raw.as_deref()))
}

/// Looks for new pairs now. Returns `{examined, proposed}`.
#[utoipa::path(post, path = "/api/v1/duplicates/scan",
    responses((status = 200, description = "what the scan did", body = ScanOutcome), (status = 403, body = Problem)))]
pub(crate) async fn scan(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
) -> Result<Json<ScanOutcome>, ApiError> {
    if p.duplicate_review().is_none() {
        return Err(ApiError::forbidden());
    }
    Ok(Json(state.haven().scan_duplicates(Some(&p), &o).await?))
}

/// A decision on a pair.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DecideRequest {
    /// For `merge`: the person kept (one of the pair's two).
    keep: String,
}

/// `merge` (keep one person, both histories), `different` (remembered), `unmerge` (undo a
/// merge) or `reopen` (a pair marked different). Audited.
#[utoipa::path(post, path = "/api/v1/duplicates/{id}/{action}", request_body = DecideRequest,
    params(("id" = String, Path), ("action" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn decide(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path((id, action)): Path<(String, String)>,
    ApiJson(r): ApiJson<DecideRequest>,
) -> Result<StatusCode, ApiError> {
    let cap = p.duplicate_review().ok_or_else(ApiError::forbidden)?;
    let h = state.haven();
    match action.as_str() {
        "merge" => match r.keep.parse::<PersonId>() {
            Ok(keep) => h.merge_pair(cap, &id, keep, &o).await,
            Err(_) => Err(CoreError::invalid("keep", "error-unknown-code")),
        },
        "different" => h.dismiss_pair(cap, &id, &o).await,
        "unmerge" => h.unmerge_pair(cap, &id, &o).await,
        "reopen" => h.reopen_pair(cap, &id, &o).await,
        _ => Err(CoreError::NotFound),
    }?;
    Ok(StatusCode::NO_CONTENT)
}
