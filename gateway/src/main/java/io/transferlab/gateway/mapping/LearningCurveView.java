package io.transferlab.gateway.mapping;

import io.transferlab.core.metrics.LearningCurveFit;
import io.transferlab.core.metrics.LearningCurves;
import io.transferlab.core.metrics.SeedSummary;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * A strategy's learning curve, as the report page draws it: micro-F1 over seeds at each size (mean and 95 %
 * interval), the fitted inverse power law F1(n) = a − b·n^(−c) with its bootstrap band, and the answer to "how
 * many images per class" for each target. Only strategies measured at three sizes or more have one.
 */
@Schema(description = "A strategy's learning curve: points over seeds, the fitted curve, and the data-need answers")
public record LearningCurveView(String strategy, List<Point> points, Fit fit, List<Sample> curve,
                                List<Answer> answers) {

    /** One size: its mean training images per class and micro-F1 over the seeds that finished. */
    public record Point(String size, double imagesPerClass, int seeds, double meanF1, double sd, double low,
                        double high) {
    }

    /** The fit's parameters (the plateau a with its 95 % bootstrap interval) and quality. */
    public record Fit(double a, double aLow, double aHigh, double b, double c, double rSquared, double rmse) {
    }

    /** The fitted curve at n images per class, with its 95 % bootstrap band. */
    public record Sample(double imagesPerClass, double f1, double low, double high) {
    }

    /** Images per class for a target micro-F1; a number is null where it is unbounded (above the plateau). */
    public record Answer(double targetF1, Double imagesPerClass, Double low, Double high, String flag,
                         String sentence) {
    }

    /** Points along the curve drawn between the smallest and largest size (log-spaced). */
    static final int SAMPLES = 48;

    /**
     * The curves of a study's finished results: each strategy with three sizes or more, in the rows' order.
     *
     * @param targets the requested targets; empty for the defaults (95 % of the plateau, and 0.9)
     * @param seed    makes the bootstrap reproducible (the same study shows the same intervals)
     */
    public static List<LearningCurveView> of(List<ResultRow> rows, int classes, List<Double> targets, long seed) {
        if (classes < 1) {
            return List.of();
        }
        List<LearningCurves.Run> runs = rows.stream()
                .filter(row -> "COMPLETE".equals(row.state()) && row.microF1() != null && row.trainImages() != null)
                .map(row -> new LearningCurves.Run(row.strategy(), row.size(), row.trainImages(), row.microF1()))
                .toList();
        List<LearningCurveView> views = new ArrayList<>();
        for (LearningCurves.Curve curveOfRuns : LearningCurves.of(runs, classes, seed)) {
            List<Point> points = curveOfRuns.points().stream().map(p -> {
                SeedSummary f1 = p.microF1();
                return new Point(p.size(), p.imagesPerClass(), f1.seeds(), f1.mean(), f1.sd(),
                        f1.seeds() > 1 ? Math.max(0, f1.low()) : f1.mean(),
                        f1.seeds() > 1 ? Math.min(1, f1.high()) : f1.mean());
            }).toList();
            LearningCurveFit fit = curveOfRuns.fit();
            LearningCurveFit.Curve c = fit.curve();
            double[] a = fit.parameterIntervals()[0];
            double smallest = fit.points().stream().mapToDouble(LearningCurveFit.Point::imagesPerClass).min().orElseThrow();
            double largest = fit.points().stream().mapToDouble(LearningCurveFit.Point::imagesPerClass).max().orElseThrow();
            List<Sample> curve = new ArrayList<>();
            for (int i = 0; i <= SAMPLES; i++) {
                double n = smallest * Math.pow(largest / smallest, (double) i / SAMPLES);
                double[] band = fit.band(n);
                curve.add(new Sample(n, c.f1(n), band[0], band[1]));
            }
            List<Answer> answers = curveOfRuns.estimates(targets).stream().map(e -> new Answer(e.targetF1(), finite(e.imagesPerClass()),
                    finite(e.low()), finite(e.high()), e.flag().name(), e.sentence(curveOfRuns.strategy()))).toList();
            views.add(new LearningCurveView(curveOfRuns.strategy(), points,
                    new Fit(c.a(), a[0], a[1], c.b(), c.c(), c.rSquared(), c.rmse()), List.copyOf(curve), answers));
        }
        return List.copyOf(views);
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
