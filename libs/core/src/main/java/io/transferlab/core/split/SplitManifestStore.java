package io.transferlab.core.split;

import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.storage.Checksums;
import io.transferlab.core.storage.StorageRoot;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where manifests live under the storage root, and the checks a reader makes before trusting one. */
public final class SplitManifestStore {

    private final StorageRoot storage;

    public SplitManifestStore(StorageRoot storage) {
        this.storage = storage;
    }

    public static String referenceFor(String studyId, String splitName, long seed) {
        return "manifests/" + studyId + "/" + splitName + "-seed" + seed + ".json";
    }

    /** Writes the manifest (atomically) and returns its sha256. */
    public String write(String reference, SplitManifest manifest) {
        byte[] json = manifest.toJson();
        storage.writeAtomically(reference, json);
        return Checksums.sha256(json);
    }

    /**
     * Loads the manifest an event refers to, refusing references outside the storage root, missing files,
     * checksum mismatches and manifests whose content contradicts the event.
     */
    public SplitManifest load(SplitManifestPublished event) {
        SplitManifest manifest = load(event.manifestRef(), event.manifestSha256());
        if (!manifest.runId().equals(event.runId()) || manifest.train().size() != event.trainSize()
                || manifest.val().size() != event.valSize() || manifest.test().size() != event.testSize()
                || manifest.classes().size() != event.classCount()) {
            throw new IllegalArgumentException("manifest " + event.manifestRef()
                    + " does not match its event (run id, part sizes or class count differ)");
        }
        return manifest;
    }

    /** Loads a manifest by reference, refusing references outside the storage root, missing files and checksum mismatches. */
    public SplitManifest load(String reference, String sha256) {
        Path file = storage.resolve(reference);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("manifest " + reference + " does not exist under " + storage);
        }
        return SplitManifest.fromJson(Checksums.readVerified(file, sha256));
    }

    /** The dataset folder a manifest's image paths are relative to. */
    public Path datasetFolder(SplitManifest manifest) {
        return storage.resolve(manifest.datasetPath());
    }
}
