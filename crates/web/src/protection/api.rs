//! The API of protection and follow-up: the whole protection of a case, each section's change,
//! tasks. The same use-cases and rules as the pages.
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use haven_core::CoreError;
use haven_core::protection::{
    Goal, PlanInput, ProceedingsDetails, ProceedingsInput, ProtectionDoc, ReturnInput, RiskInput,
    ServiceInput, TaskInput, TaskView,
};
use haven_domain::CaseId;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::kit::paging::{PageParams, paged};
use crate::kit::problem::{ApiError, ApiJson, ApiUser, ItemCreated, Problem, created};

/// The protection of a case: risk assessments, reflection period, plan, services, tasks,
/// return, proceedings. Audited as a read of the case.
#[utoipa::path(get, path = "/api/v1/cases/{id}/protection", params(("id" = String, Path)),
    responses((status = 200, description = "the protection of the case", body = ProtectionDoc), (status = 404, body = Problem)))]
pub(crate) async fn get_protection(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ProtectionDoc>, ApiError> {
    let case = id.parse::<CaseId>().map_err(|_| ApiError::not_found())?;
    Ok(Json(state.haven().protection(&p, case, &o).await?))
}

/// A change of one section. Which fields apply depends on the section:
/// - `risk`: kind, assessed_on, level, areas (`[[area, level]]`), safety_plan, notes;
/// - `reflection`: started_on, days; `extend`: days, reason;
/// - `plan`: goals, review_on, version; `submit`, `approve`, `return-plan`: comments;
/// - `services`: service_type, provider_agency_id or provider_name, status, started_on,
///   ended_on, outcome, cost, consent;
/// - `tasks`: kind, title, due_on, assigned_to, note;
/// - `reintegration`: country, region, receiving_org, planned_on, returned_on, notes;
/// - `proceedings`: cooperation, compensation, police_ref, prosecutor_ref, witness_protection,
///   compensation_claimed, compensation_awarded, notes.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SectionRequest {
    kind: String,
    assessed_on: String,
    level: String,
    #[schema(value_type = Vec<Vec<String>>)]
    areas: Vec<(String, String)>,
    safety_plan: String,
    notes: String,
    started_on: String,
    /// A number of days, as text (empty: the deployment's length).
    days: String,
    reason: String,
    #[schema(value_type = Vec<Object>)]
    goals: Vec<Goal>,
    review_on: String,
    version: i64,
    comments: String,
    service_type: String,
    provider_agency_id: String,
    provider_name: String,
    status: String,
    ended_on: String,
    outcome: String,
    cost: String,
    consent: bool,
    title: String,
    due_on: String,
    assigned_to: String,
    note: String,
    country: String,
    region: String,
    receiving_org: String,
    planned_on: String,
    returned_on: String,
    cooperation: String,
    compensation: String,
    police_ref: String,
    prosecutor_ref: String,
    witness_protection: String,
    compensation_claimed: String,
    compensation_awarded: String,
}

