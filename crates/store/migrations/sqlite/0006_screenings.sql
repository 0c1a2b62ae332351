-- Screenings by the ILO/EC indicators. Coded facts in clear (for statistics: outcome, profiles,
-- region, agency, language); the answers with their evidence notes and the place are sealed.
CREATE TABLE screenings (
    id TEXT PRIMARY KEY,
    case_id TEXT REFERENCES cases(id) ON DELETE CASCADE,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    screened_by TEXT NOT NULL REFERENCES users(id),
    screened_on TEXT NOT NULL,
    region TEXT,
    language TEXT,
    interpreter INTEGER NOT NULL DEFAULT 0,
    person_present INTEGER NOT NULL DEFAULT 1,
    consent INTEGER NOT NULL,
    profiles TEXT NOT NULL,
    outcome TEXT NOT NULL,
    indicator_set TEXT NOT NULL,
    answers BLOB NOT NULL,
    place BLOB,
    created_at INTEGER NOT NULL
);
CREATE INDEX screenings_case ON screenings(case_id, created_at);
CREATE INDEX screenings_outcome ON screenings(outcome, region);
