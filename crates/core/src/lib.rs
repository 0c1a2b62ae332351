//! Haven's use-cases. Each takes an authorized principal or capability from `haven-authz`, does
//! its work in one transaction, and writes its audit event in that same transaction. Handlers
//! (web, API, CLI) call these and hold no SQL of their own.

// One folder per feature; `support` holds what several features share (sealing labels, the
// case transaction, small text and date helpers). The flat paths of earlier versions
// (`haven_core::casework`, `haven_core::release`, …) stay as re-exports for the web and the CLI.
pub mod accounts;
pub mod audit;
pub mod cases;
pub mod duplicates;
pub mod exports;
pub mod imports;
pub mod platform;
pub mod protection;
pub mod referrals;
pub mod screening;
pub mod statistics;
pub mod support;
pub mod tips;
pub mod training;

pub use accounts::{admin, auth, devices};
pub use audit as trail;
pub use cases::{casework, files, people, transfers};
pub use duplicates::reindex;
pub use platform::{backup, idempotency, jobs, keys, notifications, retention};
pub use referrals::consents;
pub use statistics as stats;
pub use statistics::release;
pub use support::clock::Clock;
pub use support::sealed;
use support::unit;

use haven_audit::{Actor, AuditKeys};
use haven_authz::Principal;
use haven_crypto::{BlindIndex, FieldCipher, KeyMaterial, Keyring};
use haven_domain::ValidationError;
use haven_store::{Db, StoreError};

/// Policies that a deployment may tune; defaults follow common guidance (OWASP ASVS).
#[derive(Clone, Debug)]
pub struct Policy {
    /// A session ends after this long without a request.
    pub session_idle_secs: i64,
    /// A session ends this long after sign-in, whatever the activity.
    pub session_absolute_secs: i64,
    /// Failed sign-ins before the account is locked for a while.
    pub lockout_threshold: i64,
    /// First lock length; it doubles with each further failure, up to `lockout_max_secs`.
    pub lockout_base_secs: i64,
    pub lockout_max_secs: i64,
    /// Failed sign-ins from one address within `address_window_secs` before that address is
    /// refused for the rest of the window (password spraying across accounts).
    pub address_max_failures: i64,
    pub address_window_secs: i64,
    /// ISO 3166 alpha-2 code used in case numbers.
    pub country_code: String,
    /// Aggregates below this count are hidden from analysts, and every count is rounded down to
    /// a multiple of it.
    pub min_cell: i64,
    /// How often the statistics page's figures are computed again (seconds; periods start at
    /// multiples of it, UTC): live figures would reveal a hidden count to whoever adds one record
    /// and looks again.
    pub stats_refresh_secs: i64,
    /// Largest attachment accepted, in bytes.
    pub attachment_max_bytes: usize,
    /// Largest case file an import takes, in bytes.
    pub import_max_bytes: usize,
    /// Virus scanner run on every attachment (argv, space-separated; file on stdin), e.g.
    /// `clamdscan --no-summary -`. Empty: files are stored as "not scanned".
    pub scan_command: String,
    /// Registration drafts untouched this long are deleted.
    pub draft_max_age_secs: i64,
    /// The screening indicators (ILO/EC, with the deployment's adjustments) and rules.
    pub screening: haven_domain::screening::IndicatorSet,
    pub screening_rules: haven_domain::screening::Rules,
    /// Tips the public form accepts from one address per hour.
    pub tips_per_hour: i64,
    /// Possible-match checks (registration forms, screenings, the API) one user may make per
    /// hour: each answers whether a named person is known elsewhere, so the coordinator is
    /// alerted when a user goes past it.
    pub match_checks_per_hour: i64,
    /// The completion rule new workshops start from (each workshop may change it).
    pub training_rule: haven_training::CompletionRule,
    /// Notifications also go out by e-mail (through the outbox) to users with an address.
    pub mail_enabled: bool,
    /// Length of the reflection and recovery period, in days.
    pub reflection_days: i64,
    /// Assistance plans need a coordinator's approval.
    pub plan_approval: bool,
    /// Closed cases are anonymised this many years after closure (`None`: kept).
    pub retention_years: Option<i64>,
    /// The number the public report page tells people in danger to call first (empty: it
    /// says "the police emergency number").
    pub emergency_number: String,
    /// The national trafficking hotline, shown on the public report page (empty: not shown).
    pub hotline_number: String,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            session_idle_secs: 30 * 60,
            session_absolute_secs: 12 * 3600,
            lockout_threshold: 5,
            lockout_base_secs: 60,
            lockout_max_secs: 3600,
            address_max_failures: 30,
            address_window_secs: 15 * 60,
            country_code: "GY".into(),
            min_cell: 5,
            stats_refresh_secs: 86_400,
            attachment_max_bytes: 10 * 1024 * 1024,
            import_max_bytes: 64 * 1024 * 1024,
            scan_command: String::new(),
            draft_max_age_secs: 30 * 86_400,
            screening: haven_domain::screening::IndicatorSet::ilo(),
            screening_rules: haven_domain::screening::Rules::default(),
            tips_per_hour: 5,
            match_checks_per_hour: 60,
            training_rule: haven_training::CompletionRule::default(),
            mail_enabled: false,
            reflection_days: haven_domain::protection::default_reflection_days("GY"),
            plan_approval: false,
            retention_years: None,
            emergency_number: default_emergency_number("GY").into(),
            hotline_number: String::new(),
        }
    }
}

