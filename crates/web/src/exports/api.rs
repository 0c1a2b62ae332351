//! `POST /api/v1/cases/export`: the caller's case list as a file, with the same rules as the
//! export page (filters in the body, never in the address).
use axum::extract::State;
use axum::response::Response;
use haven_core::cases::CaseSearch;
use haven_core::exports::{ExportFormat, ExportLayout, ExportRequest};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::kit::problem::{ApiError, ApiJson, ApiUser, Problem};

/// What to export: the case list's filters, then the file's options.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ExportRequestBody {
    name: String,
    case_number: String,
    status: String,
    nationality: String,
    agency: String,
    region: String,
    exploitation_type: String,
    opened_from: String,
    opened_to: String,
    high_risk: bool,
    /// `csv` (UTF-8 with BOM) or `xlsx`.
    #[schema(example = "csv")]
    format: String,
    /// `htcds` (field names, then labels; values as codes) or `labels` (in `lang`).
    #[schema(example = "htcds")]
    layout: String,
    /// Include names, contacts, documents and free text: needs `reason` and `passphrase`
    /// (12 characters or more); the file is then an AES-256 ZIP.
    personal: bool,
    reason: String,
    passphrase: String,
    /// An HXL hashtag row under the header (CSV without personal fields only).
    hxl: bool,
    /// `en`, `fr` or `es`: the labels' language.
    lang: String,
}

/// Exports the caller's case list (coordinators, case workers, screeners; each case only if the
/// caller may read it). Audited with the cases, the personal fields and the reason.
#[utoipa::path(post, path = "/api/v1/cases/export", request_body = ExportRequestBody,
    responses((status = 200, description = "the file: CSV, XLSX, or a ZIP sealed with AES-256 when personal fields are included",
        content((Vec<u8> = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "application/zip"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn export_cases(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(b): ApiJson<ExportRequestBody>,
) -> Result<Response, ApiError> {
    let cap = p.case_list().ok_or_else(ApiError::forbidden)?;
    let format = match b.format.as_str() {
        "" | "csv" => ExportFormat::Csv,
        "xlsx" => ExportFormat::Xlsx,
        _ => return Err(ApiError::invalid("format", "error-unknown-code")),
    };
    let layout = match b.layout.as_str() {
        "" | "htcds" => ExportLayout::Htcds,
        "labels" => ExportLayout::Labels,
        _ => return Err(ApiError::invalid("layout", "error-unknown-code")),
    };
    let req = ExportRequest {
        search: CaseSearch {
            name: b.name,
            case_number: b.case_number,
            status: b.status,
            nationality: b.nationality,
            agency: b.agency,
            region: b.region,
            exploitation_type: b.exploitation_type,
            opened_from: b.opened_from,
            opened_to: b.opened_to,
            high_risk: b.high_risk,
            page: 1,
            per_page: 0,
            cursor: String::new(),
        },
        format,
        layout,
        personal: b.personal,
        reason: b.reason,
        passphrase: b.passphrase,
        hxl: b.hxl,
        lang: haven_i18n::Lang::parse(&b.lang).unwrap_or_default(),
    };
    let file = state.haven().export_cases(cap, &req, &o).await?;
    Ok(crate::kit::page::download(
        file.bytes,
        file.content_type,
        &file.file_name,
    ))
}
