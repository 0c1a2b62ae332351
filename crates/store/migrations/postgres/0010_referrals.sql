-- Referrals between agencies. The reason, the emergency justification and the notes of each
-- answer (decline reason, outcome, revocation) are sealed; the rest is coded.
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_agency_id TEXT NOT NULL REFERENCES agencies(id),
    from_user_id TEXT NOT NULL REFERENCES users(id),
    to_agency_id TEXT NOT NULL REFERENCES agencies(id),
    to_user_id TEXT REFERENCES users(id),
    services TEXT NOT NULL,
    urgency TEXT NOT NULL,
    reason BYTEA,
    sections TEXT NOT NULL,
    consent_id TEXT REFERENCES consents(id),
    emergency_justification BYTEA,
    flagged BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    answer BYTEA,
    redirected_from TEXT REFERENCES referrals(id),
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    due_at BIGINT,
    answered_at BIGINT,
    completed_at BIGINT,
    revoked_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX referrals_case ON referrals(case_id, created_at);
CREATE INDEX referrals_to ON referrals(to_agency_id, status, due_at);
CREATE INDEX referrals_from ON referrals(from_agency_id, status, due_at);
