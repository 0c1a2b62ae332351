//! Personal data is encrypted at rest: a known name must not appear in the raw database, and name
//! search still works through the blind index.
use crate::harness::TestApp;

const NAME: &str = "Zyxwvutsrq";
const SURNAME: &str = "Qpónmlkjih";

#[tokio::test]
async fn names_never_reach_the_database_in_clear() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let res = s
        .open_case(&[
            ("first_name", NAME),
            ("second_name", SURNAME),
            ("mobile_phone", "+592 600 1234"),
            ("also_known_as", "Kwazimodoa"),
            ("birth_date", "1999-07-13"),
            ("email", "vwxyzab@example.org"),
            ("document_type", "Passport"),
            ("document_number", "VE-Q9876543"),
            ("issuing_country", "VE"),
            ("mailing_city", "Bartikwaville"),
            ("mailing_street", "Lot 77 Plumbob Street"),
            ("mailing_postal_code", "PX-4455"),
            ("summary", "Met at Bartica, Zyxwvutsrq said..."),
        ])
        .await;
    assert_eq!(res.status(), 303);
    // Every other part of a case that holds personal data, through its own route.
    let path = super::harness::location(&res);
    for (route, fields) in [
        ("notes", vec![("body", "Notezzqq: shelter in Lethem")]),
        (
            "events",
            vec![
                ("event_type", "Recruitment"),
                ("place", "Placezzqq landing"),
                ("description", "Descrzzqq by boat"),
            ],
        ),
        (
            "perpetrators",
            vec![
                ("name", "Perpzzqq Malvado"),
                ("details", "Drives a blue truck"),
            ],
        ),
        (
            "close",
            vec![("reason", "Other"), ("note", "Closezzqq family")],
        ),
        ("reopen", vec![("reason", "Reopenzzqq came back")]),
    ] {
        assert_eq!(
            s.post_form(&format!("{path}/{route}"), &fields)
                .await
                .status(),
            303,
            "{route}"
        );
    }
    let up = s
        .upload(
            &format!("{path}/attachments"),
            "Filezzqq statement.txt",
            b"Attachzzqq statement of the victim".to_vec(),
        )
        .await;
    assert_eq!(up.status(), 303);
    // A draft, and a change (the history keeps old and new values).
    s.post_form(
        "/cases/new",
        &[("action", "draft"), ("first_name", "Draftzzqq")],
    )
    .await;
    let form = s.get(&format!("{path}/edit")).await.text().await.unwrap();
    let i = form.find("name=\"version\" value=\"").unwrap();
    let version: String = form[i + 22..].chars().take_while(|c| *c != '"').collect();
    let mut edit: Vec<(&str, &str)> = vec![
        ("version", version.as_str()),
        ("first_name", NAME),
        ("second_name", SURNAME),
        ("mobile_phone", "+592 699 8888"),
    ];
    edit.extend(crate::harness::CASE_BASICS.iter().copied());
    assert_eq!(
        s.post_form(&format!("{path}/edit"), &edit).await.status(),
        303
    );
    let changes = app.count("SELECT COUNT(*) FROM case_changes").await;
    assert!(changes > 0, "the edit wrote history rows to scan");
    // Make sure everything is written to the main file, not only the WAL.
    let needles: Vec<Vec<u8>> = vec![
        NAME.as_bytes().to_vec(),
        SURNAME.as_bytes().to_vec(),
        "600 1234".as_bytes().to_vec(),
        NAME.to_lowercase().into_bytes(),
        b"Kwazimodoa".to_vec(),
        b"1999-07-13".to_vec(),
        b"vwxyzab".to_vec(),
        b"Q9876543".to_vec(),
        b"Bartikwaville".to_vec(),
        b"Plumbob".to_vec(),
        b"PX-4455".to_vec(),
        b"zzqq".to_vec(),
        b"blue truck".to_vec(),
        b"699 8888".to_vec(),
    ];
    if let Some(path) = app.db.sqlite_path() {
        for file in [path.clone(), path.with_extension("db-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                for n in &needles {
                    assert!(
                        !bytes.windows(n.len()).any(|w| w == n.as_slice()),
                        "plaintext found in {}",
                        file.display()
                    );
                }
            }
        }
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(app.store.pool())
            .await
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        for n in &needles {
            assert!(
                !bytes.windows(n.len()).any(|w| w == n.as_slice()),
                "plaintext found after checkpoint"
            );
        }
        assert!(bytes.len() > 10_000, "the scan read a real database file");
    } else {
        // PostgreSQL: every row of every table as text (bytea shows as hex), like a dump.
        let mut dump = String::new();
        for t in haven_store::dump::TABLES {
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT CAST(t AS TEXT) FROM {} t",
                t.name
            )))
            .fetch_all(app.store.pool())
            .await
            .unwrap();
            dump.push_str(&rows.join("\n"));
        }
        // And pg_dump's own output, when the PostgreSQL client tools are installed (CI has them).
        if let Some(pg_dump) = pg_dump() {
            let out = std::process::Command::new(pg_dump)
                .arg("--dbname")
                .arg(&app.db.url)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "pg_dump: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(out.stdout.len() > 10_000);
            dump.push_str(&String::from_utf8_lossy(&out.stdout));
        }
        assert!(dump.len() > 10_000);
        for n in &needles {
            let text = String::from_utf8_lossy(n).to_string();
            assert!(!dump.contains(&text), "plaintext in the PostgreSQL dump");
            assert!(
                !dump.contains(&hex(n)),
                "hex-encoded plaintext in the PostgreSQL dump"
            );
        }
    }
    // And the case reads back decrypted for its owner.
    let html = s
        .get(super::harness::location(&res).as_str())
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(NAME));
}

fn pg_dump() -> Option<std::path::PathBuf> {
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin/pg_dump")))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[tokio::test]
async fn name_search_ignores_accents_case_and_spelling_variants() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    s.open_case(&[("first_name", "MARÍA"), ("second_name", "GONZÁLEZ")])
        .await;
    s.open_case(&[("first_name", "Joseph"), ("second_name", "Persaud")])
        .await;
    for query in ["Maria Gonzales", "maría gonzález", "GONZALEZ", "Mariah"] {
        let html = s
            .post_form("/cases/search", &[("name", query)])
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("MARÍA GONZÁLEZ"),
            "{query} should find the case"
        );
        assert!(
            !html.contains("Joseph Persaud"),
            "{query} must not find others"
        );
    }
    // Names never go into the URL: the search form posts.
    let html = s.get("/cases").await.text().await.unwrap();
    assert!(html.contains("method=\"post\" action=\"/cases/search\""));
}
