//! The API of training: workshops, their participants, the register (attendance per day, test
//! scores), certificates and their public verification, sign-up sheets imported with a preview,
//! materials, and the report. Trainers and the coordinator manage it; analysts read the report.
//! Nothing here reaches a case. Participants' names are read audited, as in the pages.
use axum::Json;
use axum::extract::{Multipart, Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use haven_authz::{Principal, TrainingManage};
use haven_core::CoreError;
use haven_core::training::{
    Added, EnrolmentView, ParticipantInput, ParticipantView, RegisterLine, ReportView,
    WorkshopInput, WorkshopView,
};
use haven_training::import::ImportRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::kit::page::download;
use crate::kit::paging::{PageParams, paged};
use crate::kit::problem::{
    ApiError, ApiJson, ApiUser, FieldProblem, ItemCreated, Problem, accept_language, created_at,
    problem_with,
};
use crate::layout::Layout;

fn manage(p: &Principal) -> Result<TrainingManage<'_>, ApiError> {
    p.training_manage().ok_or_else(ApiError::forbidden)
}

// ---- workshops ----

/// A workshop as sent: numbers as numbers, days as `YYYY-MM-DD`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct WorkshopRequest {
    /// Required; one line, up to 200 characters.
    title: String,
    /// At least one topic.
    topics: Vec<String>,
    /// The first day (`YYYY-MM-DD`). Required.
    first_day: String,
    /// The last day; empty: a one-day workshop. At most 60 days after the first.
    last_day: String,
    /// ISO 3166-2 region code.
    region: String,
    place: String,
    /// `in_person` (default), `online` or `mixed`.
    format: String,
    /// ISO 639 code of the language it was given in.
    language: String,
    trainers: String,
    organiser: String,
    funder: String,
    grant_ref: String,
    /// Places (0 to 10,000); none: no limit.
    capacity: Option<u32>,
    /// Post-test score (0 to 100) to complete it; none: the deployment's rule.
    pass_mark: Option<u32>,
    /// Share of the days (0 to 100 %) to attend to complete it; none: the deployment's rule.
    min_attendance: Option<u32>,
    /// Where the pre- and post-test questionnaire is.
    questionnaire: String,
}

impl From<WorkshopRequest> for WorkshopInput {
    fn from(r: WorkshopRequest) -> Self {
        let n = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        WorkshopInput {
            title: r.title,
            topics: r.topics,
            first_day: r.first_day,
            last_day: r.last_day,
            region: r.region,
            place: r.place,
            format: r.format,
            language: r.language,
            trainers: r.trainers,
            organiser: r.organiser,
            funder: r.funder,
            grant_ref: r.grant_ref,
            capacity: n(r.capacity),
            pass_mark: n(r.pass_mark),
            min_attendance: n(r.min_attendance),
            questionnaire: r.questionnaire,
        }
    }
}

/// A workshop.
#[derive(Serialize, ToSchema)]
pub(crate) struct Workshop {
    id: String,
    title: String,
    topics: Vec<String>,
    /// `YYYY-MM-DD`.
    first_day: String,
    last_day: String,
    region: Option<String>,
    place: String,
    format: String,
    language: String,
    trainers: String,
    organiser: String,
    funder: String,
    grant_ref: String,
    capacity: Option<i64>,
    /// Post-test score needed to complete it.
    pass_mark: u32,
    /// Share of the days (%) to attend to complete it.
    min_attendance: u32,
    questionnaire: String,
    /// Its days (`YYYY-MM-DD`): the register's columns.
    days: Vec<String>,
}

