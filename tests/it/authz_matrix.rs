//! Every role against every route: who gets 200, 403 or 404. A case outside a user's need to know
//! answers 404, exactly like a case that does not exist.
use haven_domain::{CaseId, Role};

use crate::harness::{Session, TestApp, location};

pub(crate) const USERS: &[(&str, Role)] = &[
    ("admin", Role::Admin),
    ("coordinator", Role::Coordinator),
    ("caseworker", Role::CaseWorker),
    ("screener", Role::Screener),
    ("provider", Role::ServiceProvider),
    ("analyst", Role::Analyst),
    ("trainer", Role::Trainer),
    ("auditor", Role::Auditor),
];

fn lists_cases(r: Role) -> bool {
    matches!(r, Role::Coordinator | Role::CaseWorker | Role::Screener)
}
fn creates_cases(r: Role) -> bool {
    matches!(r, Role::Coordinator | Role::CaseWorker | Role::Screener)
}
fn imports_cases(r: Role) -> bool {
    matches!(r, Role::Coordinator | Role::CaseWorker)
}
/// An id no job has.
fn uuid_like() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn manages_training(r: Role) -> bool {
    matches!(r, Role::Trainer | Role::Coordinator)
}
fn sees_stats(r: Role) -> bool {
    matches!(r, Role::Coordinator | Role::Analyst)
}

async fn visible_and_hidden(app: &TestApp, username: &str) -> (Vec<CaseId>, Vec<CaseId>) {
    let p = app.principal(username).await;
    let mut yes = Vec::new();
    let mut no = Vec::new();
    for id in app.haven.all_case_ids().await.unwrap() {
        if app.haven.may_read_case(&p, id).await.unwrap() {
            yes.push(id);
        } else {
            no.push(id);
        }
    }
    (yes, no)
}

fn expect(code: u16, allowed: bool, denied: u16) -> u16 {
    if allowed { code } else { denied }
}

