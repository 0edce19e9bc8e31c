package io.transferlab.ml.engine;

import java.util.List;

/** What a strategy trains on: its training and validation images (labels 0 … classes−1). */
public record RunParts(List<ImageRef> train, List<ImageRef> val, int classes) {

    public RunParts {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one training image");
        }
        if (val.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one validation image (early stopping uses them)");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("a run needs at least 2 classes, was " + classes);
        }
        train = List.copyOf(train);
        val = List.copyOf(val);
    }
}
