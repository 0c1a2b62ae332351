//! Rows of a file into case records. The first non-empty row names the columns; a second row of
//! labels (as in the HTCDS template) is recognised and skipped; rows with no case data (the
//! template's thousand numbered empty rows) are skipped. Each data row becomes an
//! [`ImportRow`]: the record it makes and every problem against its column.
use std::ops::ControlFlow;

use haven_domain::record::{CaseRecord, FieldError, IdentityDocument, years_between};
use haven_domain::{CaseStatus, reference};
use sha2::{Digest, Sha256};

use crate::columns::{Headers, Mapping, Target, column_of};
use crate::read::{RawRow, ReadError, SourceFormat};
use crate::values::{DateValue, Vocabulary, norm, parse_bool, parse_count, parse_date};

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 1_000_000;

/// What the file looks like, for the preview.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Haven's own or the HTCDS template: `prs_`/`vic_`/`cas_` names.
    Htcds,
    /// A KoboToolbox or ODK export of the HTCDS form (submission ids, groups).
    Collection,
    /// Another layout, read through labels or a mapping.
    Other,
}

/// One column as understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedColumn {
    pub header: String,
    pub target: Target,
}

/// The columns of a file, as understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub layout: Layout,
    pub columns: Vec<PlannedColumn>,
    /// The line of the header row (and of the labels row, if any).
    pub header_line: usize,
    pub labels_line: Option<usize>,
}

impl Plan {
    /// The header of the column that fills a field (for problems found after parsing).
    fn column_for(&self, field: &str) -> String {
        self.columns
            .iter()
            .find(|c| match c.target {
                Target::Field(f) | Target::Choice(f, _) => f == field,
                _ => false,
            })
            .map(|c| c.header.clone())
            .unwrap_or_default()
    }

    /// The mapping that reads this file as understood now (for the user to adjust and save).
    pub fn mapping(&self) -> Mapping {
        Mapping {
            haven_mapping: 1,
            columns: self
                .columns
                .iter()
                .filter(|c| !c.header.trim().is_empty())
                .map(|c| (c.header.clone(), c.target.key()))
                .collect(),
        }
    }
}

/// A problem with one value, against its field and column. The key is a Fluent message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub field: &'static str,
    /// The column's header, empty when the field has no column (a required field missing).
    pub column: String,
    pub key: &'static str,
}

/// One data row, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub line: usize,
    /// The submission id (`instanceID`, `_uuid`) if the file has one, else a digest of the
    /// row's data: what makes a second import of the same row a no-op.
    pub key: String,
    pub record: CaseRecord,
    pub status: CaseStatus,
    pub closure_reason: String,
    pub closure_note: String,
    /// When the submission reached its server (Unix seconds), if known.
    pub submitted_at: Option<i64>,
    /// Problems that keep the row out.
    pub problems: Vec<Problem>,
    /// Things set aside that do not keep the row out (a partial referral date).
    pub warnings: Vec<Problem>,
    /// The cells as read, for the error file.
    pub cells: Vec<String>,
}

impl ImportRow {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// When the case was opened: its submission, else its referral date, else `None` (now).
    pub fn opened_at(&self) -> Option<i64> {
        self.submitted_at.or_else(|| {
            haven_domain::record::parse_date(&self.record.case.referral_date)
                .map(|d| d.midnight().assume_utc().unix_timestamp())
        })
    }
}

/// How to read a file.
#[derive(Clone, Debug)]
pub struct Options {
    pub today: time::Date,
    /// The region of identification for rows that give none (the HTCDS template has no such
    /// column).
    pub default_region: Option<String>,
    pub mapping: Option<Mapping>,
}

/// What one row fed to the [`Importer`] turned out to be.
#[derive(Debug)]
pub enum Fed {
    /// Before the header, the header itself, the labels row, or a row without case data.
    Skipped,
    Row(Box<ImportRow>),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    /// No column names a case field: not a case file, or a mapping is needed.
    #[error("no column names a case field")]
    NoKnownColumn,
    #[error("the file has no header row")]
    Empty,
    #[error("more than {MAX_ROWS} rows")]
    TooManyRows,
}

