package io.transferlab.trainer.service;

import io.transferlab.core.events.CheckpointCreated;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.TrainingProgress;
import io.transferlab.ml.train.EpochStats;
import io.transferlab.platform.messaging.EventPublisher;
import io.transferlab.trainer.repository.TrainingJob;
import io.transferlab.trainer.repository.TrainingSet;
import io.transferlab.platform.work.QueueTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The device queue in the database. Each state change and the event announcing it commit together (outbox), so a
 * crash can lose neither; a job left RUNNING by a stopped trainer is the first one taken again.
 */
@ApplicationScoped
public class TrainingQueue {

    @Inject
    EntityManager em;

    @Inject
    EventPublisher publisher;

    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(TrainingSet set, List<String> strategies) {
        for (String strategy : strategies) {
            TrainingJob job = new TrainingJob();
            job.runId = set.runId;
            job.studyId = set.studyId;
            job.strategy = strategy;
            job.state = TrainingJob.State.QUEUED;
            job.queuedAt = Instant.now();
            job.persist();
        }
    }

    /** The next job for the device: an interrupted one first, then the oldest queued; marked RUNNING. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<TrainingJob> claimNext() {
        Optional<TrainingJob> next = QueueTable.claimNext(em, "training_job", TrainingJob.class);
        if (next.isEmpty()) {
            return next;
        }
        TrainingJob job = next.get();
        job.state = TrainingJob.State.RUNNING;
        job.startedAt = job.startedAt == null ? Instant.now() : job.startedAt;
        return Optional.of(job);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void epochFinished(long jobId, EpochStats stats, int maxEpochs) {
        TrainingJob job = TrainingJob.findById(jobId);
        job.epoch = stats.epoch();
        job.maxEpochs = maxEpochs;
        publisher.publish(TrainingProgress.epoch(job.studyId, job.runId, job.strategy, stats.epoch(), maxEpochs,
                stats.trainLoss(), stats.valLoss(), stats.valAccuracy()));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void finished(long jobId, TrainedRun run) {
        TrainingJob job = TrainingJob.findById(jobId);
        TrainingSet set = TrainingSet.findById(job.runId);
        job.state = TrainingJob.State.DONE;
        job.epoch = run.epochs();
        job.checkpointRef = run.checkpointRef();
        job.checkpointSha256 = run.checkpointSha256();
        job.trainSeconds = run.trainSeconds();
        job.finishedAt = Instant.now();
        publisher.publish(TrainingProgress.finished(job.studyId, job.runId, job.strategy, run.epochs(), job.maxEpochs,
                job.strategy + " trained: " + run.epochs() + " epochs, kept epoch " + run.bestEpoch()));
        publisher.publish(CheckpointCreated.of(job.studyId, job.runId, job.strategy, run.checkpointRef(),
                run.checkpointSha256(), set.manifestRef, set.manifestSha256, run.epochs(), run.bestEpoch(),
                run.trainSeconds(), run.augmentationMode()));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void failed(long jobId, String reason) {
        TrainingJob job = TrainingJob.findById(jobId);
        job.state = TrainingJob.State.FAILED;
        job.reason = reason;
        job.finishedAt = Instant.now();
        publisher.publish(RunFailed.of(job.studyId, job.runId, TrainingSetIntake.SERVICE, "training",
                job.strategy + ": " + reason));
    }

    /** What a finished job produced. */
    public record TrainedRun(String checkpointRef, String checkpointSha256, int epochs, int bestEpoch,
                             double trainSeconds, String augmentationMode) {
    }
}
