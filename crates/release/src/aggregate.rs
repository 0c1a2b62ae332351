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

/// Largest flat table of triple counts (frequent pairs × frequent items, per thread; 64 MiB).
const DENSE_TRIPLES: usize = 1 << 24;

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
    /// The step every released count is rounded down to: k itself (as SDS does) unless a
    /// deployment fixes it (`with_rounding`), so that releases asking for other k reveal
    /// nothing more than one of them.
    pub rounding: u64,
    /// Sorted item ids and exact count, ordered by length then ids.
    pub combinations: Vec<(Vec<u32>, u64)>,
}

/// A count rounded down to a multiple of k (0 for anything below k).
pub fn protected(count: u64, k: u64) -> u64 {
    count / k * k
}

/// Splits `records` over every core, runs `count` on each part with its own accumulator, and
/// merges the accumulators with `merge`.
fn parallel<T: Send>(
    records: &[Vec<u16>],
    init: impl Fn() -> T + Sync,
    count: impl Fn(&[Vec<u16>], &mut T) + Sync,
    merge: impl Fn(&mut T, T),
) -> T {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 16);
    let chunk = records.len().div_ceil(threads).max(1);
    let mut parts: Vec<T> = std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                let (init, count) = (&init, &count);
                s.spawn(move || {
                    let mut acc = init();
                    count(part, &mut acc);
                    acc
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("counting thread"))
            .collect()
    });
    let mut total = parts.pop().unwrap_or_else(&init);
    for p in parts {
        merge(&mut total, p);
    }
    total
}

// A `Vec` (not a slice): it is the accumulator type `parallel` merges.
#[allow(clippy::ptr_arg)]
fn add_tables(total: &mut Vec<u32>, part: Vec<u32>) {
    for (t, v) in total.iter_mut().zip(part) {
        *t += v;
    }
}

fn merge_maps(total: &mut FxHashMap<u64, u32>, part: FxHashMap<u64, u32>) {
    for (k, v) in part {
        *total.entry(k).or_insert(0) += v;
    }
}

/// A set of combinations of dense indexes: a bitmap while it is small, a hash set beyond.
enum ComboSet {
    Bits { bits: Vec<u64>, n: u64 },
    Hash(FxHashSet<u64>),
}

impl ComboSet {
    /// `len`-combinations of `n` dense indexes; a bitmap up to 2^28 bits (32 MiB).
    fn new(n: usize, len: u32) -> ComboSet {
        let size = (n as u64).checked_pow(len).unwrap_or(u64::MAX);
        if size <= 1 << 28 {
            ComboSet::Bits {
                bits: vec![0; size.div_ceil(64) as usize],
                n: n as u64,
            }
        } else {
            ComboSet::Hash(FxHashSet::default())
        }
    }

    fn index(n: u64, combo: &[u16]) -> u64 {
        combo.iter().fold(0u64, |acc, &d| acc * n + u64::from(d))
    }

    fn insert(&mut self, combo: &[u16]) {
        match self {
            ComboSet::Bits { bits, n } => {
                let i = Self::index(*n, combo);
                bits[(i / 64) as usize] |= 1 << (i % 64);
            }
            ComboSet::Hash(h) => {
                h.insert(pack16(combo));
            }
        }
    }

    #[inline]
    fn contains(&self, combo: &[u16]) -> bool {
        match self {
            ComboSet::Bits { bits, n } => {
                let i = Self::index(*n, combo);
                bits[(i / 64) as usize] & (1 << (i % 64)) != 0
            }
            ComboSet::Hash(h) => h.contains(&pack16(combo)),
        }
    }
}

#[inline]
fn pack16(items: &[u16]) -> u64 {
    items
        .iter()
        .fold(0u64, |key, i| (key << ITEM_BITS) | u64::from(*i))
}

pub fn aggregate(data: &Dataset, opts: AggregateOptions) -> Result<Aggregates, AggregateError> {
    aggregate_with(data, opts, DENSE_TRIPLES)
}

