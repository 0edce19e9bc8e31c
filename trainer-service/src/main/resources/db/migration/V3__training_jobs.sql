-- The device queue: one row per strategy of a training set, run one at a time in id order.
-- state: QUEUED, RUNNING (a trainer restarted mid-run picks it up again and resumes from its epoch checkpoint),
-- DONE (checkpoint written, CheckpointCreated published) or FAILED (reason says why; RunFailed published).
create table training_job (
    id                bigserial    primary key,
    run_id            varchar(64)  not null references training_set (run_id),
    study_id          varchar(64)  not null,
    strategy          varchar(16)  not null,
    state             varchar(16)  not null,
    epoch             integer      not null default 0,
    max_epochs        integer      not null default 0,
    micro_f1          double precision,
    checkpoint_ref    varchar(512),
    checkpoint_sha256 char(64),
    train_seconds     double precision,
    reason            text,
    queued_at         timestamptz  not null default now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    unique (run_id, strategy)
);
create index training_job_state on training_job (state, id);
create index training_job_study on training_job (study_id);
