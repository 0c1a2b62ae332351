//! Notifications: an in-app list per user and an e-mail outbox delivered in the background with
//! retries. Neither carries personal data: a kind code and the opaque id of the referral or
//! transfer, so a message says "you have a new referral, sign in to view" and links by id.
//! Written in the same transaction as the change they announce.
use std::future::Future;

use haven_authz::Principal;
use haven_domain::{AgencyId, Role, UserId};
use haven_i18n::{I18n, Lang};
use haven_store::Conn;
use haven_store::notifications::{self as store, NotificationRow, OutboxRow};
use haven_store::referrals::ReferralRow;

use crate::{Haven, Result};

/// What a notification is about.
pub const KINDS: &[&str] = &[
    "referral_new",
    "referral_accepted",
    "referral_declined",
    "referral_completed",
    "referral_revoked",
    "referral_overdue",
    "transfer_new",
    "transfer_approval",
    "transfer_accepted",
    "transfer_declined",
    "task_due",
    "reflection_ending",
    "plan_submitted",
    "plan_approved",
    "plan_returned",
    "match_checks_exceeded",
    "account_created",
    "account_reset",
    "account_role_changed",
    "account_agency_changed",
];

/// Kinds whose subject is a staff member, named in the in-app list (never in the e-mail).
const ABOUT_USER: &[&str] = &[
    "match_checks_exceeded",
    "account_created",
    "account_reset",
    "account_role_changed",
    "account_agency_changed",
];

/// Attempts before an e-mail is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long one app server holds an e-mail it is sending.
const LEASE_SECS: i64 = 120;

/// Delay before attempt `n + 1` after `n` failures: 1, 2, 4 … minutes, at most an hour.
pub fn retry_delay(attempts: i64) -> i64 {
    (60i64 << attempts.clamp(0, 6)).min(3600)
}

/// Sends one e-mail (SMTP in production, a recording sink in tests). The error is a short text
/// for the outbox, without the message.
pub trait MailSend: Sync {
    fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
    ) -> impl Future<Output = std::result::Result<(), String>> + Send;
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct NotificationView {
    pub id: String,
    /// One of `KINDS`.
    pub kind: String,
    /// The page it is about (opaque ids only).
    pub link: String,
    pub created_at: i64,
    pub read: bool,
    /// For notifications about a staff member (an alert of many match checks): their name.
    pub about_user: Option<String>,
}

/// The page a notification leads to.
pub fn link(kind: &str, subject: &str) -> String {
    if ABOUT_USER.contains(&kind) {
        // The subject is a staff member: named in the list, not in the link.
        "/notifications".into()
    } else if kind.starts_with("transfer_") {
        "/transfers".into()
    } else if ["task_", "reflection_", "plan_"]
        .iter()
        .any(|p| kind.starts_with(p))
    {
        // The subject is the case: its protection page.
        format!("/cases/{subject}/protection")
    } else {
        format!("/referrals/{subject}")
    }
}

