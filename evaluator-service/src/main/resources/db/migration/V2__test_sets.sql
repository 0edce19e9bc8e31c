-- The test part of each training set, verified against its manifest: what checkpoints of that run are scored on.
-- state: READY or REJECTED (the manifest could not be trusted; reason says why).
create table test_set (
    run_id          varchar(64)  primary key,
    study_id        varchar(64)  not null,
    split_name      varchar(64)  not null,
    seed            bigint       not null,
    class_count     integer      not null,
    test_size       integer      not null,
    manifest_ref    varchar(512) not null,
    manifest_sha256 char(64)     not null,
    state           varchar(16)  not null,
    reason          text,
    received_at     timestamptz  not null default now()
);
create index test_set_study on test_set (study_id);
