//! Cases and the persons they concern, on the HTCDS model: register, find, view, edit with
//! optimistic concurrency and field-level history, close and reopen, assign. Every read of a case
//! is audited; a case the user may not see answers "not found", so its existence does not leak.

pub mod casework;
pub mod files;
pub mod people;
pub mod transfers;
use crate::sealed::{self, Column};
use haven_audit::{Action, Event};
use haven_authz::{CaseCreate, CaseList, CaseReader, CaseWriter, Principal};
use haven_domain::record::{
    CaseData, CaseRecord, IdentityDocument, PersonData, VictimData, parse_date,
};
use haven_domain::reference;
use haven_domain::{
    AgencyId, CaseId, CaseNumber, CaseStatus, PersonId, Region, UserId, ValidationError,
};
use haven_store::case_parts::{self, ChangeRow};
use haven_store::cases::{self, CaseQuery, CaseRow, PersonRow};
use haven_store::{Conn, Tx};

use crate::unit::CaseTx;
use crate::{CoreError, Haven, Origin, Result, actor, now};

pub(crate) use crate::support::opt;

/// The personal fields of a person other than names and birth date, sealed as one document.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
struct PersonDetails {
    identity_documents: Vec<IdentityDocument>,
    email: String,
    home_phone: String,
    mobile_phone: String,
    mailing_city: String,
    mailing_street: String,
    mailing_postal_code: String,
}

/// What a reader sees of a case: the record, its parts, and what they may do with it.
#[derive(Clone, Debug)]
pub struct CaseDoc {
    pub id: CaseId,
    pub case_number: String,
    pub status: CaseStatus,
    pub owner_agency_id: AgencyId,
    pub owner_agency_name: String,
    pub assigned_user_id: Option<UserId>,
    pub assigned_user_name: Option<String>,
    pub opened_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub closure_reason: Option<String>,
    pub closure_note: Option<String>,
    /// The concurrency token: edits must name the version they started from.
    pub version: i64,
    pub person_id: PersonId,
    pub record: CaseRecord,
    pub days_open: i64,
    pub is_child: bool,
    pub age: Option<i64>,
    /// A writer of the case (closing and reopening).
    pub may_edit: bool,
    /// A writer, and the case is open: every other change.
    pub may_change: bool,
    pub may_assign: bool,
    pub may_transfer: bool,
    pub may_see_previous_values: bool,
    /// Notes, route, perpetrators, attachments.
    pub parts: crate::casework::CaseParts,
    /// A transfer to another agency waiting for its decision.
    pub pending_transfer: Option<crate::transfers::TransferView>,
    /// The screenings of the person in this case, newest first.
    pub screenings: Vec<crate::screening::ScreeningSummary>,
    /// The consents recorded, newest first.
    pub consents: Vec<crate::consents::ConsentView>,
    /// Referrals of the case, newest first.
    pub referrals: Vec<crate::referrals::ReferralView>,
    /// Services requested for the person and their outcome.
    pub services: Vec<crate::referrals::CaseServiceView>,
    /// Who can see this case and why: every path the need-to-know rule opens to it. Only for
    /// those who manage the case (empty otherwise).
    pub access_paths: Vec<AccessPath>,
}

/// The kinds of [`AccessPath`], each shown as the message `access-<kind>` (dashes for
/// underscores).
pub const ACCESS_KINDS: &[&str] = &[
    "owner",
    "involved",
    "coordination",
    "no_coordination",
    "registered_by",
    "referral",
    "transfer",
];

/// One way to a case: who, through what, since when, and what they see.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AccessPath {
    /// `owner`, `involved`, `coordination`, `no_coordination`, `registered_by`, `referral` or
    /// `transfer` (the receiving agency sees nothing until it accepts).
    pub kind: &'static str,
    /// An agency's or a user's name.
    pub who: String,
    /// For a referral: the sections shared.
    pub sections: Vec<String>,
    pub since: Option<i64>,
}

/// One field change, for the history and for the conflict message.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ChangeView {
    pub version: i64,
    pub at: i64,
    pub user_name: Option<String>,
    pub field: String,
    /// Only for those allowed to see previous values.
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Clone, Debug)]
pub struct CaseListItem {
    pub id: CaseId,
    pub case_number: String,
    pub status: CaseStatus,
    pub owner_agency_name: String,
    pub region: Option<String>,
    pub opened_at: i64,
    pub person_name: String,
}

/// Search filters, as typed in a form or a query string (empty means "any").
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CaseSearch {
    pub name: String,
    pub case_number: String,
    pub status: String,
    /// ISO 3166 code (alpha-2 or alpha-3).
    pub nationality: String,
    /// Owning agency id.
    pub agency: String,
    pub region: String,
    pub exploitation_type: String,
    /// `YYYY-MM-DD`, inclusive.
    pub opened_from: String,
    pub opened_to: String,
    /// Only open cases (active or in follow-up) at high or critical risk: the dashboard's figure.
    pub high_risk: bool,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
    /// Where the previous page ended (its `next_cursor`); then `page` is not used. Empty: none.
    pub cursor: String,
}

#[derive(Clone, Debug)]
pub struct CasePage {
    pub items: Vec<CaseListItem>,
    /// Exact, or a lower bound when `more` (filtered counts stop at a thousand).
    pub total: i64,
    pub more: bool,
    pub page: i64,
    pub pages: i64,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

fn code_error(field: &'static str) -> impl Fn(ValidationError) -> CoreError {
    move |_| CoreError::invalid(field, "error-unknown-code")
}

fn day_start(d: time::Date) -> i64 {
    d.midnight().assume_utc().unix_timestamp()
}

impl Haven {
    // ---- mapping between the record and its rows ----

