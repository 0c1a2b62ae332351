//! The JSON API: problem details, tokens, and the OpenAPI document against the checked-in copy.
use crate::harness::{TestApp, api_case};

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
    assert_eq!(document_defects(&doc), Vec::<String>::new());
    // Coded fields are enums of their HTCDS value names, so a generated client types them.
    let schemas = &doc["components"]["schemas"];
    let gender = &schemas["PersonData"]["properties"]["gender"]["enum"];
    assert!(
        gender
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("Feminine")),
        "{gender}"
    );
    let exploitation =
        &schemas["VictimData"]["properties"]["type_of_exploitation"]["items"]["enum"];
    assert!(
        exploitation
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("ForcedLabour"))
    );
    assert!(
        !exploitation
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(""))
    );
    let region = &schemas["CaseData"]["properties"]["region"]["enum"];
    assert!(
        region
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("GY-CU"))
    );
    // Answers typed so far (issue 24 goes on with the rest): a client reads them as objects.
    for (path, schema) in [
        ("/api/v1/tasks", "TaskView"),
        ("/api/v1/notifications", "NotificationView"),
        ("/api/v1/tips", "TipSummary"),
        ("/api/v1/referrals", "ReferralView"),
    ] {
        let answer = &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            answer["schema"]["items"]["$ref"],
            format!("#/components/schemas/{schema}").as_str(),
            "{path}"
        );
        assert!(schemas[schema]["properties"]["id"].is_object(), "{schema}");
    }
    for (path, method, status, schema) in [
        ("/api/v1/screenings/{id}", "get", "200", "ScreeningView"),
        ("/api/v1/screenings", "post", "201", "ScreeningView"),
        ("/api/v1/tips/{id}", "get", "200", "TipView"),
        ("/api/v1/referrals/{id}", "get", "200", "ReferralView"),
    ] {
        assert_eq!(
            doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
                ["$ref"],
            format!("#/components/schemas/{schema}").as_str(),
            "{method} {path}"
        );
    }
    assert_eq!(
        schemas["Outcome"]["enum"],
        serde_json::json!([
            "no_indicators",
            "exploitation_only",
            "possible_victim",
            "indicators_met"
        ])
    );
}

/// What a generated client would trip on: a `{name}` in a path not declared as a path
/// parameter, a parameter declared `in: path` that is not in the path (a query parameter
/// mislabelled), an error answer not documented as the problem document it is, an operation
/// behind a token that does not document the 401, and one that takes input without its 400.
fn document_defects(doc: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    // A `null` where the specification wants an object breaks generators and validators (a
    // default or an example may be null: it is a JSON value there).
    fn nulls(v: &serde_json::Value, at: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Null => out.push(format!("{at}: null")),
            serde_json::Value::Object(o) => o
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "default" | "example" | "enum" | "const"))
                .for_each(|(k, v)| nulls(v, &format!("{at}/{k}"), out)),
            serde_json::Value::Array(a) => a.iter().for_each(|v| nulls(v, at, out)),
            _ => {}
        }
    }
    nulls(doc, "", &mut out);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let in_path: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|p| p.split('}').next())
            .collect();
        for (method, op) in item.as_object().expect("path item") {
            let at = format!("{} {path}", method.to_uppercase());
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let declared: Vec<&str> = params
                .iter()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            for name in &in_path {
                if !declared.contains(name) {
                    out.push(format!("{at}: {{{name}}} is not declared"));
                }
            }
            for name in &declared {
                if !in_path.contains(name) {
                    out.push(format!(
                        "{at}: {name} is declared in the path but is not in it"
                    ));
                }
            }
            let answers = op["responses"].as_object().expect("responses");
            for (code, answer) in answers {
                if answer["description"].as_str().is_none_or(str::is_empty) {
                    out.push(format!("{at}: {code} has no description"));
                }
            }
            for (code, answer) in answers {
                if code.starts_with(['4', '5']) {
                    let types: Vec<&String> = answer["content"]
                        .as_object()
                        .map(|c| c.keys().collect())
                        .unwrap_or_default();
                    if types != [&"application/problem+json".to_string()] {
                        out.push(format!("{at}: {code} is documented as {types:?}"));
                    }
                }
            }
            // An operation without a token says so with an empty security requirement.
            let public = op["security"].as_array().is_some_and(|r| {
                r.iter()
                    .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
            });
            if !public && !answers.contains_key("401") {
                out.push(format!("{at}: no 401"));
            }
            if public && answers.contains_key("401") {
                out.push(format!("{at}: needs no token, yet documents a 401"));
            }
            let takes_input =
                !in_path.is_empty() || !params.is_empty() || !op["requestBody"].is_null();
            if takes_input && !path.ends_with("/openapi.json") && !answers.contains_key("400") {
                out.push(format!("{at}: no 400"));
            }
            if !op["requestBody"].is_null() && !answers.contains_key("422") {
                out.push(format!("{at}: no 422"));
            }
            // Every success with a body says what the body is.
            for (code, answer) in answers.iter().filter(|(c, _)| c.starts_with('2')) {
                let content = answer["content"].as_object();
                match content {
                    None if code != "204" => out.push(format!("{at}: {code} has no content")),
                    Some(c) => {
                        for (media, body) in c {
                            let schema = body["schema"].as_object();
                            if schema.is_none_or(|s| s.is_empty()) {
                                out.push(format!("{at}: {code} {media} has no schema"));
                            }
                        }
                    }
                    None => {}
                }
            }
            // A request body refuses fields it does not know (a typo must not pass silently).
            let body = &op["requestBody"]["content"]["application/json"]["schema"]["$ref"];
            if let Some(name) = body
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                let schema = &doc["components"]["schemas"][name];
                if schema["type"] == "object" && schema["additionalProperties"] != false {
                    out.push(format!("{at}: {name} accepts unknown fields"));
                }
            }
        }
    }
    out
}

