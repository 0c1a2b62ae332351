//! Backup while running, restore into a new database (also across backends), verify.
use haven_core::{Haven, Policy};
use haven_store::{Db, OpenMode};

use crate::harness::{TestApp, TestDb};

#[tokio::test]
async fn backup_then_restore_round_trip() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let id = s
        .new_case(&[("first_name", "Backupina"), ("second_name", "Restorez")])
        .await;
    let file = app.db.dir.path().join("haven.backup");
    let rows = haven_core::backup::backup(&app.haven, &app.kek, &file, |_| {})
        .await
        .unwrap();
    assert!(rows > 100);
    let raw = std::fs::read(&file).unwrap();
    assert!(raw.starts_with(b"HAVENBK1"));
    assert!(
        !raw.windows(9).any(|w| w == b"Backupina"),
        "the backup file is encrypted"
    );

    // Restore into a brand-new database.
    let target = TestDb::new().await;
    let db = Db::connect(&target.url, OpenMode::CreateIfMissing)
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let restored = haven_core::backup::restore(&db, &app.kek, &file, |_| {})
        .await
        .unwrap();
    assert_eq!(restored, rows);
    let ring = haven_core::keys::load_keyring(&db, &app.kek).await.unwrap();
    let h = Haven::new(db.clone(), &ring, Policy::default()).unwrap();
    h.verify_audit(|_, _| {})
        .await
        .expect("restored trail verifies");
    let p = app.principal("caseworker").await;
    let view = h.open_case(&p, id, &Default::default()).await.unwrap();
    assert_eq!(view.record.person.first_name, "Backupina");
    // Restoring again into the now non-empty database is refused.
    assert!(
        haven_core::backup::restore(&db, &app.kek, &file, |_| {})
            .await
            .is_err()
    );
    // A different key cannot open the backup.
    let other = TestDb::new().await;
    let db2 = Db::connect(&other.url, OpenMode::CreateIfMissing)
        .await
        .unwrap();
    db2.migrate().await.unwrap();
    assert!(
        haven_core::backup::restore(&db2, &haven_crypto::Kek::generate(), &file, |_| {})
            .await
            .is_err()
    );
}

#[tokio::test]
async fn kek_rotation_rewraps_keys_and_old_key_stops_working() {
    let app = TestApp::spawn().await;
    app.case("caseworker").create().await;
    app.case("caseworker").closed().create().await;
    let new = haven_crypto::Kek::generate();
    let n = haven_core::keys::rotate_kek(&app.store, &app.kek, &new)
        .await
        .unwrap();
    assert_eq!(n, 3);
    assert!(
        haven_core::keys::load_keyring(&app.store, &app.kek)
            .await
            .is_err()
    );
    let ring = haven_core::keys::load_keyring(&app.store, &new)
        .await
        .unwrap();
    let h = Haven::new(app.store.clone(), &ring, Policy::default()).unwrap();
    h.verify_audit(|_, _| {}).await.unwrap();
    // The running server keeps working with the keys it holds.
    let s = app.login("caseworker").await;
    assert_eq!(s.get("/cases").await.status(), 200);

    // A new data key: new writes use it, old data stays readable.
    haven_core::keys::new_data_key(&app.store, &new)
        .await
        .unwrap();
    let ring = haven_core::keys::load_keyring(&app.store, &new)
        .await
        .unwrap();
    let h = Haven::new(app.store.clone(), &ring, Policy::default()).unwrap();
    let p = app.principal("caseworker").await;
    let cap = p.case_create().unwrap();
    let (id, _) = h
        .create_case(
            cap,
            {
                let mut r = haven_domain::record::CaseRecord::default();
                r.person.first_name = "Nuevo".into();
                r.person.gender = "Masculine".into();
                r.person.assessed_age = Some(30);
                r.victim.trafficking_status = "PossibleVictimOfTrafficking".into();
                r.victim.type_of_exploitation = vec!["ForcedLabour".into()];
                r.case.region = "GY-DE".into();
                r
            },
            None,
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        h.open_case(&p, id, &Default::default())
            .await
            .unwrap()
            .record
            .person
            .first_name,
        "Nuevo"
    );
    let list = h
        .list_cases(
            p.case_list().unwrap(),
            &Default::default(),
            &Default::default(),
        )
        .await
        .unwrap();
    assert!(
        list.items
            .iter()
            .all(|i| !i.person_name.is_empty() || i.person_name.is_empty())
    );
    assert!(list.total > 1);
}

/// A backup written before sign-in locks moved to `login_locks` and before case grants were
/// removed still restores: the retired table's rows and columns are dropped.
#[tokio::test]
async fn a_backup_of_an_earlier_version_restores() {
    let app = TestApp::spawn().await;
    let mut out = Vec::new();
    haven_store::dump::dump(&app.store, &mut out, |_| {})
        .await
        .unwrap();
    // Rewrite it as the earlier version wrote it.
    let mut lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut in_users = false;
    let at = 8; // after must_change_password
    for v in lines.iter_mut() {
        if let Some(t) = v.get("table") {
            in_users = t == "users";
            if in_users {
                let cols = v["columns"].as_array_mut().unwrap();
                assert_eq!(cols[at - 1], "must_change_password");
                cols.insert(at, "failed_logins".into());
                cols.insert(at + 1, "locked_until".into());
            }
        } else if in_users && let Some(row) = v.as_array_mut() {
            row.insert(at, 0.into());
            row.insert(at + 1, serde_json::Value::Null);
        }
    }
    let end = lines.pop().unwrap();
    let total = end["end"].as_u64().unwrap();
    lines.push(serde_json::json!({"table": "case_grants", "columns": ["case_id", "user_id", "granted_by", "granted_at", "expires_at"]}));
    lines.push(serde_json::json!(["c", "u", "g", 1, null]));
    lines.push(serde_json::json!({"end": total + 1}));
    let old: String = lines.iter().map(|l| format!("{l}\n")).collect();

    let target = TestDb::new().await;
    let db = Db::connect(&target.url, OpenMode::CreateIfMissing)
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let n = haven_store::dump::restore(&db, old.as_bytes(), |_| {})
        .await
        .unwrap();
    assert_eq!(n, total + 1);
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(users >= 10);
}
