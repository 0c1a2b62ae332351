//! Statistics under attack (issue 19): an analyst combines releases the way someone hunting a
//! hidden count would, through the real API on demo data, and learns no count below the
//! deployment's smallest cell.
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::harness::TestApp;
use crate::release::{release, unzip};

/// The smallest cell of the default policy.
const B: u64 = 5;

/// A release's counts: the record count, and each combination's count.
struct Counts {
    records: u64,
    cells: BTreeMap<String, u64>,
}

fn counts(tsv: &str) -> Counts {
    let mut lines = tsv.lines();
    assert_eq!(lines.next(), Some("selections\tprotected_count"));
    let records = lines
        .next()
        .and_then(|l| l.strip_prefix("record_count\t"))
        .expect("record_count line")
        .parse()
        .unwrap();
    let cells = lines
        .map(|l| {
            let (label, n) = l.rsplit_once('\t').unwrap();
            (label.to_string(), n.parse().unwrap())
        })
        .collect();
    Counts { records, cells }
}

/// What an attacker knows of one count after many releases: the range it must lie in.
#[derive(Clone, Copy, Debug)]
struct Range {
    lo: u64,
    hi: u64,
}

impl Range {
    fn exact_small(&self) -> bool {
        self.lo == self.hi && (1..B).contains(&self.lo)
    }
}

/// The k-sweep (k = 5 … 40, 36 releases of the same data) and "totals minus rows": the same
/// number for the same combination in every release, so the Chinese remainder has nothing to
/// work on; and no suppressed cell pinned down by subtracting the rows shown from the total.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_k_sweep_and_totals_minus_rows_recover_no_small_count() {
    let app = TestApp::spawn_with(Default::default(), 150).await;
    let analyst = app.login("analyst").await;
    let token = analyst.token().await;
    // Below the smallest cell: refused, clearly.
    let res = release(
        &analyst,
        &app.base,
        &token,
        json!({"kind": "aggregates", "k": 4, "reporting_length": 2}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "error-release-k-min");

    let mut releases: Vec<(u64, Counts)> = Vec::new();
    for k in 5..=40u64 {
        let res = release(
            &analyst,
            &app.base,
            &token,
            json!({"kind": "aggregates", "k": k, "reporting_length": 2}),
        )
        .await;
        assert_eq!(res.status(), 200, "k = {k}");
        let files = unzip(&res.bytes().await.unwrap(), None);
        releases.push((k, counts(&files[0].1)));
    }
    assert_eq!(app.audit_count("release.made").await, 36);

    // The record count: the same in every release.
    let records: BTreeSet<u64> = releases.iter().map(|(_, c)| c.records).collect();
    assert_eq!(records.len(), 1, "{records:?}");
    // Each combination: the same number wherever it is shown, a multiple of the smallest cell.
    let labels: BTreeSet<&String> = releases.iter().flat_map(|(_, c)| c.cells.keys()).collect();
    assert!(labels.len() > 50, "the demo gives something to attack");
    let mut ranges: BTreeMap<&String, Range> = BTreeMap::new();
    for label in &labels {
        let shown: BTreeSet<u64> = releases
            .iter()
            .filter_map(|(_, c)| c.cells.get(*label).copied())
            .collect();
        assert_eq!(
            shown.len(),
            1,
            "{label} differs between releases: {shown:?}"
        );
        let v = *shown.iter().next().unwrap();
        assert!(v.is_multiple_of(B) && v >= B, "{label}: {v}");
        // What every release together says of it (the attacker's best range).
        let mut r = Range {
            lo: v,
            hi: v + B - 1,
        };
        // Left out of a release: its rounded count is below that k (the manifest says so).
        for (k, c) in &releases {
            if !c.cells.contains_key(*label) {
                r.hi = r.hi.min(k.div_ceil(B) * B - 1);
            }
        }
        assert!(r.hi > r.lo, "{label} pinned to {r:?}");
        ranges.insert(label, r);
    }

    // Totals minus rows, per column: the register's records minus the values shown, for the
    // cases left in suppressed or blank cells of that column.
    let total = Range {
        lo: *records.iter().next().unwrap(),
        hi: records.iter().next().unwrap() + B - 1,
    };
    let mut columns: BTreeMap<&str, Vec<Range>> = BTreeMap::new();
    for (label, r) in &ranges {
        if !label.contains(';') {
            let col = label.split(':').next().unwrap();
            columns.entry(col).or_default().push(*r);
        }
    }
    assert!(columns.len() > 5);
    for (col, shown) in &columns {
        let sum_lo: u64 = shown.iter().map(|r| r.lo).sum();
        let sum_hi: u64 = shown.iter().map(|r| r.hi).sum();
        let rest = Range {
            lo: total.lo.saturating_sub(sum_hi),
            hi: total.hi.saturating_sub(sum_lo),
        };
        assert!(
            !rest.exact_small(),
            "{col}: the rest is exactly {}",
            rest.lo
        );
    }
    // Pairs minus their parts: a value's count minus its pairs with the values of another
    // column (what subtracting along complete 0/1 flags did).
    for (label, r) in &ranges {
        let Some((a, b)) = label.split_once(';') else {
            continue;
        };
        for (part, other) in [(a, b), (b, a)] {
            let Some(whole) = ranges.get(&part.to_string()) else {
                continue;
            };
            let rest = Range {
                lo: whole.lo.saturating_sub(r.hi),
                hi: whole.hi.saturating_sub(r.lo),
            };
            assert!(
                !rest.exact_small(),
                "{part} without {other}: exactly {}",
                rest.lo
            );
        }
    }
}

