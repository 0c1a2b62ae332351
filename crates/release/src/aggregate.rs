//! k-protected aggregate counts: how many records hold each combination of up to
//! `reporting_length` items, for the combinations held by at least `resolution` (k) records, each
//! count rounded down to a multiple of k. Combinations below k are never written.
//!
//! A combination can only reach k if every one of its sub-combinations does (a count never grows
//! when an item is added), so each length is counted only over candidates whose every shorter
//! sub-combination reached k (the Apriori principle). The result is exactly what counting every
//! combination and then dropping those below k gives (a test checks this against brute force),
//! at a fraction of the work: rare values stop early instead of multiplying.
use std::io::Write;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::data::{Dataset, ITEM_BITS};

/// Longest combination supported: four item ids of [`ITEM_BITS`] bits pack into one `u64`.
pub const MAX_REPORTING_LENGTH: usize = 4;

#[derive(Clone, Copy, Debug)]
pub struct AggregateOptions {
    /// k: the smallest group ever reported, and the rounding step of every count.
    pub resolution: u64,
    pub reporting_length: usize,
}

impl Default for AggregateOptions {
    fn default() -> Self {
        AggregateOptions {
            resolution: 11,
            reporting_length: 3,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AggregateError {
    #[error("the resolution (k) must be at least 2")]
    Resolution,
    #[error("the reporting length must be 1 to {MAX_REPORTING_LENGTH}")]
    ReportingLength,
}

/// Combinations that reached k, with their exact counts (protect them with [`protected`] before
/// anything leaves the process).
#[derive(Clone, Debug)]
pub struct Aggregates {
    pub record_count: u64,
    pub options: AggregateOptions,
    /// Sorted item ids and exact count, ordered by length then ids.
    pub combinations: Vec<(Vec<u32>, u64)>,
}

/// A count rounded down to a multiple of k (0 for anything below k).
pub fn protected(count: u64, k: u64) -> u64 {
    count / k * k
}

fn pack(items: &[u32]) -> u64 {
    items
        .iter()
        .fold(0u64, |key, i| (key << ITEM_BITS) | u64::from(*i))
}

fn unpack(mut key: u64, len: usize) -> Vec<u32> {
    let mut v = vec![0u32; len];
    for slot in v.iter_mut().rev() {
        *slot = (key & ((1 << ITEM_BITS) - 1)) as u32;
        key >>= ITEM_BITS;
    }
    v
}

/// Runs `count` over chunks of the records on every core and sums the per-thread maps.
fn parallel_count(
    records: &[Vec<u32>],
    count: impl Fn(&[Vec<u32>], &mut FxHashMap<u64, u32>) + Sync,
) -> FxHashMap<u64, u32> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 16);
    let chunk = records.len().div_ceil(threads).max(1);
    let mut maps: Vec<FxHashMap<u64, u32>> = std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                let count = &count;
                s.spawn(move || {
                    let mut m = FxHashMap::default();
                    count(part, &mut m);
                    m
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("counting thread"))
            .collect()
    });
    let mut total = maps.pop().unwrap_or_default();
    for m in maps {
        for (k, v) in m {
            *total.entry(k).or_insert(0) += v;
        }
    }
    total
}

/// Every `len`-subset of `items` (sorted) that extends a frequent `(len-1)`-prefix and whose every
/// `(len-1)`-subset is frequent.
fn candidates(items: &[u32], len: usize, frequent: &FxHashSet<u64>, out: &mut impl FnMut(u64)) {
    let mut combo = Vec::with_capacity(len);
    fn walk(
        items: &[u32],
        start: usize,
        len: usize,
        combo: &mut Vec<u32>,
        frequent: &FxHashSet<u64>,
        out: &mut impl FnMut(u64),
    ) {
        if combo.len() == len {
            // The prefix (without the last item) was checked on the way down; check the others.
            let ok = (0..len - 1).all(|skip| {
                let sub: Vec<u32> = combo
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, v)| *v)
                    .collect();
                frequent.contains(&pack(&sub))
            });
            if ok {
                out(pack(combo));
            }
            return;
        }
        for i in start..items.len() {
            combo.push(items[i]);
            // Every prefix of length ≥ 1 below the target must itself be frequent.
            let prefix_ok = combo.len() == len || frequent_prefix(combo, len, frequent);
            if prefix_ok {
                walk(items, i + 1, len, combo, frequent, out);
            }
            combo.pop();
        }
    }
    fn frequent_prefix(combo: &[u32], len: usize, frequent: &FxHashSet<u64>) -> bool {
        // `frequent` holds the (len-1)-combinations; shorter prefixes were frequent at their own
        // level, so only a prefix of exactly len-1 items can be looked up here.
        combo.len() != len - 1 || frequent.contains(&pack(combo))
    }
    walk(items, 0, len, &mut combo, frequent, out);
}

