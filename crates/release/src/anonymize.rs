//! k-anonymised microdata: every released record shares its quasi-identifiers (QIs: by default
//! gender, age band, citizenship, country of exploitation, year of registration and data source)
//! with at least k-1 other released records.
//!
//! **Generalisation.** Each QI has a ladder of levels, finest first, the last suppressing it:
//! age band → majority status → `*`; country (ISO 3166 alpha-2 or alpha-3) → UN M49 sub-region →
//! M49 region → `*`; year → 5-year period → 10-year period → `*`; any other column → `*`. A value
//! a ladder does not know (a made-up country code, a year that is not one) stays itself at the
//! first level and becomes `Other` above it, so it is never kept finer than its known peers. A
//! release takes one level per QI for all records (full-domain generalisation) and then
//! suppresses the QIs of the records left in classes smaller than k (local suppression), as long
//! as that is at most `max_suppression_rate` of the records.
//!
//! **Representation.** A suppressed QI cell is `*`. A blank (missing) QI cell stays blank at every
//! level but the last, so a missing value is never confused with a suppressed one. QI cells are
//! trimmed; every other column is copied unchanged, except that l-diversity may blank sensitive
//! cells (below). Locally suppressed records all share the all-`*` class, so it must hold k
//! records too: when fewer than k records are suppressed, the smallest other class (the first in
//! the file among equals) is suppressed with them. No record is dropped or altered otherwise.
//!
//! **Choice.** Among the level vectors whose suppression stays within the limit, the release
//! takes the one with the least information loss measured as *non-uniform entropy* (Gionis and
//! Tassa, "k-Anonymization with Minimal Loss of Information", IEEE TKDE 21(2), 2009; also in
//! ARX): a cell whose value v is released as g costs log2(n(g) / n(v)) bits, n counting the input
//! records with that value or generalisation; a suppressed cell costs log2(N / n(v)). The loss is
//! reported as a share of suppressing every QI of every record (0 = nothing lost, 1 = all lost).
//! Ties go to fewer suppressed records, then to less generalisation.
//!
//! **Search.** Records are first reduced to their distinct level-0 QI combinations, with counts;
//! every value's code at every level is computed once. The lattice of level vectors (one per QI,
//! a few hundred for the default QIs) is searched top-down: if a level vector leaves more than the
//! limit in classes below k, so do all its specialisations (their classes split those), and they
//! are skipped. A level vector is also skipped when the loss of its generalisation alone, a lower
//! bound of its total, already exceeds the best found.
//!
//! **l-diversity.** For each sensitive column (by default the exploitation-type flags
//! `isForcedLabour`, `isSexualExploit`, `isOtherExploit`), every released class must hold at least
//! l distinct known values (distinct l-diversity, default l = 2) or none at all: otherwise
//! everyone in the class is known to share the value. Violations are counted and, by default,
//! enforced by blanking that column's values in the violating classes (`enforce_l_diversity`;
//! turn it off to only report). Values are compared trimmed and case-insensitively, so that " 1"
//! and "1" never count as two.
use std::borrow::Cow;
use std::fmt;
use std::io::{Read, Write};
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::data::DataError;

/// The QIs used when the options name none; those a file lacks are skipped.
pub const DEFAULT_QUASI_IDENTIFIERS: [&str; 6] = [
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "yearOfRegistration",
    "Datasource",
];

/// The sensitive columns used when the options name none; those a file lacks are skipped.
pub const DEFAULT_SENSITIVE: [&str; 3] = ["isForcedLabour", "isSexualExploit", "isOtherExploit"];

/// Most level vectors searched (8 QIs of 4 levels); more QIs make the result unusable anyway.
pub const MAX_LATTICE: usize = 1 << 16;

/// Above this many possible classes, class keys are renumbered densely (a hash map) rather than
/// counted in a flat table (16 MiB of counts).
const DENSE_MAX: u64 = 1 << 21;

const SUPPRESSED: &str = "*";
const OTHER: &str = "Other";

#[derive(Clone, Debug)]
pub struct AnonymizeOptions {
    pub delimiter: u8,
    /// Smallest number of records sharing their released QIs.
    pub k: usize,
    /// QI columns; `None` for [`DEFAULT_QUASI_IDENTIFIERS`]. Named columns must exist.
    pub quasi_identifiers: Option<Vec<String>>,
    /// Further columns holding country codes (`citizenship` and `CountryOfExploitation` always
    /// do).
    pub country_columns: Vec<String>,
    /// Largest share of records whose QIs may be suppressed, 0 to 1.
    pub max_suppression_rate: f64,
    /// Distinct values each class must show in every sensitive column (1 turns the check off).
    pub l: usize,
    /// Sensitive columns; `None` for [`DEFAULT_SENSITIVE`]. Named columns must exist.
    pub sensitive: Option<Vec<String>>,
    /// Blank the sensitive values of classes below l (otherwise they are only counted).
    pub enforce_l_diversity: bool,
}

impl Default for AnonymizeOptions {
    fn default() -> Self {
        AnonymizeOptions {
            delimiter: b',',
            // As for the aggregates, so that both releases of one file protect alike.
            k: 11,
            quasi_identifiers: None,
            country_columns: Vec::new(),
            max_suppression_rate: 0.05,
            l: 2,
            sensitive: None,
            enforce_l_diversity: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnonymizeError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("k must be at least 2")]
    K,
    #[error("l must be at least 1")]
    L,
    #[error("the maximum suppression rate must be from 0 to 1, not {0}")]
    SuppressionRate(f64),
    #[error("no quasi-identifier column: name some that are in the header")]
    NoQuasiIdentifiers,
    #[error("column {0:?} cannot be both a quasi-identifier and sensitive")]
    SensitiveQuasiIdentifier(String),
    #[error("{records} records cannot be made {k}-anonymous: at least k are needed")]
    TooFewRecords { records: usize, k: usize },
    #[error(
        "{nodes} combinations of generalisation levels to search, at most {MAX_LATTICE} are \
         supported: use fewer quasi-identifiers"
    )]
    TooManyQuasiIdentifiers { nodes: usize },
    /// The final check of the output failed; nothing is released.
    #[error("internal error: a released class holds {0} records, fewer than k; nothing released")]
    Unsafe(usize),
}

/// How a release was made, for its manifest.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AnonymizeReport {
    pub method: &'static str,
    pub k: usize,
    pub max_suppression_rate: f64,
    pub quasi_identifiers: Vec<QuasiIdentifier>,
    pub records_in: usize,
    /// Always `records_in`: no record is dropped.
    pub records_out: usize,
    /// Records whose QIs were all suppressed (`*`) by local suppression.
    pub records_suppressed: usize,
    /// Equivalence classes of the output over the QIs, the suppressed records' included.
    pub classes: usize,
    pub smallest_class: usize,
    pub average_class_size: f64,
    pub information_loss: InformationLoss,
    /// Level vectors in the search space, and how many had their classes counted.
    pub lattice_nodes: usize,
    pub nodes_evaluated: usize,
    pub l_diversity: LDiversityReport,
}

/// A QI and the level it is released at.
#[derive(Clone, Debug, serde::Serialize)]
pub struct QuasiIdentifier {
    pub column: String,
    /// E.g. "M49 sub-region"; "suppressed" when the whole column is `*`.
    pub level: &'static str,
    /// Generalisation steps taken (0 = as recorded).
    pub step: usize,
}

impl fmt::Display for QuasiIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.column, self.level)
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct InformationLoss {
    pub metric: &'static str,
    /// 0 (nothing lost) to 1 (every QI suppressed).
    pub value: f64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct LDiversityReport {
    pub l: usize,
    pub columns: Vec<String>,
    pub enforced: bool,
    /// Classes below l in at least one sensitive column, and the records in them (before
    /// enforcement).
    pub violating_classes: usize,
    pub violating_records: usize,
    /// Sensitive cells blanked to enforce it.
    pub values_blanked: usize,
}

/// The released table (same columns and record order as the input) and how it was made.
#[derive(Clone, Debug)]
pub struct Anonymized {
    pub headers: Vec<String>,
    pub report: AnonymizeReport,
    delimiter: u8,
    columns: Vec<Column>,
}

impl Anonymized {
    /// The released records, cells in header order.
    pub fn rows(&self) -> impl Iterator<Item = Vec<&str>> + '_ {
        (0..self.report.records_out).map(|r| self.columns.iter().map(|c| c.cell(r)).collect())
    }

    /// The released table with the input's delimiter.
    pub fn write_csv(&self, out: impl Write) -> std::io::Result<()> {
        let mut w = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .from_writer(out);
        w.write_record(&self.headers)?;
        let mut row: Vec<&str> = Vec::with_capacity(self.columns.len());
        for r in 0..self.report.records_out {
            row.clear();
            row.extend(self.columns.iter().map(|c| c.cell(r)));
            w.write_record(&row)?;
        }
        w.flush()
    }
}

