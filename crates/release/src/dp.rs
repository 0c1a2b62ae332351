//! Differentially private aggregates and synthesis, after the DP mode of Microsoft's
//! synthetic-data-showcase (SDS), with the accounting done in zero-concentrated DP (zCDP) and
//! exact integer noise.
//!
//! # What is protected, and what is assumed
//!
//! - The unit of privacy is one record (add/remove neighbours): adding or removing any one record
//!   changes the distribution of everything released by at most (ε, δ). A person behind several
//!   records is only protected as a group of that size, with a correspondingly weaker guarantee.
//! - Public: the column headers (the schema), the options, and the code. The values of a column
//!   are **not** assumed public: only values some record holds can appear, and whether a value or
//!   combination held by a single record appears is covered by δ (see the thresholds below).
//! - Everything released is derived from noisy outputs and public data only: the record count is
//!   noisy, the contribution bound is fixed or noisy, and lines are written in label order, never
//!   in item-id order (ids follow the order of first appearance in the input file). How many
//!   distinct combinations the data hold is never released.
//! - The noise comes from ChaCha12 (`StdRng`) seeded by the operating system. `DpOptions::seed`
//!   makes runs repeatable for tests and voids the guarantee; the report says when it was used.
//! - Timing and memory side channels are out of scope.
//!
//! # Mechanism
//!
//! 1. The record count n is released as max(0, n + Z₀), Z₀ ~ N_ℤ(0, σ₀²).
//! 2. The contribution bound m is fixed ([`ContributionBound::Fixed`]), or the P-th percentile of
//!    a noisy histogram of record lengths over the public bins 0..=K (K = `max_record_length`,
//!    by default the number of columns; longer records count in bin K), each bin + N_ℤ(0, σ_h²).
//!    A bound computed from the true lengths would leak them.
//! 3. Each record longer than m keeps m of its values, chosen uniformly at random.
//! 4. For l = 1..=L, the candidates are the combinations of l values held by at least one bounded
//!    record whose every (l−1)-sub-combination was released at length l − 1. Each candidate's
//!    count gets its own noise N_ℤ(0, σ_l²) and is released, noisy, iff it reaches the threshold
//!    τ_l. Hence no released combination is absent from the data, and no two values of a
//!    single-valued column are ever combined.
//!
//! N_ℤ(0, σ²) is the discrete Gaussian, P(z) ∝ exp(−z²/2σ²) on the integers, sampled exactly
//! with integer arithmetic (Canonne, Kamath and Steinke 2020, "The discrete Gaussian for
//! differential privacy", Algorithms 1–3), so there is no floating-point leak of the kind Mironov
//! found in textbook samplers. σ² is an integer, rounded up from the calibration (only adds noise).
//!
//! # Accounting
//!
//! A record changes the record count, and one bin of the length histogram, by 1: each is
//! ρ = 1/(2σ²)-zCDP (CKS20: the discrete Gaussian with L2 sensitivity Δ is Δ²/(2σ²)-zCDP). A
//! bounded record holds at most C(m, l) combinations of length l and changes each of their counts
//! by 1: L2 sensitivity Δ_l = √C(m, l), so ρ_l = C(m, l)/(2σ_l²).
//!
//! Noise is only added to combinations the data hold (the Gaussian sparse histogram mechanism;
//! Wilkins, Kifer, Zhang and Karrer 2024), so the candidates differ between neighbours: a
//! combination only the added record holds has count 1 and is released iff 1 + Z ≥ τ_l. For the
//! discrete Gaussian and an integer t ≥ 1, P(Z ≥ t) ≤ Q((t−1)/σ), Q the standard normal upper tail
//! (bound each term by the integral over [z−1, z]; the normalising sum is at least σ√(2π)), and
//! Q(x) ≤ min(½·e^(−x²/2), φ(x)/x). With at most C(m, l) such combinations, the chance that any is
//! released is at most δ_l = C(m, l)·Q((τ_l − 2)/σ_l); outside that event the release is the plain
//! Gaussian mechanism over the combinations both neighbours hold (an event on the output, as
//! the noise of each combination is independent). So length l is δ_l-approximate ρ_l-zCDP
//! (Bun and Steinke 2016, §8). Approximate zCDP composes adaptively by adding the ρ's and the
//! δ's, and ρ-zCDP gives (ρ + 2√(ρ·ln(1/δ_c)), δ_c)-DP (Bun and Steinke 2016, Prop. 1.3). In all, the release is (ε, δ_c + Σδ_l)-DP with ε = ρ + 2√(ρ·ln(1/δ_c)),
//! ρ = ρ₀ + ρ_h + Σρ_l.
//!
//! Calibration from the requested (ε, δ): δ_c = δ/2 and δ_l = δ/(2L); ρ = (√(ln(1/δ_c) + ε) −
//! √ln(1/δ_c))², the largest that converts to ε; ρ₀ = `record_count_share`·ρ, ρ_h = the
//! percentile's `share`·ρ, and the lengths 1..=min(L, m) split the rest by `length_weights`;
//! σ² = ⌈Δ²/(2ρ_part)⌉; τ_l is the smallest integer ≥ 2 whose δ_l fits (raised to
//! `min_thresholds` if asked). The (ε, δ) spent are then recomputed from the σ's and τ's actually
//! used, and are at most those requested. Floating point is only used for this accounting (with a
//! 10⁻⁹ relative margin), never for sampling.
//!
//! Releases compose in the [`BudgetLedger`] by adding their (ε, δ) (basic composition).
//!
//! # Synthesis and utility
//!
//! [`DpAggregates::synthesize`] reads nothing but the released aggregates and the schema, so it is
//! post-processing and costs no budget. Any utility figure measured against the true data is a
//! function of the private data, outside the guarantee: it is not in the report, and
//! [`DpAggregates::local_error`] / [`DpSynthetic::local_error`] are for the operator's eyes only.
use std::fmt;
use std::io::Write;
use std::path::Path;

use rand::rngs::{StdRng, SysRng};
use rand::seq::SliceRandom;
use rand::{Rng, RngExt, SeedableRng};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::aggregate::MAX_REPORTING_LENGTH;
use crate::data::{Dataset, ITEM_BITS};

/// Largest noise variance supported: keeps the sampler's integers within `u128`.
const MAX_VARIANCE: u64 = 1 << 40;

/// Largest fixed contribution bound (values kept per record).
pub const MAX_ATTRIBUTES: usize = 128;

/// Relative margin taken off the budget before calibrating, so that rounding in the floating-point
/// accounting can never push the spent budget over the requested one.
const MARGIN: f64 = 1e-9;

#[derive(Debug, thiserror::Error)]
pub enum DpError {
    #[error("epsilon must be a positive finite number (got {0})")]
    Epsilon(f64),
    #[error("delta must be strictly between 0 and 1 (got {0})")]
    Delta(f64),
    #[error("the reporting length must be 1 to {MAX_REPORTING_LENGTH}")]
    ReportingLength,
    #[error("invalid option: {0}")]
    Option(String),
    #[error("privacy budget exceeded: this release needs {requested}, only {remaining} remain")]
    BudgetExceeded {
        requested: Budget,
        remaining: Budget,
    },
    #[error("budget ledger {path}: {message}")]
    Ledger { path: String, message: String },
    #[error("no randomness from the operating system: {0}")]
    Randomness(String),
    #[error("privacy accounting: {0}")]
    Accounting(String),
}

/// An (ε, δ) pair.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub epsilon: f64,
    pub delta: f64,
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ε = {}, δ = {}", self.epsilon, self.delta)
    }
}

/// How many values each record may contribute (the rest are dropped at random).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ContributionBound {
    /// At most this many values, chosen without looking at the data.
    Fixed(usize),
    /// The `percentile`-th percentile (0 < p ≤ 100) of the record lengths, estimated from a noisy
    /// histogram with `share` of the budget (in ρ).
    Percentile { percentile: f64, share: f64 },
}

#[derive(Clone, Debug)]
pub struct DpOptions {
    pub epsilon: f64,
    pub delta: f64,
    pub reporting_length: usize,
    pub contribution: ContributionBound,
    /// Share of the budget (in ρ) spent on the record count.
    pub record_count_share: f64,
    /// The longest a record can be, for the percentile's histogram (public: not taken from the
    /// data). `None` means the number of columns, right for single-valued columns; with
    /// multi-value columns give a bound of your own, as longer records count as this long.
    pub max_record_length: Option<usize>,
    /// Relative budget of each length 1..=L; empty for equal shares.
    pub length_weights: Vec<f64>,
    /// Per length, the smallest noisy count released, if above the privacy threshold; may be
    /// shorter than L.
    pub min_thresholds: Vec<u64>,
    /// Repeatable noise, for tests only: a seeded release is not private.
    pub seed: Option<u64>,
}

