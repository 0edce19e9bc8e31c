package io.transferlab.trainer.health;

import io.transferlab.trainer.config.TrainerConfig;
import io.transferlab.trainer.engine.EngineProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Which device the trainer trains on (a CUDA GPU when DJL finds one, else the CPU): ready once the engine is
 * loaded, not ready while it loads or when it could not be loaded (the reason is in the data).
 */
@Readiness
@ApplicationScoped
public class ComputeDeviceHealthCheck implements HealthCheck {

    @Inject
    EngineProvider engines;

    @Inject
    TrainerConfig config;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("compute-device");
        if (!config.workerEnabled()) {
            return response.up().withData("device", "none: the worker is disabled").build();
        }
        String device = engines.device();
        if (device != null) {
            return response.up().withData("device", device).build();
        }
        RuntimeException failure = engines.loadFailure();
        return response.down()
                .withData("device", failure == null ? "loading the engine" : "the engine could not be loaded")
                .withData("error", failure == null ? "" : String.valueOf(failure.getMessage()))
                .build();
    }
}
