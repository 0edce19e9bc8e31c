-- Training sets received from dataset-service, verified against the manifest on the storage root.
-- state: QUEUED (waiting for training) or REJECTED (the manifest could not be trusted; reason says why).
create table training_set (
    run_id          varchar(64)  primary key,
    study_id        varchar(64)  not null,
    dataset_id      varchar(512) not null,
    dataset_version varchar(64)  not null,
    split_name      varchar(64)  not null,
    seed            bigint       not null,
    class_count     integer      not null,
    train_size      integer      not null,
    val_size        integer      not null,
    test_size       integer      not null,
    strategies      varchar(256) not null,
    backbone        varchar(64)  not null,
    manifest_ref    varchar(512) not null,
    manifest_sha256 char(64)     not null,
    state           varchar(16)  not null,
    reason          text,
    received_at     timestamptz  not null default now()
);
create index training_set_study on training_set (study_id);
