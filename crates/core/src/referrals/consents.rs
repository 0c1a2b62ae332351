//! Consent records of a case (per purpose, per receiving organisation, the guardian's for a
//! child; they expire and can be withdrawn) and the service directory (what each agency offers,
//! to whom, where, with how much room left).
use crate::sealed::{self, Column};
use haven_audit::{Action, Event};
use haven_authz::Principal;
use haven_domain::consent::{self, Consent, FORMS, GIVEN_BY, PURPOSES};
use haven_domain::record::parse_date;
use haven_domain::text::{self, Lines};
use haven_domain::{AgencyId, CaseId, Region};
use haven_store::consents::{self as store, ConsentRow, ServiceRow};
use time::Date;

use crate::support::{done, opt_id};
use crate::{CoreError, Haven, Origin, Result, actor};

const TEXT_MAX: usize = 500;

/// A consent as recorded on the case page.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ConsentInput {
    pub purpose: String,
    /// The receiving organisation (referral, data sharing).
    pub agency_id: String,
    pub given_by: String,
    /// The guardian's name and relationship, when a guardian gave it.
    pub guardian: String,
    pub form: String,
    /// YYYY-MM-DD; empty for today.
    pub given_on: String,
    pub expires_on: String,
    pub note: String,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ConsentView {
    pub id: String,
    pub purpose: String,
    pub agency_id: Option<AgencyId>,
    pub agency_name: Option<String>,
    pub given_by: String,
    pub guardian: String,
    pub form: String,
    pub given_on: Date,
    pub expires_on: Option<Date>,
    pub note: String,
    pub withdrawn_on: Option<Date>,
    pub withdrawn_reason: String,
    /// Valid today: not withdrawn, not expired.
    pub current: bool,
}

fn stored_day(s: &str) -> Result<Date> {
    parse_date(s).ok_or_else(|| CoreError::internal(format!("stored day {s:?}")))
}

