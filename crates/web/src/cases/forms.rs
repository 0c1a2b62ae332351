//! The case form: one flat HTML form (repeated keys for multi-valued fields) mapped to and from
//! the domain's `CaseRecord`, and the field list that drives the one template used for
//! registration and edits. Every field shows its translated label and help text.
use haven_domain::GUYANA_REGIONS;
use haven_domain::record::HOME_COUNTRY;
use haven_domain::record::{CaseRecord, FieldError, IdentityDocument};
use haven_domain::reference::{self, COUNTRIES, LANGUAGES, Picklist};
use serde::Deserialize;

use crate::layout::Layout;

/// What the browser sends. Numbers arrive as text so that "abc" becomes a field error, not a
/// rejected request that loses the whole form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CaseForm {
    pub csrf: String,
    /// The case version the edit started from.
    pub version: Option<i64>,
    /// The draft this form was resumed from.
    pub draft: String,
    /// Which button: `save` or `draft`.
    pub action: String,
    /// `1` once the possible existing records were shown and the user registers all the same.
    pub matches_checked: String,
    pub first_name: String,
    pub middle_name: String,
    pub second_name: String,
    pub also_known_as: String,
    pub birth_date: String,
    pub assessed_age: String,
    pub age_uncertain: Option<String>,
    pub gender: String,
    pub citizenship: Vec<String>,
    pub primary_language: String,
    pub secondary_language: String,
    pub marital_status: String,
    pub number_of_children: String,
    pub highest_level_of_education: String,
    pub deceased: Option<String>,
    pub document_type: Vec<String>,
    pub document_number: Vec<String>,
    pub issuing_country: Vec<String>,
    pub email: String,
    pub home_phone: String,
    pub mobile_phone: String,
    pub mailing_country: String,
    pub mailing_state: String,
    pub mailing_city: String,
    pub mailing_street: String,
    pub mailing_postal_code: String,
    pub trafficking_status: String,
    pub trafficking_status_decision_org: String,
    pub relationship_to_trafficker: String,
    pub age_when_trafficked: String,
    pub method_of_recruitment: Vec<String>,
    pub recruitment_websites_and_apps: Vec<String>,
    pub methods_of_control: Vec<String>,
    pub type_of_exploitation: Vec<String>,
    pub forced_labour_industry: String,
    pub type_of_sex_exploitation: Vec<String>,
    pub exploitation_websites_and_apps: Vec<String>,
    pub vulnerabilities: Vec<String>,
    pub region: String,
    pub risk_level: String,
    pub referral_source: String,
    pub referring_organisation: String,
    pub referral_date: String,
    pub reason_for_incoming_referral: String,
    pub summary: String,
}

/// A country typed as a code or as its name in any of the three languages.
pub(crate) fn country_input(s: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        return String::new();
    }
    if let Some(c) = reference::country(t) {
        return c.alpha2.to_string();
    }
    let lower = t.to_lowercase();
    COUNTRIES
        .iter()
        .find(|c| [c.en, c.fr, c.es].iter().any(|n| n.to_lowercase() == lower))
        .map(|c| c.alpha2.to_string())
        .unwrap_or_else(|| t.to_string())
}

/// A language typed as a code or as its name in any of the three languages.
pub(crate) fn language_input(s: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        return String::new();
    }
    reference::language(t).map_or_else(|| t.to_string(), |l| l.code.to_string())
}

fn number(errors: &mut Vec<FieldError>, field: &'static str, s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(field, "error-number"));
            None
        }
    }
}

