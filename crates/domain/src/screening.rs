//! Identification by the ILO/EC operational indicators: the indicator set (a versioned file,
//! adjustable per deployment) and the decision engine. Pure: no I/O, no clock. A screening is
//! never a legal determination; the engine says which indicators support which conclusion and
//! what is missing for a stronger one.
use std::collections::{BTreeMap, BTreeSet};

/// The indicator set shipped with Haven.
pub const DEFAULT_INDICATORS: &str = include_str!("../data/ilo-indicators.toml");

/// The four profiles of the ILO/EC tables.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    AdultLabour,
    AdultSexual,
    ChildLabour,
    ChildSexual,
}

impl Profile {
    pub const ALL: [Profile; 4] = [
        Profile::AdultLabour,
        Profile::AdultSexual,
        Profile::ChildLabour,
        Profile::ChildSexual,
    ];

    pub fn is_child(self) -> bool {
        matches!(self, Profile::ChildLabour | Profile::ChildSexual)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::AdultLabour => "adult_labour",
            Profile::AdultSexual => "adult_sexual",
            Profile::ChildLabour => "child_labour",
            Profile::ChildSexual => "child_sexual",
        }
    }

    fn column(self) -> usize {
        self as usize
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    Weak,
    Medium,
    Strong,
}

/// The six dimensions (1-based numbers in the file and the UI).
pub const DIMENSIONS: usize = 6;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Indicator {
    pub id: String,
    /// 1 to 6.
    pub dimension: u8,
    /// Per profile (in [`Profile::ALL`] order); `None`: not an indicator for that profile.
    pub strength: [Option<Strength>; 4],
    /// Added by the deployment (not in the ILO/EC tables).
    pub local: bool,
}

/// A validated indicator set.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndicatorSet {
    pub version: String,
    pub indicators: Vec<Indicator>,
}

/// Why an indicator file was refused; names the indicator.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IndicatorError {
    #[error("not a valid indicator file: {0}")]
    Syntax(String),
    #[error("indicator {0:?}: the id must be lower-case letters, digits and underscores")]
    Id(String),
    #[error("indicator {0:?} appears twice")]
    Duplicate(String),
    #[error("indicator {id:?}: dimension {dimension} is not 1 to 6")]
    Dimension { id: String, dimension: i64 },
    #[error(
        "indicator {id:?}: strength {strength:?} must be four of S, M, W or - (adult labour, adult sexual, child labour, child sexual)"
    )]
    Strength { id: String, strength: String },
    #[error("indicator {0:?} is adjusted but does not exist; give its dimension to add it")]
    Unknown(String),
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    version: Option<String>,
    #[serde(default, rename = "indicator")]
    indicators: Vec<Entry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    #[serde(default)]
    dimension: Option<i64>,
    strength: String,
}

fn parse_strength(id: &str, s: &str) -> Result<[Option<Strength>; 4], IndicatorError> {
    let bad = || IndicatorError::Strength {
        id: id.to_string(),
        strength: s.to_string(),
    };
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 4 {
        return Err(bad());
    }
    let mut out = [None; 4];
    for (slot, p) in out.iter_mut().zip(parts) {
        *slot = match p {
            "S" => Some(Strength::Strong),
            "M" => Some(Strength::Medium),
            "W" => Some(Strength::Weak),
            "-" => None,
            _ => return Err(bad()),
        };
    }
    Ok(out)
}

fn check_id(id: &str) -> Result<(), IndicatorError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(IndicatorError::Id(id.to_string()))
    }
}

impl IndicatorSet {
    /// The shipped set.
    pub fn ilo() -> IndicatorSet {
        // The shipped file is checked by a unit test, so this cannot fail at run time.
        IndicatorSet::parse(DEFAULT_INDICATORS).unwrap_or_else(|_| IndicatorSet {
            version: String::new(),
            indicators: Vec::new(),
        })
    }

