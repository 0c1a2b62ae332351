//! Layered configuration: defaults → TOML file → `HAVEN_*` environment (secrets also as
//! `*_FILE`) → command-line flags. Secrets never print.
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// Every environment variable Haven reads; others starting with `HAVEN_` are warned about.
pub(crate) const KNOWN_ENV: &[&str] = &[
    "HAVEN_CONFIG",
    "HAVEN_LISTEN",
    "HAVEN_DATA_DIR",
    "HAVEN_DATABASE_URL",
    "HAVEN_DATABASE_URL_FILE",
    "HAVEN_KEK",
    "HAVEN_KEK_FILE",
    "HAVEN_TLS_CERT",
    "HAVEN_TLS_KEY",
    "HAVEN_TRUST_PROXY",
    "HAVEN_LOG",
    "HAVEN_LOG_FORMAT",
    "HAVEN_COUNTRY_CODE",
    "HAVEN_SESSION_IDLE_MINUTES",
    "HAVEN_SESSION_MAX_HOURS",
    "HAVEN_MIN_CELL",
    "HAVEN_ATTACHMENT_MAX_MB",
    "HAVEN_SCAN_COMMAND",
    "HAVEN_DRAFT_MAX_DAYS",
    "HAVEN_PRIVACY_LEDGER",
    "HAVEN_SCREENING_INDICATORS",
    "HAVEN_CHILD_MEANS_REQUIRED",
    "HAVEN_TIPS_PER_HOUR",
    "HAVEN_MATCH_CHECKS_PER_HOUR",
    "HAVEN_PUBLIC_URL",
    "HAVEN_SMTP_URL",
    "HAVEN_SMTP_URL_FILE",
    "HAVEN_SMTP_FROM",
    "HAVEN_NOTIFY_SECONDS",
    "HAVEN_REFLECTION_DAYS",
    "HAVEN_PLAN_APPROVAL",
    "HAVEN_RETENTION_YEARS",
    "HAVEN_EMERGENCY_NUMBER",
    "HAVEN_HOTLINE_NUMBER",
    // Used by the test suite only.
    "HAVEN_TEST_BACKEND",
    "HAVEN_TEST_POSTGRES_URL",
    "HAVEN_TEST_BROWSER",
    // `haven bench import` on PostgreSQL.
    "HAVEN_BENCH_POSTGRES_URL",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub kek_file: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub trust_proxy: Option<bool>,
    pub log_format: Option<String>,
    pub country_code: Option<String>,
    pub session_idle_minutes: Option<i64>,
    pub session_max_hours: Option<i64>,
    pub min_cell: Option<i64>,
    pub stats_refresh_hours: Option<i64>,
    pub attachment_max_mb: Option<i64>,
    pub scan_command: Option<String>,
    pub draft_max_days: Option<i64>,
    pub screening_indicators: Option<PathBuf>,
    pub child_means_required: Option<bool>,
    pub tips_per_hour: Option<i64>,
    pub match_checks_per_hour: Option<i64>,
    pub public_url: Option<String>,
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    pub notify_seconds: Option<i64>,
    pub api_requests_per_minute: Option<i64>,
    pub reflection_days: Option<i64>,
    pub plan_approval: Option<bool>,
    pub retention_years: Option<i64>,
    pub emergency_number: Option<String>,
    pub hotline_number: Option<String>,
}

/// Values given on the command line (highest precedence).
#[derive(Debug, Default, Clone)]
pub(crate) struct Flags {
    pub config: Option<PathBuf>,
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub kek_file: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub log_format: Option<String>,
}

/// A value that must not appear in logs or `check-config` output.
#[derive(Clone)]
pub(crate) struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KekSource {
    Env,
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: Secret,
    pub database_url_is_default: bool,
    pub kek: KekSource,
    pub kek_env: Option<Secret>,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub trust_proxy: bool,
    /// The address the public reaches Haven at (printed on certificates).
    pub public_url: Option<String>,
    /// SMTP server for notification e-mails (`None`: in-app notifications only).
    pub smtp: Option<(Secret, String)>,
    /// How often the notification jobs (reminders, outbox) run.
    pub notify_every: std::time::Duration,
    /// API requests per minute per token and app server (0: no limit).
    pub api_requests_per_minute: u32,
    pub log_json: bool,
    pub policy: haven_core::Policy,
    pub warnings: Vec<String>,
    /// Where each value came from, for `check-config`.
    pub sources: BTreeMap<&'static str, &'static str>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    #[error("configuration file {0}: {1}")]
    File(String, String),
    #[error("{0}")]
    Invalid(String),
}

