-- A study may follow its dataset: a new content version reruns it. A rerun says what started it.
alter table study add column rerun_on_change boolean not null default false;
alter table study add column trigger_reason varchar(512);
