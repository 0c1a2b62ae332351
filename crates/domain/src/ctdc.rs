//! The CTDC layout (the Counter Trafficking Data Collaborative's global victim dataset), derived
//! from a case's coded HTCDS fields. Only what the layout allows ever comes out: no names, no
//! dates finer than a year, no place below the country, no free text, no organisation names.
//! The row is still personal data (a rare combination can single a person out), so it is meant
//! for the release engine (k-protected aggregates, k-anonymised or synthetic microdata), and raw
//! only to the coordinator, sealed.
use time::Date;

/// One column of the layout: its CTDC name and its HXL hashtag (the second row of an export).
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    pub hxl: &'static str,
}

const fn col(name: &'static str, hxl: &'static str) -> Column {
    Column { name, hxl }
}

/// Every column the export may hold, in order. Flags are "1"/"0", blank when unknown.
pub const COLUMNS: &[Column] = &[
    col("yearOfRegistration", "#date+year+registered"),
    col("Datasource", "#meta+source"),
    col("gender", "#affected+sex"),
    col("ageBroad", "#affected+age+group"),
    col("majorityStatus", "#affected+age+majority"),
    col(
        "majorityStatusAtExploit",
        "#affected+age+majority+exploited",
    ),
    col("citizenship", "#affected+nationality+code"),
    col("CountryOfExploitation", "#country+code+exploited"),
    col("meansOfControlDebtBondage", "#indicator+control+debt"),
    col("meansOfControlTakesEarnings", "#indicator+control+earnings"),
    col(
        "meansOfControlRestrictsFinancialAccess",
        "#indicator+control+finance",
    ),
    col("meansOfControlThreats", "#indicator+control+threats"),
    col("meansOfControlPhysicalAbuse", "#indicator+control+physical"),
    col("meansOfControlSexualAbuse", "#indicator+control+sexual"),
    col("meansOfControlFalsePromises", "#indicator+control+promises"),
    col(
        "meansOfControlPsychoactiveSubstances",
        "#indicator+control+substances",
    ),
    col(
        "meansOfControlRestrictsMedicalCare",
        "#indicator+control+medical",
    ),
    col(
        "meansOfControlExcessiveWorkingHours",
        "#indicator+control+hours",
    ),
    col(
        "meansOfControlThreatOfLawEnforcement",
        "#indicator+control+police",
    ),
    col(
        "meansOfControlWithholdsNecessities",
        "#indicator+control+necessities",
    ),
    col(
        "meansOfControlWithholdsDocuments",
        "#indicator+control+documents",
    ),
    col(
        "meansOfControlPsychologicalAbuse",
        "#indicator+control+psychological",
    ),
    col("meansOfControlOther", "#indicator+control+other"),
    col("isForcedLabour", "#indicator+exploit+labour"),
    col("isSexualExploit", "#indicator+exploit+sexual"),
    col("isOtherExploit", "#indicator+exploit+other"),
    col("isSexAndLabour", "#indicator+exploit+sexlabour"),
    col("isForcedMarriage", "#indicator+exploit+marriage"),
    col("isForcedMilitary", "#indicator+exploit+military"),
    col("isOrganRemoval", "#indicator+exploit+organ"),
    col("isSlaveryAndPractices", "#indicator+exploit+slavery"),
    col("typeOfLabourAgriculture", "#indicator+labour+agriculture"),
    col("typeOfLabourConstruction", "#indicator+labour+construction"),
    col("typeOfLabourDomesticWork", "#indicator+labour+domestic"),
    col("typeOfLabourHospitality", "#indicator+labour+hospitality"),
    col(
        "typeOfLabourManufacturing",
        "#indicator+labour+manufacturing",
    ),
    col("typeOfLabourMiningOrDrilling", "#indicator+labour+mining"),
    col(
        "typeOfLabourTransportation",
        "#indicator+labour+transportation",
    ),
    col("typeOfLabourOther", "#indicator+labour+other"),
    col("typeOfSexProstitution", "#indicator+sex+prostitution"),
    col("typeOfSexPornography", "#indicator+sex+pornography"),
    col(
        "typeOfSexRemoteInteractiveServices",
        "#indicator+sex+remote",
    ),
    col("typeOfSexPrivateSexualServices", "#indicator+sex+private"),
    col("recruiterRelationFamily", "#indicator+recruiter+family"),
    col(
        "recruiterRelationAcquainted",
        "#indicator+recruiter+acquainted",
    ),
    col(
        "recruiterRelationUnacquainted",
        "#indicator+recruiter+stranger",
    ),
];

