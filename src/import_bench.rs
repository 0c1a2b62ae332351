//! `haven bench import`: cases committed per second by `commit_import` on a fresh deployment,
//! from a generated HTCDS CSV of valid rows. Each size and backend runs in a child process of
//! its own, so that its peak memory is its own.
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use haven_core::imports::ImportSettings;
use haven_core::{Haven, Origin, Policy};
use haven_crypto::Kek;
use haven_interchange::sample::{SampleFormat, SampleLayout, SampleOptions};
use haven_store::{Db, OpenMode};

/// The PostgreSQL server (an admin URL: the bench creates and drops a database there).
const POSTGRES_ENV: &str = "HAVEN_BENCH_POSTGRES_URL";

const HEADER: &str = "backend\trows\tcreated\tseconds\tcases_per_s\tcpu_s\tfile_mib\trss_before_mib\tpeak_rss_mib\taudit";

/// Runs every size on SQLite, and on PostgreSQL when [`POSTGRES_ENV`] is set, each in a child
/// process; prints one line per run.
pub(crate) fn run(rows: &[usize], child: Option<&str>) -> Result<()> {
    if let Some(backend) = child {
        let [n] = rows else {
            bail!("a child run takes one size");
        };
        let line = tokio::runtime::Handle::current().block_on(one(*n, backend))?;
        println!("{line}");
        return Ok(());
    }
    let mut backends = vec!["sqlite"];
    if std::env::var(POSTGRES_ENV).is_ok_and(|u| !u.is_empty()) {
        backends.push("postgres");
    } else {
        eprintln!("({POSTGRES_ENV} is not set: SQLite only)");
    }
    println!("{HEADER}");
    let exe = std::env::current_exe().context("the path of this program")?;
    for n in rows {
        for backend in &backends {
            let out = Command::new(&exe)
                .args([
                    "bench",
                    "import",
                    "--rows",
                    &n.to_string(),
                    "--child",
                    backend,
                ])
                .env("HAVEN_LOG", "warn")
                .stderr(std::process::Stdio::inherit())
                .output()
                .context("starting a bench run")?;
            if !out.status.success() {
                bail!("the {backend} run of {n} rows failed");
            }
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
    }
    Ok(())
}

/// A line of /proc/self/status, in MiB (Linux).
fn status_mib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with(key))?.to_string();
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// CPU seconds this process has used (user and system; Linux, in clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // The fields after the command name (which may hold spaces) in parentheses.
            let rest = s.rsplit_once(')')?.1.to_string();
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

/// One size on one backend: generate, set up, import (timed), check.
async fn one(n: usize, backend: &str) -> Result<String> {
    let opts = SampleOptions {
        layout: SampleLayout::Htcds,
        rows: n,
        problems: false,
        seed: 7,
    };
    let (bytes, counts) = haven_interchange::sample::sample(&opts, SampleFormat::Csv)?;
    let file_mib = bytes.len() as f64 / (1024.0 * 1024.0);
    let dir = tempfile::tempdir()?;
    let pg = match backend {
        "sqlite" => None,
        "postgres" => Some(PgDatabase::create().await?),
        other => bail!("unknown backend {other:?}"),
    };
    let url = match &pg {
        Some(p) => p.url.clone(),
        None => format!("sqlite://{}", dir.path().join("haven.db").display()),
    };
    let result = measure(&url, bytes, counts.good).await;
    if let Some(p) = pg {
        p.drop_database().await?;
    }
    let m = result?;
    Ok(format!(
        "{backend}\t{n}\t{}\t{:.2}\t{:.0}\t{:.2}\t{file_mib:.1}\t{:.0}\t{:.0}\t{}",
        m.created,
        m.seconds,
        m.created as f64 / m.seconds,
        m.cpu,
        m.rss_before,
        m.peak,
        m.audit
    ))
}

struct Measure {
    created: usize,
    seconds: f64,
    /// CPU time of this process during the import (not the database server's).
    cpu: f64,
    rss_before: f64,
    peak: f64,
    audit: &'static str,
}

async fn measure(url: &str, bytes: Vec<u8>, want: usize) -> Result<Measure> {
    let db = Db::connect(url, OpenMode::CreateIfMissing).await?;
    db.migrate().await?;
    let kek = Kek::generate();
    haven_core::keys::ensure_keyring(&db, &kek).await?;
    let ring = haven_core::keys::load_keyring(&db, &kek).await?;
    let haven = Haven::new(db.clone(), &ring, Policy::default())?;
    // The demo's agencies and users, no cases: its case worker imports.
    haven_demo::load(&haven, 0, |_, _| {}).await?;
    let user = haven
        .find_user("caseworker")
        .await?
        .context("the demo's case worker")?;
    let p = haven.principal_of_user(user.id).await?;
    let cap = p.case_import().context("a case worker imports")?;
    let settings = ImportSettings {
        default_region: Some("GY-CU".into()),
        mapping: None,
    };
    // The peak from here on is the import's (writing 5 resets it; Linux).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_before = status_mib("VmRSS:");
    let t0 = Instant::now();
    let cpu0 = cpu_seconds();
    let out = haven
        .commit_import(cap, Arc::new(bytes), &settings, &Origin::default(), &|_| {})
        .await?;
    let seconds = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let peak = status_mib("VmHWM:");
    if out.counts.created != want {
        bail!(
            "{} cases created of {want} rows ({:?})",
            out.counts.created,
            out.counts
        );
    }
    let audit = match haven.verify_audit(|_, _| {}).await {
        Ok(_) => "chain ok",
        Err(e) => {
            eprintln!("audit trail: {e}");
            "BROKEN"
        }
    };
    db.close().await;
    Ok(Measure {
        created: out.counts.created,
        seconds,
        cpu,
        rss_before,
        peak,
        audit,
    })
}

/// A uniquely named database on the PostgreSQL server of [`POSTGRES_ENV`].
struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create() -> Result<PgDatabase> {
        use sqlx::Connection;
        let admin = std::env::var(POSTGRES_ENV).context(POSTGRES_ENV)?;
        let name = format!("haven_bench_{}_{}", std::process::id(), haven_core::now());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .with_context(|| format!("connecting to {POSTGRES_ENV}"))?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        let url = format!("{base}/{name}");
        Ok(PgDatabase { admin, name, url })
    }

    async fn drop_database(self) -> Result<()> {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&self.admin).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&mut conn)
        .await?;
        Ok(())
    }
}
