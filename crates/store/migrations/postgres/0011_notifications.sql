-- Notifications (in-app) and the e-mail outbox hold no personal data of a case: a kind code and
-- the opaque id of the referral or transfer they are about. Staff get an optional work e-mail.
ALTER TABLE users ADD COLUMN email TEXT;
-- When the overdue reminder of a referral went out (once per referral).
ALTER TABLE referrals ADD COLUMN reminded_at BIGINT;

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, created_at);

-- One row per e-mail to send. The address is looked up when sending, so a changed address is
-- used and a removed one is not. Claimed by one app server at a time (claimed_until).
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    sent_at BIGINT,
    failed_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox(sent_at, failed_at, next_attempt_at);

-- Services of a case: requested through a referral and updated with its outcome (issue 6 adds
-- the ones recorded by hand). The outcome note is sealed.
CREATE TABLE case_services (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    service_type TEXT NOT NULL,
    provider_agency_id TEXT REFERENCES agencies(id),
    referral_id TEXT REFERENCES referrals(id),
    status TEXT NOT NULL,
    started_at BIGINT,
    ended_at BIGINT,
    outcome BYTEA,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX case_services_case ON case_services(case_id, created_at);
CREATE INDEX case_services_referral ON case_services(referral_id);
