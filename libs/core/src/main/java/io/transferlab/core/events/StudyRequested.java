package io.transferlab.core.events;

import java.time.Instant;
import java.util.List;

/**
 * gateway → dataset-service: split this dataset for these training sizes and seeds.
 *
 * @param datasetPath the dataset folder, relative to the shared storage root
 * @param classLimit  keep only the first N classes (sorted by name), or null for all
 */
public record StudyRequested(int schemaVersion, String eventId, String studyId, Instant occurredAt,
                             String datasetPath, String preset, List<String> sizes, List<String> strategies,
                             List<Long> seeds, String backbone, Integer classLimit)
        implements TransferLabEvent {

    public StudyRequested {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(eventId, "eventId");
        Contracts.requireText(studyId, "studyId");
        Contracts.requireValue(occurredAt, "occurredAt");
        Contracts.requireText(datasetPath, "datasetPath");
        Contracts.requireText(preset, "preset");
        sizes = Contracts.requireNonEmpty(sizes, "sizes");
        strategies = Contracts.requireNonEmpty(strategies, "strategies");
        seeds = Contracts.requireNonEmpty(seeds, "seeds");
        Contracts.requireText(backbone, "backbone");
        if (classLimit != null && classLimit < 2) {
            throw new IllegalArgumentException("field 'classLimit' must be at least 2, was " + classLimit);
        }
    }

    public static StudyRequested of(String studyId, String datasetPath, String preset, List<String> sizes,
                                    List<String> strategies, List<Long> seeds, String backbone, Integer classLimit) {
        return new StudyRequested(SCHEMA_VERSION, Contracts.newEventId(), studyId, Instant.now(), datasetPath, preset,
                sizes, strategies, seeds, backbone, classLimit);
    }
}
