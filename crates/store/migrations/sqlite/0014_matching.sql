-- Duplicate persons: a merged person points at the one it was merged into (kept, so a merge can
-- be undone); pairs the scan proposed, with their explanation (fields, levels and weights: no
-- personal data) and the coordinator's decision.
ALTER TABLE persons ADD COLUMN merged_into TEXT;
CREATE TABLE match_pairs (
    id TEXT PRIMARY KEY,
    person_a TEXT NOT NULL REFERENCES persons(id),
    person_b TEXT NOT NULL REFERENCES persons(id),
    probability_ppm INTEGER NOT NULL,
    explanation TEXT NOT NULL,
    status TEXT NOT NULL,
    found_at INTEGER NOT NULL,
    decided_by TEXT REFERENCES users(id),
    decided_at INTEGER,
    survivor TEXT,
    moved_cases TEXT,
    UNIQUE (person_a, person_b)
);
CREATE INDEX match_pairs_status ON match_pairs(status, probability_ppm);
