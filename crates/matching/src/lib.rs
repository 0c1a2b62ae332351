//! Finding the same person twice, explainably: normalisation of what people type differently,
//! blocking so that candidate pairs stay near-linear in the number of records, field comparison
//! in graded levels, Fellegi–Sunter scoring with parameters estimated without labelled data (EM)
//! and a term-frequency adjustment for names, and clustering of linked pairs into persons.
//! No I/O: callers hand in records and get pairs and clusters back.
pub mod compare;
pub mod model;
pub mod normalise;
pub mod synth;

use std::collections::{HashMap, HashSet};

use rphonetic::{DoubleMetaphone, Encoder};

pub use model::{Contribution, Model, Vector};
pub use normalise::BirthDate;

/// One record, its fields normalised by [`Person::new`] and the setters.
#[derive(Clone, Debug, Default)]
pub struct Person {
    pub id: String,
    pub first: String,
    pub last: String,
    pub birth: Option<BirthDate>,
    pub sex: String,
    pub citizenship: String,
    pub place: String,
    pub phone: String,
    pub id_number: String,
}

impl Person {
    pub fn new(id: &str, first: &str, last: &str) -> Person {
        Person {
            id: id.to_string(),
            first: normalise::name(first),
            last: normalise::name(last),
            ..Default::default()
        }
    }
    pub fn birth(mut self, raw: &str) -> Person {
        self.birth = normalise::birth_date(raw);
        self
    }
    pub fn sex(mut self, raw: &str) -> Person {
        self.sex = normalise::name(raw);
        self
    }
    pub fn citizenship(mut self, raw: &str) -> Person {
        self.citizenship = normalise::name(raw);
        self
    }
    pub fn place(mut self, raw: &str) -> Person {
        self.place = normalise::name(raw);
        self
    }
    pub fn phone(mut self, raw: &str) -> Person {
        self.phone = normalise::phone(raw);
        self
    }
    pub fn id_number(mut self, raw: &str) -> Person {
        self.id_number = normalise::id_number(raw);
        self
    }
    fn full_name(&self) -> String {
        let mut parts = [self.first.as_str(), self.last.as_str()];
        parts.sort_unstable();
        parts.join(" ").trim().to_string()
    }
}

/// Blocks larger than this are skipped (a key shared by so many records says nothing).
pub const MAX_BLOCK: usize = 500;

/// The blocking keys of a record: phonetic codes suited to Spanish, Portuguese and English
/// names (Double Metaphone) with the birth year, initials with the year, the phone and the
/// identity number.
pub fn blocking_keys(p: &Person) -> Vec<String> {
    let dm = DoubleMetaphone::default();
    let code = |s: &str| {
        s.split(' ')
            .next()
            .filter(|t| !t.is_empty())
            .map(|t| dm.encode(t))
            .unwrap_or_default()
    };
    let (f, l) = (code(&p.first), code(&p.last));
    let year = p.birth.map(|b| b.year.to_string()).unwrap_or_default();
    let mut keys = Vec::new();
    let mut names = [f.clone(), l.clone()];
    names.sort();
    if !f.is_empty() && !l.is_empty() {
        keys.push(format!("n:{}:{}", names[0], names[1]));
    }
    for n in [&f, &l] {
        if !n.is_empty() && !year.is_empty() {
            keys.push(format!("y:{n}:{year}"));
        }
    }
    let initials = |a: &str, b: &str| {
        let mut i = [a.chars().next(), b.chars().next()];
        i.sort();
        format!("{}{}", i[0].unwrap_or('_'), i[1].unwrap_or('_'))
    };
    if let Some(b) = p.birth
        && b.month.is_some()
    {
        keys.push(format!(
            "d:{}:{}-{:?}-{:?}",
            initials(&p.first, &p.last),
            b.year,
            b.month,
            b.day
        ));
    }
    if p.phone.len() >= 6 {
        keys.push(format!("p:{}", p.phone));
    }
    if p.id_number.len() >= 4 {
        keys.push(format!("i:{}", p.id_number));
    }
    keys
}

