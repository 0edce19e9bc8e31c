package io.transferlab.ml.engine;

import io.transferlab.ml.train.TrainingHistory;

/**
 * What training one strategy produced (scoring it on the test set is {@link TransferEngine#evaluate}'s job).
 *
 * @param trainSeconds     training time summed over the epochs (those before a resume included)
 * @param augmentationMode "none", "views" (K augmented views cached, one drawn per epoch) or "online"
 * @param tailWeights      the trained part (head, or last block + head) in DJL's parameter format
 */
public record RunOutcome(String strategy, int trainImages, int valImages, TrainingHistory history,
                         double trainSeconds, String augmentationMode, byte[] tailWeights) {
}
