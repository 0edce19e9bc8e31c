package io.transferlab.ml.train;

/** Told after every epoch: progress bars, TrainingProgress events, epoch checkpoints. */
@FunctionalInterface
public interface EpochListener {

    void onEpoch(EpochStats stats, int maxEpochs);

    EpochListener NONE = (stats, max) -> {
    };
}