/// Candidate pairs (index pairs, lower first) from the blocks; and how many blocks were too big.
pub fn candidates(people: &[Person]) -> (Vec<(u32, u32)>, usize) {
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        for k in blocking_keys(p) {
            blocks.entry(k).or_default().push(i as u32);
        }
    }
    let mut seen: HashSet<(u32, u32)> = HashSet::new();
    let mut skipped = 0;
    for ids in blocks.values() {
        if ids.len() > MAX_BLOCK {
            skipped += 1;
            continue;
        }
        for (k, &a) in ids.iter().enumerate() {
            for &b in &ids[k + 1..] {
                if a != b {
                    seen.insert((a.min(b), a.max(b)));
                }
            }
        }
    }
    let mut pairs: Vec<(u32, u32)> = seen.into_iter().collect();
    pairs.sort_unstable();
    (pairs, skipped)
}

/// What training pairs agree on.
#[derive(Clone, Copy)]
enum TrainingKey {
    /// The full birth date.
    BirthDate,
    /// The phonetic codes of both names.
    Name,
}

/// Pairs for training, agreeing exactly on one key; at most 200 per block and 200,000 in all.
fn training_pairs(people: &[Person], key: TrainingKey) -> Vec<(u32, u32)> {
    let dm = DoubleMetaphone::default();
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        let k = match key {
            TrainingKey::BirthDate => match p.birth {
                Some(b) if b.day.is_some() => Some(format!("{}-{:?}-{:?}", b.year, b.month, b.day)),
                _ => None,
            },
            TrainingKey::Name => {
                let f = p.first.split(' ').next().unwrap_or("");
                let l = p.last.split(' ').next().unwrap_or("");
                (!f.is_empty() && !l.is_empty())
                    .then(|| format!("{}:{}", dm.encode(f), dm.encode(l)))
            }
        };
        if let Some(k) = k {
            blocks.entry(k).or_default().push(i as u32);
        }
    }
    let mut out = Vec::new();
    'outer: for ids in blocks.values() {
        for (k, &a) in ids.iter().take(200).enumerate() {
            for &b in ids.iter().take(200).skip(k + 1) {
                out.push((a, b));
                if out.len() >= 200_000 {
                    break 'outer;
                }
            }
        }
    }
    out
}

/// A scored pair.
#[derive(Clone, Debug)]
pub struct Link {
    pub left: u32,
    pub right: u32,
    pub probability: f64,
    pub vector: Vector,
}

/// What a deduplication run found.
#[derive(Clone, Debug)]
pub struct Dedupe {
    pub model: Model,
    pub candidate_pairs: usize,
    pub skipped_blocks: usize,
    /// Pairs at or above the threshold, most probable first.
    pub links: Vec<Link>,
    /// The cluster of each record (the index of its cluster's first record).
    pub clusters: Vec<u32>,
    /// How often each normalised full name occurs (for the term-frequency adjustment).
    name_freq: HashMap<String, f64>,
}

impl Dedupe {
    /// The per-field weights behind a link's probability.
    pub fn explain(&self, people: &[Person], link: &Link) -> Vec<Contribution> {
        let freq = self.name_freq_of(&people[link.left as usize], &people[link.right as usize]);
        self.model.explain(&link.vector, freq)
    }

    fn name_freq_of(&self, a: &Person, b: &Person) -> Option<f64> {
        let n = a.full_name();
        (n == b.full_name() && !n.is_empty())
            .then(|| self.name_freq.get(&n).copied())
            .flatten()
    }
}

/// A tiny deterministic generator (random pairs for `u`).
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Deduplicates records: blocks, compares, estimates the model, keeps the pairs whose
/// probability reaches `threshold`, and clusters them.
pub fn dedupe(people: &[Person], threshold: f64) -> Dedupe {
    run(people, threshold, |_, _| true)
}

