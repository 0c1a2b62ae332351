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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_dash_nine() {
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
