package io.transferlab.core.events;

import java.time.Instant;

/**
 * trainer → gateway: where a run stands. QUEUED when the trainer has recorded the manifest, EPOCH after each
 * training epoch (losses filled in), FINISHED when the run's checkpoint is written.
 */
public record TrainingProgress(int schemaVersion, String eventId, String studyId, String runId, Instant occurredAt,
                               String strategy, Phase phase, int epoch, int maxEpochs, Double trainLoss,
                               Double valLoss, Double valAccuracy, String message)
        implements TransferLabEvent {

    /**
     * QUEUED: at the trainer; EPOCH: an epoch of the run finished; FINISHED: its checkpoint is written; TRIAL: an
     * epoch of a short trial before the run (a learning rate being tried) — progress to show, not the run's curve.
     */
    public enum Phase { QUEUED, EPOCH, FINISHED, TRIAL }

    public TrainingProgress {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(eventId, "eventId");
        Contracts.requireText(studyId, "studyId");
        Contracts.requireText(runId, "runId");
        Contracts.requireValue(occurredAt, "occurredAt");
        Contracts.requireValue(phase, "phase");
        Contracts.requireNonNegative(epoch, "epoch");
        Contracts.requireNonNegative(maxEpochs, "maxEpochs");
    }

    public static TrainingProgress queued(String studyId, String runId, String strategy, String message) {
        return new TrainingProgress(SCHEMA_VERSION, Contracts.newEventId(), studyId, runId, Instant.now(), strategy,
                Phase.QUEUED, 0, 0, null, null, null, message);
    }

    /** After each training epoch of one strategy of the run. */
    public static TrainingProgress epoch(String studyId, String runId, String strategy, int epoch, int maxEpochs,
                                         double trainLoss, double valLoss, double valAccuracy) {
        return new TrainingProgress(SCHEMA_VERSION, Contracts.newEventId(), studyId, runId, Instant.now(), strategy,
                Phase.EPOCH, epoch, maxEpochs, trainLoss, valLoss, valAccuracy, null);
    }

    /** An epoch of a trial before the run proper (ft5's learning-rate trials): shown as progress, kept apart. */
    public static TrainingProgress trial(String studyId, String runId, String strategy, String trial, int epoch,
                                         int maxEpochs, double trainLoss, double valLoss, double valAccuracy) {
        return new TrainingProgress(SCHEMA_VERSION, Contracts.newEventId(), studyId, runId, Instant.now(), strategy,
                Phase.TRIAL, epoch, maxEpochs, trainLoss, valLoss, valAccuracy,
                String.format(java.util.Locale.ROOT, "trial %s: epoch %d/%d, val loss %.3f, val acc %.3f", trial, epoch,
                        maxEpochs, valLoss, valAccuracy));
    }

    /** When one strategy of the run has finished training and its checkpoint is written. */
    public static TrainingProgress finished(String studyId, String runId, String strategy, int epochs, int maxEpochs,
                                            String message) {
        return new TrainingProgress(SCHEMA_VERSION, Contracts.newEventId(), studyId, runId, Instant.now(), strategy,
                Phase.FINISHED, epochs, maxEpochs, null, null, null, message);
    }
}