/// Links two sets of records: only pairs with one record of each (`people[..split]` and
/// `people[split..]`) are compared and returned.
pub fn link(people: &[Person], split: usize, threshold: f64) -> Dedupe {
    let split = split as u32;
    run(people, threshold, |a, b| (a < split) != (b < split))
}

fn run(people: &[Person], threshold: f64, keep: impl Fn(u32, u32) -> bool) -> Dedupe {
    let n = people.len();
    let mut counts: HashMap<String, f64> = HashMap::new();
    for p in people {
        *counts.entry(p.full_name()).or_default() += 1.0;
    }
    // The chance that two random records share this name.
    let name_freq: HashMap<String, f64> = counts
        .into_iter()
        .map(|(k, c)| (k, c / n.max(1) as f64))
        .collect();
    let (mut pairs, skipped_blocks) = candidates(people);
    pairs.retain(|&(a, b)| keep(a, b));
    let vectors: Vec<Vector> = pairs
        .iter()
        .map(|&(a, b)| compare::vector(&people[a as usize], &people[b as usize]))
        .collect();
    let mut model = Model::initial();
    if n > 1 {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let random: Vec<Vector> = (0..(n * 4).clamp(1_000, 50_000))
            .filter_map(|_| {
                let (a, b) = (rng.below(n), rng.below(n));
                (a != b).then(|| compare::vector(&people[a], &people[b]))
            })
            .collect();
        model.estimate_u(&random);
    }
    // Splink's way: each field's `m` from pairs blocked on another field, then the prior.
    for (blocked, key) in [(1usize, TrainingKey::BirthDate), (0, TrainingKey::Name)] {
        let training: Vec<Vector> = training_pairs(people, key)
            .iter()
            .map(|&(a, b)| compare::vector(&people[a as usize], &people[b as usize]))
            .collect();
        if training.len() >= 10 {
            model.estimate_m_blocked(&training, blocked, 100);
        }
    }
    model.estimate_prior(&vectors, 100);
    let mut d = Dedupe {
        model,
        candidate_pairs: pairs.len(),
        skipped_blocks,
        links: Vec::new(),
        clusters: Vec::new(),
        name_freq,
    };
    let mut links: Vec<Link> = pairs
        .iter()
        .zip(&vectors)
        .filter_map(|(&(a, b), v)| {
            let freq = d.name_freq_of(&people[a as usize], &people[b as usize]);
            let probability = d.model.match_probability(v, freq);
            (probability >= threshold).then_some(Link {
                left: a,
                right: b,
                probability,
                vector: *v,
            })
        })
        .collect();
    links.sort_by(|x, y| y.probability.total_cmp(&x.probability));
    d.clusters = cluster(n, links.iter().map(|l| (l.left, l.right)));
    d.links = links;
    d
}