impl ImportError {
    /// The message for the user (the detail of an unreadable file goes to the log).
    pub fn user_key(&self) -> &'static str {
        match self {
            ImportError::Read(_) => "error-case-import-unreadable",
            ImportError::NoKnownColumn => "error-case-import-no-columns",
            ImportError::Empty => "error-case-import-empty",
            ImportError::TooManyRows => "error-case-import-too-many",
        }
    }
}

/// Reads rows one at a time, keeping only the plan between them (constant memory).
pub struct Importer<'a> {
    headers: &'a Headers,
    vocab: &'a Vocabulary,
    options: Options,
    plan: Option<Plan>,
    labels_checked: bool,
    rows: usize,
}

impl<'a> Importer<'a> {
    pub fn new(headers: &'a Headers, vocab: &'a Vocabulary, options: Options) -> Self {
        Importer {
            headers,
            vocab,
            options,
            plan: None,
            labels_checked: false,
            rows: 0,
        }
    }

    pub fn plan(&self) -> Option<&Plan> {
        self.plan.as_ref()
    }

    pub fn feed(&mut self, raw: RawRow) -> Result<Fed, ImportError> {
        if raw.cells.iter().all(|c| c.trim().is_empty()) {
            return Ok(Fed::Skipped);
        }
        // An HXL hashtag row (`#affected+sex`, …) under the header names columns, not a case.
        if self.plan.is_some()
            && raw
                .cells
                .iter()
                .filter(|c| !c.trim().is_empty())
                .all(|c| c.trim_start().starts_with('#'))
        {
            return Ok(Fed::Skipped);
        }
        let Some(plan) = &self.plan else {
            self.plan = Some(self.plan_for(&raw)?);
            return Ok(Fed::Skipped);
        };
        if !self.labels_checked {
            self.labels_checked = true;
            let named = raw
                .cells
                .iter()
                .filter(|c| self.headers.names_field(c))
                .count();
            let filled = raw.cells.iter().filter(|c| !c.trim().is_empty()).count();
            if named >= 3 && named * 2 >= filled {
                if let Some(p) = &mut self.plan {
                    p.labels_line = Some(raw.line);
                }
                return Ok(Fed::Skipped);
            }
        }
        let has_data = plan
            .columns
            .iter()
            .zip(&raw.cells)
            .any(|(c, v)| c.target.is_data() && !v.trim().is_empty());
        if !has_data {
            return Ok(Fed::Skipped);
        }
        self.rows += 1;
        if self.rows > MAX_ROWS {
            return Err(ImportError::TooManyRows);
        }
        Ok(Fed::Row(Box::new(self.row(plan, raw))))
    }

    fn plan_for(&self, header: &RawRow) -> Result<Plan, ImportError> {
        let mapping = self.options.mapping.as_ref();
        let columns: Vec<PlannedColumn> = header
            .cells
            .iter()
            .map(|h| {
                let mapped = mapping
                    .and_then(|m| m.columns.get(h.trim()))
                    .and_then(|k| Target::parse(k, self.vocab));
                PlannedColumn {
                    header: h.trim().to_string(),
                    target: mapped.unwrap_or_else(|| self.headers.resolve(h, self.vocab)),
                }
            })
            .collect();
        if !columns.iter().any(|c| c.target.is_data()) {
            return Err(ImportError::NoKnownColumn);
        }
        let collection = columns
            .iter()
            .any(|c| matches!(c.target, Target::SourceId | Target::SubmittedAt))
            || columns.iter().any(|c| c.header.contains('/'));
        let htcds = columns.iter().any(|c| {
            let n = c.header.to_ascii_lowercase();
            n.starts_with("prs_") || n.starts_with("vic_") || n.starts_with("cas_")
        });
        let layout = if collection {
            Layout::Collection
        } else if htcds {
            Layout::Htcds
        } else {
            Layout::Other
        };
        Ok(Plan {
            layout,
            columns,
            header_line: header.line,
            labels_line: None,
        })
    }

