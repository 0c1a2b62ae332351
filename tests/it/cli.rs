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
        vec!["release", "aggregate", "--help"],
        vec!["release", "synthesize", "--help"],
        vec!["bench", "release", "--help"],
        vec!["bench", "sample", "--help"],
        vec!["release", "dp", "--help"],
        vec!["release", "budget", "--help"],
        vec!["release", "anonymize", "--help"],
        vec!["match", "dedupe", "--help"],
        vec!["match", "link", "--help"],
        vec!["match", "encode", "--help"],
        vec!["match", "link-encoded", "--help"],
        vec!["duplicates", "scan", "--help"],
        vec!["import", "cases", "--help"],
        vec!["export", "cases", "--help"],
        vec!["import", "sample", "--help"],
        vec!["bench", "match", "--help"],
        vec!["bench", "pprl", "--help"],
        vec!["bench", "import", "--help"],
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

/// The data folder is the owner's alone (0700) and so are the database files (0600), also when
/// an earlier version left them open to others.
#[cfg(unix)]
#[test]
fn the_data_folder_and_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("haven-data");
    let d = data.to_str().unwrap();
    let (ok, out, err) = haven(&["--data-dir", d, "init"], &[]);
    assert!(ok, "{out}{err}");
    assert_eq!(mode(&data), 0o700);
    for f in ["haven.db", "haven.db-wal", "haven.db-shm"] {
        let p = data.join(f);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{f}");
        }
    }
    assert!(data.join("haven.db").exists());
    // As an earlier version left them: opened up, then narrowed again.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        data.join("haven.db"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let (ok, out, err) = haven(&["--data-dir", d, "init"], &[]);
    assert!(ok, "{out}{err}");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("haven.db")), 0o600);
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
    // The duplicate scan runs on an empty register too.
    let (ok, out, err) = haven(&["--data-dir", d, "duplicates", "scan"], &[]);
    assert!(
        ok && out.contains("0 pair(s) of persons examined"),
        "{out}{err}"
    );
    let (ok, out, err) = haven(&["--data-dir", d, "check-config"], &[("HAVEN_LISTN", "1")]);
    assert!(ok, "{err}");
    assert!(out.contains("Configuration is valid"));
    assert!(
        err.contains("HAVEN_LISTN"),
        "warning about the unknown variable: {err}"
    );
    // Logs to a file or a pipe carry no terminal colour codes.
    assert!(!err.contains('\u{1b}'), "{err:?}");
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

#[test]
fn release_aggregate_writes_protected_counts_and_a_manifest_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let mut csv = String::from("gender,citizenship,means\n");
    for _ in 0..23 {
        csv.push_str("Female,VEN,debt;threats\n");
    }
    csv.push_str("Male,CUB,threats\n");
    std::fs::write(&input, csv).unwrap();
    let output = dir.path().join("agg.tsv");
    let (ok, _, err) = haven(
        &[
            "release",
            "aggregate",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--resolution",
            "11",
            "--multi-value",
            "means=;",
        ],
        &[],
    );
    assert!(ok, "{err}");
    let tsv = std::fs::read_to_string(&output).unwrap();
    assert!(tsv.starts_with("selections\tprotected_count\nrecord_count\t22\n"));
    assert!(tsv.contains("citizenship:VEN;gender:Female\t22\n"));
    assert!(
        !tsv.contains("CUB") && !tsv.contains("Male"),
        "a group of one is never written"
    );
    let manifest = std::fs::read_to_string(dir.path().join("agg.tsv.manifest.json")).unwrap();
    assert!(manifest.contains("\"resolution\": 11"));
    // Synthetic records: the rare person's rare values are gone, the common ones stay.
    let synthetic = dir.path().join("synthetic.csv");
    let (ok, _, err) = haven(
        &[
            "release",
            "synthesize",
            "--input",
            input.to_str().unwrap(),
            "--output",
            synthetic.to_str().unwrap(),
            "--multi-value",
            "means=;",
        ],
        &[],
    );
    assert!(ok, "{err}");
    let csv = std::fs::read_to_string(&synthetic).unwrap();
    assert_eq!(
        csv.lines().count(),
        25,
        "header and one record per source record"
    );
    assert!(csv.contains("Female,VEN,debt;threats"));
    assert!(!csv.contains("CUB") && !csv.contains("Male"));
    let manifest = std::fs::read_to_string(dir.path().join("synthetic.csv.manifest.json")).unwrap();
    assert!(manifest.contains("preserved_share"));
    // A malformed file: the line is named and nothing is written.
    std::fs::write(&input, "a,b\n1,2\n3\n").unwrap();
    let bad = dir.path().join("bad.tsv");
    let (ok, _, err) = haven(
        &[
            "release",
            "aggregate",
            "--input",
            input.to_str().unwrap(),
            "--output",
            bad.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!ok);
    assert!(err.contains("line 3"), "{err}");
    assert!(!bad.exists());
}

