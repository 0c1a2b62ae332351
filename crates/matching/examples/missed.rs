use haven_matching::*;
use std::collections::{HashMap, HashSet};
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(300000);
    let (people, truth) = synth::people(n, 7);
    let (pairs, skipped) = candidates(&people);
    let cand: HashSet<(u32, u32)> = pairs.iter().copied().collect();
    let mut by: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, t) in truth.iter().enumerate() {
        by.entry(*t).or_default().push(i as u32);
    }
    let mut cat: HashMap<String, usize> = HashMap::new();
    let mut total = 0;
    for ids in by.values() {
        for (x, &a) in ids.iter().enumerate() {
            for &b in &ids[x + 1..] {
                total += 1;
                if !cand.contains(&(a.min(b), a.max(b))) {
                    let (p, q) = (&people[a as usize], &people[b as usize]);
                    let v = compare::vector(p, q);
                    let full = |d: Option<normalise::BirthDate>| {
                        d.map(|d| d.day.is_some()).unwrap_or(false)
                    };
                    let k = format!(
                        "dates:{}{} names:{:?}{:?}",
                        if p.birth.is_none() {
                            "-"
                        } else if full(p.birth) {
                            "F"
                        } else {
                            "Y"
                        },
                        if q.birth.is_none() {
                            "-"
                        } else if full(q.birth) {
                            "F"
                        } else {
                            "Y"
                        },
                        v[0],
                        v[1]
                    );
                    *cat.entry(k).or_default() += 1;
                }
            }
        }
    }
    let mut c: Vec<_> = cat.into_iter().collect();
    c.sort_by_key(|x| std::cmp::Reverse(x.1));
    println!(
        "total true {total} candidates {} skipped blocks {skipped}",
        pairs.len()
    );
    for (k, v) in c.iter().take(15) {
        println!("{v}\t{k}");
    }
}