/// A field the API does not know is refused with a problem naming it, never dropped: a
/// client that misspells `body` must not record an empty note or search without its filter.
#[tokio::test]
async fn unknown_fields_in_a_request_body_are_refused() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let token = s.token().await;
    let id = app.case("caseworker").create().await;
    for (path, body, typo) in [
        (
            format!("/cases/{id}/notes"),
            serde_json::json!({"bdy": "Seen at the shelter"}),
            "bdy",
        ),
        (
            "/cases/search".to_string(),
            serde_json::json!({"nationalty": "VE"}),
            "nationalty",
        ),
        (
            format!("/cases/{id}/close"),
            serde_json::json!({"reason": "Other", "notes": "x"}),
            "notes",
        ),
    ] {
        let res = app.api_post(&token, &path, &body).await;
        assert_eq!(res.status(), 422, "{path}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = res.json().await.unwrap();
        let named = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == typo && e["code"] == "error-unknown-field");
        assert!(named, "{path}: {problem}");
    }
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
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    s.post_form(&format!("/account/tokens/{tid}/revoke"), &[])
        .await;
    assert_eq!(app.api_get(&token, "/me").await.status(), 401);
}

/// Every route of the OpenAPI document answers malformed requests with an RFC 9457 problem
/// document: a method it does not serve (405, with `Allow`), a query string that does not parse,
/// a body over the limit (413), a JSON array where an object is expected. Nothing comes back as
/// axum's plain text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_route_answers_problem_json_to_malformed_requests() {
    let app = TestApp::spawn().await;
    let token = app.login("coordinator").await.token().await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // A fresh connection per request: after refusing an oversize body the server closes the
    // connection, which a pooled one would find broken on its next use.
    let c = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let is_problem = |res: &reqwest::Response| {
        res.headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"))
    };
    // Just over the 1 MiB JSON limit (far over it, the server stops reading and the client
    // sees a broken pipe instead of the answer).
    let big = vec![b'a'; 1024 * 1024 + 1024];
    let mut routes = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        // Path parameters: something that is no id.
        let url = app.url(
            &path
                .split('/')
                .map(|seg| {
                    if seg.starts_with('{') {
                        "not-an-id"
                    } else {
                        seg
                    }
                })
                .collect::<Vec<_>>()
                .join("/"),
        );
        let methods: Vec<&str> = ops
            .as_object()
            .unwrap()
            .keys()
            .map(|m| m.as_str())
            .collect();
        routes += 1;
        // A method the route does not serve.
        let res = c
            .request(reqwest::Method::PATCH, &url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "PATCH {path}");
        assert!(is_problem(&res), "PATCH {path}");
        assert!(res.headers().contains_key("allow"), "PATCH {path}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            body["type"],
            "https://haven.invalid/problems/error-method-not-allowed"
        );
        for m in methods {
            let method: reqwest::Method = m.to_uppercase().parse().unwrap();
            // A query string that does not parse.
            let res = c
                .request(method.clone(), format!("{url}?page=abc&per_page=-x&k[]=1"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            if res.status().is_client_error() || res.status().is_server_error() {
                assert!(is_problem(&res), "{m} {path}?page=abc: {}", res.status());
            }
            assert!(
                !res.status().is_server_error(),
                "{m} {path}: {}",
                res.status()
            );
            // Routes that read a body: one over the limit, and a JSON array where an object is
            // expected.
            if ops[m].get("requestBody").is_none() {
                continue;
            }
            let res = c
                .request(method.clone(), &url)
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(big.clone())
                .send()
                .await
                .unwrap();
            assert!(
                res.status().is_client_error(),
                "{m} {path} big: {}",
                res.status()
            );
            assert!(is_problem(&res), "{m} {path} big: {}", res.status());
            let res = c
                .request(method, &url)
                .bearer_auth(&token)
                .json(&serde_json::json!([]))
                .send()
                .await
                .unwrap();
            assert!(
                res.status().is_client_error(),
                "{m} {path} []: {}",
                res.status()
            );
            assert!(is_problem(&res), "{m} {path} []: {}", res.status());
        }
    }
    assert!(routes > 40, "{routes} routes");
    // The list with a page that is not a number: a problem naming the request as bad.
    let res = c
        .get(app.url("/api/v1/cases?page=abc"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(is_problem(&res));
    // A body over the limit on a route that reads one: 413.
    let res = c
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["type"],
        "https://haven.invalid/problems/error-too-large"
    );
}

/// The `POST`s of the curl walkthrough in docs/api.md, replayed as written (the case's and the
/// agency's ids put in for `$CASE` and `$AGENCY`): each must succeed, so the page stays true.
#[tokio::test]
async fn the_first_integration_walkthrough_in_the_docs_works() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Food for the Poor Guyana").await.to_string();
    let token = app.login("caseworker").await.token().await;
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/api.md")).unwrap();
    let c = reqwest::Client::new();
    let mut case = String::new();
    let mut replayed = 0;
    let mut rest = doc.as_str();
    while let Some(at) = rest.find("auth -X POST $HAVEN") {
        rest = &rest[at + "auth -X POST $HAVEN".len()..];
        let path = rest
            .split_whitespace()
            .next()
            .unwrap()
            .replace("$CASE", &case);
        let body_start = rest.find("-d '").unwrap() + 4;
        let body_end = body_start + rest[body_start..].find("}'\n").unwrap() + 1;
        let body = rest[body_start..body_end].replace("'$AGENCY'", &agency);
        let body: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("the body for {path} is not JSON ({e}): {body}"));
        let res = c
            .post(app.url(&format!("/api/v1{path}")))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let answer: serde_json::Value = res.json().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path}: {status} {answer}");
        if path == "/cases" {
            case = answer["id"].as_str().unwrap().to_string();
        }
        replayed += 1;
    }
    assert_eq!(
        replayed, 4,
        "the walkthrough registers, records consent, refers, and adds a note with a key"
    );
    let sent: serde_json::Value = app
        .api_get(&token, "/referrals?box=outgoing")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent.as_array().map(Vec::len), Some(1), "{sent}");
}

