package io.transferlab.core.metrics;

import java.util.List;

/**
 * One figure (a micro-F1, say) measured over several seeds: its mean, standard deviation and the 95 % confidence
 * interval of the mean (Student's t with n − 1 degrees of freedom). One seed gives an interval of zero width
 * (and {@link #seeds()} says so): the spread of one run is what {@link Bootstrap} estimates from its test images.
 */
public record SeedSummary(int seeds, double mean, double sd, double low, double high) {

    /** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom; beyond, the normal 1.96. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
            2.056, 2.052, 2.048, 2.045, 2.042};

    public SeedSummary {
        if (seeds < 1) {
            throw new IllegalArgumentException("a summary needs at least one seed, got " + seeds);
        }
    }

    public static SeedSummary of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to summarise");
        }
        int n = values.size();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("values must be finite numbers, got " + values);
        }
        if (n == 1) {
            return new SeedSummary(1, mean, 0, mean, mean);
        }
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        double sd = Math.sqrt(ss / (n - 1));
        double half = tQuantile975(n - 1) * sd / Math.sqrt(n);
        return new SeedSummary(n, mean, sd, mean - half, mean + half);
    }

    /** The standard error of the mean (0 for one seed). */
    public double standardError() {
        return seeds < 2 ? 0 : sd / Math.sqrt(seeds);
    }

    static double tQuantile975(int degreesOfFreedom) {
        return degreesOfFreedom <= T975.length ? T975[degreesOfFreedom - 1] : 1.96;
    }
}
