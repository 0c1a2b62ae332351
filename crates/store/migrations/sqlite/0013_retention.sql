-- When a closed case past the retention period was anonymised (its personal data destroyed).
ALTER TABLE cases ADD COLUMN anonymised_at INTEGER;
CREATE INDEX cases_retention ON cases(status, closed_at);
