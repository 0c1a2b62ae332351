//! Safe statistical release of categorical records, at the source: k-protected aggregate counts in
//! the format of Microsoft's synthetic-data-showcase (SDS), which the CTDC dashboards read, with a
//! manifest of how each release was made. No web, no database: `haven release` drives it from the
//! command line, and Haven's CTDC export will feed it from live cases.
//!
//! Synthetic microdata seeded by the real records (`synthesize`) keeps every combination of up to
//! the reporting length at k or more; `dp` releases differentially private aggregates and
//! synthetic records drawn from them, against a budget ledger; `anonymize` makes k-anonymous
//! microdata by generalisation and local suppression.

pub mod aggregate;
pub mod anonymize;
pub mod data;
pub mod dp;
pub mod synthesize;

pub use aggregate::{AggregateOptions, Aggregates, aggregate, protected};
pub use data::{DataError, Dataset, ReadOptions, Zeros};
pub use synthesize::{Synthetic, Utility, synthesize};

/// Small datasets for the tests: `rows` of value numbers per column, 0 meaning blank.
#[cfg(test)]
pub(crate) fn test_dataset(rows: &[Vec<u8>], cols: usize) -> Dataset {
    let mut s = (0..cols)
        .map(|c| format!("c{c}"))
        .collect::<Vec<_>>()
        .join(",");
    s.push('\n');
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|v| {
                if *v == 0 {
                    String::new()
                } else {
                    format!("v{v}")
                }
            })
            .collect();
        s.push_str(&cells.join(","));
        s.push('\n');
    }
    Dataset::read(s.as_bytes(), &ReadOptions::default()).expect("test data")
}

use sha2::{Digest, Sha256};

/// What a release was made from and how: written beside every release. Fields that do not apply
/// to a method are left out.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Manifest {
    pub method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporting_length: Option<usize>,
    /// The record count as released (rounded down to a multiple of k).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protected_record_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub combinations_released: Option<Vec<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distinct_items: Option<usize>,
    pub software: String,
    /// SHA-256 of the input bytes, to tell later which file a release came from. Left out of
    /// differentially private releases (a hash lets anyone who knows all other records test a
    /// guess of the last one); the privacy ledger keeps it instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_fingerprint: Option<String>,
    /// For synthetic data: how faithful they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utility: Option<Utility>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub differential_privacy: Option<dp::DpReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymization: Option<anonymize::AnonymizeReport>,
    /// As SDS's setting: present when a `0` was read as no value except in these columns;
    /// absent when every `0` was a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive_zeros: Option<Vec<String>>,
    /// How every released count is protected, when a deployment fixes it (see `Protection`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protection: Option<Protection>,
    /// The entry of the register's release ledger this release is recorded under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger_entry: Option<String>,
}

/// The protection of a release's counts, stated for its readers.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Protection {
    pub method: String,
    /// Every count is rounded down to a multiple of this (the deployment's smallest cell),
    /// whatever k the request chose.
    pub rounding_base: u64,
    /// Combinations whose rounded count is below this are left out.
    pub threshold: u64,
}

/// SHA-256 of a release's input, hex.
pub fn fingerprint(input: &[u8]) -> String {
    hex::encode(Sha256::digest(input))
}

fn software() -> String {
    format!("haven {}", env!("CARGO_PKG_VERSION"))
}

impl Manifest {
    /// Records how zeros were read.
    pub fn with_zeros(mut self, opts: &ReadOptions) -> Manifest {
        self.sensitive_zeros = match &opts.zeros {
            Zeros::Values => None,
            Zeros::SensitiveIn(cols) => Some(cols.clone()),
        };
        self
    }

    pub fn for_aggregates(a: &Aggregates, data: &Dataset, input: &[u8]) -> Manifest {
        Manifest {
            method: "k-protected aggregates (SDS format)",
            resolution: Some(a.options.resolution),
            reporting_length: Some(a.options.reporting_length),
            protected_record_count: Some(a.protected(a.record_count)),
            combinations_released: Some(a.by_length()),
            distinct_items: Some(data.items.len()),
            software: software(),
            input_sha256: Some(fingerprint(input)),
            ..Manifest::default()
        }
    }