    /// Reads and validates a complete indicator file.
    pub fn parse(text: &str) -> Result<IndicatorSet, IndicatorError> {
        let file: File = toml::from_str(text).map_err(|e| IndicatorError::Syntax(e.to_string()))?;
        let mut set = IndicatorSet {
            version: file.version.unwrap_or_default(),
            indicators: Vec::new(),
        };
        set.apply(file.indicators, false)?;
        Ok(set)
    }

    /// Applies a deployment's adjustments: an entry naming an existing indicator changes its
    /// strengths; an entry with a dimension and a new id adds a local indicator.
    pub fn adjust(&mut self, text: &str) -> Result<(), IndicatorError> {
        let file: File = toml::from_str(text).map_err(|e| IndicatorError::Syntax(e.to_string()))?;
        let mut next = self.clone();
        next.apply(file.indicators, true)?;
        if let Some(v) = file.version {
            next.version = format!("{}+{}", next.version, v);
        }
        *self = next;
        Ok(())
    }

    fn apply(&mut self, entries: Vec<Entry>, adjusting: bool) -> Result<(), IndicatorError> {
        let mut seen = BTreeSet::new();
        for e in entries {
            check_id(&e.id)?;
            if !seen.insert(e.id.clone()) {
                return Err(IndicatorError::Duplicate(e.id));
            }
            let strength = parse_strength(&e.id, &e.strength)?;
            let existing = self.indicators.iter().position(|i| i.id == e.id);
            match (existing, e.dimension) {
                (Some(i), d) => {
                    if d.is_some_and(|d| d != i64::from(self.indicators[i].dimension)) {
                        return Err(IndicatorError::Dimension {
                            id: e.id,
                            dimension: d.unwrap_or(0),
                        });
                    }
                    self.indicators[i].strength = strength;
                }
                (None, Some(d)) => {
                    if !(1..=DIMENSIONS as i64).contains(&d) {
                        return Err(IndicatorError::Dimension {
                            id: e.id,
                            dimension: d,
                        });
                    }
                    self.indicators.push(Indicator {
                        id: e.id,
                        dimension: d as u8,
                        strength,
                        local: adjusting,
                    });
                }
                (None, None) => return Err(IndicatorError::Unknown(e.id)),
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }
}

/// One indicator's answer in an interview.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Present,
    Absent,
    Unknown,
}

/// What the engine reads from an interview.
#[derive(Clone, Debug, Default)]
pub struct Answers {
    /// Indicator id → answer; indicators not named are unknown.
    pub indicators: BTreeMap<String, Answer>,
    /// The person was recruited, transported, transferred, harboured or received (the act, for
    /// a child: no means are needed).
    pub act: bool,
}

/// Deployment rules. The default follows Palermo: no means for a child.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    /// Whether a child's outcome needs the means as an adult's does (Palermo: it does not).
    pub child_means_required: bool,
}

/// Outcomes, weakest first (so they compare).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    #[serde(rename = "no_indicators")]
    NoIndicators,
    #[serde(rename = "exploitation_only")]
    ExploitationWithoutTraffickingIndicators,
    #[serde(rename = "possible_victim")]
    PossibleVictim,
    #[serde(rename = "indicators_met")]
    TraffickingIndicatorsMet,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NoIndicators => "no_indicators",
            Outcome::ExploitationWithoutTraffickingIndicators => "exploitation_only",
            Outcome::PossibleVictim => "possible_victim",
            Outcome::TraffickingIndicatorsMet => "indicators_met",
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DimensionResult {
    /// 1 to 6.
    pub dimension: u8,
    pub positive: bool,
    /// Present indicators, strongest first: `[indicator, strength]` pairs.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub present: Vec<(String, Strength)>,
    /// Indicators of this dimension not yet answered or answered "unknown".
    pub unknown: Vec<String>,
    /// How many more indicators (of the best available strength) would make it positive: 0 when
    /// positive, otherwise 1 or 2.
    pub more_needed: u8,
}

