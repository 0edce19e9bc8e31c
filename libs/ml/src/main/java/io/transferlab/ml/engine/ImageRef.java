package io.transferlab.ml.engine;

import io.transferlab.core.dataset.LabeledImage;
import io.transferlab.core.storage.Checksums;

import java.nio.file.Path;
import java.util.List;

/** An image the engine works on: its file, the SHA-256 of its bytes (the cache key) and its label. */
public record ImageRef(Path file, String contentHash, int label) {

    /**
     * Resolves and hashes images of a dataset folder, in parallel. A path that leaves the folder, by its text or
     * through a link, is refused ({@link io.transferlab.core.storage.OutsideStorageRootException}, naming it).
     */
    public static List<ImageRef> of(Path datasetRoot, List<LabeledImage> images) {
        return images.parallelStream()
                .map(image -> {
                    Path file = io.transferlab.core.storage.StorageRoot.within(datasetRoot, image.path());
                    return new ImageRef(file, Checksums.sha256(file), image.label());
                })
                .toList();
    }
}
