-- What each strategy of each run produced: training progress, then its checkpoint, then its evaluation.
-- state: QUEUED, TRAINING, EVALUATING, COMPLETE or FAILED (only moves forward).
create table run_result (
    run_id            varchar(64)  not null references study_run (run_id),
    strategy          varchar(16)  not null,
    study_id          varchar(64)  not null references study (id),
    state             varchar(16)  not null,
    epoch             integer,
    max_epochs        integer,
    train_loss        double precision,
    val_loss          double precision,
    val_accuracy      double precision,
    epochs            integer,
    best_epoch        integer,
    train_seconds     double precision,
    augmentation_mode varchar(16),
    checkpoint_ref    varchar(512),
    micro_f1          double precision,
    macro_f1          double precision,
    top1_accuracy     double precision,
    test_images       integer,
    evaluation_ref    varchar(512),
    message           text,
    updated_at        timestamptz  not null,
    primary key (run_id, strategy)
);
create index run_result_study on run_result (study_id);
