-- The register's release ledger: every statistical release (who, when, what, with which
-- parameters) and a keyed tag per row released, so that a release that could be compared with
-- an earlier one to reveal a few cases is refused.
CREATE TABLE release_ledger (
    id TEXT PRIMARY KEY,
    made_at BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    k BIGINT NOT NULL,
    reporting_length BIGINT NOT NULL,
    -- JSON list of the columns where 0 is a value; NULL when every 0 is a value.
    sensitive_zeros TEXT,
    rounding_base BIGINT NOT NULL,
    record_count BIGINT NOT NULL,
    protected_count BIGINT NOT NULL,
    -- Keyed digest of the rows (hex): equal for equal data.
    fingerprint TEXT NOT NULL,
    -- The rows' keyed 64-bit tags, sorted, 8 bytes each (big-endian).
    row_tags BYTEA NOT NULL
);
CREATE INDEX release_ledger_made_at ON release_ledger(made_at);