    pub(crate) fn person_row(
        &self,
        id: PersonId,
        p: &PersonData,
        version: i64,
        created_at: i64,
        updated_at: i64,
    ) -> Result<PersonRow> {
        let c = self.cipher();
        let enc = |col: Column, v: &str| c.encrypt_opt(opt(v), &col.of(id));
        let details = PersonDetails {
            identity_documents: p.identity_documents.clone(),
            email: p.email.clone(),
            home_phone: p.home_phone.clone(),
            mobile_phone: p.mobile_phone.clone(),
            mailing_city: p.mailing_city.clone(),
            mailing_street: p.mailing_street.clone(),
            mailing_postal_code: p.mailing_postal_code.clone(),
        };
        let details = serde_json::to_string(&details).map_err(CoreError::internal)?;
        let text = |v: &str| opt(v).map(str::to_string);
        Ok(PersonRow {
            id,
            first_name: enc(sealed::PERSONS_FIRST_NAME, &p.first_name),
            middle_name: enc(sealed::PERSONS_MIDDLE_NAME, &p.middle_name),
            last_name: enc(sealed::PERSONS_LAST_NAME, &p.second_name),
            nickname: enc(sealed::PERSONS_NICKNAME, &p.also_known_as),
            birth_date: enc(sealed::PERSONS_BIRTH_DATE, &p.birth_date),
            phone: None,
            address: None,
            details: Some(c.encrypt(&details, &sealed::PERSONS_DETAILS.of(id))),
            gender: text(&p.gender),
            citizenship: (!p.citizenship.is_empty()).then(|| p.citizenship.join(",")),
            birth_year: parse_date(&p.birth_date).map(|d| d.year() as i64),
            assessed_age: p.assessed_age,
            age_uncertain: p.age_uncertain,
            marital_status: text(&p.marital_status),
            number_of_children: p.number_of_children,
            education: text(&p.highest_level_of_education),
            primary_language: text(&p.primary_language),
            secondary_language: text(&p.secondary_language),
            mailing_country: text(&p.mailing_country),
            mailing_state: text(&p.mailing_state),
            deceased: p.deceased,
            version,
            created_at,
            updated_at,
        })
    }

    pub(crate) fn person_data(
        &self,
        r: &PersonRow,
        citizenship: Vec<String>,
    ) -> Result<PersonData> {
        let c = self.cipher();
        let f = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
            Ok(c.decrypt_opt(v.as_deref(), &col.of(r.id))?
                .unwrap_or_default())
        };
        let details: PersonDetails = match &r.details {
            Some(b) => serde_json::from_str(&c.decrypt(b, &sealed::PERSONS_DETAILS.of(r.id))?)
                .map_err(CoreError::internal)?,
            // Recorded before the full model: one phone number and one address line.
            None => PersonDetails {
                mobile_phone: f(sealed::PERSONS_PHONE, &r.phone)?,
                mailing_street: f(sealed::PERSONS_ADDRESS, &r.address)?,
                ..Default::default()
            },
        };
        Ok(PersonData {
            first_name: f(sealed::PERSONS_FIRST_NAME, &r.first_name)?,
            middle_name: f(sealed::PERSONS_MIDDLE_NAME, &r.middle_name)?,
            second_name: f(sealed::PERSONS_LAST_NAME, &r.last_name)?,
            also_known_as: f(sealed::PERSONS_NICKNAME, &r.nickname)?,
            birth_date: f(sealed::PERSONS_BIRTH_DATE, &r.birth_date)?,
            assessed_age: r.assessed_age,
            age_uncertain: r.age_uncertain,
            gender: r.gender.clone().unwrap_or_default(),
            citizenship,
            primary_language: r.primary_language.clone().unwrap_or_default(),
            secondary_language: r.secondary_language.clone().unwrap_or_default(),
            marital_status: r.marital_status.clone().unwrap_or_default(),
            number_of_children: r.number_of_children,
            highest_level_of_education: r.education.clone().unwrap_or_default(),
            deceased: r.deceased,
            identity_documents: details.identity_documents,
            email: details.email,
            home_phone: details.home_phone,
            mobile_phone: details.mobile_phone,
            mailing_country: r.mailing_country.clone().unwrap_or_default(),
            mailing_state: r.mailing_state.clone().unwrap_or_default(),
            mailing_city: details.mailing_city,
            mailing_street: details.mailing_street,
            mailing_postal_code: details.mailing_postal_code,
        })
    }

    /// Copies the victim context and case fields of a record onto a case row.
    fn fill_case_row(&self, row: &mut CaseRow, v: &VictimData, cs: &CaseData) {
        let text = |s: &str| opt(s).map(str::to_string);
        row.region = text(&cs.region);
        row.exploitation_type = v.type_of_exploitation.first().cloned();
        row.summary = self
            .cipher()
            .encrypt_opt(opt(&cs.summary), &sealed::CASES_SUMMARY.of(row.id));
        row.risk_level = text(&cs.risk_level);
        row.trafficking_status = text(&v.trafficking_status);
        row.status_decision_org = text(&v.trafficking_status_decision_org);
        row.relationship_to_trafficker = text(&v.relationship_to_trafficker);
        row.age_when_trafficked = v.age_when_trafficked;
        row.forced_labour_industry = text(&v.forced_labour_industry);
        row.referral_source = text(&cs.referral_source);
        row.referring_organisation = text(&cs.referring_organisation);
        row.referral_date = text(&cs.referral_date);
        row.referral_reason = text(&cs.reason_for_incoming_referral);
    }