impl DpOptions {
    /// Defaults after SDS: the 99th percentile of record lengths with 1% of the budget (the cap
    /// rarely cuts a record, and the bias it causes is systematic, unlike the noise), and 1% for
    /// the record count (a σ of a few dozen records at ε around 1).
    pub fn new(epsilon: f64, delta: f64, reporting_length: usize) -> DpOptions {
        DpOptions {
            epsilon,
            delta,
            reporting_length,
            contribution: ContributionBound::Percentile {
                percentile: 99.0,
                share: 0.01,
            },
            record_count_share: 0.01,
            max_record_length: None,
            length_weights: Vec::new(),
            min_thresholds: Vec::new(),
            seed: None,
        }
    }

    /// Checks the options, so that a caller can refuse bad ones before charging the budget.
    pub fn validate(&self) -> Result<(), DpError> {
        if !(self.epsilon > 0.0 && self.epsilon.is_finite()) {
            return Err(DpError::Epsilon(self.epsilon));
        }
        if !(self.delta > 0.0 && self.delta < 1.0) {
            return Err(DpError::Delta(self.delta));
        }
        if !(1..=MAX_REPORTING_LENGTH).contains(&self.reporting_length) {
            return Err(DpError::ReportingLength);
        }
        let share_ok = |s: f64| s > 0.0 && s < 1.0;
        let percentile_share = match self.contribution {
            ContributionBound::Fixed(m) => {
                if !(1..=MAX_ATTRIBUTES).contains(&m) {
                    return Err(DpError::Option(format!(
                        "the contribution bound must be 1 to {MAX_ATTRIBUTES} values (got {m})"
                    )));
                }
                0.0
            }
            ContributionBound::Percentile { percentile, share } => {
                if !(percentile > 0.0 && percentile <= 100.0) {
                    return Err(DpError::Option(format!(
                        "the percentile must be above 0 and at most 100 (got {percentile})"
                    )));
                }
                if !share_ok(share) {
                    return Err(DpError::Option(format!(
                        "the percentile's budget share must be between 0 and 1 (got {share})"
                    )));
                }
                share
            }
        };
        if !share_ok(self.record_count_share) {
            return Err(DpError::Option(format!(
                "the record count's budget share must be between 0 and 1 (got {})",
                self.record_count_share
            )));
        }
        if percentile_share + self.record_count_share >= 1.0 {
            return Err(DpError::Option(
                "the record count and percentile shares leave no budget for the counts".into(),
            ));
        }
        if let Some(k) = self.max_record_length
            && !(1..=MAX_ATTRIBUTES).contains(&k)
        {
            return Err(DpError::Option(format!(
                "the longest record must be 1 to {MAX_ATTRIBUTES} values (got {k})"
            )));
        }
        if !self.length_weights.is_empty()
            && (self.length_weights.len() != self.reporting_length
                || !self
                    .length_weights
                    .iter()
                    .all(|w| *w > 0.0 && w.is_finite()))
        {
            return Err(DpError::Option(format!(
                "length weights must be {} positive numbers, one per length",
                self.reporting_length
            )));
        }
        if self.min_thresholds.len() > self.reporting_length {
            return Err(DpError::Option(format!(
                "at most {} minimum thresholds, one per length",
                self.reporting_length
            )));
        }
        Ok(())
    }
}

/// The largest ρ whose conversion gives `epsilon` at `delta`: the root of
/// ε = ρ + 2√(ρ·ln(1/δ)), written without cancellation.
pub fn rho_for(epsilon: f64, delta: f64) -> f64 {
    let l = (1.0 / delta).ln();
    let root = epsilon / ((l + epsilon).sqrt() + l.sqrt());
    root * root
}

/// ε of ρ-zCDP at `delta` (Bun and Steinke 2016, Prop. 1.3).
pub fn epsilon_for(rho: f64, delta: f64) -> f64 {
    rho + 2.0 * (rho * (1.0 / delta).ln()).sqrt()
}

/// An upper bound on the standard normal upper tail Q(x) = P(N(0, 1) ≥ x).
fn normal_tail_bound(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let e = (-x * x / 2.0).exp();
    (0.5 * e).min(e / (x * (2.0 * std::f64::consts::PI).sqrt()))
}

/// δ_l of a threshold: the chance that any of `keys` combinations held by one record only (true
/// count 1) reaches `threshold` with noise of variance `variance`.
fn selection_delta(keys: u64, variance: u64, threshold: u64) -> f64 {
    let x = (threshold as f64 - 2.0) / (variance as f64).sqrt();
    (keys as f64 * normal_tail_bound(x)).min(1.0)
}

/// The smallest threshold ≥ 2 whose [`selection_delta`] is at most `target`.
fn threshold_for(keys: u64, variance: u64, target: f64) -> u64 {
    let mut hi = 2u64;
    while selection_delta(keys, variance, hi) > target {
        hi = 2 + (hi - 1) * 2;
    }
    let mut lo = 2u64;
    // Invariant: hi fits; everything below lo is known not to fit.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if selection_delta(keys, variance, mid) <= target {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    hi
}

/// The integer noise variance giving `rho` for a squared sensitivity `sensitivity_sq`.
fn variance_for(sensitivity_sq: f64, rho: f64) -> Result<u64, DpError> {
    let v = (sensitivity_sq / (2.0 * rho)).ceil().max(1.0);
    if v > MAX_VARIANCE as f64 {
        return Err(DpError::Option(format!(
            "the budget is too small: the noise would need σ ≈ {:.0}",
            v.sqrt()
        )));
    }
    Ok(v as u64)
}

fn binomial(n: usize, k: usize) -> u64 {
    if k > n {
        return 0;
    }
    (0..k).fold(1u64, |acc, i| acc * (n - i) as u64 / (i as u64 + 1))
}

fn make_rng(seed: Option<u64>) -> Result<StdRng, DpError> {
    match seed {
        Some(s) => Ok(StdRng::seed_from_u64(s)),
        None => StdRng::try_from_rng(&mut SysRng).map_err(|e| DpError::Randomness(e.to_string())),
    }
}

// Exact samplers (CKS20), integer arithmetic only. The products below are checked; the few
// branches taken on overflow have probabilities below 2^-1000 and only ever reject.

/// Uniform on 0..n (n ≥ 1), by rejection: no modulo bias.
fn uniform_below<R: Rng + ?Sized>(rng: &mut R, n: u128) -> u128 {
    if n <= 1 {
        return 0;
    }
    let bits = 128 - (n - 1).leading_zeros();
    loop {
        let x = if bits <= 64 {
            u128::from(rng.next_u64() >> (64 - bits))
        } else {
            ((u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64())) >> (128 - bits)
        };
        if x < n {
            return x;
        }
    }
}

/// Bernoulli(exp(−n/d)) for 0 ≤ n ≤ d (CKS20 Algorithm 1: the first K with A_K = 0, where
/// A_k ~ Bernoulli(γ/k), is odd with probability e^(−γ)).
fn bernoulli_exp_small<R: Rng + ?Sized>(rng: &mut R, n: u128, d: u128) -> bool {
    let mut k: u128 = 1;
    while let Some(dk) = d.checked_mul(k)
        && uniform_below(rng, dk) < n
    {
        k += 1;
    }
    k % 2 == 1
}

/// Bernoulli(exp(−n/d)) for any n/d ≥ 0: e^(−γ) = (e^(−1))^⌊γ⌋ · e^(−(γ − ⌊γ⌋)).
fn bernoulli_exp<R: Rng + ?Sized>(rng: &mut R, n: u128, d: u128) -> bool {
    let mut whole = n / d;
    while whole > 0 {
        if !bernoulli_exp_small(rng, 1, 1) {
            return false;
        }
        whole -= 1;
    }
    bernoulli_exp_small(rng, n % d, d)
}

/// Discrete Laplace, P(x) ∝ e^(−|x|/t) (CKS20 Algorithm 2 with s = 1): magnitude and sign.
fn discrete_laplace<R: Rng + ?Sized>(rng: &mut R, t: u128) -> (u128, bool) {
    loop {
        let u = uniform_below(rng, t);
        if !bernoulli_exp(rng, u, t) {
            continue;
        }
        let mut v: u128 = 0;
        while bernoulli_exp_small(rng, 1, 1) {
            v += 1;
        }
        let Some(x) = v.checked_mul(t).and_then(|tv| tv.checked_add(u)) else {
            continue;
        };
        let negative = rng.next_u64() & 1 == 1;
        if negative && x == 0 {
            continue;
        }
        return (x, negative);
    }
}

/// Discrete Gaussian N_ℤ(0, s), s = σ² a positive integer (CKS20 Algorithm 3: a discrete Laplace
/// of scale t = ⌊σ⌋ + 1, kept with probability exp(−(|y| − σ²/t)²/(2σ²))).
fn discrete_gaussian<R: Rng + ?Sized>(rng: &mut R, s: u64) -> i64 {
    let t = u128::from(s.isqrt() + 1);
    let s = u128::from(s);
    // (|y| − s/t)²/(2s) = (|y|·t − s)²/(2·s·t²)
    let den = 2 * s * t * t;
    loop {
        let (y, negative) = discrete_laplace(rng, t);
        let Some(num) = y
            .checked_mul(t)
            .map(|yt| yt.abs_diff(s))
            .and_then(|d| d.checked_mul(d))
        else {
            continue;
        };
        if bernoulli_exp(rng, num, den) {
            let Ok(y) = i64::try_from(y) else { continue };
            return if negative { -y } else { y };
        }
    }
}

