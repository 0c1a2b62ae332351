//! The Fellegi–Sunter model: for each field and level, the probability `m` of that level among
//! pairs of the same person and `u` among pairs of different people. `u` comes from random
//! pairs (almost all different people); `m` is estimated by expectation–maximisation on pairs
//! chosen by agreeing on another field (as Splink does), and the prior, the chance that two
//! random records are the same person, by EM over the candidate pairs. No labelled data.
//! EM runs over counts of distinct comparison patterns, not over pairs, so a million pairs
//! cost no more than a few hundred patterns.
use std::collections::HashMap;

pub use crate::compare::Vector;
use crate::compare::{FIELDS, LEVELS, N, pack, unpack};

#[derive(Clone, Debug)]
pub struct Model {
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    /// The chance that two records drawn at random are the same person.
    pub prior: f64,
}

/// One field's part of a score: its level and its weight (log2 of the Bayes factor).
#[derive(Clone, Debug, PartialEq)]
pub struct Contribution {
    pub field: &'static str,
    pub level: Option<u8>,
    pub weight: f64,
}

/// Distinct comparison patterns and how many pairs have each.
pub fn patterns<'a>(vectors: impl IntoIterator<Item = &'a Vector>) -> Vec<(Vector, f64)> {
    let mut counts: HashMap<u64, f64> = HashMap::new();
    for v in vectors {
        *counts.entry(pack(v)).or_default() += 1.0;
    }
    let mut out: Vec<(Vector, f64)> = counts.into_iter().map(|(p, c)| (unpack(p), c)).collect();
    out.sort_by_key(|(v, _)| pack(v));
    out
}

const FLOOR: f64 = 1e-6;
/// No level is impossible among matches: real people change phones and mistype sexes.
const M_FLOOR: f64 = 1e-3;

/// `m` typical of registers of people: what a small file's estimate starts from and leans on.
/// Per field, per level (see [`crate::compare`]).
pub const DEFAULT_M: &[&[f64]] = &[
    &[0.70, 0.20, 0.05, 0.05],
    &[0.70, 0.20, 0.05, 0.05],
    &[0.65, 0.08, 0.12, 0.10, 0.05],
    &[0.98, 0.02],
    &[0.95, 0.05],
    &[0.75, 0.10, 0.15],
    &[0.78, 0.04, 0.18],
    &[0.88, 0.05, 0.07],
    &[0.85, 0.05, 0.10],
    &[0.85, 0.05, 0.10],
    &[0.75, 0.10, 0.15],
];
/// `u` typical of registers of people (the chance of each level between two strangers).
pub const DEFAULT_U: &[&[f64]] = &[
    &[0.01, 0.01, 0.03, 0.95],
    &[0.005, 0.01, 0.03, 0.955],
    &[0.0001, 0.002, 0.003, 0.05, 0.9449],
    &[0.5, 0.5],
    &[0.3, 0.7],
    &[0.1, 0.01, 0.89],
    &[0.0001, 0.0005, 0.9994],
    &[0.00001, 0.0001, 0.99989],
    &[0.00001, 0.0001, 0.99989],
    &[0.01, 0.03, 0.96],
    &[0.0005, 0.002, 0.9975],
];
/// How many records the typical name frequency weighs as in the term-frequency adjustment.
pub const TF_WEIGHT: f64 = 20.0;
/// How many pairs the defaults weigh as in estimating `u` and `m`.
const U_WEIGHT: f64 = 200.0;
const M_WEIGHT: f64 = 20.0;

/// The frequencies of exact values behind a pair's first and last names (term frequency).
pub type Frequencies = [Option<f64>; 2];

impl Model {
    /// The starting point, and the prior belief that small files fall back on: `m` and `u`
    /// typical of registers of people (see [`DEFAULT_M`], [`DEFAULT_U`]).
    pub fn initial() -> Model {
        let to_vec = |t: &[&[f64]]| t.iter().map(|l| l.to_vec()).collect();
        Model {
            m: to_vec(DEFAULT_M),
            u: to_vec(DEFAULT_U),
            prior: 1e-4,
        }
    }

    /// `u` from the comparison vectors of random pairs.
    pub fn estimate_u(&mut self, random: &[Vector]) {
        for (f, &n) in LEVELS.iter().enumerate() {
            // The default as if seen in U_WEIGHT pairs: a handful of records cannot overturn it,
            // a real file soon does.
            let mut counts: Vec<f64> = DEFAULT_U[f].iter().map(|x| x * U_WEIGHT).collect();
            debug_assert_eq!(counts.len(), n);
            for v in random {
                if let Some(l) = v[f] {
                    counts[l as usize] += 1.0;
                }
            }
            self.u[f] = normalised(counts, FLOOR);
        }
    }