/// CTDC's age bands (`ageBroad`).
pub const AGE_BANDS: &[(u32, u32, &str)] = &[
    (0, 8, "0--8"),
    (9, 17, "9--17"),
    (18, 20, "18--20"),
    (21, 23, "21--23"),
    (24, 26, "24--26"),
    (27, 29, "27--29"),
    (30, 38, "30--38"),
    (39, 47, "39--47"),
    (48, u32::MAX, "48+"),
];

/// The coded facts of one case the row is made from (all clear columns, or a birth date the
/// caller unsealed for the computation and does not keep).
#[derive(Clone, Debug, Default)]
pub struct CtdcSource {
    /// When the case was opened (the registration).
    pub opened: Option<Date>,
    pub birth_date: Option<Date>,
    pub birth_year: Option<i32>,
    pub assessed_age: Option<i64>,
    pub age_uncertain: bool,
    pub age_when_trafficked: Option<i64>,
    /// `prs_Gender` code.
    pub gender: String,
    /// ISO 3166 alpha-2 codes, first the main one.
    pub citizenship: Vec<String>,
    /// Countries (alpha-2) of the route's exploitation events.
    pub exploitation_countries: Vec<String>,
    pub methods_of_control: Vec<String>,
    pub type_of_exploitation: Vec<String>,
    pub type_of_sex_exploitation: Vec<String>,
    /// `vic_ForcedLabourIndustry` (ISIC section code).
    pub forced_labour_industry: String,
    pub relationship_to_trafficker: String,
    /// `hvn_ReferralSource`.
    pub referral_source: String,
}

fn band(age: u32) -> &'static str {
    AGE_BANDS
        .iter()
        .find(|(lo, hi, _)| (*lo..=*hi).contains(&age))
        .map(|b| b.2)
        .unwrap_or("48+")
}

/// Whole years from `from` to `to`.
fn years_between(from: Date, to: Date) -> i64 {
    let mut y = i64::from(to.year() - from.year());
    if (to.month() as u8, to.day()) < (from.month() as u8, from.day()) {
        y -= 1;
    }
    y
}

impl CtdcSource {
    /// Age at registration: from the birth date if known, else the assessed age, else the birth
    /// year (which can be a year too high).
    pub fn age_at_registration(&self) -> Option<u32> {
        let opened = self.opened?;
        let age = match (self.birth_date, self.assessed_age, self.birth_year) {
            (Some(b), _, _) => years_between(b, opened),
            (None, Some(a), _) => a,
            (None, None, Some(y)) => i64::from(opened.year() - y),
            _ => return None,
        };
        u32::try_from(age).ok().filter(|a| *a < 130)
    }
}

