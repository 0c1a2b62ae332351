//! What several features share, in named homes: the sealing labels of encrypted columns
//! (`sealed`), the case transaction every case use-case runs in (`unit`), and small helpers for
//! typed text and dates.
pub mod clock;
pub mod cursor;
pub mod sealed;
pub(crate) mod unit;

/// The window of the rate limits kept in `rate_events` (public tips per address, possible-match
/// checks per user): one hour.
pub const RATE_WINDOW_SECS: i64 = 3600;

/// The trimmed text, or `None` when nothing is left.
pub(crate) fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// An optional id typed in a form: `None` when empty; one that does not parse is noted in `e`
/// under `field` ("error-unknown-code") and taken as `None`.
pub(crate) fn opt_id<T: std::str::FromStr>(
    s: &str,
    field: &'static str,
    e: &mut Vec<(&'static str, &'static str)>,
) -> Option<T> {
    match s.trim() {
        "" => None,
        v => v
            .parse()
            .inspect_err(|_| e.push((field, "error-unknown-code")))
            .ok(),
    }
}

/// The errors of a form, all at once; none: go on.
pub(crate) fn done(e: Vec<(&'static str, &'static str)>) -> crate::Result<()> {
    if e.is_empty() {
        Ok(())
    } else {
        Err(crate::CoreError::invalid_all(e))
    }
}