    fn row(&self, plan: &Plan, raw: RawRow) -> ImportRow {
        let mut out = ImportRow {
            line: raw.line,
            key: String::new(),
            record: CaseRecord::default(),
            status: CaseStatus::Active,
            closure_reason: String::new(),
            closure_note: String::new(),
            submitted_at: None,
            problems: Vec::new(),
            warnings: Vec::new(),
            cells: Vec::new(),
        };
        let mut digest = Sha256::new();
        let mut source_id = String::new();
        for (col, cell) in plan.columns.iter().zip(&raw.cells) {
            let v = crate::write::unguard(cell.trim());
            if v.is_empty() {
                continue;
            }
            match col.target {
                Target::Field(f) => {
                    digest.update(norm(&col.header).as_bytes());
                    digest.update([0x1f]);
                    digest.update(v.as_bytes());
                    digest.update([0x1e]);
                    if let Err(key) = self.set(&mut out, f, v) {
                        push(&mut out.problems, f, &col.header, key);
                    }
                }
                Target::Choice(f, code) => {
                    digest.update(norm(&col.header).as_bytes());
                    digest.update([0x1f]);
                    digest.update(v.as_bytes());
                    digest.update([0x1e]);
                    match parse_bool(v) {
                        Some(true) => add_code(&mut out.record, f, code),
                        Some(false) => {}
                        None => push(
                            &mut out.problems,
                            f,
                            &col.header,
                            "error-case-import-not-yes-no",
                        ),
                    }
                }
                Target::SourceId if source_id.is_empty() => source_id = v.to_string(),
                Target::SubmittedAt => match parse_date(v) {
                    Some(DateValue::Day(d)) => {
                        out.submitted_at = Some(d.midnight().assume_utc().unix_timestamp())
                    }
                    _ => push(&mut out.warnings, "submitted_at", &col.header, "error-date"),
                },
                _ => {}
            }
        }
        if out.record.case.region.is_empty()
            && let Some(r) = &self.options.default_region
        {
            out.record.case.region = r.clone();
        }
        if !out.closure_reason.is_empty() || !out.closure_note.is_empty() {
            if out.status != CaseStatus::Closed && out.status != CaseStatus::ClosedReferred {
                push(
                    &mut out.warnings,
                    "closure_reason",
                    &plan.column_for("closure_reason"),
                    "error-case-import-closure-open-case",
                );
            } else if out.closure_reason.is_empty() {
                out.closure_reason = "Other".into();
            }
        } else if matches!(out.status, CaseStatus::Closed | CaseStatus::ClosedReferred) {
            out.closure_reason = if out.status == CaseStatus::ClosedReferred {
                "ReferredElsewhere".into()
            } else {
                "Other".into()
            };
        }
        // The record's own rules (required fields, lengths, formats), against their columns.
        let today = self.options.today;
        if let Err(errors) = out.record.normalise(today) {
            for FieldError { field, key } in errors {
                if !out.problems.iter().any(|p| p.field == field) {
                    let column = plan.column_for(field);
                    out.problems.push(Problem { field, column, key });
                }
            }
        }
        out.key = if source_id.is_empty() {
            format!("row:{}", hex::encode(digest.finalize()))
        } else {
            format!("id:{source_id}")
        };
        out.cells = raw.cells;
        out
    }

