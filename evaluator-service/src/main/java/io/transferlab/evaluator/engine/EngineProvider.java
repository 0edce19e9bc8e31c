package io.transferlab.evaluator.engine;

import io.transferlab.core.storage.StorageRoot;
import io.transferlab.evaluator.config.EvaluatorConfig;
import io.transferlab.ml.engine.TransferEngine;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Path;

/**
 * The frozen backbone the checkpoints are scored with, at the input size a checkpoint was trained at; the feature
 * cache on the storage root is the trainer's, so test images the trainer saw are not pushed through it again.
 */
@ApplicationScoped
public class EngineProvider {

    @Inject
    EvaluatorConfig config;

    @Inject
    StorageRoot storage;

    private TransferEngine engine;

    public synchronized TransferEngine engine(int imageSize) {
        if (engine != null && engine.imageSize() != imageSize) {
            engine.close();
            engine = null;
        }
        if (engine == null) {
            engine = TransferEngine.open(config.weightsDir().map(Path::of), storage.resolve(config.featureCache()),
                    config.inferenceBatch(), imageSize);
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
