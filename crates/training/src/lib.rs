//! Training of frontline staff, without I/O: the codes of a workshop, the completion rule,
//! participant lists read from the sign-up sheets trainers have (CSV or XLSX, `import`), the
//! report tables (`report`); the documents themselves are drawn by `haven-documents`.
pub mod import;
pub mod report;

use time::Date;

/// What a workshop teaches.
pub const TOPICS: &[&str] = &[
    "identification",
    "referral",
    "protection",
    "data_protection",
    "legal_framework",
    "child_protection",
    "labour_inspection",
    "investigation",
    "victim_care",
    "other",
];
pub const FORMATS: &[&str] = &["in_person", "online", "mixed"];
/// A participant's sex, as the sign-up sheet records it (reports count women).
pub const SEXES: &[&str] = &["female", "male", "other", "undisclosed"];

/// The longest workshop, in days (attendance is recorded per day).
pub const MAX_DAYS: i64 = 60;

/// When a participant has completed a workshop. Deployment settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompletionRule {
    /// Share of the workshop's days attended, in percent.
    pub min_attendance_pct: u32,
    /// Post-test score needed, in percent; 0 when the workshop has no test.
    pub pass_mark: u32,
}

impl Default for CompletionRule {
    fn default() -> Self {
        CompletionRule {
            min_attendance_pct: 80,
            pass_mark: 60,
        }
    }
}

impl CompletionRule {
    /// Whether attendance and the post-test meet the rule. A missing post-test fails any pass
    /// mark above zero.
    pub fn completed(&self, days: usize, attended: usize, post_score: Option<u32>) -> bool {
        if days == 0 || attended == 0 {
            return false;
        }
        let attendance_ok =
            (attended.min(days) * 100) as u64 >= (self.min_attendance_pct as u64) * days as u64;
        let test_ok = self.pass_mark == 0 || post_score.is_some_and(|s| s >= self.pass_mark);
        attendance_ok && test_ok
    }
}

/// The days of a workshop, first to last; `None` if the range is reversed or too long.
pub fn days(first: Date, last: Date) -> Option<Vec<Date>> {
    let n = (last - first).whole_days();
    if !(0..MAX_DAYS).contains(&n) {
        return None;
    }
    let mut out = Vec::with_capacity(n as usize + 1);
    let mut d = first;
    out.push(d);
    while d < last {
        d = d.next_day()?;
        out.push(d);
    }
    Some(out)
}

/// A test score typed by a trainer: a whole percentage, 0 to 100.
pub fn parse_score(raw: &str) -> Result<Option<u32>, &'static str> {
    let t = raw.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.replace(',', ".").parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(Some(v.round() as u32)),
        _ => Err("error-score"),
    }
}

/// A verification code for a certificate: 12 characters of Crockford base32 from 60 random bits,
/// shown in groups of four.
pub fn certificate_code(random: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let s: String = (0..12)
        .map(|i| ALPHABET[((random >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..])
}

/// A typed verification code in canonical form (case, spaces, look-alike letters).
pub fn normalise_code(raw: &str) -> String {
    let s = haven_domain::crockford_fold(raw);
    if s.len() == 12 {
        format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..])
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn the_completion_rule_needs_attendance_and_the_pass_mark() {
        let r = CompletionRule::default();
        assert!(r.completed(5, 4, Some(60)));
        assert!(!r.completed(5, 3, Some(100)), "60 % attendance");
        assert!(!r.completed(5, 5, Some(59)));
        assert!(!r.completed(5, 5, None), "no post-test");
        assert!(!r.completed(0, 0, Some(100)));
        let no_test = CompletionRule {
            min_attendance_pct: 100,
            pass_mark: 0,
        };
        assert!(no_test.completed(3, 3, None));
        assert!(!no_test.completed(3, 2, None));
    }

    #[test]
    fn workshop_days_and_scores() {
        assert_eq!(
            days(date!(2026 - 02 - 27), date!(2026 - 03 - 02))
                .unwrap()
                .len(),
            4
        );
        assert_eq!(
            days(date!(2026 - 03 - 02), date!(2026 - 03 - 02))
                .unwrap()
                .len(),
            1
        );
        assert!(days(date!(2026 - 03 - 02), date!(2026 - 03 - 01)).is_none());
        assert!(days(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).is_none());
        assert_eq!(parse_score(" 72 "), Ok(Some(72)));
        assert_eq!(parse_score("72,5 %"), Ok(Some(73)));
        assert_eq!(parse_score(""), Ok(None));
        assert!(parse_score("101").is_err());
        assert!(parse_score("abc").is_err());
    }

    proptest! {
        #[test]
        fn more_attendance_or_a_better_score_never_undoes_completion(
            days in 1usize..20, attended in 0usize..20, score in 0u32..=100, extra in 0u32..=100,
        ) {
            let r = CompletionRule::default();
            if r.completed(days, attended, Some(score)) {
                prop_assert!(r.completed(days, attended + 1, Some(score)));
                prop_assert!(r.completed(days, attended, Some((score + extra).min(100))));
            }
        }

        #[test]
        fn codes_read_back_however_typed(random in any::<u64>()) {
            let c = certificate_code(random);
            prop_assert_eq!(c.len(), 14);
            prop_assert_eq!(normalise_code(&c), c.clone());
            prop_assert_eq!(normalise_code(&c.to_lowercase().replace('-', " ")), c);
        }
    }
}
