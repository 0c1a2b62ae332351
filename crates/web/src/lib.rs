//! The web shell: server-rendered pages (askama, no JavaScript) and the JSON API (`/api/v1`,
//! OpenAPI 3.1). Handlers translate HTTP into use-case calls of `haven-core`; they hold no SQL.

// One folder per feature (pages and API handlers side by side); `kit` holds what they share.
mod accounts;
mod api;
mod audit;
mod cases;
mod dashboard;
mod duplicates;
mod exports;
mod imports;
mod kit;
mod openrosa;
mod protection;
mod referrals;
mod screening;
mod site;
mod statistics;
mod tips;
mod training;

use kit::{ctx, extract, layout, security};

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use haven_core::Haven;
use haven_i18n::I18n;

pub use api::openapi_json;

/// Settings of the web layer.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Served over TLS: cookies get `Secure`, responses get HSTS.
    pub tls: bool,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address in the audit trail.
    /// A trusted proxy is assumed to terminate TLS: cookies get `Secure`, responses HSTS.
    pub trust_proxy: bool,
    /// The address the public reaches Haven at (e.g. `https://haven.example.gov.gy`), printed on
    /// certificates for their verification.
    pub public_url: Option<String>,
    /// API requests per minute per token, counted by this server (0: no limit).
    pub api_requests_per_minute: u32,
}

impl WebConfig {
    /// Whether browsers reach Haven over HTTPS (directly, or through the trusted proxy).
    pub fn https(&self) -> bool {
        self.tls || self.trust_proxy
    }
}

pub(crate) struct Inner {
    pub haven: Haven,
    pub i18n: I18n,
    pub cfg: WebConfig,
    pub limiter: kit::ratelimit::TokenLimiter,
    /// The XForms served to phones: they depend only on the indicator set and the
    /// translations, both fixed at start, so they are made once, on first use.
    pub forms: std::sync::OnceLock<Vec<openrosa::forms::Form>>,
}

#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

impl AppState {
    pub fn new(haven: Haven, i18n: I18n, cfg: WebConfig) -> Self {
        let limiter = kit::ratelimit::TokenLimiter::new(cfg.api_requests_per_minute);
        AppState(Arc::new(Inner {
            haven,
            i18n,
            cfg,
            limiter,
            forms: std::sync::OnceLock::new(),
        }))
    }
    /// Largest upload body: one attachment, or one case file to import, and the form around it.
    pub(crate) fn upload_limit(&self) -> usize {
        let p = &self.0.haven.policy;
        p.attachment_max_bytes.max(p.import_max_bytes) + 256 * 1024
    }

    pub(crate) fn haven(&self) -> &Haven {
        &self.0.haven
    }
    pub(crate) fn i18n(&self) -> &I18n {
        &self.0.i18n
    }
}

