package io.transferlab.trainer.config;

import io.transferlab.core.study.Protocol;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** How the trainer trains: the seed's protocol by default. */
@ConfigMapping(prefix = "transferlab.trainer")
public interface TrainerConfig {

    /** Images are resized to this square size (the seed: 224; tests use a small size for speed). */
    @WithDefault(Protocol.IMAGE_SIZE_TEXT)
    int imageSize();

    @WithDefault(Protocol.FEATURE_EXTRACTION_EPOCHS_TEXT)
    int featureExtractionEpochs();

    @WithDefault(Protocol.FINE_TUNING_EPOCHS_TEXT)
    int fineTuningEpochs();

    /**
     * Fine-tuning epochs for particular training sizes, e.g. {@code large=6,medium=8}: a cap that fits a long study
     * on a CPU (the larger the set, the longer an epoch); sizes not named get {@link #fineTuningEpochs()}.
     */
    Optional<String> fineTuningEpochsBySize();

    /** The fine-tuning epochs of a training size. */
    default int fineTuningEpochs(String size) {
        return EpochCaps.parse(fineTuningEpochsBySize().orElse("")).getOrDefault(size, fineTuningEpochs());
    }

    /** views (K augmented views through the frozen prefix once; CPU) or online (a full forward per step; GPU). */
    @WithDefault(Protocol.AUGMENTATION_MODE)
    String augmentationMode();

    @WithDefault(Protocol.AUGMENTATION_VIEWS_TEXT)
    int augmentationViews();

    @WithDefault("32")
    int inferenceBatch();

    /** The ImageNet weights cache (default: the engine's own: $TRANSFERLAB_WEIGHTS_DIR or ~/.cache/transferlab/weights). */
    Optional<String> weightsDir();

    /** The feature cache, relative to the storage root, shared by every run and by the evaluator. */
    @WithDefault("features")
    String featureCache();

    /** Where checkpoints go, relative to the storage root. */
    @WithDefault("checkpoints")
    String checkpoints();

    /** How often an idle worker looks for queued work. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Whether this instance trains (off for tests that only look at the intake). */
    @WithDefault("true")
    boolean workerEnabled();
}
