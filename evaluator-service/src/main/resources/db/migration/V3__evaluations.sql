-- One evaluation per trained checkpoint (run and strategy): queued by the consumer, scored by the worker.
-- state: QUEUED, RUNNING (taken again after a restart), DONE or FAILED (reason says why; RunFailed published).
create table evaluation (
    id                bigserial    primary key,
    run_id            varchar(64)  not null,
    study_id          varchar(64)  not null,
    strategy          varchar(16)  not null,
    checkpoint_ref    varchar(512) not null,
    checkpoint_sha256 char(64)     not null,
    manifest_ref      varchar(512) not null,
    manifest_sha256   char(64)     not null,
    state             varchar(16)  not null,
    test_images       integer,
    micro_precision   double precision,
    micro_recall      double precision,
    micro_f1          double precision,
    macro_precision   double precision,
    macro_recall      double precision,
    macro_f1          double precision,
    top1_accuracy     double precision,
    top5_accuracy     double precision,
    -- per-class precision/recall/F1/support and the confusion matrix, as JSON (also in evaluation_ref's file)
    per_class         text,
    confusion         text,
    evaluation_ref    varchar(512),
    reason            text,
    queued_at         timestamptz  not null default now(),
    finished_at       timestamptz,
    unique (run_id, strategy)
);
create index evaluation_state on evaluation (state, id);
create index evaluation_study on evaluation (study_id);
