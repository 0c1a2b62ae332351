-- Sign-in failures and locks per account and client address (a keyed hash): failures from one
-- place no longer lock the real user out from another. Replaces the account-wide columns.
CREATE TABLE login_locks (
    user_id TEXT NOT NULL REFERENCES users(id),
    address TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, address)
);
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
