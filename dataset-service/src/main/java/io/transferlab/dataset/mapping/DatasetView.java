package io.transferlab.dataset.mapping;

import io.transferlab.dataset.repository.Dataset;
import io.transferlab.dataset.repository.DatasetVersion;

import java.time.Instant;
import java.util.List;

/** A registered dataset as the API shows it: its current version in full, earlier versions in brief. */
public record DatasetView(String id, String name, String path, String layout, String version, Instant registeredAt,
                          Instant scannedAt, int classCount, int imageCount, int unreadableCount,
                          List<DatasetVersion.ClassCount> classes, List<DatasetVersion.UnreadableFile> unreadable,
                          List<VersionSummary> versions) {

    public record VersionSummary(String version, int classCount, int imageCount, int unreadableCount,
                                 Instant firstSeenAt, Instant lastSeenAt) {
    }

    public static DatasetView of(Dataset dataset) {
        List<DatasetVersion> history = DatasetVersion.history(dataset.id);
        DatasetVersion current = history.stream().filter(v -> v.version.equals(dataset.version)).findFirst()
                .orElseThrow(() -> new IllegalStateException("dataset " + dataset.id + " has no version " + dataset.version));
        return new DatasetView(dataset.id, dataset.name, dataset.path, dataset.layout, dataset.version,
                dataset.registeredAt, dataset.scannedAt, current.classCount, current.imageCount, current.unreadableCount,
                current.classCounts, current.unreadable,
                history.stream().map(v -> new VersionSummary(v.version, v.classCount, v.imageCount, v.unreadableCount,
                        v.firstSeenAt, v.lastSeenAt)).toList());
    }
}
