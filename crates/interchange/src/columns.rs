//! Which column holds which field. Haven's case spreadsheet uses the HTCDS 2.0 field names
//! (`prs_FirstName`), and `hvn_` names for what the standard leaves open, so that a file written
//! by Haven goes back into Haven, or to an organisation using the standard, unchanged.
//!
//! A header is recognised by, in turn: a saved mapping; its HTCDS name (in any case, with or
//! without underscores: KoboToolbox forms write `prs_First_Name`); an alias (the HTCDS template
//! misspells `vic_TraffickinStatusDecisionMakingOrg`); the field's label in English, French or
//! Spanish; and, for KoboToolbox and ODK exports, its last group segment (`group/prs_FirstName`)
//! or a `field/choice` pair (one 0/1 column per choice of a select_multiple).
use std::collections::{BTreeMap, HashMap};

use haven_i18n::{I18n, Lang};

use crate::values::{Vocabulary, norm};

/// A column of Haven's case spreadsheet: its HTCDS name and the field it fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// The field: a name of [`haven_domain::record::CaseRecord::flatten`], or one of the case's
    /// own (`status`, `closure_reason`, `closure_note`).
    pub field: &'static str,
    /// Other names the column goes by in files seen in the wild.
    pub aliases: &'static [&'static str],
    /// Its label in the HTCDS template (row 2), where the standard has one.
    pub label: &'static str,
    /// Personal data: names, contacts, documents, free text (export needs a reason).
    pub personal: bool,
}

const fn col(
    name: &'static str,
    field: &'static str,
    label: &'static str,
    personal: bool,
) -> Column {
    Column {
        name,
        field,
        aliases: &[],
        label,
        personal,
    }
}

/// The HXL hashtag of a field without personal data.
pub fn hxl_tag(field: &str) -> &'static str {
    match field {
        "assessed_age" => "#affected+age+assessed",
        "age_uncertain" => "#affected+age+uncertain",
        "gender" => "#affected+sex",
        "citizenship" => "#affected+nationality+code",
        "primary_language" => "#affected+language+primary",
        "secondary_language" => "#affected+language+secondary",
        "marital_status" => "#affected+marital",
        "number_of_children" => "#affected+children+num",
        "highest_level_of_education" => "#affected+education",
        "deceased" => "#affected+deceased",
        "mailing_country" => "#country+code+residence",
        "mailing_state" => "#adm1+residence",
        "trafficking_status" => "#status+trafficking",
        "trafficking_status_decision_org" => "#org+type+status_decision",
        "relationship_to_trafficker" => "#indicator+relationship",
        "age_when_trafficked" => "#affected+age+trafficked",
        "method_of_recruitment" => "#indicator+recruitment",
        "recruitment_websites_and_apps" => "#indicator+recruitment+online",
        "methods_of_control" => "#indicator+control",
        "type_of_exploitation" => "#indicator+exploit",
        "forced_labour_industry" => "#sector+labour",
        "type_of_sex_exploitation" => "#indicator+exploit+sexual",
        "exploitation_websites_and_apps" => "#indicator+exploit+online",
        "vulnerabilities" => "#indicator+vulnerability",
        "region" => "#adm1+code+identified",
        "risk_level" => "#severity+risk",
        "referral_source" => "#org+type+referral_source",
        "referring_organisation" => "#org+name+referring",
        "referral_date" => "#date+referred",
        "reason_for_incoming_referral" => "#indicator+referral_reason",
        "status" => "#status+case",
        "closure_reason" => "#status+closure_reason",
        _ => "",
    }
}

