-- The chain head (last number and hash) is itself sealed with the chain key, so that deleting the
-- newest events and pointing the head at an earlier event is detected by `haven audit verify`.
ALTER TABLE audit_head ADD COLUMN mac TEXT NOT NULL DEFAULT '';