#[test]
fn release_dp_is_charged_to_the_ledger_first_and_refused_beyond_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (ok, _, err) = haven(
        &[
            "bench",
            "sample",
            "--rows",
            "3000",
            "--output",
            &p("in.csv"),
        ],
        &[],
    );
    assert!(ok, "{err}");
    let dp = |eps: &str, out: &str| {
        haven(
            &[
                "release",
                "dp",
                "--input",
                &p("in.csv"),
                "--output",
                &p(out),
                "--synthetic",
                &p(&format!("{out}.csv")),
                "--epsilon",
                eps,
                "--ledger",
                &p("ledger.json"),
                "--label",
                "annual report",
            ],
            &[],
        )
    };
    // No ledger: refused, nothing written.
    let (ok, _, err) = dp("1", "a.tsv");
    assert!(!ok && err.contains("release budget --init"), "{err}");
    assert!(!dir.path().join("a.tsv").exists());
    let (ok, _, err) = haven(
        &[
            "release",
            "budget",
            "--init",
            "--epsilon",
            "3",
            "--delta",
            "1e-5",
            "--ledger",
            &p("ledger.json"),
        ],
        &[],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = dp("2", "a.tsv");
    assert!(ok, "{err}");
    let tsv = std::fs::read_to_string(dir.path().join("a.tsv")).unwrap();
    let count: i64 = tsv
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (count - 3000).abs() < 1000,
        "a noisy count near the truth: {count}"
    );
    let synthetic = std::fs::read_to_string(dir.path().join("a.tsv.csv")).unwrap();
    assert_eq!(
        synthetic.lines().count() as i64,
        count + 1,
        "as many records as the noisy count"
    );
    let manifest = std::fs::read_to_string(dir.path().join("a.tsv.manifest.json")).unwrap();
    assert!(manifest.contains("\"epsilon\": 2.0") && manifest.contains("privacy ledger entry 1"));
    assert!(
        !manifest.contains("sha256"),
        "no hash of the input in a DP release"
    );
    // 2 of 3 spent: a release of 1.5 is refused and writes nothing; the ledger is unchanged.
    let (ok, _, err) = dp("1.5", "b.tsv");
    assert!(!ok && err.contains("budget exceeded"), "{err}");
    assert!(!dir.path().join("b.tsv").exists());
    let (ok, out, _) = haven(&["release", "budget", "--ledger", &p("ledger.json")], &[]);
    assert!(
        ok && out.contains("in 1 releases") && out.contains("annual report"),
        "{out}"
    );
    // A second init never resets the budget.
    let (ok, _, err) = haven(
        &[
            "release",
            "budget",
            "--init",
            "--epsilon",
            "9",
            "--delta",
            "1e-5",
            "--ledger",
            &p("ledger.json"),
        ],
        &[],
    );
    assert!(!ok && err.contains("never reset"), "{err}");
    // Bad options are refused before anything is charged.
    let (ok, _, _) = dp("-1", "c.tsv");
    assert!(!ok);
    let (ok, out, _) = haven(&["release", "budget", "--ledger", &p("ledger.json")], &[]);
    assert!(ok && out.contains("in 1 releases"), "{out}");
}

