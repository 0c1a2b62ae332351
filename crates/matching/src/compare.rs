//! Comparison of two records field by field, each into a graded level: 0 is the strongest
//! agreement, the last level disagreement; `None` when a side is missing.
use crate::Person;
use crate::normalise::BirthDate;

/// The fields compared, in the order of a comparison vector.
pub const FIELDS: &[&str] = &[
    "name",
    "birth",
    "sex",
    "citizenship",
    "place",
    "phone",
    "id",
];

/// Levels per field (the last is "different").
pub const LEVELS: &[usize] = &[4, 4, 2, 2, 2, 2, 2];

/// Jaro–Winkler similarity of two strings.
pub fn jw(a: &str, b: &str) -> f64 {
    strsim::jaro_winkler(a, b)
}

/// Names: the best pairing of given and family names, allowing them swapped and a given name
/// missing. 0 exact, 1 close (typos, variants), 2 partly (one name agrees), 3 different.
pub fn names(a: &Person, b: &Person) -> Option<usize> {
    if (a.first.is_empty() && a.last.is_empty()) || (b.first.is_empty() && b.last.is_empty()) {
        return None;
    }
    let full = |p: &Person| format!("{} {}", p.first, p.last).trim().to_string();
    if full(a) == full(b) {
        return Some(0);
    }
    let straight = pair(&a.first, &b.first).min(pair(&a.last, &b.last));
    let swapped = pair(&a.first, &b.last).min(pair(&a.last, &b.first));
    let both = straight.max(swapped);
    if both >= 0.999 {
        return Some(0);
    }
    if both >= 0.90 {
        return Some(1);
    }
    // One of the names agrees closely (the other missing, abbreviated or changed).
    let one = [
        pair(&a.first, &b.first),
        pair(&a.last, &b.last),
        pair(&a.first, &b.last),
        pair(&a.last, &b.first),
    ]
    .into_iter()
    .fold(0.0, f64::max);
    if one >= 0.92 { Some(2) } else { Some(3) }
}

/// Similarity of two name parts, token-aware: "maria jose" and "maria" agree on "maria".
fn pair(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let whole = jw(a, b);
    let best_token = a
        .split(' ')
        .flat_map(|x| b.split(' ').map(move |y| jw(x, y)))
        .fold(0.0, f64::max);
    whole.max(best_token * 0.97)
}

/// Birth dates: 0 same day, 1 day and month swapped or one day apart in a full date, or the same
/// year and month, 2 within a year (guessed or assessed ages), 3 different.
pub fn birth(a: Option<BirthDate>, b: Option<BirthDate>) -> Option<usize> {
    let (a, b) = (a?, b?);
    if a == b && a.day.is_some() {
        return Some(0);
    }
    let swapped = a.year == b.year
        && a.month.is_some()
        && a.day.is_some()
        && a.month == b.day
        && a.day == b.month;
    if swapped || (a.year == b.year && a.month.is_some() && a.month == b.month) || (a == b) {
        return Some(1);
    }
    if (a.year - b.year).abs() <= 1 {
        return Some(2);
    }
    Some(3)
}

fn same(a: &str, b: &str) -> Option<usize> {
    if a.is_empty() || b.is_empty() {
        None
    } else if a == b {
        Some(0)
    } else {
        Some(1)
    }
}

/// The comparison vector of two records.
pub fn vector(a: &Person, b: &Person) -> [Option<usize>; 7] {
    [
        names(a, b),
        birth(a.birth, b.birth),
        same(&a.sex, &b.sex),
        same(&a.citizenship, &b.citizenship),
        same(&a.place, &b.place),
        same(&a.phone, &b.phone),
        same(&a.id_number, &b.id_number),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::birth_date;

    fn p(first: &str, last: &str) -> Person {
        Person::new("x", first, last)
    }

    #[test]
    fn name_levels() {
        assert_eq!(
            names(&p("María", "González"), &p("maria", "gonzalez")),
            Some(0)
        );
        assert_eq!(
            names(&p("Maria", "Gonzales"), &p("María", "González")),
            Some(1)
        );
        assert_eq!(
            names(&p("González", "María"), &p("María", "González")),
            Some(0),
            "swapped"
        );
        assert_eq!(
            names(&p("Maria Jose", "Perez"), &p("Maria", "Perez")),
            Some(1)
        );
        assert_eq!(names(&p("Ana", "Perez"), &p("Luisa", "Perez")), Some(2));
        assert_eq!(names(&p("Ana", "Perez"), &p("John", "Smith")), Some(3));
        assert_eq!(names(&p("", ""), &p("John", "Smith")), None);
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
        assert_eq!(birth(d("1998-04-12"), d("1999")), Some(2));
        assert_eq!(birth(d("1998-04-12"), d("2003-04-12")), Some(3));
        assert_eq!(birth(d("1998"), None), None);
    }
}
