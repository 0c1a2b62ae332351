//! Statistical releases of the register in the CTDC layout, through the real server: protected
//! releases for analysts, raw rows sealed for the coordinator only, everything audited, no
//! personal data in any file.
use std::io::Read;

use serde_json::{Value, json};

use crate::harness::{Session, TestApp};

/// A distinctive name and birth date that must never appear in any release.
const NAME: &str = "Xiomaraquintana";

pub(crate) async fn release(
    s: &Session,
    base: &str,
    token: &str,
    body: Value,
) -> reqwest::Response {
    s.client
        .post(format!("{base}/api/v1/releases/ctdc"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The ZIP's entries, by name (opened with `passphrase` if sealed).
pub(crate) fn unzip(bytes: &[u8], passphrase: Option<&str>) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a ZIP");
    let names: Vec<String> = (0..z.len())
        .map(|i| {
            z.name_for_index(i)
                .expect("name")
                .expect("name")
                .to_string()
        })
        .collect();
    names
        .into_iter()
        .map(|n| {
            let mut text = String::new();
            let mut f = match passphrase {
                Some(p) => z.by_name_decrypt(&n, p.as_bytes()).expect("entry"),
                None => z.by_name(&n).expect("entry"),
            };
            f.read_to_string(&mut text).expect("text");
            (n, text)
        })
        .collect()
}

#[tokio::test]
async fn analysts_get_protected_releases_and_the_coordinator_sealed_raw_rows() {
    // Released counts need a register with cells above the threshold: the demo's corpus.
    let app = TestApp::spawn_with(Default::default(), 40).await;
    let cw = app.login("caseworker").await;
    let res = cw
        .open_case(&[
            ("first_name", NAME),
            ("birth_date", "2001-02-03"),
            ("citizenship", "VE"),
        ])
        .await;
    assert_eq!(res.status(), 303);
    let analyst = app.login("analyst").await;
    let token = analyst.token().await;

    // Protected counts: SDS TSV and a manifest, k = 11, nothing personal.
    let res = release(&analyst, &app.base, &token, json!({"kind": "aggregates"})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let files = unzip(&res.bytes().await.unwrap(), None);
    assert_eq!(files.len(), 2, "data and manifest");
    let (name, tsv) = &files[0];
    assert!(name.starts_with("ctdc-aggregates-") && name.ends_with(".tsv"));
    assert!(tsv.starts_with("selections\tprotected_count\nrecord_count\t"));
    // Every count rounded down to the deployment's smallest cell (5), none below k = 11.
    for (i, line) in tsv.lines().skip(1).enumerate() {
        let n: u64 = line.rsplit('\t').next().unwrap().parse().unwrap();
        assert!(
            n.is_multiple_of(5) && (i == 0 || n >= 11),
            "every count protected: {line}"
        );
    }
    let manifest = &files[1].1;
    assert!(manifest.contains("\"resolution\": 11"), "{manifest}");
    assert!(manifest.contains("\"rounding_base\": 5"), "{manifest}");
    assert!(manifest.contains("\"threshold\": 11"), "{manifest}");
    assert!(manifest.contains("\"sensitive_zeros\": []"), "{manifest}");
    assert!(manifest.contains("\"ledger_entry\""), "{manifest}");
    assert!(!manifest.contains("input_sha256"), "{manifest}");

    // Synthetic and k-anonymous records, with the HXL row.
    for kind in ["synthetic", "anonymized"] {
        let res = release(
            &analyst,
            &app.base,
            &token,
            json!({"kind": kind, "hxl": true, "k": 5}),
        )
        .await;
        assert_eq!(res.status(), 200, "{kind}");
        let files = unzip(&res.bytes().await.unwrap(), None);
        let csv = &files[0].1;
        let mut lines = csv.lines();
        let header = lines.next().unwrap();
        assert!(header.starts_with("yearOfRegistration,Datasource,gender,ageBroad"));
        assert!(lines.next().unwrap().starts_with("#date+year+registered,"));
        for c in header.split(',') {
            assert!(
                haven_domain::ctdc::COLUMNS.iter().any(|col| col.name == c),
                "{c} is a CTDC column"
            );
        }
        assert!(!csv.contains(NAME) && !csv.contains("2001-02-03"));
        // k was raised to the deployment's smallest cell if needed, never lowered.
        assert!(files[1].1.contains("\"resolution\""), "{}", files[1].1);
    }
    assert_eq!(app.audit_count("release.made").await, 3);

    // Raw rows: not for analysts, whatever they send.
    let res = release(
        &analyst,
        &app.base,
        &token,
        json!({"kind": "raw", "passphrase": "a long enough passphrase"}),
    )
    .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.audit_count("ctdc.raw_exported").await, 0);
    // Bad requests are clear errors.
    let res = release(&analyst, &app.base, &token, json!({"kind": "everything"})).await;
    assert_eq!(res.status(), 422);
    let res = release(
        &analyst,
        &app.base,
        &token,
        json!({"kind": "aggregates", "reporting_length": 9}),
    )
    .await;
    assert_eq!(res.status(), 422);

    // The coordinator: a passphrase is required, then the ZIP opens only with it.
    let coord = app.login("coordinator").await;
    let ctoken = coord.token().await;
    let res = release(
        &coord,
        &app.base,
        &ctoken,
        json!({"kind": "raw", "passphrase": "short"}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let pass = "correct horse battery staple";
    let res = release(
        &coord,
        &app.base,
        &ctoken,
        json!({"kind": "raw", "passphrase": pass}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let first = z.name_for_index(0).unwrap().unwrap().to_string();
    assert!(
        z.by_name_decrypt(&first, b"wrong passphrase").is_err(),
        "sealed"
    );
    let files = unzip(&bytes, Some(pass));
    let csv = &files[0].1;
    // One row per case the coordinator may see, none of the others.
    let p = app.principal("coordinator").await;
    let mut visible = 0;
    for id in app.haven.all_case_ids().await.unwrap() {
        if app.haven.may_read_case(&p, id).await.unwrap() {
            visible += 1;
        }
    }
    let all = app.haven.all_case_ids().await.unwrap().len();
    assert!(visible < all, "the demo has cases outside coordination");
    assert_eq!(csv.lines().count(), visible + 1, "one row per visible case");
    assert!(!csv.contains(NAME) && !csv.contains("2001-02-03"));
    // Her row holds the band of her age at registration, her citizenship, a year only.
    assert!(csv.lines().any(|l| l.contains(",VE,")), "{csv}");
    assert_eq!(app.audit_count("ctdc.raw_exported").await, 1);
}

#[tokio::test]
async fn the_release_page_is_for_analysts_and_coordinators_and_works_without_javascript() {
    let app = TestApp::spawn().await;
    let analyst = app.login("analyst").await;
    let html = analyst.get("/stats/releases").await.text().await.unwrap();
    assert!(html.contains("value=\"aggregates\"") && !html.contains("value=\"raw\""));
    let res = analyst
        .post_form(
            "/stats/releases",
            &[
                ("kind", "aggregates"),
                ("k", "11"),
                ("reporting_length", "2"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    // A bad k is shown on the page, translated, and nothing is released.
    let res = analyst
        .post_form(
            "/stats/releases",
            &[
                ("kind", "aggregates"),
                ("k", "1"),
                ("reporting_length", "3"),
            ],
        )
        .await;
    let html = res.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "{html}");
    assert_eq!(app.audit_count("release.made").await, 1);
    let coord = app.login("coordinator").await;
    let html = coord.get("/stats/releases").await.text().await.unwrap();
    assert!(html.contains("value=\"raw\"") && html.contains("type=\"password\""));
}
