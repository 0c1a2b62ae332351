//! Training and registration drafts through the API: a workshop from plan to certificates and
//! report, checked against counts made here; drafts kept to their author; every role on every
//! operation.
use haven_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, api_case};

use crate::authz_matrix::USERS as ROLES;

fn workshop(title: &str) -> Value {
    json!({
        "title": title,
        "topics": ["identification", "referral"],
        "first_day": "2030-02-23",
        "last_day": "2030-02-24",
        "region": "GY-DE",
        "place": "Georgetown",
        "pass_mark": 70,
        "min_attendance": 100
    })
}

fn sheet() -> Vec<u8> {
    let mut b = b"First name,Family name,Sex,Organisation,Position,Region,Phone\n".to_vec();
    b.extend_from_slice(
        b"Andr\xc3\xa9,Dupr\xc3\xa9,M,Ministry of Labour,Inspector,Region 7,600-1111\n",
    );
    b.extend_from_slice(b"Lucie,Marchand,F,Help & Shelter,Social worker,GY-DE,\n");
    b.extend_from_slice(b",,Z,,,Atlantis,\n");
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workshop_from_plan_to_certificates_and_report() {
    let app = TestApp::spawn().await;
    let t = app.login("trainer").await.token().await;

    // A plan with problems is refused field by field; nothing is written.
    let workshops_before = app.count("SELECT COUNT(*) FROM workshops").await;
    let (status, problem) = app
        .api_json(
            &t,
            Method::POST,
            "/training/workshops",
            Some(&json!({"topics": ["cooking"], "first_day": "2026-02-30", "capacity": 3})),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    for f in ["title", "topics", "first_day"] {
        assert!(fields.contains(&f), "{f} in {problem}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM workshops").await,
        workshops_before
    );
    let (status, _) = app
        .api_json(
            &t,
            Method::POST,
            "/training/workshops",
            Some(&json!({"title": "x", "surprise": 1})),
        )
        .await;
    assert_eq!(status, 422, "unknown fields are refused");

    let (status, made) = app
        .api_json(
            &t,
            Method::POST,
            "/training/workshops",
            Some(&workshop("Identifying victims")),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let ws = made["id"].as_str().unwrap().to_string();
    let base = format!("/training/workshops/{ws}");
    let (_, doc) = app.api_json(&t, Method::GET, &base, None).await;
    assert_eq!(doc["workshop"]["days"], json!(["2030-02-23", "2030-02-24"]));
    assert_eq!(doc["workshop"]["pass_mark"], 70);
    let mut changed = workshop("Identifying and referring victims");
    changed["capacity"] = json!(30);
    let (status, _) = app.api_json(&t, Method::PUT, &base, Some(&changed)).await;
    assert_eq!(status, 204);
    let (_, list) = app
        .api_json(&t, Method::GET, "/training/workshops", None)
        .await;
    assert_eq!(
        list[0]["workshop"]["title"],
        "Identifying and referring victims"
    );
    assert_eq!(list[0]["workshop"]["capacity"], 30);
    assert_eq!(list[0]["participants"], 0);

    // The sign-up sheet: a preview writes nothing; its valid rows are then committed.
    let trainees_before = app.count("SELECT COUNT(*) FROM trainees").await;
    let res = app
        .api_upload(&t, &format!("{base}/import"), "signup.csv", sheet())
        .await;
    assert_eq!(res.status(), 200);
    let preview: Value = res.json().await.unwrap();
    assert_eq!(preview["valid"], 2, "{preview}");
    assert_eq!(preview["rows"].as_array().unwrap().len(), 3);
    assert!(
        preview["rows"][2]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "sex"),
        "{preview}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM trainees").await,
        trainees_before
    );
    let res = app
        .api_upload(
            &t,
            &format!("{base}/import"),
            "x.csv",
            b"Colour;Size\nred;4\n".to_vec(),
        )
        .await;
    assert_eq!(res.status(), 422);
    let (status, imported) = app
        .api_json(
            &t,
            Method::POST,
            &format!("{base}/import/commit"),
            Some(&json!({"rows": preview["commit"]})),
        )
        .await;
    assert_eq!(status, 200, "{imported}");
    assert_eq!(imported, json!({"new": 2, "known": 0}));

    // The same person typed again is offered (409 with candidates), not duplicated.
    let (status, known) = app
        .api_json(
            &t,
            Method::POST,
            &format!("{base}/participants"),
            Some(&json!({"first_name": "Andre", "family_name": "Dupre", "sex": "male"})),
        )
        .await;
    assert_eq!(status, 409, "{known}");
    let andre = known["candidates"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(known["candidates"][0]["first_name"], "André");
    let (status, again) = app
        .api_json(
            &t,
            Method::POST,
            &format!("{base}/participants"),
            Some(&json!({"existing": andre})),
        )
        .await;
    assert_eq!((status, again["id"].as_str()), (201, Some(andre.as_str())));
    // A third person, new.
    let (status, made) = app
        .api_json(
            &t,
            Method::POST,
            &format!("{base}/participants"),
            Some(
                &json!({"first_name": "Ana", "family_name": "Rojas", "sex": "female",
                "organisation": "Guyana Geology and Mines Commission", "region": "GY-BA"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let ana = made["id"].as_str().unwrap().to_string();
    let (_, doc) = app.api_json(&t, Method::GET, &base, None).await;
    let ids: Vec<String> = doc["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["participant"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3, "{doc}");
    let lucie = ids
        .iter()
        .find(|i| **i != andre && **i != ana)
        .unwrap()
        .clone();

    // The register: a day outside the workshop refuses all lines.
    let (status, _) = app
        .api_json(
            &t,
            Method::PUT,
            &format!("{base}/register"),
            Some(&json!({"lines": [
                {"participant_id": andre, "days": ["2030-02-23", "2030-02-24"], "post_score": 90},
                {"participant_id": ana, "days": ["2030-03-01"], "post_score": 90}
            ]})),
        )
        .await;
    assert_eq!(status, 422);
    let (_, doc) = app.api_json(&t, Method::GET, &base, None).await;
    assert!(
        doc["participants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["days"].as_array().unwrap().is_empty()),
        "nothing of a refused register is saved"
    );
    // André and Ana attend both days and pass; Lucie attends one day (rule: every day).
    let lines = json!({"lines": [
        {"participant_id": andre, "days": ["2030-02-23", "2030-02-24"], "pre_score": 40, "post_score": 90},
        {"participant_id": ana, "days": ["2030-02-23", "2030-02-24"], "pre_score": 50, "post_score": 70},
        {"participant_id": lucie, "days": ["2030-02-24"], "pre_score": 60, "post_score": 95}
    ]});
    let (status, _) = app
        .api_json(&t, Method::PUT, &format!("{base}/register"), Some(&lines))
        .await;
    assert_eq!(status, 204);
    let (_, doc) = app.api_json(&t, Method::GET, &base, None).await;
    let completed: Vec<&str> = doc["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["completed"] == true)
        .map(|e| e["participant"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(completed.len(), 2, "{doc}");
    assert!(completed.contains(&andre.as_str()) && completed.contains(&ana.as_str()));

    // Certificates for those who completed, once.
    let (status, issued) = app
        .api_json(&t, Method::POST, &format!("{base}/certificates"), None)
        .await;
    assert_eq!((status, issued["issued"].as_u64()), (200, Some(2)));
    let (_, issued) = app
        .api_json(&t, Method::POST, &format!("{base}/certificates"), None)
        .await;
    assert_eq!(issued["issued"], 0, "a certificate is issued once");
    let (_, doc) = app.api_json(&t, Method::GET, &base, None).await;
    let code = doc["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["participant"]["id"] == andre.as_str())
        .and_then(|e| e["certificate_code"].as_str())
        .unwrap()
        .to_string();
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1{base}/certificates/{andre}")))
        .bearer_auth(&t)
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    let (status, _) = app
        .api_json(
            &t,
            Method::GET,
            &format!("{base}/certificates/{lucie}"),
            None,
        )
        .await;
    assert_eq!(status, 404, "no certificate without completion");

    // Anyone verifies a code without a token; a wrong one is not found.
    let res = reqwest::get(app.url(&format!("/api/v1/certificates/{}", code.to_lowercase())))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["name"], "André Dupré");
    assert_eq!(v["last_day"], "2030-02-24");
    let res = reqwest::get(app.url("/api/v1/certificates/AAAA-BBBB-CCCC"))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // A participant's record, corrected.
    let (status, p) = app
        .api_json(
            &t,
            Method::GET,
            &format!("/training/participants/{ana}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(p["workshops"][0]["id"], ws.as_str());
    let (status, _) = app
        .api_json(
            &t,
            Method::PUT,
            &format!("/training/participants/{ana}"),
            Some(&json!({"first_name": "Ana María", "family_name": "Rojas", "sex": "female"})),
        )
        .await;
    assert_eq!(status, 204);
    let (_, p) = app
        .api_json(
            &t,
            Method::GET,
            &format!("/training/participants/{ana}"),
            None,
        )
        .await;
    assert_eq!(p["first_name"], "Ana María");

    // Materials come back as they were sent.
    let res = app
        .api_upload(
            &t,
            &format!("{base}/materials"),
            "slides.txt",
            b"Indicators".to_vec(),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app.api_get(&t, &format!("/training/materials/{mid}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(&res.bytes().await.unwrap()[..], b"Indicators");

    // The report against counts made here: 3 people, 2 women, 2 completed, 1 workshop; the
    // average gain is that of the 3 tested: ((90-40) + (70-50) + (95-60)) / 3.
    let analyst = app.login("analyst").await.token().await;
    let (status, r) = app
        .api_json(
            &analyst,
            Method::GET,
            "/training/report?from=2030-01-01&to=2030-12-31",
            None,
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        (&r["people"], &r["women"], &r["completed"], &r["workshops"]),
        (&json!(3), &json!(2), &json!(2), &json!(1)),
        "{r}"
    );
    let gain = r["gains"][0]["gain_average"].as_f64().unwrap();
    assert!((gain - 35.0).abs() < 1e-9, "{r}");
    let women: u64 = r["by_sex"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["key"] == "female")
        .map(|c| c["people"].as_u64().unwrap())
        .sum();
    assert_eq!(women, 2);
    let (_, outside) = app
        .api_json(
            &analyst,
            Method::GET,
            "/training/report?from=2031-01-01",
            None,
        )
        .await;
    assert_eq!(outside["people"], 0, "the period counts");
    let (status, _) = app
        .api_json(
            &analyst,
            Method::GET,
            "/training/report?from=yesterday",
            None,
        )
        .await;
    assert_eq!(status, 422);
    let res = app.api_get(&analyst, "/training/report.xlsx").await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    let res = app.api_get(&analyst, "/training/report.pdf").await;
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    // The analyst sees counts, never names.
    let (status, _) = app.api_json(&analyst, Method::GET, &base, None).await;
    assert_eq!(status, 403);

    // Taking someone off the list keeps their record.
    let (status, _) = app
        .api_json(
            &t,
            Method::DELETE,
            &format!("{base}/participants/{lucie}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .api_json(
            &t,
            Method::GET,
            &format!("/training/participants/{lucie}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    // Reads of names are in the audit trail.
    assert!(app.audit_count("training.workshop_viewed").await >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_on_every_training_operation() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator").await.token().await;
    let (_, made) = app
        .api_json(
            &coordinator,
            Method::POST,
            "/training/workshops",
            Some(&workshop("Matrix")),
        )
        .await;
    let ws = made["id"].as_str().unwrap().to_string();
    let base = format!("/training/workshops/{ws}");
    let (_, made) = app
        .api_json(
            &coordinator,
            Method::POST,
            &format!("{base}/participants"),
            Some(&json!({"first_name": "Matrix", "family_name": "Person", "sex": "female"})),
        )
        .await;
    let pid = made["id"].as_str().unwrap().to_string();
    for (user, role) in ROLES {
        let token = app.login(user).await.token().await;
        let manages = matches!(role, Role::Trainer | Role::Coordinator);
        let reports = manages || *role == Role::Analyst;
        let ok = |code: u16, allowed: bool| if allowed { code } else { 403 };
        let calls: Vec<(Method, String, Option<Value>, u16)> = vec![
            (
                Method::GET,
                "/training/workshops".into(),
                None,
                ok(200, manages),
            ),
            (
                Method::POST,
                "/training/workshops".into(),
                Some(workshop("Another")),
                ok(201, manages),
            ),
            (Method::GET, base.clone(), None, ok(200, manages)),
            (
                Method::PUT,
                base.clone(),
                Some(workshop("Matrix")),
                ok(204, manages),
            ),
            (
                Method::POST,
                format!("{base}/participants"),
                Some(json!({"existing": pid})),
                ok(201, manages),
            ),
            (
                Method::PUT,
                format!("{base}/register"),
                Some(json!({"lines": [{"participant_id": pid, "days": ["2030-02-23"]}]})),
                ok(204, manages),
            ),
            (
                Method::POST,
                format!("{base}/certificates"),
                None,
                ok(200, manages),
            ),
            (
                Method::GET,
                format!("{base}/certificates/{pid}"),
                None,
                ok(404, manages),
            ),
            (
                Method::POST,
                format!("{base}/import/commit"),
                Some(json!({"rows": []})),
                ok(200, manages),
            ),
            (
                Method::GET,
                format!("/training/participants/{pid}"),
                None,
                ok(200, manages),
            ),
            (
                Method::PUT,
                format!("/training/participants/{pid}"),
                Some(json!({"first_name": "Matrix", "family_name": "Person", "sex": "female"})),
                ok(204, manages),
            ),
            (
                Method::GET,
                "/training/materials/no-such-material".into(),
                None,
                ok(404, manages),
            ),
            (
                Method::GET,
                "/training/report".into(),
                None,
                ok(200, reports),
            ),
            (
                Method::GET,
                "/training/report.xlsx".into(),
                None,
                ok(200, reports),
            ),
            (
                Method::GET,
                "/training/report.pdf".into(),
                None,
                ok(200, reports),
            ),
            (
                Method::DELETE,
                format!("{base}/participants/no-such-person"),
                None,
                ok(404, manages),
            ),
        ];
        for (method, path, body, want) in calls {
            let (status, answer) = app
                .api_json(&token, method.clone(), &path, body.as_ref())
                .await;
            assert_eq!(status, want, "{user} {method} {path}: {answer}");
        }
        for (path, want) in [
            (format!("{base}/import"), ok(422, manages)),
            (format!("{base}/materials"), ok(201, manages)),
        ] {
            let res = app.api_upload(&token, &path, "empty.txt", Vec::new()).await;
            // An empty sheet is refused; an empty material is a file all the same.
            let status = res.status().as_u16();
            assert!(
                status == want || (manages && path.ends_with("/materials") && status == 422),
                "{user} POST {path}: {status}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_their_authors_and_become_cases() {
    let app = TestApp::spawn().await;
    let screener = app.login("screener").await.token().await;
    let other = app.login("caseworker").await.token().await;

    // A draft takes what is there; its problems are listed, not enforced.
    let (status, made) = app
        .api_json(
            &screener,
            Method::POST,
            "/drafts",
            Some(&json!({"person": {"first_name": "Marisol"}})),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().unwrap().to_string();
    let (status, d) = app
        .api_json(&screener, Method::GET, &format!("/drafts/{id}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(d["record"]["person"]["first_name"], "Marisol");
    assert!(
        d["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["field"] == "gender"),
        "{d}"
    );
    // Over-long text is refused even in a draft.
    let long = "x".repeat(100_000);
    let (status, _) = app
        .api_json(
            &screener,
            Method::PUT,
            &format!("/drafts/{id}"),
            Some(&json!({"person": {"first_name": long}})),
        )
        .await;
    assert_eq!(status, 422);
    // So is a code of no list (no form gives one), and nothing is kept of it.
    let (status, problem) = app
        .api_json(
            &screener,
            Method::PUT,
            &format!("/drafts/{id}"),
            Some(&json!({"victim": {"vulnerabilities": ["AAA"]}})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        problem["errors"][0]["code"], "error-unknown-code",
        "{problem}"
    );
    let (_, d) = app
        .api_json(&screener, Method::GET, &format!("/drafts/{id}"), None)
        .await;
    assert_eq!(d["record"]["person"]["first_name"], "Marisol");

    // Nobody else sees, changes, registers or deletes it; it is not in their list.
    for (method, path, body) in [
        (Method::GET, format!("/drafts/{id}"), None),
        (Method::PUT, format!("/drafts/{id}"), Some(json!({}))),
        (
            Method::POST,
            format!("/drafts/{id}/register"),
            Some(api_case("Marisol")),
        ),
        (Method::DELETE, format!("/drafts/{id}"), None),
    ] {
        let (status, _) = app
            .api_json(&other, method.clone(), &path, body.as_ref())
            .await;
        assert_eq!(status, 404, "another user's {method} {path}");
    }
    let (_, theirs) = app.api_json(&other, Method::GET, "/drafts", None).await;
    assert_eq!(theirs, json!([]));
    let opened = app.audit_count("draft.opened").await;
    let (_, mine) = app.api_json(&screener, Method::GET, "/drafts", None).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(
        app.audit_count("draft.opened").await,
        opened + 1,
        "a list of unsealed drafts is audited"
    );
    for (user, role) in ROLES {
        if matches!(role, Role::Coordinator | Role::CaseWorker | Role::Screener) {
            continue;
        }
        let token = app.login(user).await.token().await;
        let (status, _) = app.api_json(&token, Method::GET, "/drafts", None).await;
        assert_eq!(status, 403, "{user} has no drafts");
        let (status, _) = app
            .api_json(&token, Method::POST, "/drafts", Some(&json!({})))
            .await;
        assert_eq!(status, 403, "{user} makes no drafts");
    }

    // Registering with an incomplete record is refused and keeps the draft.
    let cases_before = app.count("SELECT COUNT(*) FROM cases").await;
    let (status, _) = app
        .api_json(
            &screener,
            Method::POST,
            &format!("/drafts/{id}/register"),
            Some(&json!({"person": {"first_name": "Marisol"}})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = app
        .api_json(&screener, Method::GET, &format!("/drafts/{id}"), None)
        .await;
    assert_eq!(status, 200);
    let (status, case) = app
        .api_json(
            &screener,
            Method::POST,
            &format!("/drafts/{id}/register"),
            Some(&api_case("Marisol")),
        )
        .await;
    assert_eq!(status, 201, "{case}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases").await,
        cases_before + 1
    );
    let (status, _) = app
        .api_json(&screener, Method::GET, &format!("/drafts/{id}"), None)
        .await;
    assert_eq!(status, 404, "a registered draft is gone");
    let (status, _) = app
        .api_json(
            &screener,
            Method::POST,
            &format!("/drafts/{id}/register"),
            Some(&api_case("Marisol")),
        )
        .await;
    assert_eq!(status, 404, "a draft registers once");

    // From a screening without a case: the draft holds what it found, and the case registered
    // from it takes the screening.
    let (status, s) = app
        .api_json(
            &screener,
            Method::POST,
            "/screenings",
            Some(&json!({
                "consent": true, "region": "GY-CU", "labour": true, "age": 24,
                "answers": {
                    "deceived_nature_of_job": {"answer": "present"},
                    "excessive_working_hours": {"answer": "present"},
                    "confiscation_of_documents": {"answer": "present"},
                    "debt_bondage": {"answer": "present"}
                }
            })),
        )
        .await;
    assert_eq!(status, 201, "{s}");
    let sid = s["id"].as_str().unwrap().to_string();
    let (status, made) = app
        .api_json(
            &other,
            Method::POST,
            &format!("/screenings/{sid}/draft"),
            Some(&json!({"first_name": "Rosa"})),
        )
        .await;
    assert_eq!(status, 404, "another user's screening: {made}");
    let (status, made) = app
        .api_json(
            &screener,
            Method::POST,
            &format!("/screenings/{sid}/draft"),
            Some(&json!({"first_name": "Rosa", "family_name": "Pérez", "birth_year": 2000})),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let did = made["id"].as_str().unwrap().to_string();
    let (_, d) = app
        .api_json(&screener, Method::GET, &format!("/drafts/{did}"), None)
        .await;
    assert_eq!(d["record"]["person"]["second_name"], "Pérez");
    assert!(
        d["record"]["victim"]["type_of_exploitation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "ForcedLabour"),
        "{d}"
    );
    let mut record = d["record"].clone();
    record["person"]["gender"] = json!("Feminine");
    record["case"]["region"] = json!("GY-CU");
    let (status, case) = app
        .api_json(
            &screener,
            Method::POST,
            &format!("/drafts/{did}/register"),
            Some(&record),
        )
        .await;
    assert_eq!(status, 201, "{case}");
    let (_, screening) = app
        .api_json(&screener, Method::GET, &format!("/screenings/{sid}"), None)
        .await;
    assert_eq!(screening["case_id"], case["id"], "{screening}");
    assert!(app.audit_count("draft.saved").await >= 2);
}

/// Two allowed steps that must not add up to a forbidden one: a screening linked to a case
/// meanwhile stays with it when a draft started from it is registered; a participant taken off
/// a workshop gets no register line and no certificate there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_and_workshops_after_a_link_or_a_removal() {
    let app = TestApp::spawn().await;
    let screener = app.login("screener").await.token().await;
    let (_, s) = app
        .api_json(
            &screener,
            Method::POST,
            "/screenings",
            Some(&json!({"consent": true, "age": 30, "labour": true,
                "answers": {"debt_bondage": {"answer": "present"}}})),
        )
        .await;
    let sid = s["id"].as_str().unwrap().to_string();
    let (status, d) = app
        .api_json(
            &screener,
            Method::POST,
            &format!("/screenings/{sid}/draft"),
            Some(&json!({"first_name": "Lina"})),
        )
        .await;
    assert_eq!(status, 201);
    let did = d["id"].as_str().unwrap().to_string();
    // Meanwhile the screening is linked to another case.
    let (status, first) = app
        .api_json(&screener, Method::POST, "/cases", Some(&api_case("Lina")))
        .await;
    assert_eq!(status, 201);
    let (status, _) = app
        .api_json(
            &screener,
            Method::POST,
            &format!("/screenings/{sid}/link"),
            Some(&json!({"case": first["id"]})),
        )
        .await;
    assert_eq!(status, 204);
    let (status, problem) = app
        .api_json(
            &screener,
            Method::POST,
            &format!("/screenings/{sid}/draft"),
            Some(&json!({"first_name": "Lina"})),
        )
        .await;
    assert_eq!(status, 422, "a linked screening starts no draft: {problem}");
    let (status, second) = app
        .api_json(
            &screener,
            Method::POST,
            &format!("/drafts/{did}/register"),
            Some(&api_case("Lina")),
        )
        .await;
    assert_eq!(status, 201);
    let (_, screening) = app
        .api_json(&screener, Method::GET, &format!("/screenings/{sid}"), None)
        .await;
    assert_eq!(
        screening["case_id"], first["id"],
        "the screening stays where it was linked"
    );
    assert_ne!(first["id"], second["id"]);

    // A participant taken off a workshop.
    let t = app.login("trainer").await.token().await;
    let (_, w) = app
        .api_json(
            &t,
            Method::POST,
            "/training/workshops",
            Some(&workshop("Removal")),
        )
        .await;
    let base = format!("/training/workshops/{}", w["id"].as_str().unwrap());
    let (_, p) = app
        .api_json(
            &t,
            Method::POST,
            &format!("{base}/participants"),
            Some(&json!({"first_name": "Quentin", "family_name": "Removed", "sex": "male"})),
        )
        .await;
    let pid = p["id"].as_str().unwrap().to_string();
    let all_days = json!({"lines": [{"participant_id": pid,
        "days": ["2030-02-23", "2030-02-24"], "post_score": 100}]});
    let (status, _) = app
        .api_json(
            &t,
            Method::PUT,
            &format!("{base}/register"),
            Some(&all_days),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .api_json(
            &t,
            Method::DELETE,
            &format!("{base}/participants/{pid}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .api_json(
            &t,
            Method::PUT,
            &format!("{base}/register"),
            Some(&all_days),
        )
        .await;
    assert_eq!(
        status, 404,
        "no register line for someone not in the workshop"
    );
    let (_, issued) = app
        .api_json(&t, Method::POST, &format!("{base}/certificates"), None)
        .await;
    assert_eq!(issued["issued"], 0);
    let (status, _) = app
        .api_json(&t, Method::GET, &format!("{base}/certificates/{pid}"), None)
        .await;
    assert_eq!(status, 404);
}
