//! Page handlers. Each one: extract who is asking, call one use-case, render one template.
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use haven_audit::Action;
use haven_core::admin::{AdminActor, NewAgency, NewUser};
use haven_core::stats::Cell;
use haven_core::trail::AuditEntry;
use haven_core::{CoreError, FieldError};
use haven_domain::{AgencyType, GUYANA_REGIONS, Role, TokenId, UserId};
use haven_i18n::Lang;
use haven_store::audit::AuditFilter;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Authed, Ctx, LANG_COOKIE, PendingMfa, SESSION_COOKIE, SignedIn, set_cookie};
use crate::layout::{Layout, role_key};

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

pub fn error_page(l: &Layout<'_>, status: StatusCode, key: &'static str) -> Response {
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

pub async fn not_found(State(state): State<AppState>, Ctx(info): Ctx) -> Response {
    error_page(
        &Layout::new(&state, &info),
        StatusCode::NOT_FOUND,
        "error-not-found",
    )
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.haven().db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

pub async fn stylesheet() -> Response {
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

pub async fn home(Ctx(info): Ctx) -> Redirect {
    Redirect::to(if info.session.is_some() {
        "/dashboard"
    } else {
        "/login"
    })
}

// ---- sign-in ----

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    l: &'a Layout<'a>,
    failed: bool,
    username: String,
}

pub async fn login_page(State(state): State<AppState>, Ctx(info): Ctx) -> Response {
    if info.session.as_ref().is_some_and(|s| !s.mfa_pending) {
        return Redirect::to("/dashboard").into_response();
    }
    let l = Layout::new(&state, &info);
    render(&LoginPage {
        l: &l,
        failed: false,
        username: String::new(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login_submit(
    State(state): State<AppState>,
    Ctx(info): Ctx,
    Form(f): Form<LoginForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    match state
        .haven()
        .login(&f.username, &f.password, &info.origin)
        .await
    {
        Ok(Some(new)) => {
            let next = if new.info.must_enrol_mfa() {
                "/account/mfa"
            } else if new.info.mfa_pending {
                "/login/mfa"
            } else {
                "/dashboard"
            };
            let mut res = Redirect::to(next).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &new.token, None),
            );
            res
        }
        Ok(None) => {
            let mut res = render(&LoginPage {
                l: &l,
                failed: true,
                username: f.username.chars().take(64).collect(),
            });
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            res
        }
        Err(e) => fail(&l, e),
    }
}

// ---- enrolment: the owner of a new or reset account sets their password ----

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage<'a> {
    l: &'a Layout<'a>,
    username: String,
    errors: Vec<FieldError>,
}

pub async fn enrol_page(State(state): State<AppState>, Ctx(info): Ctx) -> Response {
    let l = Layout::new(&state, &info);
    render(&EnrolPage {
        l: &l,
        username: String::new(),
        errors: vec![],
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EnrolForm {
    username: String,
    code: String,
    password: String,
    password2: String,
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    Ctx(info): Ctx,
    Form(f): Form<EnrolForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    let result = if f.password != f.password2 {
        Err(CoreError::invalid("password2", "account-password-mismatch"))
    } else {
        state
            .haven()
            .enrol(&f.username, &f.code, &f.password, &info.origin)
            .await
    };
    match result {
        Ok(()) => {
            let l = l.with_notice("enrol-done");
            render(&LoginPage {
                l: &l,
                failed: false,
                username: f.username.trim().to_lowercase(),
            })
        }
        Err(CoreError::Invalid(errors)) => {
            let mut res = render(&EnrolPage {
                l: &l,
                username: f.username.chars().take(64).collect(),
                errors,
            });
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            res
        }
        Err(e) => fail(&l, e),
    }
}

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage<'a> {
    l: &'a Layout<'a>,
    failed: bool,
}

pub async fn mfa_page(State(state): State<AppState>, PendingMfa(info, s): PendingMfa) -> Response {
    if !s.mfa_pending {
        return Redirect::to("/dashboard").into_response();
    }
    if s.must_enrol_mfa() {
        return Redirect::to("/account/mfa").into_response();
    }
    render(&MfaPage {
        l: &Layout::new(&state, &info),
        failed: false,
    })
}

/// To the dashboard under the session's new token (renewed once the second factor is done).
fn renewed(state: &AppState, cookie: &str) -> Response {
    let mut res = Redirect::to("/dashboard").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, SESSION_COOKIE, cookie, None),
    );
    res
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    #[serde(default)]
    sealed: String,
}

pub async fn mfa_submit(
    State(state): State<AppState>,
    PendingMfa(info, s): PendingMfa,
    Form(f): Form<CodeForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    match state.haven().verify_mfa(&s, &f.code, &info.origin).await {
        Ok(Some(cookie)) => renewed(&state, &cookie),
        Ok(None) => {
            let mut res = render(&MfaPage {
                l: &l,
                failed: true,
            });
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            res
        }
        Err(e) => fail(&l, e),
    }
}

#[derive(Template)]
#[template(path = "mfa_enrol.html")]
struct MfaEnrolPage<'a> {
    l: &'a Layout<'a>,
    required: bool,
    failed: bool,
    secret: String,
    uri: String,
    sealed: String,
}

pub async fn mfa_enrol_page(
    State(state): State<AppState>,
    PendingMfa(info, s): PendingMfa,
) -> Response {
    if s.has_mfa {
        // Replacing a second factor from a session would let a stolen session lock the owner out.
        let to = if s.mfa_pending {
            "/login/mfa"
        } else {
            "/account"
        };
        return Redirect::to(to).into_response();
    }
    let e = state.haven().start_mfa_enrolment(&s);
    let l = Layout::new(&state, &info);
    render(&MfaEnrolPage {
        l: &l,
        required: s.must_enrol_mfa(),
        failed: false,
        secret: e.secret,
        uri: e.uri,
        sealed: e.sealed,
    })
}

pub async fn mfa_enrol_submit(
    State(state): State<AppState>,
    PendingMfa(info, s): PendingMfa,
    Form(f): Form<CodeForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    if s.has_mfa {
        // Replacing a second factor from a session would let a stolen session lock the owner out.
        let to = if s.mfa_pending {
            "/login/mfa"
        } else {
            "/account"
        };
        return Redirect::to(to).into_response();
    }
    match state
        .haven()
        .confirm_mfa_enrolment(&s, &f.sealed, &f.code, &info.origin)
        .await
    {
        Ok(Some(cookie)) => renewed(&state, &cookie),
        Ok(None) => {
            let e = state
                .haven()
                .resume_mfa_enrolment(&s, &f.sealed)
                .unwrap_or_else(|| state.haven().start_mfa_enrolment(&s));
            let mut res = render(&MfaEnrolPage {
                l: &l,
                required: s.must_enrol_mfa(),
                failed: true,
                secret: e.secret,
                uri: e.uri,
                sealed: e.sealed,
            });
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            res
        }
        Err(e) => fail(&l, e),
    }
}

pub async fn logout(State(state): State<AppState>, Ctx(info): Ctx) -> Response {
    if let Some(s) = &info.session
        && let Err(e) = state.haven().logout(s, &info.origin).await
    {
        return fail(&Layout::new(&state, &info), e);
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    res
}

#[derive(Deserialize)]
pub struct LangForm {
    #[serde(default)]
    lang: String,
}

pub async fn language(
    State(state): State<AppState>,
    Ctx(info): Ctx,
    Form(f): Form<LangForm>,
) -> Response {
    let lang = Lang::parse(&f.lang);
    if let (Some(s), Some(_)) = (&info.session, lang)
        && let Err(e) = state.haven().set_language(s, lang).await
    {
        return fail(&Layout::new(&state, &info), e);
    }
    let mut res = Redirect::to("/").into_response();
    if let Some(l) = lang {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state, LANG_COOKIE, l.code(), Some(365 * 86400)),
        );
    }
    res
}

// ---- dashboard ----

/// A figure of the dashboard: its count, its sentence, and the list that gives that count.
struct Figure {
    id: &'static str,
    href: &'static str,
    text: String,
    count: i64,
    /// Asks for attention (shown as a notice, in red when urgent).
    class: &'static str,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    l: &'a Layout<'a>,
    welcome: String,
    figures: Vec<Figure>,
    role_note: Option<String>,
}

pub async fn dashboard(State(state): State<AppState>, Authed(info, s): Authed) -> Response {
    let l = Layout::new(&state, &info);
    let p = &s.principal;
    let h = state.haven();
    let mut figures = Vec::new();
    // Each figure counts exactly what its link lists (checked for every demo role by a test).
    let mut figure = |id, href, key: &str, count: i64, class, shown_at_zero: bool| {
        if count > 0 || shown_at_zero {
            figures.push(Figure {
                id,
                href,
                text: l.ta(key, &[("count", FluentValue::from(count))]),
                count,
                class,
            });
        }
    };
    if let Some(cap) = p.case_list() {
        match h.count_cases(cap).await {
            Ok(n) => figure("cases", "/cases", "dashboard-cases-visible", n, "", true),
            Err(e) => return fail(&l, e),
        }
    }
    // Transfers waiting for this agency's decision, and (coordinator) for approval: counts only.
    match h.incoming_transfer_count(p).await {
        Ok(n) => figure(
            "transfers",
            "/transfers#incoming",
            "dashboard-transfers",
            n as i64,
            "notice",
            false,
        ),
        Err(e) => return fail(&l, e),
    }
    match h.transfer_approval_count(p).await {
        Ok(n) => figure(
            "transfer-approvals",
            "/transfers#approvals",
            "dashboard-transfer-approvals",
            n as i64,
            "notice",
            false,
        ),
        Err(e) => return fail(&l, e),
    }
    // Referrals past their answer deadline: the agency's own (sent or received), all of them
    // for the coordinator. A count only.
    if l.can_referrals {
        match h.overdue_referrals(p, haven_core::now()).await {
            Ok(v) => figure(
                "overdue",
                "/referrals#overdue",
                "dashboard-overdue",
                v.len() as i64,
                "notice error",
                false,
            ),
            Err(e) => return fail(&l, e),
        }
    }
    // Open cases at high or critical risk among those the user may see.
    if let Some(cap) = p.case_list() {
        match h.count_high_risk(cap).await {
            Ok(n) => figure(
                "high-risk",
                "/cases?high_risk=true",
                "dashboard-high-risk",
                n,
                "notice error",
                false,
            ),
            Err(e) => return fail(&l, e),
        }
    }
    let mut tasks_text = None;
    if l.can_tasks {
        match h.task_counts(p).await {
            Ok((n, late)) if n > 0 => {
                tasks_text = Some((
                    l.ta(
                        "dashboard-tasks",
                        &[
                            ("count", FluentValue::from(n)),
                            ("overdue", FluentValue::from(late)),
                        ],
                    ),
                    n,
                ))
            }
            Ok(_) => {}
            Err(e) => return fail(&l, e),
        }
    }
    // Tips waiting for triage (all for the coordinator, one's own for others): counts only.
    let open_tips = match h.tip_counts(p).await {
        Ok(counts) => counts
            .iter()
            .filter(|(s, _)| s == "new" || s == "assigned")
            .map(|(_, n)| n)
            .sum::<i64>(),
        Err(e) => return fail(&l, e),
    };
    if let Some((text, n)) = tasks_text {
        figures.push(Figure {
            id: "tasks",
            href: "/tasks",
            text,
            count: n as i64,
            class: "notice",
        });
    }
    if open_tips > 0 {
        figures.push(Figure {
            id: "tips",
            href: "/tips?status=open",
            text: l.ta("dashboard-tips", &[("count", FluentValue::from(open_tips))]),
            count: open_tips,
            class: "notice",
        });
    }
    // Roles that see no case list get a line on what they do see (where one is written).
    let role_note = Some(format!(
        "dashboard-role-{}",
        p.role.as_str().replace('_', "-")
    ))
    .filter(|k| state.i18n().has(info.lang, k));
    let welcome = l.ta(
        "dashboard-welcome",
        &[("name", FluentValue::from(s.display_name.clone()))],
    );
    render(&DashboardPage {
        l: &l,
        welcome,
        figures,
        role_note,
    })
}

// ---- statistics ----

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage<'a> {
    l: &'a Layout<'a>,
    help: String,
    agg: haven_core::stats::Aggregates,
    tables: Vec<(&'static str, Vec<(String, String)>)>,
    as_of: String,
}

pub async fn stats(State(state): State<AppState>, Authed(info, s): Authed) -> Response {
    let l = Layout::new(&state, &info);
    let Some(cap) = s.principal.aggregates_read() else {
        return forbidden(&l);
    };
    let agg = match state.haven().aggregates(cap, &info.origin).await {
        Ok(a) => a,
        Err(e) => return fail(&l, e),
    };
    let k = FluentValue::from(agg.min_cell);
    let hidden = l.ta("stats-hidden", &[("k", k.clone())]);
    let rows = |cells: &[Cell], label: &dyn Fn(&str) -> String| -> Vec<(String, String)> {
        cells
            .iter()
            .map(|c| {
                let name = c
                    .key
                    .as_deref()
                    .map(label)
                    .unwrap_or_else(|| l.t("stats-unknown"));
                (
                    name,
                    c.count
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| hidden.clone()),
                )
            })
            .collect()
    };
    let tables = vec![
        (
            "stats-by-status",
            rows(&agg.by_status, &|k| l.t(&format!("code-cas_Status-{k}"))),
        ),
        ("stats-by-region", rows(&agg.by_region, &|k| l.region_of(k))),
        (
            "stats-by-exploitation",
            rows(&agg.by_exploitation, &|k| {
                l.t(&format!("code-vic_TypeOfExploitation-{k}"))
            }),
        ),
        (
            "stats-by-screening",
            rows(&agg.by_screening_outcome, &|k| {
                l.t(&format!("screen-outcome-{k}"))
            }),
        ),
        (
            "stats-by-screening-profile",
            rows(&agg.by_screening_profile, &|k| {
                l.t(&format!("screen-profile-{k}"))
            }),
        ),
        (
            "stats-by-screening-region",
            rows(&agg.by_screening_region, &|k| l.region_of(k)),
        ),
        (
            "stats-by-screening-agency",
            rows(&agg.by_screening_agency, &|k| k.to_string()),
        ),
    ];
    let help = l.ta("stats-help", &[("k", k)]);
    let as_of = l.ta(
        "stats-as-of",
        &[
            ("when", FluentValue::from(l.datetime(&agg.as_of))),
            ("next", FluentValue::from(l.datetime(&agg.next_refresh))),
        ],
    );
    render(&StatsPage {
        l: &l,
        help,
        as_of,
        agg,
        tables,
    })
}

