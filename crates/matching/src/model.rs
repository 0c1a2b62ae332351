//! The Fellegi–Sunter model: for each field and level, the probability `m` of that level among
//! pairs of the same person and `u` among pairs of different people. `u` comes from random
//! pairs (almost all different people); `m` and the share of matches among candidate pairs are
//! estimated by expectation–maximisation, without labelled data.
use crate::compare::LEVELS;

pub type Vector = [Option<usize>; 7];

#[derive(Clone, Debug)]
pub struct Model {
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    /// Share of candidate pairs that are the same person.
    pub prior: f64,
}

/// One field's part of a score: its level and its weight (log2 of the Bayes factor).
#[derive(Clone, Debug, PartialEq)]
pub struct Contribution {
    pub field: &'static str,
    pub level: Option<usize>,
    pub weight: f64,
}

const FLOOR: f64 = 1e-6;

impl Model {
    /// A starting point: agreement likely among matches, disagreement among non-matches.
    pub fn initial() -> Model {
        let m = LEVELS
            .iter()
            .map(|&n| {
                let raw: Vec<f64> = (0..n).map(|l| 0.6f64.powi(l as i32 + 1)).collect();
                normalised(raw)
            })
            .collect();
        let u = LEVELS
            .iter()
            .map(|&n| {
                let raw: Vec<f64> = (0..n)
                    .map(|l| if l + 1 == n { 0.9 } else { 0.1 / n as f64 })
                    .collect();
                normalised(raw)
            })
            .collect();
        Model { m, u, prior: 0.01 }
    }

    /// `u` from the comparison vectors of random pairs.
    pub fn estimate_u(&mut self, random: &[Vector]) {
        for (f, &n) in LEVELS.iter().enumerate() {
            let mut counts = vec![1.0; n];
            for v in random {
                if let Some(l) = v[f] {
                    counts[l] += 1.0;
                }
            }
            self.u[f] = normalised(counts);
        }
    }

    /// `m` of every field but `blocked` from pairs that were chosen by agreeing on `blocked`
    /// (whose own level is ignored): among them, the different people agree on the other fields
    /// about as often as random pairs do, so `u` holds and EM separates the two classes. The
    /// prior is left as it was.
    pub fn estimate_m_blocked(
        &mut self,
        vectors: &[Vector],
        blocked: usize,
        max_iterations: usize,
    ) {
        let masked: Vec<Vector> = vectors
            .iter()
            .map(|v| {
                let mut v = *v;
                v[blocked] = None;
                v
            })
            .collect();
        let keep = self.m[blocked].clone();
        let prior = self.prior;
        self.prior = 0.1;
        self.estimate_m(&masked, max_iterations);
        self.m[blocked] = keep;
        self.prior = prior;
    }

    /// The share of matches among pairs, `m` and `u` held.
    pub fn estimate_prior(&mut self, vectors: &[Vector], max_iterations: usize) {
        if vectors.is_empty() {
            return;
        }
        for _ in 0..max_iterations {
            let total: f64 = vectors
                .iter()
                .map(|v| self.match_probability(v, None))
                .sum();
            let new = (total / vectors.len() as f64).clamp(FLOOR, 1.0 - FLOOR);
            let done = (new - self.prior).abs() < 1e-6;
            self.prior = new;
            if done {
                break;
            }
        }
    }

