package io.transferlab.core.split;

import io.transferlab.core.dataset.LabeledImage;

import java.util.List;

/** The three disjoint parts of one training set. */
public record DatasetSplit(List<LabeledImage> train, List<LabeledImage> val, List<LabeledImage> test) {

    public DatasetSplit {
        train = List.copyOf(train);
        val = List.copyOf(val);
        test = List.copyOf(test);
    }
}
