//! The coordinator's duplicate review queue: pairs of persons the matching engine proposes,
//! each with its explanation (which fields agree, how well, and how much that weighs); merge,
//! mark as different, undo a merge. Names only where the coordinator may read a case of the
//! person; otherwise the agencies and case numbers, and the explanation.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};
use fluent_bundle::FluentValue;
use haven_core::duplicates::{PairView, Reason};
use haven_core::support::cursor::PageRequest;
use haven_domain::PersonId;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::Authed;
use crate::extract::HtmlForm;
use crate::kit::page::{PageError, allowed, render};
use crate::layout::Layout;

/// How much one agreement or difference counts, in words: the model's weights (log-odds, in
/// bits) mean nothing to a coordinator. Eight bits are odds of 256 to 1.
fn evidence_key(weight: f64) -> &'static str {
    match weight {
        w if w >= 4.0 => "match-evidence-strong-for",
        w if w >= 0.5 => "match-evidence-for",
        w if w > -0.5 => "match-evidence-little",
        w if w > -4.0 => "match-evidence-against",
        _ => "match-evidence-strong-against",
    }
}

/// "first name: exact (strongly for) · birth date: same day (for)" (translated), the strongest
/// reasons first.
pub(crate) fn reasons_text(l: &Layout<'_>, r: &[Reason]) -> String {
    let mut r: Vec<&Reason> = r.iter().collect();
    r.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    r.iter()
        .map(|x| {
            format!(
                "{}: {} ({})",
                l.t(&format!("match-field-{}", x.field.replace('_', "-"))),
                l.t(&format!(
                    "match-level-{}-{}",
                    x.field.replace('_', "-"),
                    x.level.unwrap_or(0)
                )),
                l.t(evidence_key(x.weight))
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[derive(Template)]
#[template(path = "duplicates.html")]
struct Page<'a> {
    l: &'a Layout<'a>,
    status: String,
    pairs: Vec<PairView>,
    scanned: Option<String>,
}

impl Page<'_> {
    fn percent(&self, p: &f64) -> String {
        format!("{:.0} %", p * 100.0)
    }
    fn reasons(&self, r: &[Reason]) -> String {
        reasons_text(self.l, r)
    }
    fn ask(&self, v: &PairView) -> String {
        self.l.ta(
            "duplicates-ask-agency",
            &[("agencies", FluentValue::from(v.ask_agencies.join(", ")))],
        )
    }
    fn possible_record(&self, agency: &str) -> String {
        self.l.ta(
            "duplicates-possible-record",
            &[("agency", FluentValue::from(agency.to_string()))],
        )
    }
    fn kept(&self, v: &PairView, id: &PersonId) -> bool {
        v.survivor.as_ref() == Some(id)
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    examined: Option<usize>,
    #[serde(default)]
    proposed: Option<usize>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = s
        .principal
        .duplicate_review()
        .ok_or_else(PageError::forbidden)?;
    let status = q.status.unwrap_or_else(|| "open".into());
    let scanned = q.examined.map(|e| {
        l.ta(
            "duplicates-scanned",
            &[
                ("examined", FluentValue::from(e)),
                ("proposed", FluentValue::from(q.proposed.unwrap_or(0))),
            ],
        )
    });
    // The page shows the head of the queue; the API pages through the rest.
    let (pairs, _) = state
        .haven()
        .duplicate_queue(cap, &status, &PageRequest::first(100), &info.origin)
        .await?;
    Ok(render(&Page {
        l: &l,
        status,
        pairs,
        scanned,
    }))
}

/// Looks for new pairs now (the background job does it too).
pub(crate) async fn scan(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Redirect, PageError> {
    allowed(s.principal.duplicate_review().is_some())?;
    let o = state
        .haven()
        .scan_duplicates(Some(&s.principal), &info.origin)
        .await?;
    Ok(Redirect::to(&format!(
        "/duplicates?examined={}&proposed={}",
        o.examined, o.proposed
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DecideForm {
    pub csrf: String,
    /// For a merge: the person kept.
    pub keep: String,
}

/// `merge`, `different`, `unmerge` or `reopen` on one pair.
pub(crate) async fn decide(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path((id, action)): Path<(String, String)>,
    HtmlForm(f): HtmlForm<DecideForm>,
) -> Result<Redirect, PageError> {
    let cap = s
        .principal
        .duplicate_review()
        .ok_or_else(PageError::forbidden)?;
    let h = state.haven();
    let o = &info.origin;
    let (res, back) = match action.as_str() {
        "merge" => match f.keep.parse::<PersonId>() {
            Ok(keep) => (h.merge_pair(cap, &id, keep, o).await, "merged"),
            Err(_) => (
                Err(haven_core::CoreError::invalid("keep", "error-unknown-code")),
                "open",
            ),
        },
        "different" => (h.dismiss_pair(cap, &id, o).await, "different"),
        "unmerge" => (h.unmerge_pair(cap, &id, o).await, "open"),
        "reopen" => (h.reopen_pair(cap, &id, o).await, "open"),
        _ => (Err(haven_core::CoreError::NotFound), "open"),
    };
    res?;
    Ok(Redirect::to(&format!("/duplicates?status={back}")))
}