impl CaseForm {
    /// The record, and the problems found while reading numbers (the rest is checked by the
    /// domain).
    pub(crate) fn to_record(&self) -> (CaseRecord, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut r = CaseRecord::default();
        let p = &mut r.person;
        p.first_name = self.first_name.clone();
        p.middle_name = self.middle_name.clone();
        p.second_name = self.second_name.clone();
        p.also_known_as = self.also_known_as.clone();
        p.birth_date = self.birth_date.clone();
        p.assessed_age = number(&mut errors, "assessed_age", &self.assessed_age);
        p.age_uncertain = self.age_uncertain.is_some();
        p.gender = self.gender.clone();
        p.citizenship = self
            .citizenship
            .iter()
            .map(|c| country_input(c))
            .filter(|c| !c.is_empty())
            .collect();
        p.primary_language = language_input(&self.primary_language);
        p.secondary_language = language_input(&self.secondary_language);
        p.marital_status = self.marital_status.clone();
        p.number_of_children = number(&mut errors, "number_of_children", &self.number_of_children);
        p.highest_level_of_education = self.highest_level_of_education.clone();
        p.deceased = self.deceased.is_some();
        let n = self
            .document_type
            .len()
            .max(self.document_number.len())
            .max(self.issuing_country.len());
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        p.identity_documents = (0..n)
            .map(|i| IdentityDocument {
                document_type: at(&self.document_type, i),
                document_number: at(&self.document_number, i),
                issuing_country: country_input(&at(&self.issuing_country, i)),
            })
            .collect();
        p.email = self.email.clone();
        p.home_phone = self.home_phone.clone();
        p.mobile_phone = self.mobile_phone.clone();
        p.mailing_country = country_input(&self.mailing_country);
        p.mailing_state = self.mailing_state.clone();
        p.mailing_city = self.mailing_city.clone();
        p.mailing_street = self.mailing_street.clone();
        p.mailing_postal_code = self.mailing_postal_code.clone();
        let v = &mut r.victim;
        v.trafficking_status = self.trafficking_status.clone();
        v.trafficking_status_decision_org = self.trafficking_status_decision_org.clone();
        v.relationship_to_trafficker = self.relationship_to_trafficker.clone();
        v.age_when_trafficked = number(
            &mut errors,
            "age_when_trafficked",
            &self.age_when_trafficked,
        );
        v.method_of_recruitment = self.method_of_recruitment.clone();
        v.recruitment_websites_and_apps = self.recruitment_websites_and_apps.clone();
        v.methods_of_control = self.methods_of_control.clone();
        v.type_of_exploitation = self.type_of_exploitation.clone();
        v.forced_labour_industry = self.forced_labour_industry.clone();
        v.type_of_sex_exploitation = self.type_of_sex_exploitation.clone();
        v.exploitation_websites_and_apps = self.exploitation_websites_and_apps.clone();
        v.vulnerabilities = self.vulnerabilities.clone();
        let c = &mut r.case;
        c.region = self.region.clone();
        c.risk_level = self.risk_level.clone();
        c.referral_source = self.referral_source.clone();
        c.referring_organisation = self.referring_organisation.clone();
        c.referral_date = self.referral_date.clone();
        c.reason_for_incoming_referral = self.reason_for_incoming_referral.clone();
        c.summary = self.summary.clone();
        (r, errors)
    }
}

