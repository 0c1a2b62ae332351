//! Finding the same person twice, explainably: normalisation of what people type differently,
//! blocking so that candidate pairs stay near-linear in the number of records, field comparison
//! in graded levels, Fellegi–Sunter scoring with parameters estimated without labelled data (EM)
//! and a term-frequency adjustment for names, and clustering of linked pairs into persons.
//! No I/O: callers hand in records and get pairs and clusters back.
pub mod compare;
pub mod model;
pub mod normalise;
pub mod popcount;
pub mod pprl;
pub mod synth;
pub mod variants;

use std::collections::HashMap;

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
    pub email: String,
    pub postcode: String,
    pub address: String,
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
    /// An assessed age (in `on_year`), used when no birth date could be read.
    pub fn age(mut self, raw: &str, on_year: i32) -> Person {
        if self.birth.is_none() {
            self.birth = normalise::birth_from_age(raw, on_year);
        }
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
    pub fn email(mut self, raw: &str) -> Person {
        self.email = normalise::email(raw);
        self
    }
    pub fn postcode(mut self, raw: &str) -> Person {
        self.postcode = normalise::id_number(raw);
        self
    }
    pub fn address(mut self, raw: &str) -> Person {
        self.address = normalise::name(raw);
        self
    }
}

/// Blocks larger than this are skipped (a key shared by so many records says little, and its
/// pairs would grow with the square of its size).
pub const MAX_BLOCK: usize = 500;
/// The cap of the loosest key (the names' sounds alone), kept only where the names are rare.
pub(crate) const MAX_NAME_BLOCK: usize = 50;

/// The Double Metaphone code of a name's first word (suited to Spanish, Portuguese and English),
/// on its ASCII spelling, so any script is coded and none can make the encoder panic.
fn sound(s: &str) -> String {
    s.split(' ')
        .next()
        .filter(|t| !t.is_empty())
        .map(normalise::sound_code)
        .unwrap_or_default()
}

/// A full birth date with day and month in order (so that a swapped date keys the same).
fn date_key(p: &Person) -> Option<(i32, u8, u8)> {
    let b = p.birth?;
    let (m, d) = (b.month?, b.day?);
    Some((b.year, m.min(d), m.max(d)))
}

/// The blocking keys of a record, as readable strings: the sounds of both names (in either
/// order) with the birth year, or with the day and month; each name's sound with the full date;
/// the initials with the full date; the names' sounds alone (kept only for rare names); the
/// phone, the identity number and the e-mail; either name's sound or the full date with the
/// place or the postcode.
/// Two records are compared when they share a key.
pub fn blocking_keys(p: &Person) -> Vec<(String, usize)> {
    let (f, l) = (sound(&p.first), sound(&p.last));
    let mut names = [f.as_str(), l.as_str()];
    names.sort_unstable();
    let both = !f.is_empty() && !l.is_empty();
    let date = date_key(p);
    let mut keys = Vec::new();
    if both {
        keys.push((format!("n:{}:{}", names[0], names[1]), MAX_NAME_BLOCK));
        if let Some(b) = p.birth {
            // A year alone is often a guess: it also keys the years around it.
            let years = if b.month.is_none() {
                b.year - 1..=b.year + 1
            } else {
                b.year..=b.year
            };
            for y in years {
                keys.push((format!("ny:{}:{}:{y}", names[0], names[1]), MAX_BLOCK));
            }
        }
        if let Some((_, m, d)) = date {
            keys.push((format!("nd:{}:{}:{m}-{d}", names[0], names[1]), MAX_BLOCK));
        }
    }
    // One name as written with the other's initial (a typo in the other, no date to go by).
    let (ft, lt) = (
        p.first.split(' ').next().unwrap_or(""),
        p.last.split(' ').next().unwrap_or(""),
    );
    if let (Some(fi), Some(li)) = (ft.chars().next(), lt.chars().next()) {
        keys.push((format!("t:{ft}:{li}"), MAX_NAME_BLOCK));
        keys.push((format!("t:{lt}:{fi}"), MAX_NAME_BLOCK));
    }
    if let Some((y, m, d)) = date {
        for (tag, n) in [("f", &f), ("l", &l)] {
            if !n.is_empty() {
                keys.push((format!("{tag}d:{n}:{y}-{m}-{d}"), MAX_BLOCK));
            }
        }
        let mut i = [p.first.chars().next(), p.last.chars().next()];
        i.sort_unstable();
        keys.push((
            format!(
                "id:{}{}:{y}-{m}-{d}",
                i[0].unwrap_or('_'),
                i[1].unwrap_or('_')
            ),
            MAX_BLOCK,
        ));
    }
    if p.phone.len() >= 6 {
        keys.push((format!("p:{}", p.phone), MAX_BLOCK));
    }
    if p.id_number.len() >= 4 {
        keys.push((format!("i:{}", p.id_number), MAX_BLOCK));
    }
    if p.email.contains('@') {
        keys.push((format!("e:{}", p.email), MAX_BLOCK));
    }
    // Where people live narrows a name or a date down: either name's sound, or the full date
    // (names can be badly garbled), with the place or the postcode.
    let place = sound(&p.place);
    let full = date.map(|(y, m, d)| format!("{y}-{m}-{d}"));
    for (tag, at) in [("l", place.as_str()), ("z", p.postcode.as_str())] {
        if at.is_empty() {
            continue;
        }
        for x in [f.as_str(), l.as_str(), full.as_deref().unwrap_or("")] {
            if !x.is_empty() {
                keys.push((format!("{tag}:{x}:{at}"), MAX_BLOCK));
            }
        }
    }
    keys
}

