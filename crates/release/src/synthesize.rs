//! Synthetic microdata seeded by the real records, in two steps, after SDS's row-seeded synthesis:
//!
//! 1. **Suppress.** Each record keeps only as many of its values as let every combination of up
//!    to `reporting_length` of them be held by at least k source records. The too-rare
//!    combinations of a record are its minimal ones (a combination is only checked when all its
//!    parts are common, as in the aggregation); the values dropped are a small set that hits them
//!    all (greedy: the value in most too-rare combinations first, ties to the value whose loss
//!    costs the fewest fragile common combinations), then every dropped value that no longer
//!    completes a too-rare combination is put back.
//! 2. **Fill back.** Suppression only ever lowers counts, so values whose count fell are added to
//!    records with an empty column, but only where every new combination of up to the reporting
//!    length is itself held by at least k source records, preferring the additions that bring the
//!    most combinations back towards their source counts. A value is never added more often than
//!    it was lost, so each value's count stays at or below its source count.
//!
//! So no combination rarer than k in the source appears in the output (no rare leak), and every
//! combination of up to the reporting length in the output is held by at least k source records
//! (nothing invented). Longer combinations are not constrained: a synthetic record need not be a
//! subset of any one source record, which is what makes it synthetic.
use rustc_hash::FxHashMap;

use crate::aggregate::{Aggregates, protected};
use crate::data::{Dataset, ITEM_BITS};

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
    /// Values added back by the fill-back step.
    pub values_added: u64,
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

/// Packs sorted item ids (each + 1, so that combinations of different lengths never collide)
/// into one key.
#[inline]
fn key(items: &[u32]) -> u64 {
    items
        .iter()
        .fold(0u64, |k, i| (k << ITEM_BITS) | u64::from(*i + 1))
}

/// The source's reported combinations (count ≥ k): their keys, source counts and, during the
/// fill-back, their synthetic counts.
struct Table {
    index: FxHashMap<u64, u32>,
    source: Vec<u64>,
    len: usize,
    k: u64,
    /// Item id → dense number among the items held by k records (`u32::MAX` for the others).
    dense: Vec<u32>,
    /// Per dense item, a bitset of the dense items it forms a reported pair with: one AND tells
    /// whether a value can join a record at all (empty when the table would exceed 16 MiB).
    partners: Vec<u64>,
    words: usize,
    /// Per reported pair, a bitset of the dense items it forms a reported triple with (empty
    /// when the reporting length is below 3 or the table would exceed 64 MiB).
    triples: FxHashMap<u64, u32>,
    triple_bits: Vec<u64>,
    /// Flat tables from dense items to combination indexes (see [`Direct`]), when small enough.
    direct: Option<Direct>,
}

/// Flat lookup tables for combinations of up to three frequent items, so that the hot loops
/// index arrays instead of hashing: `pair[a·f + b]` (a < b, dense numbers) is the pair's index,
/// `pair_row[a·f + b]` its row in `triple`, and `triple[row·f + c]` the triple's index
/// (`u32::MAX`: not reported).
struct Direct {
    f: usize,
    single: Vec<u32>,
    pair: Vec<u32>,
    pair_row: Vec<u32>,
    triple: Vec<u32>,
}

/// Largest flat tables built (entries of 4 bytes): 128 MiB.
const DIRECT_ENTRIES: usize = 32 << 20;

impl Direct {
    fn build(aggregates: &Aggregates, dense: &[u32], f: usize) -> Option<Direct> {
        let by_length = aggregates.by_length();
        let pairs = by_length.get(1).copied().unwrap_or(0);
        let entries = f + 2 * f * f + pairs * f;
        if entries > DIRECT_ENTRIES || f >= u32::MAX as usize {
            return None;
        }
        let mut d = Direct {
            f,
            single: vec![u32::MAX; f],
            pair: vec![u32::MAX; f * f],
            pair_row: vec![u32::MAX; f * f],
            triple: Vec::new(),
        };
        let mut rows = 0usize;
        for (idx, (c, _)) in aggregates.combinations.iter().enumerate() {
            let dn: Vec<usize> = c.iter().map(|i| dense[*i as usize] as usize).collect();
            match dn[..] {
                [a] => d.single[a] = idx as u32,
                [a, b] => {
                    d.pair[a * f + b] = idx as u32;
                    d.pair_row[a * f + b] = rows as u32;
                    rows += 1;
                }
                [a, b, c] => {
                    if d.triple.is_empty() {
                        d.triple = vec![u32::MAX; rows * f];
                    }
                    let row = d.pair_row[a * f + b] as usize;
                    d.triple[row * f + c] = idx as u32;
                }
                _ => {}
            }
        }
        Some(d)
    }
}

