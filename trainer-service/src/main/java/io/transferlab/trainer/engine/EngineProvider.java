package io.transferlab.trainer.engine;

import io.transferlab.core.storage.StorageRoot;
import io.transferlab.ml.ComputeDevice;
import io.transferlab.ml.engine.TransferEngine;
import io.transferlab.trainer.config.TrainerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;

/**
 * The one engine of this trainer's device: the frozen ImageNet backbone, loaded at start (in the background) or when
 * the first run needs it, and the feature cache on the storage root that every run (and the evaluator) shares. Only
 * the worker thread trains with it. The device it runs on (a CUDA GPU when DJL finds one, else the CPU) is logged,
 * shown by the compute-device readiness check and recorded with every job.
 */
@ApplicationScoped
public class EngineProvider {

    private static final Logger LOG = Logger.getLogger(EngineProvider.class);

    @Inject
    TrainerConfig config;

    @Inject
    StorageRoot storage;

    private TransferEngine engine;
    private volatile String device;
    private volatile RuntimeException loadFailure;

    public synchronized TransferEngine engine() {
        if (engine == null) {
            try {
                engine = TransferEngine.open(config.weightsDir().map(Path::of), storage.resolve(config.featureCache()),
                        config.inferenceBatch(), config.imageSize());
            } catch (RuntimeException e) {
                loadFailure = e;
                throw e;
            }
            loadFailure = null;
            device = ComputeDevice.describe();
            LOG.infof("engine loaded: ResNet50 on %s", device);
        }
        return engine;
    }

    /** Loads the engine on a thread of its own, so the device is known before the first job arrives. */
    public void preload() {
        Thread loader = new Thread(() -> {
            try {
                engine();
            } catch (RuntimeException e) {
                LOG.errorf(e, "the engine could not be loaded");
            }
        }, "engine-preload");
        loader.setDaemon(true);
        loader.start();
    }

    /** The engine and device, e.g. "PyTorch 2.7.1 on cpu()"; null until the engine is loaded. */
    public String device() {
        return device;
    }

    /** Why the engine could not be loaded, if its last load failed. */
    public RuntimeException loadFailure() {
        return loadFailure;
    }

    @PreDestroy
    synchronized void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
