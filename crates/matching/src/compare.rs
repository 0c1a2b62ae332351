//! Comparison of two records field by field, each into a graded level: 0 is the strongest
//! agreement, the last level disagreement; `None` when a side is missing.
use crate::Person;
use crate::normalise::{BirthDate, same_nickname};

/// The fields compared, in the order of a comparison vector.
pub const FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "birth",
    "sex",
    "citizenship",
    "place",
    "phone",
    "id",
    "email",
    "postcode",
    "address",
];

/// Levels per field (the last is "different").
pub const LEVELS: &[usize] = &[4, 4, 5, 2, 2, 3, 3, 3, 3, 3, 3];

/// The number of fields.
pub const N: usize = 11;

/// A comparison vector: one level per field, `None` where a side is missing.
pub type Vector = [Option<u8>; N];

/// Jaro–Winkler similarity of two strings: on bit masks for ASCII names of up to 64 letters
/// (nearly all, once normalised), through `strsim` otherwise.
pub fn jw(a: &str, b: &str) -> f64 {
    if a.len() <= 64 && b.len() <= 64 && a.is_ascii() && b.is_ascii() {
        jw_ascii(a.as_bytes(), b.as_bytes())
    } else {
        strsim::jaro_winkler(a, b)
    }
}

/// Jaro–Winkler of byte strings of at most 64 bytes, the matched positions kept in bit masks
/// (no allocation; a pair costs a few hundred nanoseconds at most).
fn jw_ascii(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_matched, mut b_matched) = (0u64, 0u64);
    let mut matches = 0u32;
    for (i, &x) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for (j, &y) in b.iter().enumerate().take(hi).skip(lo) {
            if b_matched & (1 << j) == 0 && x == y {
                b_matched |= 1 << j;
                a_matched |= 1 << i;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0u32;
    let mut k = 0;
    for (i, &x) in a.iter().enumerate() {
        if a_matched & (1 << i) != 0 {
            while b_matched & (1 << k) == 0 {
                k += 1;
            }
            if x != b[k] {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = f64::from(matches);
    let jaro =
        (m / a.len() as f64 + m / b.len() as f64 + (m - f64::from(transpositions / 2)) / m) / 3.0;
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + 0.1 * prefix * (1.0 - jaro)
}

/// Similarity of two name parts, token-aware: "maria jose" and "maria" agree on "maria";
/// a known nickname counts as close.
fn similarity(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let whole = jw(a, b);
    if whole >= 0.97 {
        return whole;
    }
    if !a.contains(' ') && !b.contains(' ') {
        return if whole < 0.92 && same_nickname(a, b) {
            0.97
        } else {
            whole
        };
    }
    let mut best = 0.0f64;
    for x in a.split(' ') {
        for y in b.split(' ') {
            let s = if x == y || same_nickname(x, y) {
                1.0
            } else {
                jw(x, y)
            };
            best = best.max(s);
        }
    }
    whole.max(best * 0.97)
}

/// The level of one name part: 0 exact, 1 close (typo, variant, nickname, a given name more),
/// 2 somewhat alike, 3 different.
fn name_level(a: &str, b: &str, s: f64) -> u8 {
    if a == b {
        0
    } else if s >= 0.92 {
        1
    } else if s >= 0.80 {
        2
    } else {
        3
    }
}

/// Given and family names, compared in the order that fits best (so that names written
/// swapped still agree).
pub fn names(a: &Person, b: &Person) -> [Option<u8>; 2] {
    let straight = (similarity(&a.first, &b.first), similarity(&a.last, &b.last));
    // Swapped names win only by a margin, which a near-perfect straight reading leaves none.
    let swapped = if straight.0 + straight.1 >= 1.9 {
        (0.0, 0.0)
    } else {
        (similarity(&a.first, &b.last), similarity(&a.last, &b.first))
    };
    let (bf, bl, s) = if swapped.0 + swapped.1 > straight.0 + straight.1 + 0.1 {
        (&b.last, &b.first, swapped)
    } else {
        (&b.first, &b.last, straight)
    };
    let level =
        |x: &str, y: &str, s: f64| (!x.is_empty() && !y.is_empty()).then(|| name_level(x, y, s));
    [level(&a.first, bf, s.0), level(&a.last, bl, s.1)]
}

/// Birth dates: 0 the same day; 1 day and month swapped, or one of them different; 2 one
/// date partial and agreeing with the other (a year only, say); 3 within a year (guessed or
/// assessed ages); 4 different.
pub fn birth(a: Option<BirthDate>, b: Option<BirthDate>) -> Option<u8> {
    let (a, b) = (a?, b?);
    let full = |d: &BirthDate| d.month.is_some() && d.day.is_some();
    if full(&a) && full(&b) {
        if a == b {
            return Some(0);
        }
        if a.year == b.year
            && ((a.month == b.day && a.day == b.month) || a.month == b.month || a.day == b.day)
        {
            return Some(1);
        }
    } else if a.year == b.year && (a.month.is_none() || b.month.is_none() || a.month == b.month) {
        return Some(2);
    }
    if (a.year - b.year).abs() <= 1 {
        return Some(3);
    }
    Some(4)
}

/// Places: 0 the same; 1 close (a typo, "St Lucia" and "Saint Lucia"); 2 different.
fn place(a: &str, b: &str) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        None
    } else if a == b {
        Some(0)
    } else if jw(a, b) >= 0.9 {
        Some(1)
    } else {
        Some(2)
    }
}

/// Addresses: 0 the same; 1 close (a typo, or the same words in another order or with one
/// word more or fewer); 2 different.
fn address(a: &str, b: &str) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(0);
    }
    if jw(a, b) >= 0.9 {
        return Some(1);
    }
    let (x, y): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    let shared = x.iter().filter(|w| y.contains(w)).count();
    let most = x.len().max(y.len());
    Some(if most >= 2 && shared + 1 >= most {
        1
    } else {
        2
    })
}

