//! An acknowledged write survives `kill -9` of the server: the real binary, killed mid-load.
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::harness::{TestDb, csrf_of};

const PASSWORD: &str = "kill-nine-survivor-2026";

struct Haven {
    args: Vec<String>,
}

impl Haven {
    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
        c.args(&self.args).env("HAVEN_LOG", "warn");
        c
    }

    fn run(&self, extra: &[&str], stdin: Option<&str>) {
        let mut c = self.cmd();
        c.args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("spawn haven");
        if let Some(input) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        } else {
            drop(child.stdin.take());
        }
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "haven {extra:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    async fn serve(&self, port: u16) -> Child {
        let mut child = self
            .cmd()
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn server");
        for _ in 0..300 {
            if reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return child;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("server did not start");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn login(base: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let csrf = csrf_of(&c, &format!("{base}/login")).await;
    let res = c
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "worker"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let csrf = csrf_of(&c, &format!("{base}/account")).await;
    (c, csrf)
}

/// A fresh database with one agency and its case worker (`worker`), and the binary to run on
/// it. The database lives as long as the returned `TestDb`.
async fn prepared() -> (TestDb, Haven) {
    let db = TestDb::new().await;
    let dir = db.dir.path();
    let mut args = vec!["--data-dir".to_string(), dir.display().to_string()];
    if db.is_postgres() {
        args.extend([
            "--database-url".to_string(),
            db.url.clone(),
            "--kek-file".to_string(),
            dir.join("kek.key").display().to_string(),
        ]);
    }
    let haven = Haven { args };
    haven.run(&["init"], None);
    haven.run(
        &[
            "agency",
            "add",
            "--name",
            "Durable Shelter",
            "--type",
            "NGO",
            "--region",
            "GY-DE",
        ],
        None,
    );
    haven.run(
        &[
            "user",
            "add",
            "--username",
            "worker",
            "--name",
            "Worker",
            "--role",
            "case_worker",
            "--agency",
            "Durable Shelter",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    (db, haven)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_dash_nine() {
    let (_db, haven) = prepared().await;

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = haven.serve(port).await;
    let (client, csrf) = login(&base).await;
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, csrf, base, acked) =
            (client.clone(), csrf.clone(), base.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let name = format!("Durable{w}x{i}");
                let res = client
                    .post(format!("{base}/cases/new"))
                    .form(
                        &[("csrf", csrf.as_str()), ("first_name", name.as_str())]
                            .into_iter()
                            .chain(crate::harness::CASE_BASICS.iter().copied())
                            .collect::<Vec<_>>(),
                    )
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == 303 => {
                        let loc = r.headers()["location"].to_str().unwrap().to_string();
                        acked.lock().unwrap().push(loc);
                    }
                    _ => break, // the server is gone
                }
            }
        }));
    }
    while acked.lock().unwrap().len() < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
    server.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 40);

    let mut server = haven.serve(port).await;
    let (client, _) = login(&base).await;
    for loc in &acked {
        let res = client.get(format!("{base}{loc}")).send().await.unwrap();
        assert_eq!(res.status(), 200, "acknowledged case {loc} was lost");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    haven.run(&["audit", "verify"], None);
}

/// A key sent, and the case id of its answer when one came.
type Keyed = (String, Option<String>);

/// A client retrying after the server died gets what it was promised: every creating request
/// that was answered replays its answer from the restarted server (the same case, nothing
/// created twice), and one cut off mid-way creates nothing more on a retry while it may still
/// be running elsewhere (`409`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keyed_api_requests_replay_after_kill_dash_nine() {
    let (_db, haven) = prepared().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = haven.serve(port).await;
    let (web, csrf) = login(&base).await;
    let page = web
        .post(format!("{base}/account/tokens"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("label", "load"),
            ("scopes", "cases:write"),
            ("scopes", "cases:read"),
            ("days", "30"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = page
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a new token on the page")
        .to_string();

    let body = |key: &str| crate::harness::api_case(&format!("Keyed{}", key.replace('-', "")));
    // (key, the answer's case id when one came).
    let sent: Arc<Mutex<Vec<Keyed>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (base, token, sent) = (base.clone(), token.clone(), sent.clone());
        writers.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            for i in 0.. {
                let key = format!("w{w}-{i}");
                sent.lock().unwrap().push((key.clone(), None));
                let res = c
                    .post(format!("{base}/api/v1/cases"))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", &key)
                    .json(&body(&key))
                    .send()
                    .await;
                let Ok(res) = res else { break };
                if res.status() != 201 {
                    break;
                }
                let Ok(v) = res.json::<serde_json::Value>().await else {
                    break;
                };
                let id = v["id"].as_str().unwrap().to_string();
                let mut s = sent.lock().unwrap();
                if let Some(e) = s.iter_mut().find(|(k, _)| *k == key) {
                    e.1 = Some(id);
                }
            }
        }));
    }
    while sent
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, id)| id.is_some())
        .count()
        < 30
    {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let sent = sent.lock().unwrap().clone();

    let mut server = haven.serve(port).await;
    let c = reqwest::Client::new();
    let count = |c: reqwest::Client| {
        let (base, token) = (base.clone(), token.clone());
        async move {
            let v: serde_json::Value = c
                .get(format!("{base}/api/v1/cases?per_page=1"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["total"].as_i64().unwrap()
        }
    };
    let before = count(c.clone()).await;
    assert!(before as usize <= sent.len(), "no case without its request");
    for (key, id) in &sent {
        let res = c
            .post(format!("{base}/api/v1/cases"))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&body(key))
            .send()
            .await
            .unwrap();
        match id {
            // Answered before the kill: the same answer again.
            Some(id) => {
                assert_eq!(res.status(), 201, "{key}");
                assert_eq!(res.headers()["idempotent-replayed"], "true", "{key}");
                let v: serde_json::Value = res.json().await.unwrap();
                assert_eq!(v["id"].as_str(), Some(id.as_str()), "{key}");
            }
            // Cut off: replayed if its answer was kept, refused while it may still be running,
            // or (never reached the server) run now.
            None => assert!(
                [201, 409].contains(&res.status().as_u16()),
                "{key}: {}",
                res.status()
            ),
        }
    }
    let after = count(c.clone()).await;
    let run_now = after - before;
    let unanswered = sent.iter().filter(|(_, id)| id.is_none()).count() as i64;
    assert!(
        (0..=unanswered).contains(&run_now),
        "only requests never answered may create a case now: {run_now} of {unanswered}"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    haven.run(&["audit", "verify"], None);
}
