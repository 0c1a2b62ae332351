-- Protection and follow-up. Coded facts and dates are clear (for reminders, dashboards and
-- statistics); every free text about the person is sealed.
CREATE TABLE risk_assessments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    level TEXT NOT NULL,
    -- "area:Level" pairs, comma-separated.
    areas TEXT NOT NULL,
    safety_plan BYTEA,
    notes BYTEA,
    assessed_by TEXT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX risk_assessments_case ON risk_assessments(case_id, created_at);

CREATE TABLE reflection_periods (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    started_on TEXT NOT NULL,
    days BIGINT NOT NULL,
    extended_days BIGINT NOT NULL DEFAULT 0,
    -- Sealed: each extension's reason, one document.
    extensions BYTEA,
    ends_on TEXT NOT NULL,
    reminded_on TEXT,
    created_by TEXT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reflection_periods_case ON reflection_periods(case_id);
CREATE INDEX reflection_periods_end ON reflection_periods(ends_on);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title BYTEA,
    due_on TEXT NOT NULL,
    assigned_to TEXT REFERENCES users(id),
    status TEXT NOT NULL,
    note BYTEA,
    created_by TEXT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    done_at BIGINT,
    reminded_on TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tasks_case ON tasks(case_id, due_on);
CREATE INDEX tasks_due ON tasks(status, due_on);
CREATE INDEX tasks_assignee ON tasks(assigned_to, status, due_on);

-- One plan per case; its goals are one sealed document.
CREATE TABLE assistance_plans (
    case_id TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    goals BYTEA,
    review_on TEXT,
    comments BYTEA,
    updated_by TEXT REFERENCES users(id),
    submitted_by TEXT REFERENCES users(id),
    decided_by TEXT REFERENCES users(id),
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE case_returns (
    case_id TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    country TEXT,
    region TEXT,
    receiving_org TEXT,
    planned_on TEXT,
    returned_on TEXT,
    notes BYTEA,
    updated_by TEXT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE case_proceedings (
    case_id TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    cooperation TEXT NOT NULL,
    compensation TEXT NOT NULL,
    -- Sealed: police and prosecutor references, witness protection, amounts, notes.
    details BYTEA,
    updated_by TEXT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);

-- Services recorded by hand (not through a referral): a provider named freely, a cost, the
-- person's consent to the service.
ALTER TABLE case_services ADD COLUMN provider_name TEXT;
ALTER TABLE case_services ADD COLUMN cost TEXT;
ALTER TABLE case_services ADD COLUMN consent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE case_services ADD COLUMN recorded_by TEXT REFERENCES users(id);