/// [`aggregate`] with the flat-table limit as a parameter, so tests run both ways of counting.
fn aggregate_with(
    data: &Dataset,
    opts: AggregateOptions,
    dense_triples: usize,
) -> Result<Aggregates, AggregateError> {
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
    // Frequent items get dense indexes 0..f (in id order, so sorted records stay sorted): only
    // they can be part of a reported combination.
    let frequent_items: Vec<u32> = (0..data.items.len() as u32)
        .filter(|i| single[*i as usize] >= k)
        .collect();
    let f = frequent_items.len();
    let mut dense = vec![u16::MAX; data.items.len()];
    for (d, i) in frequent_items.iter().enumerate() {
        dense[*i as usize] = d as u16;
    }
    let original =
        |combo: &[u16]| -> Vec<u32> { combo.iter().map(|d| frequent_items[*d as usize]).collect() };
    let mut combinations: Vec<(Vec<u32>, u64)> = frequent_items
        .iter()
        .map(|i| (vec![*i], single[*i as usize]))
        .collect();
    let mut projected: Vec<Vec<u16>> = data
        .records
        .iter()
        .map(|r| {
            r.iter()
                .map(|i| dense[*i as usize])
                .filter(|d| *d != u16::MAX)
                .collect::<Vec<u16>>()
        })
        .filter(|r| r.len() >= 2)
        .collect();
    if opts.reporting_length < 2 || f < 2 {
        return Ok(Aggregates {
            record_count: data.records.len() as u64,
            options: opts,
            rounding: opts.resolution,
            combinations,
        });
    }

    // Pairs: a flat f×f table per thread.
    let pair_counts = parallel(
        &projected,
        || vec![0u32; f * f],
        |part, t| {
            for r in part {
                for (x, &a) in r.iter().enumerate() {
                    let row = a as usize * f;
                    for &b in &r[x + 1..] {
                        t[row + b as usize] += 1;
                    }
                }
            }
        },
        add_tables,
    );
    let mut pairs = ComboSet::new(f, 2);
    let mut level: Vec<(Vec<u32>, u64)> = Vec::new();
    for a in 0..f {
        for b in a + 1..f {
            let c = u64::from(pair_counts[a * f + b]);
            if c >= k {
                pairs.insert(&[a as u16, b as u16]);
                level.push((original(&[a as u16, b as u16]), c));
            }
        }
    }
    drop(pair_counts);
    combinations.extend(level);
    if opts.reporting_length < 3 {
        return Ok(Aggregates {
            record_count: data.records.len() as u64,
            options: opts,
            rounding: opts.resolution,
            combinations,
        });
    }

    // Triples whose three pairs reached k: a flat f³ table per thread while that stays small
    // (a few hundred frequent items), a hash map beyond.
    projected.retain(|r| r.len() >= 3);
    let for_each_triple = |r: &[u16], ok: &mut Vec<u16>, out: &mut dyn FnMut(u16, u16, u16)| {
        for (x, &a) in r.iter().enumerate() {
            for (y, &b) in r.iter().enumerate().skip(x + 1) {
                if !pairs.contains(&[a, b]) {
                    continue;
                }
                ok.clear();
                ok.extend(
                    r[y + 1..]
                        .iter()
                        .copied()
                        .filter(|&c| pairs.contains(&[a, c]) && pairs.contains(&[b, c])),
                );
                for &c in ok.iter() {
                    out(a, b, c);
                }
            }
        }
    };
    // Flat table indexed by (frequent pair, third item): only pairs that reached k get rows.
    let mut pair_row = vec![u32::MAX; f * f];
    let mut pair_list: Vec<(u16, u16)> = Vec::new();
    for a in 0..f {
        for b in a + 1..f {
            if pairs.contains(&[a as u16, b as u16]) {
                pair_row[a * f + b] = pair_list.len() as u32;
                pair_list.push((a as u16, b as u16));
            }
        }
    }
    let triple_counts: Vec<(u64, u32)> = if pair_list.len() * f <= dense_triples {
        let table = parallel(
            &projected,
            || vec![0u32; pair_list.len() * f],
            |part, t| {
                let mut ok = Vec::with_capacity(64);
                for r in part {
                    for_each_triple(r, &mut ok, &mut |a, b, c| {
                        let row = pair_row[a as usize * f + b as usize] as usize;
                        t[row * f + c as usize] += 1;
                    });
                }
            },
            add_tables,
        );
        table
            .iter()
            .enumerate()
            .filter(|(_, c)| u64::from(**c) >= k)
            .map(|(i, c)| {
                let (a, b) = pair_list[i / f];
                (pack16(&[a, b, (i % f) as u16]), *c)
            })
            .collect()
    } else {
        parallel(
            &projected,
            FxHashMap::<u64, u32>::default,
            |part, m| {
                let mut ok = Vec::with_capacity(64);
                for r in part {
                    for_each_triple(r, &mut ok, &mut |a, b, c| {
                        *m.entry(pack16(&[a, b, c])).or_insert(0) += 1;
                    });
                }
            },
            merge_maps,
        )
        .into_iter()
        .collect()
    };
    let mut triples = ComboSet::new(f, 3);
    let mut level: Vec<(Vec<u32>, u64)> = Vec::new();
    for (key, c) in triple_counts {
        if u64::from(c) >= k {
            let d = unpack16(key, 3);
            triples.insert(&d);
            level.push((original(&d), u64::from(c)));
        }
    }
    level.sort_unstable();
    combinations.extend(level);
    if opts.reporting_length < 4 {
        return Ok(Aggregates {
            record_count: data.records.len() as u64,
            options: opts,
            rounding: opts.resolution,
            combinations,
        });
    }

    // Quadruples whose four triples reached k.
    projected.retain(|r| r.len() >= 4);
    let quad_counts = parallel(
        &projected,
        FxHashMap::<u64, u32>::default,
        |part, m| {
            for r in part {
                let n = r.len();
                for x in 0..n {
                    for y in x + 1..n {
                        if !pairs.contains(&[r[x], r[y]]) {
                            continue;
                        }
                        for z in y + 1..n {
                            let (a, b, c) = (r[x], r[y], r[z]);
                            if !triples.contains(&[a, b, c]) {
                                continue;
                            }
                            for &d in &r[z + 1..] {
                                if triples.contains(&[a, b, d])
                                    && triples.contains(&[a, c, d])
                                    && triples.contains(&[b, c, d])
                                {
                                    *m.entry(pack16(&[a, b, c, d])).or_insert(0) += 1;
                                }
                            }
                        }
                    }
                }
            }
        },
        merge_maps,
    );
    let mut level: Vec<(Vec<u32>, u64)> = quad_counts
        .into_iter()
        .filter(|(_, c)| u64::from(*c) >= k)
        .map(|(key, c)| (original(&unpack16(key, 4)), u64::from(c)))
        .collect();
    level.sort_unstable();
    combinations.extend(level);
    Ok(Aggregates {
        record_count: data.records.len() as u64,
        options: opts,
        rounding: opts.resolution,
        combinations,
    })
}