/// Packs sorted item ids (each + 1, so that lengths never collide) into one key.
#[inline]
fn key(items: &[u32]) -> u64 {
    items
        .iter()
        .fold(0u64, |k, i| (k << ITEM_BITS) | u64::from(*i + 1))
}

/// The key of `items` without the one at `skip`.
#[inline]
fn key_without(items: &[u32], skip: usize) -> u64 {
    items
        .iter()
        .enumerate()
        .filter(|(p, _)| *p != skip)
        .fold(0u64, |k, (_, i)| (k << ITEM_BITS) | u64::from(*i + 1))
}

fn unpack(mut key: u64) -> Vec<u32> {
    let mut v = Vec::with_capacity(MAX_REPORTING_LENGTH);
    while key != 0 {
        v.push((key & ((1 << ITEM_BITS) - 1)) as u32 - 1);
        key >>= ITEM_BITS;
    }
    v.reverse();
    v
}

fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 16)
}

/// Calls `out` with the key of every candidate of length `len` of a record (sorted, only released
/// items): every prefix must have been released, and every (len−1)-sub-combination too.
fn candidates(r: &[u32], len: usize, released: &FxHashMap<u64, u64>, out: &mut dyn FnMut(u64)) {
    fn walk(
        r: &[u32],
        start: usize,
        len: usize,
        cur: &mut Vec<u32>,
        released: &FxHashMap<u64, u64>,
        out: &mut dyn FnMut(u64),
    ) {
        let need = len - cur.len();
        for i in start..r.len() {
            if r.len() - i < need {
                break;
            }
            cur.push(r[i]);
            if cur.len() == len {
                // The prefix is released; check the parents that hold the new item.
                if len <= 2
                    || (0..len - 1).all(|skip| released.contains_key(&key_without(cur, skip)))
                {
                    out(key(cur));
                }
            } else if cur.len() == 1 || released.contains_key(&key(cur)) {
                walk(r, i + 1, len, cur, released, out);
            }
            cur.pop();
        }
    }
    walk(r, 0, len, &mut Vec::with_capacity(len), released, out);
}

/// Counts, over every core, what `each` reports per record; sorted by key.
fn count_keys(
    records: &[Vec<u32>],
    each: impl Fn(&[u32], &mut dyn FnMut(u64)) + Sync,
) -> Vec<(u64, u64)> {
    let chunk = records.len().div_ceil(threads()).max(1);
    let parts: Vec<FxHashMap<u64, u64>> = std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                let each = &each;
                s.spawn(move || {
                    let mut m = FxHashMap::<u64, u64>::default();
                    for r in part {
                        each(r, &mut |k| *m.entry(k).or_insert(0) += 1);
                    }
                    m
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("counting thread"))
            .collect()
    });
    let mut total = FxHashMap::<u64, u64>::default();
    for p in parts {
        if total.is_empty() {
            total = p;
            continue;
        }
        for (k, v) in p {
            *total.entry(k).or_insert(0) += v;
        }
    }
    // Sorted, so that the noise drawn for a combination does not depend on hashing or threads.
    let mut v: Vec<(u64, u64)> = total.into_iter().collect();
    v.sort_unstable();
    v
}

/// The noise and threshold of one length.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Level {
    pub length: usize,
    /// Combinations of this length one record can change: C(m, l) = Δ_l².
    pub sensitivity_squared: u64,
    /// σ_l² (an integer).
    pub variance: u64,
    pub sigma: f64,
    pub threshold: u64,
    pub rho: f64,
    /// δ_l: the chance that a combination held by one record only is released.
    pub delta: f64,
}

/// Noisy combinations and record count, and how they were made.
#[derive(Clone, Debug)]
pub struct DpAggregates {
    /// Released combinations (sorted item ids) with their noisy counts, by length then ids.
    pub combinations: Vec<(Vec<u32>, u64)>,
    pub noisy_record_count: u64,
    pub reporting_length: usize,
    /// m: the most values a record contributed.
    pub max_attributes: usize,
    pub contribution: ContributionBound,
    /// Lengths 1..=min(L, m) (longer combinations cannot exist under the bound).
    pub levels: Vec<Level>,
    pub record_count_variance: u64,
    pub length_histogram_variance: Option<u64>,
    pub rho: f64,
    pub delta_conversion: f64,
    pub requested: Budget,
    /// What the accounting proves, from the noise actually used (at most `requested`).
    pub spent: Budget,
    pub seeded: bool,
}

/// For the release manifest: everything here is public.
#[derive(Clone, Debug, Serialize)]
pub struct DpReport {
    pub method: &'static str,
    pub accounting: &'static str,
    /// The (ε, δ) requested, to charge to the ledger.
    pub epsilon: f64,
    pub delta: f64,
    /// The (ε, δ) the accounting proves for the noise actually drawn (at most the requested).
    pub epsilon_spent: f64,
    pub delta_spent: f64,
    pub rho: f64,
    pub reporting_length: usize,
    pub max_attributes_per_record: usize,
    pub max_attributes_from: String,
    pub record_count_sigma: f64,
    pub noisy_record_count: u64,
    /// Per length 1..=min(L, m).
    pub sigma: Vec<f64>,
    pub thresholds: Vec<u64>,
    pub levels: Vec<Level>,
    pub combinations_released: Vec<usize>,
    /// True if the noise was seeded (tests): such a release is not private.
    pub seeded: bool,
}

/// Noisy P-th percentile of the record lengths (at least 1), from a histogram over the public
/// bins 0..=k.
fn noisy_percentile(
    data: &Dataset,
    k: usize,
    percentile: f64,
    variance: u64,
    rng: &mut StdRng,
) -> usize {
    let mut bins = vec![0i64; k + 1];
    for r in &data.records {
        bins[r.len().min(k)] += 1;
    }
    for b in &mut bins {
        *b += discrete_gaussian(rng, variance);
    }
    // The noise is not clamped: it then cancels on average in the cumulative sums.
    let total: i64 = bins.iter().sum();
    let target = percentile / 100.0 * total as f64;
    let mut cum = 0i64;
    for (len, b) in bins.iter().enumerate() {
        cum += b;
        if cum as f64 >= target {
            return len.max(1);
        }
    }
    k
}

/// A record's values, at most `m` of them chosen uniformly at random.
fn bound(r: &[u32], m: usize, rng: &mut StdRng) -> Vec<u32> {
    if r.len() <= m {
        return r.to_vec();
    }
    let mut v = r.to_vec();
    for i in 0..m {
        let j = i + uniform_below(rng, (v.len() - i) as u128) as usize;
        v.swap(i, j);
    }
    v.truncate(m);
    v.sort_unstable();
    v
}

