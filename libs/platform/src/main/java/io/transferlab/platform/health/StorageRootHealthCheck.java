package io.transferlab.platform.health;

import io.transferlab.core.storage.StorageRoot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.nio.file.Files;

/** Ready only when the shared storage root can be read and written. */
@Readiness
@ApplicationScoped
public class StorageRootHealthCheck implements HealthCheck {

    @Inject
    StorageRoot storage;

    @Override
    public HealthCheckResponse call() {
        boolean usable = Files.isDirectory(storage.path()) && Files.isWritable(storage.path());
        return HealthCheckResponse.named("storage-root")
                .status(usable)
                .withData("path", storage.path().toString())
                .build();
    }
}
