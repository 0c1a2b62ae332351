//! Screening interviews by the ILO/EC indicators: recorded with their context and evidence
//! (sealed), evaluated by the domain's decision engine for every applicable profile, audited in
//! the same transaction. Outcome, profiles, region and agency stay in clear for statistics.
use crate::sealed::{self};
use haven_domain::text::{self, Lines};
use std::collections::BTreeMap;

use haven_audit::{Action, Event};
use haven_authz::Principal;
use haven_domain::CaseId;
use haven_domain::record::parse_date;
use haven_domain::screening::{
    Answer, Answers, IndicatorSet, Outcome, Profile, ProfileResult, evaluate, profiles_for,
};
use haven_store::screenings::{self, ScreeningRow};

use crate::support::done;
use crate::{CoreError, Haven, Origin, Result, actor};
use haven_domain::record::CaseRecord;
use haven_store::cases;

/// Longest evidence note per indicator, and longest place.
pub const EVIDENCE_MAX: usize = 1000;

/// One indicator's answer and what was seen or heard (no names).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A form received from a phone: which one, and its keyed digest (see
/// [`Haven::submission_digest`]).
#[derive(Clone, Debug)]
pub struct Submission {
    /// `uuid:…`, from the form's `meta/instanceID`.
    pub instance_id: String,
    pub form_id: String,
    pub form_version: String,
    pub digest: String,
}

/// What became of a received form.
#[derive(Debug)]
pub enum Received {
    New(Box<ScreeningView>),
    /// Received before (the phone resent it): the screening it became.
    Again(Option<String>),
}

/// The phone a screening came from, and the indicator set of the form it filled.
struct Via<'a> {
    device_id: &'a str,
    sub: &'a Submission,
    set: &'a IndicatorSet,
}

/// The sealed part of a screening.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Sealed {
    pub act: bool,
    pub answers: BTreeMap<String, IndicatorAnswer>,
}

/// A screening with its evaluation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScreeningView {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
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

/// A screening not yet attached to a case: its author, and the case workers and coordinators of
/// the author's agency.
fn may_see_loose(p: &Principal, row: &ScreeningRow) -> bool {
    p.may_see_loose_screening(row.screened_by, row.agency_id)
}

/// A screening listed on its case's page.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScreeningSummary {
    pub id: String,
    pub screened_on: String,
    pub outcome: Outcome,
    pub profiles: Vec<Profile>,
}

impl From<&ScreeningRow> for ScreeningSummary {
    fn from(r: &ScreeningRow) -> Self {
        ScreeningSummary {
            id: r.id.clone(),
            screened_on: r.screened_on.clone(),
            outcome: outcome_of(&r.outcome),
            profiles: r.profiles.split(',').filter_map(profile_of).collect(),
        }
    }
}

/// A case the screened person may already have, as the duplicate check shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct PossibleMatch {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub case_number: String,
    pub person_name: String,
    pub owner_agency_name: String,
    pub birth_year: Option<i64>,
    /// Same birth year (or, from an assessed age, within two years).
    pub same_birth_year: bool,
    pub may_link: bool,
}

/// Who was screened, as typed for the duplicate check and a new case draft.
#[derive(Clone, Debug, Default)]
pub struct ScreenedPerson {
    pub first_name: String,
    pub family_name: String,
    pub birth_year: Option<i32>,
}

/// The facts of a screening kept in clear (and the place, sealed on the way in).
pub(crate) struct ScreeningFacts {
    pub case_id: Option<CaseId>,
    pub agency_id: haven_domain::AgencyId,
    pub screened_by: haven_domain::UserId,
    pub screened_on: String,
    pub region: Option<String>,
    pub language: Option<String>,
    pub interpreter: bool,
    pub person_present: bool,
    pub consent: bool,
    pub place: String,
    pub created_at: i64,
}