#[test]
fn release_anonymize_writes_k_anonymous_rows_and_a_manifest_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (ok, _, err) = haven(
        &[
            "bench",
            "sample",
            "--rows",
            "2000",
            "--output",
            &p("in.csv"),
        ],
        &[],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = haven(
        &[
            "release",
            "anonymize",
            "--input",
            &p("in.csv"),
            "--output",
            &p("out.csv"),
            "--k",
            "11",
        ],
        &[],
    );
    assert!(ok, "{err}");
    // Every combination of the quasi-identifiers present (gender, age, citizenship, country of
    // exploitation, year) is held by 11 rows or more.
    let out = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    let mut classes = std::collections::HashMap::new();
    for line in out.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        *classes.entry((c[0], c[1], c[2], c[3], c[4])).or_insert(0) += 1;
    }
    assert_eq!(out.lines().count(), 2001);
    assert!(classes.values().all(|n| *n >= 11), "{classes:?}");
    let manifest = std::fs::read_to_string(dir.path().join("out.csv.manifest.json")).unwrap();
    assert!(manifest.contains("\"smallest_class\"") && manifest.contains("input_sha256"));
    // A quasi-identifier that is not a column: a clear error, nothing written.
    let (ok, _, err) = haven(
        &[
            "release",
            "anonymize",
            "--input",
            &p("in.csv"),
            "--output",
            &p("bad.csv"),
            "--quasi-identifiers",
            "gender,nope",
        ],
        &[],
    );
    assert!(!ok && err.contains("nope"), "{err}");
    assert!(!dir.path().join("bad.csv").exists());
}

#[test]
fn a_bad_screening_indicator_file_stops_the_start_with_the_indicator_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (ok, out, _) = haven(&["--data-dir", d, "init"], &[]);
    assert!(ok, "{out}");
    let file = dir.path().join("local.toml");
    std::fs::write(
        &file,
        "[[indicator]]\nid = \"mining_camp_store_debt\"\ndimension = 9\nstrength = \"M M S S\"\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let (ok, _, err) = haven(
        &["--data-dir", d, "check-config"],
        &[("HAVEN_SCREENING_INDICATORS", f)],
    );
    assert!(!ok && err.contains("mining_camp_store_debt"), "{err}");
    std::fs::write(
        &file,
        "[[indicator]]\nid = \"mining_camp_store_debt\"\ndimension = 5\nstrength = \"M M S S\"\n",
    )
    .unwrap();
    let (ok, out, err) = haven(
        &["--data-dir", d, "check-config"],
        &[("HAVEN_SCREENING_INDICATORS", f)],
    );
    assert!(ok && out.contains("Configuration is valid"), "{err}");
}