impl Table {
    fn new(aggregates: &Aggregates, items: usize) -> Table {
        let mut index = FxHashMap::default();
        index.reserve(aggregates.combinations.len());
        let mut source = Vec::with_capacity(aggregates.combinations.len());
        let mut dense = vec![u32::MAX; items];
        let mut f = 0usize;
        for (c, n) in &aggregates.combinations {
            index.insert(key(c), source.len() as u32);
            source.push(*n);
            if c.len() == 1 {
                dense[c[0] as usize] = f as u32;
                f += 1;
            }
        }
        let words = f.div_ceil(64);
        let mut partners = Vec::new();
        if f * words * 8 <= 16 << 20 {
            partners = vec![0u64; f * words];
            for (c, _) in aggregates.combinations.iter().filter(|(c, _)| c.len() == 2) {
                let (a, b) = (dense[c[0] as usize] as usize, dense[c[1] as usize] as usize);
                partners[a * words + b / 64] |= 1 << (b % 64);
                partners[b * words + a / 64] |= 1 << (a % 64);
            }
        }
        let len = aggregates.options.reporting_length;
        let pairs = aggregates.by_length().get(1).copied().unwrap_or(0);
        let mut triples = FxHashMap::default();
        let mut triple_bits = Vec::new();
        if len >= 3 && !partners.is_empty() && pairs * words * 8 <= 64 << 20 {
            triple_bits = vec![0u64; pairs * words];
            // Rows numbered as the pairs come, as in `Direct::pair_row`.
            for (c, _) in aggregates.combinations.iter().filter(|(c, _)| c.len() == 2) {
                let n = triples.len() as u32;
                triples.insert(key(c), n);
            }
            let mut slot = |a: u32, b: u32, c: u32| {
                let row = triples[&key(&[a, b])] as usize;
                let d = dense[c as usize] as usize;
                triple_bits[row * words + d / 64] |= 1 << (d % 64);
            };
            for (c, _) in aggregates.combinations.iter().filter(|(c, _)| c.len() == 3) {
                slot(c[0], c[1], c[2]);
                slot(c[0], c[2], c[1]);
                slot(c[1], c[2], c[0]);
            }
        }
        let direct = Direct::build(aggregates, &dense, f);
        Table {
            index,
            source,
            len,
            k: aggregates.options.resolution,
            dense,
            partners,
            words,
            triples,
            triple_bits,
            direct,
        }
    }

    /// The dense items that may join a record (all its values): those forming a reported pair
    /// with each of its values and, at length 3 and more, a reported triple with each pair of
    /// them. `None` when the bitsets were too large to build.
    fn joinable(&self, items: &[u32]) -> Option<Vec<u64>> {
        if self.partners.is_empty() {
            return None;
        }
        let mut j = vec![u64::MAX; self.words];
        if self.len < 2 {
            return Some(j);
        }
        for (x, a) in items.iter().enumerate() {
            let d = self.dense[*a as usize] as usize;
            for (w, p) in j.iter_mut().zip(&self.partners[d * self.words..]) {
                *w &= p;
            }
            if self.len >= 3 && !self.triple_bits.is_empty() {
                for b in &items[x + 1..] {
                    let row = match &self.direct {
                        Some(d) => {
                            let (da, db) = (
                                self.dense[*a as usize] as usize,
                                self.dense[*b as usize] as usize,
                            );
                            Some(d.pair_row[da * d.f + db]).filter(|r| *r != u32::MAX)
                        }
                        None => self.triples.get(&key(&[*a, *b])).copied(),
                    };
                    match row {
                        Some(row) => {
                            let row = row as usize * self.words;
                            for (w, p) in j.iter_mut().zip(&self.triple_bits[row..]) {
                                *w &= p;
                            }
                        }
                        None => j.iter_mut().for_each(|w| *w = 0),
                    }
                }
            }
        }
        Some(j)
    }

    #[inline]
    fn may_join(&self, joinable: &Option<Vec<u64>>, i: u32) -> bool {
        joinable.as_ref().is_none_or(|j| {
            let d = self.dense[i as usize] as usize;
            j[d / 64] & (1 << (d % 64)) != 0
        })
    }

