//! People (the `prs_` record on its own) and the subject access report.
//!
//! A person is reached through their cases: a user sees a person only if they may read at least
//! one of that person's cases, and edits need write access to one. The report gathers everything
//! Haven holds about a person, with the log of who saw it (IOM data protection principle 7).
use haven_audit::{Action, Event};
use haven_authz::{PersonWriter, Principal};
use haven_domain::record::PersonData;
use haven_domain::{CaseId, CaseStatus, PersonId};
use haven_store::audit::{self, AuditFilter};
use haven_store::cases;

use crate::cases::{CaseDoc, ChangeView};
use crate::casework::CaseParts;
use crate::{CoreError, Haven, Origin, Result, actor};

#[derive(Clone, Debug)]
pub struct PersonDoc {
    pub id: PersonId,
    pub version: i64,
    pub data: PersonData,
    /// The person's cases this user may see.
    pub cases: Vec<(CaseId, String, CaseStatus)>,
}

/// One line of the access log in a subject access report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AccessLogEntry {
    pub at: i64,
    pub user_name: Option<String>,
    pub agency_name: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub outcome: String,
}

#[derive(Clone, Debug)]
pub struct SubjectAccessReport {
    pub generated_at: i64,
    pub doc: CaseDoc,
    pub parts: CaseParts,
    pub history: Vec<ChangeView>,
    pub access_log: Vec<AccessLogEntry>,
}

