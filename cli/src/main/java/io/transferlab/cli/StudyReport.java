package io.transferlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferlab.core.metrics.LearningCurveFit;
import io.transferlab.core.metrics.LearningCurves;
import io.transferlab.core.metrics.SeedSummary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** results.json, report.md and the figure (SVG) of a single-process study. */
final class StudyReport {

    /** One run: a strategy on a training size. */
    record RunResult(String size, String strategy, int trainImages, int valImages, int testImages, double microF1,
                     double macroF1, double top5Accuracy, int epochs, int bestEpoch, boolean stoppedEarly,
                     double seconds, String augmentationMode, String keptWeights, String checkpoint, Long seed,
                     Double microF1Low, Double microF1High, List<Double> perClassF1) {

        /** The run's seed; results written before runs had their own seed ran with the study's. */
        long seedOr(long studySeed) {
            return seed == null ? studySeed : seed;
        }
    }

    /** A size × strategy over its seeds: micro-F1 summarised, and the mean number of training images. */
    record Summary(String size, String strategy, SeedSummary microF1, double trainImages) {
    }

    record Study(String dataset, String datasetVersion, String layout, int classes, String preset, long seed,
                 String backbone, String weightsSha256, String device, int undecodableImages, double wallSeconds,
                 double backboneSeconds, Long peakRssMiB, List<RunResult> runs, List<String> classNames) {
    }

    private StudyReport() {
    }

