//! Opening cases through the form: validation errors are shown, translated, and nothing is lost.
use crate::harness::{TestApp, location};

#[tokio::test]
async fn invalid_input_keeps_what_was_typed_and_explains_in_the_users_language() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    s.post_form("/language", &[("lang", "es")]).await;
    let res = s
        .open_case(&[
            ("first_name", ""),
            ("second_name", "Ramírez"),
            ("birth_date", "31/12/2000"),
            ("region", "GY-XX"),
        ])
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("value=\"Ramírez\""), "typed values are kept");
    assert!(html.contains("lang=\"es\""));
    assert!(
        html.contains("Este campo es obligatorio"),
        "error in Spanish"
    );
    // The summary at the top lists each refused field, as a link to it.
    let summary = html
        .split("id=\"form-problems\"")
        .nth(1)
        .expect("an error summary")
        .split("</div>")
        .next()
        .unwrap();
    for field in ["first_name", "birth_date", "region"] {
        assert!(
            summary.contains(&format!("<a href=\"#{field}\">")),
            "{field}: {summary}"
        );
        assert!(
            html.contains(&format!("id=\"{field}\"")),
            "{field} is there to go to"
        );
    }
    let count = app.count("SELECT COUNT(*) FROM persons").await;
    let ok = s
        .open_case(&[
            ("first_name", "Ana"),
            ("region", "GY-CU"),
            ("gender", "Feminine"),
            ("exploitation_type", "ForcedLabour"),
        ])
        .await;
    assert_eq!(ok.status(), 303);
    let count2 = app.count("SELECT COUNT(*) FROM persons").await;
    assert_eq!(count2, count + 1);
    let page = s.get(&location(&ok)).await.text().await.unwrap();
    assert!(
        page.contains("Trabajo forzoso"),
        "codes shown with translated labels"
    );
    assert!(
        !page.contains("class=\"badge child\""),
        "age not marked uncertain"
    );
    let child = s
        .open_case(&[("first_name", "Niña"), ("age_uncertain", "true")])
        .await;
    let page = s.get(&location(&child)).await.text().await.unwrap();
    assert!(
        page.contains("class=\"badge child\""),
        "the uncertain-age checkbox is stored and shown"
    );
}

#[tokio::test]
async fn pages_follow_the_browser_language_until_the_user_chooses() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let fr = c
        .get(app.url("/login"))
        .header("accept-language", "fr-FR,fr;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(fr.contains("lang=\"fr\"") && fr.contains("Se connecter"));
    let s = app.login("analyst").await;
    s.post_form("/account/language", &[("lang", "es")]).await;
    let html = s
        .client
        .get(app.url("/stats"))
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("lang=\"es\""), "the saved choice wins");
}

#[tokio::test]
async fn security_headers_are_set_on_pages() {
    let app = TestApp::spawn().await;
    let res = app.client().get(app.url("/login")).send().await.unwrap();
    let h = res.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let missing = app
        .client()
        .get(app.url("/no/such/page"))
        .header("accept-language", "es")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        missing.text().await.unwrap().contains("lang=\"es\""),
        "a translated page, not bare text"
    );
    let api_missing = app
        .client()
        .get(app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        api_missing.headers()["content-type"],
        "application/problem+json"
    );
    let health = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = app.client().get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn analysts_see_counts_with_small_cells_hidden() {
    let app = TestApp::spawn().await;
    let s = app.login("analyst").await;
    let html = s.get("/stats").await.text().await.unwrap();
    assert!(html.contains("fewer than 5"));
    assert!(
        !html.contains("Help &#38; Shelter</td>"),
        "no case lines for analysts"
    );
}

/// The dashboard's "open cases at high or critical risk" (issue 19, part 3): it showed every
/// visible case. Checked for every role that sees cases against a count made here from the
/// database and the per-case rule.
#[tokio::test]
async fn the_high_risk_figure_counts_only_open_high_risk_cases() {
    let app = TestApp::spawn_with(Default::default(), 120).await;
    let h = &app.haven;
    let rows: Vec<(String, Option<String>, String)> =
        sqlx::query_as("SELECT id, risk_level, status FROM cases")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    for user in [
        "coordinator",
        "caseworker",
        "childcare",
        "screener",
        "inspector",
    ] {
        let p = app.principal(user).await;
        let mut expected = 0;
        let mut visible = 0;
        for (id, risk, status) in &rows {
            if !h.may_read_case(&p, id.parse().unwrap()).await.unwrap() {
                continue;
            }
            visible += 1;
            if matches!(risk.as_deref(), Some("High" | "Critical"))
                && matches!(status.as_str(), "Active" | "FollowUp")
            {
                expected += 1;
            }
        }
        let got = h.count_high_risk(p.case_list().unwrap()).await.unwrap();
        assert_eq!(got, expected, "{user}: {got} of {visible} visible");
        let html = app
            .login(user)
            .await
            .get("/dashboard")
            .await
            .text()
            .await
            .unwrap();
        let shown = match expected {
            0 => None,
            1 => Some("One open case is at high".to_string()),
            n => Some(format!("{n} open cases are at high")),
        };
        if let Some(text) = shown {
            assert!(html.contains(&text), "{user} dashboard shows {expected}");
        } else {
            assert!(!html.contains("at high or critical risk"), "{user}: none");
        }
    }
}

/// Every form of the case page, refused, comes back open with what was typed: a route step
/// with an impossible date, a perpetrator, a closure, a note too long. Nothing is stored.
#[tokio::test]
async fn a_refused_form_of_the_case_page_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let id = app.case("caseworker").create().await;
    let case = format!("/cases/{id}");
    let events = app.count("SELECT COUNT(*) FROM case_events").await;

    let res = s
        .post_form(
            &format!("{case}/events"),
            &[
                ("event_type", "Exploitation"),
                ("country", "VE"),
                ("region", "Bolívar"),
                ("place", "Mina El Callao"),
                ("start_date", "2999-01-01"),
                ("description", "Trabajaba de noche en la mina"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("<details id=\"event-form\" open>"), "open");
    for typed in [
        "value=\"Mina El Callao\"",
        "value=\"Bolívar\"",
        "value=\"2999-01-01\"",
        ">Trabajaba de noche en la mina</textarea>",
        "value=\"Exploitation\" selected",
    ] {
        assert!(html.contains(typed), "{typed} kept");
    }
    // Only the refused form opens.
    assert!(!html.contains("<details id=\"perpetrator-form\" open>"));
    assert_eq!(app.count("SELECT COUNT(*) FROM case_events").await, events);

    let long = "x".repeat(20_001);
    let res = s
        .post_form(&format!("{case}/notes"), &[("body", &long)])
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains(&format!(">{long}</textarea>"))
    );

    let res = s
        .post_form(
            &format!("{case}/close"),
            &[
                ("reason", ""),
                ("note", "Returned home with her family"),
                ("referred", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("<details id=\"close-form\" open>"));
    assert!(html.contains(">Returned home with her family</textarea>"));
    assert!(html.contains("name=\"referred\" value=\"true\" checked"));
}
