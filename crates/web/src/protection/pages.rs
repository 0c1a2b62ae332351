//! The protection page of a case (risk, reflection period, assistance plan, services, tasks,
//! return, proceedings) and the task lists. A form with errors comes back with what was typed.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use haven_core::CoreError;
use haven_core::consents::SERVICE_TYPES;
use haven_core::protection::{
    Goal, PlanInput, ProceedingsDetails, ProceedingsInput, ProtectionDoc, ReturnInput, RiskInput,
    ServiceInput, TaskInput, TaskView,
};
use haven_domain::protection as rules;

use crate::AppState;
use crate::ctx::{Authed, ReqInfo};
use crate::extract::{HtmlForm, PageCase};
use crate::kit::page::{PageError, field_messages, form_status, refusal, render, render_with};
use crate::layout::Layout;

/// A posted form as (name, value) pairs: repeated names (checkboxes) keep every value.
type Fields = Vec<(String, String)>;

fn one(f: &Fields, name: &str) -> String {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn all(f: &Fields, name: &str) -> Vec<String> {
    f.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

#[derive(Template)]
#[template(path = "protection.html")]
struct Page<'a> {
    l: &'a Layout<'a>,
    d: ProtectionDoc,
    errors: Vec<String>,
    /// The section whose form failed, and what was typed in it.
    failed: Option<(String, Fields)>,
    agencies: Vec<(String, String)>,
    /// Empty goal rows offered below the plan's goals.
    blank_goals: Vec<usize>,
    /// The plan's goals, numbered for the form.
    goals: Vec<(usize, Goal)>,
}

impl Page<'_> {
    /// What was typed in a field of the failed section (empty otherwise).
    fn val(&self, section: &str, field: &str) -> String {
        match &self.failed {
            Some((s, f)) if s == section => one(f, field),
            _ => String::new(),
        }
    }
    /// What was typed (the failed section) or else what is stored.
    fn v(&self, section: &str, field: &str, stored: &str) -> String {
        match &self.failed {
            Some((s, f)) if s == section => one(f, field),
            _ => stored.to_string(),
        }
    }
    fn checked(&self, section: &str, field: &str, value: &str) -> bool {
        matches!(&self.failed, Some((s, f)) if s == section && all(f, field).iter().any(|v| v == value))
    }
    fn risk_levels(&self) -> &'static [&'static str] {
        rules::RISK_LEVELS
    }
    fn risk_areas(&self) -> &'static [&'static str] {
        rules::RISK_AREAS
    }
    fn assessment_kinds(&self) -> &'static [&'static str] {
        rules::ASSESSMENT_KINDS
    }
    fn task_kinds(&self) -> &'static [&'static str] {
        rules::TASK_KINDS
    }
    fn service_types(&self) -> &'static [&'static str] {
        SERVICE_TYPES
    }
    fn cooperation(&self) -> &'static [&'static str] {
        rules::COOPERATION
    }
    fn compensation(&self) -> &'static [&'static str] {
        rules::COMPENSATION
    }
    fn goal_statuses(&self) -> &'static [&'static str] {
        rules::GOAL_STATUSES
    }
    fn high(&self, level: &str) -> bool {
        rules::is_high(level)
    }
    fn level_of(&self, areas: &[(String, String)], area: &str) -> String {
        areas
            .iter()
            .find(|(a, _)| a == area)
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    }
    fn country(&self, code: &str) -> String {
        if code.is_empty() {
            String::new()
        } else {
            crate::cases::forms::country_name(self.l, code)
        }
    }
    fn proceedings(&self) -> ProceedingsDetails {
        self.d.proceedings.clone().unwrap_or_default()
    }
    fn ret(&self) -> ReturnInput {
        self.d.return_plan.clone().unwrap_or_default()
    }
    fn plan_version(&self) -> i64 {
        self.d.plan.as_ref().map_or(0, |p| p.version)
    }
}

