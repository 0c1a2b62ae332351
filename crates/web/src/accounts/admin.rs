//! Administration: accounts (enrolment, roles, confirmation) and agencies.
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use haven_core::admin::{AdminActor, NewAgency, NewUser};
use haven_core::{CoreError, FieldError};
use haven_domain::{AgencyType, GUYANA_REGIONS, Role, UserId};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::Authed;
use crate::layout::{Layout, role_key};

use crate::kit::confirm::ConfirmPage;
use crate::kit::page::{PageError, allowed, form_status, render, render_with};

// ---- administration ----

struct UserLine {
    id: UserId,
    username: String,
    display_name: String,
    role: &'static str,
    role_key: String,
    agency: String,
    agency_id: String,
    disabled: bool,
    mfa: bool,
    /// Waiting for its owner to enrol, until then.
    enrol_until: Option<i64>,
    /// The administrator's own account: no role change, no reset, no disabling.
    own: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage<'a> {
    l: &'a Layout<'a>,
    users: Vec<UserLine>,
    roles: Vec<(&'static str, String)>,
    agencies: Vec<(String, String)>,
    form: UserForm,
    errors: Vec<FieldError>,
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency_id: String,
    #[serde(default)]
    email: String,
    /// "1" once the administrator has confirmed on the confirmation page.
    #[serde(default)]
    confirm: String,
}

async fn users_view(
    state: &AppState,
    l: &Layout<'_>,
    by: AdminActor<'_>,
    form: UserForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let h = state.haven();
    let users = h.list_users(by).await?;
    let agencies = h.list_agencies().await?;
    let pending = h.pending_enrolments(by).await?;
    let name_of = |id| {
        agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let me = match by {
        AdminActor::Admin(a) => Some(a.principal().user_id),
        AdminActor::Operator => None,
    };
    let lines = users
        .iter()
        .map(|u| UserLine {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str(),
            role_key: role_key(u.role),
            agency: name_of(u.agency_id),
            agency_id: u.agency_id.to_string(),
            disabled: u.disabled,
            mfa: u.mfa,
            enrol_until: pending.iter().find(|(id, _)| *id == u.id).map(|p| p.1),
            own: me == Some(u.id),
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str(), l.t(&role_key(*r))))
        .collect();
    let agency_opts = agencies
        .iter()
        .map(|a| (a.id.to_string(), a.name.clone()))
        .collect();
    let page = UsersPage {
        l,
        users: lines,
        roles,
        agencies: agency_opts,
        form,
        errors,
    };
    Ok(render_with(form_status(&page.errors), &page))
}

pub(crate) async fn users_page(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.administer().ok_or_else(PageError::forbidden)?;
    users_view(
        &state,
        &l,
        AdminActor::Admin(cap),
        UserForm::default(),
        vec![],
    )
    .await
}

/// Who will be told of an account of `role` at `agency`, if anyone.
fn announce_note(l: &Layout<'_>, role: &str, agency: &str) -> Option<String> {
    let role: Role = role.parse().ok()?;
    haven_authz::sees_person_data(role).then(|| {
        l.ta(
            "users-confirm-announce",
            &[("agency", FluentValue::from(agency.to_string()))],
        )
    })
}

/// The enrolment code to hand over, with where and until when to use it.
fn enrolment_notice(
    state: &AppState,
    l: &Layout<'_>,
    key: &str,
    username: &str,
    c: &haven_core::admin::Credential,
) -> String {
    let until = match c {
        haven_core::admin::Credential::Enrolment { expires_at, .. } => l.datetime(expires_at),
        haven_core::admin::Credential::OneTimePassword(_) => String::new(),
    };
    let url = format!(
        "{}/enrol",
        state
            .0
            .cfg
            .public_url
            .as_deref()
            .unwrap_or_default()
            .trim_end_matches('/')
    );
    l.ta(
        key,
        &[
            ("username", FluentValue::from(username.to_string())),
            ("code", FluentValue::from(c.secret().to_string())),
            ("url", FluentValue::from(url)),
            ("until", FluentValue::from(until)),
        ],
    )
}

pub(crate) async fn users_create(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Form(f): Form<UserForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.administer().ok_or_else(PageError::forbidden)?;
    let h = state.haven();
    // No role is chosen for the administrator: an account that can see cases is not made by
    // leaving a list at its first entry.
    if f.role.parse::<Role>().is_err() {
        let f = UserForm {
            confirm: String::new(),
            ..f
        };
        let err = FieldError {
            field: "role",
            key: "error-required",
        };
        return users_view(&state, &l, AdminActor::Admin(cap), f, vec![err]).await;
    }
    if f.confirm != "1" {
        let agency = h
            .find_agency(&f.agency_id)
            .await
            .ok()
            .flatten()
            .map(|a| a.name)
            .unwrap_or_default();
        let role_label = f
            .role
            .parse::<Role>()
            .map(|r| l.t(&role_key(r)))
            .unwrap_or_default();
        return Ok(render(&ConfirmPage {
            l: &l,
            title: l.t("users-confirm-title"),
            message: l.ta(
                "users-confirm-create",
                &[
                    (
                        "username",
                        FluentValue::from(f.username.trim().to_lowercase()),
                    ),
                    ("role", FluentValue::from(role_label)),
                    ("agency", FluentValue::from(agency.clone())),
                ],
            ),
            announce: announce_note(&l, &f.role, &agency),
            action: "/admin/users".into(),
            fields: vec![
                ("username", f.username.clone()),
                ("display_name", f.display_name.clone()),
                ("role", f.role.clone()),
                ("agency_id", f.agency_id.clone()),
                ("email", f.email.clone()),
            ],
            back: "/admin/users".into(),
        }));
    }
    let new = NewUser {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        agency_id: f.agency_id.clone(),
        password: String::new(),
        email: f.email.clone(),
    };
    match h
        .create_user(AdminActor::Admin(cap), &new, &info.origin)
        .await
    {
        Ok((_, credential)) => {
            let msg = enrolment_notice(
                &state,
                &l,
                "users-created",
                &f.username.trim().to_lowercase(),
                &credential,
            );
            let l = l.with_flash(msg);
            users_view(
                &state,
                &l,
                AdminActor::Admin(cap),
                UserForm::default(),
                vec![],
            )
            .await
        }
        Err(CoreError::Invalid(errors)) => {
            let f = UserForm {
                confirm: String::new(),
                ..f
            };
            users_view(&state, &l, AdminActor::Admin(cap), f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct UserActionForm {
    confirm: String,
    /// For a role change.
    role: String,
    /// For a move to another agency.
    agency_id: String,
}

pub(crate) async fn users_action(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<UserActionForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.administer().ok_or_else(PageError::forbidden)?;
    let id = id.parse::<UserId>().map_err(|_| PageError::not_found())?;
    if !["disable", "enable", "reset-password", "role", "agency"].contains(&action.as_str()) {
        return Err(PageError::not_found());
    }
    let h = state.haven();
    let by = AdminActor::Admin(cap);
    let Some(user) = h.find_user(&id.to_string()).await.ok().flatten() else {
        return Err(PageError::not_found());
    };
    if f.confirm != "1" {
        let agency = h
            .find_agency(&user.agency_id.to_string())
            .await
            .ok()
            .flatten()
            .map(|a| a.name)
            .unwrap_or_default();
        let role_label = f
            .role
            .parse::<Role>()
            .map(|r| l.t(&role_key(r)))
            .unwrap_or_default();
        let new_agency = if action == "agency" {
            match h.find_agency(&f.agency_id).await.ok().flatten() {
                Some(a) => a.name,
                None => return Err(PageError::not_found()),
            }
        } else {
            String::new()
        };
        let announce = match action.as_str() {
            "reset-password" => announce_note(&l, user.role.as_str(), &agency),
            "role" => announce_note(&l, &f.role, &agency),
            "agency" => announce_note(&l, user.role.as_str(), &new_agency),
            _ => None,
        };
        return Ok(render(&ConfirmPage {
            l: &l,
            title: l.t("users-confirm-title"),
            message: l.ta(
                &format!("users-confirm-{action}"),
                &[
                    ("username", FluentValue::from(user.username.clone())),
                    ("role", FluentValue::from(role_label)),
                    ("agency", FluentValue::from(new_agency)),
                ],
            ),
            announce,
            action: format!("/admin/users/{id}/{action}"),
            fields: vec![("role", f.role.clone()), ("agency_id", f.agency_id.clone())],
            back: "/admin/users".into(),
        }));
    }
    let result = match action.as_str() {
        "disable" => h
            .set_user_disabled(by, id, true, &info.origin)
            .await
            .map(|_| None),
        "enable" => h
            .set_user_disabled(by, id, false, &info.origin)
            .await
            .map(|_| None),
        "role" => h
            .change_role(by, id, &f.role, &info.origin)
            .await
            .map(|_| None),
        "agency" => h
            .change_agency(by, id, &f.agency_id, &info.origin)
            .await
            .map(|_| None),
        // The second factor stays: removing it (lost phone) is an operator's `--reset-mfa`, so an
        // administrator cannot take over an account that has one.
        _ => h
            .reset_password(by, id, false, &info.origin)
            .await
            .map(Some),
    };
    // The refusal's reason (one's own account, an unknown role) on a page of its own.
    match result? {
        None => Ok(Redirect::to("/admin/users").into_response()),
        Some(credential) => {
            let msg = enrolment_notice(
                &state,
                &l,
                "users-password-reset",
                &user.username,
                &credential,
            );
            let l = l.with_flash(msg);
            users_view(&state, &l, by, UserForm::default(), vec![]).await
        }
    }
}

struct AgencyLine {
    id: haven_domain::AgencyId,
    name: String,
    type_key: String,
    region: Option<String>,
    coordination: bool,
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct AgenciesPage<'a> {
    l: &'a Layout<'a>,
    agencies: Vec<AgencyLine>,
    types: Vec<(&'static str, String)>,
    regions: Vec<(&'static str, String)>,
    form: AgencyForm,
    errors: Vec<FieldError>,
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct AgencyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    agency_type: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    coordination_consent: Option<String>,
}

async fn agencies_view(
    state: &AppState,
    l: &Layout<'_>,
    form: AgencyForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let agencies = (state.haven().list_agencies().await?)
        .into_iter()
        .map(|a| AgencyLine {
            id: a.id,
            name: a.name,
            type_key: format!("agency-type-{}", a.agency_type.as_str()),
            region: a.region,
            coordination: a.coordination_consent,
        })
        .collect();
    let types = AgencyType::ALL
        .iter()
        .map(|t| (t.as_str(), l.t(&format!("agency-type-{}", t.as_str()))))
        .collect();
    let regions = GUYANA_REGIONS
        .iter()
        .map(|r| (r.code, l.region_of(r.code)))
        .collect();
    let page = AgenciesPage {
        l,
        agencies,
        types,
        regions,
        form,
        errors,
    };
    Ok(render_with(form_status(&page.errors), &page))
}

pub(crate) async fn agencies_page(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.administer().is_some())?;
    agencies_view(&state, &l, AgencyForm::default(), vec![]).await
}

pub(crate) async fn agencies_create(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Form(f): Form<AgencyForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.administer().ok_or_else(PageError::forbidden)?;
    let new = NewAgency {
        name: f.name.clone(),
        agency_type: f.agency_type.clone(),
        region: f.region.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        coordination_consent: f.coordination_consent.is_some(),
    };
    match state
        .haven()
        .create_agency(AdminActor::Admin(cap), &new, &info.origin)
        .await
    {
        Ok(_) => {
            let l = l.with_notice("agency-created");
            agencies_view(&state, &l, AgencyForm::default(), vec![]).await
        }
        Err(CoreError::Invalid(errors)) => agencies_view(&state, &l, f, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "agency_form.html")]
struct AgencyEditPage<'a> {
    l: &'a Layout<'a>,
    id: String,
    types: Vec<(&'static str, String)>,
    regions: Vec<(&'static str, String)>,
    form: AgencyForm,
    errors: Vec<FieldError>,
}

fn agency_edit_view(
    l: &Layout<'_>,
    id: String,
    form: AgencyForm,
    errors: Vec<FieldError>,
) -> Response {
    let page = AgencyEditPage {
        l,
        id,
        types: AgencyType::ALL
            .iter()
            .map(|t| (t.as_str(), l.t(&format!("agency-type-{}", t.as_str()))))
            .collect(),
        regions: GUYANA_REGIONS
            .iter()
            .map(|r| (r.code, l.region_of(r.code)))
            .collect(),
        form,
        errors,
    };
    render_with(form_status(&page.errors), &page)
}

/// An agency's details, to change (administrators).
pub(crate) async fn agency_edit_page(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.administer().is_some())?;
    let id = id
        .parse::<haven_domain::AgencyId>()
        .map_err(|_| PageError::not_found())?;
    let a = state
        .haven()
        .list_agencies()
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(PageError::not_found)?;
    let form = AgencyForm {
        name: a.name,
        agency_type: a.agency_type.as_str().to_string(),
        region: a.region.unwrap_or_default(),
        phone: a.phone.unwrap_or_default(),
        email: a.email.unwrap_or_default(),
        coordination_consent: None,
    };
    Ok(agency_edit_view(&l, id.to_string(), form, vec![]))
}

pub(crate) async fn agency_edit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    Form(f): Form<AgencyForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.administer().ok_or_else(PageError::forbidden)?;
    let agency = id
        .parse::<haven_domain::AgencyId>()
        .map_err(|_| PageError::not_found())?;
    let input = NewAgency {
        name: f.name.clone(),
        agency_type: f.agency_type.clone(),
        region: f.region.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        coordination_consent: false,
    };
    match state
        .haven()
        .update_agency(AdminActor::Admin(cap), agency, &input, &info.origin)
        .await
    {
        Ok(()) => {
            let l = l.with_notice("agency-updated");
            agencies_view(&state, &l, AgencyForm::default(), vec![]).await
        }
        Err(CoreError::Invalid(errors)) => Ok(agency_edit_view(&l, id, f, errors)),
        Err(e) => Err(e.into()),
    }
}