    /// The combination's index if the source holds it at least k times (`items` sorted).
    #[inline]
    fn get(&self, items: &[u32]) -> Option<u32> {
        if let Some(d) = &self.direct
            && items.len() <= 3
        {
            let dense = |i: u32| self.dense[i as usize] as usize;
            let found = |v: u32| (v != u32::MAX).then_some(v);
            let f = d.f;
            return match *items {
                [a] => {
                    let a = dense(a);
                    (a < f).then(|| d.single[a])
                }
                [a, b] => {
                    let (a, b) = (dense(a), dense(b));
                    if a >= f || b >= f {
                        return None;
                    }
                    found(d.pair[a * f + b])
                }
                [a, b, c] => {
                    let (a, b, c) = (dense(a), dense(b), dense(c));
                    if a >= f || b >= f || c >= f {
                        return None;
                    }
                    let row = d.pair_row[a * f + b];
                    if row == u32::MAX || d.triple.is_empty() {
                        return None;
                    }
                    found(d.triple[row as usize * f + c])
                }
                _ => None,
            };
        }
        self.index.get(&key(items)).copied()
    }

    /// Indexes of every reported combination of a record (`items`, sorted, holding `i`) that
    /// holds `i`.
    fn each_combination_with(&self, items: &[u32], i: u32, mut f: impl FnMut(u32)) {
        let others: Vec<u32> = items.iter().copied().filter(|x| *x != i).collect();
        let mut buf = [0u32; 4];
        let mut with = |part: &[u32]| {
            let n = part.len() + 1;
            let at = part.partition_point(|x| *x < i);
            buf[..at].copy_from_slice(&part[..at]);
            buf[at] = i;
            buf[at + 1..n].copy_from_slice(&part[at..]);
            if let Some(idx) = self.get(&buf[..n]) {
                f(idx);
            }
        };
        with(&[]);
        if self.len > 1 {
            subsets(&others, self.len - 1, &mut |s| with(s));
        }
    }

    /// Indexes of every combination of 1 to `len` items of a record (all of them reported, by
    /// construction of the synthetic records).
    fn each_combination(&self, items: &[u32], mut f: impl FnMut(u32)) {
        let Some(d) = self.direct.as_ref().filter(|_| self.len <= 3) else {
            subsets(items, self.len, &mut |s| {
                if let Some(i) = self.get(s) {
                    f(i);
                }
            });
            return;
        };
        // The flat tables, walked directly: the hot loop of counting.
        let n = d.f;
        let ds: Vec<usize> = items
            .iter()
            .map(|i| self.dense[*i as usize] as usize)
            .filter(|x| *x < n)
            .collect();
        for (x, &a) in ds.iter().enumerate() {
            f(d.single[a]);
            if self.len < 2 {
                continue;
            }
            for (y, &b) in ds.iter().enumerate().skip(x + 1) {
                let p = d.pair[a * n + b];
                if p == u32::MAX {
                    continue;
                }
                f(p);
                if self.len < 3 || d.triple.is_empty() {
                    continue;
                }
                let row = d.pair_row[a * n + b] as usize * n;
                for &c in &ds[y + 1..] {
                    let t = d.triple[row + c];
                    if t != u32::MAX {
                        f(t);
                    }
                }
            }
        }
    }
}

