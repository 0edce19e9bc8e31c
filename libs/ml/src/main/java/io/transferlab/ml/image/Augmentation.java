package io.transferlab.ml.image;

import java.util.SplittableRandom;

/**
 * The seed's augmentation: a random crop keeping at least {@code minCropSide} of each side (then resized back),
 * random horizontal and vertical flips, and a random brightness delta of up to ±{@code brightnessDelta} of the
 * [0, 1] range. One {@link View} is one draw of these.
 */
public record Augmentation(double minCropSide, boolean horizontalFlip, boolean verticalFlip, double brightnessDelta) {

    public static final Augmentation SEED = new Augmentation(0.9, true, true, 0.2);

    /** One concrete augmented view: crop window as fractions of the image, flips, brightness delta in [0, 1] units. */
    public record View(double x, double y, double width, double height, boolean flipH, boolean flipV, double brightness) {
        public static final View IDENTITY = new View(0, 0, 1, 1, false, false, 0);
    }

    public View draw(SplittableRandom random) {
        double w = minCropSide + random.nextDouble() * (1 - minCropSide);
        double h = minCropSide + random.nextDouble() * (1 - minCropSide);
        return new View(random.nextDouble() * (1 - w), random.nextDouble() * (1 - h), w, h,
                horizontalFlip && random.nextBoolean(), verticalFlip && random.nextBoolean(),
                (random.nextDouble() * 2 - 1) * brightnessDelta);
    }
}
