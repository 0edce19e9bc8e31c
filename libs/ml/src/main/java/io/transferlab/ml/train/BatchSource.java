package io.transferlab.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Inputs of the trainable part of the network for a set of images, with their labels. */
public interface BatchSource {

    int size();

    int label(int index);

    /**
     * The inputs for these images (rows in the given order), created in {@code manager}.
     *
     * @param epoch the epoch asking, so augmented sources can draw a different view each epoch
     */
    NDArray inputs(NDManager manager, int[] indices, int epoch);

    /**
     * The same inputs as {@link #inputs}, row after row, into {@code into} (for the dense head's CPU kernel, which
     * trains from Java arrays). Sources that hold their inputs in memory copy the rows straight from there.
     */
    default void copyInputs(NDManager manager, int[] indices, int epoch, float[] into) {
        float[] rows = inputs(manager, indices, epoch).toFloatArray();
        System.arraycopy(rows, 0, into, 0, rows.length);
    }
}
