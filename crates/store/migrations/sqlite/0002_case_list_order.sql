-- Case lists: newest first, walking one covering index and testing visibility against the set of
-- ids the user's scope allows (see store/src/cases.rs), instead of sorting every visible case.
CREATE INDEX cases_list_order ON cases(opened_at, case_number, id);
-- The agency scope reads case ids straight from the index.
DROP INDEX case_agencies_agency;
CREATE INDEX case_agencies_agency_case ON case_agencies(agency_id, case_id);
DROP INDEX case_grants_user;
CREATE INDEX case_grants_user_case ON case_grants(user_id, case_id);