    /// `m` of every field but the `blocked` ones, from pairs chosen by agreeing on those (whose
    /// own levels are ignored): among them, different people agree on the other fields about as
    /// often as random pairs do, so `u` holds and EM separates the two classes. Returns the
    /// iterations run.
    pub fn estimate_m_blocked(
        &mut self,
        patterns: &[(Vector, f64)],
        blocked: &[usize],
        max_iterations: usize,
    ) -> usize {
        let masked: Vec<(Vector, f64)> = patterns
            .iter()
            .map(|(v, c)| {
                let mut v = *v;
                for &b in blocked {
                    v[b] = None;
                }
                (v, *c)
            })
            .collect();
        let keep: Vec<Vec<f64>> = blocked.iter().map(|&b| self.m[b].clone()).collect();
        let its = self.estimate_m(&masked, max_iterations);
        for (&b, m) in blocked.iter().zip(keep) {
            self.m[b] = m;
        }
        its
    }

    /// `m` by expectation–maximisation over patterns, with the share of matches among them
    /// estimated alongside (it is not the model's prior). Returns the iterations run.
    pub fn estimate_m(&mut self, patterns: &[(Vector, f64)], max_iterations: usize) -> usize {
        let total: f64 = patterns.iter().map(|(_, c)| c).sum();
        if total == 0.0 {
            return 0;
        }
        let mut share = 0.1f64;
        for it in 1..=max_iterations {
            let mut sums: Vec<Vec<f64>> = DEFAULT_M
                .iter()
                .map(|l| l.iter().map(|x| x * M_WEIGHT).collect())
                .collect();
            let mut matched = 0.0;
            let w = self.weights();
            for (v, c) in patterns {
                let p = probability(logit(share) + score(&w, v)) * c;
                matched += p;
                for (f, l) in v.iter().enumerate() {
                    if let Some(l) = l {
                        sums[f][*l as usize] += p;
                    }
                }
            }
            let new_m: Vec<Vec<f64>> = sums.into_iter().map(|s| normalised(s, M_FLOOR)).collect();
            let new_share = (matched / total).clamp(FLOOR, 1.0 - FLOOR);
            let change = new_m
                .iter()
                .zip(&self.m)
                .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()))
                .fold((new_share - share).abs(), f64::max);
            self.m = new_m;
            share = new_share;
            if change < 1e-6 {
                return it;
            }
        }
        max_iterations
    }

    /// The prior from the candidate pairs' patterns, `m` and `u` held: the expected number of
    /// matches among them over all `total_pairs` pairs (the pairs blocking left out are taken as
    /// different people). Returns the iterations run.
    pub fn estimate_prior(
        &mut self,
        patterns: &[(Vector, f64)],
        total_pairs: f64,
        max_iterations: usize,
    ) -> usize {
        if patterns.is_empty() || total_pairs < 1.0 {
            return 0;
        }
        let w = self.weights();
        let scores: Vec<(f64, f64)> = patterns.iter().map(|(v, c)| (score(&w, v), *c)).collect();
        for it in 1..=max_iterations {
            let expected: f64 = scores
                .iter()
                .map(|(s, c)| probability(logit(self.prior) + s) * c)
                .sum();
            let new = (expected / total_pairs).clamp(1e-12, 0.5);
            let done = (new / self.prior - 1.0).abs() < 1e-6;
            self.prior = new;
            if done {
                return it;
            }
        }
        max_iterations
    }

    /// Each field's weight per level: log2(m/u).
    pub fn weights(&self) -> Vec<Vec<f64>> {
        self.m
            .iter()
            .zip(&self.u)
            .map(|(m, u)| {
                m.iter()
                    .zip(u)
                    .map(|(m, u)| (m.max(FLOOR) / u.max(FLOOR)).log2())
                    .collect()
            })
            .collect()
    }

    /// The weight of one field's level; `frequency` replaces `u` of exact agreement for a name
    /// of known frequency (a common name weighs less than a rare one).
    pub fn weight(&self, field: usize, level: Option<u8>, frequency: Option<f64>) -> f64 {
        match level {
            None => 0.0,
            Some(l) => {
                let l = l as usize;
                let u = match (l, frequency) {
                    (0, Some(t)) => t,
                    _ => self.u[field][l],
                };
                (self.m[field][l].max(FLOOR) / u.max(FLOOR)).log2()
            }
        }
    }

    /// The probability that a pair is the same person, with its names' frequencies if known.
    pub fn match_probability(&self, v: &Vector, frequencies: Frequencies) -> f64 {
        let w: f64 = self.explain(v, frequencies).iter().map(|c| c.weight).sum();
        probability(logit(self.prior) + w)
    }

    /// The per-field weights of a pair (its explanation).
    pub fn explain(&self, v: &Vector, frequencies: Frequencies) -> Vec<Contribution> {
        (0..N)
            .map(|f| Contribution {
                field: FIELDS[f],
                level: v[f],
                weight: self.weight(f, v[f], frequencies.get(f).copied().flatten()),
            })
            .collect()
    }
}

