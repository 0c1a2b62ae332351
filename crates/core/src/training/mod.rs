//! Training of frontline staff: workshops, participants (one person across workshops, found again
//! by the name blind index), attendance and test scores, completion, certificates with a public
//! verification code, participant lists imported from sign-up sheets, and reports. Trainers and
//! the coordinator manage it (`TrainingManage`); analysts read the reports. Nothing here reaches a
//! case. Participants' names, positions and contacts are sealed; every read of them is audited.
use crate::sealed::{self, Column};
use haven_domain::text::{self, Lines};
use std::collections::{BTreeMap, BTreeSet};

use haven_audit::{Action, Actor, Event};
use haven_authz::{Principal, TrainingManage};
use haven_domain::record::parse_date;
use haven_domain::{AgencyId, Region, UserId};
use haven_matching::{Model, Person, score_pair};
use haven_store::training::{self as store, EnrolmentRow, MaterialRow, TraineeRow, WorkshopRow};
use haven_training::import::{self, ImportRow};
use haven_training::{CompletionRule, FORMATS, SEXES, TOPICS};
use time::Date;

use crate::support::done;
use crate::{CoreError, Haven, Origin, Result, actor};

/// From this probability a known person sharing a name word is offered as possibly the same
/// participant. Lower than for victims' records: there is no birth date to go by, so one name
/// close (a nickname, a given name more) and the other the same is enough to ask.
const ALIKE_FROM: f64 = 0.1;

/// Longest title and short text fields.
const TITLE_MAX: usize = 200;
const TEXT_MAX: usize = 300;

/// A workshop as typed on its form (numbers as text, so "abc" is a field error).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct WorkshopInput {
    pub title: String,
    pub topics: Vec<String>,
    pub first_day: String,
    pub last_day: String,
    pub region: String,
    pub place: String,
    pub format: String,
    pub language: String,
    pub trainers: String,
    pub organiser: String,
    pub funder: String,
    pub grant_ref: String,
    pub capacity: String,
    pub pass_mark: String,
    pub min_attendance: String,
    pub questionnaire: String,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct WorkshopView {
    pub id: String,
    pub title: String,
    pub topics: Vec<String>,
    pub first_day: Date,
    pub last_day: Date,
    pub region: Option<String>,
    pub place: String,
    pub format: String,
    pub language: String,
    pub trainers: String,
    pub organiser: String,
    pub funder: String,
    pub grant_ref: String,
    pub capacity: Option<i64>,
    pub rule: Rule,
    pub questionnaire: String,
    pub days: Vec<Date>,
}

/// The workshop's completion rule, as shown.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Rule {
    pub pass_mark: u32,
    pub min_attendance: u32,
}

impl Rule {
    fn completion(self) -> CompletionRule {
        CompletionRule {
            min_attendance_pct: self.min_attendance,
            pass_mark: self.pass_mark,
        }
    }
}

/// A participant as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ParticipantInput {
    pub first_name: String,
    pub family_name: String,
    pub sex: String,
    /// An agency of the list, or empty with `organisation` set.
    pub agency_id: String,
    pub organisation: String,
    pub position: String,
    pub region: String,
    pub contact: String,
    /// The participant's Haven account, if they have one (for the outcome figures).
    pub username: String,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ParticipantView {
    pub id: String,
    pub first_name: String,
    pub family_name: String,
    pub sex: String,
    pub organisation: String,
    pub position: String,
    pub region: Option<String>,
    pub contact: String,
    pub has_account: bool,
}

impl ParticipantView {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.family_name)
            .trim()
            .to_string()
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct EnrolmentView {
    pub participant: ParticipantView,
    pub days: BTreeSet<Date>,
    pub pre_score: Option<u32>,
    pub post_score: Option<u32>,
    pub completed: bool,
    pub certificate_code: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct MaterialView {
    pub id: String,
    pub file_name: String,
    pub size: i64,
}

/// A workshop with its participants, their attendance and scores.
#[derive(Clone, Debug, serde::Serialize)]
pub struct WorkshopDoc {
    pub workshop: WorkshopView,
    pub enrolments: Vec<EnrolmentView>,
    pub materials: Vec<MaterialView>,
}

/// What adding a participant did.
#[derive(Clone, Debug)]
pub enum Added {
    /// Enrolled (a new participant, or the one chosen among the possible duplicates).
    Enrolled(String),
    /// People already known under this name: the user must pick one or confirm a new person.
    PossibleDuplicates(Vec<ParticipantView>),
}

/// One participant's line of the attendance and scores register.
#[derive(Clone, Debug, Default)]
pub struct RegisterLine {
    pub participant_id: String,
    /// YYYY-MM-DD of the days attended.
    pub days: Vec<String>,
    pub pre_score: String,
    pub post_score: String,
}

/// An imported row after the duplicate check.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PreviewRow {
    pub row: ImportRow,
    pub errors: Vec<(&'static str, &'static str)>,
    /// Someone already known under this name (enrolled instead of creating a new person).
    pub existing: Option<String>,
    /// The organisation matched to an agency of the list.
    pub agency: Option<String>,
}

/// The preview of an import: nothing written yet.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Preview {
    pub rows: Vec<PreviewRow>,
    pub ignored_columns: Vec<String>,
    pub valid: usize,
}

/// What a certificate says.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CertificateData {
    pub name: String,
    pub workshop: String,
    pub topics: Vec<String>,
    pub first_day: Date,
    pub last_day: Date,
    pub place: String,
    pub organiser: String,
    pub code: String,
}

/// What the public verification page may show.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Verified {
    pub name: String,
    pub workshop: String,
    pub last_day: Date,
}

