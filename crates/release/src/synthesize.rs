//! Synthetic microdata seeded by the real records: each record keeps only as many of its values
//! as let every combination of up to `reporting_length` of them be held by at least k records of
//! the source. So no combination rarer than k in the source appears in the output (no rare leak),
//! and every combination in the output is part of a real record (nothing invented).
//!
//! Values are dropped greedily: the value taking part in the most too-rare combinations goes
//! first (ties: the rarer value), which keeps as much of each record as the rule allows.
use rustc_hash::{FxHashMap, FxHashSet};

use crate::aggregate::{Aggregates, protected};
use crate::data::Dataset;

/// The synthetic records (item ids, like the source's) and how faithful they are.
#[derive(Clone, Debug)]
pub struct Synthetic {
    pub records: Vec<Vec<u32>>,
    pub utility: Utility,
}

/// How well the synthetic data keep the source's reportable counts.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Utility {
    /// Share of the combinations reported for the source (count ≥ k) that the synthetic data also
    /// hold at least k times.
    pub preserved_share: f64,
    /// Mean absolute and relative error of the counts of those combinations, per length (1, 2, 3…).
    pub mean_absolute_error: Vec<f64>,
    pub mean_relative_error: Vec<f64>,
    /// Values dropped to protect rare combinations, out of all values.
    pub values_suppressed: u64,
    pub values_total: u64,
}

/// Every non-empty combination of `items` of at most `len` elements (items sorted).
fn subsets(items: &[u32], len: usize, out: &mut impl FnMut(&[u32])) {
    fn walk(
        items: &[u32],
        start: usize,
        len: usize,
        cur: &mut Vec<u32>,
        out: &mut impl FnMut(&[u32]),
    ) {
        for i in start..items.len() {
            cur.push(items[i]);
            out(cur);
            if cur.len() < len {
                walk(items, i + 1, len, cur, out);
            }
            cur.pop();
        }
    }
    walk(items, 0, len, &mut Vec::with_capacity(len), out);
}

pub fn synthesize(data: &Dataset, aggregates: &Aggregates) -> Synthetic {
    let len = aggregates.options.reporting_length;
    let k = aggregates.options.resolution;
    let frequent: FxHashSet<Vec<u32>> = aggregates
        .combinations
        .iter()
        .map(|(c, _)| c.clone())
        .collect();
    let single: FxHashMap<u32, u64> = aggregates
        .combinations
        .iter()
        .filter(|(c, _)| c.len() == 1)
        .map(|(c, n)| (c[0], *n))
        .collect();
    let mut suppressed = 0u64;
    let mut total = 0u64;
    let mut records = Vec::with_capacity(data.records.len());
    for r in &data.records {
        total += r.len() as u64;
        // Values that are rare on their own cannot stay.
        let mut items: Vec<u32> = r
            .iter()
            .copied()
            .filter(|i| single.contains_key(i))
            .collect();
        loop {
            // How many too-rare combinations each value takes part in.
            let mut bad: FxHashMap<u32, u32> = FxHashMap::default();
            subsets(&items, len, &mut |s| {
                if s.len() > 1 && !frequent.contains(s) {
                    for i in s {
                        *bad.entry(*i).or_insert(0) += 1;
                    }
                }
            });
            let Some((&worst, _)) = bad.iter().max_by(|a, b| {
                a.1.cmp(b.1).then_with(|| {
                    // Ties: drop the value that is rarer in the source (its id as a stable tiebreak).
                    let count = |i: &u32| single.get(i).copied().unwrap_or(0);
                    count(b.0).cmp(&count(a.0)).then(b.0.cmp(a.0))
                })
            }) else {
                break;
            };
            items.retain(|i| *i != worst);
        }
        suppressed += (r.len() - items.len()) as u64;
        records.push(items);
    }
    // Sorted, so that a synthetic record's position does not point at its seed record.
    records.sort_unstable();
    let utility = measure(&records, aggregates, len, k, suppressed, total);
    Synthetic { records, utility }
}

fn measure(
    records: &[Vec<u32>],
    aggregates: &Aggregates,
    len: usize,
    k: u64,
    suppressed: u64,
    total: u64,
) -> Utility {
    // Counts in the synthetic data, of the source's reported combinations only.
    let wanted: FxHashSet<Vec<u32>> = aggregates
        .combinations
        .iter()
        .map(|(c, _)| c.clone())
        .collect();
    let mut counts: FxHashMap<Vec<u32>, u64> = FxHashMap::default();
    for r in records {
        subsets(r, len, &mut |s| {
            if wanted.contains(s) {
                *counts.entry(s.to_vec()).or_insert(0) += 1;
            }
        });
    }
    let mut preserved = 0u64;
    let mut abs = vec![0f64; len];
    let mut rel = vec![0f64; len];
    let mut n = vec![0u64; len];
    for (c, source) in &aggregates.combinations {
        let synth = counts.get(c).copied().unwrap_or(0);
        if synth >= k {
            preserved += 1;
        }
        let l = c.len() - 1;
        let err = (*source as f64 - synth as f64).abs();
        abs[l] += err;
        rel[l] += err / *source as f64;
        n[l] += 1;
    }
    let mean = |v: Vec<f64>| -> Vec<f64> {
        v.into_iter()
            .zip(&n)
            .map(|(s, c)| if *c == 0 { 0.0 } else { s / *c as f64 })
            .collect()
    };
    Utility {
        preserved_share: if aggregates.combinations.is_empty() {
            1.0
        } else {
            preserved as f64 / aggregates.combinations.len() as f64
        },
        mean_absolute_error: mean(abs),
        mean_relative_error: mean(rel),
        values_suppressed: suppressed,
        values_total: total,
    }
}

