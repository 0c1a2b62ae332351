//! Referral pages: the form on a case, the agency's inbox and sent list with what is overdue,
//! and one referral with the moves the user may make. The recipient's page shows the shared
//! sections only.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use haven_core::CoreError;
use haven_core::consents::SERVICE_TYPES;
use haven_core::referrals::{Decision, ReferralInput, ReferralView};
use haven_domain::referral::{SECTIONS, Status, URGENCIES};
use haven_domain::{CaseId, reference};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::Authed;
use crate::extract::HtmlForm;
use crate::kit::page::{PageError, field_messages, form_status, refusal, render, render_with};
use crate::layout::Layout;

#[derive(Template)]
#[template(path = "referral_form.html")]
struct FormPage<'a> {
    l: &'a Layout<'a>,
    case: String,
    errors: Vec<String>,
    agencies: Vec<(String, String)>,
    /// (user id, "name (agency)", agency id): people a referral may name.
    contacts: Vec<(String, String, String)>,
    services: Vec<(&'static str, String)>,
    urgencies: Vec<(&'static str, String)>,
    sections: Vec<(&'static str, String)>,
    is_coordinator: bool,
    /// Refused for want of a valid consent: the way to record one is offered.
    consent_needed: bool,
    /// What was entered (kept when the form comes back with errors).
    f: ReferralForm,
}

impl FormPage<'_> {
    fn has_service(&self, code: &str) -> bool {
        self.f.services.iter().any(|s| s == code)
    }
    fn has_section(&self, code: &str) -> bool {
        self.f.sections.iter().any(|s| s == code)
    }
    fn urgency_is(&self, code: &str) -> bool {
        if self.f.urgency.is_empty() {
            code == "routine"
        } else {
            self.f.urgency == code
        }
    }
}

/// Other agencies, and the staff there a referral may name (id, "name (agency)", agency id).
pub(crate) async fn destinations(
    state: &AppState,
    p: &haven_authz::Principal,
) -> Result<(Vec<(String, String)>, Vec<(String, String, String)>), CoreError> {
    let h = state.haven();
    let names = h.agency_names().await?;
    let agencies: Vec<(String, String)> = names
        .iter()
        .filter(|(aid, _)| *aid != p.agency_id)
        .map(|(aid, n)| (aid.to_string(), n.clone()))
        .collect();
    let contacts = h
        .referral_contacts(p)
        .await?
        .into_iter()
        .map(|(uid, name, aid)| {
            let agency = names
                .iter()
                .find(|(a, _)| *a == aid)
                .map(|(_, n)| n.as_str())
                .unwrap_or_default();
            (
                uid.to_string(),
                format!("{name} ({agency})"),
                aid.to_string(),
            )
        })
        .collect();
    Ok((agencies, contacts))
}

async fn form_page(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    case: String,
    errors: Vec<String>,
    f: ReferralForm,
) -> Result<Response, PageError> {
    form_page_with(state, l, s, case, errors, f, false).await
}

async fn form_page_with(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    case: String,
    errors: Vec<String>,
    f: ReferralForm,
    consent_needed: bool,
) -> Result<Response, PageError> {
    let (agencies, contacts) = destinations(state, &s.principal).await?;
    let page = FormPage {
        l,
        case,
        errors,
        agencies,
        contacts,
        services: SERVICE_TYPES
            .iter()
            .map(|t| (*t, l.t(&format!("service-type-{t}"))))
            .collect(),
        urgencies: URGENCIES
            .iter()
            .map(|u| (*u, l.t(&format!("referral-urgency-{u}"))))
            .collect(),
        sections: SECTIONS
            .iter()
            .map(|x| (*x, l.t(&format!("referral-section-{x}"))))
            .collect(),
        is_coordinator: s.principal.emergency_referral().is_some(),
        consent_needed,
        f,
    };
    Ok(render_with(form_status(&page.errors), &page))
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let case = id.parse::<CaseId>().map_err(|_| PageError::not_found())?;
    // The form is shown only for a case the user may see (like any case page).
    state.haven().case_number(&s.principal, case).await?;
    form_page(&state, &l, &s, id, vec![], ReferralForm::default()).await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ReferralForm {
    to_agency_id: String,
    to_user: String,
    services: Vec<String>,
    urgency: String,
    reason: String,
    sections: Vec<String>,
    emergency_justification: String,
    action: String,
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<ReferralForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let case = id.parse::<CaseId>().map_err(|_| PageError::not_found())?;
    let input = ReferralInput {
        to_agency_id: f.to_agency_id.clone(),
        to_user: f.to_user.clone(),
        services: f.services.clone(),
        urgency: f.urgency.clone(),
        reason: f.reason.clone(),
        sections: f.sections.clone(),
        send: f.action != "draft",
        emergency_justification: f.emergency_justification.clone(),
    };
    match state
        .haven()
        .create_referral(&s.principal, case, &input, &info.origin)
        .await
    {
        Ok(rid) => Ok(Redirect::to(&format!("/referrals/{rid}")).into_response()),
        Err(e) => {
            let e = refusal(e)?;
            let consent_needed = matches!(&e, CoreError::Invalid(errs)
                if errs.iter().any(|x| x.key.starts_with("error-consent-")));
            let errors = field_messages(&l, &e);
            form_page_with(&state, &l, &s, id, errors, f, consent_needed).await
        }
    }
}

#[derive(Template)]
#[template(path = "referrals.html")]
struct ListPage<'a> {
    l: &'a Layout<'a>,
    /// (title, referrals): received, then sent.
    lists: Vec<(String, Vec<ReferralView>)>,
    overdue: Vec<ReferralView>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let h = state.haven();
    let p = &s.principal;
    let incoming = h.referrals_of_agency(p, true, &info.origin).await?;
    let outgoing = h.referrals_of_agency(p, false, &info.origin).await?;
    let overdue = h.overdue_referrals(p).await?;
    Ok(render(&ListPage {
        lists: vec![
            (l.t("referrals-incoming"), incoming),
            (l.t("referrals-outgoing"), outgoing),
        ],
        l: &l,
        overdue,
    }))
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ViewPage<'a> {
    l: &'a Layout<'a>,
    r: ReferralView,
    recipient: bool,
    errors: Vec<String>,
    /// Where a declined referral may be redirected (sender's side only).
    agencies: Vec<(String, String)>,
    contacts: Vec<(String, String, String)>,
}

impl ViewPage<'_> {
    fn is(&self, s: &str) -> bool {
        self.r.status == Status::parse(s).unwrap_or(Status::Draft)
    }

    /// Coded facts of the shared sections, in the reader's language.
    fn gender(&self, code: &str) -> String {
        crate::cases::forms::code_label(self.l, &reference::PRS_GENDER, code)
    }
    fn exploitation(&self, codes: &[String]) -> String {
        crate::cases::forms::code_labels(self.l, &reference::VIC_TYPE_OF_EXPLOITATION, codes)
    }
    fn trafficking_status(&self, code: &str) -> String {
        crate::cases::forms::code_label(self.l, &reference::VIC_TRAFFICKING_STATUS, code)
    }
    fn countries(&self, codes: &[String]) -> String {
        self.l.countries_of(codes)
    }
}