/// `haven match dedupe` and `link` on people's own CSV files: pairs, clusters, clear errors.
#[test]
fn match_dedupe_and_link_on_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(
        &a,
        "ID;Nombre;Apellido;Nacimiento\n1;María José;González;1998-04-12\n2;Maria;Gonzales;12/04/1998\n3;John;Smith;1980-01-01\n4;Aiyana;Williams;2005-07-30\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "ID,Nombre,Apellido,Nacimiento\nx,Jon,Smyth,1980-01-01\ny,Pedro,Alves,1975-03-02\n",
    )
    .unwrap();
    let pairs = dir.path().join("pairs.csv");
    let clusters = dir.path().join("clusters.csv");
    let p = |x: &std::path::Path| x.display().to_string();
    let fields = [
        "--id",
        "ID",
        "--field",
        "first_name=Nombre",
        "--field",
        "last_name=Apellido",
        "--field",
        "birth_date=Nacimiento",
        "--threshold",
        "0.5",
    ];
    let mut args = vec!["match", "dedupe"];
    let (pa, pp, pc) = (p(&a), p(&pairs), p(&clusters));
    args.push(&pa);
    args.extend(fields);
    args.extend(["--output", &pp, "--clusters", &pc]);
    let (ok, _, err) = haven(&args, &[]);
    assert!(ok, "{err}");
    let out = std::fs::read_to_string(&pairs).unwrap();
    assert!(
        out.starts_with("left_id,right_id,probability\n1,2,"),
        "{out}"
    );
    let cl = std::fs::read_to_string(&clusters).unwrap();
    assert!(cl.contains("1,1\n2,1\n3,3\n4,4"), "{cl}");

    // A two-row file in Windows-1252, as Excel saves it: read, and the pair is found (a name
    // both rows share is not thereby common).
    let w = dir.path().join("w1252.csv");
    std::fs::write(
        &w,
        b"ID;Nombre;Apellido\r\n1;Jos\xe9;Gonz\xe1lez\r\n2;Jose;Gonzalez\r\n",
    )
    .unwrap();
    let pw = p(&w);
    let mut args = vec!["match", "dedupe", &pw];
    args.extend([
        "--id",
        "ID",
        "--field",
        "first_name=Nombre",
        "--field",
        "last_name=Apellido",
    ]);
    args.extend(["--output", &pp, "--threshold", "0.5"]);
    let (ok, _, err) = haven(&args, &[]);
    assert!(ok, "{err}");
    let out = std::fs::read_to_string(&pairs).unwrap();
    assert!(out.contains("1,2,"), "{out}");

    let pb = p(&b);
    let mut args = vec!["match", "link", &pa, &pb];
    args.extend(fields);
    args.extend(["--output", &pp]);
    let (ok, _, err) = haven(&args, &[]);
    assert!(ok, "{err}");
    let out = std::fs::read_to_string(&pairs).unwrap();
    assert!(out.contains("3,x,"), "{out}");
    assert!(!out.contains("1,2,"), "only pairs across the two files");

    // Clear errors: an unknown field, a missing column.
    let (ok, _, err) = haven(
        &[
            "match",
            "dedupe",
            &pa,
            "--id",
            "ID",
            "--field",
            "name=Nombre",
            "--output",
            &pp,
        ],
        &[],
    );
    assert!(!ok && err.contains("unknown field \"name\""), "{err}");
    let (ok, _, err) = haven(
        &[
            "match",
            "dedupe",
            &pa,
            "--id",
            "ID",
            "--field",
            "first_name=Nom",
            "--output",
            &pp,
        ],
        &[],
    );
    assert!(!ok && err.contains("no column \"Nom\""), "{err}");
}

/// An assessed age stands in for a missing birth date: agreeing with it links, a far one does not.
#[test]
fn match_dedupe_uses_assessed_ages() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("ages.csv");
    std::fs::write(
        &a,
        "id,first,last,dob,age\n1,Aiyana,Tenorio,2010-05-01,\n2,Aiyana,Tenorio,,about 16\n\
         3,Aiyana,Tenorio,,60\n4,John,Smith,1980-01-01,\n5,Pedro,Alves,1975-03-02,\n\
         6,Ana,Lima,1990-09-09,\n7,Kwame,Boateng,1985-02-11,\n",
    )
    .unwrap();
    let pairs = dir.path().join("pairs.csv");
    let (pa, pp) = (a.display().to_string(), pairs.display().to_string());
    let (ok, _, err) = haven(
        &[
            "match",
            "dedupe",
            &pa,
            "--id",
            "id",
            "--field",
            "first_name=first",
            "--field",
            "last_name=last",
            "--field",
            "birth_date=dob",
            "--field",
            "age=age",
            "--ages-in",
            "2026",
            "--threshold",
            "0.5",
            "--output",
            &pp,
        ],
        &[],
    );
    assert!(ok, "{err}");
    let out = std::fs::read_to_string(&pairs).unwrap();
    assert!(out.contains("1,2,"), "{out}");
    assert!(!out.contains("1,3,") && !out.contains("2,3,"), "{out}");
}

