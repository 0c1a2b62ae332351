//! Case import through the use-cases, on the suite's database (SQLite or PostgreSQL): what a
//! preview says, what a commit writes, that a second import writes nothing, and who may see
//! what comes in.
use std::sync::Arc;

use haven_core::Origin;
use haven_core::imports::{ImportSettings, Verdict};

use crate::harness::TestApp;

/// The HTCDS template's columns and label row, then rows: good, the same person again, an
/// impossible date, a missing required field, a label in French, a closed case.
fn template_csv() -> Vec<u8> {
    let head = ",cas_CaseOwner,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,vic_TraffickingStatus,vic_TypeOfExploitation,cas_Status,cas_ReasonForCaseClosure\n\
        ,Case Owner,First Name,Second Name,Birthdate,Gender,Citizenship,Trafficking Status,Type of Exploitation,Status,Reason for Case Closure\n";
    let rows = "1,a,Ana,Pérez,March 1999,feminine,Venezuela,Possible victim of trafficking,ForcedLabour SexualExploitation,Closed,Returned\n\
        2,a,Ana,Pérez,March 1999,Feminine,VE,PossibleVictimOfTrafficking,ForcedLabour,Active,\n\
        3,a,Li,,31/02/2003,Masculine,GY;BR,ActualVictimOfTrafficking,ForcedLabour,Active,\n\
        4,a,,Nameless,2001-01-01,Masculine,GY,ActualVictimOfTrafficking,ForcedLabour,Active,\n\
        5,a,Stanisław,Łukasz,06/05/2001,Masculine,Pologne,Victime potentielle de la traite,travail forcé,FollowUp,\n\
        6,a,,,,,,,,,\n";
    format!("{head}{rows}").into_bytes()
}

fn settings() -> ImportSettings {
    ImportSettings {
        default_region: Some("GY-CU".into()),
        mapping: None,
    }
}

#[tokio::test]
async fn preview_then_commit_then_nothing_twice() {
    let app = TestApp::spawn().await;
    let p = app.principal("caseworker").await;
    let cap = p.case_import().expect("a case worker imports");
    let o = Origin::default();
    let bytes = Arc::new(template_csv());
    let before = app.count("SELECT COUNT(*) FROM cases").await;

    let preview = app
        .haven
        .preview_import(cap, bytes.clone(), &settings(), &o)
        .await
        .unwrap();
    let c = &preview.counts;
    assert_eq!(
        (c.rows, c.ready, c.with_problems, c.same_person_in_file),
        (5, 3, 2, 1)
    );
    let by_line = |l: usize| preview.rows.iter().find(|r| r.line == l).unwrap();
    assert_eq!(by_line(5).verdict, Verdict::Problems);
    assert!(
        by_line(5)
            .problems
            .iter()
            .any(|pb| pb.column == "prs_Birthdate" && pb.key == "error-case-import-date")
    );
    assert!(
        by_line(6)
            .problems
            .iter()
            .any(|pb| pb.field == "first_name" && pb.key == "error-required")
    );
    assert_eq!(by_line(4).same_person_as, Some(3));
    // A name written differently with the same birth date: alike, but kept apart.
    let alike = b"prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,vic_TraffickingStatus,vic_TypeOfExploitation\n\
        Maria,Fernandes,1990-04-12,Feminine,PossibleVictimOfTrafficking,ForcedLabour\n\
        Maria,Fernandez,1990-04-12,Feminine,PossibleVictimOfTrafficking,ForcedLabour\n\
        Joseph,Williams,1985-01-30,Masculine,PossibleVictimOfTrafficking,ForcedLabour\n\
        Priya,Persaud,2001-07-07,Feminine,PossibleVictimOfTrafficking,ForcedLabour\n";
    let p2 = app
        .haven
        .preview_import(cap, Arc::new(alike.to_vec()), &settings(), &o)
        .await
        .unwrap();
    let fernandez = p2.rows.iter().find(|r| r.line == 3).unwrap();
    assert_eq!(fernandez.possibly_same_as, [2], "{:?}", p2.rows);
    assert_eq!(fernandez.same_person_as, None);
    assert_eq!(p2.counts.possibly_same_in_file, 1);
    // A preview writes nothing but its audit event.
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, before);
    assert_eq!(app.audit_count("import.previewed").await, 2);

    let out = app
        .haven
        .commit_import(cap, bytes.clone(), &settings(), &o, &|_| {})
        .await
        .unwrap();
    assert_eq!(out.counts.created, 3);
    assert_eq!(out.errors.rows.len(), 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, before + 3);
    assert_eq!(app.audit_count("case.imported").await, 3);
    assert_eq!(app.audit_count("import.committed").await, 1);
    // Ana is one person with two cases.
    assert_eq!(
        app.count(
            "SELECT COUNT(DISTINCT c.person_id) FROM cases c JOIN import_keys k ON k.case_id = c.id"
        )
        .await,
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases WHERE status = 'Closed'")
            .await,
        1
    );
    // Names are sealed like any other case's.
    let sealed: Vec<Option<Vec<u8>>> = sqlx::query_scalar("SELECT first_name FROM persons")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert!(
        sealed
            .iter()
            .flatten()
            .all(|b| !b.windows(3).any(|w| w == b"Ana"))
    );

    // The error file gives the two rows back in the source's layout, with their problems.
    let (file, ext) = app
        .haven
        .import_error_file(&out.errors, haven_i18n::Lang::Fr)
        .unwrap();
    assert_eq!(ext, "csv");
    let text = String::from_utf8(file).unwrap();
    assert!(
        text.contains("prs_FirstName") && text.contains("31/02/2003"),
        "{text}"
    );
    assert!(text.contains("Problèmes"));

    // The same file again writes nothing.
    let again = app
        .haven
        .commit_import(cap, bytes, &settings(), &o, &|_| {})
        .await
        .unwrap();
    assert_eq!(again.counts.created, 0);
    assert_eq!(again.counts.already_imported, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, before + 3);

    // The imported cases are the agency's: the case worker reads them.
    let ids: Vec<String> = sqlx::query_scalar("SELECT case_id FROM import_keys")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    for id in ids {
        let doc = app.haven.open_case(&p, id.parse().unwrap(), &o).await;
        assert!(doc.is_ok());
    }
}