/// A country's police emergency number, where Haven knows it (the deployment may set its own).
pub fn default_emergency_number(country: &str) -> &'static str {
    match country {
        // Guyana Police Force.
        "GY" => "911",
        _ => "",
    }
}

/// Everything a use-case needs: the database, the unwrapped keys and the policy. Cheap to clone;
/// passed explicitly (no global state).
#[derive(Clone, Debug)]
pub struct Haven {
    db: Db,
    cipher: FieldCipher,
    blind: BlindIndex,
    audit: AuditKeys,
    token_key: KeyMaterial,
    dummy_hash: String,
    /// Bounds concurrent argon2 computations (19 MiB each) to the number of cores: a flood of
    /// sign-ins queues instead of exhausting memory and the blocking thread pool.
    hashing: std::sync::Arc<tokio::sync::Semaphore>,
    pub policy: Policy,
    clock: support::clock::Clock,
    /// Header and value lookups of case imports, built once from the translations.
    import_tables: std::sync::Arc<imports::ImportTables>,
}

impl Haven {
    pub fn new(db: Db, keyring: &Keyring, policy: Policy) -> Result<Self, CoreError> {
        let cipher = keyring.cipher();
        Ok(Haven {
            db,
            blind: keyring.blind_index(),
            audit: AuditKeys {
                chain: keyring.audit_key(),
                cipher: cipher.clone(),
            },
            cipher,
            token_key: keyring.token_key(),
            // Verified against when a user name is unknown, so the answer takes as long.
            dummy_hash: haven_crypto::password::hash_blocking("dummy password for timing")
                .map_err(CoreError::internal)?,
            hashing: std::sync::Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(2),
            )),
            policy,
            clock: support::clock::Clock::system(),
            import_tables: imports::ImportTables::load()?,
        })
    }

    /// The same, reading the time from `clock` (a controlled one in tests).
    pub fn with_clock(mut self, clock: support::clock::Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The same Haven standing at time `at` (a controlled clock): the demo writes its past this
    /// way, and tests act at a chosen moment.
    pub fn at(&self, at: i64) -> Self {
        self.clone()
            .with_clock(support::clock::Clock::controlled(at))
    }

    /// The time every use-case acts at.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Today's date (UTC) by the same clock.
    pub fn today(&self) -> time::Date {
        self.clock.today()
    }

    pub(crate) async fn verify_password(&self, password: &str, phc: &str) -> bool {
        let _permit = self.hashing.acquire().await;
        haven_crypto::password::verify(password.to_string(), phc.to_string()).await
    }

    pub(crate) async fn hash_password(&self, password: &str) -> Result<String> {
        let _permit = self.hashing.acquire().await;
        Ok(haven_crypto::password::hash(password.to_string()).await?)
    }

    /// Whether the database answers (the readiness probe).
    #[tracing::instrument(skip_all)]
    pub async fn ping(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }

    pub fn cipher(&self) -> &FieldCipher {
        &self.cipher
    }

    pub fn audit_keys(&self) -> &AuditKeys {
        &self.audit
    }

    /// Records `event` by `actor` in `conn`, the transaction of the change it describes, at the
    /// clock's time: the event commits with the change or not at all.
    pub(crate) async fn audit(
        &self,
        conn: &mut haven_store::Conn,
        actor: &Actor,
        event: haven_audit::Event,
    ) -> Result<()> {
        haven_audit::record(conn, &self.audit, actor, event, self.now()).await?;
        Ok(())
    }

    /// Records `event` by `actor` at `at` in `tx`, the transaction of the change it describes,
    /// and commits both: the change never lands without its event.
    pub(crate) async fn commit_audited(
        &self,
        mut tx: haven_store::Tx,
        actor: &Actor,
        event: haven_audit::Event,
        at: i64,
    ) -> Result<()> {
        haven_audit::record(&mut tx, &self.audit, actor, event, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records the audit event of a read, in its own short write transaction, after the read and
    /// before anything is returned: no read reaches a user unless its event is committed. (Changes
    /// record their event inside their own transaction instead.) Keeping reads out of the write
    /// transaction means a long list does not hold SQLite's single write lock.
    pub(crate) async fn record_read(&self, actor: &Actor, event: haven_audit::Event) -> Result<()> {
        let tx = self.db.begin().await?;
        self.commit_audited(tx, actor, event, self.now()).await
    }
}

/// The system's time in seconds, for the plumbing that runs without a `Haven` (keys, backups,
/// file names). Use-cases read `Haven::now`, whose clock tests can set.
pub fn now() -> i64 {
    support::clock::Clock::system().now()
}

/// Where a request came from, for the audit trail.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub ip: Option<String>,
}

pub(crate) fn actor(p: &Principal, origin: &Origin) -> Actor {
    Actor {
        user_id: Some(p.user_id),
        agency_id: Some(p.agency_id),
        role: Some(p.role),
        ip: origin.ip.clone(),
    }
}

pub use haven_domain::record::FieldError;

/// Errors of the use-cases. `user_key()` is the translated message shown to the user; the
/// `Display` text (with the cause) goes to the log only.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// Someone else saved first: nothing was written; these are their changes since.
    #[error("edit conflict")]
    Conflict(Vec<cases::ChangeView>),
    /// An attachment was refused (type, size, scan).
    #[error("file refused: {0}")]
    File(files::FileError),
    #[error("authentication required")]
    Unauthenticated,
    /// Too many submissions from one place: try again later.
    #[error("rate limited")]
    RateLimited,
    /// Too many possible-match checks by this user this hour (the coordinator was alerted).
    #[error("match checks limited")]
    MatchChecksLimited,
    /// A statistical release refused by the release ledger (it could be compared with an
    /// earlier one to reveal a few cases).
    #[error("release refused: {0:?}")]
    ReleaseRefused(release::ReleaseRefusal),
    /// A record with the same unique value exists (a user name, an agency's name).
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    #[error("internal: {0}")]
    Internal(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        // Callers above core tell errors apart by `CoreError` alone, never by store errors.
        match e {
            StoreError::Duplicate(field) => CoreError::Duplicate(field),
            e => CoreError::Store(e),
        }
    }
}

