//! Training pages: workshops, their participants' register (attendance per day, test scores),
//! the import of sign-up sheets with a preview, certificates (PDF) and their public verification,
//! materials, and the reports (page, XLSX, PDF). No JavaScript.
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use haven_core::CoreError;
use haven_core::training::{
    Added, EnrolmentView, ParticipantInput, ParticipantView, Preview, RegisterLine, ReportView,
    WorkshopDoc, WorkshopInput, WorkshopView,
};
use haven_documents::pdf::Doc;
use haven_documents::xlsx::{Cell, Table};
use haven_training::import::ImportRow;
use haven_training::{FORMATS, SEXES, TOPICS};
use serde::Deserialize;

use crate::AppState;
use crate::cases::forms::region_options;
use crate::ctx::{Authed, Ctx, ReqInfo};
use crate::extract::HtmlForm;
use crate::kit::page::{
    PageError, allowed, capability, download, form_status, refusal, render, render_with,
};
use crate::layout::Layout;

fn field_errors(l: &Layout<'_>, e: &CoreError) -> Vec<String> {
    crate::kit::page::field_messages_in(l, e, "training-field")
}

// ---- workshops ----

#[derive(Template)]
#[template(path = "training.html")]
struct ListPage<'a> {
    l: &'a Layout<'a>,
    workshops: Vec<(WorkshopView, i64)>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.training_manage())?;
    let workshops = state.haven().list_workshops(cap).await?;
    Ok(render(&ListPage { l: &l, workshops }))
}

#[derive(Template)]
#[template(path = "workshop_form.html")]
struct FormPage<'a> {
    l: &'a Layout<'a>,
    id: Option<String>,
    f: WorkshopInput,
    errors: Vec<String>,
    regions: Vec<(String, String, bool)>,
    topics: Vec<(&'static str, String, bool)>,
    formats: Vec<(&'static str, String)>,
}

fn form_page(
    l: &Layout<'_>,
    id: Option<String>,
    f: WorkshopInput,
    errors: Vec<String>,
) -> Response {
    let page = FormPage {
        l,
        regions: region_options(l, f.region.trim()),
        topics: TOPICS
            .iter()
            .map(|t| {
                (
                    *t,
                    l.t(&format!("training-topic-{t}")),
                    f.topics.iter().any(|x| x == t),
                )
            })
            .collect(),
        formats: FORMATS
            .iter()
            .map(|t| (*t, l.t(&format!("training-format-{t}"))))
            .collect(),
        id,
        f,
        errors,
    };
    render_with(form_status(&page.errors), &page)
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.training_manage().is_some())?;
    let rule = state.haven().policy.training_rule;
    let f = WorkshopInput {
        pass_mark: rule.pass_mark.to_string(),
        min_attendance: rule.min_attendance_pct.to_string(),
        ..Default::default()
    };
    Ok(form_page(&l, None, f, vec![]))
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.training_manage())?;
    let w = state.haven().workshop(cap, &id).await?;
    let f = WorkshopInput {
        title: w.title,
        topics: w.topics,
        first_day: w.first_day.to_string(),
        last_day: w.last_day.to_string(),
        region: w.region.unwrap_or_default(),
        place: w.place,
        format: w.format,
        language: w.language,
        trainers: w.trainers,
        organiser: w.organiser,
        funder: w.funder,
        grant_ref: w.grant_ref,
        capacity: w.capacity.map(|c| c.to_string()).unwrap_or_default(),
        pass_mark: w.rule.pass_mark.to_string(),
        min_attendance: w.rule.min_attendance.to_string(),
        questionnaire: w.questionnaire,
    };
    Ok(form_page(&l, Some(id), f, vec![]))
}

async fn save(
    state: &AppState,
    info: &ReqInfo,
    s: &haven_core::auth::SessionInfo,
    id: Option<String>,
    f: WorkshopInput,
) -> Result<Response, PageError> {
    let l = Layout::new(state, info);
    let cap = capability(s.principal.training_manage())?;
    match state
        .haven()
        .save_workshop(cap, id.as_deref(), &f, &info.origin)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/training/{id}")).into_response()),
        Err(e) => Ok(form_page(&l, id, f, field_errors(&l, &refusal(e)?))),
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(f): HtmlForm<WorkshopInput>,
) -> Result<Response, PageError> {
    save(&state, &info, &s, None, f).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<WorkshopInput>,
) -> Result<Response, PageError> {
    save(&state, &info, &s, Some(id), f).await
}