/// The row for one case, a value (or "") per [`COLUMNS`] entry.
pub fn row(s: &CtdcSource) -> Vec<String> {
    let has = |list: &[String], code: &str| list.iter().any(|c| c == code);
    let flag = |known: bool, set: bool| -> String {
        match (known, set) {
            (false, _) => String::new(),
            (true, true) => "1".into(),
            (true, false) => "0".into(),
        }
    };
    let age = s.age_at_registration();
    // An uncertain age below 18 stays a minor; an uncertain adult age is not trusted to be one.
    let majority = match age {
        Some(a) if a < 18 => "Minor",
        Some(_) if s.age_uncertain => "",
        Some(_) => "Adult",
        None => "",
    };
    let at_exploit = match s.age_when_trafficked {
        Some(a) if (0..18).contains(&a) => "Minor",
        Some(a) if a >= 18 => "Adult",
        _ => "",
    };
    let gender = match s.gender.as_str() {
        "Feminine" => "Female",
        "Masculine" => "Male",
        "TransgenderFeminine" | "TransgenderMasculine" | "NonConforming" => {
            "Transgender/NonConforming"
        }
        _ => "",
    };
    let country = |c: Option<&String>| -> String {
        c.and_then(|c| crate::reference::country(c))
            .map(|c| c.alpha2.to_string())
            .unwrap_or_default()
    };
    let m = &s.methods_of_control;
    let mk = !m.is_empty();
    let t = &s.type_of_exploitation;
    let tk = !t.is_empty();
    let labour = has(t, "ForcedLabour") || has(t, "ChildLabour") || has(t, "ForcedBegging");
    let sexual = has(t, "SexualExploitation");
    let other = t.iter().any(|c| {
        !matches!(
            c.as_str(),
            "ForcedLabour" | "ChildLabour" | "ForcedBegging" | "SexualExploitation"
        )
    });
    let industry = s.forced_labour_industry.as_str();
    let ik = !industry.is_empty();
    let section = industry.split('_').next().unwrap_or("");
    let sx = &s.type_of_sex_exploitation;
    let sk = !sx.is_empty();
    let rel = s.relationship_to_trafficker.as_str();
    let rk = !rel.is_empty();
    let year = s.opened.map(|d| d.year().to_string()).unwrap_or_default();
    let datasource = match s.referral_source.as_str() {
        "Hotline" => "Hotline",
        _ => "Case Management",
    };
    let mut out: Vec<String> = vec![
        year,
        datasource.into(),
        gender.into(),
        age.map(band).unwrap_or("").into(),
        majority.into(),
        at_exploit.into(),
        country(s.citizenship.first()),
        country(s.exploitation_countries.first()),
        flag(mk, has(m, "DebtBondage")),
        flag(mk, has(m, "TakesEarnings")),
        flag(mk, has(m, "RestrictsFinancialAccess")),
        flag(
            mk,
            has(m, "PhysicalThreats") || has(m, "ThreatensChildrenFamily"),
        ),
        flag(mk, has(m, "PhysicalAbuse")),
        flag(mk, has(m, "SexualAbuse")),
        flag(mk, has(m, "FalsePromises")),
        flag(mk, has(m, "PsychoactiveSubstance")),
        flag(mk, has(m, "RestrictsMedicalCare")),
        flag(mk, has(m, "ExcessiveWorkingHours")),
        flag(mk, has(m, "ThreatsLawEnforcement")),
        flag(mk, has(m, "WithholdsNecessities")),
        flag(mk, has(m, "WithholdsDocuments")),
        flag(mk, has(m, "PsychologicalAbuse")),
        flag(mk, has(m, "Other")),
        flag(tk, labour),
        flag(tk, sexual),
        flag(tk, other),
        flag(tk, labour && sexual),
        flag(tk, has(t, "ForcedMarriage")),
        flag(tk, has(t, "ForcedMilitaryByNonStateActors")),
        flag(tk, has(t, "OrganRemoval")),
        flag(tk, has(t, "Servitude")),
        flag(ik, section == "A"),
        flag(ik, section == "F"),
        flag(ik, section == "T"),
        flag(ik, section == "I"),
        flag(ik, section == "C"),
        flag(ik, section == "B"),
        flag(ik, section == "H"),
        flag(
            ik,
            !matches!(section, "A" | "F" | "T" | "I" | "C" | "B" | "H"),
        ),
        flag(sk, has(sx, "Prostitution")),
        flag(sk, has(sx, "Pornography")),
        flag(sk, has(sx, "RemoteInteractiveServices")),
        flag(sk, has(sx, "PrivateSexualServices")),
        flag(rk, rel == "Familial"),
        flag(rk, rel == "Acquainted"),
        flag(rk, rel == "Unaquainted"),
    ];
    debug_assert_eq!(out.len(), COLUMNS.len());
    out.truncate(COLUMNS.len());
    out
}

