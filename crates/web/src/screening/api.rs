//! Screening interviews (API).
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use haven_core::screening::ScreeningView;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::kit::problem::{ApiError, ApiJson, ApiUser, Problem};

/// A screening interview by the ILO/EC indicators.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScreeningRequest {
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
    answers: std::collections::BTreeMap<String, haven_core::screening::IndicatorAnswer>,
}

fn yes() -> bool {
    true
}

/// Records a screening and returns it evaluated for every applicable profile (outcome, positive
/// dimensions and their indicators, the Palermo elements, what is missing). Not a legal
/// determination. Audited.
#[utoipa::path(post, path = "/api/v1/screenings", request_body = ScreeningRequest,
    responses((status = 201, description = "the screening, evaluated", body = ScreeningView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_screening(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<ScreeningRequest>,
) -> Result<Response, ApiError> {
    let case_id = match r.case_id.as_deref().map(str::parse) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Err(ApiError::not_found()),
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
    let v = state.haven().record_screening(&p, input, &o).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// A screening, evaluated by the current indicator set. Audited.
#[utoipa::path(get, path = "/api/v1/screenings/{id}", params(("id" = String, Path, description = "Screening id")),
    responses((status = 200, description = "the screening, evaluated", body = ScreeningView), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn get_screening(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<ScreeningView>, ApiError> {
    Ok(Json(state.haven().open_screening(&p, &id, &o).await?))
}