async fn page(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    info: &ReqInfo,
    case: haven_domain::CaseId,
    errors: Vec<String>,
    failed: Option<(String, Fields)>,
) -> Result<Response, PageError> {
    let h = state.haven();
    let d = h.protection(&s.principal, case, &info.origin).await?;
    let agencies = h.agency_names().await?.into_iter();
    let agencies = agencies.map(|(id, n)| (id.to_string(), n)).collect();
    let goals: Vec<(usize, Goal)> = d
        .plan
        .as_ref()
        .map(|p| p.goals.iter().cloned().enumerate().collect())
        .unwrap_or_default();
    let n = goals.len();
    let page = Page {
        goals,
        l,
        d,
        errors,
        failed,
        agencies,
        blank_goals: (n..n + 3).collect(),
    };
    Ok(render_with(form_status(&page.errors), &page))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Done {
    done: String,
}

pub(crate) async fn view(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(case, _): PageCase,
    axum::extract::Query(d): axum::extract::Query<Done>,
) -> Result<Response, PageError> {
    let mut l = Layout::new(&state, &info);
    if !d.done.is_empty() {
        l = l.with_notice("protection-saved");
    }
    page(&state, &l, &s, &info, case, vec![], None).await
}

/// Saves one section; on a validation error the page comes back with the section's input.
pub(crate) async fn save(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((id, section)): Path<(String, String)>,
    HtmlForm(f): HtmlForm<Fields>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let case = id
        .parse::<haven_domain::CaseId>()
        .map_err(|_| PageError::not_found())?;
    let h = state.haven();
    let p = &s.principal;
    let o = &info.origin;
    let r = match section.as_str() {
        "risk" => {
            let i = RiskInput {
                kind: one(&f, "kind"),
                assessed_on: one(&f, "assessed_on"),
                level: one(&f, "level"),
                areas: rules::RISK_AREAS
                    .iter()
                    .map(|a| (a.to_string(), one(&f, &format!("area_{a}"))))
                    .collect(),
                safety_plan: one(&f, "safety_plan"),
                notes: one(&f, "notes"),
            };
            h.record_risk(p, case, &i, o).await.map(|_| ())
        }
        "reflection" => {
            h.start_reflection(p, case, &one(&f, "started_on"), &one(&f, "days"), o)
                .await
        }
        "extend" => {
            h.extend_reflection(p, case, &one(&f, "days"), &one(&f, "reason"), o)
                .await
        }
        "plan" => {
            let mut goals = Vec::new();
            for k in 0..50 {
                let text = one(&f, &format!("goal_{k}_text"));
                if text.is_empty() && !f.iter().any(|(n, _)| n.starts_with(&format!("goal_{k}_"))) {
                    continue;
                }
                goals.push(Goal {
                    text,
                    target_on: one(&f, &format!("goal_{k}_target_on")),
                    status: one(&f, &format!("goal_{k}_status")),
                    services: all(&f, &format!("goal_{k}_services")),
                    referral_id: one(&f, &format!("goal_{k}_referral")),
                });
            }
            let i = PlanInput {
                goals,
                review_on: one(&f, "review_on"),
                version: one(&f, "version").parse().unwrap_or(0),
            };
            h.save_plan(p, case, &i, o).await
        }
        "submit" | "approve" | "return-plan" => {
            let action = if section == "return-plan" {
                "return"
            } else {
                section.as_str()
            };
            h.decide_plan(p, case, action, &one(&f, "comments"), o)
                .await
        }
        "services" => {
            let i = ServiceInput {
                service_type: one(&f, "service_type"),
                provider_agency_id: one(&f, "provider_agency_id"),
                provider_name: one(&f, "provider_name"),
                status: one(&f, "status"),
                started_on: one(&f, "started_on"),
                ended_on: one(&f, "ended_on"),
                outcome: one(&f, "outcome"),
                cost: one(&f, "cost"),
                consent: one(&f, "consent") == "true",
            };
            h.record_service(p, case, &i, o).await.map(|_| ())
        }
        "tasks" => {
            let i = TaskInput {
                kind: one(&f, "kind"),
                title: one(&f, "title"),
                due_on: one(&f, "due_on"),
                assigned_to: one(&f, "assigned_to"),
                note: one(&f, "note"),
            };
            h.create_task(p, case, &i, o).await.map(|_| ())
        }
        "return" => {
            let i = ReturnInput {
                country: one(&f, "country"),
                region: one(&f, "region"),
                receiving_org: one(&f, "receiving_org"),
                planned_on: one(&f, "planned_on"),
                returned_on: one(&f, "returned_on"),
                notes: one(&f, "notes"),
            };
            h.save_return(p, case, &i, o).await
        }
        "proceedings" => {
            let i = ProceedingsInput {
                cooperation: one(&f, "cooperation"),
                compensation: one(&f, "compensation"),
                details: ProceedingsDetails {
                    police_ref: one(&f, "police_ref"),
                    prosecutor_ref: one(&f, "prosecutor_ref"),
                    witness_protection: one(&f, "witness_protection"),
                    compensation_claimed: one(&f, "compensation_claimed"),
                    compensation_awarded: one(&f, "compensation_awarded"),
                    notes: one(&f, "notes"),
                },
            };
            h.save_proceedings(p, case, &i, o).await
        }
        _ => Err(CoreError::NotFound),
    };
    match r {
        Ok(()) => {
            Ok(Redirect::to(&format!("/cases/{case}/protection?done=1#{section}")).into_response())
        }
        Err(e) => {
            let errors = field_messages(&l, &refusal(e)?);
            page(&state, &l, &s, &info, case, errors, Some((section, f))).await
        }
    }
}

/// Marks a task done or cancelled.
pub(crate) async fn finish_task(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((id, status)): Path<(String, String)>,
    HtmlForm(f): HtmlForm<Fields>,
) -> Result<Redirect, PageError> {
    let case = state
        .haven()
        .finish_task(&s.principal, &id, &status, &one(&f, "note"), &info.origin)
        .await?;
    let back = one(&f, "back");
    let to = if back == "tasks" {
        "/tasks".to_string()
    } else {
        format!("/cases/{case}/protection#tasks")
    };
    Ok(Redirect::to(&to))
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage<'a> {
    l: &'a Layout<'a>,
    mine: Vec<TaskView>,
    /// For supervisors (coordinators, case workers): overdue tasks of the cases they may read.
    overdue: Option<Vec<TaskView>>,
}

pub(crate) async fn tasks(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let h = state.haven();
    let p = &s.principal;
    let (mine, _) = h
        .my_tasks(
            p,
            &haven_core::support::cursor::PageRequest::all(),
            &info.origin,
        )
        .await?;
    let overdue = match h.overdue_tasks(p, &info.origin).await {
        Ok(v) => Some(v),
        Err(CoreError::Forbidden) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(render(&TasksPage {
        l: &l,
        mine,
        overdue,
    }))
}
