//! Signing in, enrolment of a new or reset account, the second factor, signing out, the
//! language of the pages.
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use haven_core::{CoreError, FieldError};
use haven_i18n::Lang;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE, PendingMfa, SESSION_COOKIE, set_cookie};
use crate::layout::Layout;

use crate::kit::page::{PageError, render};

// ---- sign-in ----

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    l: &'a Layout<'a>,
    failed: bool,
    username: String,
}

pub(crate) async fn login_page(State(state): State<AppState>, Ctx(info): Ctx) -> Response {
    if info.session.as_ref().is_some_and(|s| !s.mfa_pending) {
        return Redirect::to("/dashboard").into_response();
    }
    let l = Layout::new(&state, &info);
    render(&LoginPage {
        l: &l,
        failed: false,
        username: String::new(),
    })
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
}

pub(crate) async fn login_submit(
    State(state): State<AppState>,
    Ctx(info): Ctx,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    match state
        .haven()
        .login(&f.username, &f.password, &info.origin)
        .await
    {
        Ok(Some(new)) => {
            let next = if new.info.must_enrol_mfa() {
                "/account/mfa"
            } else if new.info.mfa_pending {
                "/login/mfa"
            } else {
                "/dashboard"
            };
            let mut res = Redirect::to(next).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &new.token, None),
            );
            Ok(res)
        }
        Ok(None) => {
            let mut res = render(&LoginPage {
                l: &l,
                failed: true,
                username: f.username.chars().take(64).collect(),
            });
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

// ---- enrolment: the owner of a new or reset account sets their password ----

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage<'a> {
    l: &'a Layout<'a>,
    username: String,
    errors: Vec<FieldError>,
}

pub(crate) async fn enrol_page(State(state): State<AppState>, Ctx(info): Ctx) -> Response {
    let l = Layout::new(&state, &info);
    render(&EnrolPage {
        l: &l,
        username: String::new(),
        errors: vec![],
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct EnrolForm {
    username: String,
    code: String,
    password: String,
    password2: String,
}

pub(crate) async fn enrol_submit(
    State(state): State<AppState>,
    Ctx(info): Ctx,
    Form(f): Form<EnrolForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let result = if f.password != f.password2 {
        Err(CoreError::invalid("password2", "account-password-mismatch"))
    } else {
        state
            .haven()
            .enrol(&f.username, &f.code, &f.password, &info.origin)
            .await
    };
    match result {
        Ok(()) => {
            let l = l.with_notice("enrol-done");
            Ok(render(&LoginPage {
                l: &l,
                failed: false,
                username: f.username.trim().to_lowercase(),
            }))
        }
        Err(CoreError::Invalid(errors)) => {
            let mut res = render(&EnrolPage {
                l: &l,
                username: f.username.chars().take(64).collect(),
                errors,
            });
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage<'a> {
    l: &'a Layout<'a>,
    failed: bool,
}

pub(crate) async fn mfa_page(
    State(state): State<AppState>,
    PendingMfa(info, s): PendingMfa,
) -> Response {
    if !s.mfa_pending {
        return Redirect::to("/dashboard").into_response();
    }
    if s.must_enrol_mfa() {
        return Redirect::to("/account/mfa").into_response();
    }
    render(&MfaPage {
        l: &Layout::new(&state, &info),
        failed: false,
    })
}

/// To the dashboard under the session's new token (renewed once the second factor is done).
fn renewed(state: &AppState, cookie: &str) -> Response {
    let mut res = Redirect::to("/dashboard").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, SESSION_COOKIE, cookie, None),
    );
    res
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    code: String,
    #[serde(default)]
    sealed: String,
}

pub(crate) async fn mfa_submit(
    State(state): State<AppState>,
    PendingMfa(info, s): PendingMfa,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    match state.haven().verify_mfa(&s, &f.code, &info.origin).await {
        Ok(Some(cookie)) => Ok(renewed(&state, &cookie)),
        Ok(None) => {
            let mut res = render(&MfaPage {
                l: &l,
                failed: true,
            });
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mfa_enrol.html")]
struct MfaEnrolPage<'a> {
    l: &'a Layout<'a>,
    required: bool,
    failed: bool,
    secret: String,
    uri: String,
    sealed: String,
}

pub(crate) async fn mfa_enrol_page(
    State(state): State<AppState>,
    PendingMfa(info, s): PendingMfa,
) -> Response {
    if s.has_mfa {
        // Replacing a second factor from a session would let a stolen session lock the owner out.
        let to = if s.mfa_pending {
            "/login/mfa"
        } else {
            "/account"
        };
        return Redirect::to(to).into_response();
    }
    let e = state.haven().start_mfa_enrolment(&s);
    let l = Layout::new(&state, &info);
    render(&MfaEnrolPage {
        l: &l,
        required: s.must_enrol_mfa(),
        failed: false,
        secret: e.secret,
        uri: e.uri,
        sealed: e.sealed,
    })
}

pub(crate) async fn mfa_enrol_submit(
    State(state): State<AppState>,
    PendingMfa(info, s): PendingMfa,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    if s.has_mfa {
        // Replacing a second factor from a session would let a stolen session lock the owner out.
        let to = if s.mfa_pending {
            "/login/mfa"
        } else {
            "/account"
        };
        return Ok(Redirect::to(to).into_response());
    }
    match state
        .haven()
        .confirm_mfa_enrolment(&s, &f.sealed, &f.code, &info.origin)
        .await
    {
        Ok(Some(cookie)) => Ok(renewed(&state, &cookie)),
        Ok(None) => {
            let e = state
                .haven()
                .resume_mfa_enrolment(&s, &f.sealed)
                .unwrap_or_else(|| state.haven().start_mfa_enrolment(&s));
            let mut res = render(&MfaEnrolPage {
                l: &l,
                required: s.must_enrol_mfa(),
                failed: true,
                secret: e.secret,
                uri: e.uri,
                sealed: e.sealed,
            });
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    Ctx(info): Ctx,
) -> Result<Response, PageError> {
    if let Some(s) = &info.session {
        state.haven().logout(s, &info.origin).await?;
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(res)
}

#[derive(Deserialize)]
pub(crate) struct LangForm {
    #[serde(default)]
    pub(crate) lang: String,
    /// The page the switch was made on, to come back to.
    #[serde(default)]
    pub(crate) back: String,
}

/// `back` if it is a path of this site ("/cases?page=2"), else the dashboard: never another
/// site (`//evil.example`, `/\evil.example`), so the switch cannot be made an open redirect.
fn local_path(back: &str) -> &str {
    let b = back.as_bytes();
    let local = b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/') | Some(b'\\'))
        && !back.chars().any(|c| c.is_control() || c == '\\');
    if local { back } else { "/" }
}

pub(crate) async fn language(
    State(state): State<AppState>,
    Ctx(info): Ctx,
    Form(f): Form<LangForm>,
) -> Result<Response, PageError> {
    let lang = Lang::parse(&f.lang);
    if let (Some(s), Some(_)) = (&info.session, lang) {
        state.haven().set_language(s, lang).await?;
    }
    let mut res = Redirect::to(local_path(&f.back)).into_response();
    if let Some(l) = lang {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state, LANG_COOKIE, l.code(), Some(365 * 86400)),
        );
    }
    Ok(res)
}
