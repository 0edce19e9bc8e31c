package io.transferlab.platform.storage;

import io.transferlab.core.storage.StorageRoot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Makes the configured storage root injectable, creating the folder when it is missing. */
public class StorageRootProducer {

    @Produces
    @ApplicationScoped
    StorageRoot storageRoot(StorageConfig config) {
        try {
            Files.createDirectories(config.root());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the storage root " + config.root(), e);
        }
        return new StorageRoot(config.root(), config.linkedRoots().orElse(java.util.List.of()));
    }
}
