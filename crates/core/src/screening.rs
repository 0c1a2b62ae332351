//! Screening interviews by the ILO/EC indicators: recorded with their context and evidence
//! (sealed), evaluated by the domain's decision engine for every applicable profile, audited in
//! the same transaction. Outcome, profiles, region and agency stay in clear for statistics.
use std::collections::BTreeMap;

use haven_audit::{Action, Event};
use haven_authz::Principal;
use haven_domain::CaseId;
use haven_domain::record::parse_date;
use haven_domain::screening::{
    Answer, Answers, IndicatorSet, Outcome, Profile, ProfileResult, evaluate, profiles_for,
};
use haven_store::screenings::{self, ScreeningRow};

use crate::cases::{aad, today};
use crate::{CoreError, Haven, Origin, Result, actor, now};

/// Longest evidence note per indicator, and longest place.
pub const EVIDENCE_MAX: usize = 1000;

/// One indicator's answer and what was seen or heard (no names).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndicatorAnswer {
    pub answer: Answer,
    #[serde(default)]
    pub evidence: String,
}

/// A screening as the screener records it.
#[derive(Clone, Debug, Default)]
pub struct ScreeningInput {
    /// The case it belongs to, if any (the caller must be able to write to it).
    pub case_id: Option<CaseId>,
    /// YYYY-MM-DD; empty for today.
    pub screened_on: String,
    pub region: String,
    pub place: String,
    /// ISO 639 code of the interview's language.
    pub language: String,
    pub interpreter: bool,
    pub person_present: bool,
    /// The person (or guardian) agreed to be screened. Required.
    pub consent: bool,
    /// For the choice of profiles: age (none if unknown), whether it is uncertain, and the kinds
    /// of exploitation suspected. Not stored.
    pub age: Option<u32>,
    pub age_uncertain: bool,
    pub labour: bool,
    pub sexual: bool,
    /// Recruited, transported, transferred, harboured or received.
    pub act: bool,
    pub answers: BTreeMap<String, IndicatorAnswer>,
}

/// The sealed part of a screening.
#[derive(serde::Serialize, serde::Deserialize)]
struct Sealed {
    act: bool,
    answers: BTreeMap<String, IndicatorAnswer>,
}

/// A screening with its evaluation.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScreeningView {
    pub id: String,
    pub case_id: Option<CaseId>,
    pub screened_on: String,
    pub region: Option<String>,
    pub place: String,
    pub language: Option<String>,
    pub interpreter: bool,
    pub person_present: bool,
    pub consent: bool,
    pub act: bool,
    pub answers: BTreeMap<String, IndicatorAnswer>,
    /// The outcome recorded when the screening was made.
    pub outcome: Outcome,
    pub indicator_set: String,
    /// The evaluation per profile, by the current indicator set.
    pub results: Vec<ProfileResult>,
}

fn outcome_of(code: &str) -> Outcome {
    [
        Outcome::TraffickingIndicatorsMet,
        Outcome::PossibleVictim,
        Outcome::ExploitationWithoutTraffickingIndicators,
    ]
    .into_iter()
    .find(|o| o.as_str() == code)
    .unwrap_or(Outcome::NoIndicators)
}

fn profile_of(code: &str) -> Option<Profile> {
    Profile::ALL.into_iter().find(|p| p.as_str() == code)
}

