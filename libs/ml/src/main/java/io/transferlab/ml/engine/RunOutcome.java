package io.transferlab.ml.engine;

import io.transferlab.core.metrics.ClassificationMetrics;
import io.transferlab.ml.train.TrainingHistory;

/**
 * What one strategy run produced.
 *
 * @param trainSeconds     training time summed over the epochs (those before a resume included)
 * @param augmentationMode "none", "views" (K augmented views cached, one drawn per epoch) or "online"
 * @param tailWeights      the trained part (head, or last block + head) in DJL's parameter format
 */
public record RunOutcome(String strategy, int trainImages, int valImages, int testImages, ClassificationMetrics metrics,
                         TrainingHistory history, double trainSeconds, String augmentationMode, byte[] tailWeights) {
}
