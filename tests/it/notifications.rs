//! Notifications of referrals and transfers: in-app for the right people, e-mail through the
//! outbox to a real SMTP server (the test sink) with retries, nothing personal in either; the
//! overdue reminders with a controllable clock; redirects of declined referrals; the case's
//! services following the referral; the printable referral.
use haven_core::referrals::{Decision, ReferralInput};
use haven_core::{Origin, Policy};
use haven_domain::referral::Status;
use haven_domain::{AgencyId, CaseId};
use haven_mail::SmtpMailer;

use crate::harness::TestApp;
use crate::smtp_sink::SmtpSink;

struct Setup {
    app: TestApp,
    case: CaseId,
    ffp: AgencyId,
    cpa: AgencyId,
}

/// A case of the case worker with the person's consent to referral to Food for the Poor.
async fn setup(mail: bool) -> Setup {
    let app = TestApp::spawn_with(
        Policy {
            mail_enabled: mail,
            ..Policy::default()
        },
        0,
    )
    .await;
    let ffp = app.agency("Food for the Poor Guyana").await;
    let cpa = app.agency("Child Care and Protection Agency").await;
    let s = app.login("caseworker").await;
    let case = s
        .new_case(&[
            ("first_name", "Marisol"),
            ("second_name", "Quintero"),
            ("mobile_phone", "+592 611 2222"),
        ])
        .await;
    let cw = app.principal("caseworker").await;
    app.consent_to_referral(&cw, case, ffp).await;
    Setup {
        app,
        case,
        ffp,
        cpa,
    }
}

fn referral(to: AgencyId, urgency: &str) -> ReferralInput {
    ReferralInput {
        to_agency_id: to.to_string(),
        services: vec!["material_assistance".into(), "psychosocial".into()],
        urgency: urgency.into(),
        reason: "Needs clothes; afraid of the recruiter".into(),
        sections: vec!["identity".into()],
        send: true,
        ..Default::default()
    }
}

async fn kinds(app: &TestApp, user: &str) -> Vec<String> {
    let p = app.principal(user).await;
    app.haven
        .notifications(&p, &haven_core::support::cursor::PageRequest::first(100))
        .await
        .unwrap()
        .0
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

/// The text of a message, its transfer encoding undone.
fn body(data: &str) -> String {
    use base64::Engine;
    let (head, body) = data.split_once("\n\n").unwrap_or((data, ""));
    let head = head.to_ascii_lowercase();
    if head.contains("content-transfer-encoding: base64") {
        let b: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(b)
                .expect("base64"),
        )
        .expect("utf-8")
    } else if head.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\n", "");
        let mut out = Vec::new();
        let b = joined.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if b[i] == b'='
                && let Some(v) = hex
            {
                out.push(v);
                i += 3;
                continue;
            }
            out.push(b[i]);
            i += 1;
        }
        String::from_utf8(out).expect("utf-8")
    } else {
        body.to_string()
    }
}