/// A field may join columns with `+` (an address kept as number and street); a missing part is
/// a clear error.
#[test]
fn match_joins_columns_with_plus() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("addr.csv");
    std::fs::write(
        &a,
        "id,first,last,num,street,mail\n1,Ana,Lima,12,Rua das Flores,ana@example.org\n\
         2,Ana,Lima,12,Rua das Flores,ANA@example.org \n3,John,Smith,4,High Street,\n\
         4,Kwame,Boateng,9,Main Road,\n5,Aiyana,Tenorio,1,Calle Real,\n",
    )
    .unwrap();
    let pairs = dir.path().join("pairs.csv");
    let (pa, pp) = (a.display().to_string(), pairs.display().to_string());
    let run = |address: &str| {
        haven(
            &[
                "match",
                "dedupe",
                &pa,
                "--id",
                "id",
                "--field",
                "first_name=first",
                "--field",
                "last_name=last",
                "--field",
                address,
                "--field",
                "email=mail",
                "--output",
                &pp,
            ],
            &[],
        )
    };
    let (ok, _, err) = run("address=num+street");
    assert!(ok, "{err}");
    let out = std::fs::read_to_string(&pairs).unwrap();
    assert!(out.contains("1,2,"), "{out}");
    let (ok, _, err) = run("address=num+nope");
    assert!(!ok && err.contains("no column \"nope\""), "{err}");
}

/// `haven match encode` and `link-encoded`: two organisations link under a shared secret; the
/// .clk files hold no names; a different secret is a clear error.
#[test]
fn match_encode_and_link_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let p = |x: &str| dir.path().join(x).display().to_string();
    std::fs::write(
        p("shelter.csv"),
        "ref,first,last,dob\nS1,María José,González,1998-04-12\nS2,John,Smith,1980-01-01\nS3,Aiyana,Williams,2005-07-30\n",
    )
    .unwrap();
    std::fs::write(
        p("hotline.csv"),
        "ref,first,last,dob\nH1,Jon,Smith,1980-01-01\nH2,Pedro,Alves,1975-03-02\nH3,Gonzalez,Maria Jose,12/04/1998\n",
    )
    .unwrap();
    std::fs::write(
        p("secret"),
        "c2hhcmVkIGJ5IHRoZSB0d28gb3JnYW5pc2F0aW9ucw==\n",
    )
    .unwrap();
    std::fs::write(p("other"), "a different secret of the hotline\n").unwrap();
    let encode = |file: &str, secret: &str, out: &str| {
        haven(
            &[
                "match",
                "encode",
                &p(file),
                "--id",
                "ref",
                "--field",
                "first_name=first",
                "--field",
                "last_name=last",
                "--field",
                "birth_date=dob",
                "--secret-file",
                &p(secret),
                "--output",
                &p(out),
            ],
            &[],
        )
    };
    let (ok, _, err) = encode("shelter.csv", "secret", "s.clk");
    assert!(ok, "{err}");
    let (ok, _, err) = encode("hotline.csv", "secret", "h.clk");
    assert!(ok, "{err}");
    let clk = std::fs::read_to_string(p("s.clk")).unwrap().to_lowercase();
    assert!(clk.starts_with("haven-clk 1"));
    for word in ["gonz", "smith", "aiyana", "1998", "1980"] {
        assert!(!clk.contains(word), "{word} in the .clk file");
    }
    let (ok, _, err) = haven(
        &[
            "match",
            "link-encoded",
            &p("s.clk"),
            &p("h.clk"),
            "--output",
            &p("pairs.csv"),
        ],
        &[],
    );
    assert!(ok, "{err}");
    let pairs = std::fs::read_to_string(p("pairs.csv")).unwrap();
    assert!(
        pairs.starts_with("left_id,right_id,similarity\n"),
        "{pairs}"
    );
    assert!(
        pairs.contains("S1,H3,") && pairs.contains("S2,H1,"),
        "{pairs}"
    );
    assert!(!pairs.contains("H2") && !pairs.contains("S3"), "{pairs}");

    // Another secret: refused with a reason, not an empty result.
    let (ok, _, err) = encode("hotline.csv", "other", "x.clk");
    assert!(ok, "{err}");
    let (ok, _, err) = haven(
        &[
            "match",
            "link-encoded",
            &p("s.clk"),
            &p("x.clk"),
            "--output",
            &p("pairs.csv"),
        ],
        &[],
    );
    assert!(!ok && err.contains("different secrets"), "{err}");
    // A short secret and a file that is not a .clk.
    std::fs::write(p("short"), "abc").unwrap();
    let (ok, _, err) = encode("hotline.csv", "short", "y.clk");
    assert!(!ok && err.contains("too short"), "{err}");
    let (ok, _, err) = haven(
        &[
            "match",
            "link-encoded",
            &p("shelter.csv"),
            &p("h.clk"),
            "--output",
            &p("pairs.csv"),
        ],
        &[],
    );
    assert!(!ok && err.contains("not a .clk file"), "{err}");
}

