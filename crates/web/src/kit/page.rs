//! The page kit: rendering, error pages, form status and messages; and the pages of no feature
//! (not found, health, the stylesheet, the home redirect). Each feature's pages live in its folder.
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
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

/// A refused input (`Invalid`), for the form to show; any other error is the page's.
pub(crate) fn refusal(e: CoreError) -> Result<CoreError, PageError> {
    match e {
        CoreError::Invalid(_) => Ok(e),
        e => Err(e.into()),
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

/// `Ok` when the visitor may do this, 403 otherwise.
pub(crate) fn allowed(may: bool) -> Result<(), PageError> {
    if may {
        Ok(())
    } else {
        Err(PageError::forbidden())
    }
}

/// The capability the visitor's role gives, or 403 without it.
pub(crate) fn capability<T>(cap: Option<T>) -> Result<T, PageError> {
    cap.ok_or_else(PageError::forbidden)
}

/// Renders a page with the status given (a form's 422, a lookup's 404).
pub(crate) fn render_with(status: StatusCode, t: &impl Template) -> Response {
    let mut res = render(t);
    *res.status_mut() = status;
    res
}

/// Sends a file as a download that no cache keeps (never rendered inline: the browser must not
/// interpret it).
pub(crate) fn download(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file_name.replace(['"', '\\'], "_")
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
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
    /// Says what happened ("Page not found"), not only that something did.
    title_key: &'static str,
    message_key: &'static str,
}

pub(crate) fn error_page(l: &Layout<'_>, status: StatusCode, key: &'static str) -> Response {
    let title_key = match status {
        StatusCode::NOT_FOUND => "error-title-not-found",
        StatusCode::FORBIDDEN => "error-title-forbidden",
        _ => "error-title",
    };
    let page = ErrorPage {
        l,
        title_key,
        message_key: key,
    };
    render_with(status, &page)
}

/// Why a page could not be shown. Handlers return `Result<Response, PageError>` and use `?`;
/// the context layer, which knows the visitor's language and role, draws the translated error
/// page (`ctx::load`). Internal causes go to the log, never to the page.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PageError {
    pub status: StatusCode,
    pub key: &'static str,
}

impl PageError {
    pub(crate) fn new(status: StatusCode, key: &'static str) -> Self {
        PageError { status, key }
    }

    pub(crate) fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "error-forbidden")
    }

    pub(crate) fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "error-not-found")
    }

    pub(crate) fn bad_request() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "error-bad-request")
    }
}

impl From<CoreError> for PageError {
    fn from(e: CoreError) -> Self {
        let status = match &e {
            CoreError::NotFound => StatusCode::NOT_FOUND,
            CoreError::Forbidden => StatusCode::FORBIDDEN,
            CoreError::Invalid(_) | CoreError::File(_) => StatusCode::UNPROCESSABLE_ENTITY,
            CoreError::Conflict(_) | CoreError::Duplicate(_) | CoreError::ReleaseRefused(_) => {
                StatusCode::CONFLICT
            }
            CoreError::Unauthenticated => StatusCode::UNAUTHORIZED,
            CoreError::RateLimited | CoreError::MatchChecksLimited => StatusCode::TOO_MANY_REQUESTS,
            CoreError::Internal(_) | CoreError::Store(_) => {
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
        PageError { status, key }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if self.status == StatusCode::UNAUTHORIZED {
            return Redirect::to("/login").into_response();
        }
        // Drawn by `ctx::load`, which has the layout; the bare status is what is left if a
        // route outside that layer ever returns one.
        let mut res = self.status.into_response();
        res.extensions_mut().insert(self);
        res
    }
}

/// One rule for every CSV Haven writes (see `haven_interchange::write`).
pub(crate) use haven_interchange::write::spreadsheet_safe;

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_become_text_and_other_cells_stay() {
        for f in [
            "=HYPERLINK(\"x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_safe(f), format!("'{f}"));
        }
        for t in ["Hope House", "12-17", "", "a=b"] {
            assert_eq!(spreadsheet_safe(t), t);
        }
    }
}
