package io.transferlab.evaluator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where the evaluator finds the backbone's weights and the shared feature cache. */
@ConfigMapping(prefix = "transferlab.evaluator")
public interface EvaluatorConfig {

    /** The ImageNet weights cache (default: $TRANSFERLAB_WEIGHTS_DIR or ~/.cache/transferlab/weights). */
    Optional<String> weightsDir();

    /** The feature cache, relative to the storage root, shared with the trainer. */
    @WithDefault("features")
    String featureCache();

    /** Where evaluation reports (per-class figures, confusion matrix) go, relative to the storage root. */
    @WithDefault("evaluations")
    String evaluations();

    @WithDefault("32")
    int inferenceBatch();

    @WithDefault("1s")
    Duration pollInterval();

    @WithDefault("true")
    boolean workerEnabled();
}
