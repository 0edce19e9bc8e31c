package io.transferlab.core.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finished runs grouped into learning curves — per strategy, each size's micro-F1 over its seeds against its training
 * images per class, and the inverse power law fitted through them. The one way the CLI's report and the gateway's
 * study view build them, so both give the same answer for the same runs.
 */
public final class LearningCurves {

    /** One finished run: what it trained on and how it scored. */
    public record Run(String strategy, String size, int trainImages, double microF1) {
    }

    /** One size of a strategy: its mean training images per class and micro-F1 summarised over its seeds. */
    public record SizePoint(String size, double imagesPerClass, SeedSummary microF1) {
    }

    /** A strategy measured at three sizes or more, and its fitted curve. */
    public record Curve(String strategy, List<SizePoint> points, LearningCurveFit fit) {

        /** The answers for these targets; none given: the defaults (95 % of the plateau, and 0.9). */
        public List<LearningCurveFit.Estimate> estimates(List<Double> targets) {
            return targets == null || targets.isEmpty() ? fit.defaultEstimates()
                    : targets.stream().filter(Objects::nonNull).map(fit::imagesFor).toList();
        }
    }

    private LearningCurves() {
    }

    /**
     * The curves of these runs: strategies and, within each, sizes in the order they first appear; a strategy with
     * fewer than three distinct sizes has none (three parameters need three points).
     *
     * @param seed makes the fit's bootstrap reproducible (the same runs show the same intervals)
     */
    public static List<Curve> of(List<Run> runs, int classes, long seed) {
        if (classes < 1) {
            throw new IllegalArgumentException("a learning curve needs the number of classes, got " + classes);
        }
        Map<String, Map<String, List<Run>>> byStrategy = new LinkedHashMap<>();
        for (Run run : runs) {
            byStrategy.computeIfAbsent(run.strategy(), s -> new LinkedHashMap<>())
                    .computeIfAbsent(run.size(), s -> new ArrayList<>()).add(run);
        }
        List<Curve> curves = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Run>>> strategy : byStrategy.entrySet()) {
            List<SizePoint> points = new ArrayList<>();
            for (Map.Entry<String, List<Run>> size : strategy.getValue().entrySet()) {
                double perClass = size.getValue().stream().mapToInt(Run::trainImages).average().orElseThrow() / classes;
                points.add(new SizePoint(size.getKey(), perClass,
                        SeedSummary.of(size.getValue().stream().map(Run::microF1).toList())));
            }
            if (points.stream().mapToDouble(SizePoint::imagesPerClass).distinct().count() >= 3) {
                LearningCurveFit fit = LearningCurveFit.fit(points.stream()
                        .map(p -> LearningCurveFit.Point.of(p.imagesPerClass(), p.microF1())).toList(), seed);
                curves.add(new Curve(strategy.getKey(), List.copyOf(points), fit));
            }
        }
        return List.copyOf(curves);
    }
}
