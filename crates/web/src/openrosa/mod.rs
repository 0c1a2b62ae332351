//! Haven as an OpenRosa 1.0 server, for ODK Collect, KoboCollect and Enketo in the field: the
//! form list, and the submission endpoint's preflight. Phones sign in with a collection
//! credential (see `accounts::devices`): Digest (what Collect uses over HTTP and HTTPS) or
//! Basic, and only over HTTPS, or from this machine (tests and a local proxy).
//!
//! The answers follow what the clients check (ODK Collect's `OpenRosaClient`, the OpenRosa
//! specifications): `X-OpenRosa-Version: 1.0` on every answer, `text/xml` lists, `204` for the
//! submission preflight with `X-OpenRosa-Accept-Content-Length`, and a `401` with a Digest
//! challenge before credentials (Collect authenticates only when challenged).
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use haven_core::devices::{DeviceAuth, DeviceGrant, DeviceRefusal};
use haven_crypto::digest_auth;

pub(crate) mod forms;
pub(crate) mod submission;

use crate::AppState;

/// The largest submission body a phone may send in one request (Collect splits larger ones).
pub(crate) const ACCEPT_CONTENT_LENGTH: usize = 10 * 1024 * 1024;

pub(crate) fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/formList", get(form_list))
        .route("/forms/{file}", get(form_file))
        .route("/submission", get(submission_check).post(submit))
        .layer(axum::middleware::from_fn_with_state(state, headers))
}

/// The OpenRosa headers on every answer.
async fn headers(
    State(_): State<AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert("x-openrosa-version", HeaderValue::from_static("1.0"));
    h.insert(
        "x-openrosa-accept-content-length",
        HeaderValue::from(ACCEPT_CONTENT_LENGTH),
    );
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    if let Ok(v) = HeaderValue::from_str(&date) {
        h.insert(header::DATE, v);
    }
    res
}

