-- Accounts created or reset by an administrator are enrolled by their owner: a one-time code
-- (only its keyed hash is kept), valid 72 hours, a few wrong tries. The administrator never
-- knows the password.
CREATE TABLE account_enrolments (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    code_hash TEXT NOT NULL,
    issued_by TEXT REFERENCES users(id),
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
