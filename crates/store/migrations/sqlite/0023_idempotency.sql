-- Idempotency keys of API requests: a client that retries a creating POST with the same
-- `Idempotency-Key` gets the first answer again instead of a second record. Kept a day.
CREATE TABLE idempotency_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    -- 0 while the first request runs, then its status code.
    status INTEGER NOT NULL DEFAULT 0,
    location TEXT,
    etag TEXT,
    content_type TEXT,
    -- The answer's body, sealed (it may name a case).
    body BLOB,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
