package io.transferlab.cli;

import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.core.split.DatasetSplit;
import io.transferlab.core.split.StratifiedSplitter;
import io.transferlab.core.split.StudyPreset;
import io.transferlab.core.study.Backbone;
import io.transferlab.core.study.Protocol;
import io.transferlab.core.study.Strategy;
import io.transferlab.core.metrics.Bootstrap;
import io.transferlab.core.metrics.ClassificationMetrics;
import io.transferlab.ml.ComputeDevice;
import io.transferlab.ml.checkpoint.Checkpoint;
import io.transferlab.ml.engine.AugmentationPlan;
import io.transferlab.ml.engine.ImageRef;
import io.transferlab.ml.engine.RunOutcome;
import io.transferlab.ml.engine.RunParts;
import io.transferlab.ml.engine.TransferEngine;
import io.transferlab.ml.train.EpochListener;
import io.transferlab.ml.train.EpochStats;
import io.transferlab.ml.train.TrainingSettings;
import io.transferlab.ml.weights.ImageNetWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Run a whole study in one process: split, one backbone pass, every strategy on every size,"
                + " then results.json, report.md and the figure.")
final class StudyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "The dataset folder (ImageFolder or Oxford-102 layout).")
    Path data;

    @Option(names = "--preset", defaultValue = "seed-2020", description = "Preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--sizes", split = ",", description = "Training sizes (default: all of the preset).")
    List<String> sizes;

    @Option(names = "--strategies", split = ",", defaultValue = "fe,ft",
            description = "Strategies among fe, ft, fe-aug, ft-aug, lp, ft5, ft5-aug (default: ${DEFAULT-VALUE}).")
    List<String> strategies;

    @Option(names = "--seed", defaultValue = "42", description = "Split and training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", split = ",",
            description = "Seeds to repeat every run with, each its own split and head initialisation (default: --seed;"
                    + " for the learning-curve preset --seed, --seed+1, --seed+2).")
    List<Long> seeds;

    @Option(names = "--target-f1", split = ",",
            description = "Micro-F1 values the learning-curve answer is given for (default: 95 % of each fitted"
                    + " plateau, and 0.9).")
    List<Double> targetF1;

    @Option(names = "--weights", description = "The weights cache folder (default: ~/.cache/transferlab/weights).")
    Path weights;

    @Option(names = "--cache", description = "The feature cache folder (default: ~/.cache/transferlab/features).")
    Path cache;

    @Option(names = "--classes", description = "Keep only the first N classes, for quick runs.")
    Integer classes;

    @Option(names = "--aug-mode", defaultValue = Protocol.AUGMENTATION_MODE,
            description = "views: K augmented views per training image through the frozen prefix once (CPU);"
                    + " online: a full forward per step (default: ${DEFAULT-VALUE}).")
    String augMode;

    @Option(names = "--aug-views", defaultValue = Protocol.AUGMENTATION_VIEWS_TEXT, description = "Views per training image in views mode (default: ${DEFAULT-VALUE}).")
    int augViews;

    @Option(names = "--fe-epochs", defaultValue = Protocol.FEATURE_EXTRACTION_EPOCHS_TEXT, description = "Most feature-extraction epochs (default: ${DEFAULT-VALUE}).")
    int feEpochs;

    @Option(names = "--ft-epochs", defaultValue = Protocol.FINE_TUNING_EPOCHS_TEXT, description = "Most fine-tuning epochs (default: ${DEFAULT-VALUE}).")
    int ftEpochs;

    @Option(names = "--out", required = true, description = "Where results.json, report.md, the figure and checkpoints go.")
    Path out;

    /** Results an earlier invocation left in --out, or null. */
    private StudyReport.Study earlier;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        long start = System.nanoTime();
        List<Strategy> requested = strategies.stream().map(Strategy::of).toList();
        AugmentationPlan augmentation = AugmentationPlan.named(augMode, augViews);
        StudyPreset studyPreset = StudyPreset.named(preset);
        List<String> sizeNames = sizes == null ? studyPreset.sizeNames() : sizes;
        sizeNames.forEach(studyPreset::size);
        List<Long> runSeeds = runSeeds(studyPreset);
        if (targetF1 != null && targetF1.stream().anyMatch(t -> t == null || !(t > 0 && t < 1))) {
            throw new IllegalArgumentException("--target-f1 values must be between 0 and 1, got " + targetF1);
        }
        DatasetIndex index = DatasetScanner.scan(data);
        if (classes != null) {
            index = index.firstClasses(classes);
        }
        console.printf("%s: %s layout, %d classes, %d images (%d left out), version %s; %s%n", data, index.layout(),
                index.classes().size(), index.images().size(), index.skipped().size(), index.contentVersion(),
                ComputeDevice.describe());

        // every seed's splits first, so a dataset too small for one is refused before any work
        Map<Long, Map<String, DatasetSplit>> splitsBySeed = new LinkedHashMap<>();
        for (long runSeed : runSeeds) {
            Map<String, DatasetSplit> splits = new LinkedHashMap<>();
            for (String size : sizeNames) {
                splits.put(size, StratifiedSplitter.split(index, studyPreset.size(size), runSeed));
            }
            splitsBySeed.put(runSeed, splits);
        }
        // hash every image once (the cache key), then one backbone pass over all of them
        // ImageRef's files are absolute (checked within the dataset's real folder): relativize against the same form,
        // or a relative --data (the README's ../shared/...) fails with "'other' is different type of Path"
        Map<String, ImageRef> refs = new HashMap<>();
        Path absoluteRoot = index.root().toAbsolutePath().normalize();
        for (ImageRef ref : ImageRef.of(index.root(), index.images())) {
            refs.put(absoluteRoot.relativize(ref.file()).toString().replace('\\', '/'), ref);
        }
        Path weightsDir = weights != null ? weights : ImageNetWeights.cacheDir();
        Path cacheDir = cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "transferlab", "features");
        List<StudyReport.RunResult> results = new ArrayList<>();
        double backboneSeconds;
        try (TransferEngine engine = new TransferEngine(ImageNetWeights.resnet50(weightsDir), cacheDir,
                Math.max(2, Runtime.getRuntime().availableProcessors()), 32)) {
            earlier = continuedStudy(index, engine, console);
            long backboneStart = System.nanoTime();
            ProgressBar backbone = new ProgressBar(console, "backbone pass");
            // the unfrozen units' inputs (25-50× the pooled features) only when a fine-tuning will train from them
            engine.ensureFeatures(new ArrayList<>(refs.values()), Strategy.trainingPlan(requested),
                    (done, total) -> backbone.update(done, total, "images"));
            backboneSeconds = (System.nanoTime() - backboneStart) / 1e9;
            backbone.finish(String.format(Locale.ROOT, "every activation cached (%.1f images/s)",
                    refs.size() / Math.max(backboneSeconds, 1e-9)));
            for (Map.Entry<Long, Map<String, DatasetSplit>> seeded : splitsBySeed.entrySet()) {
                long runSeed = seeded.getKey();
                for (Map.Entry<String, DatasetSplit> entry : seeded.getValue().entrySet()) {
                    String size = entry.getKey();
                    List<ImageRef> train = refsOf(refs, entry.getValue().train());
                    List<ImageRef> val = refsOf(refs, entry.getValue().val());
                    List<ImageRef> test = refsOf(refs, entry.getValue().test());
                    Map<Strategy, byte[]> baseHeads = new HashMap<>();
                    for (Strategy strategy : Strategy.trainingPlan(requested)) {
                        AugmentationPlan plan = strategy.augmented() ? augmentation : AugmentationPlan.NONE;
                        ProgressBar bar = new ProgressBar(console, size + " " + strategy.id());
                        EpochListener listener = new EpochListener() {
                            @Override
                            public void onEpoch(EpochStats stats, int max) {
                                bar.update(stats.epoch(), max, String.format(Locale.ROOT, "loss %.3f val %.3f acc %.3f",
                                        stats.trainLoss(), stats.valLoss(), stats.valAccuracy()));
                            }

                            @Override
                            public void onTrialEpoch(String trial, EpochStats stats, int max) {
                                bar.update(stats.epoch(), max, String.format(Locale.ROOT, "trial %s: val %.3f acc %.3f",
                                        trial, stats.valLoss(), stats.valAccuracy()));
                            }
                        };
                        String name = size + "-" + strategy.id() + "-seed" + runSeed;
                        // a restarted study resumes each run after its last finished epoch
                        Path progress = out.resolve("checkpoints").resolve(name + ".progress");
                        RunOutcome outcome = engine.train(strategy, new RunParts(train, val, index.classes().size()),
                                TrainingSettings.of(strategy, runSeed).withMaxEpochs(strategy.fineTuning() ? ftEpochs : feEpochs),
                                plan, strategy.fineTuning() ? baseHeads.get(strategy.base()) : null, listener, progress);
                        if (!strategy.fineTuning()) {
                            baseHeads.put(strategy, outcome.tailWeights());
                        }
                        ClassificationMetrics metrics = engine.evaluate(strategy, outcome.tailWeights(), test,
                                index.classes().size());
                        bar.finish(String.format(Locale.ROOT, "micro-F1 %.4f macro-F1 %.4f, %d epochs (best %d)",
                                metrics.microF1(), metrics.macroF1(), outcome.history().epochs().size(),
                                outcome.history().bestEpoch()));
                        Path checkpoint = Checkpoint.write(out.resolve("checkpoints"), name, new Checkpoint(
                                Checkpoint.FORMAT_VERSION, strategy.id(), Backbone.RESNET50.id(), engine.weightsSha256(),
                                engine.imageSize(), index.classes(), outcome.augmentationMode(), outcome.history(), null, null),
                                outcome.tailWeights());
                        if (requested.contains(strategy)) {
                            // how uncertain this one run's score is, from its test images alone
                            Bootstrap.Interval interval = Bootstrap.microF1(
                                    (int) Math.round(metrics.microF1() * metrics.samples()), metrics.samples(), runSeed);
                            results.add(new StudyReport.RunResult(size, strategy.id(), outcome.trainImages(),
                                    outcome.valImages(), metrics.samples(), metrics.microF1(),
                                    metrics.macroF1(), metrics.topKAccuracy()[1],
                                    outcome.history().epochs().size(), outcome.history().bestEpoch(),
                                    outcome.history().stoppedEarly(), outcome.trainSeconds(), outcome.augmentationMode(),
                                    outcome.history().keptWeights(), out.relativize(checkpoint).toString(), runSeed,
                                    interval.low(), interval.high(),
                                    metrics.perClass().stream().map(ClassificationMetrics.ClassScore::f1).toList()));
                            // the report grows run by run, so a long study shows its results as they come
                            writeReport(index, engine, start, backboneSeconds, results, sizeNames, requested);
                        }
                    }
                }
            }
            if (!engine.undecodable().isEmpty()) {
                console.printf("%d image(s) could not be decoded and were skipped%n", engine.undecodable().size());
            }
            writeReport(index, engine, start, backboneSeconds, results, sizeNames, requested);
        }
        console.printf(Locale.ROOT, "peak resident memory: %d MiB%n", PeakMemory.peakMiB());
        console.printf("results: %s, %s, %s%n", out.resolve("results.json"), out.resolve("report.md"), out.resolve("micro-f1.svg"));
        return 0;
    }

    /** The runs an earlier invocation left in --out (same dataset, preset, seed and weights); refuses any other study. */
    private StudyReport.Study continuedStudy(DatasetIndex index, TransferEngine engine, PrintWriter console)
            throws java.io.IOException {
        Optional<StudyReport.Study> found = StudyReport.read(out);
        if (found.isEmpty()) {
            return null;
        }
        Optional<String> mismatch = StudyReport.mismatch(found.get(), study(index, engine, 0, 0, List.of()));
        if (mismatch.isPresent()) {
            throw new IllegalArgumentException(out + " holds results of another study (" + mismatch.get()
                    + "); choose another --out");
        }
        console.printf("continuing the study in %s (%d earlier run(s) kept unless rerun)%n", out, found.get().runs().size());
        return found.get();
    }

    private StudyReport.Study study(DatasetIndex index, TransferEngine engine, double wallSeconds, double backboneSeconds,
                                    List<StudyReport.RunResult> runs) {
        // the peak of every invocation that wrote into this study, in the one that is largest
        long peak = PeakMemory.peakMiB();
        if (earlier != null && earlier.peakRssMiB() != null) {
            peak = Math.max(peak, earlier.peakRssMiB());
        }
        return new StudyReport.Study(data.toString(), index.contentVersion(), index.layout(), index.classes().size(),
                preset, seed, Backbone.RESNET50.id(), engine.weightsSha256(), ComputeDevice.describe(),
                engine.undecodable().size(), wallSeconds, backboneSeconds, peak, runs, index.classes());
    }

    private void writeReport(DatasetIndex index, TransferEngine engine, long start, double backboneSeconds,
                             List<StudyReport.RunResult> results, List<String> sizeNames, List<Strategy> requested)
            throws java.io.IOException {
        List<StudyReport.RunResult> runs = new ArrayList<>();
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        List<String> sizeOrder = new ArrayList<>(sizeNames);
        List<String> strategyOrder = new ArrayList<>(requested.stream().map(Strategy::id).toList());
        if (earlier != null) {
            // earlier runs not redone now stay, and the table follows the preset's and the strategies' own order
            for (StudyReport.RunResult run : earlier.runs()) {
                boolean redone = results.stream().anyMatch(r -> r.size().equals(run.size())
                        && r.strategy().equals(run.strategy()) && r.seedOr(seed) == run.seedOr(seed));
                if (!redone) {
                    runs.add(run);
                }
            }
            wallSeconds += earlier.wallSeconds();
            backboneSeconds += earlier.backboneSeconds();
            StudyPreset studyPreset = StudyPreset.named(preset);
            List<String> allSizes = new ArrayList<>(sizeOrder);
            runs.forEach(r -> allSizes.add(r.size()));
            sizeOrder = studyPreset.sizeNames().stream().filter(allSizes::contains).toList();
            List<String> allStrategies = new ArrayList<>(strategyOrder);
            runs.forEach(r -> allStrategies.add(r.strategy()));
            strategyOrder = java.util.Arrays.stream(Strategy.values()).map(Strategy::id).filter(allStrategies::contains).toList();
        }
        runs.addAll(results);
        StudyReport.write(out, study(index, engine, wallSeconds, backboneSeconds, List.copyOf(runs)), sizeOrder, strategyOrder,
                targetF1);
    }

    /** --seeds (the first becomes the study's seed), or the preset's default count of seeds from --seed on. */
    private List<Long> runSeeds(StudyPreset studyPreset) {
        List<Long> chosen = new ArrayList<>();
        if (seeds == null) {
            for (int i = 0; i < studyPreset.defaultSeeds(); i++) {
                chosen.add(seed + i);
            }
        } else {
            chosen.addAll(seeds);
        }
        if (chosen.isEmpty() || chosen.stream().anyMatch(java.util.Objects::isNull)
                || new java.util.HashSet<>(chosen).size() != chosen.size()) {
            throw new IllegalArgumentException("--seeds must list distinct seeds, got " + chosen);
        }
        // the study is known by its first seed, as a one-seed study by --seed
        seed = chosen.get(0);
        return List.copyOf(chosen);
    }

    private static List<ImageRef> refsOf(Map<String, ImageRef> refs, List<io.transferlab.core.dataset.LabeledImage> images) {
        return images.stream().map(i -> refs.get(i.path())).toList();
    }
}