impl Haven {
    /// The stored row of a screening: answers and place sealed under its new id.
    pub(crate) fn screening_row(
        &self,
        f: ScreeningFacts,
        profiles: &[Profile],
        outcome: Outcome,
        sealed: &Sealed,
    ) -> Result<ScreeningRow> {
        let id = uuid::Uuid::now_v7().to_string();
        let c = self.cipher();
        let json = serde_json::to_string(sealed).map_err(CoreError::internal)?;
        Ok(ScreeningRow {
            answers: c.encrypt(&json, &sealed::SCREENINGS_ANSWERS.of(&id)),
            place: (!f.place.is_empty())
                .then(|| c.encrypt(&f.place, &sealed::SCREENINGS_PLACE.of(&id))),
            id,
            case_id: f.case_id,
            agency_id: f.agency_id,
            screened_by: f.screened_by,
            screened_on: f.screened_on,
            region: f.region,
            language: f.language,
            interpreter: f.interpreter,
            person_present: f.person_present,
            consent: f.consent,
            profiles: profiles
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(","),
            outcome: outcome.as_str().to_string(),
            indicator_set: self.policy.screening.version.clone(),
            created_at: f.created_at,
        })
    }

    /// Evaluates sealed answers for the profiles and returns the strongest outcome with them.
    pub(crate) fn evaluate_sealed(
        &self,
        profiles: &[Profile],
        sealed: &Sealed,
    ) -> (Outcome, Vec<ProfileResult>) {
        let results = self.evaluate_all(profiles, sealed);
        let outcome = results
            .iter()
            .map(|r| r.outcome)
            .max()
            .unwrap_or(Outcome::NoIndicators);
        (outcome, results)
    }

    fn evaluate_all(&self, profiles: &[Profile], sealed: &Sealed) -> Vec<ProfileResult> {
        self.evaluate_all_with(&self.policy.screening, profiles, sealed)
    }

    /// The same, by another indicator set (a form of an earlier version, from a phone).
    fn evaluate_all_with(
        &self,
        set: &IndicatorSet,
        profiles: &[Profile],
        sealed: &Sealed,
    ) -> Vec<ProfileResult> {
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
            .map(|p| evaluate(set, self.policy.screening_rules, *p, &answers))
            .collect()
    }