#[derive(Template)]
#[template(path = "workshop.html")]
struct WorkshopPage<'a> {
    l: &'a Layout<'a>,
    d: WorkshopDoc,
    errors: Vec<String>,
    agencies: Vec<(String, String)>,
    regions: Vec<(String, String, bool)>,
    sexes: Vec<(&'static str, String)>,
    completed: usize,
    certified: usize,
}

impl WorkshopPage<'_> {
    fn attended(&self, e: &EnrolmentView, d: &time::Date) -> bool {
        e.days.contains(d)
    }
    fn score(v: &Option<u32>) -> String {
        v.map(|s| s.to_string()).unwrap_or_default()
    }
}

async fn workshop_page(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    info: &ReqInfo,
    id: &str,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let cap = capability(s.principal.training_manage())?;
    let d = state.haven().open_workshop(cap, id, &info.origin).await?;
    let a = state.haven().agency_names().await?;
    let agencies = a.into_iter().map(|(id, n)| (id.to_string(), n)).collect();
    let page = WorkshopPage {
        l,
        completed: d.enrolments.iter().filter(|e| e.completed).count(),
        certified: d
            .enrolments
            .iter()
            .filter(|e| e.certificate_code.is_some())
            .count(),
        d,
        errors,
        agencies,
        regions: region_options(l, ""),
        sexes: SEXES
            .iter()
            .map(|x| (*x, l.t(&format!("training-sex-{x}"))))
            .collect(),
    };
    Ok(render_with(form_status(&page.errors), &page))
}

/// What the last change did, carried in the query of the redirect.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Notice {
    saved: Option<String>,
    imported: Option<usize>,
    known: Option<usize>,
    issued: Option<usize>,
}

pub(crate) async fn view(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> Result<Response, PageError> {
    let mut l = Layout::new(&state, &info);
    if n.saved.is_some() {
        l = l.with_notice("training-register-saved");
    } else if let Some(new) = n.imported {
        let msg = l.ta(
            "training-imported",
            &[
                ("new", FluentValue::from(new)),
                ("known", FluentValue::from(n.known.unwrap_or(0))),
            ],
        );
        l = l.with_flash(msg);
    } else if let Some(issued) = n.issued {
        let msg = l.ta("training-issued", &[("count", FluentValue::from(issued))]);
        l = l.with_flash(msg);
    }
    workshop_page(&state, &l, &s, &info, &id, vec![]).await
}

// ---- participants ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ParticipantForm {
    #[serde(flatten)]
    input: ParticipantInput,
    existing: String,
    force: String,
}

#[derive(Template)]
#[template(path = "participant_duplicates.html")]
struct DuplicatesPage<'a> {
    l: &'a Layout<'a>,
    workshop: String,
    f: ParticipantInput,
    candidates: Vec<ParticipantView>,
}

pub(crate) async fn add_participant(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<ParticipantForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.training_manage())?;
    let existing = Some(f.existing.as_str()).filter(|e| !e.is_empty());
    match state
        .haven()
        .add_participant(
            cap,
            &id,
            &f.input,
            existing,
            !f.force.is_empty(),
            &info.origin,
        )
        .await
    {
        Ok(Added::Enrolled(_)) => {
            Ok(Redirect::to(&format!("/training/{id}#register")).into_response())
        }
        Ok(Added::PossibleDuplicates(candidates)) => Ok(render(&DuplicatesPage {
            l: &l,
            workshop: id,
            f: f.input,
            candidates,
        })),
        Err(e) => {
            let errors = field_errors(&l, &refusal(e)?);
            workshop_page(&state, &l, &s, &info, &id, errors).await
        }
    }
}

pub(crate) async fn remove_participant(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let cap = capability(s.principal.training_manage())?;
    state
        .haven()
        .remove_participant(cap, &id, &pid, &info.origin)
        .await?;
    Ok(Redirect::to(&format!("/training/{id}#register")).into_response())
}

