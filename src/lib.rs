//! Haven's start-up, shared by `haven serve` and the integration tests: the background work
//! (session and draft janitor, reminders, retention, the e-mail outbox) and the web app over
//! one `Haven`. The command line itself is `main.rs`.
use std::time::Duration;

use haven_core::Haven;

/// What the server needs beyond the use-cases.
pub struct ServeOptions {
    pub web: haven_web::WebConfig,
    /// SMTP URL and sender; `None`: notifications stay in Haven.
    pub smtp: Option<(String, String)>,
    /// The address users reach Haven at, for links in e-mails.
    pub base_url: String,
    /// How often reminders, retention and the outbox run; `None` turns that loop off (tests
    /// drive those steps themselves, so that they can count what each one did).
    pub background_every: Option<Duration>,
}

/// Starts the background work and builds the web app's state. `haven serve` then serves it
/// over plain TCP or TLS; tests serve it on port 0.
pub fn start(haven: Haven, opts: ServeOptions) -> anyhow::Result<haven_web::AppState> {
    // Sessions end on their own when presented late; this removes the ones never presented again.
    let janitor = haven.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match janitor.purge_expired_sessions().await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
            }
            // Abandoned registration drafts must not keep personal data forever.
            match janitor.purge_drafts().await {
                Ok(n) if n > 0 => tracing::info!(drafts = n, "abandoned drafts removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove abandoned drafts"),
            }
            // Answers kept for API retries are dropped after a day.
            match janitor.purge_idempotency_keys().await {
                Ok(n) if n > 0 => tracing::info!(keys = n, "old idempotency keys removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove old idempotency keys"),
            }
            // A job whose server stopped fails; an unclaimed result is dropped after a day.
            match janitor.tidy_jobs().await {
                Ok(n) if n > 0 => tracing::info!(jobs = n, "jobs tidied"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not tidy jobs"),
            }
            // An uploaded case file left at its preview is dropped after a day.
            match janitor.expire_import_jobs().await {
                Ok(n) if n > 0 => tracing::info!(imports = n, "unfinished imports expired"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not expire unfinished imports"),
            }
        }
    });
    // Reminders and the e-mail outbox, on every app server (each e-mail is claimed by one).
    if let Some(every) = opts.background_every {
        let mailer = match &opts.smtp {
            Some((url, from)) => Some(haven_mail::SmtpMailer::new(url, from)?),
            None => None,
        };
        tokio::spawn(haven_mail::background(
            haven.clone(),
            haven_i18n::I18n::load()?,
            mailer,
            opts.base_url,
            every,
            std::future::pending(),
        ));
    }
    Ok(haven_web::AppState::new(
        haven,
        haven_i18n::I18n::load()?,
        opts.web,
    ))
}
