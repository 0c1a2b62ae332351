//! The case record on the HTCDS 2.0 model: the person (`prs_`), their victim context (`vic_`) and
//! the case's own fields (`cas_`), as one editable document. Forms and the JSON API fill it with
//! raw text; [`CaseRecord::normalise`] checks every field at once, canonicalises codes and reports
//! each problem against its field. An empty string means "not known".
//!
//! Perpetrators (`per_`) and trafficking events (`hte_`) are lists kept beside the record, each
//! item validated on its own.
use serde::{Deserialize, Serialize};

use crate::reference::{self, Picklist};
use crate::{CaseStatus, Region};

/// A field-level problem, with the Fluent key of the message to show next to the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
}

impl FieldError {
    pub fn new(field: &'static str, key: &'static str) -> Self {
        FieldError { field, key }
    }
}

/// Parses `YYYY-MM-DD` (a real calendar date between 1900 and 2100).
pub fn parse_date(s: &str) -> Option<time::Date> {
    let p: Vec<&str> = s.split('-').collect();
    if p.len() != 3 || p[0].len() != 4 || p[1].len() != 2 || p[2].len() != 2 {
        return None;
    }
    let y: i32 = p[0].parse().ok()?;
    let m: u8 = p[1].parse().ok()?;
    let d: u8 = p[2].parse().ok()?;
    if !(1900..=2100).contains(&y) {
        return None;
    }
    time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// Whole years between two dates.
pub fn years_between(from: time::Date, to: time::Date) -> i64 {
    let mut y = (to.year() - from.year()) as i64;
    if (to.month() as u8, to.day()) < (from.month() as u8, from.day()) {
        y -= 1;
    }
    y
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct IdentityDocument {
    /// `hvn_IdentityDocumentType`
    pub document_type: String,
    pub document_number: String,
    /// ISO 3166 alpha-2.
    pub issuing_country: String,
}

/// The person (`prs_`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PersonData {
    pub first_name: String,
    pub middle_name: String,
    /// `prs_SecondName`: the family name.
    pub second_name: String,
    pub also_known_as: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// Age in years as assessed when the birth date is unknown.
    pub assessed_age: Option<i64>,
    /// The age is not established: the person is treated as a child until assessed otherwise.
    pub age_uncertain: bool,
    pub gender: String,
    /// ISO 3166 alpha-2 codes.
    pub citizenship: Vec<String>,
    /// ISO 639-2 codes.
    pub primary_language: String,
    pub secondary_language: String,
    pub marital_status: String,
    pub number_of_children: Option<i64>,
    pub highest_level_of_education: String,
    pub deceased: bool,
    pub identity_documents: Vec<IdentityDocument>,
    pub email: String,
    pub home_phone: String,
    pub mobile_phone: String,
    pub mailing_country: String,
    /// Region (adm1): an ISO 3166-2 code for the deployment's country, free text elsewhere.
    pub mailing_state: String,
    pub mailing_city: String,
    pub mailing_street: String,
    pub mailing_postal_code: String,
}

/// The victim context (`vic_`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct VictimData {
    pub trafficking_status: String,
    pub trafficking_status_decision_org: String,
    pub relationship_to_trafficker: String,
    pub age_when_trafficked: Option<i64>,
    pub method_of_recruitment: Vec<String>,
    pub recruitment_websites_and_apps: Vec<String>,
    pub methods_of_control: Vec<String>,
    pub type_of_exploitation: Vec<String>,
    pub forced_labour_industry: String,
    pub type_of_sex_exploitation: Vec<String>,
    pub exploitation_websites_and_apps: Vec<String>,
    pub vulnerabilities: Vec<String>,
}

/// The case's own editable fields (`cas_`). Status, owner and assignment change through their
/// own actions (close, reopen, assign, transfer), never through an edit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CaseData {
    /// Region of identification (ISO 3166-2).
    pub region: String,
    pub risk_level: String,
    pub referral_source: String,
    pub referring_organisation: String,
    /// `YYYY-MM-DD`: when the case reached the agency.
    pub referral_date: String,
    pub reason_for_incoming_referral: String,
    pub summary: String,
}

/// One editable document: what a registration form and an edit form carry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CaseRecord {
    pub person: PersonData,
    pub victim: VictimData,
    pub case: CaseData,
}

/// The country whose ISO 3166-2 regions are offered as a picklist (the deployment's).
pub const HOME_COUNTRY: &str = "GY";

