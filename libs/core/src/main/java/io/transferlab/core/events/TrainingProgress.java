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

    public enum Phase { QUEUED, EPOCH, FINISHED }

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
}
