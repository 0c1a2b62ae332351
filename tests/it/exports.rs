//! Case-list export: who may take what, the reason and the sealed ZIP for personal fields, the
//! coordinator's switch, formula cells, and the round trip export → import.
use std::io::Read;
use std::sync::Arc;

use haven_core::Origin;
use haven_core::cases::CaseSearch;
use haven_core::exports::{ExportFormat, ExportLayout, ExportRequest};
use haven_core::imports::ImportSettings;
use haven_domain::record::{CaseRecord, IdentityDocument};

use crate::harness::TestApp;

fn rich(first: &str) -> CaseRecord {
    let mut r = CaseRecord::default();
    let p = &mut r.person;
    p.first_name = first.into();
    p.second_name = "Núñez-Łaski".into();
    p.also_known_as = "=HYPERLINK(\"http://x\")".into();
    p.birth_date = "2008-02-29".into();
    p.gender = "Feminine".into();
    p.citizenship = vec!["VE".into(), "GY".into()];
    p.primary_language = "spa".into();
    p.identity_documents = vec![IdentityDocument {
        document_type: "Passport".into(),
        document_number: "A 1234".into(),
        issuing_country: "VE".into(),
    }];
    p.mobile_phone = "+592 600 1234".into();
    p.mailing_country = "GY".into();
    p.mailing_state = "GY-CU".into();
    p.mailing_city = "Bartica".into();
    let v = &mut r.victim;
    v.trafficking_status = "PossibleVictimOfTrafficking".into();
    v.type_of_exploitation = vec!["ForcedLabour".into(), "SexualExploitation".into()];
    v.methods_of_control = vec!["DebtBondage".into(), "WithholdsDocuments".into()];
    v.forced_labour_industry = "B_MiningAndQuarrying".into();
    v.age_when_trafficked = Some(15);
    r.case.region = "GY-CU".into();
    r.case.risk_level = "High".into();
    r.case.referral_date = "2025-01-31".into();
    r.case.summary = "-2+3+cmd|'/C calc'!A0 found at a camp.\nSecond line.".into();
    r
}

fn request(personal: bool) -> ExportRequest {
    ExportRequest {
        search: CaseSearch::default(),
        format: ExportFormat::Csv,
        layout: ExportLayout::Htcds,
        personal,
        reason: if personal {
            "Transfer of the shelter's files to IOM".into()
        } else {
            String::new()
        },
        passphrase: if personal {
            "correct horse battery".into()
        } else {
            String::new()
        },
        hxl: false,
        lang: haven_i18n::Lang::En,
    }
}

fn unzip(bytes: &[u8], passphrase: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert!(
        z.by_index_raw(0).unwrap().encrypted(),
        "a file with personal data is sealed"
    );
    assert!(z.by_index_decrypt(0, b"wrong passphrase").is_err());
    let mut f = z.by_index_decrypt(0, passphrase.as_bytes()).unwrap();
    let mut out = Vec::new();
    f.read_to_end(&mut out).unwrap();
    out
}

#[tokio::test]
async fn an_export_imported_elsewhere_gives_the_same_records() {
    let app = TestApp::spawn().await;
    let o = Origin::default();
    let shelter = app.principal("caseworker").await;
    let mut want = Vec::new();
    for first in ["Łucja", "María"] {
        let (id, _) = app
            .haven
            .create_case(shelter.case_create().unwrap(), rich(first), None, &o)
            .await
            .unwrap();
        // As the register holds it (citizenships in code order, and so on).
        want.push(app.haven.open_case(&shelter, id, &o).await.unwrap().record);
    }
    for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
        for layout in [ExportLayout::Htcds, ExportLayout::Labels] {
            let mut req = request(true);
            req.format = format;
            req.layout = layout;
            req.lang = haven_i18n::Lang::Fr;
            let file = app
                .haven
                .export_cases(shelter.case_list().unwrap(), &req, &o)
                .await
                .unwrap();
            assert_eq!(file.cases, 2);
            assert_eq!(file.content_type, "application/zip");
            let inner = unzip(&file.bytes, &req.passphrase);
            // Into another agency, which sees none of the shelter's cases.
            let other = app.principal("childcare").await;
            let preview = app
                .haven
                .preview_import(
                    other.case_import().unwrap(),
                    Arc::new(inner.clone()),
                    &ImportSettings::default(),
                    &o,
                )
                .await
                .unwrap();
            assert_eq!(
                preview.counts.with_problems, 0,
                "{format:?} {layout:?}: {:?}",
                preview.rows
            );
            assert_eq!(preview.counts.ready + preview.counts.already_imported, 2);
        }
    }
    // Commit one of them and compare the records field by field.
    let file = app
        .haven
        .export_cases(shelter.case_list().unwrap(), &request(true), &o)
        .await
        .unwrap();
    let inner = unzip(&file.bytes, "correct horse battery");
    let other = app.principal("childcare").await;
    let out = app
        .haven
        .commit_import(
            other.case_import().unwrap(),
            Arc::new(inner),
            &ImportSettings::default(),
            &o,
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(out.counts.created, 2);
    let ids: Vec<String> = sqlx::query_scalar("SELECT case_id FROM import_keys")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    let mut got = Vec::new();
    for id in ids {
        let doc = app
            .haven
            .open_case(&other, id.parse().unwrap(), &o)
            .await
            .unwrap();
        got.push(doc.record);
    }
    got.sort_by(|a, b| a.person.first_name.cmp(&b.person.first_name));
    want.sort_by(|a, b| a.person.first_name.cmp(&b.person.first_name));
    assert_eq!(got, want);
}