/// Step 1 for one record: the values it keeps.
fn suppress(record: &[u32], t: &Table) -> Vec<u32> {
    // Values rare on their own cannot stay.
    let items: Vec<u32> = record
        .iter()
        .copied()
        .filter(|i| t.get(&[*i]).is_some())
        .collect();
    let n = items.len();
    if n < 2 || t.len < 2 {
        return items;
    }
    // The record's minimal too-rare combinations (positions), and for each value how many
    // fragile common combinations (source count below 2k) it takes part in.
    let mut bad: Vec<([u16; 4], u8)> = Vec::new();
    let mut fragile: Vec<f64> = items
        .iter()
        .map(|i| t.k as f64 / t.source[t.get(&[*i]).unwrap_or(0) as usize] as f64)
        .collect();
    let note_common = |idx: u32, pos: &[usize], fragile: &mut [f64]| {
        let src = t.source[idx as usize] as f64;
        let kf = t.k as f64;
        let w = kf / src;
        for p in pos {
            fragile[*p] += w;
        }
    };
    let mut pair = vec![false; n * n];
    for a in 0..n {
        for b in a + 1..n {
            match t.get(&[items[a], items[b]]) {
                Some(idx) => {
                    pair[a * n + b] = true;
                    note_common(idx, &[a, b], &mut fragile);
                }
                None => bad.push(([a as u16, b as u16, 0, 0], 2)),
            }
        }
    }
    let mut triple: FxHashMap<(usize, usize, usize), ()> = FxHashMap::default();
    if t.len >= 3 {
        for a in 0..n {
            for b in a + 1..n {
                if !pair[a * n + b] {
                    continue;
                }
                for c in b + 1..n {
                    if !pair[a * n + c] || !pair[b * n + c] {
                        continue;
                    }
                    match t.get(&[items[a], items[b], items[c]]) {
                        Some(idx) => {
                            if t.len >= 4 {
                                triple.insert((a, b, c), ());
                            }
                            note_common(idx, &[a, b, c], &mut fragile);
                        }
                        None => bad.push(([a as u16, b as u16, c as u16, 0], 3)),
                    }
                }
            }
        }
    }
    if t.len >= 4 {
        let mut common: Vec<(usize, usize, usize)> = triple.keys().copied().collect();
        common.sort_unstable();
        for &(a, b, c) in &common {
            for d in c + 1..n {
                let parts = [(a, b, d), (a, c, d), (b, c, d)];
                if parts.iter().all(|p| triple.contains_key(p))
                    && t.get(&[items[a], items[b], items[c], items[d]]).is_none()
                {
                    bad.push(([a as u16, b as u16, c as u16, d as u16], 4));
                }
            }
        }
    }
    if bad.is_empty() {
        return items;
    }
    // Greedy hitting set: drop the value in most remaining too-rare combinations.
    let mut alive = vec![true; bad.len()];
    let mut kept = vec![true; n];
    let mut hits = vec![0u32; n];
    loop {
        hits.iter_mut().for_each(|h| *h = 0);
        for (b, (pos, l)) in bad.iter().enumerate() {
            if alive[b] {
                for p in &pos[..*l as usize] {
                    hits[*p as usize] += 1;
                }
            }
        }
        let Some(worst) = (0..n).filter(|p| hits[*p] > 0).max_by(|x, y| {
            let (a, b) = (hits[*x] as f64 / fragile[*x], hits[*y] as f64 / fragile[*y]);
            a.total_cmp(&b).then(items[*x].cmp(&items[*y]))
        }) else {
            break;
        };
        kept[worst] = false;
        for (b, (pos, l)) in bad.iter().enumerate() {
            if pos[..*l as usize].contains(&(worst as u16)) {
                alive[b] = false;
            }
        }
    }
    // Put back every dropped value that no longer completes a too-rare combination.
    let mut dropped: Vec<usize> = (0..n).filter(|p| !kept[*p]).collect();
    dropped.sort_by_key(|p| std::cmp::Reverse(t.source[t.get(&[items[*p]]).unwrap_or(0) as usize]));
    for p in dropped {
        let blocked = bad.iter().any(|(pos, l)| {
            let pos = &pos[..*l as usize];
            pos.contains(&(p as u16)) && pos.iter().all(|q| *q as usize == p || kept[*q as usize])
        });
        if !blocked {
            kept[p] = true;
        }
    }
    items
        .iter()
        .zip(&kept)
        .filter(|(_, k)| **k)
        .map(|(i, _)| *i)
        .collect()
}

/// Runs `f` over the records split across the cores, keeping their order.
fn parallel_map<T: Send>(records: &[Vec<u32>], f: impl Fn(&[u32]) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 16);
    let chunk = records.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                s.spawn(move || part.iter().map(|r| f(r)).collect::<Vec<T>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("synthesis worker panicked"))
            .collect()
    })
}

/// Synthetic counts of every reported combination.
fn count_all(records: &[Vec<u32>], t: &Table) -> Vec<u64> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 16);
    let chunk = records.len().div_ceil(threads).max(1);
    let parts: Vec<Vec<u64>> = std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut c = vec![0u64; t.source.len()];
                    for r in part {
                        t.each_combination(r, |i| c[i as usize] += 1);
                    }
                    c
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("counting worker panicked"))
            .collect()
    });
    let mut total = vec![0u64; t.source.len()];
    for p in parts {
        for (a, b) in total.iter_mut().zip(p) {
            *a += b;
        }
    }
    total
}