/// Noisy counts of the records and of the combinations of up to `reporting_length` values, by
/// the mechanism and with the accounting of the module documentation.
pub fn dp_aggregate(data: &Dataset, opts: &DpOptions) -> Result<DpAggregates, DpError> {
    opts.validate()?;
    let mut rng = make_rng(opts.seed)?;
    let len = opts.reporting_length;
    let delta_conversion = opts.delta / 2.0;
    let rho = rho_for(opts.epsilon, delta_conversion) * (1.0 - MARGIN);
    let mut rho_spent = 0.0;

    let record_count_variance = variance_for(1.0, rho * opts.record_count_share)?;
    rho_spent += 1.0 / (2.0 * record_count_variance as f64);
    let n = data.records.len() as i64;
    let noisy_record_count = (n + discrete_gaussian(&mut rng, record_count_variance)).max(0) as u64;

    let (max_attributes, length_histogram_variance, percentile_share) = match opts.contribution {
        ContributionBound::Fixed(m) => (m, None, 0.0),
        ContributionBound::Percentile { percentile, share } => {
            let v = variance_for(1.0, rho * share)?;
            rho_spent += 1.0 / (2.0 * v as f64);
            (
                noisy_percentile(
                    data,
                    opts.max_record_length
                        .unwrap_or(data.headers.len())
                        .clamp(1, MAX_ATTRIBUTES),
                    percentile,
                    v,
                    &mut rng,
                ),
                Some(v),
                share,
            )
        }
    };
    let m = max_attributes;
    let bounded: Vec<Vec<u32>> = data.records.iter().map(|r| bound(r, m, &mut rng)).collect();

    // Longer combinations than m cannot exist: their budget goes to the others.
    let lengths = len.min(m);
    let weights: Vec<f64> = if opts.length_weights.is_empty() {
        vec![1.0; lengths]
    } else {
        opts.length_weights[..lengths].to_vec()
    };
    let weight_sum: f64 = weights.iter().sum();
    let rho_lengths = rho * (1.0 - opts.record_count_share - percentile_share);
    let delta_each = opts.delta / (2.0 * len as f64) * (1.0 - MARGIN);

    let levels: Vec<Level> = (1..=lengths)
        .map(|l| {
            let keys = binomial(m, l);
            let variance = variance_for(keys as f64, rho_lengths * weights[l - 1] / weight_sum)?;
            let floor = opts.min_thresholds.get(l - 1).copied().unwrap_or(0);
            let threshold = threshold_for(keys, variance, delta_each).max(floor);
            Ok(Level {
                length: l,
                sensitivity_squared: keys,
                variance,
                sigma: (variance as f64).sqrt(),
                threshold,
                rho: keys as f64 / (2.0 * variance as f64),
                delta: selection_delta(keys, variance, threshold),
            })
        })
        .collect::<Result<_, DpError>>()?;
    rho_spent += levels.iter().map(|l| l.rho).sum::<f64>();
    let spent = Budget {
        epsilon: epsilon_for(rho_spent, delta_conversion),
        delta: delta_conversion + levels.iter().map(|l| l.delta).sum::<f64>(),
    };
    if !(spent.epsilon <= opts.epsilon && spent.delta <= opts.delta) {
        return Err(DpError::Accounting(format!(
            "the noise chosen proves {spent}, more than the {} requested",
            Budget {
                epsilon: opts.epsilon,
                delta: opts.delta
            }
        )));
    }

    let mut released: FxHashMap<u64, u64> = FxHashMap::default();
    let mut combinations: Vec<(Vec<u32>, u64)> = Vec::new();
    let mut projected: Vec<Vec<u32>> = Vec::new();
    for level in &levels {
        let l = level.length;
        let counts: Vec<(u64, u64)> = if l == 1 {
            let mut single = vec![0u64; data.items.len()];
            for r in &bounded {
                for i in r {
                    single[*i as usize] += 1;
                }
            }
            (0..data.items.len() as u32)
                .filter(|i| single[*i as usize] > 0)
                .map(|i| (key(&[i]), single[i as usize]))
                .collect()
        } else {
            projected.retain(|r| r.len() >= l);
            count_keys(&projected, |r, out| candidates(r, l, &released, out))
        };
        for (k, c) in counts {
            let noisy = c as i64 + discrete_gaussian(&mut rng, level.variance);
            if noisy >= level.threshold as i64 {
                released.insert(k, noisy as u64);
                combinations.push((unpack(k), noisy as u64));
            }
        }
        if l == 1 {
            projected = bounded
                .iter()
                .map(|r| {
                    r.iter()
                        .copied()
                        .filter(|i| released.contains_key(&key(&[*i])))
                        .collect::<Vec<u32>>()
                })
                .filter(|r| r.len() >= 2)
                .collect();
        }
    }
    Ok(DpAggregates {
        combinations,
        noisy_record_count,
        reporting_length: len,
        max_attributes: m,
        contribution: opts.contribution,
        levels,
        record_count_variance,
        length_histogram_variance,
        rho: rho_spent,
        delta_conversion,
        requested: Budget {
            epsilon: opts.epsilon,
            delta: opts.delta,
        },
        spent,
        seeded: opts.seed.is_some(),
    })
}

/// Counts of the combinations in `keys` over `records` (prefix-closed: only extends released
/// prefixes), for the local error measures.
fn count_released(
    records: &[Vec<u32>],
    keys: &FxHashMap<u64, u64>,
    len: usize,
) -> FxHashMap<u64, u64> {
    fn walk(
        r: &[u32],
        start: usize,
        len: usize,
        cur: &mut Vec<u32>,
        keys: &FxHashMap<u64, u64>,
        out: &mut dyn FnMut(u64),
    ) {
        for i in start..r.len() {
            cur.push(r[i]);
            let k = key(cur);
            if keys.contains_key(&k) {
                out(k);
                if cur.len() < len {
                    walk(r, i + 1, len, cur, keys, out);
                }
            }
            cur.pop();
        }
    }
    count_keys(records, |r, out| {
        walk(r, 0, len, &mut Vec::with_capacity(len), keys, out)
    })
    .into_iter()
    .collect()
}

/// Error of released counts against the true data, per length. For the operator only: it is
/// computed from the private data and not covered by the guarantee, so it must not be published.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LocalError {
    pub combinations: Vec<usize>,
    pub mean_absolute_error: Vec<f64>,
    pub mean_relative_error: Vec<f64>,
}

fn local_error(
    data: &Dataset,
    combinations: &[(Vec<u32>, u64)],
    counts: impl Fn(u64) -> u64,
    len: usize,
) -> LocalError {
    let keys: FxHashMap<u64, u64> = combinations.iter().map(|(c, n)| (key(c), *n)).collect();
    let truth = count_released(&data.records, &keys, len);
    let mut e = LocalError {
        combinations: vec![0; len],
        mean_absolute_error: vec![0.0; len],
        mean_relative_error: vec![0.0; len],
    };
    for (c, _) in combinations {
        let k = key(c);
        let t = truth.get(&k).copied().unwrap_or(0) as f64;
        let err = (counts(k) as f64 - t).abs();
        let l = c.len() - 1;
        e.combinations[l] += 1;
        e.mean_absolute_error[l] += err;
        e.mean_relative_error[l] += err / t.max(1.0);
    }
    for l in 0..len {
        let n = e.combinations[l].max(1) as f64;
        e.mean_absolute_error[l] /= n;
        e.mean_relative_error[l] /= n;
    }
    e
}

