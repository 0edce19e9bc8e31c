package io.transferlab.ml.train;

import io.transferlab.core.study.Protocol;
import io.transferlab.core.study.Strategy;

/**
 * The seed's optimisation protocol ({@link Protocol}): Adam (Keras' epsilon 1e-7), sparse categorical
 * cross-entropy, early stopping on the validation loss with the given patience, keeping the weights of the best
 * validation loss.
 */
public record TrainingSettings(float learningRate, int batchSize, int maxEpochs, int patience, long seed) {

    public TrainingSettings {
        if (maxEpochs < 1) {
            throw new IllegalArgumentException("at least one epoch is needed, was " + maxEpochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, was " + batchSize);
        }
    }

    /** The protocol's settings for a strategy. */
    public static TrainingSettings of(Strategy strategy, long seed) {
        return strategy.fineTuning() ? fineTuning(seed) : featureExtraction(seed);
    }

    /** Feature extraction: Adam 1e-4, batch 16, at most 30 epochs, patience 10. */
    public static TrainingSettings featureExtraction(long seed) {
        return new TrainingSettings(Protocol.FEATURE_EXTRACTION_LEARNING_RATE, Protocol.BATCH_SIZE,
                Protocol.FEATURE_EXTRACTION_EPOCHS, Protocol.PATIENCE, seed);
    }

    /** Fine-tuning: Adam 1e-5, batch 16, at most 50 epochs, patience 10. */
    public static TrainingSettings fineTuning(long seed) {
        return new TrainingSettings(Protocol.FINE_TUNING_LEARNING_RATE, Protocol.BATCH_SIZE,
                Protocol.FINE_TUNING_EPOCHS, Protocol.PATIENCE, seed);
    }

    public TrainingSettings withLearningRate(float rate) {
        return new TrainingSettings(rate, batchSize, maxEpochs, patience, seed);
    }

    public TrainingSettings withMaxEpochs(int epochs) {
        return new TrainingSettings(learningRate, batchSize, epochs, patience, seed);
    }
}