const NAME_MAX: usize = 100;
const SHORT_MAX: usize = 200;
const SUMMARY_MAX: usize = 20_000;

struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn err(&mut self, field: &'static str, key: &'static str) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError::new(field, key));
        }
    }

    /// Trims, and refuses over-long text and control characters (newlines only where allowed).
    fn text(&mut self, field: &'static str, v: &mut String, max: usize, multiline: bool) {
        let t = v.trim();
        if t.len() != v.len() {
            *v = t.to_string();
        }
        let lines = if multiline {
            crate::text::Lines::Many
        } else {
            crate::text::Lines::One
        };
        if let Err(e) = crate::text::check(v, max, lines) {
            self.err(field, e.key());
        }
    }

    fn required(&mut self, field: &'static str, v: &str) {
        if v.trim().is_empty() {
            self.err(field, "error-required");
        }
    }

    fn code(&mut self, field: &'static str, list: &Picklist, v: &mut String) {
        let t = v.trim().to_string();
        *v = t;
        if !v.is_empty() && !list.contains(v) {
            self.err(field, "error-unknown-code");
        }
    }

    fn codes(&mut self, field: &'static str, list: &Picklist, v: &mut Vec<String>) {
        let raw: Vec<String> = v
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        match list.parse_many(&raw) {
            Ok(codes) => *v = codes.into_iter().map(str::to_string).collect(),
            Err(_) => self.err(field, "error-unknown-code"),
        }
    }

    fn country(&mut self, field: &'static str, v: &mut String) {
        let t = v.trim();
        if t.is_empty() {
            v.clear();
            return;
        }
        match reference::country(t) {
            Some(c) => *v = c.alpha2.to_string(),
            None => self.err(field, "error-unknown-code"),
        }
    }

    fn language(&mut self, field: &'static str, v: &mut String) {
        let t = v.trim();
        if t.is_empty() {
            v.clear();
            return;
        }
        match reference::language(t) {
            Some(l) => *v = l.code.to_string(),
            None => self.err(field, "error-unknown-code"),
        }
    }

    fn date(&mut self, field: &'static str, v: &mut String) {
        self.text(field, v, 10, false);
        if !v.is_empty() && parse_date(v).is_none() {
            self.err(field, "error-date");
        }
    }

    fn number(&mut self, field: &'static str, v: Option<i64>, max: i64) {
        if v.is_some_and(|n| !(0..=max).contains(&n)) {
            self.err(field, "error-number-range");
        }
    }

    fn region(&mut self, field: &'static str, v: &mut String) {
        let t = v.trim().to_string();
        *v = t;
        if !v.is_empty() && Region::parse(v).is_err() {
            self.err(field, "error-unknown-code");
        }
    }
}

/// Which fields must be filled before a record is saved as a case (HTCDS Core fields that a
/// first interview can establish; drafts may leave anything empty).
pub const REQUIRED_FIELDS: &[&str] = &[
    "first_name",
    "gender",
    "birth_date",
    "trafficking_status",
    "type_of_exploitation",
    "region",
];

impl CaseRecord {
    /// Checks and canonicalises every field; all problems are reported together.
    pub fn normalise(&mut self, today: time::Date) -> Result<(), Vec<FieldError>> {
        let mut c = Check { errors: Vec::new() };
        self.person.normalise(&mut c, today);
        self.victim.normalise(&mut c, &self.person, today);
        self.case.normalise(&mut c, today);
        c.required("first_name", &self.person.first_name);
        c.required("gender", &self.person.gender);
        if self.person.birth_date.is_empty() && self.person.assessed_age.is_none() {
            // One of the two establishes (or estimates) the age; a child needs no means.
            c.err("birth_date", "error-age-required");
        }
        c.required("trafficking_status", &self.victim.trafficking_status);
        if self.victim.type_of_exploitation.is_empty() {
            c.err("type_of_exploitation", "error-required");
        }
        c.required("region", &self.case.region);
        if c.errors.is_empty() {
            Ok(())
        } else {
            // In the order of the form, so the first error named is the first one met.
            let order: Vec<&str> = self.flatten().iter().map(|f| f.0).collect();
            c.errors.sort_by_key(|e| {
                order
                    .iter()
                    .position(|f| *f == e.field)
                    .unwrap_or(usize::MAX)
            });
            Err(c.errors)
        }
    }

