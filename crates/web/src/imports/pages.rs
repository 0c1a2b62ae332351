//! Import pages. Uploading a file creates a job; its page shows "reading" until the preview is
//! ready (refreshing itself: no JavaScript), then the preview (each column's field, each row's
//! problems and possible existing records), then the commit's progress and its outcome. Only
//! the uploader sees a job.
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use haven_core::CoreError;
use haven_core::imports::jobs::{ImportJob, JobStatus};
use haven_core::imports::{ImportSettings, Verdict};
use haven_interchange::{COLUMNS, Mapping};

use crate::AppState;
use crate::cases::forms::region_options;
use crate::ctx::Authed;
use crate::extract::HtmlForm;
use crate::kit::page::{
    PageError, capability, download, field_messages, form_status, refusal, render_with,
};
use crate::layout::Layout;

#[derive(Template)]
#[template(path = "imports.html")]
struct ListPage<'a> {
    l: &'a Layout<'a>,
    jobs: Vec<ImportJob>,
    regions: Vec<(String, String, bool)>,
    errors: Vec<String>,
}

impl ListPage<'_> {
    fn status(&self, s: &JobStatus) -> String {
        self.l.t(status_key(s))
    }
}

fn status_key(s: &JobStatus) -> &'static str {
    match s {
        JobStatus::Uploaded => "import-status-uploaded",
        JobStatus::Previewed => "import-status-previewed",
        JobStatus::Committing => "import-status-committing",
        JobStatus::Committed => "import-status-committed",
        JobStatus::Failed => "import-status-failed",
        JobStatus::Expired => "import-status-expired",
    }
}

async fn list_page(
    state: &AppState,
    l: &Layout<'_>,
    p: &haven_authz::Principal,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let (jobs, _) = state
        .haven()
        .import_jobs(p, &haven_core::support::cursor::PageRequest::first(50))
        .await?;
    let page = ListPage {
        l,
        jobs,
        regions: region_options(l, ""),
        errors,
    };
    Ok(render_with(form_status(&page.errors), &page))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    capability(s.principal.case_import())?;
    list_page(&state, &l, &s.principal, vec![]).await
}

/// The parts of the upload form.
struct Upload {
    file_name: String,
    file: Vec<u8>,
    region: String,
    mapping: Option<Vec<u8>>,
    too_large: bool,
}

async fn read_form(mut m: Multipart) -> Result<Upload, PageError> {
    let mut u = Upload {
        file_name: String::new(),
        file: Vec::new(),
        region: String::new(),
        mapping: None,
        too_large: false,
    };
    while let Some(field) = m.next_field().await.map_err(|_| PageError::bad_request())? {
        match field.name() {
            Some("file") => {
                u.file_name = field.file_name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(b) => u.file = b.to_vec(),
                    Err(_) => u.too_large = true,
                }
            }
            Some("mapping") => {
                let b = field.bytes().await.map_err(|_| PageError::bad_request())?;
                if !b.is_empty() {
                    u.mapping = Some(b.to_vec());
                }
            }
            Some("default_region") => {
                u.region = field.text().await.map_err(|_| PageError::bad_request())?
            }
            // The CSRF token is checked by the context layer, before any handler.
            _ => {}
        }
    }
    Ok(u)
}

pub(crate) async fn upload(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    m: Multipart,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.case_import())?;
    let u = read_form(m).await?;
    if u.too_large {
        let msg = l.t("error-case-import-too-large");
        return list_page(&state, &l, &s.principal, vec![msg]).await;
    }
    let mapping = match u.mapping.as_deref().map(Mapping::from_json) {
        Some(Ok(m)) => Some(m),
        Some(Err(_)) => {
            let msg = l.t("error-case-import-mapping");
            return list_page(&state, &l, &s.principal, vec![msg]).await;
        }
        None => None,
    };
    let settings = ImportSettings {
        default_region: Some(u.region.trim().to_string()).filter(|r| !r.is_empty()),
        mapping,
    };
    match state
        .haven()
        .start_import(cap, &u.file_name, u.file, settings, &info.origin)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/imports/{id}")).into_response()),
        Err(e) => {
            let e = refusal(e)?;
            let msgs = import_messages(&l, &e);
            list_page(&state, &l, &s.principal, msgs).await
        }
    }
}