/// Reads the environment through a function so tests can pass their own.
pub(crate) fn load(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    env_names: &[String],
) -> Result<Config, ConfigError> {
    let mut sources = BTreeMap::new();
    let mut warnings = Vec::new();
    for name in env_names {
        if name.starts_with("HAVEN_") && !KNOWN_ENV.contains(&name.as_str()) {
            warnings.push(format!(
                "unknown environment variable {name} is ignored (known: {})",
                KNOWN_ENV.join(", ")
            ));
        }
    }
    // Secrets may come from files (Docker/Kubernetes secrets): VAR_FILE holds the path.
    let secret = |name: &str| -> Result<Option<String>, ConfigError> {
        if let Some(v) = env(name) {
            return Ok(Some(v));
        }
        match env(&format!("{name}_FILE")) {
            Some(path) => std::fs::read_to_string(&path)
                .map(|s| Some(s.trim().to_string()))
                .map_err(|e| ConfigError::Invalid(format!("{name}_FILE={path}: {e}"))),
            None => Ok(None),
        }
    };

    let config_path = flags
        .config
        .clone()
        .or_else(|| env("HAVEN_CONFIG").map(PathBuf::from));
    let file: FileConfig = match &config_path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| ConfigError::File(p.display().to_string(), e.to_string()))?;
            toml::from_str(&text)
                .map_err(|e| ConfigError::File(p.display().to_string(), e.to_string()))?
        }
        None => FileConfig::default(),
    };

    macro_rules! pick {
        ($key:literal, $flag:expr, $env:expr, $file:expr, $default:expr) => {{
            if let Some(v) = $flag {
                sources.insert($key, "flag");
                v
            } else if let Some(v) = $env {
                sources.insert($key, "environment");
                v
            } else if let Some(v) = $file {
                sources.insert($key, "config file");
                v
            } else {
                sources.insert($key, "default");
                $default
            }
        }};
    }

    let listen = pick!(
        "listen",
        flags.listen.clone(),
        env("HAVEN_LISTEN"),
        file.listen.clone(),
        "127.0.0.1:8080".to_string()
    );
    let data_dir = pick!(
        "data_dir",
        flags.data_dir.clone(),
        env("HAVEN_DATA_DIR").map(PathBuf::from),
        file.data_dir.clone(),
        PathBuf::from("haven-data")
    );
    let env_db = match secret("HAVEN_DATABASE_URL")? {
        Some(v) => Some(v),
        None => env("DATABASE_URL"),
    };
    let default_db = format!("sqlite://{}", data_dir.join("haven.db").display());
    let database_url = pick!(
        "database_url",
        flags.database_url.clone(),
        env_db,
        file.database_url.clone(),
        default_db.clone()
    );
    let database_url_is_default = database_url == default_db;
    haven_store::db::parse_url(&database_url).map_err(|e| ConfigError::Invalid(e.to_string()))?;

    let kek_env = secret("HAVEN_KEK")?.map(Secret);
    let kek = if kek_env.is_some() && flags.kek_file.is_none() {
        sources.insert("kek", "environment");
        KekSource::Env
    } else {
        KekSource::File(pick!(
            "kek",
            flags.kek_file.clone(),
            None::<PathBuf>,
            file.kek_file.clone(),
            data_dir.join("kek.key")
        ))
    };

    let cert = flags
        .tls_cert
        .clone()
        .or_else(|| env("HAVEN_TLS_CERT").map(PathBuf::from))
        .or(file.tls_cert.clone());
    let key = flags
        .tls_key
        .clone()
        .or_else(|| env("HAVEN_TLS_KEY").map(PathBuf::from))
        .or(file.tls_key.clone());
    let tls = match (cert, key) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => {
            return Err(ConfigError::Invalid(
                "TLS needs both a certificate and a key file (tls_cert and tls_key)".into(),
            ));
        }
    };

    let parse_bool = |name: &str, v: String| -> Result<bool, ConfigError> {
        match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(ConfigError::Invalid(format!(
                "{name} must be true or false, not {v:?}"
            ))),
        }
    };
    let parse_int = |name: &str, v: String| -> Result<i64, ConfigError> {
        v.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                ConfigError::Invalid(format!("{name} must be a positive whole number, not {v:?}"))
            })
    };
    let trust_proxy = match env("HAVEN_TRUST_PROXY") {
        Some(v) => parse_bool("HAVEN_TRUST_PROXY", v)?,
        None => file.trust_proxy.unwrap_or(false),
    };
    let log_format = pick!(
        "log_format",
        flags.log_format.clone(),
        env("HAVEN_LOG_FORMAT"),
        file.log_format.clone(),
        "text".to_string()
    );
    let log_json = match log_format.as_str() {
        "json" => true,
        "text" => false,
        other => {
            return Err(ConfigError::Invalid(format!(
                "log format must be text or json, not {other:?}"
            )));
        }
    };

    let mut policy = haven_core::Policy::default();
    if let Some(v) = env("HAVEN_SESSION_IDLE_MINUTES")
        .map(|v| parse_int("HAVEN_SESSION_IDLE_MINUTES", v))
        .transpose()?
        .or(file.session_idle_minutes)
    {
        policy.session_idle_secs = v * 60;
    }
    if let Some(v) = env("HAVEN_SESSION_MAX_HOURS")
        .map(|v| parse_int("HAVEN_SESSION_MAX_HOURS", v))
        .transpose()?
        .or(file.session_max_hours)
    {
        policy.session_absolute_secs = v * 3600;
    }
    if let Some(v) = env("HAVEN_MIN_CELL")
        .map(|v| parse_int("HAVEN_MIN_CELL", v))
        .transpose()?
        .or(file.min_cell)
    {
        policy.min_cell = v;
    }
    if let Some(v) = env("HAVEN_STATS_REFRESH_HOURS")
        .map(|v| parse_int("HAVEN_STATS_REFRESH_HOURS", v))
        .transpose()?
        .or(file.stats_refresh_hours)
    {
        if !(1..=24 * 31).contains(&v) {
            return Err(ConfigError::Invalid(format!(
                "HAVEN_STATS_REFRESH_HOURS must be 1 to 744 hours, not {v}"
            )));
        }
        policy.stats_refresh_secs = v * 3600;
    }
    if let Some(v) = env("HAVEN_ATTACHMENT_MAX_MB")
        .map(|v| parse_int("HAVEN_ATTACHMENT_MAX_MB", v))
        .transpose()?
        .or(file.attachment_max_mb)
    {
        if !(1..=100).contains(&v) {
            return Err(ConfigError::Invalid(format!(
                "attachment limit must be 1 to 100 MB, not {v}"
            )));
        }
        policy.attachment_max_bytes = v as usize * 1024 * 1024;
    }
    if let Some(cmd) = env("HAVEN_SCAN_COMMAND").or(file.scan_command.clone()) {
        policy.scan_command = cmd.trim().to_string();
    }
    // The deployment's adjustments of the screening indicators, validated now: a bad file stops
    // the start with the indicator it names, rather than a screening later.
    if let Some(path) = env("HAVEN_SCREENING_INDICATORS")
        .map(PathBuf::from)
        .or(file.screening_indicators.clone())
    {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            ConfigError::Invalid(format!("screening indicators {}: {e}", path.display()))
        })?;
        policy.screening.adjust(&text).map_err(|e| {
            ConfigError::Invalid(format!("screening indicators {}: {e}", path.display()))
        })?;
    }
    if let Some(v) = env("HAVEN_CHILD_MEANS_REQUIRED")
        .map(|v| match v.trim() {
            "1" | "true" | "yes" => Ok(true),
            "0" | "false" | "no" => Ok(false),
            other => Err(ConfigError::Invalid(format!(
                "HAVEN_CHILD_MEANS_REQUIRED must be true or false, not {other:?}"
            ))),
        })
        .transpose()?
        .or(file.child_means_required)
    {
        policy.screening_rules.child_means_required = v;
    }
    let public_url = env("HAVEN_PUBLIC_URL")
        .or(file.public_url.clone())
        .map(|u| u.trim().trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty());
    if let Some(u) = &public_url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        return Err(ConfigError::Invalid(format!(
            "HAVEN_PUBLIC_URL must start with https:// (or http://), not {u:?}"
        )));
    }
    let smtp_url = secret("HAVEN_SMTP_URL")?
        .or(file.smtp_url.clone())
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    let smtp = match smtp_url {
        None => None,
        Some(url) => {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(ConfigError::Invalid(
                    "HAVEN_SMTP_URL must start with smtps:// or smtp:// (e.g. \
                     smtps://user:password@mail.example.org or \
                     smtp://mail.example.org:587?tls=required)"
                        .into(),
                ));
            }
            let from = env("HAVEN_SMTP_FROM")
                .or(file.smtp_from.clone())
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .ok_or_else(|| {
                    ConfigError::Invalid(
                        "HAVEN_SMTP_FROM (the sender address, e.g. Haven <haven@example.org>) \
                         is needed with HAVEN_SMTP_URL"
                            .into(),
                    )
                })?;
            policy.mail_enabled = true;
            Some((Secret(url), from))
        }
    };
    let notify_seconds = env("HAVEN_NOTIFY_SECONDS")
        .map(|v| parse_int("HAVEN_NOTIFY_SECONDS", v))
        .transpose()?
        .or(file.notify_seconds)
        .unwrap_or(60);
    if !(1..=86_400).contains(&notify_seconds) {
        return Err(ConfigError::Invalid(
            "HAVEN_NOTIFY_SECONDS must be between 1 and 86400".into(),
        ));
    }
    let api_requests_per_minute = match env("HAVEN_API_REQUESTS_PER_MINUTE") {
        Some(v) => v.trim().parse::<i64>().map_err(|_| {
            ConfigError::Invalid(format!(
                "HAVEN_API_REQUESTS_PER_MINUTE must be a whole number, not {v:?}"
            ))
        })?,
        None => file.api_requests_per_minute.unwrap_or(600),
    };
    let api_requests_per_minute = u32::try_from(api_requests_per_minute)
        .ok()
        .filter(|n| *n <= 1_000_000)
        .ok_or_else(|| {
            ConfigError::Invalid(
                "HAVEN_API_REQUESTS_PER_MINUTE must be between 0 (no limit) and 1000000".into(),
            )
        })?;
    if let Some(v) = env("HAVEN_TIPS_PER_HOUR")
        .map(|v| parse_int("HAVEN_TIPS_PER_HOUR", v))
        .transpose()?
        .or(file.tips_per_hour)
    {
        if v < 1 {
            return Err(ConfigError::Invalid(
                "HAVEN_TIPS_PER_HOUR must be at least 1".into(),
            ));
        }
        policy.tips_per_hour = v;
    }
    if let Some(v) = env("HAVEN_MATCH_CHECKS_PER_HOUR")
        .map(|v| parse_int("HAVEN_MATCH_CHECKS_PER_HOUR", v))
        .transpose()?
        .or(file.match_checks_per_hour)
    {
        if v < 1 {
            return Err(ConfigError::Invalid(
                "HAVEN_MATCH_CHECKS_PER_HOUR must be at least 1".into(),
            ));
        }
        policy.match_checks_per_hour = v;
    }
    if let Some(v) = env("HAVEN_DRAFT_MAX_DAYS")
        .map(|v| parse_int("HAVEN_DRAFT_MAX_DAYS", v))
        .transpose()?
        .or(file.draft_max_days)
    {
        policy.draft_max_age_secs = v.max(1) * 86_400;
    }
    if let Some(cc) = env("HAVEN_COUNTRY_CODE").or(file.country_code.clone()) {
        let cc = cc.trim().to_ascii_uppercase();
        if cc.len() != 2 || !cc.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(ConfigError::Invalid(format!(
                "country code must be two letters (ISO 3166 alpha-2), not {cc:?}"
            )));
        }
        policy.country_code = cc;
    }
    // The reflection period: the deployment's own length, else its country's default.
    policy.reflection_days =
        haven_domain::protection::default_reflection_days(&policy.country_code);
    if let Some(v) = env("HAVEN_REFLECTION_DAYS")
        .map(|v| parse_int("HAVEN_REFLECTION_DAYS", v))
        .transpose()?
        .or(file.reflection_days)
    {
        if !(1..=365).contains(&v) {
            return Err(ConfigError::Invalid(
                "HAVEN_REFLECTION_DAYS must be between 1 and 365".into(),
            ));
        }
        policy.reflection_days = v;
    }
    if let Some(v) = env("HAVEN_PLAN_APPROVAL")
        .map(|v| match v.trim() {
            "1" | "true" | "yes" => Ok(true),
            "0" | "false" | "no" => Ok(false),
            other => Err(ConfigError::Invalid(format!(
                "HAVEN_PLAN_APPROVAL must be true or false, not {other:?}"
            ))),
        })
        .transpose()?
        .or(file.plan_approval)
    {
        policy.plan_approval = v;
    }
    if let Some(v) = env("HAVEN_RETENTION_YEARS")
        .map(|v| parse_int("HAVEN_RETENTION_YEARS", v))
        .transpose()?
        .or(file.retention_years)
    {
        if !(1..=100).contains(&v) {
            return Err(ConfigError::Invalid(
                "HAVEN_RETENTION_YEARS must be between 1 and 100 (leave it unset to keep closed cases)"
                    .into(),
            ));
        }
        policy.retention_years = Some(v);
    }
    // The numbers the public report page gives: the country's emergency number unless set.
    policy.emergency_number = haven_core::default_emergency_number(&policy.country_code).into();
    for (var, from_file, slot) in [
        (
            "HAVEN_EMERGENCY_NUMBER",
            file.emergency_number.clone(),
            &mut policy.emergency_number,
        ),
        (
            "HAVEN_HOTLINE_NUMBER",
            file.hotline_number.clone(),
            &mut policy.hotline_number,
        ),
    ] {
        if let Some(v) = env(var).or(from_file) {
            *slot = phone_number(var, &v)?;
        }
    }
    listen.parse::<std::net::SocketAddr>().map_err(|_| {
        ConfigError::Invalid(format!(
            "listen address {listen:?} is not HOST:PORT (e.g. 127.0.0.1:8080)"
        ))
    })?;

    Ok(Config {
        listen,
        data_dir,
        database_url: Secret(database_url),
        database_url_is_default,
        kek,
        kek_env,
        tls,
        trust_proxy,
        public_url,
        smtp,
        notify_every: std::time::Duration::from_secs(notify_seconds as u64),
        api_requests_per_minute,
        log_json,
        policy,
        warnings,
        sources,
    })
}

