//! Case pages: list and search, registration (with drafts), the case page with its sections,
//! edit with conflict detection, close/reopen, assign, transfer, notes, route, perpetrators,
//! attachments, history and the subject access report. Each handler calls one use-case.
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use haven_core::CoreError;
use haven_core::cases::{CaseDoc, CasePage, CaseSearch, ChangeView};
use haven_core::casework::CaseParts;
use haven_core::people::SubjectAccessReport;
use haven_domain::record::{CaseRecord, EventData, FieldError, PerpetratorData};
use haven_domain::reference;
use haven_domain::{AgencyId, CaseId, CaseStatus, ExploitationType, GUYANA_REGIONS, UserId};
use serde::Deserialize;

use crate::AppState;
use crate::cases::forms::{CaseForm, code_label, country_name, options};
use crate::ctx::{Authed, ReqInfo};
use crate::extract::{HtmlForm, PageCase};
use crate::kit::page::{PageError, allowed, download, render, render_with};
use crate::layout::Layout;
use haven_core::auth::SessionInfo;

// ---- list and search ----

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage<'a> {
    l: &'a Layout<'a>,
    search: CaseSearch,
    statuses: Vec<(&'static str, String)>,
    exploitation: Vec<(&'static str, String)>,
    regions: Vec<(&'static str, String)>,
    agencies: Vec<(String, String)>,
    page: CasePage,
    count_text: String,
    page_text: String,
    error: Option<String>,
}

async fn cases_page(
    state: &AppState,
    info: &ReqInfo,
    s: &SessionInfo,
    search: CaseSearch,
) -> Result<Response, PageError> {
    let l = Layout::new(state, info);
    let cap = s.principal.case_list().ok_or_else(PageError::forbidden)?;
    let statuses = CaseStatus::ALL
        .iter()
        .map(|st| (st.as_str(), l.status(st)))
        .collect();
    let exploitation = ExploitationType::ALL
        .iter()
        .map(|x| {
            (
                x.as_str(),
                code_label(&l, &reference::VIC_TYPE_OF_EXPLOITATION, x.as_str()),
            )
        })
        .collect();
    let regions = GUYANA_REGIONS
        .iter()
        .map(|r| (r.code, l.region_of(r.code)))
        .collect();
    let agencies = state.haven().agency_names().await?.into_iter();
    let agencies = agencies.map(|(id, n)| (id.to_string(), n)).collect();
    let (page, error, status) = match state.haven().list_cases(cap, &search, &info.origin).await {
        Ok(p) => (p, None, StatusCode::OK),
        Err(CoreError::Invalid(errs)) => {
            let msg = errs
                .first()
                .map(|e| {
                    format!(
                        "{}: {}",
                        crate::cases::forms::field_label(&l, e.field),
                        l.t(e.key)
                    )
                })
                .unwrap_or_default();
            (
                CasePage {
                    items: vec![],
                    total: 0,
                    more: false,
                    page: 1,
                    pages: 1,
                    next_cursor: None,
                },
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => return Err(e.into()),
    };
    let count_key = if page.more {
        "cases-count-more"
    } else {
        "cases-count"
    };
    let count_text = l.ta(count_key, &[("count", FluentValue::from(page.total))]);
    let page_text = l.ta(
        "page-of",
        &[
            ("page", FluentValue::from(page.page)),
            ("pages", FluentValue::from(page.pages)),
        ],
    );
    let view = CasesPage {
        l: &l,
        search,
        statuses,
        exploitation,
        regions,
        agencies,
        page,
        count_text,
        page_text,
        error,
    };
    Ok(render_with(status, &view))
}

/// Read leniently: an address edited by hand (`?page=two`, `?high_risk=1`) gives the list, not
/// an untranslated "bad request".
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PageQuery {
    page: String,
    /// The dashboard's link: open cases at high or critical risk (no personal data, so it may
    /// be in the address).
    high_risk: String,
}

pub(crate) async fn cases_list(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let search = CaseSearch {
        page: q.page.trim().parse().unwrap_or(1),
        high_risk: matches!(q.high_risk.trim(), "true" | "1" | "on" | "yes"),
        ..Default::default()
    };
    cases_page(&state, &info, &s, search).await
}

/// Searches are posted, so that names typed never appear in an address or a server log.
pub(crate) async fn cases_search(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(f): HtmlForm<CaseSearch>,
) -> Result<Response, PageError> {
    cases_page(&state, &info, &s, f).await
}

// ---- the record form (new and edit) ----

#[derive(Template)]
#[template(path = "case_form.html")]
struct CaseFormPage<'a> {
    l: &'a Layout<'a>,
    title: String,
    intro: String,
    action: String,
    submit: String,
    version: Option<i64>,
    draft: Option<String>,
    may_draft: bool,
    has_errors: bool,
    conflicts: Vec<String>,
    notice: Option<String>,
    sections: Vec<crate::cases::forms::SectionView>,
    doc_types: Vec<(&'static str, String)>,
    countries: Vec<(&'static str, &'static str)>,
    languages: Vec<(&'static str, &'static str)>,
    drafts: Vec<(String, String)>,
    matches: Option<haven_core::duplicates::MatchReport>,
}

impl CaseFormPage<'_> {
    fn percent(&self, p: &f64) -> String {
        format!("{:.0} %", p * 100.0)
    }

    /// "first name: exact; birth date: same day" from a match's reasons.
    fn reasons(&self, r: &[haven_core::duplicates::Reason]) -> String {
        crate::duplicates::pages::reasons_text(self.l, r)
    }

    /// On a draft, the required fields still empty, as (field, label): what stands between the
    /// draft and a case. A birth date is not missing when an assessed age stands for it.
    fn missing_required(&self) -> Vec<(&'static str, String)> {
        if self.draft.is_none() || self.has_errors {
            return vec![];
        }
        let fields = || self.sections.iter().flat_map(|s| s.fields.iter());
        let filled = |f: &crate::cases::forms::FieldView| {
            !f.value.trim().is_empty()
                || f.values.iter().any(|v| !v.trim().is_empty())
                || f.options
                    .iter()
                    .any(|(code, _, on)| *on && !code.is_empty())
        };
        let aged = fields().any(|f| f.name == "assessed_age" && filled(f));
        fields()
            .filter(|f| f.required && !filled(f) && !(f.name == "birth_date" && aged))
            .map(|f| (f.name, f.label.clone()))
            .collect()
    }

    fn elsewhere(&self, agency: &str) -> String {
        self.l.ta(
            "match-elsewhere",
            &[("agency", FluentValue::from(agency.to_string()))],
        )
    }
}

#[derive(Default)]
struct FormState {
    record: CaseRecord,
    errors: Vec<FieldError>,
    conflicts: Vec<String>,
    notice: Option<String>,
    version: Option<i64>,
    draft: Option<String>,
    /// Possible existing records, shown before a registration is saved.
    matches: Option<haven_core::duplicates::MatchReport>,
}

fn form_page(
    l: &Layout<'_>,
    case: Option<(CaseId, &str)>,
    st: FormState,
    drafts: Vec<(String, String)>,
) -> Response {
    let (title, intro, action, submit) = match case {
        None => (
            l.t("case-new-title"),
            l.t("case-new-help"),
            "/cases/new".to_string(),
            l.t("case-new-submit"),
        ),
        Some((id, number)) => (
            l.ta(
                "case-edit-title",
                &[("number", FluentValue::from(number.to_string()))],
            ),
            l.t("case-edit-help"),
            format!("/cases/{id}/edit"),
            l.t("case-edit-submit"),
        ),
    };
    let status = if !st.conflicts.is_empty() {
        StatusCode::CONFLICT
    } else if st.errors.is_empty() || st.notice.is_some() {
        // A saved or resumed draft may still have problems to show: it was saved all the same.
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = CaseFormPage {
        l,
        title,
        intro,
        action,
        submit,
        version: st.version,
        draft: st.draft,
        may_draft: case.is_none(),
        has_errors: !st.errors.is_empty(),
        conflicts: st.conflicts,
        notice: st.notice,
        sections: crate::cases::forms::sections(l, &st.record, &st.errors),
        doc_types: options(l, &reference::HVN_IDENTITY_DOCUMENT_TYPE),
        countries: crate::cases::forms::country_list(l),
        languages: crate::cases::forms::language_list(l),
        drafts,
        matches: st.matches,
    };
    render_with(status, &page)
}

#[derive(Deserialize, Default)]
pub(crate) struct NewQuery {
    #[serde(default)]
    draft: Option<String>,
}

async fn draft_links(
    state: &AppState,
    l: &Layout<'_>,
    s: &SessionInfo,
    origin: &haven_core::Origin,
) -> Vec<(String, String)> {
    let Some(cap) = s.principal.case_create() else {
        return vec![];
    };
    let all = haven_core::support::cursor::PageRequest::all();
    match state.haven().list_drafts(cap, &all, origin).await {
        Ok((d, _)) => d
            .into_iter()
            .map(|d| {
                let name = d.record.person.full_name();
                let label = l.ta(
                    "drafts-item",
                    &[
                        (
                            "name",
                            FluentValue::from(if name.is_empty() {
                                "—".to_string()
                            } else {
                                name
                            }),
                        ),
                        ("date", FluentValue::from(l.datetime(&d.updated_at))),
                    ],
                );
                (d.id, label)
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "listing drafts failed");
            vec![]
        }
    }
}

pub(crate) async fn case_new_page(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.case_create().ok_or_else(PageError::forbidden)?;
    let mut st = FormState::default();
    if let Some(d) = q.draft.as_deref().filter(|d| !d.is_empty()) {
        let v = state.haven().open_draft(cap, d, &info.origin).await?;
        st.record = v.record;
        st.errors = v.problems;
        st.draft = Some(v.id);
        st.notice = Some(l.t("drafts-resumed"));
    } else {
        // A new form starts from today's date of referral and the user's region is unknown.
        st.record.victim.trafficking_status = "PossibleVictimOfTrafficking".into();
    }
    let drafts = draft_links(&state, &l, &s, &info.origin).await;
    Ok(form_page(&l, None, st, drafts))
}

pub(crate) async fn case_new_submit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(form): HtmlForm<CaseForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s.principal.case_create().ok_or_else(PageError::forbidden)?;
    let (mut record, parse_errors) = form.to_record();
    let draft = Some(form.draft.clone()).filter(|d| !d.is_empty());
    if form.action == "draft" {
        return match state
            .haven()
            .save_draft(cap, draft.as_deref(), record.clone(), &info.origin)
            .await
        {
            Ok(id) => {
                let problems = record.normalise_draft(state.haven().today());
                let drafts = draft_links(&state, &l, &s, &info.origin).await;
                Ok(form_page(
                    &l,
                    None,
                    FormState {
                        record,
                        errors: parse_errors.into_iter().chain(problems).collect(),
                        notice: Some(l.ta(
                            "drafts-saved",
                            &[(
                                "days",
                                FluentValue::from(state.haven().policy.draft_max_age_secs / 86_400),
                            )],
                        )),
                        draft: Some(id),
                        ..Default::default()
                    },
                    drafts,
                ))
            }
            Err(CoreError::Invalid(errors)) => Ok(form_page(
                &l,
                None,
                FormState {
                    record,
                    errors,
                    draft,
                    ..Default::default()
                },
                vec![],
            )),
            Err(e) => Err(e.into()),
        };
    }
    if !parse_errors.is_empty() {
        let mut errors = parse_errors;
        if let Err(more) = record.clone().normalise(state.haven().today()) {
            errors.extend(more);
        }
        let st = FormState {
            record,
            errors,
            draft,
            ..Default::default()
        };
        return Ok(form_page(&l, None, st, vec![]));
    }
    // Before saving: possible existing records of this person (once; the form then carries
    // `matches_checked` and saves).
    if form.matches_checked != "1" {
        let who = haven_core::duplicates::TypedPerson {
            first_name: format!("{} {}", record.person.first_name, record.person.middle_name),
            family_name: record.person.second_name.clone(),
            birth_date: record.person.birth_date.clone(),
            sex: record.person.gender.clone(),
        };
        match state
            .haven()
            .possible_matches(&s.principal, &who, "case_registration", &info.origin)
            .await
        {
            Ok(report) if !report.is_empty() => {
                let st = FormState {
                    record,
                    draft,
                    matches: Some(report),
                    ..Default::default()
                };
                return Ok(form_page(&l, None, st, vec![]));
            }
            Ok(_) => {}
            // Too many checks this hour: nothing is saved, nothing typed is lost.
            Err(haven_core::CoreError::MatchChecksLimited) => {
                let st = FormState {
                    record,
                    notice: Some(l.t("match-rate-limited-form")),
                    draft,
                    ..Default::default()
                };
                return Ok(form_page(&l, None, st, vec![]));
            }
            Err(e) => return Err(e.into()),
        }
    }
    match state
        .haven()
        .create_case(cap, record.clone(), draft.as_deref(), &info.origin)
        .await
    {
        Ok((id, _)) => Ok(Redirect::to(&format!("/cases/{id}?done=created")).into_response()),
        Err(CoreError::Invalid(errors)) => {
            record.normalise_draft(state.haven().today());
            let st = FormState {
                record,
                errors,
                draft,
                ..Default::default()
            };
            Ok(form_page(&l, None, st, vec![]))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn case_edit_page(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    match state
        .haven()
        .open_case(&s.principal, id, &info.origin)
        .await?
    {
        doc if !doc.may_edit => Err(PageError::forbidden()),
        doc if !doc.may_change => Err(PageError::new(StatusCode::CONFLICT, "error-case-closed")),
        doc => Ok(form_page(
            &l,
            Some((id, &doc.case_number)),
            FormState {
                record: doc.record,
                version: Some(doc.version),
                ..Default::default()
            },
            vec![],
        )),
    }
}

/// The conflict message: who changed which field, when (and to what, when allowed).
fn conflict_lines(l: &Layout<'_>, changes: &[ChangeView]) -> Vec<String> {
    let mut lines: Vec<String> = changes
        .iter()
        .map(|c| {
            let who = c.user_name.clone().unwrap_or_else(|| "—".into());
            let value = c
                .new_value
                .as_deref()
                .map(|v| crate::cases::forms::history_value(l, &c.field, v))
                .unwrap_or_else(|| "—".into());
            l.ta(
                "conflict-line",
                &[
                    (
                        "field",
                        FluentValue::from(crate::cases::forms::field_label(l, &c.field)),
                    ),
                    ("who", FluentValue::from(who)),
                    ("when", FluentValue::from(l.datetime(&c.at))),
                    ("value", FluentValue::from(value)),
                ],
            )
        })
        .collect();
    if lines.is_empty() {
        lines.push(l.t("conflict-unknown"));
    }
    lines
}

pub(crate) async fn case_edit_submit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    HtmlForm(form): HtmlForm<CaseForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let (mut record, parse_errors) = form.to_record();
    let version = form
        .version
        .ok_or_else(|| CoreError::invalid("version", "error-form"))?;
    let number = || async {
        state
            .haven()
            .case_number(&s.principal, id)
            .await
            .unwrap_or_default()
    };
    if !parse_errors.is_empty() {
        let mut errors = parse_errors;
        if let Err(more) = record.clone().normalise(state.haven().today()) {
            errors.extend(more);
        }
        let n = number().await;
        let st = FormState {
            record,
            errors,
            version: Some(version),
            ..Default::default()
        };
        return Ok(form_page(&l, Some((id, &n)), st, vec![]));
    }
    match state
        .haven()
        .update_case(&s.principal, id, version, record.clone(), &info.origin)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}?done=saved")).into_response()),
        Err(CoreError::Invalid(errors)) => {
            record.normalise_draft(state.haven().today());
            let n = number().await;
            let st = FormState {
                record,
                errors,
                version: Some(version),
                ..Default::default()
            };
            Ok(form_page(&l, Some((id, &n)), st, vec![]))
        }
        Err(CoreError::Conflict(changes)) => {
            // Nothing is lost: the form keeps what this user typed, shows what changed meanwhile,
            // and now carries the current version, so saving again is a deliberate choice.
            let current = changes.iter().map(|c| c.version).max().unwrap_or(version);
            let n = number().await;
            let st = FormState {
                record,
                conflicts: conflict_lines(&l, &changes),
                version: Some(current),
                ..Default::default()
            };
            Ok(form_page(&l, Some((id, &n)), st, vec![]))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the case page ----

#[derive(Template)]
#[template(path = "case.html")]
struct CasePageT<'a> {
    l: &'a Layout<'a>,
    title: String,
    notice: Option<String>,
    error: Option<String>,
    c: CaseDoc,
    parts: CaseParts,
    risk: String,
    closure: Option<String>,
    transfer: Option<String>,
    closable: bool,
    sections: Vec<(String, Vec<(String, String)>)>,
    victim_title: String,
    /// (id, type, dates, place, description)
    events: Vec<(String, String, String, String, String)>,
    /// (id, name or "unknown", roles/relation/nationality, details)
    perpetrators: Vec<(String, String, String, String)>,
    closure_reasons: Vec<(&'static str, String)>,
    assignees: Vec<(String, String, bool)>,
    agencies: Vec<(String, String)>,
    event_types: Vec<(&'static str, String)>,
    roles: Vec<(&'static str, String)>,
    relations: Vec<(&'static str, String)>,
    countries: Vec<(&'static str, &'static str)>,
    upload_limit: String,
    /// Every agency, for the consent form.
    consent_agencies: Vec<(String, String)>,
    service_types: Vec<(&'static str, String)>,
    /// The consent form as last sent, when it was refused: shown open, with what was typed
    /// and each error beside its field.
    consent_kept: haven_core::consents::ConsentInput,
    consent_errors: Vec<FieldError>,
    /// Another of the page's forms as last sent, when it was refused: shown open, as typed.
    kept: Kept,
}

/// A refused form of the case page and what was typed in it, so a person fixes the one field
/// at fault rather than typing everything again.
#[derive(Default)]
pub(crate) struct Kept {
    form: &'static str,
    values: Vec<(&'static str, String)>,
}

impl Kept {
    fn new(form: &'static str, values: Vec<(&'static str, String)>) -> Kept {
        Kept { form, values }
    }
}

/// What the case page shows again after a refused change.
#[derive(Default)]
enum Refused {
    #[default]
    Nothing,
    /// The consent form, each error beside its field.
    Consent(haven_core::consents::ConsentInput, Vec<FieldError>),
    /// Another form, open, as typed (its errors are in the page's alert).
    Form(Kept),
}

impl CasePageT<'_> {
    /// Whether `form` was refused and so is shown open.
    fn open(&self, form: &str) -> bool {
        self.kept.form == form
    }

    /// What was sent in `field` of `form`, if that form was refused (several for a list).
    fn sent<'s>(&'s self, form: &str, field: &'s str) -> impl Iterator<Item = &'s str> + 's {
        let refused = self.kept.form == form;
        self.kept
            .values
            .iter()
            .filter(move |(f, _)| refused && *f == field)
            .map(|(_, v)| v.as_str())
    }

    /// What was typed in `field` of `form`, if that form was refused.
    fn kept<'s>(&'s self, form: &str, field: &'s str) -> &'s str {
        self.sent(form, field).next().unwrap_or("")
    }

    /// Whether `value` was chosen in `field` of the refused `form`.
    fn chosen(&self, form: &str, field: &str, value: &str) -> bool {
        self.sent(form, field).any(|v| v == value)
    }

    /// The consent form's error for `field`, if it was refused for it.
    fn consent_error(&self, field: &str) -> Option<String> {
        self.consent_errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| self.l.t(e.key))
    }

    /// "Field: message" for the error summary.
    fn consent_summary(&self, e: &FieldError) -> String {
        format!(
            "{}: {}",
            crate::cases::forms::field_label(self.l, e.field),
            self.l.t(e.key)
        )
    }

    /// One line of "who can see this case and why", translated by the path's kind.
    fn access_line(&self, a: &haven_core::cases::AccessPath) -> String {
        self.l.ta(
            &format!("access-{}", a.kind.replace('_', "-")),
            &[("who", FluentValue::from(a.who.clone()))],
        )
    }
}

/// Notices after a successful change (post/redirect/get), by a fixed key.
fn done_notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => "notice-case-created",
        "saved" => "notice-case-saved",
        "closed" => "notice-case-closed",
        "reopened" => "notice-case-reopened",
        "assigned" => "notice-case-assigned",
        "transfer" => "notice-transfer-requested",
        "note" => "notice-note-added",
        "event" => "notice-event-saved",
        "perpetrator" => "notice-perpetrator-saved",
        "attachment" => "notice-attachment-added",
        "deleted" => "notice-deleted",
        "consent" => "notice-consent-recorded",
        "withdrawn" => "notice-consent-withdrawn",
        _ => return None,
    })
}

async fn case_page(
    state: &AppState,
    info: &ReqInfo,
    s: &SessionInfo,
    id: CaseId,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    case_page_with(state, info, s, id, notice, error, Refused::Nothing).await
}

/// The case page, with the consent form as it was refused (if it was).
async fn case_page_with(
    state: &AppState,
    info: &ReqInfo,
    s: &SessionInfo,
    id: CaseId,
    notice: Option<String>,
    error: Option<String>,
    refused: Refused,
) -> Result<Response, PageError> {
    let (consent, kept) = match refused {
        Refused::Nothing => (None, Kept::default()),
        Refused::Consent(input, errors) => (Some((input, errors)), Kept::default()),
        Refused::Form(kept) => (None, kept),
    };
    let l = Layout::new(state, info);
    let h = state.haven();
    let p = &s.principal;
    let c = h.open_case(p, id, &info.origin).await?;
    let parts = c.parts.clone();
    let transfer = c.pending_transfer.as_ref().map(|t| {
        l.ta(
            if t.status == "awaiting_approval" {
                "transfer-awaiting-approval"
            } else {
                "transfer-pending"
            },
            &[("agency", FluentValue::from(t.to_agency_name.clone()))],
        )
    });
    // One notice about a pending transfer: its own line says what happens next, so the
    // "requested" flash would only repeat (or, awaiting approval, contradict) it.
    let notice = notice.filter(|n| transfer.is_none() || *n != l.t("notice-transfer-requested"));
    let assignees = if c.may_assign {
        h.assignable_users(c.owner_agency_id)
            .await?
            .into_iter()
            .map(|(uid, name)| (uid.to_string(), name, Some(uid) == c.assigned_user_id))
            .collect()
    } else {
        vec![]
    };
    let agencies = if c.may_transfer {
        h.agency_names()
            .await?
            .into_iter()
            .filter(|(aid, _)| *aid != c.owner_agency_id)
            .map(|(aid, n)| (aid.to_string(), n))
            .collect()
    } else {
        vec![]
    };
    let events = parts
        .events
        .iter()
        .map(|e| {
            let d = &e.data;
            let dates = match (d.start_date.as_str(), d.end_date.as_str()) {
                ("", "") => "—".to_string(),
                (a, "") => a.to_string(),
                ("", b) => format!("… – {b}"),
                (a, b) => format!("{a} – {b}"),
            };
            let region = if d.country == haven_domain::record::HOME_COUNTRY {
                if d.region.is_empty() {
                    String::new()
                } else {
                    l.region_of(&d.region)
                }
            } else {
                d.region.clone()
            };
            let place = [d.place.clone(), region, country_name(&l, &d.country)]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            (
                e.id.clone(),
                code_label(&l, &reference::HTE_TYPE, &d.event_type),
                dates,
                place,
                d.description.clone(),
            )
        })
        .collect();
    let perpetrators = parts
        .perpetrators
        .iter()
        .map(|x| {
            let d = &x.data;
            let name = if d.name.is_empty() {
                l.t("perpetrator-unnamed")
            } else {
                d.name.clone()
            };
            let mut facts: Vec<String> = d
                .roles
                .iter()
                .map(|r| code_label(&l, &reference::PER_ROLE_IN_PROCESS, r))
                .collect();
            if !d.relation.is_empty() {
                facts.push(code_label(
                    &l,
                    &reference::VIC_RELATIONSHIP_TO_TRAFFICKER,
                    &d.relation,
                ));
            }
            if !d.nationality.is_empty() {
                facts.push(country_name(&l, &d.nationality));
            }
            (x.id.clone(), name, facts.join(", "), d.details.clone())
        })
        .collect();
    let closure = c.closure_reason.as_deref().map(|r| {
        let label = code_label(&l, &reference::HVN_CLOSURE_REASON, r);
        match &c.closure_note {
            Some(n) => format!("{label} — {n}"),
            None => label,
        }
    });
    let consent_agencies = if c.may_edit {
        h.agency_names()
            .await?
            .into_iter()
            .map(|(aid, n)| (aid.to_string(), n))
            .collect()
    } else {
        vec![]
    };
    let page = CasePageT {
        consent_agencies,
        service_types: haven_core::consents::SERVICE_TYPES
            .iter()
            .map(|t| (*t, l.t(&format!("service-type-{t}"))))
            .collect(),
        title: l.ta(
            "case-title",
            &[("number", FluentValue::from(c.case_number.clone()))],
        ),
        notice,
        error,
        risk: code_label(&l, &reference::HVN_RISK_LEVEL, &c.record.case.risk_level),
        closure,
        transfer,
        closable: haven_domain::record::may_close(c.status),
        sections: crate::cases::forms::display(&l, &c.record),
        victim_title: l.t("section-victim"),
        events,
        perpetrators,
        closure_reasons: options(&l, &reference::HVN_CLOSURE_REASON),
        assignees,
        agencies,
        event_types: options(&l, &reference::HTE_TYPE),
        roles: options(&l, &reference::PER_ROLE_IN_PROCESS),
        relations: options(&l, &reference::VIC_RELATIONSHIP_TO_TRAFFICKER),
        countries: crate::cases::forms::country_list(&l),
        upload_limit: l.ta(
            "attachments-limit",
            &[(
                "size",
                FluentValue::from((h.policy.attachment_max_bytes / (1024 * 1024)) as i64),
            )],
        ),
        c,
        parts,
        l: &l,
        consent_kept: consent.as_ref().map(|c| c.0.clone()).unwrap_or_default(),
        consent_errors: consent.map(|c| c.1).unwrap_or_default(),
        kept,
    };
    let status = if page.error.is_some() || !page.consent_errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_with(status, &page))
}

#[derive(Deserialize, Default)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub(crate) async fn case_view(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let notice = q.done.as_deref().and_then(done_notice).map(|k| l.t(k));
    case_page(&state, &info, &s, id, notice, None).await
}

/// After a change: back to the case page with a notice, or the page again with the error.
async fn after<T>(
    state: &AppState,
    info: &ReqInfo,
    s: &SessionInfo,
    id: CaseId,
    result: Result<T, CoreError>,
    done: &str,
) -> Result<Response, PageError> {
    after_keeping(state, info, s, id, result, done, Kept::default()).await
}

/// As [`after`], and a refused form comes back open with what was typed in it.
async fn after_keeping<T>(
    state: &AppState,
    info: &ReqInfo,
    s: &SessionInfo,
    id: CaseId,
    result: Result<T, CoreError>,
    done: &str,
    kept: Kept,
) -> Result<Response, PageError> {
    let l = Layout::new(state, info);
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}?done={done}")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let msg = errs
                .iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        crate::cases::forms::field_label(&l, e.field),
                        l.t(e.key)
                    )
                })
                .collect::<Vec<_>>()
                .join(" · ");
            case_page_with(state, info, s, id, None, Some(msg), Refused::Form(kept)).await
        }
        Err(e @ CoreError::File(_)) => {
            let msg = l.t(e.user_key());
            case_page_with(state, info, s, id, None, Some(msg), Refused::Form(kept)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CloseForm {
    reason: String,
    note: String,
    referred: Option<String>,
}

pub(crate) async fn case_close(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    HtmlForm(f): HtmlForm<CloseForm>,
) -> Result<Response, PageError> {
    let r = state
        .haven()
        .close_case(
            &s.principal,
            id,
            &f.reason,
            &f.note,
            f.referred.is_some(),
            &info.origin,
        )
        .await;
    let kept = Kept::new(
        "close",
        vec![
            ("reason", f.reason),
            ("note", f.note),
            ("referred", f.referred.unwrap_or_default()),
        ],
    );
    after_keeping(&state, &info, &s, id, r, "closed", kept).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReasonForm {
    reason: String,
}

pub(crate) async fn case_reopen(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    HtmlForm(f): HtmlForm<ReasonForm>,
) -> Result<Response, PageError> {
    let r = state
        .haven()
        .reopen_case(&s.principal, id, &f.reason, &info.origin)
        .await;
    let kept = Kept::new("reopen", vec![("reason", f.reason)]);
    after_keeping(&state, &info, &s, id, r, "reopened", kept).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AssignForm {
    user: String,
}

pub(crate) async fn case_assign(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    HtmlForm(f): HtmlForm<AssignForm>,
) -> Result<Response, PageError> {
    let user = match f.user.trim() {
        "" => None,
        u => match u.parse::<UserId>() {
            Ok(u) => Some(u),
            Err(_) => {
                let r: Result<(), _> = Err(CoreError::invalid("assigned_user", "error-assignee"));
                return after(&state, &info, &s, id, r, "assigned").await;
            }
        },
    };
    let r = state
        .haven()
        .assign_case(&s.principal, id, user, &info.origin)
        .await;
    after(&state, &info, &s, id, r, "assigned").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TransferForm {
    to_agency: String,
    reason: String,
}

pub(crate) async fn case_transfer(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    HtmlForm(f): HtmlForm<TransferForm>,
) -> Result<Response, PageError> {
    let r = match f.to_agency.parse::<AgencyId>() {
        Ok(to) => {
            state
                .haven()
                .request_transfer(&s.principal, id, to, &f.reason, &info.origin)
                .await
        }
        Err(_) => Err(CoreError::invalid("to_agency", "error-required")),
    };
    let kept = Kept::new(
        "transfer",
        vec![("to_agency", f.to_agency), ("reason", f.reason)],
    );
    after_keeping(&state, &info, &s, id, r, "transfer", kept).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NoteForm {
    body: String,
}

pub(crate) async fn case_consent(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    HtmlForm(f): HtmlForm<haven_core::consents::ConsentInput>,
) -> Result<Response, PageError> {
    let r = state
        .haven()
        .record_consent(&s.principal, id, &f, &info.origin)
        .await;
    match r {
        // Refused: the form again, open, as typed, each error beside its field.
        Err(CoreError::Invalid(errors)) => {
            case_page_with(
                &state,
                &info,
                &s,
                id,
                None,
                None,
                Refused::Consent(f, errors),
            )
            .await
        }
        r => after(&state, &info, &s, id, r, "consent").await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct WithdrawForm {
    reason: String,
    /// "1" once the user has said yes on the confirmation page.
    confirm: String,
}

pub(crate) async fn case_consent_withdraw(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, cid): PageCase,
    HtmlForm(f): HtmlForm<WithdrawForm>,
) -> Result<Response, PageError> {
    // A withdrawal cannot be undone (a new consent can be recorded): asked once more.
    if f.confirm != "1" {
        state
            .haven()
            .check_consent_withdrawal(&s.principal, id, &cid, &info.origin)
            .await?;
        let l = Layout::new(&state, &info);
        return Ok(render(&crate::kit::confirm::ConfirmPage {
            l: &l,
            title: l.t("consent-withdraw-confirm-title"),
            message: l.t("consent-withdraw-confirm"),
            announce: None,
            action: format!("/cases/{id}/consents/{cid}/withdraw"),
            fields: vec![("reason", f.reason.clone())],
            back: format!("/cases/{id}#consents"),
        }));
    }
    let r = state
        .haven()
        .withdraw_consent(&s.principal, id, &cid, &f.reason, &info.origin)
        .await;
    after(&state, &info, &s, id, r, "withdrawn").await
}

pub(crate) async fn case_note(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    HtmlForm(f): HtmlForm<NoteForm>,
) -> Result<Response, PageError> {
    let r = state
        .haven()
        .add_note(&s.principal, id, &f.body, &info.origin)
        .await;
    let kept = Kept::new("note", vec![("body", f.body)]);
    after_keeping(&state, &info, &s, id, r, "note", kept).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct EventForm {
    event_type: String,
    country: String,
    region: String,
    place: String,
    start_date: String,
    end_date: String,
    description: String,
}

pub(crate) async fn case_event_add(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    HtmlForm(f): HtmlForm<EventForm>,
) -> Result<Response, PageError> {
    let kept = Kept::new(
        "event",
        vec![
            ("event_type", f.event_type.clone()),
            ("country", f.country.clone()),
            ("region", f.region.clone()),
            ("place", f.place.clone()),
            ("start_date", f.start_date.clone()),
            ("end_date", f.end_date.clone()),
            ("description", f.description.clone()),
        ],
    );
    let data = EventData {
        event_type: f.event_type,
        country: crate::cases::forms::country_input(&f.country),
        region: f.region,
        place: f.place,
        start_date: f.start_date,
        end_date: f.end_date,
        description: f.description,
    };
    let r = state
        .haven()
        .save_event(&s.principal, id, None, data, &info.origin)
        .await;
    after_keeping(&state, &info, &s, id, r, "event", kept).await
}

pub(crate) async fn case_event_delete(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, eid): PageCase,
) -> Result<Response, PageError> {
    let r = state
        .haven()
        .delete_event(&s.principal, id, &eid, &info.origin)
        .await;
    after(&state, &info, &s, id, r, "deleted").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PerpetratorForm {
    name: String,
    roles: Vec<String>,
    relation: String,
    nationality: String,
    details: String,
}

pub(crate) async fn case_perpetrator_add(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    HtmlForm(f): HtmlForm<PerpetratorForm>,
) -> Result<Response, PageError> {
    let mut values = vec![
        ("name", f.name.clone()),
        ("relation", f.relation.clone()),
        ("nationality", f.nationality.clone()),
        ("details", f.details.clone()),
    ];
    values.extend(f.roles.iter().map(|r| ("roles", r.clone())));
    let kept = Kept::new("perpetrator", values);
    let data = PerpetratorData {
        name: f.name,
        roles: f.roles,
        relation: f.relation,
        nationality: crate::cases::forms::country_input(&f.nationality),
        details: f.details,
    };
    let r = state
        .haven()
        .save_perpetrator(&s.principal, id, None, data, &info.origin)
        .await;
    after_keeping(&state, &info, &s, id, r, "perpetrator", kept).await
}

pub(crate) async fn case_perpetrator_delete(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, pid): PageCase,
) -> Result<Response, PageError> {
    let r = state
        .haven()
        .delete_perpetrator(&s.principal, id, &pid, &info.origin)
        .await;
    after(&state, &info, &s, id, r, "deleted").await
}

/// Reads the uploaded file of a multipart form (the CSRF field was checked by the middleware).
pub(crate) async fn read_upload(
    mut m: Multipart,
) -> Result<Option<(String, Option<String>, Vec<u8>)>, StatusCode> {
    while let Some(field) = m.next_field().await.map_err(|_| StatusCode::BAD_REQUEST)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let ct = field.content_type().map(str::to_string);
            let bytes = field
                .bytes()
                .await
                .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE)?;
            return Ok(Some((name, ct, bytes.to_vec())));
        }
    }
    Ok(None)
}

pub(crate) async fn case_attachment_add(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
    m: Multipart,
) -> Result<Response, PageError> {
    let r = match read_upload(m).await {
        Ok(Some((name, ct, bytes))) => {
            state
                .haven()
                .add_attachment(&s.principal, id, &name, ct.as_deref(), bytes, &info.origin)
                .await
        }
        Ok(None) => Err(CoreError::invalid("attachment_file", "error-required")),
        Err(_) => Err(CoreError::File(haven_core::files::FileError::TooLarge {
            size: 0,
            max: state.haven().policy.attachment_max_bytes,
        })),
    };
    after(&state, &info, &s, id, r, "attachment").await
}

pub(crate) async fn case_attachment_get(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, aid): PageCase,
) -> Result<Response, PageError> {
    let f = state
        .haven()
        .get_attachment(&s.principal, id, &aid, &info.origin)
        .await?;
    Ok(download(f.bytes, &f.content_type, &f.name))
}

pub(crate) async fn case_attachment_delete(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, aid): PageCase,
) -> Result<Response, PageError> {
    let r = state
        .haven()
        .delete_attachment(&s.principal, id, &aid, &info.origin)
        .await;
    after(&state, &info, &s, id, r, "deleted").await
}

// ---- history and subject access ----

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage<'a> {
    l: &'a Layout<'a>,
    title: String,
    id: CaseId,
    with_old: bool,
    /// (when, who, field, old, new)
    rows: Vec<(String, String, String, String, String)>,
}

fn history_rows(
    l: &Layout<'_>,
    changes: &[ChangeView],
) -> Vec<(String, String, String, String, String)> {
    changes
        .iter()
        .map(|c| {
            let v = |x: &Option<String>| {
                x.as_deref()
                    .map(|v| crate::cases::forms::history_value(l, &c.field, v))
                    .unwrap_or_else(|| "—".into())
            };
            (
                l.datetime(&c.at),
                c.user_name.clone().unwrap_or_else(|| "—".into()),
                crate::cases::forms::field_label(l, &c.field),
                v(&c.old_value),
                v(&c.new_value),
            )
        })
        .collect()
}

pub(crate) async fn case_history(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let number = state
        .haven()
        .case_number(&s.principal, id)
        .await
        .unwrap_or_default();
    let changes = state
        .haven()
        .case_history(&s.principal, id, &info.origin)
        .await?;
    Ok(render(&HistoryPage {
        title: l.ta("history-title", &[("number", FluentValue::from(number))]),
        id,
        with_old: s.principal.sees_previous_values(),
        rows: history_rows(&l, &changes),
        l: &l,
    }))
}

#[derive(Template)]
#[template(path = "subject_access.html")]
struct SarPage<'a> {
    l: &'a Layout<'a>,
    title: String,
    generated: String,
    r: SubjectAccessReport,
    sections: Vec<(String, Vec<(String, String)>)>,
    history: Vec<(String, String, String, String, String)>,
    /// (when, who, agency, action)
    log: Vec<(String, String, String, String)>,
}