#[tokio::test]
async fn another_agency_imports_the_same_file_and_sees_only_where_the_person_is() {
    let app = TestApp::spawn().await;
    let o = Origin::default();
    let bytes = Arc::new(template_csv());
    let shelter = app.principal("caseworker").await;
    app.haven
        .commit_import(
            shelter.case_import().unwrap(),
            bytes.clone(),
            &settings(),
            &o,
            &|_| {},
        )
        .await
        .unwrap();
    // Another agency's case worker: the rows are new for that agency, and the persons
    // found are named by agency only.
    let other = app.principal("childcare").await;
    assert_ne!(other.agency_id, shelter.agency_id);
    let preview = app
        .haven
        .preview_import(other.case_import().unwrap(), bytes, &settings(), &o)
        .await
        .unwrap();
    assert_eq!(preview.counts.ready, 3);
    let ana = preview.rows.iter().find(|r| r.line == 3).unwrap();
    assert!(ana.matches.is_empty(), "{:?}", ana.matches);
    assert!(!ana.elsewhere.is_empty());
}

#[tokio::test]
async fn a_file_that_is_not_a_case_list_is_refused_with_a_clear_error() {
    let app = TestApp::spawn().await;
    let p = app.principal("caseworker").await;
    let o = Origin::default();
    for (bytes, key) in [
        (b"shoe,hat\n1,2\n".to_vec(), "error-case-import-no-columns"),
        (
            b"PK\x03\x04garbage".to_vec(),
            "error-case-import-unreadable",
        ),
        (Vec::new(), "error-case-import-empty"),
    ] {
        let e = app
            .haven
            .preview_import(p.case_import().unwrap(), Arc::new(bytes), &settings(), &o)
            .await
            .unwrap_err();
        match e {
            haven_core::CoreError::Invalid(errors) => assert_eq!(errors[0].key, key),
            e => panic!("{e}"),
        }
    }
    let bad_region = ImportSettings {
        default_region: Some("GY-XX".into()),
        mapping: None,
    };
    assert!(
        app.haven
            .preview_import(
                p.case_import().unwrap(),
                Arc::new(template_csv()),
                &bad_region,
                &o
            )
            .await
            .is_err()
    );
}