/// One column, its distinct values numbered (CTDC columns hold few, so this is far smaller than
/// a string per cell).
#[derive(Clone, Debug, Default)]
struct Column {
    values: Vec<String>,
    cells: Vec<u32>,
}

impl Column {
    fn cell(&self, row: usize) -> &str {
        &self.values[self.cells[row] as usize]
    }

    /// The number of `value`, added if new.
    fn code_of(&mut self, value: &str) -> u32 {
        match self.values.iter().position(|v| v == value) {
            Some(i) => i as u32,
            None => {
                self.values.push(value.to_string());
                (self.values.len() - 1) as u32
            }
        }
    }
}

struct Table {
    headers: Vec<String>,
    columns: Vec<Column>,
    rows: usize,
}

fn read_table(input: impl Read, delimiter: u8) -> Result<Table, DataError> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(crate::data::line_error)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(DataError::Empty);
    }
    let mut columns = vec![Column::default(); headers.len()];
    let mut index: Vec<FxHashMap<String, u32>> = vec![FxHashMap::default(); headers.len()];
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    while rdr
        .read_record(&mut record)
        .map_err(crate::data::line_error)?
    {
        for ((cell, column), index) in record.iter().zip(&mut columns).zip(&mut index) {
            let id = match index.get(cell) {
                Some(id) => *id,
                None => {
                    let id = column.values.len() as u32;
                    column.values.push(cell.to_string());
                    index.insert(cell.to_string(), id);
                    id
                }
            };
            column.cells.push(id);
        }
        rows += 1;
    }
    Ok(Table {
        headers,
        columns,
        rows,
    })
}

/// A QI's generalisation ladder. A new one needs its level names and its `generalise` arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hierarchy {
    /// CTDC `ageBroad` bands ("0--8", "9--17", "48+").
    AgeBand,
    /// ISO 3166 alpha-2 or alpha-3 codes.
    Country,
    Year,
    /// Kept or suppressed.
    Flat,
}

impl Hierarchy {
    fn for_column(name: &str, country_columns: &[String]) -> Hierarchy {
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if is("ageBroad") {
            Hierarchy::AgeBand
        } else if is("yearOfRegistration") {
            Hierarchy::Year
        } else if is("citizenship")
            || is("CountryOfExploitation")
            || country_columns.iter().any(|c| is(c))
        {
            Hierarchy::Country
        } else {
            Hierarchy::Flat
        }
    }

    /// Level names, finest first; the last is full suppression.
    fn levels(self) -> &'static [&'static str] {
        match self {
            Hierarchy::AgeBand => &["age band", "majority status", "suppressed"],
            Hierarchy::Country => &["country", "M49 sub-region", "M49 region", "suppressed"],
            Hierarchy::Year => &["year", "5-year period", "10-year period", "suppressed"],
            Hierarchy::Flat => &["value", "suppressed"],
        }
    }

    /// A trimmed `value` as released at `level`. Each level must be a function of the one below
    /// it (coarser levels merge whole groups), which the search's pruning relies on.
    fn label(self, value: &str, level: usize) -> Cow<'_, str> {
        if level + 1 >= self.levels().len() {
            return Cow::Borrowed(SUPPRESSED);
        }
        if level == 0 || value.is_empty() {
            return Cow::Borrowed(value);
        }
        match self {
            Hierarchy::AgeBand => Cow::Borrowed(majority(value).unwrap_or(OTHER)),
            Hierarchy::Country => Cow::Borrowed(match m49(value) {
                Some((subregion, _)) if level == 1 => subregion,
                Some((_, region)) => region,
                None => OTHER,
            }),
            Hierarchy::Year => match year(value) {
                Some(y) => {
                    let width = if level == 1 { 5 } else { 10 };
                    let start = y / width * width;
                    Cow::Owned(format!("{start}-{}", start + width - 1))
                }
                None => Cow::Borrowed(OTHER),
            },
            // Unreached: a flat ladder has no level between the value and `*`.
            Hierarchy::Flat => Cow::Borrowed(SUPPRESSED),
        }
    }
}

/// "Minor" for a band that ends at 17 or below, "Adult" for one that starts at 18 or above;
/// `None` for a band across 18 or anything else.
fn majority(band: &str) -> Option<&'static str> {
    if band.eq_ignore_ascii_case("minor") {
        return Some("Minor");
    }
    if band.eq_ignore_ascii_case("adult") {
        return Some("Adult");
    }
    if !band.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let numbers: Vec<u32> = band
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    let (low, high) = match (numbers.as_slice(), band.ends_with('+')) {
        ([low], true) => (*low, u32::MAX),
        ([age], false) => (*age, *age),
        ([low, high], false) if low <= high => (*low, *high),
        _ => return None,
    };
    if high <= 17 {
        Some("Minor")
    } else if low >= 18 {
        Some("Adult")
    } else {
        None
    }
}

fn year(value: &str) -> Option<u32> {
    if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) {
        value.parse().ok()
    } else {
        None
    }
}

/// The M49 table generated by `tools/gen_m49.py`: code → (sub-region, region).
static M49_CSV: &str = include_str!("../data/m49.csv");

fn m49_table() -> &'static FxHashMap<&'static str, (&'static str, &'static str)> {
    static TABLE: OnceLock<FxHashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = FxHashMap::default();
        for line in M49_CSV.lines().filter(|l| !l.starts_with('#')).skip(1) {
            // No field is quoted (a test checks every line has four fields).
            if let [iso2, iso3, subregion, region] = line.split(',').collect::<Vec<_>>()[..] {
                m.insert(iso2, (subregion, region));
                m.insert(iso3, (subregion, region));
            }
        }
        m
    })
}

fn m49(code: &str) -> Option<(&'static str, &'static str)> {
    m49_table().get(code.to_ascii_uppercase().as_str()).copied()
}

/// A QI with each of its values' code, label and information loss at every level.
struct Qi {
    column: usize,
    hierarchy: Hierarchy,
    /// Each record's level-0 value (trimmed cell) number.
    base: Vec<u32>,
    /// `codes[level][value]`: the value's code at that level; `labels[level][code]` its text.
    codes: Vec<Vec<u32>>,
    labels: Vec<Vec<String>>,
    /// `loss[level][value]`: bits lost per record releasing the value at that level.
    loss: Vec<Vec<f64>>,
    /// Bits lost over all records at each level.
    level_loss: Vec<f64>,
}

impl Qi {
    fn new(column: usize, data: &Column, hierarchy: Hierarchy) -> Qi {
        let mut index: FxHashMap<&str, u32> = FxHashMap::default();
        let mut values: Vec<&str> = Vec::new();
        let raw_to_base: Vec<u32> = data
            .values
            .iter()
            .map(|v| {
                let v = v.trim();
                *index.entry(v).or_insert_with(|| {
                    values.push(v);
                    (values.len() - 1) as u32
                })
            })
            .collect();
        let base: Vec<u32> = data
            .cells
            .iter()
            .map(|c| raw_to_base[*c as usize])
            .collect();
        let mut count = vec![0u64; values.len()];
        for b in &base {
            count[*b as usize] += 1;
        }
        let levels = hierarchy.levels().len();
        let (mut codes, mut labels, mut loss, mut level_loss) = (
            Vec::with_capacity(levels),
            Vec::with_capacity(levels),
            Vec::with_capacity(levels),
            Vec::with_capacity(levels),
        );
        for level in 0..levels {
            let mut index: FxHashMap<String, u32> = FxHashMap::default();
            let mut level_labels: Vec<String> = Vec::new();
            let level_codes: Vec<u32> = values
                .iter()
                .map(|v| {
                    let label = hierarchy.label(v, level);
                    match index.get(label.as_ref()) {
                        Some(c) => *c,
                        None => {
                            let c = level_labels.len() as u32;
                            level_labels.push(label.to_string());
                            index.insert(label.into_owned(), c);
                            c
                        }
                    }
                })
                .collect();
            let mut code_count = vec![0u64; level_labels.len()];
            for (v, c) in level_codes.iter().enumerate() {
                code_count[*c as usize] += count[v];
            }
            // Every value is held by at least one record, so no count is zero.
            let level_loss_per_value: Vec<f64> = level_codes
                .iter()
                .enumerate()
                .map(|(v, c)| (code_count[*c as usize] as f64 / count[v] as f64).log2())
                .collect();
            level_loss.push(
                level_loss_per_value
                    .iter()
                    .zip(&count)
                    .map(|(l, n)| l * *n as f64)
                    .sum(),
            );
            codes.push(level_codes);
            labels.push(level_labels);
            loss.push(level_loss_per_value);
        }
        Qi {
            column,
            hierarchy,
            base,
            codes,
            labels,
            loss,
            level_loss,
        }
    }