impl DpAggregates {
    /// The SDS aggregate TSV, as [`crate::Aggregates::write_tsv`] writes it: a header, the noisy
    /// record count on a `record_count` line, then `col:value;col:value<TAB>noisy_count`, in
    /// `sds-cli`'s order (never id order, which follows the input file).
    pub fn write_tsv(&self, data: &Dataset, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "selections\tprotected_count")?;
        writeln!(out, "record_count\t{}", self.noisy_record_count)?;
        crate::aggregate::write_sds_lines(
            data,
            self.combinations.iter().map(|(c, n)| (c.as_slice(), *n)),
            out,
        )
    }

    /// How many combinations of each length were released (1..=L).
    pub fn by_length(&self) -> Vec<usize> {
        let mut v = vec![0; self.reporting_length];
        for (c, _) in &self.combinations {
            v[c.len() - 1] += 1;
        }
        v
    }

    pub fn report(&self) -> DpReport {
        DpReport {
            method: "differentially private aggregates (SDS format): discrete Gaussian noise, \
                     contribution bounding, thresholds",
            accounting: "approximate zCDP: rho = sum of rho per part, epsilon = rho + \
                         2*sqrt(rho*ln(1/delta_conversion)), delta = delta_conversion + sum of \
                         threshold deltas",
            epsilon: self.requested.epsilon,
            delta: self.requested.delta,
            epsilon_spent: self.spent.epsilon,
            delta_spent: self.spent.delta,
            rho: self.rho,
            reporting_length: self.reporting_length,
            max_attributes_per_record: self.max_attributes,
            max_attributes_from: match self.contribution {
                ContributionBound::Fixed(_) => "fixed".into(),
                ContributionBound::Percentile { percentile, .. } => {
                    format!("noisy {percentile}th percentile of record lengths")
                }
            },
            record_count_sigma: (self.record_count_variance as f64).sqrt(),
            noisy_record_count: self.noisy_record_count,
            sigma: self.levels.iter().map(|l| l.sigma).collect(),
            thresholds: self.levels.iter().map(|l| l.threshold).collect(),
            levels: self.levels.clone(),
            combinations_released: self.by_length(),
            seeded: self.seeded,
        }
    }

    /// Error of the noisy counts against the true ones (operator only; never publish).
    pub fn local_error(&self, data: &Dataset) -> LocalError {
        let noisy: FxHashMap<u64, u64> = self
            .combinations
            .iter()
            .map(|(c, n)| (key(c), *n))
            .collect();
        local_error(
            data,
            &self.combinations,
            |k| noisy.get(&k).copied().unwrap_or(0),
            self.reporting_length,
        )
    }

    /// `noisy_record_count` synthetic records drawn from the released aggregates alone (the data
    /// lend only their schema and the labels of released values): post-processing, no budget.
    ///
    /// Each record takes the columns in a random order. A column's values are drawn with the
    /// probabilities the counts imply given the values already drawn: first the 1-way counts
    /// (over the noisy record count, the rest being blank), then conditioned on the last value
    /// drawn (2-way counts), then on the last two (3-way), and so on up to the reporting length,
    /// as long as the conditioning combination was released. A combination not released is
    /// estimated from the shorter conditioning, capped below its length's threshold (its noisy
    /// count was below it). A column with two of its values in one released pair is multi-valued:
    /// each of its values is then drawn independently.
    pub fn synthesize(&self, data: &Dataset, seed: Option<u64>) -> Result<DpSynthetic, DpError> {
        let model = Model::new(self, data);
        let mut rng = make_rng(seed)?;
        // Chunks with their own generators: the same seed gives the same records on any number
        // of cores.
        const CHUNK: usize = 4096;
        let n = self.noisy_record_count as usize;
        let mut jobs: Vec<(StdRng, usize)> = (0..n.div_ceil(CHUNK))
            .map(|j| (StdRng::from_rng(&mut rng), CHUNK.min(n - j * CHUNK)))
            .collect();
        let per = jobs.len().div_ceil(threads()).max(1);
        let mut groups = Vec::new();
        while !jobs.is_empty() {
            let rest = jobs.split_off(per.min(jobs.len()));
            groups.push(std::mem::replace(&mut jobs, rest));
        }
        let records = std::thread::scope(|s| {
            let handles: Vec<_> = groups
                .into_iter()
                .map(|group| {
                    let model = &model;
                    s.spawn(move || {
                        let mut out = Vec::new();
                        let mut scratch = Scratch::default();
                        for (mut rng, count) in group {
                            for _ in 0..count {
                                out.push(model.record(&mut rng, &mut scratch));
                            }
                        }
                        out
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("synthesis thread"))
                .collect::<Vec<Vec<u32>>>()
        });
        Ok(DpSynthetic { records })
    }
}

/// The released aggregates, arranged for drawing records.
struct Model {
    counts: FxHashMap<u64, f64>,
    /// Released values of each column (the columns without any are always blank).
    by_column: Vec<Vec<u32>>,
    multi: Vec<bool>,
    /// Per column, the 1-way probabilities of its values.
    marginal: Vec<Vec<f64>>,
    /// Per length l ≥ 1 (index l − 1), the cap on an unreleased combination's count.
    cap: Vec<f64>,
    len: usize,
}

#[derive(Default)]
struct Scratch {
    order: Vec<usize>,
    context: Vec<u32>,
    p: Vec<f64>,
    released: Vec<Option<f64>>,
}

impl Model {
    fn new(a: &DpAggregates, data: &Dataset) -> Model {
        let columns = data.headers.len();
        let counts: FxHashMap<u64, f64> = a
            .combinations
            .iter()
            .map(|(c, n)| (key(c), *n as f64))
            .collect();
        let mut by_column = vec![Vec::new(); columns];
        let mut multi = vec![false; columns];
        for (c, _) in &a.combinations {
            match c.as_slice() {
                [i] => by_column[data.item_column(*i)].push(*i),
                [x, y] if data.item_column(*x) == data.item_column(*y) => {
                    multi[data.item_column(*x)] = true;
                }
                _ => {}
            }
        }
        let n = a.noisy_record_count as f64;
        let marginal = (0..columns)
            .map(|c| {
                let mut p: Vec<f64> = by_column[c].iter().map(|i| counts[&key(&[*i])]).collect();
                normalise(&mut p, n, multi[c]);
                p
            })
            .collect();
        let cap = (1..=a.reporting_length)
            .map(|l| {
                a.levels
                    .get(l - 1)
                    .map_or(f64::INFINITY, |lv| lv.threshold as f64 - 1.0)
            })
            .collect();
        Model {
            counts,
            by_column,
            multi,
            marginal,
            cap,
            len: a.reporting_length,
        }
    }

    fn record(&self, rng: &mut StdRng, s: &mut Scratch) -> Vec<u32> {
        s.order.clear();
        s.order
            .extend((0..self.by_column.len()).filter(|c| !self.by_column[*c].is_empty()));
        s.order.shuffle(rng);
        s.context.clear();
        for &c in &s.order {
            let values = &self.by_column[c];
            s.p.clear();
            s.p.extend_from_slice(&self.marginal[c]);
            // Condition on the last j values drawn, as long as that combination was released.
            for j in 1..=(self.len - 1).min(s.context.len()) {
                let mut given = [0u32; MAX_REPORTING_LENGTH];
                given[..j].copy_from_slice(&s.context[s.context.len() - j..]);
                given[..j].sort_unstable();
                let Some(&base) = self.counts.get(&key(&given[..j])) else {
                    break;
                };
                let mut with = [0u32; MAX_REPORTING_LENGTH];
                s.released.clear();
                s.released.extend(values.iter().map(|&v| {
                    let at = given[..j].partition_point(|x| *x < v);
                    with[..at].copy_from_slice(&given[..at]);
                    with[at] = v;
                    with[at + 1..=j].copy_from_slice(&given[at..j]);
                    self.counts.get(&key(&with[..=j])).copied()
                }));
                // The values not released share what the released ones leave of the mass the
                // shorter conditioning expects (each below its threshold); for a multi-valued
                // column each value is on its own.
                let (mut kept, mut unreleased) = (0.0, 0.0);
                for (p, n) in s.p.iter().zip(&s.released) {
                    match n {
                        Some(n) => kept += n,
                        None => unreleased += p,
                    }
                }
                let rest = (base * s.p.iter().sum::<f64>() - kept).max(0.0);
                for (p, n) in s.p.iter_mut().zip(&s.released) {
                    *p = match n {
                        Some(n) => *n,
                        None if self.multi[c] => (base * *p).min(self.cap[j]),
                        None if unreleased > 0.0 => (rest * *p / unreleased).min(self.cap[j]),
                        None => 0.0,
                    };
                }
                normalise(&mut s.p, base, self.multi[c]);
            }
            if self.multi[c] {
                for (p, &v) in s.p.iter().zip(values) {
                    if rng.random::<f64>() < *p {
                        s.context.push(v);
                    }
                }
            } else {
                let mut u = rng.random::<f64>();
                for (p, &v) in s.p.iter().zip(values) {
                    if u < *p {
                        s.context.push(v);
                        break;
                    }
                    u -= p;
                }
            }
        }
        let mut r = s.context.clone();
        r.sort_unstable();
        r
    }
}

/// Counts (given a conditioning count `base`) into probabilities: for a single-valued column,
/// the values share at most 1 and the rest is blank; for a multi-valued one, each value is its
/// own chance.
fn normalise(p: &mut [f64], base: f64, multi: bool) {
    let total = if multi {
        base
    } else {
        base.max(p.iter().sum())
    };
    for x in p.iter_mut() {
        *x = if total > 0.0 {
            (*x / total).min(1.0)
        } else {
            0.0
        };
    }
}

/// Synthetic records (item ids of the source's released values).
#[derive(Clone, Debug)]
pub struct DpSynthetic {
    pub records: Vec<Vec<u32>>,
}

impl DpSynthetic {
    /// The synthetic records as CSV with the source's header (every column, blank where no value
    /// was drawn). Multi-value columns are joined with `separator`.
    pub fn write_csv(
        &self,
        data: &Dataset,
        separator: &str,
        out: impl std::io::Write,
    ) -> csv::Result<()> {
        data.write_records(&self.records, separator, out)
    }

    /// Error of the synthetic counts of the released combinations against the true counts
    /// (operator only; never publish).
    pub fn local_error(&self, aggregates: &DpAggregates, data: &Dataset) -> LocalError {
        let len = aggregates.reporting_length;
        let keys: FxHashMap<u64, u64> = aggregates
            .combinations
            .iter()
            .map(|(c, n)| (key(c), *n))
            .collect();
        let synthetic = count_released(&self.records, &keys, len);
        local_error(
            data,
            &aggregates.combinations,
            |k| synthetic.get(&k).copied().unwrap_or(0),
            len,
        )
    }
}

/// One release charged to the budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// When (RFC 3339, from the caller).
    pub at: String,
    pub label: String,
    pub epsilon: f64,
    pub delta: f64,
    pub input_sha256: String,
}

/// The privacy budget of one deployment, and what each release took from it. Releases compose by
/// adding their ε's and δ's (basic composition: valid for any mix of mechanisms, if loose for
/// many releases).
///
/// Fail closed: load, [`charge`](BudgetLedger::charge) and [`save`](BudgetLedger::save) before
/// anything of the release is written, so that no output can exist that the ledger does not
/// count; a release that then fails has still spent its budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetLedger {
    pub epsilon_total: f64,
    pub delta_total: f64,
    pub entries: Vec<LedgerEntry>,
}

fn check_charge(epsilon: f64, delta: f64) -> Result<(), DpError> {
    if !(epsilon > 0.0 && epsilon.is_finite()) {
        return Err(DpError::Epsilon(epsilon));
    }
    if !(0.0..1.0).contains(&delta) {
        return Err(DpError::Option(format!(
            "a ledger's delta must be at least 0 and below 1 (got {delta})"
        )));
    }
    Ok(())
}

impl BudgetLedger {
    pub fn new(epsilon_total: f64, delta_total: f64) -> Result<BudgetLedger, DpError> {
        check_charge(epsilon_total, delta_total)?;
        Ok(BudgetLedger {
            epsilon_total,
            delta_total,
            entries: Vec::new(),
        })
    }

