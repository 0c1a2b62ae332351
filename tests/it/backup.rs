//! Backup while running, restore into a new database (also across backends), verify.
use haven_core::{Haven, Policy};
use haven_store::{Db, OpenMode};

use crate::harness::{TestApp, TestDb};

#[tokio::test]
async fn backup_then_restore_round_trip() {
    let app = TestApp::spawn().await;
    let s = app.login("caseworker").await;
    let res = s
        .open_case(&[("first_name", "Backupina"), ("second_name", "Restorez")])
        .await;
    let case_path = crate::harness::location(&res);
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
    let p = h
        .principal_of_user(app.user_id("caseworker").await)
        .await
        .unwrap();
    let id = case_path.trim_start_matches("/cases/").parse().unwrap();
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
    let new = haven_crypto::Kek::generate();
    let n = haven_core::keys::rotate_kek(&app.haven.db, &app.kek, &new)
        .await
        .unwrap();
    assert_eq!(n, 3);
    assert!(
        haven_core::keys::load_keyring(&app.haven.db, &app.kek)
            .await
            .is_err()
    );
    let ring = haven_core::keys::load_keyring(&app.haven.db, &new)
        .await
        .unwrap();
    let h = Haven::new(app.haven.db.clone(), &ring, Policy::default()).unwrap();
    h.verify_audit(|_, _| {}).await.unwrap();
    // The running server keeps working with the keys it holds.
    let s = app.login("caseworker").await;
    assert_eq!(s.get("/cases").await.status(), 200);

    // A new data key: new writes use it, old data stays readable.
    haven_core::keys::new_data_key(&app.haven.db, &new)
        .await
        .unwrap();
    let ring = haven_core::keys::load_keyring(&app.haven.db, &new)
        .await
        .unwrap();
    let h = Haven::new(app.haven.db.clone(), &ring, Policy::default()).unwrap();
    let p = h
        .principal_of_user(app.user_id("caseworker").await)
        .await
        .unwrap();
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