    /// Fills one field from a cell; `Err` is the message key of the problem.
    fn set(&self, out: &mut ImportRow, field: &'static str, v: &str) -> Result<(), &'static str> {
        let r = &mut out.record;
        let p = &mut r.person;
        let vic = &mut r.victim;
        let cs = &mut r.case;
        let code = |f: &str| self.vocab.code(f, v).ok_or("error-unknown-code");
        let multi = |f: &str| -> Result<Vec<String>, &'static str> {
            let (codes, unknown) = self.vocab.codes(f, v);
            if unknown.is_empty() {
                let mut out: Vec<String> = Vec::new();
                for c in codes {
                    if !out.iter().any(|o| o == c) {
                        out.push(c.to_string());
                    }
                }
                Ok(out)
            } else {
                Err("error-unknown-code")
            }
        };
        let count = || parse_count(v).map(Some).ok_or("error-number");
        let flag = || parse_bool(v).ok_or("error-case-import-not-yes-no");
        let text = || v.to_string();
        match field {
            "first_name" => p.first_name = text(),
            "middle_name" => p.middle_name = text(),
            "second_name" => p.second_name = text(),
            "also_known_as" => p.also_known_as = text(),
            "birth_date" => match parse_date(v) {
                Some(DateValue::Day(d)) => p.birth_date = d.to_string(),
                // A month or a year only: the age is known roughly, and a day is not made up.
                Some(DateValue::Month(y, m)) => {
                    let from = time::Date::from_calendar_date(y, m, 1).map_err(|_| "error-date")?;
                    p.assessed_age = Some(years_between(from, self.options.today).max(0));
                    p.age_uncertain = true;
                }
                Some(DateValue::Year(y)) => {
                    p.assessed_age = Some((self.options.today.year() - y).max(0) as i64);
                    p.age_uncertain = true;
                }
                None => return Err("error-case-import-date"),
            },
            "assessed_age" => p.assessed_age = count()?,
            "age_uncertain" => p.age_uncertain = p.age_uncertain || flag()?,
            "gender" => p.gender = code("gender")?.into(),
            "citizenship" => {
                let (codes, unknown) =
                    crate::values::split_known(v, |s| reference::country(s).map(|c| c.alpha2));
                if !unknown.is_empty() {
                    return Err("error-unknown-code");
                }
                p.citizenship = codes.into_iter().map(str::to_string).collect();
            }
            "primary_language" | "secondary_language" => {
                let l = self
                    .vocab
                    .language(v)
                    .ok_or("error-unknown-code")?
                    .to_string();
                if field == "primary_language" {
                    p.primary_language = l
                } else {
                    p.secondary_language = l
                }
            }
            "marital_status" => p.marital_status = code(field)?.into(),
            "number_of_children" => p.number_of_children = count()?,
            "highest_level_of_education" => p.highest_level_of_education = code(field)?.into(),
            "deceased" => p.deceased = flag()?,
            "identity_documents" => p.identity_documents = self.documents(v)?,
            "email" => p.email = text(),
            "home_phone" => p.home_phone = text(),
            "mobile_phone" => p.mobile_phone = text(),
            "mailing_country" => {
                p.mailing_country = reference::country(v)
                    .ok_or("error-unknown-code")?
                    .alpha2
                    .into()
            }
            "mailing_state" => {
                p.mailing_state = crate::values::parse_region(v)
                    .map(str::to_string)
                    .unwrap_or_else(text)
            }
            "mailing_city" => p.mailing_city = text(),
            "mailing_street" => p.mailing_street = text(),
            "mailing_postal_code" => p.mailing_postal_code = text(),
            "trafficking_status" => vic.trafficking_status = code(field)?.into(),
            "trafficking_status_decision_org" => {
                vic.trafficking_status_decision_org = code(field)?.into()
            }
            "relationship_to_trafficker" => vic.relationship_to_trafficker = code(field)?.into(),
            "age_when_trafficked" => vic.age_when_trafficked = count()?,
            "method_of_recruitment" => vic.method_of_recruitment = multi(field)?,
            "recruitment_websites_and_apps" => vic.recruitment_websites_and_apps = multi(field)?,
            "methods_of_control" => vic.methods_of_control = multi(field)?,
            "type_of_exploitation" => vic.type_of_exploitation = multi(field)?,
            "forced_labour_industry" => {
                // The XLSForm lets several be ticked; the standard keeps one.
                let mut codes = multi(field)?;
                if codes.len() > 1 {
                    return Err("error-case-import-one-value");
                }
                vic.forced_labour_industry = codes.pop().unwrap_or_default();
            }
            "type_of_sex_exploitation" => vic.type_of_sex_exploitation = multi(field)?,
            "exploitation_websites_and_apps" => vic.exploitation_websites_and_apps = multi(field)?,
            "vulnerabilities" => vic.vulnerabilities = multi(field)?,
            "region" => {
                cs.region = crate::values::parse_region(v)
                    .ok_or("error-unknown-code")?
                    .into()
            }
            "risk_level" => cs.risk_level = code(field)?.into(),
            "referral_source" => cs.referral_source = code(field)?.into(),
            "referring_organisation" => cs.referring_organisation = text(),
            "referral_date" => match parse_date(v) {
                Some(DateValue::Day(d)) => cs.referral_date = d.to_string(),
                Some(_) => push(
                    &mut out.warnings,
                    field,
                    &column_name(field),
                    "error-case-import-date-partial",
                ),
                None => return Err("error-case-import-date"),
            },
            "reason_for_incoming_referral" => cs.reason_for_incoming_referral = code(field)?.into(),
            "summary" => {
                if cs.summary.is_empty() {
                    cs.summary = text()
                } else {
                    cs.summary = format!("{}\n\n{v}", cs.summary)
                }
            }
            "status" => out.status = code(field)?.parse().map_err(|_| "error-unknown-code")?,
            "closure_reason" => out.closure_reason = code(field)?.into(),
            "closure_note" => {
                // A closure reason written as a code or label is the code; else a note.
                match self.vocab.code("closure_reason", v) {
                    Some(c) if out.closure_reason.is_empty() => out.closure_reason = c.into(),
                    _ => out.closure_note = text(),
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Identity documents as Haven writes them: `Type:CC:Number`, several joined by `;`.
    fn documents(&self, v: &str) -> Result<Vec<IdentityDocument>, &'static str> {
        v.split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| {
                let mut parts = d.splitn(3, ':');
                let t = parts.next().unwrap_or_default();
                let country = parts.next().unwrap_or_default().trim();
                let number = parts.next().unwrap_or_default().trim();
                Ok(IdentityDocument {
                    document_type: self
                        .vocab
                        .code("document_type", t)
                        .ok_or("error-unknown-code")?
                        .into(),
                    document_number: number.into(),
                    issuing_country: if country.is_empty() {
                        String::new()
                    } else {
                        reference::country(country)
                            .ok_or("error-unknown-code")?
                            .alpha2
                            .into()
                    },
                })
            })
            .collect()
    }
}

fn column_name(field: &str) -> String {
    column_of(field)
        .map(|c| c.name.to_string())
        .unwrap_or_default()
}

fn push(list: &mut Vec<Problem>, field: &'static str, column: &str, key: &'static str) {
    if !list.iter().any(|p| p.field == field) {
        list.push(Problem {
            field,
            column: column.to_string(),
            key,
        });
    }
}

fn add_code(r: &mut CaseRecord, field: &str, code: &'static str) {
    let v = &mut r.victim;
    let list = match field {
        "method_of_recruitment" => &mut v.method_of_recruitment,
        "recruitment_websites_and_apps" => &mut v.recruitment_websites_and_apps,
        "methods_of_control" => &mut v.methods_of_control,
        "type_of_exploitation" => &mut v.type_of_exploitation,
        "type_of_sex_exploitation" => &mut v.type_of_sex_exploitation,
        "exploitation_websites_and_apps" => &mut v.exploitation_websites_and_apps,
        "vulnerabilities" => &mut v.vulnerabilities,
        "forced_labour_industry" => {
            v.forced_labour_industry = code.to_string();
            return;
        }
        _ => return,
    };
    if !list.iter().any(|c| c == code) {
        list.push(code.to_string());
    }
}

/// Reads a whole file, handing each data row to `on_row`; returns the plan and the format.
pub fn read_file(
    bytes: &[u8],
    headers: &Headers,
    vocab: &Vocabulary,
    options: Options,
    mut on_row: impl FnMut(ImportRow) -> ControlFlow<()>,
) -> Result<(Plan, SourceFormat), ImportError> {
    let mut importer = Importer::new(headers, vocab, options);
    let mut failure = None;
    let format = crate::read::scan(bytes, |raw| match importer.feed(raw) {
        Ok(Fed::Skipped) => ControlFlow::Continue(()),
        Ok(Fed::Row(r)) => on_row(*r),
        Err(e) => {
            failure = Some(e);
            ControlFlow::Break(())
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    let plan = importer.plan.ok_or(ImportError::Empty)?;
    Ok((plan, format))
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_i18n::I18n;
    use time::macros::date;

    fn read(text: &str, region: Option<&str>) -> (Plan, Vec<ImportRow>) {
        let i18n = I18n::load().unwrap();
        let headers = Headers::new(&i18n);
        let vocab = Vocabulary::new(&i18n);
        let options = Options {
            today: date!(2026 - 12 - 07),
            default_region: region.map(str::to_string),
            mapping: None,
        };
        let mut rows = Vec::new();
        let (plan, _) = read_file(text.as_bytes(), &headers, &vocab, options, |r| {
            rows.push(r);
            ControlFlow::Continue(())
        })
        .unwrap();
        (plan, rows)
    }

    const TEMPLATE_HEAD: &str = ",cas_CaseOwner,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,vic_TraffickingStatus,vic_TraffickinStatusDecisionMakingOrg,vic_TypeOfExploitation,cas_Status,cas_ReasonForCaseClosure\n\
        ,Case Owner,First Name,Second Name,Birthdate,Gender,Citizenship,Trafficking Status,Trafficking Status Decision Making Organization,Type of Exploitation,Status,Reason for Case Closure\n";

    #[test]
    fn the_htcds_template_with_its_label_row_and_numbered_empty_rows() {
        let text = format!(
            "{TEMPLATE_HEAD}1,jdoe,Ana,Pérez,March 1999,feminine,Venezuela,Possible victim of trafficking,Police,ForcedLabour SexualExploitation,Closed,Returned\n2,,,,,,,,,,,\n3,jdoe,Li,,01/02/2003,Masculine,GY;BR,ActualVictimOfTrafficking,,travail forcé,Active,\n"
        );
        let (plan, rows) = read(&text, Some("GY-CU"));
        assert_eq!(plan.layout, Layout::Htcds);
        assert_eq!(plan.labels_line, Some(2));
        assert_eq!(rows.len(), 2);
        let a = &rows[0];
        assert!(a.is_ok(), "{:?}", a.problems);
        assert_eq!(a.line, 3);
        assert_eq!(a.record.person.birth_date, "");
        assert_eq!(a.record.person.assessed_age, Some(27));
        assert!(a.record.person.age_uncertain);
        assert_eq!(a.record.person.citizenship, ["VE"]);
        assert_eq!(
            a.record.victim.type_of_exploitation,
            ["ForcedLabour", "SexualExploitation"]
        );
        assert_eq!(a.status, CaseStatus::Closed);
        assert_eq!(a.closure_reason, "Returned");
        assert_eq!(a.record.case.region, "GY-CU");
        let b = &rows[1];
        assert!(b.is_ok(), "{:?}", b.problems);
        assert_eq!(b.record.person.birth_date, "2003-02-01");
        assert_eq!(b.record.person.citizenship, ["GY", "BR"]);
        assert!(a.key.starts_with("row:") && a.key != b.key);
    }

    #[test]
    fn problems_are_named_against_their_columns() {
        let text = format!(
            "{TEMPLATE_HEAD}1,,Ana,,31/02/2001,Martian,Atlantis,Possible victim of trafficking,,ForcedLabour,,\n2,,,Pérez,2001-01-01,Feminine,,PossibleVictimOfTrafficking,,ForcedLabour,,\n"
        );
        let (_, rows) = read(&text, None);
        let keys: Vec<(&str, &str, &str)> = rows[0]
            .problems
            .iter()
            .map(|p| (p.field, p.column.as_str(), p.key))
            .collect();
        assert!(keys.contains(&("birth_date", "prs_Birthdate", "error-case-import-date")));
        assert!(keys.contains(&("gender", "prs_Gender", "error-unknown-code")));
        assert!(keys.contains(&("citizenship", "prs_Citizenship", "error-unknown-code")));
        // No region in the file and none given: required, with no column to point at.
        assert!(keys.contains(&("region", "", "error-required")));
        assert!(
            rows[1]
                .problems
                .iter()
                .any(|p| p.field == "first_name" && p.key == "error-required")
        );
    }

    #[test]
    fn a_kobo_export_with_groups_and_split_choices() {
        let text = "start,end,person/prs_First_Name,person/prs_Gender,person/prs_Birthdate,victim/vic_TraffickingStatus,victim/vic_TypeOfExploitation,victim/vic_TypeOfExploitation/ForcedLabour,victim/vic_TypeOfExploitation/ChildLabour,_id,_uuid,_submission_time,meta/instanceID\n\
            2024-01-01,2024-01-01,Marie,Feminine,2010-05-06,PossibleVictimOfTrafficking,ForcedLabour ChildLabour,1,1,17,u-1,2024-01-02T10:00:00,uuid:abc\n";
        let (plan, rows) = read(text, Some("GY-PT"));
        assert_eq!(plan.layout, Layout::Collection);
        let r = &rows[0];
        assert!(r.is_ok(), "{:?}", r.problems);
        assert_eq!(r.key, "id:u-1");
        assert_eq!(
            r.record.victim.type_of_exploitation,
            ["ForcedLabour", "ChildLabour"]
        );
        assert_eq!(r.submitted_at, Some(1_704_153_600));
    }

    #[test]
    fn a_mapping_reads_any_sheet() {
        let i18n = I18n::load().unwrap();
        let headers = Headers::new(&i18n);
        let vocab = Vocabulary::new(&i18n);
        let mapping = Mapping::from_json(
            br#"{"columns": {"Nombre": "first_name", "Sexo": "gender", "Edad": "assessed_age",
                "Situacion": "trafficking_status", "Explotacion": "type_of_exploitation",
                "Zona": "region", "Notas": "ignore"}}"#,
        )
        .unwrap();
        let options = Options {
            today: date!(2026 - 12 - 07),
            default_region: None,
            mapping: Some(mapping),
        };
        let text = "Nombre;Sexo;Edad;Situacion;Explotacion;Zona;Notas\nRosa;Femenino;17;Posible víctima de trata;Trabajo forzoso;Region 7;x\n";
        let mut rows = Vec::new();
        read_file(text.as_bytes(), &headers, &vocab, options, |r| {
            rows.push(r);
            ControlFlow::Continue(())
        })
        .unwrap();
        assert!(rows[0].is_ok(), "{:?}", rows[0].problems);
        assert_eq!(rows[0].record.person.assessed_age, Some(17));
        assert_eq!(rows[0].record.case.region, "GY-CU");
    }

    #[test]
    fn a_file_that_names_no_field_is_refused() {
        let i18n = I18n::load().unwrap();
        let headers = Headers::new(&i18n);
        let vocab = Vocabulary::new(&i18n);
        let options = Options {
            today: date!(2026 - 12 - 07),
            default_region: None,
            mapping: None,
        };
        let r = read_file(b"shoe,hat\n1,2\n", &headers, &vocab, options, |_| {
            ControlFlow::Continue(())
        });
        assert_eq!(r.unwrap_err(), ImportError::NoKnownColumn);
    }
}
