package io.transferlab.dataset.service;

import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanException;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.StudyRequested;
import io.transferlab.core.events.TransferLabEvent;
import io.transferlab.core.split.DatasetSplit;
import io.transferlab.core.split.SplitManifest;
import io.transferlab.core.split.SplitManifestStore;
import io.transferlab.core.split.StratifiedSplitter;
import io.transferlab.core.split.StudyPreset;
import io.transferlab.core.split.TrainingSize;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.dataset.repository.SplitFailure;
import io.transferlab.dataset.repository.SplitSet;
import io.transferlab.platform.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns a study request into training sets: scans the dataset, splits it for every size and seed, writes the
 * manifests under the storage root and publishes one SplitManifestPublished per training set. A request that
 * cannot be split (unknown path, empty class, too few images…) yields one RunFailed naming the problem.
 */
@ApplicationScoped
public class SplitService {

    private static final Logger LOG = Logger.getLogger(SplitService.class);
    public static final String SERVICE = "dataset-service";

    @Inject
    StorageRoot storage;

    @Inject
    EventPublisher publisher;

    @Inject
    DatasetRegistry registry;

    /** A request's dataset as scanned before its transaction: the index, or why it cannot be used. */
    public record Scanned(DatasetIndex index, String failure) {
    }

    /**
     * Scans the dataset a request names, outside any transaction. Why apart: hashing every image of a large
     * dataset takes minutes, and the inbox's transaction (its connection, the rows it locks) must not be held that
     * long; the split itself, in the transaction, then only reads the index.
     */
    public Scanned scan(StudyRequested request) {
        try {
            return new Scanned(DatasetScanner.scan(storage.resolve(request.datasetPath())), null);
        } catch (DatasetScanException | IllegalArgumentException e) {
            return new Scanned(null, e.getMessage());
        }
    }

    /** Splits a request whose dataset was {@link #scan scanned} beforehand, from that scan. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<SplitSet> split(StudyRequested request, Scanned scanned) {
        List<SplitSet> sets = new ArrayList<>();
        List<TransferLabEvent> events = new ArrayList<>();
        try {
            StudyPreset preset = StudyPreset.named(request.preset());
            if (scanned.failure() != null) {
                throw new DatasetScanException(scanned.failure());
            }
            DatasetIndex index = scanned.index();
            registry.observe(index);
            if (request.classLimit() != null) {
                index = index.firstClasses(request.classLimit());
            }
            String datasetId = storage.referenceOf(index.root());
            SplitManifestStore manifests = new SplitManifestStore(storage);
            for (String sizeName : request.sizes()) {
                TrainingSize size = preset.size(sizeName);
                for (long seed : request.seeds()) {
                    DatasetSplit split = StratifiedSplitter.split(index, size, seed);
                    String runId = runId(request.studyId(), sizeName, seed);
                    SplitManifest manifest = new SplitManifest(SplitManifest.SCHEMA_VERSION, request.studyId(), runId,
                            datasetId, datasetId, index.layout(), index.contentVersion(), preset.name(), sizeName, seed,
                            index.classes(), split.train(), split.val(), split.test(), index.skipped());
                    String reference = SplitManifestStore.referenceFor(request.studyId(), sizeName, seed);
                    String sha256 = manifests.write(reference, manifest);
                    SplitSet set = record(request, index, datasetId, preset, sizeName, seed, runId, split, reference, sha256);
                    sets.add(set);
                    events.add(new SplitManifestPublished(TransferLabEvent.SCHEMA_VERSION, UUID.randomUUID().toString(),
                            request.studyId(), runId, Instant.now(), datasetId, index.contentVersion(), sizeName, seed,
                            set.trainSize, set.valSize, set.testSize, index.classes().size(), reference, sha256,
                            index.skipped().size(), request.strategies(), request.backbone()));
                }
            }
            LOG.infof("study %s: %d training set(s) of %s (version %s, %d classes, %d images, %d skipped)",
                    request.studyId(), sets.size(), datasetId, index.contentVersion(), index.classes().size(),
                    index.images().size(), index.skipped().size());
        } catch (DatasetScanException | IllegalArgumentException e) {
            // no training set of this study is kept: the user fixes the data or the request and asks again
            fail(request, e.getMessage());
            return List.of();
        }
        sets.forEach(set -> set.persist());
        events.forEach(publisher::publish);
        return sets;
    }

    private void fail(StudyRequested request, String reason) {
        LOG.warnf("study %s cannot be split: %s", request.studyId(), reason);
        SplitFailure failure = new SplitFailure();
        failure.studyId = request.studyId();
        failure.reason = reason;
        failure.failedAt = Instant.now();
        failure.persist();
        publisher.publish(RunFailed.of(request.studyId(), null, SERVICE, "split", reason));
    }

    /** The same study, size and seed always name the same run. */
    static String runId(String studyId, String sizeName, long seed) {
        return UUID.nameUUIDFromBytes((studyId + "/" + sizeName + "/" + seed).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static SplitSet record(StudyRequested request, DatasetIndex index, String datasetId, StudyPreset preset,
                                   String sizeName, long seed, String runId, DatasetSplit split, String reference,
                                   String sha256) {
        SplitSet set = new SplitSet();
        set.runId = runId;
        set.studyId = request.studyId();
        set.datasetId = datasetId;
        set.datasetVersion = index.contentVersion();
        set.datasetLayout = index.layout();
        set.preset = preset.name();
        set.splitName = sizeName;
        set.seed = seed;
        set.classCount = index.classes().size();
        set.trainSize = split.train().size();
        set.valSize = split.val().size();
        set.testSize = split.test().size();
        set.skippedFiles = index.skipped().size();
        set.manifestRef = reference;
        set.manifestSha256 = sha256;
        set.createdAt = Instant.now();
        return set;
    }
}
