//! Issue 17: the side doors to case files found by outside testing, each reproduced through the
//! real server, and the case page's "who can see this case and why".
use haven_core::Origin;
use haven_core::referrals::{Decision, ReferralInput};

use crate::harness::TestApp;

/// Service providers read no case file: not by a grant (there are none), not in a list. What
/// they see of a case is a referral's shared sections, once accepted.
#[tokio::test]
async fn service_providers_read_no_case_file() {
    // 120 demo cases: the demo used to grant the provider about one in twelve.
    let app = TestApp::spawn_with(Default::default(), 120).await;
    let provider = app.login("provider").await;
    let token = provider.token().await;
    let res = app.api_get(&token, "/cases").await;
    assert_eq!(res.status(), 403, "no case list for providers");
    let ids = app.haven.all_case_ids().await.unwrap();
    assert!(ids.len() >= 120);
    let p = app.principal("provider").await;
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
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let o = Origin::default();
    let ffp = app.agency("Food for the Poor Guyana").await;
    let s = app.login("caseworker").await;
    let case = s.new_case(&[("first_name", "Marisol")]).await;
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
    let cw = app.principal("caseworker").await;
    app.consent_to_referral(&cw, case, ffp).await;
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
    let id = h
        .at(t0)
        .create_referral(&cw, case, &input, &o)
        .await
        .unwrap();
    let provider = app.principal("provider").await;
    h.at(t0 + 60)
        .decide_referral(&provider, &id, Decision::Accept, &o)
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
    let v: serde_json::Value = app
        .api_get(&token, &format!("/cases/{case}"))
        .await
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
    let body = serde_json::json!({"first_name": "Yanelis", "family_name": "Carrasquero"});
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let res = app.api_post(&token, "/matches/check", &body).await;
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
    let res = app.api_post(&shelter, "/matches/check", &body).await;
    assert_eq!(res.status(), 200);

    // The coordinator is told once, naming the user.
    let coord = app.principal("coordinator").await;
    let list = app
        .haven
        .notifications(&coord, &haven_core::support::cursor::PageRequest::first(50))
        .await
        .unwrap()
        .0;
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
    let rows = app.audit_events("match.checked").await;
    let refused = rows.iter().filter(|r| r.outcome == "rate_limited").count();
    assert_eq!(refused, 3, "two API calls and the form");
    assert!(
        rows.iter()
            .filter(|r| r.outcome != "rate_limited")
            .all(|r| r.details.as_deref().unwrap_or("").contains("\"found\":"))
    );
}

/// The one-time enrolment code shown in a page ("XXXX-XXXX-XXXX-XXXX").
fn code_in(html: &str) -> String {
    let from = html.find("enrolment code").expect("the code is announced");
    html.as_bytes()[from..]
        .windows(19)
        .find(|w| {
            w.iter().enumerate().all(|(i, c)| {
                if i % 5 == 4 {
                    *c == b'-'
                } else {
                    c.is_ascii_alphanumeric()
                }
            })
        })
        .map(|w| String::from_utf8(w.to_vec()).unwrap())
        .expect("a code in the page")
}

async fn notified(app: &TestApp, user: &str, kind: &str) -> Vec<Option<String>> {
    let p = app.principal(user).await;
    app.haven
        .notifications(&p, &haven_core::support::cursor::PageRequest::first(100))
        .await
        .unwrap()
        .0
        .into_iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.about_user)
        .collect()
}

