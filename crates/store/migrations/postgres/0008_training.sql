-- Training of frontline staff. Workshops are not personal data; participants are: their names,
-- position and contact are sealed (names also feed a blind index for the duplicate check), and
-- only sex, organisation and region stay in clear for the reports.
CREATE TABLE workshops (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    topics TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    region TEXT,
    place TEXT,
    format TEXT NOT NULL,
    language TEXT,
    trainers TEXT,
    organiser TEXT,
    funder TEXT,
    grant_ref TEXT,
    capacity BIGINT,
    pass_mark BIGINT NOT NULL,
    min_attendance BIGINT NOT NULL,
    questionnaire TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX workshops_first_day ON workshops(first_day);

CREATE TABLE trainees (
    id TEXT PRIMARY KEY,
    first_name BYTEA,
    family_name BYTEA,
    position BYTEA,
    contact BYTEA,
    sex TEXT NOT NULL,
    agency_id TEXT REFERENCES agencies(id),
    organisation TEXT,
    region TEXT,
    user_id TEXT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX trainees_user ON trainees(user_id);

CREATE TABLE trainee_name_index (
    digest TEXT NOT NULL,
    trainee_id TEXT NOT NULL REFERENCES trainees(id) ON DELETE CASCADE,
    PRIMARY KEY (digest, trainee_id)
);

CREATE TABLE enrolments (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    trainee_id TEXT NOT NULL REFERENCES trainees(id),
    pre_score BIGINT,
    post_score BIGINT,
    certificate_code TEXT UNIQUE,
    certificate_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workshop_id, trainee_id)
);
CREATE INDEX enrolments_trainee ON enrolments(trainee_id);

CREATE TABLE attendance (
    workshop_id TEXT NOT NULL,
    trainee_id TEXT NOT NULL,
    day TEXT NOT NULL,
    PRIMARY KEY (workshop_id, trainee_id, day),
    FOREIGN KEY (workshop_id, trainee_id) REFERENCES enrolments(workshop_id, trainee_id) ON DELETE CASCADE
);

CREATE TABLE workshop_materials (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX workshop_materials_workshop ON workshop_materials(workshop_id);
