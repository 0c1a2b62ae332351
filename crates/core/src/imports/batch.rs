//! The writes of one batch of a commit, many rows per statement. Each row becomes exactly what
//! registering it one at a time would leave (its person sealed and indexed, its case numbered,
//! sealed and coded, the status the file gives it with that change's history, its
//! `case.imported` event), but the batch's persons, digests, cases, codes, changes, keys and
//! events go in a few multi-row inserts, and its case numbers and audit chain move once: a row
//! costs a fraction of a statement instead of some forty.
use std::collections::BTreeMap;

use haven_audit::{Action, Actor, Event};
use haven_authz::CaseImport;
use haven_domain::{CaseId, CaseStatus, PersonId};
use haven_interchange::ImportRow;
use haven_store::Conn;
use haven_store::case_parts::{self, ChangeRow};
use haven_store::cases;

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

impl Haven {
    /// Writes `rows` in `tx` and ends with their events (the audit chain's head is taken last,
    /// so the transaction holds it only until its commit). Returns each row's case, in order.
    pub(super) async fn write_import_batch(
        &self,
        tx: &mut Conn,
        cap: &CaseImport<'_>,
        import_id: &str,
        rows: &[Planned<'_>],
        actor: &Actor,
    ) -> Result<Vec<CaseId>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let p = cap.principal();
        let now = self.now();
        // A case is not opened in the future, whatever its file says.
        let opened: Vec<i64> = rows
            .iter()
            .map(|r| r.row.opened_at().map(|t| t.min(now)).unwrap_or(now))
            .collect();
        // Numbers: one run per year's counter, handed out in the rows' order (as one at a
        // time would).
        let counters: Vec<(i32, String)> = opened.iter().map(|t| self.case_counter(*t)).collect();
        let mut next: BTreeMap<&str, i64> = BTreeMap::new();
        for (_, key) in &counters {
            *next.entry(key.as_str()).or_default() += 1;
        }
        for (key, n) in next.iter_mut() {
            let last = cases::next_numbers(tx, key, *n).await?;
            *n = last - *n + 1;
        }

        let mut persons = Vec::new();
        let mut digests = Vec::new();
        let mut case_rows = Vec::with_capacity(rows.len());
        let mut changes = Vec::new();
        let mut events = Vec::with_capacity(rows.len());
        for (i, plan) in rows.iter().enumerate() {
            let (row, at) = (plan.row, opened[i]);
            if plan.new_person {
                let person = &row.record.person;
                persons.push(self.person_row(plan.person, person, 1, at, at)?);
                let d = self.name_digests(person);
                digests.push((plan.person, d.words, d.prefixes));
            }
            let (year, key) = &counters[i];
            let seq = next.get_mut(key.as_str()).map(|s| {
                *s += 1;
                *s - 1
            });
            let number = self.case_number_of(*year, seq.unwrap_or_default());
            let case_id = CaseId::new();
            let mut case = self.new_case_row(
                case_id,
                number,
                (p.agency_id, p.user_id, plan.person),
                &row.record,
                at,
            );
            self.imported_status(&mut case, row, p.user_id, now, &mut changes);
            case_rows.push(case);
            events.push(
                Event::new(Action::CaseImported)
                    .target("case", case_id)
                    .details(serde_json::json!({"import_id": import_id, "line": row.line})),
            );
        }
        let codes: Vec<(CaseId, &str, &str)> = rows
            .iter()
            .zip(&case_rows)
            .flat_map(|(plan, case)| {
                plan.row
                    .record
                    .victim
                    .multi_codes()
                    .into_iter()
                    .flat_map(move |(field, list)| {
                        list.iter().map(move |code| (case.id, field, code.as_str()))
                    })
            })
            .collect();
        let keys: Vec<(String, CaseId)> = rows
            .iter()
            .zip(&case_rows)
            .map(|(plan, case)| (plan.digest.clone(), case.id))
            .collect();

        cases::insert_persons(tx, &persons).await?;
        cases::insert_name_digests(tx, &digests).await?;
        cases::insert_cases(tx, &case_rows).await?;
        cases::insert_codes(tx, &codes).await?;
        case_parts::insert_imported_changes(tx, cap, &changes).await?;
        haven_store::imports::insert_keys(tx, p.agency_id, import_id, &keys).await?;
        haven_audit::record_many(tx, self.audit_keys(), actor, events, now).await?;
        Ok(case_rows.iter().map(|c| c.id).collect())
    }

    /// The status a file gives a case (closed, follow-up), set on its new row as a user's
    /// change at `now` would leave it: version 2, and that change's history in `changes`.
    fn imported_status(
        &self,
        case: &mut cases::CaseRow,
        row: &ImportRow,
        user: haven_domain::UserId,
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