/// Numbers (phone, identity): 0 the same; 1 one keystroke apart (a digit wrong, missing, extra,
/// or two neighbours swapped); 2 different.
fn number(a: &str, b: &str) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        None
    } else if a == b {
        Some(0)
    } else if one_keystroke(a.as_bytes(), b.as_bytes()) {
        Some(1)
    } else {
        Some(2)
    }
}

/// Whether two different strings are one substitution, insertion, deletion or transposition of
/// neighbours apart (Damerau distance 1).
pub fn one_keystroke(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let start = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        let (x, y) = (&short[start..], &long[start..]);
        x.len() <= 1 || x[1..] == y[1..] || (x[0] == y[1] && x[1] == y[0] && x[2..] == y[2..])
    } else {
        long.len() == short.len() + 1 && short[start..] == long[start + 1..]
    }
}

fn same(a: &str, b: &str) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        None
    } else if a == b {
        Some(0)
    } else {
        Some(1)
    }
}

/// The comparison vector of two records.
pub fn vector(a: &Person, b: &Person) -> Vector {
    let [first, last] = names(a, b);
    [
        first,
        last,
        birth(a.birth, b.birth),
        same(&a.sex, &b.sex),
        same(&a.citizenship, &b.citizenship),
        place(&a.place, &b.place),
        number(&a.phone, &b.phone),
        number(&a.id_number, &b.id_number),
        number(&a.email, &b.email),
        number(&a.postcode, &b.postcode),
        address(&a.address, &b.address),
    ]
}

/// A vector packed into one number (three bits a field, 7 for missing): for counting patterns.
pub fn pack(v: &Vector) -> u64 {
    v.iter().enumerate().fold(0, |acc, (f, l)| {
        acc | (u64::from(l.unwrap_or(7)) << (3 * f))
    })
}