impl From<WorkshopView> for Workshop {
    fn from(w: WorkshopView) -> Self {
        Workshop {
            id: w.id,
            title: w.title,
            topics: w.topics,
            first_day: w.first_day.to_string(),
            last_day: w.last_day.to_string(),
            region: w.region,
            place: w.place,
            format: w.format,
            language: w.language,
            trainers: w.trainers,
            organiser: w.organiser,
            funder: w.funder,
            grant_ref: w.grant_ref,
            capacity: w.capacity,
            pass_mark: w.rule.pass_mark,
            min_attendance: w.rule.min_attendance,
            questionnaire: w.questionnaire,
            days: w.days.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A workshop in the list, with its number of participants.
#[derive(Serialize, ToSchema)]
pub(crate) struct WorkshopSummary {
    workshop: Workshop,
    participants: i64,
}

/// Workshops, latest first day first (then by id), with their number of participants (no
/// names: not audited).
#[utoipa::path(get, path = "/api/v1/training/workshops", params(PageParams),
    responses((status = 200, description = "workshops, latest first day first", body = Vec<WorkshopSummary>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_workshops(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let page = pg.request()?;
    let list = state.haven().list_workshops(manage(&p)?).await?;
    let (list, next) = page.cut(list, |(w, _)| {
        (-i64::from(w.first_day.to_julian_day()), w.id.clone())
    });
    let list: Vec<WorkshopSummary> = list
        .into_iter()
        .map(|(w, n)| WorkshopSummary {
            workshop: w.into(),
            participants: n,
        })
        .collect();
    Ok(paged(
        list,
        next,
        "/api/v1/training/workshops",
        raw.as_deref(),
    ))
}

/// Plans a workshop. Audited.
#[utoipa::path(post, path = "/api/v1/training/workshops", request_body = WorkshopRequest,
    responses((status = 201, description = "the workshop's id", body = ItemCreated, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_workshop(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<WorkshopRequest>,
) -> Result<Response, ApiError> {
    let id = state
        .haven()
        .save_workshop(manage(&p)?, None, &r.into(), &o)
        .await?;
    let at = format!("/api/v1/training/workshops/{id}");
    Ok(created_at(id, &at))
}

/// A participant of a workshop: attendance, scores, completion, certificate.
#[derive(Serialize, ToSchema)]
pub(crate) struct Enrolment {
    participant: Participant,
    /// Days attended (`YYYY-MM-DD`).
    days: Vec<String>,
    pre_score: Option<u32>,
    post_score: Option<u32>,
    /// Whether the workshop's completion rule is met.
    completed: bool,
    /// The certificate's verification code, once issued.
    certificate_code: Option<String>,
}

impl From<EnrolmentView> for Enrolment {
    fn from(e: EnrolmentView) -> Self {
        Enrolment {
            participant: e.participant.into(),
            days: e.days.iter().map(ToString::to_string).collect(),
            pre_score: e.pre_score,
            post_score: e.post_score,
            completed: e.completed,
            certificate_code: e.certificate_code,
        }
    }
}

/// A person trained.
#[derive(Serialize, ToSchema)]
pub(crate) struct Participant {
    id: String,
    first_name: String,
    family_name: String,
    sex: String,
    /// Their agency's name, or the organisation written.
    organisation: String,
    position: String,
    region: Option<String>,
    contact: String,
    /// Linked to a Haven account (for the outcome figures).
    has_account: bool,
}

impl From<ParticipantView> for Participant {
    fn from(v: ParticipantView) -> Self {
        Participant {
            id: v.id,
            first_name: v.first_name,
            family_name: v.family_name,
            sex: v.sex,
            organisation: v.organisation,
            position: v.position,
            region: v.region,
            contact: v.contact,
            has_account: v.has_account,
        }
    }
}

/// A material of a workshop (slides, handouts).
#[derive(Serialize, ToSchema)]
pub(crate) struct Material {
    id: String,
    file_name: String,
    size: i64,
}

/// A workshop with its participants' register and its materials.
#[derive(Serialize, ToSchema)]
pub(crate) struct WorkshopDocument {
    workshop: Workshop,
    participants: Vec<Enrolment>,
    materials: Vec<Material>,
}

/// A workshop with its participants (names unsealed: audited).
#[utoipa::path(get, path = "/api/v1/training/workshops/{id}", params(("id" = String, Path, description = "Workshop id")),
    responses((status = 200, description = "the workshop", body = WorkshopDocument), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn get_workshop(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<WorkshopDocument>, ApiError> {
    let d = state.haven().open_workshop(manage(&p)?, &id, &o).await?;
    Ok(Json(WorkshopDocument {
        workshop: d.workshop.into(),
        participants: d.enrolments.into_iter().map(Enrolment::from).collect(),
        materials: d
            .materials
            .into_iter()
            .map(|m| Material {
                id: m.id,
                file_name: m.file_name,
                size: m.size,
            })
            .collect(),
    }))
}

/// Changes a workshop (every field sent). Audited.
#[utoipa::path(put, path = "/api/v1/training/workshops/{id}", request_body = WorkshopRequest,
    params(("id" = String, Path, description = "Workshop id")),
    responses((status = 204, description = "saved"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn update_workshop(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<WorkshopRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .haven()
        .save_workshop(manage(&p)?, Some(&id), &r.into(), &o)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- participants ----

/// A participant as sent.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ParticipantRequest {
    /// Required.
    first_name: String,
    family_name: String,
    sex: String,
    /// An agency of `GET /agencies`, or empty with `organisation` written.
    agency_id: String,
    organisation: String,
    position: String,
    /// ISO 3166-2 region code.
    region: String,
    /// A phone number or e-mail address.
    contact: String,
    /// Their Haven account's user name, if they have one (for the outcome figures).
    username: String,
}

impl From<ParticipantRequest> for ParticipantInput {
    fn from(r: ParticipantRequest) -> Self {
        ParticipantInput {
            first_name: r.first_name,
            family_name: r.family_name,
            sex: r.sex,
            agency_id: r.agency_id,
            organisation: r.organisation,
            position: r.position,
            region: r.region,
            contact: r.contact,
            username: r.username,
        }
    }
}

/// Someone to enrol: a new participant, or one already known (`existing`).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct EnrolRequest {
    /// Required unless `existing` is given.
    first_name: String,
    family_name: String,
    sex: String,
    agency_id: String,
    organisation: String,
    position: String,
    region: String,
    contact: String,
    username: String,
    /// A known participant's id (from the candidates of a 409): enrols them, the fields above
    /// are not used.
    existing: String,
    /// A new person although people are known under this name.
    new_person: bool,
}

/// 409: people already known under this name. Send again with one's id as `existing`, or
/// with `new_person: true`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CandidatesProblem {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    candidates: Vec<Participant>,
}

/// Enrols someone in a workshop. When people are already known under a close name, nothing is
/// written and the answer is 409 with them as `candidates`. Audited.
#[utoipa::path(post, path = "/api/v1/training/workshops/{id}/participants", request_body = EnrolRequest,
    params(("id" = String, Path, description = "Workshop id")),
    responses((status = 201, description = "the participant's id", body = ItemCreated, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "people already known under this name", body = CandidatesProblem),
        (status = 422, body = Problem)))]
pub(crate) async fn add_participant(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<EnrolRequest>,
) -> Result<Response, ApiError> {
    let existing = Some(r.existing.clone()).filter(|e| !e.trim().is_empty());
    let force = r.new_person;
    let input = ParticipantInput {
        first_name: r.first_name,
        family_name: r.family_name,
        sex: r.sex,
        agency_id: r.agency_id,
        organisation: r.organisation,
        position: r.position,
        region: r.region,
        contact: r.contact,
        username: r.username,
    };
    let added = state
        .haven()
        .add_participant(manage(&p)?, &id, &input, existing.as_deref(), force, &o)
        .await?;
    match added {
        Added::Enrolled(pid) => {
            let at = format!("/api/v1/training/participants/{pid}");
            Ok(created_at(pid, &at))
        }
        Added::PossibleDuplicates(c) => {
            let body = CandidatesProblem {
                kind: "https://haven.invalid/problems/error-participant-known".into(),
                title: "People are already known under this name: choose one (`existing`) or \
                        confirm a new person (`new_person`)"
                    .into(),
                status: 409,
                candidates: c.into_iter().map(Participant::from).collect(),
            };
            Ok(problem_with(StatusCode::CONFLICT, body))
        }
    }
}

/// Takes someone off a workshop's list (their record stays). Audited.
#[utoipa::path(delete, path = "/api/v1/training/workshops/{id}/participants/{participant_id}",
    params(("id" = String, Path, description = "Workshop id"), ("participant_id" = String, Path)),
    responses((status = 204, description = "removed"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn remove_participant(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path((id, pid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .haven()
        .remove_participant(manage(&p)?, &id, &pid, &o)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One workshop a participant took part in.
#[derive(Serialize, ToSchema)]
pub(crate) struct ParticipantWorkshop {
    id: String,
    title: String,
    first_day: String,
}

/// A participant's record and their workshops.
#[derive(Serialize, ToSchema)]
pub(crate) struct ParticipantDocument {
    id: String,
    first_name: String,
    family_name: String,
    sex: String,
    agency_id: String,
    organisation: String,
    position: String,
    region: String,
    contact: String,
    username: String,
    workshops: Vec<ParticipantWorkshop>,
}

/// A participant (unsealed: audited).
#[utoipa::path(get, path = "/api/v1/training/participants/{id}", params(("id" = String, Path, description = "Participant id")),
    responses((status = 200, description = "the participant", body = ParticipantDocument), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn get_participant(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ParticipantDocument>, ApiError> {
    let (f, workshops) = state.haven().open_participant(manage(&p)?, &id, &o).await?;
    Ok(Json(ParticipantDocument {
        id,
        first_name: f.first_name,
        family_name: f.family_name,
        sex: f.sex,
        agency_id: f.agency_id,
        organisation: f.organisation,
        position: f.position,
        region: f.region,
        contact: f.contact,
        username: f.username,
        workshops: workshops
            .into_iter()
            .map(|(id, title, first_day)| ParticipantWorkshop {
                id,
                title,
                first_day,
            })
            .collect(),
    }))
}

/// Corrects a participant's record (every field sent). Audited.
#[utoipa::path(put, path = "/api/v1/training/participants/{id}", request_body = ParticipantRequest,
    params(("id" = String, Path, description = "Participant id")),
    responses((status = 204, description = "saved"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn update_participant(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ParticipantRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .haven()
        .update_participant(manage(&p)?, &id, &r.into(), &o)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- the register ----

/// One participant's line of the register.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegisterLineRequest {
    participant_id: String,
    /// Days attended (`YYYY-MM-DD`, days of the workshop). All of them: the line is replaced.
    #[serde(default)]
    days: Vec<String>,
    /// 0 to 100.
    #[serde(default)]
    pre_score: Option<u32>,
    #[serde(default)]
    post_score: Option<u32>,
}

/// Lines of the register to save; participants not named keep theirs.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegisterRequest {
    lines: Vec<RegisterLineRequest>,
}

/// Saves attendance and scores, all lines or none. A participant not in the workshop is a 404.
/// Audited.
#[utoipa::path(put, path = "/api/v1/training/workshops/{id}/register", request_body = RegisterRequest,
    params(("id" = String, Path, description = "Workshop id")),
    responses((status = 204, description = "saved"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn save_register(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<RegisterRequest>,
) -> Result<StatusCode, ApiError> {
    let score = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    let lines: Vec<RegisterLine> = r
        .lines
        .into_iter()
        .map(|l| RegisterLine {
            participant_id: l.participant_id,
            days: l.days,
            pre_score: score(l.pre_score),
            post_score: score(l.post_score),
        })
        .collect();
    state
        .haven()
        .save_register(manage(&p)?, &id, &lines, &o)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- certificates ----

/// How many certificates were issued.
#[derive(Serialize, ToSchema)]
pub(crate) struct Issued {
    issued: usize,
}

/// Issues a certificate to each participant who completed the workshop and has none yet.
/// Audited.
#[utoipa::path(post, path = "/api/v1/training/workshops/{id}/certificates",
    params(("id" = String, Path, description = "Workshop id")),
    responses((status = 200, description = "certificates issued now", body = Issued), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn issue_certificates(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Issued>, ApiError> {
    let issued = state
        .haven()
        .issue_certificates(manage(&p)?, &id, &o)
        .await?;
    Ok(Json(Issued { issued }))
}

/// A participant's certificate as PDF, in the language of `Accept-Language`. Audited.
#[utoipa::path(get, path = "/api/v1/training/workshops/{id}/certificates/{participant_id}",
    params(("id" = String, Path, description = "Workshop id"), ("participant_id" = String, Path)),
    responses((status = 200, description = "the certificate", content_type = "application/pdf", body = Vec<u8>),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn certificate(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path((id, pid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let c = state
        .haven()
        .certificate(manage(&p)?, &id, &pid, &o)
        .await?;
    let l = Layout::for_language(&state, accept_language(&headers));
    Ok(download(
        super::pages::certificate_pdf(&state, &l, &c),
        "application/pdf",
        &format!("certificate-{}.pdf", c.code),
    ))
}

/// What a certificate's verification shows anyone holding its code.
#[derive(Serialize, ToSchema)]
pub(crate) struct Verification {
    name: String,
    workshop: String,
    /// The workshop's last day (`YYYY-MM-DD`).
    last_day: String,
}

/// Checks a certificate's code, as the public page `/verify` does: no token needed. An unknown
/// code is a 404.
#[utoipa::path(get, path = "/api/v1/certificates/{code}", security(()),
    params(("code" = String, Path, description = "The code printed on the certificate (dashes and case do not matter)")),
    responses((status = 200, description = "the certificate is genuine", body = Verification),
        (status = 404, body = Problem)))]
pub(crate) async fn verify_certificate(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Verification>, ApiError> {
    let v = state
        .haven()
        .verify_certificate(&code)
        .await?
        .ok_or(ApiError::Core(CoreError::NotFound))?;
    Ok(Json(Verification {
        name: v.name,
        workshop: v.workshop,
        last_day: v.last_day.to_string(),
    }))
}

// ---- importing a sign-up sheet ----

/// One participant of a sign-up sheet.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SheetRow {
    /// The row's line in the sheet (the header is line 1).
    line: usize,
    first_name: String,
    family_name: String,
    sex: String,
    organisation: String,
    position: String,
    /// ISO 3166-2 code when recognised.
    region: String,
    phone: String,
    email: String,
}

impl From<ImportRow> for SheetRow {
    fn from(r: ImportRow) -> Self {
        SheetRow {
            line: r.line,
            first_name: r.first_name,
            family_name: r.family_name,
            sex: r.sex,
            organisation: r.organisation,
            position: r.position,
            region: r.region,
            phone: r.phone,
            email: r.email,
        }
    }
}

impl From<SheetRow> for ImportRow {
    fn from(r: SheetRow) -> Self {
        ImportRow {
            line: r.line,
            first_name: r.first_name,
            family_name: r.family_name,
            sex: r.sex,
            organisation: r.organisation,
            position: r.position,
            region: r.region,
            phone: r.phone,
            email: r.email,
            errors: vec![],
        }
    }
}

/// A row of the preview.
#[derive(Serialize, ToSchema)]
pub(crate) struct PreviewRow {
    row: SheetRow,
    /// Its problems; a row with any is not imported.
    errors: Vec<FieldProblem>,
    /// Someone already known under this name: enrolled instead of a new person.
    existing: Option<String>,
    /// The organisation matched to an agency of the list.
    agency: Option<String>,
}

/// What a sheet would import; nothing is written.
#[derive(Serialize, ToSchema)]
pub(crate) struct ImportPreview {
    rows: Vec<PreviewRow>,
    /// Columns not understood (left out).
    ignored_columns: Vec<String>,
    /// Rows without problems.
    valid: usize,
    /// The rows to send to `…/import/commit`: the valid ones.
    commit: Vec<SheetRow>,
}

/// Reads a sign-up sheet (XLSX, ODS or CSV; `multipart/form-data` with one part named `file`)
/// and checks every row. Writes nothing: send the preview's `commit` rows to
/// `…/import/commit`.
#[utoipa::path(post, path = "/api/v1/training/workshops/{id}/import",
    params(("id" = String, Path, description = "Workshop id")),
    request_body(content_type = "multipart/form-data", content = String, description = "one part named `file`"),
    responses((status = 200, description = "the preview", body = ImportPreview), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn import_preview(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(_id): Path<String>,
    m: Multipart,
) -> Result<Json<ImportPreview>, ApiError> {
    let cap = manage(&p)?;
    let upload = crate::cases::pages::read_upload(m).await;
    let (_, _, bytes) = upload
        .map_err(|s| ApiError::Http(s, "error-bad-request"))?
        .filter(|(_, _, b)| !b.is_empty())
        .ok_or_else(|| ApiError::invalid("file", "error-file-empty"))?;
    let preview = state.haven().import_preview(cap, &bytes).await?;
    let commit = preview
        .rows
        .iter()
        .filter(|r| r.errors.is_empty())
        .map(|r| SheetRow::from(r.row.clone()))
        .collect();
    Ok(Json(ImportPreview {
        valid: preview.valid,
        ignored_columns: preview.ignored_columns,
        rows: preview
            .rows
            .into_iter()
            .map(|r| PreviewRow {
                errors: r
                    .errors
                    .iter()
                    .map(|(f, k)| FieldProblem::new(f, k))
                    .collect(),
                row: r.row.into(),
                existing: r.existing,
                agency: r.agency,
            })
            .collect(),
        commit,
    }))
}

/// The rows to import (checked again).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportCommit {
    rows: Vec<SheetRow>,
}

/// How many participants were new and how many already known.
#[derive(Serialize, ToSchema)]
pub(crate) struct Imported {
    new: usize,
    known: usize,
}

/// Enrols the rows of a preview: new people created, known ones enrolled. Rows with a problem
/// refuse the whole import. Audited.
#[utoipa::path(post, path = "/api/v1/training/workshops/{id}/import/commit", request_body = ImportCommit,
    params(("id" = String, Path, description = "Workshop id")),
    responses((status = 200, description = "enrolled", body = Imported), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn import_commit(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ImportCommit>,
) -> Result<Json<Imported>, ApiError> {
    let rows = r.rows.into_iter().map(ImportRow::from).collect();
    let (new, known) = state
        .haven()
        .import_confirm(manage(&p)?, &id, rows, &o)
        .await?;
    Ok(Json(Imported { new, known }))
}

// ---- materials ----

/// Adds a material (`multipart/form-data` with one part named `file`; PDF, office documents,
/// images, text). Audited.
#[utoipa::path(post, path = "/api/v1/training/workshops/{id}/materials",
    params(("id" = String, Path, description = "Workshop id")),
    request_body(content_type = "multipart/form-data", content = String, description = "one part named `file`"),
    responses((status = 201, description = "the material's id", body = ItemCreated, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn add_material(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    m: Multipart,
) -> Result<Response, ApiError> {
    let cap = manage(&p)?;
    let upload = crate::cases::pages::read_upload(m).await;
    let (name, ct, bytes) = upload
        .map_err(|s| ApiError::Http(s, "error-bad-request"))?
        .ok_or_else(|| ApiError::invalid("file", "error-required"))?;
    let mid = state
        .haven()
        .add_material(cap, &id, &name, ct.as_deref().unwrap_or(""), &bytes, &o)
        .await?;
    let at = format!("/api/v1/training/materials/{mid}");
    Ok(created_at(mid, &at))
}

/// Downloads a material.
#[utoipa::path(get, path = "/api/v1/training/materials/{id}", params(("id" = String, Path, description = "Material id")),
    responses((status = 200, description = "the file, with the media type it was uploaded with", content_type = "*/*", body = Vec<u8>),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn get_material(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (name, ct, bytes) = state.haven().material(manage(&p)?, &id).await?;
    Ok(download(bytes, &ct, &name))
}

// ---- the report ----

/// The report's period, as on the page.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportQuery {
    /// First day counted (`YYYY-MM-DD`); empty: from the first workshop.
    from: String,
    /// Last day counted; empty: up to today.
    to: String,
}

/// A number of people per value of a breakdown.
#[derive(Serialize, ToSchema)]
pub(crate) struct Count {
    /// The code (sector, sex, region, `YYYY-Qn`) or organisation name; `-` not known.
    key: String,
    people: usize,
}

/// A workshop's test scores.
#[derive(Serialize, ToSchema)]
pub(crate) struct ScoreGain {
    workshop_id: String,
    workshop: String,
    first_day: String,
    trained: usize,
    completed: usize,
    /// Participants with both scores.
    tested: usize,
    pre_average: Option<f64>,
    post_average: Option<f64>,
    gain_average: Option<f64>,
}

/// What trained staff did afterwards (counts only).
#[derive(Serialize, ToSchema)]
pub(crate) struct TrainingOutcomes {
    /// Trained participants linked to a Haven account.
    linked_accounts: usize,
    screenings_before: i64,
    screenings_after: i64,
    referrals_before: i64,
    referrals_after: i64,
}

/// The training report: people trained, with breakdowns, score gains and outcomes. Counts
/// only, no names.
#[derive(Serialize, ToSchema)]
pub(crate) struct TrainingReport {
    from: Option<String>,
    to: Option<String>,
    /// Different people trained.
    people: usize,
    organisations: usize,
    women: usize,
    /// People who completed at least one workshop.
    completed: usize,
    workshops: usize,
    by_organisation: Vec<Count>,
    /// By agency type.
    by_sector: Vec<Count>,
    by_sex: Vec<Count>,
    by_region: Vec<Count>,
    by_quarter: Vec<Count>,
    gains: Vec<ScoreGain>,
    average_gain: Option<f64>,
    outcomes: TrainingOutcomes,
}

fn counts(v: &[(String, usize)]) -> Vec<Count> {
    v.iter()
        .map(|(key, people)| Count {
            key: key.clone(),
            people: *people,
        })
        .collect()
}

impl From<&ReportView> for TrainingReport {
    fn from(r: &ReportView) -> Self {
        let rep = &r.report;
        TrainingReport {
            from: r.from.map(|d| d.to_string()),
            to: r.to.map(|d| d.to_string()),
            people: rep.people,
            organisations: rep.organisations,
            women: rep.women,
            completed: rep.completed,
            workshops: rep.workshops,
            by_organisation: counts(&rep.by_organisation),
            by_sector: counts(&rep.by_sector),
            by_sex: counts(&rep.by_sex),
            by_region: counts(&rep.by_region),
            by_quarter: counts(&rep.by_quarter),
            gains: rep
                .gains
                .iter()
                .map(|g| ScoreGain {
                    workshop_id: g.workshop_id.clone(),
                    workshop: g.workshop.clone(),
                    first_day: g.first_day.to_string(),
                    trained: g.trained,
                    completed: g.completed,
                    tested: g.tested,
                    pre_average: g.pre_average,
                    post_average: g.post_average,
                    gain_average: g.gain_average,
                })
                .collect(),
            average_gain: rep.average_gain,
            outcomes: TrainingOutcomes {
                linked_accounts: r.outcomes.linked_accounts,
                screenings_before: r.outcomes.screenings_before,
                screenings_after: r.outcomes.screenings_after,
                referrals_before: r.outcomes.referrals_before,
                referrals_after: r.outcomes.referrals_after,
            },
        }
    }
}

async fn report_of(
    state: &AppState,
    p: &Principal,
    o: &haven_core::Origin,
    q: &ReportQuery,
) -> Result<ReportView, ApiError> {
    if !p.training_reports() {
        return Err(ApiError::forbidden());
    }
    Ok(state.haven().training_report(p, &q.from, &q.to, o).await?)
}

/// The training report for a period (trainers, the coordinator, analysts). Audited.
#[utoipa::path(get, path = "/api/v1/training/report", params(ReportQuery),
    responses((status = 200, description = "the report", body = TrainingReport), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn report(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<ReportQuery>,
) -> Result<Json<TrainingReport>, ApiError> {
    let r = report_of(&state, &p, &o, &q).await?;
    Ok(Json(TrainingReport::from(&r)))
}

/// The training report as a workbook, in the language of `Accept-Language`. Audited.
#[utoipa::path(get, path = "/api/v1/training/report.xlsx", params(ReportQuery),
    responses((status = 200, description = "the report as a workbook",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn report_xlsx(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let r = report_of(&state, &p, &o, &q).await?;
    let l = Layout::for_language(&state, accept_language(&headers));
    Ok(download(
        super::pages::report_xlsx_bytes(&l, &r)?,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "haven-training-report.xlsx",
    ))
}

/// The training report as PDF, in the language of `Accept-Language`. Audited.
#[utoipa::path(get, path = "/api/v1/training/report.pdf", params(ReportQuery),
    responses((status = 200, description = "the report as PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn report_pdf(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let r = report_of(&state, &p, &o, &q).await?;
    let l = Layout::for_language(&state, accept_language(&headers));
    Ok(download(
        super::pages::report_pdf_bytes(&l, &r),
        "application/pdf",
        "haven-training-report.pdf",
    ))
}
