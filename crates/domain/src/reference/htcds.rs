//! The picklists of the Human Trafficking Case Data Standard (HTCDS) 2.0, and Haven's own.
//!
//! A picklist's codes are the standard's *value names* (`DebtBondage`), stored and exchanged as
//! they are; the labels shown to people are Fluent messages `code-{field}-{code}` in
//! `crates/i18n/locales/reference.{en,fr,es}.ftl`. A unit test checks every HTCDS list here
//! against the standard's own field list, vendored in `crates/domain/data/` (CC BY 4.0, IOM).
//! Lists whose field starts with `hvn_` are Haven's, for what the standard leaves open.
//! The ISO-code fields of the standard (`prs_Citizenship`, `prs_PrimaryLanguage` …) are the
//! country and language tables of the parent module.
use crate::ValidationError;

/// A closed list of codes for one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Picklist {
    /// The field's name including its prefix (`vic_MethodsOfControl`, `hvn_RiskLevel`).
    pub field: &'static str,
    /// Whether the field takes several codes ("Multiselect Picklist" in the standard).
    pub multi: bool,
    /// The codes, in the standard's order (the order forms show them in).
    pub codes: &'static [&'static str],
    /// `true` for the standard's lists, `false` for Haven's own (`hvn_`).
    pub htcds: bool,
}

impl Picklist {
    /// The code itself if it belongs to the list: exact, case-sensitive match.
    pub fn parse(&self, code: &str) -> Result<&'static str, ValidationError> {
        self.codes
            .iter()
            .copied()
            .find(|c| *c == code)
            .ok_or_else(|| ValidationError::UnknownCode {
                field: self.field,
                code: code.to_string(),
            })
    }

    /// Several codes (a multiselect): every one must belong to the list; duplicates are dropped and
    /// the result follows the list's order, whatever the input's.
    pub fn parse_many(&self, codes: &[String]) -> Result<Vec<&'static str>, ValidationError> {
        let mut chosen = vec![false; self.codes.len()];
        for code in codes {
            let i = self.codes.iter().position(|c| c == code).ok_or_else(|| {
                ValidationError::UnknownCode {
                    field: self.field,
                    code: code.clone(),
                }
            })?;
            chosen[i] = true;
        }
        Ok(self
            .codes
            .iter()
            .zip(chosen)
            .filter_map(|(c, yes)| yes.then_some(*c))
            .collect())
    }

    pub fn contains(&self, code: &str) -> bool {
        self.codes.contains(&code)
    }

    /// The Fluent message key of a code's label: `code-{field}-{code}`.
    pub fn label_key(&self, code: &str) -> String {
        format!("code-{}-{}", self.field, code)
    }
}

/// `org_Type`: The organisation category.
pub const ORG_TYPE: Picklist = Picklist {
    field: "org_Type",
    multi: false,
    codes: &[
        "NGO",
        "LawEnforcement",
        "HealthServiceOrganisation",
        "CentralGovernmentOrganisation",
        "LocalGovernmentOrganisation",
        "ImmigrationService",
        "LegalService",
        "CorporateBusiness",
        "SchoolOrCollege",
    ],
    htcds: true,
};

/// `prs_Gender`: The person's gender.
pub const PRS_GENDER: Picklist = Picklist {
    field: "prs_Gender",
    multi: false,
    codes: &[
        "Feminine",
        "Masculine",
        "TransgenderFeminine",
        "TransgenderMasculine",
        "NonConforming",
        "NonSpecifiedUnknown",
    ],
    htcds: true,
};

/// `prs_MaritalStatus`: Marital status.
pub const PRS_MARITAL_STATUS: Picklist = Picklist {
    field: "prs_MaritalStatus",
    multi: false,
    codes: &[
        "Single",
        "Married",
        "Widowed",
        "Divorced",
        "Separated",
        "RegisteredPartnership",
    ],
    htcds: true,
};