// ---- statistical releases ----

#[derive(Template)]
#[template(path = "release.html")]
struct ReleasePage<'a> {
    l: &'a Layout<'a>,
    kinds: Vec<(&'static str, String, String)>,
    raw: bool,
    min_k: i64,
    k_help: String,
    errors: Vec<String>,
    ledger: Vec<haven_core::release::LedgerEntry>,
    form: ReleaseForm,
}

async fn release_page_for(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    errors: Vec<String>,
    form: ReleaseForm,
) -> Response {
    use haven_core::release::ReleaseKind;
    let Some(cap) = s.principal.aggregates_read() else {
        return forbidden(l);
    };
    let raw = s.principal.ctdc_raw_export().is_some();
    let kinds = ReleaseKind::ALL
        .into_iter()
        .filter(|k| raw || *k != ReleaseKind::Raw)
        .map(|k| {
            let key = format!("release-kind-{}", k.as_str());
            (k.as_str(), l.t(&key), l.t(&format!("{key}-help")))
        })
        .collect();
    let ledger = match state.haven().release_ledger(cap).await {
        Ok(v) => v,
        Err(e) => return fail(l, e),
    };
    let min_k = state.haven().policy.min_cell.max(2);
    let form = ReleaseForm {
        kind: if form.kind.is_empty() {
            "aggregates".into()
        } else {
            form.kind
        },
        k: if form.k.is_empty() {
            "11".into()
        } else {
            form.k
        },
        reporting_length: if form.reporting_length.is_empty() {
            "3".into()
        } else {
            form.reporting_length
        },
        passphrase: String::new(),
        ..form
    };
    render(&ReleasePage {
        l,
        kinds,
        raw,
        min_k,
        k_help: l.ta("release-k-help", &[("k", FluentValue::from(min_k))]),
        errors,
        ledger,
        form,
    })
}

