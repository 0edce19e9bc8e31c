package io.transferlab.core.split;

import io.transferlab.core.dataset.LabeledImage;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.TransferLabEvent;
import io.transferlab.core.storage.StorageRoot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Writes a real manifest under a storage root and returns the event that announces it. */
public final class TestManifests {

    private TestManifests() {
    }

    public static SplitManifestPublished publish(StorageRoot storage, String studyId, String splitName) {
        String runId = UUID.randomUUID().toString();
        List<String> classes = List.of("class0", "class1");
        List<LabeledImage> train = new ArrayList<>();
        List<LabeledImage> val = new ArrayList<>();
        List<LabeledImage> test = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            for (int i = 0; i < 4; i++) {
                train.add(new LabeledImage("class" + c + "/train" + i + ".jpg", c));
            }
            val.add(new LabeledImage("class" + c + "/val.jpg", c));
            test.add(new LabeledImage("class" + c + "/test.jpg", c));
        }
        SplitManifest manifest = new SplitManifest(SplitManifest.SCHEMA_VERSION, studyId, runId, "datasets/test",
                "datasets/test", "image-folder", "v1", "seed-2020", splitName, 7, classes, train, val, test, List.of());
        String reference = SplitManifestStore.referenceFor(studyId, splitName, 7);
        String sha256 = new SplitManifestStore(storage).write(reference, manifest);
        return new SplitManifestPublished(TransferLabEvent.SCHEMA_VERSION, UUID.randomUUID().toString(), studyId, runId,
                Instant.now(), "datasets/test", "v1", splitName, 7, train.size(), val.size(), test.size(), classes.size(),
                reference, sha256, 0, List.of("ft", "fe"), "resnet50");
    }

    /** The same event with other values for the manifest reference and checksum. */
    public static SplitManifestPublished withManifest(SplitManifestPublished e, String reference, String sha256) {
        return new SplitManifestPublished(e.schemaVersion(), UUID.randomUUID().toString(), e.studyId(), e.runId(),
                e.occurredAt(), e.datasetId(), e.datasetVersion(), e.splitName(), e.seed(), e.trainSize(), e.valSize(),
                e.testSize(), e.classCount(), reference, sha256, e.skippedFiles(), e.strategies(), e.backbone());
    }
}
