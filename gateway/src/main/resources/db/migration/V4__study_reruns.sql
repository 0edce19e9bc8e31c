-- A rerun is a new study with the same request; it points to the study it repeats.
alter table study add column rerun_of varchar(64) references study (id);
