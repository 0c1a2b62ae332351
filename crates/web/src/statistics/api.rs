//! Statistics and statistical releases with the release ledger (API).
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
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

/// The register's release ledger, newest first: every statistical release, who made it and with
/// which parameters.
#[utoipa::path(get, path = "/api/v1/releases", responses((status = 200, body = Vec<LedgerEntry>),
    (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn release_ledger(
    State(state): State<AppState>,
    ApiUser(p, _o): ApiUser,
) -> Result<Json<Vec<LedgerEntry>>, ApiError> {
    let cap = p.aggregates_read().ok_or_else(ApiError::forbidden)?;
    let v = state.haven().release_ledger(cap).await?;
    Ok(Json(
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
            .collect(),
    ))
}

/// The release: a ZIP holding the data file and its JSON manifest (AES-256 sealed for `raw`).
/// Audited.
#[utoipa::path(post, path = "/api/v1/releases/ctdc", request_body = ReleaseRequest,
    responses((status = 200, description = "the release", content_type = "application/zip", body = Vec<u8>), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
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
    let f = state
        .haven()
        .ctdc_release(cap, p.ctdc_raw_export(), &o, req)
        .await?;
    Ok(crate::kit::page::download(
        f.bytes,
        "application/zip",
        &f.file_name,
    ))
}
