-- The statistics page's figures, computed once per period (daily by default) rather than live,
-- so that adding one record and looking again does not reveal a hidden count.
CREATE TABLE stats_snapshots (
    id TEXT PRIMARY KEY,
    computed_at INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX stats_snapshots_computed_at ON stats_snapshots(computed_at);
