//! Connecting, migrating and transactions.
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor};

use crate::{Result, StoreError};

pub type Tx = sqlx::Transaction<'static, Any>;
pub type Conn = AnyConnection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Whether opening may create a new SQLite file. `serve` never does: a mistyped path must be an
/// error, not a silently created empty database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    MustExist,
    CreateIfMissing,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

static MIGRATOR_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATOR_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Parses a database URL into its backend and, for SQLite, the file path.
pub fn parse_url(url: &str) -> Result<(Backend, Option<PathBuf>)> {
    let url = url.trim();
    if let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains(":memory:") {
            return Err(StoreError::BadUrl(
                "must name a database file, e.g. sqlite://haven-data/haven.db (in-memory databases lose data)".into(),
            ));
        }
        return Ok((Backend::Sqlite, Some(PathBuf::from(path))));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, None));
    }
    let scheme = url.split(':').next().unwrap_or_default();
    Err(StoreError::BadUrl(format!(
        "has unknown scheme {scheme:?}: use sqlite://PATH or postgres://USER@HOST/DB"
    )))
}

/// Creates `dir` (and its parents) readable by the owner only. With `narrow`, an existing folder
/// is narrowed to that too (Haven's own data folder, which holds the database and usually the
/// key file; not a folder the operator merely put the database in).
pub fn private_dir(dir: &std::path::Path, narrow: bool) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if narrow && mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & 0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = narrow;
        std::fs::create_dir_all(dir)
    }
}

/// The SQLite file (created empty if missing) and its journal files, readable and writable by
/// the owner only. SQLite gives new journal files the database file's permissions.
fn private_files(db: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if !db.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(db)?;
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
            if let Ok(m) = std::fs::metadata(&p)
                && m.permissions().mode() & 0o077 != 0
            {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = db;
    Ok(())
}

impl Db {
    pub async fn connect(url: &str, mode: OpenMode) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let (backend, path) = parse_url(url)?;
        let pool = match backend {
            Backend::Sqlite => {
                let path = path.expect("sqlite urls have a path");
                if mode == OpenMode::MustExist && !path.exists() {
                    return Err(StoreError::Missing(path.display().to_string()));
                }
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    private_dir(parent, false).map_err(|e| {
                        StoreError::BadUrl(format!("cannot create {}: {e}", parent.display()))
                    })?;
                }
                private_files(&path).map_err(|e| {
                    StoreError::BadUrl(format!("cannot protect {}: {e}", path.display()))
                })?;
                let opts =
                    AnyConnectOptions::from_str(&format!("sqlite://{}?mode=rwc", path.display()))?;
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers run beside the writer; FULL syncs the WAL on every
                            // commit so an acknowledged write survives power loss and kill -9.
                            for pragma in [
                                "PRAGMA journal_mode = WAL",
                                "PRAGMA synchronous = FULL",
                                "PRAGMA foreign_keys = ON",
                                "PRAGMA busy_timeout = 10000",
                                // After a large transaction (a demo load, a restore) the
                                // write-ahead log shrinks back instead of keeping its peak size.
                                "PRAGMA journal_size_limit = 67108864",
                            ] {
                                conn.execute(pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(opts)
                    .await?
            }
            Backend::Postgres => {
                let opts = AnyConnectOptions::from_str(url)?;
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts)
                    .await?
            }
        };
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => MIGRATOR_SQLITE.run(&self.pool).await?,
            Backend::Postgres => MIGRATOR_POSTGRES.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Migrations known to this binary that the database has not applied yet.
    pub async fn pending_migrations(&self) -> Result<usize> {
        let migrator = match self.backend {
            Backend::Sqlite => &MIGRATOR_SQLITE,
            Backend::Postgres => &MIGRATOR_POSTGRES,
        };
        // Before the first migration the bookkeeping table does not exist: nothing is applied.
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.pool)
                .await
                .unwrap_or_default();
        Ok(migrator
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count())
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so it waits on the busy timeout instead of failing when it later upgrades.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// A read-only snapshot: every query in it sees the same committed state (used by backups).
    pub async fn begin_snapshot(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN DEFERRED").await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        })
    }

    /// Readiness: the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend_and_typos_fail() {
        assert_eq!(
            parse_url("sqlite://data/haven.db").unwrap().0,
            Backend::Sqlite
        );
        assert_eq!(
            parse_url("sqlite:haven.db").unwrap().1.unwrap(),
            PathBuf::from("haven.db")
        );
        assert_eq!(parse_url("postgres://u@h/db").unwrap().0, Backend::Postgres);
        assert_eq!(
            parse_url("postgresql://u@h/db").unwrap().0,
            Backend::Postgres
        );
        assert!(parse_url("postgress://u@h/db").is_err());
        assert!(parse_url("sqlite::memory:").is_err());
        assert!(parse_url("haven.db").is_err());
    }
}
