//! The audit trail: reads and writes are recorded, and any tampering is detected.
use haven_audit::{ChainBreak, VerifyError};

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

#[tokio::test]
async fn auditors_read_filter_and_export_the_trail() {
    let app = TestApp::spawn().await;
    let a = app.login("auditor").await;
    let page = a
        .get("/audit?action=login.succeeded")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("login.succeeded"));
    assert!(page.contains("<td>login.succeeded</td>"));
    assert!(!page.contains("<td>demo.loaded</td>"), "filter applies");
    let csv = a.get("/audit/export.csv").await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.unwrap();
    assert!(body.starts_with("seq,at,"));
    assert!(body.contains("\"demo.loaded\""));
    let exported = app.audit_count("audit.exported").await;
    assert_eq!(exported, 1);
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
