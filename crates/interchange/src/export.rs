//! Case records out as rows of a case spreadsheet, in the columns of [`crate::COLUMNS`], so that
//! a file Haven writes comes back through its own import unchanged: codes as the standard names
//! them (or their labels, for people to read), several values joined by `; `, ISO dates, yes as
//! `TRUE`, identity documents as `Type:CC:Number`.
use haven_domain::CaseStatus;
use haven_domain::record::CaseRecord;

use crate::columns::{COLUMNS, Column};

/// The name of the case-number column: written on export, not read back (a case imported
/// elsewhere gets that register's own number).
pub const CASE_NUMBER: &str = "hvn_CaseNumber";

/// Turns a picklist code of a field into its label: `(field, code) → label`.
pub type Labeller<'a> = &'a (dyn Fn(&str, &str) -> String + Sync);

/// A case as exported.
pub struct ExportCase<'a> {
    pub case_number: &'a str,
    pub record: &'a CaseRecord,
    pub status: CaseStatus,
    pub closure_reason: &'a str,
    pub closure_note: &'a str,
}

/// The columns of an export: every column, or only those without personal data.
pub fn columns(personal: bool) -> Vec<&'static Column> {
    COLUMNS.iter().filter(|c| personal || !c.personal).collect()
}

/// A field's value as written. `label` turns a picklist code into its label (for files people
/// read); `None` keeps codes.
pub fn value(c: &ExportCase<'_>, field: &str, label: Option<Labeller<'_>>) -> String {
    let p = &c.record.person;
    let v = &c.record.victim;
    let cs = &c.record.case;
    let code = |f: &str, x: &str| match (label, x.is_empty()) {
        (Some(l), false) => l(f, x),
        _ => x.to_string(),
    };
    let codes =
        |f: &str, xs: &[String]| xs.iter().map(|x| code(f, x)).collect::<Vec<_>>().join("; ");
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let flag = |b: bool| if b { "TRUE".to_string() } else { String::new() };
    match field {
        "first_name" => p.first_name.clone(),
        "middle_name" => p.middle_name.clone(),
        "second_name" => p.second_name.clone(),
        "also_known_as" => p.also_known_as.clone(),
        "birth_date" => p.birth_date.clone(),
        "assessed_age" => num(p.assessed_age),
        "age_uncertain" => flag(p.age_uncertain),
        "gender" => code(field, &p.gender),
        "citizenship" => p.citizenship.join("; "),
        "primary_language" => p.primary_language.clone(),
        "secondary_language" => p.secondary_language.clone(),
        "marital_status" => code(field, &p.marital_status),
        "number_of_children" => num(p.number_of_children),
        "highest_level_of_education" => code(field, &p.highest_level_of_education),
        "deceased" => flag(p.deceased),
        "identity_documents" => p
            .identity_documents
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}",
                    d.document_type, d.issuing_country, d.document_number
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        "email" => p.email.clone(),
        "home_phone" => p.home_phone.clone(),
        "mobile_phone" => p.mobile_phone.clone(),
        "mailing_country" => p.mailing_country.clone(),
        "mailing_state" => p.mailing_state.clone(),
        "mailing_city" => p.mailing_city.clone(),
        "mailing_street" => p.mailing_street.clone(),
        "mailing_postal_code" => p.mailing_postal_code.clone(),
        "trafficking_status" => code(field, &v.trafficking_status),
        "trafficking_status_decision_org" => code(field, &v.trafficking_status_decision_org),
        "relationship_to_trafficker" => code(field, &v.relationship_to_trafficker),
        "age_when_trafficked" => num(v.age_when_trafficked),
        "method_of_recruitment" => codes(field, &v.method_of_recruitment),
        "recruitment_websites_and_apps" => codes(field, &v.recruitment_websites_and_apps),
        "methods_of_control" => codes(field, &v.methods_of_control),
        "type_of_exploitation" => codes(field, &v.type_of_exploitation),
        "forced_labour_industry" => code(field, &v.forced_labour_industry),
        "type_of_sex_exploitation" => codes(field, &v.type_of_sex_exploitation),
        "exploitation_websites_and_apps" => codes(field, &v.exploitation_websites_and_apps),
        "vulnerabilities" => codes(field, &v.vulnerabilities),
        "region" => cs.region.clone(),
        "risk_level" => code(field, &cs.risk_level),
        "referral_source" => code(field, &cs.referral_source),
        "referring_organisation" => cs.referring_organisation.clone(),
        "referral_date" => cs.referral_date.clone(),
        "reason_for_incoming_referral" => code(field, &cs.reason_for_incoming_referral),
        "summary" => cs.summary.clone(),
        "status" => code(field, c.status.as_str()),
        "closure_reason" => code(field, c.closure_reason),
        "closure_note" => c.closure_note.to_string(),
        _ => String::new(),
    }
}

