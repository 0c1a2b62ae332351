//! Tips: the public report page (no sign-in), the hotline operators' form, and the coordinator's
//! triage queue. No JavaScript; the public page carries a honeypot field for bots.
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use haven_core::CoreError;
use haven_core::tips::{
    CALLERS, CLOSE_REASONS, CallDetails, SUSPECTED, TipFilter, TipInput, TipSummary, TipView,
    Triage,
};
use serde::Deserialize;

use crate::AppState;
use crate::cases::forms::region_options;
use crate::ctx::{Authed, Ctx};
use crate::extract::HtmlForm;
use crate::kit::page::{PageError, allowed, refusal, render, render_with};
use crate::layout::Layout;

/// The fields of both tip forms (the call's only on the hotline form).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct TipForm {
    what: String,
    region: String,
    place: String,
    when: String,
    suspected: String,
    contact: String,
    caller: String,
    language: String,
    minutes: String,
    call_note: String,
    /// The honeypot: hidden from people, filled in by bots.
    website: String,
}

impl TipForm {
    fn values(&self) -> BTreeMap<&'static str, String> {
        [
            ("what", &self.what),
            ("region", &self.region),
            ("place", &self.place),
            ("when", &self.when),
            ("suspected", &self.suspected),
            ("contact", &self.contact),
            ("caller", &self.caller),
            ("language", &self.language),
            ("minutes", &self.minutes),
            ("call_note", &self.call_note),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.clone()))
        .collect()
    }

    fn input(&self, hotline: bool) -> Result<TipInput, &'static str> {
        let minutes = match self.minutes.trim() {
            "" => None,
            m => Some(m.parse::<u32>().map_err(|_| "error-number-range")?),
        };
        Ok(TipInput {
            what: self.what.clone(),
            region: self.region.clone(),
            place: self.place.clone(),
            when: self.when.clone(),
            suspected: self.suspected.clone(),
            contact: self.contact.clone(),
            call: hotline.then(|| CallDetails {
                caller: self.caller.trim().to_string(),
                language: self.language.trim().to_string(),
                minutes,
                note: self.call_note.clone(),
            }),
        })
    }
}

#[derive(Template)]
#[template(path = "tip_form.html")]
struct FormPage<'a> {
    l: &'a Layout<'a>,
    hotline: bool,
    /// The numbers to call (public form): emergency, then the trafficking hotline.
    numbers: (String, String),
    errors: Vec<String>,
    values: BTreeMap<&'static str, String>,
    regions: Vec<(String, String, bool)>,
    suspected: Vec<(&'static str, String)>,
    callers: Vec<(&'static str, String)>,
}

impl FormPage<'_> {
    fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    /// A number as a `tel:` link dials it: its digits, and a leading "+".
    fn tel(&self, number: &str) -> String {
        let plus = number.trim_start().starts_with('+');
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        if plus { format!("+{digits}") } else { digits }
    }
}

fn form_page(
    l: &Layout<'_>,
    numbers: (String, String),
    hotline: bool,
    f: &TipForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Response {
    let page = FormPage {
        l,
        hotline,
        numbers,
        errors,
        values: f.values(),
        regions: region_options(l, f.region.trim()),
        suspected: SUSPECTED
            .iter()
            .map(|s| (*s, l.t(&format!("tip-suspected-{s}"))))
            .collect(),
        callers: CALLERS
            .iter()
            .map(|s| (*s, l.t(&format!("tip-caller-{s}"))))
            .collect(),
    };
    render_with(status, &page)
}

/// The deployment's emergency and hotline numbers, for the public form.
fn numbers(state: &AppState) -> (String, String) {
    let p = &state.haven().policy;
    (p.emergency_number.clone(), p.hotline_number.clone())
}

fn field_errors(l: &Layout<'_>, e: &CoreError) -> Vec<String> {
    crate::kit::page::field_messages_in(l, e, "tip-field")
}

#[derive(Template)]
#[template(path = "tip_received.html")]
struct Received<'a> {
    l: &'a Layout<'a>,
    reference: String,
}

pub(crate) async fn public_form(State(state): State<AppState>, Ctx(info): Ctx) -> Response {
    let l = Layout::new(&state, &info).for_public();
    form_page(
        &l,
        numbers(&state),
        false,
        &TipForm::default(),
        vec![],
        StatusCode::OK,
    )
}

