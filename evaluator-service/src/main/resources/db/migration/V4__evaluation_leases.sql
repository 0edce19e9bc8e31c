-- Several evaluators share the queue: the same leases as the trainer's jobs (owner, lease_until renewed by a
-- heartbeat, attempts; see transferlab.queue.*).
alter table evaluation add column owner varchar(200);
alter table evaluation add column lease_until timestamptz;
alter table evaluation add column attempts integer not null default 0;
