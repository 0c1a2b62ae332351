//! Every figure of every dashboard is true (issue 19, part 3): for each demo role, each figure's
//! number is the number of items the list behind its link shows, and, where the rule is simple
//! enough to state here, a count made independently from the database.
use std::collections::BTreeSet;

use crate::harness::TestApp;

/// The figures of a dashboard: (id, count, link).
fn figures(html: &str) -> Vec<(String, i64, String)> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| {
            let (id, rest) = rest.split_once('"')?;
            let rest = rest.strip_prefix(" data-count=\"")?;
            let (n, rest) = rest.split_once('"')?;
            let rest = rest.strip_prefix("><a href=\"")?;
            let (href, _) = rest.split_once('"')?;
            Some((id.to_string(), n.parse().ok()?, href.to_string()))
        })
        .collect()
}

/// The part of a page inside the element with this id.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[start..];
    let end = rest
        .find("</section>")
        .or_else(|| rest.find("</table>"))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// What the list behind a figure's link shows.
fn listed(id: &str, page: &str) -> i64 {
    match id {
        // "N cases" / "One case" above the list.
        "cases" | "high-risk" => {
            let text = page
                .split("<p>")
                .find_map(|p| {
                    let p = p.split("</p>").next()?;
                    (p.ends_with(" cases") || p == "One case" || p == "No cases").then_some(p)
                })
                .expect("a count above the list");
            if text == "One case" {
                1
            } else {
                text.split(' ').next().unwrap().parse().unwrap_or(0)
            }
        }
        "transfers" => section(page, "incoming").matches("/accept\"").count() as i64,
        "transfer-approvals" => section(page, "approvals").matches("/approve\"").count() as i64,
        "overdue" => section(page, "overdue")
            .matches("<li class=\"error\">")
            .count() as i64,
        "tasks" => section(page, "my-tasks")
            .matches("action=\"/tasks/")
            .count() as i64,
        "tips" => page.matches("<td><a href=\"/tips/").count() as i64,
        "duplicates" => page.matches("<section class=\"pair\"").count() as i64,
        other => panic!("a figure without a check: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dashboard_figure_is_the_count_of_the_list_it_opens() {
    let app = TestApp::spawn_with(Default::default(), 120).await;
    let h = &app.haven;
    let rows: Vec<(String, Option<String>, String)> =
        sqlx::query_as("SELECT id, risk_level, status FROM cases")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    let mut seen = BTreeSet::new();
    for user in [
        "admin",
        "coordinator",
        "caseworker",
        "childcare",
        "screener",
        "inspector",
        "provider",
        "analyst",
        "trainer",
        "auditor",
    ] {
        let s = app.login(user).await;
        let html = s.get("/dashboard").await.text().await.unwrap();
        let figs = figures(&html);
        let p = app.principal(user).await;
        // The cases a user may read, and those open at high or critical risk, counted here.
        let (mut readable, mut high) = (0, 0);
        if p.case_list().is_some() {
            for (id, risk, status) in &rows {
                if h.may_read_case(&p, id.parse().unwrap()).await.unwrap() {
                    readable += 1;
                    if matches!(risk.as_deref(), Some("High" | "Critical"))
                        && matches!(status.as_str(), "Active" | "FollowUp")
                    {
                        high += 1;
                    }
                }
            }
            let cases = figs.iter().find(|f| f.0 == "cases").map(|f| f.1);
            assert_eq!(cases, Some(readable), "{user}: cases");
            let shown_high = figs.iter().find(|f| f.0 == "high-risk").map(|f| f.1);
            assert_eq!(shown_high.unwrap_or(0), high, "{user}: high risk");
        } else {
            assert!(
                !figs.iter().any(|f| f.0 == "cases" || f.0 == "high-risk"),
                "{user}"
            );
        }
        for (id, n, href) in &figs {
            let page = s.get(href).await.text().await.unwrap();
            assert_eq!(listed(id, &page), *n, "{user}: {id} ({href})");
            seen.insert(id.clone());
        }
    }
    // The filter read from an address typed by hand: the same list, never a bare error.
    let cw = app.login("caseworker").await;
    let a = cw.get("/cases?high_risk=true").await.text().await.unwrap();
    for q in ["/cases?high_risk=1", "/cases?high_risk=on&page=x"] {
        let res = cw.get(q).await;
        assert_eq!(res.status(), 200, "{q}");
        assert_eq!(
            listed("high-risk", &res.text().await.unwrap()),
            listed("high-risk", &a),
            "{q}"
        );
    }
    // The demo has something behind each kind of figure (or the test would prove nothing).
    for id in [
        "cases",
        "high-risk",
        "tasks",
        "tips",
        "overdue",
        "duplicates",
    ] {
        assert!(seen.contains(id), "no dashboard showed {id}: {seen:?}");
    }
}