    /// Records a screening (and its audit event) and returns it evaluated.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn record_screening(
        &self,
        p: &Principal,
        input: ScreeningInput,
        origin: &Origin,
    ) -> Result<ScreeningView> {
        self.record_screening_via(p, input, None, origin).await
    }

    /// Notes that a form version made from the current indicator set is served to phones, so
    /// that forms filled with it are read by this set even after the set changes.
    #[tracing::instrument(skip_all)]
    pub async fn form_served(&self, form_id: &str, version: &str) -> Result<()> {
        let json = serde_json::to_string(&self.policy.screening).map_err(CoreError::internal)?;
        let mut conn = self.db.pool().acquire().await?;
        haven_store::devices::remember_form_version(&mut conn, form_id, version, &json, self.now())
            .await?;
        Ok(())
    }

    /// The indicator set a served form version was made from (`None`: never served here).
    #[tracing::instrument(skip_all)]
    pub async fn form_indicator_set(
        &self,
        form_id: &str,
        version: &str,
    ) -> Result<Option<IndicatorSet>> {
        let mut conn = self.db.pool().acquire().await?;
        match haven_store::devices::form_version(&mut conn, form_id, version).await? {
            Some(json) => Ok(Some(
                serde_json::from_str(&json).map_err(CoreError::internal)?,
            )),
            None => Ok(None),
        }
    }

    /// A screening filled on a phone and sent by OpenRosa: recorded as one made in the browser
    /// (owned by the phone's user's agency, evaluated, audited with the phone's credential),
    /// once per instanceID: the same form sent again is `Again` (the phone lost the first
    /// answer); the same instanceID with other content is `Duplicate("instanceID")`.
    #[tracing::instrument(skip_all, fields(user = %grant.principal.user_id))]
    pub async fn receive_screening(
        &self,
        grant: &crate::devices::DeviceGrant,
        sub: Submission,
        set: &IndicatorSet,
        input: ScreeningInput,
        origin: &Origin,
    ) -> Result<Received> {
        let known = |row: Option<haven_store::devices::SubmissionRow>| match row {
            Some(r) if r.digest == sub.digest => Ok(Some(Received::Again(r.screening_id))),
            Some(_) => Err(CoreError::Duplicate("instanceID")),
            None => Ok(None),
        };
        {
            let mut conn = self.db.pool().acquire().await?;
            let row = haven_store::devices::submission(&mut conn, &sub.instance_id).await?;
            if let Some(again) = known(row)? {
                return Ok(again);
            }
        }
        let via = Via {
            device_id: &grant.device_id,
            sub: &sub,
            set,
        };
        match self
            .record_screening_via(&grant.principal, input, Some(via), origin)
            .await
        {
            Ok(v) => Ok(Received::New(Box::new(v))),
            // Sent twice at once: the other request recorded it.
            Err(CoreError::Duplicate("instanceID")) => {
                let mut conn = self.db.pool().acquire().await?;
                let row = haven_store::devices::submission(&mut conn, &sub.instance_id).await?;
                known(row)?.ok_or(CoreError::Duplicate("instanceID"))
            }
            Err(e) => Err(e),
        }
    }

    async fn record_screening_via(
        &self,
        p: &Principal,
        input: ScreeningInput,
        via: Option<Via<'_>>,
        origin: &Origin,
    ) -> Result<ScreeningView> {
        if p.case_create().is_none() {
            return Err(CoreError::Forbidden);
        }
        let mut errors = Vec::new();
        if !input.consent {
            errors.push(("consent", "error-screening-consent"));
        }
        // A form of an earlier version is read and evaluated by the set it was made from.
        let set: &IndicatorSet = via.as_ref().map_or(&self.policy.screening, |v| v.set);
        if input.answers.keys().any(|id| set.get(id).is_none()) {
            errors.push(("answers", "error-screening-indicator"));
        }
        if let Some(e) = input
            .answers
            .values()
            .map(|a| a.evidence.as_str())
            .chain([input.place.as_str()])
            .find_map(|t| text::check(t, EVIDENCE_MAX, Lines::Many).err())
        {
            errors.push(("answers", e.key()));
        }
        let screened_on = if input.screened_on.trim().is_empty() {
            self.today().to_string()
        } else {
            match parse_date(input.screened_on.trim()) {
                Some(d) if d <= self.today() => d.to_string(),
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
        // Stored as its ISO 639-2 code, whether picked from the list or typed by name.
        let language = input.language.trim();
        let language = match haven_domain::reference::language(language) {
            Some(l) => Some(l.code.to_string()),
            None if language.is_empty() => None,
            None => {
                errors.push(("language", "error-unknown-language"));
                None
            }
        };
        done(errors)?;
        let profiles = profiles_for(input.age, input.age_uncertain, input.labour, input.sexual);
        let sealed = Sealed {
            act: input.act,
            answers: input.answers,
        };
        let results = self.evaluate_all_with(set, &profiles, &sealed);
        let outcome = results
            .iter()
            .map(|r| r.outcome)
            .max()
            .unwrap_or(Outcome::NoIndicators);
        let mut tx = self.db.begin().await?;
        if let Some(case) = input.case_id {
            // The screening's own event records the change, in this transaction.
            tx = self.gate_write(tx, p, case, origin).await?.into_tx();
        }
        let place = input.place.trim();
        let mut row = self.screening_row(
            ScreeningFacts {
                case_id: input.case_id,
                agency_id: p.agency_id,
                screened_by: p.user_id,
                screened_on: screened_on.clone(),
                region: (!region.is_empty()).then(|| region.to_string()),
                language,
                interpreter: input.interpreter,
                person_present: input.person_present,
                consent: input.consent,
                place: place.to_string(),
                created_at: self.now(),
            },
            &profiles,
            outcome,
            &sealed,
        )?;
        row.indicator_set = set.version.clone();
        let id = row.id.clone();
        screenings::insert(&mut tx, &row).await?;
        if let Some(v) = &via {
            // In this transaction: the screening and the record of its instanceID, or neither.
            haven_store::devices::insert_submission(
                &mut tx,
                &haven_store::devices::SubmissionRow {
                    instance_id: v.sub.instance_id.clone(),
                    form_id: v.sub.form_id.clone(),
                    form_version: v.sub.form_version.clone(),
                    device_id: v.device_id.to_string(),
                    user_id: p.user_id,
                    digest: v.sub.digest.clone(),
                    screening_id: Some(id.clone()),
                    received_at: row.created_at,
                },
            )
            .await?;
        }
        let ev = Event::new(Action::ScreeningRecorded)
            .target("screening", &id)
            .details(serde_json::json!({
                "outcome": outcome.as_str(),
                "profiles": row.profiles,
                "case_id": input.case_id.map(|c| c.to_string()),
                "device_id": via.as_ref().map(|v| v.device_id),
                "form_version": via.as_ref().map(|v| v.sub.form_version.as_str()),
            }));
        self.commit_audited(tx, &actor(p, origin), ev, row.created_at)
            .await?;
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
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
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
                tx = self.gate(tx, p, case, origin).await?.into_tx();
            }
            None => {
                if !may_see_loose(p, &row) {
                    tx.rollback().await?;
                    return Err(CoreError::NotFound);
                }
            }
        }
        tx.commit().await?;
        let c = self.cipher();
        let sealed: Sealed = serde_json::from_str(
            &c.decrypt(&row.answers, &sealed::SCREENINGS_ANSWERS.of(&row.id))?,
        )
        .map_err(CoreError::internal)?;
        let place = c
            .decrypt_opt(row.place.as_deref(), &sealed::SCREENINGS_PLACE.of(&row.id))?
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

    /// A case-less screening the user may see (for linking). Not audited: nothing of it is read.
    async fn loose_screening(&self, p: &Principal, id: &str) -> Result<ScreeningRow> {
        let mut conn = self.db.pool().acquire().await?;
        match screenings::get(&mut conn, id).await? {
            Some(row) if may_see_loose(p, &row) => {
                if row.case_id.is_some() {
                    Err(CoreError::invalid("case_id", "error-screening-linked"))
                } else {
                    Ok(row)
                }
            }
            _ => Err(CoreError::NotFound),
        }
    }

    /// The duplicate check before a case-less screening gets a case: the cases the user may see
    /// whose person's names match (blind index, so spelling variants match), same birth year
    /// first. Audited as a case search (the typed name is not stored).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn screening_matches(
        &self,
        p: &Principal,
        id: &str,
        who: &ScreenedPerson,
        origin: &Origin,
    ) -> Result<Vec<PossibleMatch>> {
        let row = self.loose_screening(p, id).await?;
        let Some(cap) = p.case_list() else {
            return Err(CoreError::Forbidden);
        };
        let name = format!("{} {}", who.first_name.trim(), who.family_name.trim());
        let digests = self.blind.query_groups(&name);
        if digests.is_empty() {
            return Err(CoreError::invalid("first_name", "error-required"));
        }
        let q = cases::CaseQuery {
            name_digests: digests,
            limit: 20,
            ..Default::default()
        };
        let mut tx = self.db.begin_snapshot().await?;
        let (rows, _) = cases::list(&mut tx, cap.scope(), &q).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let person = cases::get_person(&mut tx, r.person_id).await?;
            let facts = cases::access_facts(&mut tx, r.id).await?;
            let may_link = facts
                .and_then(|f| p.read_case(r.id, &f).and_then(|rd| rd.writer().map(|_| ())))
                .is_some();
            let opened_year = time::OffsetDateTime::from_unix_timestamp(r.opened_at)
                .map(|t| t.year() as i64)
                .unwrap_or(0);
            let birth_year = person
                .as_ref()
                .and_then(|p| p.birth_year.or(p.assessed_age.map(|a| opened_year - a)));
            let exact = person.as_ref().is_some_and(|p| p.birth_year.is_some());
            let same_birth_year = match (who.birth_year, birth_year) {
                (Some(a), Some(b)) => {
                    let d = (i64::from(a) - b).abs();
                    d == 0 || (!exact && d <= 2)
                }
                _ => false,
            };
            let c = self.cipher();
            let first = c.decrypt_opt(
                r.first_name.as_deref(),
                &sealed::PERSONS_FIRST_NAME.of(r.person_id),
            )?;
            let last = c.decrypt_opt(
                r.last_name.as_deref(),
                &sealed::PERSONS_LAST_NAME.of(r.person_id),
            )?;
            out.push(PossibleMatch {
                case_id: r.id,
                case_number: r.case_number,
                person_name: [first, last]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                owner_agency_name: r.owner_agency_name,
                birth_year,
                same_birth_year,
                may_link,
            });
        }
        tx.commit().await?;
        // A known, different birth year makes a match unlikely: it goes last, but stays shown.
        out.sort_by_key(|m| {
            (
                !m.same_birth_year,
                who.birth_year.is_some() && m.birth_year.is_some() && !m.same_birth_year,
            )
        });
        let ev = Event::new(Action::CaseSearched).details(serde_json::json!({
            "filters": ["name", "birth_year"],
            "purpose": "screening_duplicate_check",
            "screening_id": row.id,
            "shown": out.len(),
            "case_ids": out.iter().map(|m| m.case_id.to_string()).collect::<Vec<_>>(),
        }));
        self.record_read(&actor(p, origin), ev).await?;
        Ok(out)
    }

    /// The duplicate check as the screening page shows it: [`Haven::screening_matches`], and
    /// the agencies holding a possible record of the person that the user may not see (by the
    /// matching engine; never the record's content). Both are audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn screening_check(
        &self,
        p: &Principal,
        id: &str,
        who: &ScreenedPerson,
        origin: &Origin,
    ) -> Result<(Vec<PossibleMatch>, Vec<String>)> {
        let matches = self.screening_matches(p, id, who, origin).await?;
        let typed = crate::duplicates::TypedPerson {
            first_name: who.first_name.clone(),
            family_name: who.family_name.clone(),
            birth_date: who.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            sex: String::new(),
        };
        let report = self
            .possible_matches(p, &typed, "screening", origin)
            .await?;
        Ok((matches, report.elsewhere))
    }

    /// Attaches a case-less screening to a case the user may write to. Audited with the change.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn link_screening(
        &self,
        p: &Principal,
        id: &str,
        case: CaseId,
        origin: &Origin,
    ) -> Result<()> {
        let row = self.loose_screening(p, id).await?;
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, case, origin).await?;
        if !screenings::link_case(&mut tx, &row.id, case).await? {
            tx.rollback().await?;
            return Err(CoreError::invalid("case_id", "error-screening-linked"));
        }
        let ev = Event::new(Action::ScreeningLinked)
            .target("screening", &row.id)
            .details(serde_json::json!({"case_id": case.to_string()}));
        tx.commit(self, ev, self.now()).await?;
        Ok(())
    }

    /// Starts a case registration from a case-less screening: a draft with what the screening
    /// established (names typed at the duplicate check, age, kinds of exploitation, region). The
    /// case completed from that draft takes the screening with it.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn draft_from_screening(
        &self,
        p: &Principal,
        id: &str,
        who: &ScreenedPerson,
        origin: &Origin,
    ) -> Result<String> {
        let row = self.loose_screening(p, id).await?;
        let Some(cap) = p.case_create() else {
            return Err(CoreError::Forbidden);
        };
        let mut record = CaseRecord::default();
        record.person.first_name = who.first_name.trim().to_string();
        record.person.second_name = who.family_name.trim().to_string();
        let profiles: Vec<Profile> = row.profiles.split(',').filter_map(profile_of).collect();
        if let Some(y) = who.birth_year {
            record.person.assessed_age = Some(i64::from(self.today().year() - y).max(0));
        }
        if profiles.iter().any(|p| p.is_child()) && who.birth_year.is_none() {
            record.person.age_uncertain = true;
        }
        let outcome = outcome_of(&row.outcome);
        if outcome >= Outcome::PossibleVictim {
            record.victim.trafficking_status = "PossibleVictimOfTrafficking".into();
        }
        for pr in &profiles {
            let code = match pr {
                Profile::AdultLabour => "ForcedLabour",
                Profile::ChildLabour => "ChildLabour",
                Profile::AdultSexual | Profile::ChildSexual => "SexualExploitation",
            };
            if !record.victim.type_of_exploitation.iter().any(|c| c == code) {
                record.victim.type_of_exploitation.push(code.to_string());
            }
        }
        // What the screening found of how the person was held (debt, documents taken, hours)
        // is the case's methods of control.
        let sealed: Sealed = serde_json::from_str(
            &self
                .cipher()
                .decrypt(&row.answers, &sealed::SCREENINGS_ANSWERS.of(&row.id))?,
        )
        .map_err(CoreError::internal)?;
        for (indicator, a) in &sealed.answers {
            if a.answer != haven_domain::screening::Answer::Present {
                continue;
            }
            if let Some(code) = haven_domain::screening::method_of_control(indicator)
                && !record.victim.methods_of_control.iter().any(|c| c == code)
            {
                record.victim.methods_of_control.push(code.to_string());
            }
        }
        record.case.region = row.region.clone().unwrap_or_default();
        let draft = self.save_draft(cap, None, record, origin).await?;
        let mut tx = self.db.begin().await?;
        screenings::set_draft(&mut tx, &row.id, &draft).await?;
        tx.commit().await?;
        Ok(draft)
    }
}