/// `prs_HighestLevelOfEducation`: Highest level of education attained (ISCED 2011 levels 0 to 8).
pub const PRS_HIGHEST_LEVEL_OF_EDUCATION: Picklist = Picklist {
    field: "prs_HighestLevelOfEducation",
    multi: false,
    codes: &[
        "EarlyChildhoodEducation",
        "PrimaryEducation",
        "LowerSecondaryEducation",
        "UpperSecondaryEducation",
        "PostSecondaryNonTertiaryEducation",
        "ShortCycleTertiaryEducation",
        "BachelorsOrEquivalentLevel",
        "MastersOrEquivalentLevel",
        "DoctoralOrEquivalentLevel",
    ],
    htcds: true,
};

/// `vic_TraffickingStatus`: Whether the person is a possible, actual or not a victim of trafficking.
pub const VIC_TRAFFICKING_STATUS: Picklist = Picklist {
    field: "vic_TraffickingStatus",
    multi: false,
    codes: &[
        "PossibleVictimOfTrafficking",
        "ActualVictimOfTrafficking",
        "NotAVictimOfTrafficking",
    ],
    htcds: true,
};

/// `vic_TraffickingStatusDecisionMakingOrg`: The kind of organisation that decided the trafficking status.
pub const VIC_TRAFFICKING_STATUS_DECISION_MAKING_ORG: Picklist = Picklist {
    field: "vic_TraffickingStatusDecisionMakingOrg",
    multi: false,
    codes: &[
        "Police",
        "NGO",
        "CourtOrProsecution",
        "NonPoliceGovernmentalOrganization",
        "Other",
    ],
    htcds: true,
};

/// `vic_RelationshipToTrafficker`: How the victim knew the trafficker. The code `Unaquainted` is misspelt in
/// the standard and kept as is, since it is what other systems exchange.
pub const VIC_RELATIONSHIP_TO_TRAFFICKER: Picklist = Picklist {
    field: "vic_RelationshipToTrafficker",
    multi: false,
    codes: &["Familial", "Acquainted", "Unaquainted"],
    htcds: true,
};

/// `vic_RecruitmentWebsitesAndApps`: Online platforms used to recruit the victim.
pub const VIC_RECRUITMENT_WEBSITES_AND_APPS: Picklist = Picklist {
    field: "vic_RecruitmentWebsitesAndApps",
    multi: true,
    codes: &[
        "Facebook",
        "Instagram",
        "WhatsApp",
        "Telegram",
        "FacebookMessenger",
        "Viber",
        "SnapChat",
        "Line",
        "4Sale",
        "WeChat",
        "QQ",
        "QZone",
        "TikTok",
        "Twitter",
        "Other",
    ],
    htcds: true,
};

/// `vic_MethodOfRecruitment`: How the victim was recruited.
pub const VIC_METHOD_OF_RECRUITMENT: Picklist = Picklist {
    field: "vic_MethodOfRecruitment",
    multi: true,
    codes: &[
        "AtAPlaceOfBusiness",
        "AtAnEducationalInstitution",
        "AtWork",
        "ThroughOnlineSocialNetworks",
        "ThroughAnOnlineAdvertisement",
        "ThroughATelevisionAdvert",
        "ThroughANewspaperAdvert",
        "ThroughFamilyOrFamilyEvents",
        "ThroughFriendsOrSocialEvents",
        "Other",
    ],
    htcds: true,
};

/// `vic_MethodsOfControl`: How the traffickers controlled the victim.
pub const VIC_METHODS_OF_CONTROL: Picklist = Picklist {
    field: "vic_MethodsOfControl",
    multi: true,
    codes: &[
        "PhysicalThreats",
        "ThreatsLawEnforcement",
        "ThreatensChildrenFamily",
        "DebtBondage",
        "FalsePromises",
        "PhysicalAbuse",
        "SexualAbuse",
        "TakesEarnings",
        "RestrictsFinancialAccess",
        "RestrictsMedicalCare",
        "WithholdsNecessities",
        "PsychologicalAbuse",
        "PsychoactiveSubstance",
        "ExcessiveWorkingHours",
        "WithholdsDocuments",
        "Other",
    ],
    htcds: true,
};

