//! The screening interview (no JavaScript: one form, the dimensions as fieldsets, questions in
//! plain words) and its explained result.
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use haven_core::CoreError;
use haven_core::screening::{
    IndicatorAnswer, PossibleMatch, ScreenedPerson, ScreeningInput, ScreeningView,
};
use haven_domain::CaseId;
use haven_domain::screening::{Answer, DIMENSIONS};
use serde::Deserialize;

use crate::AppState;
use crate::cases::forms::region_options;
use crate::ctx::Authed;
use crate::extract::HtmlForm;
use crate::kit::page::{PageError, form_status, refusal, render, render_with};
use crate::layout::Layout;

/// One question of the interview, as shown.
struct Question {
    id: String,
    text: String,
    answer: &'static str,
    evidence: String,
}

struct DimensionForm {
    title: String,
    help: String,
    questions: Vec<Question>,
}

#[derive(Template)]
#[template(path = "screening_form.html")]
struct FormPage<'a> {
    l: &'a Layout<'a>,
    case_id: String,
    errors: Vec<String>,
    regions: Vec<(String, String, bool)>,
    values: BTreeMap<String, String>,
    dimensions: Vec<DimensionForm>,
}

impl FormPage<'_> {
    fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
    fn on(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|v| !v.is_empty())
    }
}