async fn check_pages(app: &TestApp, s: &Session, user: &str, role: Role) {
    let agency_edit = format!(
        "/admin/agencies/{}/edit",
        app.agency("Help & Shelter").await
    );
    let pages: Vec<(&str, bool)> = vec![
        ("/dashboard", true),
        ("/account", true),
        ("/account/phones", creates_cases(role)),
        ("/notifications", true),
        ("/cases", lists_cases(role)),
        ("/cases/new", creates_cases(role)),
        ("/imports", imports_cases(role)),
        ("/cases/export", lists_cases(role)),
        ("/screenings/new", creates_cases(role)),
        ("/tips", creates_cases(role)),
        ("/tips/new", creates_cases(role)),
        ("/report", true),
        ("/verify", true),
        ("/services", true),
        (
            "/referrals",
            lists_cases(role) || role == Role::ServiceProvider,
        ),
        ("/services.csv", true),
        (
            "/services/new",
            matches!(
                role,
                Role::Coordinator | Role::Admin | Role::CaseWorker | Role::ServiceProvider
            ),
        ),
        ("/training", manages_training(role)),
        ("/training/new", manages_training(role)),
        (
            "/training/report",
            manages_training(role) || role == Role::Analyst,
        ),
        (
            "/training/report.xlsx",
            manages_training(role) || role == Role::Analyst,
        ),
        (
            "/training/report.pdf",
            manages_training(role) || role == Role::Analyst,
        ),
        ("/stats", sees_stats(role)),
        ("/stats/releases", sees_stats(role)),
        ("/audit", role == Role::Auditor),
        ("/audit/export.csv", role == Role::Auditor),
        ("/admin/users", role == Role::Admin),
        ("/admin/agencies", role == Role::Admin),
        (agency_edit.as_str(), role == Role::Admin),
        ("/duplicates", role == Role::Coordinator),
        ("/duplicates?status=merged", role == Role::Coordinator),
    ];
    for (path, allowed) in pages {
        let got = s.get(path).await.status().as_u16();
        assert_eq!(got, expect(200, allowed, 403), "{user} GET {path}");
    }
    let (visible, hidden) = visible_and_hidden(app, user).await;
    if !lists_cases(role) {
        assert!(visible.is_empty(), "{user} must not see any case");
    }
    for id in visible.iter().take(3) {
        assert_eq!(
            s.get(&format!("/cases/{id}")).await.status(),
            200,
            "{user} GET own case"
        );
    }
    for id in hidden.iter().take(3) {
        assert_eq!(
            s.get(&format!("/cases/{id}")).await.status(),
            404,
            "{user} GET other case"
        );
    }
    assert_eq!(
        s.get(&format!("/cases/{}", CaseId::new())).await.status(),
        404,
        "{user} GET missing case"
    );
    assert_eq!(
        s.get("/cases/not-a-uuid").await.status(),
        404,
        "{user} GET malformed id"
    );

    // State-changing forms, with a valid CSRF token.
    let res = s.open_case(&[("first_name", "Ana")]).await;
    assert_eq!(
        res.status().as_u16(),
        expect(303, creates_cases(role), 403),
        "{user} POST /cases/new"
    );
    let agency = format!("Matrix agency {user}");
    let res = s
        .post_form(
            "/admin/agencies",
            &[("name", agency.as_str()), ("agency_type", "NGO")],
        )
        .await;
    assert_eq!(
        res.status().as_u16(),
        expect(200, role == Role::Admin, 403),
        "{user} POST /admin/agencies"
    );
    let uname = format!("m-{user}");
    let res = s
        .post_form(
            "/admin/users",
            &[
                ("username", uname.as_str()),
                ("display_name", "M"),
                ("role", "trainer"),
                (
                    "agency_id",
                    &app.haven.list_agencies().await.unwrap()[0].id.to_string(),
                ),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(
        res.status().as_u16(),
        expect(200, role == Role::Admin, 403),
        "{user} POST /admin/users"
    );
    let target = app.user_id("childcare").await; // not one of the signed-in users
    let res = s
        .post_form(
            &format!("/admin/users/{target}/reset-password"),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(
        res.status().as_u16(),
        expect(200, role == Role::Admin, 403),
        "{user} POST reset-password"
    );
    let cpa = app
        .agency("Child Care and Protection Agency")
        .await
        .to_string();
    for (action, fields) in [
        ("role", vec![("role", "case_worker")]),
        ("agency", vec![("agency_id", cpa.as_str())]),
        ("disable", vec![]),
        ("enable", vec![]),
    ] {
        let mut confirmed = fields.clone();
        confirmed.push(("confirm", "1"));
        let path = format!("/admin/users/{target}/{action}");
        // Without confirmation: the question, nothing done.
        let res = s.post_form(&path, &fields).await;
        assert_eq!(
            res.status().as_u16(),
            expect(200, role == Role::Admin, 403),
            "{user} POST {action} (unconfirmed)"
        );
        let res = s.post_form(&path, &confirmed).await;
        assert_eq!(
            res.status().as_u16(),
            expect(303, role == Role::Admin, 403),
            "{user} POST {action}"
        );
    }
    let res = s
        .post_form(
            "/training/new",
            &[
                ("title", "Matrix workshop"),
                ("topics", "referral"),
                ("first_day", "2026-03-02"),
            ],
        )
        .await;
    assert_eq!(
        res.status().as_u16(),
        expect(303, manages_training(role), 403),
        "{user} POST /training/new"
    );
    let workshop: Option<String> =
        sqlx::query_scalar("SELECT id FROM workshops ORDER BY created_at LIMIT 1")
            .fetch_optional(app.store.pool())
            .await
            .unwrap();
    if let Some(w) = workshop {
        let trainee: String =
            sqlx::query_scalar("SELECT trainee_id FROM enrolments ORDER BY created_at LIMIT 1")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        for path in [
            format!("/training/{w}"),
            format!("/training/{w}/import"),
            format!("/training/{w}/edit"),
            format!("/training/participants/{trainee}"),
        ] {
            assert_eq!(
                s.get(&path).await.status().as_u16(),
                expect(200, manages_training(role), 403),
                "{user} GET {path}"
            );
        }
        for (path, ok) in [
            (format!("/training/{w}/register"), 303),
            (format!("/training/{w}/certificates"), 303),
            (format!("/training/{w}/import/confirm"), 303),
        ] {
            let fields: &[(&str, &str)] = if path.ends_with("confirm") {
                &[("rows", "[]")]
            } else {
                &[]
            };
            assert_eq!(
                s.post_form(&path, fields).await.status().as_u16(),
                expect(ok, manages_training(role), 403),
                "{user} POST {path}"
            );
        }
        let res = s
            .post_form(
                &format!("/training/{w}/participants"),
                &[
                    ("first_name", "Matrix"),
                    ("family_name", user),
                    ("force", "1"),
                ],
            )
            .await;
        assert_eq!(
            res.status().as_u16(),
            expect(303, manages_training(role), 403),
            "{user} POST participants"
        );
        let (cw, ct): (String, String) = sqlx::query_as(
            "SELECT workshop_id, trainee_id FROM enrolments WHERE certificate_code IS NOT NULL LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let material: String = sqlx::query_scalar("SELECT id FROM workshop_materials LIMIT 1")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        for path in [
            format!("/training/{cw}/certificates/{ct}"),
            format!("/training/materials/{material}"),
        ] {
            assert_eq!(
                s.get(&path).await.status().as_u16(),
                expect(200, manages_training(role), 403),
                "{user} GET {path}"
            );
        }
        let newest: String = sqlx::query_scalar(
            "SELECT trainee_id FROM enrolments WHERE workshop_id = $1 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(&w)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                format!("/training/{w}/edit"),
                vec![
                    ("title", "Matrix workshop"),
                    ("topics", "referral"),
                    ("first_day", "2026-03-02"),
                ],
            ),
            (
                format!("/training/participants/{newest}"),
                vec![("first_name", "Matrix"), ("sex", "female")],
            ),
            (
                format!("/training/{w}/participants/{newest}/remove"),
                vec![],
            ),
        ];
        for (path, fields) in posts {
            assert_eq!(
                s.post_form(&path, &fields).await.status().as_u16(),
                expect(303, manages_training(role), 403),
                "{user} POST {path}"
            );
        }
        let res = s
            .upload(
                &format!("/training/{w}/materials"),
                "m.txt",
                b"matrix slides".to_vec(),
            )
            .await;
        assert_eq!(
            res.status().as_u16(),
            expect(303, manages_training(role), 403),
            "{user} POST materials"
        );
    }
    let res = s
        .post_form("/tips", &[("what", "Matrix hotline call")])
        .await;
    assert_eq!(
        res.status().as_u16(),
        expect(303, creates_cases(role), 403),
        "{user} POST /tips"
    );
    let res = s.post_form("/cases/search", &[("name", "Maria")]).await;
    assert_eq!(
        res.status().as_u16(),
        expect(200, lists_cases(role), 403),
        "{user} POST /cases/search"
    );
    // The duplicate review queue: the coordinator only (an unknown pair is 404 to them).
    let coordinator = role == Role::Coordinator;
    for (path, ok) in [
        ("/duplicates/scan", 303),
        ("/duplicates/no-such-pair/different", 404),
        ("/duplicates/no-such-pair/merge", 422),
        ("/duplicates/no-such-pair/unmerge", 404),
    ] {
        let got = s.post_form(path, &[]).await.status().as_u16();
        assert_eq!(got, expect(ok, coordinator, 403), "{user} POST {path}");
    }
}

async fn check_api(app: &TestApp, token: &str, user: &str, role: Role) {
    let c = reqwest::Client::new();
    let get = |path: String| {
        let c = c.clone();
        let url = app.url(&path);
        let token = token.to_string();
        async move {
            c.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(get("/api/v1/me".into()).await, 200, "{user} me");
    assert_eq!(get("/api/v1/agencies".into()).await, 200, "{user} agencies");
    // Every role manages its own tokens (and only them: see tests/it/tokens.rs).
    assert_eq!(get("/api/v1/tokens".into()).await, 200, "{user} tokens");
    // Phones for field collection: for those who screen; the phone then reaches the OpenRosa
    // endpoints (tests/it/openrosa.rs: revoked, expired, disabled).
    assert_eq!(
        get("/api/v1/devices".into()).await,
        expect(200, creates_cases(role), 403),
        "{user} api devices"
    );
    let made = c
        .post(app.url("/api/v1/devices"))
        .bearer_auth(token)
        .json(&serde_json::json!({"label": "Matrix phone"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        made.status().as_u16(),
        expect(201, creates_cases(role), 403),
        "{user} add a phone"
    );
    if creates_cases(role) {
        let made: serde_json::Value = made.json().await.unwrap();
        let (u, p) = (
            made["device"]["username"].as_str().unwrap(),
            made["secret"].as_str().unwrap(),
        );
        for (method, path, want) in [
            (reqwest::Method::GET, "/openrosa/formList", 200),
            (reqwest::Method::HEAD, "/openrosa/submission", 204),
        ] {
            let anonymous = c
                .request(method.clone(), app.url(path))
                .send()
                .await
                .unwrap();
            assert_eq!(
                anonymous.status().as_u16(),
                401,
                "{user} {path} without a phone"
            );
            let res = c
                .request(method, app.url(path))
                .basic_auth(u, Some(p))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), want, "{user} {path}");
        }
    }
    assert_eq!(
        get("/api/v1/cases".into()).await,
        expect(200, lists_cases(role), 403),
        "{user} api cases"
    );
    assert_eq!(
        get("/api/v1/stats".into()).await,
        expect(200, sees_stats(role), 403),
        "{user} api stats"
    );
    assert_eq!(
        get("/api/v1/releases".into()).await,
        expect(200, sees_stats(role), 403),
        "{user} api release ledger"
    );
    assert_eq!(
        get("/api/v1/tips".into()).await,
        expect(200, creates_cases(role), 403),
        "{user} api tips"
    );
    // A tip of the demo: only the coordinator triages every tip; others see none of the demo's
    // (they entered or were assigned none, except the screener's hotline calls).
    let demo_tip: String =
        sqlx::query_scalar("SELECT id FROM tips WHERE entered_by IS NULL ORDER BY id LIMIT 1")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        get(format!("/api/v1/tips/{demo_tip}")).await,
        expect(200, role == Role::Coordinator, 404),
        "{user} api tip"
    );
    assert_eq!(
        get("/api/v1/audit".into()).await,
        expect(200, role == Role::Auditor, 403),
        "{user} api audit"
    );
    assert_eq!(
        get("/api/v1/admin/users".into()).await,
        expect(200, role == Role::Admin, 403),
        "{user} api admin users"
    );
    assert_eq!(
        get("/api/v1/duplicates".into()).await,
        expect(200, role == Role::Coordinator, 403),
        "{user} api duplicates"
    );
    assert_eq!(
        get("/api/v1/imports".into()).await,
        expect(200, imports_cases(role), 403),
        "{user} api imports"
    );
    assert_eq!(
        get(format!("/api/v1/imports/{}", uuid_like())).await,
        expect(404, imports_cases(role), 403),
        "{user} api someone's import"
    );
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"prs_FirstName,prs_Gender\nAna,Feminine\n".to_vec())
            .file_name("cases.csv"),
    );
    let started = c
        .post(app.url("/api/v1/imports"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(
        started,
        expect(202, imports_cases(role), 403),
        "{user} api start import"
    );
    let exported = c
        .post(app.url("/api/v1/cases/export"))
        .bearer_auth(token)
        .json(&serde_json::json!({"format": "csv"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(
        exported,
        expect(200, lists_cases(role), 403),
        "{user} api export"
    );
    let post = |path: &'static str, body: serde_json::Value| {
        let c = c.clone();
        let url = app.url(path);
        let token = token.to_string();
        async move {
            c.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        post(
            "/api/v1/matches/check",
            serde_json::json!({"first_name": "Maria", "family_name": "Gonzalez"})
        )
        .await,
        expect(200, creates_cases(role), 403),
        "{user} api matches check"
    );
    // The directory is open to every signed-in role; changing it is its agency's (tests/it/api.rs).
    assert_eq!(
        post("/api/v1/services/search", serde_json::json!({})).await,
        200,
        "{user} api services search"
    );
    assert_eq!(
        post(
            "/api/v1/services",
            serde_json::json!({"service_type": "legal_aid", "name": "Matrix"})
        )
        .await,
        expect(
            201,
            matches!(
                role,
                Role::Coordinator | Role::Admin | Role::CaseWorker | Role::ServiceProvider
            ),
            403
        ),
        "{user} api services create"
    );
    assert_eq!(
        post("/api/v1/duplicates/scan", serde_json::json!({})).await,
        expect(200, role == Role::Coordinator, 403),
        "{user} api duplicates scan"
    );
    assert_eq!(
        post(
            "/api/v1/duplicates/no-such-pair/different",
            serde_json::json!({})
        )
        .await,
        expect(404, role == Role::Coordinator, 403),
        "{user} api duplicate decision"
    );
    let post_release = |body: serde_json::Value| {
        let c = c.clone();
        let url = app.url("/api/v1/releases/ctdc");
        let token = token.to_string();
        async move {
            c.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let screened = c
        .post(app.url("/api/v1/screenings"))
        .bearer_auth(token)
        .json(&serde_json::json!({"consent": true}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(
        screened,
        expect(201, creates_cases(role), 403),
        "{user} api screening"
    );
    assert_eq!(
        post_release(serde_json::json!({"kind": "aggregates"})).await,
        expect(202, sees_stats(role), 403),
        "{user} api release"
    );
    assert_eq!(
        post_release(serde_json::json!({"kind": "raw", "passphrase": "twelve chars long"})).await,
        expect(202, role == Role::Coordinator, 403),
        "{user} api raw release"
    );
    assert_eq!(
        get("/api/v1/releases/jobs".into()).await,
        expect(200, sees_stats(role), 403),
        "{user} api release jobs"
    );
    assert_eq!(
        get(format!("/api/v1/releases/jobs/{}", uuid_like())).await,
        expect(404, sees_stats(role), 403),
        "{user} api release job"
    );
    let (visible, hidden) = visible_and_hidden(app, user).await;
    for id in visible.iter().take(2) {
        assert_eq!(
            get(format!("/api/v1/cases/{id}")).await,
            200,
            "{user} api own case"
        );
    }
    for id in hidden.iter().take(2) {
        assert_eq!(
            get(format!("/api/v1/cases/{id}")).await,
            404,
            "{user} api other case"
        );
    }
    let created = c
        .post(app.url("/api/v1/cases"))
        .bearer_auth(token)
        .json(&crate::harness::api_case("Api"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(
        created,
        expect(201, creates_cases(role), 403),
        "{user} api create"
    );

    // The list the API gives is exactly the set the per-case rule allows.
    if lists_cases(role) {
        let (visible, _) = visible_and_hidden(app, user).await;
        let mut listed = Vec::new();
        let mut page = 1;
        loop {
            let body: serde_json::Value = app
                .api_get(token, &format!("/cases?page={page}"))
                .await
                .json()
                .await
                .unwrap();
            for item in body["items"].as_array().unwrap() {
                listed.push(item["id"].as_str().unwrap().parse::<CaseId>().unwrap());
            }
            if page >= body["pages"].as_i64().unwrap() {
                break;
            }
            page += 1;
        }
        listed.sort();
        let mut expected = visible.clone();
        expected.sort();
        assert_eq!(
            listed, expected,
            "{user}: the list scope and the per-case rule must agree"
        );
    }
}

#[tokio::test]
async fn every_role_on_every_route() {
    let app = TestApp::spawn_with(haven_core::Policy::default(), 60).await;
    // Anonymous visitors are sent to sign in; the API answers 401.
    let anon = app.client();
    for path in [
        "/dashboard",
        "/cases",
        "/stats",
        "/audit",
        "/admin/users",
        "/account",
        "/tips",
        "/tips/new",
        "/training",
        "/training/report",
    ] {
        let res = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(location(&res), "/login", "anonymous GET {path}");
    }
    assert_eq!(
        anon.get(app.url("/report")).send().await.unwrap().status(),
        200,
        "the public report page needs no account"
    );
    assert_eq!(
        anon.get(app.url("/enrol")).send().await.unwrap().status(),
        200,
        "enrolment needs no account"
    );
    assert_eq!(
        anon.get(app.url("/verify")).send().await.unwrap().status(),
        200,
        "the certificate verification page needs no account"
    );
    assert_eq!(
        anon.get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        anon.get(app.url("/api/v1/me"))
            .bearer_auth("hvn_forged")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // A workshop (with a material) exists before any role is tried, so every role meets one.
    let coordinator = app.principal("coordinator").await;
    app.haven
        .save_workshop(
            coordinator.training_manage().unwrap(),
            None,
            &haven_core::training::WorkshopInput {
                title: "Matrix".into(),
                topics: vec!["identification".into()],
                first_day: "2026-03-01".into(),
                ..Default::default()
            },
            &Default::default(),
        )
        .await
        .unwrap();
    let first: String = sqlx::query_scalar("SELECT id FROM workshops ORDER BY created_at LIMIT 1")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    app.haven
        .add_material(
            coordinator.training_manage().unwrap(),
            &first,
            "slides.txt",
            "text/plain",
            b"slides",
            &Default::default(),
        )
        .await
        .unwrap();
    for (user, role) in USERS {
        let s = app.login(user).await;
        let token = s.token().await;
        check_pages(&app, &s, user, *role).await;
        check_api(&app, &token, user, *role).await;
    }
}

#[tokio::test]
async fn coordinator_sees_only_agencies_that_consented() {
    let app = TestApp::spawn().await;
    app.case_per_opener().await;
    let p = app.principal("coordinator").await;
    let agencies = app.haven.list_agencies().await.unwrap();
    let hs = agencies
        .iter()
        .find(|a| a.name == "Help & Shelter")
        .unwrap();
    assert!(!hs.coordination_consent);
    let mut hidden = 0;
    for id in app.haven.all_case_ids().await.unwrap() {
        let owner: String = sqlx::query_scalar("SELECT owner_agency_id FROM cases WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let involved: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM case_agencies WHERE case_id = $1 AND agency_id = $2",
        )
        .bind(id.to_string())
        .bind(p.agency_id.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        if owner == hs.id.to_string() && involved == 0 {
            assert!(!app.haven.may_read_case(&p, id).await.unwrap());
            hidden += 1;
        }
    }
    assert!(
        hidden > 0,
        "there must be a case the coordinator may not see"
    );
    // Unless the coordinator's own agency works on it.
    let mine = &agencies.iter().find(|a| a.id == p.agency_id).unwrap().name;
    let shared = app.case("caseworker").involving(mine).create().await;
    assert!(app.haven.may_read_case(&p, shared).await.unwrap());
}

#[tokio::test]
async fn an_agency_consenting_to_coordination_opens_its_cases_to_the_coordinator_at_once() {
    let app = TestApp::spawn().await;
    app.case_per_opener().await;
    let coordinator = app.principal("coordinator").await;
    let hs = app
        .haven
        .find_agency("Help & Shelter")
        .await
        .unwrap()
        .unwrap();
    let hs_case: String = sqlx::query_scalar(
        "SELECT c.id FROM cases c WHERE c.owner_agency_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM case_agencies ca WHERE ca.case_id = c.id AND ca.agency_id = $2) LIMIT 1",
    )
    .bind(hs.id.to_string())
    .bind(coordinator.agency_id.to_string())
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let id: CaseId = hs_case.parse().unwrap();
    assert!(!app.haven.may_read_case(&coordinator, id).await.unwrap());
    let admin = app.login("admin").await;
    let res = admin
        .post_form(
            &format!("/admin/agencies/{}/coordination", hs.id),
            &[("consent", "1")],
        )
        .await;
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text()
            .await
            .unwrap_or_default()
            .chars()
            .take(2000)
            .collect::<String>()
    );
    assert!(app.haven.may_read_case(&coordinator, id).await.unwrap());
    let audited = app
        .count_of(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'agency.updated' AND target_id = $1",
            &hs.id.to_string(),
        )
        .await;
    assert_eq!(audited, 1);
    // Nobody else may change it.
    let cw = app.login("caseworker").await;
    let res = cw
        .post_form(
            &format!("/admin/agencies/{}/coordination", hs.id),
            &[("consent", "0")],
        )
        .await;
    assert_eq!(res.status(), 403);
}

/// A form post: path, fields, expected status.
type Post<'a> = (String, Vec<(&'a str, &'a str)>, u16);

fn writes_cases(r: Role) -> bool {
    matches!(r, Role::Coordinator | Role::CaseWorker | Role::Screener)
}
fn manages_cases(r: Role) -> bool {
    matches!(r, Role::Coordinator | Role::CaseWorker)
}

/// One visible case and one hidden case for the user (service providers read no case file:
/// only referrals' shared sections).
async fn one_visible_one_hidden(app: &TestApp, user: &str) -> (Option<CaseId>, CaseId) {
    let (visible, hidden) = visible_and_hidden(app, user).await;
    // An open case: a closed one is read-only for everyone (checked in `records`).
    let mut open = None;
    for id in &visible {
        let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        if !status.starts_with("Closed") {
            open = Some(*id);
            break;
        }
    }
    (open.or(visible.first().copied()), hidden[0])
}

async fn owner_and_person(app: &TestApp, id: CaseId) -> (String, String) {
    let row: (String, String) =
        sqlx::query_as("SELECT owner_agency_id, person_id FROM cases WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    row
}

/// Every case route of issue 3 (pages and API), for every role, on a case the user may read and
/// on one they may not: readers who may not write get 403, everyone else outside 404.
#[tokio::test]
async fn every_role_on_every_case_route() {
    let app = TestApp::spawn().await;
    app.case_per_opener().await;
    for (user, role) in USERS {
        let s = app.login(user).await;
        let token = s.token().await;
        let (visible, hidden) = one_visible_one_hidden(&app, user).await;
        let my_agency: String =
            sqlx::query_scalar("SELECT agency_id FROM users WHERE username = $1")
                .bind(*user)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(
            s.get("/transfers").await.status().as_u16(),
            expect(200, manages_cases(*role), 403),
            "{user} GET /transfers"
        );
        let mut targets: Vec<(CaseId, bool)> = vec![(hidden, false)];
        if let Some(v) = visible {
            targets.push((v, true));
        }
        if lists_cases(*role) {
            assert!(visible.is_some(), "{user} is checked on a case it can read");
        }
        for (id, readable) in targets {
            let (owner, person) = owner_and_person(&app, id).await;
            let write = |ok: u16| {
                if !readable {
                    404
                } else if writes_cases(*role) {
                    ok
                } else {
                    403
                }
            };
            let read = |ok: u16| if readable { ok } else { 404 };
            let base = format!("/cases/{id}");
            for (path, want) in [
                (format!("{base}/edit"), write(200)),
                (format!("{base}/history"), read(200)),
                (
                    format!("{base}/subject-access"),
                    if !readable {
                        404
                    } else if manages_cases(*role) {
                        200
                    } else {
                        403
                    },
                ),
            ] {
                assert_eq!(
                    s.get(&path).await.status().as_u16(),
                    want,
                    "{user} GET {path}"
                );
                // The API's subject access report answers as the page does.
                if path.ends_with("/subject-access") {
                    assert_eq!(
                        app.api_get(&token, &path).await.status().as_u16(),
                        want,
                        "{user} GET /api/v1{path}"
                    );
                }
            }
            let other_agency: String =
                sqlx::query_scalar("SELECT id FROM agencies WHERE id <> $1 ORDER BY name LIMIT 1")
                    .bind(&owner)
                    .fetch_one(app.store.pool())
                    .await
                    .unwrap();
            let may_assign =
                *role == Role::Coordinator || (*role == Role::CaseWorker && owner == my_agency);
            // A transfer already waiting (asked by an earlier role) makes another one a 422.
            let transfer_waiting = app
                .count_of(
                    "SELECT COUNT(*) FROM case_transfers WHERE case_id = $1 \
                 AND status IN ('pending', 'awaiting_approval')",
                    &id.to_string(),
                )
                .await;
            let posts: Vec<Post> = vec![
                (
                    format!("{base}/notes"),
                    vec![("body", "Matrix note")],
                    write(303),
                ),
                (
                    format!("{base}/events"),
                    vec![("event_type", "Transit"), ("country", "GY")],
                    write(303),
                ),
                (
                    format!("{base}/perpetrators"),
                    vec![("roles", "Transporter")],
                    write(303),
                ),
                (
                    format!("{base}/consents"),
                    vec![
                        ("purpose", "assistance"),
                        ("given_by", "guardian"),
                        ("guardian", "M"),
                    ],
                    write(303),
                ),
                (
                    format!("{base}/consents/no-such-consent/withdraw"),
                    vec![],
                    // A writer meets "no such consent"; anyone else is refused first.
                    if readable && !writes_cases(*role) {
                        403
                    } else {
                        404
                    },
                ),
                (
                    format!("{base}/services"),
                    vec![("service_type", "")],
                    if readable { 200 } else { 404 },
                ),
                (
                    // No consent recorded: a writer gets the form back with the reason.
                    format!("{base}/referrals"),
                    vec![
                        ("to_agency_id", other_agency.as_str()),
                        ("services", "legal_aid"),
                        ("urgency", "routine"),
                        ("reason", "Matrix"),
                        ("action", "send"),
                    ],
                    write(422),
                ),
                (
                    format!("{base}/assign"),
                    vec![("user", "")],
                    if !readable {
                        404
                    } else if may_assign {
                        303
                    } else {
                        403
                    },
                ),
                (
                    format!("{base}/transfer"),
                    vec![("to_agency", other_agency.as_str())],
                    // The coordinator's goes out; a case worker's (owning agency) waits for
                    // the coordinator's approval.
                    if !readable {
                        404
                    } else if !may_assign {
                        403
                    } else if transfer_waiting > 0 {
                        422
                    } else {
                        303
                    },
                ),
            ];
            for (path, fields, want) in posts {
                assert_eq!(
                    s.post_form(&path, &fields).await.status().as_u16(),
                    want,
                    "{user} POST {path}"
                );
            }
            // Close then reopen: a writer may do both (closing an already closed case is a 422).
            let closed = s
                .post_form(&format!("{base}/close"), &[("reason", "Other")])
                .await
                .status()
                .as_u16();
            let expected = write(303);
            assert!(
                closed == expected || (expected == 303 && closed == 422),
                "{user} POST close: {closed}"
            );
            assert_eq!(
                s.post_form(&format!("{base}/reopen"), &[("reason", "Matrix")])
                    .await
                    .status()
                    .as_u16(),
                write(303),
                "{user} POST reopen"
            );
            let up = s
                .upload(
                    &format!("{base}/attachments"),
                    "n.txt",
                    b"plain text note".to_vec(),
                )
                .await
                .status()
                .as_u16();
            assert_eq!(up, write(303), "{user} POST attachment");

            // The API, with the same answers.
            let c = reqwest::Client::new();
            let api = |m: reqwest::Method, path: String| {
                c.request(m, app.url(&format!("/api/v1{path}")))
                    .bearer_auth(&token)
            };
            let st = |r: reqwest::Response| r.status().as_u16();
            assert_eq!(
                st(api(reqwest::Method::GET, format!("/cases/{id}/history"))
                    .send()
                    .await
                    .unwrap()),
                read(200),
                "{user} api history"
            );
            assert_eq!(
                st(api(reqwest::Method::GET, format!("/people/{person}"))
                    .send()
                    .await
                    .unwrap()),
                read(200),
                "{user} api person"
            );
            assert_eq!(
                st(api(reqwest::Method::PUT, format!("/cases/{id}"))
                    .header("if-match", "\"0\"")
                    .json(&crate::harness::api_case("Matrix"))
                    .send()
                    .await
                    .unwrap()),
                write(412),
                "{user} api stale edit"
            );
            assert_eq!(
                st(api(reqwest::Method::POST, format!("/cases/{id}/notes"))
                    .json(&serde_json::json!({"body": "api note"}))
                    .send()
                    .await
                    .unwrap()),
                write(201),
                "{user} api note"
            );
            assert_eq!(
                st(api(reqwest::Method::POST, format!("/cases/{id}/events"))
                    .json(&serde_json::json!({"event_type": "Recruitment"}))
                    .send()
                    .await
                    .unwrap()),
                write(201),
                "{user} api event"
            );
            assert_eq!(
                st(
                    api(reqwest::Method::POST, format!("/cases/{id}/perpetrators"))
                        .json(&serde_json::json!({"roles": ["Exploiter"]}))
                        .send()
                        .await
                        .unwrap()
                ),
                write(201),
                "{user} api perpetrator"
            );
            assert_eq!(
                st(api(reqwest::Method::POST, format!("/cases/{id}/consents"))
                    .json(&serde_json::json!({
                        "purpose": "assistance", "given_by": "guardian", "guardian": "M",
                    }))
                    .send()
                    .await
                    .unwrap()),
                write(201),
                "{user} api consent"
            );
            assert_eq!(
                st(api(
                    reqwest::Method::POST,
                    format!("/cases/{id}/consents/no-such-consent/withdraw")
                )
                .json(&serde_json::json!({"reason": "Matrix"}))
                .send()
                .await
                .unwrap()),
                // A writer meets "no such consent"; anyone else is refused first.
                if readable && !writes_cases(*role) {
                    403
                } else {
                    404
                },
                "{user} api consent withdrawal"
            );
        }
    }
}

/// Every referral, notification and transfer-approval route (pages and API) for every role, on a
/// referral sent by the case worker to the provider's agency: its sender's side (who may read the
/// case) and its recipients see it; everyone else gets 404, as for a referral that does not exist.
#[tokio::test]
async fn every_role_on_every_referral_route() {
    use haven_core::Origin;
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let o = Origin::default();
    let ffp = app.agency("Food for the Poor Guyana").await;
    let cw_session = app.login("caseworker").await;
    let case = cw_session.new_case(&[("first_name", "Matriz")]).await;
    let cw = app.principal("caseworker").await;
    app.consent_to_referral(&cw, case, ffp).await;
    let referral = h
        .create_referral(
            &cw,
            case,
            &haven_core::referrals::ReferralInput {
                to_agency_id: ffp.to_string(),
                services: vec!["legal_aid".into()],
                urgency: "routine".into(),
                reason: "Matrix".into(),
                sections: vec!["identity".into()],
                send: true,
                ..Default::default()
            },
            &o,
        )
        .await
        .unwrap();
    // A case worker's transfer request, waiting for the coordinator.
    let tid = h
        .request_transfer(&cw, case, ffp, "Matrix", &o)
        .await
        .unwrap();
    let c = reqwest::Client::new();
    for (user, role) in USERS {
        let s = app.login(user).await;
        let token = s.token().await;
        let p = app.principal(user).await;
        let reads_case = h.case_number(&p, case).await.is_ok();
        let recipient = p.agency_id == ffp
            && matches!(
                role,
                Role::CaseWorker | Role::ServiceProvider | Role::Coordinator
            );
        let sees = reads_case || recipient;
        let refers = matches!(
            role,
            Role::CaseWorker | Role::ServiceProvider | Role::Coordinator | Role::Screener
        );
        let api = |method: reqwest::Method, path: String, body: Option<serde_json::Value>| {
            let mut rq = c.request(method, app.url(&path)).bearer_auth(token.clone());
            if let Some(b) = body {
                rq = rq.json(&b);
            }
            async move { rq.send().await.unwrap().status().as_u16() }
        };
        let base = format!("/referrals/{referral}");
        // Pages.
        for (path, want) in [
            (base.clone(), if sees { 200 } else { 404 }),
            (
                format!("{base}/print.pdf"),
                if reads_case { 200 } else { 404 },
            ),
            ("/referrals".into(), if refers { 200 } else { 403 }),
            ("/notifications".into(), 200),
        ] {
            assert_eq!(
                s.get(&path).await.status().as_u16(),
                want,
                "{user} GET {path}"
            );
            // The API's printable referral answers as the page does.
            if path.ends_with("/print.pdf") {
                assert_eq!(
                    api(reqwest::Method::GET, format!("/api/v1{path}"), None).await,
                    want,
                    "{user} GET /api/v1{path}"
                );
            }
        }
        for (path, fields, want) in [
            // Not declined: the sender's side is told it cannot; others do not see it.
            (
                format!("{base}/redirect"),
                vec![("to_agency_id", ffp.to_string())],
                if reads_case && writes_cases(*role) {
                    422
                } else {
                    404
                },
            ),
            // Completing a referral not yet accepted: only a recipient gets as far as "not now".
            (
                format!("{base}/complete"),
                vec![("note", "x".to_string())],
                if recipient { 422 } else { 404 },
            ),
            (format!("{base}/bogus"), vec![], 404),
            ("/notifications/read".into(), vec![], 303),
            ("/notifications/unknown/open".into(), vec![], 404),
            (
                "/account/email".into(),
                vec![("email", "not an address".to_string())],
                422,
            ),
            (
                format!("/transfers/{tid}/reject"),
                vec![("note", String::new())],
                // The coordinator's own refusal is checked after the loop.
                if *role == Role::Coordinator { 0 } else { 404 },
            ),
        ] {
            if want == 0 {
                continue;
            }
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(
                s.post_form(&path, &fields).await.status().as_u16(),
                want,
                "{user} POST {path}"
            );
        }
        // API.
        use reqwest::Method;
        for (method, path, body, want) in [
            (
                Method::GET,
                "/api/v1/referrals".to_string(),
                None,
                if refers { 200 } else { 403 },
            ),
            (
                Method::GET,
                "/api/v1/referrals?box=overdue".to_string(),
                None,
                if refers { 200 } else { 403 },
            ),
            (
                Method::GET,
                format!("/api/v1{base}"),
                None,
                if sees { 200 } else { 404 },
            ),
            (
                Method::POST,
                format!("/api/v1{base}/complete"),
                Some(serde_json::json!({"note": "x"})),
                if recipient { 422 } else { 404 },
            ),
            (
                Method::POST,
                format!("/api/v1{base}/redirect"),
                Some(serde_json::json!({"to_agency_id": ffp.to_string()})),
                if reads_case && writes_cases(*role) {
                    422
                } else {
                    404
                },
            ),
            (
                Method::GET,
                format!("/api/v1/cases/{case}/services"),
                None,
                if reads_case { 200 } else { 404 },
            ),
            (
                Method::POST,
                format!("/api/v1/cases/{case}/referrals"),
                Some(
                    serde_json::json!({"to_agency_id": ffp.to_string(), "services": ["legal_aid"],
                    "urgency": "routine", "reason": "Matrix", "send": false}),
                ),
                if !reads_case {
                    404
                } else if writes_cases(*role) {
                    201
                } else {
                    403
                },
            ),
            (Method::GET, "/api/v1/notifications".to_string(), None, 200),
            (
                Method::POST,
                "/api/v1/notifications/read".to_string(),
                Some(serde_json::json!({})),
                200,
            ),
            (
                Method::POST,
                format!("/api/v1/transfers/{tid}/approve"),
                Some(serde_json::json!({})),
                if *role == Role::Coordinator { 0 } else { 404 },
            ),
        ] {
            if want == 0 {
                continue;
            }
            assert_eq!(
                api(method.clone(), path.clone(), body).await,
                want,
                "{user} {method} {path}"
            );
        }
    }
    let coord = app.login("coordinator").await;
    assert_eq!(
        coord
            .post_form(&format!("/transfers/{tid}/approve"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        coord
            .post_form(&format!("/transfers/{tid}/approve"), &[])
            .await
            .status(),
        422,
        "approved once"
    );
}

/// Every protection route for every role, on a case of the child-protection agency: its readers
/// see the page; its writers save (a refused form is a 422: the gate was passed); readers who
/// may not write get 403; everyone else 404. Task lists are for staff who follow cases.
#[tokio::test]
async fn every_role_on_every_protection_route() {
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let cpa = app.login("childcare").await;
    let case = cpa.new_case(&[("first_name", "Matriz")]).await;
    let owner = app.principal("childcare").await;
    let task = h
        .create_task(
            &owner,
            case,
            &haven_core::protection::TaskInput {
                kind: "call".into(),
                title: "Matrix".into(),
                due_on: "2027-01-01".into(),
                ..Default::default()
            },
            &haven_core::Origin::default(),
        )
        .await
        .unwrap();
    let mut users: Vec<(&str, Role)> = USERS.to_vec();
    users.push(("childcare", Role::CaseWorker));
    for (user, role) in users {
        let s = app.login(user).await;
        let p = app.principal(user).await;
        let reads = h.case_number(&p, case).await.is_ok();
        let writes = reads && writes_cases(role);
        let base = format!("/cases/{case}/protection");
        assert_eq!(
            s.get(&base).await.status().as_u16(),
            if reads { 200 } else { 404 },
            "{user} GET {base}"
        );
        assert_eq!(
            s.get("/tasks").await.status().as_u16(),
            200,
            "{user} GET /tasks (their own, possibly none)"
        );
        // Every section with an empty form: a writer gets the form back (422).
        for section in [
            "risk",
            "reflection",
            "extend",
            "plan",
            "submit",
            "approve",
            "return-plan",
            "services",
            "tasks",
            "return",
            "proceedings",
        ] {
            let want = if !reads {
                404
            } else if !writes {
                403
            } else {
                422
            };
            // An empty return or reflection form is valid: it saves (303) or, the period being
            // started, is refused (422).
            let got = s
                .post_form(&format!("{base}/{section}"), &[("kind", "")])
                .await
                .status()
                .as_u16();
            if writes && matches!(section, "return" | "reflection") {
                assert!(matches!(got, 303 | 422), "{user} POST {section}: {got}");
            } else {
                assert_eq!(got, want, "{user} POST {base}/{section}");
            }
        }
        assert_eq!(
            s.post_form(&format!("{base}/bogus"), &[])
                .await
                .status()
                .as_u16(),
            404,
            "{user} unknown section"
        );
        // The API: the same answers.
        let token = s.token().await;
        let c = reqwest::Client::new();
        let api = |m: reqwest::Method, path: String, body: Option<serde_json::Value>| {
            let mut rq = c.request(m, app.url(&path)).bearer_auth(token.clone());
            if let Some(b) = body {
                rq = rq.json(&b);
            }
            async move { rq.send().await.unwrap().status().as_u16() }
        };
        let gate = |ok: u16| {
            if !reads {
                404
            } else if !writes {
                403
            } else {
                ok
            }
        };
        use reqwest::Method;
        for (m, path, body, want) in [
            (
                Method::GET,
                format!("/api/v1/cases/{case}/protection"),
                None,
                if reads { 200 } else { 404 },
            ),
            (
                Method::POST,
                format!("/api/v1/cases/{case}/protection/risk"),
                Some(serde_json::json!({})),
                gate(422),
            ),
            (
                Method::POST,
                format!("/api/v1/cases/{case}/protection/tasks"),
                Some(
                    serde_json::json!({"kind": "call", "title": "Matrix", "due_on": "2027-02-01"}),
                ),
                gate(201),
            ),
            (
                Method::POST,
                format!("/api/v1/cases/{case}/protection/bogus"),
                Some(serde_json::json!({})),
                404,
            ),
            (Method::GET, "/api/v1/tasks".to_string(), None, 200),
            (
                Method::POST,
                format!("/api/v1/tasks/{task}/bogus"),
                Some(serde_json::json!({})),
                gate(422),
            ),
        ] {
            assert_eq!(
                api(m.clone(), path.clone(), body).await,
                want,
                "{user} {m} {path}"
            );
        }
        // Finishing a task: a writer of the case (with a bad status, 422), others 404/403.
        let got = s
            .post_form(&format!("/tasks/{task}/bogus"), &[])
            .await
            .status()
            .as_u16();
        assert_eq!(
            got,
            if writes {
                422
            } else if reads {
                403
            } else {
                404
            },
            "{user} POST /tasks/{{id}}/bogus"
        );
    }
}

/// Duplicates across a visibility boundary and persons after merges, for every role: nobody
/// merges a hidden person (the coordinator gets 422, others 403), a hidden person stays 404 to
/// everyone outside its agency, a merged-away person is 404 to all, and an undo restores exactly
/// the earlier access.
#[tokio::test]
async fn every_role_on_duplicates_across_a_boundary_and_persons_after_merges() {
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let o = haven_core::Origin::default();
    let c = reqwest::Client::new();
    let mut tokens = Vec::new();
    for (user, role) in USERS.iter().chain(&[("childcare", Role::CaseWorker)]) {
        tokens.push((*user, *role, app.login(user).await.token().await));
    }
    let token_of = |u: &str| tokens.iter().find(|t| t.0 == u).unwrap().2.clone();
    let pool = app.store.pool();
    let register =
        |user: &'static str, first: &'static str, last: &'static str, birth: &'static str| {
            let c = c.clone();
            let url = app.url("/api/v1/cases");
            let token = token_of(user);
            async move {
                let mut body = crate::harness::api_case(first);
                body["person"]["second_name"] = last.into();
                body["person"]["birth_date"] = birth.into();
                body["person"]
                    .as_object_mut()
                    .unwrap()
                    .remove("assessed_age");
                let res = c
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201, "{user} registers");
                let v: serde_json::Value = res.json().await.unwrap();
                let person: String =
                    sqlx::query_scalar("SELECT person_id FROM cases WHERE id = $1")
                        .bind(v["id"].as_str().unwrap())
                        .fetch_one(pool)
                        .await
                        .unwrap();
                person.parse::<haven_domain::PersonId>().unwrap()
            }
        };
    // Help & Shelter (no coordination) holds one person; the coordinator registers her again.
    let hidden = register("caseworker", "Dayana", "Pestana", "2011-11-03").await;
    let visible = register("coordinator", "Dayana", "Pestana", "2011-11-03").await;
    // The Child Care agency (coordination) registers another person twice.
    let first = register("childcare", "Kevin", "Persaud", "1980-02-02").await;
    let second = register("childcare", "Kevin", "Persaud", "1980-02-02").await;
    let coord = app.principal("coordinator").await;
    let cap = coord.duplicate_review().unwrap();
    h.scan_duplicates(Some(&coord), &o).await.unwrap();
    let pairs = h
        .duplicate_queue(
            cap,
            "open",
            &haven_core::support::cursor::PageRequest::all(),
            &o,
        )
        .await
        .unwrap()
        .0;
    let pair_of = |p: haven_domain::PersonId| {
        pairs
            .iter()
            .find(|v| v.sides.iter().any(|s| s.person_id == p))
            .unwrap()
            .id
            .clone()
    };
    let (cross, inside) = (pair_of(hidden), pair_of(first));

    let call =
        |method: reqwest::Method, path: String, token: String, body: Option<serde_json::Value>| {
            let c = c.clone();
            let url = app.url(&path);
            async move {
                let mut rq = c.request(method, url).bearer_auth(token);
                if let Some(b) = body {
                    rq = rq.json(&b);
                }
                rq.send().await.unwrap().status().as_u16()
            }
        };
    // 200 for the users who read the person through a case, 404 for everyone else.
    let person_status = |user: &str, readers: &[&str]| {
        if readers.contains(&user) { 200 } else { 404 }
    };
    for (user, role, token) in &tokens {
        let coordinator = *role == Role::Coordinator;
        for keep in [hidden, visible] {
            let got = call(
                reqwest::Method::POST,
                format!("/api/v1/duplicates/{cross}/merge"),
                token.clone(),
                Some(serde_json::json!({"keep": keep.to_string()})),
            )
            .await;
            assert_eq!(
                got,
                if coordinator { 422 } else { 403 },
                "{user} merges across"
            );
        }
        let got = call(
            reqwest::Method::GET,
            format!("/api/v1/people/{hidden}"),
            token.clone(),
            None,
        )
        .await;
        assert_eq!(
            got,
            person_status(user, &["caseworker"]),
            "{user} reads the hidden person"
        );
        if !coordinator {
            let got = call(
                reqwest::Method::POST,
                format!("/api/v1/duplicates/{inside}/merge"),
                token.clone(),
                Some(serde_json::json!({"keep": second.to_string()})),
            )
            .await;
            assert_eq!(got, 403, "{user} merges inside");
        }
    }
    // The coordinator merges the pair it reads whole.
    h.merge_pair(cap, &inside, second, &o).await.unwrap();
    for (user, role, token) in &tokens {
        let get = |p: haven_domain::PersonId| {
            call(
                reqwest::Method::GET,
                format!("/api/v1/people/{p}"),
                token.clone(),
                None,
            )
        };
        assert_eq!(get(first).await, 404, "{user} reads the merged-away person");
        assert_eq!(
            get(second).await,
            person_status(user, &["childcare", "coordinator"]),
            "{user} reads the kept person"
        );
        if *role != Role::Coordinator {
            for action in ["unmerge", "different"] {
                let got = call(
                    reqwest::Method::POST,
                    format!("/api/v1/duplicates/{inside}/{action}"),
                    token.clone(),
                    Some(serde_json::json!({})),
                )
                .await;
                assert_eq!(got, 403, "{user} {action}");
            }
        }
    }
    // Undone: each person is read as before, by the same users.
    h.unmerge_pair(cap, &inside, &o).await.unwrap();
    for (user, _, token) in &tokens {
        for p in [first, second] {
            let got = call(
                reqwest::Method::GET,
                format!("/api/v1/people/{p}"),
                token.clone(),
                None,
            )
            .await;
            assert_eq!(
                got,
                person_status(user, &["childcare", "coordinator"]),
                "{user} after undo"
            );
        }
    }
}