    /// Canonicalises what can be, without requiring anything: for drafts. Returns the problems
    /// found so the form can show them, but a draft is saved anyway.
    pub fn normalise_draft(&mut self, today: time::Date) -> Vec<FieldError> {
        let mut c = Check { errors: Vec::new() };
        self.person.normalise(&mut c, today);
        self.victim.normalise(&mut c, &self.person, today);
        self.case.normalise(&mut c, today);
        c.errors
    }

    /// Every field as (name, displayable value), in form order: the unit of change history.
    pub fn flatten(&self) -> Vec<(&'static str, String)> {
        let p = &self.person;
        let v = &self.victim;
        let cs = &self.case;
        let list = |l: &[String]| l.join(", ");
        let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let flag = |b: bool| if b { "yes".to_string() } else { String::new() };
        let docs = p
            .identity_documents
            .iter()
            .map(|d| {
                [
                    d.document_type.as_str(),
                    d.issuing_country.as_str(),
                    d.document_number.as_str(),
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
            })
            .collect::<Vec<_>>()
            .join("; ");
        vec![
            ("first_name", p.first_name.clone()),
            ("middle_name", p.middle_name.clone()),
            ("second_name", p.second_name.clone()),
            ("also_known_as", p.also_known_as.clone()),
            ("birth_date", p.birth_date.clone()),
            ("assessed_age", num(p.assessed_age)),
            ("age_uncertain", flag(p.age_uncertain)),
            ("gender", p.gender.clone()),
            ("citizenship", list(&p.citizenship)),
            ("primary_language", p.primary_language.clone()),
            ("secondary_language", p.secondary_language.clone()),
            ("marital_status", p.marital_status.clone()),
            ("number_of_children", num(p.number_of_children)),
            (
                "highest_level_of_education",
                p.highest_level_of_education.clone(),
            ),
            ("deceased", flag(p.deceased)),
            ("identity_documents", docs),
            ("email", p.email.clone()),
            ("home_phone", p.home_phone.clone()),
            ("mobile_phone", p.mobile_phone.clone()),
            ("mailing_country", p.mailing_country.clone()),
            ("mailing_state", p.mailing_state.clone()),
            ("mailing_city", p.mailing_city.clone()),
            ("mailing_street", p.mailing_street.clone()),
            ("mailing_postal_code", p.mailing_postal_code.clone()),
            ("trafficking_status", v.trafficking_status.clone()),
            (
                "trafficking_status_decision_org",
                v.trafficking_status_decision_org.clone(),
            ),
            (
                "relationship_to_trafficker",
                v.relationship_to_trafficker.clone(),
            ),
            ("age_when_trafficked", num(v.age_when_trafficked)),
            ("method_of_recruitment", list(&v.method_of_recruitment)),
            (
                "recruitment_websites_and_apps",
                list(&v.recruitment_websites_and_apps),
            ),
            ("methods_of_control", list(&v.methods_of_control)),
            ("type_of_exploitation", list(&v.type_of_exploitation)),
            ("forced_labour_industry", v.forced_labour_industry.clone()),
            (
                "type_of_sex_exploitation",
                list(&v.type_of_sex_exploitation),
            ),
            (
                "exploitation_websites_and_apps",
                list(&v.exploitation_websites_and_apps),
            ),
            ("vulnerabilities", list(&v.vulnerabilities)),
            ("region", cs.region.clone()),
            ("risk_level", cs.risk_level.clone()),
            ("referral_source", cs.referral_source.clone()),
            ("referring_organisation", cs.referring_organisation.clone()),
            ("referral_date", cs.referral_date.clone()),
            (
                "reason_for_incoming_referral",
                cs.reason_for_incoming_referral.clone(),
            ),
            ("summary", cs.summary.clone()),
        ]
    }

    /// The fields whose values differ, as (field, old, new).
    pub fn diff(&self, newer: &CaseRecord) -> Vec<(&'static str, String, String)> {
        self.flatten()
            .into_iter()
            .zip(newer.flatten())
            .filter(|((_, a), (_, b))| a != b)
            .map(|((f, a), (_, b))| (f, a, b))
            .collect()
    }

    /// The age today: from the birth date, else the assessed age.
    pub fn age(&self, today: time::Date) -> Option<i64> {
        self.person.age(today)
    }
}

impl PersonData {
    fn normalise(&mut self, c: &mut Check, today: time::Date) {
        for (f, v) in [
            ("first_name", &mut self.first_name),
            ("middle_name", &mut self.middle_name),
            ("second_name", &mut self.second_name),
            ("also_known_as", &mut self.also_known_as),
        ] {
            c.text(f, v, NAME_MAX, false);
        }
        c.date("birth_date", &mut self.birth_date);
        if let Some(d) = parse_date(&self.birth_date)
            && d > today
        {
            c.err("birth_date", "error-date-future");
        }
        c.number("assessed_age", self.assessed_age, 120);
        c.code("gender", &reference::PRS_GENDER, &mut self.gender);
        let mut seen = Vec::new();
        for code in &mut self.citizenship {
            c.country("citizenship", code);
            if !code.is_empty() && !seen.contains(code) {
                seen.push(code.clone());
            }
        }
        self.citizenship = seen;
        c.language("primary_language", &mut self.primary_language);
        c.language("secondary_language", &mut self.secondary_language);
        c.code(
            "marital_status",
            &reference::PRS_MARITAL_STATUS,
            &mut self.marital_status,
        );
        c.number("number_of_children", self.number_of_children, 30);
        c.code(
            "highest_level_of_education",
            &reference::PRS_HIGHEST_LEVEL_OF_EDUCATION,
            &mut self.highest_level_of_education,
        );
        self.identity_documents.retain(|d| {
            !(d.document_type.trim().is_empty()
                && d.document_number.trim().is_empty()
                && d.issuing_country.trim().is_empty())
        });
        if self.identity_documents.len() > 10 {
            c.err("identity_documents", "error-too-many-entries");
        }
        for d in &mut self.identity_documents {
            c.code(
                "identity_documents",
                &reference::HVN_IDENTITY_DOCUMENT_TYPE,
                &mut d.document_type,
            );
            c.text("identity_documents", &mut d.document_number, 60, false);
            c.country("identity_documents", &mut d.issuing_country);
        }
        c.text("email", &mut self.email, SHORT_MAX, false);
        if !self.email.is_empty() && !plausible_email(&self.email) {
            c.err("email", "error-email");
        }
        for (f, v) in [
            ("home_phone", &mut self.home_phone),
            ("mobile_phone", &mut self.mobile_phone),
        ] {
            c.text(f, v, 40, false);
            if !v.is_empty() && !plausible_phone(v) {
                c.err(f, "error-phone");
            }
        }
        c.country("mailing_country", &mut self.mailing_country);
        if self.mailing_country == HOME_COUNTRY {
            c.region("mailing_state", &mut self.mailing_state);
        } else {
            c.text("mailing_state", &mut self.mailing_state, NAME_MAX, false);
        }
        c.text("mailing_city", &mut self.mailing_city, NAME_MAX, false);
        c.text("mailing_street", &mut self.mailing_street, SHORT_MAX, false);
        c.text(
            "mailing_postal_code",
            &mut self.mailing_postal_code,
            20,
            false,
        );
    }