fn form_page(
    state: &AppState,
    l: &Layout,
    case_id: String,
    values: BTreeMap<String, String>,
    errors: Vec<String>,
) -> Response {
    let set = &state.haven().policy.screening;
    let dimensions = (1..=DIMENSIONS as u8)
        .map(|d| DimensionForm {
            title: l.t(&format!("screen-dim-{d}")),
            help: l.t(&format!("screen-dim-{d}-help")),
            questions: set
                .indicators
                .iter()
                .filter(|i| i.dimension == d)
                .map(|i| Question {
                    text: if i.local {
                        // Local indicators carry no translation of ours: their id, readable.
                        i.id.replace('_', " ")
                    } else {
                        l.t(&format!("screen-q-{}", i.id))
                    },
                    answer: match values.get(&format!("a_{}", i.id)).map(String::as_str) {
                        Some("present") => "present",
                        Some("absent") => "absent",
                        _ => "unknown",
                    },
                    evidence: values
                        .get(&format!("e_{}", i.id))
                        .cloned()
                        .unwrap_or_default(),
                    id: i.id.clone(),
                })
                .collect(),
        })
        .collect();
    let regions = region_options(l, values.get("region").map(String::as_str).unwrap_or(""));
    render(&FormPage {
        l,
        case_id,
        errors,
        regions,
        values,
        dimensions,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NewQuery {
    case: String,
}

pub(crate) async fn new_screening(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    s.principal.case_create().ok_or_else(PageError::forbidden)?;
    let mut values = BTreeMap::new();
    values.insert("person_present".into(), "true".into());
    let case = q
        .case
        .parse::<CaseId>()
        .map(|c| c.to_string())
        .unwrap_or_default();
    Ok(form_page(&state, &l, case, values, Vec::new()))
}

pub(crate) async fn create_screening(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    HtmlForm(fields): HtmlForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    s.principal.case_create().ok_or_else(PageError::forbidden)?;
    let values: BTreeMap<String, String> =
        fields.into_iter().filter(|(k, _)| k != "csrf").collect();
    let v = |k: &str| {
        values
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let on = |k: &str| values.get(k).is_some_and(|s| !s.is_empty());
    let mut answers = BTreeMap::new();
    for i in &state.haven().policy.screening.indicators {
        let answer = match v(&format!("a_{}", i.id)).as_str() {
            "present" => Answer::Present,
            "absent" => Answer::Absent,
            _ => Answer::Unknown,
        };
        let evidence = v(&format!("e_{}", i.id));
        if answer != Answer::Unknown || !evidence.is_empty() {
            answers.insert(i.id.clone(), IndicatorAnswer { answer, evidence });
        }
    }
    let case_id = v("case_id").parse::<CaseId>().ok();
    let mut errors = Vec::new();
    let age = match v("age").as_str() {
        "" => None,
        a => match a.parse::<u32>() {
            Ok(n) if n < 130 => Some(n),
            _ => {
                errors.push(l.t("error-number-range"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Ok(form_page(&state, &l, v("case_id"), values, errors));
    }
    let input = ScreeningInput {
        case_id,
        screened_on: v("screened_on"),
        region: v("region"),
        place: v("place"),
        language: v("language"),
        interpreter: on("interpreter"),
        person_present: on("person_present"),
        consent: on("consent"),
        age,
        age_uncertain: on("age_uncertain"),
        labour: on("labour"),
        sexual: on("sexual"),
        act: on("act"),
        answers,
    };
    match state
        .haven()
        .record_screening(&s.principal, input, &info.origin)
        .await
    {
        Ok(view) => Ok(Redirect::to(&format!("/screenings/{}", view.id)).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let errors = errs.iter().map(|e| l.t(e.key)).collect();
            Ok(form_page(&state, &l, v("case_id"), values, errors))
        }
        Err(e) => Err(e.into()),
    }
}

/// A profile's result, ready to show.
struct ProfileView {
    profile: String,
    outcome: String,
    outcome_help: String,
    dimensions: Vec<(String, bool, Vec<String>)>,
    palermo: Vec<(String, bool, Vec<String>)>,
    missing: Vec<String>,
    open_questions: Vec<String>,
}

#[derive(Template)]
#[template(path = "screening.html")]
struct ResultPage<'a> {
    l: &'a Layout<'a>,
    s: ScreeningView,
    outcome: String,
    profiles: Vec<ProfileView>,
    evidence: Vec<(String, String)>,
    urgent: bool,
    /// A screening without a case, which this user may attach to a person's case.
    may_link: bool,
}

impl ResultPage<'_> {
    /// The indicator set in words: "ILO/EC operational indicators (2009), Haven rules 1", with a
    /// deployment's own adjustments named after it ("ilo-ec-2009/haven-1+gy-mining-1").
    fn indicator_set(&self) -> String {
        let code = self.s.indicator_set.as_str();
        let (base, local) = code.split_once('+').unwrap_or((code, ""));
        let mut out = match base.split_once('/') {
            Some(("ilo-ec-2009", rules)) => self.l.ta(
                "screen-indicator-set-ilo",
                &[(
                    "rules",
                    FluentValue::from(rules.trim_start_matches("haven-").to_string()),
                )],
            ),
            _ => base.to_string(),
        };
        if !local.is_empty() {
            out = self.l.ta(
                "screen-indicator-set-local",
                &[
                    ("set", FluentValue::from(out)),
                    ("local", FluentValue::from(local.to_string())),
                ],
            );
        }
        out
    }
}

pub(crate) async fn view_screening(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let view = state
        .haven()
        .open_screening(&s.principal, &id, &info.origin)
        .await?;
    let set = &state.haven().policy.screening;
    let label = |id: &str| -> String {
        match set.get(id) {
            Some(i) if i.local => id.replace('_', " "),
            _ => l.t(&format!("screen-i-{id}")),
        }
    };
    let profiles = view
        .results
        .iter()
        .map(|r| ProfileView {
            profile: l.t(&format!("screen-profile-{}", r.profile.as_str())),
            outcome: l.t(&format!("screen-outcome-{}", r.outcome.as_str())),
            outcome_help: l.t(&format!("screen-outcome-{}-help", r.outcome.as_str())),
            dimensions: r
                .dimensions
                .iter()
                .filter(|d| !d.present.is_empty())
                .map(|d| {
                    (
                        l.t(&format!("screen-dim-{}", d.dimension)),
                        d.positive,
                        d.present.iter().map(|(id, _)| label(id)).collect(),
                    )
                })
                .collect(),
            palermo: [
                ("act", r.palermo.act, &r.palermo.act_support),
                ("means", r.palermo.means, &r.palermo.means_support),
                ("purpose", r.palermo.purpose, &r.palermo.purpose_support),
            ]
            .into_iter()
            .map(|(k, on, ids)| {
                (
                    l.t(&format!("screen-palermo-{k}")),
                    on,
                    ids.iter().map(|i| label(i)).collect(),
                )
            })
            .collect(),
            missing: r
                .missing
                .iter()
                .map(|g| l.t(&format!("screen-group-{g}")))
                .collect(),
            // Questions left unanswered where they could still change the conclusion.
            open_questions: r
                .dimensions
                .iter()
                .filter(|d| !d.positive)
                .flat_map(|d| d.unknown.iter().take(3).map(|i| label(i)))
                .take(8)
                .collect(),
        })
        .collect();
    let evidence = view
        .answers
        .iter()
        .filter(|(_, a)| !a.evidence.is_empty())
        .map(|(id, a)| (label(id), a.evidence.clone()))
        .collect();
    let urgent = view.outcome >= haven_domain::screening::Outcome::PossibleVictim;
    let may_link = view.case_id.is_none() && s.principal.case_create().is_some();
    Ok(render(&ResultPage {
        l: &l,
        outcome: l.t(&format!("screen-outcome-{}", view.outcome.as_str())),
        s: view,
        profiles,
        evidence,
        urgent,
        may_link,
    }))
}

/// Who was screened, typed for the duplicate check (sent by POST: names never go in a URL).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PersonForm {
    first_name: String,
    family_name: String,
    birth_year: String,
    case: String,
}

impl PersonForm {
    fn person(&self, today: time::Date) -> Result<ScreenedPerson, &'static str> {
        let birth_year = match self.birth_year.trim() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(y) if (1900..=today.year()).contains(&y) => Some(y),
                _ => return Err("error-number-range"),
            },
        };
        Ok(ScreenedPerson {
            first_name: self.first_name.trim().to_string(),
            family_name: self.family_name.trim().to_string(),
            birth_year,
        })
    }
}

#[derive(Template)]
#[template(path = "screening_matches.html")]
struct MatchesPage<'a> {
    l: &'a Layout<'a>,
    id: String,
    first_name: String,
    family_name: String,
    birth_year: String,
    matches: Vec<PossibleMatch>,
    /// Agencies holding a possible record of this person that the user may not see.
    elsewhere: Vec<String>,
    errors: Vec<String>,
}

impl MatchesPage<'_> {
    fn elsewhere_text(&self, agency: &str) -> String {
        self.l.ta(
            "match-elsewhere",
            &[(
                "agency",
                fluent_bundle::FluentValue::from(agency.to_string()),
            )],
        )
    }
}