/// `vic_TypeOfExploitation`: The forms of exploitation suffered.
pub const VIC_TYPE_OF_EXPLOITATION: Picklist = Picklist {
    field: "vic_TypeOfExploitation",
    multi: true,
    codes: &[
        "ForcedLabour",
        "SexualExploitation",
        "ChildLabour",
        "ForcedMarriage",
        "Servitude",
        "ForcedMilitaryByNonStateActors",
        "OrganRemoval",
        "ForcedBegging",
        "ForcedAdoption",
        "Surrogacy",
        "Other",
    ],
    htcds: true,
};

/// `vic_ForcedLabourIndustry`: The industry of forced labour: the 21 sections (A to U) of ISIC rev. 4.
/// A single choice in the standard's field list (the standard's XLSForm makes it multiple).
pub const VIC_FORCED_LABOUR_INDUSTRY: Picklist = Picklist {
    field: "vic_ForcedLabourIndustry",
    multi: false,
    codes: &[
        "A_AgricultureForestryAndFishing",
        "B_MiningAndQuarrying",
        "C_Manufacturing",
        "D_ElectricityGasSteamAndAirConditioningSupply",
        "E_WaterSupplySewerageWasteManagement",
        "F_Construction",
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        "H_TransportationAndStorage",
        "I_AccommodationAndFoodServiceActivities",
        "J_InformationAndCommunication",
        "K_FinancialAndInsuranceActivities",
        "L_RealEstateActivities",
        "M_ProfessionalScientificAndTechnicalActivities",
        "N_AdministrativeAndSupportServiceActivities",
        "O_PublicAdministrationAndDefence",
        "P_Education",
        "Q_HumanHealthAndSocialWorkActivities",
        "R_ArtsEntertainmentAndRecreation",
        "S_OtherServiceActivities",
        "T_ActivitiesOfHouseholdsAsEmployers",
        "U_ActivitiesOfExtraterritorialOrganizations",
    ],
    htcds: true,
};

/// `vic_TypeOfSexExploitation`: The forms of sexual exploitation suffered.
pub const VIC_TYPE_OF_SEX_EXPLOITATION: Picklist = Picklist {
    field: "vic_TypeOfSexExploitation",
    multi: true,
    codes: &[
        "Prostitution",
        "Pornography",
        "RemoteInteractiveServices",
        "PrivateSexualServices",
    ],
    htcds: true,
};

/// `vic_ExploitationWebsitesAndApps`: Online platforms used to exploit the victim.
pub const VIC_EXPLOITATION_WEBSITES_AND_APPS: Picklist = Picklist {
    field: "vic_ExploitationWebsitesAndApps",
    multi: true,
    codes: &[
        "Facebook",
        "Instagram",
        "WhatsApp",
        "Telegram",
        "FacebookMessenger",
        "Viber",
        "SnapChat",
        "Line",
        "4Sale",
        "WeChat",
        "QQ",
        "QZone",
        "TikTok",
        "Twitter",
        "Other",
    ],
    htcds: true,
};

/// `vic_Vulnerabilities`: The victim's vulnerabilities (deprecated in HTCDS 2.0 in favour of the assessment
/// and planning sections, still part of the standard).
pub const VIC_VULNERABILITIES: Picklist = Picklist {
    field: "vic_Vulnerabilities",
    multi: true,
    codes: &[
        "Addiction",
        "SocialGroup",
        "Discrimination",
        "Poverty",
        "DisabilityAndPhysicalHealth",
        "MentalHealth",
        "Migration",
        "Homelessness",
        "AbuseSocialMedia",
        "AbusePhysical",
        "Education",
        "WorkEnvironment",
    ],
    htcds: true,
};