pub fn aggregate(data: &Dataset, opts: AggregateOptions) -> Result<Aggregates, AggregateError> {
    if opts.resolution < 2 {
        return Err(AggregateError::Resolution);
    }
    if !(1..=MAX_REPORTING_LENGTH).contains(&opts.reporting_length) {
        return Err(AggregateError::ReportingLength);
    }
    let k = opts.resolution;
    let mut single = vec![0u64; data.items.len()];
    for r in &data.records {
        for i in r {
            single[*i as usize] += 1;
        }
    }
    let mut combinations: Vec<(Vec<u32>, u64)> = single
        .iter()
        .enumerate()
        .filter(|(_, c)| **c >= k)
        .map(|(i, c)| (vec![i as u32], *c))
        .collect();
    // Records reduced to their frequent items: nothing else can be part of a reported combination.
    let mut projected: Vec<Vec<u32>> = data
        .records
        .iter()
        .map(|r| {
            r.iter()
                .copied()
                .filter(|i| single[*i as usize] >= k)
                .collect()
        })
        .collect();
    let mut frequent: FxHashSet<u64> = combinations.iter().map(|(c, _)| pack(c)).collect();
    for len in 2..=opts.reporting_length {
        projected.retain(|r| r.len() >= len);
        if projected.is_empty() || frequent.is_empty() {
            break;
        }
        let counts = parallel_count(&projected, |part, m| {
            for r in part {
                candidates(r, len, &frequent, &mut |key| {
                    *m.entry(key).or_insert(0) += 1
                });
            }
        });
        let mut level: Vec<(Vec<u32>, u64)> = counts
            .into_iter()
            .filter(|(_, c)| u64::from(*c) >= k)
            .map(|(key, c)| (unpack(key, len), u64::from(c)))
            .collect();
        level.sort_unstable();
        frequent = level.iter().map(|(c, _)| pack(c)).collect();
        combinations.extend(level);
    }
    Ok(Aggregates {
        record_count: data.records.len() as u64,
        options: opts,
        combinations,
    })
}

impl Aggregates {
    /// The SDS aggregate TSV: a header, the protected record count on a `selections` line, then
    /// one line per combination, `col:value;col:value<TAB>protected_count`.
    pub fn write_tsv(&self, data: &Dataset, out: &mut impl Write) -> std::io::Result<()> {
        let k = self.options.resolution;
        writeln!(out, "selections\tprotected_count")?;
        writeln!(out, "selections\t{}", protected(self.record_count, k))?;
        for (combo, count) in &self.combinations {
            // Items in column order, as SDS writes them.
            let mut combo = combo.clone();
            combo.sort_by_key(|i| (data.item_column(*i), *i));
            let label = combo
                .iter()
                .map(|i| clean(&data.item_label(*i)))
                .collect::<Vec<_>>()
                .join(";");
            writeln!(out, "{label}\t{}", protected(*count, k))?;
        }
        Ok(())
    }

    /// How many combinations of each length were reported.
    pub fn by_length(&self) -> Vec<usize> {
        let mut v = vec![0; self.options.reporting_length];
        for (c, _) in &self.combinations {
            v[c.len() - 1] += 1;
        }
        v
    }
}

/// Tabs, newlines and `;` would break the TSV's structure; they become spaces / `,`.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            ';' => ',',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ReadOptions;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Every combination of up to `len` items of every record, counted directly.
    fn brute_force(data: &Dataset, len: usize, k: u64) -> Vec<(Vec<u32>, u64)> {
        let mut m: HashMap<Vec<u32>, u64> = HashMap::new();
        for r in &data.records {
            let n = r.len();
            for mask in 1u32..(1 << n.min(16)) {
                if mask.count_ones() as usize > len {
                    continue;
                }
                let combo: Vec<u32> = (0..n)
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| r[i])
                    .collect();
                *m.entry(combo).or_insert(0) += 1;
            }
        }
        let mut v: Vec<_> = m.into_iter().filter(|(_, c)| *c >= k).collect();
        v.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
        v
    }

    fn dataset(rows: &[Vec<u8>], cols: usize) -> Dataset {
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
        Dataset::read(s.as_bytes(), &ReadOptions::default()).unwrap()
    }

    #[test]
    fn sds_format_and_rounding() {
        let mut rows = Vec::new();
        for _ in 0..25 {
            rows.push(vec![1, 1]);
        }
        for _ in 0..12 {
            rows.push(vec![1, 2]);
        }
        for _ in 0..3 {
            rows.push(vec![2, 2]);
        }
        let d = dataset(&rows, 2);
        let a = aggregate(
            &d,
            AggregateOptions {
                resolution: 10,
                reporting_length: 2,
            },
        )
        .unwrap();
        let mut out = Vec::new();
        a.write_tsv(&d, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "selections\tprotected_count\nselections\t40\nc0:v1\t30\nc1:v1\t20\nc1:v2\t10\nc0:v1;c1:v1\t20\nc0:v1;c1:v2\t10\n"
        );
        assert!(!text.contains("c0:v2"), "a group of 3 is never written");
    }

    #[test]
    fn options_are_checked() {
        let d = dataset(&[vec![1]], 1);
        assert!(
            aggregate(
                &d,
                AggregateOptions {
                    resolution: 1,
                    reporting_length: 2
                }
            )
            .is_err()
        );
        assert!(
            aggregate(
                &d,
                AggregateOptions {
                    resolution: 5,
                    reporting_length: 5
                }
            )
            .is_err()
        );
        let empty = aggregate(
            &d,
            AggregateOptions {
                resolution: 5,
                reporting_length: 3,
            },
        )
        .unwrap();
        assert!(empty.combinations.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Pruned counting gives exactly the brute-force result, and nothing below k.
        #[test]
        fn same_as_brute_force(
            rows in proptest::collection::vec(proptest::collection::vec(0u8..4, 6), 0..120),
            k in 2u64..8,
            len in 1usize..=4,
        ) {
            let d = dataset(&rows, 6);
            let a = aggregate(&d, AggregateOptions { resolution: k, reporting_length: len }).unwrap();
            let mut got = a.combinations.clone();
            got.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
            prop_assert_eq!(&got, &brute_force(&d, len, k));
            let mut out = Vec::new();
            a.write_tsv(&d, &mut out).unwrap();
            for line in String::from_utf8(out).unwrap().lines().skip(2) {
                let n: u64 = line.rsplit('\t').next().unwrap().parse().unwrap();
                prop_assert!(n >= k && n.is_multiple_of(k), "released count {} with k {}", n, k);
            }
        }
    }
}
