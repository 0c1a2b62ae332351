//! The audit trail: reads and writes are recorded, and any tampering is detected.
use haven_audit::{ActionGroup, ChainBreak, VerifyError};

use crate::harness::TestApp;

async fn verify(app: &TestApp) -> Result<haven_audit::VerifyReport, VerifyError> {
    app.haven.verify_audit(|_, _| {}).await
}

async fn exec(app: &TestApp, sql: &'static str) {
    sqlx::query(sql).execute(app.store.pool()).await.unwrap();
}

async fn app_with_events() -> TestApp {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    for _ in 0..3 {
        s.get("/cases").await;
    }
    assert!(verify(&app).await.unwrap().events >= 5);
    app
}

#[tokio::test]
async fn reads_of_cases_are_audited_in_the_trail() {
    let app = TestApp::spawn().await;
    app.case("caseworker").create().await;
    let s = app.login("caseworker").await;
    let html = s.get("/cases").await.text().await.unwrap();
    let id = crate::harness::first_case_id(&html);
    assert_eq!(s.get(&format!("/cases/{id}")).await.status(), 200);
    let viewed = app
        .count_of(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'case.viewed' AND target_id = $1",
            &id,
        )
        .await;
    assert_eq!(viewed, 1);
    // Searching by name is audited without the searched name.
    s.post_form("/cases/search", &[("name", "Quetzalcoatl")])
        .await;
    let details: Vec<String> =
        sqlx::query_scalar("SELECT details FROM audit_events WHERE action = 'case.searched'")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(details.len(), 1);
    assert!(!details[0].contains("Quetzalcoatl") && details[0].contains("\"filters\":[\"name\"]"));
    // A denied read is recorded too.
    let other = app.login("inspector").await;
    assert_eq!(other.get(&format!("/cases/{id}")).await.status(), 404);
    let denied = app.count_of(
"SELECT COUNT(*) FROM audit_events WHERE action = 'case.access_denied' AND target_id = $1",
&id,
).await;
    assert_eq!(denied, 1);
    assert!(verify(&app).await.is_ok());
}

#[tokio::test]
async fn an_edited_event_is_detected() {
    let app = app_with_events().await;
    exec(
        &app,
        "UPDATE audit_events SET action = 'logout' WHERE seq = 3",
    )
    .await;
    assert!(matches!(
        verify(&app).await,
        Err(VerifyError::Broken(ChainBreak::Edited { seq: 3 }))
    ));
}

#[tokio::test]
async fn a_deleted_event_is_detected() {
    let app = app_with_events().await;
    exec(&app, "DELETE FROM audit_events WHERE seq = 2").await;
    assert!(matches!(
        verify(&app).await,
        Err(VerifyError::Broken(ChainBreak::Gap {
            seq: 3,
            expected: 2
        }))
    ));
}

#[tokio::test]
async fn reordered_events_are_detected() {
    let app = app_with_events().await;
    // Swap events 2 and 3 (renumbering them, so the sequence itself has no gap).
    exec(&app, "UPDATE audit_events SET seq = -2 WHERE seq = 2").await;
    exec(&app, "UPDATE audit_events SET seq = 2 WHERE seq = 3").await;
    exec(&app, "UPDATE audit_events SET seq = 3 WHERE seq = -2").await;
    assert!(matches!(
        verify(&app).await,
        Err(VerifyError::Broken(ChainBreak::Unlinked { seq: 2 }))
    ));
}

#[tokio::test]
async fn deleting_the_newest_events_is_detected() {
    let app = app_with_events().await;
    exec(
        &app,
        "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)",
    )
    .await;
    assert!(matches!(
        verify(&app).await,
        Err(VerifyError::Broken(ChainBreak::Truncated { .. }))
    ));
}

