//! Test harness: a real server on port 0 over a fresh database per test, on the backend chosen
//! by `HAVEN_TEST_BACKEND` (`sqlite`, the default, or `postgres` with
//! `HAVEN_TEST_POSTGRES_URL` pointing at a server where the test may create databases).
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use haven_core::{Haven, Policy};
use haven_crypto::Kek;
use haven_store::{Db, OpenMode};
use sqlx::Connection;

pub(crate) const PASSWORD: &str = haven_demo::DEMO_PASSWORD;

pub(crate) fn backend() -> &'static str {
    match std::env::var("HAVEN_TEST_BACKEND").as_deref() {
        Ok("postgres") => "postgres",
        _ => "sqlite",
    }
}

/// A fresh, empty database: a temp file, or a uniquely named PostgreSQL database dropped on drop.
pub(crate) struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestDb {
    pub(crate) async fn new() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        if backend() == "postgres" {
            let admin = std::env::var("HAVEN_TEST_POSTGRES_URL")
                .expect("HAVEN_TEST_POSTGRES_URL must be set for the postgres backend");
            let name = format!(
                "haven_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to the PostgreSQL admin URL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test db");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            TestDb {
                url: format!("{base}/{name}"),
                dir,
                pg_name: Some(name),
            }
        } else {
            let url = format!("sqlite://{}", dir.path().join("haven.db").display());
            TestDb {
                url,
                dir,
                pg_name: None,
            }
        }
    }

    pub(crate) fn sqlite_path(&self) -> Option<PathBuf> {
        self.pg_name
            .is_none()
            .then(|| self.dir.path().join("haven.db"))
    }

    pub(crate) fn is_postgres(&self) -> bool {
        self.pg_name.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = std::env::var("HAVEN_TEST_POSTGRES_URL").unwrap_or_default();
            // Drop in a separate thread with its own runtime: Drop may run inside a runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await
                    .ok()
                })
            })
            .join();
        }
    }
}

/// What `haven serve` would be given, with the timed background work off: tests run reminders,
/// retention and the outbox themselves to count what each did.
fn serve_options(base: &str, web: haven_web::WebConfig) -> haven::ServeOptions {
    haven::ServeOptions {
        web,
        smtp: None,
        base_url: base.to_string(),
        background_every: None,
    }
}

/// A running server with the demo deployment: its agencies and one user per role; cases only
/// where a test asks for the demo's generated corpus (`spawn_with`) or makes its own (`case`).
pub(crate) struct TestApp {
    pub base: String,
    pub haven: Haven,
    /// The database under `haven`, for tests that look at what is stored.
    pub store: Db,
    pub db: TestDb,
    pub kek: Kek,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    pub(crate) async fn spawn() -> TestApp {
        Self::spawn_with(Policy::default(), 0).await
    }

    pub(crate) async fn spawn_with(policy: Policy, cases: usize) -> TestApp {
        Self::spawn_configured(policy, cases, haven_web::WebConfig::default()).await
    }

    /// With the web layer's settings too (TLS, proxy, API rate limit).
    pub(crate) async fn spawn_configured(
        policy: Policy,
        cases: usize,
        web: haven_web::WebConfig,
    ) -> TestApp {
        let db = TestDb::new().await;
        let store = Db::connect(&db.url, OpenMode::CreateIfMissing)
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let kek = Kek::generate();
        haven_core::keys::ensure_keyring(&store, &kek)
            .await
            .expect("keyring");
        let ring = haven_core::keys::load_keyring(&store, &kek)
            .await
            .expect("load keyring");
        let haven = Haven::new(store.clone(), &ring, policy).expect("haven");
        haven_demo::load(&haven, cases, |_, _| {})
            .await
            .expect("demo data");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state = haven::start(haven.clone(), serve_options(&base, web)).expect("start");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(haven_web::serve(listener, state, async {
            let _ = rx.await;
        }));
        TestApp {
            base,
            haven,
            store,
            db,
            kek,
            shutdown: Some(tx),
        }
    }