/// An index built by an earlier recipe: `serve` refuses to start, naming `haven reindex`;
/// `haven reindex` rebuilds it; `migrate` does it too.
#[test]
fn serve_refuses_a_stale_name_index_and_reindex_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (ok, out, err) = haven(
        &["--data-dir", d, "demo", "--no-serve", "--cases", "3"],
        &[],
    );
    assert!(ok, "{out}{err}");
    let stale = || {
        let db = dir.path().join("haven.db");
        let conn = format!("sqlite://{}", db.display());
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let pool = sqlx::SqlitePool::connect(&conn).await.unwrap();
            sqlx::query("DELETE FROM settings WHERE key = 'name_index_version'")
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        });
    };
    stale();
    let (ok, out, err) = haven(&["--data-dir", d, "serve", "--listen", "127.0.0.1:0"], &[]);
    assert!(!ok, "{out}{err}");
    assert!(err.contains("haven reindex"), "{err}");
    let (ok, out, err) = haven(&["--data-dir", d, "reindex"], &[]);
    assert!(ok && out.contains("Re-indexed the names of"), "{out}{err}");
    stale();
    let (ok, out, err) = haven(&["--data-dir", d, "migrate"], &[]);
    assert!(ok && out.contains("Re-indexed the names of"), "{out}{err}");
    let (ok, out, err) = haven(&["--data-dir", d, "reindex", "--help"], &[]);
    assert!(
        ok && out.contains("Rebuild the blind name index"),
        "{out}{err}"
    );
}