/// Largest request body accepted (forms and JSON); attachments will get their own limit.
pub(crate) const BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let upload_limit = state.upload_limit();
    let pages = Router::new()
        .route("/", get(site::home))
        .route(
            "/login",
            get(accounts::signin::login_page).post(accounts::signin::login_submit),
        )
        .route(
            "/login/mfa",
            get(accounts::signin::mfa_page).post(accounts::signin::mfa_submit),
        )
        .route(
            "/enrol",
            get(accounts::signin::enrol_page).post(accounts::signin::enrol_submit),
        )
        .route("/logout", post(accounts::signin::logout))
        .route("/language", post(accounts::signin::language))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/cases", get(cases::pages::cases_list))
        .route("/cases/search", post(cases::pages::cases_search))
        .route(
            "/cases/new",
            get(cases::pages::case_new_page).post(cases::pages::case_new_submit),
        )
        .route("/cases/{id}", get(cases::pages::case_view))
        .route(
            "/cases/{id}/edit",
            get(cases::pages::case_edit_page).post(cases::pages::case_edit_submit),
        )
        .route("/cases/{id}/close", post(cases::pages::case_close))
        .route("/cases/{id}/reopen", post(cases::pages::case_reopen))
        .route("/cases/{id}/assign", post(cases::pages::case_assign))
        .route("/cases/{id}/transfer", post(cases::pages::case_transfer))
        .route("/cases/{id}/notes", post(cases::pages::case_note))
        .route("/cases/{id}/consents", post(cases::pages::case_consent))
        .route(
            "/cases/{id}/consents/{cid}/withdraw",
            post(cases::pages::case_consent_withdraw),
        )
        .route("/cases/{id}/services", post(referrals::services::for_case))
        .route(
            "/cases/{id}/referrals",
            get(referrals::pages::new_form).post(referrals::pages::create),
        )
        .route("/duplicates", get(duplicates::pages::list))
        .route("/duplicates/scan", post(duplicates::pages::scan))
        .route("/duplicates/{id}/{action}", post(duplicates::pages::decide))
        .route("/notifications", get(referrals::notifications::list))
        .route(
            "/notifications/read",
            post(referrals::notifications::read_all),
        )
        .route(
            "/notifications/{id}/open",
            post(referrals::notifications::open),
        )
        .route("/cases/{id}/protection", get(protection::pages::view))
        .route(
            "/cases/{id}/protection/{section}",
            post(protection::pages::save),
        )
        .route("/tasks", get(protection::pages::tasks))
        .route("/tasks/{id}/{status}", post(protection::pages::finish_task))
        .route("/referrals", get(referrals::pages::list))
        .route("/referrals/{id}", get(referrals::pages::view))
        .route("/referrals/{id}/print.pdf", get(referrals::pages::print))
        .route("/referrals/{id}/{action}", post(referrals::pages::decide))
        .route(
            "/services",
            get(referrals::services::list).post(referrals::services::search),
        )
        .route("/services.csv", get(referrals::services::export))
        .route(
            "/services/new",
            get(referrals::services::new_form).post(referrals::services::create),
        )
        .route(
            "/services/{id}/edit",
            get(referrals::services::edit_form).post(referrals::services::update),
        )
        .route(
            "/services/{id}/capacity",
            post(referrals::services::capacity),
        )
        .route("/cases/{id}/events", post(cases::pages::case_event_add))
        .route(
            "/cases/{id}/events/{eid}/delete",
            post(cases::pages::case_event_delete),
        )
        .route(
            "/cases/{id}/perpetrators",
            post(cases::pages::case_perpetrator_add),
        )
        .route(
            "/cases/{id}/perpetrators/{pid}/delete",
            post(cases::pages::case_perpetrator_delete),
        )
        .route(
            "/cases/{id}/attachments",
            post(cases::pages::case_attachment_add),
        )
        .route(
            "/cases/{id}/attachments/{aid}",
            get(cases::pages::case_attachment_get),
        )
        .route(
            "/cases/{id}/attachments/{aid}/delete",
            post(cases::pages::case_attachment_delete),
        )
        .route("/cases/{id}/history", get(cases::pages::case_history))
        .route(
            "/cases/{id}/subject-access",
            get(cases::pages::case_subject_access),
        )
        .route(
            "/cases/export",
            get(exports::pages::form).post(exports::pages::export),
        )
        .route("/cases/export/policy", post(exports::pages::policy))
        .route(
            "/imports",
            get(imports::pages::list).post(imports::pages::upload),
        )
        .route("/imports/{id}", get(imports::pages::view))
        .route("/imports/{id}/commit", post(imports::pages::commit))
        .route("/imports/{id}/mapping", post(imports::pages::remap))
        .route(
            "/imports/{id}/mapping.json",
            get(imports::pages::mapping_file),
        )
        .route("/imports/{id}/errors", get(imports::pages::errors_file))
        .route("/transfers", get(cases::pages::transfers_page))
        .route(
            "/transfers/{tid}/{decision}",
            post(cases::pages::transfer_decide),
        )
        .route("/screenings/new", get(screening::pages::new_screening))
        .route("/screenings", post(screening::pages::create_screening))
        .route("/screenings/{id}", get(screening::pages::view_screening))
        .route(
            "/screenings/{id}/matches",
            post(screening::pages::screening_matches),
        )
        .route(
            "/screenings/{id}/link",
            post(screening::pages::screening_link),
        )
        .route(
            "/screenings/{id}/draft",
            post(screening::pages::screening_draft),
        )
        .route(
            "/report",
            get(tips::pages::public_form).post(tips::pages::public_submit),
        )
        .route(
            "/tips",
            get(tips::pages::queue).post(tips::pages::hotline_submit),
        )
        .route("/tips/new", get(tips::pages::hotline_form))
        .route("/tips/{id}", get(tips::pages::view))
        .route("/tips/{id}/{action}", post(tips::pages::triage))
        .route("/training", get(training::pages::list))
        .route(
            "/training/new",
            get(training::pages::new_form).post(training::pages::create),
        )
        .route("/training/report", get(training::pages::report))
        .route("/training/report.xlsx", get(training::pages::report_xlsx))
        .route("/training/report.pdf", get(training::pages::report_pdf))
        .route("/training/materials/{mid}", get(training::pages::material))
        .route(
            "/training/participants/{pid}",
            get(training::pages::participant).post(training::pages::participant_update),
        )
        .route("/training/{id}", get(training::pages::view))
        .route(
            "/training/{id}/edit",
            get(training::pages::edit_form).post(training::pages::update),
        )
        .route(
            "/training/{id}/participants",
            post(training::pages::add_participant),
        )
        .route(
            "/training/{id}/participants/{pid}/remove",
            post(training::pages::remove_participant),
        )
        .route(
            "/training/{id}/register",
            post(training::pages::save_register),
        )
        .route(
            "/training/{id}/import",
            get(training::pages::import_form).post(training::pages::import_preview),
        )
        .route(
            "/training/{id}/import/confirm",
            post(training::pages::import_confirm),
        )
        .route(
            "/training/{id}/certificates",
            post(training::pages::issue_certificates),
        )
        .route(
            "/training/{id}/certificates/{pid}",
            get(training::pages::certificate),
        )
        .route(
            "/training/{id}/materials",
            post(training::pages::add_material),
        )
        .route("/verify", get(training::pages::verify_form))
        .route("/verify/{code}", get(training::pages::verify_code))
        .route("/stats", get(statistics::pages::stats))
        .route(
            "/stats/releases",
            get(statistics::pages::release_page).post(statistics::pages::release_submit),
        )
        .route("/audit", get(audit::pages::audit))
        .route("/audit/export.csv", get(audit::pages::audit_export))
        .route(
            "/admin/users",
            get(accounts::admin::users_page).post(accounts::admin::users_create),
        )
        .route(
            "/admin/users/{id}/{action}",
            post(accounts::admin::users_action),
        )
        .route(
            "/admin/agencies",
            get(accounts::admin::agencies_page).post(accounts::admin::agencies_create),
        )
        .route(
            "/admin/agencies/{id}/edit",
            get(accounts::admin::agency_edit_page).post(accounts::admin::agency_edit),
        )
        .route(
            "/admin/agencies/{id}/coordination",
            post(accounts::account::agency_coordination),
        )
        .route("/account", get(accounts::account::account))
        .route(
            "/account/language",
            post(accounts::account::account_language),
        )
        .route(
            "/account/password",
            post(accounts::account::account_password),
        )
        .route("/account/email", post(accounts::account::account_email))
        .route(
            "/account/logout-all",
            post(accounts::account::account_logout_all),
        )
        .route(
            "/account/mfa",
            get(accounts::signin::mfa_enrol_page).post(accounts::signin::mfa_enrol_submit),
        )
        .route("/account/tokens", post(accounts::account::token_create))
        .route(
            "/account/tokens/{id}/revoke",
            post(accounts::account::token_revoke),
        )
        .route(
            "/account/phones",
            get(accounts::devices::list).post(accounts::devices::add),
        )
        .route(
            "/account/phones/{id}/revoke",
            post(accounts::devices::revoke),
        )
        .route("/static/haven.css", get(site::stylesheet))
        // Unknown addresses get the translated "not found" page (the fallback is added before the
        // context layer so that layer wraps it too).
        .fallback(site::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::load,
        ));
    Router::new()
        .merge(pages)
        .nest("/api/v1", api::router(state.clone()))
        .nest("/openrosa", openrosa::router(state.clone()))
        .route("/healthz", get(site::healthz))
        .route("/readyz", get(site::readyz))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        // Forms and JSON are limited to BODY_LIMIT by the page middleware and the API router;
        // only uploads may reach the larger limit.
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(upload_limit))
        // Outermost, so that the body limit's and the router's own answers are shaped too.
        .layer(axum::middleware::from_fn(kit::problem::problems_only))
        .with_state(state)
}