    pub(crate) async fn load_record(
        &self,
        tx: &mut Conn,
        c: &CaseRow,
        p: &PersonRow,
    ) -> Result<CaseRecord> {
        let citizenship = cases::get_citizenships(tx, p.id).await?;
        let person = self.person_data(p, citizenship)?;
        let mut victim = VictimData {
            trafficking_status: c.trafficking_status.clone().unwrap_or_default(),
            trafficking_status_decision_org: c.status_decision_org.clone().unwrap_or_default(),
            relationship_to_trafficker: c.relationship_to_trafficker.clone().unwrap_or_default(),
            age_when_trafficked: c.age_when_trafficked,
            forced_labour_industry: c.forced_labour_industry.clone().unwrap_or_default(),
            ..Default::default()
        };
        let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
        for (field, code) in cases::get_codes(tx, c.id).await? {
            match grouped.last_mut() {
                Some((f, codes)) if *f == field => codes.push(code),
                _ => grouped.push((field, vec![code])),
            }
        }
        for (field, codes) in grouped {
            // Stored sorted; shown in the picklist's order.
            let ordered = reference::picklist(&field)
                .map(|l| {
                    l.codes
                        .iter()
                        .filter(|c| codes.iter().any(|x| x == *c))
                        .map(|c| c.to_string())
                        .collect()
                })
                .unwrap_or(codes);
            victim.set_multi(&field, ordered);
        }
        let case = CaseData {
            region: c.region.clone().unwrap_or_default(),
            risk_level: c.risk_level.clone().unwrap_or_default(),
            referral_source: c.referral_source.clone().unwrap_or_default(),
            referring_organisation: c.referring_organisation.clone().unwrap_or_default(),
            referral_date: c.referral_date.clone().unwrap_or_default(),
            reason_for_incoming_referral: c.referral_reason.clone().unwrap_or_default(),
            summary: self
                .cipher()
                .decrypt_opt(c.summary.as_deref(), &sealed::CASES_SUMMARY.of(c.id))?
                .unwrap_or_default(),
        };
        Ok(CaseRecord {
            person,
            victim,
            case,
        })
    }

    async fn write_codes(&self, tx: &mut Conn, case: CaseId, v: &VictimData) -> Result<()> {
        for (field, codes) in v.multi_codes() {
            cases::set_codes(tx, case, field, codes).await?;
        }
        Ok(())
    }

    pub(crate) async fn write_name_index(
        &self,
        tx: &mut Conn,
        id: PersonId,
        p: &PersonData,
    ) -> Result<()> {
        let digests = self.name_digests(p);
        cases::set_name_digests(tx, id, &digests.words, &digests.prefixes).await?;
        Ok(())
    }

    /// The blind index digests of a person's names (all of them, as one text).
    pub(crate) fn name_digests(&self, p: &PersonData) -> haven_crypto::blind::StoredName {
        let names = [
            &p.first_name,
            &p.middle_name,
            &p.second_name,
            &p.also_known_as,
        ]
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
        self.blind.stored(&names)
    }

    // ---- access ----