    pub fn full_name(&self) -> String {
        [&self.first_name, &self.middle_name, &self.second_name]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn age(&self, today: time::Date) -> Option<i64> {
        parse_date(&self.birth_date)
            .map(|b| years_between(b, today))
            .or(self.assessed_age)
    }

    /// A child under the Palermo Protocol: under 18, or of uncertain age (treated as a child until
    /// assessed otherwise).
    pub fn is_child(&self, today: time::Date) -> bool {
        self.age_uncertain || self.age(today).is_some_and(|a| a < 18)
    }
}

impl VictimData {
    fn normalise(&mut self, c: &mut Check, person: &PersonData, today: time::Date) {
        use reference as r;
        c.code(
            "trafficking_status",
            &r::VIC_TRAFFICKING_STATUS,
            &mut self.trafficking_status,
        );
        c.code(
            "trafficking_status_decision_org",
            &r::VIC_TRAFFICKING_STATUS_DECISION_MAKING_ORG,
            &mut self.trafficking_status_decision_org,
        );
        c.code(
            "relationship_to_trafficker",
            &r::VIC_RELATIONSHIP_TO_TRAFFICKER,
            &mut self.relationship_to_trafficker,
        );
        c.number("age_when_trafficked", self.age_when_trafficked, 120);
        if let (Some(then), Some(now)) = (self.age_when_trafficked, person.age(today))
            && then > now
        {
            c.err("age_when_trafficked", "error-age-when-trafficked");
        }
        c.codes(
            "method_of_recruitment",
            &r::VIC_METHOD_OF_RECRUITMENT,
            &mut self.method_of_recruitment,
        );
        c.codes(
            "recruitment_websites_and_apps",
            &r::VIC_RECRUITMENT_WEBSITES_AND_APPS,
            &mut self.recruitment_websites_and_apps,
        );
        c.codes(
            "methods_of_control",
            &r::VIC_METHODS_OF_CONTROL,
            &mut self.methods_of_control,
        );
        c.codes(
            "type_of_exploitation",
            &r::VIC_TYPE_OF_EXPLOITATION,
            &mut self.type_of_exploitation,
        );
        c.code(
            "forced_labour_industry",
            &r::VIC_FORCED_LABOUR_INDUSTRY,
            &mut self.forced_labour_industry,
        );
        c.codes(
            "type_of_sex_exploitation",
            &r::VIC_TYPE_OF_SEX_EXPLOITATION,
            &mut self.type_of_sex_exploitation,
        );
        c.codes(
            "exploitation_websites_and_apps",
            &r::VIC_EXPLOITATION_WEBSITES_AND_APPS,
            &mut self.exploitation_websites_and_apps,
        );
        c.codes(
            "vulnerabilities",
            &r::VIC_VULNERABILITIES,
            &mut self.vulnerabilities,
        );
    }