impl Synthetic {
    /// The synthetic records as CSV with the source's header; blank where a value was dropped.
    /// Multi-value columns are joined with `separator`.
    pub fn write_csv(
        &self,
        data: &Dataset,
        separator: &str,
        out: impl std::io::Write,
    ) -> csv::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&data.headers)?;
        for r in &self.records {
            let mut cells: Vec<Vec<&str>> = vec![Vec::new(); data.headers.len()];
            for i in r {
                let (col, value) = &data.items[*i as usize];
                cells[*col].push(value.as_str());
            }
            w.write_record(cells.iter().map(|c| c.join(separator)))?;
        }
        w.flush()?;
        Ok(())
    }

    /// The record count as released with the aggregates (rounded down to a multiple of k).
    pub fn protected_count(&self, k: u64) -> u64 {
        protected(self.records.len() as u64, k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::{AggregateOptions, aggregate};
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn dataset(rows: &[Vec<u8>], cols: usize) -> Dataset {
        crate::test_dataset(rows, cols)
    }

    fn all_counts(records: &[Vec<u32>], len: usize) -> HashMap<Vec<u32>, u64> {
        let mut m = HashMap::new();
        for r in records {
            subsets(r, len, &mut |s| *m.entry(s.to_vec()).or_insert(0) += 1);
        }
        m
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// No rare leak, nothing invented, one synthetic record per source record.
        #[test]
        fn no_rare_leak_and_nothing_invented(
            rows in proptest::collection::vec(proptest::collection::vec(0u8..4, 5), 0..150),
            k in 2u64..8,
            len in 1usize..=3,
        ) {
            let d = dataset(&rows, 5);
            let a = aggregate(&d, AggregateOptions { resolution: k, reporting_length: len }).unwrap();
            let s = synthesize(&d, &a);
            prop_assert_eq!(s.records.len(), d.records.len());
            let source = all_counts(&d.records, len);
            for (combo, _) in all_counts(&s.records, len) {
                let n = source.get(&combo).copied().unwrap_or(0);
                prop_assert!(n > 0, "invented {:?}", combo);
                prop_assert!(n >= k, "rare leak {:?} (source count {})", combo, n);
            }
            for syn in &s.records {
                prop_assert!(
                    d.records.iter().any(|src| syn.iter().all(|i| src.contains(i))),
                    "a subset of some source record"
                );
            }
            prop_assert!(s.utility.preserved_share >= 0.0 && s.utility.preserved_share <= 1.0);
        }
    }

    #[test]
    fn awkward_inputs() {
        let opts = AggregateOptions {
            resolution: 5,
            reporting_length: 3,
        };
        // No records, one record, a column with one value, all blanks.
        for (rows, cols) in [
            (vec![], 2),
            (vec![vec![1, 2]], 2),
            (vec![vec![1]; 12], 1),
            (vec![vec![0, 0]; 7], 2),
        ] {
            let d = dataset(&rows, cols);
            let a = aggregate(&d, opts).unwrap();
            let s = synthesize(&d, &a);
            assert_eq!(s.records.len(), d.records.len());
            let mut out = Vec::new();
            s.write_csv(&d, ";", &mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap().lines().count(),
                rows.len() + 1
            );
        }
        let one = dataset(&[vec![1, 2]], 2);
        let s = synthesize(&one, &aggregate(&one, opts).unwrap());
        assert!(s.records[0].is_empty(), "a lone record keeps nothing");
        let same = dataset(&vec![vec![1]; 12], 1);
        let s = synthesize(&same, &aggregate(&same, opts).unwrap());
        assert!(
            s.records.iter().all(|r| r.len() == 1),
            "a common value stays"
        );
    }

    #[test]
    fn common_records_survive_whole_and_rare_values_go() {
        let mut rows = vec![vec![1, 1, 1]; 30];
        rows.push(vec![1, 1, 2]);
        let d = dataset(&rows, 3);
        let a = aggregate(
            &d,
            AggregateOptions {
                resolution: 10,
                reporting_length: 3,
            },
        )
        .unwrap();
        let s = synthesize(&d, &a);
        assert_eq!(
            s.records.iter().filter(|r| r.len() == 3).count(),
            30,
            "common records are kept whole"
        );
        assert_eq!(
            s.records.iter().filter(|r| r.len() == 2).count(),
            1,
            "only the rare value is dropped"
        );
        assert_eq!(s.utility.values_suppressed, 1);
        assert!((s.utility.preserved_share - 1.0).abs() < 1e-9);
        let mut out = Vec::new();
        s.write_csv(&d, ";", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("c0,c1,c2\n"));
        assert!(text.contains("\nv1,v1,v1\n") && text.contains("\nv1,v1,\n"));
    }
}