/// Outcome figures: what trained staff did afterwards (counts only).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Outcomes {
    /// Trained participants linked to a Haven account.
    pub linked_accounts: usize,
    pub screenings_before: i64,
    pub screenings_after: i64,
    pub referrals_before: i64,
    pub referrals_after: i64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ReportView {
    pub report: haven_training::report::Report,
    pub outcomes: Outcomes,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

fn fold(s: &str) -> String {
    haven_crypto::blind::normalise_name(s)
}

/// Training texts are one line each.
fn one_line(s: &str, max: usize) -> Result<(), &'static str> {
    text::check(s, max, Lines::One).map_err(|e| e.key())
}

fn day(s: &str) -> Result<Date> {
    parse_date(s).ok_or_else(|| CoreError::internal(format!("stored day {s:?}")))
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Days attended, post-test score and whether the workshop's rule is met (no name unsealed).
fn completion(w: &WorkshopView, e: &EnrolmentRow) -> (BTreeSet<Date>, Option<u32>, bool) {
    let days: BTreeSet<Date> = e.days.iter().filter_map(|d| parse_date(d)).collect();
    let attended = days.iter().filter(|d| w.days.contains(d)).count();
    let post = e.post_score.map(|s| s.clamp(0, 100) as u32);
    let done = w.rule.completion().completed(w.days.len(), attended, post);
    (days, post, done)
}

fn workshop_view(w: &WorkshopRow) -> Result<WorkshopView> {
    let first_day = day(&w.first_day)?;
    let last_day = day(&w.last_day)?;
    Ok(WorkshopView {
        id: w.id.clone(),
        title: w.title.clone(),
        topics: w
            .topics
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        first_day,
        last_day,
        region: w.region.clone(),
        place: w.place.clone().unwrap_or_default(),
        format: w.format.clone(),
        language: w.language.clone().unwrap_or_default(),
        trainers: w.trainers.clone().unwrap_or_default(),
        organiser: w.organiser.clone().unwrap_or_default(),
        funder: w.funder.clone().unwrap_or_default(),
        grant_ref: w.grant_ref.clone().unwrap_or_default(),
        capacity: w.capacity,
        rule: Rule {
            pass_mark: w.pass_mark.clamp(0, 100) as u32,
            min_attendance: w.min_attendance.clamp(0, 100) as u32,
        },
        questionnaire: w.questionnaire.clone().unwrap_or_default(),
        days: haven_training::days(first_day, last_day).unwrap_or_default(),
    })
}

/// Checks a workshop form; all problems together.
fn check_workshop(i: &WorkshopInput, defaults: CompletionRule) -> Result<WorkshopRow> {
    let mut e = Vec::new();
    let title = i.title.trim();
    if title.is_empty() {
        e.push(("title", "error-required"));
    } else if let Err(k) = one_line(title, TITLE_MAX) {
        e.push(("title", k));
    }
    let topics: Vec<&str> = i
        .topics
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if topics.is_empty() {
        e.push(("topics", "error-required"));
    } else if topics.iter().any(|t| !TOPICS.contains(t)) {
        e.push(("topics", "error-unknown-code"));
    }
    let first = parse_date(i.first_day.trim());
    let last = if i.last_day.trim().is_empty() {
        first
    } else {
        parse_date(i.last_day.trim())
    };
    match (first, last) {
        (None, _) => e.push(("first_day", "error-date")),
        (_, None) => e.push(("last_day", "error-date")),
        (Some(f), Some(l)) if haven_training::days(f, l).is_none() => {
            e.push(("last_day", "error-workshop-days"))
        }
        _ => {}
    }
    let region = i.region.trim();
    if !region.is_empty() && Region::parse(region).is_err() {
        e.push(("region", "error-unknown-code"));
    }
    let format = if i.format.trim().is_empty() {
        "in_person"
    } else {
        i.format.trim()
    };
    if !FORMATS.contains(&format) {
        e.push(("format", "error-unknown-code"));
    }
    let language = i.language.trim();
    if !language.is_empty() && haven_domain::reference::language(language).is_none() {
        e.push(("language", "error-unknown-language"));
    }
    for (field, v) in [
        ("place", &i.place),
        ("trainers", &i.trainers),
        ("organiser", &i.organiser),
        ("funder", &i.funder),
        ("grant_ref", &i.grant_ref),
        ("questionnaire", &i.questionnaire),
    ] {
        if let Err(k) = one_line(v.trim(), TEXT_MAX) {
            e.push((field, k));
        }
    }
    let number = |field: &'static str, v: &str, max: i64, e: &mut Vec<_>| -> Option<i64> {
        match v.trim() {
            "" => None,
            t => match t.trim_end_matches('%').trim().parse::<i64>() {
                Ok(n) if (0..=max).contains(&n) => Some(n),
                _ => {
                    e.push((field, "error-number-range"));
                    None
                }
            },
        }
    };
    let capacity = number("capacity", &i.capacity, 10_000, &mut e);
    let pass_mark =
        number("pass_mark", &i.pass_mark, 100, &mut e).unwrap_or(i64::from(defaults.pass_mark));
    let min_attendance = number("min_attendance", &i.min_attendance, 100, &mut e)
        .unwrap_or(i64::from(defaults.min_attendance_pct));
    done(e)?;
    let (Some(first), Some(last)) = (first, last) else {
        return Err(CoreError::internal("checked above"));
    };
    Ok(WorkshopRow {
        title: title.to_string(),
        topics: topics.join(","),
        first_day: first.to_string(),
        last_day: last.to_string(),
        region: opt(region),
        place: opt(&i.place),
        format: format.to_string(),
        language: haven_domain::reference::language(language).map(|l| l.code.to_string()),
        trainers: opt(&i.trainers),
        organiser: opt(&i.organiser),
        funder: opt(&i.funder),
        grant_ref: opt(&i.grant_ref),
        capacity,
        pass_mark,
        min_attendance,
        questionnaire: opt(&i.questionnaire),
        ..Default::default()
    })
}

