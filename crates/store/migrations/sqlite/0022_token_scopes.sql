-- What each API token may be used for (space-separated scope codes, see haven-authz's Scope).
-- Tokens made before scopes keep every scope, so no integration stops working on upgrade.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
UPDATE api_tokens SET scopes = 'cases:read cases:write referrals statistics training admin';