/// Every column Haven reads and writes, in the order it writes them.
pub const COLUMNS: &[Column] = &[
    col("prs_FirstName", "first_name", "First Name", true),
    col("prs_MiddleName", "middle_name", "Middle Name", true),
    Column {
        aliases: &["prs_LastName", "prs_Surname"],
        ..col("prs_SecondName", "second_name", "Second Name", true)
    },
    col("hvn_AlsoKnownAs", "also_known_as", "", true),
    Column {
        aliases: &["prs_BirthDate", "prs_DateOfBirth"],
        ..col("prs_Birthdate", "birth_date", "Birthdate", true)
    },
    col("hvn_AssessedAge", "assessed_age", "", false),
    col("hvn_AgeUncertain", "age_uncertain", "", false),
    col("prs_Gender", "gender", "Gender", false),
    Column {
        aliases: &["prs_Nationality"],
        ..col("prs_Citizenship", "citizenship", "Citizenship", false)
    },
    col(
        "prs_PrimaryLanguage",
        "primary_language",
        "Primary Language",
        false,
    ),
    col(
        "prs_SecondaryLanguage",
        "secondary_language",
        "Secondary Language",
        false,
    ),
    col(
        "prs_MaritalStatus",
        "marital_status",
        "Marital Status",
        false,
    ),
    col(
        "prs_NumberOfChildren",
        "number_of_children",
        "Number of Children",
        false,
    ),
    col(
        "prs_HighestLevelOfEducation",
        "highest_level_of_education",
        "Highest Level of Education",
        false,
    ),
    col("prs_Deceased", "deceased", "Deceased", false),
    col("hvn_IdentityDocuments", "identity_documents", "", true),
    col("prs_Email", "email", "Email", true),
    col("prs_HomePhone", "home_phone", "Home Phone", true),
    col("prs_MobilePhone", "mobile_phone", "Mobile Phone", true),
    col(
        "prs_MailingCountry",
        "mailing_country",
        "Mailing Country",
        false,
    ),
    col(
        "prs_MailingState",
        "mailing_state",
        "Mailing State/Province",
        false,
    ),
    col("prs_MailingCity", "mailing_city", "Mailing City", true),
    col(
        "prs_MailingStreet",
        "mailing_street",
        "Mailing Street",
        true,
    ),
    col(
        "prs_MailingPostalCode",
        "mailing_postal_code",
        "Mailing Zip/Postal Code",
        true,
    ),
    col(
        "vic_TraffickingStatus",
        "trafficking_status",
        "Trafficking Status",
        false,
    ),
    Column {
        aliases: &["vic_TraffickinStatusDecisionMakingOrg"],
        ..col(
            "vic_TraffickingStatusDecisionMakingOrg",
            "trafficking_status_decision_org",
            "Trafficking Status Decision Making Organization",
            false,
        )
    },
    col(
        "vic_RelationshipToTrafficker",
        "relationship_to_trafficker",
        "Relationship to Trafficker",
        false,
    ),
    col(
        "vic_AgeWhenTrafficked",
        "age_when_trafficked",
        "Age when Trafficked",
        false,
    ),
    col(
        "vic_MethodOfRecruitment",
        "method_of_recruitment",
        "Method of Recruitment",
        false,
    ),
    col(
        "vic_RecruitmentWebsitesAndApps",
        "recruitment_websites_and_apps",
        "Recruitment Websites and Apps",
        false,
    ),
    col(
        "vic_MethodsOfControl",
        "methods_of_control",
        "Methods of Control",
        false,
    ),
    col(
        "vic_TypeOfExploitation",
        "type_of_exploitation",
        "Type of Exploitation",
        false,
    ),
    col(
        "vic_ForcedLabourIndustry",
        "forced_labour_industry",
        "Forced Labour Industry",
        false,
    ),
    col(
        "vic_TypeOfSexExploitation",
        "type_of_sex_exploitation",
        "Type of Sex Exploitation",
        false,
    ),
    col(
        "vic_ExploitationWebsitesAndApps",
        "exploitation_websites_and_apps",
        "Exploitation Websites and Apps",
        false,
    ),
    col(
        "vic_Vulnerabilities",
        "vulnerabilities",
        "Vulnerabilities",
        false,
    ),
    Column {
        aliases: &["cas_Region", "hvn_RegionOfIdentification"],
        ..col("hvn_Region", "region", "", false)
    },
    col("hvn_RiskLevel", "risk_level", "", false),
    col("hvn_ReferralSource", "referral_source", "", false),
    col(
        "cas_ReferringOrganisation",
        "referring_organisation",
        "Referring Organisation",
        false,
    ),
    col(
        "cas_IncomingReferralDate",
        "referral_date",
        "Incoming Referral Date",
        false,
    ),
    col(
        "cas_ReasonForIncomingReferral",
        "reason_for_incoming_referral",
        "Reason for Incoming Referral",
        false,
    ),
    Column {
        aliases: &["hvn_Summary"],
        ..col(
            "cas_IncomingReferralDetails",
            "summary",
            "Incoming Referral Details",
            true,
        )
    },
    col("cas_Status", "status", "Status", false),
    col("hvn_ClosureReason", "closure_reason", "", false),
    col(
        "cas_ReasonForCaseClosure",
        "closure_note",
        "Reason for Case Closure",
        true,
    ),
];