/// Messages of a refused import: the problem alone (the field is always the file or region).
fn import_messages(l: &Layout<'_>, e: &CoreError) -> Vec<String> {
    match e {
        CoreError::Invalid(errs) => errs.iter().map(|f| l.t(f.key)).collect(),
        e => field_messages(l, e),
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct JobPage<'a> {
    l: &'a Layout<'a>,
    job: ImportJob,
    status: &'static str,
    /// (value, label) of every target a column may be given.
    targets: Vec<(String, String)>,
    regions: Vec<(String, String, bool)>,
    errors: Vec<String>,
    /// Percent done of a commit.
    percent: i64,
}

impl JobPage<'_> {
    fn verdict(&self, v: &Verdict) -> String {
        self.l.t(match v {
            Verdict::Ready => "import-verdict-ready",
            Verdict::Problems => "import-verdict-problems",
            Verdict::AlreadyImported => "import-verdict-already",
        })
    }

    fn is_problem(&self, v: &Verdict) -> bool {
        *v == Verdict::Problems
    }

    fn field_label(&self, field: &str) -> String {
        self.l.t(&format!("field-{field}"))
    }

    fn kind_label(&self, kind: &str) -> String {
        self.l.t(&format!("import-column-{kind}"))
    }
}

fn targets(l: &Layout<'_>) -> Vec<(String, String)> {
    let mut v = vec![("ignore".to_string(), l.t("import-target-ignore"))];
    for c in COLUMNS {
        let label = l.t(&format!("field-{}", c.field));
        v.push((c.field.to_string(), format!("{label} ({})", c.name)));
    }
    v.push(("source_id".into(), l.t("import-target-source-id")));
    v.push(("submitted_at".into(), l.t("import-target-submitted-at")));
    v
}

async fn job_page(
    state: &AppState,
    l: &Layout<'_>,
    p: &haven_authz::Principal,
    id: &str,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let job = state.haven().import_job(p, id).await?;
    let percent = match job.total_rows {
        Some(t) if t > 0 => (job.done_rows * 100 / t).min(100),
        _ => 0,
    };
    let region = job.settings.default_region.clone().unwrap_or_default();
    let page = JobPage {
        l,
        status: status_key(&job.status),
        targets: targets(l),
        regions: region_options(l, &region),
        errors,
        percent,
        job,
    };
    Ok(render_with(form_status(&page.errors), &page))
}

pub(crate) async fn view(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    capability(s.principal.case_import())?;
    // While the file is being read or imported, the page answers when the work is done (or
    // after a while, with a "check again" link) rather than refreshing itself: a timed refresh
    // throws a screen reader back to the top every few seconds (WCAG 2.2.1).
    let deadline = tokio::time::Instant::now() + WAIT_FOR_JOB;
    loop {
        let job = state.haven().import_job(&s.principal, &id).await?;
        let working = matches!(job.status, JobStatus::Uploaded | JobStatus::Committing);
        if !working || tokio::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    job_page(&state, &l, &s.principal, &id, vec![]).await
}

/// How long the job page waits for a running import before showing where it stands.
const WAIT_FOR_JOB: std::time::Duration = std::time::Duration::from_secs(8);

pub(crate) async fn commit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.case_import())?;
    match state.haven().start_commit(cap, &id, &info.origin).await {
        Ok(()) => Ok(Redirect::to(&format!("/imports/{id}")).into_response()),
        Err(e) => {
            let e = refusal(e)?;
            let msgs = import_messages(&l, &e);
            job_page(&state, &l, &s.principal, &id, msgs).await
        }
    }
}

/// The mapping form: one `col-{n}` target per column, in the file's order, and the region.
pub(crate) async fn remap(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.case_import())?;
    let job = state.haven().import_job(&s.principal, &id).await?;
    let preview = job.preview.ok_or_else(PageError::bad_request)?;
    let mut mapping = Mapping::default();
    let mut region = String::new();
    for (k, v) in &form {
        if k == "default_region" {
            region = v.clone();
        } else if let Some(n) = k.strip_prefix("col-").and_then(|n| n.parse::<usize>().ok())
            && let Some(c) = preview.columns.get(n)
            && !c.header.is_empty()
        {
            mapping.columns.insert(c.header.clone(), v.clone());
        }
    }
    mapping.haven_mapping = 1;
    let settings = ImportSettings {
        default_region: Some(region.trim().to_string()).filter(|r| !r.is_empty()),
        mapping: Some(mapping),
    };
    match state
        .haven()
        .remap_import(cap, &id, settings, &info.origin)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/imports/{id}")).into_response()),
        Err(e) => {
            let e = refusal(e)?;
            let msgs = import_messages(&l, &e);
            job_page(&state, &l, &s.principal, &id, msgs).await
        }
    }
}

pub(crate) async fn mapping_file(
    State(state): State<AppState>,
    Authed(_, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    capability(s.principal.case_import())?;
    let job = state.haven().import_job(&s.principal, &id).await?;
    let preview = job.preview.ok_or_else(PageError::not_found)?;
    Ok(download(
        preview.mapping.to_json().into_bytes(),
        "application/json",
        "haven-mapping.json",
    ))
}

pub(crate) async fn errors_file(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    capability(s.principal.case_import())?;
    let (bytes, ext) = state
        .haven()
        .import_job_errors(&s.principal, &id, info.lang)
        .await?;
    let ct = if ext == "csv" {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    Ok(download(bytes, ct, &format!("rows-to-fix.{ext}")))
}