impl Config {
    /// The database URL with any password masked, for messages.
    pub(crate) fn database_display(&self) -> String {
        let url = &self.database_url.0;
        match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &url[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                    None => url.clone(),
                }
            }
            _ => url.clone(),
        }
    }
}

/// A telephone number as people dial it: digits, spaces, "+", "-", "(", ")" and ".", at most
/// 30 characters, at least 3 digits (an empty value clears it).
fn phone_number(var: &str, v: &str) -> Result<String, ConfigError> {
    let v = v.trim();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let ok = v.is_empty()
        || (v.chars().count() <= 30
            && digits >= 3
            && v.chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c)));
    if ok {
        Ok(v.to_string())
    } else {
        Err(ConfigError::Invalid(format!(
            "{var} must be a telephone number (digits, spaces, + - ( ) .), not {v:?}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load_with(flags: Flags, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let names: Vec<String> = map.keys().cloned().collect();
        load(&flags, &|k| map.get(k).cloned(), &names)
    }

    #[test]
    fn defaults() {
        let c = load_with(Flags::default(), &[]).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.database_url.0, "sqlite://haven-data/haven.db");
        assert_eq!(c.kek, KekSource::File(PathBuf::from("haven-data/kek.key")));
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn precedence_flag_over_env_over_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("haven.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/haven\"\n",
        )
        .unwrap();
        let flags = Flags {
            config: Some(file.clone()),
            ..Default::default()
        };
        let c = load_with(flags.clone(), &[]).unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.sources["listen"], "config file");
        let c = load_with(flags.clone(), &[("HAVEN_LISTEN", "127.0.0.1:9001")]).unwrap();
        assert_eq!(c.listen, "127.0.0.1:9001");
        let c = load_with(
            Flags {
                listen: Some("127.0.0.1:9002".into()),
                ..flags
            },
            &[("HAVEN_LISTEN", "127.0.0.1:9001")],
        )
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:9002");
        assert_eq!(c.database_url.0, "sqlite:///srv/haven/haven.db");
    }

    #[test]
    fn errors_and_warnings() {
        assert!(
            load_with(
                Flags::default(),
                &[("HAVEN_DATABASE_URL", "postgress://x@y/z")]
            )
            .is_err()
        );
        assert!(load_with(Flags::default(), &[("HAVEN_LISTEN", "localhost")]).is_err());
        assert!(load_with(Flags::default(), &[("HAVEN_TLS_CERT", "/x.pem")]).is_err());
        assert!(load_with(Flags::default(), &[("HAVEN_TRUST_PROXY", "maybe")]).is_err());
        let c = load_with(Flags::default(), &[("HAVEN_LISTN", "1")]).unwrap();
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].contains("HAVEN_LISTN"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        assert!(
            load_with(
                Flags {
                    config: Some(file),
                    ..Default::default()
                },
                &[]
            )
            .is_err(),
            "unknown keys are errors"
        );
    }

    #[test]
    fn mail_settings() {
        let c = load_with(Flags::default(), &[]).unwrap();
        assert!(c.smtp.is_none() && !c.policy.mail_enabled);
        assert_eq!(c.notify_every.as_secs(), 60);
        let c = load_with(
            Flags::default(),
            &[
                ("HAVEN_SMTP_URL", "smtps://haven:pw@mail.example.org"),
                ("HAVEN_SMTP_FROM", "Haven <haven@example.org>"),
                ("HAVEN_NOTIFY_SECONDS", "15"),
            ],
        )
        .unwrap();
        assert!(c.policy.mail_enabled);
        assert_eq!(c.notify_every.as_secs(), 15);
        assert!(
            !format!("{c:?}").contains(":pw@"),
            "the SMTP password never prints"
        );
        for bad in [
            vec![("HAVEN_SMTP_URL", "mail.example.org")],
            vec![("HAVEN_SMTP_URL", "smtp://mail.example.org")],
            vec![("HAVEN_NOTIFY_SECONDS", "0")],
        ] {
            assert!(load_with(Flags::default(), &bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn protection_settings() {
        let c = load_with(Flags::default(), &[]).unwrap();
        assert_eq!(c.policy.reflection_days, 10, "Guyana's default");
        assert!(!c.policy.plan_approval);
        let c = load_with(Flags::default(), &[("HAVEN_COUNTRY_CODE", "FR")]).unwrap();
        assert_eq!(
            c.policy.reflection_days, 30,
            "the Council of Europe minimum elsewhere"
        );
        let c = load_with(
            Flags::default(),
            &[
                ("HAVEN_REFLECTION_DAYS", "45"),
                ("HAVEN_PLAN_APPROVAL", "yes"),
            ],
        )
        .unwrap();
        assert_eq!(c.policy.reflection_days, 45);
        assert!(c.policy.plan_approval);
        assert!(load_with(Flags::default(), &[("HAVEN_REFLECTION_DAYS", "0")]).is_err());
        assert!(load_with(Flags::default(), &[("HAVEN_PLAN_APPROVAL", "maybe")]).is_err());
        assert_eq!(
            c.policy.retention_years, None,
            "kept unless a period is set"
        );
        let c = load_with(Flags::default(), &[("HAVEN_RETENTION_YEARS", "7")]).unwrap();
        assert_eq!(c.policy.retention_years, Some(7));
        assert!(load_with(Flags::default(), &[("HAVEN_RETENTION_YEARS", "0")]).is_err());
    }

    #[test]
    fn public_numbers() {
        let c = load_with(Flags::default(), &[]).unwrap();
        assert_eq!(c.policy.emergency_number, "911", "Guyana's police");
        assert_eq!(c.policy.hotline_number, "", "no hotline unless set");
        let c = load_with(Flags::default(), &[("HAVEN_COUNTRY_CODE", "FR")]).unwrap();
        assert_eq!(
            c.policy.emergency_number, "",
            "unknown elsewhere: said in words"
        );
        let c = load_with(
            Flags::default(),
            &[
                ("HAVEN_HOTLINE_NUMBER", " +592 (227) 0000 "),
                ("HAVEN_EMERGENCY_NUMBER", "999"),
            ],
        )
        .unwrap();
        assert_eq!(c.policy.hotline_number, "+592 (227) 0000");
        assert_eq!(c.policy.emergency_number, "999");
        for bad in [
            "call us",
            "12",
            "<script>911",
            "1234567890123456789012345678901",
        ] {
            assert!(
                load_with(Flags::default(), &[("HAVEN_HOTLINE_NUMBER", bad)]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn secrets_from_files_and_masking() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("db");
        std::fs::write(&f, "postgres://haven:s3cret@db.example/haven\n").unwrap();
        let c = load_with(
            Flags::default(),
            &[("HAVEN_DATABASE_URL_FILE", f.to_str().unwrap())],
        )
        .unwrap();
        assert_eq!(c.database_url.0, "postgres://haven:s3cret@db.example/haven");
        assert_eq!(
            c.database_display(),
            "postgres://haven:***@db.example/haven"
        );
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
