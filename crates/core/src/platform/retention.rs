//! Retention: closed cases are kept only while needed. Past the deployment's retention period
//! (`Policy::retention_years` after closure) a case is anonymised in place: its free text and
//! the person's names, birth date, contacts and documents are destroyed (their ciphertexts
//! deleted: with one data key, crypto-shredding is deleting the ciphertexts), while the coded,
//! statistical facts stay, dates generalised to their year. Statistics keep counting it. The
//! audit trail is left as it is: its events carry no personal data by construction.
use crate::sealed::{self};
use haven_audit::{Action, Actor, Event};
use haven_store::retention::{self as store, Expired};

use crate::{CoreError, Haven, Result};

/// One case the run found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Expiring {
    pub case_number: String,
    pub closed_at: i64,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct RetentionReport {
    /// Cases closed before this moment are past retention (none when no period is set).
    pub cutoff: Option<i64>,
    pub cases: Vec<Expiring>,
    /// Whether they were anonymised (false for a dry run).
    pub done: bool,
}

const YEAR: i64 = 365 * 86_400 + 86_400 / 4;

/// The first second of the (UTC) year of a timestamp.
fn year_start(ts: i64) -> i64 {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| time::Date::from_calendar_date(t.year(), time::Month::January, 1).ok())
        .map_or(ts, |d| d.midnight().assume_utc().unix_timestamp())
}

impl Haven {
    /// Finds the cases past retention and, unless `dry_run`, anonymises them (each in its own
    /// transaction, audited as `case.anonymised` by the system). At most `limit` per run.
    #[tracing::instrument(skip_all)]
    pub async fn retention(&self, dry_run: bool, limit: i64) -> Result<RetentionReport> {
        let now = self.now();
        let Some(years) = self.policy.retention_years else {
            return Ok(RetentionReport::default());
        };
        let cutoff = now - years * YEAR;
        let found = {
            let mut conn = self.db.pool().acquire().await?;
            store::expired(&mut conn, cutoff, limit).await?
        };
        let cases = found
            .iter()
            .map(|e| Expiring {
                case_number: e.case_number.clone(),
                closed_at: e.closed_at,
            })
            .collect();
        if !dry_run {
            for e in &found {
                self.anonymise(e, now).await?;
            }
        }
        Ok(RetentionReport {
            cutoff: Some(cutoff),
            cases,
            done: !dry_run,
        })
    }

    async fn anonymise(&self, e: &Expired, now: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let referral_date = e
            .referral_date
            .as_deref()
            .and_then(|d| d.get(..4))
            .map(|y| format!("{y}-01-01"));
        store::anonymise_case(
            &mut tx,
            e,
            year_start(e.opened_at),
            year_start(e.closed_at),
            referral_date.as_deref(),
            now,
        )
        .await?;
        // Screenings keep their answers (codes), not the evidence written beside them; tips
        // linked to the case keep their coded facts, not what was reported.
        let (screenings, tips) = store::screenings_and_tips(&mut tx, e.case_id).await?;
        let c = self.cipher();
        for id in screenings {
            let col = sealed::SCREENINGS_ANSWERS.of(&id);
            let sealed = store::screening_answers(&mut tx, &id).await?;
            let mut doc: crate::screening::Sealed =
                serde_json::from_str(&c.decrypt(&sealed, &col)?).map_err(CoreError::internal)?;
            for a in doc.answers.values_mut() {
                a.evidence.clear();
            }
            let json = serde_json::to_string(&doc).map_err(CoreError::internal)?;
            store::set_screening_answers(&mut tx, &id, &c.encrypt(&json, &col)).await?;
        }
        for id in tips {
            let blank = crate::tips::blank_body(self, &id)?;
            store::set_tip_body(&mut tx, &id, &blank).await?;
        }
        let person_too = store::person_fully_expired(&mut tx, e.person_id).await?;
        if person_too {
            store::anonymise_person(&mut tx, e.person_id, now).await?;
        }
        let ev = Event::new(Action::CaseAnonymised)
            .target("case", e.case_id)
            .details(serde_json::json!({"person": person_too}));
        self.commit_audited(tx, &Actor::system(), ev, now).await?;
        Ok(())
    }
}
