package io.transferlab.platform.storage;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;

/** Where the storage root shared by the services lies (a directory locally, a volume on Kubernetes). */
@ConfigMapping(prefix = "transferlab.storage")
public interface StorageConfig {

    Path root();
}