/// What adding `i` to the record `kept` would bring: `None` if some new combination (up to
/// length `depth`) is not held by k source records; otherwise the number of new combinations
/// still below their source count (three times for those below k) less those already at it.
/// Shorter combinations are checked first, so most refusals cost a few lookups.
fn gain_of(kept: &[u32], i: u32, t: &Table, counts: &[u64], depth: usize) -> Option<i64> {
    let score = |idx: u32| -> i64 {
        let (have, want) = (counts[idx as usize], t.source[idx as usize]);
        if have >= want {
            -1
        } else if have < t.k {
            3
        } else {
            1
        }
    };
    let mut gain = score(t.get(&[i])?);
    let mut buf = [0u32; 4];
    let mut with = |part: &[u32]| -> Option<u32> {
        let n = part.len() + 1;
        let at = part.partition_point(|x| *x < i);
        buf[..at].copy_from_slice(&part[..at]);
        buf[at] = i;
        buf[at + 1..n].copy_from_slice(&part[at..]);
        t.get(&buf[..n])
    };
    let m = kept.len();
    if t.len >= 2 {
        for a in kept {
            gain += score(with(&[*a])?);
        }
    }
    if t.len >= 3 && depth >= 3 {
        for a in 0..m {
            for b in a + 1..m {
                gain += score(with(&[kept[a], kept[b]])?);
            }
        }
    }
    if t.len >= 4 && depth >= 4 {
        for a in 0..m {
            for b in a + 1..m {
                for c in b + 1..m {
                    gain += score(with(&[kept[a], kept[b], kept[c]])?);
                }
            }
        }
    }
    Some(gain)
}

/// Candidates weighed per empty cell at most: the values most in deficit that may join. Bounds
/// the fill-back to a few lookups per cell, which keeps it linear in the records.
const CANDIDATES_PER_CELL: usize = 4;

/// The fill-back runs on this many shards of the records, each restoring its own losses, in
/// parallel. A fixed number, so that the output does not depend on the machine's cores.
const SHARDS: usize = 4;

/// Step 2 for one shard: adds values back to `records` (synthesised from `seeds`) where they were
/// lost, within the source's reported combinations. `counts` (the synthetic counts, for weighing
/// candidates only) is kept up to date with this shard's additions. Returns how many values were
/// added.
fn fill_back(
    data: &Dataset,
    seeds: &[Vec<u32>],
    records: &mut [Vec<u32>],
    t: &Table,
    counts: &mut [u64],
) -> u64 {
    let columns = data.headers.len();
    let column = |i: u32| data.items[i as usize].0;
    // How many times each value may still be added: what this shard lost of it.
    let mut deficit = vec![0u64; data.items.len()];
    for r in seeds {
        for i in r {
            deficit[*i as usize] += 1;
        }
    }
    for r in records.iter() {
        for i in r {
            deficit[*i as usize] -= 1;
        }
    }
    let mut by_column: Vec<Vec<u32>> = vec![Vec::new(); columns];
    for i in 0..data.items.len() as u32 {
        if t.get(&[i]).is_none() {
            deficit[i as usize] = 0;
        } else if deficit[i as usize] > 0 {
            by_column[column(i)].push(i);
        }
    }
    // Most-lost values are tried first.
    for c in &mut by_column {
        c.sort_by_key(|i| std::cmp::Reverse(deficit[*i as usize]));
    }
    let mut open: Vec<u64> = by_column
        .iter()
        .map(|c| c.iter().map(|i| deficit[*i as usize]).sum())
        .collect();
    let mut order: Vec<usize> = (0..records.len()).collect();
    // The order only spreads additions over the records; it protects nothing, so a fixed seed.
    let mut rng = crate::SplitMix(0x5EED);
    for i in (1..order.len()).rev() {
        order.swap(i, (rng.next() % (i as u64 + 1)) as usize);
    }
    let mut added = 0u64;
    let mut present = vec![false; columns];
    let mut had = vec![false; columns];
    // First pass: only the cells the seed record had a value in (so missingness stays as it
    // was); second pass: any empty cell.
    for pass in 0..2 {
        for &r in &order {
            if open.iter().all(|n| *n == 0) {
                return added;
            }
            present.iter_mut().for_each(|p| *p = false);
            for i in &records[r] {
                present[column(*i)] = true;
            }
            had.iter_mut().for_each(|p| *p = pass == 1);
            if pass == 0 {
                for i in &seeds[r] {
                    had[column(*i)] = true;
                }
            }
            let eligible =
                |c: usize, present: &[bool], open: &[u64]| !present[c] && had[c] && open[c] > 0;
            if !(0..columns).any(|c| eligible(c, &present, &open)) {
                continue;
            }
            let mut joinable = t.joinable(&records[r]);
            // With the bitsets, a value that may join forms only reported combinations up to
            // length 3, so weighing it by its pairs is enough and 5× cheaper than by its triples.
            let depth = if joinable.is_some() && t.len <= 3 {
                2
            } else {
                t.len
            };
            for c in 0..columns {
                if !eligible(c, &present, &open) {
                    continue;
                }
                let mut best: Option<(i64, u32)> = None;
                let candidates = by_column[c]
                    .iter()
                    .copied()
                    .filter(|i| deficit[*i as usize] > 0 && t.may_join(&joinable, *i))
                    .take(CANDIDATES_PER_CELL);
                for i in candidates {
                    if let Some(gain) = gain_of(&records[r], i, t, counts, depth)
                        && gain > 0
                        && best.is_none_or(|(g, _)| gain > g)
                    {
                        best = Some((gain, i));
                    }
                }
                let Some((_, i)) = best else { continue };
                let rec = &mut records[r];
                let at = rec.partition_point(|x| *x < i);
                rec.insert(at, i);
                t.each_combination_with(rec, i, |idx| counts[idx as usize] += 1);
                deficit[i as usize] -= 1;
                open[c] -= 1;
                present[c] = true;
                joinable = t.joinable(rec);
                added += 1;
            }
        }
    }
    added
}

