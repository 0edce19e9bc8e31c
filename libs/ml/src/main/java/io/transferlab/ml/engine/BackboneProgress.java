package io.transferlab.ml.engine;

/** Told after each batch pushed through the frozen backbone. */
@FunctionalInterface
public interface BackboneProgress {

    void onBatch(int done, int total);

    BackboneProgress NONE = (done, total) -> {
    };
}