/// The register: `p` once per participant, `att_{p}` per day attended, `pre_{p}`, `post_{p}`.
pub(crate) async fn save_register(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(fields): HtmlForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.training_manage())?;
    let mut lines: Vec<RegisterLine> = fields
        .iter()
        .filter(|(k, _)| k == "p")
        .map(|(_, v)| RegisterLine {
            participant_id: v.clone(),
            ..Default::default()
        })
        .collect();
    for line in &mut lines {
        let pid = line.participant_id.clone();
        for (k, v) in &fields {
            match k.strip_suffix(pid.as_str()) {
                Some("att_") => line.days.push(v.clone()),
                Some("pre_") => line.pre_score = v.clone(),
                Some("post_") => line.post_score = v.clone(),
                _ => {}
            }
        }
    }
    match state
        .haven()
        .save_register(cap, &id, &lines, &info.origin)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/training/{id}?saved=1#register")).into_response()),
        Err(e) => {
            let errors = field_errors(&l, &refusal(e)?);
            workshop_page(&state, &l, &s, &info, &id, errors).await
        }
    }
}

// ---- import ----

#[derive(Template)]
#[template(path = "training_import.html")]
struct ImportPage<'a> {
    l: &'a Layout<'a>,
    workshop: String,
    errors: Vec<String>,
    preview: Option<Preview>,
    /// The valid rows, as JSON for the confirmation (re-checked on the way back).
    rows_json: String,
}

pub(crate) async fn import_form(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.training_manage().is_some())?;
    Ok(render(&ImportPage {
        l: &l,
        workshop: id,
        errors: vec![],
        preview: None,
        rows_json: String::new(),
    }))
}