pub async fn release_page(State(state): State<AppState>, Authed(info, s): Authed) -> Response {
    let l = Layout::new(&state, &info);
    if s.principal.aggregates_read().is_none() {
        return forbidden(&l);
    }
    release_page_for(&state, &l, &s, Vec::new(), ReleaseForm::default()).await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReleaseForm {
    kind: String,
    k: String,
    reporting_length: String,
    hxl: Option<String>,
    passphrase: String,
    /// Comma- or space-separated CTDC columns where 0 is a value.
    sensitive_zeros: String,
}

/// The message of a refusal by the release ledger, with what it compared.
fn refusal_message(l: &Layout, r: &haven_core::release::ReleaseRefusal) -> String {
    use haven_core::release::ReleaseRefusal;
    match r {
        ReleaseRefusal::TooFewChanges {
            changed,
            needed,
            earlier_at,
        } => l.ta(
            r.key(),
            &[
                ("changed", FluentValue::from(*changed as i64)),
                ("needed", FluentValue::from(*needed as i64)),
                ("date", FluentValue::from(l.datetime(earlier_at))),
            ],
        ),
        ReleaseRefusal::OtherParameters {
            k,
            reporting_length,
            earlier_at,
            ..
        } => l.ta(
            r.key(),
            &[
                ("k", FluentValue::from(*k)),
                ("length", FluentValue::from(*reporting_length)),
                ("date", FluentValue::from(l.datetime(earlier_at))),
            ],
        ),
    }
}

pub async fn release_submit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    crate::extract::HtmlForm(f): crate::extract::HtmlForm<ReleaseForm>,
) -> Response {
    use haven_core::release::{ReleaseKind, ReleaseRequest};
    let l = Layout::new(&state, &info);
    let Some(cap) = s.principal.aggregates_read() else {
        return forbidden(&l);
    };
    let mut errors = Vec::new();
    let kind = ReleaseKind::parse(&f.kind);
    if kind.is_none() {
        errors.push(l.t("error-release-kind"));
    }
    let k = f.k.trim().parse::<u64>().ok().filter(|k| *k >= 2);
    if k.is_none() {
        errors.push(l.t("error-release-k"));
    }
    let length = f.reporting_length.trim().parse::<usize>().unwrap_or(0);
    let (Some(kind), Some(k)) = (kind, k) else {
        return release_page_for(&state, &l, &s, errors, f).await;
    };
    let req = ReleaseRequest {
        kind,
        resolution: k,
        reporting_length: length,
        hxl: f.hxl.is_some(),
        passphrase: Some(f.passphrase.clone()).filter(|p| !p.is_empty()),
        sensitive_zeros: f
            .sensitive_zeros
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
    };
    match state
        .haven()
        .ctdc_release(cap, s.principal.ctdc_raw_export(), &info.origin, req)
        .await
    {
        Ok(file) => crate::api::zip_download(file),
        Err(CoreError::Invalid(errs)) => {
            let errors = errs
                .iter()
                .map(|e| {
                    if e.key == "error-release-k-min" {
                        l.ta(
                            e.key,
                            &[("k", FluentValue::from(state.haven().policy.min_cell.max(2)))],
                        )
                    } else {
                        l.t(e.key)
                    }
                })
                .collect();
            release_page_for(&state, &l, &s, errors, f).await
        }
        Err(CoreError::ReleaseRefused(r)) => {
            let errors = vec![refusal_message(&l, &r)];
            release_page_for(&state, &l, &s, errors, f).await
        }
        Err(e) => fail(&l, e),
    }
}

