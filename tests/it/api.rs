//! The JSON API: problem details, tokens, and the OpenAPI document against the checked-in copy.
use crate::harness::TestApp;

#[tokio::test]
async fn served_openapi_matches_the_checked_in_document() {
    let app = TestApp::spawn().await;
    let served = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json")).expect(
            "docs/openapi.json exists (regenerate with: cargo run -- openapi > docs/openapi.json)",
        );
    assert_eq!(
        served.trim(),
        checked_in.trim(),
        "the API changed: regenerate docs/openapi.json with `cargo run -- openapi > docs/openapi.json`"
    );
    let doc: serde_json::Value = serde_json::from_str(&served).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}

#[tokio::test]
async fn errors_are_problem_json_and_tokens_can_be_revoked() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let token = s.token().await;
    let c = reqwest::Client::new();
    let res = c
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"person": {"first_name": "", "gender": "x"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "first_name",
            "birth_date",
            "gender",
            "trafficking_status",
            "type_of_exploitation",
            "region"
        ],
        "every missing or wrong field is named, in form order"
    );
    let res = c
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");

    let created: serde_json::Value = c
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .json(&crate::harness::api_case("Lucía"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(created["case_number"].as_str().unwrap().starts_with("GY-"));
    let found: serde_json::Value = c
        .post(app.url("/api/v1/cases/search"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "lucia"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == created["id"])
    );

    // Revoke through the account page: the token stops working at once.
    let tid: String = sqlx::query_scalar("SELECT id FROM api_tokens")
        .fetch_one(app.haven.db.pool())
        .await
        .unwrap();
    s.post_form(&format!("/account/tokens/{tid}/revoke"), &[])
        .await;
    assert_eq!(
        c.get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}
