//! Statistics and statistical releases with the release ledger (API).
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::kit::paging::{PageParams, paged};
use crate::kit::problem::{ApiError, ApiJson, ApiUser, Problem};

#[derive(Serialize, ToSchema)]
pub(crate) struct AggregateCell {
    key: Option<String>,
    /// Absent when hidden: below the minimum cell size, or hidden with such a cell so that the
    /// total minus the counts shown does not isolate it.
    count: Option<i64>,
}

/// The statistics, from the snapshot of the current period (recomputed daily by default).
#[derive(Serialize, ToSchema)]
pub(crate) struct Aggregates {
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
pub(crate) async fn stats(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
) -> Result<Json<Aggregates>, ApiError> {
    let cap = p.aggregates_read().ok_or_else(ApiError::forbidden)?;
    let conv = |v: Vec<haven_core::stats::Cell>| {
        v.into_iter()
            .map(|c| AggregateCell {
                key: c.key,
                count: c.count,
            })
            .collect()
    };
    let a = state.haven().aggregates(cap, &o).await?;
    Ok(Json(Aggregates {
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
    }))
}

/// A statistical release of the register in the CTDC layout.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReleaseRequest {
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
pub(crate) struct LedgerEntry {
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

/// The register's release ledger, newest first, then by id: every statistical release, who
/// made it and with which parameters.
#[utoipa::path(get, path = "/api/v1/releases", params(PageParams),
    responses((status = 200, description = "the ledger, newest first", body = Vec<LedgerEntry>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn release_ledger(
    State(state): State<AppState>,
    ApiUser(p, _o): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let cap = p.aggregates_read().ok_or_else(ApiError::forbidden)?;
    let (v, next) = state.haven().release_ledger(cap, &pg.request()?).await?;
    let list: Vec<LedgerEntry> = v
        .into_iter()
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
        .collect();
    Ok(paged(list, next, "/api/v1/releases", raw.as_deref()))
}

/// Where a job stands, and where its result is once done.
#[derive(Serialize, ToSchema)]
pub(crate) struct JobDocument {
    id: String,
    /// `release`.
    kind: String,
    status: JobStatus,
    /// The message key of a failure (`error-release-…` when the ledger refused the release,
    /// `error-job-interrupted` when its server stopped).
    error: Option<String>,
    /// Unix seconds.
    created_at: i64,
    finished_at: Option<i64>,
    /// Once done: where to download the result (once).
    result: Option<String>,
}

/// Where a job stands.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum JobStatus {
    Running,
    /// The result waits to be downloaded, once.
    Done,
    Failed,
    /// Downloaded: gone.
    Downloaded,
    /// Not downloaded within a day: dropped.
    Expired,
}

fn job_document(j: haven_core::jobs::JobView) -> JobDocument {
    use haven_core::jobs::JobState as S;
    JobDocument {
        result: (j.state == S::Done).then(|| format!("/api/v1/releases/jobs/{}/result", j.id)),
        status: match j.state {
            S::Running => JobStatus::Running,
            S::Done => JobStatus::Done,
            S::Failed => JobStatus::Failed,
            S::Downloaded => JobStatus::Downloaded,
            S::Expired => JobStatus::Expired,
        },
        id: j.id,
        kind: j.kind,
        error: j.error,
        created_at: j.created_at,
        finished_at: j.finished_at,
    }
}

/// Starts a release: the request is checked at once (422), then the release is made in the
/// background. The answer is its job (`202`, `Location`): poll it until `done`, then download
/// the ZIP (the data file and its JSON manifest; AES-256 sealed for `raw`) from `result`, once.
/// A release the ledger refuses ends `failed` with the reason. Audited.
#[utoipa::path(post, path = "/api/v1/releases/ctdc", request_body = ReleaseRequest,
    responses((status = 202, description = "the release's job", body = JobDocument, headers(("Location" = String))),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn ctdc_release(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<ReleaseRequest>,
) -> Result<Response, ApiError> {
    let cap = p.aggregates_read().ok_or_else(ApiError::forbidden)?;
    let kind = haven_core::release::ReleaseKind::parse(&r.kind)
        .ok_or_else(|| ApiError::invalid("kind", "error-release-kind"))?;
    let req = haven_core::release::ReleaseRequest {
        kind,
        resolution: r.k.unwrap_or(11),
        reporting_length: r.reporting_length.unwrap_or(3),
        hxl: r.hxl,
        passphrase: r.passphrase,
        sensitive_zeros: r.sensitive_zeros,
    };
    let h = state.haven();
    let id = h
        .start_ctdc_release(cap, p.ctdc_raw_export(), &o, req)
        .await?;
    let job = h.job(&p, &id).await?;
    let mut res = (StatusCode::ACCEPTED, Json(job_document(job))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/releases/jobs/{id}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Your release jobs of the last 30 days, newest first, then by id.
#[utoipa::path(get, path = "/api/v1/releases/jobs", params(PageParams),
    responses((status = 200, description = "your release jobs, newest first", body = Vec<JobDocument>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn release_jobs(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    p.aggregates_read().ok_or_else(ApiError::forbidden)?;
    let page = pg.request()?;
    let mut jobs = state.haven().jobs(&p).await?;
    jobs.retain(|j| j.kind == "release");
    let (jobs, next) = page.cut(jobs, |j| (-j.created_at, j.id.clone()));
    let list: Vec<JobDocument> = jobs.into_iter().map(job_document).collect();
    Ok(paged(list, next, "/api/v1/releases/jobs", raw.as_deref()))
}

/// One of your release jobs. Poll it (`Retry-After` says when) until it is `done` or `failed`.
#[utoipa::path(get, path = "/api/v1/releases/jobs/{id}", params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "the job", body = JobDocument, headers(("Retry-After" = i64, description = "while running: seconds before asking again"))),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn release_job(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    p.aggregates_read().ok_or_else(ApiError::forbidden)?;
    let job = state.haven().job(&p, &id).await?;
    if job.kind != "release" {
        return Err(ApiError::Core(haven_core::CoreError::NotFound));
    }
    let running = job.state == haven_core::jobs::JobState::Running;
    let mut res = Json(job_document(job)).into_response();
    if running {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    }
    Ok(res)
}

/// The release's ZIP, once: a second download is `410`. `409` while the job runs or when it
/// failed.
#[utoipa::path(get, path = "/api/v1/releases/jobs/{id}/result", params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "the release", content_type = "application/zip", body = Vec<u8>),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "still running, or failed: see the job", body = Problem),
        (status = 410, description = "already downloaded, or not downloaded in time", body = Problem)))]
pub(crate) async fn release_result(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    use haven_core::jobs::JobState as S;
    p.aggregates_read().ok_or_else(ApiError::forbidden)?;
    let f = match state.haven().take_job_result(&p, &id, "release").await? {
        Ok(f) => f,
        Err(S::Running) => return Err(ApiError::Http(StatusCode::CONFLICT, "error-job-running")),
        Err(S::Failed) => return Err(ApiError::Http(StatusCode::CONFLICT, "error-job-failed")),
        Err(_) => return Err(ApiError::Http(StatusCode::GONE, "error-job-gone")),
    };
    Ok(crate::kit::page::download(
        f.bytes,
        &f.content_type,
        &f.file_name,
    ))
}
