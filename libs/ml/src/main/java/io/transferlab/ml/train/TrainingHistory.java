package io.transferlab.ml.train;

import java.util.List;

/**
 * Every epoch of a run, and which epoch's weights were kept: the one with the lowest validation loss
 * (Keras EarlyStopping with restore_best_weights=True).
 */
public record TrainingHistory(List<EpochStats> epochs, int bestEpoch, double bestValLoss, boolean stoppedEarly,
                              String keptWeights) {

    public static final String KEPT_BEST_VALIDATION_LOSS = "best-validation-loss";
}
