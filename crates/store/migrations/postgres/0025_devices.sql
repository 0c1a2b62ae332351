-- Collection credentials: a phone running ODK Collect or KoboCollect signs in to the OpenRosa
-- endpoints with one. It can only list forms and submit, for its user and agency; it expires
-- and can be revoked. `secret` is the Digest authentication's HA1, MD5(username:realm:secret),
-- sealed: it is what a password is to Digest, and the clear secret is shown once.
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    -- Random ("hvn-" and 10 letters): no name of a person in a phone's settings or a log.
    username TEXT NOT NULL UNIQUE,
    secret BYTEA NOT NULL,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);
CREATE INDEX devices_user ON devices(user_id, created_at);