/// Changes one section of a case's protection (see the request's fields). 204, or 201 with
/// `{id}` for what creates an item (risk assessment, service, task). Audited.
#[utoipa::path(post, path = "/api/v1/cases/{id}/protection/{section}", request_body = SectionRequest,
    params(("id" = String, Path), ("section" = String, Path,
        description = "risk, reflection, extend, plan, submit, approve, return-plan, services, tasks, reintegration, proceedings")),
    responses((status = 204), (status = 201, description = "the new item", body = ItemCreated), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn save_section(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path((id, section)): Path<(String, String)>,
    ApiJson(r): ApiJson<SectionRequest>,
) -> Result<Response, ApiError> {
    let case = id.parse::<CaseId>().map_err(|_| ApiError::not_found())?;
    save(&state, &p, &o, case, &section, r)
        .await
        .map_err(request_fields)
}

/// The use-cases name a refused field as the page's form does (`risk_safety_plan`); a client
/// of the API sent `safety_plan`, and is told so.
fn request_fields(e: ApiError) -> ApiError {
    let ApiError::Core(CoreError::Invalid(errors)) = e else {
        return e;
    };
    let renamed = errors
        .into_iter()
        .map(|mut f| {
            f.field = match f.field {
                "risk_overall" => "level",
                "risk_areas" => "areas",
                "risk_safety_plan" => "safety_plan",
                "reflection_days" | "reflection_extend_days" => "days",
                "reflection_reason" => "reason",
                "plan_goal" | "plan_services" | "plan_referral" => "goals",
                "plan_comments" => "comments",
                "plan_status" => "section",
                "service_provider" => "provider_agency_id",
                "service_ended_on" => "ended_on",
                "service_cost" => "cost",
                "task_title" => "title",
                "task_due_on" => "due_on",
                "task_assigned_to" => "assigned_to",
                "task_status" => "status",
                "return_country" => "country",
                "return_consent" => "section",
                other => other,
            };
            f
        })
        .collect();
    ApiError::Core(CoreError::Invalid(renamed))
}

async fn save(
    state: &AppState,
    p: &haven_authz::Principal,
    o: &haven_core::Origin,
    case: CaseId,
    section: &str,
    r: SectionRequest,
) -> Result<Response, ApiError> {
    let h = state.haven();
    let new_item = |id| created(id).into_response();
    let done = |()| StatusCode::NO_CONTENT.into_response();
    Ok(match section {
        "risk" => new_item(
            h.record_risk(
                p,
                case,
                &RiskInput {
                    kind: r.kind,
                    assessed_on: r.assessed_on,
                    level: r.level,
                    areas: r.areas,
                    safety_plan: r.safety_plan,
                    notes: r.notes,
                },
                o,
            )
            .await?,
        ),
        "reflection" => done(
            h.start_reflection(p, case, &r.started_on, &r.days, o)
                .await?,
        ),
        "extend" => done(h.extend_reflection(p, case, &r.days, &r.reason, o).await?),
        "plan" => done(
            h.save_plan(
                p,
                case,
                &PlanInput {
                    goals: r.goals,
                    review_on: r.review_on,
                    version: r.version,
                },
                o,
            )
            .await?,
        ),
        "submit" | "approve" | "return-plan" => {
            let action = if section == "return-plan" {
                "return"
            } else {
                section
            };
            done(h.decide_plan(p, case, action, &r.comments, o).await?)
        }
        "services" => new_item(
            h.record_service(
                p,
                case,
                &ServiceInput {
                    service_type: r.service_type,
                    provider_agency_id: r.provider_agency_id,
                    provider_name: r.provider_name,
                    status: r.status,
                    started_on: r.started_on,
                    ended_on: r.ended_on,
                    outcome: r.outcome,
                    cost: r.cost,
                    consent: r.consent,
                },
                o,
            )
            .await?,
        ),
        "tasks" => new_item(
            h.create_task(
                p,
                case,
                &TaskInput {
                    kind: r.kind,
                    title: r.title,
                    due_on: r.due_on,
                    assigned_to: r.assigned_to,
                    note: r.note,
                },
                o,
            )
            .await?,
        ),
        "reintegration" => done(
            h.save_return(
                p,
                case,
                &ReturnInput {
                    country: r.country,
                    region: r.region,
                    receiving_org: r.receiving_org,
                    planned_on: r.planned_on,
                    returned_on: r.returned_on,
                    notes: r.notes,
                },
                o,
            )
            .await?,
        ),
        "proceedings" => done(
            h.save_proceedings(
                p,
                case,
                &ProceedingsInput {
                    cooperation: r.cooperation,
                    compensation: r.compensation,
                    details: ProceedingsDetails {
                        police_ref: r.police_ref,
                        prosecutor_ref: r.prosecutor_ref,
                        witness_protection: r.witness_protection,
                        compensation_claimed: r.compensation_claimed,
                        compensation_awarded: r.compensation_awarded,
                        notes: r.notes,
                    },
                },
                o,
            )
            .await?,
        ),
        _ => return Err(ApiError::not_found()),
    })
}

/// The caller's open tasks, soonest due first, then by id (audited as a case list).
#[utoipa::path(get, path = "/api/v1/tasks", params(PageParams),
    responses((status = 200, description = "your open tasks, soonest due first", body = Vec<TaskView>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 422, body = Problem)))]
pub(crate) async fn list_tasks(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (list, next) = state.haven().my_tasks(&p, &pg.request()?, &o).await?;
    Ok(paged(list, next, "/api/v1/tasks", raw.as_deref()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct FinishRequest {
    note: String,
}

/// Marks a task `done` or `cancelled`.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/{status}", request_body = FinishRequest,
    params(("id" = String, Path), ("status" = String, Path, description = "done or cancelled")),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn finish_task(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path((id, status)): Path<(String, String)>,
    ApiJson(r): ApiJson<FinishRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .haven()
        .finish_task(&p, &id, &status, &r.note, &o)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
