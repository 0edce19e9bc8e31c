package io.transferlab.trainer.engine;

import io.transferlab.core.storage.StorageRoot;
import io.transferlab.ml.engine.TransferEngine;
import io.transferlab.trainer.config.TrainerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Path;

/**
 * The one engine of this trainer's device: the frozen ImageNet backbone, loaded when the first run needs it, and
 * the feature cache on the storage root that every run (and the evaluator) shares. Only the worker thread uses it.
 */
@ApplicationScoped
public class EngineProvider {

    @Inject
    TrainerConfig config;

    @Inject
    StorageRoot storage;

    private TransferEngine engine;

    public synchronized TransferEngine engine() {
        if (engine == null) {
            engine = TransferEngine.open(config.weightsDir().map(Path::of), storage.resolve(config.featureCache()),
                    config.inferenceBatch(), config.imageSize());
        }
        return engine;
    }

    @PreDestroy
    synchronized void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