    /// The multi-valued picklists, as (HTCDS field, codes): stored one row per code.
    pub fn multi_codes(&self) -> [(&'static str, &Vec<String>); 7] {
        [
            ("vic_MethodOfRecruitment", &self.method_of_recruitment),
            (
                "vic_RecruitmentWebsitesAndApps",
                &self.recruitment_websites_and_apps,
            ),
            ("vic_MethodsOfControl", &self.methods_of_control),
            ("vic_TypeOfExploitation", &self.type_of_exploitation),
            ("vic_TypeOfSexExploitation", &self.type_of_sex_exploitation),
            (
                "vic_ExploitationWebsitesAndApps",
                &self.exploitation_websites_and_apps,
            ),
            ("vic_Vulnerabilities", &self.vulnerabilities),
        ]
    }

    /// Fills one multi-valued picklist by its HTCDS field name (reading back from storage).
    pub fn set_multi(&mut self, field: &str, codes: Vec<String>) {
        let slot = match field {
            "vic_MethodOfRecruitment" => &mut self.method_of_recruitment,
            "vic_RecruitmentWebsitesAndApps" => &mut self.recruitment_websites_and_apps,
            "vic_MethodsOfControl" => &mut self.methods_of_control,
            "vic_TypeOfExploitation" => &mut self.type_of_exploitation,
            "vic_TypeOfSexExploitation" => &mut self.type_of_sex_exploitation,
            "vic_ExploitationWebsitesAndApps" => &mut self.exploitation_websites_and_apps,
            "vic_Vulnerabilities" => &mut self.vulnerabilities,
            _ => return,
        };
        *slot = codes;
    }
}

impl CaseData {
    fn normalise(&mut self, c: &mut Check, today: time::Date) {
        c.region("region", &mut self.region);
        c.code(
            "risk_level",
            &reference::HVN_RISK_LEVEL,
            &mut self.risk_level,
        );
        c.code(
            "referral_source",
            &reference::HVN_REFERRAL_SOURCE,
            &mut self.referral_source,
        );
        c.text(
            "referring_organisation",
            &mut self.referring_organisation,
            SHORT_MAX,
            false,
        );
        c.date("referral_date", &mut self.referral_date);
        if parse_date(&self.referral_date).is_some_and(|d| d > today) {
            c.err("referral_date", "error-date-future");
        }
        c.code(
            "reason_for_incoming_referral",
            &reference::CAS_REASON_FOR_INCOMING_REFERRAL,
            &mut self.reason_for_incoming_referral,
        );
        c.text("summary", &mut self.summary, SUMMARY_MAX, true);
    }
}

fn plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// E.164-like: digits with optional leading `+` and common separators, 6 to 15 digits.
fn plausible_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits)
        && s.chars()
            .enumerate()
            .all(|(i, ch)| ch.is_ascii_digit() || " -().".contains(ch) || (ch == '+' && i == 0))
}

/// A perpetrator (`per_`): personal data of a third party, kept sealed as one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PerpetratorData {
    pub name: String,
    /// `per_RoleInProcess` codes.
    pub roles: Vec<String>,
    /// `vic_RelationshipToTrafficker` code: how the victim knew them.
    pub relation: String,
    /// ISO 3166 alpha-2.
    pub nationality: String,
    pub details: String,
}