/// A refused field of a protection section is named as the request names it, not as the
/// page's form does (`safety_plan`, not `risk_safety_plan`).
#[tokio::test]
async fn protection_refusals_name_the_request_fields() {
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    let id = app.case("caseworker").create().await;
    for (section, body, field) in [
        (
            "risk",
            serde_json::json!({"kind": "intake", "level": "High", "assessed_on": "2026-01-05"}),
            "safety_plan",
        ),
        (
            "tasks",
            serde_json::json!({"kind": "call", "title": "", "due_on": "2027-02-01"}),
            "title",
        ),
    ] {
        let res = app
            .api_post(&token, &format!("/cases/{id}/protection/{section}"), &body)
            .await;
        assert_eq!(res.status(), 422, "{section}");
        let p: serde_json::Value = res.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], field, "{section}: {p}");
    }
}

/// Following `next` walks every visible case once, newest first, even while cases are added
/// between two pages (page numbers would then repeat a case); a cursor Haven did not make is a
/// 422 naming it. The search (POST) pages the same way with `next_cursor`.
#[tokio::test]
async fn case_lists_page_with_cursors() {
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    for i in 0..7 {
        app.api_post(&token, "/cases", &api_case(&format!("Cursora{i}")))
            .await;
    }
    let all: serde_json::Value = app
        .api_get(&token, "/cases?per_page=200")
        .await
        .json()
        .await
        .unwrap();
    let all: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert!(all.len() >= 7);

    let mut seen: Vec<String> = Vec::new();
    let mut next = Some("/api/v1/cases?per_page=3".to_string());
    let mut pages = 0;
    let c = reqwest::Client::new();
    while let Some(url) = next {
        let res = c
            .get(app.url(&url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{url}");
        let link = res
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_string());
        let page: serde_json::Value = res.json().await.unwrap();
        next = page["next"].as_str().map(str::to_string);
        assert_eq!(
            link,
            next.as_ref().map(|n| format!("<{n}>; rel=\"next\"")),
            "the Link header and `next` agree"
        );
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_string()),
        );
        pages += 1;
        if pages == 1 {
            // A case registered after the first page: not shown later, nothing repeated.
            app.api_post(&token, "/cases", &api_case("Tardia")).await;
        }
        assert!(pages < 50, "the pages never end");
    }
    assert_eq!(seen, all, "every case once, in the list's order");

    let res = app.api_get(&token, "/cases?cursor=bm90LWEtY3Vyc29y").await;
    assert_eq!(res.status(), 422);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "cursor");

    let first: serde_json::Value = app
        .api_post(&token, "/cases/search", &serde_json::json!({"per_page": 2}))
        .await
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    assert!(first["next"].is_null());
    let second: serde_json::Value = app
        .api_post(
            &token,
            "/cases/search",
            &serde_json::json!({"per_page": 2, "cursor": cursor}),
        )
        .await
        .json()
        .await
        .unwrap();
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    let newest = ids(&first);
    assert_eq!(ids(&second)[0], {
        let now: serde_json::Value = app
            .api_get(&token, "/cases?per_page=4")
            .await
            .json()
            .await
            .unwrap();
        ids(&now)[2].clone()
    });
    assert!(!ids(&second).iter().any(|i| newest.contains(i)));
}

