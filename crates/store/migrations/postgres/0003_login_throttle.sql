-- Failed sign-ins by client address, to slow down password spraying across many accounts from
-- one place (per-account lockout does not see that). Old rows are purged periodically.
CREATE TABLE login_failures (
    ip TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_ip_at ON login_failures(ip, at);