pub(crate) async fn import_preview(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    m: Multipart,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.training_manage())?;
    let page = |errors: Vec<String>, preview: Option<Preview>| {
        let rows: Vec<&ImportRow> = preview
            .iter()
            .flat_map(|p| {
                p.rows
                    .iter()
                    .filter(|r| r.errors.is_empty())
                    .map(|r| &r.row)
            })
            .collect();
        let view = ImportPage {
            l: &l,
            workshop: id.clone(),
            errors,
            rows_json: serde_json::to_string(&rows).unwrap_or_default(),
            preview,
        };
        render_with(form_status(&view.errors), &view)
    };
    let bytes = match crate::cases::pages::read_upload(m).await {
        Ok(Some((_, _, b))) if !b.is_empty() => b,
        Ok(_) => return Ok(page(vec![l.t("error-file-empty")], None)),
        Err(_) => return Ok(page(vec![l.t("error-file-too-large")], None)),
    };
    match state.haven().import_preview(cap, &bytes).await {
        Ok(p) => Ok(page(vec![], Some(p))),
        Err(e) => Ok(page(field_errors(&l, &refusal(e)?), None)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ConfirmForm {
    rows: String,
}

pub(crate) async fn import_confirm(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let cap = capability(s.principal.training_manage())?;
    let rows =
        serde_json::from_str::<Vec<ImportRow>>(&f.rows).map_err(|_| PageError::bad_request())?;
    let (new, known) = state
        .haven()
        .import_confirm(cap, &id, rows, &info.origin)
        .await?;
    let to = format!("/training/{id}?imported={new}&known={known}#register");
    Ok(Redirect::to(&to).into_response())
}

// ---- certificates ----

pub(crate) async fn issue_certificates(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let cap = capability(s.principal.training_manage())?;
    let n = state
        .haven()
        .issue_certificates(cap, &id, &info.origin)
        .await?;
    Ok(Redirect::to(&format!("/training/{id}?issued={n}#register")).into_response())
}

/// Where a certificate is verified: the deployment's public address if configured.
fn verify_url(state: &AppState, code: &str) -> String {
    let base = state.0.cfg.public_url.clone().unwrap_or_default();
    format!("{}/verify/{code}", base.trim_end_matches('/'))
}

pub(crate) async fn certificate(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.training_manage())?;
    let c = state
        .haven()
        .certificate(cap, &id, &pid, &info.origin)
        .await?;
    Ok(download(
        certificate_pdf(&state, &l, &c),
        "application/pdf",
        &format!("certificate-{}.pdf", c.code),
    ))
}

/// A certificate as a one-page PDF in the layout's language, with its verification code.
pub(super) fn certificate_pdf(
    state: &AppState,
    l: &Layout<'_>,
    c: &haven_core::training::CertificateData,
) -> Vec<u8> {
    let dates = l.date_range(&c.first_day, &c.last_day);
    let topics = c
        .topics
        .iter()
        .map(|t| l.t(&format!("training-topic-{t}")))
        .collect::<Vec<_>>()
        .join(", ");
    let mut lines = vec![
        (l.t("certificate-heading"), 30.0, true),
        (l.t("certificate-certifies"), 13.0, false),
        (c.name.clone(), 26.0, true),
        (l.t("certificate-completed"), 13.0, false),
        (c.workshop.clone(), 18.0, true),
        (topics, 11.0, false),
        (
            [dates, c.place.clone()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            12.0,
            false,
        ),
    ];
    // Where the organiser signs, and who they are.
    lines.push((String::new(), 18.0, false));
    lines.push(("_".repeat(34), 12.0, false));
    lines.push((
        if c.organiser.is_empty() {
            l.t("certificate-organiser")
        } else {
            c.organiser.clone()
        },
        12.0,
        false,
    ));
    lines.push((
        l.ta(
            "certificate-verify",
            &[
                ("code", FluentValue::from(c.code.clone())),
                ("url", FluentValue::from(verify_url(state, &c.code))),
            ],
        ),
        10.0,
        false,
    ));
    Doc::certificate(&lines, None).finish(&l.t("certificate-heading"))
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage<'a> {
    l: &'a Layout<'a>,
    code: String,
    result: Option<Option<haven_core::training::Verified>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct VerifyQuery {
    code: String,
}

async fn verify_page(
    state: &AppState,
    info: &ReqInfo,
    code: String,
) -> Result<Response, PageError> {
    let l = Layout::new(state, info).for_public();
    let result = if code.trim().is_empty() {
        None
    } else {
        Some(state.haven().verify_certificate(&code).await?)
    };
    let status = if matches!(result, Some(None)) {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    let page = VerifyPage {
        l: &l,
        code: code.chars().take(20).collect(),
        result,
    };
    Ok(render_with(status, &page))
}

pub(crate) async fn verify_form(
    State(state): State<AppState>,
    Ctx(info): Ctx,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, PageError> {
    verify_page(&state, &info, q.code).await
}

pub(crate) async fn verify_code(
    State(state): State<AppState>,
    Ctx(info): Ctx,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    verify_page(&state, &info, code).await
}

// ---- materials ----

pub(crate) async fn add_material(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    m: Multipart,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.training_manage())?;
    let r = match crate::cases::pages::read_upload(m).await {
        Ok(Some((name, ct, bytes))) => {
            state
                .haven()
                .add_material(
                    cap,
                    &id,
                    &name,
                    ct.as_deref().unwrap_or(""),
                    &bytes,
                    &info.origin,
                )
                .await
        }
        Ok(None) => Err(CoreError::invalid("file", "error-file-empty")),
        Err(_) => Err(CoreError::invalid("file", "error-file-too-large")),
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/training/{id}#materials")).into_response()),
        Err(e) => {
            let errors = field_errors(&l, &refusal(e)?);
            workshop_page(&state, &l, &s, &info, &id, errors).await
        }
    }
}

pub(crate) async fn material(
    State(state): State<AppState>,
    Authed(_, s): Authed,
    Path(mid): Path<String>,
) -> Result<Response, PageError> {
    let cap = capability(s.principal.training_manage())?;
    let (name, ct, bytes) = state.haven().material(cap, &mid).await?;
    Ok(download(bytes, &ct, &name))
}

// ---- reports ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReportQuery {
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "training_report.html")]
struct ReportPage<'a> {
    l: &'a Layout<'a>,
    q: ReportQuery,
    r: ReportView,
    summary: String,
    tables: Vec<(String, Vec<(String, usize)>)>,
    query: String,
}

fn label(l: &Layout<'_>, table: &str, key: &str) -> String {
    if key == "-" {
        return l.t("stats-unknown");
    }
    match table {
        "sector" => l.t(&format!("agency-type-{key}")),
        "sex" => l.t(&format!("training-sex-{key}")),
        "region" => l.region_of(key),
        _ => key.to_string(),
    }
}

fn tables(l: &Layout<'_>, r: &ReportView) -> Vec<(String, Vec<(String, usize)>)> {
    let rep = &r.report;
    [
        ("organisation", &rep.by_organisation),
        ("sector", &rep.by_sector),
        ("sex", &rep.by_sex),
        ("region", &rep.by_region),
        ("quarter", &rep.by_quarter),
    ]
    .into_iter()
    .map(|(k, rows)| {
        (
            l.t(&format!("training-report-by-{k}")),
            rows.iter().map(|(key, n)| (label(l, k, key), *n)).collect(),
        )
    })
    .collect()
}

fn summary(l: &Layout<'_>, r: &ReportView) -> String {
    let rep = &r.report;
    let women = (rep.women * 100 + rep.people / 2)
        .checked_div(rep.people)
        .unwrap_or(0);
    l.ta(
        "training-report-summary",
        &[
            ("people", FluentValue::from(rep.people)),
            ("organisations", FluentValue::from(rep.organisations)),
            ("women", FluentValue::from(women)),
            ("workshops", FluentValue::from(rep.workshops)),
            (
                "gain",
                FluentValue::from(
                    rep.average_gain
                        .map(|g| format!("{g:+.1}"))
                        .unwrap_or_else(|| "–".into()),
                ),
            ),
        ],
    )
}

async fn report_of(
    state: &AppState,
    s: &haven_core::auth::SessionInfo,
    info: &ReqInfo,
    q: &ReportQuery,
) -> Result<ReportView, PageError> {
    allowed(s.principal.training_reports())?;
    Ok(state
        .haven()
        .training_report(&s.principal, &q.from, &q.to, &info.origin)
        .await?)
}

pub(crate) async fn report(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let r = report_of(&state, &s, &info, &q).await?;
    let query = serde_html_form::to_string([("from", &q.from), ("to", &q.to)]).unwrap_or_default();
    Ok(render(&ReportPage {
        summary: summary(&l, &r),
        tables: tables(&l, &r),
        l: &l,
        q,
        r,
        query,
    }))
}

fn fmt1(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into())
}