    fn top(&self) -> usize {
        self.codes.len() - 1
    }
}

/// Numbers the distinct combinations of `cols` (code columns of equal length, each with its
/// number of codes) into `class` and returns a bound on the numbers: mixed-radix keys while they
/// stay below `dense_max`, renumbered densely in order of first appearance (through `map`)
/// otherwise.
fn number_classes(
    cols: &[(&[u32], u64)],
    len: usize,
    dense_max: u64,
    class: &mut Vec<u64>,
    map: &mut FxHashMap<u64, u64>,
) -> u64 {
    fn densify(class: &mut [u64], map: &mut FxHashMap<u64, u64>) -> u64 {
        map.clear();
        for c in class.iter_mut() {
            let next = map.len() as u64;
            *c = *map.entry(*c).or_insert(next);
        }
        map.len() as u64
    }
    class.clear();
    class.resize(len, 0);
    let mut bound = 1u64;
    for &(col, card) in cols {
        let card = card.max(1);
        if bound.checked_mul(card).is_none() {
            bound = densify(class, map);
        }
        // After renumbering, bound ≤ len < 2^32 and codes < 2^32, so every key fits (only the
        // bound itself may saturate, which renumbers below).
        for (c, v) in class.iter_mut().zip(col) {
            *c = *c * card + u64::from(*v);
        }
        bound = bound.saturating_mul(card);
    }
    if bound > dense_max {
        bound = densify(class, map);
    }
    bound
}

/// The distinct level-0 QI combinations ("tuples") and the buffers to count classes over them.
struct Search<'a> {
    qis: &'a [Qi],
    k: u64,
    limit: u64,
    /// Records per tuple; `values[q][t]` tuple t's level-0 value of QI q; `codes[q][level][t]`
    /// its code at a level.
    weight: Vec<u64>,
    values: Vec<Vec<u32>>,
    codes: Vec<Vec<Vec<u32>>>,
    class: Vec<u64>,
    sizes: Vec<u64>,
    map: FxHashMap<u64, u64>,
    /// Tuples suppressed at the node evaluated last.
    suppressed: Vec<bool>,
}

/// A level vector within the suppression limit.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    node: usize,
    height: usize,
    suppressed: u64,
    /// In bits, not normalised.
    loss: f64,
}

impl Candidate {
    fn better_than(&self, other: &Candidate) -> bool {
        if !same_loss(self.loss, other.loss) {
            return self.loss < other.loss;
        }
        (self.suppressed, self.height, self.node) < (other.suppressed, other.height, other.node)
    }
}