/// The Palermo Protocol's three elements, with the indicators supporting each.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Palermo {
    pub act: bool,
    pub act_support: Vec<String>,
    pub means: bool,
    pub means_support: Vec<String>,
    pub purpose: bool,
    pub purpose_support: Vec<String>,
}

/// The result for one profile.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ProfileResult {
    pub profile: Profile,
    pub outcome: Outcome,
    pub dimensions: Vec<DimensionResult>,
    pub palermo: Palermo,
    /// Groups of the rule still unmet ("recruitment", "exploitation", "coercion"), for the
    /// explanation of what a stronger conclusion would need.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub missing: Vec<&'static str>,
}

/// The ILO/EC rule for one dimension: at least 2 strong; or 1 strong and 1 medium or weak; or 3
/// medium; or 2 medium and 1 weak.
pub fn dimension_positive(strong: usize, medium: usize, weak: usize) -> bool {
    strong >= 2 || (strong >= 1 && medium + weak >= 1) || medium >= 3 || (medium >= 2 && weak >= 1)
}

/// How many more indicators would make a dimension positive (0 if it is): one strong indicator
/// is enough whenever anything is present; otherwise two.
fn more_needed(strong: usize, medium: usize, weak: usize) -> u8 {
    if dimension_positive(strong, medium, weak) {
        0
    } else if strong + medium + weak >= 1 {
        1
    } else {
        2
    }
}

/// The profiles to evaluate: the child ones under 18 or when the age is uncertain or unknown to
/// be adult, the adult ones otherwise; labour and/or sexual by the exploitation types
/// (both when none is known).
pub fn profiles_for(
    age: Option<u32>,
    age_uncertain: bool,
    labour: bool,
    sexual: bool,
) -> Vec<Profile> {
    let child = age_uncertain || age.is_none_or(|a| a < 18);
    let (labour, sexual) = if !labour && !sexual {
        (true, true)
    } else {
        (labour, sexual)
    };
    let mut out = Vec::new();
    if labour {
        out.push(if child {
            Profile::ChildLabour
        } else {
            Profile::AdultLabour
        });
    }
    if sexual {
        out.push(if child {
            Profile::ChildSexual
        } else {
            Profile::AdultSexual
        });
    }
    out
}