    /// The sums of the entries, always added in the same order so that a check in [`charge`]
    /// and a later recomputation agree to the last bit.
    ///
    /// [`charge`]: BudgetLedger::charge
    pub fn spent(&self) -> Budget {
        self.entries.iter().fold(
            Budget {
                epsilon: 0.0,
                delta: 0.0,
            },
            |b, e| Budget {
                epsilon: b.epsilon + e.epsilon,
                delta: b.delta + e.delta,
            },
        )
    }

    pub fn remaining(&self) -> Budget {
        let spent = self.spent();
        Budget {
            epsilon: (self.epsilon_total - spent.epsilon).max(0.0),
            delta: (self.delta_total - spent.delta).max(0.0),
        }
    }

    /// Records a release of (ε, δ), or refuses it, changing nothing, if either total would be
    /// exceeded.
    pub fn charge(
        &mut self,
        epsilon: f64,
        delta: f64,
        label: &str,
        at: &str,
        input_sha256: &str,
    ) -> Result<(), DpError> {
        check_charge(epsilon, delta)?;
        let spent = self.spent();
        if !(spent.epsilon + epsilon <= self.epsilon_total
            && spent.delta + delta <= self.delta_total)
        {
            return Err(DpError::BudgetExceeded {
                requested: Budget { epsilon, delta },
                remaining: self.remaining(),
            });
        }
        self.entries.push(LedgerEntry {
            at: at.to_string(),
            label: label.to_string(),
            epsilon,
            delta,
            input_sha256: input_sha256.to_string(),
        });
        Ok(())
    }