impl Haven {
    /// The person gate: a person is reached only through their cases, by the same rule. Gives
    /// the cases of the person this principal may read, those they may change, and the right to
    /// change the person's record (through the first case they may change).
    async fn gate_person<'p>(
        &self,
        conn: &mut haven_store::Conn,
        p: &'p Principal,
        person: PersonId,
    ) -> Result<(Vec<CaseId>, Vec<CaseId>, Option<PersonWriter<'p>>)> {
        let mut readable = Vec::new();
        let mut writable = Vec::new();
        let mut writer = None;
        for id in cases::cases_of_person(conn, person).await? {
            if let Some(f) = cases::access_facts(conn, id).await?
                && let Some(r) = p.read_case(id, &f)
            {
                readable.push(id);
                if let Some(w) = r.writer() {
                    writable.push(id);
                    writer.get_or_insert(w.person(person));
                }
            }
        }
        Ok((readable, writable, writer))
    }

    async fn deny_person(&self, p: &Principal, id: PersonId, origin: &Origin) -> Result<()> {
        let ev = Event::new(Action::CaseAccessDenied)
            .outcome("denied")
            .target("person", id);
        self.record_read(&actor(p, origin), ev).await
    }

    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn open_person(
        &self,
        p: &Principal,
        id: PersonId,
        origin: &Origin,
    ) -> Result<PersonDoc> {
        let mut tx = self.db.begin_snapshot().await?;
        let (readable, _, _) = self.gate_person(&mut tx, p, id).await?;
        if readable.is_empty() {
            tx.rollback().await?;
            self.deny_person(p, id, origin).await?;
            return Err(CoreError::NotFound);
        }
        let row = cases::get_person(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let citizenship = cases::get_citizenships(&mut tx, id).await?;
        let data = self.person_data(&row, citizenship)?;
        let mut list = Vec::new();
        for c in &readable {
            if let Some(c) = cases::get_case(&mut tx, *c).await? {
                list.push((c.id, c.case_number, c.status));
            }
        }
        tx.commit().await?;
        let ev = Event::new(Action::PersonViewed).target("person", id);
        self.record_read(&actor(p, origin), ev).await?;
        Ok(PersonDoc {
            id,
            version: row.version,
            data,
            cases: list,
        })
    }

    /// Replaces the person's record if still at `base_version`; every case of the person gets
    /// the change in its history and a new version.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn update_person(
        &self,
        p: &Principal,
        id: PersonId,
        base_version: i64,
        mut data: PersonData,
        origin: &Origin,
    ) -> Result<i64> {
        let mut tx = self.db.begin().await?;
        let (readable, writable, writer) = self.gate_person(&mut tx, p, id).await?;
        let Some(writer) = writer else {
            tx.rollback().await?;
            self.deny_person(p, id, origin).await?;
            return Err(if readable.is_empty() {
                CoreError::NotFound
            } else {
                CoreError::Forbidden
            });
        };
        let row = cases::get_person(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        // Validate as part of a whole record, so the same rules apply as in the case form.
        let first_case = cases::get_case(&mut tx, writable[0])
            .await?
            .ok_or(CoreError::NotFound)?;
        let mut record = self.load_record(&mut tx, &first_case, &row).await?;
        let old = record.clone();
        record.person = std::mem::take(&mut data);
        record.normalise(self.today()).map_err(CoreError::Invalid)?;
        if row.version != base_version {
            let ev = Event::new(Action::CaseEditConflict)
                .outcome("refused")
                .target("person", id);
            self.commit_audited(tx, &actor(p, origin), ev, self.now())
                .await?;
            return Err(CoreError::Conflict(Vec::new()));
        }
        let diff = old.diff(&record);
        if diff.is_empty() {
            tx.rollback().await?;
            return Ok(row.version);
        }
        let t = self.now();
        let new_row = self.person_row(id, &record.person, row.version + 1, row.created_at, t)?;
        if !cases::update_person(&mut tx, &writer, &new_row, row.version).await? {
            return Err(CoreError::internal("person changed inside the transaction"));
        }
        self.write_name_index(&mut tx, id, &record.person).await?;
        // The next duplicate scan looks at this person again.
        haven_store::matching::forget_undecided(&mut tx, id).await?;
        for case in cases::cases_of_person(&mut tx, id).await? {
            let c = cases::get_case(&mut tx, case)
                .await?
                .ok_or(CoreError::NotFound)?;
            // The edit reaches every case of the person: each history records it.
            let pc = writer.case(case);
            cases::bump_version(&mut tx, &pc, c.version, t).await?;
            for (field, before, after) in &diff {
                self.record_change(
                    &mut tx,
                    &pc,
                    c.version + 1,
                    t,
                    Some(p.user_id),
                    field,
                    before,
                    after,
                )
                .await?;
            }
        }
        let fields: Vec<&str> = diff.iter().map(|d| d.0).collect();
        let ev = Event::new(Action::PersonUpdated)
            .target("person", id)
            .details(serde_json::json!({"fields": fields}));
        self.commit_audited(tx, &actor(p, origin), ev, t).await?;
        Ok(row.version + 1)
    }

    /// Everything held about the person of a case, and who saw it. For coordinators and case
    /// workers who can read the case; producing it is audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn subject_access_report(
        &self,
        p: &Principal,
        id: CaseId,
        origin: &Origin,
    ) -> Result<SubjectAccessReport> {
        let tx = self.db.begin_snapshot().await?;
        let mut tx = self.gate(tx, p, id, origin).await?;
        let reader = tx.cap();
        if !reader.subject_access() {
            tx.rollback().await?;
            let ev = Event::new(Action::CaseAccessDenied)
                .outcome("subject_access_denied")
                .target("case", id);
            self.record_read(&actor(p, origin), ev).await?;
            return Err(CoreError::Forbidden);
        }
        let doc = self.read_doc(&mut tx, &reader).await?;
        let history = self.changes_since(&mut tx, id, 0, true).await?;
        let users = haven_store::users::list(&mut tx).await?;
        let agencies = haven_store::agencies::list(&mut tx).await?;
        let mut log = Vec::new();
        for target in [id.to_string(), doc.person_id.to_string()] {
            let rows = audit::search(
                &mut tx,
                &AuditFilter {
                    target_id: Some(target),
                    limit: 5000,
                    ..Default::default()
                },
            )
            .await?;
            for r in rows {
                log.push(AccessLogEntry {
                    at: r.at,
                    user_name: r.actor_user_id.and_then(|u| {
                        users
                            .iter()
                            .find(|x| x.id == u)
                            .map(|x| x.display_name.clone())
                    }),
                    agency_name: r
                        .actor_agency_id
                        .and_then(|a| agencies.iter().find(|x| x.id == a).map(|x| x.name.clone())),
                    role: r.actor_role,
                    action: r.action,
                    outcome: r.outcome,
                });
            }
        }
        log.sort_by_key(|e| std::cmp::Reverse(e.at));
        let ev = Event::new(Action::SubjectAccessReport).target("case", id);
        tx.finish(self, ev).await?;
        Ok(SubjectAccessReport {
            generated_at: self.now(),
            parts: doc.parts.clone(),
            doc,
            history,
            access_log: log,
        })
    }
}
