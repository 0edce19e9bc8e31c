-- One row per published training set (a split of one dataset version for one size and seed).
create table split_set (
    run_id          varchar(64)  primary key,
    study_id        varchar(64)  not null,
    dataset_id      varchar(512) not null,
    dataset_version varchar(64)  not null,
    dataset_layout  varchar(32)  not null,
    preset          varchar(64)  not null,
    split_name      varchar(64)  not null,
    seed            bigint       not null,
    class_count     integer      not null,
    train_size      integer      not null,
    val_size        integer      not null,
    test_size       integer      not null,
    skipped_files   integer      not null,
    manifest_ref    varchar(512) not null,
    manifest_sha256 char(64)     not null,
    created_at      timestamptz  not null default now()
);
create index split_set_study on split_set (study_id);

-- Studies that could not be split, and why.
create table split_failure (
    study_id   varchar(64) primary key,
    reason     text        not null,
    failed_at  timestamptz not null default now()
);