/// Clusters of linked records (connected components): the id of each record's cluster is the
/// smallest index in it.
pub fn cluster(n: usize, links: impl IntoIterator<Item = (u32, u32)>) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for (a, b) in links {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            parent[hi as usize] = lo;
        }
    }
    (0..n as u32).map(|x| root(&mut parent, x)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn people() -> Vec<Person> {
        vec![
            Person::new("a", "María José", "González")
                .birth("1998-04-12")
                .sex("F")
                .phone("+592 600 1234"),
            Person::new("b", "Maria", "Gonzales")
                .birth("12/04/1998")
                .sex("F"),
            Person::new("c", "González", "María").birth("1998").sex("F"),
            Person::new("d", "John", "Smith")
                .birth("1980-01-01")
                .sex("M"),
            Person::new("e", "Jon", "Smyth")
                .birth("1980-01-01")
                .sex("M")
                .phone("600-1234"),
            Person::new("f", "Aiyana", "Williams")
                .birth("2005-07-30")
                .sex("F"),
        ]
    }

    #[test]
    fn the_same_person_written_three_ways_is_one_cluster() {
        let p = people();
        let d = dedupe(&p, 0.5);
        assert_eq!(d.clusters[0], d.clusters[1]);
        assert_eq!(d.clusters[0], d.clusters[2]);
        assert_ne!(d.clusters[0], d.clusters[3]);
        assert_ne!(d.clusters[5], d.clusters[0]);
        assert!(d.candidate_pairs < p.len() * p.len() / 2 + 1);
        let best = &d.links[0];
        let why = d.explain(&p, best);
        assert_eq!(why.len(), compare::FIELDS.len());
        let total: f64 = why.iter().map(|c| c.weight).sum();
        assert!(total > 0.0, "agreement explains the link: {why:?}");
    }

    #[test]
    fn linking_compares_across_the_two_sets_only() {
        let p = people();
        let d = link(&p, 1, 0.5);
        assert!(d.links.iter().all(|l| l.left == 0 && l.right >= 1));
        assert!(d.links.iter().any(|l| l.right == 1));
    }

    #[test]
    fn blocking_keeps_variants_together() {
        let p = people();
        let (pairs, _) = candidates(&p);
        assert!(pairs.contains(&(0, 1)));
        assert!(pairs.contains(&(3, 4)));
        assert!(!pairs.contains(&(0, 5)));
    }

    proptest! {
        /// Clusters are transitive: linked records share a cluster, and a cluster id is one of
        /// its members.
        #[test]
        fn clustering_is_transitive(links in proptest::collection::vec((0u32..30, 0u32..30), 0..60)) {
            let c = cluster(30, links.clone());
            for (a, b) in &links {
                prop_assert_eq!(c[*a as usize], c[*b as usize]);
            }
            for (i, id) in c.iter().enumerate() {
                prop_assert!(*id as usize <= i);
                prop_assert_eq!(c[*id as usize], *id);
            }
        }
    }
}

/// Accuracy against the truth (each record's person): blocking recall, precision, recall, F1.
#[derive(Clone, Debug)]
pub struct Accuracy {
    pub true_pairs: u64,
    pub blocking_recall: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Measures a run against the truth: pairs of records of the same person.
pub fn accuracy(people: &[Person], truth: &[u32], d: &Dedupe) -> Accuracy {
    let mut sizes: HashMap<u32, u64> = HashMap::new();
    for t in truth {
        *sizes.entry(*t).or_default() += 1;
    }
    let true_pairs: u64 = sizes.values().map(|k| k * (k - 1) / 2).sum();
    let (pairs, _) = candidates(people);
    let blocked = pairs
        .iter()
        .filter(|(a, b)| truth[*a as usize] == truth[*b as usize])
        .count() as f64;
    let tp = d
        .links
        .iter()
        .filter(|l| truth[l.left as usize] == truth[l.right as usize])
        .count() as f64;
    let precision = if d.links.is_empty() {
        1.0
    } else {
        tp / d.links.len() as f64
    };
    let recall = if true_pairs == 0 {
        1.0
    } else {
        tp / true_pairs as f64
    };
    Accuracy {
        true_pairs,
        blocking_recall: if true_pairs == 0 {
            1.0
        } else {
            blocked / true_pairs as f64
        },
        precision,
        recall,
        f1: if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        },
    }
}

#[cfg(test)]
mod accuracy_tests {
    use super::*;

    /// On generated records with known truth the engine finds most duplicates and few false
    /// ones (a floor, not a benchmark: `haven bench match` measures).
    #[test]
    fn generated_duplicates_are_found() {
        let (people, truth) = synth::people(3000, 11);
        let d = dedupe(&people, 0.9);
        let a = accuracy(&people, &truth, &d);
        assert!(a.blocking_recall > 0.9, "{a:?}");
        assert!(a.precision > 0.9 && a.recall > 0.8, "{a:?}");
    }
}
