package io.transferlab.platform.storage;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where the storage root shared by the services lies (a directory locally, a volume on Kubernetes). */
@ConfigMapping(prefix = "transferlab.storage")
public interface StorageConfig {

    Path root();

    /**
     * Folders outside the root that links inside it may lead into (a dataset kept elsewhere and linked in, as
     * {@code deploy/local/run.sh} does: TRANSFERLAB_STORAGE_LINKED_ROOTS); none by default, so every link that
     * leads out of the root is refused.
     */
    Optional<List<Path>> linkedRoots();
}