    /// The need-to-know gate of every use-case on one case. A refusal is audited (in its own
    /// transaction, after the caller's is ended) and answers "not found" either way.
    pub(crate) async fn gate<'p>(
        &self,
        mut tx: Tx,
        p: &'p Principal,
        id: CaseId,
        origin: &Origin,
    ) -> Result<CaseTx<CaseReader<'p>>> {
        let outcome = match cases::access_facts(&mut tx, id).await? {
            None => "missing",
            Some(facts) => match p.read_case(id, &facts) {
                Some(reader) => return Ok(CaseTx::new(tx, reader, actor(p, origin))),
                None => "denied",
            },
        };
        tx.rollback().await?;
        let ev = Event::new(Action::CaseAccessDenied)
            .outcome(outcome)
            .target("case", id);
        self.record_read(&actor(p, origin), ev).await?;
        Err(CoreError::NotFound)
    }

    /// As [`Haven::gate`], for a change: readers who may not write get "forbidden", audited.
    pub(crate) async fn gate_write<'p>(
        &self,
        tx: Tx,
        p: &'p Principal,
        id: CaseId,
        origin: &Origin,
    ) -> Result<CaseTx<CaseWriter<'p>>> {
        let mut tx = self.gate_write_any(tx, p, id, origin).await?;
        // A closed case is read-only until it is reopened.
        let closed = cases::get_case(&mut tx, id)
            .await?
            .is_some_and(|c| haven_domain::record::may_reopen(c.status));
        if closed {
            tx.rollback().await?;
            return Err(CoreError::invalid("status", "error-case-closed"));
        }
        Ok(tx)
    }

    /// The write gate for closing and reopening, which also apply to a closed case.
    pub(crate) async fn gate_write_any<'p>(
        &self,
        tx: Tx,
        p: &'p Principal,
        id: CaseId,
        origin: &Origin,
    ) -> Result<CaseTx<CaseWriter<'p>>> {
        let read = self.gate(tx, p, id, origin).await?;
        match read.cap().writer() {
            Some(w) => Ok(read.into_writer(w)),
            None => read.refuse(self, "read_only").await,
        }
    }

    /// The changes since `base` in a fresh read, for a save that lost a race.
    async fn conflict_after_race(
        &self,
        tx: CaseTx<CaseWriter<'_>>,
        p: &Principal,
        id: CaseId,
        base: i64,
        origin: &Origin,
    ) -> Result<i64> {
        tx.rollback().await?;
        let may_see_old = p.sees_previous_values();
        let mut conn = self.db.pool().acquire().await?;
        let changes = self.changes_since(&mut conn, id, base, may_see_old).await?;
        drop(conn);
        let ev = Event::new(Action::CaseEditConflict)
            .outcome("refused")
            .target("case", id)
            .details(serde_json::json!({"base_version": base}));
        self.record_read(&actor(p, origin), ev).await?;
        Err(CoreError::Conflict(changes))
    }

    // ---- create ----

    /// Registers a person and opens a case owned by the creator's agency. A draft the case was
    /// completed from is deleted in the same transaction.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn create_case(
        &self,
        cap: CaseCreate<'_>,
        mut record: CaseRecord,
        from_draft: Option<&str>,
        origin: &Origin,
    ) -> Result<(CaseId, String)> {
        record.normalise(self.today()).map_err(CoreError::Invalid)?;
        let p = cap.principal();
        let mut tx = self.db.begin().await?;
        let (case_id, number) = self
            .insert_record(&mut tx, p.agency_id, p.user_id, &record, self.now())
            .await?;
        let ev = Event::new(Action::CaseCreated).target("case", case_id);
        self.audit(&mut tx, &actor(p, origin), ev).await?;
        // A draft of this user opened from a screening brings the screening to the new case.
        if let Some(d) = from_draft
            && case_parts::delete_draft(&mut tx, p.user_id, d).await?
        {
            for sid in haven_store::screenings::link_draft(&mut tx, d, case_id).await? {
                let ev = Event::new(Action::ScreeningLinked)
                    .target("screening", &sid)
                    .details(serde_json::json!({"case_id": case_id.to_string()}));
                self.audit(&mut tx, &actor(p, origin), ev).await?;
            }
        }
        tx.commit().await?;
        Ok((case_id, number))
    }

    /// The writes of case creation (record already normalised), shared with the demo loader.
    pub(crate) async fn insert_record(
        &self,
        tx: &mut Conn,
        agency: AgencyId,
        creator: UserId,
        record: &CaseRecord,
        opened_at: i64,
    ) -> Result<(CaseId, String)> {
        let person_id = self
            .insert_person_record(tx, &record.person, opened_at)
            .await?;
        self.insert_case_record(tx, agency, creator, person_id, record, opened_at)
            .await
    }

    /// The person of a new case: sealed, with its name index.
    pub(crate) async fn insert_person_record(
        &self,
        tx: &mut Conn,
        person: &PersonData,
        at: i64,
    ) -> Result<PersonId> {
        let person_id = PersonId::new();
        let row = self.person_row(person_id, person, 1, at, at)?;
        cases::insert_person(tx, &row).await?;
        self.write_name_index(tx, person_id, person).await?;
        Ok(person_id)
    }

    /// A new case of a person already written (its record's person part is not written again).
    pub(crate) async fn insert_case_record(
        &self,
        tx: &mut Conn,
        agency: AgencyId,
        creator: UserId,
        person_id: PersonId,
        record: &CaseRecord,
        opened_at: i64,
    ) -> Result<(CaseId, String)> {
        let (year, counter) = self.case_counter(opened_at);
        let seq = cases::next_number(tx, &counter).await?;
        let number = self.case_number_of(year, seq);
        let case_id = CaseId::new();
        let row = self.new_case_row(
            case_id,
            number.clone(),
            (agency, creator, person_id),
            record,
            opened_at,
        );
        cases::insert_case(tx, &row).await?;
        self.write_codes(tx, case_id, &record.victim).await?;
        Ok((case_id, number))
    }

    /// The year of a case opened at `opened_at` and the counter its number is taken from
    /// (`GY-2026`).
    pub(crate) fn case_counter(&self, opened_at: i64) -> (i32, String) {
        let year = time::OffsetDateTime::from_unix_timestamp(opened_at)
            .map(|t| t.year())
            .unwrap_or(2026);
        (year, format!("{}-{year}", self.policy.country_code))
    }

    /// The case number of the `seq`th case of `year`.
    pub(crate) fn case_number_of(&self, year: i32, seq: i64) -> String {
        CaseNumber::new(&self.policy.country_code, year, seq as u32).to_string()
    }

    /// The row of a new, active case of `record` (its summary sealed): owned by `agency`,
    /// assigned to and created by `creator`, of person `person_id`.
    pub(crate) fn new_case_row(
        &self,
        case_id: CaseId,
        number: String,
        (agency, creator, person_id): (AgencyId, UserId, PersonId),
        record: &CaseRecord,
        opened_at: i64,
    ) -> CaseRow {
        let mut row = CaseRow {
            id: case_id,
            case_number: number,
            person_id,
            status: CaseStatus::Active,
            owner_agency_id: agency,
            assigned_user_id: Some(creator),
            created_by: creator,
            region: None,
            exploitation_type: None,
            summary: None,
            opened_at,
            updated_at: opened_at,
            closed_at: None,
            version: 1,
            risk_level: None,
            trafficking_status: None,
            status_decision_org: None,
            relationship_to_trafficker: None,
            age_when_trafficked: None,
            forced_labour_industry: None,
            referral_source: None,
            referring_organisation: None,
            referral_date: None,
            referral_reason: None,
            closure_reason: None,
            closure_note: None,
        };
        self.fill_case_row(&mut row, &record.victim, &record.case);
        row
    }

    // ---- read ----

    /// Opens one case for reading. Denials are audited too, and look like "not found".
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn open_case(&self, p: &Principal, id: CaseId, origin: &Origin) -> Result<CaseDoc> {
        // One snapshot for the check and the read, so the rule is applied to what is read.
        let tx = self.db.begin_snapshot().await?;
        let mut tx = self.gate(tx, p, id, origin).await?;
        let reader = tx.cap();
        let doc = self.read_doc(&mut tx, &reader).await?;
        let ev = Event::new(Action::CaseViewed).target("case", id);
        tx.finish(self, ev).await?;
        Ok(doc)
    }

    pub(crate) async fn read_doc(&self, tx: &mut Conn, reader: &CaseReader<'_>) -> Result<CaseDoc> {
        let c = cases::get_case(tx, reader.case())
            .await?
            .ok_or(CoreError::NotFound)?;
        let person = cases::get_person(tx, c.person_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let agency = haven_store::agencies::get(tx, c.owner_agency_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let assigned_user_name = match c.assigned_user_id {
            Some(u) => haven_store::users::by_id(tx, u)
                .await?
                .map(|u| u.display_name),
            None => None,
        };
        let record = self.load_record(tx, &c, &person).await?;
        let parts = self.read_parts(tx, reader).await?;
        let pending_transfer = match case_parts::pending_transfer(tx, c.id).await? {
            Some(t) => Some(self.transfer_view(t)?),
            None => None,
        };
        let screenings = haven_store::screenings::of_case(tx, c.id)
            .await?
            .iter()
            .map(Into::into)
            .collect();
        let today = self.today();
        let consents = self
            .consent_views(tx, c.id, record.person.is_child(today))
            .await?;
        let (referrals, services) = self.case_referrals(tx, c.id).await?;
        let access_paths = if reader.may_see_access_paths() {
            self.access_paths(
                tx,
                &c,
                agency.coordination_consent,
                &referrals,
                &pending_transfer,
            )
            .await?
        } else {
            Vec::new()
        };
        let writer = reader.writer();
        let end = c.closed_at.unwrap_or_else(now);
        Ok(CaseDoc {
            id: c.id,
            case_number: c.case_number,
            status: c.status,
            owner_agency_id: c.owner_agency_id,
            owner_agency_name: agency.name,
            assigned_user_id: c.assigned_user_id,
            assigned_user_name,
            opened_at: c.opened_at,
            updated_at: c.updated_at,
            closed_at: c.closed_at,
            closure_reason: c.closure_reason,
            closure_note: self.cipher().decrypt_opt(
                c.closure_note.as_deref(),
                &sealed::CASES_CLOSURE_NOTE.of(c.id),
            )?,
            version: c.version,
            person_id: c.person_id,
            days_open: ((end - c.opened_at) / 86_400).max(0),
            is_child: record.person.is_child(today),
            age: record.age(today),
            record,
            may_edit: writer.is_some(),
            may_change: writer.is_some() && !haven_domain::record::may_reopen(c.status),
            may_assign: writer.is_some_and(|w| w.may_assign()),
            may_transfer: writer.is_some_and(|w| w.may_transfer()),
            may_see_previous_values: reader.may_see_previous_values(),
            screenings,
            consents,
            referrals,
            services,
            parts,
            pending_transfer,
            access_paths,
        })
    }

    /// Every path to a case, computed from the same facts as the need-to-know rule.
    async fn access_paths(
        &self,
        tx: &mut Conn,
        c: &cases::CaseRow,
        coordination: bool,
        referrals: &[crate::referrals::ReferralView],
        transfer: &Option<crate::transfers::TransferView>,
    ) -> Result<Vec<AccessPath>> {
        let mut out = Vec::new();
        // In the read's own snapshot, not another connection.
        let names: std::collections::BTreeMap<AgencyId, String> = haven_store::agencies::list(tx)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let name = |a: &AgencyId| names.get(a).cloned().unwrap_or_default();
        for (a, _, at) in cases::agencies_of_case(tx, c.id).await? {
            out.push(AccessPath {
                kind: if a == c.owner_agency_id {
                    "owner"
                } else {
                    "involved"
                },
                who: name(&a),
                sections: Vec::new(),
                since: Some(at),
            });
        }
        out.push(AccessPath {
            kind: if coordination {
                "coordination"
            } else {
                "no_coordination"
            },
            who: name(&c.owner_agency_id),
            sections: Vec::new(),
            since: None,
        });
        if let Some(u) = haven_store::users::by_id(tx, c.created_by).await?
            && haven_authz::reads_what_they_registered(u.role)
        {
            out.push(AccessPath {
                kind: "registered_by",
                who: u.display_name,
                sections: Vec::new(),
                since: Some(c.opened_at),
            });
        }
        for r in referrals.iter().filter(|r| r.status.recipient_sees_case()) {
            out.push(AccessPath {
                kind: "referral",
                who: r.to_agency.clone(),
                sections: r.sections.clone(),
                since: r.sent_at,
            });
        }
        if let Some(t) = transfer {
            out.push(AccessPath {
                kind: "transfer",
                who: t.to_agency_name.clone(),
                sections: Vec::new(),
                since: Some(t.requested_at),
            });
        }
        Ok(out)
    }

    // ---- edit ----

    /// Saves an edited record if the case is still at `base_version`. Otherwise nothing is
    /// written and the changes made since are returned in [`CoreError::Conflict`].
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn update_case(
        &self,
        p: &Principal,
        id: CaseId,
        base_version: i64,
        mut record: CaseRecord,
        origin: &Origin,
    ) -> Result<i64> {
        record.normalise(self.today()).map_err(CoreError::Invalid)?;
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        let may_see_old = w.may_see_previous_values();
        let c = cases::get_case(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if c.version != base_version {
            let changes = self
                .changes_since(&mut tx, id, base_version, may_see_old)
                .await?;
            let ev = Event::new(Action::CaseEditConflict)
                .outcome("refused")
                .details(
                    serde_json::json!({"base_version": base_version, "current_version": c.version}),
                );
            tx.commit(self, ev, self.now()).await?;
            return Err(CoreError::Conflict(changes));
        }
        let person = cases::get_person(&mut tx, c.person_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let old = self.load_record(&mut tx, &c, &person).await?;
        let diff = old.diff(&record);
        if diff.is_empty() {
            tx.rollback().await?;
            return Ok(c.version);
        }
        let t = self.now();
        let new_version = c.version + 1;
        let person_changed = old.person != record.person;
        if person_changed {
            let row = self.person_row(
                person.id,
                &record.person,
                person.version + 1,
                person.created_at,
                t,
            )?;
            // On PostgreSQL another save may have committed since this one read the version
            // (SQLite's write transactions are serialised): then it is a conflict like any other.
            if !cases::update_person(&mut tx, &w.person(person.id), &row, person.version).await? {
                return self
                    .conflict_after_race(tx, p, id, base_version, origin)
                    .await;
            }
            self.write_name_index(&mut tx, person.id, &record.person)
                .await?;
        }
        let mut row = c.clone();
        self.fill_case_row(&mut row, &record.victim, &record.case);
        row.version = new_version;
        row.updated_at = t;
        if !cases::update_case_fields(&mut tx, &w, &row, c.version).await? {
            return self
                .conflict_after_race(tx, p, id, base_version, origin)
                .await;
        }
        self.write_codes(&mut tx, id, &record.victim).await?;
        let fields: Vec<&str> = diff.iter().map(|d| d.0).collect();
        for (field, before, after) in &diff {
            self.record_change(
                &mut tx,
                &w,
                new_version,
                t,
                Some(p.user_id),
                field,
                before,
                after,
            )
            .await?;
        }
        let ev = Event::new(Action::CaseUpdated)
            .details(serde_json::json!({"fields": fields, "version": new_version}));
        tx.commit(self, ev, t).await?;
        Ok(new_version)
    }

    /// Seals and stores one field change.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record_change(
        &self,
        tx: &mut Conn,
        right: &impl haven_authz::CaseChange,
        version: i64,
        at: i64,
        user: Option<UserId>,
        field: &str,
        before: &str,
        after: &str,
    ) -> Result<()> {
        let id = uuid::Uuid::now_v7().to_string();
        let c = self.cipher();
        let row = ChangeRow {
            old_value: c.encrypt_opt(opt(before), &sealed::CASE_CHANGES_OLD_VALUE.of(&id)),
            new_value: c.encrypt_opt(opt(after), &sealed::CASE_CHANGES_NEW_VALUE.of(&id)),
            id,
            case_id: right.changed_case(),
            version,
            at,
            user_id: user,
            user_name: None,
            field: field.to_string(),
        };
        case_parts::insert_change(tx, right, &row).await?;
        Ok(())
    }

    pub(crate) async fn changes_since(
        &self,
        tx: &mut Conn,
        case: CaseId,
        since: i64,
        with_old: bool,
    ) -> Result<Vec<ChangeView>> {
        let c = self.cipher();
        case_parts::list_changes(tx, case, since)
            .await?
            .into_iter()
            .map(|r| {
                Ok(ChangeView {
                    version: r.version,
                    at: r.at,
                    user_name: r.user_name,
                    old_value: if with_old {
                        c.decrypt_opt(
                            r.old_value.as_deref(),
                            &sealed::CASE_CHANGES_OLD_VALUE.of(&r.id),
                        )?
                    } else {
                        None
                    },
                    new_value: c.decrypt_opt(
                        r.new_value.as_deref(),
                        &sealed::CASE_CHANGES_NEW_VALUE.of(&r.id),
                    )?,
                    field: r.field,
                })
            })
            .collect()
    }

    /// The field-level history of a case, newest first. Previous values only for those allowed.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn case_history(
        &self,
        p: &Principal,
        id: CaseId,
        origin: &Origin,
    ) -> Result<Vec<ChangeView>> {
        let tx = self.db.begin_snapshot().await?;
        let mut tx = self.gate(tx, p, id, origin).await?;
        let reader = tx.cap();
        let changes = self
            .changes_since(&mut tx, id, 0, reader.may_see_previous_values())
            .await?;
        let ev = Event::new(Action::CaseHistoryViewed).target("case", id);
        tx.finish(self, ev).await?;
        Ok(changes)
    }

    // ---- status, assignment ----

    /// Closes a case with a reason (`hvn_ClosureReason`) and an optional note. `referred` closes
    /// it as ClosedReferred (handed to another organisation).
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn close_case(
        &self,
        p: &Principal,
        id: CaseId,
        reason: &str,
        note: &str,
        referred: bool,
        origin: &Origin,
    ) -> Result<()> {
        let reason = reference::HVN_CLOSURE_REASON
            .parse(reason.trim())
            .map_err(|_| CoreError::invalid("closure_reason", "error-required"))?;
        if note.chars().count() > 4000 {
            return Err(CoreError::invalid("closure_note", "error-too-long"));
        }
        let status = if referred {
            CaseStatus::ClosedReferred
        } else {
            CaseStatus::Closed
        };
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write_any(tx, p, id, origin).await?;
        let c = cases::get_case(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if !haven_domain::record::may_close(c.status) {
            return Err(CoreError::invalid("status", "error-already-closed"));
        }
        let t = self.now();
        let sealed = self
            .cipher()
            .encrypt_opt(opt(note), &sealed::CASES_CLOSURE_NOTE.of(id));
        let w = tx.cap();
        cases::set_closure(&mut tx, &w, status, Some(reason), sealed.as_deref(), t).await?;
        self.status_change(&mut tx, &c, &w, t, status, Some(reason))
            .await?;
        let ev = Event::new(Action::CaseClosed)
            .details(serde_json::json!({"status": status.as_str(), "reason": reason}));
        tx.commit(self, ev, t).await?;
        Ok(())
    }

    /// Reopens a closed case; the reason is required and kept as a note.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn reopen_case(
        &self,
        p: &Principal,
        id: CaseId,
        reason: &str,
        origin: &Origin,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(CoreError::invalid("reopen_reason", "error-required"));
        }
        if reason.chars().count() > 4000 {
            return Err(CoreError::invalid("reopen_reason", "error-too-long"));
        }
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write_any(tx, p, id, origin).await?;
        let c = cases::get_case(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if !haven_domain::record::may_reopen(c.status) {
            return Err(CoreError::invalid("status", "error-not-closed"));
        }
        let t = self.now();
        let w = tx.cap();
        cases::set_closure(&mut tx, &w, CaseStatus::Active, None, None, t).await?;
        self.status_change(&mut tx, &c, &w, t, CaseStatus::Active, None)
            .await?;
        self.insert_note(&mut tx, &w, p.user_id, reason, t).await?;
        let ev = Event::new(Action::CaseReopened);
        tx.commit(self, ev, t).await?;
        Ok(())
    }

    async fn status_change(
        &self,
        tx: &mut Conn,
        c: &CaseRow,
        w: &CaseWriter<'_>,
        t: i64,
        status: CaseStatus,
        reason: Option<&str>,
    ) -> Result<()> {
        let v = c.version + 1;
        cases::bump_version(tx, w, c.version, t).await?;
        self.record_change(
            tx,
            w,
            v,
            t,
            Some(w.principal().user_id),
            "status",
            c.status.as_str(),
            status.as_str(),
        )
        .await?;
        if reason.is_some() || c.closure_reason.is_some() {
            self.record_change(
                tx,
                w,
                v,
                t,
                Some(w.principal().user_id),
                "closure_reason",
                c.closure_reason.as_deref().unwrap_or(""),
                reason.unwrap_or(""),
            )
            .await?;
        }
        Ok(())
    }

    /// Assigns the case worker (or clears the assignment). The assignee must be an active
    /// member of the owning agency who handles cases.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn assign_case(
        &self,
        p: &Principal,
        id: CaseId,
        user: Option<UserId>,
        origin: &Origin,
    ) -> Result<()> {
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        if !w.may_assign() {
            return tx.refuse(self, "assign_denied").await;
        }
        let c = cases::get_case(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let mut new_name = String::new();
        if let Some(u) = user {
            let row = haven_store::users::by_id(&mut tx, u).await?;
            let ok = row.as_ref().is_some_and(|r| {
                !r.disabled
                    && r.agency_id == c.owner_agency_id
                    && haven_authz::roles::handles_cases(r.role)
            });
            if !ok {
                return Err(CoreError::invalid("assigned_user", "error-assignee"));
            }
            new_name = row.map(|r| r.display_name).unwrap_or_default();
        }
        let old_name = match c.assigned_user_id {
            Some(u) => haven_store::users::by_id(&mut tx, u)
                .await?
                .map(|r| r.display_name)
                .unwrap_or_default(),
            None => String::new(),
        };
        let t = self.now();
        cases::set_assigned(&mut tx, &w, user, t).await?;
        cases::bump_version(&mut tx, &w, c.version, t).await?;
        self.record_change(
            &mut tx,
            &w,
            c.version + 1,
            t,
            Some(p.user_id),
            "assigned_user",
            &old_name,
            &new_name,
        )
        .await?;
        let ev = Event::new(Action::CaseAssigned)
            .details(serde_json::json!({"assigned_user_id": user.map(|u| u.to_string())}));
        tx.commit(self, ev, t).await?;
        Ok(())
    }

    /// Who a case may be assigned to: active staff of the owning agency who handle cases.
    #[tracing::instrument(skip_all)]
    pub async fn assignable_users(&self, owner: AgencyId) -> Result<Vec<(UserId, String)>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(haven_store::users::list(&mut conn)
            .await?
            .into_iter()
            .filter(|u| {
                !u.disabled && u.agency_id == owner && haven_authz::roles::handles_cases(u.role)
            })
            .map(|u| (u.id, u.display_name))
            .collect())
    }

    pub(crate) async fn insert_note(
        &self,
        tx: &mut Conn,
        w: &CaseWriter<'_>,
        author: UserId,
        body: &str,
        at: i64,
    ) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        let row = case_parts::NoteRow {
            body: self
                .cipher()
                .encrypt(body, &sealed::CASE_NOTES_BODY.of(&id)),
            id: id.clone(),
            case_id: w.case(),
            author_user_id: author,
            author_name: String::new(),
            created_at: at,
        };
        case_parts::insert_note(tx, w, &row).await?;
        Ok(id)
    }
}