#[tokio::test]
async fn referral_moves_notify_the_other_side_in_app_and_by_mail_without_personal_data() {
    let Setup { app, case, ffp, .. } = setup(true).await;
    let h = &app.haven;
    let o = Origin::default();
    let cw = app.principal("caseworker").await;
    let provider = app.principal("provider").await;
    let sink = SmtpSink::start().await;
    let mailer = SmtpMailer::new(&sink.url(), "Haven <haven@haven.example>").unwrap();
    let i18n = haven_i18n::I18n::load().unwrap();
    let t0 = haven_core::now();

    let id = h
        .at(t0)
        .create_referral(&cw, case, &referral(ffp, "routine"), &o)
        .await
        .unwrap();
    assert_eq!(kinds(&app, "provider").await, ["referral_new"]);
    assert!(
        kinds(&app, "caseworker").await.is_empty(),
        "the sender is not told of their own move"
    );
    assert!(
        kinds(&app, "screener").await.is_empty(),
        "nobody outside the receiving agency is told"
    );
    assert_eq!(h.unread_notifications(&provider).await.unwrap(), 1);
    // The badge is there on a page drawn in answer to a form too (here a refused move).
    let web = app.login("provider").await;
    let page = web.get("/dashboard").await.text().await.unwrap();
    assert!(page.contains("<strong class=\"badge\">1</strong>"));
    let res = web
        .post_form("/account/tokens", &[("label", &"x".repeat(500))])
        .await;
    let status = res.status();
    let page = res.text().await.unwrap();
    assert!(status.is_client_error() || status.is_success(), "{status}");
    assert!(
        page.contains("<strong class=\"badge\">1</strong>"),
        "{status}: {}",
        &page[..page.len().min(3000)]
    );

    let (sent, failed) = h
        .at(t0)
        .deliver_outbox(&mailer, &i18n, "https://haven.example")
        .await
        .unwrap();
    assert_eq!((sent, failed), (1, 0));
    let mails = sink.mails().await;
    assert_eq!(mails[0].to, ["provider@haven.example"]);
    let text = body(&mails[0].data);
    assert!(
        text.contains(&format!("https://haven.example/referrals/{id}")),
        "{text}"
    );
    assert!(
        mails[0]
            .data
            .contains("Subject: Haven: New referral to your agency")
    );
    for secret in ["Marisol", "Quintero", "611", "recruiter", "clothes"] {
        assert!(
            !mails[0].data.contains(secret),
            "the e-mail carries no personal data ({secret})"
        );
    }
    // Delivered once: nothing left to send.
    assert_eq!(
        h.at(t0 + 1)
            .deliver_outbox(&mailer, &i18n, "https://haven.example")
            .await
            .unwrap(),
        (0, 0)
    );

    // Opening the referral reads its notification.
    h.at(t0).open_referral(&provider, &id, &o).await.unwrap();
    assert_eq!(h.unread_notifications(&provider).await.unwrap(), 0);

    // Accepted: the sender is told, in their language (set to Spanish here).
    let cw_session = app.login("caseworker").await;
    cw_session
        .post_form("/account/language", &[("lang", "es")])
        .await;
    h.at(t0 + 60)
        .decide_referral(&provider, &id, Decision::Accept, &o)
        .await
        .unwrap();
    assert_eq!(kinds(&app, "caseworker").await, ["referral_accepted"]);
    h.at(t0 + 60)
        .deliver_outbox(&mailer, &i18n, "https://haven.example")
        .await
        .unwrap();
    let mails = sink.mails().await;
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].to, ["caseworker@haven.example"]);
    let text = body(&mails[1].data);
    assert!(text.contains("Su derivación fue aceptada"), "{text}");

    // Completed with an outcome: told again, and the case's services are delivered.
    h.at(t0 + 120)
        .decide_referral(
            &provider,
            &id,
            Decision::Complete {
                outcome: "Clothes and two counselling sessions given".into(),
            },
            &o,
        )
        .await
        .unwrap();
    assert_eq!(kinds(&app, "caseworker").await[0], "referral_completed");
    let services = h.case_services(&cw, case, &o).await.unwrap();
    assert_eq!(services.len(), 2);
    for s in &services {
        assert_eq!(s.status, "delivered");
        assert_eq!(s.outcome, "Clothes and two counselling sessions given");
        assert_eq!(s.provider, "Food for the Poor Guyana");
        assert_eq!(s.started_at, Some(t0 + 60));
        assert_eq!(s.ended_at, Some(t0 + 120));
    }
    // The outcome is sealed at rest.
    let raw: Vec<u8> =
        sqlx::query_scalar("SELECT outcome FROM case_services WHERE case_id = $1 LIMIT 1")
            .bind(case.to_string())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert!(!raw.windows(7).any(|w| w == b"Clothes"));
    // The case page shows them; the provider's staff cannot read the case's services.
    let page = cw_session
        .get(&format!("/cases/{case}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Clothes and two counselling sessions given"));
    assert!(h.case_services(&provider, case, &o).await.is_err());

    // Read all.
    let n = h.mark_notifications_read(&cw, None).await.unwrap();
    assert!(n >= 2);
    assert_eq!(h.unread_notifications(&cw).await.unwrap(), 0);
}

