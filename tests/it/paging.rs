//! The API's lists page by cursor: following `Link: rel="next"` gives the whole list once, in
//! its order, even when items are added between two pages; a cursor Haven did not make is
//! refused.
use haven_core::Origin;
use haven_core::referrals::ReferralInput;
use serde_json::{Value, json};

use crate::harness::TestApp;

/// Every page from `first`, following the `Link` header: the ids, page by page.
async fn follow(app: &TestApp, token: &str, first: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut next = Some(format!("/api/v1{first}"));
    while let Some(path) = next.take() {
        let res = reqwest::Client::new()
            .get(app.url(&path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        next = res.headers().get("link").map(|l| {
            let l = l.to_str().unwrap();
            assert!(l.ends_with(">; rel=\"next\""), "{l}");
            l.trim_start_matches('<')
                .trim_end_matches(">; rel=\"next\"")
                .to_string()
        });
        let items: Vec<Value> = res.json().await.unwrap();
        pages.push(
            items
                .iter()
                .map(|i| {
                    // A workshop in the list is `{workshop, participants}`.
                    i["id"]
                        .as_str()
                        .or(i["workshop"]["id"].as_str())
                        .unwrap()
                        .to_string()
                })
                .collect(),
        );
        assert!(pages.len() < 100, "the pages end");
    }
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tips_page_by_cursor_without_skipping_or_repeating() {
    let app = TestApp::spawn().await;
    let token = app.login("coordinator").await.token().await;
    for n in 0..7 {
        let res = app
            .api_post(
                &token,
                "/tips",
                &json!({"what": format!("Tip number {n} about a camp"), "caller": "anonymous"}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let whole: Vec<String> = follow(&app, &token, "/tips?status=all&limit=1000")
        .await
        .concat();
    assert!(whole.len() >= 7);
    let pages = follow(&app, &token, "/tips?status=all&limit=3").await;
    assert!(pages.iter().all(|p| p.len() <= 3) && pages.len() >= 3);
    assert_eq!(pages.concat(), whole, "the same list, in the same order");

    // A tip arriving after the first page is not in the later ones, and shifts nothing.
    let first = follow(&app, &token, "/tips?status=all&limit=3").await;
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/tips?status=all&limit=3"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let link = res.headers()["link"].to_str().unwrap().to_string();
    app.api_post(
        &token,
        "/tips",
        &json!({"what": "A newer tip", "caller": "anonymous"}),
    )
    .await;
    let rest_path = link
        .trim_start_matches("</api/v1")
        .trim_end_matches(">; rel=\"next\"")
        .to_string();
    let rest = follow(&app, &token, &rest_path).await.concat();
    assert_eq!(rest, first[1..].concat());

    for bad in [
        "/tips?cursor=not-a-cursor",
        "/tips?limit=0",
        "/tips?limit=1001",
    ] {
        let res = app.api_get(&token, bad).await;
        assert_eq!(res.status(), 422, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referrals_page_by_cursor_in_both_boxes() {
    let app = TestApp::spawn().await;
    let cw = app.principal("caseworker").await;
    let ffp = app.agency("Food for the Poor Guyana").await;
    let s = app.login("caseworker").await;
    let t0 = haven_core::now();
    for n in 0..5 {
        let case = s.new_case(&[("first_name", &format!("Paged{n}"))]).await;
        app.consent_to_referral(&cw, case, ffp).await;
        let input = ReferralInput {
            to_agency_id: ffp.to_string(),
            services: vec!["material_assistance".into()],
            urgency: "routine".into(),
            reason: "Needs food".into(),
            sections: vec!["identity".into()],
            send: true,
            ..Default::default()
        };
        // Two at the same second: the id breaks the tie.
        app.haven
            .at(t0 + (n / 2))
            .create_referral(&cw, case, &input, &Origin::default())
            .await
            .unwrap();
    }
    for (user, which) in [("caseworker", "outgoing"), ("provider", "incoming")] {
        let token = app.login(user).await.token().await;
        let whole = follow(&app, &token, &format!("/referrals?box={which}")).await;
        assert_eq!(whole.len(), 1, "{user}: one page by default");
        let pages = follow(&app, &token, &format!("/referrals?box={which}&limit=2")).await;
        assert!(pages.len() >= 3, "{user}: {pages:?}");
        assert_eq!(pages.concat(), whole[0], "{user} {which}");
        let res = app
            .api_get(&token, &format!("/referrals?box={which}&cursor=bm9wZQ"))
            .await;
        assert_eq!(res.status(), 422);
    }

    // The provider's notifications (one per referral): unread first, then newest first, and
    // the pages cross from the unread to the read ones without a gap.
    let token = app.login("provider").await.token().await;
    let all = follow(&app, &token, "/notifications").await.concat();
    assert!(all.len() >= 5, "{all:?}");
    for id in [&all[0], &all[3]] {
        let (status, _) = app
            .api_json(
                &token,
                reqwest::Method::POST,
                "/notifications/read",
                Some(&json!({"id": id})),
            )
            .await;
        assert_eq!(status, 200);
    }
    let whole = follow(&app, &token, "/notifications").await.concat();
    let mut expected: Vec<String> = all
        .iter()
        .filter(|i| *i != &all[0] && *i != &all[3])
        .cloned()
        .collect();
    expected.extend([all[0].clone(), all[3].clone()]);
    assert_eq!(
        whole, expected,
        "unread first, then the read ones, newest first"
    );
    for limit in [1, 2, 3] {
        let pages = follow(&app, &token, &format!("/notifications?limit={limit}")).await;
        assert_eq!(pages.concat(), whole, "limit {limit}");
    }
}

/// Every list of the API pages the same way: `limit` and `cursor`, a `Link` to the next page,
/// and following it gives the whole list once, in its order; a cursor Haven did not make, or
/// a limit out of range, is a 422.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_pages_by_cursor() {
    let app = TestApp::spawn().await;
    // Three or more of everything.
    let cpa = app.login("childcare").await;
    for (a, b, born) in [
        ("Dayana", "Daiana", "1999-11-03"),
        ("Mariah", "Maria", "2001-04-17"),
        ("Kevon", "Kevin", "1988-08-08"),
    ] {
        for first in [a, b] {
            crate::duplicates::register(&cpa, first, "Pestana", born, true).await;
        }
    }
    let coordinator = app.login("coordinator").await.token().await;
    let (status, scan) = app
        .api_json(
            &coordinator,
            reqwest::Method::POST,
            "/duplicates/scan",
            None,
        )
        .await;
    assert_eq!(status, 200, "{scan}");
    let caseworker = app.login("caseworker").await;
    let cw = caseworker.token().await;
    let case = caseworker.new_case(&[("first_name", "Tasked")]).await;
    for (n, day) in ["2030-01-05", "2030-01-03", "2030-01-03", "2030-01-09"]
        .iter()
        .enumerate()
    {
        let (status, _) = app
            .api_json(
                &cw,
                reqwest::Method::POST,
                &format!("/cases/{case}/protection/tasks"),
                Some(&json!({"kind": "call", "title": format!("Call {n}"), "due_on": day})),
            )
            .await;
        assert_eq!(status, 201);
        let (status, _) = app
            .api_json(
                &cw,
                reqwest::Method::POST,
                "/drafts",
                Some(&json!({"person": {"first_name": format!("Draft{n}")}})),
            )
            .await;
        assert_eq!(status, 201);
        let (status, _) = app
            .api_json(
                &cw,
                reqwest::Method::POST,
                "/tokens",
                Some(&json!({"label": format!("Token {n}"), "scopes": ["cases:read"]})),
            )
            .await;
        assert_eq!(status, 201);
    }
    let trainer = app.login("trainer").await.token().await;
    for (title, day) in [
        ("One", "2030-02-01"),
        ("Two", "2030-03-01"),
        ("Three", "2030-02-01"),
    ] {
        let (status, _) = app
            .api_json(
                &trainer,
                reqwest::Method::POST,
                "/training/workshops",
                Some(
                    &json!({"title": title, "topics": ["identification"], "first_day": day,
                    "last_day": day, "region": "GY-DE", "place": "Georgetown"}),
                ),
            )
            .await;
        assert_eq!(status, 201);
    }
    let admin = app.login("admin").await.token().await;

    for (token, list) in [
        (&coordinator, "/duplicates?status=open"),
        (&cw, "/tasks"),
        (&cw, "/drafts"),
        (&cw, "/tokens"),
        (&trainer, "/training/workshops"),
        (&admin, "/admin/users"),
        (&admin, "/agencies"),
    ] {
        let sep = if list.contains('?') { '&' } else { '?' };
        let whole = follow(&app, token, &format!("{list}{sep}limit=1000")).await;
        assert_eq!(whole.len(), 1, "{list}: one page");
        let whole = whole.concat();
        assert!(whole.len() >= 3, "{list}: {whole:?}");
        let pages = follow(&app, token, &format!("{list}{sep}limit=2")).await;
        assert!(pages.iter().all(|p| p.len() <= 2), "{list}");
        assert_eq!(
            pages.concat(),
            whole,
            "{list}: the same list, in the same order"
        );
    }
    // The orders said in the document.
    let tasks = app
        .api_get(&cw, "/tasks")
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap();
    let due: Vec<&str> = tasks
        .iter()
        .map(|t| t["due_on"].as_str().unwrap())
        .collect();
    assert_eq!(
        due,
        ["2030-01-03", "2030-01-03", "2030-01-05", "2030-01-09"]
    );
    let pairs = app
        .api_get(&coordinator, "/duplicates")
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap();
    let p: Vec<f64> = pairs
        .iter()
        .map(|v| v["probability"].as_f64().unwrap())
        .collect();
    assert!(
        p.windows(2).all(|w| w[0] >= w[1]),
        "most probable first: {p:?}"
    );

    // Every paged list refuses a cursor it did not make and a limit out of range.
    for (token, list) in [
        (&coordinator, "/duplicates"),
        (&coordinator, "/notifications"),
        (&coordinator, "/transfers"),
        (&coordinator, "/referrals?box=overdue"),
        (&coordinator, "/releases"),
        (&coordinator, "/releases/jobs"),
        (&coordinator, "/imports"),
        (&cw, "/tasks"),
        (&cw, "/drafts"),
        (&cw, "/tokens"),
        (&trainer, "/training/workshops"),
        (&admin, "/admin/users"),
        (&admin, "/agencies"),
    ] {
        let sep = if list.contains('?') { '&' } else { '?' };
        for bad in [
            "cursor=bm9wZQ",
            "cursor=%F0%9F%92%A3",
            "limit=0",
            "limit=1001",
        ] {
            let res = app.api_get(token, &format!("{list}{sep}{bad}")).await;
            assert_eq!(res.status(), 422, "{list} {bad}");
        }
        let res = app.api_get(token, &format!("{list}{sep}limit=1")).await;
        assert_eq!(res.status(), 200, "{list}");
    }
}