impl Haven {
    /// Records a consent on a case (needs the right to change it). Audited with the change.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn record_consent(
        &self,
        p: &Principal,
        case: CaseId,
        i: &ConsentInput,
        origin: &Origin,
    ) -> Result<String> {
        let mut e = Vec::new();
        let purpose = i.purpose.trim();
        if !PURPOSES.contains(&purpose) {
            e.push(("consent_purpose", "error-required"));
        }
        let agency: Option<AgencyId> = opt_id(&i.agency_id, "consent_agency", &mut e);
        if matches!(purpose, "referral" | "data_sharing") && agency.is_none() {
            e.push(("consent_agency", "error-consent-agency"));
        }
        let given_by = i.given_by.trim();
        if !GIVEN_BY.contains(&given_by) {
            e.push(("consent_given_by", "error-required"));
        }
        let guardian = i.guardian.trim();
        if given_by == "guardian" && guardian.is_empty() {
            e.push(("consent_guardian", "error-required"));
        }
        let form = if i.form.trim().is_empty() {
            "written"
        } else {
            i.form.trim()
        };
        if !FORMS.contains(&form) {
            e.push(("consent_form", "error-unknown-code"));
        }
        let given_on = match i.given_on.trim() {
            "" => Some(self.today()),
            d => parse_date(d).filter(|d| *d <= self.today()),
        };
        if given_on.is_none() {
            e.push(("consent_given_on", "error-date"));
        }
        let expires_on = match i.expires_on.trim() {
            "" => None,
            d => match parse_date(d) {
                Some(x) if given_on.is_none_or(|g| x >= g) => Some(x),
                _ => {
                    e.push(("consent_expires_on", "error-date"));
                    None
                }
            },
        };
        for (field, v) in [
            ("consent_guardian", guardian),
            ("consent_note", i.note.trim()),
        ] {
            if let Err(t) = text::check(v, TEXT_MAX, Lines::Many) {
                e.push((field, t.key()));
            }
        }
        done(e)?;
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, case, origin).await?;
        let w = tx.cap();
        if let Some(a) = agency
            && haven_store::agencies::get(&mut tx, a).await?.is_none()
        {
            return Err(CoreError::invalid("consent_agency", "error-unknown-code"));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let c = self.cipher();
        let seal = |col: Column, v: &str| (!v.is_empty()).then(|| c.encrypt(v, &col.of(&id)));
        let t = self.now();
        let row = ConsentRow {
            guardian: seal(sealed::CONSENTS_GUARDIAN, guardian),
            note: seal(sealed::CONSENTS_NOTE, i.note.trim()),
            id: id.clone(),
            case_id: Some(case),
            purpose: purpose.to_string(),
            agency_id: agency,
            given_by: given_by.to_string(),
            form: form.to_string(),
            given_on: given_on.unwrap_or_else(|| self.today()).to_string(),
            expires_on: expires_on.map(|d| d.to_string()),
            withdrawn_on: None,
            withdrawn_reason: None,
            recorded_by: Some(p.user_id),
            recorded_at: t,
            updated_at: t,
        };
        store::insert_consent(&mut tx, &w, &row).await?;
        let ev = Event::new(Action::ConsentRecorded).details(serde_json::json!({
            "consent_id": id,
            "purpose": purpose,
            "agency_id": agency.map(|a| a.to_string()),
            "given_by": given_by,
        }));
        tx.commit(self, ev, t).await?;
        Ok(id)
    }

    /// Whether `p` may withdraw consent `id` of `case` now, for the page that asks "are you
    /// sure?": the withdrawal's own gate (refusals audited) and an unwithdrawn consent of this
    /// case, nothing written.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn check_consent_withdrawal(
        &self,
        p: &Principal,
        case: CaseId,
        id: &str,
        origin: &Origin,
    ) -> Result<()> {
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, case, origin).await?;
        let open = store::of_case(&mut tx, case)
            .await?
            .iter()
            .any(|c| c.id == id && c.withdrawn_on.is_none());
        tx.rollback().await?;
        if open {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// Records that a consent was withdrawn (today). Audited with the change.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn withdraw_consent(
        &self,
        p: &Principal,
        case: CaseId,
        id: &str,
        reason: &str,
        origin: &Origin,
    ) -> Result<()> {
        let reason = reason.trim();
        if let Err(t) = text::check(reason, TEXT_MAX, Lines::Many) {
            return Err(CoreError::invalid("consent_reason", t.key()));
        }
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, case, origin).await?;
        let w = tx.cap();
        let sealed = (!reason.is_empty()).then(|| {
            self.cipher()
                .encrypt(reason, &sealed::CONSENTS_WITHDRAWN_REASON.of(id))
        });
        let t = self.now();
        if !store::withdraw(
            &mut tx,
            &w,
            id,
            &self.today().to_string(),
            sealed.as_deref(),
            t,
        )
        .await?
        {
            return Err(CoreError::NotFound);
        }
        let ev =
            Event::new(Action::ConsentWithdrawn).details(serde_json::json!({"consent_id": id}));
        tx.commit(self, ev, t).await?;
        Ok(())
    }

    /// The consents of a case, for its page (read inside the case's own audited read).
    pub(crate) async fn consent_views(
        &self,
        tx: &mut haven_store::Conn,
        case: CaseId,
        child: bool,
    ) -> Result<Vec<ConsentView>> {
        // Within the case's read transaction: no second connection while it is open.
        let names: std::collections::BTreeMap<AgencyId, String> = haven_store::agencies::list(tx)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let c = self.cipher();
        let mut out = Vec::new();
        for r in store::of_case(tx, case).await? {
            let open = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
                Ok(c.decrypt_opt(v.as_deref(), &col.of(&r.id))?
                    .unwrap_or_default())
            };
            let fact = facts(&r)?;
            out.push(ConsentView {
                current: consent::current(
                    std::slice::from_ref(&fact),
                    &r.purpose,
                    r.agency_id,
                    self.today(),
                    child,
                )
                .is_ok(),
                guardian: open(sealed::CONSENTS_GUARDIAN, &r.guardian)?,
                note: open(sealed::CONSENTS_NOTE, &r.note)?,
                withdrawn_reason: open(sealed::CONSENTS_WITHDRAWN_REASON, &r.withdrawn_reason)?,
                agency_name: r.agency_id.and_then(|a| names.get(&a).cloned()),
                id: r.id,
                purpose: r.purpose,
                agency_id: r.agency_id,
                given_by: r.given_by,
                form: r.form,
                given_on: fact.given_on,
                expires_on: fact.expires_on,
                withdrawn_on: fact.withdrawn_on,
            });
        }
        Ok(out)
    }

    /// Whether the case has a current consent for `purpose` to `agency` (the rule of
    /// `haven_domain::consent`); the reason when it has none. For referrals and data sharing.
    #[tracing::instrument(skip_all, fields(case = %case))]
    pub async fn consent_check(
        &self,
        tx: &mut haven_store::Conn,
        case: CaseId,
        purpose: &str,
        agency: Option<AgencyId>,
        child: bool,
    ) -> Result<std::result::Result<(), consent::Missing>> {
        let rows = store::of_case(tx, case).await?;
        let facts = rows.iter().map(facts).collect::<Result<Vec<_>>>()?;
        Ok(consent::current(
            &facts,
            purpose,
            agency,
            self.today(),
            child,
        ))
    }
}

