//! A real browser: headless Chromium, driven through chromedriver's W3C WebDriver protocol
//! (plain JSON over HTTP), signs in in French, opens a case, finds it again with a search typed
//! without accents, and signs out. Runs when chromedriver is installed (Debian's `chromium` and
//! `chromium-driver`); with HAVEN_TEST_BROWSER=1 it must run. Leaves a screenshot of the case page
//! in target/ui-screenshots/case-fr.png.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{PASSWORD, TestApp};

mod page_checks;
use page_checks::RawCodes;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The key under which W3C WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// Whether to run: mandatory with HAVEN_TEST_BROWSER=1, otherwise only where Chromium,
/// chromedriver and axe-core (`npm ci --prefix tools/axe`) are installed.
fn browser_available() -> bool {
    let installed = Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists();
    let axe = page_checks::axe_path().exists();
    if std::env::var("HAVEN_TEST_BROWSER").as_deref() == Ok("1") {
        assert!(
            installed,
            "HAVEN_TEST_BROWSER=1 but {CHROMEDRIVER} or {CHROMIUM} is missing: \
             apt-get install chromium chromium-driver"
        );
        assert!(
            axe,
            "HAVEN_TEST_BROWSER=1 but axe-core is missing: npm ci --prefix tools/axe"
        );
    } else if !installed || !axe {
        eprintln!(
            "browser test skipped: install chromium and chromium-driver and run \
             `npm ci --prefix tools/axe`, or set HAVEN_TEST_BROWSER=1"
        );
    }
    installed && axe
}

/// chromedriver as a child process with one browser session. Dropping it (also on panic) ends
/// the session, which closes Chromium, then kills chromedriver.
struct Browser {
    http: reqwest::Client,
    driver: String,
    session: Option<String>,
    child: Child,
    _profile: tempfile::TempDir,
    /// axe-core's source, injected into every page arrived on.
    axe: String,
    raw_codes: RawCodes,
    /// What the checks of the pages found so far; `quit` (or dropping) fails on any.
    findings: std::sync::Mutex<Vec<String>>,
}

/// The two screens the journeys are walked on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Screen {
    /// A laptop of a field office (1280 × 1100).
    Desktop,
    /// A phone (390 × 844).
    Phone,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let findings = std::mem::take(&mut *self.findings.lock().unwrap());
        if let Some(session) = self.session.take() {
            let url = format!("{}/session/{session}", self.driver);
            // Drop may run inside the test's runtime: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    reqwest::Client::new()
                        .delete(url)
                        .timeout(Duration::from_secs(10))
                        .send()
                        .await
                        .ok()
                })
            })
            .join();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !findings.is_empty() && !std::thread::panicking() {
            panic!("the pages of this journey failed their checks: {findings:#?}");
        }
    }
}

impl Browser {
    async fn start() -> Browser {
        Browser::start_on(Screen::Desktop).await
    }