fn text_ok(s: &str, max: usize) -> bool {
    s.chars().count() <= max
        && !s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

impl Haven {
    fn evaluate_all(&self, profiles: &[Profile], sealed: &Sealed) -> Vec<ProfileResult> {
        let answers = Answers {
            indicators: sealed
                .answers
                .iter()
                .map(|(k, v)| (k.clone(), v.answer))
                .collect(),
            act: sealed.act,
        };
        profiles
            .iter()
            .map(|p| {
                evaluate(
                    &self.policy.screening,
                    self.policy.screening_rules,
                    *p,
                    &answers,
                )
            })
            .collect()
    }

    /// Records a screening (and its audit event) and returns it evaluated.
    pub async fn record_screening(
        &self,
        p: &Principal,
        input: ScreeningInput,
        origin: &Origin,
    ) -> Result<ScreeningView> {
        if p.case_create().is_none() {
            return Err(CoreError::Forbidden);
        }
        let mut errors = Vec::new();
        if !input.consent {
            errors.push(("consent", "error-screening-consent"));
        }
        let set: &IndicatorSet = &self.policy.screening;
        if input.answers.keys().any(|id| set.get(id).is_none()) {
            errors.push(("answers", "error-screening-indicator"));
        }
        if input
            .answers
            .values()
            .any(|a| !text_ok(&a.evidence, EVIDENCE_MAX))
            || !text_ok(&input.place, EVIDENCE_MAX)
        {
            errors.push(("answers", "error-too-long"));
        }
        let screened_on = if input.screened_on.trim().is_empty() {
            today().to_string()
        } else {
            match parse_date(input.screened_on.trim()) {
                Some(d) if d <= today() => d.to_string(),
                _ => {
                    errors.push(("screened_on", "error-date"));
                    String::new()
                }
            }
        };
        let region = input.region.trim();
        if !region.is_empty() && haven_domain::Region::parse(region).is_err() {
            errors.push(("region", "error-unknown-code"));
        }
        if !errors.is_empty() {
            return Err(CoreError::Invalid(
                errors
                    .into_iter()
                    .map(|(field, key)| haven_domain::record::FieldError { field, key })
                    .collect(),
            ));
        }
        let profiles = profiles_for(input.age, input.age_uncertain, input.labour, input.sexual);
        let sealed = Sealed {
            act: input.act,
            answers: input.answers,
        };
        let results = self.evaluate_all(&profiles, &sealed);
        let outcome = results
            .iter()
            .map(|r| r.outcome)
            .max()
            .unwrap_or(Outcome::NoIndicators);
        let mut tx = self.db.begin().await?;
        if let Some(case) = input.case_id {
            let (t, _w) = self.gate_write(tx, p, case, origin).await?;
            tx = t;
        }
        let id = uuid::Uuid::now_v7().to_string();
        let c = self.cipher();
        let json = serde_json::to_string(&sealed).map_err(CoreError::internal)?;
        let place = input.place.trim();
        let row = ScreeningRow {
            id: id.clone(),
            case_id: input.case_id,
            agency_id: p.agency_id,
            screened_by: p.user_id,
            screened_on: screened_on.clone(),
            region: (!region.is_empty()).then(|| region.to_string()),
            language: Some(input.language.trim().to_string()).filter(|l| !l.is_empty()),
            interpreter: input.interpreter,
            person_present: input.person_present,
            consent: input.consent,
            profiles: profiles
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(","),
            outcome: outcome.as_str().to_string(),
            indicator_set: set.version.clone(),
            answers: c.encrypt(&json, &aad("screenings", "answers", &id)),
            place: (!place.is_empty()).then(|| c.encrypt(place, &aad("screenings", "place", &id))),
            created_at: now(),
        };
        screenings::insert(&mut tx, &row).await?;
        let ev = Event::new(Action::ScreeningRecorded)
            .target("screening", &id)
            .details(serde_json::json!({
                "outcome": outcome.as_str(),
                "profiles": row.profiles,
                "case_id": input.case_id.map(|c| c.to_string()),
            }));
        haven_audit::record(
            &mut tx,
            self.audit_keys(),
            &actor(p, origin),
            ev,
            row.created_at,
        )
        .await?;
        tx.commit().await?;
        Ok(ScreeningView {
            id,
            case_id: row.case_id,
            screened_on,
            region: row.region,
            place: place.to_string(),
            language: row.language,
            interpreter: row.interpreter,
            person_present: row.person_present,
            consent: row.consent,
            act: sealed.act,
            answers: sealed.answers,
            outcome,
            indicator_set: row.indicator_set,
            results,
        })
    }

    /// Opens a screening: through its case's need to know, or (without a case) for its author
    /// and the case workers and coordinators of the author's agency. Audited.
    pub async fn open_screening(
        &self,
        p: &Principal,
        id: &str,
        origin: &Origin,
    ) -> Result<ScreeningView> {
        let mut tx = self.db.begin_snapshot().await?;
        let Some(row) = screenings::get(&mut tx, id).await? else {
            tx.rollback().await?;
            return Err(CoreError::NotFound);
        };
        match row.case_id {
            Some(case) => {
                let (t, _r) = self.gate(tx, p, case, origin).await?;
                tx = t;
            }
            None => {
                let own = row.screened_by == p.user_id;
                let colleague = row.agency_id == p.agency_id
                    && matches!(
                        p.role,
                        haven_domain::Role::CaseWorker | haven_domain::Role::Coordinator
                    );
                if !own && !colleague {
                    tx.rollback().await?;
                    return Err(CoreError::NotFound);
                }
            }
        }
        tx.commit().await?;
        let c = self.cipher();
        let sealed: Sealed =
            serde_json::from_str(&c.decrypt(&row.answers, &aad("screenings", "answers", &row.id))?)
                .map_err(CoreError::internal)?;
        let place = c
            .decrypt_opt(row.place.as_deref(), &aad("screenings", "place", &row.id))?
            .unwrap_or_default();
        let profiles: Vec<Profile> = row.profiles.split(',').filter_map(profile_of).collect();
        let results = self.evaluate_all(&profiles, &sealed);
        self.record_read(
            &actor(p, origin),
            Event::new(Action::ScreeningViewed).target("screening", &row.id),
        )
        .await?;
        Ok(ScreeningView {
            id: row.id,
            case_id: row.case_id,
            screened_on: row.screened_on,
            region: row.region,
            place,
            language: row.language,
            interpreter: row.interpreter,
            person_present: row.person_present,
            consent: row.consent,
            act: sealed.act,
            answers: sealed.answers,
            outcome: outcome_of(&row.outcome),
            indicator_set: row.indicator_set,
            results,
        })
    }
}
