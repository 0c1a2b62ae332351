//! A client generated from the served OpenAPI document by a mainstream generator
//! (openapi-python-client, PyPI) runs a whole journey using only the generated code
//! (`tools/api-client/journey.py`): if the document mis-describes an answer, the generated
//! client fails to parse it.
//!
//! Runs where the generator is found: `HAVEN_API_CLIENT_VENV` names a virtualenv holding
//! `openapi-python-client` (its `python` runs the journey). With HAVEN_TEST_API_CLIENT=1 it
//! must run (`.ci/run` installs it).
use std::path::PathBuf;
use std::process::Command;

use crate::harness::TestApp;

fn venv() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var("HAVEN_API_CLIENT_VENV").ok()?);
    dir.join("bin/openapi-python-client")
        .exists()
        .then_some(dir)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_generated_python_client_runs_a_whole_journey() {
    let required = std::env::var("HAVEN_TEST_API_CLIENT").as_deref() == Ok("1");
    let Some(venv) = venv() else {
        assert!(
            !required,
            "HAVEN_TEST_API_CLIENT=1 but HAVEN_API_CLIENT_VENV holds no openapi-python-client"
        );
        eprintln!(
            "openapi-python-client not found: skipped (HAVEN_TEST_API_CLIENT=1 makes it mandatory)"
        );
        return;
    };
    let app = TestApp::spawn().await;
    let agency = app.agency("Food for the Poor Guyana").await.to_string();
    let worker = app.login("caseworker").await.token().await;
    let provider = app.login("provider").await.token().await;
    let doc = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dir = app.db.dir.path().join("client");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("openapi.json");
    std::fs::write(&spec, doc).unwrap();
    let journey = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/api-client/journey.py");
    let base = app.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        let generated = Command::new(venv.join("bin/openapi-python-client"))
            .current_dir(&dir)
            .args([
                "generate",
                "--meta",
                "none",
                "--output-path",
                "haven_client",
                "--path",
            ])
            .arg(&spec)
            .output()
            .expect("run openapi-python-client");
        assert!(
            dir.join("haven_client/client.py").exists(),
            "the generator made no client:\n{}\n{}",
            String::from_utf8_lossy(&generated.stdout),
            String::from_utf8_lossy(&generated.stderr)
        );
        Command::new(venv.join("bin/python"))
            .arg(journey)
            .env("HAVEN_CLIENT_DIR", &dir)
            .env("HAVEN_URL", base)
            .env("HAVEN_WORKER_TOKEN", worker)
            .env("HAVEN_PROVIDER_TOKEN", provider)
            .env("HAVEN_PROVIDER_AGENCY", agency)
            .output()
            .expect("run the journey")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("journey done: GY-"), "{stdout}");
}
