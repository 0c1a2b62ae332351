//! Fictional people with the errors real registers have, and the truth: for benchmarks and
//! tests. Names mix Spanish, Portuguese, English and Amerindian (Guyanese) ones.
use crate::Person;

const FIRST: &[&str] = &[
    "María",
    "José",
    "Ana",
    "Juan",
    "Luis",
    "Carmen",
    "Rosa",
    "Pedro",
    "Lucía",
    "Carlos",
    "João",
    "Maria",
    "Ana Paula",
    "Francisco",
    "Antônio",
    "Raimunda",
    "Sebastião",
    "Conceição",
    "John",
    "Mary",
    "Michelle",
    "Shaquille",
    "Kevin",
    "Tiffany",
    "Ryan",
    "Shanice",
    "Andrew",
    "Aiyana",
    "Tamika",
    "Wapishana",
    "Makushi",
    "Kanuku",
    "Rupununi",
    "Yenny",
    "Wilmer",
    "Yusneidy",
    "Daniela",
    "Gabriela",
    "Rafael",
    "Deborah",
];
const LAST: &[&str] = &[
    "González",
    "Rodríguez",
    "Pérez",
    "Hernández",
    "Martínez",
    "García",
    "López",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Pereira",
    "Costa",
    "Almeida",
    "Smith",
    "Williams",
    "Persaud",
    "Singh",
    "Ramdass",
    "Khan",
    "Thomas",
    "Charles",
    "James",
    "Fredericks",
    "Daniels",
    "Allicock",
    "Melville",
    "Wilson",
    "De Souza",
    "Da Silva",
    "Ramnarine",
    "Bacchus",
    "Gomes",
    "Mendonça",
    "Figueira",
    "Castro",
    "Quintero",
];
const NICK: &[(&str, &str)] = &[
    ("José", "Pepe"),
    ("Francisco", "Chico"),
    ("María", "Mari"),
    ("Antônio", "Toninho"),
    ("Michelle", "Shelly"),
    ("Andrew", "Andy"),
    ("Rafael", "Rafa"),
    ("Gabriela", "Gaby"),
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// A typo: a letter replaced, dropped, doubled, or two swapped.
fn typo(r: &mut Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        return s.to_string();
    }
    let i = 1 + r.below(c.len() - 2);
    match r.below(4) {
        0 => c[i] = (b'a' + r.below(26) as u8) as char,
        1 => {
            c.remove(i);
        }
        2 => c.insert(i, c[i]),
        _ => c.swap(i, i + 1),
    }
    c.into_iter().collect()
}

fn unaccent(s: &str) -> String {
    crate::normalise::name(s)
}

/// A made-up surname from syllables (real registers have thousands of distinct names, not 40).
fn coined(r: &mut Rng) -> String {
    const SYL: &[&str] = &[
        "ra", "mo", "san", "tos", "gar", "ci", "per", "lo", "ri", "vas", "men", "do", "za", "bel",
        "car", "val", "le", "ta", "nor", "quin", "te", "ro", "fer", "nan", "des", "mal",
    ];
    let n = 2 + r.below(2);
    let mut s: String = (0..n).map(|_| r.pick(SYL)).collect();
    if let Some(c) = s.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    s
}

/// `n` records of about `n / 1.4` people (1 to 4 records each), with realistic errors; the
/// second value is each record's person.
pub fn people(n: usize, seed: u64) -> (Vec<Person>, Vec<u32>) {
    let mut r = Rng(seed | 1);
    let mut out = Vec::with_capacity(n);
    let mut truth = Vec::with_capacity(n);
    let mut entity = 0u32;
    while out.len() < n {
        let first = if r.chance(20) {
            format!("{} {}", r.pick(FIRST), r.pick(FIRST))
        } else {
            r.pick(FIRST).to_string()
        };
        let family = |r: &mut Rng| {
            if r.chance(60) {
                coined(r)
            } else {
                r.pick(LAST).to_string()
            }
        };
        let last = if r.chance(30) {
            format!("{} {}", family(&mut r), family(&mut r))
        } else {
            family(&mut r)
        };
        let (y, m, d) = (1960 + r.below(50), 1 + r.below(12), 1 + r.below(28));
        let sex = if r.chance(70) { "F" } else { "M" };
        let phone = format!("6{:06}", r.below(1_000_000));
        let copies = match r.below(10) {
            0..=4 => 1,
            5..=7 => 2,
            8 => 3,
            _ => 4,
        };
        for k in 0..copies {
            if out.len() == n {
                break;
            }
            let clean = k == 0;
            let mut f = first.clone();
            let mut l = last.clone();
            if !clean {
                if r.chance(25) {
                    f = typo(&mut r, &f);
                }
                if r.chance(25) {
                    l = typo(&mut r, &l);
                }
                if r.chance(30) {
                    f = unaccent(&f);
                    l = unaccent(&l);
                }
                if r.chance(8) {
                    std::mem::swap(&mut f, &mut l);
                }
                if r.chance(10)
                    && let Some((_, nick)) = NICK.iter().find(|(full, _)| f.starts_with(full))
                {
                    f = nick.to_string();
                }
                if r.chance(10) {
                    // Only the first family name.
                    l = l.split(' ').next().unwrap_or("").to_string();
                }
            }
            let birth = if !clean && r.chance(15) {
                String::new()
            } else if !clean && r.chance(15) {
                format!("{}", y as i64 + [-1i64, 0, 1][r.below(3)])
            } else if !clean && r.chance(10) {
                format!("{y}-{d:02}-{m:02}")
            } else if r.chance(50) {
                format!("{d:02}/{m:02}/{y}")
            } else {
                format!("{y}-{m:02}-{d:02}")
            };
            let mut p = Person::new(&format!("r{}", out.len()), &f, &l)
                .birth(&birth)
                .sex(sex);
            if r.chance(40) {
                p = p.phone(&phone);
            }
            out.push(p);
            truth.push(entity);
        }
        entity += 1;
    }
    (out, truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_people_have_duplicates_and_are_reproducible() {
        let (a, t) = people(1000, 7);
        let (b, _) = people(1000, 7);
        assert_eq!(a.len(), 1000);
        assert_eq!(a[17].first, b[17].first);
        let persons = {
            let mut x = t.clone();
            x.dedup();
            x.len()
        };
        assert!(persons < 900 && persons > 500, "{persons}");
    }
}
