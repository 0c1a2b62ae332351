//! Screening interviews through the API: recorded with consent, evaluated by the ILO/EC rule,
//! sealed, audited, and visible only to those who may see them.
use serde_json::{Value, json};

use crate::harness::{TestApp, location};

const EVIDENCE: &str = "Says the camp boss keeps her identity card in a locked box";

async fn post(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.api_post(token, "/screenings", &body).await
}

async fn get(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.api_get(token, &format!("/screenings/{id}")).await
}

fn miner(consent: bool) -> Value {
    json!({
        "region": "GY-CU",
        "place": "Mining camp on the river",
        "language": "spa",
        "interpreter": true,
        "consent": consent,
        "age": 24,
        "labour": true,
        "answers": {
            "deceived_nature_of_job": {"answer": "present", "evidence": "Promised a shop job in town"},
            "deceived_wages": {"answer": "present"},
            "excessive_working_hours": {"answer": "present", "evidence": "16 hours a day"},
            "low_or_no_salary": {"answer": "present"},
            "confiscation_of_documents": {"answer": "present", "evidence": EVIDENCE},
            "debt_bondage": {"answer": "present"},
            "violence_on_victim": {"answer": "unknown"}
        }
    })
}

#[tokio::test]
async fn a_screening_is_evaluated_sealed_audited_and_need_to_know() {
    let app = TestApp::spawn().await;
    let screener = app.login("screener").await;
    let token = screener.token().await;

    // Consent first: nothing is recorded without it.
    let res = post(&app, &token, miner(false)).await;
    assert_eq!(res.status(), 422);
    let res = post(
        &app,
        &token,
        json!({"consent": true, "answers": {"no_such_indicator": {"answer": "present"}}}),
    )
    .await;
    assert_eq!(res.status(), 422);

    let res = post(&app, &token, miner(true)).await;
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["outcome"], "indicators_met");
    let r = &v["results"][0];
    assert_eq!(r["profile"], "adult_labour");
    assert_eq!(r["palermo"]["act"], true);
    assert_eq!(r["palermo"]["purpose"], true);
    assert!(
        r["palermo"]["means_support"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == "debt_bondage")
    );
    let id = v["id"].as_str().unwrap().to_string();

    // Sealed at rest: neither the evidence nor the place is in the database in clear.
    let (answers, place): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT answers, place FROM screenings WHERE id = $1")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    let hay = |b: &[u8], n: &str| b.windows(n.len()).any(|w| w == n.as_bytes());
    assert!(!hay(&answers, "identity card") && !hay(&place, "Mining camp"));
    // Statistics can count outcomes without opening anything.
    let (outcome, region): (String, String) =
        sqlx::query_as("SELECT outcome, region FROM screenings WHERE id = $1")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        (outcome.as_str(), region.as_str()),
        ("indicators_met", "GY-CU")
    );

    // The author reads it back, with the evidence; others of other agencies do not see it.
    let res = get(&app, &token, &id).await;
    assert_eq!(res.status(), 200);
    let back: Value = res.json().await.unwrap();
    assert_eq!(
        back["answers"]["confiscation_of_documents"]["evidence"],
        EVIDENCE
    );
    assert_eq!(back["place"], "Mining camp on the river");
    let provider = app.login("provider").await.token().await;
    assert_eq!(get(&app, &provider, &id).await.status(), 404);
    let analyst = app.login("analyst").await.token().await;
    assert_eq!(get(&app, &analyst, &id).await.status(), 404);
    assert_eq!(post(&app, &analyst, miner(true)).await.status(), 403);

    let recorded = app.audit_count("screening.recorded").await;
    let viewed = app.audit_count("screening.viewed").await;
    assert_eq!((recorded, viewed), (1, 1));
}

#[tokio::test]
async fn a_child_needs_no_means_and_a_screening_can_join_a_case() {
    let app = TestApp::spawn().await;
    let cw = app.login("caseworker").await;
    let case = cw.new_case(&[("first_name", "Child")]).await;
    let token = cw.token().await;
    let child = json!({
        "case_id": case,
        "consent": true,
        "age": 15,
        "labour": true,
        "act": true,
        "answers": {
            "excessive_working_hours": {"answer": "present"},
            "hazardous_work": {"answer": "present"}
        }
    });
    let res = post(&app, &token, child.clone()).await;
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["results"][0]["profile"], "child_labour");
    assert_eq!(v["outcome"], "indicators_met");
    assert_eq!(v["case_id"], case.to_string());
    // A case the user may not change: refused as if it did not exist.
    let screener = app.login("screener").await.token().await;
    assert_eq!(post(&app, &screener, child).await.status(), 404);
}