// ---- audit ----

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    l: &'a Layout<'a>,
    events: Vec<AuditEntry>,
    actions: Vec<&'static str>,
    filter_action: Option<String>,
    filter_user: String,
    filter_target: String,
    query: String,
    older: Option<i64>,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    target: String,
    before: Option<i64>,
}

fn audit_filter(q: &AuditQuery, limit: i64) -> AuditFilter {
    AuditFilter {
        actor_user_id: q.user.trim().parse::<UserId>().ok(),
        action: Action::ALL
            .iter()
            .map(|a| a.as_str())
            .find(|a| *a == q.action)
            .map(str::to_string),
        target_id: Some(q.target.trim().to_string()).filter(|t| !t.is_empty()),
        from: None,
        to: None,
        before_seq: q.before,
        limit,
    }
}

pub async fn audit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<AuditQuery>,
) -> Response {
    let l = Layout::new(&state, &info);
    let Some(cap) = s.principal.audit_read() else {
        return forbidden(&l);
    };
    let filter = audit_filter(&q, 100);
    let events = match state
        .haven()
        .audit_events(cap, &filter, false, &info.origin)
        .await
    {
        Ok(e) => e,
        Err(e) => return fail(&l, e),
    };
    let older = (events.len() as i64 == filter.limit)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("action", filter.action.as_deref().unwrap_or(""))
        .append_pair("user", q.user.trim())
        .append_pair("target", q.target.trim())
        .finish();
    render(&AuditPage {
        l: &l,
        events,
        actions: Action::ALL.iter().map(|a| a.as_str()).collect(),
        filter_action: filter.action.clone(),
        filter_user: q.user.clone(),
        filter_target: q.target.clone(),
        query,
        older,
    })
}