/// Evaluates one profile.
pub fn evaluate(
    set: &IndicatorSet,
    rules: Rules,
    profile: Profile,
    answers: &Answers,
) -> ProfileResult {
    let col = profile.column();
    let mut dims: Vec<DimensionResult> = (1..=DIMENSIONS as u8)
        .map(|d| DimensionResult {
            dimension: d,
            positive: false,
            present: Vec::new(),
            unknown: Vec::new(),
            more_needed: 2,
        })
        .collect();
    for ind in &set.indicators {
        let Some(strength) = ind.strength[col] else {
            continue;
        };
        let dim = &mut dims[ind.dimension as usize - 1];
        match answers
            .indicators
            .get(&ind.id)
            .copied()
            .unwrap_or(Answer::Unknown)
        {
            Answer::Present => dim.present.push((ind.id.clone(), strength)),
            Answer::Unknown => dim.unknown.push(ind.id.clone()),
            Answer::Absent => {}
        }
    }
    let mut strong_outside_d4 = false;
    let mut any_d4 = false;
    for d in &mut dims {
        d.present.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let count = |s: Strength| d.present.iter().filter(|p| p.1 == s).count();
        let (s, m, w) = (
            count(Strength::Strong),
            count(Strength::Medium),
            count(Strength::Weak),
        );
        d.positive = dimension_positive(s, m, w);
        d.more_needed = more_needed(s, m, w);
        if d.dimension == 4 {
            any_d4 = !d.present.is_empty();
        } else if s > 0 {
            strong_outside_d4 = true;
        }
    }
    let pos = |n: usize| dims[n - 1].positive;
    let recruitment = answers.act && profile.is_child() && !rules.child_means_required
        || pos(1)
        || pos(2)
        || pos(3);
    let exploitation = pos(4);
    let coercion = pos(5) || pos(6);
    let means_needed = !profile.is_child() || rules.child_means_required;
    let met = recruitment && exploitation && (coercion || !means_needed);
    let other_positive = dims.iter().any(|d| d.dimension != 4 && d.positive);
    // Each outcome's condition only grows with more indicators present, so the outcome never
    // falls when an indicator is added.
    let outcome = if met {
        Outcome::TraffickingIndicatorsMet
    } else if strong_outside_d4 || other_positive {
        Outcome::PossibleVictim
    } else if exploitation || any_d4 {
        Outcome::ExploitationWithoutTraffickingIndicators
    } else {
        Outcome::NoIndicators
    };
    let mut missing = Vec::new();
    if !recruitment {
        missing.push("recruitment");
    }
    if !exploitation {
        missing.push("exploitation");
    }
    if means_needed && !coercion {
        missing.push("coercion");
    }
    let ids = |ns: &[usize]| -> Vec<String> {
        ns.iter()
            .flat_map(|n| dims[n - 1].present.iter().map(|p| p.0.clone()))
            .collect()
    };
    let act_support = ids(&[1, 2, 3]);
    let palermo = Palermo {
        act: answers.act || !act_support.is_empty(),
        act_support,
        // Deception, coercion and abuse of vulnerability, at recruitment or at destination.
        means: [1, 2, 3, 5, 6].iter().any(|n| pos(*n)),
        means_support: [1, 2, 3, 5, 6]
            .iter()
            .filter(|n| pos(**n))
            .flat_map(|n| dims[n - 1].present.iter().map(|p| p.0.clone()))
            .collect(),
        purpose: exploitation,
        purpose_support: ids(&[4]),
    };
    ProfileResult {
        profile,
        outcome,
        dimensions: dims,
        palermo,
        missing,
    }
}

