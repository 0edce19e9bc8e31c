-- A study that has waited too long for its next event: since when, and what it waits for. Cleared by its next event.
alter table study add column stalled_since timestamp with time zone;
alter table study add column stall_reason varchar(500);
