-- The register's release ledger: every statistical release (who, when, what, with which
-- parameters) and a keyed tag per row released, so that a release that could be compared with
-- an earlier one to reveal a few cases is refused.
CREATE TABLE release_ledger (
    id TEXT PRIMARY KEY,
    made_at INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    k INTEGER NOT NULL,
    reporting_length INTEGER NOT NULL,
    -- JSON list of the columns where 0 is a value; NULL when every 0 is a value.
    sensitive_zeros TEXT,
    rounding_base INTEGER NOT NULL,
    record_count INTEGER NOT NULL,
    protected_count INTEGER NOT NULL,
    -- Keyed digest of the rows (hex): equal for equal data.
    fingerprint TEXT NOT NULL,
    -- The rows' keyed 64-bit tags, sorted, 8 bytes each (big-endian).
    row_tags BLOB NOT NULL
);
CREATE INDEX release_ledger_made_at ON release_ledger(made_at);
