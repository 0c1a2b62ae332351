//! Protection and follow-up through the use-cases and the pages, with a controllable clock for
//! reflection periods, task due dates and their reminders.
use haven_core::consents::ConsentInput;
use haven_core::protection::{
    Goal, PlanInput, ProceedingsDetails, ProceedingsInput, ReturnInput, RiskInput, ServiceInput,
    TaskInput,
};
use haven_core::{CoreError, Origin, Policy};
use haven_domain::CaseId;

use crate::harness::{TestApp, error_key};

/// A case of the child-protection agency (which shares its cases with the coordinator).
async fn cpa_case(app: &TestApp, name: &str) -> CaseId {
    let s = app.login("childcare").await;
    s.new_case(&[("first_name", name)]).await
}

fn day(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .unwrap()
        .date()
        .to_string()
}

#[tokio::test]
async fn risk_reflection_and_tasks_with_their_reminders() {
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let o = Origin::default();
    let cw = app.principal("childcare").await;
    let case = cpa_case(&app, "Rosa").await;

    // Risk: high needs a safety plan; the overall level is not below an area's.
    let mut risk = RiskInput {
        kind: "intake".into(),
        level: "High".into(),
        areas: vec![
            ("traffickers".into(), "Critical".into()),
            ("health".into(), "Low".into()),
        ],
        ..Default::default()
    };
    let e = h.record_risk(&cw, case, &risk, &o).await.unwrap_err();
    let CoreError::Invalid(errs) = e else {
        panic!("invalid")
    };
    let keys: Vec<_> = errs.iter().map(|e| e.key).collect();
    assert!(keys.contains(&"error-risk-below-area") && keys.contains(&"error-safety-plan"));
    risk.level = "Critical".into();
    risk.safety_plan = "Stays at the shelter; no phone calls from unknown numbers".into();
    h.record_risk(&cw, case, &risk, &o).await.unwrap();
    let doc = h.open_case(&cw, case, &o).await.unwrap();
    assert_eq!(
        doc.record.case.risk_level, "Critical",
        "the case's risk level follows"
    );
    let s = app.login("childcare").await;
    let history = s
        .get(&format!("/cases/{case}/history"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("Critical"), "the change is in the history");
    let dash = s.get("/dashboard").await.text().await.unwrap();
    assert!(
        dash.contains("One open case is at high or critical risk"),
        "{dash}"
    );
    // The safety plan is sealed at rest.
    let raw: Vec<u8> =
        sqlx::query_scalar("SELECT safety_plan FROM risk_assessments WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert!(!raw.windows(7).any(|w| w == b"shelter"));

    // Reflection: the deployment's length (Guyana: 10 days), one per case, extended with a reason.
    let t0 = haven_core::now();
    let start = day(t0);
    h.at(t0)
        .start_reflection(&cw, case, &start, "", &o)
        .await
        .unwrap();
    assert_eq!(
        error_key(
            h.at(t0)
                .start_reflection(&cw, case, &start, "", &o)
                .await
                .unwrap_err()
        ),
        "error-reflection-exists"
    );
    let p = h.protection(&cw, case, &o).await.unwrap();
    let r = p.reflection.unwrap();
    assert_eq!(r.days, 10);
    assert_eq!(r.ends_on, day(t0 + 9 * 86_400));
    assert_eq!(
        error_key(
            h.at(t0)
                .extend_reflection(&cw, case, "5", "", &o)
                .await
                .unwrap_err()
        ),
        "error-required",
        "an extension needs its reason"
    );
    h.at(t0)
        .extend_reflection(&cw, case, "5", "Still in shock; medical follow-up", &o)
        .await
        .unwrap();
    let r = h
        .protection(&cw, case, &o)
        .await
        .unwrap()
        .reflection
        .unwrap();
    assert_eq!(r.ends_on, day(t0 + 14 * 86_400));
    assert_eq!(r.extensions.len(), 1);
    // Reminded two days before the end, once.
    assert_eq!(
        h.at(t0 + 11 * 86_400)
            .send_protection_reminders()
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        h.at(t0 + 12 * 86_400)
            .send_protection_reminders()
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        h.at(t0 + 13 * 86_400)
            .send_protection_reminders()
            .await
            .unwrap(),
        0
    );
    let notes = h
        .notifications(&cw, &haven_core::support::cursor::PageRequest::first(50))
        .await
        .unwrap()
        .0;
    assert!(notes.iter().any(|n| n.kind == "reflection_ending"
        && n.link == format!("/cases/{case}/protection")));

    // Tasks: due dates, assignment to someone who may read the case, reminders, done.
    let provider = app.user_id("provider").await;
    let task = |due: i64, to: String| TaskInput {
        kind: "visit".into(),
        title: "Home visit with the interpreter".into(),
        due_on: day(due),
        assigned_to: to,
        note: String::new(),
    };
    assert_eq!(
        error_key(
            h.at(t0)
                .create_task(&cw, case, &task(t0, provider.to_string()), &o)
                .await
                .unwrap_err()
        ),
        "error-unknown-code",
        "not to someone who cannot see the case"
    );
    let late = h
        .at(t0)
        .create_task(&cw, case, &task(t0 - 2 * 86_400, String::new()), &o)
        .await
        .unwrap();
    let later = h
        .at(t0)
        .create_task(&cw, case, &task(t0 + 5 * 86_400, String::new()), &o)
        .await
        .unwrap();
    let mine = h
        .my_tasks(&cw, &haven_core::support::cursor::PageRequest::all(), &o)
        .await
        .unwrap()
        .0;
    assert_eq!(mine.len(), 2);
    assert!(mine[0].overdue && !mine[1].overdue);
    assert_eq!(mine[0].title, "Home visit with the interpreter");
    let coordinator = app.principal("coordinator").await;
    let overdue = h.overdue_tasks(&coordinator, &o).await.unwrap();
    assert_eq!(overdue.len(), 1, "the coordinator's overdue view");
    assert_eq!(overdue[0].id, late);
    assert!(
        h.overdue_tasks(&app.principal("analyst").await, &o)
            .await
            .is_err()
    );
    // The overdue one is reminded now; the other on its day.
    let before = h
        .notifications(&cw, &haven_core::support::cursor::PageRequest::first(50))
        .await
        .unwrap()
        .0
        .len();
    h.at(t0).send_protection_reminders().await.unwrap();
    h.at(t0).send_protection_reminders().await.unwrap();
    let after = h
        .notifications(&cw, &haven_core::support::cursor::PageRequest::first(50))
        .await
        .unwrap()
        .0;
    assert_eq!(after.len(), before + 1, "reminded once");
    assert!(after.iter().any(|n| n.kind == "task_due"));
    assert_eq!(
        h.at(t0 + 5 * 86_400)
            .send_protection_reminders()
            .await
            .unwrap(),
        1
    );
    let dash = s.get("/dashboard").await.text().await.unwrap();
    assert!(dash.contains("2 tasks for you, 1 overdue"), "{dash}");
    h.at(t0)
        .finish_task(&cw, &late, "done", "Visited; doing well", &o)
        .await
        .unwrap();
    assert_eq!(
        error_key(
            h.at(t0)
                .finish_task(&cw, &late, "done", "", &o)
                .await
                .unwrap_err()
        ),
        "error-task-closed"
    );
    assert_eq!(
        h.my_tasks(&cw, &haven_core::support::cursor::PageRequest::all(), &o)
            .await
            .unwrap()
            .0
            .len(),
        1
    );
    h.at(t0)
        .finish_task(&cw, &later, "cancelled", "", &o)
        .await
        .unwrap();
    assert!(
        h.my_tasks(&cw, &haven_core::support::cursor::PageRequest::all(), &o)
            .await
            .unwrap()
            .0
            .is_empty()
    );
    // Outsiders neither see nor touch the tasks.
    let outsider = app.principal("caseworker").await;
    assert_eq!(
        error_key(
            h.at(t0)
                .finish_task(&outsider, &later, "done", "", &o)
                .await
                .unwrap_err()
        ),
        "not-found"
    );
    assert_eq!(
        error_key(h.protection(&outsider, case, &o).await.unwrap_err()),
        "not-found"
    );
}

#[tokio::test]
async fn the_assistance_plan_is_approved_by_another_coordinator_where_required() {
    let app = TestApp::spawn_with(
        Policy {
            plan_approval: true,
            ..Policy::default()
        },
        0,
    )
    .await;
    let h = &app.haven;
    let o = Origin::default();
    let cw = app.principal("childcare").await;
    let coordinator = app.principal("coordinator").await;
    let case = cpa_case(&app, "Lucía").await;
    let plan = |version: i64| PlanInput {
        goals: vec![
            Goal {
                text: "Safe accommodation until the trial".into(),
                target_on: "2027-03-01".into(),
                services: vec!["safe_accommodation".into()],
                ..Default::default()
            },
            Goal {
                text: "Back to school".into(),
                services: vec!["education".into()],
                ..Default::default()
            },
        ],
        review_on: "2027-01-15".into(),
        version,
    };
    assert_eq!(
        error_key(
            h.save_plan(&cw, case, &PlanInput::default(), &o)
                .await
                .unwrap_err()
        ),
        "error-required",
        "a plan has a goal"
    );
    h.save_plan(&cw, case, &plan(0), &o).await.unwrap();
    assert_eq!(
        error_key(h.save_plan(&cw, case, &plan(0), &o).await.unwrap_err()),
        "error-plan-stale",
        "a form opened before the last save is refused"
    );
    let v = h.protection(&cw, case, &o).await.unwrap().plan.unwrap();
    assert_eq!(v.status, "draft");
    assert_eq!(v.goals.len(), 2);
    assert_eq!(v.goals[0].status, "open");
    // Approval needs a submission.
    assert_eq!(
        error_key(
            h.decide_plan(&coordinator, case, "approve", "", &o)
                .await
                .unwrap_err()
        ),
        "error-plan-move"
    );
    h.decide_plan(&cw, case, "submit", "", &o).await.unwrap();
    assert!(
        h.notifications(
            &coordinator,
            &haven_core::support::cursor::PageRequest::first(10)
        )
        .await
        .unwrap()
        .0
        .iter()
        .any(|n| n.kind == "plan_submitted")
    );
    assert_eq!(
        error_key(h.save_plan(&cw, case, &plan(2), &o).await.unwrap_err()),
        "error-plan-submitted",
        "frozen while waiting"
    );
    assert_eq!(
        error_key(
            h.decide_plan(&cw, case, "approve", "", &o)
                .await
                .unwrap_err()
        ),
        "error-plan-move",
        "a case worker does not approve"
    );
    assert_eq!(
        error_key(
            h.decide_plan(&coordinator, case, "return", "", &o)
                .await
                .unwrap_err()
        ),
        "error-required",
        "returning needs comments"
    );
    h.decide_plan(&coordinator, case, "return", "Add the legal aid goal", &o)
        .await
        .unwrap();
    let v = h.protection(&cw, case, &o).await.unwrap().plan.unwrap();
    assert_eq!(
        (v.status.as_str(), v.comments.as_str()),
        ("returned", "Add the legal aid goal")
    );
    assert!(
        h.notifications(&cw, &haven_core::support::cursor::PageRequest::first(10))
            .await
            .unwrap()
            .0
            .iter()
            .any(|n| n.kind == "plan_returned")
    );
    h.save_plan(&cw, case, &plan(v.version), &o).await.unwrap();
    h.decide_plan(&cw, case, "submit", "", &o).await.unwrap();
    h.decide_plan(&coordinator, case, "approve", "", &o)
        .await
        .unwrap();
    let v = h.protection(&cw, case, &o).await.unwrap().plan.unwrap();
    assert_eq!(v.status, "approved");
    // The goals are sealed at rest.
    let raw: Vec<u8> = sqlx::query_scalar("SELECT goals FROM assistance_plans WHERE case_id = $1")
        .bind(case.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(!raw.windows(6).any(|w| w == b"school"));
}

#[tokio::test]
async fn services_return_and_proceedings_are_recorded_and_sealed() {
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let o = Origin::default();
    let cw = app.principal("childcare").await;
    let case = cpa_case(&app, "Ana").await;

    // A service recorded by hand: a provider outside Haven, a cost, the person's consent.
    let mut sv = ServiceInput {
        service_type: "emergency_medical".into(),
        provider_name: "Lethem regional hospital".into(),
        started_on: "2026-11-02".into(),
        ended_on: "2026-11-01".into(),
        outcome: "Treated for malaria".into(),
        cost: "12,5".into(),
        consent: true,
        ..Default::default()
    };
    let e = h.record_service(&cw, case, &sv, &o).await.unwrap_err();
    let CoreError::Invalid(errs) = e else {
        panic!("invalid")
    };
    let keys: Vec<_> = errs.iter().map(|e| e.key).collect();
    assert!(
        keys.contains(&"error-date-order") && keys.contains(&"error-cost"),
        "{keys:?}"
    );
    sv.ended_on = "2026-11-05".into();
    sv.cost = "1250.50".into();
    h.record_service(&cw, case, &sv, &o).await.unwrap();
    let services = h.case_services(&cw, case, &o).await.unwrap();
    assert_eq!(services.len(), 1);
    let s = &services[0];
    assert_eq!(
        (
            s.provider_name.as_str(),
            s.cost.as_str(),
            s.consent,
            s.status.as_str()
        ),
        ("Lethem regional hospital", "1250.50", true, "delivered")
    );
    assert_eq!(s.outcome, "Treated for malaria");

    // Return: a planned date needs the consent to a voluntary return.
    let ret = ReturnInput {
        country: "Venezuela".into(),
        region: "Bolívar".into(),
        receiving_org: "IOM Venezuela".into(),
        planned_on: "2027-01-10".into(),
        notes: "Mother will meet her in Santa Elena".into(),
        ..Default::default()
    };
    assert_eq!(
        error_key(h.save_return(&cw, case, &ret, &o).await.unwrap_err()),
        "error-consent-missing"
    );
    h.record_consent(
        &cw,
        case,
        &ConsentInput {
            purpose: "return".into(),
            given_by: "person".into(),
            ..Default::default()
        },
        &o,
    )
    .await
    .unwrap();
    h.save_return(&cw, case, &ret, &o).await.unwrap();
    let p = h.protection(&cw, case, &o).await.unwrap();
    assert!(p.return_consent);
    let r = p.return_plan.unwrap();
    assert_eq!(
        r.country, "VE",
        "a country typed by name is stored as its code"
    );
    assert_eq!(r.notes, "Mother will meet her in Santa Elena");

    // Proceedings: coded cooperation, sealed references.
    let mut pr = ProceedingsInput {
        cooperation: "cooperating".into(),
        compensation: "claimed".into(),
        details: ProceedingsDetails {
            police_ref: "CID-2026-4471".into(),
            compensation_claimed: "lots".into(),
            ..Default::default()
        },
    };
    assert_eq!(
        error_key(h.save_proceedings(&cw, case, &pr, &o).await.unwrap_err()),
        "error-cost"
    );
    pr.details.compensation_claimed = "500000".into();
    h.save_proceedings(&cw, case, &pr, &o).await.unwrap();
    let p = h.protection(&cw, case, &o).await.unwrap();
    assert_eq!(p.cooperation, "cooperating");
    assert_eq!(p.proceedings.unwrap().police_ref, "CID-2026-4471");
    for (table, col) in [("case_proceedings", "details"), ("case_returns", "notes")] {
        let raw: Vec<u8> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {col} FROM {table} WHERE case_id = $1"
        )))
        .bind(case.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert!(
            !raw.windows(6).any(|w| w == b"CID-20" || w == b"Mother"),
            "{table}.{col} sealed"
        );
    }
    let audited = app.audit_count("protection.saved").await;
    assert_eq!(audited, 3);

    // Closed: read-only until reopened.
    h.close_case(&cw, case, "AssistanceCompleted", "", false, &o)
        .await
        .unwrap();
    assert_eq!(
        error_key(h.save_proceedings(&cw, case, &pr, &o).await.unwrap_err()),
        "error-case-closed"
    );
    let p = h.protection(&cw, case, &o).await.unwrap();
    assert!(p.closed && !p.may_change);
}

#[tokio::test]
async fn the_protection_page_keeps_what_was_typed_and_answers_only_readers() {
    let app = TestApp::spawn().await;
    let case = cpa_case(&app, "Julia").await;
    let s = app.login("childcare").await;
    let page = s
        .get(&format!("/cases/{case}/protection"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Assistance never depends"));
    let res = s
        .post_form(
            &format!("/cases/{case}/protection/risk"),
            &[
                ("kind", "intake"),
                ("level", "High"),
                ("notes", "Recruiter phoned her sister twice"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("needs a safety plan"));
    assert!(
        body.contains("Recruiter phoned her sister twice"),
        "the typed note comes back"
    );
    let res = s
        .post_form(
            &format!("/cases/{case}/protection/tasks"),
            &[
                ("kind", "call"),
                ("title", "Call the school"),
                ("due_on", "2027-01-05"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let tasks = s.get("/tasks").await.text().await.unwrap();
    assert!(tasks.contains("Call the school"));
    for user in ["caseworker", "provider", "analyst"] {
        let other = app.login(user).await;
        assert_eq!(
            other
                .get(&format!("/cases/{case}/protection"))
                .await
                .status(),
            404,
            "{user}"
        );
    }
}