fn hash_key(k: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    k.hash(&mut h);
    h.finish()
}

/// Runs `f` over `items` in one chunk per core and concatenates the results in order.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads == 1 || items.len() < 10_000 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| {
                let f = &f;
                s.spawn(move || c.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a comparison thread panicked"))
            .collect()
    })
}

/// Candidate pairs (index pairs, lower first, sorted) from the blocks that `keep` allows; and
/// how many blocks were too big.
fn candidate_pairs(people: &[Person], keep: impl Fn(u32, u32) -> bool) -> (Vec<(u32, u32)>, usize) {
    let keyed: Vec<Vec<(u64, usize)>> = parallel_map(people, |p| {
        blocking_keys(p)
            .into_iter()
            .map(|(k, cap)| (hash_key(&k), cap))
            .collect()
    });
    let mut entries: Vec<(u64, u32, u32)> = keyed
        .into_iter()
        .enumerate()
        .flat_map(|(i, ks)| {
            ks.into_iter()
                .map(move |(k, cap)| (k, i as u32, cap as u32))
        })
        .collect();
    entries.sort_unstable();
    let mut pairs: Vec<u64> = Vec::new();
    let mut skipped = 0;
    for block in entries.chunk_by(|a, b| a.0 == b.0) {
        if block.len() > block[0].2 as usize {
            skipped += 1;
            continue;
        }
        for (k, a) in block.iter().enumerate() {
            for b in &block[k + 1..] {
                if a.1 != b.1 && keep(a.1, b.1) {
                    let (x, y) = (a.1.min(b.1), a.1.max(b.1));
                    pairs.push(u64::from(x) << 32 | u64::from(y));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let pairs = pairs
        .into_iter()
        .map(|p| ((p >> 32) as u32, p as u32))
        .collect();
    (pairs, skipped)
}

/// Candidate pairs of one set of records (index pairs, lower first, sorted); and how many
/// blocks were too big.
pub fn candidates(people: &[Person]) -> (Vec<(u32, u32)>, usize) {
    candidate_pairs(people, |_, _| true)
}

/// What training pairs agree on.
#[derive(Clone, Copy)]
enum TrainingKey {
    /// The full birth date.
    BirthDate,
    /// The sounds of both names.
    Name,
}

/// Pairs for training, agreeing exactly on one key; at most 100 records per block and
/// 200,000 pairs in all, spread over the blocks.
fn training_pairs(people: &[Person], key: TrainingKey) -> Vec<(u32, u32)> {
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        let k = match key {
            TrainingKey::BirthDate => date_key(p).map(|(y, m, d)| format!("{y}-{m}-{d}")),
            TrainingKey::Name => {
                let (f, l) = (sound(&p.first), sound(&p.last));
                (!f.is_empty() && !l.is_empty()).then(|| format!("{f}:{l}"))
            }
        };
        if let Some(k) = k {
            blocks.entry(k).or_default().push(i as u32);
        }
    }
    let mut keys: Vec<&String> = blocks.keys().collect();
    keys.sort_unstable();
    let mut out = Vec::new();
    'outer: for k in keys {
        let ids = &blocks[k];
        for (j, &a) in ids.iter().take(100).enumerate() {
            for &b in ids.iter().take(100).skip(j + 1) {
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
    /// How many records carry each normalised name (for the term-frequency adjustment).
    name_counts: HashMap<String, f64>,
    records: f64,
}

impl Dedupe {
    /// The per-field weights behind a link's probability.
    pub fn explain(&self, people: &[Person], link: &Link) -> Vec<Contribution> {
        let f = self.frequencies(&people[link.left as usize], &link.vector);
        self.model.explain(&link.vector, f)
    }

    /// The frequencies of the names a pair agrees on exactly.
    fn frequencies(&self, a: &Person, v: &Vector) -> model::Frequencies {
        let of = |field: usize, value: &str| {
            (v[field] == Some(0))
                .then(|| self.name_counts.get(value).copied())
                .flatten()
                // Shrunk towards the typical frequency, as if seen among TF_WEIGHT more records:
                // in a file of a dozen rows, a name met twice is not thereby common.
                .map(|c| {
                    (c + model::TF_WEIGHT * model::DEFAULT_U[field][0])
                        / (self.records + model::TF_WEIGHT)
                })
        };
        // On exact agreement the left record's value is the pair's (possibly swapped on the
        // right, which the shared table of both name columns allows for).
        [of(0, &a.first), of(1, &a.last)]
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

/// Scores one pair under a given model, without term frequencies: for checking one record at a
/// time (a registration against the few records that share a name sound with it).
pub fn score_pair(model: &Model, a: &Person, b: &Person) -> (f64, Vec<Contribution>) {
    let v = compare::vector(a, b);
    (
        model.match_probability(&v, [None, None]),
        model.explain(&v, [None, None]),
    )
}

/// Deduplicates records: blocks, compares, estimates the model, keeps the pairs whose
/// probability reaches `threshold`, and clusters them.
pub fn dedupe(people: &[Person], threshold: f64) -> Dedupe {
    let n = people.len() as f64;
    run(people, threshold, n * (n - 1.0) / 2.0, |_, _| true)
}

/// Links two sets of records: only pairs with one record of each (`people[..split]` and
/// `people[split..]`) are compared and returned.
pub fn link(people: &[Person], split: usize, threshold: f64) -> Dedupe {
    let total = split as f64 * (people.len() - split.min(people.len())) as f64;
    let split = split as u32;
    run(people, threshold, total, |a, b| (a < split) != (b < split))
}

fn vectors_of(people: &[Person], pairs: &[(u32, u32)]) -> Vec<Vector> {
    parallel_map(pairs, |&(a, b)| {
        compare::vector(&people[a as usize], &people[b as usize])
    })
}

fn run(
    people: &[Person],
    threshold: f64,
    total_pairs: f64,
    keep: impl Fn(u32, u32) -> bool,
) -> Dedupe {
    let n = people.len();
    // How often each name value occurs, first and last names together.
    let mut counts: HashMap<&str, f64> = HashMap::new();
    for p in people {
        for v in [&p.first, &p.last] {
            if !v.is_empty() {
                *counts.entry(v.as_str()).or_default() += 1.0;
            }
        }
    }
    let name_counts: HashMap<String, f64> = counts
        .into_iter()
        .map(|(k, c)| (k.to_string(), c))
        .collect();
    let (pairs, skipped_blocks) = candidate_pairs(people, keep);
    let vectors = vectors_of(people, &pairs);
    let mut model = Model::initial();
    if n > 1 {
        let target = (n * 4).clamp(1_000, 200_000);
        let random: Vec<(u32, u32)> = if n * (n - 1) / 2 <= target {
            // A small file: every pair once (sampling would count the same few pairs over).
            (0..n as u32)
                .flat_map(|a| (a + 1..n as u32).map(move |b| (a, b)))
                .collect()
        } else {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
            (0..target)
                .filter_map(|_| {
                    let (a, b) = (rng.below(n), rng.below(n));
                    (a != b).then_some((a as u32, b as u32))
                })
                .collect()
        };
        model.estimate_u(&vectors_of(people, &random));
    }
    // Splink's way: each field's `m` from pairs blocked on another field, then the prior.
    for (blocked, key) in [
        (&[2usize][..], TrainingKey::BirthDate),
        (&[0, 1][..], TrainingKey::Name),
    ] {
        let training = vectors_of(people, &training_pairs(people, key));
        if training.len() >= 10 {
            model.estimate_m_blocked(&model::patterns(&training), blocked, 200);
        }
    }
    model.estimate_prior(&model::patterns(&vectors), total_pairs, 200);
    let mut d = Dedupe {
        model,
        candidate_pairs: pairs.len(),
        skipped_blocks,
        links: Vec::new(),
        clusters: Vec::new(),
        name_counts,
        records: n as f64,
    };
    let weights = d.model.weights();
    let prior = model::logit(d.model.prior);
    let mut links: Vec<Link> = pairs
        .iter()
        .zip(&vectors)
        .filter_map(|(&(a, b), v)| {
            let mut s = prior + model::score(&weights, v);
            let f = d.frequencies(&people[a as usize], v);
            for (field, freq) in f.iter().enumerate() {
                if let Some(t) = freq {
                    s += d.model.weight(field, v[field], Some(*t)) - weights[field][0];
                }
            }
            let probability = model::probability(s);
            (probability >= threshold).then_some(Link {
                left: a,
                right: b,
                probability,
                vector: *v,
            })
        })
        .collect();
    links.sort_by(|x, y| {
        y.probability
            .total_cmp(&x.probability)
            .then((x.left, x.right).cmp(&(y.left, y.right)))
    });
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
        // Each case runs the whole engine: fewer cases than the default keep the suite quick.
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Names in any script, with any marks, emoji or length, go through the whole engine
        /// (normalising, blocking, comparing, clustering, privacy-preserving encoding) without
        /// a panic; the same person twice is still found.
        #[test]
        fn any_names_go_through_the_engine(
            names in proptest::collection::vec(("\\PC{0,60}", "\\PC{0,60}", "\\PC{0,12}"), 1..12),
            long in "\\PC{0,1000}",
        ) {
            let mut people: Vec<Person> = names
                .iter()
                .enumerate()
                .map(|(i, (f, l, b))| Person::new(&i.to_string(), f, l).birth(b).place(b))
                .collect();
            people.push(Person::new("long", &long, &long));
            people.push(Person::new("a", "Stanisław", "Łukaszewicz").birth("1990-01-02"));
            people.push(Person::new("b", "Stanislaw", "Lukaszewicz").birth("1990-01-02"));
            let d = dedupe(&people, 0.5);
            let n = people.len() as u32;
            prop_assert_eq!(d.clusters[n as usize - 1], d.clusters[n as usize - 2]);
            let e = pprl::Encoder::new(b"a secret of sixteen bytes or more").unwrap();
            for p in &people {
                let _ = e.encode(p);
                let _ = blocking_keys(p);
            }
        }
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
