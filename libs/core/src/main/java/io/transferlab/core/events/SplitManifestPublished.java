package io.transferlab.core.events;

import java.time.Instant;
import java.util.List;

/**
 * dataset-service → trainer, evaluator, gateway: one training set is ready. The file lists live in the manifest
 * file under the storage root; the event carries its reference and checksum.
 *
 * @param splitName    the training size (large, medium, small, …)
 * @param manifestRef  the manifest's path relative to the storage root
 * @param skippedFiles files of the dataset left out because they are not readable images
 */
public record SplitManifestPublished(int schemaVersion, String eventId, String studyId, String runId,
                                     Instant occurredAt, String datasetId, String datasetVersion, String splitName,
                                     long seed, int trainSize, int valSize, int testSize, int classCount,
                                     String manifestRef, String manifestSha256, int skippedFiles,
                                     List<String> strategies, String backbone)
        implements TransferLabEvent {

    public SplitManifestPublished {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(eventId, "eventId");
        Contracts.requireText(studyId, "studyId");
        Contracts.requireText(runId, "runId");
        Contracts.requireValue(occurredAt, "occurredAt");
        Contracts.requireText(datasetId, "datasetId");
        Contracts.requireText(datasetVersion, "datasetVersion");
        Contracts.requireText(splitName, "splitName");
        Contracts.requireNonNegative(trainSize, "trainSize");
        Contracts.requireNonNegative(valSize, "valSize");
        Contracts.requireNonNegative(testSize, "testSize");
        if (classCount < 2) {
            throw new IllegalArgumentException("field 'classCount' must be at least 2, was " + classCount);
        }
        Contracts.requireText(manifestRef, "manifestRef");
        Contracts.requireSha256(manifestSha256, "manifestSha256");
        Contracts.requireNonNegative(skippedFiles, "skippedFiles");
        strategies = Contracts.requireNonEmpty(strategies, "strategies");
        Contracts.requireText(backbone, "backbone");
    }
}
