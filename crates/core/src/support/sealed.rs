//! Where each sealed value lives. A ciphertext is bound (as additional authenticated data) to its
//! table, column and row, so that a value copied into another column or row does not decrypt.
//! The labels are named here once: a typo in one would make data undecryptable, and a test
//! checks them against the schema's sealed columns.
use std::fmt::Display;

/// A sealed column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub table: &'static str,
    pub column: &'static str,
}

impl Column {
    /// The additional authenticated data of this column's value in row `id`.
    pub fn of(self, id: impl Display) -> String {
        format!("{}.{}:{id}", self.table, self.column)
    }
}

macro_rules! columns {
    ($($name:ident = $table:literal . $column:literal;)*) => {
        $(pub const $name: Column = Column { table: $table, column: $column };)*
        /// Every sealed column.
        pub const ALL: &[Column] = &[$($name),*];
    };
}

columns! {
    PERSONS_FIRST_NAME = "persons" . "first_name";
    PERSONS_MIDDLE_NAME = "persons" . "middle_name";
    PERSONS_LAST_NAME = "persons" . "last_name";
    PERSONS_NICKNAME = "persons" . "nickname";
    PERSONS_BIRTH_DATE = "persons" . "birth_date";
    PERSONS_PHONE = "persons" . "phone";
    PERSONS_ADDRESS = "persons" . "address";
    PERSONS_DETAILS = "persons" . "details";
    CASES_SUMMARY = "cases" . "summary";
    CASES_CLOSURE_NOTE = "cases" . "closure_note";
    CASE_NOTES_BODY = "case_notes" . "body";
    CASE_EVENTS_PLACE = "case_events" . "place";
    CASE_EVENTS_DESCRIPTION = "case_events" . "description";
    CASE_PERPETRATORS_DETAILS = "case_perpetrators" . "details";
    CASE_CHANGES_OLD_VALUE = "case_changes" . "old_value";
    CASE_CHANGES_NEW_VALUE = "case_changes" . "new_value";
    CASE_ATTACHMENTS_NAME = "case_attachments" . "name";
    CASE_ATTACHMENTS_DATA = "case_attachments" . "data";
    CASE_TRANSFERS_REASON = "case_transfers" . "reason";
    CASE_TRANSFERS_DECISION_NOTE = "case_transfers" . "decision_note";
    CASE_DRAFTS_DATA = "case_drafts" . "data";
    SCREENINGS_ANSWERS = "screenings" . "answers";
    SCREENINGS_PLACE = "screenings" . "place";
    TRAINEES_FIRST_NAME = "trainees" . "first_name";
    TRAINEES_FAMILY_NAME = "trainees" . "family_name";
    TRAINEES_POSITION = "trainees" . "position";
    TRAINEES_CONTACT = "trainees" . "contact";
    CONSENTS_GUARDIAN = "consents" . "guardian";
    CONSENTS_NOTE = "consents" . "note";
    CONSENTS_WITHDRAWN_REASON = "consents" . "withdrawn_reason";
    REFERRALS_REASON = "referrals" . "reason";
    REFERRALS_EMERGENCY_JUSTIFICATION = "referrals" . "emergency_justification";
    REFERRALS_ANSWER = "referrals" . "answer";
    CASE_SERVICES_OUTCOME = "case_services" . "outcome";
    RISK_ASSESSMENTS_SAFETY_PLAN = "risk_assessments" . "safety_plan";
    RISK_ASSESSMENTS_NOTES = "risk_assessments" . "notes";
    REFLECTION_PERIODS_EXTENSIONS = "reflection_periods" . "extensions";
    TASKS_TITLE = "tasks" . "title";
    TASKS_NOTE = "tasks" . "note";
    ASSISTANCE_PLANS_GOALS = "assistance_plans" . "goals";
    ASSISTANCE_PLANS_COMMENTS = "assistance_plans" . "comments";
    CASE_RETURNS_NOTES = "case_returns" . "notes";
    CASE_PROCEEDINGS_DETAILS = "case_proceedings" . "details";
    TIPS_BODY = "tips" . "body";
    TIPS_TRIAGE_NOTE = "tips" . "triage_note";
    USERS_TOTP_SECRET = "users" . "totp_secret";
    IDEMPOTENCY_KEYS_BODY = "idempotency_keys" . "body";
    DEVICES_SECRET = "devices" . "secret";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Byte columns of the schema that hold no value sealed under these labels: the wrapped
    /// keys (sealed under the KEK), the audit reason and the ledger's row tags (not sealed),
    /// training materials (public documents).
    const NOT_SEALED: &[(&str, &str)] = &[
        ("keyring", "wrapped"),
        ("audit_events", "reason"),
        ("release_ledger", "row_tags"),
        ("workshop_materials", "data"),
    ];

    #[test]
    fn every_label_is_a_sealed_column_of_the_schema_and_back() {
        use haven_store::dump::{Kind, TABLES};
        let bytes: Vec<(&str, &str)> = TABLES
            .iter()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .filter(|(_, ty)| matches!(ty, Kind::Blob))
                    .map(move |(c, _)| (t.name, *c))
            })
            .collect();
        for c in ALL {
            assert!(
                bytes.contains(&(c.table, c.column)),
                "{}.{} is no byte column",
                c.table,
                c.column
            );
        }
        for (t, c) in &bytes {
            if NOT_SEALED.contains(&(*t, *c)) {
                continue;
            }
            assert!(
                ALL.iter().any(|s| s.table == *t && s.column == *c),
                "{t}.{c} has no label"
            );
        }
        let mut names: Vec<String> = ALL.iter().map(|c| c.of("x")).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