impl Haven {
    /// Notifies `users` (each once) of `kind` about `subject`, in-app and, where the user has an
    /// e-mail address and mail is on, through the outbox.
    pub(crate) async fn notify(
        &self,
        tx: &mut Conn,
        users: &[UserId],
        kind: &str,
        subject: &str,
        now: i64,
    ) -> Result<()> {
        let mut seen = std::collections::BTreeSet::new();
        for u in users {
            if !seen.insert(*u) {
                continue;
            }
            store::insert(
                tx,
                &NotificationRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    user_id: *u,
                    kind: kind.into(),
                    subject_id: subject.into(),
                    created_at: now,
                    read_at: None,
                },
            )
            .await?;
            if !self.policy.mail_enabled {
                continue;
            }
            let has_address = haven_store::users::by_id(tx, *u)
                .await?
                .is_some_and(|u| u.email.is_some() && !u.disabled);
            if has_address {
                store::enqueue(
                    tx,
                    &OutboxRow {
                        id: uuid::Uuid::now_v7().to_string(),
                        user_id: *u,
                        kind: kind.into(),
                        subject_id: subject.into(),
                        created_at: now,
                        attempts: 0,
                        next_attempt_at: now,
                        sent_at: None,
                        failed_at: None,
                        last_error: None,
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Who answers a referral: the named user, or the agency's staff who handle referrals.
    pub(crate) async fn referral_recipients(
        &self,
        tx: &mut Conn,
        r: &ReferralRow,
    ) -> Result<Vec<UserId>> {
        if let Some(u) = r.to_user_id
            && haven_store::users::by_id(tx, u)
                .await?
                .is_some_and(|u| !u.disabled)
        {
            return Ok(vec![u]);
        }
        let Some(agency) = r.to_agency_id else {
            return Ok(vec![]);
        };
        self.agency_staff(tx, agency, haven_authz::roles::answers_referrals)
            .await
    }

    pub(crate) async fn agency_staff(
        &self,
        tx: &mut Conn,
        agency: AgencyId,
        role: impl Fn(Role) -> bool,
    ) -> Result<Vec<UserId>> {
        Ok(haven_store::users::active_of_agency(tx, agency)
            .await?
            .into_iter()
            .filter(|u| role(u.role))
            .map(|u| u.id)
            .collect())
    }

    pub(crate) async fn coordinators(&self, tx: &mut Conn) -> Result<Vec<UserId>> {
        Ok(haven_store::users::list(tx)
            .await?
            .into_iter()
            .filter(|u| !u.disabled && haven_authz::roles::coordinates(u.role))
            .map(|u| u.id)
            .collect())
    }

    /// The user's notifications, unread first.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn notifications(
        &self,
        p: &Principal,
        page: &crate::support::cursor::PageRequest,
    ) -> Result<(Vec<NotificationView>, Option<String>)> {
        let (after, fetch) = page.keyset();
        // The cursor's key is the notification's id after `u:` (unread) or `r:` (read).
        let after = match after {
            None => None,
            Some((at, key)) => Some(match key.split_at_checked(2) {
                Some(("u:", id)) => (false, at, id),
                Some(("r:", id)) => (true, at, id),
                _ => return Err(crate::CoreError::invalid("cursor", "error-cursor")),
            }),
        };
        let mut conn = self.db.pool().acquire().await?;
        let rows = store::of_user(&mut conn, p.user_id, after, fetch).await?;
        let (rows, next) = page.rest(rows, |n| {
            let state = if n.read_at.is_some() { "r" } else { "u" };
            (n.created_at, format!("{state}:{}", n.id))
        });
        // The staff named by notifications about accounts, read once for the whole list.
        let staff: std::collections::HashMap<UserId, String> =
            if rows.iter().any(|n| ABOUT_USER.contains(&n.kind.as_str())) {
                haven_store::users::list(&mut conn)
                    .await?
                    .into_iter()
                    .map(|u| (u.id, format!("{} ({})", u.display_name, u.username)))
                    .collect()
            } else {
                Default::default()
            };
        let mut out = Vec::new();
        for n in rows {
            let about_user = n
                .subject_id
                .parse::<UserId>()
                .ok()
                .filter(|_| ABOUT_USER.contains(&n.kind.as_str()))
                .and_then(|u| staff.get(&u).cloned());
            out.push(NotificationView {
                link: link(&n.kind, &n.subject_id),
                id: n.id,
                kind: n.kind,
                created_at: n.created_at,
                read: n.read_at.is_some(),
                about_user,
            });
        }
        Ok((out, next))
    }

    /// The page one of the user's notifications is about (`NotFound` for another user's).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn notification_link(&self, p: &Principal, id: &str) -> Result<String> {
        let mut conn = self.db.pool().acquire().await?;
        let n = store::one(&mut conn, p.user_id, id)
            .await?
            .ok_or(crate::CoreError::NotFound)?;
        Ok(link(&n.kind, &n.subject_id))
    }

    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn unread_notifications(&self, p: &Principal) -> Result<i64> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::unread_count(&mut conn, p.user_id).await?)
    }