async fn view_page(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    info: &crate::ctx::ReqInfo,
    id: &str,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let r = state
        .haven()
        .open_referral(&s.principal, id, &info.origin)
        .await?;
    let recipient = r.to_agency_id == s.principal.agency_id;
    let (agencies, contacts) = if !recipient && r.status == Status::Declined {
        let (a, c) = destinations(state, &s.principal).await?;
        let to = r.to_agency_id.to_string();
        (a.into_iter().filter(|(aid, _)| *aid != to).collect(), c)
    } else {
        (vec![], vec![])
    };
    let page = ViewPage {
        l,
        r,
        recipient,
        errors,
        agencies,
        contacts,
    };
    Ok(render_with(form_status(&page.errors), &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Done {
    done: String,
}

pub(crate) async fn view(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    Query(d): Query<Done>,
) -> Result<Response, PageError> {
    let mut l = Layout::new(&state, &info);
    // What the last move did, said in its words ("Referral accepted"); "1" from a save.
    const MOVES: [&str; 7] = [
        "send", "accept", "decline", "start", "complete", "revoke", "redirect",
    ];
    if let Some(m) = MOVES.iter().find(|m| **m == d.done) {
        l = l.with_notice(&format!("referral-done-{m}"));
    } else if !d.done.is_empty() {
        l = l.with_notice("referral-saved");
    }
    view_page(&state, &l, &s, &info, &id, vec![]).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct MoveForm {
    note: String,
    /// For a redirect: the new agency and, optionally, a person there.
    to_agency_id: String,
    to_user: String,
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((id, action)): Path<(String, String)>,
    HtmlForm(f): HtmlForm<MoveForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    if action == "redirect" {
        return match state
            .haven()
            .redirect_referral(&s.principal, &id, &f.to_agency_id, &f.to_user, &info.origin)
            .await
        {
            Ok(new_id) => {
                Ok(Redirect::to(&format!("/referrals/{new_id}?done=redirect")).into_response())
            }
            Err(e) => {
                let errors = field_messages(&l, &refusal(e)?);
                view_page(&state, &l, &s, &info, &id, errors).await
            }
        };
    }
    let d = match action.as_str() {
        "send" => Decision::Send,
        "accept" => Decision::Accept,
        "decline" => Decision::Decline { reason: f.note },
        "start" => Decision::Start,
        "complete" => Decision::Complete { outcome: f.note },
        "revoke" => Decision::Revoke { reason: f.note },
        _ => return Err(PageError::not_found()),
    };
    match state
        .haven()
        .decide_referral(&s.principal, &id, d, &info.origin)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}?done={action}")).into_response()),
        Err(e) => {
            let errors = field_messages(&l, &refusal(e)?);
            view_page(&state, &l, &s, &info, &id, errors).await
        }
    }
}

/// The printable referral (PDF), for an agency without Haven. The file name holds the opaque
/// referral id only.
pub(crate) async fn print(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let bytes = state
        .haven()
        .referral_pdf(&s.principal, &id, state.i18n(), l.lang, &info.origin)
        .await?;
    Ok(crate::kit::page::download(
        bytes,
        "application/pdf",
        &format!("referral-{}.pdf", id.chars().take(36).collect::<String>()),
    ))
}
