//! Tips: the public form (anonymous, rate-limited, honeypot), hotline entry, and the triage
//! queue's need to know (coordinator sees all; others what they entered or were assigned).
use serde_json::{Value, json};

use crate::harness::{TestApp, csrf_of};

const WHAT: &str = "Two girls kept in the back room of the Golden Star bar at the landing";

#[tokio::test]
async fn the_public_form_is_anonymous_sealed_rate_limited_and_ignores_bots() {
    let policy = haven_core::Policy {
        tips_per_hour: 2,
        ..Default::default()
    };
    let app = TestApp::spawn_with(policy, 0).await;
    let before = app.count("SELECT COUNT(*) FROM tips").await;
    let anon = app.client();
    let page = anon
        .get(app.url("/report"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("name=\"website\""), "the honeypot is there");
    assert!(page.contains("name=\"what\""));
    let csrf = csrf_of(&anon, &app.url("/report")).await;
    let send = |fields: Vec<(&'static str, String)>| {
        let anon = anon.clone();
        let url = app.url("/report");
        let csrf = csrf.clone();
        async move {
            let mut all = vec![("csrf", csrf)];
            all.extend(fields);
            anon.post(url).form(&all).send().await.unwrap()
        }
    };

    // Nothing to report: a clear error, nothing stored, the other fields kept.
    let res = send(vec![("what", "".into()), ("place", "Bartica".into())]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Bartica"));

    // A bot fills the honeypot: it sees a reference, and nothing is stored or counted.
    let res = send(vec![
        ("what", WHAT.into()),
        ("website", "http://spam".into()),
    ])
    .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("T-"));
    assert_eq!(app.count("SELECT COUNT(*) FROM tips").await, before);

    let res = send(vec![
        ("what", WHAT.into()),
        ("region", "GY-CU".into()),
        ("suspected", "sexual".into()),
        ("contact", "call 600-1234 after 6pm".into()),
    ])
    .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let start = html.find("id=\"reference\">").unwrap() + "id=\"reference\">".len();
    let reference = &html[start..start + 11];
    assert!(reference.starts_with("T-"), "{reference}");
    assert!(
        !html.contains(WHAT),
        "the submitter gets the reference only"
    );

    // Sealed, coded facts in clear, no author, and the address kept nowhere.
    let (body, region, channel, entered_by): (Vec<u8>, String, String, Option<String>) =
        sqlx::query_as("SELECT body, region, channel, entered_by FROM tips WHERE reference = $1")
            .bind(reference)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert!(!body.windows(10).any(|w| w == b"Golden Sta"));
    assert_eq!(
        (region.as_str(), channel.as_str(), entered_by),
        ("GY-CU", "web", None)
    );
    let (user, ip): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT actor_user_id, ip FROM audit_events WHERE action = 'tip.received' ORDER BY seq DESC",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!((user, ip), (None, None));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM rate_events WHERE key LIKE '%127.0.0.1%'")
            .await,
        0
    );

    // The second is accepted; the third within the hour is refused and loses nothing.
    let res = send(vec![("what", "Another report".into())]).await;
    assert_eq!(res.status(), 200);
    let res = send(vec![("what", "A third report from the same place".into())]).await;
    assert_eq!(res.status(), 429);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("A third report from the same place")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM tips").await, before + 2);

    // Over-long text is refused with the field named.
    let res = send(vec![("what", "x".repeat(4001))]).await;
    assert_eq!(res.status(), 422);
}

