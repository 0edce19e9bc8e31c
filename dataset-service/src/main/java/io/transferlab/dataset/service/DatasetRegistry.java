package io.transferlab.dataset.service;

import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.core.events.DatasetVersionChanged;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.dataset.repository.Dataset;
import io.transferlab.dataset.repository.DatasetVersion;
import io.transferlab.platform.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The datasets this service knows: registered by a user, or found by a study that names a folder nobody
 * registered. Every scan records the content version it found; when a scan finds a different version than the
 * registered one, {@link DatasetVersionChanged} goes out in the same transaction. A scan that fails (an empty
 * class, a folder that is gone) changes nothing: the registered version and its history stay.
 */
@ApplicationScoped
public class DatasetRegistry {

    private static final Logger LOG = Logger.getLogger(DatasetRegistry.class);

    /** What a scan found; {@code previousVersion} is null for a first scan. */
    public record Scan(Dataset dataset, DatasetVersion version, String previousVersion) {
        public boolean changed() {
            return previousVersion != null && !previousVersion.equals(version.version);
        }
    }

    /** A folder that is already registered, under {@code id}. */
    public static final class AlreadyRegisteredException extends RuntimeException {
        public final String id;

        AlreadyRegisteredException(String path, String id) {
            super("dataset folder '" + path + "' is already registered as '" + id + "' (rescan it with POST /datasets/"
                    + id + "/scan)");
            this.id = id;
        }
    }

    @Inject
    StorageRoot storage;

    @Inject
    EventPublisher publisher;

    /**
     * Scans the folder, then records it. Why the scan comes first, outside any transaction: hashing every image of
     * a large dataset takes minutes, and a transaction (with its connection and locks) held that long times out and
     * starves the other requests; the recording itself is one short transaction that checks again.
     */
    public Scan register(String path, String name) {
        Path folder = storage.resolve(path);
        String reference = storage.referenceOf(folder);
        QuarkusTransaction.requiringNew().call(() -> Dataset.atPath(reference)).ifPresent(d -> {
            throw new AlreadyRegisteredException(reference, d.id);
        });
        DatasetIndex index = DatasetScanner.scan(folder);
        String given = name == null || name.isBlank() ? folder.getFileName().toString() : name.strip();
        return QuarkusTransaction.requiringNew().call(() -> {
            Dataset.atPath(reference).ifPresent(d -> {
                throw new AlreadyRegisteredException(reference, d.id); // registered meanwhile
            });
            return record(create(reference, given, index), index);
        });
    }

    /** Scans the registered folder again (outside any transaction), then records what it found. */
    public Scan rescan(String id) {
        Dataset found = QuarkusTransaction.requiringNew().call(() -> Dataset.<Dataset>findById(id));
        if (found == null) {
            return null;
        }
        DatasetIndex index = DatasetScanner.scan(storage.resolve(found.path));
        return QuarkusTransaction.requiringNew().call(() -> {
            Dataset dataset = Dataset.findById(id, LockModeType.PESSIMISTIC_WRITE);
            return dataset == null ? null : record(dataset, index);
        });
    }

    /** A study scanned a folder: the registry learns its version (registering it when nobody did). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Scan observe(DatasetIndex index) {
        String reference = storage.referenceOf(index.root());
        Dataset dataset = Dataset.atPath(reference)
                .map(d -> Dataset.<Dataset>findById(d.id, LockModeType.PESSIMISTIC_WRITE))
                .orElseGet(() -> create(reference, index.root().getFileName().toString(), index));
        return record(dataset, index);
    }

    private Dataset create(String reference, String name, DatasetIndex index) {
        Dataset dataset = new Dataset();
        dataset.id = freeId(name);
        dataset.name = name;
        dataset.path = reference;
        dataset.layout = index.layout();
        dataset.registeredAt = Instant.now();
        LOG.infof("dataset %s registered: %s (%s)", dataset.id, reference, index.layout());
        return dataset;
    }

    private Scan record(Dataset dataset, DatasetIndex index) {
        Instant now = Instant.now();
        String previous = dataset.version;
        DatasetVersion version = dataset.version == null ? null
                : DatasetVersion.of(dataset.id, index.contentVersion()).orElse(null);
        if (version == null) {
            version = new DatasetVersion();
            version.datasetId = dataset.id;
            version.version = index.contentVersion();
            version.firstSeenAt = now;
        }
        version.layout = index.layout();
        version.classCount = index.classes().size();
        version.imageCount = index.images().size();
        version.unreadableCount = index.skipped().size();
        version.classCounts = classCounts(index);
        version.unreadable = index.skipped().stream()
                .map(s -> new DatasetVersion.UnreadableFile(s.path(), s.reason())).toList();
        version.lastSeenAt = now;
        dataset.layout = index.layout();
        dataset.version = index.contentVersion();
        dataset.scannedAt = now;
        dataset.persist();
        version.persist();
        Scan scan = new Scan(dataset, version, previous);
        if (scan.changed()) {
            LOG.infof("dataset %s changed: version %s → %s (%d images, %d unreadable)", dataset.id, previous,
                    version.version, version.imageCount, version.unreadableCount);
            publisher.publish(DatasetVersionChanged.of(dataset.id, dataset.path, dataset.layout, previous,
                    version.version, version.classCount, version.imageCount, version.unreadableCount));
        }
        return scan;
    }

    private static List<DatasetVersion.ClassCount> classCounts(DatasetIndex index) {
        int[] counts = index.countsPerClass();
        List<DatasetVersion.ClassCount> list = new ArrayList<>(counts.length);
        for (int c = 0; c < counts.length; c++) {
            list.add(new DatasetVersion.ClassCount(index.classes().get(c), counts[c]));
        }
        return list;
    }

    /** A readable id from the name: lower case letters, digits and dashes, numbered when taken. */
    private static String freeId(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.isEmpty()) {
            slug = "dataset";
        }
        slug = slug.length() > 48 ? slug.substring(0, 48) : slug;
        String id = slug;
        for (int n = 2; Dataset.findById(id) != null; n++) {
            id = slug + "-" + n;
        }
        return id;
    }
}
