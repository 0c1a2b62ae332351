//! The dashboard: each figure counts exactly what its link lists.
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use fluent_bundle::FluentValue;

use crate::AppState;
use crate::ctx::Authed;
use crate::layout::Layout;

use crate::kit::page::{PageError, render};

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

pub(crate) async fn dashboard(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
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
        let n = h.count_cases(cap).await?;
        figure("cases", "/cases", "dashboard-cases-visible", n, "", true);
    }
    // Transfers waiting for this agency's decision, and (coordinator) for approval: counts only.
    let n = h.incoming_transfer_count(p).await?;
    figure(
        "transfers",
        "/transfers#incoming",
        "dashboard-transfers",
        n as i64,
        "notice",
        false,
    );
    let n = h.transfer_approval_count(p).await?;
    figure(
        "transfer-approvals",
        "/transfers#approvals",
        "dashboard-transfer-approvals",
        n as i64,
        "notice",
        false,
    );
    // Pairs of records the duplicate scan proposes as one person (the coordinator decides).
    if let Some(cap) = p.duplicate_review() {
        let n = h.open_duplicates(cap).await?;
        figure(
            "duplicates",
            "/duplicates",
            "dashboard-duplicates",
            n,
            "notice",
            false,
        );
    }
    // Referrals past their answer deadline: the agency's own (sent or received), all of them
    // for the coordinator. A count only.
    if l.can_referrals {
        let n = h.overdue_referral_count(p).await?;
        figure(
            "overdue",
            "/referrals#overdue",
            "dashboard-overdue",
            n as i64,
            "notice error",
            false,
        );
    }
    // Open cases at high or critical risk among those the user may see.
    if let Some(cap) = p.case_list() {
        let n = h.count_high_risk(cap).await?;
        figure(
            "high-risk",
            "/cases?high_risk=true",
            "dashboard-high-risk",
            n,
            "notice error",
            false,
        );
    }
    let mut tasks_text = None;
    if l.can_tasks {
        let (n, late) = h.task_counts(p).await?;
        if n > 0 {
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
    }
    // Tips waiting for triage (all for the coordinator, one's own for others): counts only.
    let open_tips = h
        .tip_counts(p)
        .await?
        .iter()
        .filter(|(s, _)| s == "new" || s == "assigned")
        .map(|(_, n)| n)
        .sum::<i64>();
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
    Ok(render(&DashboardPage {
        l: &l,
        welcome,
        figures,
        role_note,
    }))
}
