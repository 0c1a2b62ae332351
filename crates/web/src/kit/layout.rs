//! What every page's frame needs: translations, the navigation the role allows, the CSRF token.
use fluent_bundle::FluentValue;
use haven_core::FieldError;
use haven_domain::{CaseStatus, GUYANA_REGIONS, Role};
use haven_i18n::{I18n, Lang};

use crate::AppState;
use haven_core::Origin;
use haven_core::auth::SessionInfo;

/// What a request carries once the context middleware has looked it up: the session, the
/// CSRF token, the language, the origin, the unread count.
#[derive(Clone, Debug)]
pub(crate) struct ReqInfo {
    pub session: Option<SessionInfo>,
    pub csrf: String,
    pub lang: Lang,
    pub origin: Origin,
    /// Unread notifications of the signed-in user (shown in the navigation of pages).
    pub unread: i64,
    /// The path and query of a page asked for by GET (empty otherwise).
    pub page: String,
}

pub(crate) struct NavUser {
    pub display_name: String,
    pub role_key: String,
}

pub(crate) struct Layout<'a> {
    i18n: &'a I18n,
    pub lang: Lang,
    pub csrf: String,
    pub user: Option<NavUser>,
    pub can_cases: bool,
    pub can_new_case: bool,
    pub can_transfers: bool,
    pub can_stats: bool,
    pub can_audit: bool,
    pub can_admin: bool,
    pub can_training: bool,
    pub can_training_report: bool,
    pub can_referrals: bool,
    pub can_duplicates: bool,
    /// Importing cases from a file (coordinator, case workers).
    pub can_import: bool,
    /// Follow-up tasks (staff who follow cases).
    pub can_tasks: bool,
    /// Unread notifications (0 when none or not signed in).
    pub unread: i64,
    pub flash: Option<String>,
    /// Where the language switch comes back to.
    pub page: String,
    /// A page for the public (`/report`, `/verify`): no staff footer.
    pub public: bool,
}

pub(crate) fn role_key(role: Role) -> String {
    format!("role-{}", role.as_str())
}

impl<'a> Layout<'a> {
    pub(crate) fn new(state: &'a AppState, info: &ReqInfo) -> Self {
        // Navigation only for sessions that have passed every sign-in step.
        let ready = info.session.as_ref().filter(|s| !s.mfa_pending);
        let p = ready.map(|s| &s.principal);
        Layout {
            i18n: state.i18n(),
            lang: info.lang,
            csrf: info.csrf.clone(),
            user: ready.map(|s| NavUser {
                display_name: s.display_name.clone(),
                role_key: role_key(s.principal.role),
            }),
            can_cases: p.is_some_and(|p| p.case_list().is_some()),
            can_new_case: p.is_some_and(|p| p.case_create().is_some()),
            can_transfers: p.is_some_and(|p| p.may_accept_transfers()),
            can_stats: p.is_some_and(|p| p.aggregates_read().is_some()),
            can_audit: p.is_some_and(|p| p.audit_read().is_some()),
            can_admin: p.is_some_and(|p| p.administer().is_some()),
            can_training: p.is_some_and(|p| p.training_manage().is_some()),
            can_training_report: p.is_some_and(|p| p.training_reports()),
            can_referrals: p.is_some_and(|p| p.referral_work()),
            can_duplicates: p.is_some_and(|p| p.duplicate_review().is_some()),
            can_import: p.is_some_and(|p| p.case_import().is_some()),
            can_tasks: p.is_some_and(|p| p.has_tasks()),
            unread: info.unread,
            flash: None,
            page: info.page.clone(),
            public: false,
        }
    }

    /// Only the words of a language: for documents the API makes (a certificate, a report).
    pub(crate) fn for_language(state: &'a AppState, lang: Lang) -> Self {
        let info = ReqInfo {
            session: None,
            csrf: String::new(),
            lang,
            origin: Default::default(),
            unread: 0,
            page: String::new(),
        };
        Layout::new(state, &info)
    }

    /// For a page the public reads: without what is said to staff.
    pub(crate) fn for_public(mut self) -> Self {
        self.public = true;
        self
    }

    pub(crate) fn with_flash(mut self, msg: String) -> Self {
        self.flash = Some(msg);
        self
    }

    /// Adds a notice translated from `key`.
    pub(crate) fn with_notice(self, key: &str) -> Self {
        let msg = self.t(key);
        self.with_flash(msg)
    }

    pub(crate) fn t(&self, key: &str) -> String {
        self.i18n.t(self.lang, key)
    }

    pub(crate) fn ta(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.i18n.t_args(self.lang, key, args)
    }

    pub(crate) fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub(crate) fn languages(&self) -> Vec<(&'static str, &'static str)> {
        Lang::ALL
            .iter()
            .map(|l| (l.code(), l.native_name()))
            .collect()
    }

