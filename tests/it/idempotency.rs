//! `Idempotency-Key`: a client that retries a creating request (after a timeout, a dropped
//! connection) gets the first answer again and creates nothing twice; the same key with
//! another request is refused; a refused request leaves the key free.
use crate::harness::{TestApp, api_case};

async fn case_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_retried_registration_creates_one_case_and_answers_the_same() {
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    let c = reqwest::Client::new();
    let post = |key: &str, body: serde_json::Value| {
        c.post(app.url("/api/v1/cases"))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let before = case_count(&app).await;
    let first = post("k-1", api_case("Retrida")).await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let location = first.headers()["location"].clone();
    let etag = first.headers()["etag"].clone();
    let first: serde_json::Value = first.json().await.unwrap();

    let again = post("k-1", api_case("Retrida")).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["location"], location);
    assert_eq!(again.headers()["etag"], etag);
    assert_eq!(
        again.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again, first);
    assert_eq!(case_count(&app).await, before + 1);

    // The same key with another request: refused, naming the header; nothing created.
    let other = post("k-1", api_case("Otrita")).await.unwrap();
    assert_eq!(other.status(), 422);
    let p: serde_json::Value = other.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(p["errors"][0]["code"], "error-idempotency-key-reused");
    assert_eq!(case_count(&app).await, before + 1);

    // A key is the caller's own: another user's same key is another request.
    let screener = app.login("screener").await.token().await;
    let res = c
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&screener)
        .header("Idempotency-Key", "k-1")
        .json(&api_case("Retrida"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers().get("idempotent-replayed").is_none());
    assert_eq!(case_count(&app).await, before + 2);

    // The kept answer is sealed: the case number is not in the table in clear.
    let number = first["case_number"].as_str().unwrap();
    let bodies: Vec<Vec<u8>> = sqlx::query_scalar("SELECT body FROM idempotency_keys")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert_eq!(bodies.len(), 2);
    assert!(
        bodies
            .iter()
            .all(|b| !b.windows(number.len()).any(|w| w == number.as_bytes()))
    );
}

/// A refused request creates nothing and keeps nothing: the corrected request may reuse the
/// key. A malformed key is refused before anything runs.
#[tokio::test]
async fn a_refused_request_leaves_its_key_free() {
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    let id = app.case("caseworker").create().await;
    let c = reqwest::Client::new();
    let note = |key: &str, body: &str| {
        c.post(app.url(&format!("/api/v1/cases/{id}/notes")))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&serde_json::json!({ "body": body }))
            .send()
    };
    assert_eq!(note("n-1", "").await.unwrap().status(), 422);
    let res = note("n-1", "Called the shelter").await.unwrap();
    assert_eq!(res.status(), 201);
    let again = note("n-1", "Called the shelter").await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let notes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_notes")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(notes, 1);

    for bad in ["with space", "clé", &"k".repeat(256)] {
        let res = c
            .post(app.url(&format!("/api/v1/cases/{id}/notes")))
            .bearer_auth(&token)
            .header("Idempotency-Key", bad.as_bytes())
            .json(&serde_json::json!({ "body": "x" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{bad}");
        let p: serde_json::Value = res.json().await.unwrap();
        assert_eq!(p["errors"][0]["code"], "error-idempotency-key", "{bad}");
    }
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM case_notes")
            .fetch_one(app.store.pool())
            .await
            .unwrap(),
        1
    );
}

/// Ten copies of one request sent at once, as a client with an impatient retry loop would:
/// one case, and every answer is either that case or "still running".
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_retries_create_one_case() {
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    let before = case_count(&app).await;
    let c = reqwest::Client::new();
    let url = app.url("/api/v1/cases");
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let send = c
            .post(&url)
            .bearer_auth(&token)
            .header("Idempotency-Key", "burst")
            .json(&api_case("Rafaga"))
            .send();
        sends.spawn(send);
    }
    let answers = sends.join_all().await;
    let mut ids = std::collections::BTreeSet::new();
    for a in answers {
        let a = a.unwrap();
        let status = a.status().as_u16();
        let body: serde_json::Value = a.json().await.unwrap();
        match status {
            201 => {
                ids.insert(body["id"].as_str().unwrap().to_string());
            }
            409 => assert_eq!(
                body["type"],
                "https://haven.invalid/problems/error-idempotency-in-progress"
            ),
            s => panic!("{s}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(case_count(&app).await, before + 1);
}

/// A replay skips the handler, not the rules around it: it is in the audit trail, and a token
/// of the same user without the operation's scope is refused as for a request run.
#[tokio::test]
async fn a_replay_is_audited_and_needs_the_scope() {
    let app = TestApp::spawn().await;
    let web = app.login("caseworker").await;
    let token = web.token().await;
    let reader = web.token_with("reader", &["cases:read"], "30").await;
    let post = |token: String| {
        let url = app.url("/api/v1/cases");
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", "audited-1")
                .json(&api_case("Auditada"))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(post(token.clone()).await.status(), 201);
    assert_eq!(app.audit_count("api.replayed").await, 0);
    let again = post(token.clone()).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(app.audit_count("api.replayed").await, 1);
    let events = app.audit_events("api.replayed").await;
    let details = format!("{:?}", events[0]);
    assert!(details.contains("/api/v1/cases/"), "{details}");
    let res = post(reader).await;
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("idempotent-replayed").is_none());
    assert_eq!(app.audit_count("api.replayed").await, 1);
}
