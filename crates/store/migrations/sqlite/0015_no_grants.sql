-- Per-user case grants are gone: no page or API created, listed or revoked them, so they were an
-- access path nobody could see. Every way to a case is now shown on its page.
DROP TABLE case_grants;
