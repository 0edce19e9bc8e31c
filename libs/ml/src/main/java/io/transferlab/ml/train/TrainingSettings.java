package io.transferlab.ml.train;

/**
 * The seed's optimisation protocol: Adam (Keras' epsilon 1e-7), sparse categorical cross-entropy, early stopping
 * on the validation loss with the given patience, keeping the weights of the best validation loss.
 */
public record TrainingSettings(float learningRate, int batchSize, int maxEpochs, int patience, long seed) {

    /** Feature extraction: Adam 1e-4, batch 16, at most 30 epochs, patience 10. */
    public static TrainingSettings featureExtraction(long seed) {
        return new TrainingSettings(1e-4f, 16, 30, 10, seed);
    }

    /** Fine-tuning: Adam 1e-5, batch 16, at most 50 epochs, patience 10. */
    public static TrainingSettings fineTuning(long seed) {
        return new TrainingSettings(1e-5f, 16, 50, 10, seed);
    }

    public TrainingSettings withMaxEpochs(int epochs) {
        return new TrainingSettings(learningRate, batchSize, epochs, patience, seed);
    }
}