/// How a field is edited.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Text,
    Email,
    Tel,
    Date,
    Number,
    TextArea,
    Check,
    Select(&'static Picklist),
    Multi(&'static Picklist),
    Country,
    Countries,
    Language,
    Region,
    /// The region in the deployment's country, free text elsewhere.
    State,
    Documents,
}

pub(crate) struct Spec {
    pub name: &'static str,
    pub kind: Kind,
}

const fn f(name: &'static str, kind: Kind) -> Spec {
    Spec { name, kind }
}

/// The form, section by section, in the order an interview usually goes.
pub(crate) const SECTIONS: &[(&str, &[Spec])] = &[
    (
        "section-person",
        &[
            f("first_name", Kind::Text),
            f("middle_name", Kind::Text),
            f("second_name", Kind::Text),
            f("also_known_as", Kind::Text),
            f("birth_date", Kind::Date),
            f("assessed_age", Kind::Number),
            f("age_uncertain", Kind::Check),
            f("gender", Kind::Select(&reference::PRS_GENDER)),
            f("citizenship", Kind::Countries),
            f("primary_language", Kind::Language),
            f("secondary_language", Kind::Language),
            f(
                "marital_status",
                Kind::Select(&reference::PRS_MARITAL_STATUS),
            ),
            f("number_of_children", Kind::Number),
            f(
                "highest_level_of_education",
                Kind::Select(&reference::PRS_HIGHEST_LEVEL_OF_EDUCATION),
            ),
            f("deceased", Kind::Check),
        ],
    ),
    (
        "section-identity",
        &[f("identity_documents", Kind::Documents)],
    ),
    (
        "section-contact",
        &[
            f("email", Kind::Email),
            f("home_phone", Kind::Tel),
            f("mobile_phone", Kind::Tel),
        ],
    ),
    (
        "section-address",
        &[
            f("mailing_country", Kind::Country),
            f("mailing_state", Kind::State),
            f("mailing_city", Kind::Text),
            f("mailing_street", Kind::Text),
            f("mailing_postal_code", Kind::Text),
        ],
    ),
    (
        "section-victim",
        &[
            f(
                "trafficking_status",
                Kind::Select(&reference::VIC_TRAFFICKING_STATUS),
            ),
            f(
                "trafficking_status_decision_org",
                Kind::Select(&reference::VIC_TRAFFICKING_STATUS_DECISION_MAKING_ORG),
            ),
            f(
                "type_of_exploitation",
                Kind::Multi(&reference::VIC_TYPE_OF_EXPLOITATION),
            ),
            f(
                "forced_labour_industry",
                Kind::Select(&reference::VIC_FORCED_LABOUR_INDUSTRY),
            ),
            f(
                "type_of_sex_exploitation",
                Kind::Multi(&reference::VIC_TYPE_OF_SEX_EXPLOITATION),
            ),
            f(
                "methods_of_control",
                Kind::Multi(&reference::VIC_METHODS_OF_CONTROL),
            ),
            f(
                "method_of_recruitment",
                Kind::Multi(&reference::VIC_METHOD_OF_RECRUITMENT),
            ),
            f(
                "recruitment_websites_and_apps",
                Kind::Multi(&reference::VIC_RECRUITMENT_WEBSITES_AND_APPS),
            ),
            f(
                "exploitation_websites_and_apps",
                Kind::Multi(&reference::VIC_EXPLOITATION_WEBSITES_AND_APPS),
            ),
            f(
                "relationship_to_trafficker",
                Kind::Select(&reference::VIC_RELATIONSHIP_TO_TRAFFICKER),
            ),
            f("age_when_trafficked", Kind::Number),
            f(
                "vulnerabilities",
                Kind::Multi(&reference::VIC_VULNERABILITIES),
            ),
        ],
    ),
    (
        "section-case",
        &[
            f("region", Kind::Region),
            f("risk_level", Kind::Select(&reference::HVN_RISK_LEVEL)),
            f(
                "referral_source",
                Kind::Select(&reference::HVN_REFERRAL_SOURCE),
            ),
            f("referring_organisation", Kind::Text),
            f("referral_date", Kind::Date),
            f(
                "reason_for_incoming_referral",
                Kind::Select(&reference::CAS_REASON_FOR_INCOMING_REFERRAL),
            ),
            f("summary", Kind::TextArea),
        ],
    ),
];

/// One field, ready for the template.
pub(crate) struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub help: String,
    /// `text`, `email`, `tel`, `date`, `number`, `textarea`, `check`, `select`, `multi`,
    /// `country`, `countries`, `language`, `documents`.
    pub kind: &'static str,
    pub value: String,
    pub values: Vec<String>,
    /// (code, label, selected)
    pub options: Vec<(String, String, bool)>,
    pub documents: Vec<IdentityDocument>,
    pub required: bool,
    pub error: Option<String>,
}

pub(crate) struct SectionView {
    pub title: String,
    pub fields: Vec<FieldView>,
}