impl CoreError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        CoreError::Internal(e.to_string())
    }

    /// Several field errors at once, as (field, message key).
    pub fn invalid_all(errors: Vec<(&'static str, &'static str)>) -> Self {
        CoreError::Invalid(
            errors
                .into_iter()
                .map(|(field, key)| FieldError { field, key })
                .collect(),
        )
    }

    pub fn invalid(field: &'static str, key: &'static str) -> Self {
        CoreError::Invalid(vec![FieldError { field, key }])
    }

    pub fn user_key(&self) -> &'static str {
        match self {
            CoreError::NotFound => "error-not-found",
            CoreError::Forbidden => "error-forbidden",
            CoreError::Invalid(_) => "error-form",
            CoreError::Conflict(_) => "error-conflict",
            CoreError::File(e) => e.user_key(),
            CoreError::Unauthenticated => "error-unauthenticated",
            CoreError::RateLimited => "error-rate-limited",
            CoreError::MatchChecksLimited => "error-match-rate-limited",
            CoreError::ReleaseRefused(r) => r.key(),
            CoreError::Duplicate(_) => "error-duplicate",
            CoreError::Internal(_) | CoreError::Store(_) => "error-internal",
        }
    }
}

impl From<ValidationError> for CoreError {
    fn from(e: ValidationError) -> Self {
        CoreError::Invalid(vec![FieldError {
            field: e.field(),
            key: e.key(),
        }])
    }
}

impl From<haven_crypto::CryptoError> for CoreError {
    fn from(e: haven_crypto::CryptoError) -> Self {
        CoreError::Internal(e.to_string())
    }
}

impl From<sqlx::Error> for CoreError {
    fn from(e: sqlx::Error) -> Self {
        CoreError::Store(StoreError::Sqlx(e))
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
