package io.transferlab.ml.train;

/** Told after every epoch: progress bars, TrainingProgress events, epoch checkpoints. */
@FunctionalInterface
public interface EpochListener {

    void onEpoch(EpochStats stats, int maxEpochs);

    /**
     * An epoch of a short trial before the run itself (a learning rate tried on validation): shown as progress,
     * never recorded as an epoch of the run. {@code trial} names it, e.g. "lr 3e-05".
     */
    default void onTrialEpoch(String trial, EpochStats stats, int maxEpochs) {
    }

    EpochListener NONE = (stats, max) -> {
    };
}