/// The flat (name → value) view of a record for the form.
fn value_of(r: &CaseRecord, name: &str) -> (String, Vec<String>) {
    let p = &r.person;
    let v = &r.victim;
    let c = &r.case;
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let flag = |b: bool| if b { "true".to_string() } else { String::new() };
    let s = |x: &String| (x.clone(), Vec::new());
    let m = |x: &Vec<String>| (String::new(), x.clone());
    match name {
        "first_name" => s(&p.first_name),
        "middle_name" => s(&p.middle_name),
        "second_name" => s(&p.second_name),
        "also_known_as" => s(&p.also_known_as),
        "birth_date" => s(&p.birth_date),
        "assessed_age" => (num(p.assessed_age), vec![]),
        "age_uncertain" => (flag(p.age_uncertain), vec![]),
        "gender" => s(&p.gender),
        "citizenship" => m(&p.citizenship),
        "primary_language" => s(&p.primary_language),
        "secondary_language" => s(&p.secondary_language),
        "marital_status" => s(&p.marital_status),
        "number_of_children" => (num(p.number_of_children), vec![]),
        "highest_level_of_education" => s(&p.highest_level_of_education),
        "deceased" => (flag(p.deceased), vec![]),
        "email" => s(&p.email),
        "home_phone" => s(&p.home_phone),
        "mobile_phone" => s(&p.mobile_phone),
        "mailing_country" => s(&p.mailing_country),
        "mailing_state" => s(&p.mailing_state),
        "mailing_city" => s(&p.mailing_city),
        "mailing_street" => s(&p.mailing_street),
        "mailing_postal_code" => s(&p.mailing_postal_code),
        "trafficking_status" => s(&v.trafficking_status),
        "trafficking_status_decision_org" => s(&v.trafficking_status_decision_org),
        "relationship_to_trafficker" => s(&v.relationship_to_trafficker),
        "age_when_trafficked" => (num(v.age_when_trafficked), vec![]),
        "method_of_recruitment" => m(&v.method_of_recruitment),
        "recruitment_websites_and_apps" => m(&v.recruitment_websites_and_apps),
        "methods_of_control" => m(&v.methods_of_control),
        "type_of_exploitation" => m(&v.type_of_exploitation),
        "forced_labour_industry" => s(&v.forced_labour_industry),
        "type_of_sex_exploitation" => m(&v.type_of_sex_exploitation),
        "exploitation_websites_and_apps" => m(&v.exploitation_websites_and_apps),
        "vulnerabilities" => m(&v.vulnerabilities),
        "region" => s(&c.region),
        "risk_level" => s(&c.risk_level),
        "referral_source" => s(&c.referral_source),
        "referring_organisation" => s(&c.referring_organisation),
        "referral_date" => s(&c.referral_date),
        "reason_for_incoming_referral" => s(&c.reason_for_incoming_referral),
        "summary" => s(&c.summary),
        _ => (String::new(), vec![]),
    }
}

fn picklist_options(
    l: &Layout<'_>,
    list: &Picklist,
    selected: &[String],
) -> Vec<(String, String, bool)> {
    list.codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                l.t(&list.label_key(c)),
                selected.iter().any(|s| s == c),
            )
        })
        .collect()
}

/// Builds the form's sections from a record (as typed, even when invalid) and its errors.
pub(crate) fn sections(l: &Layout<'_>, r: &CaseRecord, errors: &[FieldError]) -> Vec<SectionView> {
    SECTIONS
        .iter()
        .map(|(title, specs)| SectionView {
            title: l.t(title),
            fields: specs
                .iter()
                .map(|spec| {
                    let (value, values) = value_of(r, spec.name);
                    let (kind, options, values) = match spec.kind {
                        Kind::Text => ("text", vec![], values),
                        Kind::Email => ("email", vec![], values),
                        Kind::Tel => ("tel", vec![], values),
                        Kind::Date => ("date", vec![], values),
                        Kind::Number => ("number", vec![], values),
                        Kind::TextArea => ("textarea", vec![], values),
                        Kind::Check => ("check", vec![], values),
                        Kind::Select(list) => (
                            "select",
                            picklist_options(l, list, std::slice::from_ref(&value)),
                            values,
                        ),
                        Kind::Multi(list) => ("multi", picklist_options(l, list, &values), values),
                        Kind::Country => ("country", vec![], values),
                        Kind::Countries => {
                            // Two inputs at least, one more than filled.
                            let mut v = values;
                            v.push(String::new());
                            if v.len() < 2 {
                                v.push(String::new());
                            }
                            ("countries", vec![], v)
                        }
                        Kind::Language => ("language", vec![], values),
                        Kind::Region => ("select", region_options(l, &value), values),
                        Kind::State => {
                            if r.person.mailing_country.is_empty()
                                || r.person.mailing_country == HOME_COUNTRY
                            {
                                ("select", region_options(l, &value), values)
                            } else {
                                ("text", vec![], values)
                            }
                        }
                        Kind::Documents => ("documents", vec![], values),
                    };
                    let mut documents = r.person.identity_documents.clone();
                    if matches!(spec.kind, Kind::Documents) {
                        documents.push(IdentityDocument::default());
                    }
                    FieldView {
                        name: spec.name,
                        label: l.t(&format!("field-{}", spec.name)),
                        help: l.t(&format!("field-{}-help", spec.name)),
                        kind,
                        value,
                        values,
                        options,
                        documents: if matches!(spec.kind, Kind::Documents) {
                            documents
                        } else {
                            vec![]
                        },
                        required: haven_domain::record::REQUIRED_FIELDS.contains(&spec.name),
                        error: errors
                            .iter()
                            .find(|e| e.field == spec.name)
                            .map(|e| l.t(e.key)),
                    }
                })
                .collect(),
        })
        .collect()
}

