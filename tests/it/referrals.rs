//! Referrals through the use-cases, with a controllable clock: consent gating (none, withdrawn,
//! expired, a child with and without the guardian's), the coordinator's emergency exception,
//! every move allowed and refused, what the recipient sees before and after accepting and after
//! a revocation, and overdue detection.
use haven_core::Origin;
use haven_core::consents::ConsentInput;
use haven_core::referrals::{Decision, ReferralInput};
use haven_domain::referral::Status;

use crate::harness::{TestApp, error_key, location, referral_consent};

#[tokio::test]
async fn consent_gates_sending_and_the_recipient_sees_only_what_was_shared() {
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let o = Origin::default();
    let app_ref = &app;
    let p = |u: &'static str| async move { app_ref.principal(u).await };
    let cw = p("caseworker").await;
    let provider = p("provider").await;
    let coordinator = p("coordinator").await;
    let outsider = p("screener").await;
    let ffp = app.agency("Food for the Poor Guyana").await;

    let s = app.login("caseworker").await;
    let case = s
        .new_case(&[
            ("first_name", "Refugia"),
            ("second_name", "Salas"),
            ("mobile_phone", "+592 600 1234"),
        ])
        .await;
    let child = s
        .new_case(&[("first_name", "Nina"), ("assessed_age", "15")])
        .await;

    let input = |urgency: &str, send: bool| ReferralInput {
        to_agency_id: ffp.to_string(),
        services: vec!["material_assistance".into()],
        urgency: urgency.into(),
        reason: "Needs clothing and food after leaving the camp".into(),
        sections: vec!["identity".into(), "exploitation".into()],
        send,
        ..Default::default()
    };
    let t0 = haven_core::now();

    // No consent: refused, nothing stored. A draft needs none.
    let e = h
        .at(t0)
        .create_referral(&cw, case, &input("routine", true), &o)
        .await
        .unwrap_err();
    assert_eq!(error_key(e), "error-consent-missing");
    let draft = h
        .at(t0)
        .create_referral(&cw, case, &input("routine", false), &o)
        .await
        .unwrap();
    let e = h
        .at(t0)
        .decide_referral(&cw, &draft, Decision::Send, &o)
        .await
        .unwrap_err();
    assert_eq!(error_key(e), "error-consent-missing");

    // The coordinator's emergency exception (on a case of an agency that consented to
    // coordination): needs a justification, and is flagged.
    let cpa = app.login("childcare").await;
    let cpa_case = cpa.new_case(&[("first_name", "Urgencia")]).await;
    let mut emergency = input("emergency", true);
    let e = h
        .at(t0)
        .create_referral(&coordinator, cpa_case, &emergency, &o)
        .await
        .unwrap_err();
    assert_eq!(error_key(e), "error-consent-missing");
    emergency.emergency_justification = "Threats tonight; shelter needed now".into();
    let e = h
        .at(t0)
        .create_referral(&cw, case, &emergency, &o)
        .await
        .unwrap_err();
    assert_eq!(
        error_key(e),
        "error-consent-missing",
        "only the coordinator may"
    );
    let urgent = h
        .at(t0)
        .create_referral(&coordinator, cpa_case, &emergency, &o)
        .await
        .unwrap();
    let v = h
        .at(t0)
        .open_referral(&coordinator, &urgent, &o)
        .await
        .unwrap();
    assert!(v.flagged);

    // With the person's consent for this agency: sent, due in a week.
    let consent = referral_consent(ffp);
    h.record_consent(&cw, case, &consent, &o).await.unwrap();
    h.at(t0)
        .decide_referral(&cw, &draft, Decision::Send, &o)
        .await
        .unwrap();
    let v = h.at(t0).open_referral(&cw, &draft, &o).await.unwrap();
    assert_eq!(v.status, Status::Sent);
    assert_eq!(v.due_at, Some(t0 + 7 * 86_400));

    // A child: the guardian's consent, not the child's own.
    h.record_consent(&cw, child, &consent, &o).await.unwrap();
    let e = h
        .at(t0)
        .create_referral(&cw, child, &input("routine", true), &o)
        .await
        .unwrap_err();
    assert_eq!(error_key(e), "error-consent-guardian");
    let guardian = ConsentInput {
        given_by: "guardian".into(),
        guardian: "Mother".into(),
        ..consent.clone()
    };
    h.record_consent(&cw, child, &guardian, &o).await.unwrap();
    h.at(t0)
        .create_referral(&cw, child, &input("routine", true), &o)
        .await
        .unwrap();

    // Withdrawn, then expired consent.
    let consents: Vec<String> = sqlx::query_scalar("SELECT id FROM consents WHERE case_id = $1")
        .bind(child.to_string())
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    for c in &consents {
        h.withdraw_consent(&cw, child, c, "", &o).await.unwrap();
    }
    let e = h
        .at(t0)
        .create_referral(&cw, child, &input("routine", true), &o)
        .await
        .unwrap_err();
    assert_eq!(error_key(e), "error-consent-withdrawn");
    let expired_case = s.new_case(&[("first_name", "Expira")]).await;
    let old = ConsentInput {
        given_on: "2025-01-01".into(),
        expires_on: "2025-02-01".into(),
        ..consent.clone()
    };
    h.record_consent(&cw, expired_case, &old, &o).await.unwrap();
    let e = h
        .at(t0)
        .create_referral(&cw, expired_case, &input("routine", true), &o)
        .await
        .unwrap_err();
    assert_eq!(error_key(e), "error-consent-expired");

    // Before accepting, the recipient sees the referral but nothing of the case.
    let v = h.at(t0).open_referral(&provider, &draft, &o).await.unwrap();
    assert!(v.shared.is_none());
    assert_eq!(v.reason, "Needs clothing and food after leaving the camp");
    let inbox = h
        .at(t0)
        .referrals_of_agency(&provider, true, &o)
        .await
        .unwrap();
    assert!(inbox.iter().any(|r| r.id == draft));
    // Others have no part in it.
    assert_eq!(
        error_key(
            h.at(t0)
                .open_referral(&outsider, &draft, &o)
                .await
                .unwrap_err()
        ),
        "not-found"
    );
    assert_eq!(
        error_key(
            h.at(t0)
                .decide_referral(&outsider, &draft, Decision::Accept, &o)
                .await
                .unwrap_err()
        ),
        "not-found"
    );
    assert_eq!(
        error_key(
            h.at(t0)
                .decide_referral(&cw, &draft, Decision::Accept, &o)
                .await
                .unwrap_err()
        ),
        "not-found",
        "the sender does not answer"
    );
    assert_eq!(
        error_key(
            h.at(t0)
                .decide_referral(
                    &provider,
                    &draft,
                    Decision::Revoke {
                        reason: String::new()
                    },
                    &o
                )
                .await
                .unwrap_err()
        ),
        "not-found",
        "the recipient does not revoke"
    );
    assert_eq!(
        error_key(
            h.at(t0)
                .decide_referral(&provider, &draft, Decision::Start, &o)
                .await
                .unwrap_err()
        ),
        "error-referral-move",
        "not before accepting"
    );

    // Accepted: the shared sections only.
    h.at(t0 + 60)
        .decide_referral(&provider, &draft, Decision::Accept, &o)
        .await
        .unwrap();
    let shared = h
        .at(t0)
        .open_referral(&provider, &draft, &o)
        .await
        .unwrap()
        .shared
        .unwrap();
    assert_eq!(shared.name.as_deref(), Some("Refugia Salas"));
    assert_eq!(shared.exploitation, vec!["ForcedLabour".to_string()]);
    assert!(shared.phone.is_none(), "contact was not shared");
    assert!(shared.languages.is_empty() && shared.citizenship.is_empty());
    // The recipient has no access to the case itself.
    assert!(!h.may_read_case(&provider, case).await.unwrap());

    // In progress, then completed with an outcome (required).
    h.at(t0)
        .decide_referral(&provider, &draft, Decision::Start, &o)
        .await
        .unwrap();
    let e = h
        .at(t0)
        .decide_referral(
            &provider,
            &draft,
            Decision::Complete {
                outcome: " ".into(),
            },
            &o,
        )
        .await
        .unwrap_err();
    assert_eq!(error_key(e), "error-required");
    h.at(t0)
        .decide_referral(
            &provider,
            &draft,
            Decision::Complete {
                outcome: "Kits given".into(),
            },
            &o,
        )
        .await
        .unwrap();
    let v = h.at(t0).open_referral(&cw, &draft, &o).await.unwrap();
    assert_eq!(
        (v.status, v.answer.as_str()),
        (Status::Completed, "Kits given")
    );
    let e = h
        .at(t0)
        .decide_referral(
            &cw,
            &draft,
            Decision::Revoke {
                reason: String::new(),
            },
            &o,
        )
        .await
        .unwrap_err();
    assert_eq!(error_key(e), "error-referral-move", "completed is final");

    // Revoking removes the recipient's view at once.
    let second = h
        .at(t0)
        .create_referral(&cw, case, &input("within_24h", true), &o)
        .await
        .unwrap();
    h.at(t0)
        .decide_referral(&provider, &second, Decision::Accept, &o)
        .await
        .unwrap();
    assert!(
        h.at(t0)
            .open_referral(&provider, &second, &o)
            .await
            .unwrap()
            .shared
            .is_some()
    );
    h.at(t0)
        .decide_referral(
            &cw,
            &second,
            Decision::Revoke {
                reason: "Moved to another shelter".into(),
            },
            &o,
        )
        .await
        .unwrap();
    assert!(
        h.at(t0)
            .open_referral(&provider, &second, &o)
            .await
            .unwrap()
            .shared
            .is_none()
    );

    // Declined needs a reason.
    let third = h
        .at(t0)
        .create_referral(&cw, case, &input("within_24h", true), &o)
        .await
        .unwrap();
    let e = h
        .at(t0)
        .decide_referral(
            &provider,
            &third,
            Decision::Decline {
                reason: String::new(),
            },
            &o,
        )
        .await
        .unwrap_err();
    assert_eq!(error_key(e), "error-required");
    h.at(t0)
        .decide_referral(
            &provider,
            &third,
            Decision::Decline {
                reason: "No stock".into(),
            },
            &o,
        )
        .await
        .unwrap();

    // Overdue, by the clock: the emergency one after 2 hours, the 24-hour ones after a day.
    let fourth = h
        .at(t0)
        .create_referral(&cw, case, &input("within_24h", true), &o)
        .await
        .unwrap();
    let at = |secs: i64| {
        let cw = cw.clone();
        async move {
            h.at(t0 + secs)
                .overdue_referrals(&cw)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    assert!(at(3600).await.is_empty());
    assert!(
        at(3 * 3600).await.is_empty(),
        "the emergency one is another agency's"
    );
    let later = at(25 * 3600).await;
    assert!(later.contains(&fourth) && !later.contains(&urgent) && !later.contains(&third));
    let early = h
        .at(t0 + 3 * 3600)
        .overdue_referrals(&coordinator)
        .await
        .unwrap();
    assert_eq!(
        early.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![urgent.clone()],
        "the coordinator sees every overdue referral"
    );
    let coordinator_view = h
        .at(t0 + 25 * 3600)
        .overdue_referrals(&coordinator)
        .await
        .unwrap();
    assert!(coordinator_view.iter().any(|r| r.id == fourth));
    let outsider_view = h
        .at(t0 + 25 * 3600)
        .overdue_referrals(&outsider)
        .await
        .unwrap();
    assert!(outsider_view.is_empty());

    // Every move audited; the reason and answers sealed.
    let moved = app.audit_count("referral.moved").await;
    assert_eq!(
        moved, 7,
        "send, accept, start, complete, accept, revoke, decline"
    );
    let reasons: Vec<Option<Vec<u8>>> = sqlx::query_scalar("SELECT reason FROM referrals")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert!(
        reasons
            .iter()
            .flatten()
            .all(|r| !r.windows(8).any(|w| w == b"clothing"))
    );
}

#[tokio::test]
async fn a_referral_through_the_pages_from_case_worker_to_provider_and_back() {
    let app = TestApp::spawn().await;
    let ffp = app.agency("Food for the Poor Guyana").await.to_string();
    let cw = app.login("caseworker").await;
    let case = cw
        .new_case(&[
            ("first_name", "Paginita"),
            ("mobile_phone", "+592 611 0000"),
        ])
        .await;
    let form = cw.get(&format!("/cases/{case}/referrals")).await;
    assert_eq!(form.status(), 200);
    let fields = [
        ("to_agency_id", ffp.as_str()),
        ("services", "material_assistance"),
        ("urgency", "within_24h"),
        ("reason", "Clothes and food"),
        ("sections", "identity"),
        ("action", "send"),
    ];
    // Without consent: refused on the form, which names the reason.
    let res = cw
        .post_form(&format!("/cases/{case}/referrals"), &fields)
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("No consent of the person"));
    assert!(
        html.contains(&format!("<a href=\"/cases/{case}#consents\">")),
        "the refusal leads to the consent form"
    );
    let res = cw
        .post_form(
            &format!("/cases/{case}/consents"),
            &[
                ("purpose", "referral"),
                ("agency_id", &ffp),
                ("given_by", "person"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = cw
        .post_form(&format!("/cases/{case}/referrals"), &fields)
        .await;
    assert_eq!(res.status(), 303);
    let page = location(&res);
    let id = page.trim_start_matches("/referrals/").to_string();

    let number: String = sqlx::query_scalar("SELECT case_number FROM cases WHERE id = $1")
        .bind(case.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    // The sender's list and page: the case by its number and the person's initials (the
    // case worker reads the case), and which sections went out.
    let sent = cw.get("/referrals").await.text().await.unwrap();
    assert!(sent.contains(&format!("{number}</a> · P.")), "{sent}");
    let html = cw.get(&page).await.text().await.unwrap();
    assert!(
        html.contains("id=\"sections-sent\">Name, age, sex</dd>"),
        "{html}"
    );

    // The provider's inbox, then the referral: the case number, nothing of the person before
    // accepting.
    let provider = app.login("provider").await;
    let inbox = provider.get("/referrals").await.text().await.unwrap();
    assert!(inbox.contains(&format!("/referrals/{id}")));
    assert!(inbox.contains(&number), "the case by its number");
    assert!(
        !inbox.contains(&format!("{number}</a> · P.")),
        "no initials before accepting"
    );
    let html = provider.get(&page).await.text().await.unwrap();
    assert!(!html.contains("Paginita") && !html.contains(" · P."));
    assert!(!html.contains("sections-sent"), "the sender's view only");
    let res = provider.post_form(&format!("{page}/accept"), &[]).await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("{page}?done=accept"));
    let html = provider.get(&to).await.text().await.unwrap();
    assert!(html.contains("Referral accepted."), "the move is confirmed");
    assert!(
        html.contains("Paginita") && !html.contains("611 0000"),
        "shared sections only"
    );
    let inbox = provider.get("/referrals").await.text().await.unwrap();
    assert!(
        inbox.contains(&format!("{number}</a> · P.")),
        "identity shared: initials"
    );
    assert_eq!(provider.get(&format!("/cases/{case}")).await.status(), 404);
    // Completing without an outcome: the error names the field as the form does.
    let res = provider
        .post_form(&format!("{page}/complete"), &[("note", " ")])
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Outcome: "));
    let res = provider
        .post_form(&format!("{page}/complete"), &[("note", "Kits handed over")])
        .await;
    assert_eq!(res.status(), 303);

    // The case worker sees the outcome.
    let html = cw.get(&page).await.text().await.unwrap();
    assert!(html.contains("Kits handed over") && html.contains("completed"));
    // A move nobody may make is refused with a message; an unknown one is not found.
    let res = cw.post_form(&format!("{page}/revoke"), &[]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        cw.post_form(&format!("{page}/fly"), &[]).await.status(),
        404
    );
    let outsider = app.login("childcare").await;
    assert_eq!(outsider.get(&page).await.status(), 404);
}

/// The service directory says who a service takes in words: ages, languages and nationalities
/// by name, never codes ("–17", "eng spa").
#[tokio::test]
async fn the_service_directory_speaks_in_words_not_codes() {
    let app = TestApp::spawn().await;
    let cw = app.login("caseworker").await;
    let page = cw.get("/services").await.text().await.unwrap();
    assert!(page.contains("aged 17 or under"), "the children's home");
    assert!(page.contains("aged 18 and over"), "the women's shelter");
    assert!(page.contains("English, Spanish"), "languages by name");
    for code in ["–17", "18–", ">eng", "eng spa", "eng,spa"] {
        assert!(!page.contains(code), "{code}");
    }
}