/// Columns of the standard that Haven recognises but does not keep from an import: they are
/// named in the preview as "not imported", with no error.
pub const NOT_KEPT: &[&str] = &[
    "prs_Salutation",
    "prs_Title",
    "prs_IdentityNumber",
    "prs_MailingLongitude",
    "prs_MailingLatitude",
    "con_Consent",
    "vic_AgreementToManagePersonalData",
    "vic_LocationOfRecruitment",
    "vic_LocationOfExploitation",
    "vic_DetailsOfVulnerabilities",
    "cas_CaseOwner",
    "cas_ReferringPrimaryCaseWorker",
    "cas_ReferredOrganisation",
    "cas_ReferredPrimaryCaseWorker",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate",
    "cas_OutgoingReferralDetails",
    "hvn_CaseNumber",
];

/// Bookkeeping columns of KoboToolbox and ODK exports, ignored without a word.
const META: &[&str] = &[
    "_id",
    "_index",
    "_parent_index",
    "_validation_status",
    "_status",
    "_submitted_by",
    "__version__",
    "_version_",
    "_notes",
    "_tags",
    "_attachments",
    "_geolocation",
    "_xform_id_string",
    "start",
    "end",
    "today",
    "deviceid",
    "formhub/uuid",
    "meta/instanceName",
    "meta/deprecatedID",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
];

const SOURCE_IDS: &[&str] = &["meta/instanceID", "instanceID", "_uuid", "KEY"];
const SUBMITTED: &[&str] = &["_submission_time", "SubmissionDate"];

/// What one column of a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A field of the case (see [`Column::field`]).
    Field(&'static str),
    /// One choice of a select_multiple, as 0/1 (or TRUE/FALSE).
    Choice(&'static str, &'static str),
    /// The submission's own identifier (`instanceID`, `_uuid`): what makes a re-import
    /// recognise a row already taken.
    SourceId,
    /// When the submission reached the server.
    SubmittedAt,
    /// A standard column Haven does not keep.
    NotKept,
    /// Bookkeeping of the collection tool.
    Meta,
    /// Nothing Haven knows: shown in the preview, where it can be mapped.
    Unknown,
    /// Set aside by the user's mapping.
    Ignored,
}

impl Target {
    /// The target as written in a mapping file: a field name, `field=Choice`, `source_id`,
    /// `submitted_at` or `ignore`.
    pub fn key(&self) -> String {
        match self {
            Target::Field(f) => (*f).to_string(),
            Target::Choice(f, c) => format!("{f}={c}"),
            Target::SourceId => "source_id".into(),
            Target::SubmittedAt => "submitted_at".into(),
            Target::NotKept | Target::Meta | Target::Unknown | Target::Ignored => "ignore".into(),
        }
    }

    /// Parses [`Target::key`].
    pub fn parse(key: &str, vocab: &Vocabulary) -> Option<Target> {
        let key = key.trim();
        match key {
            "source_id" => return Some(Target::SourceId),
            "submitted_at" => return Some(Target::SubmittedAt),
            "ignore" | "" => return Some(Target::Ignored),
            _ => {}
        }
        if let Some((f, c)) = key.split_once('=') {
            let field = field_named(f)?;
            let code = vocab.code(field, c)?;
            return Some(Target::Choice(field, code));
        }
        field_named(key).map(Target::Field)
    }

    /// Whether the column carries case data (a filled cell makes the row a record).
    pub fn is_data(&self) -> bool {
        matches!(self, Target::Field(_) | Target::Choice(..))
    }
}

/// The field of this name (as in [`Column::field`]).
pub fn field_named(name: &str) -> Option<&'static str> {
    COLUMNS.iter().find(|c| c.field == name).map(|c| c.field)
}

/// The column of a field.
pub fn column_of(field: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.field == field)
}

/// A column mapping the user builds once in the preview and reuses: header text → target.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Written by Haven, so a file can be recognised.
    #[serde(default = "Mapping::kind")]
    pub haven_mapping: u32,
    pub columns: BTreeMap<String, String>,
}

impl Mapping {
    fn kind() -> u32 {
        1
    }

