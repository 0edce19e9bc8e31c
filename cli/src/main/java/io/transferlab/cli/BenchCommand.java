package io.transferlab.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.core.dataset.LabeledImage;
import io.transferlab.core.split.DatasetSplit;
import io.transferlab.core.split.StratifiedSplitter;
import io.transferlab.core.split.StudyPreset;
import io.transferlab.core.study.Protocol;
import io.transferlab.core.study.Strategy;
import io.transferlab.ml.ComputeDevice;
import io.transferlab.ml.OneDnnGuard;
import io.transferlab.ml.backbone.CaffePreprocessing;
import io.transferlab.ml.backbone.FoldedResNet50;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.engine.AugmentationPlan;
import io.transferlab.ml.engine.ImageRef;
import io.transferlab.ml.engine.RunOutcome;
import io.transferlab.ml.engine.RunParts;
import io.transferlab.ml.engine.TransferEngine;
import io.transferlab.ml.image.ImagePipeline;
import io.transferlab.ml.train.EpochListener;
import io.transferlab.ml.train.EpochStats;
import io.transferlab.ml.train.TrainingSettings;
import io.transferlab.ml.weights.ImageNetWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Measures every step of a study — decoding, the frozen backbone, the feature-extraction heads, a cached
 * fine-tuning epoch, peak memory — for the project and, side by side in the same run, for the PyTorch peer (a
 * TorchScript port of the same Keras ResNet50 from the same weights, run by Debian's python3-torch on the same
 * images, the project's own pooled features and splits, and its cached res5c inputs). Prints a table of both,
 * the ratios and the targets, and writes it all to bench.json.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure decoding, the backbone (batch 16 and 32), the seed-2020 feature-extraction head grid"
                + " (time and micro-F1 over several seeds), a cached fine-tuning epoch and peak memory, side by side with"
                + " the PyTorch peer (deploy/bench/install-peer.sh) when python3-torch is installed.")
final class BenchCommand implements Callable<Integer> {