/// An administrator cannot read case files by creating (or resetting) an account: the owner
/// sets the password with a one-time code, the agency's case workers and the coordinators are
/// told, every step asks for confirmation and is audited, and no administrator changes their own
/// role.
#[tokio::test]
async fn administrators_never_know_a_password_and_new_case_accounts_are_announced() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let shelter = app.agency("Help & Shelter").await.to_string();
    let page = admin.get("/admin/users").await.text().await.unwrap();
    assert!(!page.contains("name=\"password\""), "no password to choose");
    // No role is chosen in advance, and a form sent without one comes back saying so.
    assert!(page.contains("<option value=\"\" selected>"), "{page}");
    let html = admin
        .post_form(
            "/admin/users",
            &[
                ("username", "norole"),
                ("display_name", "No Role"),
                ("role", ""),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("This field is required.") && !html.contains("confirm-announce"),
        "{html}"
    );
    assert!(app.haven.find_user("norole").await.unwrap().is_none());
    let form = [
        ("username", "mole"),
        ("display_name", "New Colleague"),
        ("role", "case_worker"),
        ("agency_id", shelter.as_str()),
    ];
    // First the question, naming who will be told; nothing is created yet.
    let res = admin.post_form("/admin/users", &form).await;
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"confirm-announce\""), "{html}");
    assert!(app.haven.find_user("mole").await.unwrap().is_none());
    let mut confirmed = form.to_vec();
    confirmed.push(("confirm", "1"));
    let html = admin
        .post_form("/admin/users", &confirmed)
        .await
        .text()
        .await
        .unwrap();
    let code = code_in(&html);
    let mole = app.haven.find_user("mole").await.unwrap().unwrap();

    // The administrator cannot sign in as the new account with anything they were shown.
    let c = app.client();
    for guess in [code.as_str(), "haven-demo-2026"] {
        let csrf = crate::harness::csrf_of(&c, &app.url("/login")).await;
        let res = c
            .post(app.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "mole"),
                ("password", guess),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    // Announced to Help & Shelter's case worker and the coordinator, not to other agencies.
    assert_eq!(
        notified(&app, "caseworker", "account_created").await,
        [Some("New Colleague (mole)".to_string())]
    );
    assert_eq!(
        notified(&app, "coordinator", "account_created").await.len(),
        1
    );
    assert!(
        notified(&app, "childcare", "account_created")
            .await
            .is_empty()
    );

    // The owner enrols: a wrong code is refused, the right one sets their own password, once.
    let enrol = |code: String, pw: &'static str| {
        let c = app.client();
        let url = app.url("/enrol");
        async move {
            let csrf = crate::harness::csrf_of(&c, &url).await;
            c.post(&url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("username", "mole"),
                    ("code", code.as_str()),
                    ("password", pw),
                    ("password2", pw),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        enrol("AAAA-BBBB-CCCC-DDDD".into(), "orchid-Rupununi-falls-88")
            .await
            .status(),
        422
    );
    let res = enrol(code.to_lowercase(), "short").await;
    assert_eq!(
        res.status(),
        422,
        "the policy applies; the code is not used up"
    );
    let res = enrol(code.clone(), "orchid-Rupununi-falls-88").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Your password is set"));
    assert_eq!(
        enrol(code.clone(), "another-Essequibo-day-77")
            .await
            .status(),
        422,
        "once"
    );
    let csrf = crate::harness::csrf_of(&c, &app.url("/login")).await;
    let res = c
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "mole"),
            ("password", "orchid-Rupununi-falls-88"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);

    // A reset: the old password stops working, a new code, announced again.
    let html = admin
        .post_form(
            &format!("/admin/users/{}/reset-password", mole.id),
            &[("confirm", "1")],
        )
        .await
        .text()
        .await
        .unwrap();
    let second = code_in(&html);
    assert_ne!(second, code);
    assert_eq!(notified(&app, "caseworker", "account_reset").await.len(), 1);
    assert!(
        app.haven
            .login("mole", "orchid-Rupununi-falls-88", &Default::default())
            .await
            .unwrap()
            .is_none()
    );
    // An expired code no longer works.
    sqlx::query("UPDATE account_enrolments SET expires_at = 0")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        enrol(second, "orchid-Rupununi-falls-99").await.status(),
        422
    );

    // No administrator changes their own role (nor resets their own password).
    let me = app.user_id("admin").await;
    let res = admin
        .post_form(
            &format!("/admin/users/{me}/role"),
            &[("role", "coordinator"), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.principal("admin").await.role, haven_domain::Role::Admin);
    // Another account's role change is confirmed, audited with both users and announced.
    let trainer = app.user_id("trainer").await;
    let res = admin
        .post_form(
            &format!("/admin/users/{trainer}/role"),
            &[("role", "screener"), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        notified(&app, "coordinator", "account_role_changed")
            .await
            .len(),
        1
    );
    let rows = app.audit_events("user.role_changed").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor_user_id, Some(me));
    assert_eq!(
        rows[0].target_id.as_deref(),
        Some(trainer.to_string().as_str())
    );
    let enrolled = app.audit_events("user.enrolment_failed").await;
    assert!(enrolled.len() >= 2);

    // Moving an account to another agency: asked first, then the account sees the new
    // agency's cases only, its sessions end, and the move is audited and announced.
    let shelter = app.agency("Help & Shelter").await;
    let case = app.case("caseworker").create().await;
    let mover_id = app.user_id("childcare").await;
    let mover = app.login("childcare").await;
    assert_eq!(mover.get(&format!("/cases/{case}")).await.status(), 404);
    let move_to = |agency: String, confirm: bool| {
        let admin = &admin;
        async move {
            let mut fields = vec![("agency_id", agency)];
            if confirm {
                fields.push(("confirm", "1".to_string()));
            }
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin
                .post_form(&format!("/admin/users/{mover_id}/agency"), &fields)
                .await
        }
    };
    let res = move_to(shelter.to_string(), false).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Move childcare to Help &#38; Shelter?"),
        "{page}"
    );
    assert_ne!(
        app.principal("childcare").await.agency_id,
        shelter,
        "not moved before yes"
    );
    assert_eq!(move_to("no-such-agency".into(), false).await.status(), 404);
    assert_eq!(move_to(shelter.to_string(), true).await.status(), 303);
    assert_eq!(app.principal("childcare").await.agency_id, shelter);
    let res = mover.get("/dashboard").await;
    assert!(
        res.status() == 303 || res.url().path() == "/login",
        "the old session ended ({})",
        res.status()
    );
    let mover = app.login("childcare").await;
    assert_eq!(
        mover.get(&format!("/cases/{case}")).await.status(),
        200,
        "the new agency's case"
    );
    let rows = app.audit_events("user.agency_changed").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor_user_id, Some(me));
    assert!(
        !notified(&app, "caseworker", "account_agency_changed")
            .await
            .is_empty()
    );
    // Not one's own agency.
    let res = admin
        .post_form(
            &format!("/admin/users/{me}/agency"),
            &[("agency_id", &shelter.to_string()), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 422);
    // An agency's details are edited in place, audited with the fields changed; a name taken
    // by another agency is refused on the form, keeping what was typed.
    let edit = format!("/admin/agencies/{shelter}/edit");
    let page = admin.get(&edit).await.text().await.unwrap();
    assert!(page.contains("value=\"Help &#38; Shelter\""), "prefilled");
    let fields = |name: &'static str| {
        vec![
            ("name", name),
            ("agency_type", "NGO"),
            ("region", "GY-DE"),
            ("phone", "+592 225 4731"),
            ("email", "office@hs.example"),
        ]
    };
    let res = admin
        .post_form(&edit, &fields("Child Care and Protection Agency"))
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text().await.unwrap().contains("+592 225 4731"),
        "input kept"
    );
    let res = admin
        .post_form(&edit, &fields("Help & Shelter Guyana"))
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Agency saved."));
    let a = app
        .haven
        .find_agency("Help & Shelter Guyana")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.id, shelter);
    assert_eq!(a.phone.as_deref(), Some("+592 225 4731"));
    let rows = app.audit_events("agency.updated").await;
    let details = rows[0].details.clone().unwrap_or_default();
    assert!(
        details.contains("\"name\"") && details.contains("\"phone\""),
        "{details}"
    );
    assert!(
        !details.contains("225 4731"),
        "the names of the fields, not their values"
    );
}
