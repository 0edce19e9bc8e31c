package io.transferlab.core.split;

/**
 * One training-set size of a preset, as fractions of each class: train and test are taken per class (rounded
 * to the nearest image), validation gets the rest.
 */
public record TrainingSize(String name, double trainFraction, double testFraction) {

    public TrainingSize {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a training size needs a name");
        }
        if (trainFraction <= 0 || testFraction <= 0 || trainFraction + testFraction >= 1) {
            throw new IllegalArgumentException("size '" + name + "': train " + trainFraction + " and test "
                    + testFraction + " must be positive and leave room for validation");
        }
    }

    public double valFraction() {
        return 1 - trainFraction - testFraction;
    }
}