#[tokio::test]
async fn the_outbox_retries_a_refused_message_and_gives_up_in_the_end() {
    let Setup { app, case, ffp, .. } = setup(true).await;
    let h = &app.haven;
    let cw = app.principal("caseworker").await;
    let sink = SmtpSink::start().await;
    let mailer = SmtpMailer::new(&sink.url(), "haven@haven.example").unwrap();
    let i18n = haven_i18n::I18n::load().unwrap();
    let t0 = haven_core::now();
    h.at(t0)
        .create_referral(&cw, case, &referral(ffp, "routine"), &Origin::default())
        .await
        .unwrap();

    sink.refuse_next(1);
    assert_eq!(
        h.at(t0)
            .deliver_outbox(&mailer, &i18n, "https://h")
            .await
            .unwrap(),
        (0, 1)
    );
    let row = &h.outbox(10).await.unwrap()[0];
    assert_eq!(row.attempts, 1);
    assert_eq!(row.next_attempt_at, t0 + 60, "tried again a minute later");
    assert!(row.sent_at.is_none() && row.failed_at.is_none());
    assert!(row.last_error.as_deref().unwrap_or("").contains("451"));
    // Not before its time…
    assert_eq!(
        h.at(t0 + 30)
            .deliver_outbox(&mailer, &i18n, "https://h")
            .await
            .unwrap(),
        (0, 0)
    );
    // …then delivered.
    assert_eq!(
        h.at(t0 + 61)
            .deliver_outbox(&mailer, &i18n, "https://h")
            .await
            .unwrap(),
        (1, 0)
    );
    assert_eq!(sink.mails().await.len(), 1);
    assert!(h.outbox(10).await.unwrap()[0].sent_at.is_some());

    // A server that keeps refusing: given up after the last attempt, with the error kept.
    let s = app.login("caseworker").await;
    let other = s.new_case(&[("first_name", "Otra")]).await;
    app.consent_to_referral(&cw, other, ffp).await;
    h.at(t0)
        .create_referral(&cw, other, &referral(ffp, "routine"), &Origin::default())
        .await
        .unwrap();
    sink.refuse_next(1000);
    let mut t = t0 + 100;
    for _ in 0..haven_core::notifications::MAX_ATTEMPTS {
        t += 3601;
        h.at(t)
            .deliver_outbox(&mailer, &i18n, "https://h")
            .await
            .unwrap();
    }
    let row = h
        .outbox(10)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.sent_at.is_none())
        .unwrap();
    assert_eq!(row.attempts, haven_core::notifications::MAX_ATTEMPTS);
    assert!(row.failed_at.is_some(), "given up");
    assert_eq!(
        h.at(t + 86_400)
            .deliver_outbox(&mailer, &i18n, "https://h")
            .await
            .unwrap(),
        (0, 0),
        "and not tried again"
    );

    // Without mail on, nothing is queued (in-app only).
    let Setup {
        app: quiet,
        case,
        ffp,
        ..
    } = setup(false).await;
    let cw = quiet.principal("caseworker").await;
    quiet
        .haven
        .at(t0)
        .create_referral(&cw, case, &referral(ffp, "routine"), &Origin::default())
        .await
        .unwrap();
    assert!(quiet.haven.outbox(10).await.unwrap().is_empty());
    assert_eq!(kinds(&quiet, "provider").await, ["referral_new"]);
}

