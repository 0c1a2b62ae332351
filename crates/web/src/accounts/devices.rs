//! Phones for field collection, under "My account": the user's collection credentials for ODK
//! Collect or KoboCollect, a new one shown once (server, user name, secret, and the QR code the
//! app scans), and one click to revoke a lost phone.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Redirect, Response};
use haven_core::CoreError;
use haven_core::devices::{DeviceView, NewDevice, collect_settings};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::Authed;
use crate::kit::extract::HtmlForm;
use crate::kit::page::{PageError, render_with};
use crate::layout::Layout;

/// A credential just made: what the phone needs, shown this once.
pub(crate) struct Created {
    server_url: String,
    username: String,
    secret: String,
    /// The QR code (inline SVG, drawn here from the settings: no user text in it).
    qr: String,
}

#[derive(Template)]
#[template(path = "devices.html")]
struct DevicesPage<'a> {
    l: &'a Layout<'a>,
    devices: Vec<DeviceView>,
    created: Option<Created>,
    error: Option<&'static str>,
    label: String,
    days: Vec<(&'static str, bool)>,
}

/// Where phones reach the OpenRosa endpoints: the deployment's public address, else the
/// address this request came to.
pub(crate) fn openrosa_url(state: &AppState, headers: &HeaderMap) -> String {
    let base = match &state.0.cfg.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let scheme = if state.0.cfg.https() { "https" } else { "http" };
            format!("{scheme}://{host}")
        }
    };
    format!("{base}/openrosa")
}

/// The settings as a QR code, in SVG, labelled for screen readers.
fn qr_svg(settings: &str, label: &str) -> String {
    use qrcode::render::svg;
    let Ok(code) = qrcode::QrCode::with_error_correction_level(settings, qrcode::EcLevel::L) else {
        return String::new();
    };
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(280, 280)
        .quiet_zone(true)
        .build();
    // Inline in the page: without the XML declaration, with a name for assistive technology.
    let start = svg.find("<svg").unwrap_or(0);
    let label = askama::filters::escape(label, askama::filters::Html)
        .map(|e| e.to_string())
        .unwrap_or_default();
    svg[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{label}\""),
        1,
    )
}

async fn page(
    state: &AppState,
    l: &Layout<'_>,
    p: &haven_authz::Principal,
    status: StatusCode,
    created: Option<Created>,
    error: Option<&'static str>,
    typed: Option<&DeviceForm>,
) -> Result<Response, PageError> {
    if p.case_create().is_none() {
        return Err(PageError::forbidden());
    }
    let devices = state.haven().list_devices(p).await?;
    let chosen = typed.map(|f| f.days.trim()).unwrap_or("90");
    Ok(render_with(
        status,
        &DevicesPage {
            l,
            devices,
            created,
            error,
            label: typed.map(|f| f.label.clone()).unwrap_or_default(),
            days: ["30", "90", "180"]
                .into_iter()
                .map(|d| (d, d == chosen))
                .collect(),
        },
    ))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    page(&state, &l, &s.principal, StatusCode::OK, None, None, None).await
}

#[derive(Deserialize)]
pub(crate) struct DeviceForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    days: String,
}

pub(crate) async fn add(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    headers: HeaderMap,
    HtmlForm(f): HtmlForm<DeviceForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let req = NewDevice {
        label: f.label.clone(),
        days: f.days.trim().parse().ok(),
    };
    match state
        .haven()
        .add_device(&s.principal, &req, &info.origin)
        .await
    {
        Ok((d, secret)) => {
            let server_url = openrosa_url(&state, &headers);
            let settings = collect_settings(&server_url, &d.username, &secret, "Haven");
            let created = Created {
                qr: qr_svg(&settings, &l.t("devices-qr")),
                server_url,
                username: d.username,
                secret,
            };
            page(
                &state,
                &l,
                &s.principal,
                StatusCode::OK,
                Some(created),
                None,
                None,
            )
            .await
        }
        Err(CoreError::Invalid(errs)) => {
            let key = match errs.first().map(|e| e.field) {
                Some("days") => "error-device-days",
                _ => errs.first().map(|e| e.key).unwrap_or("error-required"),
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(&state, &l, &s.principal, status, None, Some(key), Some(&f)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Redirect, PageError> {
    state
        .haven()
        .revoke_device(&s.principal, &id, &info.origin)
        .await?;
    Ok(Redirect::to("/account/phones"))
}
