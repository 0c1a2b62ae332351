//! Form extractor for HTML forms with repeated keys (checkbox groups, several inputs of one
//! name), which `axum::Form` cannot read into a `Vec`.
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

pub struct HtmlForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for HtmlForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_html_form::from_bytes(&bytes)
            .map(HtmlForm)
            .map_err(|e| {
                // The form is ours, so this is a tampered or broken request; nothing personal is logged.
                tracing::warn!(error = %e, "unreadable form");
                (StatusCode::BAD_REQUEST, "unreadable form").into_response()
            })
    }
}
