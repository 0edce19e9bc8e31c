package io.transferlab.core.events;

import java.time.Instant;

/** trainer → evaluator, gateway: a run finished training; its checkpoint lies under the storage root. */
public record CheckpointCreated(int schemaVersion, String eventId, String studyId, String runId, Instant occurredAt,
                                String strategy, String checkpointRef, String checkpointSha256, String manifestRef,
                                String manifestSha256, int epochs, int bestEpoch, double trainSeconds,
                                String augmentationMode)
        implements TransferLabEvent {

    public CheckpointCreated {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(eventId, "eventId");
        Contracts.requireText(studyId, "studyId");
        Contracts.requireText(runId, "runId");
        Contracts.requireValue(occurredAt, "occurredAt");
        Contracts.requireText(strategy, "strategy");
        Contracts.requireText(checkpointRef, "checkpointRef");
        Contracts.requireSha256(checkpointSha256, "checkpointSha256");
        Contracts.requireText(manifestRef, "manifestRef");
        Contracts.requireSha256(manifestSha256, "manifestSha256");
        Contracts.requireNonNegative(epochs, "epochs");
        Contracts.requireNonNegative(bestEpoch, "bestEpoch");
    }

    public static CheckpointCreated of(String studyId, String runId, String strategy, String checkpointRef,
                                       String checkpointSha256, String manifestRef, String manifestSha256, int epochs,
                                       int bestEpoch, double trainSeconds, String augmentationMode) {
        return new CheckpointCreated(SCHEMA_VERSION, Contracts.newEventId(), studyId, runId, Instant.now(), strategy,
                checkpointRef, checkpointSha256, manifestRef, manifestSha256, epochs, bestEpoch, trainSeconds,
                augmentationMode);
    }
}