    /** The study already in {@code out}, if any: a folder accumulates the runs of several invocations. */
    static Optional<Study> read(Path out) throws IOException {
        Path json = out.resolve("results.json");
        if (!Files.isRegularFile(json)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ObjectMapper().readValue(json.toFile(), Study.class));
        } catch (IOException e) {
            throw new IOException(json + " is not a TransferLab results file (" + e.getMessage()
                    + "); choose another --out or move it away", e);
        }
    }

    /** Why {@code earlier} cannot be continued by a study of {@code current}'s setup, or empty when it can. */
    static Optional<String> mismatch(Study earlier, Study current) {
        List<String> differences = new ArrayList<>();
        if (!earlier.datasetVersion().equals(current.datasetVersion())) {
            differences.add("dataset version " + earlier.datasetVersion() + " vs " + current.datasetVersion());
        }
        if (earlier.classes() != current.classes()) {
            differences.add("classes " + earlier.classes() + " vs " + current.classes());
        }
        if (!earlier.preset().equals(current.preset())) {
            differences.add("preset " + earlier.preset() + " vs " + current.preset());
        }
        if (earlier.seed() != current.seed()) {
            differences.add("seed " + earlier.seed() + " vs " + current.seed());
        }
        if (!earlier.backbone().equals(current.backbone()) || !earlier.weightsSha256().equals(current.weightsSha256())) {
            differences.add("backbone/weights " + earlier.backbone() + " vs " + current.backbone());
        }
        return differences.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", differences));
    }

    /** What the report derives from the runs: the fitted learning curves, Figure 7's and Figure 8's numbers. */
    record Derived(List<LearningCurves.Curve> curves, Optional<Decrease> decrease, List<Gain> gains) {
        static Derived of(Study study, List<String> sizes, List<String> strategies) {
            return new Derived(StudyReport.curves(study, sizes, strategies),
                    StudyReport.decrease(study, sizes, strategies), StudyReport.gains(study, sizes, strategies));
        }
    }

    static void write(Path out, Study study, List<String> sizeOrder, List<String> strategyOrder, List<Double> targets)
            throws IOException {
        Files.createDirectories(out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("results.json").toFile(), study);
        // fitted once (400 bootstrap refits a strategy), then tabled and drawn
        Derived derived = Derived.of(study, sizeOrder, strategyOrder);
        Files.writeString(out.resolve("report.md"), markdown(study, sizeOrder, strategyOrder, targets, derived));
        Files.writeString(out.resolve("micro-f1.svg"), chart(study, sizeOrder, strategyOrder));
        writeOrDelete(out.resolve("decrease.svg"), derived.decrease().map(StudyReport::decreaseChart));
        writeOrDelete(out.resolve("augmentation.svg"), derived.gains().isEmpty() ? Optional.empty()
                : Optional.of(gainChart(derived.gains())));
        Map<String, LearningCurveFit> fits = new LinkedHashMap<>();
        derived.curves().forEach(c -> fits.put(c.strategy(), c.fit()));
        Path curves = out.resolve("learning-curve.svg");
        if (fits.isEmpty()) {
            Files.deleteIfExists(curves);
        } else {
            Files.writeString(curves, learningCurveChart(study, sizeOrder, fits));
        }
    }

    /**
     * Figure 7's numbers: per strategy and smaller size, the training images and the micro-F1 lost relative to the
     * largest training set (seed-2020's first size, a learning curve's last), both in percent of the reference.
     */
    record Decrease(String reference, List<String> sizes, Map<String, Double> imagesLost, Map<String, Double> f1Lost) {
    }

    static Optional<Decrease> decrease(Study study, List<String> sizes, List<String> strategies) {
        if (sizes.size() < 2) {
            return Optional.empty();
        }
        String reference = sizes.stream().max(java.util.Comparator.comparingDouble(size -> study.runs().stream()
                .filter(r -> r.size().equals(size)).mapToInt(RunResult::trainImages).average().orElse(0)))
                .orElseThrow();
        List<String> smaller = sizes.stream().filter(size -> !size.equals(reference)).toList();
        Map<String, Double> images = new LinkedHashMap<>();
        Map<String, Double> f1 = new LinkedHashMap<>();
        for (String strategy : strategies) {
            Optional<Summary> ref = find(study, reference, strategy);
            for (String size : smaller) {
                Optional<Summary> run = find(study, size, strategy);
                if (ref.isPresent() && run.isPresent()) {
                    images.put(strategy + "/" + size,
                            100.0 * (ref.get().trainImages() - run.get().trainImages()) / ref.get().trainImages());
                    f1.put(strategy + "/" + size,
                            100.0 * (ref.get().microF1().mean() - run.get().microF1().mean()) / ref.get().microF1().mean());
                }
            }
        }
        return f1.isEmpty() ? Optional.empty() : Optional.of(new Decrease(reference, smaller, images, f1));
    }

    /** Figure 8's numbers: a strategy beside its augmented form ("x" and "x-aug") at one size. */
    record Gain(String size, String strategy, double plain, double augmented) {
        double percent() {
            return 100.0 * (augmented - plain) / plain;
        }
    }

    static List<Gain> gains(Study study, List<String> sizes, List<String> strategies) {
        List<Gain> gains = new ArrayList<>();
        for (String size : sizes) {
            for (String base : strategies.stream().filter(s -> !s.endsWith("-aug")).toList()) {
                Optional<Summary> plain = find(study, size, base);
                Optional<Summary> aug = find(study, size, base + "-aug");
                if (plain.isPresent() && aug.isPresent()) {
                    gains.add(new Gain(size, base, plain.get().microF1().mean(), aug.get().microF1().mean()));
                }
            }
        }
        return gains;
    }

    /** The runs of a size and strategy over their seeds, summarised; empty when there are none. */
    static Optional<Summary> find(Study study, String size, String strategy) {
        List<RunResult> runs = study.runs().stream()
                .filter(r -> r.size().equals(size) && r.strategy().equals(strategy)).toList();
        if (runs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Summary(size, strategy, SeedSummary.of(runs.stream().map(RunResult::microF1).toList()),
                runs.stream().mapToInt(RunResult::trainImages).average().orElseThrow()));
    }

    static String markdown(Study study, List<String> sizes, List<String> strategies, List<Double> targets,
                           Derived derived) {
        StringBuilder md = new StringBuilder();
        md.append("# TransferLab study\n\n");
        md.append(String.format(Locale.ROOT, "Dataset `%s` (%s layout, %d classes, version %s), preset `%s`, seed %d, "
                        + "backbone %s (weights sha256 %s…), %s. Wall time %s, of which the backbone pass %s.%s%s%n%n",
                study.dataset(), study.layout(), study.classes(), study.datasetVersion(), study.preset(), study.seed(),
                study.backbone(), study.weightsSha256().substring(0, 12), study.device(),
                ProgressBar.format(java.time.Duration.ofSeconds((long) study.wallSeconds())),
                ProgressBar.format(java.time.Duration.ofSeconds((long) study.backboneSeconds())),
                study.peakRssMiB() == null || study.peakRssMiB() < 0 ? ""
                        : String.format(Locale.ROOT, " Peak resident memory %.2f GiB.", study.peakRssMiB() / 1024.0),
                study.undecodableImages() > 0 ? " " + study.undecodableImages() + " undecodable image(s) were skipped." : ""));
        learningCurves(md, derived.curves(), targets);
        md.append("## Results\n\n| size | strategy | seed | train | val | test | micro-F1 | 95 % interval (test images) "
                + "| macro-F1 | top-5 | epochs (best) | aug mode | seconds |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|\n");
        for (String size : sizes) {
            for (String strategy : strategies) {
                study.runs().stream().filter(r -> r.size().equals(size) && r.strategy().equals(strategy))
                        .sorted(java.util.Comparator.comparingLong(r -> r.seedOr(study.seed())))
                        .forEach(r -> md.append(String.format(Locale.ROOT,
                                "| %s | %s | %d | %d | %d | %d | %.4f | %s | %.4f | %.4f | %d (%d) | %s | %.0f |%n",
                                r.size(), r.strategy(), r.seedOr(study.seed()), r.trainImages(), r.valImages(),
                                r.testImages(), r.microF1(), r.microF1Low() == null ? "—"
                                        : String.format(Locale.ROOT, "%.4f – %.4f", r.microF1Low(), r.microF1High()),
                                r.macroF1(), r.top5Accuracy(), r.epochs(), r.bestEpoch(), r.augmentationMode(),
                                r.seconds())));
            }
        }
        boolean severalSeeds = study.runs().stream().map(r -> r.seedOr(study.seed())).distinct().count() > 1;
        if (severalSeeds) {
            md.append("\n## Over seeds\n\n| size | strategy | seeds | mean micro-F1 | sd | 95 % interval of the mean |\n");
            md.append("|---|---|---:|---:|---:|---|\n");
            for (String size : sizes) {
                for (String strategy : strategies) {
                    find(study, size, strategy).ifPresent(sum -> md.append(String.format(Locale.ROOT,
                            "| %s | %s | %d | %.4f | %.4f | %.4f – %.4f |%n", size, strategy, sum.microF1().seeds(),
                            sum.microF1().mean(), sum.microF1().sd(), Math.max(0, sum.microF1().low()),
                            Math.min(1, sum.microF1().high()))));
                }
            }
        }
        md.append("\nKept weights: those of the epoch with the lowest validation loss (early stopping, patience 10); for"
                + " `lp` the L2 strength with the best validation accuracy (its \"epochs\" are the strengths tried).\n");
        md.append("\n## Strategies\n\n");
        strategies.forEach(id -> md.append("- `").append(id).append("`: ")
                .append(io.transferlab.core.study.Strategy.of(id).description()).append('\n'));
        derived.decrease().ifPresent(d -> {
            md.append("\n## F1 decrease against training-set decrease (relative to ").append(d.reference()).append(")\n\n");
            md.append("| strategy | size | training images lost | micro-F1 lost |\n|---|---|---:|---:|\n");
            for (String strategy : strategies) {
                for (String size : d.sizes()) {
                    Double f1Lost = d.f1Lost().get(strategy + "/" + size);
                    if (f1Lost != null) {
                        md.append(String.format(Locale.ROOT, "| %s | %s | %.1f %% | %.1f %% |%n", strategy, size,
                                d.imagesLost().get(strategy + "/" + size), f1Lost));
                    }
                }
            }
            md.append("\n![F1 decrease and training-set decrease side by side](decrease.svg)\n");
        });
        List<Gain> gains = derived.gains();
        if (!gains.isEmpty()) {
            md.append("\n## Gain from augmentation\n\n| size | strategy | micro-F1 | with augmentation | gain |\n|---|---|---:|---:|---:|\n");
            gains.forEach(g -> md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %+.1f %% |%n", g.size(),
                    g.strategy(), g.plain(), g.augmented(), g.percent())));
            md.append("\n![gain from augmentation](augmentation.svg)\n");
        }
        md.append("\n![micro-F1 by training size and strategy](micro-f1.svg)\n");
        worstClasses(md, study, sizes, strategies);
        return md.toString();
    }

    /**
     * The answer to "how many labelled images per class": per strategy with at least three sizes, the inverse
     * power law fitted to the seeds' mean micro-F1 against training images per class, and the images needed for
     * each target (default: 95 % of the plateau, and 0.9) with its 95 % interval and how far it is extrapolated.
     */
    static void learningCurves(StringBuilder md, List<LearningCurves.Curve> curves, List<Double> targets) {
        List<String> lines = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (LearningCurves.Curve fitted : curves) {
            String strategy = fitted.strategy();
            LearningCurveFit fit = fitted.fit();
            List<LearningCurveFit.Point> points = fit.points();
            LearningCurveFit.Curve c = fit.curve();
            double[][] p = fit.parameterIntervals();
            lines.add(String.format(Locale.ROOT, "| %s | %d | %.4f (%.4f – %.4f) | %.4f | %.3f | %.4f | %.4f |", strategy,
                    points.size(), c.a(), p[0][0], p[0][1], c.b(), c.c(), c.rSquared(), c.rmse()));
            for (LearningCurveFit.Estimate e : fitted.estimates(targets)) {
                answers.add(e.sentence("**" + strategy + "**"));
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        md.append("## How many labelled images per class?\n\n");
        answers.forEach(a -> md.append("- ").append(a).append('\n'));
        md.append("\n![learning curves: seeds' means with their 95 % interval, and the fitted curves](learning-curve.svg)\n");
        md.append("\nFitted F1(n) = a − b·n^(−c) (n: training images per class; points weighted by the seeds' standard"
                + " error; intervals from 400 bootstrap refits):\n\n| strategy | sizes | plateau a (95 %) | b | c | R² | RMSE |\n"
                + "|---|---:|---|---:|---:|---:|---:|\n");
        lines.forEach(l -> md.append(l).append('\n'));
        md.append('\n');
    }

    /** Per strategy and size, the ten classes with the lowest F1 (mean over seeds): which classes need more data. */
    static void worstClasses(StringBuilder md, Study study, List<String> sizes, List<String> strategies) {
        List<String> lines = new ArrayList<>();
        for (String strategy : strategies) {
            for (String size : sizes) {
                List<RunResult> runs = study.runs().stream().filter(r -> r.size().equals(size)
                        && r.strategy().equals(strategy) && r.perClassF1() != null).toList();
                if (runs.isEmpty()) {
                    continue;
                }
                int n = runs.get(0).perClassF1().size();
                double[] mean = new double[n];
                runs.forEach(r -> {
                    for (int c = 0; c < n && c < r.perClassF1().size(); c++) {
                        mean[c] += r.perClassF1().get(c) / runs.size();
                    }
                });
                List<Integer> order = new ArrayList<>();
                for (int c = 0; c < n; c++) {
                    order.add(c);
                }
                order.sort(java.util.Comparator.comparingDouble((Integer c) -> mean[c]).thenComparing(c -> c));
                List<String> worst = order.subList(0, Math.min(10, n)).stream().map(c -> String.format(Locale.ROOT,
                        "%s (%.2f)", study.classNames() != null && c < study.classNames().size()
                                ? study.classNames().get(c) : "class " + c, mean[c])).toList();
                lines.add(String.format(Locale.ROOT, "| %s | %s | %d | %s |", strategy, size, runs.size(),
                        String.join(", ", worst)));
            }
        }
        if (!lines.isEmpty()) {
            md.append("\n## Which classes need more data?\n\nThe ten classes with the lowest F1 on the test images"
                    + " (mean over seeds):\n\n| strategy | size | seeds | ten worst classes (F1) |\n|---|---|---:|---|\n");
            lines.forEach(l -> md.append(l).append('\n'));
        }
    }

    /** The inverse power law of each strategy measured at three sizes or more, in strategy order. */
    static List<LearningCurves.Curve> curves(Study study, List<String> sizes, List<String> strategies) {
        List<LearningCurves.Run> runs = new ArrayList<>();
        for (String strategy : strategies) {
            for (String size : sizes) {
                study.runs().stream().filter(r -> r.size().equals(size) && r.strategy().equals(strategy))
                        .forEach(r -> runs.add(new LearningCurves.Run(strategy, size, r.trainImages(), r.microF1())));
            }
        }
        return LearningCurves.of(runs, study.classes(), study.seed());
    }

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#76b7b2", "#e15759", "#59a14f", "#b07aa1"};

    /**
     * Learning curves: micro-F1 against training images per class (log₂ axis); per strategy the seeds' means with
     * their 95 % interval (whiskers), the fitted inverse power law (line) and its 95 % bootstrap band (shaded).
     */
    static String learningCurveChart(Study study, List<String> sizes, Map<String, LearningCurveFit> fits) {
        int width = 720, height = 420, left = 56, right = 130, top = 34, bottom = 360;
        double minN = Double.MAX_VALUE, maxN = 0, minF = 1;
        for (LearningCurveFit fit : fits.values()) {
            for (LearningCurveFit.Point p : fit.points()) {
                minN = Math.min(minN, p.imagesPerClass());
                maxN = Math.max(maxN, p.imagesPerClass());
                minF = Math.min(minF, p.meanF1() - 2 * p.standardError());
            }
        }
        double x0 = Math.log(minN) / Math.log(2), x1 = Math.max(x0 + 1, Math.log(maxN) / Math.log(2));
        double yLow = Math.max(0, Math.floor(minF * 10) / 10);
        java.util.function.DoubleUnaryOperator px = n -> left + (Math.log(n) / Math.log(2) - x0) / (x1 - x0)
                * (width - left - right);
        java.util.function.DoubleUnaryOperator py = f -> bottom - (Math.max(yLow, Math.min(1, f)) - yLow) / (1 - yLow)
                * (bottom - top);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        svg.append("<title>learning curves: micro-F1 against training images per class</title>\n");
        for (int t = 0; t <= 10; t++) {
            double f = yLow + (1 - yLow) * t / 10.0;
            double y = py.applyAsDouble(f);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n", left, width - right, y, y, left - 6,
                    y + 4, f));
        }
        for (int e = (int) Math.ceil(x0); e <= Math.floor(x1); e++) {
            double x = px.applyAsDouble(Math.pow(2, e));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, x, top, bottom, x, bottom + 16,
                    1 << e));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">training images per class"
                + " (log scale)</text>%n", (left + width - right) / 2, bottom + 34));
        int s = 0;
        for (Map.Entry<String, LearningCurveFit> entry : fits.entrySet()) {
            String colour = COLOURS[s % COLOURS.length];
            LearningCurveFit fit = entry.getValue();
            StringBuilder line = new StringBuilder();
            StringBuilder upper = new StringBuilder();
            StringBuilder lower = new StringBuilder();
            for (int i = 0; i <= 60; i++) {
                double n = Math.pow(2, x0 + (x1 - x0) * i / 60.0);
                double x = px.applyAsDouble(n);
                double[] band = fit.band(n);
                line.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "" : " ", x,
                        py.applyAsDouble(fit.curve().f1(n))));
                upper.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, py.applyAsDouble(band[1])));
                lower.insert(0, String.format(Locale.ROOT, "%.1f,%.1f ", x, py.applyAsDouble(band[0])));
            }
            svg.append(String.format(Locale.ROOT, "<polygon points=\"%s%s\" fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\"/>%n",
                    upper, lower.toString().trim(), colour));
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    line, colour));
            for (String size : sizes) {
                Optional<Summary> sum = find(study, size, entry.getKey());
                if (sum.isEmpty()) {
                    continue;
                }
                double n = sum.get().trainImages() / study.classes();
                double x = px.applyAsDouble(n);
                SeedSummary f1 = sum.get().microF1();
                double mean = f1.mean();
                double lo = f1.seeds() > 1 ? f1.low() : mean, hi = f1.seeds() > 1 ? f1.high() : mean;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                                + "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s %s (%.1f a class): "
                                + "%.4f over %d seed(s)</title></circle>%n", x, x, py.applyAsDouble(lo), py.applyAsDouble(hi),
                        colour, x, py.applyAsDouble(mean), colour, entry.getKey(), size, n, mean, f1.seeds()));
            }
            LearningCurveFit.Curve c = fit.curve();
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s (a = %.3f)</text>%n", width - right + 10, top + 20 * s, colour,
                    width - right + 26, top + 20 * s + 10, entry.getKey(), c.a()));
            s++;
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\">micro-F1 by images per class: seeds' means"
                + " (95 %%), fitted a − b·n^(−c) (95 %% band)</text>%n", left));
        return svg.append("</svg>\n").toString();
    }

    private static void writeOrDelete(Path file, Optional<String> content) throws IOException {
        if (content.isPresent()) {
            Files.writeString(file, content.get());
        } else {
            Files.deleteIfExists(file);
        }
    }

    /** Figure 5/6: micro-F1 per size (groups) and strategy (bars). */
    static String chart(Study study, List<String> sizes, List<String> strategies) {
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        for (String size : sizes) {
            Map<String, Double> bars = new LinkedHashMap<>();
            for (String strategy : strategies) {
                find(study, size, strategy).ifPresent(sum -> bars.put(strategy, sum.microF1().mean()));
            }
            values.put(size, bars);
        }
        return barChart("micro-F1 by training size and strategy", values, strategies, 0, 1, "%.2f");
    }

    /** Figure 7: per smaller size, the training images lost beside each strategy's micro-F1 lost (percent). */
    static String decreaseChart(Decrease d) {
        List<String> strategies = d.f1Lost().keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).distinct().toList();
        List<String> series = new ArrayList<>();
        series.add("training images");
        strategies.forEach(s -> series.add("F1 " + s));
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        double max = 10;
        for (String size : d.sizes()) {
            Map<String, Double> bars = new LinkedHashMap<>();
            for (String strategy : strategies) {
                Double f1 = d.f1Lost().get(strategy + "/" + size);
                if (f1 != null) {
                    bars.putIfAbsent("training images", d.imagesLost().get(strategy + "/" + size));
                    bars.put("F1 " + strategy, f1);
                    max = Math.max(max, Math.max(f1, d.imagesLost().get(strategy + "/" + size)));
                }
            }
            values.put(size, bars);
        }
        return barChart("decrease relative to " + d.reference() + " (%): training images and micro-F1", values, series,
                Math.min(0, values.values().stream().flatMap(m -> m.values().stream()).mapToDouble(v -> v).min().orElse(0)),
                Math.ceil(max / 10) * 10, "%.1f");
    }

    /** Figure 8: the micro-F1 gained (percent) by each strategy's augmented form, per size. */
    static String gainChart(List<Gain> gains) {
        List<String> series = gains.stream().map(g -> g.strategy() + "-aug vs " + g.strategy()).distinct().toList();
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        for (Gain g : gains) {
            values.computeIfAbsent(g.size(), k -> new LinkedHashMap<>()).put(g.strategy() + "-aug vs " + g.strategy(),
                    g.percent());
        }
        double lo = Math.min(0, Math.floor(gains.stream().mapToDouble(Gain::percent).min().orElse(0)));
        double hi = Math.max(1, Math.ceil(gains.stream().mapToDouble(Gain::percent).max().orElse(1)));
        return barChart("micro-F1 gained from augmentation (%)", values, series, lo, hi, "%+.1f");
    }

    /**
     * A grouped bar chart: one group per key of {@code values}, one bar per series present in it, on a linear axis
     * from {@code min} to {@code max} with bars drawn from zero (so losses and gains below zero hang down).
     */
    static String barChart(String title, Map<String, Map<String, Double>> values, List<String> series, double min,
                           double max, String format) {
        String[] colours = COLOURS;
        int width = 640, height = 360, left = 50, bottom = 300, top = 30;
        double groupWidth = (width - left - 20) / (double) Math.max(1, values.size());
        double barWidth = groupWidth * 0.8 / Math.max(1, series.size());
        java.util.function.DoubleUnaryOperator y = v -> bottom - (bottom - top) * (v - min) / (max - min);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        svg.append("<title>").append(escape(title)).append("</title>\n");
        for (int t = 0; t <= 5; t++) {
            double v = min + (max - min) * t / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left, width - 20, y.applyAsDouble(v),
                    y.applyAsDouble(v), left - 6, y.applyAsDouble(v) + 4,
                    String.format(Locale.ROOT, max - min >= 10 ? "%.0f" : "%.2f", v)));
        }
        double zero = y.applyAsDouble(Math.max(min, Math.min(max, 0)));
        int g = 0;
        for (Map.Entry<String, Map<String, Double>> group : values.entrySet()) {
            double x0 = left + g * groupWidth + groupWidth * 0.1;
            for (int s = 0; s < series.size(); s++) {
                Double v = group.getValue().get(series.get(s));
                if (v == null) {
                    continue;
                }
                double yv = y.applyAsDouble(v);
                double x = x0 + s * barWidth;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                                + "<title>%s %s: %s</title></rect>"
                                + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n",
                        x, Math.min(yv, zero), barWidth - 2, Math.abs(zero - yv), colours[s % colours.length],
                        escape(group.getKey()), escape(series.get(s)), String.format(Locale.ROOT, format, v),
                        x + barWidth / 2 - 1, v >= 0 ? yv - 3 : yv + 11, String.format(Locale.ROOT, format, v)));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x0 + groupWidth * 0.4, bottom + 18, escape(group.getKey())));
            g++;
        }
        int lx = left;
        for (int s = 0; s < series.size(); s++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, height - 24, colours[s % colours.length], lx + 16,
                    height - 14, escape(series.get(s))));
            lx += Math.max(90, 16 + 7 * series.get(s).length());
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\">%s</text>%n", left, escape(title)));
        return svg.append("</svg>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
