//! Issue 17: the side doors to case files found by outside testing, each reproduced through the
//! real server, and the case page's "who can see this case and why".
use haven_core::Origin;
use haven_core::consents::ConsentInput;
use haven_core::referrals::{Decision, ReferralInput};
use haven_domain::CaseId;

use crate::harness::{TestApp, location};

async fn principal(app: &TestApp, user: &str) -> haven_authz::Principal {
    app.haven
        .principal_of_user(app.user_id(user).await)
        .await
        .unwrap()
}

/// Service providers read no case file: not by a grant (there are none), not in a list. What
/// they see of a case is a referral's shared sections, once accepted.
#[tokio::test]
async fn service_providers_read_no_case_file() {
    // 120 demo cases: the demo used to grant the provider about one in twelve.
    let app = TestApp::spawn_with(Default::default(), 120).await;
    let provider = app.login("provider").await;
    let token = provider.token().await;
    let c = reqwest::Client::new();
    let res = c
        .get(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "no case list for providers");
    let ids = app.haven.all_case_ids().await.unwrap();
    assert!(ids.len() >= 120);
    let p = principal(&app, "provider").await;
    for id in ids {
        assert!(
            !app.haven.may_read_case(&p, id).await.unwrap(),
            "the provider reads case {id}"
        );
    }
    assert_eq!(provider.get("/cases").await.status(), 403);
}

#[tokio::test]
async fn the_case_page_lists_every_way_to_the_case() {
    let app = TestApp::spawn_with(Default::default(), 0).await;
    let h = &app.haven;
    let o = Origin::default();
    let ffp = h
        .find_agency("Food for the Poor Guyana")
        .await
        .unwrap()
        .unwrap()
        .id;
    let s = app.login("caseworker").await;
    let res = s.open_case(&[("first_name", "Marisol")]).await;
    let case: CaseId = location(&res)
        .trim_start_matches("/cases/")
        .parse()
        .unwrap();
    let html = s.get(&format!("/cases/{case}")).await.text().await.unwrap();
    assert!(html.contains("id=\"access\""), "{html}");
    assert!(
        html.contains("Help &amp; Shelter, the agency that owns the case")
            || html.contains("Help &#38; Shelter, the agency that owns the case"),
        "{html}"
    );
    assert!(
        html.contains("does not share its cases with the national coordination"),
        "Help & Shelter keeps its cases from coordination"
    );
    assert!(!html.contains("Food for the Poor Guyana, through an accepted referral"));

    // An accepted referral adds the provider's agency with the sections it sees.
    let cw = principal(&app, "caseworker").await;
    h.record_consent(
        &cw,
        case,
        &ConsentInput {
            purpose: "referral".into(),
            agency_id: ffp.to_string(),
            given_by: "person".into(),
            ..Default::default()
        },
        &o,
    )
    .await
    .unwrap();
    let t0 = haven_core::now();
    let input = ReferralInput {
        to_agency_id: ffp.to_string(),
        services: vec!["material_assistance".into()],
        urgency: "routine".into(),
        reason: "clothes".into(),
        sections: vec!["identity".into()],
        send: true,
        ..Default::default()
    };
    let id = h.create_referral(&cw, case, &input, &o, t0).await.unwrap();
    let provider = principal(&app, "provider").await;
    h.decide_referral(&provider, &id, Decision::Accept, &o, t0 + 60)
        .await
        .unwrap();
    let html = s.get(&format!("/cases/{case}")).await.text().await.unwrap();
    assert!(
        html.contains(
            "Food for the Poor Guyana, through an accepted referral, sees only: Name, age, sex"
        ),
        "{html}"
    );
    // The API says the same.
    let token = s.token().await;
    let v: serde_json::Value = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/cases/{case}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = v["access"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["owner", "no_coordination", "referral"], "{v}");
    assert_eq!(v["access"][2]["sections"], serde_json::json!(["identity"]));
}

/// `POST /api/v1/matches/check` tells whether a named person is a case elsewhere: limited per
/// user and hour, each call audited with its count, the coordinator alerted once past the limit.
#[tokio::test]
async fn match_checks_are_limited_audited_and_alerted() {
    let app = TestApp::spawn_with(
        haven_core::Policy {
            match_checks_per_hour: 3,
            ..Default::default()
        },
        0,
    )
    .await;
    let cpa = app.login("childcare").await;
    let token = cpa.token().await;
    let c = reqwest::Client::new();
    let body = serde_json::json!({"first_name": "Yanelis", "family_name": "Carrasquero"});
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let res = c
            .post(app.url("/api/v1/matches/check"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
        if res.status() == 429 {
            let v: serde_json::Value = res.json().await.unwrap();
            assert!(
                v["type"]
                    .as_str()
                    .unwrap()
                    .ends_with("/error-match-rate-limited"),
                "{v}"
            );
        }
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    // The registration form is paused too, keeping what was typed.
    let res = cpa
        .post_form(
            "/cases/new",
            &[
                ("first_name", "Yanelis"),
                ("gender", "Feminine"),
                ("assessed_age", "20"),
                ("trafficking_status", "PossibleVictimOfTrafficking"),
                ("type_of_exploitation", "ForcedLabour"),
                ("region", "GY-CU"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("the check is paused"), "{html}");
    assert!(html.contains("value=\"Yanelis\""));
    // Other users are not affected.
    let shelter = app.login("caseworker").await.token().await;
    let res = c
        .post(app.url("/api/v1/matches/check"))
        .bearer_auth(&shelter)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // The coordinator is told once, naming the user.
    let coord = principal(&app, "coordinator").await;
    let list = app.haven.notifications(&coord, 50).await.unwrap();
    let alerts: Vec<_> = list
        .iter()
        .filter(|n| n.kind == "match_checks_exceeded")
        .collect();
    assert_eq!(alerts.len(), 1);
    assert!(
        alerts[0]
            .about_user
            .as_deref()
            .is_some_and(|u| u.contains("childcare")),
        "{:?}",
        alerts[0].about_user
    );
    let s = app.login("coordinator").await;
    let html = s.get("/notifications").await.text().await.unwrap();
    assert!(html.contains("(childcare)"), "{html}");

    // Every call is audited: counted ones with how many records they found, refused ones too.
    let mut conn = app.haven.db.pool().acquire().await.unwrap();
    let rows = haven_store::audit::search(
        &mut conn,
        &haven_store::audit::AuditFilter {
            action: Some("match.checked".into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let refused = rows.iter().filter(|r| r.outcome == "rate_limited").count();
    assert_eq!(refused, 3, "two API calls and the form");
    assert!(
        rows.iter()
            .filter(|r| r.outcome != "rate_limited")
            .all(|r| r.details.as_deref().unwrap_or("").contains("\"found\":"))
    );
}
