//! E-mail: an SMTP mailer (lettre, over TLS or STARTTLS as the URL says) and the background
//! worker that, on every app server, sends the overdue reminders and delivers the notification
//! outbox. Messages carry no personal data (see `haven_core::notifications`).
use std::time::Duration;

use haven_core::Haven;
use haven_core::notifications::MailSend;
use haven_i18n::I18n;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP URL: {0}")]
    Url(String),
    #[error("sender address {0:?} is not a valid mailbox")]
    From(String),
}

/// Sends through one SMTP server.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `url` as lettre reads it: `smtps://user:pass@host:465`, `smtp://host:587?tls=required`
    /// (STARTTLS), or `smtp://host:25` (plain, for a relay on the same machine or a test sink).
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| MailError::From(from.to_string()))?;
        Ok(SmtpMailer { transport, from })
    }
}

impl MailSend for SmtpMailer {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|_| "recipient is not a valid address".to_string())?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("building the message: {e}"))?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Runs the notification jobs every `every` until `stop` resolves: overdue reminders, then the
/// outbox (when a mailer is configured), then the removal of old e-mails and read notifications.
pub async fn background(
    haven: Haven,
    i18n: I18n,
    mailer: Option<SmtpMailer>,
    base_url: String,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The duplicate scan: an hour after start, then daily (pairs are recorded once, so
    // several servers scanning only repeat a little work).
    let started = std::time::Instant::now();
    let mut last_scan: Option<std::time::Instant> = None;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = tick.tick() => {}
        }
        match haven.send_reminders().await {
            Ok(n) if n > 0 => tracing::info!(referrals = n, "overdue reminders sent"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "overdue reminders failed"),
        }
        match haven.send_protection_reminders().await {
            Ok(n) if n > 0 => tracing::info!(reminders = n, "task and reflection reminders sent"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "task and reflection reminders failed"),
        }
        // Closed cases past retention, a few at a time.
        match haven.retention(false, 50).await {
            Ok(r) if !r.cases.is_empty() => {
                tracing::info!(cases = r.cases.len(), "closed cases anonymised (retention)")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "retention run failed"),
        }
        if let Some(m) = &mailer {
            match haven.deliver_outbox(m, &i18n, &base_url).await {
                Ok((0, 0)) => {}
                Ok((sent, failed)) => tracing::info!(sent, failed, "outbox delivered"),
                Err(e) => tracing::warn!(error = %e, "outbox delivery failed"),
            }
        }
        if let Err(e) = haven.purge_notifications().await {
            tracing::warn!(error = %e, "notification purge failed");
        }
        let due = match last_scan {
            None => started.elapsed() >= Duration::from_secs(3_600),
            Some(t) => t.elapsed() >= Duration::from_secs(86_400),
        };
        if due {
            last_scan = Some(std::time::Instant::now());
            let origin = haven_core::Origin::default();
            match haven.scan_duplicates(None, &origin).await {
                Ok(o) if o.examined > 0 => {
                    tracing::info!(
                        examined = o.examined,
                        proposed = o.proposed,
                        "duplicate scan"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "duplicate scan failed"),
            }
        }
    }
}
