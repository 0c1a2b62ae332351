//! `haven`: the one binary. Serves the web UI and API, and administers a deployment.
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use haven_core::admin::{AdminActor, NewAgency, NewUser};
use haven_core::{Haven, Origin};
use haven_crypto::Kek;
use haven_store::{Db, OpenMode};
use indicatif::{ProgressBar, ProgressStyle};

mod config;
mod export_cmd;
mod import_bench;
mod import_cmd;
mod match_cmd;
mod release_cmd;

use config::{Config, Flags, KekSource};

#[derive(Parser)]
#[command(
    name = "haven",
    version,
    about = "Haven: case management and referral for victims of trafficking"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Global {
    /// TOML configuration file [env: HAVEN_CONFIG]
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Address to listen on [env: HAVEN_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, global = true)]
    listen: Option<String>,
    /// Folder for the SQLite database and the key file [env: HAVEN_DATA_DIR] [default: ./haven-data]
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST/DB [env: HAVEN_DATABASE_URL or DATABASE_URL]
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Key-encryption key file [env: HAVEN_KEK_FILE; or the key itself in HAVEN_KEK]
    #[arg(long, global = true)]
    kek_file: Option<PathBuf>,
    /// TLS certificate (PEM) for serving HTTPS without a reverse proxy [env: HAVEN_TLS_CERT]
    #[arg(long, global = true)]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM) [env: HAVEN_TLS_KEY]
    #[arg(long, global = true)]
    tls_key: Option<PathBuf>,
    /// Log format: text or json [env: HAVEN_LOG_FORMAT]
    #[arg(long, global = true)]
    log_format: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Create the data folder, the encryption key and the database
    Init,
    /// Run the web server
    Serve,
    /// Create (if needed) a demo deployment with fictional data, and serve it
    Demo {
        /// Number of fictional cases to generate
        #[arg(long, default_value_t = 300)]
        cases: usize,
        /// Only create the demo data, do not serve
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply database migrations (and rebuild the name index if its recipe changed)
    Migrate,
    /// Rebuild the blind name index of every person and training participant (needed after an
    /// upgrade that changes how names are coded; resumable)
    Reindex,
    /// Manage user accounts
    #[command(subcommand)]
    User(UserCmd),
    /// Manage agencies
    #[command(subcommand)]
    Agency(AgencyCmd),
    /// Write a consistent, encrypted backup while the server runs
    Backup {
        /// Backup file to create
        file: PathBuf,
    },
    /// Restore a backup into a new, empty database
    Restore {
        /// Backup file to read
        file: PathBuf,
    },
    /// Audit trail tools
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Key management
    #[command(subcommand)]
    Keys(KeysCmd),
    /// Check the configuration, the key and the database, and print the settings in use
    CheckConfig,
    /// Anonymise the closed cases past the retention period (HAVEN_RETENTION_YEARS); `serve` also
    /// does it on its own
    Retention {
        /// Only list the cases that would be anonymised
        #[arg(long)]
        dry_run: bool,
    },
    /// Duplicate persons: propose the likely pairs to the coordinator's review queue now
    Duplicates {
        #[command(subcommand)]
        what: DuplicatesCmd,
    },
    /// Bring an agency's existing cases in from a file (HTCDS spreadsheet, KoboToolbox or ODK
    /// export, or any sheet with a column mapping)
    Import {
        #[command(subcommand)]
        what: import_cmd::ImportCmd,
    },
    /// Write a user's case list to a file (CSV, XLSX or the HTCDS spreadsheet), as the export
    /// page does
    Export {
        #[command(subcommand)]
        what: export_cmd::ExportCmd,
    },
    /// Print the OpenAPI document of the JSON API
    Openapi,
    /// Safe statistical releases from a file of categorical records (no database needed)
    Release {
        #[command(subcommand)]
        what: release_cmd::ReleaseCmd,
    },
    /// Find the same person twice in people's own CSV files (no database needed)
    Match {
        #[command(subcommand)]
        what: match_cmd::MatchCmd,
    },
    /// Benchmarks (see BENCHMARKS.md)
    Bench {
        #[command(subcommand)]
        what: release_cmd::BenchCmd,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user; prints a one-time password unless --password-stdin is given
    Add {
        #[arg(long)]
        username: String,
        /// Full name
        #[arg(long)]
        name: String,
        /// admin, coordinator, case_worker, screener, service_provider, analyst, trainer or auditor
        #[arg(long)]
        role: String,
        /// Agency name or id
        #[arg(long)]
        agency: String,
        /// Read the password from standard input instead of generating one
        #[arg(long)]
        password_stdin: bool,
        /// Work e-mail address for notifications
        #[arg(long, default_value = "")]
        email: String,
    },
    /// Disable a user: ends their sessions and revokes their API tokens
    Disable { user: String },
    /// Enable a disabled user
    Enable { user: String },
    /// Set a new one-time password
    ResetPassword {
        user: String,
        /// Also remove the second factor (lost phone)
        #[arg(long)]
        reset_mfa: bool,
    },
    /// List users
    List,
}

#[derive(Subcommand)]
enum AgencyCmd {
    /// Add an agency
    Add {
        #[arg(long)]
        name: String,
        /// HTCDS org_Type: NGO, LawEnforcement, HealthServiceOrganisation, CentralGovernmentOrganisation, ...
        #[arg(long = "type")]
        agency_type: String,
        /// ISO 3166-2 region code, e.g. GY-DE
        #[arg(long, default_value = "")]
        region: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        email: String,
        /// The agency shares its cases with the NRM coordinator
        #[arg(long)]
        coordination: bool,
    },
    /// List agencies
    List,
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check the hash chain: detects edited, deleted or reordered events
    Verify,
}

#[derive(Subcommand)]
enum KeysCmd {
    /// Re-wrap the data keys under a new key-encryption key (no downtime; restart servers later
    /// with the new key file). With --data-key, start a new data key for new writes instead.
    Rotate {
        #[arg(long)]
        data_key: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let flags = Flags {
        config: cli.global.config.clone(),
        listen: cli.global.listen.clone(),
        data_dir: cli.global.data_dir.clone(),
        database_url: cli.global.database_url.clone(),
        kek_file: cli.global.kek_file.clone(),
        tls_cert: cli.global.tls_cert.clone(),
        tls_key: cli.global.tls_key.clone(),
        log_format: cli.global.log_format.clone(),
    };
    let names: Vec<String> = std::env::vars().map(|(k, _)| k).collect();
    let cfg = match config::load(&flags, &|k| std::env::var(k).ok(), &names) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&cfg);
    for w in &cfg.warnings {
        tracing::warn!("{w}");
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command, cfg)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One clear line; the cause chain joined, never personal data (none reaches here).
            let msg = e
                .chain()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(": ");
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(cfg: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("HAVEN_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colours only for a person at a terminal, not in a file, a pipe or a journal.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if cfg.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn progress(len: u64, what: &str) -> ProgressBar {
    let pb = if std::io::stderr().is_terminal() {
        ProgressBar::new(len)
    } else {
        ProgressBar::hidden()
    };
    pb.set_style(
        ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

fn read_kek(cfg: &Config) -> Result<Kek> {
    match &cfg.kek {
        KekSource::Env => {
            let text = cfg
                .kek_env
                .as_ref()
                .map(|s| s.0.clone())
                .unwrap_or_default();
            Kek::from_hex(&text).map_err(|e| anyhow!("HAVEN_KEK {e}"))
        }
        KekSource::File(p) => Ok(Kek::read_file(p)?),
    }
}

async fn open_db(cfg: &Config, mode: OpenMode) -> Result<Db> {
    Db::connect(&cfg.database_url.0, mode)
        .await
        .with_context(|| format!("cannot open the database {}", cfg.database_display()))
}

/// Opens the database (migrated) and the keys: what every command touching data needs.
async fn open_haven(cfg: &Config) -> Result<(Haven, Kek)> {
    let db = open_db(cfg, OpenMode::MustExist).await?;
    db.migrate().await.context("applying migrations")?;
    let kek = read_kek(cfg)?;
    let ring = haven_core::keys::load_keyring(&db, &kek).await?;
    Ok((Haven::new(db, &ring, cfg.policy.clone())?, kek))
}

/// Creates the key file (if missing), the database and its keyring. Idempotent.
async fn init(cfg: &Config) -> Result<(Db, Kek, bool)> {
    haven_store::db::private_dir(&cfg.data_dir, true)
        .with_context(|| format!("creating {}", cfg.data_dir.display()))?;
    let kek = match &cfg.kek {
        KekSource::File(p) if !p.exists() => {
            let kek = Kek::generate();
            kek.write_new_file(p)?;
            println!(
                "Created the key-encryption key {} (keep a copy apart from backups).",
                p.display()
            );
            kek
        }
        _ => read_kek(cfg)?,
    };
    let db = open_db(cfg, OpenMode::CreateIfMissing).await?;
    db.migrate().await.context("applying migrations")?;
    let created = haven_core::keys::ensure_keyring(&db, &kek).await?;
    haven_core::keys::load_keyring(&db, &kek).await?;
    haven_core::reindex::index_state(&db).await?;
    Ok((db, kek, created))
}

async fn serve(cfg: &Config, haven: Haven) -> Result<()> {
    let base_url = cfg.public_url.clone().unwrap_or_else(|| {
        let scheme = if cfg.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", cfg.listen)
    });
    let opts = haven::ServeOptions {
        web: haven_web::WebConfig {
            tls: cfg.tls.is_some(),
            trust_proxy: cfg.trust_proxy,
            public_url: cfg.public_url.clone(),
            api_requests_per_minute: cfg.api_requests_per_minute,
        },
        smtp: cfg
            .smtp
            .as_ref()
            .map(|(url, from)| (url.0.clone(), from.clone())),
        base_url,
        background_every: Some(cfg.notify_every),
    };
    let state = haven::start(haven, opts)?;
    let scheme = if cfg.tls.is_some() { "https" } else { "http" };
    match &cfg.tls {
        None => {
            let listener = tokio::net::TcpListener::bind(&cfg.listen)
                .await
                .with_context(|| format!("cannot listen on {}", cfg.listen))?;
            tracing::info!(
                "Haven is listening on {scheme}://{}",
                listener.local_addr()?
            );
            haven_web::serve(listener, state, shutdown_signal()).await?;
        }
        Some((cert, key)) => {
            let listener = std::net::TcpListener::bind(&cfg.listen)
                .with_context(|| format!("cannot listen on {}", cfg.listen))?;
            listener.set_nonblocking(true)?;
            tracing::info!(
                "Haven is listening on {scheme}://{}",
                listener.local_addr()?
            );
            tokio::select! {
                r = haven_web::serve_tls(listener, state, cert, key) => r.context("TLS server")?,
                _ = shutdown_signal() => {}
            }
        }
    }
    tracing::info!("Haven stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn run(cmd: Command, cfg: Config) -> Result<()> {
    let origin = Origin {
        ip: Some("cli".into()),
    };
    match cmd {
        Command::Init => {
            let (_, _, created) = init(&cfg).await?;
            if created {
                println!("Initialised the database {}.", cfg.database_display());
            } else {
                println!(
                    "The database {} was already initialised; nothing changed.",
                    cfg.database_display()
                );
            }
            println!(
                "Next: `haven agency add --name ... --type ...`, then `haven user add ... --role admin`, then `haven serve`."
            );
        }
        Command::Serve => {
            let (haven, _) = open_haven(&cfg).await?;
            haven.require_current_name_index().await?;
            serve(&cfg, haven).await?;
        }
        Command::Demo { cases, no_serve } => {
            if !cfg.database_url_is_default {
                bail!(
                    "demo refuses to write fictional data into a configured database; run it with the default data folder"
                );
            }
            let (db, kek, _) = init(&cfg).await?;
            let ring = haven_core::keys::load_keyring(&db, &kek).await?;
            let haven = Haven::new(db, &ring, cfg.policy.clone())?;
            if !haven.demo_loaded().await? {
                let empty = haven.list_agencies().await?.is_empty();
                if !empty {
                    bail!(
                        "{} already holds data that is not the demo; use another --data-dir",
                        cfg.data_dir.display()
                    );
                }
                let pb = progress(cases as u64, "demo cases");
                haven_demo::load(&haven, cases, |done, _| pb.set_position(done as u64)).await?;
                pb.finish_and_clear();
            }
            print_demo_welcome(&cfg);
            if !no_serve {
                haven.require_current_name_index().await?;
                serve(&cfg, haven).await?;
            }
        }
        Command::Migrate => {
            let db = open_db(&cfg, OpenMode::MustExist).await?;
            let pending = db.pending_migrations().await?;
            db.migrate().await?;
            println!("Applied {pending} migration(s); the database is up to date.");
            // The key is needed only when names must be decrypted to rebuild their index.
            if haven_core::reindex::index_state(&db).await?
                != haven_core::reindex::IndexState::Current
            {
                let (haven, _) = open_haven(&cfg).await?;
                reindex(&haven).await?;
            }
        }
        Command::Reindex => {
            let (haven, _) = open_haven(&cfg).await?;
            reindex(&haven).await?;
        }
        Command::User(u) => user_cmd(&cfg, u, &origin).await?,
        Command::Agency(a) => agency_cmd(&cfg, a, &origin).await?,
        Command::Backup { file } => {
            let (haven, kek) = open_haven(&cfg).await?;
            if file.exists() {
                bail!("{} already exists; choose a new file name", file.display());
            }
            let pb = progress(0, "backup");
            pb.set_length(1);
            let rows = haven_core::backup::backup(&haven, &kek, &file, |n| {
                pb.set_message(format!("{n} rows"))
            })
            .await?;
            pb.finish_and_clear();
            println!(
                "Wrote {} ({rows} rows, encrypted; restoring needs the key with fingerprint {}).",
                file.display(),
                kek.fingerprint()
            );
        }
        Command::Restore { file } => restore_cmd(&cfg, &file).await?,
        Command::Audit(AuditCmd::Verify) => {
            let (haven, _) = open_haven(&cfg).await?;
            let pb = progress(0, "verifying");
            let report = haven.verify_audit(|done, total| {
                pb.set_length(total as u64);
                pb.set_position(done as u64);
            });
            let report = report.await;
            pb.finish_and_clear();
            match report {
                Ok(r) => println!(
                    "The audit trail is intact: {} events, last hash {}.",
                    r.events, r.last_hash
                ),
                Err(haven_audit::VerifyError::Broken(b)) => {
                    bail!("the audit trail has been tampered with: {b}")
                }
                Err(e) => return Err(e.into()),
            }
        }
        Command::Keys(KeysCmd::Rotate { data_key }) => keys_rotate(&cfg, data_key).await?,
        Command::CheckConfig => check_config(&cfg).await?,
        Command::Retention { dry_run } => retention(&cfg, dry_run).await?,
        Command::Duplicates {
            what: DuplicatesCmd::Scan,
        } => duplicates_scan(&cfg).await?,
        Command::Import { what } => match what {
            import_cmd::ImportCmd::Cases(a) => {
                let (haven, _) = open_haven(&cfg).await?;
                import_cmd::run(&haven, a).await?
            }
            import_cmd::ImportCmd::Sample(a) => import_cmd::sample(a)?,
        },
        Command::Export { what } => {
            let (haven, _) = open_haven(&cfg).await?;
            export_cmd::run(&haven, what).await?
        }
        Command::Openapi => println!("{}", haven_web::openapi_json()),
        // CPU-bound and synchronous: off the async workers.
        Command::Release { what } => {
            tokio::task::spawn_blocking(move || release_cmd::release(what)).await??
        }
        Command::Match { what } => {
            tokio::task::spawn_blocking(move || match_cmd::run(what)).await??
        }
        Command::Bench { what } => {
            tokio::task::spawn_blocking(move || release_cmd::bench(what)).await??
        }
    }
    Ok(())
}

fn print_demo_welcome(cfg: &Config) {
    let scheme = if cfg.tls.is_some() { "https" } else { "http" };
    println!();
    println!("Haven demo: fictional data only (generated; no real person).");
    println!(
        "Open {scheme}://{} in a browser and sign in with one of these (password: {}):",
        cfg.listen,
        haven_demo::DEMO_PASSWORD
    );
    println!("  caseworker   case worker, Help & Shelter");
    println!("  childcare    case worker, Child Care and Protection Agency");
    println!("  screener     screener (mines officer), Guyana Geology and Mines Commission");
    println!("  inspector    screener (labour inspector), Ministry of Labour");
    println!("  provider     service provider, Food for the Poor");
    println!("  analyst      analyst (aggregates only)");
    println!("  trainer      trainer");
    println!("  auditor      auditor (audit trail)");
    println!(
        "  coordinator  NRM coordinator: needs a second factor; authenticator key {}",
        haven_demo::DEMO_TOTP_COORDINATOR
    );
    println!(
        "  admin        administrator: needs a second factor; authenticator key {}",
        haven_demo::DEMO_TOTP_ADMIN
    );
    println!(
        "(For the second factor, add the key to an authenticator app, or run: oathtool --totp -b KEY)"
    );
    println!();
}

async fn user_cmd(cfg: &Config, cmd: UserCmd, origin: &Origin) -> Result<()> {
    let (haven, _) = open_haven(cfg).await?;
    let find = |name: String| {
        let h = haven.clone();
        async move {
            h.find_user(&name)
                .await?
                .ok_or_else(|| anyhow!("no user {name:?}"))
        }
    };
    match cmd {
        UserCmd::Add {
            username,
            name,
            role,
            agency,
            password_stdin,
            email,
        } => {
            let mut password = String::new();
            if password_stdin {
                std::io::stdin().read_to_string(&mut password)?;
                password = password.trim_end_matches(['\n', '\r']).to_string();
                if password.is_empty() {
                    bail!("--password-stdin: no password on standard input");
                }
            }
            let new = NewUser {
                username,
                display_name: name,
                role,
                agency_id: agency,
                password: password.clone(),
                email,
            };
            let (id, pw) = haven
                .create_user(AdminActor::Operator, &new, origin)
                .await
                .map_err(field_errors)?;
            println!(
                "Created user {} ({id}).",
                new.username.trim().to_lowercase()
            );
            if password.is_empty() {
                println!(
                    "One-time password (must be changed at first sign-in): {}",
                    pw.secret()
                );
            }
        }
        UserCmd::Disable { user } => {
            let u = find(user).await?;
            haven
                .set_user_disabled(AdminActor::Operator, u.id, true, origin)
                .await?;
            println!(
                "Disabled {}; their sessions ended and API tokens were revoked.",
                u.username
            );
        }
        UserCmd::Enable { user } => {
            let u = find(user).await?;
            haven
                .set_user_disabled(AdminActor::Operator, u.id, false, origin)
                .await?;
            println!("Enabled {}.", u.username);
        }
        UserCmd::ResetPassword { user, reset_mfa } => {
            let u = find(user).await?;
            let pw = haven
                .reset_password(AdminActor::Operator, u.id, reset_mfa, origin)
                .await?;
            println!("New one-time password for {}: {}", u.username, pw.secret());
        }
        UserCmd::List => {
            for u in haven.list_users(AdminActor::Operator).await? {
                let state = if u.disabled { "disabled" } else { "active" };
                let mfa = if u.mfa { "2fa" } else { "-" };
                println!(
                    "{:<20} {:<17} {:<8} {:<4} {}",
                    u.username,
                    u.role.as_str(),
                    state,
                    mfa,
                    u.id
                );
            }
        }
    }
    Ok(())
}

/// Turns form-field errors into one readable line for the terminal.
fn field_errors(e: haven_core::CoreError) -> anyhow::Error {
    match e {
        haven_core::CoreError::Invalid(errs) => {
            let en = haven_i18n::I18n::load().ok();
            let parts: Vec<String> = errs
                .iter()
                .map(|f| {
                    let msg = en
                        .as_ref()
                        .map(|i| i.t(haven_i18n::Lang::En, f.key))
                        .unwrap_or_else(|| f.key.to_string());
                    format!("{}: {msg}", f.field)
                })
                .collect();
            anyhow!("invalid input: {}", parts.join("; "))
        }
        e => e.into(),
    }
}

async fn agency_cmd(cfg: &Config, cmd: AgencyCmd, origin: &Origin) -> Result<()> {
    let (haven, _) = open_haven(cfg).await?;
    match cmd {
        AgencyCmd::Add {
            name,
            agency_type,
            region,
            phone,
            email,
            coordination,
        } => {
            let new = NewAgency {
                name,
                agency_type,
                region,
                phone,
                email,
                coordination_consent: coordination,
            };
            let id = haven
                .create_agency(AdminActor::Operator, &new, origin)
                .await
                .map_err(field_errors)?;
            println!("Created agency {} ({id}).", new.name.trim());
        }
        AgencyCmd::List => {
            for a in haven.list_agencies().await? {
                println!("{:<60} {:<30} {}", a.name, a.agency_type.as_str(), a.id);
            }
        }
    }
    Ok(())
}

async fn restore_cmd(cfg: &Config, file: &Path) -> Result<()> {
    if !file.exists() {
        bail!("{} does not exist", file.display());
    }
    let kek = read_kek(cfg)?;
    let db = open_db(cfg, OpenMode::CreateIfMissing).await?;
    db.migrate().await?;
    let pb = progress(0, "restore");
    let rows =
        haven_core::backup::restore(&db, &kek, file, |n| pb.set_message(format!("{n} rows")))
            .await?;
    pb.finish_and_clear();
    println!(
        "Restored {rows} rows into {}. Run `haven audit verify` to check the trail.",
        cfg.database_display()
    );
    Ok(())
}

async fn keys_rotate(cfg: &Config, data_key: bool) -> Result<()> {
    let db = open_db(cfg, OpenMode::MustExist).await?;
    db.migrate().await?;
    let old = read_kek(cfg)?;
    if data_key {
        let id = haven_core::keys::new_data_key(&db, &old).await?;
        println!("New writes now use data key {id}; existing data stays readable.");
        return Ok(());
    }
    let KekSource::File(path) = &cfg.kek else {
        let new = Kek::generate();
        let n = haven_core::keys::rotate_kek(&db, &old, &new).await?;
        println!("Re-wrapped {n} keys. Set HAVEN_KEK to the new key before the next restart:");
        println!("{}", new.to_hex());
        return Ok(());
    };
    let new = Kek::generate();
    let staged = path.with_extension("key.new");
    if staged.exists() {
        bail!(
            "{} exists from an interrupted rotation: check which key opens the database (haven check-config --kek-file ...), then remove the other",
            staged.display()
        );
    }
    new.write_new_file(&staged)?;
    let n = haven_core::keys::rotate_kek(&db, &old, &new).await?;
    let stamp = haven_core::now();
    let retired = path.with_extension(format!("key.retired-{stamp}"));
    std::fs::rename(path, &retired)?;
    std::fs::rename(&staged, path)?;
    println!(
        "Re-wrapped {n} keys under the new key-encryption key {} (fingerprint {}). The old key is kept as {} for backups made before today; running servers need the new file only when they restart.",
        path.display(),
        new.fingerprint(),
        retired.display()
    );
    Ok(())
}

/// Rebuilds the name index with a progress bar.
async fn reindex(haven: &Haven) -> Result<()> {
    let total = haven.name_count().await?;
    let pb = progress(total, "names re-indexed");
    let done = haven.reindex_names(|n| pb.set_position(n)).await?;
    pb.finish_and_clear();
    println!("Re-indexed the names of {done} person(s) and training participant(s).");
    Ok(())
}

async fn retention(cfg: &Config, dry_run: bool) -> Result<()> {
    let Some(years) = cfg.policy.retention_years else {
        println!("No retention period is set (HAVEN_RETENTION_YEARS): closed cases are kept.");
        return Ok(());
    };
    let (haven, _) = open_haven(cfg).await?;
    let mut total = 0;
    loop {
        let report = haven.retention(dry_run, 500).await?;
        for c in &report.cases {
            let closed = time::OffsetDateTime::from_unix_timestamp(c.closed_at)
                .map(|t| t.date().to_string())
                .unwrap_or_default();
            println!("{}  closed {closed}", c.case_number);
        }
        total += report.cases.len();
        if dry_run || report.cases.len() < 500 {
            break;
        }
    }
    if dry_run {
        println!(
            "{total} closed case(s) older than {years} year(s) would be anonymised (dry run: nothing changed)."
        );
    } else {
        println!("{total} closed case(s) older than {years} year(s) anonymised.");
    }
    Ok(())
}

#[derive(Subcommand)]
enum DuplicatesCmd {
    /// Look for duplicate persons across all agencies (as the background job does daily)
    Scan,
}

async fn duplicates_scan(cfg: &Config) -> Result<()> {
    let (haven, _) = open_haven(cfg).await?;
    let o = haven
        .scan_duplicates(None, &haven_core::Origin::default())
        .await?;
    println!(
        "{} pair(s) of persons examined, {} proposed for the coordinator's review.",
        o.examined, o.proposed
    );
    Ok(())
}

async fn check_config(cfg: &Config) -> Result<()> {
    println!(
        "listen        {} ({})",
        cfg.listen,
        cfg.sources.get("listen").unwrap_or(&"default")
    );
    println!(
        "data dir      {} ({})",
        cfg.data_dir.display(),
        cfg.sources.get("data_dir").unwrap_or(&"default")
    );
    println!(
        "database      {} ({})",
        cfg.database_display(),
        cfg.sources.get("database_url").unwrap_or(&"default")
    );
    match &cfg.kek {
        KekSource::Env => println!("key           from HAVEN_KEK"),
        KekSource::File(p) => println!("key           {}", p.display()),
    }
    println!(
        "tls           {}",
        if cfg.tls.is_some() {
            "on"
        } else {
            "off (use a reverse proxy with TLS)"
        }
    );
    println!("trust proxy   {}", cfg.trust_proxy);
    println!("country code  {}", cfg.policy.country_code);
    println!(
        "sessions      idle {} min, at most {} h",
        cfg.policy.session_idle_secs / 60,
        cfg.policy.session_absolute_secs / 3600
    );
    println!(
        "attachments   at most {} MB; virus scan {}",
        cfg.policy.attachment_max_bytes / (1024 * 1024),
        if cfg.policy.scan_command.is_empty() {
            "off (files are marked \"not scanned\")".to_string()
        } else {
            format!("by `{}`", cfg.policy.scan_command)
        }
    );
    println!(
        "drafts        deleted after {} days untouched",
        cfg.policy.draft_max_age_secs / 86_400
    );
    match cfg.policy.retention_years {
        Some(y) => println!("retention     closed cases anonymised {y} year(s) after closure"),
        None => println!("retention     none: closed cases are kept (HAVEN_RETENTION_YEARS)"),
    }
    println!(
        "protection    reflection period {} days; assistance plans {}",
        cfg.policy.reflection_days,
        if cfg.policy.plan_approval {
            "approved by a coordinator"
        } else {
            "in force when saved"
        }
    );
    match &cfg.smtp {
        Some((_, from)) => println!(
            "e-mail        notifications sent as {from}, jobs every {} s",
            cfg.notify_every.as_secs()
        ),
        None => println!(
            "e-mail        off (in-app notifications only; set HAVEN_SMTP_URL and HAVEN_SMTP_FROM)"
        ),
    }
    if let Some((cert, key)) = &cfg.tls {
        for p in [cert, key] {
            if !p.exists() {
                bail!("TLS file {} does not exist", p.display());
            }
        }
    }
    let kek = read_kek(cfg)?;
    println!("key file      ok (fingerprint {})", kek.fingerprint());
    let db = open_db(cfg, OpenMode::MustExist).await?;
    let pending = db.pending_migrations().await?;
    println!("database      reachable; {pending} migration(s) pending");
    haven_core::keys::load_keyring(&db, &kek).await?;
    println!("keys          the key opens this database's keys");
    haven_i18n::I18n::load()?;
    println!("translations  ok (en, fr, es)");
    println!("Configuration is valid.");
    Ok(())
}
