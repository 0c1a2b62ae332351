-- Prefix digests of persons' name words (a typed "mari" finds Marisol), kept apart from the word digests
-- so that the duplicate check and scan never take a shared prefix for a shared name. Filled by
-- `haven reindex` (run by migrate: the index version changes with this table).
CREATE TABLE person_name_prefix (
    digest TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    PRIMARY KEY (digest, person_id)
);
CREATE INDEX person_name_prefix_person ON person_name_prefix(person_id);

