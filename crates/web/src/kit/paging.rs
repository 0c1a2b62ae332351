//! The next page of an API list: its address (the same query with the cursor, without a page
//! number), given as a `Link: <…>; rel="next"` header.
use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use haven_core::support::cursor::PageRequest;
use serde::{Deserialize, Serialize};

use crate::kit::problem::ApiError;

/// The page of a list a client asks for: the query parameters every paged list takes.
#[derive(Deserialize, utoipa::IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageParams {
    /// The cursor of the page before, from its `Link: rel="next"`; absent: the first page.
    cursor: String,
    /// Items per page, 1 to 1,000 (default 500).
    limit: Option<usize>,
}

impl PageParams {
    /// The page asked for; a cursor Haven did not make or a limit out of range is a 422.
    pub(crate) fn request(&self) -> Result<PageRequest, ApiError> {
        Ok(PageRequest::new(&self.cursor, self.limit.unwrap_or(500))?)
    }
}

/// A page of a list as the API answers it: a JSON array, with the `Link` of the next page
/// (`path` with the same query and the next cursor) when there is one.
pub(crate) fn paged<T: Serialize>(
    items: Vec<T>,
    next: Option<String>,
    path: &str,
    query: Option<&str>,
) -> Response {
    let next = next.map(|c| next_link(path, query, &c));
    link_next(Json(items).into_response(), next.as_deref())
}

/// The next page's address: `path` with the same query and `cursor` (and without `page`).
pub(crate) fn next_link(path: &str, query: Option<&str>, cursor: &str) -> String {
    let mut pairs: Vec<&str> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("cursor=") && !p.starts_with("page="))
        .collect();
    let with = format!("cursor={cursor}");
    pairs.push(&with);
    format!("{path}?{}", pairs.join("&"))
}

/// Adds the `Link` header of the next page, when there is one.
pub(crate) fn link_next(mut res: Response, next: Option<&str>) -> Response {
    if let Some(v) = next.and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok())
    {
        res.headers_mut().insert(header::LINK, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_keeps_the_query_and_swaps_the_cursor() {
        assert_eq!(
            next_link("/api/v1/tips", Some("status=all&cursor=old&page=3"), "new"),
            "/api/v1/tips?status=all&cursor=new"
        );
        assert_eq!(
            next_link("/api/v1/tips", None, "c"),
            "/api/v1/tips?cursor=c"
        );
    }
}
