-- Long operations asked for through the API (statistical releases): one job per request,
-- polled by its owner. The result is kept sealed until it is downloaded, once, or a day has
-- passed. Not backed up: a restored database holds no results waiting.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    -- release
    kind TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    -- running, done, failed, downloaded, expired
    status TEXT NOT NULL,
    -- The message key of a failure.
    error TEXT,
    file_name TEXT,
    content_type TEXT,
    result BLOB,
    finished_at INTEGER
);
CREATE INDEX jobs_user ON jobs(user_id, created_at);