pub(crate) async fn report_xlsx(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let r = report_of(&state, &s, &info, &q).await?;
    Ok(download(
        report_xlsx_bytes(&l, &r)?,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "haven-training-report.xlsx",
    ))
}

/// The training report as a workbook: the summary, one sheet per breakdown, the score gains.
pub(super) fn report_xlsx_bytes(l: &Layout<'_>, r: &ReportView) -> Result<Vec<u8>, CoreError> {
    let count = l.t("training-report-people");
    let mut sheets = vec![Table {
        name: l.t("training-report-title"),
        header: vec![l.t("training-report-summary-title")],
        rows: vec![vec![Cell::Text(summary(l, r))]],
    }];
    for (title, rows) in tables(l, r) {
        sheets.push(Table {
            name: title.clone(),
            header: vec![title, count.clone()],
            rows: rows
                .into_iter()
                .map(|(k, n)| vec![Cell::Text(k), Cell::Number(n as f64)])
                .collect(),
        });
    }
    sheets.push(Table {
        name: l.t("training-report-gain"),
        header: [
            "training-workshop",
            "training-first-day",
            "training-report-people",
            "training-completed",
            "training-report-tested",
            "training-pre",
            "training-post",
            "training-report-gain",
        ]
        .iter()
        .map(|k| l.t(k))
        .collect(),
        rows: r
            .report
            .gains
            .iter()
            .map(|g| {
                let n = |v: Option<f64>| v.map(Cell::Number).unwrap_or(Cell::Empty);
                vec![
                    Cell::Text(g.workshop.clone()),
                    Cell::Text(g.first_day.to_string()),
                    Cell::Number(g.trained as f64),
                    Cell::Number(g.completed as f64),
                    Cell::Number(g.tested as f64),
                    n(g.pre_average),
                    n(g.post_average),
                    n(g.gain_average),
                ]
            })
            .collect(),
    });
    haven_documents::xlsx::workbook(&sheets).map_err(CoreError::internal)
}

pub(crate) async fn report_pdf(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let r = report_of(&state, &s, &info, &q).await?;
    Ok(download(
        report_pdf_bytes(&l, &r),
        "application/pdf",
        "haven-training-report.pdf",
    ))
}

