//! Privacy-preserving record linkage: each record becomes a cryptographic long-term key (CLK),
//! a 1024-bit Bloom filter of its name bigrams and birth-date parts hashed with a keyed HMAC,
//! plus keyed hashes of its blocking keys. Two organisations that share the secret, and not
//! their data, compare filters by Sørensen–Dice similarity and learn only which of their own
//! records correspond. Without the secret the filters and keys say nothing that can be looked
//! up; with a different secret nothing matches.
use std::collections::HashMap;
use std::io::{BufRead, Write};

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::popcount::{self, WORDS};
use crate::{MAX_BLOCK, MAX_NAME_BLOCK, Person, blocking_keys, parallel_map};

/// Bits in a filter.
pub const BITS: usize = WORDS * 64;
/// The least secret accepted, in bytes.
pub const MIN_SECRET: usize = 16;
/// The first line of a `.clk` file.
const MAGIC: &str = "haven-clk 1";

#[derive(Debug, thiserror::Error)]
pub enum PprlError {
    #[error("the secret is too short: at least {MIN_SECRET} bytes (e.g. 32 random bytes)")]
    ShortSecret,
    #[error("line {line}: {reason}")]
    BadFile { line: usize, reason: String },
    #[error(
        "the two files were encoded with different secrets: both organisations must use the same secret file"
    )]
    DifferentSecrets,
    #[error("an id may not hold a tab or a line break (line {0})")]
    BadId(usize),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// One record's encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    pub id: String,
    pub filter: [u64; WORDS],
    /// Keyed hashes of its blocking keys; `true` for the loose ones (kept only in small blocks).
    pub keys: Vec<(u64, bool)>,
}

/// Turns records into CLKs under one secret.
#[derive(Clone)]
pub struct Encoder {
    mac: Hmac<Sha256>,
}

/// What goes into a filter: a tag (the kind of value), and how many bits each value sets.
const NAME_BITS: usize = 15;
const YEAR_BITS: usize = 20;
const DAY_MONTH_BITS: usize = 12;
const OTHER_BITS: usize = 10;
const NUMBER_BITS: usize = 20;

impl Encoder {
    pub fn new(secret: &[u8]) -> Result<Encoder, PprlError> {
        if secret.len() < MIN_SECRET {
            return Err(PprlError::ShortSecret);
        }
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
            .map_err(|_| PprlError::ShortSecret)?;
        Ok(Encoder { mac })
    }

    fn digest(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut m = self.mac.clone();
        for p in parts {
            m.update(&(p.len() as u32).to_be_bytes());
            m.update(p);
        }
        m.finalize().into_bytes().into()
    }