    /// Marks one of the user's notifications read, or all of them.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn mark_notifications_read(&self, p: &Principal, id: Option<&str>) -> Result<u64> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::mark_read(&mut conn, p.user_id, id, self.now()).await?)
    }

    /// Sends the overdue reminder of every sent referral past its deadline, once each: to the
    /// sender and to whoever must answer. Safe to run on several app servers at once.
    #[tracing::instrument(skip_all)]
    pub async fn send_reminders(&self) -> Result<usize> {
        let now = self.now();
        let due = {
            let mut conn = self.db.pool().acquire().await?;
            haven_store::referrals::overdue_unreminded(&mut conn, now).await?
        };
        let mut sent = 0;
        for r in due {
            let mut tx = self.db.begin().await?;
            if !haven_store::referrals::claim_reminder(&mut tx, &r.id, now).await? {
                continue;
            }
            let mut to = self.referral_recipients(&mut tx, &r).await?;
            to.extend(r.from_user_id);
            self.notify(&mut tx, &to, "referral_overdue", &r.id, now)
                .await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }

    /// Delivers the e-mails due now; returns (sent, failed attempts). A failed e-mail is tried
    /// again later (`retry_delay`) and given up after `MAX_ATTEMPTS`. `base_url` is where users
    /// reach Haven (the link in the message).
    #[tracing::instrument(skip_all)]
    pub async fn deliver_outbox<M: MailSend>(
        &self,
        mailer: &M,
        i18n: &I18n,
        base_url: &str,
    ) -> Result<(usize, usize)> {
        let now = self.now();
        let claimed = {
            let mut conn = self.db.pool().acquire().await?;
            store::claim_due(&mut conn, now, LEASE_SECS, 50).await?
        };
        let (mut sent, mut failed) = (0, 0);
        for o in claimed {
            let user = {
                let mut conn = self.db.pool().acquire().await?;
                haven_store::users::by_id(&mut conn, o.user_id).await?
            };
            let target = user
                .filter(|u| !u.disabled)
                .and_then(|u| u.email.clone().map(|e| (e, u.language.clone())));
            let outcome = match &target {
                None => Err("no address".to_string()),
                Some((to, lang)) => {
                    let lang = lang.as_deref().and_then(Lang::parse).unwrap_or(Lang::En);
                    let (subject, body) = message(i18n, lang, &o.kind, &o.subject_id, base_url);
                    mailer.send(to, &subject, &body).await
                }
            };
            let mut conn = self.db.pool().acquire().await?;
            match outcome {
                Ok(()) => {
                    store::mark_sent(&mut conn, &o.id, now).await?;
                    sent += 1;
                }
                Err(e) => {
                    failed += 1;
                    let give_up = target.is_none() || o.attempts + 1 >= MAX_ATTEMPTS;
                    let retry = (!give_up).then(|| now + retry_delay(o.attempts));
                    // The error names the server's answer, never the message.
                    let e: String = e.chars().take(300).collect();
                    // The server's answer may quote the address: kept in the outbox, not logged.
                    tracing::warn!(outbox = %o.id, attempts = o.attempts + 1, "e-mail not sent");
                    store::mark_failed(&mut conn, &o.id, now, retry, &e).await?;
                }
            }
        }
        Ok((sent, failed))
    }

    /// Removes sent or given-up e-mails older than 30 days and notifications read more than
    /// 90 days ago.
    #[tracing::instrument(skip_all)]
    pub async fn purge_notifications(&self) -> Result<u64> {
        let now = self.now();
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::purge(&mut conn, now - 30 * 86_400).await?
            + store::purge_read(&mut conn, now - 90 * 86_400).await?)
    }

    /// The outbox as stored (administrators' view and tests): ids, kinds and states only.
    #[tracing::instrument(skip_all)]
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::all(&mut conn, limit).await?)
    }
}

/// The e-mail for a notification, in the user's language: no personal data, a link by id.
pub fn message(
    i18n: &I18n,
    lang: Lang,
    kind: &str,
    subject: &str,
    base_url: &str,
) -> (String, String) {
    let title = i18n.t(lang, &format!("notification-{}", kind.replace('_', "-")));
    let url = format!("{}{}", base_url.trim_end_matches('/'), link(kind, subject));
    let body = i18n.t_args(
        lang,
        "notification-mail-body",
        &[("what", title.clone().into()), ("url", url.into())],
    );
    (format!("Haven: {title}"), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop_growing() {
        assert_eq!(retry_delay(0), 60);
        assert_eq!(retry_delay(1), 120);
        assert_eq!(retry_delay(5), 1920);
        assert_eq!(retry_delay(6), 3600);
        assert_eq!(retry_delay(40), 3600);
    }

    #[test]
    fn every_kind_has_a_title_and_the_mail_names_nothing_but_the_link() {
        let i18n = I18n::load().expect("i18n");
        for lang in [Lang::En, Lang::Fr, Lang::Es] {
            for k in KINDS {
                let key = format!("notification-{}", k.replace('_', "-"));
                assert!(i18n.has(lang, &key), "{key} in {lang:?}");
            }
            let (s, b) = message(&i18n, lang, "referral_new", "abc", "https://h.example/");
            assert!(s.starts_with("Haven: "));
            assert!(b.contains("https://h.example/referrals/abc"), "{b}");
        }
    }
}
