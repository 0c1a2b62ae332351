//! The API of tips (hotline entry and triage) and of linking screenings to cases.
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use haven_core::screening::{PossibleMatch, ScreenedPerson};
use haven_core::tips::{CallDetails, TipFilter, TipInput, TipView, Triage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::kit::problem::{ApiError, ApiJson, ApiUser, Problem};

/// A hotline call (or any tip entered by staff).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TipRequest {
    /// What is happening. Required; up to 4,000 characters.
    what: String,
    /// ISO 3166-2 region code.
    #[serde(default)]
    region: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    when: String,
    /// `labour`, `sexual`, `domestic`, `begging`, `criminal` or `other`.
    #[serde(default)]
    suspected: String,
    /// How to call back (optional).
    #[serde(default)]
    contact: String,
    /// `person_concerned`, `relative`, `witness`, `professional` or `anonymous`.
    #[serde(default)]
    caller: String,
    /// ISO 639 code of the call's language.
    #[serde(default)]
    language: String,
    #[serde(default)]
    minutes: Option<u32>,
    #[serde(default)]
    call_note: String,
}

/// Records a hotline call as a tip in the triage queue. Returns its id and reference. Audited.
#[utoipa::path(post, path = "/api/v1/tips", request_body = TipRequest,
    responses((status = 201, description = "the new tip", body = TipCreated), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_tip(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<TipRequest>,
) -> Result<Response, ApiError> {
    let input = TipInput {
        what: r.what,
        region: r.region,
        place: r.place,
        when: r.when,
        suspected: r.suspected,
        contact: r.contact,
        call: Some(CallDetails {
            caller: r.caller,
            language: r.language,
            minutes: r.minutes,
            note: r.call_note,
        }),
    };
    let (id, reference) = state.haven().record_hotline_tip(&p, input, &o).await?;
    Ok((StatusCode::CREATED, Json(TipCreated { id, reference })).into_response())
}

/// A recorded tip: its id and the reference to give the caller.
#[derive(Serialize, ToSchema)]
pub(crate) struct TipCreated {
    id: String,
    reference: String,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(crate) struct TipListQuery {
    /// `open` (default), `new`, `assigned`, `linked`, `not_actionable` or `all`.
    status: Option<String>,
    /// A reference code as the submitter gave it.
    reference: String,
    /// The cursor of the page before, from its `Link: rel="next"`.
    cursor: String,
    /// Tips per page, 1 to 1,000 (default 200).
    limit: Option<usize>,
}

/// The triage queue: every tip for the coordinator, the tips they entered or were assigned for
/// others. No sealed content. Audited.
#[utoipa::path(get, path = "/api/v1/tips", params(TipListQuery),
    responses((status = 200, description = "tips, newest first", body = Vec<haven_core::tips::TipSummary>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn list_tips(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<TipListQuery>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let limit = q.limit.unwrap_or(200);
    if limit == 0 || limit > 1000 {
        return Err(ApiError::invalid("limit", "error-number-range"));
    }
    let f = TipFilter {
        status: q.status.unwrap_or_else(|| "open".into()),
        reference: q.reference,
        cursor: q.cursor,
        limit,
    };
    let (list, next) = state.haven().tips_page(&p, &f, &o).await?;
    let next = next.map(|c| crate::kit::paging::next_link("/api/v1/tips", raw.as_deref(), &c));
    Ok(crate::kit::paging::link_next(
        Json(list).into_response(),
        next.as_deref(),
    ))
}

/// One tip with what was reported. Audited.
#[utoipa::path(get, path = "/api/v1/tips/{id}", params(("id" = String, Path, description = "Tip id")),
    responses((status = 200, description = "the tip", body = haven_core::tips::TipView), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn get_tip(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<TipView>, ApiError> {
    Ok(Json(state.haven().open_tip(&p, &id, &o).await?))
}

/// A triage decision.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum TriageRequest {
    /// The coordinator assigns the tip to a coordinator or case worker.
    Assign { user_id: String },
    /// Links the tip to a case you may change (its id or number).
    Link { case: String },
    /// Not actionable: a reason code, and a note (required for `other`).
    Close {
        reason: String,
        #[serde(default)]
        note: String,
    },
}

/// Assigns, links or closes a tip. Audited with the change.
#[utoipa::path(post, path = "/api/v1/tips/{id}/triage", request_body = TriageRequest,
    params(("id" = String, Path, description = "Tip id")),
    responses((status = 204, description = "done"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn triage_tip(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<TriageRequest>,
) -> Result<StatusCode, ApiError> {
    let haven = state.haven();
    let decision = match r {
        TriageRequest::Assign { user_id } => user_id
            .parse()
            .map(Triage::Assign)
            .map_err(|_| ApiError::invalid("user", "error-unknown-code"))?,
        TriageRequest::Link { case } => Triage::Link(haven.case_by_ref(&p, &case).await?),
        TriageRequest::Close { reason, note } => Triage::Close { reason, note },
    };
    haven.triage_tip(&p, &id, decision, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who was screened, for the duplicate check.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MatchRequest {
    first_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    birth_year: Option<i32>,
}

/// The duplicate check of a screening without a case: the cases you may see whose person's name
/// matches (spelling variants included), same birth year first. Audited as a case search.
#[utoipa::path(post, path = "/api/v1/screenings/{id}/matches", request_body = MatchRequest,
    params(("id" = String, Path, description = "Screening id")),
    responses((status = 200, description = "possible matches", body = Vec<PossibleMatch>), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn screening_matches(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<MatchRequest>,
) -> Result<Json<Vec<PossibleMatch>>, ApiError> {
    let who = ScreenedPerson::from(r);
    let v = state.haven().screening_matches(&p, &id, &who, &o).await?;
    Ok(Json(v))
}

impl From<MatchRequest> for ScreenedPerson {
    fn from(r: MatchRequest) -> Self {
        ScreenedPerson {
            first_name: r.first_name,
            family_name: r.family_name,
            birth_year: r.birth_year,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkRequest {
    /// The case's id or number; you must be able to change it.
    case: String,
}

/// Attaches a screening without a case to a case. Audited with the change.
#[utoipa::path(post, path = "/api/v1/screenings/{id}/link", request_body = LinkRequest,
    params(("id" = String, Path, description = "Screening id")),
    responses((status = 204, description = "attached"), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn link_screening(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<LinkRequest>,
) -> Result<StatusCode, ApiError> {
    let haven = state.haven();
    let case = haven.case_by_ref(&p, &r.case).await?;
    haven.link_screening(&p, &id, case, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts a registration from a screening without a case: a draft holding what the screening
/// established (the names given here, age from the birth year, kinds of exploitation, methods
/// of control). Audited.
#[utoipa::path(post, path = "/api/v1/screenings/{id}/draft", request_body = MatchRequest,
    params(("id" = String, Path, description = "Screening id")),
    responses((status = 201, description = "the draft's id", body = crate::kit::problem::ItemCreated, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn draft_from_screening(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<MatchRequest>,
) -> Result<Response, ApiError> {
    let who: ScreenedPerson = r.into();
    let draft = state
        .haven()
        .draft_from_screening(&p, &id, &who, &o)
        .await?;
    Ok(crate::cases::drafts::draft_created(draft))
}
