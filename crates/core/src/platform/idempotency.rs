//! Idempotent retries of the API's creating requests (`Idempotency-Key`): the first request
//! with a key runs and its answer is kept (sealed, a day); a retry with the same key and the
//! same request gets that answer again and creates nothing; the same key with another request
//! is refused.
use haven_domain::UserId;
use haven_store::idempotency as store;

use crate::sealed;
use crate::{CoreError, Haven, Result};

/// How long an answer is kept for retries.
pub const KEEP_SECONDS: i64 = 86_400;
/// A first request still unanswered after this long was abandoned (its server stopped): a
/// retry may run it again.
const ABANDONED_SECONDS: i64 = 120;

/// What to do with a request that carries a key.
#[derive(Debug)]
pub enum IdemClaim {
    /// The first request with this key: run it, then [`Haven::idempotency_finish`] or
    /// [`Haven::idempotency_release`] with this claim.
    Run(String),
    /// Answered before: send this answer again.
    Replay(StoredAnswer),
    /// The key came with another request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

/// A kept answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAnswer {
    pub status: u16,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// The digest a retry must match: method, path and body.
fn request_hash((method, path, body): (&str, &str, &[u8])) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A key is 1 to 255 visible ASCII characters (a UUID, typically).
pub fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

impl Haven {
    /// Claims `key` for `user`'s request: its method, path and body.
    pub async fn idempotency_claim(
        &self,
        user: UserId,
        key: &str,
        request: (&str, &str, &[u8]),
    ) -> Result<IdemClaim> {
        if !valid_key(key) {
            return Err(CoreError::invalid(
                "Idempotency-Key",
                "error-idempotency-key",
            ));
        }
        let request_hash = request_hash(request);
        let request_hash = request_hash.as_str();
        let mut conn = self.db.pool().acquire().await?;
        // A few rounds: another request may take, finish or drop the key between two steps.
        for _ in 0..3 {
            let now = self.now();
            let id = uuid::Uuid::now_v7().to_string();
            if store::claim(&mut conn, &id, user, key, request_hash, now).await? {
                return Ok(IdemClaim::Run(id));
            }
            let Some(row) = store::get(&mut conn, user, key).await? else {
                continue;
            };
            let age = now - row.created_at;
            let stale = age > KEEP_SECONDS || (row.status == 0 && age > ABANDONED_SECONDS);
            if stale {
                if store::take_over(&mut conn, &row.id, row.created_at, request_hash, now).await? {
                    return Ok(IdemClaim::Run(row.id));
                }
                continue;
            }
            if row.request_hash != request_hash {
                return Ok(IdemClaim::Mismatch);
            }
            if row.status == 0 {
                return Ok(IdemClaim::InProgress);
            }
            let body = match &row.body {
                Some(b) => self
                    .cipher()
                    .decrypt_bytes(b, &sealed::IDEMPOTENCY_KEYS_BODY.of(&row.id))?,
                None => Vec::new(),
            };
            return Ok(IdemClaim::Replay(StoredAnswer {
                status: u16::try_from(row.status).unwrap_or(500),
                location: row.location,
                etag: row.etag,
                content_type: row.content_type,
                body,
            }));
        }
        Ok(IdemClaim::InProgress)
    }

    /// Keeps the answer of the request that ran under `claim`.
    pub async fn idempotency_finish(&self, claim: &str, answer: &StoredAnswer) -> Result<()> {
        let sealed_body = self
            .cipher()
            .encrypt_bytes(&answer.body, &sealed::IDEMPOTENCY_KEYS_BODY.of(claim));
        let mut conn = self.db.pool().acquire().await?;
        store::finish(
            &mut conn,
            claim,
            i64::from(answer.status),
            answer.location.as_deref(),
            answer.etag.as_deref(),
            answer.content_type.as_deref(),
            &sealed_body,
        )
        .await?;
        Ok(())
    }

    /// Frees the key of a request that was refused or failed: nothing was created, and the
    /// client may send a corrected request with it.
    pub async fn idempotency_release(&self, claim: &str) -> Result<()> {
        let mut conn = self.db.pool().acquire().await?;
        store::release(&mut conn, claim).await?;
        Ok(())
    }

    /// Forgets answers kept longer than a day.
    pub async fn purge_idempotency_keys(&self) -> Result<u64> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::purge(&mut conn, self.now() - KEEP_SECONDS).await?)
    }
}

impl Haven {
    /// Records that a kept answer was sent again (it names what the first request made).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn record_replay(
        &self,
        p: &haven_authz::Principal,
        origin: &crate::Origin,
        answer: &StoredAnswer,
    ) -> Result<()> {
        let ev = haven_audit::Event::new(haven_audit::Action::RequestReplayed)
            .details(serde_json::json!({"status": answer.status, "location": answer.location}));
        self.record_read(&crate::actor(p, origin), ev).await
    }
}

#[cfg(test)]
mod tests {
    use super::valid_key;
    use proptest::prelude::*;

    #[test]
    fn keys() {
        assert!(valid_key("8e0f7a12-5b9c-4c1e-9a55-0d3c4b2a1f00"));
        assert!(!valid_key(""));
        assert!(!valid_key("with space"));
        assert!(!valid_key(&"k".repeat(256)));
        assert!(!valid_key("clé"));
    }

    proptest! {
        #[test]
        fn a_valid_key_is_short_visible_ascii(k in ".{0,300}") {
            prop_assert_eq!(
                valid_key(&k),
                !k.is_empty() && k.len() <= 255 && k.chars().all(|c| c.is_ascii_graphic())
            );
        }
    }
}