/// Waits until the job page no longer says it is working (the page itself waits a while for
/// the job, then offers a "check again" link; the test follows it).
async fn settled(s: &crate::harness::Session, path: &str) -> String {
    for _ in 0..200 {
        let res = s.get(path).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(!html.contains("http-equiv=\"refresh\""), "no timed refresh");
        if !html.contains("id=\"check-again\"") {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import job did not settle");
}

#[tokio::test]
async fn the_web_import_previews_commits_and_gives_back_the_rows_to_fix() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let cases = s.get("/cases").await.text().await.unwrap();
    assert!(cases.contains("href=\"/imports\""));
    let form = reqwest::multipart::Form::new()
        .text("csrf", s.csrf.clone())
        .text("default_region", "GY-CU")
        .part(
            "file",
            reqwest::multipart::Part::bytes(template_csv()).file_name("shelter.csv"),
        );
    let res = s
        .client
        .post(app.url("/imports"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let job = crate::harness::location(&res);
    assert!(job.starts_with("/imports/"));
    let html = settled(&s, &job).await;
    assert!(html.contains("id=\"preview-summary\""), "{html}");
    assert!(html.contains("31/02/2003") || html.contains("prs_Birthdate"));
    // Another user, even of the same agency, does not see the job.
    let coordinator = app.login("childcare").await;
    assert_eq!(coordinator.get(&job).await.status(), 404);
    // A screener may not import at all.
    let screener = app.login("screener").await;
    assert_eq!(screener.get("/imports").await.status(), 403);

    let res = s.post_form(&format!("{job}/commit"), &[]).await;
    assert_eq!(res.status(), 303);
    // Committing twice is refused, not done twice.
    let again = s.post_form(&format!("{job}/commit"), &[]).await;
    assert!(again.status() == 422 || again.status() == 303);
    let html = settled(&s, &job).await;
    assert!(html.contains("id=\"import-outcome\""), "{html}");
    assert_eq!(app.audit_count("case.imported").await, 3);
    let res = s.get(&format!("{job}/errors")).await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("31/02/2003"));
    assert!(body.contains("Problems"));
    // The list shows the import.
    let list = s.get("/imports").await.text().await.unwrap();
    assert!(list.contains("shelter.csv"));
}

#[tokio::test]
async fn the_api_import_job_from_upload_to_error_file() {
    let app = TestApp::spawn().await;
    let token = app.login("coordinator").await.token().await;
    let c = app.client();
    let form = reqwest::multipart::Form::new()
        .text("default_region", "GY-CU")
        .part(
            "file",
            reqwest::multipart::Part::bytes(template_csv()).file_name("tip-unit.csv"),
        );
    let res = c
        .post(app.url("/api/v1/imports"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let job: serde_json::Value = res.json().await.unwrap();
    let id = job["id"].as_str().unwrap().to_string();
    let poll = |want: &'static str| {
        let (app, token, id) = (&app, token.clone(), id.clone());
        async move {
            for _ in 0..200 {
                let j: serde_json::Value = app
                    .api_get(&token, &format!("/imports/{id}"))
                    .await
                    .json()
                    .await
                    .unwrap();
                if j["status"] == want {
                    return j;
                }
                assert_ne!(j["status"], "failed", "{j}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            panic!("never {want}");
        }
    };
    let j = poll("previewed").await;
    assert_eq!(j["preview"]["counts"]["ready"], 3);
    assert_eq!(j["preview"]["counts"]["with_problems"], 2);
    let res = app
        .api_post(
            &token,
            &format!("/imports/{id}/commit"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status(), 202);
    // A second commit is refused as a problem, never run twice.
    let res = app
        .api_post(
            &token,
            &format!("/imports/{id}/commit"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let j = poll("committed").await;
    assert_eq!(j["outcome"]["created"], 3);
    assert_eq!(j["has_errors"], true);
    let res = app.api_get(&token, &format!("/imports/{id}/errors")).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("31/02/2003"));
    // Another user's token finds nothing; a screener may not import.
    let other = app.login("caseworker").await.token().await;
    assert_eq!(
        app.api_get(&other, &format!("/imports/{id}"))
            .await
            .status(),
        404
    );
    let screener = app.login("screener").await.token().await;
    assert_eq!(app.api_get(&screener, "/imports").await.status(), 403);
}

#[tokio::test]
async fn previews_name_other_agencies_only_within_the_hourly_allowance() {
    let app = TestApp::spawn_with(
        haven_core::Policy {
            match_checks_per_hour: 1,
            ..Default::default()
        },
        0,
    )
    .await;
    let o = Origin::default();
    let bytes = Arc::new(template_csv());
    let shelter = app.principal("caseworker").await;
    app.haven
        .commit_import(
            shelter.case_import().unwrap(),
            bytes.clone(),
            &settings(),
            &o,
            &|_| {},
        )
        .await
        .unwrap();
    let other = app.principal("childcare").await;
    let named = |preview: &haven_core::imports::ImportPreview| {
        preview
            .rows
            .iter()
            .flat_map(|r| r.elsewhere.iter())
            .filter(|a| *a != "?")
            .count()
    };
    let first = app
        .haven
        .preview_import(other.case_import().unwrap(), bytes.clone(), &settings(), &o)
        .await
        .unwrap();
    assert_eq!(
        named(&first),
        1,
        "one agency named, then the allowance is spent"
    );
    // Previewing again does not give a fresh allowance.
    let second = app
        .haven
        .preview_import(other.case_import().unwrap(), bytes, &settings(), &o)
        .await
        .unwrap();
    assert_eq!(named(&second), 0);
    assert!(second.rows.iter().any(|r| r.elsewhere == ["?"]));
}

/// The generated samples (every picklist value, every date form, labels in three languages,
/// the same person twice, bad rows, formula-like cells): what an import takes and leaves out is
/// exactly what the generator says it wrote. The HTCDS sheet goes through the use-cases, the
/// KoboToolbox export through the API.
#[tokio::test]
async fn generated_samples_import_as_their_generator_counts() {
    use haven_interchange::sample::{SampleFormat, SampleLayout, SampleOptions, sample};
    let app = TestApp::spawn().await;
    let o = Origin::default();
    let opts = SampleOptions {
        layout: SampleLayout::Htcds,
        rows: 300,
        problems: true,
        seed: 7,
    };
    let (bytes, want) = sample(&opts, SampleFormat::Xlsx).unwrap();
    let p = app.principal("caseworker").await;
    let out = app
        .haven
        .commit_import(
            p.case_import().unwrap(),
            Arc::new(bytes),
            &ImportSettings::default(),
            &o,
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(out.counts.rows, want.rows);
    assert_eq!(
        out.counts.created,
        want.good,
        "{:?}",
        out.errors.rows.first()
    );
    assert_eq!(out.counts.with_problems, want.bad);
    assert!(out.counts.same_person_in_file >= want.same_person);

    let token = app.login("coordinator").await.token().await;
    let kobo = SampleOptions {
        layout: SampleLayout::Kobo,
        rows: 120,
        problems: true,
        seed: 8,
    };
    let (bytes, want) = sample(&kobo, SampleFormat::Xlsx).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("default_region", "GY-BA")
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("kobo.xlsx"),
        );
    let res = app
        .client()
        .post(app.url("/api/v1/imports"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut job = serde_json::Value::Null;
    for _ in 0..400 {
        job = app
            .api_get(&token, &format!("/imports/{id}"))
            .await
            .json()
            .await
            .unwrap();
        if job["status"] != "uploaded" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(job["status"], "previewed", "{job}");
    let c = &job["preview"]["counts"];
    assert_eq!(c["rows"], want.rows, "{c}");
    assert_eq!(c["ready"], want.good, "{c}");
    assert_eq!(c["with_problems"], want.bad, "{c}");
    assert_eq!(job["preview"]["layout"], "collection");
}

/// A letters-only name for person `k` (names are checked as names).
fn name_of(k: usize) -> String {
    let mut n = k + 26;
    let mut s = String::new();
    while n > 0 {
        s.insert(0, (b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// 4,500 rows: 3,000 persons, 1,400 of them again with another case, then 50 rows repeated
/// from the second batch and 50 from the first; then `more` rows of other persons.
fn several_batches(more: usize) -> String {
    let row = |k: usize, exploitation: &str| {
        format!(
            "{},Persaud,{:02}/{:02}/{},{},GY,PossibleVictimOfTrafficking,{exploitation}\n",
            name_of(k),
            k % 28 + 1,
            k % 12 + 1,
            1980 + k % 20,
            if k.is_multiple_of(2) {
                "Feminine"
            } else {
                "Masculine"
            },
        )
    };
    let mut rows: Vec<String> = (0..3000).map(|k| row(k, "ForcedLabour")).collect();
    rows.extend((0..1400).map(|k| row(k, "SexualExploitation")));
    let again: Vec<String> = rows[2300..2350]
        .iter()
        .chain(&rows[100..150])
        .cloned()
        .collect();
    rows.extend(again);
    rows.extend((3000..3000 + more).map(|k| row(k, "ForcedLabour")));
    format!(
        "prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,vic_TraffickingStatus,vic_TypeOfExploitation\n{}",
        rows.concat()
    )
}

/// A file of several batches, written while the next is prepared: persons met again in later
/// batches, rows repeated from a batch perhaps not yet committed and from one that is. It
/// must leave what registering its rows one by one would: each person once, every case
/// numbered once, indexed and audited, the chain intact.
#[tokio::test]
async fn a_file_of_several_batches_leaves_what_one_row_at_a_time_would() {
    let app = TestApp::spawn().await;
    let p = app.principal("caseworker").await;
    let cap = p.case_import().expect("a case worker imports");
    let file = several_batches(0);
    let cases_before = app.count("SELECT COUNT(*) FROM cases").await;
    let persons_before = app.count("SELECT COUNT(*) FROM persons").await;
    let seen = std::sync::Mutex::new(Vec::new());
    let out = app
        .haven
        .commit_import(
            cap,
            Arc::new(file.into_bytes()),
            &settings(),
            &Origin::default(),
            &|n| seen.lock().unwrap().push(n),
        )
        .await
        .unwrap();
    let c = &out.counts;
    assert_eq!(
        (c.rows, c.created, c.already_imported, c.same_person_in_file),
        (4500, 4400, 100, 1400)
    );
    let seen = seen.into_inner().unwrap();
    assert!(seen.windows(2).all(|w| w[0] < w[1]) && seen.last() == Some(&4500));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases").await,
        cases_before + 4400
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM persons").await,
        persons_before + 3000
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases").await,
        app.count("SELECT COUNT(DISTINCT case_number) FROM cases")
            .await
    );
    // Every imported case owned, coded and audited; every new person name-indexed.
    let imported = "SELECT case_id FROM import_keys";
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM case_agencies WHERE involvement = 'owner' AND case_id IN ({imported})"
        ))
        .await,
        4400
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM case_codes WHERE field = 'vic_TypeOfExploitation' AND case_id IN ({imported})"
        ))
        .await,
        4400
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(DISTINCT n.person_id) FROM person_name_index n JOIN cases c ON c.person_id = n.person_id WHERE c.id IN ({imported})"
        ))
        .await,
        3000
    );
    assert_eq!(app.audit_count("case.imported").await, 4400);
    app.haven.verify_audit(|_, _| {}).await.unwrap();
    // The persons met again in a later batch have their two cases, the others one.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM (SELECT person_id FROM cases WHERE id IN ({imported}) GROUP BY person_id HAVING COUNT(*) = 2) t"
        ))
        .await,
        1400
    );
}

/// A batch the database refuses (here a trigger; in life a full disk) ends the import with an
/// error, at once: the batches before it stay, nothing of it is written, and nothing waits
/// forever for the writer that stopped.
#[tokio::test]
async fn a_batch_the_database_refuses_ends_the_import_and_keeps_the_batches_before() {
    let app = TestApp::spawn().await;
    let p = app.principal("caseworker").await;
    let cap = p.case_import().expect("a case worker imports");
    let refuse: &[&str] = if crate::harness::backend() == "postgres" {
        &[
            "CREATE FUNCTION refuse_second_batch() RETURNS trigger AS $$ BEGIN
                 IF (SELECT COUNT(*) FROM import_keys) >= 2000 THEN RAISE EXCEPTION 'disk full'; END IF;
                 RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse BEFORE INSERT ON import_keys FOR EACH ROW EXECUTE FUNCTION refuse_second_batch()",
        ]
    } else {
        &["CREATE TRIGGER refuse BEFORE INSERT ON import_keys
                 WHEN (SELECT COUNT(*) FROM import_keys) >= 2000
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END"]
    };
    for sql in refuse {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let cases_before = app.count("SELECT COUNT(*) FROM cases").await;
    // A guard against a hang, not a measure of speed.
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        app.haven.commit_import(
            cap,
            // Five batches: the planner has two more to hand over once the writer stops.
            Arc::new(several_batches(4000).into_bytes()),
            &settings(),
            &Origin::default(),
            &|_| {},
        ),
    )
    .await
    .expect("the import ends");
    assert!(out.is_err());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases").await,
        cases_before + 2000
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM import_keys").await, 2000);
    assert_eq!(app.audit_count("case.imported").await, 2000);
    app.haven.verify_audit(|_, _| {}).await.unwrap();
}