    static final String PEER_MODEL = "resnet50-keras.pt";
    /** The bench's own peak resident memory target (issue 11): 2.5 GiB. */
    static final double BENCH_RSS_TARGET_MIB = 2560;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "The dataset folder.")
    Path data;

    @Option(names = "--classes", description = "Keep only the first N classes.")
    Integer classes;

    @Option(names = "--sample", defaultValue = "256", description = "Images timed for decoding and the backbone (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--seed", defaultValue = "42", description = "The split seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--head-seeds", defaultValue = "3",
            description = "Head initialisation seeds per size, on each side (seed, seed+1, …) (default: ${DEFAULT-VALUE}).")
    int headSeeds;

    @Option(names = "--ft-size", defaultValue = "small",
            description = "The seed-2020 size whose cached fine-tuning epoch is timed (default: ${DEFAULT-VALUE}).")
    String ftSize;

    @Option(names = "--weights", description = "The weights cache folder.")
    Path weights;

    @Option(names = "--cache", description = "The feature cache folder (default: a fresh one under --out).")
    Path cache;

    @Option(names = "--peer", defaultValue = "auto",
            description = "auto: run the PyTorch peer when python3-torch is there, else say it was skipped; off; on: fail"
                    + " without it (default: ${DEFAULT-VALUE}).")
    String peer;

    @Option(names = "--peer-python", defaultValue = "/usr/bin/python3", description = "The interpreter with torch (default: ${DEFAULT-VALUE}).")
    Path peerPython;

    @Option(names = "--fixtures", defaultValue = "../shared/fixtures/resnet50-keras",
            description = "Keras' exact inputs and pooled features, to check fidelity (default: ${DEFAULT-VALUE}; skipped when absent).")
    Path fixturesDir;

    @Option(names = "--out", required = true, description = "Where bench.json goes.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        if (!List.of("auto", "off", "on").contains(peer)) {
            throw new IllegalArgumentException("--peer must be auto, off or on, not '" + peer + "'");
        }
        if (headSeeds < 1 || sample < 1) {
            throw new IllegalArgumentException("--head-seeds and --sample must be at least 1");
        }
        StudyPreset preset = StudyPreset.SEED_2020;
        preset.size(ftSize);
        // whether the peer can run is known before an hour of measuring, not after
        String peerMissing = peer.equals("off") ? "--peer off" : peerProblem();
        if (peerMissing != null && peer.equals("on")) {
            throw new IllegalStateException("the PyTorch peer cannot run: " + peerMissing);
        }
        DatasetIndex index = DatasetScanner.scan(data);
        if (classes != null) {
            index = index.firstClasses(classes);
        }
        int classCount = index.classes().size();
        List<ImageRef> all = ImageRef.of(index.root(), index.images());
        List<ImageRef> sampled = all.subList(0, Math.min(sample, all.size()));
        Map<String, Object> bench = new LinkedHashMap<>();
        bench.put("device", ComputeDevice.describe());
        bench.put("cpus", Runtime.getRuntime().availableProcessors());
        bench.put("images", all.size());
        bench.put("classes", classCount);
        bench.put("sample", sampled.size());
        Map<String, Object> ours = new LinkedHashMap<>();
        bench.put("project", ours);
        Files.createDirectories(out);
        Path exchange = Files.createDirectories(out.resolve("peer-input"));
        Path cacheDir = cache != null ? cache : out.resolve("feature-cache");
        Map<String, DatasetSplit> splits = new LinkedHashMap<>();
        for (String size : preset.sizeNames()) {
            splits.put(size, StratifiedSplitter.split(index, preset.size(size), seed));
        }
        Map<String, Object> peerRequest = new LinkedHashMap<>();
        Path weightsDir = weights != null ? weights : ImageNetWeights.cacheDir();
        PeakMemory.Steps memory = new PeakMemory.Steps();
        try (TransferEngine engine = new TransferEngine(ImageNetWeights.resnet50(weightsDir), cacheDir,
                Math.max(2, Runtime.getRuntime().availableProcessors()), 32)) {
            ImagePipeline pipeline = engine.pipeline();
            // 1. decoding (+ resize to 224×224), the same files the peer decodes
            List<Path> files = sampled.stream().map(ImageRef::file).toList();
            long t = System.nanoTime();
            ImagePipeline.Loaded loaded = pipeline.loadAll(files, null);
            ours.put("decodeImagesPerSecond", files.size() / seconds(t));
            List<byte[]> pixels = new ArrayList<>(List.of(loaded.pixels()));
            pixels.removeIf(p -> p == null);
            memory.end("load+decode");

            // 2. the frozen backbone (stem to res5c + pooling), inference, at batch 16 and 32
            Map<String, Object> backbone = new LinkedHashMap<>();
            for (int batch : new int[]{16, 32}) {
                backbone.put(String.valueOf(batch), backboneImagesPerSecond(engine, pixels, batch));
            }
            ours.put("backboneImagesPerSecond", backbone);
            Path fixtures = Files.isDirectory(fixturesDir) ? fixturesDir : null;
            if (fixtures != null) {
                ours.put("fixtureRelativeError", fixtureError(engine.frozen(), fixtures));
            }
            console.printf(Locale.ROOT, "backbone: %.1f images/s at batch 16, %.1f at 32%n", backbone.get("16"),
                    backbone.get("32"));
            pixels = null;
            loaded = null;
            memory.end("backbone");

            // 3. one pass over the dataset for the pooled features (a warm cache makes it instant)
            t = System.nanoTime();
            ProgressBar pass = new ProgressBar(console, "backbone pass");
            engine.ensureFeatures(all, List.of(Strategy.FE), (done, total) -> pass.update(done, total, "images"));
            double passSeconds = seconds(t);
            pass.finish(String.format(Locale.ROOT, "%.0f s", passSeconds));
            ours.put("featurePassSecondsMeasured", passSeconds);
            double passAtBenchRate = all.size() / (double) backbone.get("32");
            ours.put("backbonePassSeconds", passAtBenchRate);
            memory.end("pass");

            // 4. the seed-2020 fe grid: 3 sizes, the protocol's 30 epochs, validation each epoch, several head seeds
            List<Map<String, Object>> grid = new ArrayList<>();
            double headSeconds = 0;
            long headSteps = 0;
            Map<String, byte[]> ftHeads = new HashMap<>();
            ProgressBar heads = new ProgressBar(console, "fe head grid");
            int done = 0;
            for (int s = 0; s < headSeeds; s++) {
                for (Map.Entry<String, DatasetSplit> entry : splits.entrySet()) {
                    List<ImageRef> train = ImageRef.of(index.root(), entry.getValue().train());
                    List<ImageRef> val = ImageRef.of(index.root(), entry.getValue().val());
                    List<ImageRef> test = ImageRef.of(index.root(), entry.getValue().test());
                    RunOutcome fe = engine.train(Strategy.FE, new RunParts(train, val, classCount),
                            TrainingSettings.featureExtraction(seed + s), AugmentationPlan.NONE, null, EpochListener.NONE,
                            null);
                    headSeconds += fe.trainSeconds();
                    headSteps += (long) fe.history().epochs().size()
                            * ((fe.trainImages() + Protocol.BATCH_SIZE - 1) / Protocol.BATCH_SIZE);
                    double f1 = engine.evaluate(Strategy.FE, fe.tailWeights(), test, classCount).microF1();
                    grid.add(Map.of("size", entry.getKey(), "seed", seed + s, "epochs", fe.history().epochs().size(),
                            "microF1", f1, "seconds", fe.trainSeconds()));
                    if (s == 0) {
                        ftHeads.put(entry.getKey(), fe.tailWeights());
                    }
                    heads.update(++done, headSeeds * splits.size(), "runs");
                }
            }
            heads.finish(String.format(Locale.ROOT, "%.1f s per grid", headSeconds / headSeeds));
            // what a head step costs, and how much of it is the optimiser's update alone (to say why, if too slow)
            double optimiserSeconds = optimiserSecondsPerStep(classCount);
            ours.put("feGrid", Map.of("runs", grid, "secondsPerGrid", headSeconds / headSeeds,
                    "meanMicroF1", meanBySize(grid), "stepsPerGrid", headSteps / headSeeds,
                    "secondsPerStep", headSeconds / headSteps, "optimiserSecondsPerStep", optimiserSeconds,
                    "kernel", headKernel(classCount)));
            memory.end("heads");

            // 5. a cached fine-tuning epoch (train + validation loss) on one size, the best of two epochs
            DatasetSplit ftSplit = splits.get(ftSize);
            List<ImageRef> ftTrain = ImageRef.of(index.root(), ftSplit.train());
            List<ImageRef> ftVal = ImageRef.of(index.root(), ftSplit.val());
            RunOutcome ft = engine.train(Strategy.FT, new RunParts(ftTrain, ftVal, classCount),
                    TrainingSettings.fineTuning(seed).withMaxEpochs(2), AugmentationPlan.NONE, ftHeads.get(ftSize),
                    EpochListener.NONE, null);
            double epochSeconds = ft.history().epochs().stream().mapToDouble(EpochStats::seconds).min().orElseThrow();
            ours.put("fineTune", Map.of("size", ftSize, "epochSeconds", epochSeconds, "trainImages", ftTrain.size(),
                    "valImages", ftVal.size(), "secondsPerTrainingImage", epochSeconds / ftTrain.size()));
            console.printf(Locale.ROOT, "cached fine-tuning epoch (%s, %d + %d images): %.1f s%n", ftSize, ftTrain.size(),
                    ftVal.size(), epochSeconds);
            memory.end("fineTune");
            // the bench's own figures end here: what follows only writes the peer's inputs
            ours.put("peakRssMiB", memory.overallMiB());
            ours.put("peakRssMiBByStep", memory.peaks());

            if (peerMissing == null) {
                // what the peer works on: the same images, the project's pooled features, splits and res5c inputs
                peerRequest = peerRequest(engine, index, all, sampled, splits, ftTrain, ftVal, classCount, exchange,
                        weightsDir, fixtures);
            }
        }
        if (peerMissing != null && !peer.equals("off")) {
            console.printf("peer skipped: %s%n", peerMissing);
        }
        Map<String, Object> peerResult = peerMissing == null ? runPeer(peerRequest, console) : null;
        bench.put("peer", peerResult != null ? peerResult : Map.of("skipped", peerMissing));
        bench.put("comparison", compare(ours, peerResult));
        deleteTree(exchange);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("bench.json").toFile(), bench);
        printTable(console, bench, ours, peerResult);
        console.printf("bench: %s%n", out.resolve("bench.json"));
        return 0;
    }

    /** Which implementation trained the dense heads, and why not the vector kernel if not. */
    private static String headKernel(int classes) {
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            ai.djl.nn.core.Linear head = io.transferlab.ml.train.TailBlocks.head(manager, classes);
            String kernel = io.transferlab.ml.train.HeadTrainer.denseHeadKernel(head);
            String problem = io.transferlab.ml.train.HeadTrainer.vectorProblem(head);
            return kernel.equals("vector") ? "vector (Java's vector API)" : kernel + (problem == null ? "" : " (" + problem + ")");
        }
    }

    /** DJL's Adam (the protocol's settings) updating a dense head's weights and bias once, alone, in seconds. */
    private static double optimiserSecondsPerStep(int classes) {
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            NDArray weight = manager.randomUniform(-0.02f, 0.02f, new Shape(classes, KerasResNet50.FEATURES));
            NDArray bias = manager.zeros(new Shape(classes));
            NDArray weightGradient = manager.randomNormal(new Shape(classes, KerasResNet50.FEATURES)).muli(1e-3f);
            NDArray biasGradient = manager.randomNormal(new Shape(classes)).muli(1e-3f);
            ai.djl.training.optimizer.Optimizer adam = io.transferlab.ml.train.HeadTrainer.adam(
                    TrainingSettings.featureExtraction(0));
            int warmUp = 50;
            int timed = 500;
            long t = 0;
            for (int i = 0; i < warmUp + timed; i++) {
                if (i == warmUp) {
                    t = System.nanoTime();
                }
                adam.update("weight", weight, weightGradient);
                adam.update("bias", bias, biasGradient);
            }
            return seconds(t) / timed;
        }
    }

    private static double backboneImagesPerSecond(TransferEngine engine, List<byte[]> pixels, int batch) {
        FoldedResNet50 frozen = engine.frozen();
        int stages = frozen.stages().size();
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            forward(manager, engine.pipeline(), frozen, pixels.subList(0, Math.min(batch, pixels.size())), stages); // warm-up
            double best = 0;
            for (int repeat = 0; repeat < 2; repeat++) {
                long t = System.nanoTime();
                for (int from = 0; from < pixels.size(); from += batch) {
                    forward(manager, engine.pipeline(), frozen, pixels.subList(from, Math.min(pixels.size(), from + batch)),
                            stages);
                }
                best = Math.max(best, pixels.size() / seconds(t));
            }
            return best;
        }
    }

    private static void forward(NDManager manager, ImagePipeline pipeline, FoldedResNet50 frozen, List<byte[]> pixels,
                                int stages) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = CaffePreprocessing.fromNhwcBgr(pipeline.toTensor(scope, pixels, null));
            KerasResNet50.globalAveragePool(frozen.forwardStages(x, 0, stages)).toFloatArray();
        }
    }

    /** The largest max-abs difference from Keras' pooled features, relative to their max-abs value, over the fixtures. */
    private static double fixtureError(FoldedResNet50 frozen, Path fixtures) throws IOException {
        double worst = 0;
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            for (String name : new String[]{"bird", "cat", "grace_hopper"}) {
                float[] input = readFloats(fixtures.resolve(name + ".input-224x224x3-hwc-bgr-caffe.f32"));
                float[] want = readFloats(fixtures.resolve(name + ".gap-2048.f32"));
                NDArray x = manager.create(input, new Shape(1, 224, 224, 3)).transpose(0, 3, 1, 2);
                float[] got = KerasResNet50.globalAveragePool(frozen.forwardStages(x, 0, frozen.stages().size()))
                        .toFloatArray();
                double diff = 0;
                double max = 0;
                for (int i = 0; i < want.length; i++) {
                    diff = Math.max(diff, Math.abs(got[i] - want[i]));
                    max = Math.max(max, Math.abs(want[i]));
                }
                worst = Math.max(worst, diff / max);
            }
        }
        return worst;
    }

    private static Map<String, Double> meanBySize(List<Map<String, Object>> runs) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (Map<String, Object> run : runs) {
            double[] sum = sums.computeIfAbsent((String) run.get("size"), k -> new double[2]);
            sum[0] += ((Number) run.get("microF1")).doubleValue();
            sum[1]++;
        }
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((size, sum) -> means.put(size, sum[0] / sum[1]));
        return means;
    }

    private Map<String, Object> peerRequest(TransferEngine engine, DatasetIndex index, List<ImageRef> all,
                                            List<ImageRef> sampled, Map<String, DatasetSplit> splits,
                                            List<ImageRef> ftTrain, List<ImageRef> ftVal, int classCount, Path exchange,
                                            Path weightsDir, Path fixtures) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("weights", weightsDir.toString());
        Path model = peerCacheDir().resolve(PEER_MODEL);
        request.put("model", Files.exists(model) ? model.toString() : null);
        request.put("fixtures", fixtures == null ? null : fixtures.toString());
        request.put("images", sampled.stream().map(i -> i.file().toString()).toList());
        request.put("imageSize", engine.imageSize());
        request.put("batches", List.of(16, 32));
        request.put("repeats", 2);
        request.put("threads", Runtime.getRuntime().availableProcessors());
        // the head grid on the project's own pooled features: every image in index order, splits as indices
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < index.images().size(); i++) {
            position.put(index.images().get(i).path(), i);
        }
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            writeArray(exchange.resolve("features.f32"), engine.pooledFeatures(manager, all), DataType.FLOAT32);
        }
        writeInts(exchange.resolve("labels.i32"), all.stream().mapToInt(ImageRef::label).toArray());
        Map<String, Map<String, List<Integer>>> splitIndices = new LinkedHashMap<>();
        splits.forEach((size, split) -> splitIndices.put(size, Map.of(
                "train", indices(split.train(), position), "val", indices(split.val(), position),
                "test", indices(split.test(), position))));
        new ObjectMapper().writeValue(exchange.resolve("splits.json").toFile(), splitIndices);
        Map<String, Object> heads = new LinkedHashMap<>();
        heads.put("images", all.size());
        heads.put("features", exchange.resolve("features.f32").toString());
        heads.put("labels", exchange.resolve("labels.i32").toString());
        heads.put("splits", exchange.resolve("splits.json").toString());
        heads.put("classes", classCount);
        List<Long> seeds = new ArrayList<>();
        for (int s = 0; s < headSeeds; s++) {
            seeds.add(seed + s);
        }
        heads.put("seeds", seeds);
        heads.put("learningRate", Protocol.FEATURE_EXTRACTION_LEARNING_RATE);
        heads.put("batchSize", Protocol.BATCH_SIZE);
        heads.put("maxEpochs", Protocol.FEATURE_EXTRACTION_EPOCHS);
        heads.put("patience", Protocol.PATIENCE);
        request.put("heads", heads);
        // the fine-tuning epoch on the project's cached res5c inputs (fp16, as cached)
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            writeInBatches(engine, manager, ftTrain, exchange.resolve("ft-train.f16"));
            writeInBatches(engine, manager, ftVal, exchange.resolve("ft-val.f16"));
        }
        writeInts(exchange.resolve("ft-train-labels.i32"), ftTrain.stream().mapToInt(ImageRef::label).toArray());
        writeInts(exchange.resolve("ft-val-labels.i32"), ftVal.stream().mapToInt(ImageRef::label).toArray());
        int side = engine.imageSize() / 32;
        request.put("fineTune", Map.of("trainInputs", exchange.resolve("ft-train.f16").toString(),
                "valInputs", exchange.resolve("ft-val.f16").toString(),
                "trainLabels", exchange.resolve("ft-train-labels.i32").toString(),
                "valLabels", exchange.resolve("ft-val-labels.i32").toString(),
                "height", side, "width", side, "classes", classCount,
                "learningRate", Protocol.FINE_TUNING_LEARNING_RATE, "batchSize", Protocol.BATCH_SIZE, "repeats", 1));
        return request;
    }

    private static List<Integer> indices(List<LabeledImage> images, Map<String, Integer> position) {
        return images.stream().map(i -> position.get(i.path())).toList();
    }

    private static void writeInBatches(TransferEngine engine, NDManager manager, List<ImageRef> images, Path file)
            throws IOException {
        Files.deleteIfExists(file);
        for (int from = 0; from < images.size(); from += 64) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray inputs = engine.blockInputs(scope, images.subList(from, Math.min(images.size(), from + 64)));
                appendArray(file, inputs, DataType.FLOAT16);
            }
        }
    }

    private static void writeArray(Path file, NDArray array, DataType type) throws IOException {
        Files.deleteIfExists(file);
        appendArray(file, array, type);
    }

    private static void appendArray(Path file, NDArray array, DataType type) throws IOException {
        ByteBuffer bytes = array.toType(type, false).toByteBuffer().order(ByteOrder.nativeOrder());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    private static void writeInts(Path file, int[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            bytes.putInt(v);
        }
        Files.write(file, bytes.array());
    }

    /** Runs the peer in a child process (after the project's measurements: one process at a time on the CPUs). */
    private Map<String, Object> runPeer(Map<String, Object> request, PrintWriter console) throws Exception {
        Path script = out.resolve("peer.py");
        try (InputStream in = BenchCommand.class.getResourceAsStream("/peer/peer.py");
             OutputStream os = Files.newOutputStream(script)) {
            in.transferTo(os);
        }
        Path requestFile = out.resolve("peer-request.json");
        Path resultFile = out.resolve("peer.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(requestFile.toFile(), request);
        ProcessBuilder builder = new ProcessBuilder(peerPython.toString(), script.toString(), "bench", "--request",
                requestFile.toString(), "--out", resultFile.toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("peer.log").toFile());
        String limit = OneDnnGuard.limit();
        if (limit != null) {
            // the same oneDNN instruction sets for both sides
            builder.environment().put("ONEDNN_MAX_CPU_ISA", limit);
            builder.environment().put("DNNL_MAX_CPU_ISA", limit);
        }
        console.printf("running the PyTorch peer (%s)…%n", peerPython);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.HOURS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the PyTorch peer failed; its log: " + out.resolve("peer.log") + "\n"
                    + tail(out.resolve("peer.log")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = new ObjectMapper().readValue(resultFile.toFile(), Map.class);
        return result;
    }

    /** Why the peer cannot run here, or null. */
    private String peerProblem() throws InterruptedException {
        if (!Files.isExecutable(peerPython)) {
            return peerPython + " is not there (deploy/bench/install-peer.sh installs Debian's python3-torch)";
        }
        try {
            Process check = new ProcessBuilder(peerPython.toString(), "-c", "import torch, numpy, PIL")
                    .redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes());
            if (!check.waitFor(2, TimeUnit.MINUTES) || check.exitValue() != 0) {
                return peerPython + " cannot import torch, numpy and PIL (deploy/bench/install-peer.sh installs them): "
                        + output.strip().lines().reduce((a, b) -> b).orElse("");
            }
        } catch (IOException e) {
            return "cannot run " + peerPython + ": " + e.getMessage();
        }
        return null;
    }

    static Path peerCacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "transferlab", "peer");
    }

    /** Each ratio with its target: above 1 means the project is ahead (for F1: the gap in points). */
    private static Map<String, Object> compare(Map<String, Object> ours, Map<String, Object> peer) {
        Map<String, Object> c = new LinkedHashMap<>();
        double pass = (double) ours.get("backbonePassSeconds");
        @SuppressWarnings("unchecked")
        Map<String, Object> grid = (Map<String, Object>) ours.get("feGrid");
        double gridSeconds = (double) grid.get("secondsPerGrid");
        c.put("feGridShareOfBackbonePass", ratio(gridSeconds / pass, "<=", 0.02));
        // the floor under the grid's time that the head's own code cannot lower: the optimiser's updates alone
        c.put("feGridOptimiserShareOfBackbonePass", ratio(num(grid.get("optimiserSecondsPerStep"))
                * num(grid.get("stepsPerGrid")) / pass, "info", 0));
        c.put("peakRssMiB", ratio(num(ours.get("peakRssMiB")), "<=", BENCH_RSS_TARGET_MIB));
        if (peer == null) {
            return c;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ourBackbone = (Map<String, Object>) ours.get("backboneImagesPerSecond");
        Map<String, Object> peerBackbone = cast(peer.get("backboneImagesPerSecond"));
        for (String batch : List.of("16", "32")) {
            Map<String, Object> p = cast(peerBackbone.get(batch));
            double mine = (double) ourBackbone.get(batch);
            c.put("backboneVsPeerOptimised@" + batch, ratio(mine / num(p.get("optimised")), ">=", 0.9));
            c.put("backboneVsPeerTorchScript@" + batch, ratio(mine / num(p.get("torchscript")), ">=", 1.0));
        }
        Map<String, Object> peerHeads = cast(peer.get("heads"));
        c.put("feGridSpeedVsPeer", ratio(num(peerHeads.get("secondsPerGrid")) / gridSeconds, ">=", 1.0));
        @SuppressWarnings("unchecked")
        Map<String, Double> ourF1 = (Map<String, Double>) grid.get("meanMicroF1");
        Map<String, double[]> peerF1 = new LinkedHashMap<>();
        for (Object run : (List<?>) peerHeads.get("runs")) {
            Map<String, Object> r = cast(run);
            double[] sum = peerF1.computeIfAbsent((String) r.get("size"), k -> new double[2]);
            sum[0] += num(r.get("microF1"));
            sum[1]++;
        }
        for (Map.Entry<String, Double> e : ourF1.entrySet()) {
            double[] p = peerF1.get(e.getKey());
            double gap = 100 * (e.getValue() - p[0] / p[1]);
            c.put("feMicroF1PointsVsPeer@" + e.getKey(), Map.of("project", e.getValue(), "peer", p[0] / p[1],
                    "value", gap, "target", ">= -0.5", "met", gap >= -0.5));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ourFt = (Map<String, Object>) ours.get("fineTune");
        Map<String, Object> peerFt = cast(peer.get("fineTune"));
        c.put("fineTuneEpochSpeedVsPeer", ratio(num(peerFt.get("epochSeconds")) / (double) ourFt.get("epochSeconds"),
                ">=", 1.0));
        c.put("decodeSpeedVsPeer", ratio((double) ours.get("decodeImagesPerSecond") / num(peer.get("decodeImagesPerSecond")),
                "info", 0));
        c.put("peakRssVsPeer", ratio(num(ours.get("peakRssMiB")) / num(peer.get("peakRssMiB")), "info", 0));
        return c;
    }

    private static Map<String, Object> ratio(double value, String op, double target) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("value", value);
        if (!op.equals("info")) {
            r.put("target", op + " " + target);
            r.put("met", op.equals(">=") ? value >= target : value <= target);
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    private static void printTable(PrintWriter console, Map<String, Object> bench, Map<String, Object> ours,
                                   Map<String, Object> peer) {
        console.printf("%n%s, %s CPUs, %s images, %s classes%n", bench.get("device"), bench.get("cpus"), bench.get("images"),
                bench.get("classes"));
        console.printf(Locale.ROOT, "%-40s %14s %14s%n", "measure", "project", peer == null ? "peer (skipped)" : "PyTorch peer");
        Map<String, Object> ob = cast(ours.get("backboneImagesPerSecond"));
        Map<String, Object> pb = peer == null ? null : cast(peer.get("backboneImagesPerSecond"));
        row(console, "decode images/s", ours.get("decodeImagesPerSecond"), peer == null ? null : peer.get("decodeImagesPerSecond"));
        for (String batch : List.of("16", "32")) {
            row(console, "backbone images/s, batch " + batch, ob.get(batch),
                    pb == null ? null : cast(pb.get(batch)).get("torchscript"));
            row(console, "  (peer frozen + optimize_for_inference)", null,
                    pb == null ? null : cast(pb.get(batch)).get("optimised"));
        }
        row(console, "fixture max relative error", ours.get("fixtureRelativeError"),
                peer == null || peer.get("fixtureRelativeError") == null ? null
                        : cast(peer.get("fixtureRelativeError")).get("optimised"));
        Map<String, Object> grid = cast(ours.get("feGrid"));
        row(console, "fe head grid seconds (3 sizes)", grid.get("secondsPerGrid"),
                peer == null ? null : cast(peer.get("heads")).get("secondsPerGrid"));
        row(console, "cached fine-tuning epoch seconds", cast(ours.get("fineTune")).get("epochSeconds"),
                peer == null ? null : cast(peer.get("fineTune")).get("epochSeconds"));
        row(console, "peak RSS MiB", ours.get("peakRssMiB"), peer == null ? null : peer.get("peakRssMiB"));
        cast(ours.get("peakRssMiBByStep")).forEach((step, mib) -> row(console, "  peak RSS MiB: " + step, mib, null));
        console.printf(Locale.ROOT, "fe head grid: %d steps, %.3f ms a step with validation (kernel: %s); DJL's native Adam"
                        + " update alone takes %.3f ms%n", (long) num(grid.get("stepsPerGrid")),
                1000 * num(grid.get("secondsPerStep")), grid.get("kernel"), 1000 * num(grid.get("optimiserSecondsPerStep")));
        console.printf("%n%-40s %10s %10s %5s%n", "ratio", "value", "target", "met");
        Map<String, Object> comparison = cast(bench.get("comparison"));
        for (Map.Entry<String, Object> e : comparison.entrySet()) {
            Map<String, Object> r = cast(e.getValue());
            console.printf(Locale.ROOT, "%-40s %10.4f %10s %5s%n", e.getKey(), num(r.get("value")),
                    r.getOrDefault("target", ""), r.containsKey("met") ? ((Boolean) r.get("met") ? "yes" : "NO") : "");
        }
    }

    private static void row(PrintWriter console, String what, Object ours, Object peer) {
        console.printf(Locale.ROOT, "%-40s %14s %14s%n", what, format(ours), format(peer));
    }

    private static String format(Object value) {
        if (value == null) {
            return "";
        }
        double v = num(value);
        return Math.abs(v) < 0.01 && v != 0 ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(values);
        return values;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