fn facts(r: &ConsentRow) -> Result<Consent> {
    Ok(Consent {
        purpose: r.purpose.clone(),
        agency: r.agency_id,
        given_by: r.given_by.clone(),
        given_on: stored_day(&r.given_on)?,
        expires_on: r.expires_on.as_deref().map(stored_day).transpose()?,
        withdrawn_on: r.withdrawn_on.as_deref().map(stored_day).transpose()?,
    })
}

// ---- the service directory ----

/// Kinds of service.
pub const SERVICE_TYPES: &[&str] = &[
    "safe_accommodation",
    "emergency_medical",
    "psychosocial",
    "material_assistance",
    "interpretation",
    "legal_aid",
    "education",
    "return_repatriation",
    "reintegration",
    "law_enforcement",
    "child_protection",
    "other",
];

/// Capacity older than this is shown with its age as a warning.
pub const CAPACITY_STALE_SECS: i64 = 7 * 86_400;

/// A service as typed on its form (lists as repeated fields, numbers as text).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ServiceInput {
    pub agency_id: String,
    pub service_type: String,
    pub name: String,
    pub description: String,
    pub genders: Vec<String>,
    pub age_min: String,
    pub age_max: String,
    /// ISO 3166 codes, comma- or space-separated.
    pub nationalities: String,
    /// ISO 639 codes, comma- or space-separated.
    pub languages: String,
    pub exploitation: Vec<String>,
    pub regions: Vec<String>,
    pub hours: String,
    pub emergency_line: String,
    pub capacity_total: String,
    pub capacity_free: String,
    pub active: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct ServiceView {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub agency_id: AgencyId,
    pub agency_name: String,
    pub service_type: String,
    pub name: String,
    pub description: String,
    pub genders: Vec<String>,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub nationalities: Vec<String>,
    pub languages: Vec<String>,
    pub exploitation: Vec<String>,
    pub regions: Vec<String>,
    pub hours: String,
    pub emergency_line: String,
    pub capacity_total: Option<i64>,
    pub capacity_free: Option<i64>,
    pub capacity_at: Option<i64>,
    /// Days since the capacity was last updated, when that is more than a week.
    pub capacity_stale_days: Option<i64>,
    pub active: bool,
    pub may_edit: bool,
}

/// Who the service is for: the directory's search.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ServiceFilter {
    pub service_type: String,
    pub region: String,
    pub gender: String,
    pub age: String,
    pub nationality: String,
    pub language: String,
    pub exploitation: String,
    pub agency_id: String,
    /// Include services marked inactive.
    pub all: String,
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

impl ServiceView {
    /// Whether a person with these facts may use the service (an empty list admits anyone).
    pub fn admits(&self, f: &ServiceFilter) -> bool {
        let any_or =
            |v: &[String], x: &str| x.is_empty() || v.is_empty() || v.iter().any(|y| y == x);
        let age_ok = match f.age.trim().parse::<i64>() {
            Ok(a) => self.age_min.is_none_or(|m| a >= m) && self.age_max.is_none_or(|m| a <= m),
            Err(_) => true,
        };
        (f.service_type.is_empty() || self.service_type == f.service_type)
            && any_or(&self.regions, f.region.trim())
            && any_or(&self.genders, f.gender.trim())
            && any_or(&self.nationalities, &f.nationality.trim().to_uppercase())
            && (f.language.trim().is_empty()
                || self.languages.iter().any(|l| l == f.language.trim()))
            && any_or(&self.exploitation, f.exploitation.trim())
            && (f.agency_id.is_empty() || self.agency_id.to_string() == f.agency_id)
            && (self.active || !f.all.is_empty())
            && age_ok
    }
}

