//! Sign-in, lockout, second factor, CSRF, session expiry, logout everywhere.
use crate::harness::{PASSWORD, TestApp, csrf_of, location};

async fn try_login(app: &TestApp, c: &reqwest::Client, user: &str, pw: &str) -> reqwest::Response {
    let csrf = csrf_of(c, &app.url("/login")).await;
    c.post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", user),
            ("password", pw),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_succeeds_and_wrong_password_fails_with_the_same_message_as_unknown_user() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let ok = try_login(&app, &c, "caseworker", PASSWORD).await;
    assert_eq!(ok.status(), 303);
    assert_eq!(location(&ok), "/dashboard");
    let cookie = ok
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    let c2 = app.client();
    let wrong = try_login(&app, &c2, "caseworker", "not the password").await;
    assert_eq!(wrong.status(), 401);
    let wrong_body = wrong.text().await.unwrap();
    let unknown = try_login(&app, &c2, "nobody-here", "not the password").await;
    assert_eq!(unknown.status(), 401);
    let unknown_body = unknown.text().await.unwrap();
    let msg = "Sign-in failed.";
    assert!(wrong_body.contains(msg) && unknown_body.contains(msg));
    // The failed attempt with an unknown name is audited without the typed name.
    let events = sqlx::query_scalar::<_, String>(
        "SELECT COALESCE(details, '') FROM audit_events WHERE action = 'login.failed'",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|d| !d.contains("nobody-here")));
}

/// The cookie a response sets for the session.
fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("haven_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string()
}

#[tokio::test]
async fn repeated_failures_lock_the_account_from_that_address_only() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for _ in 0..5 {
        assert_eq!(
            try_login(&app, &c, "screener", "wrong wrong wrong")
                .await
                .status(),
            401
        );
    }
    // Locked now: the right password is refused too, with the same answer.
    assert_eq!(
        try_login(&app, &c, "screener", PASSWORD).await.status(),
        401
    );
    let locked = app.audit_count("login.locked").await;
    assert_eq!(locked, 1);
    // The real user, elsewhere, is not locked out by someone else's failures.
    let elsewhere = haven_core::Origin {
        ip: Some("198.51.100.7".into()),
    };
    assert!(
        app.haven
            .login("screener", PASSWORD, &elsewhere)
            .await
            .unwrap()
            .is_some()
    );
    // Still locked for the address that failed.
    assert_eq!(
        try_login(&app, &c, "screener", PASSWORD).await.status(),
        401
    );
    // Once the lock has passed (simulated), the right password works again.
    sqlx::query("UPDATE login_locks SET locked_until = 0")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        try_login(&app, &c, "screener", PASSWORD).await.status(),
        303
    );
}