/// One workshop of a participant: id, title, first day.
pub type WorkshopLine = (String, String, String);

impl Haven {
    fn training_actor(&self, cap: &TrainingManage<'_>, origin: &Origin) -> Actor {
        actor(cap.principal(), origin)
    }

    /// Creates (`id` none) or changes a workshop. Audited with the change.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn save_workshop(
        &self,
        cap: TrainingManage<'_>,
        id: Option<&str>,
        input: &WorkshopInput,
        origin: &Origin,
    ) -> Result<String> {
        let mut row = check_workshop(input, self.policy.training_rule)?;
        let mut tx = self.db.begin().await?;
        let t = self.now();
        match id {
            Some(id) => {
                let old = store::get_workshop(&mut tx, id)
                    .await?
                    .ok_or(CoreError::NotFound)?;
                row.id = old.id;
                row.created_by = old.created_by;
                row.created_at = old.created_at;
            }
            None => {
                row.id = uuid::Uuid::now_v7().to_string();
                row.created_by = Some(cap.principal().user_id);
                row.created_at = t;
            }
        }
        row.updated_at = t;
        store::save_workshop(&mut tx, &row).await?;
        let ev = Event::new(Action::TrainingWorkshopSaved).target("workshop", &row.id);
        self.commit_audited(tx, &self.training_actor(&cap, origin), ev, self.now())
            .await?;
        Ok(row.id)
    }

    /// Workshops, newest first, with their number of participants (no names: not audited).
    #[tracing::instrument(skip_all)]
    pub async fn list_workshops(
        &self,
        _cap: TrainingManage<'_>,
    ) -> Result<Vec<(WorkshopView, i64)>> {
        let mut conn = self.db.pool().acquire().await?;
        store::list_workshops(&mut conn)
            .await?
            .iter()
            .map(|(w, n)| Ok((workshop_view(w)?, *n)))
            .collect()
    }

    /// A workshop's fields only, for its edit form (no participant: not audited).
    #[tracing::instrument(skip_all)]
    pub async fn workshop(&self, _cap: TrainingManage<'_>, id: &str) -> Result<WorkshopView> {
        let mut conn = self.db.pool().acquire().await?;
        let w = store::get_workshop(&mut conn, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        workshop_view(&w)
    }

    fn participant_view(
        &self,
        t: &TraineeRow,
        agencies: &BTreeMap<AgencyId, String>,
    ) -> Result<ParticipantView> {
        let c = self.cipher();
        let open = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
            Ok(c.decrypt_opt(v.as_deref(), &col.of(&t.id))?
                .unwrap_or_default())
        };
        Ok(ParticipantView {
            id: t.id.clone(),
            first_name: open(sealed::TRAINEES_FIRST_NAME, &t.first_name)?,
            family_name: open(sealed::TRAINEES_FAMILY_NAME, &t.family_name)?,
            sex: t.sex.clone(),
            organisation: t
                .agency_id
                .and_then(|a| agencies.get(&a).cloned())
                .or_else(|| t.organisation.clone())
                .unwrap_or_default(),
            position: open(sealed::TRAINEES_POSITION, &t.position)?,
            region: t.region.clone(),
            contact: open(sealed::TRAINEES_CONTACT, &t.contact)?,
            has_account: t.user_id.is_some(),
        })
    }

    /// A workshop with its participants (names unsealed: audited).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn open_workshop(
        &self,
        cap: TrainingManage<'_>,
        id: &str,
        origin: &Origin,
    ) -> Result<WorkshopDoc> {
        let agencies = self.agency_map().await?;
        let (w, rows, materials) = {
            let mut tx = self.db.begin_snapshot().await?;
            let w = store::get_workshop(&mut tx, id)
                .await?
                .ok_or(CoreError::NotFound)?;
            let rows = store::enrolments(&mut tx, id).await?;
            let m = store::materials(&mut tx, id).await?;
            tx.commit().await?;
            (w, rows, m)
        };
        let workshop = workshop_view(&w)?;
        let enrolments = rows
            .iter()
            .map(|e| self.enrolment_view(&workshop, e, &agencies))
            .collect::<Result<Vec<_>>>()?;
        self.record_read(
            &self.training_actor(&cap, origin),
            Event::new(Action::TrainingWorkshopViewed)
                .target("workshop", id)
                .details(serde_json::json!({"participants": enrolments.len()})),
        )
        .await?;
        Ok(WorkshopDoc {
            workshop,
            enrolments,
            materials: materials
                .into_iter()
                .map(|m| MaterialView {
                    id: m.id,
                    file_name: m.file_name,
                    size: m.size,
                })
                .collect(),
        })
    }

    fn enrolment_view(
        &self,
        w: &WorkshopView,
        e: &EnrolmentRow,
        agencies: &BTreeMap<AgencyId, String>,
    ) -> Result<EnrolmentView> {
        let (days, post, completed) = completion(w, e);
        Ok(EnrolmentView {
            participant: self.participant_view(&e.trainee, agencies)?,
            completed,
            days,
            pre_score: e.pre_score.map(|s| s.clamp(0, 100) as u32),
            post_score: post,
            certificate_code: e.certificate_code.clone(),
        })
    }

    /// Checks a participant; returns the row to store, sealed under `id` (a new one if none), and
    /// the name's blind-index digests.
    async fn participant_row(
        &self,
        id: Option<&str>,
        i: &ParticipantInput,
    ) -> Result<(TraineeRow, Vec<String>)> {
        let mut e = Vec::new();
        let first = i.first_name.trim();
        let family = i.family_name.trim();
        if first.is_empty() && family.is_empty() {
            e.push(("first_name", "error-required"));
        }
        for (field, v) in [
            ("first_name", first),
            ("family_name", family),
            ("position", i.position.trim()),
            ("contact", i.contact.trim()),
            ("organisation", i.organisation.trim()),
        ] {
            if let Err(k) = one_line(v, TEXT_MAX) {
                e.push((field, k));
            }
        }
        let sex = import::parse_sex(&i.sex);
        if sex.is_none() || !SEXES.contains(&sex.unwrap_or_default()) {
            e.push(("sex", "error-unknown-code"));
        }
        let agency = match i.agency_id.trim() {
            "" => None,
            a => match a.parse::<AgencyId>() {
                Ok(id) if self.agency_map().await?.contains_key(&id) => Some(id),
                _ => {
                    e.push(("agency_id", "error-unknown-code"));
                    None
                }
            },
        };
        let region = i.region.trim();
        let region = if region.is_empty() {
            None
        } else {
            match import::parse_region(region) {
                Some(r) => Some(r.to_string()),
                None => {
                    e.push(("region", "error-unknown-code"));
                    None
                }
            }
        };
        let user = match i.username.trim() {
            "" => None,
            u => match self.find_user(u).await? {
                Some(u) => Some(u.id),
                None => {
                    e.push(("username", "error-unknown-user"));
                    None
                }
            },
        };
        done(e)?;
        let id = id
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        let c = self.cipher();
        let seal = |col: Column, v: &str| {
            (!v.trim().is_empty()).then(|| c.encrypt(v.trim(), &col.of(&id)))
        };
        let t = self.now();
        // Participants are matched on whole words only: no prefix digests are kept for them.
        let digests = self.blind.stored(&format!("{first} {family}")).words;
        Ok((
            TraineeRow {
                first_name: seal(sealed::TRAINEES_FIRST_NAME, first),
                family_name: seal(sealed::TRAINEES_FAMILY_NAME, family),
                position: seal(sealed::TRAINEES_POSITION, &i.position),
                contact: seal(sealed::TRAINEES_CONTACT, &i.contact),
                sex: sex.unwrap_or("undisclosed").to_string(),
                agency_id: agency,
                organisation: if agency.is_some() {
                    None
                } else {
                    opt(&i.organisation)
                },
                region,
                user_id: user,
                created_at: t,
                updated_at: t,
                id,
            },
            digests,
        ))
    }

    /// A participant's record for its edit form, with their workshops (id, title, first day).
    /// Audited.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn open_participant(
        &self,
        cap: TrainingManage<'_>,
        id: &str,
        origin: &Origin,
    ) -> Result<(ParticipantInput, Vec<WorkshopLine>)> {
        let (t, workshops) = {
            let mut conn = self.db.pool().acquire().await?;
            let t = store::get_trainee(&mut conn, id)
                .await?
                .ok_or(CoreError::NotFound)?;
            let w = store::workshops_of(&mut conn, id).await?;
            (t, w)
        };
        let v = self.participant_view(&t, &BTreeMap::new())?;
        let username = match t.user_id {
            Some(u) => self
                .find_user(&u.to_string())
                .await?
                .map(|u| u.username)
                .unwrap_or_default(),
            None => String::new(),
        };
        self.record_read(
            &self.training_actor(&cap, origin),
            Event::new(Action::TrainingWorkshopViewed).target("trainee", id),
        )
        .await?;
        Ok((
            ParticipantInput {
                first_name: v.first_name,
                family_name: v.family_name,
                sex: t.sex,
                agency_id: t.agency_id.map(|a| a.to_string()).unwrap_or_default(),
                organisation: t.organisation.unwrap_or_default(),
                position: v.position,
                region: t.region.unwrap_or_default(),
                contact: v.contact,
                username,
            },
            workshops,
        ))
    }

    /// Corrects a participant's record (all fields). Audited with the change.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn update_participant(
        &self,
        cap: TrainingManage<'_>,
        id: &str,
        input: &ParticipantInput,
        origin: &Origin,
    ) -> Result<()> {
        let (mut row, digests) = self.participant_row(Some(id), input).await?;
        let mut tx = self.db.begin().await?;
        let old = store::get_trainee(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        row.created_at = old.created_at;
        store::update_trainee(&mut tx, &row, &digests).await?;
        let ev = Event::new(Action::TrainingParticipantSaved)
            .target("trainee", id)
            .details(serde_json::json!({"new": false, "corrected": true}));
        self.commit_audited(tx, &self.training_actor(&cap, origin), ev, self.now())
            .await?;
        Ok(())
    }

    /// People already known under a name, by the blind index (all of its words must match).
    async fn known_as(&self, name: &str) -> Result<Vec<TraineeRow>> {
        let groups = self.blind.query_groups(name);
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::trainees_by_digests(&mut conn, &groups).await?)
    }

    /// People already known who may be this participant: everyone known under all the typed
    /// name's words, then those sharing one of its words whom the matching engine finds alike
    /// (a nickname, a given name more or fewer, a typo), most probable first.
    async fn possible_participants(&self, input: &ParticipantInput) -> Result<Vec<TraineeRow>> {
        let name = format!("{} {}", input.first_name, input.family_name);
        let digests = self.blind.query(&name);
        let groups = self.blind.query_groups(&name);
        let (mut found, sharing) = {
            let mut conn = self.db.pool().acquire().await?;
            (
                store::trainees_by_digests(&mut conn, &groups).await?,
                store::trainees_sharing_digests(&mut conn, &digests, 200).await?,
            )
        };
        let sex = import::parse_sex(&input.sex).unwrap_or_default();
        let typed = Person::new("", &input.first_name, &input.family_name).sex(sex);
        let model = Model::initial();
        let c = self.cipher();
        let mut alike = Vec::new();
        for t in sharing {
            if found.iter().any(|f| f.id == t.id) {
                continue;
            }
            let open = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
                Ok(c.decrypt_opt(v.as_deref(), &col.of(&t.id))?
                    .unwrap_or_default())
            };
            let known = Person::new(
                "",
                &open(sealed::TRAINEES_FIRST_NAME, &t.first_name)?,
                &open(sealed::TRAINEES_FAMILY_NAME, &t.family_name)?,
            )
            .sex(&t.sex);
            let (probability, _) = score_pair(&model, &typed, &known);
            if probability >= ALIKE_FROM {
                alike.push((probability, t));
            }
        }
        alike.sort_by(|a, b| b.0.total_cmp(&a.0));
        found.extend(alike.into_iter().map(|(_, t)| t));
        found.truncate(20);
        Ok(found)
    }

    /// Adds a participant to a workshop. A person already known under the same name is offered
    /// first (`PossibleDuplicates`) unless `existing` names the one to enrol or `force` confirms
    /// a new person. Audited with the change.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn add_participant(
        &self,
        cap: TrainingManage<'_>,
        workshop: &str,
        input: &ParticipantInput,
        existing: Option<&str>,
        force: bool,
        origin: &Origin,
    ) -> Result<Added> {
        let who = self.training_actor(&cap, origin);
        if let Some(existing) = existing.filter(|e| !e.is_empty()) {
            let mut tx = self.db.begin().await?;
            if store::get_workshop(&mut tx, workshop).await?.is_none()
                || store::get_trainee(&mut tx, existing).await?.is_none()
            {
                return Err(CoreError::NotFound);
            }
            store::enrol(&mut tx, workshop, existing, self.now()).await?;
            let ev = Event::new(Action::TrainingParticipantSaved)
                .target("trainee", existing)
                .details(serde_json::json!({"workshop_id": workshop, "new": false}));
            self.commit_audited(tx, &who, ev, self.now()).await?;
            return Ok(Added::Enrolled(existing.to_string()));
        }
        let (row, digests) = self.participant_row(None, input).await?;
        if !force {
            let known = self.possible_participants(input).await?;
            if !known.is_empty() {
                let agencies = self.agency_map().await?;
                let views = known
                    .iter()
                    .map(|t| self.participant_view(t, &agencies))
                    .collect::<Result<Vec<_>>>()?;
                // The candidates' names were shown: an audited read.
                self.record_read(
                    &who,
                    Event::new(Action::TrainingWorkshopViewed)
                        .target("workshop", workshop)
                        .details(serde_json::json!({
                            "purpose": "participant_duplicate_check",
                            "trainee_ids": views.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
                        })),
                )
                .await?;
                return Ok(Added::PossibleDuplicates(views));
            }
        }
        let mut tx = self.db.begin().await?;
        if store::get_workshop(&mut tx, workshop).await?.is_none() {
            return Err(CoreError::NotFound);
        }
        store::insert_trainee(&mut tx, &row, &digests).await?;
        store::enrol(&mut tx, workshop, &row.id, self.now()).await?;
        let ev = Event::new(Action::TrainingParticipantSaved)
            .target("trainee", &row.id)
            .details(serde_json::json!({"workshop_id": workshop, "new": true}));
        self.commit_audited(tx, &who, ev, self.now()).await?;
        Ok(Added::Enrolled(row.id))
    }

    /// Takes a participant off a workshop (their record stays for their other workshops).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn remove_participant(
        &self,
        cap: TrainingManage<'_>,
        workshop: &str,
        participant: &str,
        origin: &Origin,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !store::unenrol(&mut tx, workshop, participant).await? {
            return Err(CoreError::NotFound);
        }
        let ev = Event::new(Action::TrainingParticipantRemoved)
            .target("trainee", participant)
            .details(serde_json::json!({"workshop_id": workshop}));
        self.commit_audited(tx, &self.training_actor(&cap, origin), ev, self.now())
            .await?;
        Ok(())
    }

    /// Saves the attendance and scores register of a workshop: every line checked first, all
    /// saved together or none.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn save_register(
        &self,
        cap: TrainingManage<'_>,
        workshop: &str,
        lines: &[RegisterLine],
        origin: &Origin,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let w = store::get_workshop(&mut tx, workshop)
            .await?
            .ok_or(CoreError::NotFound)?;
        let view = workshop_view(&w)?;
        let enrolled: BTreeSet<String> = store::enrolments(&mut tx, workshop)
            .await?
            .into_iter()
            .map(|e| e.trainee.id)
            .collect();
        let mut e = Vec::new();
        let mut checked = Vec::new();
        for l in lines {
            if !enrolled.contains(&l.participant_id) {
                return Err(CoreError::NotFound);
            }
            let mut days = Vec::new();
            for d in &l.days {
                match parse_date(d) {
                    Some(d) if view.days.contains(&d) => days.push(d.to_string()),
                    _ => e.push(("days", "error-date")),
                }
            }
            days.sort();
            days.dedup();
            let pre = haven_training::parse_score(&l.pre_score).unwrap_or_else(|k| {
                e.push(("pre_score", k));
                None
            });
            let post = haven_training::parse_score(&l.post_score).unwrap_or_else(|k| {
                e.push(("post_score", k));
                None
            });
            checked.push((l.participant_id.clone(), days, pre, post));
        }
        e.dedup();
        done(e)?;
        for (id, days, pre, post) in &checked {
            store::set_record(
                &mut tx,
                workshop,
                id,
                days,
                pre.map(i64::from),
                post.map(i64::from),
            )
            .await?;
        }
        let ev = Event::new(Action::TrainingRegisterSaved)
            .target("workshop", workshop)
            .details(serde_json::json!({"lines": checked.len()}));
        self.commit_audited(tx, &self.training_actor(&cap, origin), ev, self.now())
            .await?;
        Ok(())
    }

    /// Reads a sign-up sheet and checks every row; writes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn import_preview(&self, _cap: TrainingManage<'_>, bytes: &[u8]) -> Result<Preview> {
        let sheet = import::read(bytes).map_err(|e| {
            tracing::info!(error = %e, "participant sheet refused");
            CoreError::invalid("file", e.user_key())
        })?;
        self.preview_rows(sheet.rows, sheet.ignored_columns).await
    }

    async fn preview_rows(&self, rows: Vec<ImportRow>, ignored: Vec<String>) -> Result<Preview> {
        let agencies = self.agency_map().await?;
        let by_name: BTreeMap<String, AgencyId> =
            agencies.iter().map(|(id, n)| (fold(n), *id)).collect();
        let mut out = Vec::with_capacity(rows.len());
        let mut valid = 0;
        for row in rows {
            let mut errors = row.errors.clone();
            // A stored row is re-checked: what comes back from the preview page is not trusted.
            for (field, v) in [
                ("first_name", &row.first_name),
                ("family_name", &row.family_name),
                ("organisation", &row.organisation),
                ("position", &row.position),
                ("phone", &row.phone),
                ("email", &row.email),
            ] {
                if let Err(k) = one_line(v, import::MAX_CELL) {
                    errors.push((field, k));
                }
            }
            if row.first_name.trim().is_empty() && row.family_name.trim().is_empty() {
                errors.push(("first_name", "error-required"));
            }
            if !SEXES.contains(&row.sex.as_str()) {
                errors.push(("sex", "error-unknown-code"));
            }
            if !row.region.is_empty() && Region::parse(&row.region).is_err() {
                errors.push(("region", "error-unknown-code"));
            }
            errors.sort();
            errors.dedup();
            let name = format!("{} {}", row.first_name, row.family_name);
            let existing = if errors.is_empty() {
                let c = self.cipher();
                // Same words in the same fields: the same person (spelling variants are not
                // merged silently; they are added and can be reviewed on the workshop page).
                let mut found = None;
                for t in self.known_as(&name).await? {
                    let first = c.decrypt_opt(
                        t.first_name.as_deref(),
                        &sealed::TRAINEES_FIRST_NAME.of(&t.id),
                    )?;
                    let family = c.decrypt_opt(
                        t.family_name.as_deref(),
                        &sealed::TRAINEES_FAMILY_NAME.of(&t.id),
                    )?;
                    if fold(&first.unwrap_or_default()) == fold(&row.first_name)
                        && fold(&family.unwrap_or_default()) == fold(&row.family_name)
                    {
                        found = Some(t.id);
                        break;
                    }
                }
                found
            } else {
                None
            };
            if errors.is_empty() {
                valid += 1;
            }
            let agency = by_name
                .get(&fold(&row.organisation))
                .and_then(|id| agencies.get(id).cloned());
            out.push(PreviewRow {
                row,
                errors,
                existing,
                agency,
            });
        }
        Ok(Preview {
            rows: out,
            ignored_columns: ignored,
            valid,
        })
    }

    /// Imports the rows confirmed on the preview (re-checked; rows with problems are skipped).
    /// One transaction: all valid rows or none. Returns (new people, people already known).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn import_confirm(
        &self,
        cap: TrainingManage<'_>,
        workshop: &str,
        rows: Vec<ImportRow>,
        origin: &Origin,
    ) -> Result<(usize, usize)> {
        if rows.len() > import::MAX_ROWS {
            return Err(CoreError::invalid("file", "error-import-too-many"));
        }
        let preview = self.preview_rows(rows, vec![]).await?;
        let agencies = self.agency_map().await?;
        let by_name: BTreeMap<String, AgencyId> =
            agencies.iter().map(|(id, n)| (fold(n), *id)).collect();
        // Every row checked and sealed first: the transaction then only writes.
        enum Who {
            Known(String),
            New(Box<TraineeRow>, Vec<String>),
        }
        let mut people = Vec::new();
        for p in preview.rows.iter().filter(|p| p.errors.is_empty()) {
            people.push(match &p.existing {
                Some(id) => Who::Known(id.clone()),
                None => {
                    let r = &p.row;
                    let input = ParticipantInput {
                        first_name: r.first_name.clone(),
                        family_name: r.family_name.clone(),
                        sex: r.sex.clone(),
                        agency_id: by_name
                            .get(&fold(&r.organisation))
                            .map(|a| a.to_string())
                            .unwrap_or_default(),
                        organisation: r.organisation.clone(),
                        position: r.position.clone(),
                        region: r.region.clone(),
                        contact: [r.phone.as_str(), r.email.as_str()]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · "),
                        username: String::new(),
                    };
                    let (row, digests) = self.participant_row(None, &input).await?;
                    Who::New(Box::new(row), digests)
                }
            });
        }
        let mut tx = self.db.begin().await?;
        if store::get_workshop(&mut tx, workshop).await?.is_none() {
            return Err(CoreError::NotFound);
        }
        let (mut created, mut known) = (0, 0);
        for who in people {
            let id = match who {
                Who::Known(id) => {
                    known += 1;
                    id
                }
                Who::New(row, digests) => {
                    store::insert_trainee(&mut tx, &row, &digests).await?;
                    created += 1;
                    row.id
                }
            };
            store::enrol(&mut tx, workshop, &id, self.now()).await?;
        }
        let ev = Event::new(Action::TrainingImported)
            .target("workshop", workshop)
            .details(serde_json::json!({"new": created, "known": known, "skipped": preview.rows.len() - created - known}));
        self.commit_audited(tx, &self.training_actor(&cap, origin), ev, self.now())
            .await?;
        Ok((created, known))
    }

    /// Gives every participant who completed the workshop a certificate code (once). Returns how
    /// many were issued now.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn issue_certificates(
        &self,
        cap: TrainingManage<'_>,
        workshop: &str,
        origin: &Origin,
    ) -> Result<usize> {
        let mut tx = self.db.begin().await?;
        let w = store::get_workshop(&mut tx, workshop)
            .await?
            .ok_or(CoreError::NotFound)?;
        let view = workshop_view(&w)?;
        let mut issued = 0;
        for e in store::enrolments(&mut tx, workshop).await? {
            if e.certificate_code.is_some() {
                continue;
            }
            if !completion(&view, &e).2 {
                continue;
            }
            let code = haven_training::certificate_code(rand::random());
            if store::set_certificate(&mut tx, workshop, &e.trainee.id, &code, self.now()).await? {
                issued += 1;
            }
        }
        let ev = Event::new(Action::TrainingCertificatesIssued)
            .target("workshop", workshop)
            .details(serde_json::json!({"issued": issued}));
        self.commit_audited(tx, &self.training_actor(&cap, origin), ev, self.now())
            .await?;
        Ok(issued)
    }

    async fn certificate_data(&self, workshop: &str, participant: &str) -> Result<CertificateData> {
        let mut conn = self.db.pool().acquire().await?;
        let w = store::get_workshop(&mut conn, workshop)
            .await?
            .ok_or(CoreError::NotFound)?;
        let e = store::enrolments(&mut conn, workshop)
            .await?
            .into_iter()
            .find(|e| e.trainee.id == participant)
            .ok_or(CoreError::NotFound)?;
        let code = e.certificate_code.clone().ok_or(CoreError::NotFound)?;
        let p = self.participant_view(&e.trainee, &BTreeMap::new())?;
        let v = workshop_view(&w)?;
        Ok(CertificateData {
            name: p.name(),
            workshop: v.title,
            topics: v.topics,
            first_day: v.first_day,
            last_day: v.last_day,
            place: v.place,
            organiser: v.organiser,
            code,
        })
    }

    /// A participant's certificate (for the PDF). Audited.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn certificate(
        &self,
        cap: TrainingManage<'_>,
        workshop: &str,
        participant: &str,
        origin: &Origin,
    ) -> Result<CertificateData> {
        let data = self.certificate_data(workshop, participant).await?;
        self.record_read(
            &self.training_actor(&cap, origin),
            Event::new(Action::TrainingCertificateDownloaded)
                .target("trainee", participant)
                .details(serde_json::json!({"workshop_id": workshop})),
        )
        .await?;
        Ok(data)
    }

    /// The public verification of a certificate code: name, course and date only. Audited
    /// without an actor (the visitor is anonymous).
    #[tracing::instrument(skip_all)]
    pub async fn verify_certificate(&self, code: &str) -> Result<Option<Verified>> {
        let code = haven_training::normalise_code(code);
        if code.len() != 14 {
            return Ok(None);
        }
        let found = {
            let mut conn = self.db.pool().acquire().await?;
            store::by_certificate(&mut conn, &code).await?
        };
        let Some((workshop, participant)) = found else {
            return Ok(None);
        };
        let d = self.certificate_data(&workshop, &participant).await?;
        self.record_read(
            &Actor::default(),
            Event::new(Action::TrainingCertificateVerified).target("trainee", &participant),
        )
        .await?;
        Ok(Some(Verified {
            name: d.name,
            workshop: d.workshop,
            last_day: d.last_day,
        }))
    }

    /// The training report over workshops starting within the period, with outcome figures.
    /// For trainers, the coordinator and analysts; counts only. Audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn training_report(
        &self,
        p: &Principal,
        from: &str,
        to: &str,
        origin: &Origin,
    ) -> Result<ReportView> {
        if !p.training_reports() {
            return Err(CoreError::Forbidden);
        }
        let mut e = Vec::new();
        let mut date = |field: &'static str, v: &str| match v.trim() {
            "" => None,
            t => {
                let d = parse_date(t);
                if d.is_none() {
                    e.push((field, "error-date"));
                }
                d
            }
        };
        let from = date("from", from);
        let to = date("to", to);
        done(e)?;
        let mut tx = self.db.begin_snapshot().await?;
        let facts = store::facts(&mut tx).await?;
        let mut enrolments = Vec::with_capacity(facts.len());
        // The first day each linked account finished a workshop (attended), for the outcomes.
        let mut trained_since: BTreeMap<UserId, String> = BTreeMap::new();
        for f in &facts {
            let first_day = day(&f.first_day)?;
            let last_day = day(&f.last_day)?;
            let days = haven_training::days(first_day, last_day)
                .map(|d| d.len())
                .unwrap_or(0);
            let rule = CompletionRule {
                min_attendance_pct: f.min_attendance.clamp(0, 100) as u32,
                pass_mark: f.pass_mark.clamp(0, 100) as u32,
            };
            let post = f.post_score.map(|s| s.clamp(0, 100) as u32);
            let attended = f.attended.max(0) as usize;
            let in_period =
                from.is_none_or(|d| first_day >= d) && to.is_none_or(|d| first_day <= d);
            if let (Some(u), true, true) = (f.user_id, attended > 0, in_period) {
                let e = trained_since.entry(u).or_insert_with(|| f.last_day.clone());
                if f.last_day < *e {
                    *e = f.last_day.clone();
                }
            }
            enrolments.push(haven_training::report::Enrolment {
                workshop_id: f.workshop_id.clone(),
                workshop: f.title.clone(),
                first_day,
                participant_id: f.trainee_id.clone(),
                sex: f.sex.clone(),
                organisation: f
                    .agency_name
                    .clone()
                    .or_else(|| f.organisation.clone())
                    .unwrap_or_default(),
                sector: f.agency_type.clone().unwrap_or_default(),
                region: f.region.clone(),
                attended,
                days,
                pre: f.pre_score.map(|s| s.clamp(0, 100) as u32),
                post,
                completed: rule.completed(days, attended, post),
            });
        }
        let mut outcomes = Outcomes {
            linked_accounts: trained_since.len(),
            ..Default::default()
        };
        for (user, since) in &trained_since {
            // Counted from the day after the workshop ended.
            let after = parse_date(since)
                .and_then(|d| d.next_day())
                .map(|d| d.to_string())
                .unwrap_or_else(|| since.clone());
            let (b, a) = store::screenings_around(&mut tx, *user, &after).await?;
            outcomes.screenings_before += b;
            outcomes.screenings_after += a;
            let from = parse_date(&after)
                .map(|d| d.midnight().assume_utc().unix_timestamp())
                .unwrap_or(0);
            let (b, a) = store::referrals_around(&mut tx, *user, from).await?;
            outcomes.referrals_before += b;
            outcomes.referrals_after += a;
        }
        tx.commit().await?;
        let report = haven_training::report::build(&enrolments, from, to);
        self.record_read(
            &actor(p, origin),
            Event::new(Action::TrainingReportViewed).details(serde_json::json!({
                "from": from.map(|d| d.to_string()),
                "to": to.map(|d| d.to_string()),
            })),
        )
        .await?;
        Ok(ReportView {
            report,
            outcomes,
            from,
            to,
        })
    }

    /// Adds a material (slides, handout) to a workshop. Not personal data: stored as is.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn add_material(
        &self,
        cap: TrainingManage<'_>,
        workshop: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
        origin: &Origin,
    ) -> Result<String> {
        let name: String = file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
            .take(120)
            .collect();
        if name.trim().is_empty() || bytes.is_empty() {
            return Err(CoreError::invalid("file", "error-file-empty"));
        }
        if bytes.len() > self.policy.attachment_max_bytes {
            return Err(CoreError::invalid("file", "error-file-too-large"));
        }
        let mut tx = self.db.begin().await?;
        if store::get_workshop(&mut tx, workshop).await?.is_none() {
            return Err(CoreError::NotFound);
        }
        let m = MaterialRow {
            id: uuid::Uuid::now_v7().to_string(),
            workshop_id: workshop.to_string(),
            file_name: name.trim().to_string(),
            content_type: if content_type.is_empty() {
                "application/octet-stream".into()
            } else {
                content_type.chars().take(100).collect()
            },
            size: bytes.len() as i64,
            created_at: self.now(),
        };
        store::add_material(&mut tx, &m, bytes).await?;
        let ev = Event::new(Action::TrainingMaterialAdded)
            .target("workshop", workshop)
            .details(serde_json::json!({"material_id": m.id, "size": m.size}));
        self.commit_audited(tx, &self.training_actor(&cap, origin), ev, self.now())
            .await?;
        Ok(m.id)
    }

    /// A material's name, type and bytes.
    #[tracing::instrument(skip_all)]
    pub async fn material(
        &self,
        _cap: TrainingManage<'_>,
        id: &str,
    ) -> Result<(String, String, Vec<u8>)> {
        let mut conn = self.db.pool().acquire().await?;
        let (m, data) = store::material(&mut conn, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        Ok((m.file_name, m.content_type, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workshop_form_is_checked_as_a_whole() {
        let ok = WorkshopInput {
            title: "Identification and referral".into(),
            topics: vec!["identification".into(), "referral".into()],
            first_day: "2026-02-23".into(),
            last_day: "2026-02-25".into(),
            region: "GY-DE".into(),
            pass_mark: "70".into(),
            ..Default::default()
        };
        let row = check_workshop(&ok, CompletionRule::default()).unwrap();
        assert_eq!((row.pass_mark, row.min_attendance), (70, 80));
        assert_eq!(row.format, "in_person");
        let fields = |i: WorkshopInput| match check_workshop(&i, CompletionRule::default()) {
            Err(CoreError::Invalid(v)) => v.iter().map(|f| f.field).collect::<Vec<_>>(),
            _ => vec![],
        };
        assert_eq!(
            fields(WorkshopInput {
                title: String::new(),
                topics: vec!["astrology".into()],
                last_day: "2026-02-01".into(),
                capacity: "lots".into(),
                pass_mark: "120".into(),
                ..ok.clone()
            }),
            vec!["title", "topics", "last_day", "capacity", "pass_mark"]
        );
        assert_eq!(
            fields(WorkshopInput {
                first_day: "23/02/2026".into(),
                ..ok
            }),
            vec!["first_day"]
        );
    }
}