    /// A second app server over the same database, as behind a load balancer: it shares nothing
    /// with the first but the database and the key.
    pub(crate) async fn second_server(&self) -> (String, tokio::sync::oneshot::Sender<()>) {
        let store = Db::connect(&self.db.url, OpenMode::MustExist)
            .await
            .expect("connect");
        let ring = haven_core::keys::load_keyring(&store, &self.kek)
            .await
            .expect("keys");
        let haven = Haven::new(store, &ring, Policy::default()).expect("haven");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state = haven::start(haven, serve_options(&base, Default::default())).expect("start");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(haven_web::serve(listener, state, async {
            let _ = rx.await;
        }));
        (base, tx)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: cookies, no automatic redirects (tests look at them).
    pub(crate) fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// GETs an API path (under `/api/v1`) with a bearer token.
    pub(crate) async fn api_get(&self, token: &str, path: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(self.url(&format!("/api/v1{path}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// POSTs JSON to an API path (under `/api/v1`) with a bearer token.
    pub(crate) async fn api_post(
        &self,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(&format!("/api/v1{path}")))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Calls an API path (under `/api/v1`) with a bearer token and a JSON body (or none):
    /// the status and the JSON answer (`null` when there is none or it is not JSON).
    pub(crate) async fn api_json(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = reqwest::Client::new()
            .request(method, self.url(&format!("/api/v1{path}")))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// Uploads a file as the `file` part of a multipart API request.
    pub(crate) async fn api_upload(
        &self,
        token: &str,
        path: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        reqwest::Client::new()
            .post(self.url(&format!("/api/v1{path}")))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    /// Signs in as a demo user, passing the second factor where the role has one.
    pub(crate) async fn login(&self, username: &str) -> Session {
        self.login_with(username, PASSWORD).await
    }

    /// Signs in with this password (an account the test made).
    pub(crate) async fn login_with(&self, username: &str, password: &str) -> Session {
        let c = self.client();
        let csrf = csrf_of(&c, &self.url("/login")).await;
        let res = c
            .post(self.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), 303, "login of {username} must succeed");
        let to = location(&res);
        if to == "/login/mfa" {
            let secret = match username {
                "admin" => haven_demo::DEMO_TOTP_ADMIN,
                "coordinator" => haven_demo::DEMO_TOTP_COORDINATOR,
                other => panic!("no known TOTP secret for {other}"),
            };
            let csrf = csrf_of(&c, &self.url("/login/mfa")).await;
            // Codes are single-use: try this step's, then the next one's (accepted as skew).
            let now = haven_core::now() as u64;
            let mut ok = false;
            for t in [now, now + 30] {
                let code = haven_crypto::totp::current_code(secret, t).expect("code");
                let res = c
                    .post(self.url("/login/mfa"))
                    .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
                    .send()
                    .await
                    .expect("mfa");
                if res.status() == 303 {
                    ok = true;
                    break;
                }
            }
            assert!(ok, "second factor of {username}");
        }
        let csrf = csrf_of(&c, &self.url("/account")).await;
        Session {
            client: c,
            csrf,
            base: self.base.clone(),
        }
    }

    /// The audit trail's events of one action, newest first.
    pub(crate) async fn audit_events(&self, action: &str) -> Vec<haven_store::audit::AuditRow> {
        let mut conn = self.store.pool().acquire().await.expect("connection");
        haven_store::audit::search(
            &mut conn,
            &haven_store::audit::AuditFilter {
                actions: vec![action.to_string()],
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .expect("audit search")
    }

    /// A case for this test, opened by the demo user `opener` (their agency owns it).
    pub(crate) fn case<'a>(&'a self, opener: &'a str) -> CaseFixture<'a> {
        CaseFixture {
            app: self,
            opener,
            first_name: "Fixture".into(),
            involved: Vec::new(),
            closed: false,
        }
    }

    /// One open case by each user who opens cases, so that every agency handling cases owns one.
    pub(crate) async fn case_per_opener(&self) -> Vec<haven_domain::CaseId> {
        let mut ids = Vec::new();
        for opener in [
            "coordinator",
            "caseworker",
            "childcare",
            "screener",
            "inspector",
        ] {
            ids.push(self.case(opener).create().await);
        }
        ids
    }

    /// The principal a demo user acts as.
    pub(crate) async fn principal(&self, username: &str) -> haven_authz::Principal {
        let id = self.user_id(username).await;
        self.haven.principal_of_user(id).await.expect("principal")
    }

    /// The id of a demo agency, by name.
    pub(crate) async fn agency(&self, name: &str) -> haven_domain::AgencyId {
        let a = self.haven.find_agency(name).await.expect("lookup");
        a.expect("agency exists").id
    }

    /// How many events of one action the audit trail holds.
    pub(crate) async fn audit_count(&self, action: &str) -> i64 {
        self.count_of(
            "SELECT COUNT(*) FROM audit_events WHERE action = $1",
            action,
        )
        .await
    }

    /// The number a counting query (`SELECT COUNT(*) ...`) answers.
    pub(crate) async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    /// The number a counting query with one parameter (`$1`) answers.
    pub(crate) async fn count_of(&self, sql: &str, arg: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
            .bind(arg.to_string())
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    /// Records, as `by`, the person's own consent to referrals of `case` to `agency`.
    pub(crate) async fn consent_to_referral(
        &self,
        by: &haven_authz::Principal,
        case: haven_domain::CaseId,
        agency: haven_domain::AgencyId,
    ) {
        self.haven
            .record_consent(
                by,
                case,
                &referral_consent(agency),
                &haven_core::Origin::default(),
            )
            .await
            .unwrap();
    }

    pub(crate) async fn user_id(&self, username: &str) -> haven_domain::UserId {
        self.haven
            .find_user(username)
            .await
            .expect("lookup")
            .expect("user exists")
            .id
    }
}

/// A case a test makes for itself, written through core's seeder as of now.
pub(crate) struct CaseFixture<'a> {
    app: &'a TestApp,
    opener: &'a str,
    first_name: String,
    involved: Vec<&'a str>,
    closed: bool,
}

impl<'a> CaseFixture<'a> {
    /// Another agency working on the case (besides the opener's, which owns it).
    pub(crate) fn involving(mut self, agency: &'a str) -> Self {
        self.involved.push(agency);
        self
    }

    pub(crate) fn closed(mut self) -> Self {
        self.closed = true;
        self
    }

    pub(crate) async fn create(self) -> haven_domain::CaseId {
        let h = &self.app.haven;
        let opener = h
            .principal_of_user(self.app.user_id(self.opener).await)
            .await
            .expect("opener");
        let mut involved = Vec::new();
        for name in &self.involved {
            involved.push(
                h.find_agency(name)
                    .await
                    .expect("lookup")
                    .expect("agency")
                    .id,
            );
        }
        let now = h.now();
        let mut seed = h.seeder().await.expect("seeder");
        let id = seed
            .case(haven_core::platform::seed::SeedCase {
                opener,
                record: serde_json::from_value(api_case(&self.first_name)).expect("record"),
                opened_at: now,
                involved,
                events: Vec::new(),
                perpetrators: Vec::new(),
                notes: Vec::new(),
                status: self.closed.then(|| haven_core::platform::seed::SeedStatus {
                    status: haven_domain::CaseStatus::Closed,
                    at: now,
                    closure: Some(("Other".into(), "Closed for a test.".into())),
                }),
            })
            .await
            .expect("case");
        seed.finish(serde_json::json!({"fixture": true}))
            .await
            .expect("commit");
        id
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The person's own consent to referrals to `agency`, given today.
pub(crate) fn referral_consent(
    agency: haven_domain::AgencyId,
) -> haven_core::consents::ConsentInput {
    haven_core::consents::ConsentInput {
        purpose: "referral".into(),
        agency_id: agency.to_string(),
        given_by: "person".into(),
        ..Default::default()
    }
}

/// The key of the first problem of a refused use-case (or `not-found`, `forbidden`).
pub(crate) fn error_key(e: haven_core::CoreError) -> &'static str {
    match e {
        haven_core::CoreError::Invalid(v) => v[0].key,
        haven_core::CoreError::NotFound => "not-found",
        haven_core::CoreError::Forbidden => "forbidden",
        other => panic!("unexpected {other:?}"),
    }
}

/// The case a response redirects to (`/cases/{id}`).
pub(crate) fn case_in(res: &reqwest::Response) -> haven_domain::CaseId {
    location(res)
        .trim_start_matches("/cases/")
        .parse()
        .expect("a redirect to a case")
}

/// Where a redirect points, without its query (the notice shown after a change).
pub(crate) fn location(res: &reqwest::Response) -> String {
    let l = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    l.split('?').next().unwrap_or_default().to_string()
}

/// Fetches a page and returns the CSRF token of its first form.
pub(crate) async fn csrf_of(c: &reqwest::Client, url: &str) -> String {
    let html = c
        .get(url)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no csrf field on {url}"));
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A new case's record for the API, with the required fields filled.
pub(crate) fn api_case(first_name: &str) -> serde_json::Value {
    serde_json::json!({
        "person": {"first_name": first_name, "gender": "Feminine", "assessed_age": 25, "citizenship": ["ve"]},
        "victim": {"trafficking_status": "PossibleVictimOfTrafficking", "type_of_exploitation": ["SexualExploitation"]},
        "case": {"region": "GY-CU"}
    })
}

/// Required fields of a new case, with plausible values.
pub(crate) const CASE_BASICS: &[(&str, &str)] = &[
    // The possible existing records were looked at (tests of that step leave it out).
    ("matches_checked", "1"),
    ("gender", "Feminine"),
    ("assessed_age", "25"),
    ("trafficking_status", "PossibleVictimOfTrafficking"),
    ("type_of_exploitation", "ForcedLabour"),
    ("region", "GY-CU"),
];

pub(crate) struct Session {
    pub client: reqwest::Client,
    pub csrf: String,
    base: String,
}

impl Session {
    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("request")
    }

    /// Creates a personal API token through the account page.
    /// A token with every scope (what the tests of a role's rules need).
    pub(crate) async fn token(&self) -> String {
        let all: Vec<&str> = haven_authz::Scope::ALL.iter().map(|s| s.code()).collect();
        self.token_with("test", &all, "365").await
    }

    /// A token made on the account page with these scopes and days.
    pub(crate) async fn token_with(&self, label: &str, scopes: &[&str], days: &str) -> String {
        let mut form = vec![("label", label), ("days", days)];
        form.extend(scopes.iter().map(|s| ("scopes", *s)));
        let html = self
            .post_form("/account/tokens", &form)
            .await
            .text()
            .await
            .expect("body");
        let start = html.find("hvn_").expect("token shown once");
        html[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect()
    }

    /// Posts the registration form: `fields`, plus the required fields (HTCDS Core) that a test
    /// did not set itself.
    pub(crate) async fn open_case(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        for (k, v) in CASE_BASICS {
            if !fields.iter().any(|(f, _)| f == k) {
                all.push((k, v));
            }
        }
        self.post_form("/cases/new", &all).await
    }

    /// Opens a case through the registration form (which must redirect to it) and returns its id.
    pub(crate) async fn new_case(&self, fields: &[(&str, &str)]) -> haven_domain::CaseId {
        let res = self.open_case(fields).await;
        assert_eq!(res.status(), 303, "case opened");
        case_in(&res)
    }

    /// Posts a multipart form with one file, `name` holding `bytes`, to `path`.
    pub(crate) async fn upload(&self, path: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("csrf", self.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        self.client
            .post(format!("{}{}", self.base, path))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    pub(crate) async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(format!("{}{}", self.base, path))
            .form(&all)
            .send()
            .await
            .expect("request")
    }
}

/// The id of the first case linked from a page.
pub(crate) fn first_case_id(html: &str) -> String {
    html.split("href=\"/cases/")
        .skip(1)
        .map(|rest| rest.chars().take(36).collect::<String>())
        .find(|id| id.parse::<haven_domain::CaseId>().is_ok())
        .expect("a case link")
}