/// The sum of a vector's weights from a table of [`Model::weights`].
pub fn score(weights: &[Vec<f64>], v: &Vector) -> f64 {
    v.iter()
        .zip(weights)
        .map(|(l, w)| l.map_or(0.0, |l| w[l as usize]))
        .sum()
}

/// log2 of the odds.
pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

/// The probability of log2 odds.
pub fn probability(log2_odds: f64) -> f64 {
    let odds = log2_odds.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

fn normalised(v: Vec<f64>, floor: f64) -> Vec<f64> {
    let s: f64 = v.iter().sum();
    v.into_iter().map(|x| (x / s).max(floor)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % 1_000_000) as f64 / 1_000_000.0
        }
        fn level(&mut self, p: &[f64]) -> u8 {
            let r = self.next();
            let mut acc = 0.0;
            for (i, x) in p.iter().enumerate() {
                acc += x;
                if r < acc {
                    return i as u8;
                }
            }
            (p.len() - 1) as u8
        }
    }

    #[test]
    fn em_recovers_the_parameters_of_generated_pairs() {
        let true_m: Vec<Vec<f64>> = LEVELS
            .iter()
            .map(|&n| {
                normalised(
                    (0..n).map(|l| if l == 0 { 12.0 } else { 1.0 }).collect(),
                    0.0,
                )
            })
            .collect();
        let true_u: Vec<Vec<f64>> = LEVELS
            .iter()
            .map(|&n| {
                normalised(
                    (0..n)
                        .map(|l| if l + 1 == n { 12.0 } else { 1.0 })
                        .collect(),
                    0.0,
                )
            })
            .collect();
        let mut rng = Rng(42);
        let draw = |rng: &mut Rng, p: &Vec<Vec<f64>>| -> Vector {
            let mut v = [None; N];
            for (f, slot) in v.iter_mut().enumerate() {
                *slot = Some(rng.level(&p[f]));
            }
            v
        };
        // 20,000 candidate pairs among 2,000 records (about 2 million pairs), a fifth matches.
        let candidates: Vec<Vector> = (0..20_000)
            .map(|i| {
                if i % 5 == 0 {
                    draw(&mut rng, &true_m)
                } else {
                    draw(&mut rng, &true_u)
                }
            })
            .collect();
        let random: Vec<Vector> = (0..20_000).map(|_| draw(&mut rng, &true_u)).collect();
        let mut model = Model::initial();
        model.estimate_u(&random);
        let pats = patterns(&candidates);
        assert!(pats.len() < candidates.len());
        let its = model.estimate_m(&pats, 500);
        assert!(its < 500, "converged");
        for (f, (got, want)) in model.m.iter().zip(&true_m).enumerate() {
            assert!((got[0] - want[0]).abs() < 0.05, "m {f}: {got:?}");
        }
        let total = 2_000.0 * 1_999.0 / 2.0;
        model.estimate_prior(&pats, total, 200);
        let want = 4_000.0 / total;
        assert!(
            (model.prior / want - 1.0).abs() < 0.1,
            "prior {}",
            model.prior
        );
        // Agreement raises the probability, disagreement lowers it.
        let agree: Vector = [Some(0); N];
        let mut differ: Vector = [Some(1); N];
        for (f, &n) in LEVELS.iter().enumerate() {
            differ[f] = Some((n - 1) as u8);
        }
        assert!(model.match_probability(&agree, [None, None]) > 0.99);
        assert!(model.match_probability(&differ, [None, None]) < 0.01);
        // A common name weighs less than a rare one.
        assert!(model.weight(0, Some(0), Some(0.05)) < model.weight(0, Some(0), Some(0.0001)));
        // The explanation adds up to the score.
        let w: f64 = model
            .explain(&agree, [None, None])
            .iter()
            .map(|c| c.weight)
            .sum();
        assert!((w - score(&model.weights(), &agree)).abs() < 1e-9);
    }
}
