package io.transferlab.ml.train;

/** What one epoch did. */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                         double seconds) {
}
