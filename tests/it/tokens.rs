//! API tokens with scopes: a token does only what it was given, whatever its owner's role
//! allows; a token made with a token holds no more and lives no longer; the owner lists and
//! revokes their own tokens, through the API too.
use haven_authz::Scope;

use crate::harness::TestApp;

/// The scope each operation should need, written apart from the server's table on purpose:
/// the document and the server must both agree with it.
fn expected_scope(method: &str, path: &str) -> Option<&'static str> {
    let p = path.trim_start_matches("/api/v1");
    let first = p.split('/').nth(1).unwrap_or("");
    match (method, first) {
        (_, "me" | "agencies" | "tokens" | "certificates") => None,
        (_, "stats" | "releases") => Some("statistics"),
        (_, "audit" | "admin") => Some("admin"),
        (_, "training") => Some("training"),
        (_, "referrals" | "services") => Some("referrals"),
        _ if p.ends_with("/referrals")
            || p.ends_with("/services")
            || p.ends_with("/matching-services") =>
        {
            Some("referrals")
        }
        ("post", _)
            if p.ends_with("/search")
                || p.ends_with("/export")
                || p.ends_with("/matches")
                || p == "/matches/check" =>
        {
            Some("cases:read")
        }
        ("get", _) => Some("cases:read"),
        _ => Some("cases:write"),
    }
}

