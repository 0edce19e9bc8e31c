package io.transferlab.core.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The 95 % percentile bootstrap interval of one run's micro-F1 over its test images: the test set is resampled
 * with replacement and scored again, {@value #REPLICATES} times. Why: a single run's F1 on 400 test images is
 * uncertain by a point or more, and a reader comparing two single runs needs to see that. For single-label data
 * micro-F1 is the share of images predicted right, so a replicate is a count of hits.
 */
public final class Bootstrap {

    public static final int REPLICATES = 1000;

    /** The interval and the figure it is about. */
    public record Interval(double value, double low, double high, int replicates) {
    }

    private Bootstrap() {
    }

    /** @param seed makes the interval reproducible */
    public static Interval microF1(int[] truth, int[] predicted, long seed) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " true labels but " + predicted.length + " predictions");
        }
        if (truth.length == 0) {
            throw new IllegalArgumentException("no test images to resample");
        }
        int n = truth.length;
        boolean[] hit = new boolean[n];
        int hits = 0;
        for (int i = 0; i < n; i++) {
            hit[i] = truth[i] == predicted[i];
            hits += hit[i] ? 1 : 0;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] replicates = new double[REPLICATES];
        for (int r = 0; r < REPLICATES; r++) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                count += hit[random.nextInt(n)] ? 1 : 0;
            }
            replicates[r] = count / (double) n;
        }
        Arrays.sort(replicates);
        return new Interval(hits / (double) n, quantile(replicates, 0.025), quantile(replicates, 0.975), REPLICATES);
    }

    /** The same interval from the count of test images predicted right out of {@code n}. */
    public static Interval microF1(int hits, int n, long seed) {
        if (n <= 0 || hits < 0 || hits > n) {
            throw new IllegalArgumentException(hits + " hits out of " + n + " test images is not a score");
        }
        int[] truth = new int[n];
        int[] predicted = new int[n];
        for (int i = hits; i < n; i++) {
            predicted[i] = 1;
        }
        return microF1(truth, predicted, seed);
    }

    /** The q-quantile of sorted values (linear interpolation between order statistics). */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