pub(crate) async fn case_subject_access(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    PageCase(id, _): PageCase,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let r = state
        .haven()
        .subject_access_report(&s.principal, id, &info.origin)
        .await?;
    let log = r
        .access_log
        .iter()
        .map(|e| {
            (
                l.datetime(&e.at),
                e.user_name.clone().unwrap_or_else(|| l.t("sar-system")),
                e.agency_name.clone().unwrap_or_default(),
                l.action(&e.action),
            )
        })
        .collect();
    Ok(render(&SarPage {
        title: l.ta(
            "sar-heading",
            &[("number", FluentValue::from(r.doc.case_number.clone()))],
        ),
        generated: l.datetime(&r.generated_at),
        sections: crate::cases::forms::display(&l, &r.doc.record),
        history: history_rows(&l, &r.history),
        log,
        r,
        l: &l,
    }))
}

// ---- transfers offered to the user's agency ----

#[derive(Template)]
#[template(path = "transfers.html")]
struct TransfersPage<'a> {
    l: &'a Layout<'a>,
    /// (id, case number, from, when, reason)
    items: Vec<(String, String, String, String, String)>,
    /// Case workers' requests waiting for the coordinator: (id, case number, from, to, when,
    /// reason).
    approvals: Vec<(String, String, String, String, String, String)>,
}

