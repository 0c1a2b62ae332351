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
                .map(|i| i["id"].as_str().unwrap().to_string())
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
}
