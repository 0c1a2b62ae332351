use haven_matching::*;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10000);
    let (people, truth) = synth::people(n, 7);
    let t0 = std::time::Instant::now();
    let d = dedupe(&people, 0.9);
    let a = accuracy(&people, &truth, &d);
    println!(
        "{:.2}s cands {} {:?}",
        t0.elapsed().as_secs_f64(),
        d.candidate_pairs,
        a
    );
    println!(
        "prior {:.5}\nm {:?}\nu {:?}",
        d.model.prior, d.model.m, d.model.u
    );
    let mut shown = 0;
    let mut hist = std::collections::HashMap::new();
    for l in &d.links {
        if truth[l.left as usize] != truth[l.right as usize] {
            *hist.entry(format!("{:?}", l.vector)).or_insert(0) += 1;
            if shown < 15 {
                shown += 1;
                let (a, b) = (&people[l.left as usize], &people[l.right as usize]);
                println!(
                    "FP {:.3} {:?} | {} {} {:?} | {} {} {:?}",
                    l.probability, l.vector, a.first, a.last, a.birth, b.first, b.last, b.birth
                );
            }
        }
    }
    let mut h: Vec<_> = hist.into_iter().collect();
    h.sort_by_key(|x| -x.1);
    for (k, c) in h.iter().take(10) {
        println!("{c}\t{k}");
    }
    // FN
    let (pairs, _) = candidates(&people);
    let linked: std::collections::HashSet<(u32, u32)> =
        d.links.iter().map(|l| (l.left, l.right)).collect();
    let mut fh = std::collections::HashMap::new();
    for &(a, b) in &pairs {
        if truth[a as usize] == truth[b as usize] && !linked.contains(&(a, b)) {
            let v = compare::vector(&people[a as usize], &people[b as usize]);
            *fh.entry(format!("{:?}", v)).or_insert(0) += 1;
        }
    }
    let mut h: Vec<_> = fh.into_iter().collect();
    h.sort_by_key(|x| -x.1);
    let cand: std::collections::HashSet<(u32, u32)> = pairs.iter().copied().collect();
    let mut by: std::collections::HashMap<u32, Vec<u32>> = Default::default();
    for (i, t) in truth.iter().enumerate() {
        by.entry(*t).or_default().push(i as u32);
    }
    let mut k = 0;
    for ids in by.values() {
        for (x, &a) in ids.iter().enumerate() {
            for &b in &ids[x + 1..] {
                if !cand.contains(&(a.min(b), a.max(b))) && k < 12 {
                    k += 1;
                    let (p, q) = (&people[a as usize], &people[b as usize]);
                    println!(
                        "MISSED {} / {} {:?} | {} / {} {:?}",
                        p.first, p.last, p.birth, q.first, q.last, q.birth
                    );
                }
            }
        }
    }
    for th in [0.5, 0.8, 0.9, 0.95] {
        let d = dedupe(&people, th);
        println!("th {th} {:?}", accuracy(&people, &truth, &d));
    }
    println!("FN (blocked, not linked)");
    for (k, c) in h.iter().take(10) {
        println!("{c}\t{k}");
    }
}
#[allow(dead_code)]
fn missed() {}
