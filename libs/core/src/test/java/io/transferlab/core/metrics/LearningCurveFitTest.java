package io.transferlab.core.metrics;

import io.transferlab.core.metrics.LearningCurveFit.Estimate;
import io.transferlab.core.metrics.LearningCurveFit.Flag;
import io.transferlab.core.metrics.LearningCurveFit.Point;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LearningCurveFitTest {

    private static final double[] K = {1, 2, 4, 8, 16, 32, 64};

    /** Points of a known curve, each the mean of {@code seeds} draws with noise sd {@code noise}. */
    private static List<Point> curve(double a, double b, double c, double noise, int seeds, long seed) {
        Random random = new Random(seed);
        List<Point> points = new ArrayList<>();
        for (double k : K) {
            List<Double> values = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                values.add(a - b * Math.pow(k, -c) + noise * random.nextGaussian());
            }
            points.add(Point.of(k, SeedSummary.of(values)));
        }
        return points;
    }

    @Test
    void recoversTheParametersOfAnExactCurve() {
        LearningCurveFit fit = LearningCurveFit.fit(curve(0.95, 0.6, 0.7, 0, 1, 1), 7);
        assertThat(fit.curve().a()).isCloseTo(0.95, within(1e-4));
        assertThat(fit.curve().b()).isCloseTo(0.6, within(1e-4));
        assertThat(fit.curve().c()).isCloseTo(0.7, within(1e-3));
        assertThat(fit.curve().rSquared()).isGreaterThan(0.9999);
        // the answer inverts the curve: a − b·n^−c = 0.9 at n = (0.6/0.05)^(1/0.7) ≈ 34.8 → beyond 32 but within 64
        Estimate e = fit.imagesFor(0.9);
        assertThat(e.imagesPerClass()).isCloseTo(Math.pow(0.6 / 0.05, 1 / 0.7), within(0.05));
        assertThat(e.flag()).isEqualTo(Flag.INTERPOLATED);
        assertThat(e.low()).isLessThanOrEqualTo(e.imagesPerClass());
        assertThat(e.high()).isGreaterThanOrEqualTo(e.imagesPerClass());
    }

    @Test
    void recoversANoisyCurveWithinItsIntervals() {
        int covered = 0;
        for (long seed = 0; seed < 10; seed++) {
            LearningCurveFit fit = LearningCurveFit.fit(curve(0.9, 0.5, 0.8, 0.01, 5, seed), seed);
            assertThat(fit.curve().a()).isCloseTo(0.9, within(0.02));
            assertThat(fit.curve().c()).isCloseTo(0.8, within(0.25));
            double[][] intervals = fit.parameterIntervals();
            covered += intervals[0][0] <= 0.9 && 0.9 <= intervals[0][1] ? 1 : 0;
            double[] band = fit.band(8);
            assertThat(band[0]).isLessThan(band[1]);
        }
        // a 95 % interval should hold the true plateau in most of ten noisy studies
        assertThat(covered).isGreaterThanOrEqualTo(7);
    }

    @Test
    void flagsTargetsAboveThePlateauAndBeyondTheMeasuredRange() {
        LearningCurveFit fit = LearningCurveFit.fit(curve(0.85, 0.6, 0.5, 0, 1, 1), 3);
        Estimate above = fit.imagesFor(0.9);
        assertThat(above.flag()).isEqualTo(Flag.ABOVE_PLATEAU);
        assertThat(above.imagesPerClass()).isInfinite();
        assertThat(above.unreachableShare()).isGreaterThan(0.9);
        Estimate far = fit.imagesFor(0.845);
        assertThat(far.flag()).isEqualTo(Flag.EXTRAPOLATED);
        assertThat(far.imagesPerClass()).isGreaterThan(64);
        Estimate easy = fit.imagesFor(0.1);
        assertThat(easy.flag()).isEqualTo(Flag.REACHED_AT_SMALLEST);
        assertThat(easy.imagesPerClass()).isEqualTo(1);
        assertThat(fit.defaultEstimates()).extracting(Estimate::targetF1)
                .containsExactly(0.95 * fit.curve().a(), 0.9);
    }

    @Test
    void aFlatCurveIsReachedAtOnce() {
        List<Point> flat = new ArrayList<>();
        for (double k : K) {
            flat.add(new Point(k, 0.8, 0.01));
        }
        LearningCurveFit fit = LearningCurveFit.fit(flat, 1);
        assertThat(fit.curve().a()).isCloseTo(0.8, within(1e-9));
        assertThat(fit.curve().b()).isZero();
        assertThat(fit.imagesFor(0.75).flag()).isEqualTo(Flag.REACHED_AT_SMALLEST);
        assertThat(fit.imagesFor(0.85).flag()).isEqualTo(Flag.ABOVE_PLATEAU);
    }

    @Test
    void aFallingCurveIsFittedFlatNotUpsideDown() {
        List<Point> falling = List.of(new Point(1, 0.9, 0.01), new Point(4, 0.8, 0.01), new Point(16, 0.7, 0.01));
        LearningCurveFit fit = LearningCurveFit.fit(falling, 1);
        assertThat(fit.curve().b()).isZero();
        assertThat(fit.curve().a()).isCloseTo(0.8, within(1e-9));
        assertThat(fit.curve().rSquared()).isLessThan(0.01);
    }

    @Test
    void noisyPointsStillGiveAFitWithItsQuality() {
        List<Point> noisy = List.of(new Point(1, 0.40, 0.05), new Point(2, 0.62, 0.05), new Point(4, 0.55, 0.05),
                new Point(8, 0.80, 0.05), new Point(16, 0.74, 0.05), new Point(32, 0.86, 0.05));
        LearningCurveFit fit = LearningCurveFit.fit(noisy, 1);
        assertThat(fit.curve().rSquared()).isBetween(0.5, 0.99);
        // no refit puts the plateau above a perfect score, however noisy the points
        assertThat(fit.parameterIntervals()[0][1]).isLessThanOrEqualTo(1.0);
        assertThat(fit.band(1000)[1]).isLessThanOrEqualTo(1.0);
        assertThat(fit.curve().rmse()).isGreaterThan(0.01);
        Estimate e = fit.imagesFor(0.8);
        assertThat(e.high()).isGreaterThan(e.low());
    }

    @Test
    void refusesWhatCannotBeFitted() {
        assertThatThrownBy(() -> LearningCurveFit.fit(List.of(new Point(1, 0.5, 0.01), new Point(8, 0.8, 0.01)), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 3 distinct training sizes");
        assertThatThrownBy(() -> LearningCurveFit.fit(List.of(new Point(2, 0.5, 0.01), new Point(2, 0.6, 0.01),
                new Point(8, 0.8, 0.01)), 1)).hasMessageContaining("got 2");
        assertThatThrownBy(() -> new Point(0, 0.5, 0.01)).hasMessageContaining("images per class");
        assertThatThrownBy(() -> new Point(1, 1.5, 0.01)).hasMessageContaining("F1 must be in [0, 1]");
        assertThatThrownBy(() -> new Point(1, 0.5, Double.NaN)).hasMessageContaining("standard error");
        LearningCurveFit fit = LearningCurveFit.fit(curve(0.9, 0.5, 0.8, 0, 1, 1), 1);
        assertThatThrownBy(() -> fit.imagesFor(1.2)).hasMessageContaining("between 0 and 1");
    }

    @Test
    void seedSummariesAndBootstrapIntervals() {
        SeedSummary one = SeedSummary.of(List.of(0.8));
        assertThat(one.low()).isEqualTo(0.8);
        assertThat(one.standardError()).isZero();
        SeedSummary three = SeedSummary.of(List.of(0.80, 0.82, 0.84));
        assertThat(three.mean()).isCloseTo(0.82, within(1e-12));
        assertThat(three.sd()).isCloseTo(0.02, within(1e-12));
        // t(2) = 4.303: half-width 4.303 · 0.02 / √3
        assertThat(three.high() - three.mean()).isCloseTo(4.303 * 0.02 / Math.sqrt(3), within(1e-9));
        assertThatThrownBy(() -> SeedSummary.of(List.of())).hasMessageContaining("no values");

        int[] truth = new int[400];
        int[] predicted = new int[400];
        for (int i = 0; i < 400; i++) {
            truth[i] = i % 10;
            predicted[i] = i % 5 == 0 ? (i + 1) % 10 : i % 10; // 80 % right
        }
        Bootstrap.Interval interval = Bootstrap.microF1(truth, predicted, 1);
        assertThat(interval.value()).isCloseTo(0.8, within(1e-12));
        // binomial: sd = √(0.8·0.2/400) = 0.02, so the 95 % interval is about ±0.039
        assertThat(interval.low()).isBetween(0.75, 0.78);
        assertThat(interval.high()).isBetween(0.82, 0.85);
        assertThat(Bootstrap.microF1(truth, predicted, 1)).isEqualTo(interval);
    }
}