/// `haven match` on files with names in any script (and hostile Unicode): every command runs to
/// the end and writes its output; the same person in two scripts is still found.
#[test]
fn match_commands_run_on_names_in_any_script() {
    use proptest::strategy::{Strategy, ValueTree};
    let dir = tempfile::tempdir().unwrap();
    let p = |x: &str| dir.path().join(x).display().to_string();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = ("\\PC{0,30}", "\\PC{0,30}");
    let mut w = csv::Writer::from_path(p("people.csv")).unwrap();
    w.write_record(["id", "first", "last", "dob"]).unwrap();
    w.write_record(["a", "Stanisław", "Łukaszewicz", "1990-01-02"])
        .unwrap();
    w.write_record(["b", "Stanislaw", "Lukaszewicz", "1990-01-02"])
        .unwrap();
    w.write_record(["c", "Søren", "Ødegård", "1985-05-05"])
        .unwrap();
    w.write_record(["d", "Иван", "Петров", "1970-07-07"])
        .unwrap();
    for i in 0..200 {
        let (f, l) = strategy.new_tree(&mut runner).unwrap().current();
        let dob = format!("{}-{:02}-{:02}", 1950 + i % 60, 1 + i % 12, 1 + i % 28);
        w.write_record([format!("r{i}"), f, l, dob]).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    std::fs::write(p("secret"), "a shared secret of sixteen bytes at least\n").unwrap();
    let fields = [
        "--id",
        "id",
        "--field",
        "first_name=first",
        "--field",
        "last_name=last",
        "--field",
        "birth_date=dob",
    ];
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&fields);
        let (ok, out, err) = haven(&all, &[]);
        assert!(ok, "{args:?}: {out}{err}");
    };
    let people = p("people.csv");
    let (pairs, clusters) = (p("pairs.csv"), p("clusters.csv"));
    run(&[
        "match",
        "dedupe",
        &people,
        "--output",
        &pairs,
        "--clusters",
        &clusters,
        "--threshold",
        "0.5",
    ]);
    let found = std::fs::read_to_string(&pairs).unwrap();
    assert!(
        found
            .lines()
            .any(|l| l.starts_with("a,b,") || l.starts_with("b,a,")),
        "{found}"
    );
    run(&[
        "match",
        "link",
        &people,
        &people,
        "--output",
        &p("links.csv"),
    ]);
    run(&[
        "match",
        "encode",
        &people,
        "--secret-file",
        &p("secret"),
        "--output",
        &p("people.clk"),
    ]);
    let (ok, out, err) = haven(
        &[
            "match",
            "link-encoded",
            &p("people.clk"),
            &p("people.clk"),
            "--output",
            &p("clk-pairs.csv"),
        ],
        &[],
    );
    assert!(ok, "{out}{err}");
}

/// `haven release aggregate` writes what Microsoft's `sds-cli` writes from the same file with the
/// same settings (fixtures in tests/data/sds, made by sds-cli 1.9.0), line for line once SDS's
/// ties (equal length and count, left in hash-map order) are sorted; zeros are no value except in
/// the sensitive-zero columns, as in SDS.
#[test]
fn aggregates_equal_sds_cli_line_for_line() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sds");
    let dir = tempfile::tempdir().unwrap();
    let canonical = |text: &str| -> (Vec<String>, Vec<String>) {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut body = lines[2..].to_vec();
        body.sort_by_key(|l| {
            let (label, n) = l.split_once('\t').unwrap();
            (
                label.split(';').count(),
                std::cmp::Reverse(n.parse::<u64>().unwrap()),
                label.to_string(),
            )
        });
        (lines[..2].to_vec(), body)
    };
    for (expected, zeros) in [
        ("sds-k5-l3.tsv", None),
        (
            "sds-k5-l3-zeros.tsv",
            Some("isForcedLabour,meansOfControlThreats"),
        ),
    ] {
        let output = dir.path().join(expected);
        let input = data.join("ctdc-like-300.csv");
        let mut args = vec![
            "release",
            "aggregate",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--resolution",
            "5",
            "--reporting-length",
            "3",
        ];
        if let Some(z) = zeros {
            args.extend(["--sensitive-zeros", z]);
        }
        let (ok, _, err) = haven(&args, &[]);
        assert!(ok, "{err}");
        let ours = std::fs::read_to_string(&output).unwrap();
        let theirs = std::fs::read_to_string(data.join(expected)).unwrap();
        let (ours_head, ours_body) = canonical(&ours);
        let (theirs_head, theirs_body) = canonical(&theirs);
        assert_eq!(ours_head, theirs_head, "{expected}");
        assert_eq!(ours_body.len(), theirs_body.len(), "{expected}");
        for (a, b) in ours_body.iter().zip(&theirs_body) {
            assert_eq!(a, b, "{expected}");
        }
        // Already in that order: a release is reproducible byte for byte.
        assert_eq!(ours.lines().skip(2).collect::<Vec<_>>(), ours_body);
        let manifest =
            std::fs::read_to_string(dir.path().join(format!("{expected}.manifest.json"))).unwrap();
        assert!(manifest.contains("\"sensitive_zeros\""), "{manifest}");
    }
}