fn codes_ok(v: &[String], list: &[&str]) -> bool {
    v.iter().all(|x| list.contains(&x.as_str()))
}

impl Haven {
    fn service_view(
        &self,
        p: &Principal,
        r: ServiceRow,
        names: &std::collections::BTreeMap<AgencyId, String>,
    ) -> ServiceView {
        let t = self.now();
        ServiceView {
            agency_name: names.get(&r.agency_id).cloned().unwrap_or_default(),
            may_edit: p.may_manage_services(r.agency_id),
            capacity_stale_days: r
                .capacity_at
                .filter(|at| t - at > CAPACITY_STALE_SECS)
                .map(|at| (t - at) / 86_400),
            id: r.id,
            agency_id: r.agency_id,
            service_type: r.service_type,
            name: r.name,
            description: r.description.unwrap_or_default(),
            genders: list(&r.genders),
            age_min: r.age_min,
            age_max: r.age_max,
            nationalities: list(&r.nationalities),
            languages: list(&r.languages),
            exploitation: list(&r.exploitation),
            regions: list(&r.regions),
            hours: r.hours.unwrap_or_default(),
            emergency_line: r.emergency_line.unwrap_or_default(),
            capacity_total: r.capacity_total,
            capacity_free: r.capacity_free,
            capacity_at: r.capacity_at,
            active: r.active,
        }
    }

