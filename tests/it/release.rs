//! Statistical releases of the register in the CTDC layout, through the real server: protected
//! releases for analysts, raw rows sealed for the coordinator only, everything audited, no
//! personal data in any file.
use std::io::Read;

use serde_json::{Value, json};

use crate::harness::{Session, TestApp};

/// A distinctive name and birth date that must never appear in any release.
const NAME: &str = "Xiomaraquintana";

/// A release asked for through the API, followed to its end as a client would: the job is
/// polled until it is done (the answer is then its ZIP, downloaded) or failed (the answer is
/// then a 409 problem with the job's error, as a refusal). A request refused at once (422, 403)
/// is answered as it came.
pub(crate) async fn release(s: &Session, base: &str, token: &str, body: Value) -> Released {
    let res = s
        .client
        .post(format!("{base}/api/v1/releases/ctdc"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    if status != 202 {
        return Released {
            status,
            headers: res.headers().clone(),
            bytes: res.bytes().await.unwrap().to_vec(),
        };
    }
    let job = res.headers()["location"].to_str().unwrap().to_string();
    loop {
        let doc: Value = s
            .client
            .get(format!("{base}{job}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        match doc["status"].as_str().unwrap() {
            "running" => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            "done" => {
                let res = s
                    .client
                    .get(format!("{base}{}", doc["result"].as_str().unwrap()))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap();
                return Released {
                    status: res.status(),
                    headers: res.headers().clone(),
                    bytes: res.bytes().await.unwrap().to_vec(),
                };
            }
            "failed" => {
                let error = doc["error"].as_str().unwrap();
                return Released {
                    status: reqwest::StatusCode::CONFLICT,
                    headers: Default::default(),
                    bytes: json!({"type": format!("https://haven.invalid/problems/{error}")})
                        .to_string()
                        .into_bytes(),
                };
            }
            other => panic!("job {job}: {other}"),
        }
    }
}

/// What a release request came to (see [`release`]).
pub(crate) struct Released {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Released {
    pub(crate) fn status(&self) -> reqwest::StatusCode {
        self.status
    }
    pub(crate) fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }
    pub(crate) async fn bytes(self) -> Result<Vec<u8>, std::convert::Infallible> {
        Ok(self.bytes)
    }
    pub(crate) async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.bytes)
    }
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

/// Polls a job until it is no longer running; while it runs, every answer says when to ask
/// again (`Retry-After`), and none after.
async fn settled(app: &TestApp, token: &str, at: &str) -> Value {
    loop {
        let res = reqwest::Client::new()
            .get(app.url(at))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let running = res.headers().contains_key("retry-after");
        let doc: Value = res.json().await.unwrap();
        assert_eq!(running, doc["status"] == "running", "{doc}");
        if doc["status"] != "running" {
            return doc;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A release through the API is a job: checked at once, made in the background, polled by its
/// owner alone, its ZIP sealed while it waits and downloadable once; a job whose server stopped
/// fails, an unclaimed result is dropped.
#[tokio::test]
async fn a_release_is_a_job_polled_by_its_owner_and_downloaded_once() {
    let app = TestApp::spawn_with(Default::default(), 40).await;
    let analyst = app.login("analyst").await;
    let token = analyst.token().await;
    let coordinator = app.login("coordinator").await.token().await;
    let c = reqwest::Client::new();
    let post = |body: Value| {
        c.post(app.url("/api/v1/releases/ctdc"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    // Problems known at once are answered at once; no job is made.
    let res = post(json!({"kind": "aggregates", "k": 1})).await.unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0);

    let res = post(json!({"kind": "aggregates", "k": 5, "reporting_length": 2}))
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let at = res.headers()["location"].to_str().unwrap().to_string();
    let doc: Value = res.json().await.unwrap();
    assert_eq!(
        at,
        format!("/api/v1/releases/jobs/{}", doc["id"].as_str().unwrap())
    );
    // Someone else's job is not found, nor its result.
    for path in [at.clone(), format!("{at}/result")] {
        let res = c
            .get(app.url(&path))
            .bearer_auth(&coordinator)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    let doc = settled(&app, &token, &at).await;
    assert_eq!(doc["status"], "done", "{doc}");
    // Sealed while it waits: the ZIP is not in the database in clear.
    let stored: Vec<u8> = sqlx::query_scalar("SELECT result FROM jobs WHERE id = $1")
        .bind(doc["id"].as_str().unwrap())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(!stored.starts_with(b"PK"));
    let result = doc["result"].as_str().unwrap().to_string();
    let res = c
        .get(app.url(&result))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let files = unzip(&res.bytes().await.unwrap(), None);
    assert!(
        files.iter().any(|(n, _)| n.ends_with(".json")),
        "a manifest"
    );
    // Once.
    let res = c
        .get(app.url(&result))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 410);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(
        problem["type"],
        "https://haven.invalid/problems/error-job-gone"
    );
    let again: Value = c
        .get(app.url(&at))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["status"], "downloaded");
    assert!(again["result"].is_null());
    let stored: Option<Vec<u8>> = sqlx::query_scalar("SELECT result FROM jobs WHERE id = $1")
        .bind(doc["id"].as_str().unwrap())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(stored.is_none(), "a downloaded result is not kept");
    let list: Value = c
        .get(app.url("/api/v1/releases/jobs"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["id"], doc["id"]);

    // A release the ledger refuses (other parameters for the same data) fails with the reason;
    // it has no result.
    let cw = app.login("caseworker").await;
    assert_eq!(cw.open_case(&[("first_name", "Nuevo")]).await.status(), 303);
    let res = post(json!({"kind": "aggregates", "k": 5, "reporting_length": 2}))
        .await
        .unwrap();
    let at = res.headers()["location"].to_str().unwrap().to_string();
    let doc = settled(&app, &token, &at).await;
    assert_eq!(doc["status"], "failed", "{doc}");
    assert_eq!(doc["error"], "error-release-too-few-changes");
    let res = c
        .get(app.url(&format!("{at}/result")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);

    // Housekeeping: a job whose server stopped fails; an unclaimed result is dropped.
    let analyst_id = app.user_id("analyst").await;
    let now = app.haven.now();
    let mut conn = app.store.pool().acquire().await.unwrap();
    haven_store::jobs::insert(
        &mut conn,
        "stuck-job",
        "release",
        analyst_id,
        now - 7 * 3600,
    )
    .await
    .unwrap();
    let two_days = now - 2 * 86_400;
    haven_store::jobs::insert(&mut conn, "waiting-job", "release", analyst_id, two_days)
        .await
        .unwrap();
    haven_store::jobs::done(
        &mut conn,
        "waiting-job",
        "x.zip",
        "application/zip",
        b"sealed",
        two_days,
    )
    .await
    .unwrap();
    drop(conn);
    assert!(app.haven.tidy_jobs().await.unwrap() >= 2);
    let (status, error): (String, Option<String>) =
        sqlx::query_as("SELECT status, error FROM jobs WHERE id = 'stuck-job'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), error.as_deref()),
        ("failed", Some("error-job-interrupted"))
    );
    let (status, result): (String, Option<Vec<u8>>) =
        sqlx::query_as("SELECT status, result FROM jobs WHERE id = 'waiting-job'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), result), ("expired", None));

    // Its owner moved to another role no longer reads it: the capability is checked on every
    // call, not only when the job was made.
    let admin = app.login("admin").await.token().await;
    let res = app
        .api_post(
            &admin,
            &format!("/admin/users/{analyst_id}/role"),
            &json!({"role": "trainer"}),
        )
        .await;
    assert_eq!(res.status(), 204, "{}", res.text().await.unwrap());
    let moved = app.login("analyst").await.token().await;
    for path in [
        at.clone(),
        format!("{at}/result"),
        "/api/v1/releases/jobs".into(),
    ] {
        let res = c
            .get(app.url(&path))
            .bearer_auth(&moved)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
}