#[tokio::test]
async fn the_interview_works_as_a_plain_form_in_french() {
    let app = TestApp::spawn().await;
    let s = app.login("screener").await;
    s.post_form("/language", &[("lang", "fr")]).await;
    let html = s.get("/screenings/new").await.text().await.unwrap();
    assert!(
        html.contains("name=\"a_debt_bondage\""),
        "every indicator is asked"
    );
    assert!(
        html.contains("Repérage"),
        "in French (\"dépistage\" is medical)"
    );
    // Without consent nothing is recorded and the answers stay on the page.
    let answers = [
        ("age", "24"),
        ("labour", "true"),
        ("a_deceived_nature_of_job", "present"),
        ("a_deceived_wages", "present"),
        ("a_excessive_working_hours", "present"),
        ("a_low_or_no_salary", "present"),
        ("a_confiscation_of_documents", "present"),
        (
            "e_confiscation_of_documents",
            "Papiers gardés par le patron",
        ),
        ("a_debt_bondage", "present"),
    ];
    let res = s.post_form("/screenings", &answers).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("role=\"alert\""));
    assert!(
        html.contains("Papiers gardés par le patron"),
        "nothing typed is lost"
    );
    let mut with_consent = answers.to_vec();
    with_consent.push(("consent", "true"));
    let res = s.post_form("/screenings", &with_consent).await;
    assert_eq!(res.status(), 303);
    let page = location(&res);
    assert!(page.starts_with("/screenings/"));
    let html = s.get(&page).await.text().await.unwrap();
    assert!(html.contains("Papiers gardés par le patron"));
    assert!(html.contains("<h1>"), "{html}");
    // The indicator set in words, not its code; the findings without gendered agreement.
    assert!(
        html.contains("<span id=\"indicator-set\">Indicateurs opérationnels OIT/CE (2009), règles Haven 1</span>"),
        "{}",
        html.split("<h1>").nth(1).unwrap_or_default().chars().take(600).collect::<String>()
    );
    assert!(!html.contains("ilo-ec-2009"));
    assert!(html.contains("indices suffisants"));
    // Only those who may screen see the form.
    let analyst = app.login("analyst").await;
    assert_eq!(analyst.get("/screenings/new").await.status(), 403);
    assert_eq!(analyst.get(&page).await.status(), 404);
}