fn csv_field(s: &str) -> String {
    // Quote everything; neutralise spreadsheet formulas (CSV injection).
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub async fn audit_export(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<AuditQuery>,
) -> Response {
    let l = Layout::new(&state, &info);
    let Some(cap) = s.principal.audit_read() else {
        return forbidden(&l);
    };
    let events = match state
        .haven()
        .audit_events(cap, &audit_filter(&q, 10_000), true, &info.origin)
        .await
    {
        Ok(e) => e,
        Err(e) => return fail(&l, e),
    };
    let mut out = String::from(
        "seq,at,actor_user_id,actor_agency_id,actor_role,action,outcome,target_kind,target_id,ip,reason,details,hash\n",
    );
    for e in events {
        let cols = [
            e.seq.to_string(),
            l.datetime(&e.at),
            e.actor_user_id.unwrap_or_default(),
            e.actor_agency_id.unwrap_or_default(),
            e.actor_role.unwrap_or_default(),
            e.action,
            e.outcome,
            e.target_kind.unwrap_or_default(),
            e.target_id.unwrap_or_default(),
            e.ip.unwrap_or_default(),
            e.reason.unwrap_or_default(),
            e.details.unwrap_or_default(),
            e.hash,
        ];
        out += &cols
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"haven-audit.csv\""),
            ),
        ],
        out,
    )
        .into_response()
}

// ---- administration ----

struct UserLine {
    id: UserId,
    username: String,
    display_name: String,
    role: &'static str,
    role_key: String,
    agency: String,
    disabled: bool,
    mfa: bool,
    /// Waiting for its owner to enrol, until then.
    enrol_until: Option<i64>,
    /// The administrator's own account: no role change, no reset, no disabling.
    own: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage<'a> {
    l: &'a Layout<'a>,
    users: Vec<UserLine>,
    roles: Vec<(&'static str, String)>,
    agencies: Vec<(String, String)>,
    form: UserForm,
    errors: Vec<FieldError>,
}

#[derive(Deserialize, Default, Clone)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency_id: String,
    #[serde(default)]
    email: String,
    /// "1" once the administrator has confirmed on the confirmation page.
    #[serde(default)]
    confirm: String,
}

/// "Are you sure?" for an administrator's action that changes who may see what: the same form
/// posted again with `confirm=1`.
#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage<'a> {
    l: &'a Layout<'a>,
    title: String,
    message: String,
    /// Said when the account will see personal data: who will be told.
    announce: Option<String>,
    action: String,
    fields: Vec<(&'static str, String)>,
    back: &'static str,
}

