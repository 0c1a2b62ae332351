//! The same person registered twice. Two uses of the matching engine (`haven-matching`):
//!
//! - **Possible matches before saving** a registration: the persons sharing a name sound with
//!   the typed one (found by the blind index, so no name is searched in clear) are scored; those
//!   the user may see are shown with the reasons, the others only as "a possible existing
//!   record in agency X — ask the coordinator".
//! - **The coordinator's review queue**: a scan proposes pairs of persons across all agencies
//!   (candidates by shared name digests, each pair scored with its explanation); the
//!   coordinator merges them (one person, both histories; reversible) or marks them different
//!   (remembered: never proposed again).
//!
//! The engine sees only the few persons it scores at a time: never the whole register
//! decrypted at once. Scoring uses the model's default parameters (typical registers), as EM
//! would need every record in clear.

pub mod reindex;
use crate::sealed::{self, Column};
use crate::support::cursor::PageRequest;
use haven_audit::{Action, Actor, Event};
use haven_authz::{DuplicateReview, Principal};
use haven_domain::{AgencyId, CaseId, PersonId};
use haven_matching::{Contribution, Model, Person};
use haven_store::matching::{self as store, PairRow};
use haven_store::{Conn, agencies, cases};

use crate::{CoreError, Haven, Origin, Result, actor};

/// From this probability a registration is warned of a possible match.
pub const WARN_FROM: f64 = 0.3;
/// From this probability the scan proposes a pair to the coordinator.
pub const PROPOSE_FROM: f64 = 0.5;
/// At most this many persons are scored for one registration.
const CANDIDATES: i64 = 200;
/// Pairs examined per scan step (each step decrypts only its own persons).
const SCAN_BATCH: i64 = 500;

/// A person as typed in a registration form.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct TypedPerson {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub family_name: String,
    /// `YYYY-MM-DD`, or a year.
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub sex: String,
}

/// One field's part of a match: the field, how well it agrees (0 best; `None` missing on a
/// side) and its weight (log2 of the likelihood ratio).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Reason {
    pub field: String,
    pub level: Option<u8>,
    pub weight: f64,
}

fn reasons(c: &[Contribution]) -> Vec<Reason> {
    c.iter()
        .filter(|c| c.level.is_some())
        .map(|c| Reason {
            field: c.field.to_string(),
            level: c.level,
            weight: (c.weight * 10.0).round() / 10.0,
        })
        .collect()
}

/// A possible match the user may see.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct VisibleMatch {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub person_id: PersonId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub case_number: String,
    pub person_name: String,
    pub birth_date: String,
    pub probability: f64,
    pub reasons: Vec<Reason>,
}

/// What a registration should know before saving.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct MatchReport {
    pub visible: Vec<VisibleMatch>,
    /// Agencies holding a possible existing record this user may not see: ask the coordinator.
    pub elsewhere: Vec<String>,
}

impl MatchReport {
    pub fn is_empty(&self) -> bool {
        self.visible.is_empty() && self.elsewhere.is_empty()
    }
}

/// The model for one-at-a-time checks: default `m` and `u`, and a prior of one in ten thousand
/// (names alike and the same birth date are needed for a high probability).
fn model() -> Model {
    let mut m = Model::initial();
    m.prior = 1e-4;
    m
}

fn typed_person(t: &TypedPerson) -> Person {
    Person::new("typed", &t.first_name, &t.family_name)
        .birth(&t.birth_date)
        .sex(&t.sex)
}

/// A side of a proposed pair, as the coordinator sees it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct PairSide {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub person_id: PersonId,
    /// Only when the coordinator may read one of the person's cases.
    pub name: Option<String>,
    pub birth_date: Option<String>,
    /// False when the coordinator may read none of the person's cases: then only the agencies
    /// holding them are shown ("a possible record in agency X").
    pub visible: bool,
    pub cases: Vec<PairCase>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct PairCase {
    /// The case number and id, when the coordinator may open the case.
    pub case_number: Option<String>,
    pub agency: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub case_id: Option<CaseId>,
}