#[tokio::test]
async fn second_factor_is_required_and_codes_are_single_use() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let res = try_login(&app, &c, "coordinator", PASSWORD).await;
    assert_eq!(location(&res), "/login/mfa");
    let before = session_cookie(&res);
    // Nothing is reachable before the second factor.
    let dash = c.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(location(&dash), "/login/mfa");
    let csrf = csrf_of(&c, &app.url("/login/mfa")).await;
    let bad = c
        .post(app.url("/login/mfa"))
        .form(&[("csrf", csrf.as_str()), ("code", "000000")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let now = haven_core::now() as u64;
    let code = haven_crypto::totp::current_code(haven_demo::DEMO_TOTP_COORDINATOR, now).unwrap();
    let ok = c
        .post(app.url("/login/mfa"))
        .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    let after = session_cookie(&ok);
    assert_ne!(
        before, after,
        "the session token is renewed by the second factor"
    );
    assert_eq!(
        c.get(app.url("/dashboard")).send().await.unwrap().status(),
        200
    );
    // The token seen before the second factor is worth nothing now.
    let stale = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/dashboard"))
        .header("cookie", format!("haven_session={before}"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&stale), "/login");

    // Replaying the same code in a new sign-in fails.
    let c2 = app.client();
    try_login(&app, &c2, "coordinator", PASSWORD).await;
    let csrf = csrf_of(&c2, &app.url("/login/mfa")).await;
    let replay = c2
        .post(app.url("/login/mfa"))
        .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
}

#[tokio::test]
async fn roles_that_require_mfa_must_enrol_first() {
    let app = TestApp::spawn().await;
    // A new admin without a second factor is sent to enrolment.
    let origin = haven_core::Origin::default();
    let new = haven_core::admin::NewUser {
        username: "newadmin".into(),
        display_name: "New Admin".into(),
        role: "admin".into(),
        agency_id: app.haven.list_agencies().await.unwrap()[0].id.to_string(),
        password: "correct-horse-battery-42".into(),
        email: String::new(),
    };
    app.haven
        .create_user(haven_core::admin::AdminActor::Operator, &new, &origin)
        .await
        .unwrap();
    let c = app.client();
    let res = try_login(&app, &c, "newadmin", "correct-horse-battery-42").await;
    assert_eq!(location(&res), "/account/mfa");
    assert_eq!(
        location(&c.get(app.url("/admin/users")).send().await.unwrap()),
        "/account/mfa"
    );
    let page = c
        .get(app.url("/account/mfa"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let grab = |marker: &str| -> String {
        let i = page.find(marker).unwrap() + marker.len();
        page[i..].split(['"', '<']).next().unwrap().to_string()
    };
    let secret = grab("<code class=\"secret\">");
    let sealed = grab("name=\"sealed\" value=\"");
    let csrf = grab("name=\"csrf\" value=\"");
    let code = haven_crypto::totp::current_code(&secret, haven_core::now() as u64).unwrap();
    let res = c
        .post(app.url("/account/mfa"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("sealed", sealed.as_str()),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/dashboard");
    assert_eq!(
        c.get(app.url("/admin/users"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Once enrolled, the second factor cannot be replaced from the session, whatever is sent
    // (the session has a new CSRF token since the second factor).
    let csrf = csrf_of(&c, &app.url("/account")).await;
    let forged = c
        .post(app.url("/account/mfa"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("sealed", "AAAA"),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&forged), "/account");
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_rejected() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let url = app.url("/cases/new");
    let missing = s
        .client
        .post(&url)
        .form(&[("first_name", "Ana")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 403);
    let wrong = s
        .client
        .post(&url)
        .form(&[("csrf", "forged"), ("first_name", "Ana")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("did not come from Haven")
    );
    let right = s.open_case(&[("first_name", "Ana")]).await;
    assert_eq!(right.status(), 303);
    // The login form is protected too (double-submit cookie).
    let c = app.client();
    let res = c
        .post(app.url("/login"))
        .form(&[
            ("csrf", "x"),
            ("username", "caseworker"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn idle_and_absolute_session_limits_end_sessions() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    assert_eq!(s.get("/dashboard").await.status(), 200);
    // Simulate 31 idle minutes.
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 1860")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(location(&s.get("/dashboard").await), "/login");
    let gone = app.count("SELECT COUNT(*) FROM sessions").await;
    assert_eq!(gone, 0, "expired sessions are deleted");

    // Sessions never presented again are removed by the periodic purge.
    let idle = app.login("caseworker").await;
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 1860")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(app.haven.purge_expired_sessions().await.unwrap(), 1);
    drop(idle);

    let s = app.login("caseworker").await;
    // Active all along, but signed in 13 hours ago.
    sqlx::query("UPDATE sessions SET created_at = created_at - 46800")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(location(&s.get("/dashboard").await), "/login");
}

#[tokio::test]
async fn logout_everywhere_ends_every_session() {
    let app = TestApp::spawn().await;
    let a = app.login("caseworker").await;
    let b = app.login("caseworker").await;
    assert_eq!(b.get("/dashboard").await.status(), 200);
    let res = a.post_form("/account/logout-all", &[]).await;
    assert_eq!(location(&res), "/login");
    assert_eq!(location(&b.get("/dashboard").await), "/login");
    assert_eq!(location(&a.get("/dashboard").await), "/login");
}

#[tokio::test]
async fn disabled_users_lose_sessions_and_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let s = app.login("inspector").await;
    let id = app.user_id("inspector").await;
    app.haven
        .set_user_disabled(
            haven_core::admin::AdminActor::Operator,
            id,
            true,
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(location(&s.get("/dashboard").await), "/login");
    let c = app.client();
    assert_eq!(
        try_login(&app, &c, "inspector", PASSWORD).await.status(),
        401
    );
}

#[tokio::test]
async fn password_change_enforces_policy_and_signs_out_other_sessions() {
    let app = TestApp::spawn().await;
    let a = app.login("analyst").await;
    let b = app.login("analyst").await;
    let weak = a
        .post_form(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "password1234"),
                ("repeat", "password1234"),
            ],
        )
        .await;
    assert_eq!(weak.status(), 422);
    assert!(weak.text().await.unwrap().contains("too common"));
    let good = "blue-heron-Essequibo-77";
    let ok = a
        .post_form(
            "/account/password",
            &[("current", PASSWORD), ("new", good), ("repeat", good)],
        )
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        a.get("/dashboard").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        location(&b.get("/dashboard").await),
        "/login",
        "other sessions end"
    );
}

#[tokio::test]
async fn a_session_works_on_every_app_server_sharing_the_database() {
    let app = TestApp::spawn().await;
    let (other, _stop) = app.second_server().await;
    let s = app.login("caseworker").await;
    // Cookies ignore the port (RFC 6265), so the client sends the session to the other server
    // too, as a browser behind a load balancer would.
    let res = s
        .client
        .get(format!("{other}/dashboard"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        200,
        "the second server accepts a session made by the first"
    );
    // Signing out on the second server ends the session on the first too.
    let csrf = crate::harness::csrf_of(&s.client, &format!("{other}/account")).await;
    s.client
        .post(format!("{other}/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&s.get("/dashboard").await), "/login");
}

#[tokio::test]
async fn a_one_time_password_must_be_changed_before_anything_else() {
    let app = TestApp::spawn().await;
    let new = haven_core::admin::NewUser {
        username: "newcomer".into(),
        display_name: "New Comer".into(),
        role: "case_worker".into(),
        agency_id: "Help & Shelter".into(),
        password: String::new(),
        email: String::new(),
    };
    let (_, credential) = app
        .haven
        .create_user(
            haven_core::admin::AdminActor::Operator,
            &new,
            &Default::default(),
        )
        .await
        .unwrap();
    let one_time = credential.secret().to_string();
    let c = app.client();
    assert_eq!(
        try_login(&app, &c, "newcomer", &one_time).await.status(),
        303
    );
    let dash = c.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(location(&dash), "/account#password");
    let page = c
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("one-time password"));
    let csrf = csrf_of(&c, &app.url("/account")).await;
    let fresh = "mangrove-Berbice-river-19";
    let res = c
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current", one_time.as_str()),
            ("new", fresh),
            ("repeat", fresh),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        c.get(app.url("/dashboard")).send().await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn many_failures_from_one_address_are_refused_across_accounts() {
    let policy = haven_core::Policy {
        address_max_failures: 4,
        ..Default::default()
    };
    let app = TestApp::spawn_with(policy, 0).await;
    let c = app.client();
    // Spraying one guess over several accounts: no single account reaches its lockout.
    for user in ["caseworker", "screener", "inspector", "analyst"] {
        assert_eq!(try_login(&app, &c, user, "Summer2026!").await.status(), 401);
    }
    // The address is now refused, even with a right password, with the usual answer.
    assert_eq!(try_login(&app, &c, "trainer", PASSWORD).await.status(), 401);
    let throttled = app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'login.failed' AND details LIKE '%address_throttled%'").await;
    assert_eq!(throttled, 1);
    // Once the window has passed (simulated), sign-in works again.
    sqlx::query("UPDATE login_failures SET at = at - 3600")
        .execute(app.store.pool())
        .await
        .unwrap();
    app.haven.purge_expired_sessions().await.unwrap();
    let left = app.count("SELECT COUNT(*) FROM login_failures").await;
    assert_eq!(left, 0, "old failures are purged");
    assert_eq!(try_login(&app, &c, "trainer", PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn wrong_second_factor_codes_lock_the_account_across_fresh_sign_ins() {
    let app = TestApp::spawn().await;
    // An attacker with the password tries codes, signing in again after each couple of tries,
    // until the account locks: that must happen within the usual number of failures.
    let mut rounds = 0;
    loop {
        let c = app.client();
        let res = try_login(&app, &c, "coordinator", PASSWORD).await;
        if res.status() == 401 {
            break;
        }
        assert_eq!(location(&res), "/login/mfa");
        rounds += 1;
        assert!(
            rounds <= 3,
            "still not locked after {rounds} rounds of wrong codes"
        );
        let csrf = csrf_of(&c, &app.url("/login/mfa")).await;
        for _ in 0..2 {
            c.post(app.url("/login/mfa"))
                .form(&[("csrf", csrf.as_str()), ("code", "123456")])
                .send()
                .await
                .unwrap();
        }
    }
    let locked: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(l.locked_until) FROM login_locks l JOIN users u ON u.id = l.user_id WHERE u.username = 'coordinator'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(
        locked.is_some_and(|t| t > haven_core::now()),
        "the account is locked"
    );
    // From the attacker's address, even the right password does not get in.
    let c = app.client();
    assert_eq!(
        try_login(&app, &c, "coordinator", PASSWORD).await.status(),
        401
    );
    // The coordinator, from their own address, signs in with password and code.
    let own = haven_core::Origin {
        ip: Some("203.0.113.9".into()),
    };
    let s = app
        .haven
        .login("coordinator", PASSWORD, &own)
        .await
        .unwrap()
        .expect("password accepted from another address");
    let code = haven_crypto::totp::current_code(
        haven_demo::DEMO_TOTP_COORDINATOR,
        haven_core::now() as u64,
    )
    .unwrap();
    let renewed = app.haven.verify_mfa(&s.info, &code, &own).await.unwrap();
    assert!(renewed.is_some_and(|t| t != s.token));
}

#[tokio::test]
async fn a_password_reset_revokes_api_tokens_and_keeps_the_second_factor() {
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    assert_eq!(app.api_get(&token, "/me").await.status(), 200);
    let admin = app.login("admin").await;
    let target = app.user_id("caseworker").await;
    assert_eq!(
        admin
            .post_form(
                &format!("/admin/users/{target}/reset-password"),
                &[("confirm", "1")],
            )
            .await
            .status(),
        200
    );
    assert_eq!(app.api_get(&token, "/me").await.status(), 401);
    // An administrator's reset does not remove someone's second factor.
    let coord = app.user_id("coordinator").await;
    admin
        .post_form(
            &format!("/admin/users/{coord}/reset-password"),
            &[("confirm", "1")],
        )
        .await;
    let secret: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT totp_secret FROM users WHERE username = 'coordinator'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert!(secret.is_some());
    // And a signed-in user cannot replace an existing second factor from their session.
    assert_eq!(location(&admin.get("/account/mfa").await), "/account");
}

#[tokio::test]
async fn a_forged_enrolment_secret_is_refused() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await; // no second factor yet: may enrol
    let code =
        haven_crypto::totp::current_code(haven_demo::DEMO_TOTP_ADMIN, haven_core::now() as u64)
            .unwrap();
    let res = s
        .post_form(
            "/account/mfa",
            &[("sealed", "AAAA"), ("code", code.as_str())],
        )
        .await;
    assert_eq!(res.status(), 422);
    let secret: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT totp_secret FROM users WHERE username = 'caseworker'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert!(secret.is_none());
}

#[tokio::test]
async fn concurrent_guesses_cannot_outrun_the_lockout() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let h = app.haven.clone();
        tasks.push(tokio::spawn(async move {
            h.login(
                "auditor",
                "a wrong guess!!",
                &haven_core::Origin { ip: None },
            )
            .await
            .unwrap()
            .is_some()
        }));
    }
    for t in tasks {
        assert!(!t.await.unwrap());
    }
    // Only as many guesses as the threshold were actually checked; the rest found the lock.
    let checked = app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'login.failed' AND details LIKE '%wrong_password%'").await;
    assert_eq!(checked, haven_core::Policy::default().lockout_threshold);
}

/// An error page says what happened in its title: a case one may not see is "Page not found"
/// (exactly as one that does not exist), a page of another role "Not allowed".
#[tokio::test]
async fn error_pages_are_titled_by_what_happened() {
    let app = TestApp::spawn().await;
    let s = app.login("inspector").await;
    let title = |html: &str| {
        html.split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or_default()
            .to_string()
    };
    let missing = s.get("/cases/00000000-0000-7000-8000-000000000000").await;
    assert_eq!(missing.status(), 404);
    let t = title(&missing.text().await.unwrap());
    assert!(t.starts_with("Page not found"), "{t}");
    let admin = s.get("/admin/users").await;
    assert_eq!(admin.status(), 403);
    let t = title(&admin.text().await.unwrap());
    assert!(t.starts_with("Not allowed"), "{t}");
}

/// Switching language stays on the page it was made on (the form carries it), and cannot be
/// turned into a redirect to another site.
#[tokio::test]
async fn switching_language_stays_on_the_page() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let page = s.get("/cases?page=1").await.text().await.unwrap();
    assert!(
        page.contains("name=\"back\" value=\"/cases?page=1\""),
        "the form carries the page"
    );
    for (back, to) in [
        ("/cases?page=1", "/cases?page=1"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("", "/"),
    ] {
        let res = s
            .post_form("/language", &[("lang", "fr"), ("back", back)])
            .await;
        let at = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert_eq!(at, to, "{back}");
    }
    let page = s.get("/cases?page=1").await.text().await.unwrap();
    assert!(page.contains("<html lang=\"fr\""), "the switch took effect");
}
