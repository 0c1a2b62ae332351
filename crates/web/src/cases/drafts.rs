//! The API of registration drafts: a form saved as it is (nothing required), resumed later, and
//! registered as a case when complete. Drafts are the author's own: nobody else sees them, and
//! they are deleted after the policy's days untouched.
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use haven_core::transfers::DraftView;
use haven_domain::record::CaseRecord;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::cases::api::case_created;
use crate::kit::paging::{PageParams, paged};
use crate::kit::problem::{
    ApiError, ApiJson, ApiUser, FieldProblem, ItemCreated, Problem, created_at,
};

/// A saved registration form.
#[derive(Serialize, ToSchema)]
pub(crate) struct Draft {
    id: String,
    /// Last saved (Unix seconds).
    updated_at: i64,
    /// The record as saved; codes that were not valid are kept out, as in the form.
    record: CaseRecord,
    /// What stands between the draft and a case: the problems registering this record would
    /// meet (required fields still empty included).
    problems: Vec<FieldProblem>,
}

impl Draft {
    fn of(d: DraftView, today: time::Date) -> Self {
        let problems = d.record.clone().normalise(today).err().unwrap_or_default();
        Draft {
            id: d.id,
            updated_at: d.updated_at,
            record: d.record,
            problems: problems.into_iter().map(FieldProblem::from).collect(),
        }
    }
}

/// `201 Created` with a new draft's id and address.
pub(crate) fn draft_created(id: String) -> Response {
    let at = format!("/api/v1/drafts/{id}");
    created_at(id, &at)
}

/// Your drafts, last saved first, then by id. Audited.
#[utoipa::path(get, path = "/api/v1/drafts", params(PageParams),
    responses((status = 200, description = "your drafts, last saved first", body = Vec<Draft>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_drafts(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let cap = p.case_create().ok_or_else(ApiError::forbidden)?;
    let haven = state.haven();
    let (drafts, next) = haven.list_drafts(cap, &pg.request()?, &o).await?;
    let today = haven.today();
    let list: Vec<Draft> = drafts.into_iter().map(|d| Draft::of(d, today)).collect();
    Ok(paged(list, next, "/api/v1/drafts", raw.as_deref()))
}

/// Saves a registration as it is: nothing is required, an over-long text is refused. Audited.
#[utoipa::path(post, path = "/api/v1/drafts", request_body = CaseRecord,
    responses((status = 201, description = "the draft's id", body = ItemCreated, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_draft(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<CaseRecord>,
) -> Result<Response, ApiError> {
    let cap = p.case_create().ok_or_else(ApiError::forbidden)?;
    let id = state.haven().save_draft(cap, None, r, &o).await?;
    Ok(draft_created(id))
}

/// One of your drafts, with the problems it still has. Audited.
#[utoipa::path(get, path = "/api/v1/drafts/{id}", params(("id" = String, Path, description = "Draft id")),
    responses((status = 200, description = "the draft", body = Draft), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn get_draft(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Draft>, ApiError> {
    let cap = p.case_create().ok_or_else(ApiError::forbidden)?;
    let haven = state.haven();
    let d = haven.open_draft(cap, &id, &o).await?;
    Ok(Json(Draft::of(d, haven.today())))
}

/// Saves a draft again with the whole record sent. Audited.
#[utoipa::path(put, path = "/api/v1/drafts/{id}", request_body = CaseRecord,
    params(("id" = String, Path, description = "Draft id")),
    responses((status = 204, description = "saved"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn put_draft(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<CaseRecord>,
) -> Result<StatusCode, ApiError> {
    let cap = p.case_create().ok_or_else(ApiError::forbidden)?;
    state.haven().save_draft(cap, Some(&id), r, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes one of your drafts. Audited.
#[utoipa::path(delete, path = "/api/v1/drafts/{id}", params(("id" = String, Path, description = "Draft id")),
    responses((status = 204, description = "deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn delete_draft(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let cap = p.case_create().ok_or_else(ApiError::forbidden)?;
    state.haven().delete_draft(cap, &id, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Registers the case a draft was for, with the completed record (the same rules as
/// `POST /cases`). The draft is deleted, and a screening it was started from goes with the new
/// case. Audited.
#[utoipa::path(post, path = "/api/v1/drafts/{id}/register", request_body = CaseRecord,
    params(("id" = String, Path, description = "Draft id")),
    responses((status = 201, description = "the new case", body = crate::cases::api::Created, headers(("ETag" = String), ("Location" = String))),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn register_draft(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<CaseRecord>,
) -> Result<Response, ApiError> {
    let cap = p.case_create().ok_or_else(ApiError::forbidden)?;
    let haven = state.haven();
    // An unknown draft is a 404, not a case registered without its screening.
    if !haven.has_draft(cap, &id).await? {
        return Err(ApiError::Core(haven_core::CoreError::NotFound));
    }
    let (case, number) = haven.create_case(cap, r, Some(&id), &o).await?;
    Ok(case_created(case, number))
}
