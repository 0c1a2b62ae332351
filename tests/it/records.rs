//! The case record through the real server: edit with conflict detection (pages and API), close
//! and reopen, assignment, transfer with acceptance, notes, route, perpetrators, attachments,
//! history, drafts, search filters and the subject access report.
use serde_json::{Value, json};

use crate::harness::{TestApp, api_case};

/// The edit form's fields as the browser would send them back.
fn edit_fields<'a>(version: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("version", version),
        ("first_name", "Rosa"),
        ("second_name", "Pérez"),
        ("gender", "Feminine"),
        ("assessed_age", "30"),
        ("trafficking_status", "PossibleVictimOfTrafficking"),
        ("type_of_exploitation", "SexualExploitation"),
        ("region", "GY-BA"),
    ];
    for (k, v) in extra {
        f.retain(|(x, _)| x != k);
        f.push((k, v));
    }
    f
}

fn version_in(html: &str) -> String {
    let i = html
        .find("name=\"version\" value=\"")
        .expect("version field");
    html[i + 22..].chars().take_while(|c| *c != '"').collect()
}

#[tokio::test]
async fn a_second_edit_is_refused_with_what_changed_and_nothing_is_lost() {
    let app = TestApp::spawn().await;
    // The mines officer's agency consents to coordination, so the coordinator sees its cases.
    let ana = app.login("screener").await;
    let id = ana.new_case(&edit_fields("", &[])[1..]).await;
    // Two people open the edit form at the same version.
    let form = ana
        .get(&format!("/cases/{id}/edit"))
        .await
        .text()
        .await
        .unwrap();
    let v = version_in(&form);
    let coordinator = app.login("coordinator").await;
    let other_form = coordinator
        .get(&format!("/cases/{id}/edit"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(version_in(&other_form), v);
    // The first save wins.
    let first = ana
        .post_form(
            &format!("/cases/{id}/edit"),
            &edit_fields(
                &v,
                &[("mobile_phone", "+592 611 2222"), ("risk_level", "High")],
            ),
        )
        .await;
    assert_eq!(first.status(), 303);
    // The second, from the old version, is refused; their typing is kept; the change is named.
    let second = coordinator
        .post_form(
            &format!("/cases/{id}/edit"),
            &edit_fields(&v, &[("also_known_as", "La Flaca")]),
        )
        .await;
    assert_eq!(second.status(), 409);
    let html = second.text().await.unwrap();
    assert!(html.contains("value=\"La Flaca\""), "nothing typed is lost");
    assert!(
        html.contains("Risk level") || html.contains("Risk"),
        "names the changed field"
    );
    assert!(
        html.contains("High"),
        "shows the new value to a coordinator"
    );
    let page = coordinator
        .get(&format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("+592 611 2222"), "the first save stands");
    assert!(!page.contains("La Flaca"), "the refused save wrote nothing");
    // Saving again from the conflict page (now at the current version) is a deliberate choice.
    let again = coordinator
        .post_form(
            &format!("/cases/{id}/edit"),
            &edit_fields(
                &version_in(&html),
                &[
                    ("also_known_as", "La Flaca"),
                    ("mobile_phone", "+592 611 2222"),
                    ("risk_level", "High"),
                ],
            ),
        )
        .await;
    assert_eq!(again.status(), 303);
    let page = coordinator
        .get(&format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("La Flaca"));
    // The history names both editors, field by field; previous values for the coordinator.
    let history = coordinator
        .get(&format!("/cases/{id}/history"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("+592 611 2222") && history.contains("La Flaca"));
    let conflicts = app.count_of(
"SELECT COUNT(*) FROM audit_events WHERE action = 'case.edit_conflict' AND target_id = $1",
&id.to_string(),
).await;
    assert_eq!(conflicts, 1, "the refused save is in the audit trail");
}

#[tokio::test]
async fn the_api_uses_etags_and_refuses_stale_or_missing_versions() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let token = s.token().await;
    let c = reqwest::Client::new();
    let created = c
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .json(&api_case("Lucía"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["etag"], "\"1\"");
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let got = app.api_get(&token, &format!("/cases/{id}")).await;
    let etag = got.headers()["etag"].to_str().unwrap().to_string();
    let mut doc: Value = got.json().await.unwrap();
    assert_eq!(doc["record"]["person"]["citizenship"], json!(["VE"]));
    let mut record = doc["record"].take();
    record["person"]["mobile_phone"] = json!("+58 412 555 0101");
    let put = |r: Value, m: Option<&str>| {
        let mut b = c
            .put(app.url(&format!("/api/v1/cases/{id}")))
            .bearer_auth(&token)
            .json(&r);
        if let Some(m) = m {
            b = b.header("if-match", m);
        }
        b.send()
    };
    assert_eq!(put(record.clone(), None).await.unwrap().status(), 428);
    let ok = put(record.clone(), Some(&etag)).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["etag"], "\"2\"");
    record["person"]["email"] = json!("rosa@example.org");
    let stale = put(record.clone(), Some(&etag)).await.unwrap();
    assert_eq!(stale.status(), 412);
    let problem: Value = stale.json().await.unwrap();
    let fields: Vec<&str> = problem["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["mobile_phone"], "the conflict names what changed");
    // An unknown code is refused and named.
    record["victim"]["methods_of_control"] = json!(["Magic"]);
    let bad = put(record, Some("\"2\"")).await.unwrap();
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "methods_of_control");
    // Unknown keys are refused rather than silently ignored, and named.
    let typo = app
        .api_post(&token, "/cases", &json!({"person": {"firstname": "X"}}))
        .await;
    assert_eq!(typo.status(), 422);
    let body: Value = typo.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "firstname");
    assert_eq!(body["errors"][0]["code"], "error-unknown-field");
}

#[tokio::test]
async fn close_reopen_assign_and_transfer_with_acceptance() {
    let app = TestApp::spawn().await;
    let cw = app.login("caseworker").await;
    let id = cw.new_case(&[("first_name", "Camila")]).await;
    let path = format!("/cases/{id}");
    // Closing needs a reason.
    let no_reason = cw
        .post_form(&format!("{path}/close"), &[("reason", "")])
        .await;
    assert_eq!(no_reason.status(), 422);
    let closed = cw
        .post_form(
            &format!("{path}/close"),
            &[
                ("reason", "AssistanceCompleted"),
                ("note", "Back with her family"),
            ],
        )
        .await;
    assert_eq!(closed.status(), 303);
    let page = cw.get(&path).await.text().await.unwrap();
    assert!(page.contains("Back with her family") && page.contains("status-Closed"));
    assert_eq!(
        cw.post_form(&format!("{path}/close"), &[("reason", "Other")])
            .await
            .status(),
        422,
        "a closed case cannot be closed again"
    );
    // Closed means read-only until reopened: no edit, no note, no consent.
    assert_eq!(cw.get(&format!("{path}/edit")).await.status(), 409);
    assert_eq!(
        cw.post_form(&format!("{path}/notes"), &[("body", "After closing")])
            .await
            .status(),
        422
    );
    assert!(
        !cw.get(&path)
            .await
            .text()
            .await
            .unwrap()
            .contains(&format!("{path}/edit\""))
    );
    assert_eq!(
        cw.post_form(&format!("{path}/reopen"), &[("reason", "")])
            .await
            .status(),
        422
    );
    let reopened = cw
        .post_form(
            &format!("{path}/reopen"),
            &[("reason", "She came back to the shelter")],
        )
        .await;
    assert_eq!(reopened.status(), 303);
    let page = cw.get(&path).await.text().await.unwrap();
    assert!(
        page.contains("She came back to the shelter"),
        "the reason is kept as a note"
    );
    // Assignment: only staff of the owning agency.
    let coordinator_id = app.user_id("coordinator").await.to_string();
    let refused = cw
        .post_form(
            &format!("{path}/assign"),
            &[("user", coordinator_id.as_str())],
        )
        .await;
    assert_eq!(
        refused.status(),
        422,
        "the coordinator is in another agency"
    );
    let me = app.user_id("caseworker").await.to_string();
    assert_eq!(
        cw.post_form(&format!("{path}/assign"), &[("user", me.as_str())])
            .await
            .status(),
        303
    );
    // Transfer: only the coordinator asks; the receiving agency accepts and becomes the owner.
    let target: String = sqlx::query_scalar(
        "SELECT a.id FROM agencies a JOIN users u ON u.agency_id = a.id WHERE u.username = 'childcare'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let cw_path = path.clone();
    let screener = app.login("screener").await;
    let found = screener
        .new_case(&[("first_name", "Niña"), ("assessed_age", "12")])
        .await;
    let path = format!("/cases/{found}");
    let coord = app.login("coordinator").await;
    let asked = coord
        .post_form(
            &format!("{path}/transfer"),
            &[
                ("to_agency", target.as_str()),
                ("reason", "A child: CPA is competent"),
            ],
        )
        .await;
    assert_eq!(asked.status(), 303);
    let again = coord
        .post_form(
            &format!("{path}/transfer"),
            &[("to_agency", target.as_str())],
        )
        .await;
    assert_eq!(again.status(), 422, "one pending transfer at a time");
    let childcare = app.login("childcare").await;
    assert_eq!(
        childcare.get(&path).await.status(),
        404,
        "not theirs until accepted"
    );
    let dashboard = childcare.get("/dashboard").await.text().await.unwrap();
    assert!(
        dashboard.contains("One case transfer waits"),
        "the receiving agency is told on its dashboard"
    );
    let offers = childcare.get("/transfers").await.text().await.unwrap();
    assert!(offers.contains("A child: CPA is competent"));
    let audited = app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'case.listed' AND details LIKE '%transfers_offered%'").await;
    assert_eq!(
        audited, 1,
        "reading the offers (and their reasons) is audited; the dashboard count is not"
    );
    let tid: String = sqlx::query_scalar("SELECT id FROM case_transfers WHERE status = 'pending'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        cw.post_form(&format!("/transfers/{tid}/accept"), &[])
            .await
            .status(),
        404,
        "only the receiving agency decides"
    );
    let accepted = childcare
        .post_form(&format!("/transfers/{tid}/accept"), &[])
        .await;
    assert_eq!(accepted.status(), 303);
    let page = childcare.get(&path).await;
    assert_eq!(page.status(), 200, "now theirs");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Child Care and Protection Agency")
    );
    let history = coord
        .get(&format!("{path}/history"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        history.contains("Owning agency"),
        "the hand-over is in the history"
    );

    // A case worker of the owning agency asks too; the request waits for the coordinator.
    let asked = cw
        .post_form(
            &format!("{cw_path}/transfer"),
            &[
                ("to_agency", target.as_str()),
                ("reason", "Needs the CPA's follow-up"),
            ],
        )
        .await;
    assert_eq!(asked.status(), 303);
    // One notice, saying what happens next (the page it leads to, with its "done" flag).
    let to = asked.headers()["location"].to_str().unwrap().to_string();
    let page = cw.get(&to).await.text().await.unwrap();
    assert!(page.contains("the NRM coordinator approves it"), "{page}");
    assert!(
        !page.contains("Transfer requested; the case moves"),
        "no second, contradicting notice"
    );
    assert_eq!(page.matches("class=\"notice\"").count(), 1);
    let offers = childcare.get("/transfers").await.text().await.unwrap();
    assert!(
        !offers.contains("Needs the CPA"),
        "not offered to the receiving agency before approval"
    );
    let approvals = coord.get("/transfers").await.text().await.unwrap();
    assert!(approvals.contains("Needs the CPA"), "{approvals}");
    let waiting: String =
        sqlx::query_scalar("SELECT id FROM case_transfers WHERE status = 'awaiting_approval'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        cw.post_form(&format!("/transfers/{waiting}/approve"), &[])
            .await
            .status(),
        404,
        "only the coordinator approves"
    );
    assert_eq!(
        coord
            .post_form(
                &format!("/transfers/{waiting}/reject"),
                &[("note", "Not yet")]
            )
            .await
            .status(),
        303
    );
    let notes = cw.get("/notifications").await.text().await.unwrap();
    assert!(notes.contains("Your case transfer was declined"), "{notes}");
    // Asked again and approved: now it is offered to the receiving agency.
    cw.post_form(
        &format!("{cw_path}/transfer"),
        &[("to_agency", target.as_str())],
    )
    .await;
    let waiting: String =
        sqlx::query_scalar("SELECT id FROM case_transfers WHERE status = 'awaiting_approval'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        coord
            .post_form(&format!("/transfers/{waiting}/approve"), &[])
            .await
            .status(),
        303
    );
    let notes = childcare.get("/notifications").await.text().await.unwrap();
    assert!(notes.contains("A case transfer is offered to your agency"));
    assert_eq!(
        childcare
            .post_form(&format!("/transfers/{waiting}/accept"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(childcare.get(&cw_path).await.status(), 200);
    let notes = cw.get("/notifications").await.text().await.unwrap();
    assert!(notes.contains("Your case transfer was accepted"));
}

#[tokio::test]
async fn notes_route_perpetrators_and_attachments_are_sealed_and_audited() {
    let app = TestApp::spawn().await;
    let cw = app.login("caseworker").await;
    let id = cw.new_case(&[("first_name", "Yolanda")]).await;
    let path = format!("/cases/{id}");
    assert_eq!(
        cw.post_form(
            &format!("{path}/notes"),
            &[("body", "Interviewed with a Wapishana interpreter")]
        )
        .await
        .status(),
        303
    );
    let ev = cw
        .post_form(
            &format!("{path}/events"),
            &[
                ("event_type", "Exploitation"),
                ("country", "Guyana"),
                ("region", "GY-CU"),
                ("place", "Kurupung backdam"),
                ("start_date", "2025-02-01"),
                ("end_date", "2025-01-01"),
            ],
        )
        .await;
    assert_eq!(ev.status(), 422, "end before start is refused");
    assert!(
        ev.text()
            .await
            .unwrap()
            .contains("The end is before the start")
    );
    let ev = cw
        .post_form(
            &format!("{path}/events"),
            &[
                ("event_type", "Exploitation"),
                ("country", "Guyana"),
                ("region", "GY-CU"),
                ("place", "Kurupung backdam"),
                ("start_date", "2025-01-01"),
            ],
        )
        .await;
    assert_eq!(ev.status(), 303);
    let per = cw
        .post_form(
            &format!("{path}/perpetrators"),
            &[
                ("name", "Xochitl Bravado"),
                ("roles", "RecruiterOrIntermediary"),
                ("roles", "Exploiter"),
                ("nationality", "BRA"),
            ],
        )
        .await;
    assert_eq!(per.status(), 303);
    // Upload: a PDF is accepted; an executable and a mislabelled file are refused.
    let attachments = format!("{path}/attachments");
    let upload = |name: &'static str, bytes: Vec<u8>| cw.upload(&attachments, name, bytes);
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\nQwertyuiopSecretScan\n%%EOF\n".to_vec();
    assert_eq!(upload("passport scan.pdf", pdf.clone()).await.status(), 303);
    let exe = upload("tool.exe", b"MZ\x90\x00\x03rest".to_vec()).await;
    assert_eq!(exe.status(), 422);
    assert!(exe.text().await.unwrap().contains("not accepted"));
    let png_named_pdf = upload("photo.pdf", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).await;
    assert_eq!(png_named_pdf.status(), 422);
    let page = cw.get(&path).await.text().await.unwrap();
    for shown in [
        "Wapishana interpreter",
        "Kurupung backdam",
        "Cuyuni-Mazaruni",
        "Xochitl Bravado",
        "Brazil",
        "passport scan.pdf",
    ] {
        assert!(page.contains(shown), "case page shows {shown}");
    }
    let aid: String = sqlx::query_scalar("SELECT id FROM case_attachments")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let dl = cw.get(&format!("{path}/attachments/{aid}")).await;
    assert_eq!(dl.status(), 200);
    assert!(
        dl.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(dl.bytes().await.unwrap().as_ref(), pdf.as_slice());
    // Nobody outside the case can download it.
    let other = app.login("inspector").await;
    assert_eq!(
        other
            .get(&format!("{path}/attachments/{aid}"))
            .await
            .status(),
        404
    );
    // Nothing of this is stored in clear.
    for (table, column) in [
        ("case_notes", "body"),
        ("case_events", "place"),
        ("case_perpetrators", "details"),
        ("case_attachments", "name"),
        ("case_attachments", "data"),
    ] {
        let blobs: Vec<Vec<u8>> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {column} FROM {table}")))
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        assert!(!blobs.is_empty());
        for b in blobs {
            for needle in [
                "Wapishana",
                "Kurupung",
                "Xochitl",
                "passport",
                "QwertyuiopSecretScan",
            ] {
                assert!(
                    !b.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{needle} in clear in {table}.{column}"
                );
            }
        }
    }
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE target_id = $1 ORDER BY seq")
            .bind(id.to_string())
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    for a in [
        "note.added",
        "event.saved",
        "perpetrator.saved",
        "attachment.added",
        "attachment.rejected",
        "attachment.downloaded",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
}

#[tokio::test]
async fn previous_values_and_the_subject_access_report_are_for_case_managers_only() {
    let app = TestApp::spawn().await;
    let screener = app.login("screener").await;
    let id = screener.new_case(&edit_fields("", &[])[1..]).await;
    let form = screener
        .get(&format!("/cases/{id}/edit"))
        .await
        .text()
        .await
        .unwrap();
    let res = screener
        .post_form(
            &format!("/cases/{id}/edit"),
            &edit_fields(&version_in(&form), &[("mobile_phone", "+592 622 3333")]),
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = screener
        .post_form(
            &format!("/cases/{id}/edit"),
            &edit_fields(
                &(version_in(&form).parse::<i64>().unwrap() + 1).to_string(),
                &[("mobile_phone", "+592 699 9999")],
            ),
        )
        .await;
    assert_eq!(res.status(), 303);
    let history = screener
        .get(&format!("/cases/{id}/history"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("+592 699 9999"));
    assert!(
        !history.contains(">Before<"),
        "a screener does not see previous values"
    );
    assert_eq!(
        screener
            .get(&format!("/cases/{id}/subject-access"))
            .await
            .status(),
        403
    );
    // The screener's agency's coordinator sees everything, with the access log.
    let coord = app.login("coordinator").await;
    let report = coord.get(&format!("/cases/{id}/subject-access")).await;
    assert_eq!(report.status(), 200);
    let html = report.text().await.unwrap();
    assert!(html.contains("Rosa") && html.contains("+592 699 9999"));
    assert!(html.contains("Case viewed"), "the access log lists reads");
    assert!(html.contains("Case record changed"), "and changes");
    let history = coord
        .get(&format!("/cases/{id}/history"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        history.contains("+592 622 3333"),
        "previous values for the coordinator"
    );
}

#[tokio::test]
async fn drafts_are_private_resumable_and_deleted_when_the_case_opens() {
    let app = TestApp::spawn().await;
    let cw = app.login("caseworker").await;
    let res = cw
        .post_form(
            "/cases/new",
            &[
                ("action", "draft"),
                ("first_name", "Esperanza"),
                ("assessed_age", "about 16"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "a draft saves whatever is there");
    let html = res.text().await.unwrap();
    assert!(html.contains("Draft saved"));
    let did: String = sqlx::query_scalar("SELECT id FROM case_drafts")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let data: Vec<u8> = sqlx::query_scalar("SELECT data FROM case_drafts")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(
        !data.windows(9).any(|w| w == b"Esperanza"),
        "drafts are sealed"
    );
    let list = cw.get("/cases/new").await.text().await.unwrap();
    assert!(list.contains("Esperanza"), "listed under the user's drafts");
    let other = app.login("screener").await;
    assert_eq!(
        other.get(&format!("/cases/new?draft={did}")).await.status(),
        404
    );
    let resumed = cw
        .get(&format!("/cases/new?draft={did}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(resumed.contains("value=\"Esperanza\""));
    let mut fields: Vec<(&str, &str)> = vec![("draft", did.as_str()), ("first_name", "Esperanza")];
    fields.extend(crate::harness::CASE_BASICS.iter().copied());
    let opened = cw.post_form("/cases/new", &fields).await;
    assert_eq!(opened.status(), 303);
    let left = app.count("SELECT COUNT(*) FROM case_drafts").await;
    assert_eq!(left, 0, "the draft is gone once the case is open");
}

#[tokio::test]
async fn search_by_nationality_region_exploitation_agency_and_dates() {
    let app = TestApp::spawn().await;
    let cw = app.login("caseworker").await;
    cw.new_case(&[
        ("first_name", "Alpha"),
        ("citizenship", "VE"),
        ("region", "GY-BA"),
        ("type_of_exploitation", "SexualExploitation"),
    ])
    .await;
    cw.new_case(&[
        ("first_name", "Beta"),
        ("citizenship", "Brazil"),
        ("citizenship", "GY"),
        ("region", "GY-CU"),
    ])
    .await;
    let search = |fields: Vec<(&'static str, String)>| {
        let cw = &cw;
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = cw.post_form("/cases/search", &f).await;
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let (_, html) = search(vec![("nationality", "BRA".into())]).await;
    assert!(html.contains("Beta") && !html.contains("Alpha"));
    let (_, html) = search(vec![("nationality", "GY".into())]).await;
    assert!(html.contains("Beta"), "any of several citizenships");
    let (_, html) = search(vec![("region", "GY-BA".into())]).await;
    assert!(html.contains("Alpha") && !html.contains("Beta"));
    let (_, html) = search(vec![("exploitation_type", "SexualExploitation".into())]).await;
    assert!(html.contains("Alpha") && !html.contains("Beta"));
    let today = app.haven.today().to_string();
    let (_, html) = search(vec![("opened_from", today.clone()), ("opened_to", today)]).await;
    assert!(html.contains("Alpha") && html.contains("Beta"));
    let (_, html) = search(vec![("opened_to", "2020-01-01".into())]).await;
    assert!(!html.contains("Alpha") && !html.contains("Beta"));
    let (code, html) = search(vec![("nationality", "Narnia".into())]).await;
    assert_eq!(code, 422);
    assert!(html.contains("Nationality"), "the error names the filter");
    let details: Vec<String> = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = 'case.searched' ORDER BY seq",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert!(details.iter().any(|d| d.contains("\"nationality\":\"BR\"")));
}

#[tokio::test]
async fn broad_searches_count_up_to_a_thousand_and_still_page_on() {
    let app = TestApp::spawn_with(Default::default(), 1500).await;
    let s = app.login("coordinator").await;
    let res = s
        .post_form("/cases/search", &[("opened_from", "2000-01-01")])
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("More than 1000 cases"), "capped count shown");
    let token = s.token().await;
    let body: Value = app
        .api_post(
            &token,
            "/cases/search",
            &json!({"opened_from": "2000-01-01", "page": 41, "per_page": 25}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["total"], 1000);
    assert_eq!(body["total_is_lower_bound"], true);
    assert_eq!(
        body["items"].as_array().unwrap().len(),
        25,
        "pages beyond the counted thousand still list cases"
    );
    let exact: Value = app.api_get(&token, "/cases").await.json().await.unwrap();
    assert!(
        exact["total"].as_i64().unwrap() > 1000,
        "unfiltered lists count exactly"
    );
    assert_eq!(exact["total_is_lower_bound"], false);
}

/// Rare and common code filters are queried in two shapes (start from the filter's index, or
/// test it case by case); both give the same cases in the same order.
#[tokio::test]
async fn both_query_shapes_of_a_filter_agree() {
    // A corpus with many nationalities and kinds of exploitation: the demo's.
    let app = TestApp::spawn_with(Default::default(), 40).await;
    let p = app.principal("coordinator").await;
    let scope = *p.case_list().unwrap().scope();
    let mut conn = app.store.pool().acquire().await.unwrap();
    let mut compared = 0;
    for (nationality, exploitation) in [
        (Some("GY"), None),
        (Some("VE"), Some("SexualExploitation")),
        (None, Some("ForcedLabour")),
        (Some("CU"), None),
    ] {
        let mut results = Vec::new();
        for threshold in [0, 1_000_000] {
            let q = haven_store::cases::CaseQuery {
                nationality: nationality.map(str::to_string),
                exploitation_type: exploitation.map(str::to_string),
                rare_threshold: Some(threshold),
                limit: 500,
                ..Default::default()
            };
            let (rows, total) = haven_store::cases::list(&mut conn, &scope, &q)
                .await
                .unwrap();
            results.push((rows.iter().map(|r| r.id).collect::<Vec<_>>(), total));
        }
        assert_eq!(results[0], results[1], "{nationality:?} {exploitation:?}");
        compared += results[0].0.len();
    }
    assert!(compared > 10, "the comparison saw cases ({compared})");
}
