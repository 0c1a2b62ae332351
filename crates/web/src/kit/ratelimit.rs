//! Requests per minute per API token, counted by each app server: a token bucket per token,
//! full at the start, refilled evenly. A client past its share gets `429` with `Retry-After`.
//! Behind a load balancer each server counts its own requests, so a deployment sets the limit
//! per server.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use haven_domain::TokenId;

/// Buckets untouched this long are full again and may be forgotten.
const IDLE: Duration = Duration::from_secs(120);
/// Forgetting idle buckets starts past this many tokens.
const MANY: usize = 10_000;

pub(crate) struct TokenLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<TokenId, Bucket>>,
}

struct Bucket {
    left: f64,
    at: Instant,
}

impl TokenLimiter {
    /// `per_minute` 0: no limit.
    pub(crate) fn new(per_minute: u32) -> TokenLimiter {
        TokenLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// One request of `token` at `now`: allowed, or the whole seconds to wait.
    pub(crate) fn take(&self, token: TokenId, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let full = f64::from(self.per_minute);
        let per_second = full / 60.0;
        // A panic elsewhere while holding the lock leaves counts that are still counts.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > MANY {
            buckets.retain(|_, b| now.saturating_duration_since(b.at) < IDLE);
        }
        let b = buckets.entry(token).or_insert(Bucket {
            left: full,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.left = (b.left + elapsed * per_second).min(full);
        b.at = now;
        if b.left >= 1.0 {
            b.left -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.left) / per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_then_one_request_per_refill() {
        let l = TokenLimiter::new(60);
        let (a, b) = (TokenId::new(), TokenId::new());
        let t0 = Instant::now();
        for _ in 0..60 {
            assert_eq!(l.take(a, t0), Ok(()));
        }
        assert_eq!(l.take(a, t0), Err(1));
        // Another token has its own bucket.
        assert_eq!(l.take(b, t0), Ok(()));
        // A second later, one more request.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(l.take(a, t1), Ok(()));
        assert_eq!(l.take(a, t1), Err(1));
        // Long idle: full again, never more.
        let t2 = t1 + Duration::from_secs(3600);
        for _ in 0..60 {
            assert_eq!(l.take(a, t2), Ok(()));
        }
        assert!(l.take(a, t2).is_err());
    }

    #[test]
    fn the_wait_is_how_long_one_request_takes_to_refill() {
        let l = TokenLimiter::new(6);
        let a = TokenId::new();
        let t0 = Instant::now();
        for _ in 0..6 {
            l.take(a, t0).unwrap();
        }
        assert_eq!(l.take(a, t0), Err(10));
        assert_eq!(l.take(a, t0 + Duration::from_secs(4)), Err(6));
    }

    #[test]
    fn zero_means_no_limit() {
        let l = TokenLimiter::new(0);
        let a = TokenId::new();
        let t0 = Instant::now();
        assert!((0..10_000).all(|_| l.take(a, t0).is_ok()));
    }
}
