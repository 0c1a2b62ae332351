//! Duplicate persons: possible existing records before a registration respect agency
//! boundaries; the coordinator's queue merges and unmerges with every step audited.
use haven_core::Origin;

use crate::harness::{TestApp, case_in};

/// Posts the registration form without the "matches checked" confirmation.
pub(crate) async fn register(
    s: &crate::harness::Session,
    first: &str,
    last: &str,
    birth: &str,
    confirmed: bool,
) -> reqwest::Response {
    let mut f = vec![
        ("first_name", first),
        ("second_name", last),
        ("birth_date", birth),
        ("gender", "Feminine"),
        ("trafficking_status", "PossibleVictimOfTrafficking"),
        ("type_of_exploitation", "ForcedLabour"),
        ("region", "GY-CU"),
    ];
    if confirmed {
        f.push(("matches_checked", "1"));
    }
    s.post_form("/cases/new", &f).await
}

#[tokio::test]
async fn possible_matches_respect_agency_boundaries() {
    let app = TestApp::spawn().await;
    // Help & Shelter registers a person (the agency does not share with coordination).
    let shelter = app.login("caseworker").await;
    let res = register(&shelter, "Yanelis", "Carrasquero", "2001-05-17", false).await;
    assert_eq!(res.status(), 303, "nothing like her yet: saved at once");
    let first = case_in(&res);

    // The Child Care agency types her again, spelt differently: it learns only that Help &
    // Shelter may know her, nothing of the record.
    let cpa = app.login("childcare").await;
    let res = register(&cpa, "Yaneliz", "Carasquero", "2001-05-17", false).await;
    assert_eq!(res.status(), 200, "the form comes back with a warning");
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"possible-matches\""), "{html}");
    assert!(
        html.contains("Help &amp; Shelter") || html.contains("Help &#38; Shelter"),
        "the agency is named: {html}"
    );
    assert!(
        !html.contains("Carrasquero") && !html.contains(&first.to_string()),
        "nothing of the other agency's record"
    );
    assert!(html.contains("name=\"matches_checked\" value=\"1\""));
    assert!(html.contains("value=\"Yaneliz\""), "what was typed is kept");
    // Registering anyway saves.
    let res = register(&cpa, "Yaneliz", "Carasquero", "2001-05-17", true).await;
    assert_eq!(res.status(), 303);
    let second = case_in(&res);

    // The same agency sees its own record in full, with the reasons.
    let res = register(&shelter, "Yanelis", "Carrasquero", "17/05/2001", false).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("/cases/{first}")),
        "a link to the case"
    );
    assert!(html.contains("Carrasquero"));
    assert!(html.contains("birth date: same day"), "explained: {html}");
    assert!(
        html.contains("Child Care and Protection Agency"),
        "the other agency's record is reported, not shown"
    );
    assert!(!html.contains(&format!("/cases/{second}")));

    // The API says the same; roles without registrations may not ask.
    let token = cpa.token().await;
    let c = reqwest::Client::new();
    let body = serde_json::json!({"first_name": "Yanelis", "family_name": "Carrasquero", "birth_date": "2001-05-17"});
    let v: serde_json::Value = app
        .api_post(&token, "/matches/check", &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["elsewhere"], serde_json::json!(["Help & Shelter"]), "{v}");
    assert_eq!(v["visible"].as_array().unwrap().len(), 1, "its own: {v}");
    assert_eq!(v["visible"][0]["case_id"], second.to_string());
    let analyst = app.login("analyst").await.token().await;
    let res = app.api_post(&analyst, "/matches/check", &body).await;
    assert_eq!(res.status(), 403);
    // A screening's duplicate check tells of the other agency's record the same way.
    let v: serde_json::Value = c
        .post(app.url("/api/v1/screenings"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"consent": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let screening = v["id"].as_str().unwrap().to_string();
    let html = cpa
        .post_form(
            &format!("/screenings/{screening}/matches"),
            &[("first_name", "Yanelis"), ("family_name", "Carrasquero")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("class=\"elsewhere\"") && html.contains("Shelter"),
        "{html}"
    );
    // Each check is audited, without the typed names.
    let checks = app.audit_events("match.checked").await;
    assert!(checks.len() >= 4);
    assert!(
        checks
            .iter()
            .all(|e| !e.details.as_deref().unwrap_or("").contains("Yanel")),
        "no typed name in the trail"
    );
}

/// The attack of issue 17: a coordinator registers a guessed name, lets the scan pair it with a
/// person of an agency that does not share with coordination, and merges keeping the hidden
/// person. Refused: a merge never widens who sees a person, and the queue does not confirm what
/// the hidden record holds.
#[tokio::test]
async fn a_merge_across_a_visibility_boundary_opens_nothing() {
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let o = Origin::default();
    let shelter = app.login("caseworker").await;
    let hidden_case = case_in(&register(&shelter, "Dayana", "Pestana", "2011-11-03", true).await);
    let sh = app.principal("caseworker").await;
    let hidden = h.open_case(&sh, hidden_case, &o).await.unwrap().person_id;

    let coord = app.login("coordinator").await;
    let token = coord.token().await;
    let c = reqwest::Client::new();
    let mut guess = crate::harness::api_case("Dayana");
    guess["person"]["second_name"] = "Pestana".into();
    guess["person"]["birth_date"] = "2011-11-03".into();
    guess["person"]
        .as_object_mut()
        .unwrap()
        .remove("assessed_age");
    let res = app.api_post(&token, "/cases", &guess).await;
    assert_eq!(res.status(), 201);
    let res = c
        .post(app.url("/api/v1/duplicates/scan"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let pairs: serde_json::Value = app
        .api_get(&token, "/duplicates")
        .await
        .json()
        .await
        .unwrap();
    let pair = pairs
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["sides"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["person_id"] == hidden.to_string())
        })
        .expect("the scan pairs the guess with the hidden person")
        .clone();
    // Only "a possible record in agency X" and the overall strength.
    assert_eq!(pair["reasons"], serde_json::json!([]), "{pair}");
    assert_eq!(pair["mergeable"], false);
    assert_eq!(pair["ask_agencies"], serde_json::json!(["Help & Shelter"]));
    let side = pair["sides"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["person_id"] == hidden.to_string())
        .unwrap();
    assert!(side["name"].is_null() && side["birth_date"].is_null());
    assert!(side["cases"][0]["case_number"].is_null() && side["cases"][0]["case_id"].is_null());
    let html = coord.get("/duplicates").await.text().await.unwrap();
    assert!(
        !html.contains("first name:") && !html.contains("birth date:"),
        "{html}"
    );
    assert!(html.contains("A possible record in Help"), "{html}");
    assert!(
        !html.contains(&format!("value=\"{hidden}\"")),
        "no merge button"
    );

    // Merging either way is refused, and the hidden person stays hidden.
    let pair_id = pair["id"].as_str().unwrap();
    for s in pair["sides"].as_array().unwrap() {
        let res = c
            .post(app.url(&format!("/api/v1/duplicates/{pair_id}/merge")))
            .bearer_auth(&token)
            .json(&serde_json::json!({"keep": s["person_id"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "merge keeping {}", s["person_id"]);
    }
    // The page says why, in the user's language, not "check the form".
    let res = coord
        .post_form(
            &format!("/duplicates/{pair_id}/merge"),
            &[("keep", &hidden.to_string())],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("You may merge only persons whose every case you can read"),
        "{page}"
    );
    let res = app.api_get(&token, &format!("/people/{hidden}")).await;
    assert_eq!(res.status(), 404);
    let res = c
        .put(app.url(&format!("/api/v1/people/{hidden}")))
        .bearer_auth(&token)
        .header("if-match", "\"1\"")
        .json(&serde_json::json!({"first_name": "X", "gender": "Feminine", "assessed_age": 20}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        h.open_case(&sh, hidden_case, &o).await.unwrap().person_id,
        hidden
    );
    assert!(app.audit_events("person.merged").await.is_empty());
    let denied = app.audit_events("case.access_denied").await;
    assert!(denied.iter().any(|e| e.outcome == "merge_across_boundary"));
}

#[tokio::test]
async fn merge_and_unmerge_keep_every_audit_event() {
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let o = Origin::default();
    let cpa = app.login("childcare").await;
    let shelter = app.login("caseworker").await;
    // Two registrations at the Child Care agency, which shares with coordination: the
    // coordinator reads both cases, so may merge them.
    let a = case_in(&register(&cpa, "Dayana", "Pestana", "1999-11-03", true).await);
    let b = case_in(&register(&cpa, "Daiana", "Pestana", "1999-11-03", true).await);
    // Someone else altogether, who must not be proposed.
    register(&cpa, "Kevin", "Persaud", "1980-02-02", true).await;

    let coord = app.login("coordinator").await;
    let res = coord.post_form("/duplicates/scan", &[]).await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.ends_with("proposed=1"), "{to}");
    let html = coord.get("/duplicates").await.text().await.unwrap();
    assert!(html.contains("Daiana Pestana") && html.contains("Dayana Pestana"));
    assert!(html.contains("family name: same"), "explained");

    let cp = app.principal("coordinator").await;
    let cap = cp.duplicate_review().unwrap();
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
    assert_eq!(pairs.len(), 1);
    let pair = &pairs[0];
    assert!(pair.mergeable);
    let cw = app.principal("childcare").await;
    let person_b = h.open_case(&cw, b, &o).await.unwrap().person_id;
    let person_a = h.open_case(&cw, a, &o).await.unwrap().person_id;

    // Others may not merge.
    let res = shelter
        .post_form(
            &format!("/duplicates/{}/merge", pair.id),
            &[("keep", &person_b.to_string())],
        )
        .await;
    assert_eq!(res.status(), 403);

    // Merge, keeping b's person: both cases are now one person's.
    let res = coord
        .post_form(
            &format!("/duplicates/{}/merge", pair.id),
            &[("keep", &person_b.to_string())],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(h.open_case(&cw, a, &o).await.unwrap().person_id, person_b);
    let merged = app.audit_events("person.merged").await;
    assert_eq!(merged.len(), 2, "on the person and on the moved case");
    assert!(
        merged
            .iter()
            .any(|e| e.target_id.as_deref() == Some(&a.to_string()))
    );
    // Twice is refused, not done twice.
    let again = h.merge_pair(cap, &pair.id, person_b, &o).await;
    assert!(again.is_err());
    assert!(
        h.duplicate_queue(
            cap,
            "open",
            &haven_core::support::cursor::PageRequest::all(),
            &o
        )
        .await
        .unwrap()
        .0
        .is_empty()
    );

    // Undo: the case goes back to its own person, and both steps stay in the trail.
    let res = coord
        .post_form(&format!("/duplicates/{}/unmerge", pair.id), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(h.open_case(&cw, a, &o).await.unwrap().person_id, person_a);
    assert_eq!(h.open_case(&cw, b, &o).await.unwrap().person_id, person_b);
    assert_eq!(app.audit_events("person.merged").await.len(), 2);
    assert_eq!(app.audit_events("person.unmerged").await.len(), 2);
    h.verify_audit(|_, _| {}).await.expect("the chain verifies");

    // Different people: remembered, not proposed again by the next scan.
    h.dismiss_pair(cap, &pair.id, &o).await.unwrap();
    let again = h.scan_duplicates(Some(&cp), &o).await.unwrap();
    assert_eq!(again.proposed, 0);
    assert!(
        h.duplicate_queue(
            cap,
            "open",
            &haven_core::support::cursor::PageRequest::all(),
            &o
        )
        .await
        .unwrap()
        .0
        .is_empty()
    );
    assert_eq!(
        h.duplicate_queue(
            cap,
            "different",
            &haven_core::support::cursor::PageRequest::all(),
            &o
        )
        .await
        .unwrap()
        .0
        .len(),
        1
    );
    assert_eq!(app.audit_events("duplicate.dismissed").await.len(), 1);
}
