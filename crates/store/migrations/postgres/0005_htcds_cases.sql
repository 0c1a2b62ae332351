-- Issue 3: people and cases on the HTCDS model. Coded values (HTCDS picklists, ISO codes) stay in
-- clear columns for search and statistics; free text and anything that identifies a person is
-- sealed by the application (BLOB columns). `version` numbers give optimistic concurrency.
ALTER TABLE persons ADD COLUMN details BYTEA;
ALTER TABLE persons ADD COLUMN assessed_age BIGINT;
ALTER TABLE persons ADD COLUMN marital_status TEXT;
ALTER TABLE persons ADD COLUMN number_of_children BIGINT;
ALTER TABLE persons ADD COLUMN education TEXT;
ALTER TABLE persons ADD COLUMN primary_language TEXT;
ALTER TABLE persons ADD COLUMN secondary_language TEXT;
ALTER TABLE persons ADD COLUMN mailing_country TEXT;
ALTER TABLE persons ADD COLUMN mailing_state TEXT;
ALTER TABLE persons ADD COLUMN deceased BIGINT NOT NULL DEFAULT 0;
ALTER TABLE persons ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE person_citizenships (
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (person_id, country)
);
CREATE INDEX person_citizenships_country ON person_citizenships(country, person_id);
INSERT INTO person_citizenships (person_id, country)
    SELECT id, citizenship FROM persons WHERE citizenship IS NOT NULL;

ALTER TABLE cases ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN risk_level TEXT;
ALTER TABLE cases ADD COLUMN trafficking_status TEXT;
ALTER TABLE cases ADD COLUMN status_decision_org TEXT;
ALTER TABLE cases ADD COLUMN relationship_to_trafficker TEXT;
ALTER TABLE cases ADD COLUMN age_when_trafficked BIGINT;
ALTER TABLE cases ADD COLUMN forced_labour_industry TEXT;
ALTER TABLE cases ADD COLUMN referral_source TEXT;
ALTER TABLE cases ADD COLUMN referring_organisation TEXT;
ALTER TABLE cases ADD COLUMN referral_date TEXT;
ALTER TABLE cases ADD COLUMN referral_reason TEXT;
ALTER TABLE cases ADD COLUMN closure_reason TEXT;
ALTER TABLE cases ADD COLUMN closure_note BYTEA;
CREATE INDEX cases_status ON cases(status);
-- Searches start from an index of the filter (name digests, citizenship, codes) and reach the
-- cases of the persons found through this one.
CREATE INDEX cases_person ON cases(person_id);

-- Multi-valued picklists of a case (vic_TypeOfExploitation, vic_MethodsOfControl, ...).
CREATE TABLE case_codes (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (case_id, field, code)
);
CREATE INDEX case_codes_lookup ON case_codes(field, code, case_id);
INSERT INTO case_codes (case_id, field, code)
    SELECT id, 'vic_TypeOfExploitation', exploitation_type FROM cases WHERE exploitation_type IS NOT NULL;

CREATE TABLE case_notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    author_user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    body BYTEA NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id, created_at);

-- Historic trafficking events (hte_): the route of the case.
CREATE TABLE case_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    country TEXT,
    region TEXT,
    start_date TEXT,
    end_date TEXT,
    place BYTEA,
    description BYTEA,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id);

-- Perpetrators (per_): personal data of third parties, sealed as one document per row.
CREATE TABLE case_perpetrators (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    details BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX case_perpetrators_case ON case_perpetrators(case_id);

-- Field-level history: who changed which field, when; the values are sealed.
CREATE TABLE case_changes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    at BIGINT NOT NULL,
    user_id TEXT REFERENCES users(id),
    field TEXT NOT NULL,
    old_value BYTEA,
    new_value BYTEA
);
CREATE INDEX case_changes_case ON case_changes(case_id, version);

CREATE TABLE case_attachments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    name BYTEA NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    scan TEXT NOT NULL,
    data BYTEA NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id, created_at);

-- Ownership transfers between agencies wait for the receiving agency's acceptance.
CREATE TABLE case_transfers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_agency_id TEXT NOT NULL REFERENCES agencies(id),
    to_agency_id TEXT NOT NULL REFERENCES agencies(id),
    requested_by TEXT NOT NULL REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    reason BYTEA,
    status TEXT NOT NULL,
    decided_by TEXT REFERENCES users(id),
    decided_at BIGINT,
    decision_note BYTEA
);
CREATE INDEX case_transfers_case ON case_transfers(case_id);
CREATE INDEX case_transfers_to ON case_transfers(to_agency_id, status);

-- Registration forms saved as drafts: visible to their author only, sealed.
CREATE TABLE case_drafts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    data BYTEA NOT NULL
);
CREATE INDEX case_drafts_user ON case_drafts(user_id, updated_at);