#[tokio::test]
async fn a_recomputed_chain_without_the_key_is_detected() {
    // An attacker who edits an event and recomputes plain SHA-256 hashes still fails: the chain
    // is keyed. Here: copy the hash of event 2 into event 3 after editing it.
    let app = app_with_events().await;
    exec(&app, "UPDATE audit_events SET ip = '10.0.0.1', hash = (SELECT hash FROM audit_events WHERE seq = 2) WHERE seq = 3").await;
    assert!(verify(&app).await.is_err());
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for user in ["caseworker", "childcare", "screener", "inspector"] {
        let s = app.login(user).await;
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                let name = format!("Concurrent{i}");
                assert_eq!(
                    s.open_case(&[("first_name", name.as_str())]).await.status(),
                    303
                );
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let report = verify(&app).await.unwrap();
    let n = app.count("SELECT COUNT(*) FROM audit_events").await;
    assert_eq!(report.events, n);
}

/// Rows of the auditor's table (one `data-label` first cell each).
fn table_rows(page: &str) -> usize {
    page.matches("<tr><td data-label=").count()
}

async fn text(app: &TestApp, sql: &str, bind: &str) -> String {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .bind(bind.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// What the store holds for a case's events of one group, counted apart from the page.
async fn events_of_case(app: &TestApp, case: &str, person: &str, group: ActionGroup) -> i64 {
    let codes: Vec<String> = group
        .actions()
        .map(|a| format!("'{}'", a.as_str()))
        .collect();
    let sql = format!(
        "SELECT COUNT(*) FROM audit_events WHERE ((target_kind = 'case' AND target_id = $1) \
         OR (target_kind = 'person' AND target_id = $2)) AND action IN ({})",
        codes.join(", ")
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(case.to_string())
        .bind(person.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_auditor_finds_who_opened_a_case_by_its_number_and_reads_names_not_ids() {
    let app = TestApp::spawn().await;
    let case = app.case("caseworker").create().await.to_string();
    let other = app.case("caseworker").create().await.to_string();
    let number = text(&app, "SELECT case_number FROM cases WHERE id = $1", &case).await;
    let other_number = text(&app, "SELECT case_number FROM cases WHERE id = $1", &other).await;
    let person = text(&app, "SELECT person_id FROM cases WHERE id = $1", &case).await;
    let cw = app.login("caseworker").await;
    assert_eq!(cw.get(&format!("/cases/{case}")).await.status(), 200);
    assert_eq!(cw.get(&format!("/cases/{case}")).await.status(), 200);
    assert_eq!(cw.get(&format!("/cases/{other}")).await.status(), 200);
    let a = app.login("auditor").await;

    // "Who opened this case?", typed as a person would (lower case, stray spaces).
    let typed = format!(" {} ", number.to_lowercase());
    let res = a
        .get(&format!("/audit?case={}&group=reads", urlencoding(&typed)))
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    let expected = events_of_case(&app, &case, &person, ActionGroup::Reads).await;
    assert!(expected >= 2, "two readings at least");
    assert_eq!(table_rows(&page) as i64, expected, "{page}");
    let row = page.split("<tbody>").nth(1).unwrap_or_default();
    assert!(row.contains("Demo Case Worker (Help "), "{row}");
    assert!(
        row.contains("(caseworker, Help "),
        "user name and agency: {row}"
    );
    assert!(page.contains(">Case viewed<"), "the action in words");
    assert!(
        !page.contains("[audit-") && !page.contains("[action-"),
        "every label translated"
    );
    assert!(
        page.contains(&format!(">{number}</a>")),
        "the case number, a link to its log"
    );
    assert!(
        !page.contains(&other_number),
        "another case's events are not listed"
    );
    assert!(!page.contains(&case), "no bare case id");
    assert!(
        page.contains(">Case Worker<") || page.contains(">Case worker<"),
        "role in words"
    );

    // The same as a file: names, labels and codes, row for row.
    let csv = a
        .get(&format!("/audit/export.csv?case={number}&group=reads"))
        .await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.unwrap();
    assert!(body.starts_with("seq,at,user,username,agency,role,action,action_code,"));
    assert_eq!(body.lines().count() as i64 - 1, expected);
    assert!(body.contains("\"Case viewed\",\"case.viewed\""));
    assert!(body.contains(&format!("\"{number}\"")));
    assert_eq!(app.audit_count("audit.exported").await, 1);

    // A user by user name or full name: only their events.
    let provider = app.login("provider").await;
    drop(provider);
    let provider_id = app.user_id("provider").await.to_string();
    let theirs: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE actor_user_id = $1")
            .bind(provider_id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert!(theirs >= 1);
    for who in ["provider", "Demo%20Service%20Provider", "PROVIDER"] {
        let page = a
            .get(&format!("/audit?user={who}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(table_rows(&page) as i64, theirs, "{who}");
        assert!(page.contains(">Signed in<"));
    }

    // Days: today's events are found; none on a day before Haven existed.
    let today = time::OffsetDateTime::from_unix_timestamp(app.haven.now())
        .unwrap()
        .date()
        .to_string();
    let page = a
        .get(&format!("/audit?from={today}&to={today}&user=caseworker"))
        .await
        .text()
        .await
        .unwrap();
    assert!(table_rows(&page) >= 3);
    let page = a.get("/audit?to=2000-01-01").await.text().await.unwrap();
    assert_eq!(table_rows(&page), 0);
    assert!(page.contains("No event matches these filters."));
}

#[tokio::test]
async fn an_audit_filter_that_names_nothing_known_is_an_error_not_ignored() {
    let app = TestApp::spawn().await;
    let a = app.login("auditor").await;
    let token = a.token().await;
    for (query, message) in [
        ("user=nobody", "No user has this user name or full name."),
        ("case=GY-1999-999999", "No case has this number."),
        ("group=nope", "Choose a kind of action from the list."),
        ("action=case.opened", "Choose an action from the list."),
        (
            "group=sign-in&action=case.viewed",
            "This action is not of the kind chosen.",
        ),
        ("from=2026-13-01", "Give a day as YYYY-MM-DD."),
        (
            "from=2026-02-02&to=2026-02-01",
            "The last day must not be before the first.",
        ),
        ("target=x", "a filter the audit trail does not know"),
        ("before=soon", "a filter the audit trail does not know"),
    ] {
        let res = a.get(&format!("/audit?{query}")).await;
        assert_eq!(res.status(), 422, "{query}");
        let page = res.text().await.unwrap();
        assert!(page.contains(message), "{query}: {page}");
        assert!(page.contains("alert-summary"), "{query}");
        assert_eq!(
            table_rows(&page),
            0,
            "{query}: no events under a filter not applied"
        );
        // The export refuses it too, rather than exporting everything.
        let csv = a.get(&format!("/audit/export.csv?{query}")).await;
        assert_ne!(csv.status(), 200, "{query}");
        if !query.starts_with("target") && !query.starts_with("before") {
            let api = app.api_get(&token, &format!("/audit?{query}")).await;
            assert_eq!(api.status(), 422, "api {query}");
        }
    }
    // The API's own unknown parameter.
    assert_eq!(
        app.api_get(&token, "/audit?usr=provider").await.status(),
        422
    );
    // Nothing refused was exported.
    assert_eq!(app.audit_count("audit.exported").await, 0);
}

#[tokio::test]
async fn the_audit_api_names_users_and_cases() {
    let app = TestApp::spawn().await;
    let case = app.case("caseworker").create().await.to_string();
    let number = text(&app, "SELECT case_number FROM cases WHERE id = $1", &case).await;
    let person = text(&app, "SELECT person_id FROM cases WHERE id = $1", &case).await;
    let cw = app.login("caseworker").await;
    cw.get(&format!("/cases/{case}")).await;
    let a = app.login("auditor").await;
    let token = a.token().await;
    let res = app
        .api_get(
            &token,
            &format!("/audit?case={number}&group=reads&limit=1000"),
        )
        .await;
    assert_eq!(res.status(), 200);
    let events: serde_json::Value = res.json().await.unwrap();
    let events = events.as_array().unwrap();
    let expected = events_of_case(&app, &case, &person, ActionGroup::Reads).await;
    assert_eq!(events.len() as i64, expected);
    let viewed = events
        .iter()
        .find(|e| e["action"] == "case.viewed")
        .expect("the reading");
    assert_eq!(viewed["case_number"], number.as_str());
    assert_eq!(viewed["actor_username"], "caseworker");
    assert_eq!(viewed["actor_name"], "Demo Case Worker (Help & Shelter)");
    assert_eq!(viewed["actor_agency_name"], "Help & Shelter");
}

#[tokio::test]
async fn pointing_the_head_at_an_earlier_event_is_detected() {
    // Someone with write access to the database but not the key deletes the newest events and
    // makes the head agree with what is left.
    let app = app_with_events().await;
    exec(&app, "DELETE FROM audit_events WHERE seq > 3").await;
    exec(
        &app,
        "UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_events WHERE seq = 3) WHERE id = 1",
    )
    .await;
    assert!(matches!(
        verify(&app).await,
        Err(VerifyError::Broken(ChainBreak::HeadForged))
    ));
}

/// `s` for a query string (the case numbers and spaces of these tests).
fn urlencoding(s: &str) -> String {
    s.replace(' ', "%20")
}
