//! The writes of one batch of a commit, many rows per statement. Each row becomes exactly what
//! registering it one at a time would leave (its person sealed and indexed, its case numbered,
//! sealed and coded, the status the file gives it with that change's history, its
//! `case.imported` event), but the batch's persons, digests, cases, codes, changes, keys and
//! events go in a few multi-row inserts, and its case numbers and audit chain move once: a row
//! costs a fraction of a statement instead of some forty.
//!
//! A batch is first *prepared* (sealed, digested: work for the processor only) and then
//! *written*; the commit prepares the next batch while the database writes the last one.
use std::collections::BTreeMap;

use haven_audit::{Action, Actor, Event};
use haven_authz::CaseImport;
use haven_domain::{AgencyId, CaseId, CaseStatus, PersonId, UserId};
use haven_interchange::ImportRow;
use haven_store::Conn;
use haven_store::case_parts::{self, ChangeRow};
use haven_store::cases::{self, CaseRow, PersonRow};

use crate::sealed;
use crate::support::opt;
use crate::{Haven, Result};

/// A row the commit will write.
pub(super) struct Planned<'r> {
    pub(super) row: &'r ImportRow,
    /// The row's keyed identity (`import_keys`).
    pub(super) digest: String,
    pub(super) person: PersonId,
    /// The row brings its person; else an earlier row of the file did.
    pub(super) new_person: bool,
}

/// A batch sealed and digested, ready to write: everything but its case numbers and the
/// audit chain's links, which only the writing transaction can take.
pub(super) struct Prepared {
    persons: Vec<PersonRow>,
    digests: Vec<(PersonId, Vec<String>, Vec<String>)>,
    /// Without their numbers yet.
    cases: Vec<CaseRow>,
    /// Each case's year and the counter its number comes from.
    counters: Vec<(i32, String)>,
    codes: Vec<(CaseId, &'static str, String)>,
    changes: Vec<ChangeRow>,
    keys: Vec<(String, CaseId)>,
    events: Vec<Event>,
    now: i64,
    /// Rows of the file read up to the end of this batch (for the progress shown).
    pub(super) rows_through: usize,
}

impl Haven {
    /// Seals and digests `rows` for [`Haven::write_prepared`], as cases of `agency` created
    /// by `user` (no database work).
    pub(super) fn prepare_import_batch(
        &self,
        (agency, user): (AgencyId, UserId),
        import_id: &str,
        rows: &[Planned<'_>],
        rows_through: usize,
    ) -> Result<Prepared> {
        let now = self.now();
        let mut b = Prepared {
            persons: Vec::new(),
            digests: Vec::new(),
            cases: Vec::with_capacity(rows.len()),
            counters: Vec::with_capacity(rows.len()),
            codes: Vec::new(),
            changes: Vec::new(),
            keys: Vec::with_capacity(rows.len()),
            events: Vec::with_capacity(rows.len()),
            now,
            rows_through,
        };
        for plan in rows {
            let row = plan.row;
            // A case is not opened in the future, whatever its file says.
            let at = row.opened_at().map(|t| t.min(now)).unwrap_or(now);
            if plan.new_person {
                let person = &row.record.person;
                b.persons
                    .push(self.person_row(plan.person, person, 1, at, at)?);
                let d = self.name_digests(person);
                b.digests.push((plan.person, d.words, d.prefixes));
            }
            let case_id = CaseId::new();
            let mut case = self.new_case_row(
                case_id,
                String::new(),
                (agency, user, plan.person),
                &row.record,
                at,
            );
            self.imported_status(&mut case, row, user, now, &mut b.changes);
            for (field, list) in row.record.victim.multi_codes() {
                b.codes
                    .extend(list.iter().map(|code| (case_id, field, code.clone())));
            }
            b.counters.push(self.case_counter(at));
            b.keys.push((plan.digest.clone(), case_id));
            b.cases.push(case);
            b.events.push(
                Event::new(Action::CaseImported)
                    .target("case", case_id)
                    .details(serde_json::json!({"import_id": import_id, "line": row.line})),
            );
        }
        Ok(b)
    }

    /// Writes a prepared batch in `tx`, numbering its cases (in the rows' order, as one at a
    /// time would) and ending with their events (the audit chain's head is taken last, so the
    /// transaction holds it only until its commit). Returns the number of cases written.
    pub(super) async fn write_prepared(
        &self,
        tx: &mut Conn,
        cap: &CaseImport<'_>,
        import_id: &str,
        mut b: Prepared,
        actor: &Actor,
    ) -> Result<usize> {
        if b.cases.is_empty() {
            return Ok(0);
        }
        // One run of numbers per year's counter.
        let mut next: BTreeMap<&str, i64> = BTreeMap::new();
        for (_, key) in &b.counters {
            *next.entry(key.as_str()).or_default() += 1;
        }
        for (key, n) in next.iter_mut() {
            let last = cases::next_numbers(tx, key, *n).await?;
            *n = last - *n + 1;
        }
        for (case, (year, key)) in b.cases.iter_mut().zip(&b.counters) {
            let seq = next.get_mut(key.as_str()).map(|s| {
                *s += 1;
                *s - 1
            });
            case.case_number = self.case_number_of(*year, seq.unwrap_or_default());
        }
        let codes: Vec<(CaseId, &str, &str)> = b
            .codes
            .iter()
            .map(|(case, field, code)| (*case, *field, code.as_str()))
            .collect();
        let p = cap.principal();
        cases::insert_persons(tx, &b.persons).await?;
        cases::insert_name_digests(tx, &b.digests).await?;
        cases::insert_cases(tx, &b.cases).await?;
        cases::insert_codes(tx, &codes).await?;
        case_parts::insert_imported_changes(tx, cap, &b.changes).await?;
        haven_store::imports::insert_keys(tx, p.agency_id, import_id, &b.keys).await?;
        let n = b.cases.len();
        haven_audit::record_many(tx, self.audit_keys(), actor, b.events, b.now).await?;
        Ok(n)
    }

    /// The status a file gives a case (closed, follow-up), set on its new row as a user's
    /// change at `now` would leave it: version 2, and that change's history in `changes`.
    fn imported_status(
        &self,
        case: &mut CaseRow,
        row: &ImportRow,
        user: UserId,
        now: i64,
        changes: &mut Vec<ChangeRow>,
    ) {
        let closed = matches!(row.status, CaseStatus::Closed | CaseStatus::ClosedReferred);
        if !closed && row.status != CaseStatus::FollowUp {
            return;
        }
        case.status = row.status;
        case.updated_at = now;
        case.version = 2;
        let case_id = case.id;
        let mut change = |field: &str, before: &str, after: &str| {
            let id = uuid::Uuid::now_v7().to_string();
            let c = self.cipher();
            changes.push(ChangeRow {
                old_value: c.encrypt_opt(opt(before), &sealed::CASE_CHANGES_OLD_VALUE.of(&id)),
                new_value: c.encrypt_opt(opt(after), &sealed::CASE_CHANGES_NEW_VALUE.of(&id)),
                id,
                case_id,
                version: 2,
                at: now,
                user_id: Some(user),
                user_name: None,
                field: field.to_string(),
            });
        };
        change("status", "Active", row.status.as_str());
        if closed {
            change("closure_reason", "", &row.closure_reason);
            case.closed_at = Some(now);
            case.closure_reason = Some(row.closure_reason.clone());
            case.closure_note = self.cipher().encrypt_opt(
                opt(&row.closure_note),
                &sealed::CASES_CLOSURE_NOTE.of(case.id),
            );
        }
    }
}