pub(crate) async fn transfers_page(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.may_accept_transfers())?;
    let approvals = state
        .haven()
        .transfers_awaiting_approval(&s.principal, &info.origin)
        .await?
        .into_iter()
        .map(|t| {
            (
                t.id,
                t.case_number,
                t.from_agency_name,
                t.to_agency_name,
                l.datetime(&t.requested_at),
                t.reason.unwrap_or_default(),
            )
        })
        .collect();
    let t = state
        .haven()
        .incoming_transfers(&s.principal, &info.origin)
        .await?;
    Ok(render(&TransfersPage {
        approvals,
        items: t
            .into_iter()
            .map(|t| {
                (
                    t.id,
                    t.case_number,
                    t.from_agency_name,
                    l.datetime(&t.requested_at),
                    t.reason.unwrap_or_default(),
                )
            })
            .collect(),
        l: &l,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DecisionForm {
    note: String,
}

pub(crate) async fn transfer_decide(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((tid, decision)): Path<(String, String)>,
    HtmlForm(f): HtmlForm<DecisionForm>,
) -> Result<Redirect, PageError> {
    if matches!(decision.as_str(), "approve" | "reject") {
        state
            .haven()
            .approve_transfer(
                &s.principal,
                &tid,
                decision == "approve",
                &f.note,
                &info.origin,
            )
            .await?;
        return Ok(Redirect::to("/transfers"));
    }
    let accept = match decision.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(PageError::not_found()),
    };
    match state
        .haven()
        .decide_transfer(&s.principal, &tid, accept, &f.note, &info.origin)
        .await?
    {
        case if accept => Ok(Redirect::to(&format!("/cases/{case}?done=saved"))),
        _ => Ok(Redirect::to("/transfers")),
    }
}