impl PerpetratorData {
    pub fn normalise(&mut self) -> Result<(), Vec<FieldError>> {
        let mut c = Check { errors: Vec::new() };
        c.text("perpetrator_name", &mut self.name, SHORT_MAX, false);
        c.codes(
            "perpetrator_roles",
            &reference::PER_ROLE_IN_PROCESS,
            &mut self.roles,
        );
        c.code(
            "perpetrator_relation",
            &reference::VIC_RELATIONSHIP_TO_TRAFFICKER,
            &mut self.relation,
        );
        c.country("perpetrator_nationality", &mut self.nationality);
        c.text("perpetrator_details", &mut self.details, 4000, true);
        if self.name.is_empty() && self.roles.is_empty() && self.details.is_empty() {
            c.err("perpetrator_name", "error-perpetrator-empty");
        }
        if c.errors.is_empty() {
            Ok(())
        } else {
            Err(c.errors)
        }
    }
}

/// A historic trafficking event (`hte_`): one step of the route.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct EventData {
    /// `hte_Type`: Recruitment, Transit or Exploitation.
    pub event_type: String,
    pub country: String,
    /// ISO 3166-2 code in the deployment's country, free text elsewhere.
    pub region: String,
    /// Town, mining camp, landing, address: sealed.
    pub place: String,
    pub start_date: String,
    pub end_date: String,
    pub description: String,
}

impl EventData {
    pub fn normalise(&mut self, today: time::Date) -> Result<(), Vec<FieldError>> {
        let mut c = Check { errors: Vec::new() };
        c.required("event_type", &self.event_type);
        c.code("event_type", &reference::HTE_TYPE, &mut self.event_type);
        c.country("event_country", &mut self.country);
        if self.country == HOME_COUNTRY {
            c.region("event_region", &mut self.region);
        } else {
            c.text("event_region", &mut self.region, NAME_MAX, false);
        }
        c.text("event_place", &mut self.place, SHORT_MAX, false);
        c.date("event_start_date", &mut self.start_date);
        c.date("event_end_date", &mut self.end_date);
        for (f, d) in [
            ("event_start_date", &self.start_date),
            ("event_end_date", &self.end_date),
        ] {
            if parse_date(d).is_some_and(|d| d > today) {
                c.err(f, "error-date-future");
            }
        }
        if let (Some(a), Some(b)) = (parse_date(&self.start_date), parse_date(&self.end_date))
            && b < a
        {
            c.err("event_end_date", "error-date-order");
        }
        c.text("event_description", &mut self.description, 4000, true);
        if c.errors.is_empty() {
            Ok(())
        } else {
            Err(c.errors)
        }
    }
}

/// Status changes a user may ask for, and whether they are allowed from the current status.
pub fn may_close(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Active | CaseStatus::FollowUp)
}

