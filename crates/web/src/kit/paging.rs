//! The next page of an API list: its address (the same query with the cursor, without a page
//! number), given as a `Link: <…>; rel="next"` header.
use axum::http::{HeaderValue, header};
use axum::response::Response;

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