    /// The directory, filtered. Not personal data: open to every signed-in user, not audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn services(&self, p: &Principal, f: &ServiceFilter) -> Result<Vec<ServiceView>> {
        let names = self.agency_map().await?;
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::all_services(&mut conn)
            .await?
            .into_iter()
            .map(|r| self.service_view(p, r, &names))
            .filter(|s| s.admits(f))
            .collect())
    }

    /// The services a case's person may use, from the case's own facts (region, gender, age,
    /// citizenship, language, kinds of exploitation), for a need. Reading the case is gated and
    /// audited like any read of it.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn services_for_case(
        &self,
        p: &Principal,
        case: CaseId,
        service_type: &str,
        origin: &Origin,
    ) -> Result<(ServiceFilter, Vec<ServiceView>)> {
        let doc = self.open_case(p, case, origin).await?;
        let person = &doc.record.person;
        let filter = ServiceFilter {
            service_type: service_type.to_string(),
            region: doc.record.case.region.clone(),
            gender: person.gender.clone(),
            age: doc.age.map(|a| a.to_string()).unwrap_or_default(),
            nationality: person.citizenship.first().cloned().unwrap_or_default(),
            language: String::new(),
            exploitation: doc
                .record
                .victim
                .type_of_exploitation
                .first()
                .cloned()
                .unwrap_or_default(),
            ..Default::default()
        };
        let mut found = self.services(p, &filter).await?;
        // Any of the person's languages will do; none recorded filters nothing.
        let langs: Vec<&String> = [&person.primary_language, &person.secondary_language]
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect();
        found.retain(|s| {
            s.languages.is_empty()
                || langs.is_empty()
                || langs.iter().any(|l| s.languages.contains(l))
        });
        self.record_read(
            &actor(p, origin),
            Event::new(Action::ServicesMatched)
                .target("case", case)
                .details(serde_json::json!({"service_type": service_type, "found": found.len()})),
        )
        .await?;
        Ok((filter, found))
    }

    /// One service, for its edit form.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn service(&self, p: &Principal, id: &str) -> Result<ServiceView> {
        let names = self.agency_map().await?;
        let mut conn = self.db.pool().acquire().await?;
        let r = store::get_service(&mut conn, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        Ok(self.service_view(p, r, &names))
    }

    /// Publishes (`id` none) or changes a service of an agency the user may manage. Audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn save_service(
        &self,
        p: &Principal,
        id: Option<&str>,
        i: &ServiceInput,
        origin: &Origin,
    ) -> Result<String> {
        let mut e = Vec::new();
        let agency = match id {
            Some(_) => None,
            None => match i.agency_id.trim().parse::<AgencyId>() {
                Ok(a) => Some(a),
                Err(_) if i.agency_id.trim().is_empty() => Some(p.agency_id),
                Err(_) => {
                    e.push(("service_agency", "error-unknown-code"));
                    None
                }
            },
        };
        if !SERVICE_TYPES.contains(&i.service_type.trim()) {
            e.push(("service_type", "error-required"));
        }
        let name = i.name.trim();
        if name.is_empty() {
            e.push(("service_name", "error-required"));
        }
        for (field, v, max) in [
            ("service_name", name, 200),
            ("service_description", i.description.trim(), 2000),
            ("service_hours", i.hours.trim(), 200),
            ("service_emergency_line", i.emergency_line.trim(), 100),
        ] {
            if let Err(t) = text::check(v, max, Lines::Many) {
                e.push((field, t.key()));
            }
        }
        use haven_domain::reference;
        if !codes_ok(&i.genders, reference::PRS_GENDER.codes) {
            e.push(("service_genders", "error-unknown-code"));
        }
        if !codes_ok(&i.exploitation, reference::VIC_TYPE_OF_EXPLOITATION.codes) {
            e.push(("service_exploitation", "error-unknown-code"));
        }
        if i.regions.iter().any(|r| Region::parse(r).is_err()) {
            e.push(("service_regions", "error-unknown-code"));
        }
        let mut nationalities = Vec::new();
        for n in i
            .nationalities
            .split([',', ' '])
            .filter(|x| !x.trim().is_empty())
        {
            match reference::country(n.trim()) {
                Some(c) => nationalities.push(c.alpha2.to_string()),
                None => e.push(("service_nationalities", "error-unknown-code")),
            }
        }
        let mut languages = Vec::new();
        for l in i
            .languages
            .split([',', ' '])
            .filter(|x| !x.trim().is_empty())
        {
            match reference::language(l.trim()) {
                Some(x) => languages.push(x.code.to_string()),
                None => e.push(("service_languages", "error-unknown-code")),
            }
        }
        let mut number = |field: &'static str, v: &str, max: i64| -> Option<i64> {
            match v.trim() {
                "" => None,
                t => match t.parse::<i64>() {
                    Ok(n) if (0..=max).contains(&n) => Some(n),
                    _ => {
                        e.push((field, "error-number-range"));
                        None
                    }
                },
            }
        };
        let age_min = number("service_age_min", &i.age_min, 130);
        let age_max = number("service_age_max", &i.age_max, 130);
        let capacity_total = number("service_capacity_total", &i.capacity_total, 100_000);
        let capacity_free = number("service_capacity_free", &i.capacity_free, 100_000);
        if let (Some(a), Some(b)) = (age_min, age_max)
            && a > b
        {
            e.push(("service_age_max", "error-number-range"));
        }
        if let (Some(t), Some(f)) = (capacity_total, capacity_free)
            && f > t
        {
            e.push(("service_capacity_free", "error-number-range"));
        }
        e.dedup();
        done(e)?;
        let mut tx = self.db.begin().await?;
        let t = self.now();
        let old = match id {
            Some(id) => Some(
                store::get_service(&mut tx, id)
                    .await?
                    .ok_or(CoreError::NotFound)?,
            ),
            None => None,
        };
        let agency = old
            .as_ref()
            .map(|o| o.agency_id)
            .or(agency)
            .ok_or(CoreError::NotFound)?;
        if !p.may_manage_services(agency) {
            return Err(CoreError::Forbidden);
        }
        if haven_store::agencies::get(&mut tx, agency).await?.is_none() {
            return Err(CoreError::invalid("service_agency", "error-unknown-code"));
        }
        let capacity_changed = old
            .as_ref()
            .is_none_or(|o| o.capacity_free != capacity_free);
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v.join(",")
        };
        let row = ServiceRow {
            id: old
                .as_ref()
                .map(|o| o.id.clone())
                .unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
            agency_id: agency,
            service_type: i.service_type.trim().to_string(),
            name: name.to_string(),
            description: Some(i.description.trim().to_string()).filter(|s| !s.is_empty()),
            genders: sorted(&i.genders),
            age_min,
            age_max,
            nationalities: sorted(&nationalities),
            languages: sorted(&languages),
            exploitation: sorted(&i.exploitation),
            regions: sorted(&i.regions),
            hours: Some(i.hours.trim().to_string()).filter(|s| !s.is_empty()),
            emergency_line: Some(i.emergency_line.trim().to_string()).filter(|s| !s.is_empty()),
            capacity_total,
            capacity_free,
            capacity_at: if capacity_changed {
                capacity_free.map(|_| t)
            } else {
                old.as_ref().and_then(|o| o.capacity_at)
            },
            active: id.is_none() || !i.active.is_empty(),
            created_at: old.as_ref().map(|o| o.created_at).unwrap_or(t),
            updated_at: t,
        };
        store::save_service(&mut tx, &row).await?;
        let ev = Event::new(Action::ServiceSaved).target("service", &row.id);
        self.commit_audited(tx, &actor(p, origin), ev, t).await?;
        Ok(row.id)
    }

    /// The provider's quick update: how many places are free now. Audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn update_capacity(
        &self,
        p: &Principal,
        id: &str,
        free: &str,
        origin: &Origin,
    ) -> Result<()> {
        let free = free
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=100_000).contains(n))
            .ok_or(CoreError::invalid(
                "service_capacity_free",
                "error-number-range",
            ))?;
        let mut tx = self.db.begin().await?;
        let s = store::get_service(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if !p.may_manage_services(s.agency_id) {
            return Err(CoreError::Forbidden);
        }
        if s.capacity_total.is_some_and(|t| free > t) {
            return Err(CoreError::invalid(
                "service_capacity_free",
                "error-number-range",
            ));
        }
        let t = self.now();
        store::set_capacity(&mut tx, id, free, t).await?;
        let ev = Event::new(Action::ServiceCapacityUpdated)
            .target("service", id)
            .details(serde_json::json!({"free": free}));
        self.commit_audited(tx, &actor(p, origin), ev, t).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shelter() -> ServiceView {
        ServiceView {
            id: "s".into(),
            agency_id: AgencyId::new(),
            agency_name: "Shelter".into(),
            service_type: "safe_accommodation".into(),
            name: "Women's shelter".into(),
            description: String::new(),
            genders: vec!["Feminine".into()],
            age_min: Some(18),
            age_max: None,
            nationalities: vec![],
            languages: vec!["eng".into(), "spa".into()],
            exploitation: vec![],
            regions: vec!["GY-DE".into()],
            hours: String::new(),
            emergency_line: String::new(),
            capacity_total: Some(12),
            capacity_free: Some(3),
            capacity_at: None,
            capacity_stale_days: None,
            active: true,
            may_edit: false,
        }
    }

    #[test]
    fn eligibility_is_read_from_every_constraint() {
        let s = shelter();
        let f = |kv: &[(&str, &str)]| {
            let mut f = ServiceFilter::default();
            for (k, v) in kv {
                let v = v.to_string();
                match *k {
                    "type" => f.service_type = v,
                    "region" => f.region = v,
                    "gender" => f.gender = v,
                    "age" => f.age = v,
                    "nationality" => f.nationality = v,
                    "language" => f.language = v,
                    _ => unreachable!(),
                }
            }
            f
        };
        assert!(s.admits(&f(&[])));
        assert!(s.admits(&f(&[
            ("type", "safe_accommodation"),
            ("region", "GY-DE"),
            ("gender", "Feminine"),
            ("age", "24"),
            ("nationality", "ve"),
            ("language", "spa")
        ])));
        assert!(!s.admits(&f(&[("type", "legal_aid")])));
        assert!(!s.admits(&f(&[("region", "GY-CU")])));
        assert!(!s.admits(&f(&[("gender", "Masculine")])));
        assert!(!s.admits(&f(&[("age", "15")])));
        assert!(!s.admits(&f(&[("language", "por")])));
        let mut off = shelter();
        off.active = false;
        assert!(!off.admits(&f(&[])));
    }
}
