//! Per-request context: the session (looked up once), the language, the client address, and the
//! CSRF check of every state-changing form.
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use haven_core::Origin;
use haven_core::auth::SessionInfo;
use haven_i18n::Lang;

use crate::AppState;
use crate::layout::Layout;

pub(crate) const SESSION_COOKIE: &str = "haven_session";
/// Anti-forgery token for forms shown before sign-in (double-submit cookie).
pub(crate) const PRE_COOKIE: &str = "haven_pre";
pub(crate) const LANG_COOKIE: &str = "haven_lang";

pub(crate) use crate::layout::ReqInfo;

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub(crate) fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let secure = if state.0.cfg.https() { "; Secure" } else { "" };
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}{age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The client's address for the audit trail and sign-in throttling. Behind a trusted proxy it is
/// the last `X-Forwarded-For` entry: the one the proxy itself appended (earlier entries come from
/// the client and can be forged).
pub(crate) fn client_ip(
    trust_proxy: bool,
    headers: &HeaderMap,
    ext: &axum::http::Extensions,
) -> Option<String> {
    if trust_proxy
        && let Some(ip) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .next_back()
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
    {
        return Some(ip.to_string());
    }
    ext.get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// Resolves the session and language, then enforces CSRF on POST forms.
pub(crate) async fn load(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut session = None;
    if let Some(token) = cookie(req.headers(), SESSION_COOKIE) {
        match state.haven().session(token).await {
            Ok(s) => session = s,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "service unavailable").into_response();
            }
        }
    }
    let pre = cookie(req.headers(), PRE_COOKIE).map(str::to_string);
    let new_pre = match (&session, &pre) {
        (None, None) => Some(haven_crypto::token::generate("")),
        _ => None,
    };
    let csrf = match &session {
        Some(s) => s.csrf_token.clone(),
        None => pre.clone().or(new_pre.clone()).unwrap_or_default(),
    };
    let lang = session
        .as_ref()
        .and_then(|s| s.language.as_deref())
        .and_then(Lang::parse)
        .or_else(|| cookie(req.headers(), LANG_COOKIE).and_then(Lang::parse))
        .unwrap_or_else(|| {
            haven_i18n::negotiate(
                req.headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        });
    // Every page, also one drawn in answer to a form (its errors, a confirmation): the badge
    // must not vanish there. Not the stylesheet.
    let unread = match session.as_ref().filter(|s| !s.mfa_pending) {
        Some(s) if !req.uri().path().starts_with("/static/") => state
            .haven()
            .unread_notifications(&s.principal)
            .await
            .unwrap_or(0),
        _ => 0,
    };
    // The page to come back to after switching language: a page reached by GET (a form's
    // result cannot be asked for again).
    let page = if req.method() == Method::GET {
        req.uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let info = ReqInfo {
        session,
        unread,
        page,
        csrf: csrf.clone(),
        lang,
        origin: Origin {
            ip: client_ip(state.0.cfg.trust_proxy, req.headers(), req.extensions()),
        },
    };

    let mut req = req;
    if req.method() == Method::POST {
        let (parts, body) = req.into_parts();
        let boundary = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|ct| multer::parse_boundary(ct).ok());
        // Uploads (multipart) may be as large as an attachment; other forms stay small.
        let limit = match boundary {
            Some(_) => state.upload_limit(),
            None => crate::BODY_LIMIT,
        };
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => {
                let layout = Layout::new(&state, &info);
                return crate::kit::page::error_page(
                    &layout,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "error-file-too-large",
                );
            }
        };
        let sent = match boundary {
            Some(b) => multipart_field(bytes.clone(), b, "csrf").await,
            None => form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.into_owned()),
        };
        let ok = !csrf.is_empty() && sent.is_some_and(|s| haven_crypto::token::equal(&s, &csrf));
        if !ok {
            tracing::warn!(path = %parts.uri.path(), "csrf check failed");
            let layout = Layout::new(&state, &info);
            return crate::kit::page::error_page(&layout, StatusCode::FORBIDDEN, "error-csrf");
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(info.clone());
    let mut res = next.run(req).await;
    // A handler's `PageError` becomes the translated error page here, where the layout is known.
    if let Some(e) = res
        .extensions()
        .get::<crate::kit::page::PageError>()
        .copied()
    {
        res = crate::kit::page::error_page(&Layout::new(&state, &info), e.status, e.key);
    }
    if let Some(token) = new_pre {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state, PRE_COOKIE, &token, None),
        );
    }
    res
}

/// Any visitor of a page.
pub(crate) struct Ctx(pub ReqInfo);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ReqInfo>()
            .cloned()
            .map(Ctx)
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}

/// A signed-in user who passed the second factor (may still have to change their password).
pub(crate) struct SignedIn(pub ReqInfo, pub SessionInfo);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let Ctx(info) = Ctx::from_request_parts(parts, s).await?;
        let Some(session) = info.session.clone() else {
            return Err(Redirect::to("/login").into_response());
        };
        if session.must_enrol_mfa() {
            return Err(Redirect::to("/account/mfa").into_response());
        }
        if session.mfa_pending {
            return Err(Redirect::to("/login/mfa").into_response());
        }
        Ok(SignedIn(info, session))
    }
}

/// A signed-in user free to work: second factor done, password not due for change.
pub(crate) struct Authed(pub ReqInfo, pub SessionInfo);

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let SignedIn(info, session) = SignedIn::from_request_parts(parts, s).await?;
        if session.must_change_password {
            return Err(Redirect::to("/account#password").into_response());
        }
        Ok(Authed(info, session))
    }
}

/// A session that exists but still owes its second factor.
pub(crate) struct PendingMfa(pub ReqInfo, pub SessionInfo);

impl<S: Send + Sync> FromRequestParts<S> for PendingMfa {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let Ctx(info) = Ctx::from_request_parts(parts, s).await?;
        match info.session.clone() {
            Some(session) => Ok(PendingMfa(info, session)),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

/// The value of one text field of a buffered multipart body (the CSRF token of an upload form,
/// which comes before the file).
async fn multipart_field(body: axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut m = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = m.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_address_is_the_one_the_proxy_appended() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.9"),
        );
        let ext = axum::http::Extensions::new();
        assert_eq!(client_ip(true, &h, &ext).as_deref(), Some("203.0.113.9"));
        assert_eq!(
            client_ip(false, &h, &ext),
            None,
            "ignored unless the proxy is trusted"
        );
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("not-an-address"),
        );
        assert_eq!(client_ip(true, &h, &ext), None);
    }
}
