//! One's own account: language, e-mail, password, sessions, API tokens, agency coordination.
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use haven_authz::Scope;
use haven_core::CoreError;
use haven_core::accounts::NewToken;
use haven_core::admin::AdminActor;
use haven_domain::TokenId;
use haven_i18n::Lang;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Authed, SESSION_COOKIE, SignedIn, set_cookie};
use crate::layout::{Layout, role_key};

use crate::accounts::signin::LangForm;
use crate::kit::extract::HtmlForm;
use crate::kit::page::{PageError, render_with};

// ---- account ----

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    l: &'a Layout<'a>,
    username: String,
    role_key: String,
    agency: String,
    saved_lang: Option<String>,
    has_mfa: bool,
    sessions: String,
    tokens: Vec<haven_core::accounts::TokenView>,
    new_token: Option<String>,
    /// The scopes a token may be given: code, label, ticked to begin with.
    scopes: Vec<(&'static str, String, bool)>,
    token_error: Option<&'static str>,
    /// The token form as typed (kept after a refusal) and its choice of days.
    token_label: String,
    token_days: Vec<(&'static str, bool)>,
    password_error: Option<&'static str>,
    email: String,
    email_error: Option<&'static str>,
    /// May make collection credentials for phones (screens and registers).
    may_collect: bool,
}

async fn account_view(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    new_token: Option<String>,
    password_error: Option<&'static str>,
) -> Result<Response, PageError> {
    account_view_typed(state, l, s, new_token, password_error, None).await
}

/// The account page; after a refused token form, with what was typed in it.
async fn account_view_typed(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    new_token: Option<String>,
    password_error: Option<&'static str>,
    typed: Option<&TokenForm>,
) -> Result<Response, PageError> {
    let h = state.haven();
    let agency = h
        .find_agency(&s.principal.agency_id.to_string())
        .await
        .ok()
        .flatten()
        .map(|a| a.name)
        .unwrap_or_default();
    let sessions = format!("{}", h.session_count(s).await?);
    let tokens = h.list_tokens(&s.principal).await?;
    let email = h.email_of(s).await?.unwrap_or_default();
    // One error slot for the page: the e-mail's and the token form's show in their sections.
    let (email_error, token_error, password_error) = match password_error {
        Some("error-email") => (Some("error-email"), None, None),
        Some(k) if k.starts_with("error-token-") => (None, Some(k), None),
        e => (None, None, e),
    };
    let status = if password_error.is_some() || email_error.is_some() || token_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AccountPage {
        l,
        username: s.username.clone(),
        role_key: role_key(s.principal.role),
        agency,
        saved_lang: s.language.clone(),
        has_mfa: s.has_mfa,
        sessions,
        tokens,
        new_token,
        // Least privilege: reading cases is the one ticked to begin with.
        scopes: Scope::ALL
            .iter()
            .map(|s| {
                let ticked = match typed {
                    Some(f) => f.scopes.iter().any(|c| c == s.code()),
                    None => *s == Scope::CasesRead,
                };
                (s.code(), l.t(&scope_key(s.code())), ticked)
            })
            .collect(),
        token_error,
        token_label: typed.map(|f| f.label.clone()).unwrap_or_default(),
        token_days: ["30", "90", "365"]
            .into_iter()
            .map(|d| {
                let chosen = typed.map_or("90", |f| f.days.trim());
                (d, d == chosen)
            })
            .collect(),
        password_error,
        email,
        email_error,
        may_collect: s.principal.case_create().is_some(),
    };
    Ok(render_with(status, &page))
}

pub(crate) async fn account(
    State(state): State<AppState>,
    SignedIn(info, s): SignedIn,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let note = s
        .must_change_password
        .then_some("account-password-required");
    account_view(&state, &l, &s, None, note).await
}

pub(crate) async fn account_language(
    State(state): State<AppState>,
    SignedIn(_, s): SignedIn,
    Form(f): Form<LangForm>,
) -> Result<Redirect, PageError> {
    state.haven().set_language(&s, Lang::parse(&f.lang)).await?;
    Ok(Redirect::to("/account"))
}

#[derive(Deserialize)]
pub(crate) struct EmailForm {
    #[serde(default)]
    email: String,
}

pub(crate) async fn account_email(
    State(state): State<AppState>,
    SignedIn(info, s): SignedIn,
    Form(f): Form<EmailForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    match state.haven().set_email(&s, &f.email, &info.origin).await {
        Ok(()) => Ok(Redirect::to("/account").into_response()),
        Err(CoreError::Invalid(_)) => account_view(&state, &l, &s, None, Some("error-email")).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

pub(crate) async fn account_password(
    State(state): State<AppState>,
    SignedIn(info, s): SignedIn,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    if f.new != f.repeat {
        return account_view(&state, &l, &s, None, Some("account-password-mismatch")).await;
    }
    match state
        .haven()
        .change_password(&s, &f.current, &f.new, &info.origin)
        .await
    {
        Ok(()) => {
            let l = l.with_notice("account-password-changed");
            let mut s = s;
            s.must_change_password = false;
            account_view(&state, &l, &s, None, None).await
        }
        Err(CoreError::Invalid(errs)) => {
            let key = errs.first().map(|e| e.key).unwrap_or("error-form");
            account_view(&state, &l, &s, None, Some(key)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn account_logout_all(
    State(state): State<AppState>,
    SignedIn(info, s): SignedIn,
) -> Result<Response, PageError> {
    state.haven().logout_everywhere(&s, &info.origin).await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(res)
}

/// The message key of a scope's label: `token-scope-cases-read` for `cases:read`.
pub(crate) fn scope_key(code: &str) -> String {
    format!("token-scope-{}", code.replace(':', "-"))
}

impl AccountPage<'_> {
    /// A token's scopes in words, for the list.
    fn scope_labels(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|c| self.l.t(&scope_key(c)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    label: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    days: String,
}

pub(crate) async fn token_create(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(f): HtmlForm<TokenForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let req = NewToken {
        label: f.label.clone(),
        // A code not offered is a tampered form: dropped, and "none chosen" says so if empty.
        scopes: f.scopes.iter().filter_map(|c| Scope::parse(c)).collect(),
        days: f.days.trim().parse().ok(),
    };
    match state
        .haven()
        .create_token(&s.principal, &req, None, &info.origin)
        .await
    {
        Ok((_, tok)) => account_view(&state, &l, &s, Some(tok), None).await,
        Err(CoreError::Invalid(errs)) => {
            let key = match errs.first().map(|e| (e.field, e.key)) {
                Some(("scopes", _)) => "error-token-scopes-required",
                Some(("days", _)) => "error-token-days",
                _ => "error-token-label",
            };
            account_view_typed(&state, &l, &s, None, Some(key), Some(&f)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn token_revoke(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Redirect, PageError> {
    let id = id.parse::<TokenId>().map_err(|_| PageError::not_found())?;
    state
        .haven()
        .revoke_token(&s.principal, id, &info.origin)
        .await?;
    Ok(Redirect::to("/account"))
}

#[derive(Deserialize)]
pub(crate) struct CoordinationForm {
    #[serde(default)]
    consent: String,
}

pub(crate) async fn agency_coordination(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    Form(f): Form<CoordinationForm>,
) -> Result<Redirect, PageError> {
    let cap = s.principal.administer().ok_or_else(PageError::forbidden)?;
    let id = id
        .parse::<haven_domain::AgencyId>()
        .map_err(|_| PageError::not_found())?;
    state
        .haven()
        .set_agency_coordination(AdminActor::Admin(cap), id, f.consent == "1", &info.origin)
        .await?;
    Ok(Redirect::to("/admin/agencies"))
}
