//! The `haven` command line: help everywhere, clear one-line errors, no silent empty databases.
use std::process::Command;

fn haven(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
    // Only the variables a test gives: the suite's own HAVEN_TEST_* settings would be warned about.
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("HAVEN_") || k == "DATABASE_URL") {
        c.env_remove(k);
    }
    c.args(args).env("HAVEN_LOG", "warn");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run haven");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn every_command_has_help() {
    for cmd in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["migrate", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "disable", "--help"],
        vec!["user", "reset-password", "--help"],
        vec!["agency", "add", "--help"],
        vec!["backup", "--help"],
        vec!["restore", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["keys", "rotate", "--help"],
        vec!["check-config", "--help"],
    ] {
        let (ok, out, _) = haven(&cmd, &[]);
        assert!(ok && out.contains("Usage:"), "{cmd:?}");
    }
}

#[test]
fn a_missing_database_is_an_error_not_a_new_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo.db");
    let url = format!("sqlite://{}", db.display());
    let (ok, _, err) = haven(&["--database-url", &url, "serve"], &[]);
    assert!(!ok);
    assert!(
        err.starts_with("error: ") && err.contains("haven init"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one clear line: {err}");
    assert!(!db.exists(), "no empty database was created");
    let (ok, _, err) = haven(
        &["check-config"],
        &[("HAVEN_DATABASE_URL", "postgress://u@h/db")],
    );
    assert!(!ok && err.contains("unknown scheme"), "{err}");
}

#[test]
fn init_is_idempotent_and_unknown_variables_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (ok, out, _) = haven(&["--data-dir", d, "init"], &[]);
    assert!(ok, "{out}");
    let key = dir.path().join("kek.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let (ok, out, _) = haven(&["--data-dir", d, "init"], &[]);
    assert!(ok && out.contains("already initialised"), "{out}");
    let (ok, out, err) = haven(&["--data-dir", d, "check-config"], &[("HAVEN_LISTN", "1")]);
    assert!(ok, "{err}");
    assert!(out.contains("Configuration is valid"));
    assert!(
        err.contains("HAVEN_LISTN"),
        "warning about the unknown variable: {err}"
    );
    // A user with a weak password is refused with a readable reason.
    haven(
        &[
            "--data-dir",
            d,
            "agency",
            "add",
            "--name",
            "Shelter",
            "--type",
            "NGO",
        ],
        &[],
    );
    let (ok, _, err) = haven(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "--username",
            "x",
            "--name",
            "X",
            "--role",
            "boss",
            "--agency",
            "Nope",
        ],
        &[],
    );
    assert!(!ok);
    assert!(
        err.contains("username") && err.contains("role") && err.contains("agency_id"),
        "{err}"
    );
    // A wrong key file is named as such.
    std::fs::remove_file(&key).unwrap();
    haven_crypto::Kek::generate().write_new_file(&key).unwrap();
    let (ok, _, err) = haven(&["--data-dir", d, "audit", "verify"], &[]);
    assert!(!ok && err.contains("fingerprint"), "{err}");
}
