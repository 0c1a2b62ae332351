//! The export page: the filters of the case list it came from (carried in the form, never in
//! the address), the format and layout, and, for personal fields, a reason and a passphrase.
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use haven_core::CoreError;
use haven_core::cases::CaseSearch;
use haven_core::exports::{ExportFormat, ExportLayout, ExportRequest, MIN_PASSPHRASE};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::Authed;
use crate::extract::HtmlForm;
use crate::kit::page::{PageError, capability, download, field_messages, refusal, render_with};
use crate::layout::Layout;

/// The export form: the list's filters, then the options.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ExportForm {
    name: String,
    case_number: String,
    status: String,
    nationality: String,
    agency: String,
    region: String,
    exploitation_type: String,
    opened_from: String,
    opened_to: String,
    high_risk: String,
    /// `options`: show the form (from the case list); otherwise export.
    step: String,
    format: String,
    layout: String,
    personal: String,
    reason: String,
    passphrase: String,
    hxl: String,
}

fn yes(v: &str) -> bool {
    matches!(v.trim(), "true" | "on" | "1" | "yes")
}

impl ExportForm {
    fn search(&self) -> CaseSearch {
        CaseSearch {
            name: self.name.clone(),
            case_number: self.case_number.clone(),
            status: self.status.clone(),
            nationality: self.nationality.clone(),
            agency: self.agency.clone(),
            region: self.region.clone(),
            exploitation_type: self.exploitation_type.clone(),
            opened_from: self.opened_from.clone(),
            opened_to: self.opened_to.clone(),
            high_risk: yes(&self.high_risk),
            page: 1,
            per_page: 0,
            cursor: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "cases_export.html")]
struct ExportPage<'a> {
    l: &'a Layout<'a>,
    f: ExportForm,
    errors: Vec<String>,
    personal_allowed: bool,
    may_set_policy: bool,
    min_passphrase: usize,
}

async fn page(
    state: &AppState,
    l: &Layout<'_>,
    p: &haven_authz::Principal,
    f: ExportForm,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let status = crate::kit::page::form_status(&errors);
    let view = ExportPage {
        l,
        f,
        errors,
        personal_allowed: state.haven().personal_export_allowed().await?,
        may_set_policy: p.export_policy().is_some(),
        min_passphrase: MIN_PASSPHRASE,
    };
    Ok(render_with(status, &view))
}

pub(crate) async fn form(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    capability(s.principal.case_list())?;
    page(&state, &l, &s.principal, ExportForm::default(), vec![]).await
}

pub(crate) async fn export(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(mut f): HtmlForm<ExportForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.case_list())?;
    if f.step == "options" {
        f.step.clear();
        return page(&state, &l, &s.principal, f, vec![]).await;
    }
    let req = ExportRequest {
        search: f.search(),
        format: if f.format == "xlsx" {
            ExportFormat::Xlsx
        } else {
            ExportFormat::Csv
        },
        layout: if f.layout == "labels" {
            ExportLayout::Labels
        } else {
            ExportLayout::Htcds
        },
        personal: yes(&f.personal),
        reason: f.reason.clone(),
        passphrase: f.passphrase.clone(),
        hxl: yes(&f.hxl),
        lang: info.lang,
    };
    match state.haven().export_cases(cap, &req, &info.origin).await {
        Ok(file) => Ok(download(file.bytes, file.content_type, &file.file_name)),
        Err(e) => {
            let e = refusal(e)?;
            let msgs = export_messages(&l, &e);
            // The passphrase is never sent back into the page.
            f.passphrase.clear();
            page(&state, &l, &s.principal, f, msgs).await
        }
    }
}

fn export_messages(l: &Layout<'_>, e: &CoreError) -> Vec<String> {
    match e {
        CoreError::Invalid(errs) => errs
            .iter()
            .map(|x| match x.field {
                "personal" | "reason" | "passphrase" | "hxl" => {
                    format!("{}: {}", l.t(&format!("export-{}", x.field)), l.t(x.key))
                }
                _ => l.t(x.key),
            })
            .collect(),
        e => field_messages(l, e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PolicyForm {
    personal: String,
}

pub(crate) async fn policy(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(f): HtmlForm<PolicyForm>,
) -> Result<Response, PageError> {
    let cap = capability(s.principal.export_policy())?;
    state
        .haven()
        .set_personal_export_allowed(cap, yes(&f.personal), &info.origin)
        .await?;
    Ok(Redirect::to("/cases/export").into_response())
}