    /// Reads a ledger and checks that it is consistent (valid totals and entries, nothing
    /// overspent).
    pub fn load(path: &Path) -> Result<BudgetLedger, DpError> {
        let err = |message: String| DpError::Ledger {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let ledger: BudgetLedger = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
        let valid = check_charge(ledger.epsilon_total, ledger.delta_total).is_ok()
            && ledger
                .entries
                .iter()
                .all(|e| check_charge(e.epsilon, e.delta).is_ok());
        let spent = ledger.spent();
        if !valid || spent.epsilon > ledger.epsilon_total || spent.delta > ledger.delta_total {
            return Err(err("inconsistent: invalid values or overspent".into()));
        }
        Ok(ledger)
    }

    /// Writes the ledger atomically: a temporary file beside it, synced, renamed over it, and
    /// the directory synced, so a crash leaves the old ledger or the new one, never half of one.
    pub fn save(&self, path: &Path) -> Result<(), DpError> {
        let err = |message: String| DpError::Ledger {
            path: path.display().to_string(),
            message,
        };
        let io = |e: std::io::Error| err(e.to_string());
        let json = serde_json::to_vec_pretty(self).map_err(|e| err(e.to_string()))?;
        let name = path
            .file_name()
            .ok_or_else(|| err("not a file path".into()))?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&json)?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(e));
        }
        #[cfg(unix)]
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn dataset(rows: &[Vec<u8>], cols: usize) -> Dataset {
        crate::test_dataset(rows, cols)
    }

    /// Deterministic pseudo-random rows (SplitMix64).
    fn rows(
        n: usize,
        seed: u64,
        f: impl Fn(&mut dyn FnMut(u64) -> u64) -> Vec<u8>,
    ) -> Vec<Vec<u8>> {
        let mut state = seed;
        let mut next = move |m: u64| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % m
        };
        (0..n).map(|_| f(&mut next)).collect()
    }

    fn true_counts(data: &Dataset, len: usize) -> HashMap<Vec<u32>, u64> {
        let mut m = HashMap::new();
        for r in &data.records {
            let n = r.len();
            for mask in 1u32..(1 << n) {
                if mask.count_ones() as usize <= len {
                    let c: Vec<u32> = (0..n)
                        .filter(|i| mask & (1 << i) != 0)
                        .map(|i| r[i])
                        .collect();
                    *m.entry(c).or_insert(0) += 1;
                }
            }
        }
        m
    }

    fn opts(epsilon: f64, len: usize, seed: u64) -> DpOptions {
        DpOptions {
            seed: Some(seed),
            ..DpOptions::new(epsilon, 1e-6, len)
        }
    }

    #[test]
    fn discrete_gaussian_has_the_right_variance() {
        let mut rng = StdRng::seed_from_u64(7);
        for s in [1u64, 5, 100, 2500] {
            let n = 100_000;
            let xs: Vec<f64> = (0..n)
                .map(|_| discrete_gaussian(&mut rng, s) as f64)
                .collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            let sigma = (s as f64).sqrt();
            assert!(mean.abs() < 0.02 * sigma + 0.01, "mean {mean} for σ² = {s}");
            assert!(
                (var / s as f64 - 1.0).abs() < 0.03,
                "variance {var} for σ² = {s}"
            );
            // Symmetric, and the tail bound the thresholds rely on holds.
            let t = (3.0 * sigma).ceil() as i64;
            let tail = xs.iter().filter(|x| **x >= t as f64).count() as f64 / n as f64;
            assert!(
                tail <= normal_tail_bound((t - 1) as f64 / sigma) + 0.002,
                "tail {tail}"
            );
        }
    }

    #[test]
    fn bernoulli_exp_is_exact_enough() {
        let mut rng = StdRng::seed_from_u64(1);
        for (n, d) in [(3u128, 10u128), (5, 2), (0, 1), (1, 1)] {
            let trials = 200_000;
            let hits = (0..trials)
                .filter(|_| bernoulli_exp(&mut rng, n, d))
                .count();
            let want = (-(n as f64) / d as f64).exp();
            assert!(
                (hits as f64 / trials as f64 - want).abs() < 0.005,
                "exp(-{n}/{d}): {hits}"
            );
        }
        let counts = (0..60_000).fold([0u32; 6], |mut c, _| {
            c[uniform_below(&mut rng, 6) as usize] += 1;
            c
        });
        assert!(
            counts.iter().all(|c| (9_500..10_500).contains(c)),
            "{counts:?}"
        );
    }

    #[test]
    fn zcdp_conversion_by_hand() {
        // ρ = 0.5, δ = 1e-5: 0.5 + 2·√(0.5·ln 10⁵) = 0.5 + 2·√5.756463 = 5.298526.
        assert!((epsilon_for(0.5, 1e-5) - 5.298526).abs() < 1e-6);
        assert!((rho_for(5.298526, 1e-5) - 0.5).abs() < 1e-6);
        // ε = 1, δ = 1e-6: ρ = (√(ln 10⁶ + 1) − √ln 10⁶)² = (3.84909 − 3.71692)² ≈ 0.017469.
        let rho = rho_for(1.0, 1e-6);
        assert!((rho - 0.017_469).abs() < 1e-6, "{rho}");
        assert!((epsilon_for(rho, 1e-6) - 1.0).abs() < 1e-12);
        // Δ² = C(4, 2) = 6 at ρ = 0.1: σ² = 6/0.2 = 30.
        assert_eq!(variance_for(binomial(4, 2) as f64, 0.1).unwrap(), 30);
        // The threshold is the smallest that fits.
        let t = threshold_for(10, 100, 1e-6);
        assert!(selection_delta(10, 100, t) <= 1e-6 && selection_delta(10, 100, t - 1) > 1e-6);
        // 10·Q(5.2) ≈ 10·1.0e-7 ≈ 1e-6: about 2 + 5.2·10.
        assert!((52..=56).contains(&t), "{t}");
    }

    #[test]
    fn options_are_checked() {
        let d = dataset(&[vec![1, 1]], 2);
        let bad = |o: DpOptions| dp_aggregate(&d, &o).unwrap_err();
        for e in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                bad(DpOptions::new(e, 1e-6, 2)),
                DpError::Epsilon(_)
            ));
        }
        for delta in [0.0, 1.0, -0.1, 1.5, f64::NAN] {
            assert!(matches!(
                bad(DpOptions::new(1.0, delta, 2)),
                DpError::Delta(_)
            ));
        }
        for len in [0, 5] {
            assert!(matches!(
                bad(DpOptions::new(1.0, 1e-6, len)),
                DpError::ReportingLength
            ));
        }
        let base = DpOptions::new(1.0, 1e-6, 2);
        for o in [
            DpOptions {
                contribution: ContributionBound::Fixed(0),
                ..base.clone()
            },
            DpOptions {
                contribution: ContributionBound::Percentile {
                    percentile: 0.0,
                    share: 0.1,
                },
                ..base.clone()
            },
            DpOptions {
                contribution: ContributionBound::Percentile {
                    percentile: 50.0,
                    share: 1.0,
                },
                ..base.clone()
            },
            DpOptions {
                record_count_share: 0.995,
                ..base.clone()
            },
            DpOptions {
                length_weights: vec![1.0],
                ..base.clone()
            },
            DpOptions {
                length_weights: vec![1.0, -1.0],
                ..base.clone()
            },
            DpOptions {
                min_thresholds: vec![1, 2, 3],
                ..base.clone()
            },
            DpOptions {
                max_record_length: Some(0),
                ..base.clone()
            },
        ] {
            assert!(matches!(bad(o), DpError::Option(_)));
        }
        assert!(matches!(
            bad(DpOptions::new(1e-12, 1e-6, 2)),
            DpError::Option(_)
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// The accounting never proves more than requested, and spends most of it.
        #[test]
        fn spent_within_requested(
            epsilon in 0.05f64..20.0,
            delta_exp in 2.0f64..12.0,
            len in 1usize..=4,
            fixed in proptest::option::of(1usize..6),
            seed in any::<u64>(),
        ) {
            let delta = 10f64.powf(-delta_exp);
            let data = dataset(&rows(200, seed, |r| (0..5).map(|_| r(4) as u8).collect()), 5);
            let mut o = DpOptions { seed: Some(seed), ..DpOptions::new(epsilon, delta, len) };
            if let Some(m) = fixed {
                o.contribution = ContributionBound::Fixed(m);
            }
            let a = dp_aggregate(&data, &o).unwrap();
            prop_assert!(a.spent.epsilon <= epsilon && a.spent.delta <= delta, "{:?}", a.spent);
            prop_assert!(a.spent.delta > delta / 2.0);
            // Rounding σ² up to an integer wastes budget only when σ² is small.
            let big = a.record_count_variance >= 100
                && a.length_histogram_variance.is_none_or(|v| v >= 100)
                && a.levels.iter().all(|l| l.variance >= 100);
            if a.max_attributes >= len && big {
                prop_assert!(a.spent.epsilon > 0.9 * epsilon, "{} of {}", a.spent.epsilon, epsilon);
            }
            for (c, n) in &a.combinations {
                prop_assert!(*n >= a.levels[c.len() - 1].threshold);
            }
        }

        /// Budget never exceeded: whatever is charged, in any order, the entries sum to at most
        /// the totals, and a refused charge changes nothing.
        #[test]
        fn budget_never_exceeded(
            total_e in 0.1f64..10.0,
            total_d in 0.0f64..1e-3,
            charges in proptest::collection::vec((-1.0f64..4.0, -1e-4f64..5e-4), 0..40),
        ) {
            let mut ledger = BudgetLedger::new(total_e, total_d).unwrap();
            for (e, d) in charges {
                let before = ledger.clone();
                match ledger.charge(e, d, "release", "2025-01-01T00:00:00Z", "00") {
                    Ok(()) => prop_assert_eq!(ledger.entries.len(), before.entries.len() + 1),
                    Err(_) => prop_assert_eq!(&ledger, &before),
                }
                let spent = ledger.spent();
                prop_assert!(spent.epsilon <= ledger.epsilon_total);
                prop_assert!(spent.delta <= ledger.delta_total);
                prop_assert!(ledger.entries.iter().all(|x| x.epsilon > 0.0 && x.delta >= 0.0));
            }
        }

        /// Values of a single-valued column are never combined.
        #[test]
        fn no_column_twice(
            data in proptest::collection::vec(proptest::collection::vec(0u8..4, 4), 50..300),
            seed in any::<u64>(),
        ) {
            let d = dataset(&data, 4);
            let a = dp_aggregate(&d, &DpOptions { seed: Some(seed), ..DpOptions::new(8.0, 1e-3, 3) }).unwrap();
            for (c, _) in &a.combinations {
                let mut cols: Vec<usize> = c.iter().map(|i| d.item_column(*i)).collect();
                cols.dedup();
                prop_assert_eq!(cols.len(), c.len());
            }
        }
    }

    #[test]
    fn multi_value_columns_may_pair() {
        let mut s = String::from("g,means\n");
        for i in 0..3000 {
            s.push_str(if i % 3 == 0 {
                "F,debt|threats\n"
            } else {
                "M,debt\n"
            });
        }
        let d = Dataset::read(
            s.as_bytes(),
            &crate::ReadOptions {
                multi_value: vec![("means".into(), "|".into())],
                ..Default::default()
            },
        )
        .unwrap();
        let a = dp_aggregate(
            &d,
            &DpOptions {
                max_record_length: Some(4),
                ..opts(2.0, 2, 3)
            },
        )
        .unwrap();
        assert_eq!(a.max_attributes, 3);
        let labels: Vec<String> = a
            .combinations
            .iter()
            .filter(|(c, _)| c.len() == 2)
            .map(|(c, _)| {
                c.iter()
                    .map(|i| d.item_label(*i))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .collect();
        assert!(
            labels.contains(&"means:debt;means:threats".to_string()),
            "{labels:?}"
        );
        // Synthesis treats `means` as multi-valued.
        let syn = a.synthesize(&d, Some(1)).unwrap();
        let both = syn.records.iter().filter(|r| r.len() == 3).count();
        assert!(both > 500, "{both} records with both means");
    }

    /// 20 000 records with strong structure: big counts come out close to the truth.
    fn structured(n: usize, seed: u64) -> Dataset {
        let data = rows(n, seed, |r| {
            let a = if r(10) < 7 { 1 } else { 2 };
            let b = if r(10) < 9 { a } else { 3 };
            let c = 1 + r(3) as u8;
            let d = if r(10) < 3 { 0 } else { 1 + r(2) as u8 };
            vec![a, b, c, d]
        });
        dataset(&data, 4)
    }

    #[test]
    fn large_counts_stay_close() {
        let d = structured(20_000, 5);
        let truth = true_counts(&d, 3);
        let a = dp_aggregate(&d, &opts(2.0, 3, 11)).unwrap();
        assert_eq!(a.max_attributes, 4, "every record has 3 or 4 values");
        assert_eq!(a.by_length().len(), 3);
        assert!(a.by_length().iter().all(|n| *n > 5), "{:?}", a.by_length());
        let mut big = 0;
        for (c, n) in &a.combinations {
            let t = truth[c];
            if t >= 1000 {
                big += 1;
                let rel = (*n as f64 - t as f64).abs() / t as f64;
                assert!(rel < 0.05, "{c:?}: {n} against {t}");
            }
        }
        assert!(big > 20, "{big}");
        let e = a.local_error(&d);
        assert!(e.mean_relative_error.iter().all(|x| *x < 0.05), "{e:?}");
        let report = serde_json::to_value(a.report()).unwrap();
        assert_eq!(report["reporting_length"], 3);
        assert_eq!(report["max_attributes_per_record"], 4);
        assert!(report["epsilon_spent"].as_f64().unwrap() <= 2.0);
        assert_eq!(report["seeded"], true);
    }

    #[test]
    fn record_count_is_noisy() {
        let d = dataset(&rows(500, 1, |r| vec![1 + r(2) as u8, 1 + r(3) as u8]), 2);
        let counts: Vec<u64> = (0..20)
            .map(|seed| {
                dp_aggregate(&d, &opts(1.0, 2, seed))
                    .unwrap()
                    .noisy_record_count
            })
            .collect();
        let a = dp_aggregate(&d, &opts(1.0, 2, 0)).unwrap();
        let sigma = (a.record_count_variance as f64).sqrt();
        assert!(counts.iter().any(|c| *c != 500), "{counts:?}");
        assert!(
            counts
                .iter()
                .all(|c| (*c as f64 - 500.0).abs() < 6.0 * sigma),
            "{counts:?}"
        );
        let mut out = Vec::new();
        a.write_tsv(&d, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(&format!(
            "selections\tprotected_count\nrecord_count\t{}\n",
            a.noisy_record_count
        )));
    }

    #[test]
    fn thresholds_drop_rare_combinations() {
        // 2000 common records and one with a unique value.
        let mut data = rows(2000, 2, |r| vec![1 + r(2) as u8, 1 + r(2) as u8, 1]);
        data.push(vec![1, 2, 9]);
        let d = dataset(&data, 3);
        let truth = true_counts(&d, 3);
        let rare = d.items.iter().position(|(_, v)| v == "v9").unwrap() as u32;
        for seed in 0..20 {
            let a = dp_aggregate(&d, &opts(1.0, 3, seed)).unwrap();
            for (c, n) in &a.combinations {
                assert!(!c.contains(&rare), "a value held once was released");
                assert!(truth.contains_key(c), "invented {c:?}");
                assert!(*n >= a.levels[c.len() - 1].threshold);
            }
            assert!(a.levels.iter().all(|l| l.threshold as f64 > 3.0 * l.sigma));
        }
        // A raised threshold drops more.
        let low = dp_aggregate(&d, &opts(1.0, 3, 1)).unwrap();
        let high = dp_aggregate(
            &d,
            &DpOptions {
                min_thresholds: vec![0, 0, 600],
                ..opts(1.0, 3, 1)
            },
        )
        .unwrap();
        assert!(
            high.by_length()[2] < low.by_length()[2],
            "{:?} {:?}",
            high.by_length(),
            low.by_length()
        );
        assert!(
            high.combinations
                .iter()
                .filter(|(c, _)| c.len() == 3)
                .all(|(_, n)| *n >= 600)
        );
    }

    #[test]
    fn contribution_bound() {
        // 20 000 records of 3 values, 100 of 8: the noisy 99th percentile is 3.
        let mut data = rows(20_000, 3, |r| {
            let mut v = vec![0u8; 8];
            for x in v.iter_mut().take(3) {
                *x = 1 + r(2) as u8;
            }
            v
        });
        data.extend(std::iter::repeat_n(vec![1u8; 8], 100));
        let d = dataset(&data, 8);
        let a = dp_aggregate(&d, &opts(1.0, 3, 4)).unwrap();
        assert_eq!(a.max_attributes, 3);
        assert_eq!(a.levels[2].sensitivity_squared, 1);
        assert!(a.report().max_attributes_from.contains("99"));
        let fixed = dp_aggregate(
            &d,
            &DpOptions {
                contribution: ContributionBound::Fixed(2),
                ..opts(1.0, 3, 4)
            },
        )
        .unwrap();
        assert_eq!(fixed.max_attributes, 2);
        assert_eq!(
            fixed.levels.len(),
            2,
            "no triple can exist under a bound of 2"
        );
        assert_eq!(fixed.by_length()[2], 0);
        assert!(fixed.spent.epsilon <= 1.0);
    }

    #[test]
    fn synthetic_records_follow_the_aggregates() {
        let d = structured(10_000, 8);
        let a = dp_aggregate(&d, &opts(1.0, 3, 21)).unwrap();
        let s = a.synthesize(&d, Some(9)).unwrap();
        assert_eq!(s.records.len() as u64, a.noisy_record_count);
        let again = a.synthesize(&d, Some(9)).unwrap();
        assert_eq!(again.records, s.records, "seeded synthesis repeats");
        let released: std::collections::HashSet<u32> = a
            .combinations
            .iter()
            .filter(|(c, _)| c.len() == 1)
            .map(|(c, _)| c[0])
            .collect();
        for r in &s.records {
            assert!(r.iter().all(|i| released.contains(i)));
            let mut cols: Vec<usize> = r.iter().map(|i| d.item_column(*i)).collect();
            cols.dedup();
            assert_eq!(cols.len(), r.len(), "one value per column");
        }
        // c1 copies c0 nine times in ten (value 3 otherwise): kept through the 2-way counts.
        let id = |c: usize, v: &str| {
            d.items
                .iter()
                .position(|(col, x)| *col == c && x == v)
                .unwrap() as u32
        };
        let (a0, b1, b2) = (id(0, "v1"), id(1, "v1"), id(1, "v2"));
        let with_a0: Vec<&Vec<u32>> = s.records.iter().filter(|r| r.contains(&a0)).collect();
        let same = with_a0.iter().filter(|r| r.contains(&b1)).count() as f64;
        let crossed = with_a0.iter().filter(|r| r.contains(&b2)).count() as f64;
        assert!(
            same / with_a0.len() as f64 > 0.8,
            "{same} of {}",
            with_a0.len()
        );
        assert!(crossed / (with_a0.len() as f64) < 0.05, "{crossed}");
        // Blanks of column 3 (30%) are kept.
        let blank3 = s
            .records
            .iter()
            .filter(|r| r.iter().all(|i| d.item_column(*i) != 3))
            .count();
        let share = blank3 as f64 / s.records.len() as f64;
        assert!((share - 0.3).abs() < 0.05, "{share}");
        let e = s.local_error(&a, &d);
        assert!(e.mean_relative_error[0] < 0.05, "{e:?}");
        // Same header and columns as the source.
        let mut out = Vec::new();
        s.write_csv(&d, ";", &mut out).unwrap();
        let mut rdr = csv::Reader::from_reader(out.as_slice());
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, d.headers);
        let mut lines = 0;
        for row in rdr.records() {
            let row = row.unwrap();
            assert_eq!(row.len(), d.headers.len());
            for (c, cell) in row.iter().enumerate() {
                assert!(
                    cell.is_empty() || d.items.iter().any(|(col, v)| *col == c && v == cell),
                    "{cell} in column {c}"
                );
            }
            lines += 1;
        }
        assert_eq!(lines as u64, a.noisy_record_count);
    }

    #[test]
    fn awkward_inputs() {
        for (rows, cols) in [(vec![], 2), (vec![vec![1, 2]], 2), (vec![vec![0, 0]; 7], 2)] {
            let d = dataset(&rows, cols);
            let a = dp_aggregate(&d, &opts(1.0, 3, 1)).unwrap();
            assert!(a.combinations.is_empty(), "nothing reaches a threshold");
            let s = a.synthesize(&d, Some(1)).unwrap();
            assert_eq!(s.records.len() as u64, a.noisy_record_count);
            assert!(s.records.iter().all(|r| r.is_empty()));
            let mut out = Vec::new();
            a.write_tsv(&d, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
        }
    }

    #[test]
    fn tsv_is_in_sds_order() {
        // Ids follow first appearance (v2 before v1); the TSV follows sds-cli: length, count
        // (largest first), then label, never ids.
        let mut data = vec![vec![2u8, 2u8]; 3000];
        data.extend(vec![vec![1u8, 1u8]; 3000]);
        let d = dataset(&data, 2);
        let a = dp_aggregate(&d, &opts(4.0, 2, 2)).unwrap();
        let mut out = Vec::new();
        a.write_tsv(&d, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<(usize, std::cmp::Reverse<u64>, String)> = text
            .lines()
            .skip(2)
            .map(|l| {
                let (label, n) = l.split_once('\t').unwrap();
                (
                    label.split(';').count(),
                    std::cmp::Reverse(n.parse().unwrap()),
                    label.to_string(),
                )
            })
            .collect();
        assert_eq!(lines.len(), 6);
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted);
    }

    fn temp_path(name: &str) -> std::path::PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        std::env::temp_dir().join(format!(
            "haven-dp-{name}-{}-{nanos}.json",
            std::process::id()
        ))
    }

    #[test]
    fn ledger_round_trip_and_refusal() {
        let path = temp_path("ledger");
        let mut l = BudgetLedger::new(3.0, 1e-5).unwrap();
        l.charge(1.0, 1e-6, "first", "2025-01-01T00:00:00Z", "ab")
            .unwrap();
        l.charge(1.5, 1e-6, "second", "2025-02-01T00:00:00Z", "cd")
            .unwrap();
        let err = l
            .charge(1.0, 1e-6, "third", "2025-03-01T00:00:00Z", "ef")
            .unwrap_err();
        match err {
            DpError::BudgetExceeded {
                requested,
                remaining,
            } => {
                assert_eq!(
                    requested,
                    Budget {
                        epsilon: 1.0,
                        delta: 1e-6
                    }
                );
                assert!((remaining.epsilon - 0.5).abs() < 1e-12);
            }
            e => panic!("{e}"),
        }
        assert!(matches!(
            l.charge(0.1, 1e-4, "too much delta", "", ""),
            Err(DpError::BudgetExceeded { .. })
        ));
        assert_eq!(l.entries.len(), 2);
        l.save(&path).unwrap();
        let back = BudgetLedger::load(&path).unwrap();
        assert_eq!(back, l);
        assert_eq!(back.remaining().epsilon, l.remaining().epsilon);
        // An overspent (tampered) ledger is refused.
        let mut bad = l.clone();
        bad.entries[0].epsilon = 10.0;
        bad.save(&path).unwrap();
        assert!(matches!(
            BudgetLedger::load(&path),
            Err(DpError::Ledger { .. })
        ));
        std::fs::write(&path, "not json").unwrap();
        assert!(matches!(
            BudgetLedger::load(&path),
            Err(DpError::Ledger { .. })
        ));
        std::fs::remove_file(&path).unwrap();
        assert!(BudgetLedger::load(&path).is_err());
        assert!(BudgetLedger::new(0.0, 1e-6).is_err());
        assert!(BudgetLedger::new(1.0, 1.0).is_err());
    }

    /// `cargo test --release -p haven-release dp::tests::timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn timing() {
        let csv = crate::ctdc_like_csv(50_000, 7);
        let d = Dataset::read(csv.as_bytes(), &crate::ReadOptions::default()).unwrap();
        for epsilon in [1.0, 4.0] {
            let t = std::time::Instant::now();
            let a = dp_aggregate(&d, &DpOptions::new(epsilon, 1e-6, 3)).unwrap();
            let t_agg = t.elapsed();
            let s = a.synthesize(&d, None).unwrap();
            let t_syn = t.elapsed() - t_agg;
            let r = a.report();
            eprintln!(
                "ε = {epsilon}: aggregate {t_agg:?}, synthesis {t_syn:?}; m = {}, σ {:?}, τ {:?}, released {:?}, n {}",
                r.max_attributes_per_record,
                r.sigma,
                r.thresholds,
                r.combinations_released,
                r.noisy_record_count
            );
            eprintln!("  noisy counts: {:?}", a.local_error(&d));
            eprintln!("  synthetic:    {:?}", s.local_error(&a, &d));
        }
    }
}
