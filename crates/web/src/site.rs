//! The pages of no feature: not found, health and readiness, the stylesheet, the home redirect.
use crate::AppState;
use crate::ctx::Ctx;
use crate::kit::page::PageError;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

pub(crate) async fn not_found() -> PageError {
    PageError::not_found()
}

pub(crate) async fn healthz() -> &'static str {
    "ok"
}

pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    match state.haven().ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

pub(crate) async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        include_str!("../static/haven.css"),
    )
        .into_response()
}

pub(crate) async fn home(Ctx(info): Ctx) -> Redirect {
    Redirect::to(if info.session.is_some() {
        "/dashboard"
    } else {
        "/login"
    })
}
