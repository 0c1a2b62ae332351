//! Where use-cases read the time: the system's clock, or one that a test sets and moves.
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Seconds since the Unix epoch, from the system or from a controlled source. Cheap to clone;
/// clones of a controlled clock share its time.
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system's clock (what a deployment uses).
    pub fn system() -> Self {
        Clock(None)
    }

    /// A clock that stands at `at` until set or advanced (tests, and loading past events).
    pub fn controlled(at: i64) -> Self {
        Clock(Some(Arc::new(AtomicI64::new(at))))
    }

    pub fn now(&self) -> i64 {
        match &self.0 {
            Some(t) => t.load(Ordering::SeqCst),
            None => system_now(),
        }
    }

    /// Moves a controlled clock to `at`; the system clock cannot be set.
    pub fn set(&self, at: i64) {
        if let Some(t) = &self.0 {
            t.store(at, Ordering::SeqCst);
        }
    }

    /// Moves a controlled clock on by `secs`.
    pub fn advance(&self, secs: i64) {
        if let Some(t) = &self.0 {
            t.fetch_add(secs, Ordering::SeqCst);
        }
    }

    /// Today's date (UTC), for age and date checks.
    pub fn today(&self) -> time::Date {
        time::OffsetDateTime::from_unix_timestamp(self.now())
            .map(|t| t.date())
            .unwrap_or(time::macros::date!(2026 - 01 - 01))
    }
}

fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_controlled_clock_moves_only_when_told_and_its_clones_follow() {
        let c = Clock::controlled(1_000);
        let d = c.clone();
        assert_eq!(c.now(), 1_000);
        c.advance(86_400);
        assert_eq!(d.now(), 87_400);
        d.set(0);
        assert_eq!(c.today(), time::macros::date!(1970 - 01 - 01));
        let s = Clock::system();
        s.set(0);
        assert!(s.now() > 1_700_000_000, "the system clock is not settable");
    }
}