#[tokio::test]
async fn personal_fields_need_a_reason_a_passphrase_and_the_coordinators_leave() {
    let app = TestApp::spawn().await;
    let o = Origin::default();
    let p = app.principal("caseworker").await;
    app.haven
        .create_case(p.case_create().unwrap(), rich("Ana"), None, &o)
        .await
        .unwrap();
    let cap = p.case_list().unwrap();
    let mut req = request(true);
    req.reason = "x".into();
    req.passphrase = "short".into();
    match app.haven.export_cases(cap, &req, &o).await.unwrap_err() {
        haven_core::CoreError::Invalid(e) => {
            let fields: Vec<&str> = e.iter().map(|f| f.field).collect();
            assert_eq!(fields, ["reason", "passphrase"]);
        }
        e => panic!("{e}"),
    }
    // Without personal fields: a plain CSV with no name, no phone, no free text; formula-like
    // codes are impossible, and the HXL row is there when asked.
    let mut plain = request(false);
    plain.hxl = true;
    let file = app.haven.export_cases(cap, &plain, &o).await.unwrap();
    let text = String::from_utf8(file.bytes).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(!text.contains("Ana") && !text.contains("600 1234") && !text.contains("camp"));
    assert!(text.contains("#affected+sex"));
    assert!(text.contains("PossibleVictimOfTrafficking"));
    // With them: in the ZIP, every formula-looking cell neutralised.
    let file = app
        .haven
        .export_cases(cap, &request(true), &o)
        .await
        .unwrap();
    let inner = String::from_utf8(unzip(&file.bytes, "correct horse battery")).unwrap();
    assert!(inner.contains("Ana"));
    assert!(inner.contains("\"'-2+3+cmd"), "{inner}");
    assert!(inner.contains("\"'=HYPERLINK"), "{inner}");
    // The audit names the personal fields and the reason, never a value.
    let ev = app.audit_events("cases.exported").await;
    assert_eq!(ev.len(), 2);
    let details = ev
        .iter()
        .filter_map(|e| e.details.clone())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(details.contains("first_name") && details.contains("IOM"));
    assert!(!details.contains("Ana"));

    // The coordinator turns personal fields off: refused for everyone, plain exports still go.
    let coordinator = app.principal("coordinator").await;
    app.haven
        .set_personal_export_allowed(coordinator.export_policy().unwrap(), false, &o)
        .await
        .unwrap();
    assert!(
        app.haven
            .export_cases(cap, &request(true), &o)
            .await
            .is_err()
    );
    assert!(
        app.haven
            .export_cases(cap, &request(false), &o)
            .await
            .is_ok()
    );
    assert_eq!(app.audit_count("export.policy_changed").await, 1);
}

#[tokio::test]
async fn every_role_exports_only_its_own_list_or_nothing() {
    let app = TestApp::spawn().await;
    let o = Origin::default();
    let ids = app.case_per_opener().await;
    assert!(!ids.is_empty());
    for user in [
        "admin",
        "coordinator",
        "caseworker",
        "screener",
        "provider",
        "analyst",
        "trainer",
        "auditor",
    ] {
        let s = app.login(user).await;
        let res = s
            .post_form("/cases/export", &[("format", "csv"), ("layout", "htcds")])
            .await;
        let p = app.principal(user).await;
        match p.case_list() {
            None => assert_eq!(res.status(), 403, "{user}"),
            Some(cap) => {
                assert_eq!(res.status(), 200, "{user}");
                let text = res.text().await.unwrap();
                // Exactly the cases the user may read, and no other.
                let file = app
                    .haven
                    .export_cases(cap, &request(false), &o)
                    .await
                    .unwrap();
                for id in app.haven.all_case_ids().await.unwrap() {
                    let number = app.haven.case_number(&p, id).await;
                    let may = app.haven.may_read_case(&p, id).await.unwrap();
                    if let Ok(n) = number {
                        assert_eq!(text.contains(&n), may, "{user} {n}");
                    } else {
                        assert!(!may);
                    }
                }
                assert!(file.cases <= ids.len());
            }
        }
    }
}
