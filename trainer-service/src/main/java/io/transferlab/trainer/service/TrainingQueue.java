package io.transferlab.trainer.service;

import io.transferlab.core.events.CheckpointCreated;
import io.transferlab.core.study.Strategy;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.TrainingProgress;
import io.transferlab.ml.train.EpochStats;
import io.transferlab.platform.messaging.EventPublisher;
import io.transferlab.trainer.repository.TrainingJob;
import io.transferlab.trainer.repository.TrainingSet;
import io.transferlab.platform.work.LeasedQueue;
import io.transferlab.platform.work.QueueTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;

/**
 * The device queue in the database, shared by every trainer replica. Each state change and the event announcing it
 * commit together (outbox), so a crash can lose neither. A claimed job is leased to this trainer (QueueTable);
 * a job whose trainer died is taken again, first, once its lease runs out, and failed for good after
 * {@code transferlab.queue.max-attempts} claims. What a trainer records about a job it no longer holds is refused.
 */
@ApplicationScoped
public class TrainingQueue extends LeasedQueue<TrainingJob> {

    private static final String TABLE = "training_job";

    @Inject
    EventPublisher publisher;

    @Override
    protected Class<TrainingJob> type() {
        return TrainingJob.class;
    }

    @Override
    protected QueueTable table() {
        return table(em);
    }

    /** The queue as every trainer claims from it: a job that starts from another waits until that one is DONE. */
    public static QueueTable table(EntityManager em) {
        return new QueueTable(em, TABLE, "j.after_job is null"
                + " or exists (select 1 from training_job b where b.id = j.after_job and b.state = 'DONE')");
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(TrainingSet set, List<String> strategies) {
        java.util.Map<String, TrainingJob> byStrategy = new java.util.HashMap<>();
        for (String strategy : strategies) {
            TrainingJob job = new TrainingJob();
            job.runId = set.runId;
            job.studyId = set.studyId;
            job.strategy = strategy;
            job.state = TrainingJob.State.QUEUED;
            job.queuedAt = Instant.now();
            Strategy base = Strategy.of(strategy).base();
            if (!base.id().equals(strategy)) {
                TrainingJob first = byStrategy.get(base.id());
                if (first == null) {
                    throw new IllegalStateException(strategy + " needs " + base.id() + " queued before it");
                }
                job.afterJob = first.id;
            }
            job.persistAndFlush();   // its id, for the jobs that start from it
            byStrategy.put(strategy, job);
        }
    }

    /** A job taken (an interrupted one first, lease run out, then the oldest ready one): its first start is kept. */
    @Override
    protected void claimed(TrainingJob job) {
        job.startedAt = job.startedAt == null ? Instant.now() : job.startedAt;
    }

    /** A job whose trainer died in each of its attempts: failed for good, and said so. */
    @Override
    protected void giveUp(TrainingJob job) {
        fail(job, "gave up after " + job.attempts + " attempts: the trainer stopped during each one"
                + " (killed, out of memory or evicted) before the job finished");
    }

    /** Fails a job and, since they cannot start without it, the jobs waiting for it; each with a RunFailed. */
    private void fail(TrainingJob job, String reason) {
        job.state = TrainingJob.State.FAILED;
        job.reason = reason;
        job.finishedAt = Instant.now();
        publisher.publish(RunFailed.of(job.studyId, job.runId, TrainingSetIntake.SERVICE, "training",
                job.strategy + ": " + reason));
        for (TrainingJob waiting : TrainingJob.<TrainingJob>list("afterJob = ?1 and state = ?2", job.id,
                TrainingJob.State.QUEUED)) {
            fail(waiting, "not started: " + job.strategy + ", which it starts from, failed");
        }
    }

    /** An epoch of a trial before the run (a learning rate being tried): progress for the gateway, no curve. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void trialEpochFinished(long jobId, String trial, EpochStats stats, int maxEpochs) {
        TrainingJob job = held(jobId);
        publisher.publish(TrainingProgress.trial(job.studyId, job.runId, job.strategy, trial, stats.epoch(), maxEpochs,
                stats.trainLoss(), stats.valLoss(), stats.valAccuracy()));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void epochFinished(long jobId, EpochStats stats, int maxEpochs) {
        TrainingJob job = held(jobId);
        // rates of these two are the trainer's epochs/s and training images/s
        metrics.counter("transferlab.trainer.epochs", "strategy", job.strategy).increment();
        TrainingSet set = TrainingSet.findById(job.runId);
        metrics.counter("transferlab.trainer.images", "strategy", job.strategy).increment(set.trainSize);
        job.epoch = stats.epoch();
        job.maxEpochs = maxEpochs;
        publisher.publish(TrainingProgress.epoch(job.studyId, job.runId, job.strategy, stats.epoch(), maxEpochs,
                stats.trainLoss(), stats.valLoss(), stats.valAccuracy()));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void finished(long jobId, TrainedRun run) {
        TrainingJob job = held(jobId);
        TrainingSet set = TrainingSet.findById(job.runId);
        job.state = TrainingJob.State.DONE;
        job.epoch = run.epochs();
        job.checkpointRef = run.checkpointRef();
        job.checkpointSha256 = run.checkpointSha256();
        job.trainSeconds = run.trainSeconds();
        job.device = run.device();
        job.finishedAt = Instant.now();
        publisher.publish(TrainingProgress.finished(job.studyId, job.runId, job.strategy, run.epochs(), job.maxEpochs,
                job.strategy + " trained: " + run.epochs() + " epochs, kept epoch " + run.bestEpoch()));
        publisher.publish(CheckpointCreated.of(job.studyId, job.runId, job.strategy, run.checkpointRef(),
                run.checkpointSha256(), set.manifestRef, set.manifestSha256, run.epochs(), run.bestEpoch(),
                run.trainSeconds(), run.augmentationMode()));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void failed(long jobId, String reason) {
        fail(held(jobId), reason);
    }

    /** What a finished job produced. */
    public record TrainedRun(String checkpointRef, String checkpointSha256, int epochs, int bestEpoch,
                             double trainSeconds, String augmentationMode, String device) {
    }
}