    /// A check value of the secret (the same secret gives the same check): lets the linker
    /// tell two files encoded under different secrets apart, revealing nothing else.
    pub fn check(&self) -> String {
        let d = self.digest(&[b"haven-clk-check"]);
        d[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Sets `k` bits for a value: positions from the HMAC of the tag and value, ten bits each,
    /// a fresh HMAC (with a counter) for every 16 positions.
    fn add(&self, filter: &mut [u64; WORDS], tag: &str, value: &str, k: usize) {
        let mut set = 0;
        let mut round = 0u32;
        while set < k {
            let d = self.digest(&[tag.as_bytes(), value.as_bytes(), &round.to_be_bytes()]);
            for pair in d.chunks_exact(2) {
                if set == k {
                    break;
                }
                let bit = (usize::from(pair[0]) << 8 | usize::from(pair[1])) % BITS;
                filter[bit / 64] |= 1 << (bit % 64);
                set += 1;
            }
            round += 1;
        }
    }

    /// The CLK of a record (already normalised by [`Person`]).
    pub fn encode(&self, p: &Person) -> Encoded {
        let mut f = [0u64; WORDS];
        // Names as one bag of padded bigrams: swapped given and family names, and given names
        // added or dropped, still share most bits.
        for token in p.first.split(' ').chain(p.last.split(' ')) {
            if token.is_empty() {
                continue;
            }
            let padded: Vec<char> = std::iter::once('_')
                .chain(token.chars())
                .chain(std::iter::once('_'))
                .collect();
            for w in padded.windows(2) {
                let bigram: String = w.iter().collect();
                self.add(&mut f, "n", &bigram, NAME_BITS);
            }
        }
        if let Some(b) = p.birth {
            self.add(&mut f, "y", &b.year.to_string(), YEAR_BITS);
            // Day and month under one tag: a swapped date encodes the same.
            for x in [b.month, b.day].into_iter().flatten() {
                self.add(&mut f, "md", &x.to_string(), DAY_MONTH_BITS);
            }
        }
        for (tag, v, k) in [
            ("s", &p.sex, OTHER_BITS),
            ("c", &p.citizenship, OTHER_BITS),
            ("l", &p.place, OTHER_BITS),
            ("p", &p.phone, NUMBER_BITS),
            ("i", &p.id_number, NUMBER_BITS),
            ("e", &p.email, NUMBER_BITS),
            ("z", &p.postcode, OTHER_BITS),
        ] {
            if !v.is_empty() {
                self.add(&mut f, tag, v, k);
            }
        }
        // The address word by word: another order or a word more still shares most bits.
        for word in p.address.split(' ').filter(|w| !w.is_empty()) {
            self.add(&mut f, "a", word, OTHER_BITS);
        }
        let keys = blocking_keys(p)
            .into_iter()
            .map(|(k, cap)| {
                let d = self.digest(&[b"block", k.as_bytes()]);
                let mut h = [0u8; 8];
                h.copy_from_slice(&d[..8]);
                (u64::from_be_bytes(h), cap == MAX_NAME_BLOCK)
            })
            .collect();
        Encoded {
            id: p.id.clone(),
            filter: f,
            keys,
        }
    }

    /// Encodes many records, on every core.
    pub fn encode_all(&self, people: &[Person]) -> Vec<Encoded> {
        parallel_map(people, |p| self.encode(p))
    }
}

/// Sørensen–Dice similarity of two filters: twice the shared bits over the bits of both.
pub fn dice(a: &[u64; WORDS], b: &[u64; WORDS]) -> f64 {
    dice_counted(a, popcount::count(a), b, popcount::count(b))
}

/// [`dice`] with each filter's bit count known (counted once per filter, not per pair: the
/// pair then costs one pass of `popcnt` over the shared bits).
#[inline]
pub fn dice_counted(a: &[u64; WORDS], ones_a: u32, b: &[u64; WORDS], ones_b: u32) -> f64 {
    let both = ones_a + ones_b;
    if both == 0 {
        return 0.0;
    }
    2.0 * f64::from(popcount::and_count(a, b)) / f64::from(both)
}

/// Writes encoded records as a `.clk` file: a header with the secret's check value, then one
/// line per record: id, the filter in base64, the blocking keys in hexadecimal (`~` before the
/// loose ones).
pub fn write_clk(mut w: impl Write, check: &str, records: &[Encoded]) -> Result<(), PprlError> {
    writeln!(w, "{MAGIC} bits={BITS} check={check}")?;
    let b64 = base64::engine::general_purpose::STANDARD;
    for (n, r) in records.iter().enumerate() {
        if r.id.contains(['\t', '\n', '\r']) {
            return Err(PprlError::BadId(n + 2));
        }
        let mut bytes = Vec::with_capacity(WORDS * 8);
        for word in r.filter {
            bytes.extend_from_slice(&word.to_be_bytes());
        }
        let keys: Vec<String> = r
            .keys
            .iter()
            .map(|(k, loose)| format!("{}{k:016x}", if *loose { "~" } else { "" }))
            .collect();
        writeln!(w, "{}\t{}\t{}", r.id, b64.encode(bytes), keys.join(","))?;
    }
    w.flush()?;
    Ok(())
}

/// Reads a `.clk` file: the secret's check value and the records.
pub fn read_clk(r: impl BufRead) -> Result<(String, Vec<Encoded>), PprlError> {
    let bad = |line: usize, reason: &str| PprlError::BadFile {
        line,
        reason: reason.to_string(),
    };
    let mut lines = r.lines();
    let header = lines
        .next()
        .transpose()?
        .ok_or_else(|| bad(1, "the file is empty, not a .clk file"))?;
    let rest = header
        .strip_prefix(MAGIC)
        .ok_or_else(|| bad(1, "not a .clk file written by `haven match encode`"))?;
    let mut check = None;
    for part in rest.split_whitespace() {
        match part.split_once('=') {
            Some(("bits", b)) if b == BITS.to_string() => {}
            Some(("bits", _)) => return Err(bad(1, "filters of another size")),
            Some(("check", c)) => check = Some(c.to_string()),
            _ => {}
        }
    }
    let check = check.ok_or_else(|| bad(1, "the header has no check value"))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        let line_no = n + 2;
        let line = line?;
        if line.is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(id), Some(filter), keys) = (cols.next(), cols.next(), cols.next()) else {
            return Err(bad(
                line_no,
                "expected id, filter and keys separated by tabs",
            ));
        };
        let bytes = b64
            .decode(filter)
            .map_err(|_| bad(line_no, "the filter is not base64"))?;
        if bytes.len() != WORDS * 8 {
            return Err(bad(line_no, "the filter is not 1024 bits"));
        }
        let mut f = [0u64; WORDS];
        for (word, chunk) in f.iter_mut().zip(bytes.chunks_exact(8)) {
            *word = u64::from_be_bytes(chunk.try_into().unwrap_or_default());
        }
        let mut ks = Vec::new();
        for k in keys.unwrap_or("").split(',').filter(|k| !k.is_empty()) {
            let (loose, hex) = match k.strip_prefix('~') {
                Some(h) => (true, h),
                None => (false, k),
            };
            let v = u64::from_str_radix(hex, 16)
                .map_err(|_| bad(line_no, "a blocking key is not hexadecimal"))?;
            ks.push((v, loose));
        }
        out.push(Encoded {
            id: id.to_string(),
            filter: f,
            keys: ks,
        });
    }
    Ok((check, out))
}