/// Whether `value` is allowed in column `name`: the vocabulary of the layout, nothing finer.
pub fn allowed(name: &str, value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    match name {
        "yearOfRegistration" => value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()),
        "Datasource" => matches!(value, "Case Management" | "Hotline"),
        "gender" => matches!(value, "Female" | "Male" | "Transgender/NonConforming"),
        "ageBroad" => AGE_BANDS.iter().any(|b| b.2 == value),
        "majorityStatus" | "majorityStatusAtExploit" => matches!(value, "Minor" | "Adult"),
        "citizenship" | "CountryOfExploitation" => {
            value.len() == 2 && crate::reference::country(value).is_some()
        }
        n if COLUMNS.iter().any(|c| c.name == n) => matches!(value, "0" | "1"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::htcds;
    use proptest::prelude::*;
    use time::macros::date;

    fn codes(list: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
        proptest::sample::subsequence(list, 0..=list.len().min(4))
            .prop_map(|v| v.into_iter().map(String::from).collect())
    }

    fn one(list: &'static [&'static str]) -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            proptest::sample::select(list).prop_map(String::from),
            "[A-Za-z ]{0,12}",
        ]
    }

    prop_compose! {
        fn source()(
            opened in proptest::option::of(0i32..40_000),
            birth in proptest::option::of(0i32..40_000),
            birth_year in proptest::option::of(1900i32..2100),
            assessed_age in proptest::option::of(-5i64..200),
            age_uncertain: bool,
            age_when_trafficked in proptest::option::of(-5i64..200),
            gender in one(htcds::PRS_GENDER.codes),
            citizenship in proptest::collection::vec(
                prop_oneof![Just("GY".to_string()), Just("VEN".to_string()), "[A-Z]{2,3}", ".{0,8}"],
                0..3,
            ),
            exploitation_countries in proptest::collection::vec(
                prop_oneof![Just("BR".to_string()), "[A-Z]{2,3}", ".{0,8}"],
                0..3,
            ),
            methods_of_control in codes(htcds::VIC_METHODS_OF_CONTROL.codes),
            type_of_exploitation in codes(htcds::VIC_TYPE_OF_EXPLOITATION.codes),
            type_of_sex_exploitation in codes(htcds::VIC_TYPE_OF_SEX_EXPLOITATION.codes),
            forced_labour_industry in one(htcds::VIC_FORCED_LABOUR_INDUSTRY.codes),
            relationship_to_trafficker in one(htcds::VIC_RELATIONSHIP_TO_TRAFFICKER.codes),
            referral_source in one(htcds::HVN_REFERRAL_SOURCE.codes),
        ) -> CtdcSource {
            let day = |n: i32| date!(1950 - 01 - 01) + time::Duration::days(i64::from(n));
            CtdcSource {
                opened: opened.map(day),
                birth_date: birth.map(day),
                birth_year,
                assessed_age,
                age_uncertain,
                age_when_trafficked,
                gender,
                citizenship,
                exploitation_countries,
                methods_of_control,
                type_of_exploitation,
                type_of_sex_exploitation,
                forced_labour_industry,
                relationship_to_trafficker,
                referral_source,
            }
        }
    }

    proptest! {
        /// Whatever a case holds, the row has exactly the layout's columns and only values the
        /// layout allows (years, bands, alpha-2 codes, flags): nothing finer, no free text.
        #[test]
        fn rows_hold_only_allowed_values(s in source()) {
            let r = row(&s);
            prop_assert_eq!(r.len(), COLUMNS.len());
            for (c, v) in COLUMNS.iter().zip(&r) {
                prop_assert!(allowed(c.name, v), "{} = {:?}", c.name, v);
            }
        }
    }

    #[test]
    fn the_allowed_check_refuses_finer_values() {
        assert!(!allowed("yearOfRegistration", "2024-05-01"));
        assert!(!allowed("ageBroad", "17"));
        assert!(!allowed("citizenship", "GUY"));
        assert!(!allowed("citizenship", "Georgetown"));
        assert!(!allowed("firstName", "Ana"));
        assert!(!allowed("isForcedLabour", "yes"));
        assert!(allowed("citizenship", "GY") && allowed("ageBroad", "9--17"));
    }

    #[test]
    fn a_worked_example() {
        let s = CtdcSource {
            opened: Some(date!(2024 - 03 - 10)),
            birth_date: Some(date!(2006 - 03 - 11)),
            gender: "Feminine".into(),
            citizenship: vec!["VE".into()],
            exploitation_countries: vec!["GUY".into()],
            methods_of_control: vec!["DebtBondage".into(), "WithholdsDocuments".into()],
            type_of_exploitation: vec!["SexualExploitation".into(), "ForcedLabour".into()],
            forced_labour_industry: "B_MiningAndQuarrying".into(),
            relationship_to_trafficker: "Acquainted".into(),
            referral_source: "Hotline".into(),
            ..CtdcSource::default()
        };
        let r = row(&s);
        let get = |name: &str| {
            let i = COLUMNS.iter().position(|c| c.name == name).unwrap();
            r[i].as_str()
        };
        assert_eq!(get("yearOfRegistration"), "2024");
        assert_eq!(get("Datasource"), "Hotline");
        assert_eq!(get("gender"), "Female");
        // 17 the day before her 18th birthday.
        assert_eq!(get("ageBroad"), "9--17");
        assert_eq!(get("majorityStatus"), "Minor");
        assert_eq!(get("citizenship"), "VE");
        assert_eq!(get("CountryOfExploitation"), "GY");
        assert_eq!(get("meansOfControlDebtBondage"), "1");
        assert_eq!(get("meansOfControlThreats"), "0");
        assert_eq!(get("isSexAndLabour"), "1");
        assert_eq!(get("isForcedMarriage"), "0");
        assert_eq!(get("typeOfLabourMiningOrDrilling"), "1");
        assert_eq!(
            get("typeOfSexProstitution"),
            "",
            "not recorded is blank, not 0"
        );
        assert_eq!(get("recruiterRelationAcquainted"), "1");
        assert_eq!(get("majorityStatusAtExploit"), "");
    }

    #[test]
    fn uncertain_ages_lean_to_the_child() {
        let mut s = CtdcSource {
            opened: Some(date!(2024 - 01 - 01)),
            assessed_age: Some(16),
            age_uncertain: true,
            ..CtdcSource::default()
        };
        let majority = |s: &CtdcSource| row(s)[4].clone();
        assert_eq!(majority(&s), "Minor");
        s.assessed_age = Some(19);
        assert_eq!(majority(&s), "", "an uncertain adult age is not asserted");
        s.age_uncertain = false;
        assert_eq!(majority(&s), "Adult");
    }
}
