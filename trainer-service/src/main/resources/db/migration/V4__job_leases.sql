-- Several trainers share the queue: a claimed job is leased to one worker (owner) until lease_until, renewed by
-- its heartbeat; only an expired lease is taken again. attempts counts claims: a job whose worker died
-- transferlab.queue.max-attempts times is FAILED for good (RunFailed) instead of retried forever.
alter table training_job add column owner varchar(200);
alter table training_job add column lease_until timestamptz;
alter table training_job add column attempts integer not null default 0;