/// `haven import cases` and `haven export cases` on a demo deployment: a preview that writes
/// nothing, an import, a second import that creates nothing, the rows to fix beside the file,
/// and the cases back out (a plain file without personal fields, a sealed ZIP with them).
#[test]
fn import_then_export_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (ok, out, err) = haven(
        &["--data-dir", d, "demo", "--no-serve", "--cases", "0"],
        &[],
    );
    assert!(ok, "{out}{err}");
    // Not a terminal: no colour codes in what the demo prints or logs.
    assert!(!format!("{out}{err}").contains('\u{1b}'), "{err:?}");
    let file = dir.path().join("kobo.csv");
    std::fs::write(
        &file,
        "start,grp/prs_First_Name,grp/prs_Gender,grp/prs_Birthdate,grp/vic_TraffickingStatus,grp/vic_TypeOfExploitation,_uuid,_submission_time\n\
         2025-01-01,Ana,Feminine,2001-02-03,PossibleVictimOfTrafficking,ForcedLabour SexualExploitation,u-1,2025-01-02T10:00:00\n\
         2025-01-01,Bea,Martian,2001-02-03,PossibleVictimOfTrafficking,ForcedLabour,u-2,2025-01-02T11:00:00\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec![
            "--data-dir",
            d,
            "import",
            "cases",
            f,
            "--agency",
            "Help & Shelter",
            "--as",
            "caseworker",
            "--region",
            "GY-CU",
        ];
        args.extend_from_slice(extra);
        haven(&args, &[])
    };
    let (ok, out, err) = import(&["--dry-run"]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("1 ready, 1 with problems") && out.contains("Nothing was written"),
        "{out}"
    );
    assert!(out.contains("grp/prs_Gender"), "{out}");
    let (ok, out, err) = import(&[]);
    assert!(
        ok && out.contains("1 case(s) created from 2 row(s)"),
        "{out}{err}"
    );
    let errors = std::fs::read_to_string(dir.path().join("kobo.csv.errors.csv")).unwrap();
    assert!(
        errors.contains("Bea") && errors.contains("Martian"),
        "{errors}"
    );
    let (ok, out, err) = import(&[]);
    assert!(
        ok && out.contains("0 case(s) created") && out.contains("1 already imported"),
        "{out}{err}"
    );
    // Without --as, an agency with several users who may import asks which one.
    let (ok, _, err) = haven(
        &[
            "--data-dir",
            d,
            "import",
            "cases",
            f,
            "--agency",
            "IOM Guyana",
        ],
        &[],
    );
    assert!(!ok && !err.is_empty());

    let plain = dir.path().join("cases.csv");
    let (ok, out, err) = haven(
        &[
            "--data-dir",
            d,
            "export",
            "cases",
            "--as",
            "caseworker",
            "--output",
            plain.to_str().unwrap(),
            "--hxl",
        ],
        &[],
    );
    assert!(ok && out.contains("1 case(s)"), "{out}{err}");
    let text = std::fs::read_to_string(&plain).unwrap();
    assert!(
        text.contains("#affected+sex") && !text.contains("Ana"),
        "{text}"
    );
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "a long enough passphrase\n").unwrap();
    let sealed = dir.path().join("cases.zip");
    let (ok, out, err) = haven(
        &[
            "--data-dir",
            d,
            "export",
            "cases",
            "--as",
            "caseworker",
            "--output",
            sealed.to_str().unwrap(),
            "--personal",
            "--reason",
            "handover to IOM Guyana",
            "--passphrase-file",
            pw.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{out}{err}");
    let bytes = std::fs::read(&sealed).unwrap();
    assert!(bytes.starts_with(b"PK"));
    // Without a reason: refused, nothing written.
    let refused = dir.path().join("refused.zip");
    let (ok, _, err) = haven(
        &[
            "--data-dir",
            d,
            "export",
            "cases",
            "--as",
            "caseworker",
            "--output",
            refused.to_str().unwrap(),
            "--personal",
            "--passphrase-file",
            pw.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!ok && err.contains("at least 10 characters"), "{err}");
    assert!(!refused.exists());
}