    /// `m` and the prior by expectation–maximisation over the candidate pairs' vectors.
    /// Returns the number of iterations run.
    pub fn estimate_m(&mut self, vectors: &[Vector], max_iterations: usize) -> usize {
        if vectors.is_empty() {
            return 0;
        }
        for it in 1..=max_iterations {
            let mut sums: Vec<Vec<f64>> = LEVELS.iter().map(|&n| vec![FLOOR; n]).collect();
            let mut total = 0.0;
            for v in vectors {
                let w = self.match_probability(v, None);
                total += w;
                for (f, l) in v.iter().enumerate() {
                    if let Some(l) = l {
                        sums[f][*l] += w;
                    }
                }
            }
            let new_m: Vec<Vec<f64>> = sums.into_iter().map(normalised).collect();
            let new_prior = (total / vectors.len() as f64).clamp(FLOOR, 1.0 - FLOOR);
            let change = new_m
                .iter()
                .zip(&self.m)
                .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()))
                .fold((new_prior - self.prior).abs(), f64::max);
            self.m = new_m;
            self.prior = new_prior;
            if change < 1e-5 {
                return it;
            }
        }
        max_iterations
    }

    /// The weight of one field's level: log2(m/u); `u_exact` replaces `u` of exact agreement for
    /// a value of known frequency (a common name weighs less than a rare one).
    pub fn weight(&self, field: usize, level: Option<usize>, u_exact: Option<f64>) -> f64 {
        match level {
            None => 0.0,
            Some(l) => {
                let u = match (l, u_exact) {
                    (0, Some(t)) => t.max(FLOOR),
                    _ => self.u[field][l],
                };
                (self.m[field][l].max(FLOOR) / u.max(FLOOR)).log2()
            }
        }
    }

    /// The probability that a pair is the same person, with the name's frequency if known.
    pub fn match_probability(&self, v: &Vector, name_freq: Option<f64>) -> f64 {
        let w: f64 = (0..v.len())
            .map(|f| self.weight(f, v[f], if f == 0 { name_freq } else { None }))
            .sum();
        let prior = (self.prior / (1.0 - self.prior)).log2();
        let odds = 2f64.powf(prior + w);
        if odds.is_infinite() {
            1.0
        } else {
            odds / (1.0 + odds)
        }
    }

    /// The per-field weights of a pair (its explanation).
    pub fn explain(&self, v: &Vector, name_freq: Option<f64>) -> Vec<Contribution> {
        (0..v.len())
            .map(|f| Contribution {
                field: crate::compare::FIELDS[f],
                level: v[f],
                weight: self.weight(f, v[f], if f == 0 { name_freq } else { None }),
            })
            .collect()
    }
}

fn normalised(v: Vec<f64>) -> Vec<f64> {
    let s: f64 = v.iter().sum();
    v.into_iter().map(|x| (x / s).max(FLOOR)).collect()
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
        fn level(&mut self, p: &[f64]) -> usize {
            let r = self.next();
            let mut acc = 0.0;
            for (i, x) in p.iter().enumerate() {
                acc += x;
                if r < acc {
                    return i;
                }
            }
            p.len() - 1
        }
    }

    #[test]
    fn em_recovers_the_parameters_of_generated_pairs() {
        let true_m: Vec<Vec<f64>> = LEVELS
            .iter()
            .map(|&n| normalised((0..n).map(|l| if l == 0 { 8.0 } else { 1.0 }).collect()))
            .collect();
        let true_u: Vec<Vec<f64>> = LEVELS
            .iter()
            .map(|&n| normalised((0..n).map(|l| if l + 1 == n { 8.0 } else { 1.0 }).collect()))
            .collect();
        let mut rng = Rng(42);
        let draw = |rng: &mut Rng, p: &Vec<Vec<f64>>| -> Vector {
            let mut v = [None; 7];
            for (f, slot) in v.iter_mut().enumerate() {
                *slot = Some(rng.level(&p[f]));
            }
            v
        };
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
        let its = model.estimate_m(&candidates, 200);
        assert!(its < 200, "converged");
        assert!((model.prior - 0.2).abs() < 0.02, "prior {}", model.prior);
        for (f, (got, want)) in model.m.iter().zip(&true_m).enumerate() {
            assert!((got[0] - want[0]).abs() < 0.05, "m {f}: {got:?}");
        }
        // Agreement raises the probability, disagreement lowers it.
        let agree: Vector = [Some(0); 7];
        let differ: Vector = [
            Some(3),
            Some(3),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
        ];
        assert!(model.match_probability(&agree, None) > 0.99);
        assert!(model.match_probability(&differ, None) < 0.01);
        // A common name weighs less than a rare one.
        assert!(model.weight(0, Some(0), Some(0.05)) < model.weight(0, Some(0), Some(0.0001)));
    }
}