    /// String equality for templates, whatever the reference depth of each side.
    pub(crate) fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }

    pub(crate) fn same_opt(&self, a: &str, b: &Option<String>) -> bool {
        b.as_deref() == Some(a)
    }

    pub(crate) fn is_lang(&self, code: &str) -> bool {
        code == self.lang.code()
    }

    pub(crate) fn status(&self, s: &CaseStatus) -> String {
        self.t(&format!("code-cas_Status-{}", s.as_str()))
    }

    pub(crate) fn region(&self, code: &Option<String>) -> String {
        self.region_opt(code.as_deref())
    }

    pub(crate) fn region_of(&self, code: &str) -> String {
        self.region_opt(Some(code))
    }

    fn region_opt(&self, code: Option<&str>) -> String {
        match code {
            None => "—".into(),
            Some(c) => GUYANA_REGIONS
                .iter()
                .find(|r| r.code == c)
                .map(|r| format!("{} ({})", r.name, r.number))
                .unwrap_or_else(|| c.to_string()),
        }
    }

    /// A calendar day, ISO 8601 (unambiguous in every language).
    pub(crate) fn date_of(&self, d: &time::Date) -> String {
        d.to_string()
    }

    /// A span of days in words, as a certificate or a workshop page says it: "9–10 July 2026",
    /// "30 June – 2 July 2026", "9 July 2026" (one day).
    pub(crate) fn date_range(&self, first: &time::Date, last: &time::Date) -> String {
        let s = |v: String| FluentValue::from(v);
        let month = |d: &time::Date| self.t(&format!("month-{}", d.month() as u8));
        let full = |d: &time::Date| {
            self.ta(
                "date-full",
                &[
                    ("day", s(d.day().to_string())),
                    ("month", s(month(d))),
                    ("year", s(d.year().to_string())),
                ],
            )
        };
        if first == last {
            full(first)
        } else if first.year() == last.year() && first.month() == last.month() {
            self.ta(
                "date-range-month",
                &[
                    ("from", s(first.day().to_string())),
                    ("to", s(last.day().to_string())),
                    ("month", s(month(last))),
                    ("year", s(last.year().to_string())),
                ],
            )
        } else if first.year() == last.year() {
            self.ta(
                "date-range-year",
                &[
                    ("from", s(first.day().to_string())),
                    ("frommonth", s(month(first))),
                    ("to", s(last.day().to_string())),
                    ("tomonth", s(month(last))),
                    ("year", s(last.year().to_string())),
                ],
            )
        } else {
            format!("{} – {}", full(first), full(last))
        }
    }

    /// As [`Layout::date_range`], with the number of days it holds: "9–10 July 2026 (2 days)".
    pub(crate) fn date_range_days(
        &self,
        first: &time::Date,
        last: &time::Date,
        days: usize,
    ) -> String {
        format!(
            "{} ({})",
            self.date_range(first, last),
            self.ta("date-days", &[("count", FluentValue::from(days))])
        )
    }

    pub(crate) fn date(&self, ts: &i64) -> String {
        time::OffsetDateTime::from_unix_timestamp(*ts)
            .map(|t| format!("{:04}-{:02}-{:02}", t.year(), t.month() as u8, t.day()))
            .unwrap_or_default()
    }

    pub(crate) fn datetime(&self, ts: &i64) -> String {
        time::OffsetDateTime::from_unix_timestamp(*ts)
            .map(|t| {
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                    t.year(),
                    t.month() as u8,
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                )
            })
            .unwrap_or_default()
    }

    /// A role's label from its stored code, or the code if it is no role.
    pub(crate) fn role_of(&self, code: &Option<String>) -> String {
        match code.as_deref().map(|c| c.parse::<Role>()) {
            Some(Ok(r)) => self.t(&role_key(r)),
            Some(Err(_)) => code.clone().unwrap_or_default(),
            None => String::new(),
        }
    }

    /// A language's name in the reader's language, from its ISO 639 code (the code itself if
    /// unknown): "Spanish", never "spa".
    pub(crate) fn language(&self, code: &str) -> String {
        haven_domain::reference::language(code)
            .map(|x| x.name(self.lang_code()).to_string())
            .unwrap_or_else(|| code.to_string())
    }

    /// Every language's name in the reader's language, sorted: the choices of a language field
    /// (the name is what is typed or picked; the server stores the code).
    pub(crate) fn language_names(&self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = haven_domain::reference::LANGUAGES
            .iter()
            .map(|x| x.name(self.lang_code()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Several countries' names, comma-separated (the code itself if unknown).
    pub(crate) fn countries_of(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|c| {
                haven_domain::reference::country(c)
                    .map_or_else(|| c.clone(), |x| x.name(self.lang_code()).to_string())
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Several languages' names, comma-separated.
    pub(crate) fn languages_of(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|c| self.language(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An audit event's outcome (`ok`, `denied`, …) in words, or the code.
    pub(crate) fn outcome(&self, code: &str) -> String {
        self.t_or_code("audit-outcome-", code)
    }

    /// The kind of record an audit event is about (`case`, `user`, …) in words, or the code.
    pub(crate) fn record_kind(&self, code: &str) -> String {
        self.t_or_code("audit-kind-", code)
    }

    fn t_or_code(&self, prefix: &str, code: &str) -> String {
        let t = self.t(&format!("{prefix}{}", code.replace(['.', '_'], "-")));
        if t.starts_with('[') {
            code.to_string()
        } else {
            t
        }
    }

    /// An audit action's label (`case.viewed` → message `action-case-viewed`), or the code.
    pub(crate) fn action(&self, code: &str) -> String {
        let key = format!("action-{}", code.replace(['.', '_'], "-"));
        let t = self.t(&key);
        if t.starts_with('[') {
            code.to_string()
        } else {
            t
        }
    }

    pub(crate) fn field_error(&self, errors: &[FieldError], name: &str) -> Option<&'static str> {
        errors.iter().find(|e| e.field == name).map(|e| e.key)
    }
}