/// Every operation of the document, called with a token holding a single scope: where the
/// operation needs another scope the answer is the token-scope 403, before anything else (an
/// unknown id, a missing body); where it needs this one, the token is never the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_does_only_what_its_scopes_allow_on_every_operation() {
    let app = TestApp::spawn().await;
    let web = app.login("coordinator").await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let c = reqwest::Client::new();
    let mut wrong = Vec::new();
    for scope in Scope::ALL {
        let token = web.token_with("one", &[scope.code()], "30").await;
        for (path, item) in doc["paths"].as_object().unwrap() {
            if path.ends_with("/openapi.json") {
                continue;
            }
            for (method, op) in item.as_object().unwrap() {
                // `[{}]`: no token needed (a certificate's verification).
                let public = op["security"][0].as_object().is_some_and(|o| o.is_empty());
                let needs: Vec<&str> = match op["security"][0]["bearer"].as_array() {
                    Some(scopes) => scopes.iter().filter_map(|v| v.as_str()).collect(),
                    None if public => vec![],
                    None => panic!("{method} {path}: no security requirement"),
                };
                let want: Vec<&str> = expected_scope(method, path).into_iter().collect();
                if scope == Scope::CasesRead && needs != want {
                    wrong.push(format!(
                        "{method} {path}: documented {needs:?}, expected {want:?}"
                    ));
                }
                let url = app.url(&path.replace('{', "x").replace('}', ""));
                let req = match method.as_str() {
                    "get" => c.get(&url),
                    "post" => c.post(&url),
                    "put" => c.put(&url),
                    "delete" => c.delete(&url),
                    m => panic!("{m}"),
                };
                let res = req
                    .bearer_auth(&token)
                    .json(&serde_json::json!({}))
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let body = res.text().await.unwrap();
                let refused = body.contains("problems/error-token-scope");
                let allowed = needs.is_empty() || needs.contains(&scope.code());
                if allowed == refused || (refused && status != 403) {
                    wrong.push(format!(
                        "{} {method} {path} (needs {needs:?}): {status} {body}",
                        scope.code()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_read_only_token_reads_and_cannot_change() {
    let app = TestApp::spawn().await;
    let web = app.login("caseworker").await;
    let id = app.case("caseworker").create().await;
    let token = web.token_with("reader", &["cases:read"], "30").await;
    assert_eq!(
        app.api_get(&token, &format!("/cases/{id}")).await.status(),
        200
    );
    let c = reqwest::Client::new();
    let res = c
        .post(app.url(&format!("/api/v1/cases/{id}/notes")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"body": "should not be written"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        problem["type"],
        "https://haven.invalid/problems/error-token-scope"
    );
    // Nothing was written: the case has no note.
    let case: serde_json::Value = app
        .api_get(&token, &format!("/cases/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(case["notes"].as_array().map(Vec::len), Some(0), "{case}");
}

/// A token cannot mint a stronger or longer-lived one: the scopes must be among its own, the
/// expiry is capped at its own. The list shows scopes and dates, never a secret; revoking
/// through the API ends the token at once.
#[tokio::test]
async fn tokens_made_through_the_api_hold_no_more_than_their_maker() {
    let app = TestApp::spawn().await;
    let web = app.login("caseworker").await;
    let parent = web
        .token_with("integration", &["cases:read", "referrals"], "30")
        .await;
    let c = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        c.post(app.url("/api/v1/tokens"))
            .bearer_auth(&parent)
            .json(&body)
            .send()
    };

    // More than the parent: refused, naming the field.
    let res = post(serde_json::json!({"label": "wider", "scopes": ["cases:read", "cases:write"]}))
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "scopes");
    assert_eq!(p["errors"][0]["code"], "error-token-scopes-exceed");
    // An unknown scope, no scope, a year and a day: refused.
    for (body, field) in [
        (
            serde_json::json!({"label": "x", "scopes": ["cases:delete"]}),
            "scopes",
        ),
        (serde_json::json!({"label": "x", "scopes": []}), "scopes"),
        (
            serde_json::json!({"label": "x", "scopes": ["referrals"], "days": 366}),
            "days",
        ),
        (
            serde_json::json!({"label": " ", "scopes": ["referrals"]}),
            "label",
        ),
    ] {
        let res = post(body.clone()).await.unwrap();
        assert_eq!(res.status(), 422, "{body}");
        let p: serde_json::Value = res.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }

    // Fewer scopes, asking for a year: made, but it ends with its parent (30 days).
    let res = post(serde_json::json!({"label": "child", "scopes": ["referrals"], "days": 365}))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let made: serde_json::Value = res.json().await.unwrap();
    let child = made["token"].as_str().unwrap().to_string();
    assert!(child.starts_with("hvn_"));
    assert_eq!(app.api_get(&child, "/referrals").await.status(), 200);
    assert_eq!(app.api_get(&child, "/cases").await.status(), 403);

    let list: serde_json::Value = app.api_get(&child, "/tokens").await.json().await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let text = serde_json::to_string(list).unwrap();
    assert!(!text.contains(&child) && !text.contains(&parent) && !text.contains("hash"));
    let find = |label: &str| list.iter().find(|t| t["label"] == label).unwrap().clone();
    let (p, ch) = (find("integration"), find("child"));
    assert_eq!(ch["scopes"], serde_json::json!(["referrals"]));
    assert!(ch["expires_at"].as_i64().unwrap() <= p["expires_at"].as_i64().unwrap());
    assert!(p["expires_at"].as_i64().unwrap() - p["created_at"].as_i64().unwrap() <= 30 * 86400);

    // Revoked through the API: the child stops at once; the parent goes on.
    let res = c
        .post(app.url(&format!(
            "/api/v1/tokens/{}/revoke",
            made["id"].as_str().unwrap()
        )))
        .bearer_auth(&parent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(app.api_get(&child, "/me").await.status(), 401);
    assert_eq!(app.api_get(&parent, "/me").await.status(), 200);

    // Someone else's token is not found, not revoked.
    let other = app.login("screener").await.token().await;
    let theirs: serde_json::Value = app.api_get(&other, "/tokens").await.json().await.unwrap();
    let res = c
        .post(app.url(&format!(
            "/api/v1/tokens/{}/revoke",
            theirs[0]["id"].as_str().unwrap()
        )))
        .bearer_auth(&parent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(app.api_get(&other, "/me").await.status(), 200);
}

/// The account page: reading cases is the one scope ticked to begin with, a token needs at
/// least one, and the list says what each token may do.
#[tokio::test]
async fn the_account_page_makes_tokens_with_chosen_scopes() {
    let app = TestApp::spawn().await;
    let web = app.login("caseworker").await;
    let page = web.get("/account").await.text().await.unwrap();
    assert!(page.contains(r#"value="cases:read" checked"#), "{page}");
    assert!(!page.contains(r#"value="cases:write" checked"#));

    let res = web
        .post_form("/account/tokens", &[("label", "none"), ("days", "30")])
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("Choose at least one thing the token may do."));
    assert!(!page.contains("hvn_"));
    // What was typed is kept: the label and the days chosen.
    assert!(
        page.contains(r#"name="label" required maxlength="100" value="none""#),
        "{page}"
    );
    assert!(page.contains(r#"<option value="30" selected>"#), "{page}");
    assert!(
        !page.contains(r#"value="cases:read" checked"#),
        "none was ticked"
    );

    let token = web
        .token_with("stats", &["statistics", "training"], "90")
        .await;
    assert_eq!(app.api_get(&token, "/me").await.status(), 200);
    let page = web.get("/account").await.text().await.unwrap();
    assert!(page.contains("Statistics, Training"), "{page}");
}

/// Past its requests per minute a token gets `429` with `Retry-After`, as a problem document;
/// another token of the same user, and the pages, go on.
#[tokio::test]
async fn a_token_past_its_rate_gets_429_with_retry_after() {
    let web = haven_web::WebConfig {
        api_requests_per_minute: 5,
        ..Default::default()
    };
    let app = TestApp::spawn_configured(haven_core::Policy::default(), 0, web).await;
    let s = app.login("caseworker").await;
    let busy = s.token().await;
    let other = s.token().await;
    for i in 0..5 {
        assert_eq!(app.api_get(&busy, "/me").await.status(), 200, "request {i}");
    }
    let res = app.api_get(&busy, "/me").await;
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=12).contains(&wait), "{wait}");
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        p["type"],
        "https://haven.invalid/problems/error-rate-limited"
    );
    assert_eq!(app.api_get(&other, "/me").await.status(), 200);
    assert_eq!(s.get("/dashboard").await.status(), 200);
}

/// Whatever a label holds, a token is made with it as typed (trimmed) or refused with a named
/// field, on both databases: never a server error (a NUL does not even store in PostgreSQL).
#[tokio::test]
async fn any_label_is_kept_as_typed_or_refused() {
    use proptest::strategy::{Strategy, ValueTree};
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    let mut labels: Vec<String> = [
        "nul\u{0}inside",
        "two\nlines",
        "tab\there",
        "\u{202e}gnp.exe",
        "Łódź – ñandú – 你好 – 🙂",
        "e\u{301}",
        "\u{feff}bom",
        "\u{7f}del",
        "   ",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    labels.push("ł".repeat(100));
    labels.push("ł".repeat(101));
    // And arbitrary Unicode.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..40 {
        labels.push(
            proptest::string::string_regex("\\PC{0,3}[\\x00-\\x1f]?.{0,20}")
                .unwrap()
                .new_tree(&mut runner)
                .unwrap()
                .current(),
        );
    }
    for label in labels {
        let res = app
            .api_post(
                &token,
                "/tokens",
                &serde_json::json!({"label": label, "scopes": ["cases:read"], "days": 1}),
            )
            .await;
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().await.unwrap();
        let trimmed = label.trim();
        let clean = !trimmed.is_empty()
            && trimmed.chars().count() <= 100
            && !trimmed.chars().any(char::is_control);
        if clean {
            assert_eq!(status, 201, "{label:?}: {body}");
        } else {
            assert_eq!(status, 422, "{label:?}: {body}");
            assert_eq!(body["errors"][0]["field"], "label", "{label:?}: {body}");
        }
    }
    let list: Vec<serde_json::Value> = app.api_get(&token, "/tokens").await.json().await.unwrap();
    assert!(
        list.iter()
            .any(|t| t["label"] == "Łódź – ñandú – 你好 – 🙂")
    );
}
