//! The web shell: server-rendered pages (askama, no JavaScript) and the JSON API (`/api/v1`,
//! OpenAPI 3.1). Handlers translate HTTP into use-case calls of `haven-core`; they hold no SQL.

mod api;
mod api_cases;
mod api_duplicates;
mod api_protection;
mod api_referrals;
mod api_tips;
mod case_pages;
mod ctx;
mod duplicate_pages;
mod extract;
mod forms;
mod layout;
mod notification_pages;
mod pages;
mod protection_pages;
mod referral_pages;
mod screening_pages;
mod security;
mod service_pages;
mod tip_pages;
mod training_pages;

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
}

#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

impl AppState {
    pub fn new(haven: Haven, i18n: I18n, cfg: WebConfig) -> Self {
        AppState(Arc::new(Inner { haven, i18n, cfg }))
    }
    /// Largest upload body: one attachment and the form around it.
    pub(crate) fn upload_limit(&self) -> usize {
        self.0.haven.policy.attachment_max_bytes + 256 * 1024
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
        .route("/", get(pages::home))
        .route("/login", get(pages::login_page).post(pages::login_submit))
        .route("/login/mfa", get(pages::mfa_page).post(pages::mfa_submit))
        .route("/enrol", get(pages::enrol_page).post(pages::enrol_submit))
        .route("/logout", post(pages::logout))
        .route("/language", post(pages::language))
        .route("/dashboard", get(pages::dashboard))
        .route("/cases", get(case_pages::cases_list))
        .route("/cases/search", post(case_pages::cases_search))
        .route(
            "/cases/new",
            get(case_pages::case_new_page).post(case_pages::case_new_submit),
        )
        .route("/cases/{id}", get(case_pages::case_view))
        .route(
            "/cases/{id}/edit",
            get(case_pages::case_edit_page).post(case_pages::case_edit_submit),
        )
        .route("/cases/{id}/close", post(case_pages::case_close))
        .route("/cases/{id}/reopen", post(case_pages::case_reopen))
        .route("/cases/{id}/assign", post(case_pages::case_assign))
        .route("/cases/{id}/transfer", post(case_pages::case_transfer))
        .route("/cases/{id}/notes", post(case_pages::case_note))
        .route("/cases/{id}/consents", post(case_pages::case_consent))
        .route(
            "/cases/{id}/consents/{cid}/withdraw",
            post(case_pages::case_consent_withdraw),
        )
        .route("/cases/{id}/services", post(service_pages::for_case))
        .route(
            "/cases/{id}/referrals",
            get(referral_pages::new_form).post(referral_pages::create),
        )
        .route("/duplicates", get(duplicate_pages::list))
        .route("/duplicates/scan", post(duplicate_pages::scan))
        .route("/duplicates/{id}/{action}", post(duplicate_pages::decide))
        .route("/notifications", get(notification_pages::list))
        .route("/notifications/read", post(notification_pages::read_all))
        .route("/notifications/{id}/open", post(notification_pages::open))
        .route("/cases/{id}/protection", get(protection_pages::view))
        .route(
            "/cases/{id}/protection/{section}",
            post(protection_pages::save),
        )
        .route("/tasks", get(protection_pages::tasks))
        .route("/tasks/{id}/{status}", post(protection_pages::finish_task))
        .route("/referrals", get(referral_pages::list))
        .route("/referrals/{id}", get(referral_pages::view))
        .route("/referrals/{id}/print.pdf", get(referral_pages::print))
        .route("/referrals/{id}/{action}", post(referral_pages::decide))
        .route(
            "/services",
            get(service_pages::list).post(service_pages::search),
        )
        .route("/services.csv", get(service_pages::export))
        .route(
            "/services/new",
            get(service_pages::new_form).post(service_pages::create),
        )
        .route(
            "/services/{id}/edit",
            get(service_pages::edit_form).post(service_pages::update),
        )
        .route("/services/{id}/capacity", post(service_pages::capacity))
        .route("/cases/{id}/events", post(case_pages::case_event_add))
        .route(
            "/cases/{id}/events/{eid}/delete",
            post(case_pages::case_event_delete),
        )
        .route(
            "/cases/{id}/perpetrators",
            post(case_pages::case_perpetrator_add),
        )
        .route(
            "/cases/{id}/perpetrators/{pid}/delete",
            post(case_pages::case_perpetrator_delete),
        )
        .route(
            "/cases/{id}/attachments",
            post(case_pages::case_attachment_add),
        )
        .route(
            "/cases/{id}/attachments/{aid}",
            get(case_pages::case_attachment_get),
        )
        .route(
            "/cases/{id}/attachments/{aid}/delete",
            post(case_pages::case_attachment_delete),
        )
        .route("/cases/{id}/history", get(case_pages::case_history))
        .route(
            "/cases/{id}/subject-access",
            get(case_pages::case_subject_access),
        )
        .route("/transfers", get(case_pages::transfers_page))
        .route(
            "/transfers/{tid}/{decision}",
            post(case_pages::transfer_decide),
        )
        .route("/screenings/new", get(screening_pages::new_screening))
        .route("/screenings", post(screening_pages::create_screening))
        .route("/screenings/{id}", get(screening_pages::view_screening))
        .route(
            "/screenings/{id}/matches",
            post(screening_pages::screening_matches),
        )
        .route(
            "/screenings/{id}/link",
            post(screening_pages::screening_link),
        )
        .route(
            "/screenings/{id}/draft",
            post(screening_pages::screening_draft),
        )
        .route(
            "/report",
            get(tip_pages::public_form).post(tip_pages::public_submit),
        )
        .route(
            "/tips",
            get(tip_pages::queue).post(tip_pages::hotline_submit),
        )
        .route("/tips/new", get(tip_pages::hotline_form))
        .route("/tips/{id}", get(tip_pages::view))
        .route("/tips/{id}/{action}", post(tip_pages::triage))
        .route("/training", get(training_pages::list))
        .route(
            "/training/new",
            get(training_pages::new_form).post(training_pages::create),
        )
        .route("/training/report", get(training_pages::report))
        .route("/training/report.xlsx", get(training_pages::report_xlsx))
        .route("/training/report.pdf", get(training_pages::report_pdf))
        .route("/training/materials/{mid}", get(training_pages::material))
        .route(
            "/training/participants/{pid}",
            get(training_pages::participant).post(training_pages::participant_update),
        )
        .route("/training/{id}", get(training_pages::view))
        .route(
            "/training/{id}/edit",
            get(training_pages::edit_form).post(training_pages::update),
        )
        .route(
            "/training/{id}/participants",
            post(training_pages::add_participant),
        )
        .route(
            "/training/{id}/participants/{pid}/remove",
            post(training_pages::remove_participant),
        )
        .route(
            "/training/{id}/register",
            post(training_pages::save_register),
        )
        .route(
            "/training/{id}/import",
            get(training_pages::import_form).post(training_pages::import_preview),
        )
        .route(
            "/training/{id}/import/confirm",
            post(training_pages::import_confirm),
        )
        .route(
            "/training/{id}/certificates",
            post(training_pages::issue_certificates),
        )
        .route(
            "/training/{id}/certificates/{pid}",
            get(training_pages::certificate),
        )
        .route(
            "/training/{id}/materials",
            post(training_pages::add_material),
        )
        .route("/verify", get(training_pages::verify_form))
        .route("/verify/{code}", get(training_pages::verify_code))
        .route("/stats", get(pages::stats))
        .route(
            "/stats/releases",
            get(pages::release_page).post(pages::release_submit),
        )
        .route("/audit", get(pages::audit))
        .route("/audit/export.csv", get(pages::audit_export))
        .route(
            "/admin/users",
            get(pages::users_page).post(pages::users_create),
        )
        .route("/admin/users/{id}/{action}", post(pages::users_action))
        .route(
            "/admin/agencies",
            get(pages::agencies_page).post(pages::agencies_create),
        )
        .route(
            "/admin/agencies/{id}/coordination",
            post(pages::agency_coordination),
        )
        .route("/account", get(pages::account))
        .route("/account/language", post(pages::account_language))
        .route("/account/password", post(pages::account_password))
        .route("/account/email", post(pages::account_email))
        .route("/account/logout-all", post(pages::account_logout_all))
        .route(
            "/account/mfa",
            get(pages::mfa_enrol_page).post(pages::mfa_enrol_submit),
        )
        .route("/account/tokens", post(pages::token_create))
        .route("/account/tokens/{id}/revoke", post(pages::token_revoke))
        .route("/static/haven.css", get(pages::stylesheet))
        // Unknown addresses get the translated "not found" page (the fallback is added before the
        // context layer so that layer wraps it too).
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::load,
        ));
    Router::new()
        .merge(pages)
        .nest("/api/v1", api::router())
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(pages::readyz))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        // Forms and JSON are limited to BODY_LIMIT by the page middleware and the API router;
        // only uploads may reach the larger limit.
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(upload_limit))
        // Outermost, so that the body limit's and the router's own answers are shaped too.
        .layer(axum::middleware::from_fn(api::problems_only))
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
                rest = &rest[i + marker.len()..];
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
        for (name, src) in [
            ("pages.rs", include_str!("pages.rs")),
            ("layout.rs", include_str!("layout.rs")),
            ("case_pages.rs", include_str!("case_pages.rs")),
            ("forms.rs", include_str!("forms.rs")),
            // Validation messages returned by the domain and the use-cases.
            ("record.rs", include_str!("../../domain/src/record.rs")),
            ("cases.rs", include_str!("../../core/src/cases/mod.rs")),
            (
                "casework.rs",
                include_str!("../../core/src/cases/casework.rs"),
            ),
            (
                "transfers.rs",
                include_str!("../../core/src/cases/transfers.rs"),
            ),
            ("people.rs", include_str!("../../core/src/cases/people.rs")),
            ("files.rs", include_str!("../../core/src/cases/files.rs")),
            ("tip_pages.rs", include_str!("tip_pages.rs")),
            ("screening_pages.rs", include_str!("screening_pages.rs")),
            ("tips.rs", include_str!("../../core/src/tips/mod.rs")),
            (
                "screening.rs",
                include_str!("../../core/src/screening/mod.rs"),
            ),
            ("training_pages.rs", include_str!("training_pages.rs")),
            (
                "training.rs",
                include_str!("../../core/src/training/mod.rs"),
            ),
            ("import.rs", include_str!("../../training/src/import.rs")),
            ("training lib.rs", include_str!("../../training/src/lib.rs")),
            ("service_pages.rs", include_str!("service_pages.rs")),
            (
                "consents.rs",
                include_str!("../../core/src/referrals/consents.rs"),
            ),
            ("consent.rs", include_str!("../../domain/src/consent.rs")),
            ("referral_pages.rs", include_str!("referral_pages.rs")),
            (
                "referrals.rs",
                include_str!("../../core/src/referrals/mod.rs"),
            ),
            (
                "notification_pages.rs",
                include_str!("notification_pages.rs"),
            ),
            (
                "notifications.rs",
                include_str!("../../core/src/platform/notifications.rs"),
            ),
            (
                "accounts.rs",
                include_str!("../../core/src/accounts/mod.rs"),
            ),
            (
                "protection.rs",
                include_str!("../../core/src/protection/mod.rs"),
            ),
            ("protection_pages.rs", include_str!("protection_pages.rs")),
            ("admin.rs", include_str!("../../core/src/accounts/admin.rs")),
            (
                "release.rs",
                include_str!("../../core/src/statistics/release.rs"),
            ),
            ("core lib.rs", include_str!("../../core/src/lib.rs")),
            ("duplicate_pages.rs", include_str!("duplicate_pages.rs")),
            (
                "duplicates.rs",
                include_str!("../../core/src/duplicates/mod.rs"),
            ),
        ] {
            sources.push((name.to_string(), src.to_string()));
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
            ["create", "disable", "enable", "reset-password", "role"]
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
        // Every field a form or an error may name.
        for (_, specs) in crate::forms::SECTIONS {
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
                    "referral_answer",
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