/// Losses summed in different orders may differ in their last bits.
fn same_loss(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

impl<'a> Search<'a> {
    /// Returns the search and each record's tuple number.
    fn new(qis: &'a [Qi], rows: usize, k: u64, limit: u64) -> (Search<'a>, Vec<u64>) {
        let mut map = FxHashMap::default();
        let mut tuple_of_row = Vec::new();
        let base: Vec<(&[u32], u64)> = qis
            .iter()
            .map(|q| (q.base.as_slice(), q.codes[0].len() as u64))
            .collect();
        let tuples = number_classes(&base, rows, 0, &mut tuple_of_row, &mut map) as usize;
        let mut weight = vec![0u64; tuples];
        let mut values = vec![vec![0u32; tuples]; qis.len()];
        for (row, t) in tuple_of_row.iter().enumerate() {
            let t = *t as usize;
            if weight[t] == 0 {
                for (q, qi) in qis.iter().enumerate() {
                    values[q][t] = qi.base[row];
                }
            }
            weight[t] += 1;
        }
        let codes = qis
            .iter()
            .zip(&values)
            .map(|(qi, vals)| {
                qi.codes
                    .iter()
                    .map(|level| vals.iter().map(|v| level[*v as usize]).collect())
                    .collect()
            })
            .collect();
        let search = Search {
            qis,
            k,
            limit,
            weight,
            values,
            codes,
            class: Vec::new(),
            sizes: Vec::new(),
            map,
            suppressed: vec![false; tuples],
        };
        (search, tuple_of_row)
    }

    /// The records suppressed and the loss (bits) at `levels`; `None` when more than the limit
    /// fall in classes below k, as they then do at every specialisation. Fills `suppressed`.
    fn evaluate(&mut self, levels: &[usize]) -> Option<(u64, f64)> {
        let cols: Vec<(&[u32], u64)> = self
            .codes
            .iter()
            .zip(self.qis)
            .zip(levels)
            .map(|((codes, qi), l)| (codes[*l].as_slice(), qi.labels[*l].len() as u64))
            .collect();
        let bound = number_classes(
            &cols,
            self.weight.len(),
            DENSE_MAX,
            &mut self.class,
            &mut self.map,
        );
        if self.sizes.len() < bound as usize {
            self.sizes.resize(bound as usize, 0);
        }
        for (c, w) in self.class.iter().zip(&self.weight) {
            self.sizes[*c as usize] += w;
        }
        let mut small = 0u64;
        let mut smallest: Option<(u64, u64)> = None;
        for (c, w) in self.class.iter().zip(&self.weight) {
            let size = self.sizes[*c as usize];
            if size < self.k {
                small += w;
            } else if smallest.is_none_or(|(s, _)| size < s) {
                smallest = Some((size, *c));
            }
        }
        let result = if small > self.limit {
            None
        } else {
            // Fewer than k suppressed records would form a class below k of their own.
            let extra = if small > 0 && small < self.k {
                smallest.map(|(_, c)| c)
            } else {
                None
            };
            let mut suppressed = 0u64;
            let mut loss: f64 = self
                .qis
                .iter()
                .zip(levels)
                .map(|(qi, l)| qi.level_loss[*l])
                .sum();
            for (t, c) in self.class.iter().enumerate() {
                let s = self.sizes[*c as usize] < self.k || Some(*c) == extra;
                self.suppressed[t] = s;
                if s {
                    let w = self.weight[t];
                    suppressed += w;
                    for ((qi, l), values) in self.qis.iter().zip(levels).zip(&self.values) {
                        let v = values[t] as usize;
                        loss += w as f64 * (qi.loss[qi.top()][v] - qi.loss[*l][v]);
                    }
                }
            }
            Some((suppressed, loss))
        };
        for c in &self.class {
            self.sizes[*c as usize] = 0;
        }
        result
    }

    /// The best level vector and how many were evaluated. The all-suppressed vector always
    /// qualifies (one class of every record, at least k).
    fn best(&mut self) -> (Vec<usize>, Candidate, usize) {
        let dims: Vec<usize> = self.qis.iter().map(|q| q.codes.len()).collect();
        let mut strides = vec![1usize; dims.len()];
        for q in 1..dims.len() {
            strides[q] = strides[q - 1] * dims[q - 1];
        }
        let nodes: usize = dims.iter().product();
        let decode = |node: usize| -> Vec<usize> {
            dims.iter()
                .zip(&strides)
                .map(|(d, s)| node / s % d)
                .collect()
        };
        let mut order: Vec<(usize, usize)> = (0..nodes)
            .map(|n| (decode(n).iter().sum::<usize>(), n))
            .collect();
        order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut failed = vec![false; nodes];
        let mut best: Option<Candidate> = None;
        let mut evaluated = 0;
        for (height, node) in order {
            let levels = decode(node);
            let pruned =
                (0..dims.len()).any(|q| levels[q] + 1 < dims[q] && failed[node + strides[q]]);
            if pruned {
                failed[node] = true;
                continue;
            }
            let lower_bound: f64 = self
                .qis
                .iter()
                .zip(&levels)
                .map(|(qi, l)| qi.level_loss[*l])
                .sum();
            if best.is_some_and(|b| lower_bound > b.loss && !same_loss(lower_bound, b.loss)) {
                continue;
            }
            evaluated += 1;
            match self.evaluate(&levels) {
                None => failed[node] = true,
                Some((suppressed, loss)) if suppressed <= self.limit => {
                    let c = Candidate {
                        node,
                        height,
                        suppressed,
                        loss,
                    };
                    if best.is_none_or(|b| c.better_than(&b)) {
                        best = Some(c);
                    }
                }
                Some(_) => {}
            }
        }
        let top = nodes - 1;
        let best = best.unwrap_or(Candidate {
            node: top,
            height: decode(top).iter().sum(),
            suppressed: 0,
            loss: self.qis.iter().map(|q| q.level_loss[q.top()]).sum(),
        });
        let levels = decode(best.node);
        // Leaves `suppressed` as at the chosen node.
        self.evaluate(&levels);
        (levels, best, evaluated)
    }
}

/// A column's index by exact name, else by a unique case-insensitive match.
fn find_column(headers: &[String], name: &str) -> Option<usize> {
    if let Some(i) = headers.iter().position(|h| h == name) {
        return Some(i);
    }
    let mut matches = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.eq_ignore_ascii_case(name));
    match (matches.next(), matches.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

/// Named columns must exist; default ones are skipped when absent. Duplicates are dropped.
fn resolve(
    headers: &[String],
    named: &Option<Vec<String>>,
    defaults: &[&str],
) -> Result<Vec<usize>, DataError> {
    let mut out: Vec<usize> = Vec::new();
    match named {
        Some(names) => {
            for n in names {
                let i =
                    find_column(headers, n).ok_or_else(|| DataError::UnknownColumn(n.clone()))?;
                out.push(i);
            }
        }
        None => out.extend(defaults.iter().filter_map(|n| find_column(headers, n))),
    }
    let mut seen = FxHashSet::default();
    out.retain(|i| seen.insert(*i));
    Ok(out)
}

/// Makes `input` k-anonymous as described in the module documentation. Nothing is written: the
/// caller writes the result with [`Anonymized::write_csv`] only once it is `Ok`.
pub fn anonymize(input: impl Read, opts: &AnonymizeOptions) -> Result<Anonymized, AnonymizeError> {
    if opts.k < 2 {
        return Err(AnonymizeError::K);
    }
    if opts.l < 1 {
        return Err(AnonymizeError::L);
    }
    if !(0.0..=1.0).contains(&opts.max_suppression_rate) {
        return Err(AnonymizeError::SuppressionRate(opts.max_suppression_rate));
    }
    let table = read_table(input, opts.delimiter)?;
    let qi_columns = resolve(
        &table.headers,
        &opts.quasi_identifiers,
        &DEFAULT_QUASI_IDENTIFIERS,
    )?;
    if qi_columns.is_empty() {
        return Err(AnonymizeError::NoQuasiIdentifiers);
    }
    let mut sensitive = resolve(&table.headers, &opts.sensitive, &DEFAULT_SENSITIVE)?;
    if opts.sensitive.is_some() {
        if let Some(c) = sensitive.iter().find(|c| qi_columns.contains(c)) {
            return Err(AnonymizeError::SensitiveQuasiIdentifier(
                table.headers[*c].clone(),
            ));
        }
    } else {
        // A default sensitive column the user made a QI is theirs to decide.
        sensitive.retain(|c| !qi_columns.contains(c));
    }
    let hierarchies: Vec<Hierarchy> = qi_columns
        .iter()
        .map(|c| Hierarchy::for_column(&table.headers[*c], &opts.country_columns))
        .collect();
    let nodes = hierarchies
        .iter()
        .try_fold(1usize, |acc, h| acc.checked_mul(h.levels().len()))
        .unwrap_or(usize::MAX);
    if nodes > MAX_LATTICE {
        return Err(AnonymizeError::TooManyQuasiIdentifiers { nodes });
    }
    let n = table.rows;
    if n > 0 && n < opts.k {
        return Err(AnonymizeError::TooFewRecords {
            records: n,
            k: opts.k,
        });
    }
    let qis: Vec<Qi> = qi_columns
        .iter()
        .zip(&hierarchies)
        .map(|(c, h)| Qi::new(*c, &table.columns[*c], *h))
        .collect();
    // A small epsilon so that e.g. 0.29 × 100 allows 29, not 28.
    let limit = (opts.max_suppression_rate * n as f64 + 1e-9).floor() as u64;
    let k = opts.k as u64;

    let (levels, chosen, evaluated, suppressed_rows) = if n == 0 {
        let levels = vec![0; qis.len()];
        let c = Candidate {
            node: 0,
            height: 0,
            suppressed: 0,
            loss: 0.0,
        };
        (levels, c, 0, Vec::new())
    } else {
        let (mut search, tuple_of_row) = Search::new(&qis, n, k, limit);
        let (levels, chosen, evaluated) = search.best();
        let rows: Vec<bool> = tuple_of_row
            .iter()
            .map(|t| search.suppressed[*t as usize])
            .collect();
        (levels, chosen, evaluated, rows)
    };

    let mut columns = table.columns;
    for (qi, level) in qis.iter().zip(&levels) {
        let mut out = Column {
            values: qi.labels[*level].clone(),
            cells: Vec::with_capacity(n),
        };
        let star = out.code_of(SUPPRESSED);
        let codes = &qi.codes[*level];
        out.cells.extend(
            qi.base
                .iter()
                .zip(&suppressed_rows)
                .map(|(v, s)| if *s { star } else { codes[*v as usize] }),
        );
        columns[qi.column] = out;
    }

    // Classes of the output as written (a literal "*" in the input joins the suppressed class).
    let mut class = Vec::new();
    let out_cols: Vec<(&[u32], u64)> = qis
        .iter()
        .map(|q| {
            let c = &columns[q.column];
            (c.cells.as_slice(), c.values.len() as u64)
        })
        .collect();
    let classes = number_classes(&out_cols, n, 0, &mut class, &mut FxHashMap::default()) as usize;
    let mut sizes = vec![0usize; classes];
    for c in &class {
        sizes[*c as usize] += 1;
    }
    let smallest_class = sizes.iter().copied().min().unwrap_or(0);
    if n > 0 && smallest_class < opts.k {
        return Err(AnonymizeError::Unsafe(smallest_class));
    }

    let l_diversity = l_diversity(
        &mut columns,
        &table.headers,
        &sensitive,
        &class,
        &sizes,
        opts,
    );

    let max_loss: f64 = qis.iter().map(|q| q.level_loss[q.top()]).sum();
    let quasi_identifiers = qis
        .iter()
        .zip(&levels)
        .map(|(q, l)| QuasiIdentifier {
            column: table.headers[q.column].clone(),
            level: q.hierarchy.levels()[*l],
            step: *l,
        })
        .collect();
    let report = AnonymizeReport {
        method: "k-anonymity: full-domain generalisation with local suppression",
        k: opts.k,
        max_suppression_rate: opts.max_suppression_rate,
        quasi_identifiers,
        records_in: n,
        records_out: n,
        records_suppressed: chosen.suppressed as usize,
        classes,
        smallest_class,
        average_class_size: if classes == 0 {
            0.0
        } else {
            n as f64 / classes as f64
        },
        information_loss: InformationLoss {
            metric: "non-uniform entropy (Gionis & Tassa 2009), share of full suppression",
            value: if max_loss > 0.0 {
                (chosen.loss / max_loss).clamp(0.0, 1.0)
            } else {
                0.0
            },
        },
        lattice_nodes: nodes,
        nodes_evaluated: evaluated,
        l_diversity,
    };
    Ok(Anonymized {
        headers: table.headers,
        report,
        delimiter: opts.delimiter,
        columns,
    })
}

/// Checks (and, if asked, enforces) distinct l-diversity of each sensitive column over the
/// output classes (`class` per record, `sizes` per class).
fn l_diversity(
    columns: &mut [Column],
    headers: &[String],
    sensitive: &[usize],
    class: &[u64],
    sizes: &[usize],
    opts: &AnonymizeOptions,
) -> LDiversityReport {
    const BLANK: u32 = u32::MAX;
    let mut violating = vec![false; sizes.len()];
    let mut values_blanked = 0;
    for &col in sensitive {
        let column = &mut columns[col];
        // Values as compared: trimmed, case-folded, blank = unknown.
        let mut index: FxHashMap<String, u32> = FxHashMap::default();
        let canonical: Vec<u32> = column
            .values
            .iter()
            .map(|v| {
                let v = v.trim().to_lowercase();
                if v.is_empty() {
                    BLANK
                } else {
                    let next = index.len() as u32;
                    *index.entry(v).or_insert(next)
                }
            })
            .collect();
        let mut seen: FxHashSet<u64> = FxHashSet::default();
        let mut distinct = vec![0usize; sizes.len()];
        for (c, cell) in class.iter().zip(&column.cells) {
            let v = canonical[*cell as usize];
            if v != BLANK && seen.insert((*c << 32) | u64::from(v)) {
                distinct[*c as usize] += 1;
            }
        }
        let below: Vec<bool> = distinct.iter().map(|d| *d > 0 && *d < opts.l).collect();
        for (v, b) in violating.iter_mut().zip(&below) {
            *v |= *b;
        }
        if opts.enforce_l_diversity && below.iter().any(|b| *b) {
            let blank = column.code_of("");
            for (c, cell) in class.iter().zip(column.cells.iter_mut()) {
                if below[*c as usize] && canonical[*cell as usize] != BLANK {
                    *cell = blank;
                    values_blanked += 1;
                }
            }
        }
    }
    LDiversityReport {
        l: opts.l,
        columns: sensitive.iter().map(|c| headers[*c].clone()).collect(),
        enforced: opts.enforce_l_diversity,
        violating_classes: violating.iter().filter(|v| **v).count(),
        violating_records: violating
            .iter()
            .zip(sizes)
            .filter(|(v, _)| **v)
            .map(|(_, s)| s)
            .sum(),
        values_blanked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn options(k: usize, qis: &[&str]) -> AnonymizeOptions {
        AnonymizeOptions {
            k,
            quasi_identifiers: Some(qis.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        }
    }

    fn run(input: &str, opts: &AnonymizeOptions) -> Result<Anonymized, AnonymizeError> {
        anonymize(input.as_bytes(), opts)
    }

    fn rows(a: &Anonymized) -> Vec<Vec<String>> {
        a.rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    /// Class sizes over the named columns, counted from the output rows.
    fn class_sizes(a: &Anonymized, qis: &[&str]) -> HashMap<Vec<String>, usize> {
        let idx: Vec<usize> = qis
            .iter()
            .map(|q| a.headers.iter().position(|h| h == q).unwrap())
            .collect();
        let mut m = HashMap::new();
        for r in a.rows() {
            *m.entry(idx.iter().map(|i| r[*i].to_string()).collect())
                .or_insert(0) += 1;
        }
        m
    }

    fn csv_of(headers: &[&str], rows: &[Vec<String>]) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(headers).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn age_bands_generalise_to_majority_status() {
        let h = Hierarchy::AgeBand;
        for (band, status) in [
            ("0--8", "Minor"),
            ("9--17", "Minor"),
            ("18--20", "Adult"),
            ("30--38", "Adult"),
            ("48+", "Adult"),
            ("12", "Minor"),
            ("Minor", "Minor"),
            ("adult", "Adult"),
            ("15--20", "Other"),
            ("9+", "Other"),
            ("unknown", "Other"),
            ("17--9", "Other"),
        ] {
            assert_eq!(h.label(band, 0), band);
            assert_eq!(h.label(band, 1), status, "{band}");
            assert_eq!(h.label(band, 2), "*");
        }
        assert_eq!(h.label("", 1), "");
        assert_eq!(h.label("", 2), "*");
        assert_eq!(h.levels().len(), 3);
    }

    #[test]
    fn countries_generalise_to_m49_sub_region_and_region() {
        let h = Hierarchy::Country;
        for (code, sub, region) in [
            ("UA", "Eastern Europe", "Europe"),
            ("ukr", "Eastern Europe", "Europe"),
            ("GY", "South America", "Americas"),
            ("GUY", "South America", "Americas"),
            ("NA", "Southern Africa", "Africa"),
            ("IN", "Southern Asia", "Asia"),
            ("UK", "Northern Europe", "Europe"),
            ("FJ", "Melanesia", "Oceania"),
            ("C05", "Other", "Other"),
            ("Guyana", "Other", "Other"),
        ] {
            assert_eq!(h.label(code, 0), code);
            assert_eq!(h.label(code, 1), sub, "{code}");
            assert_eq!(h.label(code, 2), region, "{code}");
            assert_eq!(h.label(code, 3), "*");
        }
        assert_eq!(h.label("", 2), "");
    }

    #[test]
    fn m49_table_is_whole_and_consistent() {
        let mut lines = M49_CSV.lines().filter(|l| !l.starts_with('#'));
        assert_eq!(lines.next(), Some("iso2,iso3,subregion,region"));
        let mut region_of: HashMap<&str, &str> = HashMap::new();
        let mut count = 0;
        for line in lines {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 4, "{line}");
            assert!(f[0].len() == 2 && f[1].len() == 3, "{line}");
            // Each sub-region lies in one region: coarser levels must merge whole groups.
            assert_eq!(*region_of.entry(f[2]).or_insert(f[3]), f[3], "{line}");
            count += 1;
        }
        assert!(count >= 249, "{count}");
        let mut regions: Vec<&str> = region_of.values().copied().collect();
        regions.sort_unstable();
        regions.dedup();
        assert_eq!(regions, ["Africa", "Americas", "Asia", "Europe", "Oceania"]);
        assert!(m49_table().len() >= 2 * 249);
    }

    #[test]
    fn years_generalise_to_periods() {
        let h = Hierarchy::Year;
        assert_eq!(h.label("2017", 0), "2017");
        assert_eq!(h.label("2017", 1), "2015-2019");
        assert_eq!(h.label("2020", 1), "2020-2024");
        assert_eq!(h.label("2017", 2), "2010-2019");
        assert_eq!(h.label("2020", 2), "2020-2029");
        assert_eq!(h.label("17", 1), "Other");
        assert_eq!(h.label("2017-18", 2), "Other");
        assert_eq!(h.label("2017", 3), "*");
        let f = Hierarchy::Flat;
        assert_eq!(f.label("Female", 0), "Female");
        assert_eq!(f.label("Female", 1), "*");
        assert_eq!(f.label("", 1), "*");
    }

    #[test]
    fn columns_get_their_hierarchy_by_name() {
        let extra = vec!["countryOfBirth".to_string()];
        assert_eq!(Hierarchy::for_column("AGEBROAD", &[]), Hierarchy::AgeBand);
        assert_eq!(
            Hierarchy::for_column("citizenship", &[]),
            Hierarchy::Country
        );
        assert_eq!(
            Hierarchy::for_column("countryofexploitation", &[]),
            Hierarchy::Country
        );
        assert_eq!(
            Hierarchy::for_column("CountryOfBirth", &extra),
            Hierarchy::Country
        );
        assert_eq!(
            Hierarchy::for_column("CountryOfBirth", &[]),
            Hierarchy::Flat
        );
        assert_eq!(
            Hierarchy::for_column("yearOfRegistration", &[]),
            Hierarchy::Year
        );
        assert_eq!(Hierarchy::for_column("gender", &[]), Hierarchy::Flat);
    }

    /// Each level is a function of the one below it, for every value the ladders know and some
    /// they do not: the search's pruning depends on it.
    #[test]
    fn every_level_merges_whole_groups_of_the_level_below() {
        let mut values: Vec<String> = m49_table().keys().map(|k| k.to_string()).collect();
        values.extend(
            [
                "", "0--8", "9--17", "18--20", "48+", "15--20", "Minor", "x", "C01", "2003",
                "2019", "2020", "1999", "abcd", "*", "Other",
            ]
            .map(String::from),
        );
        values.extend((1990..2030).map(|y| y.to_string()));
        for h in [
            Hierarchy::AgeBand,
            Hierarchy::Country,
            Hierarchy::Year,
            Hierarchy::Flat,
        ] {
            for level in 0..h.levels().len() - 1 {
                let mut up: HashMap<String, String> = HashMap::new();
                for v in &values {
                    let here = h.label(v, level).into_owned();
                    let above = h.label(v, level + 1).into_owned();
                    assert_eq!(
                        up.entry(here.clone()).or_insert(above.clone()),
                        &above,
                        "{h:?} level {level}: {here} goes two ways"
                    );
                }
            }
        }
    }

    #[test]
    fn number_classes_groups_alike_with_or_without_renumbering() {
        let a: Vec<u32> = vec![1, 1, 2, 1, u32::MAX, 1];
        let b: Vec<u32> = vec![0, 0, 0, 0, 5, 0];
        let c: Vec<u32> = vec![7, 8, 7, 7, 7, 7];
        let big = 1u64 << 32;
        let mut map = FxHashMap::default();
        let mut class = Vec::new();
        // Three columns of 2^32 codes overflow a u64 key: renumbered on the way.
        let n = number_classes(
            &[(&a, big), (&b, big), (&c, big)],
            6,
            0,
            &mut class,
            &mut map,
        );
        assert_eq!(n, 4);
        assert_eq!(class, [0, 1, 2, 0, 3, 0]);
        let bound = number_classes(
            &[(&a[..3], 3), (&c[..3], 9)],
            3,
            1 << 20,
            &mut class,
            &mut map,
        );
        assert_eq!(bound, 27, "small keys stay mixed-radix");
        // a × 9 + c
        assert_eq!(class, [16, 17, 25]);
    }

    const EXAMPLE: &str = "ageBroad,citizenship,note\n\
        0--8,GY,a\n9--17,GY,b\n18--20,GY,c\n48+,GY,d\n\
        0--8,VE,e\n9--17,VE,f\n21--23,VE,g\n30--38,VE,h\n";

    /// Worked by hand: ages to majority status keep every country (loss 12 of 28 bits); any
    /// other qualifying choice loses more.
    #[test]
    fn worked_example_generalises_the_age() {
        let mut opts = options(2, &["ageBroad", "citizenship"]);
        opts.max_suppression_rate = 0.0;
        let a = run(EXAMPLE, &opts).unwrap();
        let ages: Vec<String> = rows(&a).iter().map(|r| r[0].clone()).collect();
        assert_eq!(
            ages,
            [
                "Minor", "Minor", "Adult", "Adult", "Minor", "Minor", "Adult", "Adult"
            ]
        );
        let other: Vec<String> = rows(&a).iter().map(|r| r[1].clone() + &r[2]).collect();
        assert_eq!(
            other,
            ["GYa", "GYb", "GYc", "GYd", "VEe", "VEf", "VEg", "VEh"]
        );
        let r = &a.report;
        let qis: Vec<String> = r.quasi_identifiers.iter().map(|q| q.to_string()).collect();
        assert_eq!(qis, ["ageBroad: majority status", "citizenship: country"]);
        assert_eq!(
            (r.records_in, r.records_out, r.records_suppressed),
            (8, 8, 0)
        );
        assert_eq!((r.classes, r.smallest_class), (4, 2));
        assert!((r.information_loss.value - 12.0 / 28.0).abs() < 1e-12);
        assert_eq!(r.lattice_nodes, 12);
        let mut out = Vec::new();
        a.write_csv(&mut out).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .starts_with("ageBroad,citizenship,note\nMinor,GY,a\n")
        );
        let json = serde_json::to_value(r).unwrap();
        assert_eq!(json["quasi_identifiers"][0]["level"], "majority status");
        assert_eq!(json["l_diversity"]["l"], 2);
    }

    /// Two outliers (an adult from Ukraine, a child from Nigeria) are cheaper to suppress than
    /// to generalise every country; being two, they form a class of k = 2 together.
    #[test]
    fn worked_example_suppresses_outliers() {
        let input = format!("{EXAMPLE}48+,UA,i\n0--8,NG,j\n");
        let mut opts = options(2, &["ageBroad", "citizenship"]);
        opts.max_suppression_rate = 0.2;
        let a = run(&input, &opts).unwrap();
        let out = rows(&a);
        assert_eq!(out[8], ["*", "*", "i"]);
        assert_eq!(out[9], ["*", "*", "j"]);
        assert_eq!(out[3], ["Adult", "GY", "d"]);
        assert_eq!(a.report.records_suppressed, 2);
        assert!((a.report.information_loss.value - 0.5543717047874529).abs() < 1e-12);
        // Without room for two suppressed records, every country goes up instead.
        opts.max_suppression_rate = 0.1;
        let b = run(&input, &opts).unwrap();
        assert_eq!(b.report.records_suppressed, 0);
        assert_ne!(b.report.quasi_identifiers[1].level, "country");
    }

    #[test]
    fn fewer_than_k_suppressed_take_the_smallest_class_with_them() {
        let mut s = String::from("gender\n");
        s.push_str(&"F\n".repeat(10));
        s.push_str(&"M\n".repeat(3));
        s.push_str("X\n");
        let mut opts = options(3, &["gender"]);
        opts.max_suppression_rate = 0.5;
        let a = run(&s, &opts).unwrap();
        let sizes = class_sizes(&a, &["gender"]);
        assert_eq!(sizes[&vec!["F".to_string()]], 10);
        assert_eq!(
            sizes[&vec!["*".to_string()]],
            4,
            "X alone would be a class of 1"
        );
        assert_eq!(a.report.records_suppressed, 4);
        // Too little room for that: the whole column goes.
        opts.max_suppression_rate = 0.2;
        let b = run(&s, &opts).unwrap();
        assert_eq!(b.report.records_suppressed, 0);
        assert_eq!(b.report.quasi_identifiers[0].level, "suppressed");
        assert!(b.rows().all(|r| r[0] == "*"));
    }

    #[test]
    fn l_diversity_is_reported_and_enforced() {
        let input = "gender,isSexualExploit,isForcedLabour,note\n\
            F,1,,a\nF,1,0,b\nF, 1,,c\n\
            M,1,0,d\nM,0,1,e\nM,,,f\n";
        let mut opts = options(3, &["gender"]);
        let a = run(input, &opts).unwrap();
        let r = &a.report.l_diversity;
        assert_eq!(r.columns, ["isForcedLabour", "isSexualExploit"]);
        // F: every known isSexualExploit is 1 (" 1" too) and the one known isForcedLabour is 0.
        assert_eq!((r.violating_classes, r.violating_records), (1, 3));
        assert_eq!(r.values_blanked, 4);
        let out = rows(&a);
        assert_eq!(out[0], ["F", "", "", "a"]);
        assert_eq!(out[1], ["F", "", "", "b"]);
        assert_eq!(out[3], ["M", "1", "0", "d"]);
        opts.enforce_l_diversity = false;
        let b = run(input, &opts).unwrap();
        assert_eq!(b.report.l_diversity.violating_classes, 1);
        assert_eq!(b.report.l_diversity.values_blanked, 0);
        assert_eq!(rows(&b)[2], ["F", " 1", "", "c"]);
        opts.sensitive = Some(vec!["note".into()]);
        opts.l = 3;
        let c = run(input, &opts).unwrap();
        assert_eq!(c.report.l_diversity.violating_classes, 0);
    }

    #[test]
    fn options_are_checked() {
        let input = "gender,ageBroad,isSexualExploit\nF,0--8,1\nF,0--8,1\n";
        let err = |o: AnonymizeOptions| run(input, &o).unwrap_err();
        assert!(matches!(err(options(1, &["gender"])), AnonymizeError::K));
        let mut o = options(2, &["gender"]);
        o.l = 0;
        assert!(matches!(err(o), AnonymizeError::L));
        for rate in [-0.1, 1.5, f64::NAN] {
            let mut o = options(2, &["gender"]);
            o.max_suppression_rate = rate;
            assert!(matches!(err(o), AnonymizeError::SuppressionRate(_)));
        }
        let e = err(options(2, &["gender", "Datasource"]));
        assert!(
            matches!(e, AnonymizeError::Data(DataError::UnknownColumn(ref c)) if c == "Datasource")
        );
        assert!(e.to_string().contains("\"Datasource\""), "{e}");
        assert!(matches!(
            err(options(2, &[])),
            AnonymizeError::NoQuasiIdentifiers
        ));
        let mut o = options(2, &["gender"]);
        o.sensitive = Some(vec!["gender".into()]);
        assert!(matches!(
            err(o),
            AnonymizeError::SensitiveQuasiIdentifier(_)
        ));
        let mut o = options(2, &["gender"]);
        o.sensitive = Some(vec!["isTrafficked".into()]);
        assert!(matches!(
            err(o),
            AnonymizeError::Data(DataError::UnknownColumn(_))
        ));
        let many: Vec<String> = (0..17).map(|i| format!("c{i}")).collect();
        let wide = format!("{}\n{}\n", many.join(","), vec!["x"; 17].join(","));
        let o = AnonymizeOptions {
            quasi_identifiers: Some(many),
            ..Default::default()
        };
        assert!(matches!(
            run(&wide, &o).unwrap_err(),
            AnonymizeError::TooManyQuasiIdentifiers { nodes: 131_072 }
        ));
        // Default QIs the file lacks are skipped; with none at all, it is an error.
        let d = run(
            input,
            &AnonymizeOptions {
                k: 2,
                ..Default::default()
            },
        )
        .unwrap();
        let qis: Vec<&str> = d
            .report
            .quasi_identifiers
            .iter()
            .map(|q| q.column.as_str())
            .collect();
        assert_eq!(qis, ["gender", "ageBroad"]);
        assert!(matches!(
            run(
                "a,b\n1,2\n1,2\n",
                &AnonymizeOptions {
                    k: 2,
                    ..Default::default()
                }
            )
            .unwrap_err(),
            AnonymizeError::NoQuasiIdentifiers
        ));
    }

    #[test]
    fn awkward_inputs() {
        let opts = options(2, &["gender"]);
        assert!(matches!(
            run("", &opts).unwrap_err(),
            AnonymizeError::Data(DataError::Empty)
        ));
        // Header only: nothing to protect, an empty release.
        let a = run("gender,note\n", &opts).unwrap();
        assert_eq!((a.report.records_in, a.report.classes), (0, 0));
        let mut out = Vec::new();
        a.write_csv(&mut out).unwrap();
        assert_eq!(out, b"gender,note\n");
        let one = run("gender,note\nF,x\n", &opts).unwrap_err();
        assert!(matches!(
            one,
            AnonymizeError::TooFewRecords { records: 1, k: 2 }
        ));
        let ragged = run("gender,note\nF,x\nF,x,y\n", &opts).unwrap_err();
        assert_eq!(ragged.to_string(), "line 3: 3 fields, but the header has 2");
        let bad = anonymize(&b"gender,note\nF,x\nF,\xff\xfe\n"[..], &opts).unwrap_err();
        assert!(matches!(
            bad,
            AnonymizeError::Data(DataError::Line { line: 3, .. })
        ));
        assert!(
            bad.to_string().starts_with("line 3: not valid UTF-8"),
            "{bad}"
        );
    }

    #[test]
    fn a_column_with_one_value_is_kept() {
        let ages = ["0--8", "9--17", "18--20", "48+", "30--38"];
        let mut s = String::from("gender,ageBroad\n");
        for i in 0..30 {
            s.push_str(&format!("Female,{}\n", ages[i % 5]));
        }
        let a = run(&s, &options(5, &["gender", "ageBroad"])).unwrap();
        assert_eq!(a.report.quasi_identifiers[0].level, "value");
        assert!(a.rows().all(|r| r[0] == "Female"));
        assert!(
            class_sizes(&a, &["gender", "ageBroad"])
                .values()
                .all(|n| *n >= 5)
        );
    }

    #[test]
    fn ten_thousand_distinct_values_still_come_out_k_anonymous() {
        let mut s = String::from("caseRef,gender,yearOfRegistration,note\n");
        for i in 0..10_000 {
            let g = ["F", "M"][i % 2];
            s.push_str(&format!("ref{i},{g},{},n{i}\n", 2000 + i % 23));
        }
        let opts = options(5, &["caseRef", "gender", "yearOfRegistration"]);
        let a = run(&s, &opts).unwrap();
        let sizes = class_sizes(&a, &["caseRef", "gender", "yearOfRegistration"]);
        assert!(sizes.values().all(|n| *n >= 5));
        assert!(
            a.rows().all(|r| r[0] == "*"),
            "unique references cannot stay"
        );
        assert!(a.rows().enumerate().all(|(i, r)| r[3] == format!("n{i}")));
        assert_eq!(a.report.quasi_identifiers[2].level, "year");
        assert_eq!(a.report.records_suppressed, 0);
    }

    #[test]
    fn quoted_separators_survive() {
        let input = "Datasource\tnote\tgender\n\
            \"NGO\tGeorgetown\"\t\"a\tb\"\tF\n\
            \"NGO\tGeorgetown\"\t\"say \"\"hi\"\"\"\tF\n\
            Police\t\"x,y\nz\"\tM\n\
            Police\tplain\tM\n";
        let opts = AnonymizeOptions {
            delimiter: b'\t',
            k: 2,
            ..Default::default()
        };
        let a = run(input, &opts).unwrap();
        let out = rows(&a);
        assert_eq!(out[0], ["NGO\tGeorgetown", "a\tb", "F"]);
        assert_eq!(out[1][1], "say \"hi\"");
        assert_eq!(out[2][1], "x,y\nz");
        let mut written = Vec::new();
        a.write_csv(&mut written).unwrap();
        let back = run(std::str::from_utf8(&written).unwrap(), &opts).unwrap();
        assert_eq!(rows(&back), out);
    }

    /// The least-loss qualifying level vector, by brute force over strings.
    fn reference_loss(
        headers: &[&str],
        rows: &[Vec<String>],
        qis: &[&str],
        k: usize,
        limit: usize,
    ) -> f64 {
        let cols: Vec<(usize, Hierarchy)> = qis
            .iter()
            .map(|q| {
                let c = headers.iter().position(|h| h == q).unwrap();
                (c, Hierarchy::for_column(q, &[]))
            })
            .collect();
        let label = |r: &Vec<String>, (c, h): (usize, Hierarchy), l: usize| {
            h.label(r[c].trim(), l).into_owned()
        };
        // Records per (QI, level, label), and per QI value.
        let mut count: HashMap<(usize, usize, String), usize> = HashMap::new();
        for r in rows {
            for (q, col) in cols.iter().enumerate() {
                for l in 0..col.1.levels().len() {
                    *count.entry((q, l, label(r, *col, l))).or_insert(0) += 1;
                }
            }
        }
        let cost = |r: &Vec<String>, q: usize, l: usize| -> f64 {
            let c = |l: usize| count[&(q, l, label(r, cols[q], l))] as f64;
            (c(l) / c(0)).log2()
        };
        let top = |q: usize| cols[q].1.levels().len() - 1;
        let max: f64 = rows
            .iter()
            .map(|r| (0..cols.len()).map(|q| cost(r, q, top(q))).sum::<f64>())
            .sum();
        let dims: Vec<usize> = cols.iter().map(|c| c.1.levels().len()).collect();
        let mut best = f64::INFINITY;
        for node in 0..dims.iter().product::<usize>() {
            let mut rest = node;
            let levels: Vec<usize> = dims
                .iter()
                .map(|d| {
                    let l = rest % d;
                    rest /= d;
                    l
                })
                .collect();
            let keys: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    (0..cols.len())
                        .map(|q| label(r, cols[q], levels[q]))
                        .collect()
                })
                .collect();
            let mut classes: HashMap<&Vec<String>, (usize, usize)> = HashMap::new();
            for (i, key) in keys.iter().enumerate() {
                classes.entry(key).or_insert((0, i)).0 += 1;
            }
            let mut suppressed: Vec<bool> = keys.iter().map(|key| classes[key].0 < k).collect();
            let small = suppressed.iter().filter(|s| **s).count();
            if small > 0 && small < k {
                let extra = classes
                    .iter()
                    .filter(|(_, (size, _))| *size >= k)
                    .min_by_key(|(_, (size, first))| (*size, *first))
                    .map(|(key, _)| (*key).clone());
                for (s, key) in suppressed.iter_mut().zip(&keys) {
                    *s |= Some(key) == extra.as_ref();
                }
            }
            if suppressed.iter().filter(|s| **s).count() > limit {
                continue;
            }
            let loss: f64 = rows
                .iter()
                .zip(&suppressed)
                .map(|(r, s)| {
                    (0..cols.len())
                        .map(|q| cost(r, q, if *s { top(q) } else { levels[q] }))
                        .sum::<f64>()
                })
                .sum();
            best = best.min(loss);
        }
        if max > 0.0 { best / max } else { 0.0 }
    }

    const HEADERS: [&str; 7] = [
        "gender",
        "ageBroad",
        "citizenship",
        "yearOfRegistration",
        "note",
        "isSexualExploit",
        "isForcedLabour",
    ];
    const QIS: [&str; 4] = ["gender", "ageBroad", "citizenship", "yearOfRegistration"];

    fn row_strategy() -> impl Strategy<Value = Vec<String>> {
        let pick =
            |v: &'static [&'static str]| proptest::sample::select(v).prop_map(|s| s.to_string());
        (
            pick(&["F", "M", "", "Female"]),
            pick(&["0--8", "9--17", "18--20", "30--38", "48+", "", "unknown"]),
            pick(&["GY", "VE", "BR", "UA", "NG", "gy", "XX", "", " GY"]),
            pick(&["2015", "2016", "2019", "2020", "", "n/a"]),
            pick(&["a,b", "say \"hi\"", "", "x\ny", "plain", "t\tab"]),
            pick(&["0", "1", "", " 1"]),
            pick(&["0", "1", ""]),
        )
            .prop_map(|(a, b, c, d, e, f, g)| vec![a, b, c, d, e, f, g])
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        #[test]
        fn releases_are_k_anonymous_truthful_and_least_lossy(
            input in proptest::collection::vec(row_strategy(), 0..60),
            k in 2usize..6,
            rate in proptest::sample::select(vec![0.0, 0.05, 0.2, 0.5]),
            enforce in any::<bool>(),
        ) {
            let text = csv_of(&HEADERS, &input);
            let opts = AnonymizeOptions {
                k,
                max_suppression_rate: rate,
                enforce_l_diversity: enforce,
                ..Default::default()
            };
            let a = match run(&text, &opts) {
                Err(AnonymizeError::TooFewRecords { records, .. }) => {
                    prop_assert!(records == input.len() && records < k);
                    return Ok(());
                }
                other => other.unwrap(),
            };
            let out = rows(&a);
            let r = &a.report;
            prop_assert_eq!(out.len(), input.len());
            prop_assert_eq!((r.records_in, r.records_out), (input.len(), input.len()));
            let sizes = class_sizes(&a, &QIS);
            prop_assert!(sizes.values().all(|s| *s >= k), "{:?}", sizes);
            prop_assert_eq!(sizes.len(), r.classes);
            prop_assert_eq!(sizes.values().copied().min().unwrap_or(0), r.smallest_class);
            let limit = (rate * input.len() as f64 + 1e-9).floor() as usize;
            prop_assert!(r.records_suppressed <= limit);
            let all_star = out.iter().filter(|o| o[..4].iter().all(|c| c == "*")).count();
            if r.quasi_identifiers.iter().all(|q| q.level == "suppressed") {
                prop_assert_eq!(all_star, input.len());
            } else {
                prop_assert_eq!(all_star, r.records_suppressed);
            }
            let mut blanked = 0;
            for (i, o) in input.iter().zip(&out) {
                // QIs: the input generalised at the reported level, or suppressed.
                for (q, qi) in r.quasi_identifiers.iter().enumerate() {
                    let h = Hierarchy::for_column(&qi.column, &[]);
                    let expected = h.label(i[q].trim(), qi.step);
                    prop_assert!(o[q] == expected || o[q] == "*", "{} -> {}", i[q], o[q]);
                }
                prop_assert_eq!(&o[4], &i[4]);
                for c in 5..7 {
                    if o[c] != i[c] {
                        prop_assert!(o[c].is_empty() && enforce);
                        blanked += 1;
                    }
                }
            }
            prop_assert_eq!(blanked, r.l_diversity.values_blanked);
            if enforce {
                for c in 5..7 {
                    let mut known: HashMap<Vec<&str>, Vec<String>> = HashMap::new();
                    for o in &out {
                        let v = o[c].trim().to_lowercase();
                        let e = known.entry(o[..4].iter().map(|s| s.as_str()).collect()).or_default();
                        if !v.is_empty() && !e.contains(&v) {
                            e.push(v);
                        }
                    }
                    prop_assert!(known.values().all(|v| v.is_empty() || v.len() >= 2));
                }
            }
            let best = reference_loss(&HEADERS, &input, &QIS, k, limit);
            prop_assert!(
                (r.information_loss.value - best).abs() < 1e-9,
                "loss {} but {} is possible", r.information_loss.value, best
            );
            // What is written reads back as the same table.
            let mut written = Vec::new();
            a.write_csv(&mut written).unwrap();
            let mut rdr = csv::Reader::from_reader(&written[..]);
            let back: Vec<Vec<String>> = rdr
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect())
                .collect();
            prop_assert_eq!(back, out);
        }
    }

    /// CTDC-shaped records with real country codes and a data source column.
    fn realistic_csv(rows: usize, seed: u64) -> String {
        const CODES: [&str; 60] = [
            "UA", "GY", "VE", "PH", "ID", "MD", "RO", "BG", "NG", "GH", "KH", "TH", "VN", "MM",
            "LA", "NP", "BD", "IN", "PK", "AF", "US", "MX", "GT", "HN", "SV", "CO", "BR", "HT",
            "DO", "BY", "RU", "UZ", "KG", "KZ", "TJ", "CN", "KR", "JP", "MY", "SG", "LK", "ET",
            "ER", "SO", "KE", "UG", "TZ", "ZA", "ZW", "CD", "CM", "SN", "ML", "NE", "MA", "EG",
            "LY", "TR", "GB", "FJ",
        ];
        let text = crate::ctdc_like_csv(rows, seed);
        let mut out = String::with_capacity(text.len() + rows * 8);
        for (i, line) in text.lines().enumerate() {
            let mut cells: Vec<&str> = line.split(',').collect();
            for c in [3, 4] {
                if let Some(n) = cells[c]
                    .strip_prefix('C')
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    cells[c] = CODES[n];
                }
            }
            out.push_str(&cells.join(","));
            out.push(',');
            out.push_str(match i {
                0 => "Datasource",
                i if i % 7 == 0 => "Hotline",
                i if i % 3 == 0 => "NGO",
                _ => "Case Management",
            });
            out.push('\n');
        }
        out
    }

    #[test]
    fn realistic_records_default_options() {
        let text = realistic_csv(5_000, 7);
        let a = run(&text, &AnonymizeOptions::default()).unwrap();
        let qis: Vec<&str> = a
            .report
            .quasi_identifiers
            .iter()
            .map(|q| q.column.as_str())
            .collect();
        assert_eq!(qis, DEFAULT_QUASI_IDENTIFIERS);
        assert!(
            class_sizes(&a, &DEFAULT_QUASI_IDENTIFIERS)
                .values()
                .all(|n| *n >= 11)
        );
        assert!(a.report.records_suppressed <= 250);
        assert!(a.report.information_loss.value < 1.0);
        assert!(a.report.nodes_evaluated <= a.report.lattice_nodes);
        assert_eq!(a.report.l_diversity.columns, DEFAULT_SENSITIVE);
    }

    /// `cargo test --release -p haven-release -- --ignored --nocapture timing`
    #[test]
    #[ignore]
    fn timing() {
        for rows in [50_000, 1_000_000] {
            let text = realistic_csv(rows, 1);
            let t = std::time::Instant::now();
            let a = run(&text, &AnonymizeOptions::default()).unwrap();
            let mut out = Vec::new();
            a.write_csv(&mut out).unwrap();
            let r = &a.report;
            println!(
                "{rows} rows: {:?} ({} of {} nodes evaluated, {} classes, {} suppressed, loss {:.3}, {:?})",
                t.elapsed(),
                r.nodes_evaluated,
                r.lattice_nodes,
                r.classes,
                r.records_suppressed,
                r.information_loss.value,
                r.quasi_identifiers
                    .iter()
                    .map(|q| q.to_string())
                    .collect::<Vec<_>>()
            );
        }
    }
}
