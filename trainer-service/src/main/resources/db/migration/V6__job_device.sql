-- The device a job trained on (engine, version, device: "PyTorch 2.7.1 on gpu(0) (1 GPU(s))"), so every run's
-- record says whether it used a GPU.
alter table training_job add column device varchar(200);
