//! The page kit: rendering, error pages, form status and messages; and the pages of no feature
//! (not found, health, the stylesheet, the home redirect). Each feature's pages live in its folder.
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use haven_core::CoreError;

use crate::layout::Layout;

/// The messages of a refused form, each field named by its `field-*` label.
pub(crate) fn field_messages(l: &Layout<'_>, e: &CoreError) -> Vec<String> {
    field_messages_in(l, e, "field")
}

/// The same, for forms whose field labels are `{prefix}-{field}` (tips, training).
pub(crate) fn field_messages_in(l: &Layout<'_>, e: &CoreError, prefix: &str) -> Vec<String> {
    match e {
        CoreError::Invalid(errs) => errs
            .iter()
            .map(|e| format!("{}: {}", l.t(&format!("{prefix}-{}", e.field)), l.t(e.key)))
            .collect(),
        e => vec![l.t(e.user_key())],
    }
}

/// A form page's status: 200, or 422 when it shows errors (the input is kept on the page).
pub(crate) fn form_status<E>(errors: &[E]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

pub(crate) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: &'a Layout<'a>,
    message_key: &'static str,
}

pub(crate) fn error_page(l: &Layout<'_>, status: StatusCode, key: &'static str) -> Response {
    let mut res = render(&ErrorPage {
        l,
        message_key: key,
    });
    *res.status_mut() = status;
    res
}

/// Maps a use-case error to a page; internal causes go to the log, never to the page.
pub(crate) fn fail(l: &Layout<'_>, e: CoreError) -> Response {
    let status = match &e {
        CoreError::NotFound => StatusCode::NOT_FOUND,
        CoreError::Forbidden => StatusCode::FORBIDDEN,
        CoreError::Invalid(_) | CoreError::File(_) => StatusCode::UNPROCESSABLE_ENTITY,
        CoreError::Conflict(_) => StatusCode::CONFLICT,
        CoreError::Unauthenticated => return Redirect::to("/login").into_response(),
        CoreError::Store(haven_store::StoreError::Duplicate(_)) => StatusCode::CONFLICT,
        CoreError::RateLimited | CoreError::MatchChecksLimited => StatusCode::TOO_MANY_REQUESTS,
        CoreError::ReleaseRefused(_) => StatusCode::CONFLICT,
        _ => {
            tracing::error!(error = %e, "request failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    // A refusal with one reason that no form field shows (a merge across a visibility
    // boundary, one's own account) says that reason, not "check the form".
    let key = match &e {
        CoreError::Invalid(errors) if errors.len() == 1 => errors[0].key,
        _ => e.user_key(),
    };
    error_page(l, status, key)
}

pub(crate) fn forbidden(l: &Layout<'_>) -> Response {
    error_page(l, StatusCode::FORBIDDEN, "error-forbidden")
}