#[tokio::test]
async fn overdue_referrals_are_reminded_once_with_a_controllable_clock() {
    let Setup { app, case, ffp, .. } = setup(true).await;
    let h = &app.haven;
    let cw = app.principal("caseworker").await;
    let t0 = haven_core::now();
    let id = h
        .at(t0)
        .create_referral(&cw, case, &referral(ffp, "within_24h"), &Origin::default())
        .await
        .unwrap();
    assert_eq!(
        h.at(t0 + 23 * 3600).send_reminders().await.unwrap(),
        0,
        "not yet due"
    );
    assert_eq!(h.at(t0 + 25 * 3600).send_reminders().await.unwrap(), 1);
    assert_eq!(
        h.at(t0 + 26 * 3600).send_reminders().await.unwrap(),
        0,
        "reminded once"
    );
    assert!(
        kinds(&app, "caseworker")
            .await
            .contains(&"referral_overdue".to_string())
    );
    assert!(
        kinds(&app, "provider")
            .await
            .contains(&"referral_overdue".to_string())
    );
    // The dashboard of the sender shows it (the real clock is used there, so move the deadline).
    sqlx::query("UPDATE referrals SET due_at = $1 WHERE id = $2")
        .bind(t0 - 60)
        .bind(&id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let dash = app
        .login("caseworker")
        .await
        .get("/dashboard")
        .await
        .text()
        .await
        .unwrap();
    assert!(dash.contains("One referral is overdue"), "{dash}");
    // An answered referral is not overdue.
    let provider = app.principal("provider").await;
    h.at(t0)
        .decide_referral(&provider, &id, Decision::Accept, &Origin::default())
        .await
        .unwrap();
    assert!(
        h.at(t0 + 30 * 86_400)
            .overdue_referrals(&cw)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_declined_referral_is_redirected_under_the_new_agencys_consent() {
    let Setup {
        app,
        case,
        ffp,
        cpa,
        ..
    } = setup(false).await;
    let h = &app.haven;
    let o = Origin::default();
    let cw = app.principal("caseworker").await;
    let provider = app.principal("provider").await;
    let t0 = haven_core::now();
    let mut input = referral(ffp, "within_24h");
    // Named person: only they are told.
    input.to_user = app.user_id("provider").await.to_string();
    let id = h
        .at(t0)
        .create_referral(&cw, case, &input, &o)
        .await
        .unwrap();
    assert_eq!(kinds(&app, "provider").await, ["referral_new"]);
    // A redirect needs a declined referral.
    assert!(
        h.at(t0)
            .redirect_referral(&cw, &id, &cpa.to_string(), "", &o)
            .await
            .is_err()
    );
    h.at(t0 + 10)
        .decide_referral(
            &provider,
            &id,
            Decision::Decline {
                reason: "No beds this month".into(),
            },
            &o,
        )
        .await
        .unwrap();
    assert!(
        kinds(&app, "caseworker")
            .await
            .contains(&"referral_declined".to_string())
    );
    // No consent for the child-protection agency yet: refused, nothing changed.
    let e = h
        .at(t0 + 20)
        .redirect_referral(&cw, &id, &cpa.to_string(), "", &o)
        .await
        .unwrap_err();
    assert!(
        matches!(e, haven_core::CoreError::Invalid(ref v) if v[0].key == "error-consent-missing")
    );
    assert_eq!(
        h.at(t0).open_referral(&cw, &id, &o).await.unwrap().status,
        Status::Declined
    );
    // The recipient cannot redirect; the declining agency is not a new destination.
    assert!(
        h.at(t0)
            .redirect_referral(&provider, &id, &cpa.to_string(), "", &o)
            .await
            .is_err()
    );
    assert!(
        h.at(t0)
            .redirect_referral(&cw, &id, &ffp.to_string(), "", &o)
            .await
            .is_err()
    );
    app.consent_to_referral(&cw, case, cpa).await;
    let new_id = h
        .at(t0 + 30)
        .redirect_referral(&cw, &id, &cpa.to_string(), "", &o)
        .await
        .unwrap();
    let old = h.at(t0 + 30).open_referral(&cw, &id, &o).await.unwrap();
    assert_eq!(old.status, Status::Redirected);
    let new = h.at(t0 + 30).open_referral(&cw, &new_id, &o).await.unwrap();
    assert_eq!(new.status, Status::Sent);
    assert_eq!(new.to_agency_id, cpa);
    assert_eq!(new.reason, "Needs clothes; afraid of the recruiter");
    assert_eq!(new.sections, ["identity"]);
    assert_eq!(new.due_at, Some(t0 + 30 + 24 * 3600));
    assert!(
        kinds(&app, "childcare")
            .await
            .contains(&"referral_new".to_string())
    );
    let redirected_from: Option<String> =
        sqlx::query_scalar("SELECT redirected_from FROM referrals WHERE id = $1")
            .bind(&new_id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(redirected_from.as_deref(), Some(id.as_str()));
    // The services follow: not provided by the first agency, requested from the second.
    let services = h.case_services(&cw, case, &o).await.unwrap();
    let by = |agency: &str, status: &str| {
        services
            .iter()
            .filter(|s| s.provider == agency && s.status == status)
            .count()
    };
    assert_eq!(by("Food for the Poor Guyana", "not_delivered"), 2);
    assert_eq!(by("Child Care and Protection Agency", "requested"), 2);
    // A redirected referral goes no further.
    assert!(
        h.at(t0)
            .redirect_referral(&cw, &id, &cpa.to_string(), "", &o)
            .await
            .is_err()
    );
    // Both steps audited.
    let moved = app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'referral.moved' AND details LIKE '%redirected%'").await;
    assert_eq!(moved, 1);
}

#[tokio::test]
async fn the_printable_referral_holds_the_shared_sections_and_the_consent_only() {
    let Setup { app, case, ffp, .. } = setup(false).await;
    let h = &app.haven;
    let cw = app.principal("caseworker").await;
    let id = h
        .create_referral(&cw, case, &referral(ffp, "routine"), &Origin::default())
        .await
        .unwrap();
    let s = app.login("caseworker").await;
    let page = s
        .get(&format!("/referrals/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/referrals/{id}/print.pdf")));
    let res = s.get(&format!("/referrals/{id}/print.pdf")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // Text with non-ASCII characters is written as hex strings: look for it either way.
    let has = |s: &str| {
        let hex: String = s.bytes().map(|b| format!("{b:02X}")).collect();
        pdf.windows(s.len()).any(|w| w == s.as_bytes())
            || pdf.windows(hex.len()).any(|w| w == hex.as_bytes())
    };
    assert!(has("CONFIDENTIAL"), "watermarked");
    assert!(has("Marisol Quintero"), "the shared identity section");
    assert!(!has("611 2222"), "the phone was not shared");
    assert!(has("Consent to this referral"), "the consent statement");
    assert!(has("caseworker@haven.example"), "the sender's contact");
    let printed = app.audit_count("referral.printed").await;
    assert_eq!(printed, 1, "the download is audited");
    // The recipient's staff and outsiders get nothing.
    for user in ["provider", "screener", "analyst"] {
        let r = app
            .login(user)
            .await
            .get(&format!("/referrals/{id}/print.pdf"))
            .await;
        assert_eq!(r.status(), 404, "{user}");
    }
}

/// The background worker of `serve` (reminders and outbox on a timer) delivers to the sink.
#[tokio::test]
async fn the_background_worker_sends_the_outbox() {
    let Setup { app, case, ffp, .. } = setup(true).await;
    let sink = SmtpSink::start().await;
    let mailer = SmtpMailer::new(&sink.url(), "haven@haven.example").unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(haven_mail::background(
        app.haven.clone(),
        haven_i18n::I18n::load().unwrap(),
        Some(mailer),
        "https://haven.example".into(),
        std::time::Duration::from_millis(200),
        async {
            let _ = stopped.await;
        },
    ));
    // Through the pages, as a user would.
    let s = app.login("caseworker").await;
    let res = s
        .post_form(
            &format!("/cases/{case}/referrals"),
            &[
                ("to_agency_id", ffp.to_string().as_str()),
                ("services", "legal_aid"),
                ("urgency", "routine"),
                ("reason", "Wants to know her rights"),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let mails = sink.wait_for(1).await;
    assert_eq!(mails[0].to, ["provider@haven.example"]);
    let _ = stop.send(());
}