/// The vector of a packed pattern.
pub fn unpack(p: u64) -> Vector {
    let mut v = [None; N];
    for (f, slot) in v.iter_mut().enumerate() {
        let l = ((p >> (3 * f)) & 7) as u8;
        *slot = (l != 7).then_some(l);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::birth_date;
    use proptest::prelude::*;

    fn p(first: &str, last: &str) -> Person {
        Person::new("x", first, last)
    }

    #[test]
    fn numbers_one_keystroke_apart_are_close() {
        assert_eq!(number("6001234", "6001234"), Some(0));
        assert_eq!(number("6001234", "6001284"), Some(1)); // a digit wrong
        assert_eq!(number("6001234", "6002134"), Some(1)); // neighbours swapped
        assert_eq!(number("6001234", "600124"), Some(1)); // a digit missing
        assert_eq!(number("6001234", "60012345"), Some(1)); // a digit more
        assert_eq!(number("6001234", "6002143"), Some(2));
        assert_eq!(number("6001234", "7001235"), Some(2));
        assert_eq!(number("", "7001235"), None);
        assert_eq!(place("saint lucia", "saint lucai"), Some(1));
        assert_eq!(place("moana", "moama"), Some(1));
        assert_eq!(place("moana", "sale"), Some(2));
        assert_eq!(address("12 calle real", "12 calle real"), Some(0));
        assert_eq!(address("12 calle real", "calle real 12"), Some(1));
        assert_eq!(address("12 calle real", "12 calle real apto 3"), Some(1));
        assert_eq!(address("12 calle real", "45 calle flores"), Some(2));
        assert_eq!(address("12 calle real apto", "12 calle real"), Some(1));
        assert_eq!(address("12 calle real", "7 avenida brasil"), Some(2));
    }

    proptest! {
        #[test]
        fn one_keystroke_is_damerau_distance_one(a in "[0-3]{0,6}", b in "[0-3]{0,6}") {
            prop_assume!(a != b);
            let want = strsim::damerau_levenshtein(&a, &b) == 1;
            prop_assert_eq!(one_keystroke(a.as_bytes(), b.as_bytes()), want);
            prop_assert_eq!(one_keystroke(b.as_bytes(), a.as_bytes()), want);
        }
    }

    #[test]
    fn name_levels() {
        let n = |a: Person, b: Person| names(&a, &b);
        assert_eq!(
            n(p("María", "González"), p("maria", "gonzalez")),
            [Some(0), Some(0)]
        );
        assert_eq!(
            n(p("Maria", "Gonzales"), p("María", "González")),
            [Some(0), Some(1)]
        );
        assert_eq!(
            n(p("González", "María"), p("María", "González")),
            [Some(0), Some(0)],
            "swapped"
        );
        assert_eq!(
            n(p("Maria Jose", "Perez"), p("Maria", "Perez")),
            [Some(1), Some(0)]
        );
        assert_eq!(
            n(p("Pepe", "Perez"), p("José", "Perez"))[0],
            Some(1),
            "nickname"
        );
        assert_eq!(n(p("Ana", "Perez"), p("Luisa", "Perez"))[0], Some(3));
        assert_eq!(n(p("Ana", "Perez"), p("John", "Smith")), [Some(3), Some(3)]);
        assert_eq!(n(p("", ""), p("John", "Smith")), [None, None]);
    }

    #[test]
    fn birth_levels() {
        let d = |s| birth_date(s);
        assert_eq!(birth(d("1998-04-12"), d("12/04/1998")), Some(0));
        assert_eq!(
            birth(d("1998-04-12"), d("1998-12-04")),
            Some(1),
            "day and month swapped"
        );
        assert_eq!(birth(d("1998-04-12"), d("1998-04-20")), Some(1));
        assert_eq!(birth(d("1998-04-12"), d("1998")), Some(2));
        assert_eq!(birth(d("1998-04-12"), d("1998-04")), Some(2));
        assert_eq!(birth(d("1998-04-12"), d("1999")), Some(3));
        assert_eq!(birth(d("1998-04-12"), d("1998-07-30")), Some(3));
        assert_eq!(birth(d("1998-04-12"), d("2003-04-12")), Some(4));
        assert_eq!(birth(d("1998"), None), None);
    }

    proptest! {
        /// The bit-mask Jaro–Winkler agrees with strsim's.
        #[test]
        fn fast_jaro_winkler_agrees_with_strsim(a in "[a-e ]{0,70}", b in "[a-e ]{0,70}") {
            prop_assert!((jw(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-9, "{a:?} {b:?}");
        }

        #[test]
        fn packing_round_trips(v in proptest::array::uniform11(proptest::option::of(0u8..5))) {
            prop_assert_eq!(unpack(pack(&v)), v);
        }

        /// Comparison is symmetric in its levels.
        #[test]
        fn comparison_is_symmetric(a in "[a-z]{1,8}( [a-z]{1,6})?", b in "[a-z]{1,8}", c in "[a-z]{1,8}", d in "[a-z]{1,8}") {
            let x = p(&a, &b);
            let y = p(&c, &d);
            let (xy, yx) = (vector(&x, &y), vector(&y, &x));
            let mut l = [xy[0], xy[1]];
            let mut r = [yx[0], yx[1]];
            l.sort();
            r.sort();
            prop_assert_eq!(l, r);
        }
    }
}
