package io.transferlab.core.events;

import java.time.Instant;

/**
 * dataset-service → gateway: a rescan of a registered dataset found different content. Studies of that dataset
 * marked {@code rerunOnChange} rerun on the new version. It concerns a dataset, not a study: {@link #studyId()} is
 * null and the record key is the dataset, so the versions of one dataset stay in order.
 *
 * @param datasetId       the registration at the dataset-service
 * @param datasetPath     the dataset folder, relative to the storage root (what studies name)
 * @param previousVersion the content version registered before the rescan
 * @param version         the content version found now
 */
public record DatasetVersionChanged(int schemaVersion, String eventId, Instant occurredAt, String datasetId,
                                    String datasetPath, String layout, String previousVersion, String version,
                                    int classCount, int imageCount, int unreadableCount)
        implements TransferLabEvent {

    public DatasetVersionChanged {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(eventId, "eventId");
        Contracts.requireValue(occurredAt, "occurredAt");
        Contracts.requireText(datasetId, "datasetId");
        Contracts.requireText(datasetPath, "datasetPath");
        Contracts.requireText(layout, "layout");
        Contracts.requireText(previousVersion, "previousVersion");
        Contracts.requireText(version, "version");
        if (previousVersion.equals(version)) {
            throw new IllegalArgumentException("field 'version' must differ from 'previousVersion', both were " + version);
        }
    }

    public static DatasetVersionChanged of(String datasetId, String datasetPath, String layout, String previousVersion,
                                           String version, int classCount, int imageCount, int unreadableCount) {
        return new DatasetVersionChanged(SCHEMA_VERSION, Contracts.newEventId(), Instant.now(), datasetId, datasetPath,
                layout, previousVersion, version, classCount, imageCount, unreadableCount);
    }

    @Override
    public String studyId() {
        return null;
    }

    @Override
    public String key() {
        return datasetId;
    }
}
