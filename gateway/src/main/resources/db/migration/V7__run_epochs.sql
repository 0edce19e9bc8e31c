-- Every training epoch the trainer reported (TrainingProgress EPOCH events): the report page's training curves.
-- A resumed run reports its epochs again from where it resumed; the later report of an epoch replaces the earlier.
create table run_epoch (
    run_id        varchar(64)  not null references study_run (run_id),
    strategy      varchar(16)  not null,
    epoch         integer      not null,
    study_id      varchar(64)  not null references study (id),
    train_loss    double precision,
    val_loss      double precision,
    val_accuracy  double precision,
    primary key (run_id, strategy, epoch)
);
create index run_epoch_study on run_epoch (study_id);

-- The evaluator's report file (per-class figures, confusion matrix) is read through its reference and verified
-- against the SHA-256 the EvaluationCompleted event carried.
alter table run_result add column evaluation_sha256 varchar(64);