/// `per_RoleInProcess`: A perpetrator's roles in the trafficking process.
pub const PER_ROLE_IN_PROCESS: Picklist = Picklist {
    field: "per_RoleInProcess",
    multi: true,
    codes: &[
        "TravellingPartner",
        "Transporter",
        "RecruiterOrIntermediary",
        "BrokerTravelAgent",
        "TransferredIndividual",
        "HarbouredIndividual",
        "SoldIndividual",
        "BoughtIndividual",
        "ReceivedIndividual",
        "ControlledIndividual",
        "Smuggler",
        "Abuser",
        "Kidnapper",
        "Exploiter",
        "Other",
    ],
    htcds: true,
};

/// `cas_Status`: The state of a case.
pub const CAS_STATUS: Picklist = Picklist {
    field: "cas_Status",
    multi: false,
    codes: &["Active", "FollowUp", "Closed", "ClosedReferred"],
    htcds: true,
};

/// `cas_ReasonForIncomingReferral`: Why another organisation referred the case to this one.
pub const CAS_REASON_FOR_INCOMING_REFERRAL: Picklist = Picklist {
    field: "cas_ReasonForIncomingReferral",
    multi: false,
    codes: &[
        "AdditionalServicesRequired",
        "MigrationOrChangeOfLocation",
        "Other",
    ],
    htcds: true,
};

/// `cas_ReasonForOutgoingReferral`: Why this organisation referred the case to another one.
pub const CAS_REASON_FOR_OUTGOING_REFERRAL: Picklist = Picklist {
    field: "cas_ReasonForOutgoingReferral",
    multi: false,
    codes: &[
        "AdditionalServicesRequired",
        "MigrationOrChangeOfLocation",
        "Other",
    ],
    htcds: true,
};

/// `hte_Type`: The stage of the trafficking process an event of the route belongs to.
pub const HTE_TYPE: Picklist = Picklist {
    field: "hte_Type",
    multi: false,
    codes: &["Recruitment", "Transit", "Exploitation"],
    htcds: true,
};

/// `spl_Type`: The type of a support plan. (The standard's cell ends with an empty line, ignored.)
pub const SPL_TYPE: Picklist = Picklist {
    field: "spl_Type",
    multi: false,
    codes: &[
        "Education",
        "Financial",
        "Health",
        "LabourExploitationRehabilitation",
        "Legal",
        "Livelihood",
        "RightsBasedTraining",
        "SexualExploitationRehabilitation",
        "SocialCare",
    ],
    htcds: true,
};

/// `hvn_ReferralSource`: how the case reached the agency (who identified or sent the person).
pub const HVN_REFERRAL_SOURCE: Picklist = Picklist {
    field: "hvn_ReferralSource",
    multi: false,
    codes: &[
        "SelfReferral",
        "FamilyOrFriend",
        "Police",
        "LabourInspection",
        "ChildProtection",
        "Immigration",
        "HealthService",
        "Ngo",
        "Hotline",
        "MiningOrForestryOfficer",
        "Embassy",
        "InternationalOrganisation",
        "Other",
    ],
    htcds: false,
};

/// `hvn_ClosureReason`: why a case was closed (the standard only has a free-text
/// `cas_ReasonForCaseClosure`, kept as the closure note).
pub const HVN_CLOSURE_REASON: Picklist = Picklist {
    field: "hvn_ClosureReason",
    multi: false,
    codes: &[
        "AssistanceCompleted",
        "ReferredElsewhere",
        "Returned",
        "DeclinedAssistance",
        "LostContact",
        "NotAVictim",
        "Deceased",
        "Duplicate",
        "Other",
    ],
    htcds: false,
};

/// `hvn_RiskLevel`: the caseworker's assessment of the danger the person is in.
pub const HVN_RISK_LEVEL: Picklist = Picklist {
    field: "hvn_RiskLevel",
    multi: false,
    codes: &["Low", "Medium", "High", "Critical"],
    htcds: false,
};