fn unpack16(mut key: u64, len: usize) -> Vec<u16> {
    let mut v = vec![0u16; len];
    for slot in v.iter_mut().rev() {
        *slot = (key & ((1 << ITEM_BITS) - 1)) as u16;
        key >>= ITEM_BITS;
    }
    v
}

impl Aggregates {
    /// Rounds every count down to a multiple of `base` instead of k, and keeps only the
    /// combinations whose rounded count still reaches k. Every count released is then a function
    /// of `count / base` alone, whatever k a request chose: a sweep over k learns nothing more.
    pub fn with_rounding(mut self, base: u64) -> Aggregates {
        let base = base.max(1);
        let k = self.options.resolution;
        self.rounding = base;
        self.combinations.retain(|(_, c)| protected(*c, base) >= k);
        self
    }

    /// A count as released.
    pub fn protected(&self, count: u64) -> u64 {
        protected(count, self.rounding)
    }

    /// The SDS aggregate TSV: a header, the protected record count on a `record_count` line,
    /// then one line per combination, `col:value;col:value<TAB>protected_count`, as `sds-cli`
    /// writes it (see [`write_sds_lines`]).
    pub fn write_tsv(&self, data: &Dataset, out: &mut impl Write) -> std::io::Result<()> {
        let k = self.rounding;
        writeln!(out, "selections\tprotected_count")?;
        writeln!(out, "record_count\t{}", protected(self.record_count, k))?;
        write_sds_lines(
            data,
            self.combinations
                .iter()
                .map(|(c, n)| (c.as_slice(), protected(*n, k))),
            out,
        )
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

/// An item as SDS labels it: `column:value`, both trimmed, with `:` and `;` inside them written
/// `<colon>` and `<semicolon>` (they separate items), and tabs and line breaks (which would
/// break the TSV) as spaces.
pub(crate) fn sds_item(column: &str, value: &str) -> String {
    let esc = |s: &str| {
        s.trim()
            .replace(':', "<colon>")
            .replace(';', "<semicolon>")
            .replace(['\t', '\n', '\r'], " ")
    };
    format!("{}:{}", esc(column), esc(value))
}

/// Combination lines as `sds-cli` writes them: the items of a combination in byte order of
/// their labels, lines by length, then count (largest first), then label (SDS leaves ties in
/// hash order; here they are sorted so that a release is reproducible).
pub(crate) fn write_sds_lines<'a>(
    data: &Dataset,
    combinations: impl Iterator<Item = (&'a [u32], u64)>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut lines: Vec<(usize, std::cmp::Reverse<u64>, String)> = combinations
        .map(|(combo, n)| {
            let mut items: Vec<String> = combo
                .iter()
                .map(|i| {
                    let (col, value) = &data.items[*i as usize];
                    sds_item(&data.headers[*col], value)
                })
                .collect();
            items.sort_unstable();
            (combo.len(), std::cmp::Reverse(n), items.join(";"))
        })
        .collect();
    lines.sort_unstable();
    for (_, n, label) in lines {
        writeln!(out, "{label}\t{}", n.0)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
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
        crate::test_dataset(rows, cols)
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
            "selections\tprotected_count\nrecord_count\t40\nc0:v1\t30\nc1:v1\t20\nc1:v2\t10\nc0:v1;c1:v1\t20\nc0:v1;c1:v2\t10\n"
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
            let opts = AggregateOptions { resolution: k, reporting_length: len };
            let a = aggregate(&d, opts).unwrap();
            let mut got = a.combinations.clone();
            got.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
            prop_assert_eq!(&got, &brute_force(&d, len, k));
            // The hash-map way of counting triples (used when the flat table would be too big).
            let mut hashed = aggregate_with(&d, opts, 0).unwrap().combinations;
            hashed.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
            prop_assert_eq!(&hashed, &got);
            let mut out = Vec::new();
            a.write_tsv(&d, &mut out).unwrap();
            for line in String::from_utf8(out).unwrap().lines().skip(2) {
                let n: u64 = line.rsplit('\t').next().unwrap().parse().unwrap();
                prop_assert!(n >= k && n.is_multiple_of(k), "released count {} with k {}", n, k);
            }
        }
    }
}