async fn users_view(
    state: &AppState,
    l: &Layout<'_>,
    by: AdminActor<'_>,
    form: UserForm,
    errors: Vec<FieldError>,
) -> Response {
    let h = state.haven();
    let (users, agencies, pending) = match (
        h.list_users(by).await,
        h.list_agencies().await,
        h.pending_enrolments(by).await,
    ) {
        (Ok(u), Ok(a), Ok(p)) => (u, a, p),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return fail(l, e),
    };
    let name_of = |id| {
        agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let me = match by {
        AdminActor::Admin(a) => Some(a.principal().user_id),
        AdminActor::Operator => None,
    };
    let lines = users
        .iter()
        .map(|u| UserLine {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str(),
            role_key: role_key(u.role),
            agency: name_of(u.agency_id),
            disabled: u.disabled,
            mfa: u.totp_secret.is_some(),
            enrol_until: pending.iter().find(|(id, _)| *id == u.id).map(|p| p.1),
            own: me == Some(u.id),
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str(), l.t(&role_key(*r))))
        .collect();
    let agency_opts = agencies
        .iter()
        .map(|a| (a.id.to_string(), a.name.clone()))
        .collect();
    let status = crate::pages::form_status(&errors);
    let mut res = render(&UsersPage {
        l,
        users: lines,
        roles,
        agencies: agency_opts,
        form,
        errors,
    });
    *res.status_mut() = status;
    res
}

pub async fn users_page(State(state): State<AppState>, Authed(info, s): Authed) -> Response {
    let l = Layout::new(&state, &info);
    let Some(cap) = s.principal.administer() else {
        return forbidden(&l);
    };
    users_view(
        &state,
        &l,
        AdminActor::Admin(cap),
        UserForm::default(),
        vec![],
    )
    .await
}

/// Who will be told of an account of `role` at `agency`, if anyone.
fn announce_note(l: &Layout<'_>, role: &str, agency: &str) -> Option<String> {
    let role: Role = role.parse().ok()?;
    haven_authz::sees_person_data(role).then(|| {
        l.ta(
            "users-confirm-announce",
            &[("agency", FluentValue::from(agency.to_string()))],
        )
    })
}

/// The enrolment code to hand over, with where and until when to use it.
fn enrolment_notice(
    state: &AppState,
    l: &Layout<'_>,
    key: &str,
    username: &str,
    c: &haven_core::admin::Credential,
) -> String {
    let until = match c {
        haven_core::admin::Credential::Enrolment { expires_at, .. } => l.datetime(expires_at),
        haven_core::admin::Credential::OneTimePassword(_) => String::new(),
    };
    let url = format!(
        "{}/enrol",
        state
            .0
            .cfg
            .public_url
            .as_deref()
            .unwrap_or_default()
            .trim_end_matches('/')
    );
    l.ta(
        key,
        &[
            ("username", FluentValue::from(username.to_string())),
            ("code", FluentValue::from(c.secret().to_string())),
            ("url", FluentValue::from(url)),
            ("until", FluentValue::from(until)),
        ],
    )
}

pub async fn users_create(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Form(f): Form<UserForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    let Some(cap) = s.principal.administer() else {
        return forbidden(&l);
    };
    let h = state.haven();
    if f.confirm != "1" {
        let agency = h
            .find_agency(&f.agency_id)
            .await
            .ok()
            .flatten()
            .map(|a| a.name)
            .unwrap_or_default();
        let role_label = f
            .role
            .parse::<Role>()
            .map(|r| l.t(&role_key(r)))
            .unwrap_or_default();
        return render(&ConfirmPage {
            l: &l,
            title: l.t("users-confirm-title"),
            message: l.ta(
                "users-confirm-create",
                &[
                    (
                        "username",
                        FluentValue::from(f.username.trim().to_lowercase()),
                    ),
                    ("role", FluentValue::from(role_label)),
                    ("agency", FluentValue::from(agency.clone())),
                ],
            ),
            announce: announce_note(&l, &f.role, &agency),
            action: "/admin/users".into(),
            fields: vec![
                ("username", f.username.clone()),
                ("display_name", f.display_name.clone()),
                ("role", f.role.clone()),
                ("agency_id", f.agency_id.clone()),
                ("email", f.email.clone()),
            ],
            back: "/admin/users",
        });
    }
    let new = NewUser {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        agency_id: f.agency_id.clone(),
        password: String::new(),
        email: f.email.clone(),
    };
    match h
        .create_user(AdminActor::Admin(cap), &new, &info.origin)
        .await
    {
        Ok((_, credential)) => {
            let msg = enrolment_notice(
                &state,
                &l,
                "users-created",
                &f.username.trim().to_lowercase(),
                &credential,
            );
            let l = l.with_flash(msg);
            users_view(
                &state,
                &l,
                AdminActor::Admin(cap),
                UserForm::default(),
                vec![],
            )
            .await
        }
        Err(CoreError::Invalid(errors)) => {
            let f = UserForm {
                confirm: String::new(),
                ..f
            };
            users_view(&state, &l, AdminActor::Admin(cap), f, errors).await
        }
        Err(e) => fail(&l, e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UserActionForm {
    confirm: String,
    /// For a role change.
    role: String,
}

pub async fn users_action(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<UserActionForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    let Some(cap) = s.principal.administer() else {
        return forbidden(&l);
    };
    let Ok(id) = id.parse::<UserId>() else {
        return fail(&l, CoreError::NotFound);
    };
    if !["disable", "enable", "reset-password", "role"].contains(&action.as_str()) {
        return fail(&l, CoreError::NotFound);
    }
    let h = state.haven();
    let by = AdminActor::Admin(cap);
    let Some(user) = h.find_user(&id.to_string()).await.ok().flatten() else {
        return fail(&l, CoreError::NotFound);
    };
    if f.confirm != "1" {
        let agency = h
            .find_agency(&user.agency_id.to_string())
            .await
            .ok()
            .flatten()
            .map(|a| a.name)
            .unwrap_or_default();
        let role_label = f
            .role
            .parse::<Role>()
            .map(|r| l.t(&role_key(r)))
            .unwrap_or_default();
        let announce = match action.as_str() {
            "reset-password" => announce_note(&l, user.role.as_str(), &agency),
            "role" => announce_note(&l, &f.role, &agency),
            _ => None,
        };
        return render(&ConfirmPage {
            l: &l,
            title: l.t("users-confirm-title"),
            message: l.ta(
                &format!("users-confirm-{action}"),
                &[
                    ("username", FluentValue::from(user.username.clone())),
                    ("role", FluentValue::from(role_label)),
                ],
            ),
            announce,
            action: format!("/admin/users/{id}/{action}"),
            fields: vec![("role", f.role.clone())],
            back: "/admin/users",
        });
    }
    let result = match action.as_str() {
        "disable" => h
            .set_user_disabled(by, id, true, &info.origin)
            .await
            .map(|_| None),
        "enable" => h
            .set_user_disabled(by, id, false, &info.origin)
            .await
            .map(|_| None),
        "role" => h
            .change_role(by, id, &f.role, &info.origin)
            .await
            .map(|_| None),
        // The second factor stays: removing it (lost phone) is an operator's `--reset-mfa`, so an
        // administrator cannot take over an account that has one.
        _ => h
            .reset_password(by, id, false, &info.origin)
            .await
            .map(Some),
    };
    match result {
        Ok(None) => Redirect::to("/admin/users").into_response(),
        Ok(Some(credential)) => {
            let msg = enrolment_notice(
                &state,
                &l,
                "users-password-reset",
                &user.username,
                &credential,
            );
            let l = l.with_flash(msg);
            users_view(&state, &l, by, UserForm::default(), vec![]).await
        }
        // The refusal's reason (one's own account, an unknown role) on a page of its own.
        Err(e) => fail(&l, e),
    }
}

struct AgencyLine {
    id: haven_domain::AgencyId,
    name: String,
    type_key: String,
    region: Option<String>,
    coordination: bool,
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct AgenciesPage<'a> {
    l: &'a Layout<'a>,
    agencies: Vec<AgencyLine>,
    types: Vec<(&'static str, String)>,
    regions: Vec<(&'static str, String)>,
    form: AgencyForm,
    errors: Vec<FieldError>,
}

#[derive(Deserialize, Default, Clone)]
pub struct AgencyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    agency_type: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    coordination_consent: Option<String>,
}

async fn agencies_view(
    state: &AppState,
    l: &Layout<'_>,
    form: AgencyForm,
    errors: Vec<FieldError>,
) -> Response {
    let list = match state.haven().list_agencies().await {
        Ok(a) => a,
        Err(e) => return fail(l, e),
    };
    let agencies = list
        .into_iter()
        .map(|a| AgencyLine {
            id: a.id,
            name: a.name,
            type_key: format!("agency-type-{}", a.agency_type.as_str()),
            region: a.region,
            coordination: a.coordination_consent,
        })
        .collect();
    let types = AgencyType::ALL
        .iter()
        .map(|t| (t.as_str(), l.t(&format!("agency-type-{}", t.as_str()))))
        .collect();
    let regions = GUYANA_REGIONS
        .iter()
        .map(|r| (r.code, l.region_of(r.code)))
        .collect();
    let status = crate::pages::form_status(&errors);
    let mut res = render(&AgenciesPage {
        l,
        agencies,
        types,
        regions,
        form,
        errors,
    });
    *res.status_mut() = status;
    res
}

pub async fn agencies_page(State(state): State<AppState>, Authed(info, s): Authed) -> Response {
    let l = Layout::new(&state, &info);
    if s.principal.administer().is_none() {
        return forbidden(&l);
    }
    agencies_view(&state, &l, AgencyForm::default(), vec![]).await
}

pub async fn agencies_create(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Form(f): Form<AgencyForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    let Some(cap) = s.principal.administer() else {
        return forbidden(&l);
    };
    let new = NewAgency {
        name: f.name.clone(),
        agency_type: f.agency_type.clone(),
        region: f.region.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        coordination_consent: f.coordination_consent.is_some(),
    };
    match state
        .haven()
        .create_agency(AdminActor::Admin(cap), &new, &info.origin)
        .await
    {
        Ok(_) => {
            let l = l.with_notice("agency-created");
            agencies_view(&state, &l, AgencyForm::default(), vec![]).await
        }
        Err(CoreError::Invalid(errors)) => agencies_view(&state, &l, f, errors).await,
        Err(e) => fail(&l, e),
    }
}

// ---- account ----

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    l: &'a Layout<'a>,
    username: String,
    role_key: String,
    agency: String,
    saved_lang: Option<String>,
    has_mfa: bool,
    sessions: String,
    tokens: Vec<haven_store::tokens::TokenRow>,
    new_token: Option<String>,
    password_error: Option<&'static str>,
    email: String,
    email_error: Option<&'static str>,
}

async fn account_view(
    state: &AppState,
    l: &Layout<'_>,
    s: &haven_core::auth::SessionInfo,
    new_token: Option<String>,
    password_error: Option<&'static str>,
) -> Response {
    let h = state.haven();
    let agency = h
        .find_agency(&s.principal.agency_id.to_string())
        .await
        .ok()
        .flatten()
        .map(|a| a.name)
        .unwrap_or_default();
    let (count, tokens) = match (h.session_count(s).await, h.list_tokens(s).await) {
        (Ok(c), Ok(t)) => (c, t),
        (Err(e), _) | (_, Err(e)) => return fail(l, e),
    };
    let sessions = format!("{count}");
    let email = match h.email_of(s).await {
        Ok(e) => e.unwrap_or_default(),
        Err(e) => return fail(l, e),
    };
    // One error slot for the page: the e-mail's shows in its own section.
    let (email_error, password_error) = match password_error {
        Some("error-email") => (Some("error-email"), None),
        e => (None, e),
    };
    let status = if password_error.is_some() || email_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut res = render(&AccountPage {
        l,
        username: s.username.clone(),
        role_key: role_key(s.principal.role),
        agency,
        saved_lang: s.language.clone(),
        has_mfa: s.has_mfa,
        sessions,
        tokens,
        new_token,
        password_error,
        email,
        email_error,
    });
    *res.status_mut() = status;
    res
}

pub async fn account(State(state): State<AppState>, SignedIn(info, s): SignedIn) -> Response {
    let l = Layout::new(&state, &info);
    let note = s
        .must_change_password
        .then_some("account-password-required");
    account_view(&state, &l, &s, None, note).await
}

pub async fn account_language(
    State(state): State<AppState>,
    SignedIn(info, s): SignedIn,
    Form(f): Form<LangForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    match state.haven().set_language(&s, Lang::parse(&f.lang)).await {
        Ok(()) => Redirect::to("/account").into_response(),
        Err(e) => fail(&l, e),
    }
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

pub async fn account_email(
    State(state): State<AppState>,
    SignedIn(info, s): SignedIn,
    Form(f): Form<EmailForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    match state.haven().set_email(&s, &f.email, &info.origin).await {
        Ok(()) => Redirect::to("/account").into_response(),
        Err(CoreError::Invalid(_)) => account_view(&state, &l, &s, None, Some("error-email")).await,
        Err(e) => fail(&l, e),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

pub async fn account_password(
    State(state): State<AppState>,
    SignedIn(info, s): SignedIn,
    Form(f): Form<PasswordForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    if f.new != f.repeat {
        return account_view(&state, &l, &s, None, Some("account-password-mismatch")).await;
    }
    match state
        .haven()
        .change_password(&s, &f.current, &f.new, &info.origin)
        .await
    {
        Ok(()) => {
            let l = l.with_notice("account-password-changed");
            let mut s = s;
            s.must_change_password = false;
            account_view(&state, &l, &s, None, None).await
        }
        Err(CoreError::Invalid(errs)) => {
            let key = errs.first().map(|e| e.key).unwrap_or("error-form");
            account_view(&state, &l, &s, None, Some(key)).await
        }
        Err(e) => fail(&l, e),
    }
}

pub async fn account_logout_all(
    State(state): State<AppState>,
    SignedIn(info, s): SignedIn,
) -> Response {
    match state.haven().logout_everywhere(&s, &info.origin).await {
        Ok(_) => {
            let mut res = Redirect::to("/login").into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, "", Some(0)),
            );
            res
        }
        Err(e) => fail(&Layout::new(&state, &info), e),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    label: String,
}

pub async fn token_create(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Form(f): Form<TokenForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    match state.haven().create_token(&s, &f.label, &info.origin).await {
        Ok(tok) => account_view(&state, &l, &s, Some(tok), None).await,
        Err(CoreError::Invalid(_)) => {
            account_view(&state, &l, &s, None, Some("error-required")).await
        }
        Err(e) => fail(&l, e),
    }
}

pub async fn token_revoke(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Response {
    let l = Layout::new(&state, &info);
    let Ok(id) = id.parse::<TokenId>() else {
        return fail(&l, CoreError::NotFound);
    };
    match state.haven().revoke_token(&s, id, &info.origin).await {
        Ok(()) => Redirect::to("/account").into_response(),
        Err(e) => fail(&l, e),
    }
}

#[derive(Deserialize)]
pub struct CoordinationForm {
    #[serde(default)]
    consent: String,
}

pub async fn agency_coordination(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    Form(f): Form<CoordinationForm>,
) -> Response {
    let l = Layout::new(&state, &info);
    let Some(cap) = s.principal.administer() else {
        return forbidden(&l);
    };
    let Ok(id) = id.parse::<haven_domain::AgencyId>() else {
        return fail(&l, CoreError::NotFound);
    };
    match state
        .haven()
        .set_agency_coordination(AdminActor::Admin(cap), id, f.consent == "1", &info.origin)
        .await
    {
        Ok(()) => Redirect::to("/admin/agencies").into_response(),
        Err(e) => fail(&l, e),
    }
}
