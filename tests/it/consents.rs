//! Consent records on a case (per purpose and organisation, guardian for a child, expiry,
//! withdrawal) and the service directory (publish, search by eligibility and from a case,
//! capacity and its age, CSV export, who may change what).
use crate::harness::TestApp;

#[tokio::test]
async fn consents_are_recorded_checked_and_withdrawn() {
    let app = TestApp::spawn().await;
    let cw = app.login("caseworker").await;
    let id = cw
        .new_case(&[("first_name", "Consuelo"), ("assessed_age", "15")])
        .await;
    let case = id.to_string();
    let shelter = app.agency("Food for the Poor Guyana").await.to_string();

    // A referral consent must name the organisation; a guardian must be named.
    let res = cw
        .post_form(
            &format!("/cases/{case}/consents"),
            &[("purpose", "referral"), ("given_by", "guardian")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Name the organisation") && html.contains("Guardian (name and relationship)")
    );

    let check = |child: bool| {
        let app = &app;
        let shelter = shelter.clone();
        async move {
            let mut tx = app.store.begin().await.unwrap();
            let r = app
                .haven
                .consent_check(
                    &mut tx,
                    id,
                    "referral",
                    Some(shelter.parse().unwrap()),
                    child,
                )
                .await
                .unwrap();
            tx.rollback().await.unwrap();
            r
        }
    };
    use haven_domain::consent::Missing;
    assert_eq!(check(true).await, Err(Missing::None));

    // The child's own consent is not enough; the guardian's is.
    let res = cw
        .post_form(
            &format!("/cases/{case}/consents"),
            &[
                ("purpose", "referral"),
                ("agency_id", &shelter),
                ("given_by", "person"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(check(true).await, Err(Missing::NeedsGuardian));
    let res = cw
        .post_form(
            &format!("/cases/{case}/consents"),
            &[
                ("purpose", "referral"),
                ("agency_id", &shelter),
                ("given_by", "guardian"),
                ("guardian", "Aunt, Maria Bacchus"),
                ("form", "written"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(check(true).await, Ok(()));
    let html = cw
        .get(&format!("/cases/{case}?done=consent"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Consent recorded") && html.contains("Aunt, Maria Bacchus"));

    // Sealed at rest.
    let guardians: Vec<Option<Vec<u8>>> = sqlx::query_scalar("SELECT guardian FROM consents")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert!(
        guardians
            .iter()
            .flatten()
            .all(|g| !g.windows(7).any(|w| w == b"Bacchus"))
    );

    // Withdrawn: no longer current, with the reason kept (sealed); twice is refused.
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM consents WHERE case_id = $1 AND given_by = 'guardian'")
            .bind(&case)
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    // A refused consent comes back open, as typed, each error beside its field and listed at
    // the top with a link to it.
    let res = cw
        .post_form(
            &format!("/cases/{case}/consents"),
            &[
                ("purpose", "data_sharing"),
                ("agency_id", &shelter),
                ("given_by", "guardian"),
                ("guardian", "Aunt Rosalind"),
                ("form", "oral"),
                ("given_on", "2999-01-01"),
                ("note", "Asked twice"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("<details id=\"consent-form\" open>"),
        "shown open"
    );
    for kept in [
        "value=\"Aunt Rosalind\"",
        "value=\"2999-01-01\"",
        "value=\"Asked twice\"",
        "<option value=\"oral\" selected>",
        "<option value=\"data_sharing\" selected>",
    ] {
        assert!(page.contains(kept), "kept: {kept}");
    }
    let summary = page
        .split("id=\"form-problems\"")
        .nth(1)
        .expect("a summary");
    assert!(
        summary.contains("<a href=\"#consent_given_on\">"),
        "links to the field"
    );
    let field = page.split("id=\"consent_given_on\"").nth(1).unwrap();
    assert!(
        field
            .split("</div>")
            .next()
            .unwrap()
            .contains("class=\"field-error\""),
        "the error beside its field"
    );

    // The button asks first ("Withdraw", then "are you sure?"): nothing is withdrawn yet.
    let withdraw = format!("/cases/{case}/consents/{}/withdraw", ids[0]);
    let res = cw
        .post_form(&withdraw, &[("reason", "Family moved away")])
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("Withdraw this consent?"), "{page}");
    assert!(page.contains("name=\"confirm\" value=\"1\""));
    assert!(
        page.contains("value=\"Family moved away\""),
        "the reason is kept"
    );
    assert_eq!(check(true).await, Ok(()));
    let res = cw
        .post_form(
            &withdraw,
            &[("reason", "Family moved away"), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(check(true).await, Err(Missing::Withdrawn));
    for fields in [vec![("confirm", "1")], vec![]] {
        let res = cw.post_form(&withdraw, &fields).await;
        assert_eq!(res.status(), 404, "{fields:?}");
    }

    // Expired: recorded in the past with an end date that has passed.
    let res = cw
        .post_form(
            &format!("/cases/{case}/consents"),
            &[
                ("purpose", "referral"),
                ("agency_id", &shelter),
                ("given_by", "guardian"),
                ("guardian", "Uncle"),
                ("given_on", "2025-01-01"),
                ("expires_on", "2025-06-30"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        check(true).await,
        Err(Missing::Withdrawn),
        "the most telling reason first"
    );
    let res = cw
        .post_form(
            &format!("/cases/{case}/consents"),
            &[
                ("purpose", "assistance"),
                ("given_by", "person"),
                ("given_on", "2999-01-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "a date in the future is refused");

    // Others: a screener of another agency may not record consent on this case.
    let screener = app.login("screener").await;
    let res = screener
        .post_form(
            &format!("/cases/{case}/consents"),
            &[("purpose", "assistance"), ("given_by", "person")],
        )
        .await;
    assert_eq!(res.status(), 404);
    for action in ["consent.recorded", "consent.withdrawn"] {
        let n = app.audit_count(action).await;
        assert!(n >= 1, "{action}");
    }
}

#[tokio::test]
async fn the_directory_is_searched_by_eligibility_and_kept_by_its_agency() {
    let app = TestApp::spawn().await;
    let provider = app.login("provider").await;
    let res = provider
        .post_form(
            "/services/new",
            &[
                ("service_type", "safe_accommodation"),
                ("name", "Hope House shelter for women"),
                ("genders", "Feminine"),
                ("age_min", "18"),
                ("languages", "eng, spa"),
                ("regions", "GY-DE"),
                ("regions", "GY-CU"),
                ("emergency_line", "+592 600 0000"),
                ("capacity_total", "12"),
                ("capacity_free", "3"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let bad = provider
        .post_form(
            "/services/new",
            &[
                ("service_type", "spa"),
                ("name", ""),
                ("age_min", "40"),
                ("age_max", "20"),
                ("capacity_total", "2"),
                ("capacity_free", "5"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("Service: ") && html.contains("Oldest age") && html.contains("Places free")
    );

    // Anyone signed in finds it; eligibility filters are posted, never in the URL.
    let cw = app.login("caseworker").await;
    let html = cw
        .get("/services?service_type=safe_accommodation")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Hope House"));
    let find = |fields: Vec<(&'static str, &'static str)>| {
        let cw = &cw;
        async move {
            cw.post_form("/services", &fields)
                .await
                .text()
                .await
                .unwrap()
        }
    };
    assert!(
        find(vec![
            ("gender", "Feminine"),
            ("age", "24"),
            ("language", "spa"),
            ("region", "GY-CU")
        ])
        .await
        .contains("Hope House")
    );
    assert!(
        !find(vec![("gender", "Masculine")])
            .await
            .contains("Hope House")
    );
    assert!(!find(vec![("age", "16")]).await.contains("Hope House"));
    assert!(!find(vec![("region", "GY-BA")]).await.contains("Hope House"));

    // From a case: a 25-year-old woman in Cuyuni-Mazaruni (the harness's basic case).
    let case = cw.new_case(&[("first_name", "Rosa")]).await;
    let html = cw
        .post_form(
            &format!("/cases/{case}/services"),
            &[("service_type", "safe_accommodation")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Hope House"), "the case's person is eligible");
    let other = app.login("childcare").await;
    assert_eq!(
        other
            .post_form(&format!("/cases/{case}/services"), &[("service_type", "")])
            .await
            .status(),
        404,
        "the case's facts are need-to-know"
    );

    // Capacity: only the agency's staff (and the coordinator) update it; its age is shown.
    let id: String = sqlx::query_scalar("SELECT id FROM services WHERE name LIKE 'Hope%'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        cw.post_form(&format!("/services/{id}/capacity"), &[("free", "1")])
            .await
            .status(),
        403
    );
    assert_eq!(
        provider
            .post_form(&format!("/services/{id}/capacity"), &[("free", "20")])
            .await
            .status(),
        422,
        "more than the places in all"
    );
    assert_eq!(
        provider
            .post_form(&format!("/services/{id}/capacity"), &[("free", "1")])
            .await
            .status(),
        303
    );
    sqlx::query("UPDATE services SET capacity_at = capacity_at - 864000 WHERE id = $1")
        .bind(&id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let html = cw.get("/services").await.text().await.unwrap();
    assert!(
        html.contains("updated 10 days ago"),
        "stale capacity shows its age"
    );
    assert_eq!(cw.get(&format!("/services/{id}/edit")).await.status(), 403);
    let coordinator = app.login("coordinator").await;
    assert_eq!(
        coordinator
            .get(&format!("/services/{id}/edit"))
            .await
            .status(),
        200
    );

    // The export: CSV with the translated header.
    let res = cw
        .get("/services.csv?service_type=safe_accommodation")
        .await;
    assert_eq!(res.status(), 200);
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("Agency,Kind,Service,"), "{csv}");
    assert!(csv.contains("Hope House shelter for women"));
}

/// An integration checks, records and withdraws consents through the API, as a case worker
/// does on the case page: a referral is refused without a current consent, sent with one, and
/// refused again once it is withdrawn.
#[tokio::test]
async fn consents_through_the_api_gate_referrals() {
    use serde_json::{Value, json};
    let app = crate::harness::TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let token = s.token().await;
    let id = app.case("caseworker").create().await;
    let ffp = app.agency("Food for the Poor Guyana").await.to_string();
    let refer = json!({
        "to_agency_id": ffp, "services": ["material_assistance"], "urgency": "routine",
        "reason": "Clothes and food", "sections": ["identity"], "send": true,
    });
    let res = app
        .api_post(&token, &format!("/cases/{id}/referrals"), &refer)
        .await;
    assert_eq!(res.status(), 422, "no consent yet");

    // A consent without the receiving agency is refused, naming the field.
    let res = app
        .api_post(
            &token,
            &format!("/cases/{id}/consents"),
            &json!({"purpose": "referral", "given_by": "person", "form": "written"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert!(problem.to_string().contains("agency"), "{problem}");

    let res = app
        .api_post(
            &token,
            &format!("/cases/{id}/consents"),
            &json!({"purpose": "referral", "agency_id": ffp, "given_by": "person", "form": "oral"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let consent = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let doc: Value = app
        .api_get(&token, &format!("/cases/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let listed = &doc["consents"][0];
    assert_eq!(listed["id"], consent.as_str());
    assert_eq!(listed["current"], true);
    assert_eq!(listed["agency_id"], ffp.as_str());
    assert_eq!(
        app.api_post(&token, &format!("/cases/{id}/referrals"), &refer)
            .await
            .status(),
        201,
        "sent with the consent"
    );

    let withdraw = format!("/cases/{id}/consents/{consent}/withdraw");
    let res = app
        .api_post(
            &token,
            &withdraw,
            &json!({"reason": "She changed her mind"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let doc: Value = app
        .api_get(&token, &format!("/cases/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(doc["consents"][0]["current"], false);
    assert_eq!(
        doc["consents"][0]["withdrawn_reason"],
        "She changed her mind"
    );
    assert_eq!(
        app.api_post(&token, &format!("/cases/{id}/referrals"), &refer)
            .await
            .status(),
        422,
        "refused once withdrawn"
    );
    // Another agency's provider cannot record a consent on a case it cannot see.
    let other = app.login("provider").await.token().await;
    let res = app
        .api_post(
            &other,
            &format!("/cases/{id}/consents"),
            &json!({"purpose": "assistance", "given_by": "person", "form": "oral"}),
        )
        .await;
    assert_eq!(res.status(), 404);
}