async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn hotline_tips_are_triaged_by_the_coordinator_and_followed_by_the_assignee() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let screener = app.login("screener").await.token().await;
    let cw_session = app.login("caseworker").await;
    let caseworker = cw_session.token().await;
    let coordinator_s = app.login("coordinator").await;
    let coordinator = coordinator_s.token().await;
    let analyst = app.login("analyst").await.token().await;

    let res = api(
        &app,
        &screener,
        Method::POST,
        "/api/v1/tips",
        Some(json!({"what": WHAT, "caller": "witness", "minutes": 7, "language": "spa", "suspected": "sexual"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    let reference = v["reference"].as_str().unwrap().to_string();
    let tip = format!("/api/v1/tips/{id}");
    let bad = api(
        &app,
        &screener,
        Method::POST,
        "/api/v1/tips",
        Some(json!({"what": "x", "caller": "cat"})),
    )
    .await;
    assert_eq!(bad.status(), 422);
    // A control character is "bad characters", not "too long" (one text rule everywhere).
    let bad: Value = api(
        &app,
        &screener,
        Method::POST,
        "/api/v1/tips",
        Some(json!({"what": "a\u{0}b", "caller": "witness"})),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(bad["errors"][0]["field"], "what");
    assert_eq!(bad["errors"][0]["code"], "error-bad-characters");
    assert_eq!(
        api(
            &app,
            &analyst,
            Method::POST,
            "/api/v1/tips",
            Some(json!({"what": "x"}))
        )
        .await
        .status(),
        403
    );

    // Who sees it: the operator who entered it and the coordinator; not the case worker yet.
    let got: Value = api(&app, &screener, Method::GET, &tip, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["what"], WHAT);
    assert_eq!(got["call"]["minutes"], 7);
    assert_eq!(
        api(&app, &caseworker, Method::GET, &tip, None)
            .await
            .status(),
        404
    );
    assert_eq!(
        api(&app, &analyst, Method::GET, "/api/v1/tips", None)
            .await
            .status(),
        403
    );
    let queue: Value = api(&app, &coordinator, Method::GET, "/api/v1/tips", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id.as_str())
    );
    let mine: Value = api(
        &app,
        &caseworker,
        Method::GET,
        "/api/v1/tips?status=all",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(mine.as_array().unwrap().is_empty());
    // Found by its reference however it is typed.
    let typed = reference.to_lowercase().replace('-', " ");
    let html = coordinator_s
        .get(&format!(
            "/tips?status=all&reference={}",
            typed.replace(' ', "+")
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&reference));

    // Only the coordinator assigns; then the assignee sees it and links it to a case.
    let cw_id = app.user_id("caseworker").await.to_string();
    let assign = json!({"decision": "assign", "user_id": cw_id});
    let triage = format!("{tip}/triage");
    assert_eq!(
        api(&app, &screener, Method::POST, &triage, Some(assign.clone()))
            .await
            .status(),
        403
    );
    assert_eq!(
        api(&app, &coordinator, Method::POST, &triage, Some(assign))
            .await
            .status(),
        204
    );
    assert_eq!(
        api(&app, &caseworker, Method::GET, &tip, None)
            .await
            .status(),
        200
    );
    let res = api(
        &app,
        &caseworker,
        Method::POST,
        "/api/v1/cases",
        Some(crate::harness::api_case("Tipcase")),
    )
    .await;
    assert_eq!(res.status(), 201);
    let case: Value = res.json().await.unwrap();
    let number = case["case_number"].as_str().unwrap().to_string();
    let res = api(
        &app,
        &caseworker,
        Method::POST,
        &triage,
        Some(json!({"decision": "link", "case": "GY-1999-99999"})),
    )
    .await;
    assert_eq!(res.status(), 422, "an unknown case number");
    let res = api(
        &app,
        &caseworker,
        Method::POST,
        &triage,
        Some(json!({"decision": "link", "case": number})),
    )
    .await;
    assert_eq!(res.status(), 204);
    let got: Value = api(&app, &caseworker, Method::GET, &tip, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "linked");
    assert_eq!(got["case_id"], case["id"]);
    // The tip's page names the case by its number, for who may open it.
    let page = cw_session
        .get(&format!("/tips/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("class=\"nowrap\">{}</a>", number)),
        "{page}"
    );
    // Linked is final.
    let close = json!({"decision": "close", "reason": "duplicate"});
    assert_eq!(
        api(&app, &coordinator, Method::POST, &triage, Some(close))
            .await
            .status(),
        422
    );

    // Closing needs a known reason, and a note for "other"; the note is sealed.
    let (id2, _) = app
        .haven
        .record_hotline_tip(
            &app.principal("screener").await,
            haven_core::tips::TipInput {
                what: "Unclear call about a farm".into(),
                ..Default::default()
            },
            &Default::default(),
        )
        .await
        .unwrap();
    let triage2 = format!("/api/v1/tips/{id2}/triage");
    for (body, status) in [
        (json!({"decision": "close", "reason": "bored"}), 422),
        (json!({"decision": "close", "reason": "other"}), 422),
        (
            json!({"decision": "close", "reason": "other", "note": "Caller hung up twice"}),
            204,
        ),
    ] {
        assert_eq!(
            api(&app, &coordinator, Method::POST, &triage2, Some(body))
                .await
                .status(),
            status
        );
    }
    let note: Vec<u8> = sqlx::query_scalar("SELECT triage_note FROM tips WHERE id = $1")
        .bind(&id2)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(!note.windows(6).any(|w| w == b"hung u"));
    assert_eq!(app.audit_count("tip.triaged").await, 3);
    assert!(app.audit_count("tip.viewed").await >= 3);

    // The pages: the queue, the tip, the dashboard count.
    let page = coordinator_s.get("/tips?status=all").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&reference));
    let html = coordinator_s
        .get(&format!("/tips/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Golden Star"));
    let html = coordinator_s.get("/dashboard").await.text().await.unwrap();
    assert!(html.contains("href=\"/tips\""), "the demo leaves open tips");
    // The page forms: close the demo's first open tip with a reason.
    let open: Vec<String> = sqlx::query_scalar("SELECT id FROM tips WHERE status = 'new'")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    let res = coordinator_s
        .post_form(
            &format!("/tips/{}/close", open[0]),
            &[("reason", "not_trafficking"), ("note", "")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = cw_session
        .post_form(&format!("/tips/{}/assign", open[0]), &[("user", &cw_id)])
        .await;
    assert_eq!(res.status(), 404, "not the case worker's tip");

    // A screener (the mines officer) may be given a tip: offered on the page, confirmed, and
    // the tip is theirs to follow.
    let mines = app.user_id("screener").await.to_string();
    let tip_page = coordinator_s
        .get(&format!("/tips/{}", open[1]))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        tip_page.contains(&format!("<option value=\"{mines}\"")),
        "screeners offered"
    );
    let res = coordinator_s
        .post_form(&format!("/tips/{}/assign", open[1]), &[("user", &mines)])
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let page = coordinator_s.get(&to).await.text().await.unwrap();
    assert!(page.contains("Tip assigned."), "the move is confirmed");
    let officer = app.login("screener").await;
    assert_eq!(
        officer.get(&format!("/tips/{}", open[1])).await.status(),
        200
    );
    // An analyst is no one to give a tip to.
    let analyst_id = app.user_id("analyst").await.to_string();
    let res = coordinator_s
        .post_form(
            &format!("/tips/{}/assign", open[1]),
            &[("user", &analyst_id)],
        )
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn the_public_pages_give_the_numbers_to_call_and_not_the_staff_footer() {
    let policy = haven_core::Policy {
        hotline_number: "+592 227 0000".into(),
        ..Default::default()
    };
    let app = TestApp::spawn_with(policy, 0).await;
    let anon = app.client();
    let get = |path: &'static str| {
        let anon = anon.clone();
        let url = app.url(path);
        async move { anon.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let report = get("/report").await;
    assert!(
        report.contains("<a href=\"tel:911\""),
        "the emergency number, dialable"
    );
    assert!(
        report.contains("<a href=\"tel:+5922270000\""),
        "the hotline"
    );
    assert!(report.contains("+592 227 0000"));
    let staff_footer = "Confidential: this system holds personal data";
    assert!(
        !report.contains(staff_footer),
        "no staff footer for the public"
    );
    assert!(!get("/verify").await.contains(staff_footer));
    let s = app.login("caseworker").await;
    let dash = s.get("/dashboard").await.text().await.unwrap();
    assert!(dash.contains(staff_footer), "staff pages keep it");
    // Without a hotline, none is shown; the emergency line stays.
    let app = TestApp::spawn_with(Default::default(), 0).await;
    let report = app
        .client()
        .get(app.url("/report"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(report.contains("tel:911") && !report.contains("hotline:"));
}
