-- A case-less screening turned into a case draft: the case completed from that draft takes the
-- screening with it (in the same transaction).
ALTER TABLE screenings ADD COLUMN draft_id TEXT;
CREATE INDEX screenings_draft ON screenings(draft_id);

-- Anonymous tips (public form) and hotline calls, with their triage. Coded facts in clear (for the
-- queue and statistics); what was reported, where, when and how to call back are sealed.
CREATE TABLE tips (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    region TEXT,
    suspected TEXT,
    status TEXT NOT NULL,
    assigned_to TEXT REFERENCES users(id),
    case_id TEXT REFERENCES cases(id) ON DELETE SET NULL,
    closed_reason TEXT,
    entered_by TEXT REFERENCES users(id),
    agency_id TEXT REFERENCES agencies(id),
    body BYTEA NOT NULL,
    triage_note BYTEA,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tips_status ON tips(status, received_at);
CREATE INDEX tips_assigned ON tips(assigned_to, received_at);

-- Rate limits of anonymous forms, by a keyed hash of the client address (never the address).
-- Old rows are purged with the login failures.
CREATE TABLE rate_events (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_events_kind_key_at ON rate_events(kind, key, at);