    /// k-anonymised microdata.
    pub fn for_anonymized(a: &anonymize::Anonymized, input: &[u8]) -> Manifest {
        Manifest {
            method: a.report.method,
            resolution: Some(a.report.k as u64),
            protected_record_count: Some(protected(a.report.records_out as u64, a.report.k as u64)),
            software: software(),
            input_sha256: Some(fingerprint(input)),
            anonymization: Some(a.report.clone()),
            ..Manifest::default()
        }
    }

    /// A differentially private release: only what the mechanism released (noisy counts and the
    /// accounting); the input is named by the privacy ledger's entry, not by a hash.
    pub fn for_dp(a: &dp::DpAggregates, ledger_entry: &str) -> Manifest {
        let report = a.report();
        Manifest {
            method: report.method,
            reporting_length: Some(report.reporting_length),
            combinations_released: Some(report.combinations_released.clone()),
            software: software(),
            input_fingerprint: Some(ledger_entry.to_string()),
            differential_privacy: Some(report),
            ..Manifest::default()
        }
    }
}

/// A small deterministic generator (SplitMix64), for what needs no unpredictability: generated
/// benchmark data and the order of the synthesis fill-back.
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Fictional CTDC-shaped records for benchmarks and tests: 27 categorical columns with skewed
/// values and many blanks (no real person is behind any row).
pub fn ctdc_like_csv(rows: usize, seed: u64) -> String {
    struct Rng(SplitMix);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0.next()
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        /// Zipf-like: small indexes much more often.
        fn skewed(&mut self, n: u64) -> u64 {
            let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
            ((n as f64).powf(u) - 1.0) as u64 % n
        }
        fn chance(&mut self, pct: u64) -> bool {
            self.below(100) < pct
        }
    }
    let countries: Vec<String> = (0..60).map(|i| format!("C{i:02}")).collect();
    let mut r = Rng(SplitMix(seed));
    let flags = [
        "meansOfControlDebtBondage",
        "meansOfControlTakesEarnings",
        "meansOfControlRestrictsMovement",
        "meansOfControlThreats",
        "meansOfControlPhysicalAbuse",
        "meansOfControlSexualAbuse",
        "meansOfControlFalsePromises",
        "meansOfControlWithholdsDocuments",
        "isForcedLabour",
        "isSexualExploit",
        "isOtherExploit",
        "typeOfLabourAgriculture",
        "typeOfLabourConstruction",
        "typeOfLabourDomesticWork",
        "typeOfLabourHospitality",
        "typeOfLabourManufacturing",
        "typeOfLabourMining",
        "recruiterRelationIntimatePartner",
        "recruiterRelationFriend",
        "recruiterRelationFamily",
        "recruiterRelationOther",
    ];
    let mut s = String::from(
        "yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,monthsTrafficked",
    );
    for f in flags {
        s.push(',');
        s.push_str(f);
    }
    s.push('\n');
    let ages = [
        "0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+",
    ];
    for _ in 0..rows {
        let year = 2002 + r.skewed(20);
        let gender = if r.chance(72) { "Female" } else { "Male" };
        let age = if r.chance(35) {
            ""
        } else {
            ages[r.skewed(9) as usize]
        };
        let cit = if r.chance(30) {
            ""
        } else {
            &countries[r.skewed(60) as usize]
        };
        let coe = if r.chance(40) {
            ""
        } else {
            &countries[r.skewed(60) as usize]
        };
        let months = if r.chance(65) {
            String::new()
        } else {
            (1 + r.skewed(36)).to_string()
        };
        s.push_str(&format!("{year},{gender},{age},{cit},{coe},{months}"));
        for (i, _) in flags.iter().enumerate() {
            let blank = r.chance(30 + (i as u64 * 7) % 35);
            s.push(',');
            if !blank {
                s.push_str(if r.chance(20) { "1" } else { "0" });
            }
        }
        s.push('\n');
    }
    s
}
