-- Studies requested through the API, and the state of each of their runs (one per training set).
create table study (
    id             varchar(64)  primary key,
    dataset_path   varchar(512) not null,
    preset         varchar(64)  not null,
    sizes          varchar(256) not null,
    strategies     varchar(256) not null,
    seeds          varchar(256) not null,
    backbone       varchar(64)  not null,
    class_limit    integer,
    expected_runs  integer      not null,
    state          varchar(16)  not null,
    failure_reason text,
    created_at     timestamptz  not null,
    updated_at     timestamptz  not null
);

create table study_run (
    run_id          varchar(64)  primary key,
    study_id        varchar(64)  not null references study (id),
    split_name      varchar(64),
    seed            bigint,
    train_size      integer,
    val_size        integer,
    test_size       integer,
    class_count     integer,
    dataset_version varchar(64),
    manifest_ref    varchar(512),
    state           varchar(16)  not null,
    message         text,
    updated_at      timestamptz  not null
);
create index study_run_study on study_run (study_id);