/// `hvn_IdentityDocumentType`: the kind of an identity document held or seen.
pub const HVN_IDENTITY_DOCUMENT_TYPE: Picklist = Picklist {
    field: "hvn_IdentityDocumentType",
    multi: false,
    codes: &[
        "Passport",
        "NationalIdCard",
        "BirthCertificate",
        "ResidencePermit",
        "WorkPermit",
        "DriversLicence",
        "RefugeeDocument",
        "Other",
    ],
    htcds: false,
};

/// Every picklist: the standard's in the order of its field list, then Haven's.
pub const ALL_PICKLISTS: &[&Picklist] = &[
    &ORG_TYPE,
    &PRS_GENDER,
    &PRS_MARITAL_STATUS,
    &PRS_HIGHEST_LEVEL_OF_EDUCATION,
    &VIC_TRAFFICKING_STATUS,
    &VIC_TRAFFICKING_STATUS_DECISION_MAKING_ORG,
    &VIC_RELATIONSHIP_TO_TRAFFICKER,
    &VIC_RECRUITMENT_WEBSITES_AND_APPS,
    &VIC_METHOD_OF_RECRUITMENT,
    &VIC_METHODS_OF_CONTROL,
    &VIC_TYPE_OF_EXPLOITATION,
    &VIC_FORCED_LABOUR_INDUSTRY,
    &VIC_TYPE_OF_SEX_EXPLOITATION,
    &VIC_EXPLOITATION_WEBSITES_AND_APPS,
    &VIC_VULNERABILITIES,
    &PER_ROLE_IN_PROCESS,
    &CAS_STATUS,
    &CAS_REASON_FOR_INCOMING_REFERRAL,
    &CAS_REASON_FOR_OUTGOING_REFERRAL,
    &HTE_TYPE,
    &SPL_TYPE,
    &HVN_REFERRAL_SOURCE,
    &HVN_CLOSURE_REASON,
    &HVN_RISK_LEVEL,
    &HVN_IDENTITY_DOCUMENT_TYPE,
];

