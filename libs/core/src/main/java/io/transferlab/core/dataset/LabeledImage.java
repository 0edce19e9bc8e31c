package io.transferlab.core.dataset;

/**
 * One image of a dataset.
 *
 * @param path  relative to the dataset folder, '/' separated
 * @param label the class index into {@link DatasetIndex#classes()}
 */
public record LabeledImage(String path, int label) {
}
