-- The report file's SHA-256: EvaluationCompleted carries it with the file's reference, so readers verify it.
alter table evaluation add column evaluation_sha256 varchar(64);
