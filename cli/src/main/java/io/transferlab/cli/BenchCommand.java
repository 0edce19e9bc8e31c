package io.transferlab.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.core.split.DatasetSplit;
import io.transferlab.core.split.StratifiedSplitter;
import io.transferlab.core.split.StudyPreset;
import io.transferlab.ml.ComputeDevice;
import io.transferlab.ml.backbone.CaffePreprocessing;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.engine.AugmentationPlan;
import io.transferlab.ml.engine.ImageRef;
import io.transferlab.ml.engine.RunOutcome;
import io.transferlab.ml.engine.TransferEngine;
import io.transferlab.ml.image.ImagePipeline;
import io.transferlab.ml.train.EpochListener;
import io.transferlab.ml.train.HeadTrainer;
import io.transferlab.ml.train.TailBlocks;
import io.transferlab.ml.train.TrainingSettings;
import io.transferlab.ml.weights.ImageNetWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure decoding, the backbone, the feature-extraction grid with the cache against recomputing"
                + " the backbone every epoch, a fine-tuning epoch cached against a full forward, and peak memory.")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "The dataset folder.")
    Path data;

    @Option(names = "--classes", description = "Keep only the first N classes.")
    Integer classes;

    @Option(names = "--sample", defaultValue = "64", description = "Images timed for decoding, backbone and FT steps (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--weights", description = "The weights cache folder.")
    Path weights;

    @Option(names = "--cache", description = "The feature cache folder (default: a fresh one under --out).")
    Path cache;

    @Option(names = "--out", required = true, description = "Where bench.json goes.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        DatasetIndex index = DatasetScanner.scan(data);
        if (classes != null) {
            index = index.firstClasses(classes);
        }
        List<ImageRef> all = ImageRef.of(index.root(), index.images());
        List<ImageRef> sampled = all.subList(0, Math.min(sample, all.size()));
        Map<String, Object> bench = new LinkedHashMap<>();
        bench.put("device", ComputeDevice.describe());
        bench.put("images", all.size());
        bench.put("classes", index.classes().size());
        Path cacheDir = cache != null ? cache : out.resolve("feature-cache");
        try (TransferEngine engine = new TransferEngine(
                ImageNetWeights.resnet50(weights != null ? weights : ImageNetWeights.cacheDir()), cacheDir,
                Math.max(2, Runtime.getRuntime().availableProcessors()), 32);
             ImagePipeline pipeline = new ImagePipeline(224, Math.max(2, Runtime.getRuntime().availableProcessors()));
             NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            // 1. decoding (+ resize to 224×224)
            List<Path> files = sampled.stream().map(ImageRef::file).toList();
            pipeline.loadAll(files, null); // warm-up
            long t = System.nanoTime();
            ImagePipeline.Loaded loaded = pipeline.loadAll(files, null);
            double decodePerSecond = files.size() / seconds(t);
            bench.put("decodeImagesPerSecond", decodePerSecond);

            // 2. the whole frozen backbone (stem to res5c + pooling), inference, batches of 32
            KerasResNet50 backbone = engine.backbone();
            ParameterStore ps = new ParameterStore(manager, false);
            List<byte[]> pixels = new ArrayList<>(List.of(loaded.pixels()));
            int stages = backbone.stages().size();
            int lastUnit = backbone.stages().indexOf(KerasResNet50.LAST_UNIT);
            forward(manager, pipeline, backbone, ps, pixels.subList(0, Math.min(8, pixels.size())), stages); // warm-up
            t = System.nanoTime();
            for (int from = 0; from < pixels.size(); from += 32) {
                forward(manager, pipeline, backbone, ps, pixels.subList(from, Math.min(pixels.size(), from + 32)), stages);
            }
            double backbonePerSecond = pixels.size() / seconds(t);
            bench.put("backboneImagesPerSecond", backbonePerSecond);
            t = System.nanoTime();
            for (int from = 0; from < pixels.size(); from += 32) {
                forward(manager, pipeline, backbone, ps, pixels.subList(from, Math.min(pixels.size(), from + 32)), lastUnit);
            }
            double prefixSecondsPerImage = seconds(t) / pixels.size();

            engine.ensureFeatures(sampled, (done, total) -> { });
            // 3. one fine-tuning step over the sample: from the cache, and with the frozen prefix recomputed
            byte[] freshHead = HeadTrainer.snapshot(TailBlocks.head(manager, index.classes().size()));
            SequentialBlock tail = TailBlocks.fineTuneTail(manager, backbone, freshHead, index.classes().size(), TransferEngine.SEED_IMAGE_SIZE);
            double cachedStepPerImage = fineTuneStepSeconds(manager, engine, tail, sampled) / sampled.size();
            bench.put("ftEpochSecondsPerImageCached", cachedStepPerImage);
            bench.put("ftEpochSecondsPerImageFullForward", cachedStepPerImage + prefixSecondsPerImage);
            bench.put("ftSpeedup", (cachedStepPerImage + prefixSecondsPerImage) / cachedStepPerImage);
            // 4. the feature-extraction grid (seed-2020, every size) from the cache, for real
            t = System.nanoTime();
            engine.ensureFeatures(all, (done, total) -> { });
            double cachePassSeconds = seconds(t);
            double headSeconds = 0;
            long imageEpochs = 0;
            List<Map<String, Object>> grid = new ArrayList<>();
            for (String size : StudyPreset.SEED_2020.sizeNames()) {
                DatasetSplit split = StratifiedSplitter.split(index, StudyPreset.SEED_2020.size(size), seed);
                List<ImageRef> train = ImageRef.of(index.root(), split.train());
                List<ImageRef> val = ImageRef.of(index.root(), split.val());
                List<ImageRef> test = ImageRef.of(index.root(), split.test());
                RunOutcome fe = engine.featureExtraction(train, val, test, index.classes().size(),
                        TrainingSettings.featureExtraction(seed), AugmentationPlan.NONE, EpochListener.NONE);
                headSeconds += fe.trainSeconds();
                int epochs = fe.history().epochs().size();
                imageEpochs += (long) epochs * (train.size() + val.size());
                grid.add(Map.of("size", size, "epochs", epochs, "microF1", fe.metrics().microF1(),
                        "seconds", fe.trainSeconds()));
            }
            // Both sides at the backbone rate measured above: with the cache, one pass over every distinct image;
            // without it, every epoch pushes its training and validation images through the backbone again.
            long distinct = all.stream().map(ImageRef::contentHash).distinct().count();
            double cachedGrid = distinct / backbonePerSecond + headSeconds;
            double uncachedGrid = imageEpochs / backbonePerSecond + headSeconds;
            bench.put("cachePassSecondsMeasured", cachePassSeconds);
            bench.put("feGridHeadTrainingSeconds", headSeconds);
            bench.put("feGridImageEpochs", imageEpochs);
            bench.put("feGrid", grid);
            bench.put("feGridCachedSeconds", cachedGrid);
            bench.put("feGridRecomputingSeconds", uncachedGrid);
            bench.put("feGridSpeedup", uncachedGrid / cachedGrid);

        }
        bench.put("peakRssMiB", peakRssMiB());
        Files.createDirectories(out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("bench.json").toFile(), bench);
        console.printf(Locale.ROOT, "%-44s %12s%n", "measure", "value");
        for (Map.Entry<String, Object> e : bench.entrySet()) {
            if (!(e.getValue() instanceof List)) {
                console.printf(Locale.ROOT, "%-44s %12s%n", e.getKey(),
                        e.getValue() instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : e.getValue());
            }
        }
        console.printf("bench: %s%n", out.resolve("bench.json"));
        return 0;
    }

    private static void forward(NDManager manager, ImagePipeline pipeline, KerasResNet50 backbone, ParameterStore ps,
                                List<byte[]> pixels, int stages) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = CaffePreprocessing.fromNhwcBgr(pipeline.toTensor(scope, pixels, null));
            backbone.forwardStages(ps, x, false, 0, stages).toFloatArray();
        }
    }

    /** One forward and backward pass of the fine-tuning tail over the sample, in batches of 16, from the cache. */
    private static double fineTuneStepSeconds(NDManager manager, TransferEngine engine, SequentialBlock tail,
                                              List<ImageRef> sample) {
        ParameterStore ps = new ParameterStore(manager, false);
        tail.getParameters().values().stream().filter(ai.djl.nn.Parameter::requiresGradient)
                .forEach(p -> p.getArray().setRequiresGradient(true));
        long t = System.nanoTime();
        for (int from = 0; from < sample.size(); from += 16) {
            try (NDManager scope = manager.newSubManager();
                 GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray x = engine.blockInputs(scope, sample.subList(from, Math.min(sample.size(), from + 16)));
                NDArray logits = tail.forward(ps, new NDList(x), true).singletonOrThrow();
                collector.backward(logits.logSoftmax(1).mean().neg());
            }
        }
        return seconds(t);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
