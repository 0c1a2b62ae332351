-- Forms received from phones (OpenRosa): one row per instanceID, written in the same
-- transaction as the screening it became, so that a phone resending after a lost answer makes
-- nothing twice. `digest` is a keyed hash of the submitted XML: the same instanceID with other
-- content is refused.
CREATE TABLE openrosa_submissions (
    instance_id TEXT PRIMARY KEY,
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    digest TEXT NOT NULL,
    screening_id TEXT REFERENCES screenings(id),
    received_at BIGINT NOT NULL
);
CREATE INDEX openrosa_submissions_device ON openrosa_submissions(device_id, received_at);

-- Every form version served to phones, with the indicator set it was made from (JSON): a phone
-- may send a form filled before the set changed; it is read and evaluated by its own set.
CREATE TABLE form_versions (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    indicator_set TEXT NOT NULL,
    first_served_at BIGINT NOT NULL,
    PRIMARY KEY (form_id, version)
);
