use haven_matching::*;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100000);
    let (people, _truth) = synth::people(n, 7);
    let t = std::time::Instant::now();
    let keys: usize = people.iter().map(|p| blocking_keys(p).len()).sum();
    println!("keys {keys} {:.2}s", t.elapsed().as_secs_f64());
    let t = std::time::Instant::now();
    let (c, _) = candidates(&people);
    println!("candidates {} {:.2}s", c.len(), t.elapsed().as_secs_f64());
    let t = std::time::Instant::now();
    let v: Vec<_> = c
        .iter()
        .map(|&(a, b)| compare::vector(&people[a as usize], &people[b as usize]))
        .collect();
    println!("compare {} {:.2}s", v.len(), t.elapsed().as_secs_f64());
    let t = std::time::Instant::now();
    let d = dedupe(&people, 0.9);
    println!("dedupe {} {:.2}s", d.links.len(), t.elapsed().as_secs_f64());
}
