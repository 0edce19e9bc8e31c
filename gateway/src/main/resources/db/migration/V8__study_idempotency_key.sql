-- A client's Idempotency-Key for POST /studies, and a fingerprint of the request it came with: the same key again
-- returns the study it created (a retried POST makes no second study); with another request it is refused.
alter table study add column idempotency_key varchar(100);
alter table study add column request_fingerprint varchar(64);
create unique index study_idempotency_key on study (idempotency_key);