/// An OpenRosa response message (what Collect shows the user), with its status.
pub(crate) fn message(status: StatusCode, nature: &str, text: &str) -> Response {
    let text = forms::esc(text);
    let body = format!(
        "<?xml version='1.0' encoding='UTF-8' ?>\n<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">\
         <message nature=\"{nature}\">{text}</message></OpenRosaResponse>\n"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// An error message in the phone's language (`Accept-Language`).
fn refusal(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    status: StatusCode,
    key: &str,
) -> Response {
    let lang = haven_i18n::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    message(status, "error", &state.i18n().t(lang, key))
}

/// Whether the request may carry a credential: over HTTPS (directly or through the trusted
/// proxy), or from this machine.
fn secure_transport(state: &AppState, req: &axum::http::request::Parts) -> bool {
    if state.0.cfg.https() {
        return true;
    }
    crate::ctx::client_ip(false, &req.headers, &req.extensions)
        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback())
}

/// The phone that sent the request, or the answer to send it: `401` with a Digest challenge
/// (and `stale=true` for a nonce that aged, which the clients answer by themselves), `403`
/// over plain HTTP from another machine.
pub(crate) async fn device(
    state: &AppState,
    req: &axum::http::request::Parts,
) -> Result<DeviceGrant, Response> {
    if !secure_transport(state, req) {
        return Err(refusal(
            state,
            &req.headers,
            StatusCode::FORBIDDEN,
            "openrosa-https-only",
        ));
    }
    let h = state.haven();
    let unauthorized = |stale: bool| {
        let mut res = refusal(
            state,
            &req.headers,
            StatusCode::UNAUTHORIZED,
            "openrosa-sign-in",
        );
        if let Ok(v) = HeaderValue::from_str(&h.device_challenge(stale)) {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        res
    };
    let Some(auth) = req
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(unauthorized(false));
    };
    let method = req.method.as_str();
    // The address as the phone sent it (inside the nested router, the URI lacks `/openrosa`).
    let uri = req
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map(|o| &o.0)
        .unwrap_or(&req.uri);
    let target = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_else(|| uri.path());
    let result = if let Some(b64) = auth.strip_prefix("Basic ") {
        let Some((user, pass)) = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| {
                s.split_once(':')
                    .map(|(u, p)| (u.to_string(), p.to_string()))
            })
        else {
            return Err(unauthorized(false));
        };
        h.device_sign_in(DeviceAuth::Basic {
            username: &user,
            password: &pass,
        })
        .await
    } else if let Some(d) = digest_auth::parse_digest(auth) {
        // The response covers the request target as sent, query included.
        if d.uri != target {
            return Err(unauthorized(false));
        }
        h.device_sign_in(DeviceAuth::Digest {
            method,
            response: &d,
        })
        .await
    } else {
        return Err(unauthorized(false));
    };
    match result {
        Ok(Ok(grant)) => Ok(grant),
        Ok(Err(DeviceRefusal::StaleNonce)) => Err(unauthorized(true)),
        Ok(Err(DeviceRefusal::Refused)) => Err(unauthorized(false)),
        Err(e) => {
            tracing::error!(error = %e, "phone sign-in failed");
            Err(refusal(
                state,
                &req.headers,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
            ))
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    #[serde(rename = "formID")]
    form_id: Option<String>,
    verbose: Option<String>,
}

/// The forms Haven serves (made on first use, then kept).
fn forms(state: &AppState) -> &[forms::Form] {
    state.0.forms.get_or_init(|| {
        vec![forms::screening(
            &state.haven().policy.screening,
            state.i18n(),
        )]
    })
}

/// The forms a phone may download (OpenRosa Form List API): the screening interview in its
/// current version (a submission of an older version is still accepted). `formID` lists one;
/// `verbose` adds a description; `listAllVersions` lists the current one, the only one served.
async fn form_list(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<ListQuery>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    if let Err(res) = device(&state, &parts).await {
        return res;
    }
    let base = crate::accounts::devices::openrosa_url(&state, &parts.headers);
    let verbose = q.verbose.as_deref().is_some_and(|v| v == "true");
    let mut body = String::from(
        "<?xml version='1.0' encoding='UTF-8' ?>\n<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">\n",
    );
    for f in forms(&state) {
        if q.form_id.as_deref().is_some_and(|id| id != f.id) {
            continue;
        }
        body.push_str(&format!(
            "<xform><formID>{}</formID><name>{}</name><version>{}</version><hash>{}</hash>{}\
             <downloadUrl>{}/forms/{}.xml</downloadUrl></xform>\n",
            f.id,
            forms::esc(&f.title),
            forms::esc(&f.version),
            f.hash,
            if verbose {
                format!(
                    "<descriptionText>{}</descriptionText>",
                    forms::esc(&f.title)
                )
            } else {
                String::new()
            },
            forms::esc(&base),
            f.id
        ));
    }
    body.push_str("</xforms>\n");
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A form's XForm (`/openrosa/forms/haven_screening.xml`): the bytes whose MD5 the list gave.
async fn form_file(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    if let Err(res) = device(&state, &parts).await {
        return res;
    }
    let Some(id) = file.strip_suffix(".xml") else {
        return refusal(
            &state,
            &parts.headers,
            StatusCode::NOT_FOUND,
            "openrosa-unknown-form",
        );
    };
    match forms(&state).iter().find(|f| f.id == id) {
        Some(f) => {
            // Forms filled with this version are read by its set, even once the set changes.
            if let Err(e) = state.haven().form_served(f.id, &f.version).await {
                tracing::error!(error = %e, "could not note a served form version");
                return refusal(
                    &state,
                    &parts.headers,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal",
                );
            }
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                f.xml.clone(),
            )
                .into_response()
        }
        None => refusal(
            &state,
            &parts.headers,
            StatusCode::NOT_FOUND,
            "openrosa-unknown-form",
        ),
    }
}

/// The submission preflight (`HEAD`, or `GET` as ODK Central also answers it): `204` once
/// signed in, with the largest body a submission may have.
async fn submission_check(State(state): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    if let Err(res) = device(&state, &parts).await {
        return res;
    }
    StatusCode::NO_CONTENT.into_response()
}

/// The largest form instance (the XML part) read.
const MAX_INSTANCE: usize = 2 * 1024 * 1024;

/// A form filled on a phone (OpenRosa Form Submission API): multipart, its instance in the
/// `xml_submission_file` part. A screening becomes a screening of the phone's user, evaluated
/// and audited with the phone's credential; `201` with the result in the phone's language. The
/// same instance sent again is `201` again (nothing is made twice); the same instanceID with
/// other content `409`; a file that is not a current form of Haven's `400` or `404`; nothing is
/// stored for any of them.
async fn submit(State(state): State<AppState>, req: Request) -> Response {
    use axum::extract::FromRequest;
    let (parts, body) = req.into_parts();
    let grant = match device(&state, &parts).await {
        Ok(g) => g,
        Err(res) => return res,
    };
    let lang = haven_i18n::negotiate(
        parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    let t = |k: &str| state.i18n().t(lang, k);
    let headers = parts.headers.clone();
    let refuse = |status: StatusCode, key: &str| refusal(&state, &headers, status, key);
    let origin = haven_core::Origin {
        ip: crate::ctx::client_ip(state.0.cfg.trust_proxy, &parts.headers, &parts.extensions),
    };
    let req = Request::from_parts(parts, body);
    let Ok(mut multipart) = axum::extract::Multipart::from_request(req, &state).await else {
        return refuse(StatusCode::BAD_REQUEST, "openrosa-not-multipart");
    };
    let mut xml: Option<Vec<u8>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return refuse(StatusCode::BAD_REQUEST, "openrosa-not-multipart"),
        };
        match field.name().unwrap_or("") {
            "xml_submission_file" => {
                let Ok(bytes) = field.bytes().await else {
                    return refuse(StatusCode::BAD_REQUEST, "openrosa-not-multipart");
                };
                if bytes.len() > MAX_INSTANCE {
                    return refuse(StatusCode::PAYLOAD_TOO_LARGE, "openrosa-too-large");
                }
                xml = Some(bytes.to_vec());
            }
            // Collect marks a submission split over several requests; Haven's forms take no
            // files, so each is whole.
            "*isIncomplete*" => {}
            _ => return refuse(StatusCode::BAD_REQUEST, "openrosa-no-files"),
        }
    }
    let Some(xml) = xml else {
        return refuse(StatusCode::BAD_REQUEST, "openrosa-no-instance");
    };
    let Ok(text) = std::str::from_utf8(&xml) else {
        return refuse(StatusCode::BAD_REQUEST, "openrosa-unreadable");
    };
    let instance = match submission::parse(text) {
        Ok(i) => i,
        Err(e) => {
            tracing::info!(reason = ?e, "unreadable form instance refused");
            return refuse(StatusCode::BAD_REQUEST, "openrosa-unreadable");
        }
    };
    if instance.form_id != forms::SCREENING {
        return refuse(StatusCode::NOT_FOUND, "openrosa-unknown-form");
    }
    let current = &state.haven().policy.screening;
    // A form of an earlier version (filled before the indicator set changed) is read by the
    // set it was made from; a version never served here is refused.
    let earlier;
    let set = if instance.version == forms::version_of(current) {
        current
    } else {
        match state
            .haven()
            .form_indicator_set(&instance.form_id, &instance.version)
            .await
        {
            Ok(Some(s)) => {
                earlier = s;
                &earlier
            }
            Ok(None) => return refuse(StatusCode::CONFLICT, "openrosa-old-version"),
            Err(e) => {
                tracing::error!(error = %e, "could not read a form version");
                return refuse(StatusCode::INTERNAL_SERVER_ERROR, "error-internal");
            }
        }
    };
    let instance_id = instance
        .fields
        .get("meta/instanceID")
        .cloned()
        .unwrap_or_default();
    if instance_id.is_empty()
        || instance_id.len() > 128
        || instance_id.chars().any(char::is_control)
    {
        return refuse(StatusCode::BAD_REQUEST, "openrosa-no-instance-id");
    }
    let input = match screening_input(&instance, set) {
        Ok(i) => i,
        Err(()) => return refuse(StatusCode::BAD_REQUEST, "openrosa-unreadable"),
    };
    let h = state.haven();
    let sub = haven_core::screening::Submission {
        instance_id,
        form_id: instance.form_id.clone(),
        form_version: instance.version.clone(),
        digest: h.submission_digest(&xml),
    };
    match h.receive_screening(&grant, sub, set, input, &origin).await {
        Ok(haven_core::screening::Received::New(v)) => {
            let outcome = t(&format!("screen-outcome-{}", v.outcome.as_str()));
            let text =
                state
                    .i18n()
                    .t_args(lang, "openrosa-received", &[("outcome", outcome.into())]);
            message(StatusCode::CREATED, "submit_success", &text)
        }
        Ok(haven_core::screening::Received::Again(_)) => message(
            StatusCode::CREATED,
            "submit_success",
            &t("openrosa-received-again"),
        ),
        Err(haven_core::CoreError::Duplicate(_)) => {
            refuse(StatusCode::CONFLICT, "openrosa-instance-reused")
        }
        Err(haven_core::CoreError::Forbidden) => refuse(StatusCode::FORBIDDEN, "error-forbidden"),
        Err(haven_core::CoreError::Invalid(errs)) => {
            let key = errs.first().map(|e| e.key).unwrap_or("openrosa-unreadable");
            refuse(StatusCode::BAD_REQUEST, key)
        }
        Err(e) => {
            tracing::error!(error = %e, "a submission could not be recorded");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
        }
    }
}

/// The screening a form instance holds; `Err` for values the form cannot give (a code of no
/// list, an indicator of another set, an age out of range): a file not made by the form.
fn screening_input(
    i: &submission::Instance,
    set: &haven_domain::screening::IndicatorSet,
) -> Result<haven_core::screening::ScreeningInput, ()> {
    use haven_core::screening::IndicatorAnswer;
    use haven_domain::screening::Answer;
    let f = |k: &str| i.fields.get(k).map(String::as_str).unwrap_or("");
    let yes = |k: &str| -> Result<bool, ()> {
        match f(k) {
            "yes" => Ok(true),
            "no" | "" => Ok(false),
            _ => Err(()),
        }
    };
    let age = match f("age") {
        "" => None,
        a => Some(a.parse::<u32>().ok().filter(|a| *a < 130).ok_or(())?),
    };
    let mut labour = false;
    let mut sexual = false;
    for k in f("kinds").split_whitespace() {
        match k {
            "labour" => labour = true,
            "sexual" => sexual = true,
            _ => return Err(()),
        }
    }
    let mut answers = std::collections::BTreeMap::new();
    for (path, value) in &i.fields {
        let Some((group, name)) = path.split_once('/') else {
            continue;
        };
        if group == "meta" {
            continue;
        }
        let (kind, id) = name.split_at_checked(2).ok_or(())?;
        let ind = set.get(id).ok_or(())?;
        if group != format!("d{}", ind.dimension) {
            return Err(());
        }
        let entry = answers.entry(id.to_string()).or_insert(IndicatorAnswer {
            answer: Answer::Unknown,
            evidence: String::new(),
        });
        match (kind, value.as_str()) {
            ("a_", "present") => entry.answer = Answer::Present,
            ("a_", "absent") => entry.answer = Answer::Absent,
            // Not relevant for the profiles of this person: left out of the instance's value.
            ("a_", "unknown" | "") => {}
            ("e_", text) => entry.evidence = text.to_string(),
            _ => return Err(()),
        }
    }
    answers.retain(|_, a| a.answer != Answer::Unknown || !a.evidence.is_empty());
    Ok(haven_core::screening::ScreeningInput {
        case_id: None,
        screened_on: f("screened_on").to_string(),
        region: f("region").to_string(),
        place: f("place").to_string(),
        language: f("language").to_string(),
        interpreter: yes("interpreter")?,
        person_present: yes("person_present")?,
        consent: yes("consent")?,
        age,
        age_uncertain: yes("age_uncertain")?,
        labour,
        sexual,
        act: yes("act")?,
        answers,
    })
}