pub fn synthesize(data: &Dataset, aggregates: &Aggregates) -> Synthetic {
    synthesize_with(data, aggregates, true)
}

/// [`synthesize`], optionally without the bitsets, so that tests run both ways of checking.
fn synthesize_with(data: &Dataset, aggregates: &Aggregates, bitsets: bool) -> Synthetic {
    let mut t = Table::new(aggregates, data.items.len());
    if !bitsets {
        t.partners.clear();
        t.triple_bits.clear();
    }
    let mut records = parallel_map(&data.records, |r| suppress(r, &t));
    let total: u64 = data.records.iter().map(|r| r.len() as u64).sum();
    let kept: u64 = records.iter().map(|r| r.len() as u64).sum();
    let mut counts = count_all(&records, &t);
    let chunk = records.len().div_ceil(SHARDS).max(1);
    let shards: Vec<(u64, Vec<u64>)> = std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks_mut(chunk)
            .zip(data.records.chunks(chunk))
            .map(|(part, seeds)| {
                let (t, mut counts) = (&t, counts.clone());
                s.spawn(move || {
                    let added = fill_back(data, seeds, part, t, &mut counts);
                    (added, counts)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("fill-back worker panicked"))
            .collect()
    });
    // Each shard counted its own additions on top of the common start.
    let start = counts.clone();
    let mut added = 0;
    for (n, shard) in shards {
        added += n;
        for ((c, s), base) in counts.iter_mut().zip(shard).zip(&start) {
            *c += s - base;
        }
    }
    debug_assert_eq!(counts, count_all(&records, &t));
    // Sorted, so that a synthetic record's position does not point at its seed record.
    records.sort_unstable();
    let utility = measure(&counts, &t, aggregates, total - kept, added, total);
    Synthetic { records, utility }
}

fn measure(
    counts: &[u64],
    t: &Table,
    aggregates: &Aggregates,
    suppressed: u64,
    added: u64,
    total: u64,
) -> Utility {
    let len = t.len;
    let k = t.k;
    let mut preserved = 0u64;
    let mut abs = vec![0f64; len];
    let mut rel = vec![0f64; len];
    let mut n = vec![0u64; len];
    for ((c, source), synth) in aggregates.combinations.iter().zip(counts) {
        let synth = *synth;
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
        values_added: added,
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
        data.write_records(&self.records, separator, out)
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
            len in 1usize..=4,
            bitsets: bool,
        ) {
            let d = dataset(&rows, 5);
            let a = aggregate(&d, AggregateOptions { resolution: k, reporting_length: len }).unwrap();
            let s = synthesize_with(&d, &a, bitsets);
            prop_assert_eq!(s.records.len(), d.records.len());
            let source = all_counts(&d.records, len);
            for (combo, _) in all_counts(&s.records, len) {
                let n = source.get(&combo).copied().unwrap_or(0);
                prop_assert!(n > 0, "invented {:?}", combo);
                prop_assert!(n >= k, "rare leak {:?} (source count {})", combo, n);
            }
            // Each value appears at most as often as in the source.
            for (combo, n) in all_counts(&s.records, 1) {
                prop_assert!(n <= source[&combo], "{:?} added beyond its loss", combo);
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
