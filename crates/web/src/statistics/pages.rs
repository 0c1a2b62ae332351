//! The statistics page (from the period's snapshot) and statistical releases with the ledger.
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use fluent_bundle::FluentValue;
use haven_core::CoreError;
use haven_core::stats::Cell;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::Authed;
use crate::layout::Layout;

use crate::kit::page::{PageError, allowed, capability, render};

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

pub(crate) async fn stats(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.aggregates_read())?;
    let agg = state.haven().aggregates(cap, &info.origin).await?;
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
    Ok(render(&StatsPage {
        l: &l,
        help,
        as_of,
        agg,
        tables,
    }))
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
) -> Result<Response, PageError> {
    use haven_core::release::ReleaseKind;
    let cap = capability(s.principal.aggregates_read())?;
    let raw = s.principal.ctdc_raw_export().is_some();
    let kinds = ReleaseKind::ALL
        .into_iter()
        .filter(|k| raw || *k != ReleaseKind::Raw)
        .map(|k| {
            let key = format!("release-kind-{}", k.as_str());
            (k.as_str(), l.t(&key), l.t(&format!("{key}-help")))
        })
        .collect();
    // The page shows the newest 200 entries; the API pages through the whole ledger.
    let (ledger, _) = state
        .haven()
        .release_ledger(cap, &haven_core::support::cursor::PageRequest::first(200))
        .await?;
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
    Ok(render(&ReleasePage {
        l,
        kinds,
        raw,
        min_k,
        k_help: l.ta("release-k-help", &[("k", FluentValue::from(min_k))]),
        errors,
        ledger,
        form,
    }))
}

pub(crate) async fn release_page(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    allowed(s.principal.aggregates_read().is_some())?;
    release_page_for(&state, &l, &s, Vec::new(), ReleaseForm::default()).await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ReleaseForm {
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

pub(crate) async fn release_submit(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    crate::extract::HtmlForm(f): crate::extract::HtmlForm<ReleaseForm>,
) -> Result<Response, PageError> {
    use haven_core::release::{ReleaseKind, ReleaseRequest};
    let l = Layout::new(&state, &info);
    let cap = capability(s.principal.aggregates_read())?;
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
        Ok(file) => Ok(crate::kit::page::download(
            file.bytes,
            "application/zip",
            &file.file_name,
        )),
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
        Err(e) => Err(e.into()),
    }
}