    async fn start_on(screen: Screen) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut b = Browser {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("http client"),
            driver: format!("http://127.0.0.1:{port}"),
            session: None,
            child,
            _profile: profile,
            axe: page_checks::axe_source(),
            raw_codes: RawCodes::new(),
            findings: Default::default(),
        };
        b.wait_ready().await;
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", b._profile.path().display()),
                    "--lang=fr",
                ],
                // On Linux --lang sets only the UI; this makes requests carry Accept-Language fr.
                "prefs": {"intl.accept_languages": "fr"}
            }
        }}});
        let res = b
            .http
            .post(format!("{}/session", b.driver))
            .json(&caps)
            .send()
            .await
            .expect("POST /session");
        let body: Value = res.json().await.expect("session reply");
        let id = body["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {body}"))
            .to_string();
        b.session = Some(id);
        let (width, height) = match screen {
            Screen::Desktop => (1280, 1100),
            Screen::Phone => (390, 844),
        };
        b.cmd(
            "POST",
            "/window/rect",
            json!({"width": width, "height": height}),
        )
        .await;
        b
    }

    /// Checks the page the browser is on (see `page_checks`) and keeps what is wrong.
    async fn check_page(&self) {
        let script = format!("{}\n{}", self.axe, page_checks::CHECK_SCRIPT);
        let page = self
            .cmd(
                "POST",
                "/execute/async",
                json!({"script": script, "args": []}),
            )
            .await;
        if page["type"] != "text/html" {
            return;
        }
        let url = self.url().await;
        let mut found = Vec::new();
        for v in page["violations"].as_array().into_iter().flatten() {
            found.push(format!("{url}: axe: {}", v.as_str().unwrap_or_default()));
        }
        let (scroll, client) = (
            page["scroll"].as_i64().unwrap_or(0),
            page["client"].as_i64().unwrap_or(0),
        );
        if scroll > client {
            found.push(format!(
                "{url}: {scroll} px wide in a {client} px window: {:?}",
                self.too_wide().await
            ));
        }
        let lang = page["lang"].as_str().unwrap_or_default();
        for code in self
            .raw_codes
            .find(lang, page["text"].as_str().unwrap_or_default())
        {
            found.push(format!("{url}: raw code {code}"));
        }
        let mut findings = self.findings.lock().unwrap();
        for f in found {
            if !findings.contains(&f) {
                findings.push(f);
            }
        }
    }

    async fn wait_ready(&mut self) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            if let Ok(res) = self
                .http
                .get(format!("{}/status", self.driver))
                .send()
                .await
                && let Ok(body) = res.json::<Value>().await
                && body["value"]["ready"] == json!(true)
            {
                return;
            }
            assert!(Instant::now() < deadline, "chromedriver not ready in time");
            tokio::time::sleep(POLL).await;
        }
    }

    /// One WebDriver command on the session; `Err` carries the W3C error code and message.
    async fn try_cmd(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let session = self.session.as_deref().expect("a session");
        let url = format!("{}/session/{session}{path}", self.driver);
        let req = match method {
            "GET" => self.http.get(url),
            "POST" => self.http.post(url).json(&body),
            other => panic!("method {other}"),
        };
        let res = req
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let ok = res.status().is_success();
        let reply: Value = res
            .json()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let value = reply["value"].clone();
        if ok {
            Ok(value)
        } else {
            Err(format!(
                "{method} {path}: {} ({})",
                value["error"].as_str().unwrap_or("?"),
                value["message"]
                    .as_str()
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
            ))
        }
    }

    async fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        self.try_cmd(method, path, body)
            .await
            .unwrap_or_else(|e| panic!("WebDriver {e}"))
    }

    /// The page's width and the window's: a page wider than its window scrolls sideways.
    async fn page_width(&self) -> (i64, i64) {
        let dims = self
            .cmd(
                "POST",
                "/execute/sync",
                json!({"script": "return [document.documentElement.scrollWidth, \
                    document.documentElement.clientWidth];", "args": []}),
            )
            .await;
        (
            dims[0].as_i64().unwrap_or(i64::MAX),
            dims[1].as_i64().unwrap_or(0),
        )
    }

    /// A computed style of the first element `css` selects.
    async fn style(&self, css: &str, property: &str) -> String {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": "var e = document.querySelector(arguments[0]); \
                return e ? getComputedStyle(e).getPropertyValue(arguments[1]) : '';",
                "args": [css, property]}),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// The height of the page's header (its navigation folded or not).
    async fn header_height(&self) -> i64 {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": "var h = document.querySelector('header.top'); \
                return h ? Math.round(h.getBoundingClientRect().height) : 0;", "args": []}),
        )
        .await
        .as_i64()
        .unwrap_or(i64::MAX)
    }

    /// The elements wider than the window (what makes a page scroll sideways), by tag and class:
    /// those sticking out themselves or through their text, and not clipped by a region that
    /// scrolls inside the page.
    async fn too_wide(&self) -> Vec<String> {
        let v = self
            .cmd(
                "POST",
                "/execute/sync",
                json!({"script": "var w = document.documentElement.clientWidth; var out = []; \
                    document.querySelectorAll('body *').forEach(function (e) { \
                      var r = e.getBoundingClientRect(); \
                      for (var a = e.parentElement; a; a = a.parentElement) { \
                        if (getComputedStyle(a).overflowX !== 'visible' && \
                            a.getBoundingClientRect().right <= w + 1) return; } \
                      var right = getComputedStyle(e).overflowX === 'visible' ? \
                        Math.max(r.right, r.left + e.scrollWidth) : r.right; \
                      if (right > w + 1 && out.length < 5) { \
                        out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + \
                          (e.className ? '.' + String(e.className).replace(/ /g, '.') : '') + \
                          ' ' + Math.round(right)); } }); return out;", "args": []}),
            )
            .await;
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Radio buttons and checkboxes that do not sit with their label: wider than a box, or
    /// further than a few pixels from the text of the label around them.
    async fn choices_apart_from_labels(&self) -> Vec<String> {
        let out = self
            .cmd(
                "POST",
                "/execute/sync",
                json!({"script": "const bad = []; \
                    for (const i of document.querySelectorAll('input[type=radio], input[type=checkbox]')) { \
                      const r = i.getBoundingClientRect(); \
                      if (r.width === 0) continue; \
                      const l = i.closest('label'); \
                      let gap = 0; \
                      if (l) { const t = document.createRange(); t.selectNodeContents(l); \
                        const rs = [...t.getClientRects()].filter(x => x.width > 0 && x.left >= r.right - 1); \
                        if (rs.length) gap = Math.min(...rs.map(x => x.left)) - r.right; } \
                      if (r.width > 40 || gap > 24) bad.push(i.name + ' ' + i.value + ': ' + Math.round(r.width) + ' px wide, ' + Math.round(gap) + ' px from its label'); \
                    } return bad;", "args": []}),
            )
            .await;
        out.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    async fn goto(&self, url: &str) {
        self.cmd("POST", "/url", json!({ "url": url })).await;
        self.check_page().await;
    }

    async fn url(&self) -> String {
        self.cmd("GET", "/url", json!({}))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn title(&self) -> String {
        self.cmd("GET", "/title", json!({}))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn source(&self) -> String {
        self.cmd("GET", "/source", json!({}))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits until the page holds every one of `wanted` (a navigation may still be finishing),
    /// or fails showing where the browser is and what it shows.
    async fn expect_source(&self, wanted: &[&str], what: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let page = self.source().await;
            if wanted.iter().all(|w| page.contains(w)) {
                return page;
            }
            if Instant::now() >= deadline {
                let missing: Vec<&&str> = wanted.iter().filter(|w| !page.contains(*w)).collect();
                panic!(
                    "{what}: missing {missing:?} at {} (title {:?}): {}",
                    self.url().await,
                    self.title().await,
                    page.chars().take(3000).collect::<String>()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element id for {css}: {v}"))
            .to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.cmd("POST", &format!("/element/{el}/clear"), json!({}))
            .await;
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// On a phone the header's navigation is folded behind "Menu": a person opens it before
    /// using what is in it, and so does the test.
    async fn unfold_menu_for(&self, css: &str) {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": "var e = document.querySelector(arguments[0]); \
                if (e && e.closest('header.top') && !e.getClientRects().length) { \
                  var m = document.querySelector('label.menu-label'); if (m) m.click(); }",
                "args": [css]}),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        self.unfold_menu_for(css).await;
        let el = self.find(css).await;
        self.cmd("POST", &format!("/element/{el}/click"), json!({}))
            .await;
    }

    async fn text(&self, css: &str) -> String {
        self.unfold_menu_for(css).await;
        let el = self.find(css).await;
        self.cmd("GET", &format!("/element/{el}/text"), json!({}))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn attribute(&self, css: &str, name: &str) -> String {
        let el = self.find(css).await;
        self.cmd("GET", &format!("/element/{el}/attribute/{name}"), json!({}))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Clicks a submit button, then waits (polling, at most WAIT) until the old page is gone and
    /// the browser is on a path that `arrived` accepts. Returns that path.
    async fn submit(&self, app: &TestApp, css: &str, arrived: impl Fn(&str) -> bool) -> String {
        let old = self.find("html").await;
        self.click(css).await;
        let deadline = Instant::now() + WAIT;
        let mut path = String::new();
        loop {
            let gone = self
                .try_cmd("GET", &format!("/element/{old}/name"), json!({}))
                .await
                .is_err();
            if gone {
                let url = self.url().await;
                // The path without the query (notices after a change ride in the query).
                let full = url.strip_prefix(&app.base).unwrap_or(&url);
                path = full.split('?').next().unwrap_or_default().to_string();
                if arrived(&path) {
                    self.check_page().await;
                    return path;
                }
            }
            assert!(
                Instant::now() < deadline,
                "after clicking {css}: still on {path:?} (title {:?})",
                self.title().await
            );
            tokio::time::sleep(POLL).await;
        }
    }

    async fn screenshot(&self, to: &Path) {
        let b64 = self.cmd("GET", "/screenshot", json!({})).await;
        let png = base64_decode(b64.as_str().expect("base64 screenshot"));
        assert!(png.starts_with(b"\x89PNG"), "screenshot is a PNG");
        std::fs::create_dir_all(to.parent().expect("parent")).expect("screenshot dir");
        std::fs::write(to, png).expect("write screenshot");
    }

    async fn quit(mut self) {
        let findings = std::mem::take(&mut *self.findings.lock().unwrap());
        assert!(
            findings.is_empty(),
            "the pages of this journey failed their checks: {findings:#?}"
        );
        if let Some(session) = self.session.take() {
            let _ = self
                .http
                .delete(format!("{}/session/{session}", self.driver))
                .send()
                .await;
        }
    }
}

/// Standard base64 (with or without padding), as WebDriver returns screenshots.
fn base64_decode(s: &str) -> Vec<u8> {
    fn val(c: u8) -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {:?}", c as char),
        }
    }
    let digits: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &c)| acc | val(c) << (18 - 6 * i));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// A journey walked twice: on a laptop's screen and on a phone's.
macro_rules! on_both_screens {
    ($($journey:ident),+ $(,)?) => {$(
        mod $journey {
            #[tokio::test]
            async fn on_a_laptop() {
                super::$journey(super::Screen::Desktop).await
            }
            #[tokio::test]
            async fn on_a_phone() {
                super::$journey(super::Screen::Phone).await
            }
        }
    )+};
}

on_both_screens!(
    french_sign_in_case_creation_search_and_sign_out_in_chromium,
    case_lifecycle_with_conflict_in_english_and_french_in_chromium,
    spanish_public_report_and_screening_interview_in_chromium,
    french_training_workshop_to_certificate_in_chromium,
    referral_between_two_agencies_in_two_chromium_sessions,
    spanish_protection_journey_in_chromium,
    spanish_import_of_a_kobo_export_with_a_column_mapping_in_chromium
);

fn screenshot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots/case-fr.png")
}

#[test]
fn base64_decoder_matches_known_values() {
    assert_eq!(base64_decode("aGF2ZW4="), b"haven");
    assert_eq!(base64_decode("aGF2ZW4h"), b"haven!");
    assert_eq!(base64_decode("aGF2"), b"hav");
    assert_eq!(base64_decode("aA=="), b"h");
    assert_eq!(base64_decode("+/8="), [0xfb, 0xff]);
}

async fn french_sign_in_case_creation_search_and_sign_out_in_chromium(screen: Screen) {
    if !browser_available() {
        return;
    }
    let started = Instant::now();
    let app = TestApp::spawn().await;
    let b = Browser::start_on(screen).await;

    // The login page, in French from the browser's language (or by choosing it on the page).
    b.goto(&app.url("/login")).await;
    if b.attribute("html", "lang").await != "fr" {
        eprintln!("browser test: the browser did not ask for French; choosing it on the page");
        b.click("select[name=lang] option[value=fr]").await;
        b.submit(&app, "form.lang button[type=submit]", |p| p == "/login")
            .await;
    }
    assert_eq!(b.attribute("html", "lang").await, "fr");
    assert_eq!(
        b.text("form[action=\"/login\"] button[type=submit]").await,
        "Se connecter"
    );
    assert!(b.title().await.starts_with("Connexion"));

    b.type_into("#username", "caseworker").await;
    b.type_into("#password", PASSWORD).await;
    b.submit(&app, "form[action=\"/login\"] button[type=submit]", |p| {
        p == "/dashboard"
    })
    .await;
    assert!(b.title().await.starts_with("Tableau de bord"));

    // A new case, with an accented name and a region picked from the list.
    b.goto(&app.url("/cases/new")).await;
    assert!(b.title().await.starts_with("Ouvrir un nouveau cas"));
    b.type_into("#first_name", "Mariana").await;
    b.type_into("#second_name", "Gonçalves").await;
    b.click("#gender option[value=\"Feminine\"]").await;
    b.type_into("#assessed_age", "24").await;
    b.click("input[name=type_of_exploitation][value=ForcedLabour]")
        .await;
    b.click("#region option[value=\"GY-CU\"]").await;
    let option = b.find("#region option[value=\"GY-CU\"]").await;
    assert_eq!(
        b.cmd("GET", &format!("/element/{option}/selected"), json!({}))
            .await,
        json!(true),
        "region chosen"
    );
    let case_path = b
        .submit(
            &app,
            "form[action=\"/cases/new\"] button[type=submit]",
            |p| p.starts_with("/cases/") && p != "/cases/new",
        )
        .await;
    assert!(
        case_path["/cases/".len()..]
            .parse::<haven_domain::CaseId>()
            .is_ok(),
        "on a case page: {case_path}"
    );
    let page = b.source().await;
    for expected in [
        "Mariana",
        "Gonçalves",
        "Prénom",
        "Nom de famille",
        "Cuyuni-Mazaruni (7)",
    ] {
        assert!(page.contains(expected), "case page shows {expected:?}");
    }
    let shot = screenshot_path();
    b.screenshot(&shot).await;

    // The search finds her without the accent and regardless of case.
    b.goto(&app.url("/cases")).await;
    b.type_into("#name", "mariana goncalves").await;
    b.submit(&app, "form.search button[type=submit]", |p| {
        p == "/cases/search"
    })
    .await;
    let results = b.text("main table tbody").await;
    assert!(
        results.contains("Mariana"),
        "search result lists the new case: {results}"
    );
    let link = b.attribute("main table tbody a", "href").await;
    assert!(link.ends_with(&case_path), "{link} is {case_path}");

    // Signing out from the header lands on the (French) login page.
    b.submit(&app, "form[action=\"/logout\"] button[type=submit]", |p| {
        p == "/login"
    })
    .await;
    assert!(b.title().await.starts_with("Connexion"));
    assert_eq!(
        b.text("form[action=\"/login\"] button[type=submit]").await,
        "Se connecter"
    );
    assert!(
        !b.source().await.contains("action=\"/logout\""),
        "signed out"
    );

    b.quit().await;
    eprintln!(
        "browser test passed in {:.1} s; screenshot {}",
        started.elapsed().as_secs_f64(),
        shot.display()
    );
}

/// The daily work on one case, as a case worker does it in the browser, in English and then in
/// French: register, find, view, edit, have a second save refused as a conflict, close.
async fn case_lifecycle_with_conflict_in_english_and_french_in_chromium(screen: Screen) {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let i18n = haven_i18n::I18n::load().unwrap();
    let b = Browser::start_on(screen).await;
    for (lang, first, last) in [
        (haven_i18n::Lang::En, "Rosalind", "Ferreira"),
        (haven_i18n::Lang::Fr, "Éloïse", "Baptiste"),
    ] {
        let t = |key: &str| i18n.t(lang, key);
        b.goto(&app.url("/login")).await;
        b.type_into("#username", "caseworker").await;
        b.type_into("#password", PASSWORD).await;
        b.submit(&app, "form[action=\"/login\"] button[type=submit]", |p| {
            p == "/dashboard"
        })
        .await;
        b.click(&format!("select[name=lang] option[value={}]", lang.code()))
            .await;
        b.submit(&app, "form.lang button[type=submit]", |p| p == "/dashboard")
            .await;
        assert_eq!(b.attribute("html", "lang").await, lang.code());

        // Register.
        b.goto(&app.url("/cases/new")).await;
        b.expect_source(&[&t("field-first_name-help")], "help texts shown")
            .await;
        b.type_into("#first_name", first).await;
        b.type_into("#second_name", last).await;
        b.click("#gender option[value=\"Feminine\"]").await;
        b.type_into("#assessed_age", "19").await;
        b.click("input[name=type_of_exploitation][value=SexualExploitation]")
            .await;
        b.click("input[name=methods_of_control][value=DebtBondage]")
            .await;
        b.type_into("#citizenship", "VE").await;
        b.click("#region option[value=\"GY-PT\"]").await;
        let case_path = b
            .submit(
                &app,
                "form[action=\"/cases/new\"] button[value=save]",
                |p| p.starts_with("/cases/") && p != "/cases/new",
            )
            .await;
        assert!(b.source().await.contains(&t("notice-case-created")));

        // Find, without the accents, and open it from the results.
        b.goto(&app.url("/cases")).await;
        let plain = first.replace('É', "E").replace('ï', "i");
        b.type_into("#name", &format!("{plain} {last}")).await;
        b.submit(&app, "form.search button[type=submit]", |p| {
            p == "/cases/search"
        })
        .await;
        let link = b.attribute("main table tbody a", "href").await;
        assert!(link.ends_with(&case_path), "{link} is {case_path}");
        b.goto(&app.url(&case_path)).await;
        b.expect_source(
            &[
                first,
                last,
                &t("code-vic_MethodsOfControl-DebtBondage"),
                &t("section-route"),
            ],
            "the case page",
        )
        .await;

        // Edit; meanwhile the same case is saved from another window.
        b.goto(&app.url(&format!("{case_path}/edit"))).await;
        b.type_into("#mobile_phone", "+592 600 7777").await;
        let other = app.login("caseworker").await;
        let form = other
            .get(&format!("{case_path}/edit"))
            .await
            .text()
            .await
            .unwrap();
        let i = form.find("name=\"version\" value=\"").unwrap();
        let version: String = form[i + 22..].chars().take_while(|c| *c != '"').collect();
        let mut fields: Vec<(&str, &str)> = vec![
            ("version", version.as_str()),
            ("first_name", first),
            ("second_name", last),
            ("gender", "Feminine"),
            ("assessed_age", "19"),
            ("trafficking_status", "PossibleVictimOfTrafficking"),
            ("type_of_exploitation", "SexualExploitation"),
            ("region", "GY-PT"),
            ("risk_level", "High"),
        ];
        fields.push(("citizenship", "VE"));
        assert_eq!(
            other
                .post_form(&format!("{case_path}/edit"), &fields)
                .await
                .status(),
            303
        );
        let edit = format!("{case_path}/edit");
        b.submit(&app, "form.record button[value=save]", |p| p == edit)
            .await;
        let conflict = b.source().await;
        assert!(
            conflict.contains(&t("conflict-intro").replace('\'', "&#39;"))
                || conflict.contains(&t("conflict-intro")),
            "the conflict is explained in {}",
            lang.code()
        );
        assert!(
            conflict.contains(&t("code-hvn_RiskLevel-High")),
            "the other save is shown"
        );
        assert_eq!(
            b.attribute("#mobile_phone", "value").await,
            "+592 600 7777",
            "what was typed is kept"
        );
        // Saving again after reading the conflict keeps both changes.
        b.click("#risk_level option[value=\"High\"]").await;
        b.submit(&app, "form.record button[value=save]", |p| p == case_path)
            .await;
        let page = b.source().await;
        assert!(page.contains("+592 600 7777") && page.contains(&t("notice-case-saved")));

        // Close with a reason.
        b.click("section.actions details:nth-of-type(1) summary")
            .await;
        b.click("#closure_reason option[value=AssistanceCompleted]")
            .await;
        b.submit(
            &app,
            &format!("form[action=\"{case_path}/close\"] button[type=submit]"),
            |p| p == case_path,
        )
        .await;
        assert_eq!(
            b.text(".case-header .badge").await,
            t("code-cas_Status-Closed")
        );
        b.submit(&app, "form[action=\"/logout\"] button[type=submit]", |p| {
            p == "/login"
        })
        .await;
    }
    b.quit().await;
}

/// In Spanish, in Chromium: a member of the public reports a situation without an account and
/// gets a reference code; a screener then walks through the interview (plain questions, radio
/// answers, an evidence note), reads the explained result, and runs the duplicate check.
async fn spanish_public_report_and_screening_interview_in_chromium(screen: Screen) {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let b = Browser::start_on(screen).await;

    b.goto(&app.url("/login")).await;
    b.click("select[name=lang] option[value=es]").await;
    b.submit(&app, "form.lang button[type=submit]", |p| p == "/login")
        .await;
    assert_eq!(b.attribute("html", "lang").await, "es");

    // The public report: reached from the sign-in page, no account needed.
    let report = b.attribute("a[href=\"/report\"]", "href").await;
    assert!(report.ends_with("/report"));
    b.goto(&app.url("/report")).await;
    assert!(
        b.title()
            .await
            .starts_with("Reportar una situación sospechosa"),
        "{}",
        b.title().await
    );
    b.type_into(
        "#what",
        "Hombres en una draga río arriba no reciben pago desde hace meses.",
    )
    .await;
    b.click("#suspected option[value=labour]").await;
    b.click("#region option[value=\"GY-CU\"]").await;
    b.submit(&app, "form[action=\"/report\"] button[type=submit]", |p| {
        p == "/report"
    })
    .await;
    let reference = b.text("#reference").await;
    assert!(reference.starts_with("T-"), "{reference}");
    assert!(b.title().await.starts_with("Gracias"));
    let stored = app
        .count_of("SELECT COUNT(*) FROM tips WHERE reference = $1", &reference)
        .await;
    assert_eq!(stored, 1);

    // The screener's interview.
    b.goto(&app.url("/login")).await;
    b.type_into("#username", "screener").await;
    b.type_into("#password", PASSWORD).await;
    b.submit(&app, "form[action=\"/login\"] button[type=submit]", |p| {
        p == "/dashboard"
    })
    .await;
    b.goto(&app.url("/screenings/new")).await;
    assert!(
        b.title()
            .await
            .starts_with("Entrevista de evaluación inicial")
    );
    let apart = b.choices_apart_from_labels().await;
    assert!(apart.is_empty(), "{apart:?}");
    b.click("input[name=consent]").await;
    b.type_into("#age", "24").await;
    b.click("input[name=labour]").await;
    b.click("input[name=act]").await;
    for id in [
        "deceived_nature_of_job",
        "deceived_wages",
        "excessive_working_hours",
        "low_or_no_salary",
        "confiscation_of_documents",
        "debt_bondage",
    ] {
        b.click(&format!("input[name=a_{id}][value=present]")).await;
    }
    b.type_into(
        "input[name=e_confiscation_of_documents]",
        "El jefe guarda su cédula",
    )
    .await;
    let result = b
        .submit(
            &app,
            "form[action=\"/screenings\"] button[type=submit]",
            |p| p.starts_with("/screenings/") && p != "/screenings/new",
        )
        .await;
    let h1 = b.text("h1").await;
    assert!(
        h1.contains("Resultado de la evaluación")
            && h1.contains("Se cumplen los indicadores de trata"),
        "{h1}"
    );
    let page = b.source().await;
    assert!(
        page.contains("El jefe guarda su cédula"),
        "the evidence is shown"
    );
    b.screenshot(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots/screening-es.png"),
    )
    .await;

    // The duplicate check, then back to the screening.
    b.type_into("#first_name", "Rosa").await;
    b.type_into("#birth_year", "2001").await;
    b.submit(
        &app,
        "form[action$=\"/matches\"] button[type=submit]",
        |p| p.ends_with("/matches"),
    )
    .await;
    assert!(b.title().await.starts_with("Posibles casos existentes"));
    assert!(
        b.source()
            .await
            .contains("Registrar un caso nuevo a partir de esta evaluación")
    );
    assert!(
        b.attribute("main a[href^=\"/screenings/\"]", "href")
            .await
            .ends_with(&result)
    );
    b.quit().await;
}

/// The trainer's day, in French, in Chromium: a workshop, the sign-up sheet uploaded and
/// confirmed after its preview, attendance ticked and scores typed, certificates issued, one
/// verified on the public page, and the report.
async fn french_training_workshop_to_certificate_in_chromium(screen: Screen) {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let b = Browser::start_on(screen).await;
    b.goto(&app.url("/login")).await;
    if b.attribute("html", "lang").await != "fr" {
        b.click("select[name=lang] option[value=fr]").await;
        b.submit(&app, "form.lang button[type=submit]", |p| p == "/login")
            .await;
    }
    b.type_into("#username", "trainer").await;
    b.type_into("#password", PASSWORD).await;
    b.submit(&app, "form[action=\"/login\"] button[type=submit]", |p| {
        p == "/dashboard"
    })
    .await;

    b.goto(&app.url("/training/new")).await;
    assert!(b.title().await.starts_with("Nouvel atelier"));
    b.type_into("#title", "Identification et orientation").await;
    b.click("input[name=topics][value=identification]").await;
    b.click("input[name=topics][value=referral]").await;
    // Date inputs take typing in the browser's locale; the value is set as a date picker would.
    b.cmd(
        "POST",
        "/execute/sync",
        json!({"script": "document.getElementById('first_day').value='2026-02-23'; document.getElementById('last_day').value='2026-02-24';", "args": []}),
    )
    .await;
    b.click("#region option[value=\"GY-DE\"]").await;
    let workshop = b
        .submit(
            &app,
            "form[action=\"/training/new\"] button[type=submit]",
            |p| p.starts_with("/training/") && p != "/training/new",
        )
        .await;

    // The sign-up sheet, through the file input.
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("emargement.csv");
    std::fs::write(
        &sheet,
        "Prénom;Nom;Sexe;Organisme\nAndré;Duprè;H;Ministry of Labour\nLucie;Marchand;F;Help & Shelter\n",
    )
    .unwrap();
    b.goto(&app.url(&format!("{workshop}/import"))).await;
    let input = b.find("#file").await;
    b.cmd(
        "POST",
        &format!("/element/{input}/value"),
        json!({"text": sheet.display().to_string()}),
    )
    .await;
    b.submit(&app, "form[enctype] button[type=submit]", |p| {
        p.ends_with("/import")
    })
    .await;
    assert!(
        b.text("#preview-summary")
            .await
            .starts_with("2 lignes sur 2"),
        "{}",
        b.text("#preview-summary").await
    );
    b.submit(
        &app,
        "form[action$=\"/import/confirm\"] button[type=submit]",
        |p| p == workshop,
    )
    .await;
    assert!(b.source().await.contains("Marchand"));

    // Attendance and scores: ticked and typed like a trainer would.
    b.cmd(
        "POST",
        "/execute/sync",
        json!({"script": "document.querySelectorAll('input[name^=att_]').forEach(c => { if (!c.checked) c.click(); }); document.querySelectorAll('input[name^=pre_]').forEach(i => i.value = '45'); document.querySelectorAll('input[name^=post_]').forEach(i => i.value = '80');", "args": []}),
    )
    .await;
    b.submit(
        &app,
        "form[action$=\"/register\"] button[type=submit]",
        |p| p == workshop,
    )
    .await;
    b.submit(
        &app,
        "form[action$=\"/certificates\"] button[type=submit]",
        |p| p == workshop,
    )
    .await;
    assert!(b.source().await.contains("2 attestations délivrées"));
    let code = b.text("a[href*=\"/certificates/\"]").await;
    assert_eq!(code.len(), 14, "{code}");

    // Anyone can check the certificate.
    b.goto(&app.url("/verify")).await;
    b.type_into("#code", &code.to_lowercase()).await;
    b.submit(&app, "form[action=\"/verify\"] button[type=submit]", |p| {
        p == "/verify"
    })
    .await;
    assert!(b.text("#verified").await.contains("authentique"));
    assert!(b.source().await.contains("Identification et orientation"));

    b.goto(&app.url("/training/report?from=2026-02-01&to=2026-02-28"))
        .await;
    let summary = b.text("#summary").await;
    assert!(
        summary.starts_with("2 personnes formées") && summary.contains("50 % de femmes"),
        "{summary}"
    );
    b.screenshot(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots/training-fr.png"),
    )
    .await;
    b.quit().await;
}

/// Signs a browser in (in French) as a demo user without a second factor.
async fn sign_in(b: &Browser, app: &TestApp, user: &str) {
    sign_in_in(b, app, user, "fr").await
}

/// Signs a browser in, in a language, as a demo user without a second factor.
async fn sign_in_in(b: &Browser, app: &TestApp, user: &str, lang: &str) {
    b.goto(&app.url("/login")).await;
    if b.attribute("html", "lang").await != lang {
        b.click(&format!("select[name=lang] option[value={lang}]"))
            .await;
        b.submit(app, "form.lang button[type=submit]", |p| p == "/login")
            .await;
    }
    b.type_into("#username", user).await;
    b.type_into("#password", PASSWORD).await;
    let at = b
        .submit(app, "form[action=\"/login\"] button[type=submit]", |p| {
            p == "/dashboard" || p == "/login/mfa"
        })
        .await;
    if at == "/login/mfa" {
        // The demo's second factor, as the user's authenticator app would show it.
        let secret = match user {
            "admin" => haven_demo::DEMO_TOTP_ADMIN,
            "coordinator" => haven_demo::DEMO_TOTP_COORDINATOR,
            other => panic!("no known TOTP secret for {other}"),
        };
        let code =
            haven_crypto::totp::current_code(secret, haven_core::now() as u64).expect("a code");
        b.type_into("#code", &code).await;
        b.submit(app, "main form button[type=submit]", |p| p == "/dashboard")
            .await;
    }
}

/// The referral journey in two browsers at once: the case worker refers with the person's
/// consent, the provider (another session) is notified, accepts, sees only the shared section,
/// completes with an outcome, and the case worker sees the outcome on the referral and the case.
async fn referral_between_two_agencies_in_two_chromium_sessions(screen: Screen) {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let ffp = app.agency("Food for the Poor Guyana").await;
    // The case and the person's consent to referral to Food for the Poor, set up directly.
    let s = app.login("caseworker").await;
    let id = s
        .new_case(&[
            ("first_name", "Marisol"),
            ("second_name", "Quintero"),
            ("mobile_phone", "+592 611 2222"),
        ])
        .await;
    let case = format!("/cases/{id}");
    let cw = app.principal("caseworker").await;
    app.consent_to_referral(&cw, id, ffp).await;

    let a = Browser::start_on(screen).await;
    sign_in(&a, &app, "caseworker").await;
    a.goto(&app.url(&format!("{case}/referrals"))).await;
    a.click(&format!("#to_agency_id option[value=\"{ffp}\"]"))
        .await;
    a.click("input[name=services][value=material_assistance]")
        .await;
    a.click("input[name=urgency][value=within_24h]").await;
    a.type_into("#reason", "Vêtements et nourriture").await;
    a.click("input[name=sections][value=identity]").await;
    let referral = a
        .submit(&app, "button[name=action][value=send]", |p| {
            p.starts_with("/referrals/")
        })
        .await;

    // The provider, in a second browser: told, then accepts.
    let b = Browser::start_on(screen).await;
    sign_in(&b, &app, "provider").await;
    assert_eq!(b.text("#nav-notifications strong").await, "1");
    b.goto(&app.url("/notifications")).await;
    assert!(
        b.text("#notifications")
            .await
            .contains("Nouvelle orientation vers votre organisme")
    );
    b.submit(&app, "#notifications button[type=submit]", |p| {
        p == referral
    })
    .await;
    assert!(
        b.text("#shared")
            .await
            .contains("une fois l'orientation acceptée")
    );
    assert!(!b.source().await.contains("Marisol"));
    b.submit(
        &app,
        &format!("form[action=\"{referral}/accept\"] button[type=submit]"),
        |p| p == referral,
    )
    .await;
    let shared = b.text("#shared").await;
    assert!(shared.contains("Marisol Quintero"), "{shared}");
    let page = b.source().await;
    assert!(!page.contains("611 2222"), "the phone was not shared");
    assert!(!page.contains(&case), "no link to the case");
    b.submit(
        &app,
        &format!("form[action=\"{referral}/start\"] button[type=submit]"),
        |p| p == referral,
    )
    .await;
    b.type_into("#outcome", "Colis alimentaire et vêtements remis")
        .await;
    b.submit(
        &app,
        &format!("form[action=\"{referral}/complete\"] button[type=submit]"),
        |p| p == referral,
    )
    .await;
    assert!(b.text("#status").await.contains("terminée"));
    b.quit().await;

    // The case worker sees the outcome on the referral and among the case's services.
    a.goto(&app.url("/notifications")).await;
    assert!(a.text("#notifications").await.contains("terminée"));
    a.goto(&app.url(&referral)).await;
    assert!(
        a.text("#answer")
            .await
            .contains("Colis alimentaire et vêtements remis")
    );
    a.goto(&app.url(&case)).await;
    let services = a.text("#referrals").await;
    assert!(
        services.contains("Colis alimentaire et vêtements remis") && services.contains("fourni"),
        "{services}"
    );
    a.screenshot(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots/referral-fr.png"),
    )
    .await;
    a.quit().await;
}

/// A protection journey in Spanish: risk assessment → assistance plan → a service → a follow-up
/// done → closure, after which the case is read-only.
async fn spanish_protection_journey_in_chromium(screen: Screen) {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let s = app.login("childcare").await;
    let res = s.open_case(&[("first_name", "Yenny")]).await;
    let case = crate::harness::location(&res);
    let b = Browser::start_on(screen).await;
    sign_in_in(&b, &app, "childcare", "es").await;
    b.goto(&app.url(&format!("{case}/protection"))).await;
    assert!(b.title().await.starts_with("Protección y seguimiento"));

    // Risk: high without a safety plan is refused, with what was typed kept.
    b.click("#risk summary").await;
    b.click("#risk_level option[value=High]").await;
    b.type_into("#risk_notes", "El reclutador llamó a su hermana")
        .await;
    let page = format!("{case}/protection/risk");
    b.submit(
        &app,
        "form[action$=\"/protection/risk\"] button[type=submit]",
        |p| p == page,
    )
    .await;
    assert!(b.source().await.contains("requiere un plan de seguridad"));
    assert!(
        b.source()
            .await
            .contains("El reclutador llamó a su hermana")
    );
    b.type_into(
        "#safety_plan",
        "Se queda en el albergue; no contesta números desconocidos",
    )
    .await;
    let back = format!("{case}/protection");
    b.submit(
        &app,
        "form[action$=\"/protection/risk\"] button[type=submit]",
        |p| p == back,
    )
    .await;
    assert!(b.text("#risk-level").await.contains("Alto"));

    // The plan: two goals.
    b.type_into("#goal_0_text", "Alojamiento seguro hasta el juicio")
        .await;
    b.click("input[name=goal_0_services][value=safe_accommodation]")
        .await;
    b.type_into("#goal_1_text", "Volver a la escuela").await;
    b.submit(&app, "#plan-form button[type=submit]", |p| p == back)
        .await;
    assert!(b.text("#plan-status").await.contains("vigente"));

    // A service delivered, then a follow-up, done.
    b.click("#services summary").await;
    b.click("#service_type option[value=psychosocial]").await;
    b.type_into("#provider_name", "Consejería comunitaria")
        .await;
    b.type_into("#service_outcome", "Cuatro sesiones").await;
    b.submit(
        &app,
        "form[action$=\"/protection/services\"] button[type=submit]",
        |p| p == back,
    )
    .await;
    assert!(b.text("#services").await.contains("Cuatro sesiones"));
    b.click("#tasks summary").await;
    b.click("#task_kind option[value=visit]").await;
    b.type_into("#task_title", "Visita a la escuela").await;
    b.cmd(
        "POST",
        "/execute/sync",
        json!({"script": "document.getElementById('task_due_on').value='2027-01-05';", "args": []}),
    )
    .await;
    b.submit(
        &app,
        "form[action$=\"/protection/tasks\"] button[type=submit]",
        |p| p == back,
    )
    .await;
    assert!(b.text("#tasks").await.contains("Visita a la escuela"));
    b.submit(
        &app,
        "#tasks form[action$=\"/done\"] button[type=submit]",
        |p| p.starts_with(&back),
    )
    .await;
    assert!(b.text("#tasks").await.contains("hecho"));

    // Closure: then read-only.
    b.goto(&app.url(&case)).await;
    b.click(".actions details summary").await;
    b.click("#closure_reason option[value=AssistanceCompleted]")
        .await;
    b.submit(&app, "form[action$=\"/close\"] button[type=submit]", |p| {
        p == case
    })
    .await;
    b.goto(&app.url(&back)).await;
    let page = b
        .expect_source(&["Este caso está cerrado"], "the closed protection page")
        .await;
    assert!(!page.contains("id=\"plan-form\""));
    b.screenshot(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots/protection-es.png"),
    )
    .await;
    b.quit().await;
}

/// The pages this release changed, on a phone (360 px wide), in Spanish: the statistics page
/// with its "as of" line, the release form with its ledger of earlier releases, the dashboard
/// and the case search with the high-risk filter. None scrolls sideways (a wide table scrolls
/// inside itself, not the page).
#[tokio::test]
async fn statistics_releases_and_dashboard_fit_a_phone_in_chromium() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let analyst = app.login("analyst").await;
    let token = analyst.token().await;
    let res = crate::release::release(
        &analyst,
        &app.base,
        &token,
        json!({"kind": "aggregates", "k": 5, "reporting_length": 1}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let b = Browser::start().await;
    b.cmd("POST", "/window/rect", json!({"width": 360, "height": 800}))
        .await;
    sign_in_in(&b, &app, "analyst", "es").await;
    for (path, wanted) in [
        ("/stats", "Cifras al"),
        ("/stats/releases", "Publicaciones hechas"),
        ("/dashboard", "Panel principal"),
        // The token list and the form with its scopes (the analyst made a token above).
        ("/account", "Qué puede hacer"),
    ] {
        b.goto(&app.url(path)).await;
        b.expect_source(&[wanted], path).await;
        let (scroll, client) = b.page_width().await;
        assert!(scroll <= client, "{path}: {scroll} px wide in {client} px");
    }
    let cw = Browser::start().await;
    cw.cmd("POST", "/window/rect", json!({"width": 360, "height": 800}))
        .await;
    sign_in_in(&cw, &app, "caseworker", "es").await;
    cw.goto(&app.url("/cases?high_risk=true")).await;
    cw.expect_source(
        &["Solo casos abiertos con riesgo alto o crítico"],
        "high-risk filter",
    )
    .await;
    assert_eq!(
        cw.attribute("input[name=high_risk]", "checked").await,
        "true",
        "the filter is shown as on"
    );
    let (scroll, client) = cw.page_width().await;
    assert!(scroll <= client, "/cases: {scroll} px wide in {client} px");
}

/// A Spanish case worker brings a KoboToolbox export into Haven: uploads it, sees the preview,
/// maps the column the form added ("Zona") to the region, reads the file again, imports, and
/// downloads the rows to fix. The job page waits for the work (no JavaScript, no timed refresh).
async fn spanish_import_of_a_kobo_export_with_a_column_mapping_in_chromium(screen: Screen) {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let b = Browser::start_on(screen).await;
    sign_in_in(&b, &app, "caseworker", "es").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kobo-export.csv");
    std::fs::write(
        &file,
        "start,end,persona/prs_First_Name,persona/prs_Second_Name,persona/prs_Gender,persona/prs_Birthdate,victima/vic_TraffickingStatus,victima/vic_TypeOfExploitation/ForcedLabour,victima/vic_TypeOfExploitation/SexualExploitation,Zona,_id,_uuid,_submission_time,meta/instanceID\n\
         2025-03-01,2025-03-01,Rosa,Quispe,Femenino,2007-05-06,Posible víctima de trata,1,0,Region 7,1,u-1,2025-03-01T10:00:00,uuid:1\n\
         2025-03-02,2025-03-02,Juan,Pérez,masculine,31/02/2001,PossibleVictimOfTrafficking,0,1,Region 1,2,u-2,2025-03-02T10:00:00,uuid:2\n\
         2025-03-03,2025-03-03,Łukasz,Nowak,Masculine,marzo 1999,ActualVictimOfTrafficking,1,0,Region 7,3,u-3,2025-03-03T10:00:00,uuid:3\n",
    )
    .unwrap();
    b.goto(&app.url("/cases")).await;
    b.click("#import-link").await;
    b.expect_source(&["enctype=\"multipart/form-data\""], "the import page")
        .await;
    let input = b.find("#file").await;
    b.cmd(
        "POST",
        &format!("/element/{input}/value"),
        json!({"text": file.display().to_string()}),
    )
    .await;
    let job = b
        .submit(&app, "form[action=\"/imports\"] button[type=submit]", |p| {
            p.starts_with("/imports/")
        })
        .await;
    // The page answers once the preview is ready. Without a region, every row lacks
    // one: "Zona" is not a field Haven knows.
    b.expect_source(&["id=\"preview-summary\"", "Zona"], "the preview")
        .await;
    assert!(
        b.text("#preview-summary")
            .await
            .starts_with("3 filas: 0 listas"),
        "{}",
        b.text("#preview-summary").await
    );
    // Map "Zona" to the region and read the file again.
    let zona = b
        .cmd(
            "POST",
            "/execute/sync",
            json!({"script": "const l = [...document.querySelectorAll('label')].find(l => l.textContent.trim() === 'Zona'); return l.getAttribute('for');", "args": []}),
        )
        .await;
    let select = zona.as_str().unwrap().to_string();
    b.click(&format!("#{select} option[value=region]")).await;
    b.submit(
        &app,
        "form[action$=\"/mapping\"] button[type=submit]",
        |p| p == job,
    )
    .await;
    b.expect_source(&["id=\"preview-summary\"", "2 listas"], "the preview again")
        .await;
    b.screenshot(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots/import-preview-es.png"),
    )
    .await;
    b.submit(&app, "#commit", |p| p == job).await;
    b.expect_source(
        &["id=\"import-outcome\"", "id=\"errors-file\""],
        "the outcome",
    )
    .await;
    assert!(
        b.text("#import-outcome")
            .await
            .starts_with("2 casos creados"),
        "{}",
        b.text("#import-outcome").await
    );
    // The imported cases are in the list, with the person's name.
    b.goto(&app.url("/cases")).await;
    b.expect_source(&["Rosa Quispe", "Łukasz Nowak"], "the case list")
        .await;
    assert!(!b.source().await.contains("Juan"));
    b.screenshot(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots/import-es.png"),
    )
    .await;
    b.quit().await;
}

/// Each role's everyday pages on a phone (360 px wide), in English: none scrolls sideways (a
/// table shows its rows stacked, a long word wraps), and the header, its navigation folded
/// behind "Menu", leaves the screen to the page. Like every page a browser test arrives on,
/// each also passes axe-core and shows no raw code.
#[tokio::test]
async fn every_role_s_pages_fit_a_phone_in_chromium() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn_with(Default::default(), 40).await;
    let case = app.case("caseworker").create().await;
    let case_page = format!("/cases/{case}");
    let history = format!("/cases/{case}/history");
    let edit = format!("/cases/{case}/edit");
    let protection = format!("/cases/{case}/protection");
    let referral_form = format!("/cases/{case}/referrals");
    let journeys: Vec<(&str, Vec<&str>)> = vec![
        (
            "caseworker",
            vec![
                "/dashboard",
                "/cases",
                &case_page,
                &history,
                &edit,
                &protection,
                &referral_form,
                "/cases/new",
                "/screenings/new",
                "/referrals",
                "/tips",
                "/tasks",
                "/transfers",
                "/services",
                "/notifications",
                "/account",
                "/imports",
            ],
        ),
        ("provider", vec!["/dashboard", "/referrals", "/services"]),
        (
            "coordinator",
            vec![
                "/dashboard",
                "/cases",
                "/transfers",
                "/duplicates",
                "/tips",
                "/referrals",
                "/stats",
            ],
        ),
        (
            "admin",
            vec!["/dashboard", "/admin/users", "/admin/agencies", "/account"],
        ),
        ("auditor", vec!["/dashboard", "/audit"]),
        (
            "trainer",
            vec!["/training", "/training/new", "/training/report"],
        ),
        ("analyst", vec!["/stats", "/stats/releases"]),
        ("screener", vec!["/screenings/new", "/tips/new"]),
    ];
    let mut problems = Vec::new();
    for (user, paths) in journeys {
        let b = Browser::start().await;
        b.cmd("POST", "/window/rect", json!({"width": 360, "height": 800}))
            .await;
        sign_in_in(&b, &app, user, "en").await;
        // The menu is folded, and opens with its button (no script).
        let nav = "header.top nav";
        assert_eq!(b.style(nav, "display").await, "none", "{user}: folded");
        b.click("label.menu-label").await;
        assert_ne!(b.style(nav, "display").await, "none", "{user}: opened");
        for path in paths {
            b.goto(&app.url(path)).await;
            let (scroll, client) = b.page_width().await;
            if scroll > client {
                problems.push(format!(
                    "{user} {path}: {scroll} px wide in {client}: {:?}",
                    b.too_wide().await
                ));
            }
            let header = b.header_height().await;
            if header > 130 {
                problems.push(format!("{user} {path}: header {header} px high"));
            }
        }
        b.quit().await;
    }
    for path in ["/report", "/verify", "/login"] {
        let b = Browser::start().await;
        b.cmd("POST", "/window/rect", json!({"width": 360, "height": 800}))
            .await;
        b.goto(&app.url(path)).await;
        let (scroll, client) = b.page_width().await;
        if scroll > client {
            problems.push(format!(
                "{path}: {scroll} px wide: {:?}",
                b.too_wide().await
            ));
        }
        b.quit().await;
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