fn errors_of(l: &Layout<'_>, e: &CoreError) -> Vec<String> {
    match e {
        CoreError::Invalid(errs) => errs.iter().map(|e| l.t(e.key)).collect(),
        e => vec![l.t(e.user_key())],
    }
}

/// The duplicate check: cases the user may see that could be this person.
pub(crate) async fn screening_matches(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<PersonForm>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let page = |matches, elsewhere, errors: Vec<String>| {
        let view = MatchesPage {
            l: &l,
            id: id.clone(),
            first_name: f.first_name.clone(),
            family_name: f.family_name.clone(),
            birth_year: f.birth_year.clone(),
            matches,
            elsewhere,
            errors,
        };
        render_with(form_status(&view.errors), &view)
    };
    let who = match f.person(state.haven().today()) {
        Ok(w) => w,
        Err(key) => return Ok(page(vec![], vec![], vec![l.t(key)])),
    };
    match state
        .haven()
        .screening_check(&s.principal, &id, &who, &info.origin)
        .await
    {
        Ok((m, elsewhere)) => Ok(page(m, elsewhere, vec![])),
        Err(e) => Ok(page(vec![], vec![], errors_of(&l, &refusal(e)?))),
    }
}

/// Attaches the screening to a case (chosen among the matches, or named by its number).
pub(crate) async fn screening_link(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<PersonForm>,
) -> Result<Response, PageError> {
    let haven = state.haven();
    let r = match haven.case_by_ref(&s.principal, &f.case).await {
        Ok(case) => haven
            .link_screening(&s.principal, &id, case, &info.origin)
            .await
            .map(|()| case),
        Err(e) => Err(e),
    };
    match r {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{case}")).into_response()),
        Err(CoreError::Invalid(v)) => Err(PageError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            v.first().map(|e| e.key).unwrap_or("error-form"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// None of the matches: a new case registration, prefilled from the screening.
pub(crate) async fn screening_draft(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
    HtmlForm(f): HtmlForm<PersonForm>,
) -> Result<Response, PageError> {
    let who = f
        .person(state.haven().today())
        .map_err(|key| PageError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, key))?;
    let draft = state
        .haven()
        .draft_from_screening(&s.principal, &id, &who, &info.origin)
        .await?;
    Ok(Redirect::to(&format!("/cases/new?draft={draft}")).into_response())
}