/// Checks the search filters and turns them into a storage query.
pub(crate) fn search_query(s: &CaseSearch) -> Result<CaseQuery> {
    let status = opt(&s.status)
        .map(|v| v.parse::<CaseStatus>().map_err(code_error("status")))
        .transpose()?;
    let case_number = opt(&s.case_number)
        .map(|v| {
            CaseNumber::parse(v)
                .map(|n| n.to_string())
                .map_err(|_| CoreError::invalid("case_number", "error-bad-characters"))
        })
        .transpose()?;
    let nationality = opt(&s.nationality)
        .map(|v| {
            reference::country(v)
                .map(|c| c.alpha2.to_string())
                .ok_or(CoreError::invalid("nationality", "error-unknown-code"))
        })
        .transpose()?;
    let agency = opt(&s.agency)
        .map(|v| {
            v.parse::<AgencyId>()
                .map_err(|_| CoreError::invalid("agency", "error-unknown-code"))
        })
        .transpose()?;
    let region = opt(&s.region)
        .map(|v| {
            Region::parse(v)
                .map(|r| r.code.to_string())
                .map_err(code_error("region"))
        })
        .transpose()?;
    let exploitation_type = opt(&s.exploitation_type)
        .map(|v| {
            reference::VIC_TYPE_OF_EXPLOITATION
                .parse(v)
                .map(str::to_string)
                .map_err(code_error("exploitation_type"))
        })
        .transpose()?;
    let date = |field: &'static str, v: &str| {
        opt(v)
            .map(|d| parse_date(d).ok_or(CoreError::invalid(field, "error-date")))
            .transpose()
    };
    let opened_from = date("opened_from", &s.opened_from)?.map(day_start);
    let opened_before =
        date("opened_to", &s.opened_to)?.map(|d| day_start(d.next_day().unwrap_or(d)));
    Ok(CaseQuery {
        status,
        case_number,
        nationality,
        agency,
        region,
        exploitation_type,
        opened_from,
        opened_before,
        high_risk: s.high_risk,
        ..Default::default()
    })
}

