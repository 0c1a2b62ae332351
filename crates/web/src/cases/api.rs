//! The API of people and cases: `/api/v1/cases`, `/api/v1/people`, `/api/v1/transfers`.
//! Reads return an `ETag` (the record's version); changes to a record need `If-Match` with it,
//! and a stale one is refused with 412 and the changes made since.
use axum::Json;
use axum::extract::{Multipart, Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use haven_authz::Principal;
use haven_core::Origin;
use haven_core::cases::{CaseDoc, CaseSearch};
use haven_core::casework::{AttachmentView, EventView, NoteView, PerpetratorView};
use haven_domain::record::{CaseRecord, EventData, PerpetratorData, PersonData};
use haven_domain::{AgencyId, PersonId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::ApiCase;
use crate::kit::paging::{PageParams, paged};
use crate::kit::problem::{
    ApiError, ApiJson, ApiUser, Change, ConflictProblem, ItemCreated, Problem, created,
};

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// A JSON answer with the record's version as its `ETag`.
fn tagged(body: impl Serialize, version: i64) -> Response {
    let mut res = Json(body).into_response();
    res.headers_mut().insert(header::ETAG, etag(version));
    res
}

/// The version named by `If-Match` (`"3"` or `W/"3"`); a change without one is refused (428).
fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::Http(
            StatusCode::PRECONDITION_REQUIRED,
            "error-precondition-required",
        ));
    };
    let v = v.trim();
    // `*` ("whatever is there now") would overwrite others' edits unseen: the version is needed.
    if v == "*" {
        return Err(ApiError::Http(
            StatusCode::PRECONDITION_REQUIRED,
            "error-precondition-required",
        ));
    }
    v.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i64>()
        .map_err(|_| ApiError::Http(StatusCode::BAD_REQUEST, "error-bad-if-match"))
}

// ---- list and search ----

#[derive(Serialize, ToSchema)]
pub(crate) struct CaseSummary {
    id: String,
    case_number: String,
    status: String,
    owner_agency: String,
    region: Option<String>,
    opened_at: i64,
    person_name: String,
}

/// A page of cases, newest first: by the day the case was opened, then by case number.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseList {
    items: Vec<CaseSummary>,
    /// Exact, unless `total_is_lower_bound` (filtered searches count up to 1,000).
    total: i64,
    total_is_lower_bound: bool,
    page: i64,
    pages: i64,
    /// Send it back as `cursor` for the next page (absent on the last page). Unlike page
    /// numbers, a cursor neither skips nor repeats a case when cases are added meanwhile.
    next_cursor: Option<String>,
    /// For `GET /cases`: the next page's address, the same filters with the cursor (also in
    /// the `Link` header as `rel="next"`).
    next: Option<String>,
}

/// Search filters. Every filter is optional; `name` only in the POST body, never in a URL.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SearchRequest {
    /// Accent-, case- and spelling-tolerant (phonetic) name search.
    name: String,
    case_number: String,
    /// cas_Status code.
    status: String,
    /// ISO 3166 code (alpha-2 or alpha-3).
    nationality: String,
    /// Owning agency id.
    agency: String,
    /// ISO 3166-2 region of identification.
    region: String,
    /// vic_TypeOfExploitation code.
    exploitation_type: String,
    /// YYYY-MM-DD, inclusive.
    opened_from: String,
    opened_to: String,
    /// Only open cases (active or in follow-up) at high or critical risk.
    high_risk: bool,
    page: Option<i64>,
    /// At most 200; default 50.
    per_page: Option<i64>,
    /// The `next_cursor` of the previous page (then `page` is not used).
    cursor: String,
}

/// Filters for `GET /cases` (no name: names never go in URLs).
#[derive(Deserialize, utoipa::IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListParams {
    page: Option<i64>,
    per_page: Option<i64>,
    /// The `next_cursor` of the previous page (then `page` is not used); `next` has it.
    cursor: String,
    status: String,
    nationality: String,
    agency: String,
    region: String,
    exploitation_type: String,
    opened_from: String,
    opened_to: String,
    /// Only open cases (active or in follow-up) at high or critical risk.
    high_risk: bool,
}

