//! Phones in the field: a collection credential made under "My account" signs ODK Collect in
//! to the OpenRosa endpoints, by Digest (computed here as Collect computes it) or by Basic;
//! without it, or once revoked, expired or its account disabled, the phone is challenged again.
use std::io::Read;

use base64::Engine;
use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::harness::TestApp;

fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A parameter of a `WWW-Authenticate: Digest …` challenge.
fn param<'a>(challenge: &'a str, name: &str) -> &'a str {
    let at = challenge.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
    let rest = &challenge[at..];
    &rest[..rest.find('"').unwrap()]
}

/// The `Authorization` header ODK Collect sends (okhttp-digest's format and order).
fn digest_header(
    user: &str,
    secret: &str,
    challenge: &str,
    method: &str,
    uri: &str,
    nc: u32,
) -> String {
    let (realm, nonce) = (param(challenge, "realm"), param(challenge, "nonce"));
    let ha1 = md5_hex(&format!("{user}:{realm}:{secret}"));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    let nc = format!("{nc:08x}");
    let cnonce = "8c3f0b2a1d9e7f64";
    let response = md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         response=\"{response}\", qop=auth, nc={nc}, cnonce=\"{cnonce}\", algorithm=MD5"
    )
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    uri: &str,
    auth: Option<&str>,
) -> reqwest::Response {
    let mut r = reqwest::Client::new()
        .request(method, app.url(uri))
        .header("X-OpenRosa-Version", "1.0");
    if let Some(a) = auth {
        r = r.header("Authorization", a);
    }
    r.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_signs_in_by_digest_or_basic_until_revoked() {
    let app = TestApp::spawn().await;
    let screener = app.login("screener").await;

    // Made on the account page: shown once, with the QR code Collect scans.
    let html = screener
        .post_form(
            "/account/phones",
            &[("label", "Samsung, Region 8 team"), ("days", "90")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<svg role=\"img\""), "the QR code");
    let username = {
        let at = html.find("hvn-").expect("user name shown");
        html[at..at + 14].to_string()
    };
    let secret = {
        let at = html.find("class=\"secret\">").unwrap() + 15;
        html[at..at + 24].to_string()
    };
    assert!(
        secret.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{secret}"
    );
    let again = screener.get("/account/phones").await.text().await.unwrap();
    assert!(
        again.contains(&username) && !again.contains(&secret),
        "the secret is shown once"
    );

    // Through the API too: the settings are Collect's QR payload (zlib JSON in base64).
    let token = screener.token().await;
    let (status, made) = app
        .api_json(
            &token,
            reqwest::Method::POST,
            "/devices",
            Some(&json!({"label": "Nokia, border post", "days": 30})),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let z = base64::engine::general_purpose::STANDARD
        .decode(made["settings"].as_str().unwrap())
        .unwrap();
    let mut settings = String::new();
    flate2::read::ZlibDecoder::new(&z[..])
        .read_to_string(&mut settings)
        .unwrap();
    let settings: Value = serde_json::from_str(&settings).unwrap();
    assert_eq!(settings["general"]["username"], made["device"]["username"]);
    assert_eq!(settings["general"]["password"], made["secret"]);
    assert!(
        settings["general"]["server_url"]
            .as_str()
            .unwrap()
            .ends_with("/openrosa")
    );

    // No credential: a Digest challenge, and the OpenRosa headers.
    let list = "/openrosa/formList?deviceID=collect%3AAbCdEfGh12345678";
    let res = send(&app, reqwest::Method::GET, list, None).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["x-openrosa-version"], "1.0");
    let challenge = res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(challenge.starts_with("Digest ") && challenge.contains("qop=\"auth\""));

    // Digest, as Collect answers the challenge: the form list, then the submission preflight
    // with the same nonce and the next count.
    let auth = digest_header(&username, &secret, &challenge, "GET", list, 1);
    let res = send(&app, reqwest::Method::GET, list, Some(&auth)).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("http://openrosa.org/xforms/xformsList")
    );
    let submission = "/openrosa/submission?deviceID=collect%3AAbCdEfGh12345678";
    let auth = digest_header(&username, &secret, &challenge, "HEAD", submission, 2);
    let res = send(&app, reqwest::Method::HEAD, submission, Some(&auth)).await;
    assert_eq!(res.status(), 204);
    assert!(
        res.headers()
            .contains_key("x-openrosa-accept-content-length")
    );

    // What must not sign in: another secret, another address than the one signed, a nonce
    // Haven did not give, another method than the one signed.
    let wrong = [
        digest_header(
            &username,
            "not-the-secret-at-all-xx",
            &challenge,
            "GET",
            list,
            3,
        ),
        digest_header(
            &username,
            &secret,
            &challenge,
            "GET",
            "/openrosa/formList",
            3,
        ),
        digest_header(
            &username,
            &secret,
            "Digest realm=\"Haven OpenRosa\", nonce=\"1800000000.00112233445566778899aabbccddeeff\"",
            "GET",
            list,
            1,
        ),
        digest_header(&username, &secret, &challenge, "POST", list, 3),
        "Digest garbage".to_string(),
        "Basic !!!".to_string(),
    ];
    for auth in &wrong {
        let res = send(&app, reqwest::Method::GET, list, Some(auth)).await;
        assert_eq!(res.status(), 401, "{auth}");
        assert!(res.headers().contains_key("www-authenticate"));
    }

    // Basic, from this machine (the tests' plain HTTP on 127.0.0.1).
    let basic = |u: &str, p: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
        )
    };
    let res = send(
        &app,
        reqwest::Method::GET,
        list,
        Some(&basic(&username, &secret)),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = send(
        &app,
        reqwest::Method::GET,
        list,
        Some(&basic(&username, "guess")),
    )
    .await;
    assert_eq!(res.status(), 401);

    // Revoked in one click on the account page: the phone is refused at once.
    let device: String = sqlx::query_scalar("SELECT id FROM devices WHERE username = $1")
        .bind(&username)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let res = screener
        .post_form(&format!("/account/phones/{device}/revoke"), &[])
        .await;
    assert_eq!(res.status(), 303);
    let res = send(
        &app,
        reqwest::Method::GET,
        list,
        Some(&basic(&username, &secret)),
    )
    .await;
    assert_eq!(res.status(), 401);
    let res = screener
        .post_form(&format!("/account/phones/{device}/revoke"), &[])
        .await;
    assert_eq!(res.status(), 404, "once");
    assert_eq!(app.audit_events("device.added").await.len(), 2);
    assert_eq!(app.audit_events("device.revoked").await.len(), 1);

    // The API's phone lives 30 days: refused once they have passed; and refused as soon as
    // its account is disabled.
    let other = made["device"]["username"].as_str().unwrap();
    let other_secret = made["secret"].as_str().unwrap();
    let sign_in = |h: haven_core::Haven| async move {
        h.device_sign_in(haven_core::devices::DeviceAuth::Basic {
            username: other,
            password: other_secret,
        })
        .await
        .unwrap()
        .is_ok()
    };
    assert!(sign_in(app.haven.clone()).await);
    let later = haven_core::now() + 31 * 86400;
    assert!(!sign_in(app.haven.at(later)).await, "expired");
    let admin = app.principal("admin").await;
    let user = app.principal("screener").await.user_id;
    app.haven
        .set_user_disabled(
            haven_core::admin::AdminActor::Admin(admin.administer().unwrap()),
            user,
            true,
            &haven_core::Origin::default(),
        )
        .await
        .unwrap();
    assert!(!sign_in(app.haven.clone()).await, "its account disabled");
    let revoked = app
        .count("SELECT COUNT(*) FROM devices WHERE revoked_at IS NOT NULL")
        .await;
    assert_eq!(revoked, 2, "disabling revokes the account's phones");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_those_who_screen_add_phones_and_labels_are_checked() {
    let app = TestApp::spawn().await;
    for user in ["analyst", "trainer", "auditor", "provider"] {
        let s = app.login(user).await;
        assert_eq!(s.get("/account/phones").await.status(), 403, "{user}");
        let token = s.token().await;
        let (status, _) = app
            .api_json(
                &token,
                reqwest::Method::POST,
                "/devices",
                Some(&json!({"label": "Mine"})),
            )
            .await;
        assert_eq!(status, 403, "{user}");
    }
    let token = app.login("caseworker").await.token().await;
    for bad in [
        json!({"label": ""}),
        json!({"label": "x\u{0}y"}),
        json!({"label": "ok", "days": 181}),
        json!({"label": "ok", "days": 0}),
        json!({"label": "ok", "surprise": true}),
    ] {
        let (status, problem) = app
            .api_json(&token, reqwest::Method::POST, "/devices", Some(&bad))
            .await;
        assert_eq!(status, 422, "{bad}: {problem}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM devices").await, 0);
}

/// ODK Validate (the JavaRosa engine of ODK Collect, shipped in the `pyxform` wheel) on every
/// served form: `HAVEN_ODK_VALIDATE` names the jar; with HAVEN_TEST_ODK_VALIDATE=1 it must run.
fn odk_validate() -> Option<String> {
    let jar = std::env::var("HAVEN_ODK_VALIDATE").ok();
    if jar.is_none() {
        assert!(
            std::env::var("HAVEN_TEST_ODK_VALIDATE").as_deref() != Ok("1"),
            "HAVEN_TEST_ODK_VALIDATE=1 but HAVEN_ODK_VALIDATE names no jar"
        );
        eprintln!("ODK Validate not found: skipped (HAVEN_ODK_VALIDATE=…/ODK_Validate.jar)");
    }
    jar
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_forms_are_what_the_list_announces_and_valid_xforms() {
    let app = TestApp::spawn().await;
    let token = app.login("screener").await.token().await;
    let (_, made) = app
        .api_json(
            &token,
            reqwest::Method::POST,
            "/devices",
            Some(&json!({"label": "Form check"})),
        )
        .await;
    let (u, p) = (
        made["device"]["username"].as_str().unwrap(),
        made["secret"].as_str().unwrap(),
    );
    let get = |url: String| async move {
        reqwest::Client::new()
            .get(url)
            .basic_auth(u, Some(p))
            .header("X-OpenRosa-Version", "1.0")
            .send()
            .await
            .unwrap()
    };
    let res = get(app.url("/openrosa/formList?verbose=true")).await;
    assert_eq!(res.status(), 200);
    let list = res.text().await.unwrap();
    let between = |s: &str, a: &str, b: &str| -> String {
        let i = s.find(a).unwrap_or_else(|| panic!("{a} in {s}")) + a.len();
        s[i..i + s[i..].find(b).unwrap()].to_string()
    };
    assert_eq!(between(&list, "<formID>", "<"), "haven_screening");
    assert!(list.contains("<descriptionText>"), "verbose");
    let hash = between(&list, "<hash>md5:", "<");
    let url = between(&list, "<downloadUrl>", "<");
    assert!(
        url.ends_with("/openrosa/forms/haven_screening.xml"),
        "{url}"
    );
    let other = get(app.url("/openrosa/formList?formID=another"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!other.contains("<xform>"), "formID lists that form only");

    let res = get(url).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    let xml = res.bytes().await.unwrap();
    assert_eq!(
        md5_hex(std::str::from_utf8(&xml).unwrap()),
        hash,
        "the bytes the list announced"
    );
    let missing = get(app.url("/openrosa/forms/nothing.xml")).await;
    assert_eq!(missing.status(), 404);

    let Some(jar) = odk_validate() else { return };
    let path = app.db.dir.path().join("haven_screening.xml");
    std::fs::write(&path, &xml).unwrap();
    let out = std::process::Command::new("java")
        .args(["-Djava.awt.headless=true", "-jar", &jar])
        .arg(&path)
        .output()
        .expect("java runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("Xform is valid"),
        "ODK Validate: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The form's own instance, filled as a screener would on the phone: the served XForm's
/// primary instance with values put in, and an instanceID as JavaRosa makes them.
fn filled(form: &str, instance_id: &str, values: &[(&str, &str)]) -> String {
    let start = form.find("<data ").unwrap();
    let end = form.find("</data>").unwrap() + "</data>".len();
    let mut x = form[start..end].to_string();
    for (name, value) in values {
        let empty = format!("<{name}/>");
        let unknown = format!("<{name}>unknown</{name}>");
        let with = format!("<{name}>{value}</{name}>");
        if x.contains(&empty) {
            x = x.replacen(&empty, &with, 1);
        } else {
            assert!(x.contains(&unknown), "{name} in the form");
            x = x.replacen(&unknown, &with, 1);
        }
    }
    x.replacen(
        "<instanceID/>",
        &format!("<instanceID>{instance_id}</instanceID>"),
        1,
    )
}

async fn submit(app: &TestApp, auth: Option<(&str, &str)>, xml: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(xml.as_bytes().to_vec())
        .file_name("submission.xml")
        .mime_str("text/xml")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("xml_submission_file", part);
    let mut r = reqwest::Client::new()
        .post(app.url("/openrosa/submission?deviceID=collect%3Atest"))
        .header("X-OpenRosa-Version", "1.0")
        .header("Accept-Language", "fr")
        .multipart(form);
    if let Some((u, p)) = auth {
        r = r.basic_auth(u, Some(p));
    }
    r.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screening_filled_offline_becomes_a_screening_once() {
    let app = TestApp::spawn().await;
    let token = app.login("screener").await.token().await;
    let (_, made) = app
        .api_json(
            &token,
            reqwest::Method::POST,
            "/devices",
            Some(&json!({"label": "Region 7 mines office"})),
        )
        .await;
    let (u, p) = (
        made["device"]["username"].as_str().unwrap().to_string(),
        made["secret"].as_str().unwrap().to_string(),
    );
    let form = reqwest::Client::new()
        .get(app.url("/openrosa/forms/haven_screening.xml"))
        .basic_auth(&u, Some(&p))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A 15-year-old in a mining camp, recruited, kept by debt: a child's labour profile.
    let answers = [
        ("consent", "yes"),
        ("screened_on", "2026-11-30"),
        ("region", "GY-CU"),
        ("place", "Mining camp"),
        ("language", "spa"),
        ("age", "15"),
        ("kinds", "labour"),
        ("act", "yes"),
        ("a_deceived_nature_of_job", "present"),
        ("e_deceived_nature_of_job", "Promised a shop job in town"),
    ];
    let instance = filled(&form, "uuid:5b0a9b1e-1f0e-4c43-9d7b-4e7d0f3c2a11", &answers);
    let before = app.count("SELECT COUNT(*) FROM screenings").await;

    let res = submit(&app, None, &instance).await;
    assert_eq!(res.status(), 401, "no credential, nothing stored");
    assert!(
        res.text().await.unwrap().contains("Connectez-vous"),
        "the refusal in the phone's language"
    );
    let res = submit(&app, Some((&u, &p)), &instance).await;
    assert_eq!(res.status(), 201);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("submit_success") && body.contains("Dépistage reçu"),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM screenings").await,
        before + 1
    );
    let ev = app.audit_events("screening.recorded").await;
    let details = ev.last().unwrap().details.clone().unwrap_or_default();
    assert!(
        details.contains(made["device"]["id"].as_str().unwrap()),
        "{details}"
    );

    // Sent again after a lost answer: received, not made twice.
    let res = submit(&app, Some((&u, &p)), &instance).await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM screenings").await,
        before + 1
    );

    // Refused, and nothing stored: the same instanceID with other answers, another form, an
    // old version, a DTD, an indicator of no set, no consent, no instance at all.
    let other = filled(
        &form,
        "uuid:5b0a9b1e-1f0e-4c43-9d7b-4e7d0f3c2a11",
        &answers[..3],
    );
    let fresh = |n: u32| format!("uuid:00000000-0000-4000-8000-{n:012}");
    let no_consent = filled(&form, &fresh(1), &[("consent", "no")]);
    let cases: Vec<(String, u16)> = vec![
        (other, 409),
        (
            filled(&form, &fresh(2), &answers).replacen(
                "id=\"haven_screening\"",
                "id=\"other\"",
                1,
            ),
            404,
        ),
        (
            filled(&form, &fresh(3), &answers).replacen("-f1\"", "-f0\"", 1),
            409,
        ),
        (
            format!(
                "<!DOCTYPE data [<!ENTITY x \"y\">]>{}",
                filled(&form, &fresh(4), &answers)
            ),
            400,
        ),
        (
            filled(&form, &fresh(5), &answers).replacen(
                "<d1>",
                "<d1><a_invented>present</a_invented>",
                1,
            ),
            400,
        ),
        (no_consent, 400),
        ("<data id=\"haven_screening\"></data".to_string(), 400),
    ];
    for (xml, want) in &cases {
        let res = submit(&app, Some((&u, &p)), xml).await;
        assert_eq!(
            res.status().as_u16(),
            *want,
            "{}",
            &xml[..xml.len().min(120)]
        );
        assert!(res.text().await.unwrap().contains("OpenRosaResponse"));
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM screenings").await,
        before + 1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM openrosa_submissions").await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM form_versions").await,
        1,
        "the version served is remembered"
    );

    // A form filled before the indicator set changed (here: an earlier set with a local
    // indicator the current one lacks) is read and evaluated by its own set.
    use haven_domain::screening::{Indicator, IndicatorSet, Strength};
    let mut earlier = IndicatorSet::ilo();
    earlier.version = "ilo-ec-2009/haven-0".into();
    earlier.indicators.push(Indicator {
        id: "camp_guard".into(),
        dimension: 3,
        strength: [Some(Strength::Strong); 4],
        local: true,
    });
    sqlx::query(
        "INSERT INTO form_versions (form_id, version, indicator_set, first_served_at) \
         VALUES ('haven_screening', 'ilo-ec-2009-haven-0-f1', $1, 0)",
    )
    .bind(serde_json::to_string(&earlier).unwrap())
    .execute(app.store.pool())
    .await
    .unwrap();
    let old_form = filled(&form, &fresh(6), &answers)
        .replacen("haven-1-f1\"", "haven-0-f1\"", 1)
        .replacen(
            "<d3>",
            "<d3><a_camp_guard>present</a_camp_guard><e_camp_guard/>",
            1,
        );
    let res = submit(&app, Some((&u, &p)), &old_form).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let set: String = sqlx::query_scalar(
        "SELECT indicator_set FROM screenings ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(set, "ilo-ec-2009/haven-0");
    // The same answer is no indicator of the current set.
    let now_form = filled(&form, &fresh(7), &answers).replacen(
        "<d3>",
        "<d3><a_camp_guard>present</a_camp_guard>",
        1,
    );
    assert_eq!(submit(&app, Some((&u, &p)), &now_form).await.status(), 400);
}
