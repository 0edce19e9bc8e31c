package io.transferlab.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A saturating learning curve fitted to micro-F1 against training images per class: the inverse power law
 * F1(n) = a − b·n^(−c) (a: the plateau, b ≥ 0: how far below it one image per class is, c &gt; 0: how fast it
 * closes), the standard model of the learning-curve literature. From it, {@link #imagesFor(double)} answers "how
 * many images per class for micro-F1 X", with a 95 % interval.
 *
 * <p>How: for a fixed c the model is linear in a and b, so those come from weighted least squares in closed form;
 * c is found by a search over log c (a grid, then golden-section refinement). Each point is weighted by
 * 1/SE², SE being the standard error of its seeds' mean (with a floor of {@value #SE_FLOOR}, so a single seed or
 * identical seeds do not get infinite weight). Intervals come from a parametric bootstrap: every point's mean is
 * redrawn from N(mean, SE²), the curve refitted, and the answer recomputed, {@value #REPLICATES} times.
 *
 * <p>Degenerate inputs: fewer than three distinct sizes cannot fix three parameters and are refused; a curve that
 * does not rise (b = 0) is flat, and every target at or below it is reached at the smallest size measured.
 */
public final class LearningCurveFit {

    /** The smallest standard error a point is given, in F1 units (a fifth of a point). */
    public static final double SE_FLOOR = 0.002;
    public static final int REPLICATES = 400;
    /** The range searched for c. */
    static final double C_MIN = 0.01;
    static final double C_MAX = 5;

    /** One measured size: n training images per class, the seeds' mean F1 and its standard error. */
    public record Point(double imagesPerClass, double meanF1, double standardError) {
        public Point {
            if (!(imagesPerClass > 0) || !Double.isFinite(imagesPerClass)) {
                throw new IllegalArgumentException("images per class must be a positive number, got " + imagesPerClass);
            }
            if (!Double.isFinite(meanF1) || meanF1 < 0 || meanF1 > 1) {
                throw new IllegalArgumentException("F1 must be in [0, 1], got " + meanF1);
            }
            if (!Double.isFinite(standardError) || standardError < 0) {
                throw new IllegalArgumentException("the standard error must be a non-negative number, got " + standardError);
            }
        }

        public static Point of(double imagesPerClass, SeedSummary seeds) {
            return new Point(imagesPerClass, seeds.mean(), seeds.standardError());
        }
    }

    /** The fitted parameters and how well they fit (R² and RMSE of the means, weighted R²). */
    public record Curve(double a, double b, double c, double rSquared, double rmse) {

        public double f1(double imagesPerClass) {
            return a - b * Math.pow(imagesPerClass, -c);
        }

        /** n with f1(n) = target, +∞ when the target is at or above the plateau, the curve's smallest n if flat. */
        double imagesFor(double target) {
            if (target >= a) {
                return Double.POSITIVE_INFINITY;
            }
            if (b <= 0) {
                return 0;
            }
            return Math.pow(b / (a - target), 1 / c);
        }
    }

    /** How an answer relates to what was measured. */
    public enum Flag {
        /** N lies within the measured sizes. */
        INTERPOLATED,
        /** The target is reached at or below the smallest size measured. */
        REACHED_AT_SMALLEST,
        /** N lies beyond the largest size measured: the curve is extrapolated. */
        EXTRAPOLATED,
        /** The target is at or above the fitted plateau: no amount of data reaches it by this curve. */
        ABOVE_PLATEAU
    }

    /**
     * The answer for one target F1: about {@code imagesPerClass} images per class (95 % interval [low, high],
     * high may be +∞), how it relates to the measured range, and the share of bootstrap replicates whose plateau
     * lay below the target.
     */
    public record Estimate(double targetF1, double imagesPerClass, double low, double high, Flag flag,
                           double unreachableShare) {

        /** The answer in one sentence (the CLI's report and the report page both show it). */
        public String sentence(String strategy) {
            return switch (flag) {
                case ABOVE_PLATEAU -> String.format(java.util.Locale.ROOT, "%s does not reach micro-F1 %.3f by its"
                        + " fitted curve (the target is at or above its plateau).", strategy, targetF1);
                case REACHED_AT_SMALLEST -> String.format(java.util.Locale.ROOT, "%s reaches micro-F1 %.3f already at"
                        + " the smallest size measured (%.1f images per class).", strategy, targetF1, imagesPerClass);
                default -> String.format(java.util.Locale.ROOT, "To reach micro-F1 %.3f with %s you need about %.0f"
                                + " images per class (95 %% interval %.0f – %s)%s.", targetF1, strategy, imagesPerClass,
                        low, Double.isInfinite(high) ? "∞" : String.format(java.util.Locale.ROOT, "%.0f", high),
                        flag == Flag.EXTRAPOLATED ? ", extrapolated beyond the sizes measured" : "");
            };
        }
    }

    private final List<Point> points;
    private final Curve curve;
    private final List<Curve> replicates;
    private final double smallest;
    private final double largest;

    private LearningCurveFit(List<Point> points, Curve curve, List<Curve> replicates) {
        this.points = points;
        this.curve = curve;
        this.replicates = replicates;
        this.smallest = points.stream().mapToDouble(Point::imagesPerClass).min().orElseThrow();
        this.largest = points.stream().mapToDouble(Point::imagesPerClass).max().orElseThrow();
    }

    /** Fits the curve and its bootstrap replicates ({@code seed} makes them reproducible). */
    public static LearningCurveFit fit(List<Point> measured, long seed) {
        List<Point> points = new ArrayList<>(measured);
        points.sort(Comparator.comparingDouble(Point::imagesPerClass));
        long distinct = points.stream().mapToDouble(Point::imagesPerClass).distinct().count();
        if (distinct < 3) {
            throw new IllegalArgumentException("a learning curve needs at least 3 distinct training sizes to fit its 3"
                    + " parameters, got " + distinct);
        }
        double[] n = points.stream().mapToDouble(Point::imagesPerClass).toArray();
        double[] y = points.stream().mapToDouble(Point::meanF1).toArray();
        double[] se = points.stream().mapToDouble(p -> Math.max(SE_FLOOR, p.standardError())).toArray();
        Curve curve = fit(n, y, se);
        SplittableRandom random = new SplittableRandom(seed);
        List<Curve> replicates = new ArrayList<>(REPLICATES);
        double[] redrawn = new double[y.length];
        for (int r = 0; r < REPLICATES; r++) {
            for (int i = 0; i < y.length; i++) {
                redrawn[i] = y[i] + se[i] * gaussian(random);
            }
            replicates.add(fit(n, redrawn, se));
        }
        return new LearningCurveFit(List.copyOf(points), curve, List.copyOf(replicates));
    }

    public Curve curve() {
        return curve;
    }

    public List<Point> points() {
        return points;
    }

    /** The 95 % bootstrap interval of each parameter: {a, b, c} × {low, high}. */
    public double[][] parameterIntervals() {
        double[][] intervals = new double[3][];
        intervals[0] = interval(replicates.stream().mapToDouble(Curve::a).toArray());
        intervals[1] = interval(replicates.stream().mapToDouble(Curve::b).toArray());
        intervals[2] = interval(replicates.stream().mapToDouble(Curve::c).toArray());
        return intervals;
    }

    /** The 95 % bootstrap band of the curve at n (for plotting the fit's uncertainty). */
    public double[] band(double imagesPerClass) {
        return interval(replicates.stream().mapToDouble(c -> c.f1(imagesPerClass)).toArray());
    }

    /** How many images per class reach micro-F1 {@code target}, by the fitted curve. */
    public Estimate imagesFor(double target) {
        if (!(target > 0 && target < 1)) {
            throw new IllegalArgumentException("the target F1 must be between 0 and 1, got " + target);
        }
        double estimate = curve.imagesFor(target);
        double[] answers = replicates.stream().mapToDouble(c -> c.imagesFor(target)).toArray();
        long unreachable = Arrays.stream(answers).filter(Double::isInfinite).count();
        double[] range = interval(answers);
        Flag flag;
        if (Double.isInfinite(estimate)) {
            flag = Flag.ABOVE_PLATEAU;
        } else if (estimate <= smallest) {
            flag = Flag.REACHED_AT_SMALLEST;
            estimate = smallest;
        } else if (estimate > largest) {
            flag = Flag.EXTRAPOLATED;
        } else {
            flag = Flag.INTERPOLATED;
        }
        return new Estimate(target, estimate, Math.max(smallest, Math.min(range[0], estimate)), Math.max(range[1], estimate),
                flag, unreachable / (double) answers.length);
    }

    /** The default targets: 95 % of the fitted plateau (when it is above 0), and 0.9. */
    public List<Estimate> defaultEstimates() {
        double nearPlateau = Math.min(0.999, 0.95 * curve.a());
        return nearPlateau > 0 ? List.of(imagesFor(nearPlateau), imagesFor(0.9)) : List.of(imagesFor(0.9));
    }

    /** The 2.5 % and 97.5 % quantiles (+∞ counts as the largest value). */
    private static double[] interval(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new double[]{quantile(sorted, 0.025), quantile(sorted, 0.975)};
    }

    private static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        if (Double.isInfinite(sorted[above]) || Double.isInfinite(sorted[below])) {
            return position - below < 0.5 || Double.isInfinite(sorted[below]) ? sorted[below] : sorted[above];
        }
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /** The weighted least-squares curve: golden-section search over log c, a and b in closed form for each c. */
    static Curve fit(double[] n, double[] y, double[] se) {
        double[] w = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            w[i] = 1 / (se[i] * se[i]);
        }
        double lo = Math.log(C_MIN);
        double hi = Math.log(C_MAX);
        int steps = 60;
        double bestLog = lo;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int s = 0; s <= steps; s++) {
            double logC = lo + (hi - lo) * s / steps;
            double cost = linear(n, y, w, Math.exp(logC))[2];
            if (cost < bestCost) {
                bestCost = cost;
                bestLog = logC;
            }
        }
        double step = (hi - lo) / steps;
        double left = Math.max(lo, bestLog - step);
        double right = Math.min(hi, bestLog + step);
        double golden = (Math.sqrt(5) - 1) / 2;
        double x1 = right - golden * (right - left);
        double x2 = left + golden * (right - left);
        double f1 = linear(n, y, w, Math.exp(x1))[2];
        double f2 = linear(n, y, w, Math.exp(x2))[2];
        for (int i = 0; i < 80; i++) {
            if (f1 < f2) {
                right = x2;
                x2 = x1;
                f2 = f1;
                x1 = right - golden * (right - left);
                f1 = linear(n, y, w, Math.exp(x1))[2];
            } else {
                left = x1;
                x1 = x2;
                f1 = f2;
                x2 = left + golden * (right - left);
                f2 = linear(n, y, w, Math.exp(x2))[2];
            }
        }
        double c = Math.exp((left + right) / 2);
        double[] ab = linear(n, y, w, c);
        if (ab[1] <= 0) {
            c = 0; // flat: c means nothing without b
        }
        double mean = Arrays.stream(y).average().orElseThrow();
        double residual = 0;
        double total = 0;
        for (int i = 0; i < n.length; i++) {
            double predicted = ab[0] - ab[1] * (c == 0 ? 0 : Math.pow(n[i], -c));
            residual += (y[i] - predicted) * (y[i] - predicted);
            total += (y[i] - mean) * (y[i] - mean);
        }
        double rSquared = total == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / total;
        return new Curve(ab[0], ab[1], c, rSquared, Math.sqrt(residual / n.length));
    }

    /**
     * For a fixed c, the weighted least-squares a and b of y = a − b·x with x = n^(−c), b constrained to ≥ 0
     * (a learning curve does not fall) and a to ≤ 1 (nor rises above a perfect score); returns {a, b, weighted
     * squared error}.
     */
    private static double[] linear(double[] n, double[] y, double[] w, double c) {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < n.length; i++) {
            double x = Math.pow(n[i], -c);
            sw += w[i];
            sx += w[i] * x;
            sy += w[i] * y[i];
            sxx += w[i] * x * x;
            sxy += w[i] * x * y[i];
        }
        double denominator = sw * sxx - sx * sx;
        double slope = denominator <= 1e-300 ? 0 : (sw * sxy - sx * sy) / denominator; // = −b
        double b = Math.max(0, -slope);
        double a = (sy + b * sx) / sw;
        if (a > 1) {
            // no F1 lies above 1: with the plateau there, the best b for it (what noisy or flat points ask for)
            a = 1;
            double num = 0;
            for (int i = 0; i < n.length; i++) {
                num += w[i] * Math.pow(n[i], -c) * (1 - y[i]);
            }
            b = sxx <= 0 ? 0 : Math.max(0, num / sxx);
        }
        double cost = 0;
        for (int i = 0; i < n.length; i++) {
            double r = y[i] - (a - b * Math.pow(n[i], -c));
            cost += w[i] * r * r;
        }
        return new double[]{a, b, cost};
    }

    /** A standard normal draw (Box–Muller). */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