pub(crate) fn region_options(l: &Layout<'_>, selected: &str) -> Vec<(String, String, bool)> {
    GUYANA_REGIONS
        .iter()
        .map(|r| (r.code.to_string(), l.region_of(r.code), r.code == selected))
        .collect()
}

/// (code, name) of every country in the reader's language, for the shared datalist.
pub(crate) fn country_list(l: &Layout<'_>) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<_> = COUNTRIES
        .iter()
        .map(|c| (c.alpha2, c.name(l.lang_code())))
        .collect();
    v.sort_by(|a, b| a.1.cmp(b.1));
    v
}

pub(crate) fn language_list(l: &Layout<'_>) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<_> = LANGUAGES
        .iter()
        .map(|x| (x.code, x.name(l.lang_code())))
        .collect();
    v.sort_by(|a, b| a.1.cmp(b.1));
    v
}

/// A country's name in the reader's language (the code itself if unknown).
pub(crate) fn country_name(l: &Layout<'_>, code: &str) -> String {
    reference::country(code)
        .map(|c| c.name(l.lang_code()).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// A picklist's codes with their labels, for a select.
pub(crate) fn options(l: &Layout<'_>, list: &'static Picklist) -> Vec<(&'static str, String)> {
    list.codes
        .iter()
        .map(|c| (*c, code_label(l, list, c)))
        .collect()
}

/// The same, each marked when it is among `selected` (checkboxes).
pub(crate) fn options_checked(
    l: &Layout<'_>,
    list: &'static Picklist,
    selected: &[String],
) -> Vec<(&'static str, String, bool)> {
    let on = |c: &str| selected.iter().any(|x| x == c);
    options(l, list)
        .into_iter()
        .map(|(c, n)| (c, n, on(c)))
        .collect()
}

/// Several codes of a picklist, translated and joined.
pub(crate) fn code_labels(l: &Layout<'_>, list: &Picklist, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| code_label(l, list, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A code's label from its picklist.
pub(crate) fn code_label(l: &Layout<'_>, list: &Picklist, code: &str) -> String {
    if code.is_empty() {
        return String::new();
    }
    l.t(&list.label_key(code))
}

/// The record as (section title, [(label, value)]) for reading; empty values show as a dash.
pub(crate) fn display(l: &Layout<'_>, r: &CaseRecord) -> Vec<(String, Vec<(String, String)>)> {
    SECTIONS
        .iter()
        .map(|(title, specs)| {
            let rows = specs
                .iter()
                .map(|spec| {
                    let (value, values) = value_of(r, spec.name);
                    let shown = match spec.kind {
                        Kind::Check => {
                            if value.is_empty() {
                                String::new()
                            } else {
                                l.t("yes")
                            }
                        }
                        Kind::Select(list) => code_label(l, list, &value),
                        Kind::Multi(list) => values
                            .iter()
                            .map(|c| code_label(l, list, c))
                            .collect::<Vec<_>>()
                            .join(", "),
                        Kind::Country => country_name(l, &value),
                        Kind::Countries => values
                            .iter()
                            .map(|c| country_name(l, c))
                            .collect::<Vec<_>>()
                            .join(", "),
                        Kind::Language => reference::language(&value)
                            .map(|x| x.name(l.lang_code()).to_string())
                            .unwrap_or(value),
                        Kind::Region => l.region_of(&value),
                        Kind::State => {
                            if r.person.mailing_country == HOME_COUNTRY {
                                l.region_of(&value)
                            } else {
                                value
                            }
                        }
                        Kind::Documents => r
                            .person
                            .identity_documents
                            .iter()
                            .map(|d| {
                                format!(
                                    "{} {} ({})",
                                    code_label(
                                        l,
                                        &reference::HVN_IDENTITY_DOCUMENT_TYPE,
                                        &d.document_type
                                    ),
                                    d.document_number,
                                    country_name(l, &d.issuing_country)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                        _ => value,
                    };
                    let shown = if shown.trim().is_empty() {
                        "—".to_string()
                    } else {
                        shown
                    };
                    (l.t(&format!("field-{}", spec.name)), shown)
                })
                .collect();
            (l.t(title), rows)
        })
        .collect()
}

/// A history value in the reader's terms: the label of a code, the name of a country.
pub(crate) fn history_value(l: &Layout<'_>, field: &str, value: &str) -> String {
    let spec = SECTIONS
        .iter()
        .flat_map(|(_, specs)| specs.iter())
        .find(|s| s.name == field);
    let each = |f: &dyn Fn(&str) -> String| value.split(", ").map(f).collect::<Vec<_>>().join(", ");
    match (field, spec.map(|s| s.kind)) {
        ("status", _) => code_label(l, &reference::CAS_STATUS, value),
        ("closure_reason", _) => code_label(l, &reference::HVN_CLOSURE_REASON, value),
        (_, Some(Kind::Select(list))) => code_label(l, list, value),
        (_, Some(Kind::Multi(list))) => each(&|c| code_label(l, list, c)),
        (_, Some(Kind::Country | Kind::Countries)) => each(&|c| country_name(l, c)),
        (_, Some(Kind::Region)) => l.region_of(value),
        _ => value.to_string(),
    }
}

/// The translated label of a history field name.
pub(crate) fn field_label(l: &Layout<'_>, field: &str) -> String {
    l.t(&format!("field-{field}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_and_languages_by_code_or_name() {
        assert_eq!(country_input("ven"), "VE");
        assert_eq!(country_input("Brésil"), "BR");
        assert_eq!(country_input(" guyana "), "GY");
        assert_eq!(country_input("Atlantis"), "Atlantis");
        assert_eq!(language_input("Spanish"), "spa");
        assert_eq!(language_input("pt"), "por");
    }

    #[test]
    fn numbers_that_are_not_numbers_are_field_errors() {
        let form = CaseForm {
            assessed_age: "about 20".into(),
            number_of_children: "2".into(),
            citizenship: vec!["VE".into(), "".into()],
            document_type: vec!["Passport".into(), "".into()],
            document_number: vec!["X1".into(), "".into()],
            issuing_country: vec!["Venezuela".into(), "".into()],
            ..Default::default()
        };
        let (r, errors) = form.to_record();
        assert_eq!(
            errors,
            vec![FieldError::new("assessed_age", "error-number")]
        );
        assert_eq!(r.person.number_of_children, Some(2));
        assert_eq!(r.person.citizenship, ["VE"]);
        assert_eq!(r.person.identity_documents[0].issuing_country, "VE");
    }

    #[test]
    fn every_record_field_is_on_the_form() {
        let on_form: Vec<&str> = SECTIONS
            .iter()
            .flat_map(|(_, specs)| specs.iter().map(|s| s.name))
            .collect();
        for (field, _) in CaseRecord::default().flatten() {
            assert!(on_form.contains(&field), "{field} is not on the form");
        }
    }
}
