//! Import jobs in the JSON API: `POST /imports` (multipart: `file`, optional `default_region`
//! and `mapping`) starts a job and answers 202 with its id; `GET /imports/{id}` is its state
//! (the preview once read, the counts once committed); `POST /imports/{id}/commit` starts the
//! commit; `GET /imports/{id}/errors` is the file of rows left out.