    /// Reads a mapping file (JSON).
    pub fn from_json(bytes: &[u8]) -> Result<Mapping, String> {
        let m: Mapping = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if m.columns.len() > 2000 {
            return Err("too many columns".into());
        }
        Ok(m)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The lookup of headers, built once.
pub struct Headers {
    by_norm: HashMap<String, Target>,
}

impl Headers {
    pub fn new(i18n: &I18n) -> Headers {
        let mut by_norm = HashMap::new();
        // Labels first, so that names (more precise) overwrite them on a clash.
        for c in COLUMNS {
            for lang in Lang::ALL {
                let key = format!("field-{}", c.field);
                if i18n.has(lang, &key) {
                    by_norm.insert(norm(&i18n.t(lang, &key)), Target::Field(c.field));
                }
            }
            if !c.label.is_empty() {
                by_norm.insert(norm(c.label), Target::Field(c.field));
            }
        }
        for c in COLUMNS {
            by_norm.insert(norm(c.field), Target::Field(c.field));
            by_norm.insert(norm(c.name), Target::Field(c.field));
            for a in c.aliases {
                by_norm.insert(norm(a), Target::Field(c.field));
            }
        }
        for n in NOT_KEPT {
            by_norm.insert(norm(n), Target::NotKept);
        }
        for n in META {
            by_norm.insert(norm(n), Target::Meta);
        }
        for n in SOURCE_IDS {
            by_norm.insert(norm(n), Target::SourceId);
        }
        for n in SUBMITTED {
            by_norm.insert(norm(n), Target::SubmittedAt);
        }
        Headers { by_norm }
    }

    /// What a header names, without a mapping.
    pub fn resolve(&self, header: &str, vocab: &Vocabulary) -> Target {
        let h = header.trim();
        if h.is_empty() {
            return Target::Ignored;
        }
        if let Some(t) = self.by_norm.get(&norm(h)) {
            return *t;
        }
        // KoboToolbox writes groups with `/` (or `.` when asked), ODK Central with `-`.
        let segments: Vec<&str> = h
            .split(['/', '.', '-'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if segments.len() >= 2 {
            if let Some(t) = self.by_norm.get(&norm(segments[segments.len() - 1])) {
                return *t;
            }
            let field = self.by_norm.get(&norm(segments[segments.len() - 2]));
            // The XLSForm makes the forced labour industry a select_multiple too (Haven keeps
            // one; a second ticked choice replaces the first).
            if let Some(Target::Field(f)) = field
                && let Some(code) = vocab.code(f, segments[segments.len() - 1])
                && (vocab.is_multi(f) || *f == "forced_labour_industry")
            {
                return Target::Choice(f, code);
            }
        }
        Target::Unknown
    }

    /// Whether a header names a field (used to recognise the template's row of labels).
    pub fn names_field(&self, cell: &str) -> bool {
        matches!(self.by_norm.get(&norm(cell)), Some(Target::Field(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_record_has_a_column() {
        let record = haven_domain::record::CaseRecord::default();
        for (f, _) in record.flatten() {
            assert!(field_named(f).is_some(), "{f}");
        }
        let mut names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), COLUMNS.len());
    }

    #[test]
    fn every_column_without_personal_data_has_a_hashtag() {
        for c in COLUMNS {
            assert_eq!(hxl_tag(c.field).is_empty(), c.personal, "{}", c.field);
        }
    }

    #[test]
    fn headers_as_found_in_files() {
        let i18n = I18n::load().unwrap();
        let h = Headers::new(&i18n);
        let v = Vocabulary::new(&i18n);
        let f = |s: &str| h.resolve(s, &v);
        assert_eq!(f("prs_FirstName"), Target::Field("first_name"));
        assert_eq!(f("prs_First_Name"), Target::Field("first_name"));
        assert_eq!(f("person/prs_First_Name"), Target::Field("first_name"));
        assert_eq!(f("First Name"), Target::Field("first_name"));
        assert_eq!(f("Prénom"), Target::Field("first_name"));
        assert_eq!(
            f("vic_TraffickinStatusDecisionMakingOrg"),
            Target::Field("trafficking_status_decision_org")
        );
        assert_eq!(
            f("vic_Methods_of_Control"),
            Target::Field("methods_of_control")
        );
        assert_eq!(
            f("grp/vic_TypeOfExploitation/ForcedLabour"),
            Target::Choice("type_of_exploitation", "ForcedLabour")
        );
        assert_eq!(
            f("victim/vic_ForcedLabourIndustry/F_Construction"),
            Target::Choice("forced_labour_industry", "F_Construction")
        );
        assert_eq!(f("meta/instanceID"), Target::SourceId);
        assert_eq!(f("meta-instanceID"), Target::SourceId);
        assert_eq!(f("_uuid"), Target::SourceId);
        assert_eq!(f("_submission_time"), Target::SubmittedAt);
        assert_eq!(f("con_Consent"), Target::NotKept);
        assert_eq!(f("Shoe size"), Target::Unknown);
        assert_eq!(f(""), Target::Ignored);
    }
}