/// Release, add one case, release again: the two would give that case away. The ledger refuses
/// until the register has changed by the smallest cell; synthetic or k-anonymous data of the
/// same cases are not made again with other settings; every refusal is audited and explained.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_refuses_releases_a_few_cases_apart() {
    let app = TestApp::spawn_with(Default::default(), 60).await;
    let analyst = app.login("analyst").await;
    let token = analyst.token().await;
    let cw = app.login("caseworker").await;
    let agg = json!({"kind": "aggregates", "k": 5, "reporting_length": 2});
    let first = release(&analyst, &app.base, &token, agg.clone()).await;
    assert_eq!(first.status(), 200);
    let first = unzip(&first.bytes().await.unwrap(), None);
    // The same release again: the same bytes (nothing new to learn).
    let again = release(&analyst, &app.base, &token, agg.clone()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(unzip(&again.bytes().await.unwrap(), None)[0], first[0]);

    let res = cw
        .open_case(&[("first_name", "Uno"), ("citizenship", "VE")])
        .await;
    assert_eq!(res.status(), 303);
    let res = release(&analyst, &app.base, &token, agg.clone()).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["type"],
        "https://haven.invalid/problems/error-release-too-few-changes"
    );
    assert_eq!(app.audit_count("release.refused").await, 1);
    // Every kind is refused alike.
    for kind in ["synthetic", "anonymized"] {
        let res = release(&analyst, &app.base, &token, json!({"kind": kind, "k": 5})).await;
        assert_eq!(res.status(), 409, "{kind}");
    }
    // The web page says why, in the user's language, and lists what was released.
    analyst.post_form("/language", &[("lang", "fr")]).await;
    let res = analyst
        .post_form(
            "/stats/releases",
            &[
                ("kind", "aggregates"),
                ("k", "5"),
                ("reporting_length", "2"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("seuls 1 cas ont changé, moins que 5"),
        "{}",
        &html[html.find("<main").unwrap_or(0)..][..2000.min(html.len())]
    );
    assert!(html.contains("Publications déjà faites"));
    analyst.post_form("/language", &[("lang", "en")]).await;

    // Four more cases: five changed, a release may follow.
    for n in 0..4 {
        let res = cw
            .open_case(&[("first_name", &format!("Otro{n}")), ("citizenship", "CU")])
            .await;
        assert_eq!(res.status(), 303);
    }
    let res = release(&analyst, &app.base, &token, agg.clone()).await;
    assert_eq!(res.status(), 200);

    // Two k-anonymous releases of these cases at once, with other settings: one is made, the
    // other refused (the ledger is checked again, locked, when a release is recorded).
    let anon = |k: u64| json!({"kind": "anonymized", "k": k});
    let (a, b) = tokio::join!(
        release(&analyst, &app.base, &token, anon(5)),
        release(&analyst, &app.base, &token, anon(7)),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);

    // Synthetic data of these cases: once with k = 5; with k = 6 refused; k = 5 again given.
    let syn = |k: u64| json!({"kind": "synthetic", "k": k, "reporting_length": 2});
    assert_eq!(
        release(&analyst, &app.base, &token, syn(5)).await.status(),
        200
    );
    let res = release(&analyst, &app.base, &token, syn(6)).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["type"],
        "https://haven.invalid/problems/error-release-other-parameters"
    );
    assert_eq!(
        release(&analyst, &app.base, &token, syn(5)).await.status(),
        200
    );
    // Aggregates with another k and length are fine: every count is a function of count / 5.
    let res = release(
        &analyst,
        &app.base,
        &token,
        json!({"kind": "aggregates", "k": 20, "reporting_length": 3}),
    )
    .await;
    assert_eq!(res.status(), 200);

    // The ledger, through the API: every release made, newest first, none refused.
    let ledger: Vec<Value> = analyst
        .client
        .get(format!("{}/api/v1/releases", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = ledger.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "aggregates",
            "synthetic",
            "synthetic",
            "anonymized",
            "aggregates",
            "aggregates",
            "aggregates"
        ]
    );
    assert_eq!(ledger[0]["k"], 20);
    assert_eq!(ledger[0]["rounding_base"], 5);
    assert!(ledger.iter().all(|e| e["made_by"] != ""));
    // Not for someone without statistics.
    let cw_token = cw.token().await;
    let res = cw
        .client
        .get(format!("{}/api/v1/releases", app.base))
        .bearer_auth(&cw_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

/// The statistics page and a release of the same register give the same protected total (two
/// roundings of one count would bracket it).
#[tokio::test]
async fn a_release_and_the_statistics_agree_on_the_total() {
    let app = TestApp::spawn_with(Default::default(), 37).await;
    let analyst = app.login("analyst").await;
    let token = analyst.token().await;
    let stats: Value = analyst
        .client
        .get(format!("{}/api/v1/stats", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = release(
        &analyst,
        &app.base,
        &token,
        json!({"kind": "aggregates", "k": 11, "reporting_length": 1}),
    )
    .await;
    let files = unzip(&res.bytes().await.unwrap(), None);
    let c = counts(&files[0].1);
    assert_eq!(stats["total"].as_u64().unwrap(), c.records);
    assert_eq!(stats["min_cell"].as_u64().unwrap(), B);
}

async fn stats(app: &TestApp, token: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{}/api/v1/stats", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Insert and observe: the coordinator, who both records and reads statistics, adds a case and
/// looks again. The figures are this period's snapshot: unchanged until the next period, which
/// the page names.
#[tokio::test]
async fn adding_a_record_and_looking_again_shows_nothing_until_the_next_period() {
    let app = TestApp::spawn_with(Default::default(), 40).await;
    let coordinator = app.login("coordinator").await;
    let token = coordinator.token().await;
    let before = stats(&app, &token).await;
    let as_of = before["as_of"].as_i64().unwrap();
    assert!(before["next_refresh"].as_i64().unwrap() > as_of);
    let cw = app.login("caseworker").await;
    for n in 0..5 {
        let res = cw
            .open_case(&[("first_name", &format!("Nuevo{n}")), ("citizenship", "VE")])
            .await;
        assert_eq!(res.status(), 303);
    }
    let after = stats(&app, &token).await;
    assert_eq!(after, before, "the same snapshot");
    // The page says when the figures are from.
    let html = coordinator.get("/stats").await.text().await.unwrap();
    assert!(html.contains("Figures as of"), "{html}");
    // The next period: figures computed again, with the new cases.
    sqlx::query("UPDATE stats_snapshots SET computed_at = computed_at - 172800")
        .execute(app.store.pool())
        .await
        .unwrap();
    let next = stats(&app, &token).await;
    assert!(next["as_of"].as_i64().unwrap() > as_of - 1);
    assert_eq!(
        next["total"].as_i64().unwrap(),
        before["total"].as_i64().unwrap() + 5,
        "five more cases, rounded to a multiple of 5"
    );
}

/// Every statistics table checked against a count made here from the database: shown counts
/// are the true ones rounded down to 5; every count below 5 is hidden; the hidden cells of a
/// table add up to nothing or to 5 or more (so the total minus the rows shown never isolates a
/// small count).
#[tokio::test]
async fn every_statistic_matches_an_independent_count_and_hides_small_ones() {
    let app = TestApp::spawn_with(Default::default(), 90).await;
    let token = app.login("analyst").await.token().await;
    let s = stats(&app, &token).await;
    let pool = app.store.pool();
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(s["total"].as_i64().unwrap(), total / 5 * 5);
    let mut checked_hidden = 0;
    for (table, col) in [("by_status", "status"), ("by_region", "region")] {
        let truth: Vec<(Option<String>, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {col}, COUNT(*) FROM cases GROUP BY {col}"
        )))
        .fetch_all(pool)
        .await
        .unwrap();
        let cells = s[table].as_array().unwrap();
        assert_eq!(cells.len(), truth.len(), "{table}");
        let mut hidden_sum = 0;
        let mut all_hidden = true;
        for (key, n) in &truth {
            let cell = cells
                .iter()
                .find(|c| c["key"].as_str() == key.as_deref())
                .unwrap_or_else(|| panic!("{table} {key:?}"));
            match cell["count"].as_i64() {
                Some(shown) => {
                    all_hidden = false;
                    assert_eq!(shown, n / 5 * 5, "{table} {key:?}");
                    assert!(*n >= 5);
                }
                None => {
                    hidden_sum += n;
                    checked_hidden += 1;
                }
            }
        }
        assert!(
            hidden_sum == 0 || hidden_sum >= 5 || all_hidden,
            "{table}: hidden cells add up to {hidden_sum}"
        );
    }
    assert!(checked_hidden > 0, "the demo has small cells to hide");
}