/// What linking two encoded sets found.
#[derive(Clone, Debug)]
pub struct EncodedLinks {
    pub candidate_pairs: usize,
    /// One-to-one pairs (left index, right index, Dice similarity), most similar first.
    pub pairs: Vec<(u32, u32, f64)>,
}

/// Links two encoded sets: pairs sharing a blocking key are compared by Dice similarity; those
/// reaching `threshold` are assigned one to one, the most similar first (greedy).
pub fn link_encoded(left: &[Encoded], right: &[Encoded], threshold: f64) -> EncodedLinks {
    let mut blocks: HashMap<(u64, bool), (Vec<u32>, Vec<u32>)> = HashMap::new();
    for (i, r) in left.iter().enumerate() {
        for k in &r.keys {
            blocks.entry(*k).or_default().0.push(i as u32);
        }
    }
    for (j, r) in right.iter().enumerate() {
        for k in &r.keys {
            if let Some(b) = blocks.get_mut(k) {
                b.1.push(j as u32);
            }
        }
    }
    let mut candidates: Vec<u64> = Vec::new();
    for ((_, loose), (a, b)) in &blocks {
        let cap = if *loose { MAX_NAME_BLOCK } else { MAX_BLOCK };
        if b.is_empty() || a.len() + b.len() > cap {
            continue;
        }
        for &x in a {
            for &y in b {
                candidates.push(u64::from(x) << 32 | u64::from(y));
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let ones_l: Vec<u32> = left.iter().map(|r| popcount::count(&r.filter)).collect();
    let ones_r: Vec<u32> = right.iter().map(|r| popcount::count(&r.filter)).collect();
    let scored: Vec<Option<(u32, u32, f64)>> = parallel_map(&candidates, |&c| {
        let (x, y) = ((c >> 32) as usize, c as u32 as usize);
        let s = dice_counted(&left[x].filter, ones_l[x], &right[y].filter, ones_r[y]);
        let (x, y) = (x as u32, y as u32);
        (s >= threshold).then_some((x, y, s))
    });
    let mut above: Vec<(u32, u32, f64)> = scored.into_iter().flatten().collect();
    above.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    let (mut used_l, mut used_r) = (vec![false; left.len()], vec![false; right.len()]);
    let mut pairs = Vec::new();
    for (x, y, s) in above {
        if !used_l[x as usize] && !used_r[y as usize] {
            used_l[x as usize] = true;
            used_r[y as usize] = true;
            pairs.push((x, y, s));
        }
    }
    EncodedLinks {
        candidate_pairs: candidates.len(),
        pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"a secret shared by two agencies";

    fn person(first: &str, last: &str, birth: &str) -> Person {
        Person::new("x", first, last).birth(birth).sex("F")
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(matches!(
            Encoder::new(b"short"),
            Err(PprlError::ShortSecret)
        ));
    }

    #[test]
    fn variants_are_similar_and_strangers_are_not() {
        let e = Encoder::new(SECRET).unwrap();
        let a = e.encode(&person("María José", "González", "1998-04-12"));
        let b = e.encode(&person("Maria", "Gonzales", "12/04/1998"));
        let c = e.encode(&person("Gonzalez", "Maria Jose", "1998-12-04"));
        let d = e.encode(&person("Kevin", "Persaud", "1975-01-30"));
        assert!(
            dice(&a.filter, &b.filter) > 0.75,
            "{}",
            dice(&a.filter, &b.filter)
        );
        assert!(dice(&a.filter, &c.filter) > 0.95, "swapped names and date");
        assert!(dice(&a.filter, &d.filter) < 0.5);
        assert!(a.keys.iter().any(|k| b.keys.contains(k)), "share a block");
    }

    #[test]
    fn clk_files_round_trip_and_bad_ones_are_clear() {
        let e = Encoder::new(SECRET).unwrap();
        let recs = e.encode_all(&[
            person("Ana", "Silva", "2001-02-03"),
            person("John", "Smith", ""),
        ]);
        let mut buf = Vec::new();
        write_clk(&mut buf, &e.check(), &recs).unwrap();
        let (check, back) = read_clk(buf.as_slice()).unwrap();
        assert_eq!(check, e.check());
        assert_eq!(back, recs);
        let text = String::from_utf8(buf).unwrap();
        assert!(
            !text.to_lowercase().contains("silva"),
            "no name in the file"
        );
        let err = read_clk("id,name\n1,Ana\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("not a .clk file"), "{err}");
        let broken = text.replacen('\t', "\t!!", 1);
        assert!(read_clk(broken.as_bytes()).is_err());
    }

    #[test]
    fn linking_finds_the_same_people_one_to_one() {
        let (people, truth) = crate::synth::people(2_000, 5);
        let e = Encoder::new(SECRET).unwrap();
        let enc = e.encode_all(&people);
        // The first record of each person on the left, the second on the right.
        let mut left = Vec::new();
        let mut right = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for (i, t) in truth.iter().enumerate() {
            let n = seen.entry(*t).or_insert(0);
            match *n {
                0 => left.push(i),
                1 => right.push(i),
                _ => {}
            }
            *n += 1;
        }
        let l: Vec<Encoded> = left.iter().map(|&i| enc[i].clone()).collect();
        let r: Vec<Encoded> = right.iter().map(|&i| enc[i].clone()).collect();
        let found = link_encoded(&l, &r, 0.8);
        let correct = found
            .pairs
            .iter()
            .filter(|(x, y, _)| truth[left[*x as usize]] == truth[right[*y as usize]])
            .count();
        let precision = correct as f64 / found.pairs.len() as f64;
        let recall = correct as f64 / right.len() as f64;
        assert!(precision > 0.9 && recall > 0.7, "{precision} {recall}");
        let mut lefts: Vec<u32> = found.pairs.iter().map(|p| p.0).collect();
        lefts.sort_unstable();
        lefts.dedup();
        assert_eq!(lefts.len(), found.pairs.len(), "one to one");
    }

    proptest! {
        /// The same record encodes the same, and under another secret matches nothing.
        #[test]
        fn same_record_same_encoding_other_secret_no_match(
            first in "[a-z]{2,10}", last in "[a-z]{2,12}", y in 1950i32..2010, m in 1u8..13, d in 1u8..29,
            other in proptest::collection::vec(any::<u8>(), 16..40),
        ) {
            prop_assume!(other != SECRET);
            let p = person(&first, &last, &format!("{y}-{m:02}-{d:02}"));
            let e = Encoder::new(SECRET).unwrap();
            let f = Encoder::new(&other).unwrap();
            prop_assert_eq!(e.encode(&p), e.encode(&p));
            let (a, b) = (e.encode(&p), f.encode(&p));
            prop_assert!(dice(&a.filter, &b.filter) < 0.6, "{}", dice(&a.filter, &b.filter));
            prop_assert!(!a.keys.iter().any(|k| b.keys.contains(k)));
            prop_assert_ne!(e.check(), f.check());
            let found = link_encoded(std::slice::from_ref(&a), std::slice::from_ref(&b), 0.8);
            prop_assert!(found.pairs.is_empty());
        }
    }
}
