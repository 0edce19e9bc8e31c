-- A fine-tuning job starts from the head its feature-extraction job trains: with several trainers on the queue it
-- must not be claimed before that job is DONE (one trainer used to get this from the queue order alone).
alter table training_job add column after_job bigint references training_job (id);
create index training_job_after on training_job (after_job);