/// The picklist of a field, by its full name (`vic_MethodsOfControl`); case-sensitive.
pub fn picklist(field: &str) -> Option<&'static Picklist> {
    ALL_PICKLISTS.iter().copied().find(|p| p.field == field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{AgencyType, CaseStatus, ExploitationType, Gender};
    use std::collections::{BTreeMap, BTreeSet};

    const STANDARD: &str = include_str!("../../data/htcds-field-standards-2.0.csv");
    const LABELS_EN: &str = include_str!("../../../i18n/locales/reference.en.ftl");

    /// The standard's ISO-code "picklists": the country and language tables instead.
    const ISO_FIELDS: &[&str] = &[
        "prs_Citizenship",
        "prs_PrimaryLanguage",
        "prs_SecondaryLanguage",
        "prs_MailingCountry",
    ];

    /// RFC 4180 records: quoted cells may hold commas, doubled quotes and line breaks; records
    /// end with CRLF or LF.
    fn read_csv(text: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' => quoted = false,
                    _ => cell.push(c),
                }
                continue;
            }
            match c {
                '"' => quoted = true,
                ',' => record.push(std::mem::take(&mut cell)),
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    record.push(std::mem::take(&mut cell));
                    records.push(std::mem::take(&mut record));
                }
                _ => cell.push(c),
            }
        }
        assert!(!quoted, "unterminated quoted cell");
        if !cell.is_empty() || !record.is_empty() {
            record.push(cell);
            records.push(record);
        }
        records
    }

    /// One line of a multi-line cell, without the spreadsheet's stray (non-breaking) spaces.
    fn clean(line: &str) -> &str {
        line.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}')
    }

    struct Field {
        name: String,
        kind: String,
        names: Vec<String>,
        labels: Vec<String>,
    }

    /// The standard's fields that have value names or are of a picklist type.
    fn standard_picklists() -> Vec<Field> {
        let records = read_csv(STANDARD);
        let header = &records[0];
        let col = |name: &str| header.iter().position(|h| h == name).expect(name);
        let (field, kind) = (col("Field Name including Prefix"), col("Field Type"));
        let (names, labels) = (
            col("Value Names (if picklist)"),
            col("Value Labels (if picklist)"),
        );
        let lines = |cell: Option<&String>| -> Vec<String> {
            cell.map(|s| s.lines().map(clean).filter(|l| !l.is_empty()))
                .into_iter()
                .flatten()
                .map(str::to_string)
                .collect()
        };
        records[1..]
            .iter()
            .filter(|r| r.len() > kind && !r[field].trim().is_empty())
            .map(|r| Field {
                name: r[field].trim().to_string(),
                kind: r[kind].trim().to_string(),
                names: lines(r.get(names)),
                labels: lines(r.get(labels)),
            })
            .filter(|f| !f.names.is_empty() || f.kind.ends_with("Picklist"))
            .collect()
    }

    #[test]
    fn the_csv_reader_handles_quotes_and_line_breaks() {
        let rows = read_csv("a,\"b,\"\"c\"\"\nd\",e\r\nf,,\n");
        assert_eq!(rows, [vec!["a", "b,\"c\"\nd", "e"], vec!["f", "", ""]]);
    }

    #[test]
    fn every_htcds_picklist_equals_the_standard() {
        let fields = standard_picklists();
        assert!(fields.len() > 20, "the standard's field list is read");
        let mut seen = BTreeSet::new();
        for f in &fields {
            if ISO_FIELDS.contains(&f.name.as_str()) {
                assert!(f.names[0].starts_with("Use ISO"), "{}", f.name);
                continue;
            }
            let Some(list) = picklist(&f.name) else {
                panic!("{} ({}) has no picklist constant", f.name, f.kind);
            };
            assert!(list.htcds, "{}", f.name);
            assert_eq!(list.codes, f.names, "{} codes", f.name);
            assert_eq!(list.multi, f.kind == "Multiselect Picklist", "{}", f.name);
            assert_eq!(
                f.names.len(),
                f.labels.len(),
                "{}: a label per code",
                f.name
            );
            seen.insert(f.name.as_str());
        }
        for list in ALL_PICKLISTS.iter().filter(|p| p.htcds) {
            assert!(
                seen.contains(list.field),
                "{} is not in the standard",
                list.field
            );
        }
    }

    #[test]
    fn the_forced_labour_industries_are_the_isic_sections() {
        let letters: String = VIC_FORCED_LABOUR_INDUSTRY
            .codes
            .iter()
            .map(|c| &c[..1])
            .collect();
        assert_eq!(letters, "ABCDEFGHIJKLMNOPQRSTU");
        assert!(
            VIC_FORCED_LABOUR_INDUSTRY
                .codes
                .iter()
                .all(|c| c.as_bytes()[1] == b'_')
        );
        assert_eq!(
            VIC_FORCED_LABOUR_INDUSTRY.codes.last(),
            Some(&"U_ActivitiesOfExtraterritorialOrganizations")
        );
    }

    #[test]
    fn picklists_are_well_formed() {
        let mut fields = BTreeSet::new();
        for list in ALL_PICKLISTS {
            assert!(fields.insert(list.field), "{} twice", list.field);
            assert_eq!(
                list.htcds,
                !list.field.starts_with("hvn_"),
                "{}",
                list.field
            );
            assert!(!list.codes.is_empty());
            let codes: BTreeSet<_> = list.codes.iter().collect();
            assert_eq!(
                codes.len(),
                list.codes.len(),
                "{} repeats a code",
                list.field
            );
            for code in list.codes {
                // A code is part of a Fluent identifier: letters, digits, `_` and `-`.
                assert!(
                    code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{}: {code:?}",
                    list.field
                );
            }
            assert_eq!(picklist(list.field), Some(*list));
        }
        assert!(picklist("vic_methodsofcontrol").is_none());
        assert!(picklist("").is_none());
    }

    #[test]
    fn parse_is_exact() {
        let list = &VIC_METHODS_OF_CONTROL;
        assert_eq!(list.parse("DebtBondage"), Ok("DebtBondage"));
        assert_eq!(
            list.parse("debtbondage"),
            Err(ValidationError::UnknownCode {
                field: "vic_MethodsOfControl",
                code: "debtbondage".into()
            })
        );
        assert!(list.parse(" DebtBondage").is_err());
        assert!(list.parse("").is_err());
        assert!(list.contains("Other"));
        assert!(!list.contains("other"));
        assert_eq!(
            list.label_key("DebtBondage"),
            "code-vic_MethodsOfControl-DebtBondage"
        );
        assert_eq!(ORG_TYPE.parse("NGO"), Ok("NGO"));
        assert!(ORG_TYPE.parse("Ngo").is_err());
        assert_eq!(HVN_REFERRAL_SOURCE.parse("Ngo"), Ok("Ngo"));
        assert_eq!(
            VIC_RELATIONSHIP_TO_TRAFFICKER.parse("Unaquainted"),
            Ok("Unaquainted")
        );
    }

    #[test]
    fn parse_many_validates_deduplicates_and_orders() {
        let list = &VIC_TYPE_OF_EXPLOITATION;
        let input: Vec<String> = ["Other", "ForcedLabour", "Other", "SexualExploitation"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            list.parse_many(&input),
            Ok(vec!["ForcedLabour", "SexualExploitation", "Other"])
        );
        assert_eq!(list.parse_many(&[]), Ok(vec![]));
        let bad = vec!["ForcedLabour".to_string(), "Slavery".to_string()];
        assert_eq!(
            list.parse_many(&bad),
            Err(ValidationError::UnknownCode {
                field: "vic_TypeOfExploitation",
                code: "Slavery".into()
            })
        );
    }

    #[test]
    fn the_code_enums_match_their_picklists() {
        fn codes<T: Copy>(all: &[T], f: impl Fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|v| f(*v)).collect()
        }
        assert_eq!(codes(AgencyType::ALL, AgencyType::as_str), ORG_TYPE.codes);
        assert_eq!(codes(CaseStatus::ALL, CaseStatus::as_str), CAS_STATUS.codes);
        assert_eq!(codes(Gender::ALL, Gender::as_str), PRS_GENDER.codes);
        assert_eq!(
            codes(ExploitationType::ALL, ExploitationType::as_str),
            VIC_TYPE_OF_EXPLOITATION.codes
        );
    }

    /// The English labels file defines a label for exactly the codes of the picklists (the
    /// i18n crate's tests keep French and Spanish in step with English).
    #[test]
    fn every_code_has_an_english_label() {
        let labels: BTreeMap<&str, &str> = LABELS_EN
            .lines()
            .filter(|l| l.starts_with("code-"))
            .filter_map(|l| l.split_once(" = "))
            .collect();
        let expected: BTreeSet<String> = ALL_PICKLISTS
            .iter()
            .flat_map(|p| p.codes.iter().map(|c| p.label_key(c)))
            .collect();
        let defined: BTreeSet<String> = labels.keys().map(|k| k.to_string()).collect();
        let missing: Vec<_> = expected.difference(&defined).collect();
        let extra: Vec<_> = defined.difference(&expected).collect();
        assert!(missing.is_empty(), "no English label for {missing:?}");
        assert!(extra.is_empty(), "labels for unknown codes: {extra:?}");
        assert_eq!(
            labels["code-vic_RelationshipToTrafficker-Unaquainted"],
            "Unacquainted"
        );
    }

    /// The English labels of the standard's codes are the standard's value labels (with its one
    /// typo corrected).
    #[test]
    fn english_labels_are_the_standards() {
        let labels: BTreeMap<&str, &str> = LABELS_EN
            .lines()
            .filter_map(|l| l.split_once(" = "))
            .collect();
        for f in standard_picklists() {
            let Some(list) = picklist(&f.name) else {
                continue;
            };
            for (code, label) in list.codes.iter().zip(&f.labels) {
                let label = label.replace("Unaquainted", "Unacquainted");
                assert_eq!(labels[list.label_key(code).as_str()], label, "{}", f.name);
            }
        }
    }
}
