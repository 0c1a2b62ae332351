//! Form extractor for HTML forms with repeated keys (checkbox groups, several inputs of one
//! name), which `axum::Form` cannot read into a `Vec`.
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use haven_domain::CaseId;
use serde::de::DeserializeOwned;

use crate::AppState;

pub(crate) struct HtmlForm<T>(pub T);

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

/// The case id of a `/cases/{id}/...` path, and the id of the item after it if any
/// (`.../events/{eid}`). A malformed id is a "not found" like any case the user may not see.
fn case_path(params: &axum::extract::RawPathParams) -> Option<(CaseId, Option<String>)> {
    let mut id = None;
    let mut item = None;
    for (k, v) in params.iter() {
        match k {
            "id" => id = v.parse::<CaseId>().ok(),
            _ => item = Some(v.to_string()),
        }
    }
    Some((id?, item))
}

/// `{id}` (and the item id) of an API path; 404 problem when malformed.
pub(crate) struct ApiCase(pub CaseId, pub String);

impl<S: Send + Sync> FromRequestParts<S> for ApiCase {
    type Rejection = crate::kit::problem::ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let raw = axum::extract::RawPathParams::from_request_parts(parts, s)
            .await
            .map_err(|_| crate::kit::problem::ApiError::not_found())?;
        match case_path(&raw) {
            Some((id, item)) => Ok(ApiCase(id, item.unwrap_or_default())),
            None => Err(crate::kit::problem::ApiError::not_found()),
        }
    }
}

/// `{id}` (and the item id) of a page path; the translated 404 page when malformed.
pub(crate) struct PageCase(pub CaseId, pub String);

impl FromRequestParts<AppState> for PageCase {
    type Rejection = crate::kit::page::PageError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let raw = axum::extract::RawPathParams::from_request_parts(parts, s)
            .await
            .map_err(|_| crate::kit::page::PageError::not_found())?;
        match case_path(&raw) {
            Some((id, item)) => Ok(PageCase(id, item.unwrap_or_default())),
            None => Err(crate::kit::page::PageError::not_found()),
        }
    }
}
