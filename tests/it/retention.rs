//! Retention: closed cases past the period are anonymised in place (dry run first), their
//! personal data destroyed and their statistical facts kept; a person with another case keeps
//! their names; the audit trail still verifies.
use haven_core::consents::ConsentInput;
use haven_core::{Origin, Policy};

use crate::harness::TestApp;

const YEAR: i64 = 365 * 86_400;

type Blob = Option<Vec<u8>>;

#[tokio::test]
async fn closed_cases_past_retention_are_anonymised_and_still_counted() {
    let app = TestApp::spawn_with(
        Policy {
            retention_years: Some(5),
            ..Policy::default()
        },
        0,
    )
    .await;
    let h = &app.haven;
    let o = Origin::default();
    let s = app.login("childcare").await;
    let cw = app.principal("childcare").await;
    let open_case = |first: &'static str, summary: &'static str| {
        let s = &s;
        async move {
            s.new_case(&[
                ("first_name", first),
                ("second_name", "Quispe"),
                ("birth_date", "1998-04-12"),
                ("mobile_phone", "+592 655 0101"),
                ("summary", summary),
                ("gender", "Feminine"),
            ])
            .await
        }
    };
    let old = open_case("Wilma", "Found at a bar in Bartica").await;
    let recent = open_case("Zulema", "Hotline call from her aunt").await;
    s.post_form(
        &format!("/cases/{old}/notes"),
        &[("body", "Afraid of the bar owner")],
    )
    .await;
    h.record_consent(
        &cw,
        old,
        &ConsentInput {
            purpose: "assistance".into(),
            given_by: "guardian".into(),
            guardian: "Her aunt Rosa".into(),
            ..Default::default()
        },
        &o,
    )
    .await
    .unwrap();
    for c in [old, recent] {
        h.close_case(
            &cw,
            c,
            "AssistanceCompleted",
            "Went home to her family",
            false,
            &o,
        )
        .await
        .unwrap();
    }
    // The old case was closed six years ago.
    let now = haven_core::now();
    sqlx::query("UPDATE cases SET closed_at = $1 WHERE id = $2")
        .bind(now - 6 * YEAR)
        .bind(old.to_string())
        .execute(app.store.pool())
        .await
        .unwrap();
    let before_stats = app.count("SELECT COUNT(*) FROM cases").await;

    // Dry run: listed, nothing changed.
    let r = h.retention(true, 100).await.unwrap();
    assert_eq!(r.cases.len(), 1);
    assert!(!r.done);
    let summary: Option<Vec<u8>> = sqlx::query_scalar("SELECT summary FROM cases WHERE id = $1")
        .bind(old.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(summary.is_some());

    // The run.
    let r = h.retention(false, 100).await.unwrap();
    assert_eq!(r.cases.len(), 1);
    assert!(
        h.retention(false, 100).await.unwrap().cases.is_empty(),
        "once"
    );
    let row: (Blob, Blob, Option<i64>, i64) = sqlx::query_as(
        "SELECT summary, closure_note, anonymised_at, opened_at FROM cases WHERE id = $1",
    )
    .bind(old.to_string())
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(row.0.is_none() && row.1.is_none() && row.2.is_some());
    let opened = time::OffsetDateTime::from_unix_timestamp(row.3).unwrap();
    assert_eq!(
        (opened.month(), opened.day(), opened.hour()),
        (time::Month::January, 1, 0),
        "dates generalised to their year"
    );
    let person: (Blob, Blob, Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT p.first_name, p.birth_date, p.birth_year, p.gender FROM persons p \
         JOIN cases c ON c.person_id = p.id WHERE c.id = $1",
    )
    .bind(old.to_string())
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(
        person.0.is_none() && person.1.is_none(),
        "names and birth date destroyed"
    );
    assert_eq!(person.2, Some(1998), "the birth year stays for statistics");
    assert_eq!(person.3.as_deref(), Some("Feminine"));
    for (sql, what) in [
        (
            "SELECT COUNT(*) FROM case_notes WHERE case_id = $1",
            "notes",
        ),
        (
            "SELECT COUNT(*) FROM case_changes WHERE case_id = $1",
            "history",
        ),
        (
            "SELECT COUNT(*) FROM person_name_index i JOIN cases c ON c.person_id = i.person_id WHERE c.id = $1",
            "name index",
        ),
        (
            "SELECT COUNT(*) FROM consents WHERE case_id = $1 AND guardian IS NOT NULL",
            "guardian",
        ),
    ] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
            .bind(old.to_string())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "{what}");
    }
    // Still counted; still readable (without anything personal); the recent case untouched.
    let after_stats = app.count("SELECT COUNT(*) FROM cases").await;
    assert_eq!(before_stats, after_stats);
    let page = s.get(&format!("/cases/{old}")).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(!page.contains("Wilma") && !page.contains("Bartica") && !page.contains("Afraid"));
    let doc = h.open_case(&cw, recent, &o).await.unwrap();
    assert_eq!(doc.record.person.first_name, "Zulema");
    // Audited, and the chain still verifies.
    let audited = app.audit_count("case.anonymised").await;
    assert_eq!(audited, 1);
    h.verify_audit(|_, _| {}).await.unwrap();

    // Without a retention period nothing is touched.
    let keep = TestApp::spawn().await;
    let r = keep
        .haven
        .at(now + 100 * YEAR)
        .retention(false, 100)
        .await
        .unwrap();
    assert!(r.cutoff.is_none() && r.cases.is_empty());
}