#[tokio::test]
async fn a_screening_without_a_case_finds_the_person_or_starts_their_case() {
    let app = TestApp::spawn().await;
    let cw = app.login("caseworker").await;
    let token = cw.token().await;
    let res = app.api_post(&token, "/cases", &json!({
            "person": {"first_name": "Marisol", "second_name": "Gonzales", "birth_date": "1999-04-02", "gender": "Feminine"},
            "victim": {"trafficking_status": "PossibleVictimOfTrafficking", "type_of_exploitation": ["ForcedLabour"]},
            "case": {"region": "GY-CU"}
        })).await;
    assert_eq!(res.status(), 201);
    let case: Value = res.json().await.unwrap();
    let case_id = case["id"].as_str().unwrap().to_string();

    let loose = |app: &TestApp, token: String| {
        let url = app.url("/api/v1/screenings");
        async move {
            let v: Value = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&miner(true))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["id"].as_str().unwrap().to_string()
        }
    };
    let first = loose(&app, token.clone()).await;
    let call = |path: String, body: Value| {
        let url = app.url(&path);
        let token = token.clone();
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    // The duplicate check finds her under another spelling, same birth year first.
    let res = call(
        format!("/api/v1/screenings/{first}/matches"),
        json!({"first_name": "Marisól", "family_name": "González", "birth_year": 1999}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let matches: Value = res.json().await.unwrap();
    let m = &matches[0];
    assert_eq!(m["case_id"], case_id.as_str());
    assert_eq!(m["same_birth_year"], true);
    assert_eq!(m["may_link"], true);
    let searched = app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'case.searched' AND details LIKE '%screening_duplicate_check%'").await;
    assert_eq!(searched, 1);

    // Attached once; not twice; and the case page lists it.
    let link = format!("/api/v1/screenings/{first}/link");
    assert_eq!(
        call(link.clone(), json!({"case": case_id})).await.status(),
        204
    );
    assert_eq!(call(link, json!({"case": case_id})).await.status(), 422);
    let html = cw
        .get(&format!("/cases/{case_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("/screenings/{first}")));
    assert!(html.contains(&format!("/screenings/new?case={case_id}")));

    // Nobody known: a new case draft from the screening, completed on the case form, takes the
    // screening with it.
    let second = loose(&app, token.clone()).await;
    let res = cw
        .post_form(
            &format!("/screenings/{second}/matches"),
            &[("first_name", "Zenobia"), ("family_name", "Quarrington")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("id=\"no-matches\""));
    let res = cw
        .post_form(
            &format!("/screenings/{second}/draft"),
            &[
                ("first_name", "Zenobia"),
                ("family_name", "Quarrington"),
                ("birth_year", "2001"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let draft = to.split("draft=").nth(1).unwrap().to_string();
    let form = cw.get(&to).await.text().await.unwrap();
    assert!(form.contains("Zenobia") && form.contains("ForcedLabour"));
    // What the screening found of how she was held is already ticked; what it only asked
    // about (violence: unknown) is not.
    for found in ["DebtBondage", "WithholdsDocuments", "ExcessiveWorkingHours"] {
        assert!(
            form.contains(&format!("value=\"{found}\" checked")),
            "{found} pre-filled"
        );
    }
    assert!(!form.contains("value=\"PhysicalAbuse\" checked"));
    // The draft says what is still needed to open the case, each a link to its field: not
    // the first name, the forms of exploitation or the region (from the screening), but the sex.
    let required = form
        .split("id=\"draft-required\"")
        .nth(1)
        .and_then(|r| r.split("</div>").next())
        .expect("the draft lists the required fields");
    for (field, shown) in [
        ("gender", true),
        ("region", false),
        ("first_name", false),
        ("type_of_exploitation", false),
    ] {
        assert_eq!(
            required.contains(&format!("href=\"#{field}\"")),
            shown,
            "{field} in {required}"
        );
    }
    let new_case = cw
        .new_case(&[
            ("first_name", "Zenobia"),
            ("second_name", "Quarrington"),
            ("draft", &draft),
        ])
        .await
        .to_string();
    let linked: Option<String> = sqlx::query_scalar("SELECT case_id FROM screenings WHERE id = $1")
        .bind(&second)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(linked.as_deref(), Some(new_case.as_str()));
    let linked_events = app.audit_count("screening.linked").await;
    assert_eq!(linked_events, 2);

    // Another agency's user cannot see or attach someone else's loose screening.
    let third = loose(&app, token.clone()).await;
    let other = app.login("screener").await.token().await;
    let res = app
        .api_post(
            &other,
            &format!("/screenings/{third}/link"),
            &json!({"case": case_id}),
        )
        .await;
    assert_eq!(res.status(), 404);

    // The statistics hook: counts by outcome, profile, region and screening agency, no names.
    let analyst = app.login("analyst").await.token().await;
    let stats: Value = app.api_get(&analyst, "/stats").await.json().await.unwrap();
    let keys = |table: &str| -> Vec<String> {
        stats[table]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["key"].as_str().map(str::to_string))
            .collect()
    };
    assert!(keys("by_screening_profile").contains(&"adult_labour".to_string()));
    assert!(keys("by_screening_region").contains(&"GY-CU".to_string()));
    assert!(!keys("by_screening_agency").is_empty());
    assert!(!stats.to_string().contains("Zenobia"));
}

/// A person picks the interview's language by name, in their own language; Haven stores the
/// ISO 639-2 code, shows the name back, and refuses a name it does not know with the field's
/// error instead of storing it.
#[tokio::test]
async fn the_interview_s_language_is_named_not_coded() {
    let app = TestApp::spawn().await;
    let screener = app.login("screener").await;
    let token = screener.token().await;
    for (typed, stored) in [
        ("Spanish; Castilian", "spa"),
        ("portugais", "por"),
        ("eng", "eng"),
    ] {
        let mut body = miner(true);
        body["language"] = json!(typed);
        let res = post(&app, &token, body).await;
        assert_eq!(res.status(), 201, "{typed}");
        let v: Value = res.json().await.unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        let v: Value = get(&app, &token, &id).await.json().await.unwrap();
        assert_eq!(v["language"], stored, "{typed}");
    }
    let mut body = miner(true);
    body["language"] = json!("Klingon");
    let res = post(&app, &token, body).await;
    assert_eq!(res.status(), 422);
    let v: Value = res.json().await.unwrap();
    assert!(v.to_string().contains("language"), "{v}");

    // The form offers names, not codes.
    let page = screener.get("/screenings/new").await.text().await.unwrap();
    assert!(page.contains("list=\"language-names\""));
    assert!(page.contains("<option value=\"Portuguese\">"));
    assert!(!page.contains("ISO"));
}
