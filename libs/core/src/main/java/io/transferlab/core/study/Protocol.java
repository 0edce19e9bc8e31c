package io.transferlab.core.study;

/**
 * The seed's training protocol, defined once: every default the engine, the trainer-service's settings and the
 * CLI's options use. The {@code *_TEXT} forms are compile-time constants for annotations
 * ({@code @WithDefault}, picocli's {@code defaultValue}).
 */
public final class Protocol {

    /** Feature extraction: at most 30 epochs of Adam 1e-4. */
    public static final int FEATURE_EXTRACTION_EPOCHS = 30;
    public static final String FEATURE_EXTRACTION_EPOCHS_TEXT = "" + FEATURE_EXTRACTION_EPOCHS;
    public static final float FEATURE_EXTRACTION_LEARNING_RATE = 1e-4f;

    /** Fine-tuning: at most 50 epochs of Adam 1e-5, starting from feature extraction's head. */
    public static final int FINE_TUNING_EPOCHS = 50;
    public static final String FINE_TUNING_EPOCHS_TEXT = "" + FINE_TUNING_EPOCHS;
    public static final float FINE_TUNING_LEARNING_RATE = 1e-5f;

    public static final int BATCH_SIZE = 16;
    /** Early stopping: epochs without a better validation loss before training stops (best weights kept). */
    public static final int PATIENCE = 10;

    /** Augmentation on a CPU: K augmented views per training image through the frozen prefix once. */
    public static final String AUGMENTATION_MODE = "views";
    public static final int AUGMENTATION_VIEWS = 5;
    public static final String AUGMENTATION_VIEWS_TEXT = "" + AUGMENTATION_VIEWS;

    /** Images are resized to 224×224. */
    public static final int IMAGE_SIZE = 224;
    public static final String IMAGE_SIZE_TEXT = "" + IMAGE_SIZE;

    private Protocol() {
    }

    public static int maxEpochs(Strategy strategy) {
        return strategy.fineTuning() ? FINE_TUNING_EPOCHS : FEATURE_EXTRACTION_EPOCHS;
    }
}
