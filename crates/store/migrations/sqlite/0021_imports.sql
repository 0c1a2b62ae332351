-- Case imports. A job holds the uploaded file (sealed) between its preview and its commit, and
-- its progress and outcome; the file and the preview are dropped once the import is done.
CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    -- uploaded, previewed, committing, committed, failed
    status TEXT NOT NULL,
    file_name BLOB,
    file BLOB,
    -- JSON: the default region and the column mapping (no personal data).
    settings TEXT NOT NULL,
    preview BLOB,
    done_rows INTEGER NOT NULL DEFAULT 0,
    total_rows INTEGER,
    -- JSON: the counts of the outcome.
    counts TEXT,
    errors BLOB,
    finished_at INTEGER
);
CREATE INDEX imports_agency ON imports(agency_id, created_at);

-- A keyed digest of every row an agency imported (its submission id, or its cells): a second
-- import of the same row finds it here and creates nothing.
CREATE TABLE import_keys (
    agency_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    case_id TEXT NOT NULL,
    import_id TEXT NOT NULL,
    PRIMARY KEY (agency_id, digest)
);
