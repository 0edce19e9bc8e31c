package io.transferlab.core.split;

/**
 * One training-set size of a preset, in one of three forms:
 * <ul>
 *   <li>{@link Kind#FRACTIONS}: train and test are fractions of each class (rounded to the nearest image),
 *       validation gets the rest — the seed's Large / Medium / Small;</li>
 *   <li>{@link Kind#PER_CLASS}: {@code perClass} training images per class, after a test part of
 *       {@code testFraction} and a validation part of {@code valFraction} of each class (at least one each) —
 *       learning curves; the same seed gives nested training sets; {@link #ALL} takes every image left;</li>
 *   <li>{@link Kind#OFFICIAL}: the dataset's own split (Oxford-102's setid.mat).</li>
 * </ul>
 */
public record TrainingSize(String name, Kind kind, double trainFraction, double testFraction, double valFraction,
                           int perClass) {

    public enum Kind { FRACTIONS, PER_CLASS, OFFICIAL }

    /** {@code perClass} for "every image of the class that is not test or validation" (a learning curve's end). */
    public static final int ALL = Integer.MAX_VALUE;

    public TrainingSize {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a training size needs a name");
        }
        if (kind == Kind.FRACTIONS && (trainFraction <= 0 || testFraction <= 0 || trainFraction + testFraction >= 1)) {
            throw new IllegalArgumentException("size '" + name + "': train " + trainFraction + " and test "
                    + testFraction + " must be positive and leave room for validation");
        }
        if (kind == Kind.PER_CLASS && (perClass < 1 || testFraction <= 0 || valFraction <= 0)) {
            throw new IllegalArgumentException("size '" + name + "' needs at least one training image per class");
        }
    }

    public static TrainingSize fractions(String name, double train, double test) {
        return new TrainingSize(name, Kind.FRACTIONS, train, test, 1 - train - test, 0);
    }

    public static TrainingSize perClass(String name, int k, double test, double val) {
        return new TrainingSize(name, Kind.PER_CLASS, 0, test, val, k);
    }

    /** Every image of each class after the test and validation parts: the end of a learning curve. */
    public static TrainingSize allPerClass(String name, double test, double val) {
        return new TrainingSize(name, Kind.PER_CLASS, 0, test, val, ALL);
    }

    public static TrainingSize official() {
        return new TrainingSize("official", Kind.OFFICIAL, 0, 0, 0, 0);
    }
}