/// A proposed pair with its explanation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct PairView {
    pub id: String,
    pub probability: f64,
    /// Per-field agreement; empty when a side is hidden (the levels would confirm what the
    /// hidden record holds, e.g. "first name: exact").
    pub reasons: Vec<Reason>,
    /// The coordinator may merge only persons whose every case they may read: a merge must
    /// never widen who sees a person. Otherwise the agencies to ask are in `ask_agencies`.
    pub mergeable: bool,
    pub ask_agencies: Vec<String>,
    pub status: String,
    pub found_at: i64,
    pub decided_at: Option<i64>,
    pub sides: Vec<PairSide>,
    /// For a merge: the person kept.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub survivor: Option<PersonId>,
}

/// A stored person as the engine sees it, and as written.
struct Stored {
    person: Person,
    name: String,
    birth: String,
}

/// What a scan did.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ScanOutcome {
    pub examined: usize,
    pub proposed: usize,
}

impl Haven {
    /// The engine's view of a stored person (names and birth date decrypted, nothing else),
    /// with the name and birth date as written, for display where the user may see them.
    async fn match_person(&self, conn: &mut Conn, id: PersonId) -> Result<Option<Stored>> {
        let Some(r) = cases::get_person(conn, id).await? else {
            return Ok(None);
        };
        let c = self.cipher();
        let f = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
            Ok(c.decrypt_opt(v.as_deref(), &col.of(r.id))?
                .unwrap_or_default())
        };
        let first = format!(
            "{} {}",
            f(sealed::PERSONS_FIRST_NAME, &r.first_name)?,
            f(sealed::PERSONS_MIDDLE_NAME, &r.middle_name)?
        );
        let last = f(sealed::PERSONS_LAST_NAME, &r.last_name)?;
        let birth = match f(sealed::PERSONS_BIRTH_DATE, &r.birth_date)? {
            b if !b.is_empty() => b,
            _ => r.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        };
        let person = Person::new(&id.to_string(), first.trim(), &last)
            .birth(&birth)
            .sex(r.gender.as_deref().unwrap_or(""))
            .citizenship(
                r.citizenship
                    .as_deref()
                    .and_then(|c| c.split(',').next())
                    .unwrap_or(""),
            );
        Ok(Some(Stored {
            person,
            name: format!("{} {last}", first.trim()).trim().to_string(),
            birth,
        }))
    }

    async fn agency_name(&self, conn: &mut Conn, id: AgencyId) -> Result<String> {
        Ok(agencies::get(conn, id)
            .await?
            .map(|a| a.name)
            .unwrap_or_default())
    }

    /// Possible existing records of a person about to be registered (a case, a screening, a
    /// tip): scored by the matching engine among the persons sharing a name sound, shown in full
    /// only where the user may read a case of theirs. Audited with the number found (the typed
    /// names are not stored).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn possible_matches(
        &self,
        p: &Principal,
        who: &TypedPerson,
        purpose: &'static str,
        origin: &Origin,
    ) -> Result<MatchReport> {
        if p.case_create().is_none() && !p.tip_work() {
            return Err(CoreError::Forbidden);
        }
        self.count_match_check(p, purpose, origin).await?;
        let mut conn = self.db.pool().acquire().await?;
        let (report, examined) = self.find_matches(&mut conn, p, who, true).await?;
        drop(conn);
        let ev = Event::new(Action::MatchChecked).details(serde_json::json!({
            "purpose": purpose,
            "examined": examined,
            "found": report.visible.len() + report.elsewhere.len(),
            "case_ids": report.visible.iter().map(|m| m.case_id.to_string()).collect::<Vec<_>>(),
            "elsewhere": report.elsewhere.len(),
        }));
        self.record_read(&actor(p, origin), ev).await?;
        Ok(report)
    }

    /// The possible existing records of a typed person, as [`Haven::possible_matches`] shows
    /// them, with the number of persons examined; neither counted nor audited here (the caller
    /// does both). Without `name_elsewhere`, agencies holding a record the user may not see
    /// are counted but not named (`"?"`).
    pub(crate) async fn find_matches(
        &self,
        conn: &mut haven_store::Conn,
        p: &Principal,
        who: &TypedPerson,
        name_elsewhere: bool,
    ) -> Result<(MatchReport, usize)> {
        let name = format!("{} {}", who.first_name.trim(), who.family_name.trim());
        let digests = self.blind.query(&name);
        if digests.is_empty() {
            return Ok((MatchReport::default(), 0));
        }
        let typed = typed_person(who);
        let model = model();
        let candidates = store::persons_sharing_digests(conn, &digests, CANDIDATES).await?;
        let mut report = MatchReport::default();
        let mut examined = 0;
        for id in candidates {
            let Some(stored) = self.match_person(conn, id).await? else {
                continue;
            };
            examined += 1;
            let (probability, why) = haven_matching::score_pair(&model, &typed, &stored.person);
            if probability < WARN_FROM {
                continue;
            }
            let mut shown = false;
            let mut elsewhere = Vec::new();
            for case in cases::cases_of_person(conn, id).await? {
                let Some(facts) = cases::access_facts(conn, case).await? else {
                    continue;
                };
                if p.read_case(case, &facts).is_some() {
                    if !shown && let Some(row) = cases::get_case(conn, case).await? {
                        shown = true;
                        report.visible.push(VisibleMatch {
                            person_id: id,
                            case_id: case,
                            case_number: row.case_number,
                            person_name: stored.name.clone(),
                            birth_date: stored.birth.clone(),
                            probability,
                            reasons: reasons(&why),
                        });
                    }
                } else {
                    elsewhere.push(facts.owner_agency);
                }
            }
            if !shown {
                for a in elsewhere {
                    let n = if name_elsewhere {
                        self.agency_name(conn, a).await?
                    } else {
                        "?".to_string()
                    };
                    if !report.elsewhere.contains(&n) {
                        report.elsewhere.push(n);
                    }
                }
            }
        }
        report
            .visible
            .sort_by(|a, b| b.probability.total_cmp(&a.probability));
        report.elsewhere.sort();
        Ok((report, examined))
    }

    /// Counts one possible-match check of `p` in the last hour. Past the deployment's limit the
    /// check is refused (audited as `rate_limited`); the first refusal in a window alerts the
    /// coordinators, naming the user (in the notification, not in any e-mail).
    async fn count_match_check(
        &self,
        p: &Principal,
        purpose: &'static str,
        origin: &Origin,
    ) -> Result<()> {
        let t = self.now();
        let limit = self.policy.match_checks_per_hour;
        let mut tx = self.db.begin().await?;
        let key = format!("match-check:{}", p.user_id);
        let n = haven_store::tips::rate_hit(
            &mut tx,
            "match_check",
            &key,
            t,
            t - crate::support::RATE_WINDOW_SECS,
        )
        .await?;
        if n <= limit {
            tx.commit().await?;
            return Ok(());
        }
        if n == limit + 1 {
            let to = self.coordinators(&mut tx).await?;
            self.notify(
                &mut tx,
                &to,
                "match_checks_exceeded",
                &p.user_id.to_string(),
                t,
            )
            .await?;
        }
        let ev = Event::new(Action::MatchChecked)
            .outcome("rate_limited")
            .details(serde_json::json!({"purpose": purpose, "in_last_hour": n, "limit": limit}));
        self.commit_audited(tx, &actor(p, origin), ev, t).await?;
        Err(CoreError::MatchChecksLimited)
    }

    /// Looks for duplicate persons across all agencies and proposes the likely pairs to the
    /// coordinator. Pairs examined once are remembered (proposed, or `unlikely`), so a scan
    /// costs only what changed. Run from the review page, `haven duplicates scan`, or the
    /// background job.
    #[tracing::instrument(skip_all)]
    pub async fn scan_duplicates(
        &self,
        by: Option<&Principal>,
        origin: &Origin,
    ) -> Result<ScanOutcome> {
        let model = model();
        let mut out = ScanOutcome::default();
        loop {
            let mut tx = self.db.begin().await?;
            let pairs = store::unproposed_pairs(&mut tx, 2, SCAN_BATCH).await?;
            if pairs.is_empty() {
                tx.commit().await?;
                break;
            }
            let mut cache: std::collections::HashMap<PersonId, Option<Stored>> =
                std::collections::HashMap::new();
            for (a, b) in &pairs {
                for id in [a, b] {
                    if !cache.contains_key(id) {
                        let person = self.match_person(&mut tx, *id).await?;
                        cache.insert(*id, person);
                    }
                }
                let (Some(Some(pa)), Some(Some(pb))) = (cache.get(a), cache.get(b)) else {
                    continue;
                };
                let (probability, why) = haven_matching::score_pair(&model, &pa.person, &pb.person);
                let row = PairRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    person_a: *a,
                    person_b: *b,
                    probability_ppm: (probability * 1e6).round() as i64,
                    explanation: serde_json::to_string(&reasons(&why))
                        .map_err(CoreError::internal)?,
                    status: "open".into(),
                    found_at: self.now(),
                    decided_by: None,
                    decided_at: None,
                    survivor: None,
                    moved_cases: None,
                };
                store::insert_pair(&mut tx, &row).await?;
                out.examined += 1;
                if probability >= PROPOSE_FROM {
                    out.proposed += 1;
                } else {
                    store::set_unlikely(&mut tx, &row.id).await?;
                }
            }
            tx.commit().await?;
            if (pairs.len() as i64) < SCAN_BATCH {
                break;
            }
        }
        let who = by.map_or_else(Actor::system, |p| actor(p, origin));
        let ev = Event::new(Action::DuplicatesScanned).details(serde_json::json!({
            "examined": out.examined,
            "proposed": out.proposed,
        }));
        self.record_read(&who, ev).await?;
        Ok(out)
    }

    async fn pair_side(&self, conn: &mut Conn, p: &Principal, id: PersonId) -> Result<PairSide> {
        let mut side = PairSide {
            person_id: id,
            name: None,
            birth_date: None,
            visible: false,
            cases: Vec::new(),
        };
        for case in cases::cases_of_person(conn, id).await? {
            let (Some(facts), Some(row)) = (
                cases::access_facts(conn, case).await?,
                cases::get_case(conn, case).await?,
            ) else {
                continue;
            };
            let may = p.read_case(case, &facts).is_some();
            side.visible |= may;
            side.cases.push(PairCase {
                case_number: may.then_some(row.case_number),
                agency: self.agency_name(conn, facts.owner_agency).await?,
                case_id: may.then_some(case),
            });
        }
        if side.visible
            && let Some(stored) = self.match_person(conn, id).await?
        {
            side.name = Some(stored.name);
            side.birth_date = Some(stored.birth).filter(|b| !b.is_empty());
        }
        Ok(side)
    }

    async fn pair_view(&self, conn: &mut Conn, p: &Principal, r: PairRow) -> Result<PairView> {
        let mut sides = Vec::with_capacity(2);
        for id in [r.person_a, r.person_b] {
            sides.push(self.pair_side(conn, p, id).await?);
        }
        let hidden = sides.iter().any(|s| !s.visible);
        let mut ask_agencies: Vec<String> = sides
            .iter()
            .flat_map(|s| s.cases.iter())
            .filter(|c| c.case_id.is_none())
            .map(|c| c.agency.clone())
            .collect();
        ask_agencies.sort();
        ask_agencies.dedup();
        Ok(PairView {
            probability: r.probability_ppm as f64 / 1e6,
            reasons: if hidden {
                Vec::new()
            } else {
                serde_json::from_str(&r.explanation).unwrap_or_default()
            },
            mergeable: ask_agencies.is_empty(),
            ask_agencies,
            id: r.id,
            status: r.status,
            found_at: r.found_at,
            decided_at: r.decided_at,
            sides,
            survivor: r.survivor,
        })
    }

    /// The review queue: pairs in one status (`open`, `merged` or `different`). Open pairs one
    /// of whose persons has since been merged away are left out. Audited (which pairs were
    /// shown; no names).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn duplicate_queue(
        &self,
        cap: DuplicateReview<'_>,
        status: &str,
        page: &PageRequest,
        origin: &Origin,
    ) -> Result<(Vec<PairView>, Option<String>)> {
        if !["open", "merged", "different"].contains(&status) {
            return Err(CoreError::invalid("status", "error-unknown-code"));
        }
        let p = cap.principal();
        let mut tx = self.db.begin_snapshot().await?;
        let (after, fetch) = page.keyset();
        let rows = store::pairs(&mut tx, status, after, fetch).await?;
        // The place in the queue's order: the probability of an open pair, the decision's
        // time of a decided one.
        let (rows, next) = page.rest(rows, |r| {
            let key = if status == "open" {
                r.probability_ppm
            } else {
                r.decided_at.unwrap_or(0)
            };
            (key, r.id.clone())
        });
        let mut out = Vec::new();
        for r in rows {
            out.push(self.pair_view(&mut tx, p, r).await?);
        }
        tx.commit().await?;
        let ev = Event::new(Action::DuplicatesViewed).details(serde_json::json!({
            "status": status,
            "pairs": out.iter().map(|v| v.id.clone()).collect::<Vec<_>>(),
        }));
        self.record_read(&actor(p, origin), ev).await?;
        Ok((out, next))
    }

    /// The number of open pairs (for the dashboard).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn open_duplicates(&self, cap: DuplicateReview<'_>) -> Result<i64> {
        let _ = cap;
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::count_open(&mut conn).await?)
    }

    /// Whether `p` may read every case of `person` (and the person has at least one).
    async fn reads_every_case(
        &self,
        conn: &mut Conn,
        p: &Principal,
        person: PersonId,
    ) -> Result<bool> {
        let list = cases::cases_of_person(conn, person).await?;
        for case in &list {
            match cases::access_facts(conn, *case).await? {
                Some(f) if p.read_case(*case, &f).is_some() => {}
                _ => return Ok(false),
            }
        }
        Ok(!list.is_empty())
    }

    async fn open_pair(&self, conn: &mut Conn, id: &str, status: &str) -> Result<PairRow> {
        match store::get_pair(conn, id).await? {
            Some(r) if r.status == status => Ok(r),
            Some(_) => Err(CoreError::invalid("pair", "error-duplicate-decided")),
            None => Err(CoreError::NotFound),
        }
    }

    /// Merges an open pair: every case of the other person moves to `keep`, which becomes the
    /// one person with both histories; the other is kept aside (merged) so that the merge can
    /// be undone. Audited on the person and on each moved case, in the same transaction.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn merge_pair(
        &self,
        cap: DuplicateReview<'_>,
        id: &str,
        keep: PersonId,
        origin: &Origin,
    ) -> Result<()> {
        let p = cap.principal();
        let mut tx = self.db.begin().await?;
        let pair = self.open_pair(&mut tx, id, "open").await?;
        let gone = if keep == pair.person_a {
            pair.person_b
        } else if keep == pair.person_b {
            pair.person_a
        } else {
            return Err(CoreError::invalid("keep", "error-unknown-code"));
        };
        if store::merged_into(&mut tx, keep).await?.is_some()
            || store::merged_into(&mut tx, gone).await?.is_some()
        {
            return Err(CoreError::invalid("pair", "error-duplicate-decided"));
        }
        // A merge makes the kept person readable through every moved case: allowed only when
        // the coordinator already reads every case of both, so that nobody's view widens
        // beyond what the coordinator could already see and decide on.
        if !self.reads_every_case(&mut tx, p, keep).await?
            || !self.reads_every_case(&mut tx, p, gone).await?
        {
            tx.rollback().await?;
            let ev = Event::new(Action::CaseAccessDenied)
                .outcome("merge_across_boundary")
                .target("person", keep)
                .details(serde_json::json!({"pair": id}));
            self.record_read(&actor(p, origin), ev).await?;
            return Err(CoreError::invalid("pair", "error-duplicate-hidden-side"));
        }
        let moved = store::merge_persons(&mut tx, gone, keep, self.now()).await?;
        let moved_json =
            serde_json::to_string(&moved.iter().map(|c| c.to_string()).collect::<Vec<_>>())
                .map_err(CoreError::internal)?;
        let d = store::Decision {
            from: "open",
            to: "merged",
            by: p.user_id,
            at: self.now(),
            survivor: Some(keep),
            moved: Some(moved_json.as_str()),
        };
        if !store::decide(&mut tx, id, &d).await? {
            return Err(CoreError::invalid("pair", "error-duplicate-decided"));
        }
        let details = serde_json::json!({
            "pair": id, "kept": keep.to_string(), "merged": gone.to_string(),
            "cases": moved.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        });
        let who = actor(p, origin);
        self.commit_person_and_cases(tx, &who, Action::PersonMerged, keep, &moved, details)
            .await
    }

    /// Undoes a merge: the moved cases go back to the person they came from, which is a person
    /// of its own again; the pair is open again. Audited like the merge.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn unmerge_pair(
        &self,
        cap: DuplicateReview<'_>,
        id: &str,
        origin: &Origin,
    ) -> Result<()> {
        let p = cap.principal();
        let mut tx = self.db.begin().await?;
        let pair = self.open_pair(&mut tx, id, "merged").await?;
        let keep = pair.survivor.ok_or(CoreError::NotFound)?;
        let gone = if keep == pair.person_a {
            pair.person_b
        } else {
            pair.person_a
        };
        let moved: Vec<CaseId> = pair
            .moved_cases
            .as_deref()
            .map(serde_json::from_str::<Vec<String>>)
            .transpose()
            .map_err(CoreError::internal)?
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect();
        store::unmerge_persons(&mut tx, gone, &moved, self.now()).await?;
        if !store::reopen(&mut tx, id, "merged").await? {
            return Err(CoreError::invalid("pair", "error-duplicate-decided"));
        }
        let details = serde_json::json!({
            "pair": id, "kept": keep.to_string(), "restored": gone.to_string(),
            "cases": moved.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        });
        let who = actor(p, origin);
        self.commit_person_and_cases(tx, &who, Action::PersonUnmerged, gone, &moved, details)
            .await
    }

    /// Audits a merge or unmerge on the person and on each moved case (one event each, the same
    /// details), then commits.
    async fn commit_person_and_cases(
        &self,
        mut tx: haven_store::Tx,
        who: &Actor,
        action: Action,
        person: PersonId,
        cases: &[CaseId],
        details: serde_json::Value,
    ) -> Result<()> {
        let ev = Event::new(action)
            .target("person", person)
            .details(details.clone());
        self.audit(&mut tx, who, ev).await?;
        for c in cases {
            let ev = Event::new(action)
                .target("case", c)
                .details(details.clone());
            self.audit(&mut tx, who, ev).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Marks an open pair as two different people: remembered, never proposed again (until
    /// reopened from the "different" list).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn dismiss_pair(
        &self,
        cap: DuplicateReview<'_>,
        id: &str,
        origin: &Origin,
    ) -> Result<()> {
        let p = cap.principal();
        let mut tx = self.db.begin().await?;
        self.open_pair(&mut tx, id, "open").await?;
        let d = store::Decision {
            from: "open",
            to: "different",
            by: p.user_id,
            at: self.now(),
            survivor: None,
            moved: None,
        };
        if !store::decide(&mut tx, id, &d).await? {
            return Err(CoreError::invalid("pair", "error-duplicate-decided"));
        }
        let ev = Event::new(Action::DuplicateDismissed).details(serde_json::json!({"pair": id}));
        self.commit_audited(tx, &actor(p, origin), ev, self.now())
            .await?;
        Ok(())
    }

    /// Puts a pair marked different back in the queue.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn reopen_pair(
        &self,
        cap: DuplicateReview<'_>,
        id: &str,
        origin: &Origin,
    ) -> Result<()> {
        let p = cap.principal();
        let mut tx = self.db.begin().await?;
        self.open_pair(&mut tx, id, "different").await?;
        store::reopen(&mut tx, id, "different").await?;
        let ev = Event::new(Action::DuplicateDismissed)
            .outcome("reopened")
            .details(serde_json::json!({"pair": id}));
        self.commit_audited(tx, &actor(p, origin), ev, self.now())
            .await?;
        Ok(())
    }
}
