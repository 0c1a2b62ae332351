//! Names in any script (issue 18): registration and search never crash, and the name index is
//! rebuilt when its recipe changes.
use haven_core::reindex::IndexState;

use crate::harness::{TestApp, api_case};

async fn search(app: &TestApp, token: &str, name: &str) -> Vec<String> {
    let v: serde_json::Value = reqwest::Client::new()
        .post(app.url("/api/v1/cases/search"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "name": name }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

async fn register(app: &TestApp, token: &str, first: &str, last: &str) -> reqwest::Response {
    let mut body = api_case(first);
    body["person"]["second_name"] = last.into();
    app.api_post(token, "/cases", &body).await
}

/// The names that crashed registration (a letter the phonetic encoder split in two) are
/// registered and found, spelt as typed or transliterated.
#[tokio::test]
async fn names_in_any_script_register_and_are_found() {
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    for (first, last, query) in [
        ("Stanisław", "Kowalski", "Stanislaw Kowalski"),
        ("Ωmega", "Papadopoulos", "Omega"),
        ("Иван", "Петров", "Ivan Petrov"),
        ("Đặng", "Văn Lâm", "Dang Van Lam"),
        ("李", "小龙", "李 小龙"),
        ("Søren", "Kierkegård", "Soren"),
    ] {
        let res = register(&app, &token, first, last).await;
        assert_eq!(res.status(), 201, "{first} {last}");
        let id = res.json::<serde_json::Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        for q in [format!("{first} {last}"), query.to_string()] {
            assert!(
                search(&app, &token, &q).await.contains(&id),
                "{first} {last} found as {q:?}"
            );
        }
    }
}

/// A database indexed by an earlier recipe: its state says so, searches miss, `reindex_names`
/// rebuilds every digest (persons and training participants), searches find again and the
/// audit chain still verifies.
#[tokio::test]
async fn the_name_index_is_rebuilt_when_its_recipe_changes() {
    let app = TestApp::spawn_with(Default::default(), 20).await;
    let h = &app.haven;
    let token = app.login("caseworker").await.token().await;
    let id = register(&app, &token, "Stanisław", "Wójcik")
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let pool = app.store.pool();
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_name_index")
        .fetch_one(pool)
        .await
        .unwrap();
    let trainees_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM trainee_name_index")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(before > 0 && trainees_before > 0);
    // As an earlier version left it: other digests, and no version recorded.
    for sql in [
        "DELETE FROM person_name_prefix",
        "UPDATE person_name_index SET digest = 'old' || digest",
        "UPDATE trainee_name_index SET digest = 'old' || digest",
        "DELETE FROM settings WHERE key = 'name_index_version'",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    assert!(matches!(
        h.name_index_state().await.unwrap(),
        IndexState::Stale { persons, trainees } if persons > 20 && trainees > 0
    ));
    assert!(h.require_current_name_index().await.is_err());
    assert!(search(&app, &token, "Stanislaw Wojcik").await.is_empty());
    assert!(search(&app, &token, "Stan").await.is_empty());

    let mut seen = Vec::new();
    let done = h.reindex_names(|n| seen.push(n)).await.unwrap();
    assert!(done > 20 && !seen.is_empty());
    assert_eq!(h.name_index_state().await.unwrap(), IndexState::Current);
    assert!(search(&app, &token, "Stanislaw Wojcik").await.contains(&id));
    assert!(search(&app, &token, "Stan Wój").await.contains(&id));
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_name_index")
        .fetch_one(pool)
        .await
        .unwrap();
    let old: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM person_name_index WHERE digest LIKE 'old%') + (SELECT COUNT(*) FROM trainee_name_index WHERE digest LIKE 'old%')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((after, old), (before, 0));
    assert_eq!(app.audit_events("names.reindexed").await.len(), 1);
    h.verify_audit(|_, _| {}).await.expect("the chain verifies");
}

/// Arbitrary Unicode (any code point, combining and right-to-left marks, emoji, up to 1,000
/// characters) through every name path of the server: registration and search through the API,
/// the possible-match check, a training participant. Every answer is an answer (a success or a
/// field error), never a dropped connection or a server error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arbitrary_names_through_every_path_of_the_server() {
    use proptest::strategy::{Strategy, ValueTree};
    let app = TestApp::spawn_with(
        haven_core::Policy {
            match_checks_per_hour: 10_000,
            ..Default::default()
        },
        0,
    )
    .await;
    let s = app.login("coordinator").await;
    let token = s.token().await;
    let workshop: String = sqlx::query_scalar("SELECT id FROM workshops LIMIT 1")
        .fetch_optional(app.store.pool())
        .await
        .unwrap()
        .unwrap_or_default();
    let c = reqwest::Client::new();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let names = (
        "\\PC{0,40}",
        "\\PC{0,40}",
        proptest::string::string_regex("\\PC{0,1000}").unwrap(),
    );
    let mut picked: Vec<(String, String)> = (0..20)
        .map(|_| {
            let (a, b, long) = names.new_tree(&mut runner).unwrap().current();
            if long.len() > 500 { (long, b) } else { (a, b) }
        })
        .collect();
    picked.extend(
        [
            ("\u{202e}Ana\u{202c}", "Pérez\u{0301}\u{0301}"),
            ("🙂", "👩‍👩‍👧"),
            ("Stanisław", "Ωmega"),
            ("", ""),
            ("\u{0}", "\u{feff}"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string())),
    );
    for (first, last) in &picked {
        let res = register(&app, &token, first, last).await;
        assert!(
            [201, 422].contains(&res.status().as_u16()),
            "register {first:?} {last:?}: {}",
            res.status()
        );
        for (path, body) in [
            ("/api/v1/cases/search", serde_json::json!({ "name": first })),
            (
                "/api/v1/matches/check",
                serde_json::json!({ "first_name": first, "family_name": last }),
            ),
        ] {
            let res = c
                .post(app.url(path))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(
                [200, 422].contains(&res.status().as_u16()),
                "{path} {first:?}: {}",
                res.status()
            );
        }
        if !workshop.is_empty() {
            let res = s
                .post_form(
                    &format!("/training/{workshop}/participants"),
                    &[
                        ("first_name", first.as_str()),
                        ("family_name", last.as_str()),
                        ("sex", "female"),
                        ("organisation", "Testing"),
                        ("force", "1"),
                    ],
                )
                .await;
            assert!(
                [200, 303, 422].contains(&res.status().as_u16()),
                "participant {first:?}: {}",
                res.status()
            );
        }
    }
    assert!(!workshop.is_empty(), "the demo has a workshop");

    // The same names in a sign-up sheet: the preview answers, and so does the confirmation.
    let quote = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
    let mut csv = String::from("First name,Family name,Sex,Organisation\n");
    for (first, last) in &picked {
        csv += &format!("{},{},F,Testing\n", quote(first), quote(last));
    }
    let res = s
        .upload(
            &format!("/training/{workshop}/import"),
            "sheet.csv",
            csv.into_bytes(),
        )
        .await;
    let status = res.status().as_u16();
    assert!([200, 422].contains(&status), "import preview: {status}");
    let html = res.text().await.unwrap();
    if status == 200 {
        let rows = crate::training::unescape(
            html.split("name=\"rows\" value=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .expect("the preview carries its rows"),
        );
        let res = s
            .post_form(
                &format!("/training/{workshop}/import/confirm"),
                &[("rows", &rows)],
            )
            .await;
        assert!(
            [303, 422].contains(&res.status().as_u16()),
            "import confirm: {}",
            res.status()
        );
    }
}

/// The searches a new user tried (issue 18): names written by ear are found, and a sound-alike
/// of one word does not bring up someone else.
#[tokio::test]
async fn names_written_by_ear_are_found() {
    let app = TestApp::spawn().await;
    let token = app.login("caseworker").await.token().await;
    let mut ids = std::collections::HashMap::new();
    for (first, last) in [
        ("Yolanda", "Rodríguez"),
        ("Ana", "Subero"),
        ("Marisol", "Castillo"),
        ("Ana Paula", "Costa"),
        ("José", "Fernández"),
    ] {
        let res = register(&app, &token, first, last).await;
        assert_eq!(res.status(), 201);
        let id = res.json::<serde_json::Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        ids.insert(last, id);
    }
    for (typed, who) in [
        ("Yolanda Rodrigez", "Rodríguez"),
        ("Yolanda Rodriges", "Rodríguez"),
        ("Ana Suvero", "Subero"),
        ("Marisol Castiyo", "Castillo"),
        ("Castiyo", "Castillo"),
        ("Rodriguez Yolanda", "Rodríguez"),
        // The first letters of a word, as typed in a hurry.
        ("Mari", "Castillo"),
        ("mari cast", "Castillo"),
        ("Yol Rod", "Rodríguez"),
        ("Fernan", "Fernández"),
    ] {
        let found = search(&app, &token, typed).await;
        assert!(found.contains(&ids[who]), "{typed} finds {who}: {found:?}");
    }
    assert!(
        !search(&app, &token, "Castiyo")
            .await
            .contains(&ids["Costa"])
    );
    assert!(
        !search(&app, &token, "José Hernández")
            .await
            .contains(&ids["Fernández"])
    );
    // A word is not a prefix of a longer typed one, nor two letters a prefix.
    assert!(
        !search(&app, &token, "Marisela")
            .await
            .contains(&ids["Castillo"])
    );
    assert!(!search(&app, &token, "Ma").await.contains(&ids["Castillo"]));
}

/// A re-index stopped part-way (its cursor left after the first persons) continues where it
/// was: the persons before the cursor are not done again, those after are, and every name is
/// found afterwards.
#[tokio::test]
async fn a_stopped_reindex_continues_where_it_was() {
    let app = TestApp::spawn_with(Default::default(), 30).await;
    let h = &app.haven;
    let token = app.login("caseworker").await.token().await;
    let case = register(&app, &token, "Wojciech", "Zieliński")
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let pool = app.store.pool();
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM persons ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(ids.len() > 20);
    let cursor = &ids[9];
    // As a run stopped after its first batch left it: the first ten persons re-indexed, the
    // others still with old digests, the version not yet recorded.
    sqlx::query("UPDATE person_name_index SET digest = 'old' || digest WHERE person_id > $1")
        .bind(cursor)
        .execute(pool)
        .await
        .unwrap();
    for (sql, v) in [
        ("DELETE FROM settings WHERE key = $1", "name_index_version"),
        (
            "INSERT INTO settings (key, value) VALUES ($1, $2)",
            "name_reindex_persons_after",
        ),
    ] {
        let q = sqlx::query(sql).bind(v);
        let q = if sql.starts_with("INSERT") {
            q.bind(cursor)
        } else {
            q
        };
        q.execute(pool).await.unwrap();
    }
    let trainees: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM trainees")
        .fetch_one(pool)
        .await
        .unwrap();
    let done = h.reindex_names(|_| {}).await.unwrap();
    assert_eq!(done as usize, ids.len() - 10 + trainees as usize);
    let old: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM person_name_index WHERE digest LIKE 'old%'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(old, 0);
    assert_eq!(h.name_index_state().await.unwrap(), IndexState::Current);
    // The person registered last (after the cursor) is found by their names again.
    assert!(
        search(&app, &token, "Wojciech Zielinski")
            .await
            .contains(&case)
    );
    assert!(search(&app, &token, "Woj Ziel").await.contains(&case));
}
