//! Writing records that happened in the past, at their own times, in one transaction: the
//! demo's story (crate `haven-demo`) today. Fields are sealed and names indexed exactly as the
//! use-cases do; no user's rights are checked, so only the operator's own tools call this (the
//! `haven demo` command, the test harness), never a request.
use std::collections::BTreeMap;

use haven_audit::{Action, Actor, Event};
use haven_authz::Principal;
use haven_domain::record::{CaseRecord, EventData, PerpetratorData};
use haven_domain::screening::{Answer, profiles_for};
use haven_domain::{AgencyId, CaseId, CaseStatus, Role, UserId};
use haven_store::Tx;
use haven_store::agencies::{self, AgencyRow};
use haven_store::case_parts::{self, EventRow, PerpetratorRow};
use haven_store::cases;
use haven_store::users::{self, UserRow};

use crate::screening::{IndicatorAnswer, ScreeningFacts, Sealed};
use crate::support::opt;
use crate::{CoreError, Haven, Result, sealed};

/// A user account as the operator sets it up (no enrolment, no password change due).
pub struct SeedUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub agency: AgencyId,
    pub role: Role,
    /// An argon2 PHC string (hash once, reuse for many users).
    pub password_hash: &'a str,
    /// A base32 TOTP secret for roles with a second factor.
    pub totp_secret: Option<&'a str>,
    pub email: Option<String>,
    pub at: i64,
}

/// A case as it stands after its past: opened by `opener` at `opened_at`, with the route,
/// perpetrators and notes written then, and its status now.
pub struct SeedCase {
    pub opener: Principal,
    pub record: CaseRecord,
    pub opened_at: i64,
    /// Other agencies involved (besides the owner, the opener's agency).
    pub involved: Vec<AgencyId>,
    pub events: Vec<EventData>,
    pub perpetrators: Vec<PerpetratorData>,
    /// (written at, text)
    pub notes: Vec<(i64, String)>,
    /// A status other than active, and when it was set.
    pub status: Option<SeedStatus>,
}

/// A case's status after its opening: set at `at`, with a closure (reason code, note) if closed.
pub struct SeedStatus {
    pub status: CaseStatus,
    pub at: i64,
    pub closure: Option<(String, String)>,
}

/// A screening as a screener recorded it; the engine evaluates it here.
pub struct SeedScreening {
    pub case_id: Option<CaseId>,
    pub agency: AgencyId,
    pub user: UserId,
    pub at: i64,
    pub region: Option<String>,
    pub interpreter: bool,
    pub child: bool,
    pub labour: bool,
    pub sexual: bool,
    /// The person agreed to the act element.
    pub act: bool,
    pub answers: BTreeMap<String, Answer>,
}

/// One transaction of past records; nothing is kept unless `finish` is called.
pub struct Seeder<'h> {
    h: &'h Haven,
    tx: Tx,
}

