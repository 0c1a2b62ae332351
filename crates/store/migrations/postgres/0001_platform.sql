-- Haven platform schema (PostgreSQL). Keep in step with ../sqlite/0001_platform.sql:
-- the same tables and columns; only types differ (INTEGER vs BIGINT, BLOB vs BYTEA).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE keyring (
    id BIGINT PRIMARY KEY,
    purpose TEXT NOT NULL,
    wrapped BYTEA NOT NULL,
    kek_fingerprint TEXT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    agency_type TEXT NOT NULL,
    region TEXT,
    phone TEXT,
    email TEXT,
    coordination_consent BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    must_change_password BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    totp_secret BYTEA,
    totp_last_step BIGINT,
    language TEXT,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT
);
CREATE INDEX users_agency ON users(agency_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    mfa_pending BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT,
    revoked BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    first_name BYTEA,
    middle_name BYTEA,
    last_name BYTEA,
    nickname BYTEA,
    birth_date BYTEA,
    phone BYTEA,
    address BYTEA,
    gender TEXT,
    citizenship TEXT,
    birth_year BIGINT,
    age_uncertain BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE person_name_index (
    digest TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    PRIMARY KEY (digest, person_id)
);
CREATE INDEX person_name_index_person ON person_name_index(person_id);

CREATE TABLE case_counters (
    key TEXT PRIMARY KEY,
    next_seq BIGINT NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    case_number TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES persons(id),
    status TEXT NOT NULL,
    owner_agency_id TEXT NOT NULL REFERENCES agencies(id),
    assigned_user_id TEXT REFERENCES users(id),
    created_by TEXT NOT NULL REFERENCES users(id),
    region TEXT,
    exploitation_type TEXT,
    summary BYTEA,
    opened_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX cases_owner ON cases(owner_agency_id);
CREATE INDEX cases_created_by ON cases(created_by);

CREATE TABLE case_agencies (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    involvement TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, agency_id)
);
CREATE INDEX case_agencies_agency ON case_agencies(agency_id);

CREATE TABLE case_grants (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    granted_by TEXT NOT NULL REFERENCES users(id),
    granted_at BIGINT NOT NULL,
    expires_at BIGINT,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_grants_user ON case_grants(user_id);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id TEXT,
    actor_agency_id TEXT,
    actor_role TEXT,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    target_kind TEXT,
    target_id TEXT,
    ip TEXT,
    reason BYTEA,
    details TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_target ON audit_events(target_kind, target_id);
CREATE INDEX audit_events_actor ON audit_events(actor_user_id);
CREATE INDEX audit_events_at ON audit_events(at);