async fn run_search(
    state: &AppState,
    p: &Principal,
    origin: &Origin,
    s: SearchRequest,
) -> Result<Json<CaseList>, ApiError> {
    let cap = p.case_list().ok_or_else(ApiError::forbidden)?;
    let search = CaseSearch {
        name: s.name,
        case_number: s.case_number,
        status: s.status,
        nationality: s.nationality,
        agency: s.agency,
        region: s.region,
        exploitation_type: s.exploitation_type,
        opened_from: s.opened_from,
        opened_to: s.opened_to,
        high_risk: s.high_risk,
        page: s.page.unwrap_or(1),
        per_page: s.per_page.unwrap_or(50),
        cursor: s.cursor,
    };
    let page = state.haven().list_cases(cap, &search, origin).await?;
    Ok(Json(CaseList {
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
        total_is_lower_bound: page.more,
        page: page.page,
        pages: page.pages,
        next_cursor: page.next_cursor,
        next: None,
    }))
}

/// The cases the caller may see, newest first (opened, then case number), filtered and paged:
/// by `page`, or better by following `next` (a cursor).
#[utoipa::path(get, path = "/api/v1/cases", params(ListParams),
    responses((status = 200, body = CaseList, headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_cases(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let s = SearchRequest {
        page: q.page,
        per_page: q.per_page,
        cursor: q.cursor,
        status: q.status,
        nationality: q.nationality,
        agency: q.agency,
        region: q.region,
        exploitation_type: q.exploitation_type,
        opened_from: q.opened_from,
        opened_to: q.opened_to,
        high_risk: q.high_risk,
        ..Default::default()
    };
    let Json(mut list) = run_search(&state, &p, &o, s).await?;
    list.next = list
        .next_cursor
        .as_deref()
        .map(|c| crate::kit::paging::next_link("/api/v1/cases", raw.as_deref(), c));
    let next = list.next.clone();
    Ok(crate::kit::paging::link_next(
        Json(list).into_response(),
        next.as_deref(),
    ))
}

/// Search, names included. A POST, so that names never appear in URLs or logs.
#[utoipa::path(post, path = "/api/v1/cases/search", request_body = SearchRequest,
    responses((status = 200, body = CaseList), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn search_cases(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(s): ApiJson<SearchRequest>,
) -> Result<Json<CaseList>, ApiError> {
    run_search(&state, &p, &o, s).await
}

// ---- create, read, update ----

#[derive(Serialize, ToSchema)]
pub(crate) struct Created {
    id: String,
    case_number: String,
}

/// Registers a person and opens a case owned by the caller's agency. The body is the whole
/// HTCDS record; required: first name, gender, birth date or assessed age, trafficking status,
/// at least one type of exploitation, region.
#[utoipa::path(post, path = "/api/v1/cases", request_body = CaseRecord,
    responses((status = 201, body = Created, headers(("ETag" = String), ("Location" = String))),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<CaseRecord>,
) -> Result<Response, ApiError> {
    let cap = p.case_create().ok_or_else(ApiError::forbidden)?;
    let (id, number) = state.haven().create_case(cap, r, None, &o).await?;
    Ok(case_created(id, number))
}

/// `201 Created` for a new case: its id and number, the first version as `ETag`, its address.
pub(crate) fn case_created(id: haven_domain::CaseId, number: String) -> Response {
    let mut res = (
        StatusCode::CREATED,
        Json(Created {
            id: id.to_string(),
            case_number: number,
        }),
    )
        .into_response();
    res.headers_mut().insert(header::ETAG, etag(1));
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/cases/{id}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CaseDocument {
    id: String,
    case_number: String,
    /// cas_Status code.
    status: String,
    owner_agency_id: String,
    owner_agency: String,
    assigned_user_id: Option<String>,
    assigned_user: Option<String>,
    opened_at: i64,
    updated_at: i64,
    closed_at: Option<i64>,
    /// hvn_ClosureReason code.
    closure_reason: Option<String>,
    closure_note: Option<String>,
    /// The concurrency version, also sent as the `ETag`.
    version: i64,
    person_id: String,
    is_child: bool,
    age: Option<i64>,
    record: CaseRecord,
    events: Vec<Item<EventData>>,
    perpetrators: Vec<Item<PerpetratorData>>,
    notes: Vec<Note>,
    attachments: Vec<Attachment>,
    /// Who can see this case and why (for those who manage the case; empty otherwise).
    access: Vec<Access>,
    /// The person's consents, newest first: check one is current before referring.
    consents: Vec<Consent>,
}

/// A consent the person (or their guardian) gave.
#[derive(Serialize, ToSchema)]
pub(crate) struct Consent {
    id: String,
    /// `referral`, `data_sharing`, `assistance`, `voluntary_return`, …
    purpose: String,
    /// The receiving organisation (referral, data sharing).
    agency_id: Option<String>,
    agency: Option<String>,
    /// `person` or `guardian`.
    given_by: String,
    guardian: String,
    /// `written` or `oral`.
    form: String,
    /// YYYY-MM-DD.
    given_on: String,
    expires_on: Option<String>,
    note: String,
    withdrawn_on: Option<String>,
    withdrawn_reason: String,
    /// Valid today: not withdrawn, not expired.
    current: bool,
}

impl From<haven_core::consents::ConsentView> for Consent {
    fn from(v: haven_core::consents::ConsentView) -> Consent {
        Consent {
            id: v.id,
            purpose: v.purpose,
            agency_id: v.agency_id.map(|a| a.to_string()),
            agency: v.agency_name,
            given_by: v.given_by,
            guardian: v.guardian,
            form: v.form,
            given_on: v.given_on.to_string(),
            expires_on: v.expires_on.map(|d| d.to_string()),
            note: v.note,
            withdrawn_on: v.withdrawn_on.map(|d| d.to_string()),
            withdrawn_reason: v.withdrawn_reason,
            current: v.current,
        }
    }
}

/// A consent to record, as on the case page.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ConsentRequest {
    purpose: String,
    /// Required for `referral` and `data_sharing`: the receiving agency's id.
    agency_id: String,
    /// `person` or `guardian`.
    given_by: String,
    /// The guardian's name and relationship, when a guardian gave it.
    guardian: String,
    /// `written` or `oral`.
    form: String,
    /// YYYY-MM-DD; empty for today.
    given_on: String,
    /// YYYY-MM-DD; empty for no end.
    expires_on: String,
    note: String,
}

/// Records a consent on the case (before any referral or data sharing). Audited.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents", request_body = ConsentRequest,
    params(("id" = String, Path, description = "Case id (UUID)")),
    responses((status = 201, body = ItemCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn record_consent(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    ApiJson(r): ApiJson<ConsentRequest>,
) -> Result<(StatusCode, Json<ItemCreated>), ApiError> {
    let input = haven_core::consents::ConsentInput {
        purpose: r.purpose,
        agency_id: r.agency_id,
        given_by: r.given_by,
        guardian: r.guardian,
        form: r.form,
        given_on: r.given_on,
        expires_on: r.expires_on,
        note: r.note,
    };
    Ok(created(
        state.haven().record_consent(&p, id, &input, &o).await?,
    ))
}

/// Withdraws a consent: referrals it allowed can no longer be sent. Audited.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents/{consent_id}/withdraw", request_body = ReasonRequest,
    params(("id" = String, Path, description = "Case id (UUID)"), ("consent_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn withdraw_consent(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, consent): ApiCase,
    ApiJson(r): ApiJson<ReasonRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .haven()
        .withdraw_consent(&p, id, &consent, &r.reason, &o)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One way to the case: `kind` is `owner`, `involved`, `coordination`, `no_coordination`,
/// `registered_by`, `referral` (with the sections shared) or `transfer` (sees nothing until
/// accepted); `who` names the agency or the user.
#[derive(Serialize, ToSchema)]
pub(crate) struct Access {
    kind: String,
    who: String,
    sections: Vec<String>,
    since: Option<i64>,
}

/// A list item with its id.
#[derive(Serialize, ToSchema)]
pub(crate) struct Item<T> {
    id: String,
    #[serde(flatten)]
    data: T,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Note {
    id: String,
    author: String,
    created_at: i64,
    body: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Attachment {
    id: String,
    name: String,
    content_type: String,
    size: i64,
    /// `clean` or `not_scanned`.
    scan: String,
    uploaded_by: String,
    created_at: i64,
}

fn document(c: CaseDoc) -> CaseDocument {
    let parts = c.parts;
    CaseDocument {
        access: c
            .access_paths
            .into_iter()
            .map(|a| Access {
                kind: a.kind.into(),
                who: a.who,
                sections: a.sections,
                since: a.since,
            })
            .collect(),
        consents: c.consents.into_iter().map(Consent::from).collect(),
        id: c.id.to_string(),
        case_number: c.case_number,
        status: c.status.as_str().into(),
        owner_agency_id: c.owner_agency_id.to_string(),
        owner_agency: c.owner_agency_name,
        assigned_user_id: c.assigned_user_id.map(|u| u.to_string()),
        assigned_user: c.assigned_user_name,
        opened_at: c.opened_at,
        updated_at: c.updated_at,
        closed_at: c.closed_at,
        closure_reason: c.closure_reason,
        closure_note: c.closure_note,
        version: c.version,
        person_id: c.person_id.to_string(),
        is_child: c.is_child,
        age: c.age,
        record: c.record,
        events: parts
            .events
            .into_iter()
            .map(|EventView { id, data }| Item { id, data })
            .collect(),
        perpetrators: parts
            .perpetrators
            .into_iter()
            .map(|PerpetratorView { id, data }| Item { id, data })
            .collect(),
        notes: parts
            .notes
            .into_iter()
            .map(
                |NoteView {
                     id,
                     author_name,
                     created_at,
                     body,
                 }| Note {
                    id,
                    author: author_name,
                    created_at,
                    body,
                },
            )
            .collect(),
        attachments: parts
            .attachments
            .into_iter()
            .map(|a: AttachmentView| Attachment {
                id: a.id,
                name: a.name,
                content_type: a.content_type,
                size: a.size,
                scan: a.scan,
                uploaded_by: a.uploader_name,
                created_at: a.created_at,
            })
            .collect(),
    }
}

/// One case, whole. A case the caller may not see answers 404, like one that does not exist.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = String, Path, description = "Case id (UUID)")),
    responses((status = 200, body = CaseDocument, headers(("ETag" = String))), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn get_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
) -> Result<Response, ApiError> {
    let c = state.haven().open_case(&p, id, &o).await?;
    let v = c.version;
    Ok(tagged(document(c), v))
}

/// Everything held about the person of a case, and who saw it: for answering the person's
/// request for their data.
#[derive(Serialize, ToSchema)]
pub(crate) struct SubjectAccess {
    generated_at: i64,
    /// The case, as `GET /cases/{id}` gives it.
    case: CaseDocument,
    /// Every change of the record, with previous values.
    history: Vec<Change>,
    /// Who read, listed or changed the case, and when.
    access_log: Vec<AccessEntry>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AccessEntry {
    at: i64,
    user_name: Option<String>,
    agency_name: Option<String>,
    role: Option<String>,
    action: String,
    outcome: String,
}

/// The subject access report of the case's person (coordinators and case workers who may read
/// the case). Producing it is audited.
#[utoipa::path(get, path = "/api/v1/cases/{id}/subject-access", params(("id" = String, Path)),
    responses((status = 200, body = SubjectAccess), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn subject_access(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
) -> Result<Json<SubjectAccess>, ApiError> {
    let r = state.haven().subject_access_report(&p, id, &o).await?;
    Ok(Json(SubjectAccess {
        generated_at: r.generated_at,
        case: document(r.doc),
        history: r.history.into_iter().map(Change::from).collect(),
        access_log: r
            .access_log
            .into_iter()
            .map(|a| AccessEntry {
                at: a.at,
                user_name: a.user_name,
                agency_name: a.agency_name,
                role: a.role,
                action: a.action,
                outcome: a.outcome,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Saved {
    version: i64,
}

/// Replaces the case's record (person, victim context, case fields). `If-Match` must carry the
/// version read; if someone saved since, nothing is written and 412 lists their changes.
#[utoipa::path(put, path = "/api/v1/cases/{id}", request_body = CaseRecord,
    params(("id" = String, Path), ("If-Match" = String, Header, description = "The ETag read")),
    responses((status = 200, body = Saved, headers(("ETag" = String))), (status = 404, body = Problem),
        (status = 412, body = ConflictProblem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub(crate) async fn update_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    headers: HeaderMap,
    ApiJson(r): ApiJson<CaseRecord>,
) -> Result<Response, ApiError> {
    let base = if_match(&headers)?;
    let v = state.haven().update_case(&p, id, base, r, &o).await?;
    Ok(tagged(Saved { version: v }, v))
}

/// The field-level history, newest first (previous values only for coordinators and case workers).
#[utoipa::path(get, path = "/api/v1/cases/{id}/history", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Change>), (status = 404, body = Problem)))]
pub(crate) async fn case_history(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
) -> Result<Json<Vec<Change>>, ApiError> {
    let c = state.haven().case_history(&p, id, &o).await?;
    Ok(Json(c.into_iter().map(Change::from).collect()))
}

// ---- actions ----

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct CloseRequest {
    /// hvn_ClosureReason code.
    reason: String,
    note: String,
    /// Close as ClosedReferred (another organisation took the case over).
    referred: bool,
}

/// Closes a case with a reason.
#[utoipa::path(post, path = "/api/v1/cases/{id}/close", request_body = CloseRequest, params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn close_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    ApiJson(r): ApiJson<CloseRequest>,
) -> Result<StatusCode, ApiError> {
    let h = state.haven();
    h.close_case(&p, id, &r.reason, &r.note, r.referred, &o)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ReasonRequest {
    reason: String,
}

/// Reopens a closed case; the reason is required and kept as a note.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reopen", request_body = ReasonRequest, params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn reopen_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    ApiJson(r): ApiJson<ReasonRequest>,
) -> Result<StatusCode, ApiError> {
    state.haven().reopen_case(&p, id, &r.reason, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct AssignRequest {
    /// A user of the owning agency; null to clear.
    user_id: Option<String>,
}

/// Assigns the case worker.
#[utoipa::path(post, path = "/api/v1/cases/{id}/assign", request_body = AssignRequest, params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn assign_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    ApiJson(r): ApiJson<AssignRequest>,
) -> Result<StatusCode, ApiError> {
    let user = r.user_id.as_deref().map(str::parse::<UserId>).transpose();
    let user = user.map_err(|_| ApiError::invalid("user_id", "error-assignee"))?;
    state.haven().assign_case(&p, id, user, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct TransferRequest {
    to_agency_id: String,
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct TransferCreated {
    transfer_id: String,
}

/// Asks another agency to take the case over (coordinator). It moves when they accept.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transfer", request_body = TransferRequest, params(("id" = String, Path)),
    responses((status = 201, body = TransferCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn transfer_case(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    ApiJson(r): ApiJson<TransferRequest>,
) -> Result<(StatusCode, Json<TransferCreated>), ApiError> {
    let to = r.to_agency_id.parse::<AgencyId>();
    let to = to.map_err(|_| ApiError::invalid("to_agency_id", "error-transfer-agency"))?;
    let t = state
        .haven()
        .request_transfer(&p, id, to, &r.reason, &o)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TransferCreated { transfer_id: t }),
    ))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Transfer {
    id: String,
    case_id: String,
    case_number: String,
    from_agency: String,
    to_agency: String,
    requested_at: i64,
    reason: Option<String>,
    /// `pending` (for the receiving agency to decide) or `awaiting_approval` (a case worker's
    /// request, for the coordinator).
    status: String,
}

/// Transfers waiting for the caller's agency to decide, and for the coordinator the requests
/// waiting for approval: oldest request first, then by id. Audited.
#[utoipa::path(get, path = "/api/v1/transfers", params(PageParams),
    responses((status = 200, description = "transfers to decide, oldest request first", body = Vec<Transfer>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 422, body = Problem)))]
pub(crate) async fn list_transfers(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (list, next) = state
        .haven()
        .transfers_to_decide(&p, &pg.request()?, &o)
        .await?;
    let list: Vec<Transfer> = list
        .into_iter()
        .map(|t| Transfer {
            id: t.id,
            case_id: t.case_id.to_string(),
            case_number: t.case_number,
            from_agency: t.from_agency_name,
            to_agency: t.to_agency_name,
            requested_at: t.requested_at,
            reason: t.reason,
            status: t.status,
        })
        .collect();
    Ok(paged(list, next, "/api/v1/transfers", raw.as_deref()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DecisionRequest {
    note: String,
}

/// Accepts (`accept`) or declines (`decline`) a transfer offered to the caller's agency; the
/// one who asked may `decline` to cancel it. The coordinator answers a case worker's request with
/// `approve` (it goes to the receiving agency) or `reject`.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/{decision}", request_body = DecisionRequest,
    params(("id" = String, Path),
        ("decision" = String, Path, description = "accept, decline, approve or reject")),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn decide_transfer(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path((id, decision)): Path<(String, String)>,
    ApiJson(r): ApiJson<DecisionRequest>,
) -> Result<StatusCode, ApiError> {
    let h = state.haven();
    match decision.as_str() {
        "approve" | "reject" => {
            h.approve_transfer(&p, &id, decision == "approve", &r.note, &o)
                .await?;
        }
        "accept" | "decline" => {
            h.decide_transfer(&p, &id, decision == "accept", &r.note, &o)
                .await?;
        }
        _ => return Err(ApiError::not_found()),
    }
    Ok(StatusCode::NO_CONTENT)
}

// ---- notes, route, perpetrators, attachments ----

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct NoteRequest {
    body: String,
}

/// Adds a note to the case (sealed; shown with its author and time).
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", request_body = NoteRequest, params(("id" = String, Path)),
    responses((status = 201, body = ItemCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn add_note(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    ApiJson(r): ApiJson<NoteRequest>,
) -> Result<(StatusCode, Json<ItemCreated>), ApiError> {
    Ok(created(state.haven().add_note(&p, id, &r.body, &o).await?))
}

/// Adds a step to the route (hte_: Recruitment, Transit, Exploitation).
#[utoipa::path(post, path = "/api/v1/cases/{id}/events", request_body = EventData, params(("id" = String, Path)),
    responses((status = 201, body = ItemCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn add_event(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    ApiJson(r): ApiJson<EventData>,
) -> Result<(StatusCode, Json<ItemCreated>), ApiError> {
    Ok(created(
        state.haven().save_event(&p, id, None, r, &o).await?,
    ))
}

/// Replaces a step of the route.
#[utoipa::path(put, path = "/api/v1/cases/{id}/events/{event_id}", request_body = EventData,
    params(("id" = String, Path), ("event_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn put_event(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, eid): ApiCase,
    ApiJson(r): ApiJson<EventData>,
) -> Result<StatusCode, ApiError> {
    state.haven().save_event(&p, id, Some(&eid), r, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/cases/{id}/events/{event_id}",
    params(("id" = String, Path), ("event_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub(crate) async fn delete_event(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, eid): ApiCase,
) -> Result<StatusCode, ApiError> {
    state.haven().delete_event(&p, id, &eid, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a perpetrator (per_), sealed like the victim's data.
#[utoipa::path(post, path = "/api/v1/cases/{id}/perpetrators", request_body = PerpetratorData, params(("id" = String, Path)),
    responses((status = 201, body = ItemCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn add_perpetrator(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    ApiJson(r): ApiJson<PerpetratorData>,
) -> Result<(StatusCode, Json<ItemCreated>), ApiError> {
    Ok(created(
        state.haven().save_perpetrator(&p, id, None, r, &o).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/cases/{id}/perpetrators/{perpetrator_id}", request_body = PerpetratorData,
    params(("id" = String, Path), ("perpetrator_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn put_perpetrator(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, pid): ApiCase,
    ApiJson(r): ApiJson<PerpetratorData>,
) -> Result<StatusCode, ApiError> {
    let h = state.haven();
    h.save_perpetrator(&p, id, Some(&pid), r, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/cases/{id}/perpetrators/{perpetrator_id}",
    params(("id" = String, Path), ("perpetrator_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub(crate) async fn delete_perpetrator(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, pid): ApiCase,
) -> Result<StatusCode, ApiError> {
    state.haven().delete_perpetrator(&p, id, &pid, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uploads an attachment as `multipart/form-data` with one part named `file`. The content is
/// checked (PDF, images, text, office documents), scanned when a scanner is configured, and sealed.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "one part named `file`"),
    responses((status = 201, body = ItemCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn add_attachment(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, _): ApiCase,
    m: Multipart,
) -> Result<(StatusCode, Json<ItemCreated>), ApiError> {
    let upload = crate::cases::pages::read_upload(m).await;
    let (name, ct, bytes) = upload
        .map_err(|s| ApiError::Http(s, "error-bad-request"))?
        .ok_or_else(|| ApiError::invalid("file", "error-required"))?;
    let h = state.haven();
    Ok(created(
        h.add_attachment(&p, id, &name, ct.as_deref(), bytes, &o)
            .await?,
    ))
}

/// Downloads an attachment (audited).
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments/{attachment_id}",
    params(("id" = String, Path), ("attachment_id" = String, Path)),
    responses((status = 200, description = "the file, with the media type it was uploaded with",
        content_type = "*/*", body = Vec<u8>), (status = 404, body = Problem)))]
pub(crate) async fn get_attachment(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, aid): ApiCase,
) -> Result<Response, ApiError> {
    let f = state.haven().get_attachment(&p, id, &aid, &o).await?;
    Ok(crate::kit::page::download(
        f.bytes,
        &f.content_type,
        &f.name,
    ))
}

#[utoipa::path(delete, path = "/api/v1/cases/{id}/attachments/{attachment_id}",
    params(("id" = String, Path), ("attachment_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub(crate) async fn delete_attachment(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiCase(id, aid): ApiCase,
) -> Result<StatusCode, ApiError> {
    state.haven().delete_attachment(&p, id, &aid, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- people ----

#[derive(Serialize, ToSchema)]
pub(crate) struct PersonDocument {
    id: String,
    version: i64,
    person: PersonData,
    /// The person's cases visible to the caller.
    case_ids: Vec<String>,
}

/// A person, reached through a case the caller may see (404 otherwise).
#[utoipa::path(get, path = "/api/v1/people/{id}", params(("id" = String, Path)),
    responses((status = 200, body = PersonDocument, headers(("ETag" = String))), (status = 404, body = Problem)))]
pub(crate) async fn get_person(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id.parse::<PersonId>().map_err(|_| ApiError::not_found())?;
    let d = state.haven().open_person(&p, id, &o).await?;
    let doc = PersonDocument {
        id: d.id.to_string(),
        version: d.version,
        person: d.data,
        case_ids: d.cases.iter().map(|c| c.0.to_string()).collect(),
    };
    Ok(tagged(doc, d.version))
}

/// Replaces a person's record (`If-Match` with the person's ETag). Every case of the person
/// records the change in its history.
#[utoipa::path(put, path = "/api/v1/people/{id}", request_body = PersonData,
    params(("id" = String, Path), ("If-Match" = String, Header)),
    responses((status = 200, body = Saved), (status = 404, body = Problem), (status = 412, body = ConflictProblem),
        (status = 422, body = Problem), (status = 428, body = Problem)))]
pub(crate) async fn update_person(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<PersonData>,
) -> Result<Response, ApiError> {
    let id = id.parse::<PersonId>().map_err(|_| ApiError::not_found())?;
    let base = if_match(&headers)?;
    let v = state.haven().update_person(&p, id, base, r, &o).await?;
    Ok(tagged(Saved { version: v }, v))
}