impl Haven {
    /// Starts writing past records (see the module's note on who may call this).
    pub async fn seeder(&self) -> Result<Seeder<'_>> {
        Ok(Seeder {
            h: self,
            tx: self.db.begin().await?,
        })
    }
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Seeder<'_> {
    pub async fn agency(&mut self, row: AgencyRow) -> Result<AgencyId> {
        agencies::insert(&mut self.tx, &row).await?;
        Ok(row.id)
    }

    pub async fn user(&mut self, u: SeedUser<'_>) -> Result<UserId> {
        let id = UserId::new();
        let row = UserRow {
            id,
            username: u.username.to_string(),
            display_name: u.display_name.to_string(),
            agency_id: u.agency,
            role: u.role,
            password_hash: u.password_hash.to_string(),
            disabled: false,
            must_change_password: false,
            totp_secret: u.totp_secret.map(|s| {
                self.h
                    .cipher()
                    .encrypt(s, &sealed::USERS_TOTP_SECRET.of(id))
            }),
            totp_last_step: None,
            language: None,
            created_at: u.at,
            last_login_at: None,
            email: u.email,
        };
        users::insert(&mut self.tx, &row).await?;
        Ok(id)
    }

    /// Writes a case with its parts; the record, route and perpetrators are checked and
    /// normalised as the forms would.
    pub async fn case(&mut self, mut c: SeedCase) -> Result<CaseId> {
        let h = self.h;
        let today = h.today();
        // A generator bug must stop the load with a clear error, not a panic.
        let invalid = |what: &str, e: Vec<haven_domain::record::FieldError>| {
            CoreError::internal(format!("seeded {what} is invalid: {e:?}"))
        };
        c.record
            .normalise(today)
            .map_err(|e| invalid("record", e))?;
        let tx = &mut self.tx;
        let (case_id, _) = h
            .insert_record(
                tx,
                c.opener.agency_id,
                c.opener.user_id,
                &c.record,
                c.opened_at,
            )
            .await?;
        let mut added = vec![c.opener.agency_id];
        for other in &c.involved {
            if !added.contains(other) {
                cases::add_agency(tx, case_id, *other, "involved", c.opened_at).await?;
                added.push(*other);
            }
        }
        // Written as the opener, through the same rule as every change.
        let facts = cases::access_facts(tx, case_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let w = c
            .opener
            .read_case(case_id, &facts)
            .and_then(|r| r.writer())
            .ok_or_else(|| CoreError::internal("a seeded case's opener may not write it"))?;
        let text = |v: &str| opt(v).map(str::to_string);
        for (k, e) in c.events.iter_mut().enumerate() {
            e.normalise(today).map_err(|e| invalid("event", e))?;
            let (id, at) = (new_id(), c.opened_at + k as i64);
            let row = EventRow {
                case_id,
                event_type: e.event_type.clone(),
                country: text(&e.country),
                region: text(&e.region),
                start_date: text(&e.start_date),
                end_date: text(&e.end_date),
                place: h
                    .cipher()
                    .encrypt_opt(opt(&e.place), &sealed::CASE_EVENTS_PLACE.of(&id)),
                description: h.cipher().encrypt_opt(
                    opt(&e.description),
                    &sealed::CASE_EVENTS_DESCRIPTION.of(&id),
                ),
                id,
                created_at: at,
                updated_at: at,
            };
            case_parts::upsert_event(tx, &w, &row).await?;
        }
        for (k, p) in c.perpetrators.iter_mut().enumerate() {
            p.normalise().map_err(|e| invalid("perpetrator", e))?;
            let (id, at) = (new_id(), c.opened_at + k as i64);
            let json = serde_json::to_string(p).map_err(CoreError::internal)?;
            let row = PerpetratorRow {
                details: h
                    .cipher()
                    .encrypt(&json, &sealed::CASE_PERPETRATORS_DETAILS.of(&id)),
                id,
                case_id,
                created_at: at,
                updated_at: at,
            };
            case_parts::upsert_perpetrator(tx, &w, &row).await?;
        }
        for (at, body) in &c.notes {
            h.insert_note(tx, &w, c.opener.user_id, body, *at).await?;
        }
        // The history a user's close or follow-up would leave.
        if let Some(SeedStatus {
            status,
            at,
            closure,
        }) = &c.status
        {
            match closure {
                Some((reason, note)) => {
                    let note = h
                        .cipher()
                        .encrypt(note, &sealed::CASES_CLOSURE_NOTE.of(case_id));
                    cases::set_closure(tx, &w, *status, Some(reason.as_str()), Some(&note), *at)
                        .await?;
                }
                None => {
                    cases::set_status(tx, case_id, *status, *at).await?;
                }
            }
            cases::bump_version(tx, &w, 1, *at).await?;
            let user = Some(c.opener.user_id);
            h.record_change(tx, &w, 2, *at, user, "status", "Active", status.as_str())
                .await?;
            if let Some((reason, _)) = closure {
                h.record_change(tx, &w, 2, *at, user, "closure_reason", "", reason)
                    .await?;
            }
        }
        Ok(case_id)
    }

    pub async fn screening(&mut self, s: SeedScreening) -> Result<()> {
        let answers = s
            .answers
            .into_iter()
            .map(|(id, answer)| {
                let evidence = String::new();
                (id, IndicatorAnswer { answer, evidence })
            })
            .collect();
        let sealed = Sealed {
            act: s.act,
            answers,
        };
        let age = if s.child { 15 } else { 27 };
        let profiles = profiles_for(Some(age), false, s.labour, s.sexual);
        let (outcome, _) = self.h.evaluate_sealed(&profiles, &sealed);
        let date = time::OffsetDateTime::from_unix_timestamp(s.at)
            .map(|t| t.date().to_string())
            .map_err(CoreError::internal)?;
        let row = self.h.screening_row(
            ScreeningFacts {
                case_id: s.case_id,
                agency_id: s.agency,
                screened_by: s.user,
                screened_on: date,
                region: s.region,
                language: Some("eng".into()),
                interpreter: s.interpreter,
                person_present: true,
                consent: true,
                place: String::new(),
                created_at: s.at,
            },
            &profiles,
            outcome,
            &sealed,
        )?;
        haven_store::screenings::insert(&mut self.tx, &row).await?;
        Ok(())
    }

    pub async fn workshop(&mut self, row: haven_store::training::WorkshopRow) -> Result<()> {
        haven_store::training::save_workshop(&mut self.tx, &row).await?;
        Ok(())
    }

    /// A participant named `given family` (sealed and indexed here), enrolled in `workshop`
    /// with their attendance, scores and certificate code.
    #[allow(clippy::too_many_arguments)]
    pub async fn participant(
        &mut self,
        mut row: haven_store::training::TraineeRow,
        (given, family): (&str, &str),
        workshop: &str,
        enrolled_at: i64,
        attended: &[String],
        (pre, post): (i64, i64),
        certificate: Option<&str>,
    ) -> Result<()> {
        use haven_store::training as store;
        let c = self.h.cipher();
        row.first_name = Some(c.encrypt(given, &sealed::TRAINEES_FIRST_NAME.of(&row.id)));
        row.family_name = Some(c.encrypt(family, &sealed::TRAINEES_FAMILY_NAME.of(&row.id)));
        let digests = self.h.blind.stored(&format!("{given} {family}")).words;
        let tx = &mut self.tx;
        store::insert_trainee(tx, &row, &digests).await?;
        store::enrol(tx, workshop, &row.id, enrolled_at).await?;
        store::set_record(tx, workshop, &row.id, attended, Some(pre), Some(post)).await?;
        if let Some(code) = certificate {
            store::set_certificate(tx, workshop, &row.id, code, row.created_at).await?;
        }
        Ok(())
    }

    pub async fn service(&mut self, row: haven_store::consents::ServiceRow) -> Result<()> {
        haven_store::consents::save_service(&mut self.tx, &row).await?;
        Ok(())
    }

    /// A tip whose `body` (the caller's JSON) is sealed here into the row.
    pub async fn tip(&mut self, mut row: haven_store::tips::TipRow, body: &str) -> Result<()> {
        row.body = self
            .h
            .cipher()
            .encrypt(body, &sealed::TIPS_BODY.of(&row.id));
        haven_store::tips::insert(&mut self.tx, &row).await?;
        Ok(())
    }

    /// Commits everything, with one audit event saying what was loaded.
    pub async fn finish(mut self, details: serde_json::Value) -> Result<()> {
        let ev = Event::new(Action::DemoLoaded).details(details);
        self.h.audit(&mut self.tx, &Actor::system(), ev).await?;
        self.tx.commit().await?;
        Ok(())
    }
}

impl Haven {
    /// Whether the demo was loaded into this database already.
    pub async fn demo_loaded(&self) -> Result<bool> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(haven_store::settings::get(&mut conn, "demo_loaded")
            .await?
            .is_some())
    }

    /// Marks the database as holding the demo (once all of it is written).
    pub async fn mark_demo_loaded(&self) -> Result<()> {
        let mut conn = self.db.pool().acquire().await?;
        haven_store::settings::set(&mut conn, "demo_loaded", "1").await?;
        Ok(())
    }
}