/// The subject access report and the printable referral through the API: the report holds the
/// case, its history and who saw it (this very request's read included); the PDF is a PDF.
#[tokio::test]
async fn subject_access_and_printable_referral_through_the_api() {
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    let id = app.case("caseworker").create().await;
    app.api_get(&token, &format!("/cases/{id}")).await;
    let res = app
        .api_get(&token, &format!("/cases/{id}/subject-access"))
        .await;
    assert_eq!(res.status(), 200);
    let r: serde_json::Value = res.json().await.unwrap();
    assert_eq!(r["case"]["id"], id.to_string().as_str());
    assert!(r["history"].is_array());
    let log = r["access_log"].as_array().unwrap();
    assert!(
        log.iter().any(|e| e["action"] == "case.viewed"),
        "the read before is in the log: {log:?}"
    );

    let agency = app.agency("Food for the Poor Guyana").await.to_string();
    app.api_post(
        &token,
        &format!("/cases/{id}/consents"),
        &serde_json::json!({"purpose": "referral", "agency_id": agency, "given_by": "person"}),
    )
    .await;
    let made: serde_json::Value = app
        .api_post(
            &token,
            &format!("/cases/{id}/referrals"),
            &serde_json::json!({"to_agency_id": agency, "services": ["material_assistance"],
                "urgency": "routine", "reason": "Food", "sections": ["identity"], "send": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    let rid = made["id"].as_str().unwrap();
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/referrals/{rid}/print.pdf")))
        .bearer_auth(&token)
        .header("Accept-Language", "es")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
}

/// Administration through the API: an admin adds an agency and an account there (the owner
/// enrols with the code and signs in), changes its role, disables it (its tokens stop) and
/// enables it; an admin cannot change their own role; nobody else may do any of it.
#[tokio::test]
async fn accounts_and_agencies_are_administered_through_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await.token().await;
    let res = app
        .api_post(
            &admin,
            "/admin/agencies",
            &serde_json::json!({"name": "Rupununi Women's Shelter", "agency_type": "NGO", "region": "GY-UT"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let agency: serde_json::Value = res.json().await.unwrap();
    let agency = agency["id"].as_str().unwrap().to_string();
    let listed: serde_json::Value = app.api_get(&admin, "/agencies").await.json().await.unwrap();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == agency.as_str())
    );

    let res = app
        .api_post(
            &admin,
            "/admin/users",
            &serde_json::json!({"username": "rosa", "display_name": "Rosa Shelter", "role": "case_worker", "agency_id": agency}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let made: serde_json::Value = res.json().await.unwrap();
    let (uid, code) = (
        made["id"].as_str().unwrap().to_string(),
        made["enrolment_code"].as_str().unwrap().to_string(),
    );
    // The same user name again: refused.
    let again = app
        .api_post(
            &admin,
            "/admin/users",
            &serde_json::json!({"username": "rosa", "display_name": "Other", "role": "screener", "agency_id": agency}),
        )
        .await;
    assert!(
        matches!(again.status().as_u16(), 409 | 422),
        "{}",
        again.status()
    );

    // The owner enrols with the code and makes a token.
    let c = app.client();
    let url = app.url("/enrol");
    let csrf = crate::harness::csrf_of(&c, &url).await;
    let pw = "orchid-Rupununi-falls-88";
    let res = c
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "rosa"),
            ("code", code.as_str()),
            ("password", pw),
            ("password2", pw),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rosa = app.login_with("rosa", pw).await.token().await;
    let me: serde_json::Value = app.api_get(&rosa, "/me").await.json().await.unwrap();
    assert_eq!(me["role"], "case_worker");

    let change = |action: &str, body: serde_json::Value| {
        let path = format!("/admin/users/{uid}/{action}");
        let admin = admin.clone();
        let app = &app;
        async move { app.api_post(&admin, &path, &body).await.status().as_u16() }
    };
    assert_eq!(
        change("role", serde_json::json!({"role": "screener"})).await,
        204
    );
    // A change of role ends the account's tokens: a new sign-in gives a new one.
    assert_eq!(app.api_get(&rosa, "/me").await.status(), 401);
    let rosa = app.login_with("rosa", pw).await.token().await;
    let me: serde_json::Value = app.api_get(&rosa, "/me").await.json().await.unwrap();
    assert_eq!(me["role"], "screener");
    assert_eq!(
        change("role", serde_json::json!({"role": "overlord"})).await,
        422
    );
    assert_eq!(change("disable", serde_json::json!({})).await, 204);
    assert_eq!(app.api_get(&rosa, "/me").await.status(), 401);
    assert_eq!(change("enable", serde_json::json!({})).await, 204);
    assert_eq!(change("promote", serde_json::json!({})).await, 404);

    let users: serde_json::Value = app
        .api_get(&admin, "/admin/users")
        .await
        .json()
        .await
        .unwrap();
    let rosa_row = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "rosa")
        .unwrap();
    assert_eq!(rosa_row["disabled"], false);
    assert!(!users.to_string().contains("password"));

    // The agency is renamed and shares its cases with the coordinator from now on.
    let res = reqwest::Client::new()
        .put(app.url(&format!("/api/v1/admin/agencies/{agency}")))
        .bearer_auth(&admin)
        .json(
            &serde_json::json!({"name": "Rupununi Shelter", "agency_type": "NGO",
            "region": "GY-UT", "coordination_consent": true}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let listed: serde_json::Value = app.api_get(&admin, "/agencies").await.json().await.unwrap();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == agency.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["name"], "Rupununi Shelter");
    assert_eq!(row["coordination_consent"], true);

    // A reset: a new code; the account's tokens end; the owner enrols again with the code.
    let rosa = app.login_with("rosa", pw).await.token().await;
    let res = app
        .api_post(
            &admin,
            &format!("/admin/users/{uid}/reset"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let reset: serde_json::Value = res.json().await.unwrap();
    assert_ne!(reset["enrolment_code"].as_str().unwrap(), code);
    assert_eq!(app.api_get(&rosa, "/me").await.status(), 401);

    // Not one's own role.
    let me: serde_json::Value = app.api_get(&admin, "/me").await.json().await.unwrap();
    let own = format!("/admin/users/{}/role", me["user_id"].as_str().unwrap());
    let res = app
        .api_post(&admin, &own, &serde_json::json!({"role": "screener"}))
        .await;
    assert_eq!(res.status(), 422);

    // Nobody else.
    for user in ["coordinator", "caseworker", "analyst", "auditor"] {
        let t = app.login(user).await.token().await;
        assert_eq!(
            app.api_get(&t, "/admin/users").await.status(),
            403,
            "{user}"
        );
        let res = app
            .api_post(
                &t,
                &format!("/admin/users/{uid}/disable"),
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(res.status(), 403, "{user}");
    }
}

/// The audit trail through the API pages by `before`: a full page links to the next one with
/// the same filters, the pages never overlap, and the last page has no link.
#[tokio::test]
async fn the_audit_trail_links_to_its_next_page() {
    let app = TestApp::spawn().await;
    for user in [
        "caseworker",
        "screener",
        "provider",
        "analyst",
        "trainer",
        "caseworker",
    ] {
        app.login(user).await;
    }
    let token = app.login("auditor").await.token().await;
    let c = reqwest::Client::new();
    let mut next = Some("/api/v1/audit?limit=3&action=login.succeeded".to_string());
    let mut seqs: Vec<i64> = Vec::new();
    let mut pages = 0;
    while let Some(url) = next {
        let res = c
            .get(app.url(&url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{url}");
        next = res.headers().get("link").map(|l| {
            let l = l.to_str().unwrap();
            assert!(
                l.ends_with(">; rel=\"next\"") && l.contains("action=login.succeeded"),
                "{l}"
            );
            l[1..l.find('>').unwrap()].to_string()
        });
        let page: Vec<serde_json::Value> = res.json().await.unwrap();
        assert!(page.iter().all(|e| e["action"] == "login.succeeded"));
        seqs.extend(page.iter().map(|e| e["seq"].as_i64().unwrap()));
        pages += 1;
        assert!(pages < 100);
    }
    assert!(pages >= 3, "seven sign-ins, three a page");
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeat: {seqs:?}"
    );
    let all: Vec<serde_json::Value> = app
        .api_get(&token, "/audit?limit=1000&action=login.succeeded")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seqs.len(), all.len());
}

/// The service directory through the API: a provider adds a service for its agency, sets its
/// free places and edits it; eligibility is posted and filters; another agency's staff may
/// read but not change it; a case's person is matched to what they may use.
#[tokio::test]
async fn the_service_directory_through_the_api() {
    let app = TestApp::spawn().await;
    let provider = app.login("provider").await.token().await;
    let service = serde_json::json!({
        "service_type": "safe_accommodation", "name": "Hope House", "genders": ["Feminine"],
        "age_min": 18, "languages": ["eng", "spa"], "regions": ["GY-CU"],
        "capacity_total": 12, "capacity_free": 3
    });
    let res = app.api_post(&provider, "/services", &service).await;
    assert_eq!(res.status(), 201);
    let id: serde_json::Value = res.json().await.unwrap();
    let id = id["id"].as_str().unwrap().to_string();

    let bad = app
        .api_post(
            &provider,
            "/services",
            &serde_json::json!({"service_type": "spa", "name": "", "age_min": 40, "age_max": 20}),
        )
        .await;
    assert_eq!(bad.status(), 422);

    let cw = app.login("caseworker").await.token().await;
    let search = |body: serde_json::Value| {
        let cw = cw.clone();
        let app = &app;
        let id = id.clone();
        async move {
            let v: serde_json::Value = app
                .api_post(&cw, "/services/search", &body)
                .await
                .json()
                .await
                .unwrap();
            v.as_array().unwrap().iter().any(|s| s["id"] == id.as_str())
        }
    };
    assert!(search(serde_json::json!({"service_type": "safe_accommodation", "age": 25, "gender": "Feminine"})).await);
    assert!(!search(serde_json::json!({"service_type": "safe_accommodation", "age": 15})).await);
    assert!(!search(serde_json::json!({"gender": "Masculine"})).await);

    // Free places, by its agency; not by another agency's case worker.
    let res = app
        .api_post(
            &provider,
            &format!("/services/{id}/capacity"),
            &serde_json::json!({"free": 1}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let res = app
        .api_post(
            &cw,
            &format!("/services/{id}/capacity"),
            &serde_json::json!({"free": 9}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let got: serde_json::Value = app
        .api_get(&cw, &format!("/services/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["capacity_free"], 1);
    assert_eq!(got["may_edit"], false);

    // An edit replaces the service.
    let mut edited = service.clone();
    edited["name"] = "Hope House (women)".into();
    let res = reqwest::Client::new()
        .put(app.url(&format!("/api/v1/services/{id}")))
        .bearer_auth(&provider)
        .json(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let got: serde_json::Value = app
        .api_get(&provider, &format!("/services/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["name"], "Hope House (women)");
    assert_eq!(got["active"], true);

    // A case of a woman of 25 in GY-CU (`api_case`): the service is hers to use.
    let case: serde_json::Value = app
        .api_post(&cw, "/cases", &crate::harness::api_case("Servida"))
        .await
        .json()
        .await
        .unwrap();
    let matching: serde_json::Value = app
        .api_get(
            &cw,
            &format!(
                "/cases/{}/matching-services?service_type=safe_accommodation",
                case["id"].as_str().unwrap()
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        matching
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == id.as_str()),
        "{matching}"
    );
}
