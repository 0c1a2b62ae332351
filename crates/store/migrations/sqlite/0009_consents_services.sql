-- Consent of the person (or their guardian), per purpose and, for referral and data sharing, per
-- receiving organisation. The guardian's name, the note and the reason for withdrawal are sealed.
CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    agency_id TEXT REFERENCES agencies(id),
    given_by TEXT NOT NULL,
    guardian BLOB,
    form TEXT NOT NULL,
    given_on TEXT NOT NULL,
    expires_on TEXT,
    note BLOB,
    withdrawn_on TEXT,
    withdrawn_reason BLOB,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX consents_case ON consents(case_id, purpose);

-- The service directory: what each agency offers, to whom, where, and how much room is left.
-- Not personal data.
CREATE TABLE services (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    service_type TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    genders TEXT NOT NULL,
    age_min INTEGER,
    age_max INTEGER,
    nationalities TEXT NOT NULL,
    languages TEXT NOT NULL,
    exploitation TEXT NOT NULL,
    regions TEXT NOT NULL,
    hours TEXT,
    emergency_line TEXT,
    capacity_total INTEGER,
    capacity_free INTEGER,
    capacity_at INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX services_type ON services(service_type, active);