/// The training report as a PDF.
pub(super) fn report_pdf_bytes(l: &Layout<'_>, r: &ReportView) -> Vec<u8> {
    let mut d = Doc::new(None, &l.t("training-report-footer"));
    d.title(&l.t("training-report-title"));
    if r.from.is_some() || r.to.is_some() {
        d.para(&format!(
            "{} – {}",
            r.from.map(|x| l.date_of(&x)).unwrap_or_default(),
            r.to.map(|x| l.date_of(&x)).unwrap_or_default()
        ));
    }
    d.para(&summary(l, r));
    for (title, rows) in tables(l, r) {
        d.heading(&title);
        for (k, n) in rows {
            d.row(&k, &n.to_string());
        }
    }
    d.heading(&l.t("training-report-gain"));
    for g in &r.report.gains {
        d.row(
            &format!("{} ({})", g.workshop, l.date_of(&g.first_day)),
            &format!(
                "{} → {} ({})",
                fmt1(g.pre_average),
                fmt1(g.post_average),
                fmt1(g.gain_average)
            ),
        );
    }
    d.heading(&l.t("training-report-outcomes"));
    d.para(&outcomes_text(l, r));
    d.finish(&l.t("training-report-title"))
}

fn outcomes_text(l: &Layout<'_>, r: &ReportView) -> String {
    l.ta(
        "training-report-outcomes-text",
        &[
            ("accounts", FluentValue::from(r.outcomes.linked_accounts)),
            ("before", FluentValue::from(r.outcomes.screenings_before)),
            ("after", FluentValue::from(r.outcomes.screenings_after)),
            (
                "referrals_before",
                FluentValue::from(r.outcomes.referrals_before),
            ),
            (
                "referrals_after",
                FluentValue::from(r.outcomes.referrals_after),
            ),
        ],
    )
}

impl ReportPage<'_> {
    fn outcomes(&self) -> String {
        outcomes_text(self.l, &self.r)
    }
    fn num(v: &Option<f64>) -> String {
        fmt1(*v)
    }
}

// ---- one participant ----

#[derive(Template)]
#[template(path = "participant.html")]
struct ParticipantPage<'a> {
    l: &'a Layout<'a>,
    id: String,
    f: ParticipantInput,
    workshops: Vec<(String, String, String)>,
    errors: Vec<String>,
    agencies: Vec<(String, String)>,
    regions: Vec<(String, String, bool)>,
    sexes: Vec<(&'static str, String)>,
}

async fn participant_page(
    state: &AppState,
    l: &Layout<'_>,
    id: String,
    f: ParticipantInput,
    workshops: Vec<(String, String, String)>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let a = state.haven().agency_names().await?;
    let agencies = a.into_iter().map(|(id, n)| (id.to_string(), n)).collect();
    let page = ParticipantPage {
        l,
        regions: region_options(l, f.region.trim()),
        sexes: SEXES
            .iter()
            .map(|x| (*x, l.t(&format!("training-sex-{x}"))))
            .collect(),
        id,
        f,
        workshops,
        errors,
        agencies,
    };
    Ok(render_with(form_status(&page.errors), &page))
}

pub(crate) async fn participant(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(pid): Path<String>,
    Query(n): Query<Notice>,
) -> Result<Response, PageError> {
    let mut l = Layout::new(&state, &info);
    if n.saved.is_some() {
        l = l.with_notice("training-participant-saved");
    }
    let cap = capability(s.principal.training_manage())?;
    let (f, workshops) = state
        .haven()
        .open_participant(cap, &pid, &info.origin)
        .await?;
    participant_page(&state, &l, pid, f, workshops, vec![]).await
}

pub(crate) async fn participant_update(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(pid): Path<String>,
    HtmlForm(f): HtmlForm<ParticipantInput>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.training_manage())?;
    match state
        .haven()
        .update_participant(cap, &pid, &f, &info.origin)
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/training/participants/{pid}?saved=1")).into_response())
        }
        Err(e) => {
            let errors = field_errors(&l, &refusal(e)?);
            participant_page(&state, &l, pid, f, vec![], errors).await
        }
    }
}