pub fn may_reopen(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Closed | CaseStatus::ClosedReferred)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> time::Date {
        time::macros::date!(2026 - 11 - 27)
    }

    fn valid() -> CaseRecord {
        let mut r = CaseRecord::default();
        r.person.first_name = " Ana ".into();
        r.person.gender = "Feminine".into();
        r.person.birth_date = "2009-03-14".into();
        r.person.citizenship = vec!["ven".into(), "VE".into(), "gy".into()];
        r.person.primary_language = "es".into();
        r.victim.trafficking_status = "PossibleVictimOfTrafficking".into();
        r.victim.type_of_exploitation = vec!["ForcedLabour".into(), "SexualExploitation".into()];
        r.victim.methods_of_control = vec!["DebtBondage".into(), "DebtBondage".into()];
        r.case.region = "GY-CU".into();
        r
    }

    #[test]
    fn a_valid_record_is_canonicalised() {
        let mut r = valid();
        r.normalise(today()).unwrap();
        assert_eq!(r.person.first_name, "Ana");
        assert_eq!(r.person.citizenship, ["VE", "GY"]);
        assert_eq!(r.person.primary_language, "spa");
        assert_eq!(r.victim.methods_of_control, ["DebtBondage"]);
        assert_eq!(r.age(today()), Some(17));
        assert!(r.person.is_child(today()));
    }

    #[test]
    fn every_problem_is_reported_against_its_field() {
        let mut r = valid();
        r.person.first_name = String::new();
        r.person.gender = "female".into();
        r.person.birth_date = "2030-01-01".into();
        r.person.citizenship = vec!["Atlantis".into()];
        r.person.email = "not-an-email".into();
        r.person.mobile_phone = "call me".into();
        r.victim.methods_of_control = vec!["Magic".into()];
        r.case.region = "GY-XX".into();
        r.case.summary = "ok\u{0}".into();
        let errs = r.normalise(today()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| (e.field, e.key)).collect();
        for want in [
            ("first_name", "error-required"),
            ("gender", "error-unknown-code"),
            ("birth_date", "error-date-future"),
            ("citizenship", "error-unknown-code"),
            ("email", "error-email"),
            ("mobile_phone", "error-phone"),
            ("methods_of_control", "error-unknown-code"),
            ("region", "error-unknown-code"),
            ("summary", "error-bad-characters"),
        ] {
            assert!(fields.contains(&want), "{want:?} missing from {fields:?}");
        }
    }

    #[test]
    fn age_comes_from_birth_date_or_assessment() {
        let mut r = valid();
        r.person.birth_date.clear();
        assert_eq!(
            r.clone().normalise(today()).unwrap_err(),
            vec![FieldError::new("birth_date", "error-age-required")]
        );
        r.person.assessed_age = Some(25);
        r.normalise(today()).unwrap();
        assert!(!r.person.is_child(today()));
        r.person.age_uncertain = true;
        assert!(
            r.person.is_child(today()),
            "uncertain age counts as a child"
        );
    }

    #[test]
    fn drafts_keep_what_they_can() {
        let mut r = CaseRecord::default();
        r.person.first_name = "x".repeat(500);
        let errs = r.normalise_draft(today());
        assert_eq!(errs, vec![FieldError::new("first_name", "error-too-long")]);
    }

    #[test]
    fn diff_names_changed_fields_only() {
        let mut a = valid();
        a.normalise(today()).unwrap();
        let mut b = a.clone();
        b.person.mobile_phone = "+592 600 1234".into();
        b.victim
            .methods_of_control
            .push("WithholdsDocuments".into());
        let d = a.diff(&b);
        assert_eq!(
            d.iter().map(|x| x.0).collect::<Vec<_>>(),
            ["mobile_phone", "methods_of_control"]
        );
        assert_eq!(d[1].2, "DebtBondage, WithholdsDocuments");
        assert!(a.diff(&a).is_empty());
    }

    #[test]
    fn events_and_perpetrators() {
        let mut e = EventData {
            event_type: "Exploitation".into(),
            country: "gy".into(),
            region: "GY-CU".into(),
            start_date: "2025-05-01".into(),
            end_date: "2025-04-01".into(),
            ..Default::default()
        };
        let errs = e.clone().normalise(today()).unwrap_err();
        assert_eq!(
            errs,
            vec![FieldError::new("event_end_date", "error-date-order")]
        );
        e.end_date = "2025-06-01".into();
        e.normalise(today()).unwrap();
        assert_eq!(e.country, "GY");
        let mut p = PerpetratorData::default();
        assert!(p.normalise().is_err(), "an empty perpetrator says nothing");
        p.roles = vec!["RecruiterOrIntermediary".into()];
        p.nationality = "BRA".into();
        p.normalise().unwrap();
        assert_eq!(p.nationality, "BR");
    }

    proptest! {
        #[test]
        fn normalise_never_panics(
            name in ".{0,200}", date in ".{0,12}", code in ".{0,30}", n in proptest::option::of(any::<i64>())
        ) {
            let mut r = CaseRecord::default();
            r.person.first_name = name.clone();
            r.person.birth_date = date.clone();
            r.person.gender = code.clone();
            r.person.citizenship = vec![code.clone()];
            r.person.assessed_age = n;
            r.victim.age_when_trafficked = n;
            r.victim.type_of_exploitation = vec![code.clone()];
            r.case.referral_date = date;
            r.case.region = code;
            let _ = r.clone().normalise(today());
            let _ = r.normalise_draft(today());
        }

        #[test]
        fn valid_dates_parse(y in 1900i32..=2100, m in 1u8..=12, d in 1u8..=28) {
            let s = format!("{y:04}-{m:02}-{d:02}");
            prop_assert!(parse_date(&s).is_some());
        }
    }
}
