-- The micro-F1 targets a learning-curve study answers "how many images per class" for (comma-separated; null:
-- the defaults, 95 % of the fitted plateau and 0.9).
alter table study add column target_f1 varchar(255);