pub(crate) async fn public_submit(
    State(state): State<AppState>,
    Ctx(info): Ctx,
    HtmlForm(f): HtmlForm<TipForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info).for_public();
    if !f.website.is_empty() {
        // A bot: it gets what a person would see, and nothing is stored.
        tracing::info!("tip honeypot filled; discarded");
        return Ok(render(&Received {
            l: &l,
            reference: haven_core::tips::decoy_reference(),
        }));
    }
    let input = match f.input(false) {
        Ok(i) => i,
        Err(key) => {
            return Ok(form_page(
                &l,
                numbers(&state),
                false,
                &f,
                vec![l.t(key)],
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    match state.haven().submit_public_tip(input, &info.origin).await {
        Ok(reference) => Ok(render(&Received { l: &l, reference })),
        Err(e @ (CoreError::Invalid(_) | CoreError::RateLimited)) => {
            let status = if matches!(e, CoreError::RateLimited) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok(form_page(
                &l,
                numbers(&state),
                false,
                &f,
                field_errors(&l, &e),
                status,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn hotline_form(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.tip_work())?;
    let f = TipForm::default();
    Ok(form_page(
        &l,
        numbers(&state),
        true,
        &f,
        vec![],
        StatusCode::OK,
    ))
}

pub(crate) async fn hotline_submit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(f): HtmlForm<TipForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.tip_work())?;
    let input = match f.input(true) {
        Ok(i) => i,
        Err(key) => {
            return Ok(form_page(
                &l,
                numbers(&state),
                true,
                &f,
                vec![l.t(key)],
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    match state
        .haven()
        .record_hotline_tip(&s.principal, input, &info.origin)
        .await
    {
        Ok((id, _)) => Ok(Redirect::to(&format!("/tips/{id}")).into_response()),
        Err(e @ CoreError::Invalid(_)) => Ok(form_page(
            &l,
            numbers(&state),
            true,
            &f,
            field_errors(&l, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct QueueQuery {
    status: Option<String>,
    reference: String,
}

#[derive(Template)]
#[template(path = "tips.html")]
struct QueuePage<'a> {
    l: &'a Layout<'a>,
    status: String,
    reference: String,
    statuses: Vec<(&'static str, String)>,
    items: Vec<TipSummary>,
    triager: bool,
}

pub(crate) async fn queue(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.tip_work())?;
    let status = q.status.unwrap_or_else(|| "open".into());
    let f = TipFilter {
        status: status.clone(),
        reference: q.reference.clone(),
        ..Default::default()
    };
    let items = state
        .haven()
        .list_tips(&s.principal, &f, &info.origin)
        .await?;
    Ok(render(&QueuePage {
        l: &l,
        statuses: ["open", "new", "assigned", "linked", "not_actionable", "all"]
            .into_iter()
            .map(|k| (k, l.t(&format!("tip-status-{k}"))))
            .collect(),
        status,
        reference: q.reference,
        items,
        triager: s.principal.tip_triage().is_some(),
    }))
}

#[derive(Template)]
#[template(path = "tip.html")]
struct TipPage<'a> {
    l: &'a Layout<'a>,
    t: TipView,
    /// The number of the case the tip is linked to, if the user may see that case.
    case_number: Option<String>,
    errors: Vec<String>,
    assignees: Vec<(String, String)>,
    reasons: Vec<(&'static str, String)>,
}

async fn tip_page(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    info: &crate::ctx::ReqInfo,
    id: &str,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let t = state
        .haven()
        .open_tip(&s.principal, id, &info.origin)
        .await?;
    let assignees = match s.principal.tip_triage() {
        Some(cap) if t.may_assign => {
            let v = state.haven().tip_assignees(cap).await?;
            v.into_iter().map(|(id, n)| (id.to_string(), n)).collect()
        }
        _ => vec![],
    };
    let case_number = match t.summary.case_id {
        // A case the reader may not see is not named; a failing database is an error page.
        Some(c) => match state.haven().case_number(&s.principal, c).await {
            Ok(n) => Some(n),
            Err(CoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let mut res = render(&TipPage {
        l,
        t,
        case_number,
        assignees,
        reasons: CLOSE_REASONS
            .iter()
            .map(|r| (*r, l.t(&format!("tip-reason-{r}"))))
            .collect(),
        errors: errors.clone(),
    });
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TipDone {
    done: String,
}

pub(crate) async fn view(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    axum::extract::Query(d): axum::extract::Query<TipDone>,
) -> Result<Response, PageError> {
    let mut l = Layout::new(&state, &info);
    // What the last decision did, said in words.
    if let Some(done) = ["assign", "link", "close"].iter().find(|a| **a == d.done) {
        l = l.with_notice(&format!("tip-done-{done}"));
    }
    tip_page(&state, &l, &s, &info, &id, vec![]).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TriageForm {
    user: String,
    case: String,
    reason: String,
    note: String,
}

pub(crate) async fn triage(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((id, action)): Path<(String, String)>,
    HtmlForm(f): HtmlForm<TriageForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let haven = state.haven();
    let decision = match action.as_str() {
        "assign" => match f.user.parse() {
            Ok(u) => Ok(Triage::Assign(u)),
            Err(_) => Err(CoreError::invalid("user", "error-required")),
        },
        "link" => haven
            .case_by_ref(&s.principal, &f.case)
            .await
            .map(Triage::Link),
        "close" => Ok(Triage::Close {
            reason: f.reason,
            note: f.note,
        }),
        _ => Err(CoreError::NotFound),
    };
    let r = match decision {
        Ok(d) => haven.triage_tip(&s.principal, &id, d, &info.origin).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/tips/{id}?done={action}")).into_response()),
        Err(e) => {
            let errors = field_errors(&l, &refusal(e)?);
            tip_page(&state, &l, &s, &info, &id, errors).await
        }
    }
}