/// One case as a row of `columns`, after its case number.
pub fn row(c: &ExportCase<'_>, columns: &[&Column], label: Option<Labeller<'_>>) -> Vec<String> {
    let mut out = Vec::with_capacity(columns.len() + 1);
    out.push(c.case_number.to_string());
    out.extend(columns.iter().map(|col| value(c, col.field, label)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Headers, Options, Vocabulary, read_file};
    use haven_domain::record::IdentityDocument;
    use haven_i18n::{I18n, Lang};
    use std::ops::ControlFlow;
    use time::macros::date;

    fn sample() -> CaseRecord {
        let mut r = CaseRecord::default();
        let p = &mut r.person;
        p.first_name = "Łucja".into();
        p.second_name = "Núñez".into();
        p.birth_date = "2004-02-29".into();
        p.gender = "Feminine".into();
        p.citizenship = vec!["VE".into(), "GY".into()];
        p.primary_language = "spa".into();
        p.marital_status = "Single".into();
        p.number_of_children = Some(1);
        p.identity_documents = vec![IdentityDocument {
            document_type: "Passport".into(),
            document_number: "A 123".into(),
            issuing_country: "VE".into(),
        }];
        p.mobile_phone = "+592 600 1234".into();
        p.mailing_country = "GY".into();
        p.mailing_state = "GY-CU".into();
        p.mailing_city = "Bartica".into();
        let v = &mut r.victim;
        v.trafficking_status = "PossibleVictimOfTrafficking".into();
        v.type_of_exploitation = vec!["ForcedLabour".into(), "SexualExploitation".into()];
        v.methods_of_control = vec!["DebtBondage".into(), "WithholdsDocuments".into()];
        v.forced_labour_industry = "B_MiningAndQuarrying".into();
        v.age_when_trafficked = Some(16);
        r.case.region = "GY-CU".into();
        r.case.risk_level = "High".into();
        r.case.referral_date = "2025-01-31".into();
        r.case.summary = "=Found at a mining camp, line one.\nLine two.".into();
        r
    }

    /// Written with codes or with labels in any language, then read by the import: the same.
    #[test]
    fn a_written_case_reads_back_the_same() {
        let i18n = I18n::load().unwrap();
        let headers = Headers::new(&i18n);
        let vocab = Vocabulary::new(&i18n);
        let mut record = sample();
        record.normalise(date!(2026 - 12 - 07)).unwrap();
        let case = ExportCase {
            case_number: "GY-2026-000001",
            record: &record,
            status: CaseStatus::Closed,
            closure_reason: "Returned",
            closure_note: "Went home.",
        };
        let cols = columns(true);
        for lang in [None, Some(Lang::En), Some(Lang::Fr), Some(Lang::Es)] {
            let label_of = |f: &str, code: &str| {
                let list = crate::values::picklist_of(f).expect("a picklist field");
                i18n.t(lang.unwrap_or(Lang::En), &list.label_key(code))
            };
            let label: Option<Labeller<'_>> = match lang {
                Some(_) => Some(&label_of),
                None => None,
            };
            let mut header = vec![CASE_NUMBER.to_string()];
            header.extend(cols.iter().map(|c| c.name.to_string()));
            let rows = vec![row(&case, &cols, label)];
            for bytes in [
                crate::write::csv(&header, &rows).unwrap(),
                crate::write::xlsx(&header, &rows).unwrap(),
            ] {
                let options = Options {
                    today: date!(2026 - 12 - 07),
                    default_region: None,
                    mapping: None,
                };
                let mut got = Vec::new();
                read_file(&bytes, &headers, &vocab, options, |r| {
                    got.push(r);
                    ControlFlow::Continue(())
                })
                .unwrap();
                assert_eq!(got.len(), 1);
                assert!(got[0].is_ok(), "{lang:?}: {:?}", got[0].problems);
                assert_eq!(got[0].record, record, "{lang:?}");
                assert_eq!(got[0].status, CaseStatus::Closed);
                assert_eq!(got[0].closure_reason, "Returned");
                assert_eq!(got[0].closure_note, "Went home.");
            }
        }
    }

    #[test]
    fn without_personal_data_no_personal_column_is_written() {
        let cols = columns(false);
        assert!(cols.iter().all(|c| !c.personal));
        assert!(
            !cols
                .iter()
                .any(|c| c.field == "first_name" || c.field == "summary")
        );
    }
}