impl Haven {
    /// Lists (and searches) the cases the user may see. The search is audited without its text:
    /// which filters were used, and which cases were shown.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn list_cases(
        &self,
        cap: CaseList<'_>,
        s: &CaseSearch,
        origin: &Origin,
    ) -> Result<CasePage> {
        let per_page = if s.per_page <= 0 {
            25
        } else {
            s.per_page.min(200)
        };
        // Bounded so the offset arithmetic cannot overflow, whatever a client sends.
        let page = s.page.clamp(1, 1_000_000);
        let mut q = search_query(s)?;
        q.name_digests = opt(&s.name)
            .map(|n| self.blind.search_groups(n))
            .unwrap_or_default();
        // One more than a page, to know whether another follows.
        q.limit = per_page + 1;
        q.offset = (page - 1) * per_page;
        if let Some(after) = crate::support::cursor::parse(&s.cursor)? {
            q.after = Some(after);
            q.offset = 0;
        }
        let filters: Vec<&str> = [
            ("name", !q.name_digests.is_empty()),
            ("case_number", q.case_number.is_some()),
            ("status", q.status.is_some()),
            ("nationality", q.nationality.is_some()),
            ("agency", q.agency.is_some()),
            ("region", q.region.is_some()),
            ("exploitation_type", q.exploitation_type.is_some()),
            ("opened_from", q.opened_from.is_some()),
            ("opened_to", q.opened_before.is_some()),
            ("high_risk", q.high_risk),
        ]
        .into_iter()
        .filter(|f| f.1)
        .map(|f| f.0)
        .collect();
        let (mut rows, total) = {
            let mut conn = self.db.pool().acquire().await?;
            cases::list(&mut conn, cap.scope(), &q).await?
        };
        let next_cursor = (rows.len() as i64 > per_page)
            .then(|| {
                rows.truncate(per_page as usize);
                rows.last()
                    .map(|r| crate::support::cursor::encode(r.opened_at, &r.case_number))
            })
            .flatten();
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let first = self.cipher().decrypt_opt(
                r.first_name.as_deref(),
                &sealed::PERSONS_FIRST_NAME.of(r.person_id),
            )?;
            let last = self.cipher().decrypt_opt(
                r.last_name.as_deref(),
                &sealed::PERSONS_LAST_NAME.of(r.person_id),
            )?;
            items.push(CaseListItem {
                id: r.id,
                case_number: r.case_number,
                status: r.status,
                owner_agency_name: r.owner_agency_name,
                region: r.region,
                opened_at: r.opened_at,
                person_name: [first, last]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
        let action = if filters.is_empty() {
            Action::CaseListed
        } else {
            Action::CaseSearched
        };
        // Codes are not personal data; the name and number typed are never stored.
        let ev = Event::new(action).details(serde_json::json!({
            "filters": filters,
            "status": q.status.map(|s| s.as_str()),
            "nationality": q.nationality,
            "region": q.region,
            "exploitation_type": q.exploitation_type,
            "page": page,
            "shown": items.len(),
            "case_ids": items.iter().map(|i| i.id.to_string()).collect::<Vec<_>>(),
        }));
        self.record_read(&actor(cap.principal(), origin), ev)
            .await?;
        // Only filtered counts stop at the cap (see `cases::list`).
        let more = !filters.is_empty() && total > cases::COUNT_CAP;
        let total = if more { cases::COUNT_CAP } else { total };
        let mut pages = ((total + per_page - 1) / per_page).max(1);
        if more && items.len() as i64 == per_page {
            // Beyond the counted thousand, one more page at a time.
            pages = pages.max(page + 1);
        }
        Ok(CasePage {
            items,
            total,
            more,
            page,
            pages,
            next_cursor,
        })
    }

    /// How many cases the user may see: a number only, nothing about any case, so not audited.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn count_cases(&self, cap: CaseList<'_>) -> Result<i64> {
        let mut conn = self.db.pool().acquire().await?;
        let q = CaseQuery {
            limit: 1,
            ..Default::default()
        };
        Ok(cases::list(&mut conn, cap.scope(), &q).await?.1)
    }

    /// How many open cases the user may see are at high or critical risk (a count only).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn count_high_risk(&self, cap: CaseList<'_>) -> Result<i64> {
        let mut conn = self.db.pool().acquire().await?;
        let q = CaseQuery {
            limit: 1,
            high_risk: true,
            ..Default::default()
        };
        Ok(cases::list(&mut conn, cap.scope(), &q).await?.1)
    }

    /// The number of a case the user may read (for page titles; the page's own read is audited).
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn case_number(&self, p: &Principal, id: CaseId) -> Result<String> {
        let mut conn = self.db.pool().acquire().await?;
        let facts = cases::access_facts(&mut conn, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        p.read_case(id, &facts).ok_or(CoreError::NotFound)?;
        Ok(cases::get_case(&mut conn, id)
            .await?
            .ok_or(CoreError::NotFound)?
            .case_number)
    }

    /// Agency ids and names, for pickers (search filter, transfer target). Not personal data.
    #[tracing::instrument(skip_all)]
    pub async fn agency_names(&self) -> Result<Vec<(AgencyId, String)>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(haven_store::agencies::list(&mut conn)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect())
    }

    /// Agency names by id (for views that name agencies).
    pub(crate) async fn agency_map(&self) -> Result<std::collections::BTreeMap<AgencyId, String>> {
        Ok(self.agency_names().await?.into_iter().collect())
    }

    /// Every case id (for tests and the authorization walk); not exposed to users.
    #[tracing::instrument(skip_all)]
    pub async fn all_case_ids(&self) -> Result<Vec<CaseId>> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM cases ORDER BY id")
            .fetch_all(self.db.pool())
            .await?;
        ids.iter()
            .map(|s| s.parse().map_err(CoreError::internal))
            .collect()
    }

    /// Whether the principal may read the case, without reading or auditing it (tests only).
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn may_read_case(&self, p: &Principal, id: CaseId) -> Result<bool> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(cases::access_facts(&mut conn, id)
            .await?
            .is_some_and(|f| p.read_case(id, &f).is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_filters_are_checked_and_canonicalised() {
        let q = search_query(&CaseSearch {
            nationality: "ven".into(),
            region: "GY-CU".into(),
            exploitation_type: "ForcedLabour".into(),
            opened_from: "2026-01-01".into(),
            opened_to: "2026-01-31".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(q.nationality.as_deref(), Some("VE"));
        assert_eq!(
            q.opened_before.unwrap() - q.opened_from.unwrap(),
            31 * 86_400
        );
        for (bad, field) in [
            (
                CaseSearch {
                    nationality: "Narnia".into(),
                    ..Default::default()
                },
                "nationality",
            ),
            (
                CaseSearch {
                    opened_from: "01/02/2026".into(),
                    ..Default::default()
                },
                "opened_from",
            ),
            (
                CaseSearch {
                    exploitation_type: "Mining".into(),
                    ..Default::default()
                },
                "exploitation_type",
            ),
        ] {
            let Err(CoreError::Invalid(e)) = search_query(&bad) else {
                panic!("{field} must be refused")
            };
            assert_eq!(e[0].field, field);
        }
    }
}
