//! Import jobs in the JSON API: `POST /imports` (multipart: `file`, optional `default_region`
//! and `mapping`) starts a job and answers 202 with it; `GET /imports/{id}` is its state (the
//! preview once read, the counts once committed: poll until `status` is `previewed`, then
//! `committed` or `failed`); `POST /imports/{id}/commit` starts the commit; `GET
//! /imports/{id}/errors` is the file of the rows left out. A job is its uploader's alone.
use axum::Json;
use axum::extract::{Multipart, Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use haven_core::imports::ImportSettings;
use haven_core::imports::jobs::ImportJob;
use haven_interchange::Mapping;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::kit::paging::{PageParams, paged};
use crate::kit::problem::{ApiError, ApiUser, Problem};

/// An import job.
#[derive(Serialize, ToSchema)]
pub(crate) struct ImportJobDocument {
    id: String,
    /// `uploaded` (being read), `previewed`, `committing`, `committed`, `failed` or `expired`.
    status: String,
    file_name: String,
    created_at: i64,
    default_region: Option<String>,
    /// Rows written so far by a commit, and the rows of the file.
    done_rows: i64,
    total_rows: Option<i64>,
    /// What a commit would do: `counts`, `columns` (each header, the field it is read as and
    /// its kind), `rows` (the first rows of each verdict, with their problems and possible
    /// existing records) and the `mapping` to reuse.
    #[schema(value_type = Option<Object>)]
    preview: Option<serde_json::Value>,
    /// The counts of a finished commit.
    #[schema(value_type = Option<Object>)]
    outcome: Option<serde_json::Value>,
    /// The message key of a failure.
    error: Option<String>,
    /// The import's id in the audit trail.
    import_id: Option<String>,
    /// Rows were left out: `GET /imports/{id}/errors` gives them back.
    has_errors: bool,
}

fn document(j: ImportJob) -> ImportJobDocument {
    ImportJobDocument {
        status: serde_json::to_value(j.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        file_name: j.file_name,
        created_at: j.created_at,
        default_region: j.settings.default_region,
        done_rows: j.done_rows,
        total_rows: j.total_rows,
        preview: j.preview.and_then(|p| serde_json::to_value(p).ok()),
        outcome: j.outcome.and_then(|c| serde_json::to_value(c).ok()),
        error: j.error,
        import_id: j.import_id,
        has_errors: j.has_errors,
        id: j.id,
    }
}

/// Starts an import: `multipart/form-data` with a part `file` (XLSX, XLS, ODS or CSV), and
/// optionally `default_region` (ISO 3166-2) and `mapping` (a mapping JSON from a preview).
#[utoipa::path(post, path = "/api/v1/imports",
    request_body(content_type = "multipart/form-data", content = String, description = "parts `file`, `default_region`, `mapping`"),
    responses((status = 202, body = ImportJobDocument), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn start_import(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    mut m: Multipart,
) -> Result<(StatusCode, Json<ImportJobDocument>), ApiError> {
    let cap = p.case_import().ok_or_else(ApiError::forbidden)?;
    let bad = |_| ApiError::Http(StatusCode::BAD_REQUEST, "error-bad-request");
    let (mut name, mut file, mut region, mut mapping) = (String::new(), None, None, None);
    while let Some(field) = m.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                name = field.file_name().unwrap_or("").to_string();
                let b = field
                    .bytes()
                    .await
                    .map_err(|_| ApiError::invalid("file", "error-case-import-too-large"))?;
                file = Some(b.to_vec());
            }
            Some("default_region") => {
                let r = field.text().await.map_err(bad)?;
                region = Some(r.trim().to_string()).filter(|r| !r.is_empty());
            }
            Some("mapping") => {
                let b = field.bytes().await.map_err(bad)?;
                if !b.is_empty() {
                    mapping =
                        Some(Mapping::from_json(&b).map_err(|_| {
                            ApiError::invalid("mapping", "error-case-import-mapping")
                        })?);
                }
            }
            _ => {}
        }
    }
    let file = file.ok_or_else(|| ApiError::invalid("file", "error-required"))?;
    let settings = ImportSettings {
        default_region: region,
        mapping,
    };
    let h = state.haven();
    let id = h.start_import(cap, &name, file, settings, &o).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(document(h.import_job(&p, &id).await?)),
    ))
}

/// The caller's imports for their agency, newest first, then by id (without their previews).
#[utoipa::path(get, path = "/api/v1/imports", params(PageParams),
    responses((status = 200, description = "your imports, newest first", body = Vec<ImportJobDocument>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_imports(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    p.case_import().ok_or_else(ApiError::forbidden)?;
    let (jobs, next) = state.haven().import_jobs(&p, &pg.request()?).await?;
    let list: Vec<ImportJobDocument> = jobs.into_iter().map(document).collect();
    Ok(paged(list, next, "/api/v1/imports", raw.as_deref()))
}

#[utoipa::path(get, path = "/api/v1/imports/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ImportJobDocument), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn get_import(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ImportJobDocument>, ApiError> {
    p.case_import().ok_or_else(ApiError::forbidden)?;
    Ok(Json(document(state.haven().import_job(&p, &id).await?)))
}

/// Writes the cases of a previewed import (once: a second call is refused).
#[utoipa::path(post, path = "/api/v1/imports/{id}/commit", params(("id" = String, Path)),
    responses((status = 202, body = ImportJobDocument), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn commit_import(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<ImportJobDocument>), ApiError> {
    let cap = p.case_import().ok_or_else(ApiError::forbidden)?;
    let h = state.haven();
    h.start_commit(cap, &id, &o).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(document(h.import_job(&p, &id).await?)),
    ))
}

/// The rows a committed import left out, in the file's own layout (CSV or XLSX) with a last
/// column of problems, in the language of `Accept-Language` (English by default).
#[utoipa::path(get, path = "/api/v1/imports/{id}/errors", params(("id" = String, Path)),
    responses((status = 200, description = "the file",
        content((Vec<u8> = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn import_errors(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    p.case_import().ok_or_else(ApiError::forbidden)?;
    let lang = haven_i18n::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    let (bytes, ext) = state.haven().import_job_errors(&p, &id, lang).await?;
    let ct = if ext == "csv" {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    Ok(crate::kit::page::download(
        bytes,
        ct,
        &format!("rows-to-fix.{ext}"),
    ))
}