/// The HTCDS method of control (`vic_MethodsOfControl`) an ILO/EC indicator found present
/// establishes, for the case a screening starts: debt bondage, confiscated documents, excessive
/// hours, threats, violence, withheld wages. Indicators of deception or vulnerability establish
/// none (they are how a person was recruited, not how they were held).
pub fn method_of_control(indicator: &str) -> Option<&'static str> {
    Some(match indicator {
        "debt_bondage" | "recruitment_debt_bondage" => "DebtBondage",
        "confiscation_of_documents" | "recruitment_confiscation_of_documents" => {
            "WithholdsDocuments"
        }
        "excessive_working_hours" => "ExcessiveWorkingHours",
        "withholding_of_wages" | "recruitment_withholding_of_money" | "wage_manipulation" => {
            "TakesEarnings"
        }
        "threats_of_violence" | "recruitment_threats_of_violence" => "PhysicalThreats",
        "violence_on_victim" | "recruitment_violence" => "PhysicalAbuse",
        "violence_on_family" | "recruitment_violence_on_family" => "ThreatensChildrenFamily",
        "threat_of_denunciation" | "recruitment_threat_of_denunciation" => "ThreatsLawEnforcement",
        "isolation_confinement_or_surveillance" | "recruitment_isolation_or_surveillance" => {
            "PsychologicalAbuse"
        }
        "threat_to_inform_family" | "recruitment_threat_to_inform_family" => "PsychologicalAbuse",
        "under_strong_influence" => "PsychologicalAbuse",
        "false_information_about_law" | "false_information_about_migration" => "FalsePromises",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn methods_of_control_are_codes_of_the_htcds_picklist() {
        let set = IndicatorSet::ilo();
        let mut mapped = 0;
        for ind in &set.indicators {
            if let Some(code) = method_of_control(&ind.id) {
                assert!(
                    crate::reference::VIC_METHODS_OF_CONTROL.contains(code),
                    "{} -> {code}",
                    ind.id
                );
                mapped += 1;
            }
        }
        assert!(mapped >= 10, "{mapped}");
        assert_eq!(method_of_control("debt_bondage"), Some("DebtBondage"));
        assert_eq!(method_of_control("deceived_wages"), None);
    }

    use super::*;
    use proptest::prelude::*;

    fn answers(present: &[&str]) -> Answers {
        Answers {
            indicators: present
                .iter()
                .map(|i| (i.to_string(), Answer::Present))
                .collect(),
            act: false,
        }
    }

    #[test]
    fn the_shipped_set_is_valid_and_complete() {
        let set = IndicatorSet::parse(DEFAULT_INDICATORS).expect("valid");
        assert_eq!(set, IndicatorSet::ilo());
        let per_dim: Vec<usize> = (1..=6)
            .map(|d| set.indicators.iter().filter(|i| i.dimension == d).count())
            .collect();
        // The adult labour counts of the ILO/EC tables.
        assert_eq!(per_dim, vec![10, 10, 16, 9, 15, 7]);
        // Children have no weak tier; adult sexual exploitation has no strong D4 indicator.
        for i in &set.indicators {
            assert!(i.strength[2] != Some(Strength::Weak) && i.strength[3] != Some(Strength::Weak));
            if i.dimension == 4 {
                assert_ne!(i.strength[1], Some(Strength::Strong), "{}", i.id);
            }
        }
        assert_eq!(
            set.get("forced_tasks_or_clients").unwrap().strength[1],
            Some(Strength::Strong)
        );
        assert_eq!(
            set.get("hazardous_work").unwrap().strength[3],
            Some(Strength::Strong)
        );
    }

    #[test]
    fn outcome_codes_are_the_same_in_json_and_in_storage() {
        for o in [
            Outcome::NoIndicators,
            Outcome::ExploitationWithoutTraffickingIndicators,
            Outcome::PossibleVictim,
            Outcome::TraffickingIndicatorsMet,
        ] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }

    #[test]
    fn every_branch_of_the_dimension_rule() {
        // (strong, medium, weak) → positive
        let cases = [
            ((2, 0, 0), true),
            ((1, 1, 0), true),
            ((1, 0, 1), true),
            ((0, 3, 0), true),
            ((0, 2, 1), true),
            ((1, 0, 0), false),
            ((0, 2, 0), false),
            ((0, 1, 1), false),
            ((0, 0, 3), false),
            ((0, 1, 5), false),
            ((0, 0, 0), false),
        ];
        for ((s, m, w), want) in cases {
            assert_eq!(dimension_positive(s, m, w), want, "{s} {m} {w}");
        }
    }

    #[test]
    fn adjustments_are_validated_and_add_local_indicators() {
        let mut set = IndicatorSet::ilo();
        set.adjust(
            r#"version = "gy-mining-1"
[[indicator]]
id = "hazardous_work"
strength = "S M S S"
[[indicator]]
id = "mining_camp_debt_for_supplies"
dimension = 5
strength = "M M S S"
"#,
        )
        .unwrap();
        assert_eq!(set.version, "ilo-ec-2009/haven-1+gy-mining-1");
        assert_eq!(
            set.get("hazardous_work").unwrap().strength[0],
            Some(Strength::Strong)
        );
        assert!(set.get("mining_camp_debt_for_supplies").unwrap().local);
        let before = set.clone();
        for (bad, err) in [
            (
                "[[indicator]]\nid = \"nope\"\nstrength = \"S S S S\"",
                "does not exist",
            ),
            (
                "[[indicator]]\nid = \"x\"\ndimension = 7\nstrength = \"S S S S\"",
                "not 1 to 6",
            ),
            (
                "[[indicator]]\nid = \"x\"\ndimension = 1\nstrength = \"S S S\"",
                "four of",
            ),
            (
                "[[indicator]]\nid = \"X y\"\ndimension = 1\nstrength = \"S S S S\"",
                "lower-case",
            ),
            (
                "[[indicator]]\nid = \"debt_bondage\"\ndimension = 2\nstrength = \"S S S S\"",
                "not 1 to 6",
            ),
            ("[[indicatr]]", "not a valid"),
        ] {
            let e = set.adjust(bad).unwrap_err().to_string();
            assert!(e.contains(err), "{bad}: {e}");
            assert_eq!(set, before, "a refused file changes nothing");
        }
    }

    /// Worked examples, each with the outcome a trainer would expect.
    #[test]
    fn worked_examples() {
        let set = IndicatorSet::ilo();
        let r = Rules::default();
        let ex = |p: Profile, a: Answers| evaluate(&set, r, p, &a).outcome;
        // A miner deceived about the job, indebted and locked in, working 16-hour days.
        let miner = answers(&[
            "deceived_nature_of_job",
            "deceived_wages",
            "excessive_working_hours",
            "low_or_no_salary",
            "debt_bondage",
            "isolation_confinement_or_surveillance",
        ]);
        assert_eq!(
            ex(Profile::AdultLabour, miner.clone()),
            Outcome::TraffickingIndicatorsMet
        );
        // Same facts without the coercion at destination: an adult is a possible victim only.
        let mut no_means = miner.clone();
        no_means.indicators.remove("debt_bondage");
        no_means
            .indicators
            .remove("isolation_confinement_or_surveillance");
        assert_eq!(
            ex(Profile::AdultLabour, no_means.clone()),
            Outcome::PossibleVictim
        );
        // A 15-year-old recruited and exploited: no means needed.
        let mut child = answers(&["excessive_working_hours", "hazardous_work"]);
        child.act = true;
        assert_eq!(
            ex(Profile::ChildLabour, child.clone()),
            Outcome::TraffickingIndicatorsMet
        );
        // Unless the deployment asks for means for children too.
        let strict = Rules {
            child_means_required: true,
        };
        assert_eq!(
            evaluate(&set, strict, Profile::ChildLabour, &child).outcome,
            Outcome::ExploitationWithoutTraffickingIndicators
        );
        // Long hours and low pay, nothing else: labour exploitation, not trafficking.
        let exploited = answers(&["excessive_working_hours", "low_or_no_salary"]);
        assert_eq!(
            ex(Profile::AdultLabour, exploited),
            Outcome::ExploitationWithoutTraffickingIndicators
        );
        // One strong coercion indicator alone already calls for referral.
        assert_eq!(
            ex(
                Profile::AdultSexual,
                answers(&["confiscation_of_documents"])
            ),
            Outcome::PossibleVictim
        );
        assert_eq!(
            ex(Profile::AdultLabour, Answers::default()),
            Outcome::NoIndicators
        );
        // Forced clients is strong for sexual exploitation, medium for labour.
        let r = evaluate(
            &set,
            Rules::default(),
            Profile::AdultSexual,
            &answers(&["forced_tasks_or_clients", "forced_to_lie"]),
        );
        assert!(r.dimensions[4].positive);
        let r = evaluate(
            &set,
            Rules::default(),
            Profile::AdultLabour,
            &answers(&["forced_tasks_or_clients", "forced_to_lie"]),
        );
        assert!(!r.dimensions[4].positive);
        assert_eq!(r.dimensions[4].more_needed, 1);
        assert_eq!(r.missing, vec!["recruitment", "exploitation", "coercion"]);
    }

    #[test]
    fn the_explanation_names_the_supporting_indicators() {
        let set = IndicatorSet::ilo();
        let r = evaluate(
            &set,
            Rules::default(),
            Profile::AdultLabour,
            &answers(&[
                "deceived_nature_of_job",
                "deceived_wages",
                "excessive_working_hours",
            ]),
        );
        assert!(r.palermo.act && r.palermo.means && !r.palermo.purpose);
        assert_eq!(
            r.palermo.act_support,
            vec!["deceived_nature_of_job", "deceived_wages"]
        );
        assert_eq!(r.palermo.purpose_support, vec!["excessive_working_hours"]);
        assert_eq!(r.missing, vec!["exploitation", "coercion"]);
        assert_eq!(r.dimensions[3].more_needed, 1);
        assert!(
            r.dimensions[3]
                .unknown
                .contains(&"low_or_no_salary".to_string())
        );
    }

    #[test]
    fn profiles_follow_age_and_exploitation() {
        assert_eq!(
            profiles_for(Some(30), false, true, false),
            vec![Profile::AdultLabour]
        );
        assert_eq!(
            profiles_for(Some(19), true, false, true),
            vec![Profile::ChildSexual],
            "an uncertain age is treated as a child's"
        );
        assert_eq!(
            profiles_for(None, false, false, false),
            vec![Profile::ChildLabour, Profile::ChildSexual]
        );
        assert_eq!(
            profiles_for(Some(17), false, true, true),
            vec![Profile::ChildLabour, Profile::ChildSexual]
        );
    }

    fn arb_answers() -> impl Strategy<Value = Answers> {
        let ids: Vec<String> = IndicatorSet::ilo()
            .indicators
            .into_iter()
            .map(|i| i.id)
            .collect();
        let n = ids.len();
        (proptest::collection::vec(0u8..3, n), any::<bool>()).prop_map(move |(v, act)| Answers {
            indicators: ids
                .iter()
                .zip(v)
                .map(|(id, a)| {
                    let a = match a {
                        0 => Answer::Present,
                        1 => Answer::Absent,
                        _ => Answer::Unknown,
                    };
                    (id.clone(), a)
                })
                .collect(),
            act,
        })
    }

    proptest! {
        /// Adding an indicator never lowers the outcome, for every profile and rule.
        #[test]
        fn adding_an_indicator_never_lowers_the_outcome(
            a in arb_answers(),
            pick in any::<proptest::sample::Index>(),
            strict: bool,
        ) {
            let set = IndicatorSet::ilo();
            let rules = Rules { child_means_required: strict };
            let id = set.indicators[pick.index(set.indicators.len())].id.clone();
            let mut more = a.clone();
            more.indicators.insert(id, Answer::Present);
            for p in Profile::ALL {
                let before = evaluate(&set, rules, p, &a).outcome;
                let after = evaluate(&set, rules, p, &more).outcome;
                prop_assert!(after >= before, "{p:?}: {before:?} -> {after:?}");
            }
        }

        /// A child's outcome never needs means: the coercion dimensions do not change it.
        #[test]
        fn a_child_outcome_never_needs_means(a in arb_answers()) {
            let set = IndicatorSet::ilo();
            let mut without = a.clone();
            for i in &set.indicators {
                if i.dimension >= 5 {
                    without.indicators.insert(i.id.clone(), Answer::Absent);
                }
            }
            for p in [Profile::ChildLabour, Profile::ChildSexual] {
                let met = |x: &Answers| evaluate(&set, Rules::default(), p, x).outcome
                    == Outcome::TraffickingIndicatorsMet;
                prop_assert_eq!(met(&a), met(&without));
            }
        }

        /// An adult is never "indicators met" without all three groups positive.
        #[test]
        fn adults_need_all_three_elements(a in arb_answers()) {
            let set = IndicatorSet::ilo();
            for p in [Profile::AdultLabour, Profile::AdultSexual] {
                let r = evaluate(&set, Rules::default(), p, &a);
                let pos = |n: usize| r.dimensions[n - 1].positive;
                let rule = (pos(1) || pos(2) || pos(3)) && pos(4) && (pos(5) || pos(6));
                prop_assert_eq!(r.outcome == Outcome::TraffickingIndicatorsMet, rule);
                prop_assert_eq!(r.missing.is_empty(), rule);
            }
        }

        /// Indicator files never panic the parser; what it accepts is valid.
        #[test]
        fn the_parser_never_panics(text in ".{0,300}") {
            if let Ok(set) = IndicatorSet::parse(&text) {
                for i in &set.indicators {
                    prop_assert!((1..=6).contains(&i.dimension));
                }
            }
        }
    }
}