/// Serves until `shutdown` resolves. The listener may be bound to port 0 (tests).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves over TLS with rustls, for deployments without a reverse proxy.
pub async fn serve_tls(
    listener: std::net::TcpListener,
    state: AppState,
    cert: &std::path::Path,
    key: &std::path::Path,
) -> std::io::Result<()> {
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum_server::from_tcp_rustls(listener, config)?
        .serve(app)
        .await
}

#[cfg(test)]
mod i18n_keys {
    //! Every message key used by a template or a handler exists in every language.
    use haven_domain::{AgencyType, CaseStatus, ExploitationType, Role};
    use haven_i18n::{I18n, Lang};

    /// String literals passed to `t(`, `ta(`, `with_notice(`, `error_page(...)` and the like.
    fn keys_in(source: &str) -> Vec<String> {
        let mut out = Vec::new();
        for marker in [
            "t(\"",
            "ta(\"",
            "with_notice(\"",
            "Some(\"",
            "\"error-",
            "then_some(\"",
        ] {
            let mut rest = source;
            while let Some(i) = rest.find(marker) {
                // `t(` must be the call, not the end of a longer name (`insert("x-y")`).
                let glued = rest[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
                rest = &rest[i + marker.len()..];
                if glued && marker.chars().next().is_some_and(char::is_alphanumeric) {
                    continue;
                }
                let key: String = rest.chars().take_while(|c| *c != '"').collect();
                let key = if marker == "\"error-" {
                    format!("error-{key}")
                } else {
                    key
                };
                if !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
                    && key.contains('-')
                    && !key.ends_with('-')
                {
                    out.push(key);
                }
            }
        }
        out
    }

    #[test]
    fn every_used_key_exists_in_every_language() {
        let i18n = I18n::load().unwrap();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut sources: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        // Every Rust source of the crates that choose message keys: web, core (the demo's
        // story aside), training, and the domain's record and consent rules.
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut dirs: Vec<std::path::PathBuf> = ["web/src", "core/src", "training/src"]
            .iter()
            .map(|d| std::path::Path::new(root).join(d))
            .collect();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("demo.rs")
                {
                    let src = std::fs::read_to_string(&path).unwrap();
                    sources.push((path.display().to_string(), src));
                }
            }
        }
        for f in ["domain/src/record.rs", "domain/src/consent.rs"] {
            let path = std::path::Path::new(root).join(f);
            sources.push((f.to_string(), std::fs::read_to_string(path).unwrap()));
        }
        let mut checked = 0;
        for (file, src) in &sources {
            for key in keys_in(src) {
                for lang in Lang::ALL {
                    assert!(
                        i18n.has(lang, &key),
                        "{file} uses {key:?}, missing in {}",
                        lang.code()
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 100, "the scan found the keys ({checked})");
        // Keys built at run time from codes.
        let mut dynamic: Vec<String> = Vec::new();
        dynamic.extend(Role::ALL.iter().map(|r| format!("role-{}", r.as_str())));
        dynamic.extend(
            haven_core::cases::ACCESS_KINDS
                .iter()
                .map(|k| format!("access-{}", k.replace('_', "-"))),
        );
        dynamic.extend(
            [
                "create",
                "disable",
                "enable",
                "reset-password",
                "role",
                "agency",
            ]
            .iter()
            .map(|a| format!("users-confirm-{a}")),
        );
        dynamic.extend(
            Role::ALL
                .iter()
                .map(|r| format!("dashboard-role-{}", r.as_str().replace('_', "-")))
                .filter(|k| i18n.has(Lang::En, k)),
        );
        dynamic.extend(
            CaseStatus::ALL
                .iter()
                .map(|s| format!("code-cas_Status-{}", s.as_str())),
        );
        dynamic.extend(
            haven_audit::Action::ALL
                .iter()
                .map(|a| format!("action-{}", a.as_str().replace(['.', '_'], "-"))),
        );
        dynamic.extend(
            [
                "send", "accept", "decline", "start", "complete", "revoke", "redirect",
            ]
            .iter()
            .map(|m| format!("referral-done-{m}")),
        );
        dynamic.extend((1..=12).map(|m| format!("month-{m}")));
        dynamic.extend(
            ["assign", "link", "close"]
                .iter()
                .map(|a| format!("tip-done-{a}")),
        );
        dynamic.extend(
            haven_audit::ActionGroup::ALL
                .iter()
                .map(|g| format!("audit-group-{}", g.as_str())),
        );
        // Every field a form or an error may name.
        for (_, specs) in crate::cases::forms::SECTIONS {
            for spec in *specs {
                dynamic.push(format!("field-{}", spec.name));
                dynamic.push(format!("field-{}-help", spec.name));
            }
        }
        dynamic.extend(
            AgencyType::ALL
                .iter()
                .map(|t| format!("agency-type-{}", t.as_str())),
        );
        dynamic.extend(
            ExploitationType::ALL
                .iter()
                .map(|x| format!("code-vic_TypeOfExploitation-{}", x.as_str())),
        );
        for (field, levels) in haven_matching::compare::FIELDS
            .iter()
            .zip(haven_matching::compare::LEVELS)
        {
            let f = field.replace('_', "-");
            dynamic.push(format!("match-field-{f}"));
            dynamic.extend((0..*levels).map(|l| format!("match-level-{f}-{l}")));
        }
        dynamic.extend(
            haven_core::notifications::KINDS
                .iter()
                .map(|k| format!("notification-{}", k.replace('_', "-"))),
        );
        use haven_core::tips;
        for (prefix, codes) in [
            ("tip-suspected", tips::SUSPECTED),
            ("tip-caller", tips::CALLERS),
            ("tip-reason", tips::CLOSE_REASONS),
            ("tip-status", tips::STATUSES),
            ("tip-status", &["open", "all"]),
            ("tip-channel", &["web", "hotline"]),
            // Every field a tip form or a triage error may name.
            (
                "tip-field",
                &[
                    "what",
                    "region",
                    "place",
                    "when",
                    "suspected",
                    "contact",
                    "caller",
                    "language",
                    "minutes",
                    "call_note",
                    "user",
                    "case",
                    "reason",
                    "note",
                    "status",
                ],
            ),
        ] {
            dynamic.extend(codes.iter().map(|c| format!("{prefix}-{c}")));
        }
        for (prefix, codes) in [
            ("service-type", haven_core::consents::SERVICE_TYPES),
            ("risk-area", haven_domain::protection::RISK_AREAS),
            ("risk-kind", haven_domain::protection::ASSESSMENT_KINDS),
            ("code-hvn_RiskLevel", haven_domain::protection::RISK_LEVELS),
            ("task-kind", haven_domain::protection::TASK_KINDS),
            ("task-status", haven_domain::protection::TASK_STATUSES),
            ("plan-status", haven_domain::protection::PLAN_STATUSES),
            ("goal-status", haven_domain::protection::GOAL_STATUSES),
            ("cooperation", haven_domain::protection::COOPERATION),
            ("compensation", haven_domain::protection::COMPENSATION),
            (
                "case-service-status",
                &["requested", "in_progress", "delivered", "not_delivered"],
            ),
            ("referral-urgency", haven_domain::referral::URGENCIES),
            ("referral-section", haven_domain::referral::SECTIONS),
            (
                "referral-status",
                &[
                    "draft",
                    "sent",
                    "accepted",
                    "declined",
                    "in_progress",
                    "completed",
                    "revoked",
                    "redirected",
                ],
            ),
            (
                "field",
                &[
                    "referral_agency",
                    "referral_user",
                    "referral_services",
                    "referral_urgency",
                    "referral_sections",
                    "referral_reason",
                    "referral_justification",
                    "referral_outcome",
                    "referral_decline_reason",
                    "referral_revoke_reason",
                    "consent",
                    "status",
                ],
            ),
            ("consent-purpose", haven_domain::consent::PURPOSES),
            ("consent-by", haven_domain::consent::GIVEN_BY),
            ("consent-form", haven_domain::consent::FORMS),
            // Every field a consent or service form or error may name.
            (
                "field",
                &[
                    "consent_purpose",
                    "consent_agency",
                    "consent_given_by",
                    "consent_guardian",
                    "consent_form",
                    "consent_given_on",
                    "consent_expires_on",
                    "consent_note",
                    "consent_reason",
                    "service_agency",
                    "service_type",
                    "service_name",
                    "service_description",
                    "service_hours",
                    "service_emergency_line",
                    "service_genders",
                    "service_exploitation",
                    "service_regions",
                    "service_nationalities",
                    "service_languages",
                    "service_age_min",
                    "service_age_max",
                    "service_capacity_total",
                    "service_capacity_free",
                    "service_active",
                ],
            ),
            ("training-topic", haven_training::TOPICS),
            ("training-format", haven_training::FORMATS),
            ("training-sex", haven_training::SEXES),
            (
                "training-report-by",
                &["organisation", "sector", "sex", "region", "quarter"],
            ),
            // Every field a training form, an import row or an error may name.
            (
                "training-field",
                &[
                    "title",
                    "topics",
                    "first_day",
                    "last_day",
                    "region",
                    "place",
                    "format",
                    "language",
                    "trainers",
                    "organiser",
                    "funder",
                    "grant_ref",
                    "capacity",
                    "pass_mark",
                    "min_attendance",
                    "questionnaire",
                    "first_name",
                    "family_name",
                    "sex",
                    "agency_id",
                    "organisation",
                    "position",
                    "contact",
                    "username",
                    "phone",
                    "email",
                    "file",
                    "days",
                    "pre_score",
                    "post_score",
                    "from",
                    "to",
                ],
            ),
        ] {
            dynamic.extend(codes.iter().map(|c| format!("{prefix}-{c}")));
        }
        for key in dynamic {
            for lang in Lang::ALL {
                assert!(i18n.has(lang, &key), "{key} missing in {}", lang.code());
            }
        }
        // Every validation message a use-case may return.
        for key in [
            "error-required",
            "error-too-long",
            "error-too-short",
            "error-bad-characters",
            "error-unknown-code",
            "error-duplicate",
            "error-password-too-short",
            "error-password-too-long",
            "error-password-common",
            "error-password-username",
            "account-password-wrong",
        ] {
            assert!(
                i18n.has(Lang::En, key) && i18n.has(Lang::Fr, key) && i18n.has(Lang::Es, key),
                "{key}"
            );
        }
    }
}
