//! The service directory: search by need, region and eligibility (also from a case), publish and
//! edit an agency's services, update the free capacity, export as CSV.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use haven_core::CoreError;
use haven_core::consents::{SERVICE_TYPES, ServiceFilter, ServiceInput, ServiceView};
use haven_domain::CaseId;
use haven_domain::reference;
use serde::Deserialize;

use crate::AppState;
use crate::cases::forms::{options, options_checked, region_options};
use crate::ctx::{Authed, ReqInfo};
use crate::extract::HtmlForm;
use crate::kit::page::{PageError, allowed, field_messages, form_status, refusal, render_with};
use crate::layout::Layout;

#[derive(Template)]
#[template(path = "services.html")]
struct ListPage<'a> {
    l: &'a Layout<'a>,
    f: ServiceFilter,
    items: Vec<ServiceView>,
    types: Vec<(&'static str, String)>,
    regions: Vec<(String, String, bool)>,
    genders: Vec<(&'static str, String)>,
    exploitation: Vec<(&'static str, String)>,
    /// The case the search was made for, if any.
    for_case: Option<String>,
    may_publish: bool,
    errors: Vec<String>,
}

fn list_page(
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    f: ServiceFilter,
    items: Vec<ServiceView>,
    for_case: Option<String>,
    errors: Vec<String>,
) -> Response {
    let page = ListPage {
        l,
        types: SERVICE_TYPES
            .iter()
            .map(|t| (*t, l.t(&format!("service-type-{t}"))))
            .collect(),
        regions: region_options(l, f.region.trim()),
        genders: options(l, &reference::PRS_GENDER),
        exploitation: options(l, &reference::VIC_TYPE_OF_EXPLOITATION),
        may_publish: s.principal.may_manage_services(s.principal.agency_id),
        f,
        items,
        for_case,
        errors,
    };
    render_with(form_status(&page.errors), &page)
}

impl ListPage<'_> {
    fn genders(&self, codes: &[String]) -> String {
        crate::cases::forms::code_labels(self.l, &reference::PRS_GENDER, codes)
    }
    fn exploitations(&self, codes: &[String]) -> String {
        crate::cases::forms::code_labels(self.l, &reference::VIC_TYPE_OF_EXPLOITATION, codes)
    }
    /// The ages a service takes, in words ("17 or under", "18 and over", "12 to 17").
    fn ages(&self, min: &Option<i64>, max: &Option<i64>) -> String {
        let n = |v: i64| fluent_bundle::FluentValue::from(v);
        match (min, max) {
            (Some(a), Some(b)) => self
                .l
                .ta("services-ages-between", &[("min", n(*a)), ("max", n(*b))]),
            (None, Some(b)) => self.l.ta("services-ages-max", &[("max", n(*b))]),
            (Some(a), None) => self.l.ta("services-ages-min", &[("min", n(*a))]),
            (None, None) => String::new(),
        }
    }
    fn countries(&self, codes: &[String]) -> String {
        self.l.countries_of(codes)
    }
}

/// The directory: GET shows it all (or by `service_type` and `region`); the eligibility form
/// is posted, so a person's age or nationality never goes into a URL.
pub(crate) async fn list(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<ServiceFilter>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let f = ServiceFilter {
        service_type: q.service_type,
        region: q.region,
        all: q.all,
        ..Default::default()
    };
    let items = state.haven().services(&s.principal, &f).await?;
    Ok(list_page(&l, &s, f, items, None, vec![]))
}

pub(crate) async fn search(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(mut f): HtmlForm<ServiceFilter>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    // Typed or picked by name; the directory knows codes.
    f.language = crate::cases::forms::language_input(&f.language);
    f.nationality = crate::cases::forms::country_input(&f.nationality);
    let items = state.haven().services(&s.principal, &f).await?;
    Ok(list_page(&l, &s, f, items, None, vec![]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NeedForm {
    service_type: String,
}

/// From a case page: the services its person may use, for a need.
pub(crate) async fn for_case(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<NeedForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let case = id.parse::<CaseId>().map_err(|_| PageError::not_found())?;
    let (filter, items) = state
        .haven()
        .services_for_case(&s.principal, case, &f.service_type, &info.origin)
        .await?;
    let case = Some(case.to_string());
    Ok(list_page(&l, &s, filter, items, case, vec![]))
}

/// CSV of the directory (by `service_type` and `region`), for agencies without Haven.
pub(crate) async fn export(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<ServiceFilter>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let f = ServiceFilter {
        service_type: q.service_type,
        region: q.region,
        ..Default::default()
    };
    let items = state.haven().services(&s.principal, &f).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "services-col-agency",
        "services-col-type",
        "services-col-name",
        "field-service_regions",
        "field-service_genders",
        "services-col-ages",
        "field-service_languages",
        "field-service_hours",
        "field-service_emergency_line",
        "field-service_capacity_free",
        "field-service_capacity_total",
    ];
    let mut rows = vec![header.iter().map(|k| l.t(k)).collect::<Vec<_>>()];
    for i in &items {
        rows.push(vec![
            i.agency_name.clone(),
            l.t(&format!("service-type-{}", i.service_type)),
            i.name.clone(),
            i.regions.join(" "),
            i.genders.join(" "),
            format!(
                "{}-{}",
                i.age_min.map(|a| a.to_string()).unwrap_or_default(),
                i.age_max.map(|a| a.to_string()).unwrap_or_default()
            ),
            i.languages.join(" "),
            i.hours.clone(),
            i.emergency_line.clone(),
            i.capacity_free.map(|a| a.to_string()).unwrap_or_default(),
            i.capacity_total.map(|a| a.to_string()).unwrap_or_default(),
        ]);
    }
    for r in rows {
        // A cell that a spreadsheet would read as a formula is quoted as text.
        let safe: Vec<String> = r
            .iter()
            .map(|c| crate::kit::page::spreadsheet_safe(c))
            .collect();
        w.write_record(&safe)
            .map_err(|_| CoreError::internal("csv"))?;
    }
    let bytes = w.into_inner().map_err(CoreError::internal)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"haven-services.csv\""),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "service_form.html")]
struct FormPage<'a> {
    l: &'a Layout<'a>,
    id: Option<String>,
    f: ServiceInput,
    errors: Vec<String>,
    agencies: Vec<(String, String)>,
    types: Vec<(&'static str, String)>,
    regions: Vec<(String, String, bool)>,
    genders: Vec<(&'static str, String, bool)>,
    exploitation: Vec<(&'static str, String, bool)>,
}

async fn form_page(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    id: Option<String>,
    f: ServiceInput,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let agencies = (state.haven().agency_names().await?)
        .into_iter()
        .filter(|(aid, _)| s.principal.may_manage_services(*aid))
        .map(|(aid, n)| (aid.to_string(), n))
        .collect();
    let page = FormPage {
        l,
        agencies,
        types: SERVICE_TYPES
            .iter()
            .map(|t| (*t, l.t(&format!("service-type-{t}"))))
            .collect(),
        regions: region_options(l, "")
            .into_iter()
            .map(|(c, n, _)| {
                let on = f.regions.contains(&c);
                (c, n, on)
            })
            .collect(),
        genders: options_checked(l, &reference::PRS_GENDER, &f.genders),
        exploitation: options_checked(l, &reference::VIC_TYPE_OF_EXPLOITATION, &f.exploitation),
        id,
        f,
        errors,
    };
    Ok(render_with(form_status(&page.errors), &page))
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.may_manage_services(s.principal.agency_id))?;
    let f = ServiceInput {
        agency_id: s.principal.agency_id.to_string(),
        ..Default::default()
    };
    form_page(&state, &l, &s, None, f, vec![]).await
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let v = state.haven().service(&s.principal, &id).await?;
    allowed(v.may_edit)?;
    let n = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    let f = ServiceInput {
        agency_id: v.agency_id.to_string(),
        service_type: v.service_type,
        name: v.name,
        description: v.description,
        genders: v.genders,
        age_min: n(v.age_min),
        age_max: n(v.age_max),
        nationalities: v.nationalities.join(", "),
        languages: v.languages.join(", "),
        exploitation: v.exploitation,
        regions: v.regions,
        hours: v.hours,
        emergency_line: v.emergency_line,
        capacity_total: n(v.capacity_total),
        capacity_free: n(v.capacity_free),
        active: if v.active { "1".into() } else { String::new() },
    };
    form_page(&state, &l, &s, Some(id), f, vec![]).await
}

async fn save(
    state: &AppState,
    info: &ReqInfo,
    s: &haven_core::auth::SessionInfo,
    id: Option<String>,
    f: ServiceInput,
) -> Result<Response, PageError> {
    let l = Layout::new(state, info);
    match state
        .haven()
        .save_service(&s.principal, id.as_deref(), &f, &info.origin)
        .await
    {
        Ok(_) => Ok(Redirect::to("/services?saved=1").into_response()),
        Err(e) => {
            let errors = field_messages(&l, &refusal(e)?);
            form_page(state, &l, s, id, f, errors).await
        }
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(f): HtmlForm<ServiceInput>,
) -> Result<Response, PageError> {
    save(&state, &info, &s, None, f).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<ServiceInput>,
) -> Result<Response, PageError> {
    save(&state, &info, &s, Some(id), f).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CapacityForm {
    free: String,
}

pub(crate) async fn capacity(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<CapacityForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    match state
        .haven()
        .update_capacity(&s.principal, &id, &f.free, &info.origin)
        .await
    {
        Ok(()) => Ok(Redirect::to("/services?saved=1").into_response()),
        Err(e) => {
            let errors = field_messages(&l, &refusal(e)?);
            let all = ServiceFilter::default();
            let items = state.haven().services(&s.principal, &all).await?;
            Ok(list_page(&l, &s, all, items, None, errors))
        }
    }
}
