package io.transferlab.ml.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import io.transferlab.core.metrics.ClassificationMetrics;
import io.transferlab.core.study.Backbone;
import io.transferlab.core.study.Protocol;
import io.transferlab.core.study.Strategy;
import io.transferlab.ml.ComputeDevice;
import io.transferlab.ml.backbone.CaffePreprocessing;
import io.transferlab.ml.backbone.FoldedResNet50;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.cache.FeatureCache;
import io.transferlab.ml.image.Augmentation;
import io.transferlab.ml.image.ImagePipeline;
import io.transferlab.ml.train.BatchSource;
import io.transferlab.ml.train.EpochListener;
import io.transferlab.ml.train.EpochStats;
import io.transferlab.ml.train.HeadTrainer;
import io.transferlab.ml.train.LinearProbe;
import io.transferlab.ml.train.TailBlocks;
import io.transferlab.ml.train.TrainingHistory;
import io.transferlab.ml.train.TrainingSettings;
import io.transferlab.ml.weights.ImageNetWeights;
import io.transferlab.ml.weights.KerasWeightLoader;
import io.transferlab.ml.weights.TfjsLayersModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The seed's four strategies and the linear probe on Keras' ResNet50, computing each frozen activation once.
 *
 * <p>The frozen part of the network is a pure function of the image, so one backbone pass (its inference form,
 * {@link FoldedResNet50}) stores, per image, the pooled features (fp32, what feature extraction trains from) and —
 * only when a fine-tuning needs them — the input of the last unit {@code res5c} (fp16, what fine-tuning trains
 * from), keyed by backbone, weights, preprocessing, layer and view. Every size, seed and head of a study reuses
 * them. Augmented runs use K augmented views per training image pushed through the same prefix once ("views"
 * mode), or a full forward per step ("online" mode, for GPUs).
 *
 * <p>One entry point trains every strategy ({@link #train}); {@link #evaluate} scores a trained tail on a test
 * set. The CLI composes the two; the trainer-service only trains and the evaluator-service only evaluates.
 */
public final class TransferEngine implements AutoCloseable {

    public static final String MODE_NONE = "none";
    public static final String MODE_VIEWS = Protocol.AUGMENTATION_MODE;
    public static final String MODE_ONLINE = "online";
    public static final int SEED_IMAGE_SIZE = Protocol.IMAGE_SIZE;
    /** The only backbone this engine builds (see {@link Backbone}). */
    public static final Backbone BACKBONE = Backbone.RESNET50;
    private static final int[] TOP_K = {1, 5};

    private final NDManager manager;
    private final KerasResNet50 backbone;
    private final FoldedResNet50 frozen;
    private final String weightsSha256;
    private final ImagePipeline pipeline;
    private final Path cacheRoot;
    private final int inferenceBatch;
    private final int lastUnitStage;
    /** Where stage 5 begins (res5a): the deeper fine-tuning trains from here. */
    private final int stage5Stage;
    private final Set<String> undecodable = new HashSet<>();
    private final int imageSize;
    /** Waits for the next batch's decoding (the pipeline's own threads decode). */
    private final ExecutorService decodeAhead = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "transferlab-decode-ahead");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * The engine a service runs: ResNet50 with the ImageNet weights from {@code weightsDir} (default: the weights
     * cache, {@link ImageNetWeights#cacheDir()}), the feature cache at {@code featureCache}, a decoding thread per
     * core (at least 2) and images resized to {@code imageSize}².
     */
    public static TransferEngine open(Optional<Path> weightsDir, Path featureCache, int inferenceBatch, int imageSize) {
        Path weights = weightsDir.orElseGet(ImageNetWeights::cacheDir);
        return new TransferEngine(ImageNetWeights.resnet50(weights), featureCache,
                Math.max(2, Runtime.getRuntime().availableProcessors()), inferenceBatch, imageSize);
    }

    /** The seed's protocol: images resized to 224×224. */
    public TransferEngine(TfjsLayersModel weights, Path cacheRoot, int decodeThreads, int inferenceBatch) {
        this(weights, cacheRoot, decodeThreads, inferenceBatch, SEED_IMAGE_SIZE);
    }

    /** Images resized to {@code imageSize}² (a multiple of 32; smaller sizes make quick end-to-end runs). */
    public TransferEngine(TfjsLayersModel weights, Path cacheRoot, int decodeThreads, int inferenceBatch, int imageSize) {
        if (imageSize < 32 || imageSize % 32 != 0) {
            throw new IllegalArgumentException("image size must be a multiple of 32 of at least 32, was " + imageSize);
        }
        if (inferenceBatch < 1) {
            throw new IllegalArgumentException("the inference batch must be at least 1, was " + inferenceBatch);
        }
        this.imageSize = imageSize;
        this.manager = NDManager.newBaseManager(ComputeDevice.best());
        this.backbone = KerasResNet50.withoutTop();
        backbone.initialize(manager, DataType.FLOAT32, new Shape(1, 3, imageSize, imageSize));
        KerasWeightLoader.load(backbone.layers(), weights.weights(), Set.of("fc1000"));
        // frozen: no gradients are recorded through it, and nothing can train it
        backbone.freezeParameters(true);
        this.frozen = new FoldedResNet50(backbone, manager);
        this.weightsSha256 = weights.checksum();
        this.pipeline = new ImagePipeline(imageSize, decodeThreads);
        this.cacheRoot = cacheRoot;
        this.inferenceBatch = inferenceBatch;
        this.lastUnitStage = backbone.stages().indexOf(KerasResNet50.LAST_UNIT);
        this.stage5Stage = backbone.stages().indexOf("res5a");
    }

    public int imageSize() {
        return imageSize;
    }

    public String weightsSha256() {
        return weightsSha256;
    }

    public KerasResNet50 backbone() {
        return backbone;
    }

    /** The frozen network's inference form (what every backbone pass runs). */
    public FoldedResNet50 frozen() {
        return frozen;
    }

    public ImagePipeline pipeline() {
        return pipeline;
    }

    /** Images whose files could not be decoded; they are left out of every run. */
    public Set<String> undecodable() {
        return Set.copyOf(undecodable);
    }

    private FeatureCache cache(String layer, String view, Shape record, DataType stored) {
        return FeatureCache.open(cacheRoot, new FeatureCache.Key(BACKBONE.id(), weightsSha256,
                CaffePreprocessing.ID + "-" + imageSize + "-bilinear", layer, view, record, stored));
    }

    private FeatureCache pooledCache(String view) {
        return cache("avg_pool", view, TailBlocks.headInput(), DataType.FLOAT32);
    }

    private FeatureCache blockInputCache(String view) {
        return cache("res5c-input", view, TailBlocks.fineTuneInput(imageSize), DataType.FLOAT16);
    }

    private FeatureCache stage5InputCache(String view) {
        return cache("res5a-input", view, TailBlocks.stage5Input(imageSize), DataType.FLOAT16);
    }

    /** The cache a tail of {@code unfrozenUnits} units trains from (1: res5c's input, 3: stage 5's). */
    private FeatureCache tailInputCache(int unfrozenUnits, String view) {
        return unfrozenUnits == 3 ? stage5InputCache(view) : blockInputCache(view);
    }

    private Shape tailInputShape(int unfrozenUnits) {
        return switch (unfrozenUnits) {
            case 0 -> TailBlocks.headInput();
            case 1 -> TailBlocks.fineTuneInput(imageSize);
            case 3 -> TailBlocks.stage5Input(imageSize);
            default -> throw new IllegalArgumentException("no tail of " + unfrozenUnits + " units");
        };
    }

    /**
     * Pushes the images missing from the caches through the frozen backbone once (identity view): their pooled
     * features, and the activations the given strategies train from — the last unit's input for fine-tuning (200
     * KB an image against 8 KB), stage 5's for the deeper fine-tuning (400 KB).
     */
    public void ensureFeatures(List<ImageRef> images, java.util.Collection<Strategy> strategies,
                               BackboneProgress progress) {
        computeView(images, "identity", null, 0, unitsOf(strategies), progress);
    }

    private static Set<Integer> unitsOf(java.util.Collection<Strategy> strategies) {
        Set<Integer> units = new HashSet<>();
        strategies.forEach(s -> units.add(s.unfrozenUnits()));
        units.remove(0);
        return units;
    }

    /**
     * Computes one view of each image (identity when {@code augmentation} is null) and stores the pooled features
     * and the inputs of the tails in {@code units} (1: res5c, 3: stage 5).
     */
    private void computeView(List<ImageRef> images, String viewId, Augmentation augmentation, long seed,
                             Set<Integer> units, BackboneProgress progress) {
        try (FeatureCache pooled = pooledCache(viewId);
             FeatureCache blockInput = units.contains(1) ? blockInputCache(viewId) : null;
             FeatureCache stage5Input = units.contains(3) ? stage5InputCache(viewId) : null) {
            List<ImageRef> missing = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (ImageRef image : images) {
                String hash = image.contentHash();
                if (!undecodable.contains(hash) && seen.add(hash)
                        && (!pooled.contains(hash) || (blockInput != null && !blockInput.contains(hash))
                        || (stage5Input != null && !stage5Input.contains(hash)))) {
                    missing.add(image);
                }
            }
            // the next batch decodes (on the pipeline's threads) while this one runs through the network
            CompletableFuture<Decoded> next = missing.isEmpty() ? null
                    : decode(missing, 0, viewId, augmentation, seed);
            for (int from = 0; from < missing.size(); from += inferenceBatch) {
                List<ImageRef> batch = missing.subList(from, Math.min(missing.size(), from + inferenceBatch));
                Decoded decoded = next.join();
                List<Augmentation.View> views = decoded.views();
                ImagePipeline.Loaded loaded = decoded.loaded();
                next = from + inferenceBatch < missing.size()
                        ? decode(missing, from + inferenceBatch, viewId, augmentation, seed) : null;
                List<byte[]> pixels = new ArrayList<>();
                List<Augmentation.View> keptViews = new ArrayList<>();
                List<String> hashes = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    if (loaded.errors()[i] != null) {
                        undecodable.add(batch.get(i).contentHash());
                    } else {
                        pixels.add(loaded.pixels()[i]);
                        keptViews.add(views.get(i));
                        hashes.add(batch.get(i).contentHash());
                    }
                }
                if (!pixels.isEmpty()) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray input = CaffePreprocessing.fromNhwcBgr(pipeline.toTensor(scope, pixels, keptViews));
                        NDArray stage4 = frozen.forwardStages(input, 0, stage5Stage);
                        if (stage5Input != null) {
                            stage5Input.putMissing(hashes, stage4);
                        }
                        NDArray unitInput = frozen.forwardStages(stage4, stage5Stage, lastUnitStage);
                        NDArray last = frozen.forwardStages(unitInput, lastUnitStage, lastUnitStage + 1);
                        if (blockInput != null) {
                            blockInput.putMissing(hashes, unitInput);
                        }
                        pooled.putMissing(hashes, KerasResNet50.globalAveragePool(last));
                    }
                }
                progress.onBatch(Math.min(missing.size(), from + inferenceBatch), missing.size());
            }
        }
    }

    /** A decoded batch with the views it was decoded with. */
    private record Decoded(List<Augmentation.View> views, ImagePipeline.Loaded loaded) {
    }

    private CompletableFuture<Decoded> decode(List<ImageRef> images, int from, String viewId,
                                              Augmentation augmentation, long seed) {
        List<ImageRef> batch = images.subList(from, Math.min(images.size(), from + inferenceBatch));
        List<Augmentation.View> views = views(batch, viewId, augmentation, seed);
        List<Path> files = batch.stream().map(ImageRef::file).toList();
        return CompletableFuture.supplyAsync(() -> new Decoded(views, pipeline.loadAll(files, views)), decodeAhead);
    }

    private static List<Augmentation.View> views(List<ImageRef> batch, String viewId, Augmentation augmentation,
                                                 long seed) {
        return batch.stream()
                .map(image -> augmentation == null ? Augmentation.View.IDENTITY
                        : augmentation.draw(new SplittableRandom(viewSeed(image, viewId, seed))))
                .toList();
    }

    /** The cached inputs of the last unit for these images (identity view), as one float32 tensor. */
    public NDArray blockInputs(NDManager scope, List<ImageRef> images) {
        try (FeatureCache cache = blockInputCache("identity")) {
            return cache.get(scope, images.stream().map(ImageRef::contentHash).toList());
        }
    }

    /** The cached pooled features of these images (identity view), as one float32 tensor (n, 2048). */
    public NDArray pooledFeatures(NDManager scope, List<ImageRef> images) {
        try (FeatureCache cache = pooledCache("identity")) {
            return cache.get(scope, images.stream().map(ImageRef::contentHash).toList());
        }
    }

    private static long viewSeed(ImageRef image, String viewId, long seed) {
        return seed * 1_000_003L + (image.contentHash() + viewId).hashCode();
    }

    private List<ImageRef> decodable(List<ImageRef> images) {
        return images.stream().filter(i -> !undecodable.contains(i.contentHash())).toList();
    }

    /**
     * Trains one strategy — the one way every caller does it. Feature extraction trains a dense head on pooled
     * features held in memory; fine-tuning trains res5c + the head (starting from {@code featureExtractionHead},
     * the trained head of the strategy's base run) on the cached res5c inputs. With {@code resumeDir} an epoch
     * checkpoint is kept there, and training resumes from it after a restart.
     *
     * @param augmentation how an augmented strategy augments ({@link AugmentationPlan#NONE} for the others)
     */
    public RunOutcome train(Strategy strategy, RunParts parts, TrainingSettings settings, AugmentationPlan augmentation,
                            byte[] featureExtractionHead, EpochListener listener, Path resumeDir) {
        if (strategy.augmented() != augmentation.augmented()) {
            throw new IllegalArgumentException(strategy.augmented()
                    ? strategy.id() + " is augmented: it needs an augmentation mode (views or online)"
                    : strategy.id() + " is not augmented; augmentation " + augmentation.mode() + " would not be used");
        }
        if (strategy.fineTuning() == (featureExtractionHead == null)) {
            throw new IllegalArgumentException(strategy.fineTuning()
                    ? strategy.id() + " starts from the trained head of " + strategy.base().id() + ", which was not given"
                    : strategy.id() + " trains its own head; a starting head is only for fine-tuning");
        }
        ensureFeatures(concat(parts.train(), parts.val()), List.of(strategy), BackboneProgress.NONE);
        List<ImageRef> train = decodable(parts.train());
        List<ImageRef> val = decodable(parts.val());
        if (train.isEmpty() || val.isEmpty()) {
            throw new IllegalArgumentException("no decodable " + (train.isEmpty() ? "training" : "validation")
                    + " image is left: " + undecodable.size() + " image(s) could not be decoded");
        }
        if (strategy.linearProbe()) {
            return linearProbe(strategy, train, val, parts.classes(), listener);
        }
        List<String> viewIds = new ArrayList<>();
        if (augmentation.mode().equals(MODE_VIEWS)) {
            for (int v = 0; v < augmentation.views(); v++) {
                String viewId = "seed-aug-" + settings.seed() + "-" + v;
                computeView(train, viewId, Augmentation.SEED, settings.seed(), unitsOf(List.of(strategy)),
                        BackboneProgress.NONE);
                viewIds.add(viewId);
            }
        } else {
            viewIds.add("identity");
        }
        if (strategy.choosesLearningRate()) {
            if (augmentation.mode().equals(MODE_ONLINE)) {
                throw new IllegalArgumentException(strategy.id() + " trains from cached stage-4 activations;"
                        + " online augmentation is not supported for it");
            }
            return withChosenLearningRate(strategy, parts, train, val, viewIds, settings, featureExtractionHead,
                    augmentation, listener, resumeDir);
        }
        return fit(strategy, parts, train, val, viewIds, settings, featureExtractionHead, augmentation, listener,
                resumeDir, null);
    }

    /** The learning rates a strategy that chooses its own tries, and how many epochs each trial runs. */
    public static final float[] LEARNING_RATES = {1e-5f, 3e-5f, 1e-4f};
    public static final int TRIAL_EPOCHS = 2;

    /**
     * Short trials from the same start, one per learning rate in {@link #LEARNING_RATES}; the one with the lowest
     * validation loss trains the run. Why trials: the seed's 1e-5 left res5c still improving after 50 epochs on
     * Small (best epoch 50 of 50), and three units with a fresh-from-lp head may want another rate.
     */
    private RunOutcome withChosenLearningRate(Strategy strategy, RunParts parts, List<ImageRef> train,
                                              List<ImageRef> val, List<String> viewIds, TrainingSettings settings,
                                              byte[] head, AugmentationPlan augmentation, EpochListener listener,
                                              Path resumeDir) {
        float best = Float.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        List<String> trials = new ArrayList<>();
        for (float rate : LEARNING_RATES) {
            String name = String.format(java.util.Locale.ROOT, "lr %.0e", rate);
            int trialEpochs = Math.min(TRIAL_EPOCHS, settings.maxEpochs());
            RunOutcome trial = fit(strategy, parts, train, val, viewIds,
                    settings.withLearningRate(rate).withMaxEpochs(trialEpochs), head, augmentation,
                    (stats, max) -> listener.onTrialEpoch(name, stats, max), null, null);
            double loss = trial.history().bestValLoss();
            trials.add(String.format(java.util.Locale.ROOT, "%.0e → %.4f", rate, loss));
            if (loss < bestLoss) {
                bestLoss = loss;
                best = rate;
            }
        }
        String chosen = String.format(java.util.Locale.ROOT, "lr=%.0e chosen on validation loss after %d-epoch trials"
                + " (%s)", best, TRIAL_EPOCHS, String.join(", ", trials));
        return fit(strategy, parts, train, val, viewIds, settings.withLearningRate(best), head, augmentation, listener,
                resumeDir, chosen);
    }

    private RunOutcome fit(Strategy strategy, RunParts parts, List<ImageRef> train, List<ImageRef> val,
                           List<String> viewIds, TrainingSettings settings, byte[] featureExtractionHead,
                           AugmentationPlan augmentation, EpochListener listener, Path resumeDir, String choice) {
        boolean fineTune = strategy.fineTuning();
        int units = strategy.unfrozenUnits();
        List<FeatureCache> open = new ArrayList<>();
        try (NDManager runManager = manager.newSubManager()) {
            // the head's random initialisation follows the seed, so a run can be repeated exactly
            manager.getEngine().setRandomSeed((int) settings.seed());
            Block tail = units == 3
                    ? TailBlocks.stage5Tail(runManager, backbone, featureExtractionHead, parts.classes(), imageSize)
                    : fineTune
                    ? TailBlocks.fineTuneTail(runManager, backbone, featureExtractionHead, parts.classes(), imageSize)
                    : TailBlocks.head(runManager, parts.classes());
            Shape inputShape = tailInputShape(units);
            BatchSource trainSource;
            BatchSource valSource;
            if (augmentation.mode().equals(MODE_ONLINE)) {
                trainSource = new OnlineSource(train, pipeline, frozen, fineTune ? lastUnitStage : backbone.stages().size(),
                        !fineTune, settings.seed());
            } else if (fineTune) {
                viewIds.forEach(v -> open.add(tailInputCache(units, v)));
                trainSource = new CachedSource(open, train, settings.seed());
            } else {
                trainSource = inMemory(runManager, viewIds, train, settings.seed());
            }
            if (fineTune) {
                FeatureCache identity = tailInputCache(units, "identity");
                open.add(identity);
                valSource = new CachedSource(List.of(identity), val, settings.seed());
            } else {
                valSource = inMemory(runManager, List.of("identity"), val, settings.seed());
            }
            TrainingHistory history = HeadTrainer.fit(tail, inputShape, trainSource, valSource, settings, listener,
                    resumeDir);
            if (choice != null) {
                history = new TrainingHistory(history.epochs(), history.bestEpoch(), history.bestValLoss(),
                        history.stoppedEarly(), history.keptWeights() + "; " + choice);
            }
            // summed over the epochs, so a run resumed from its checkpoint still reports its whole training time
            double seconds = history.epochs().stream().mapToDouble(EpochStats::seconds).sum();
            return new RunOutcome(strategy.id(), train.size(), val.size(), history, seconds, augmentation.mode(),
                    HeadTrainer.snapshot(tail));
        } finally {
            open.forEach(FeatureCache::close);
        }
    }

    /**
     * The linear probe on the identity view's pooled features: a convex solve per L2 strength, no epochs of Adam,
     * nothing to resume (a solve takes seconds), the same head as feature extraction's.
     */
    private RunOutcome linearProbe(Strategy strategy, List<ImageRef> train, List<ImageRef> val, int classes,
                                   EpochListener listener) {
        try (NDManager runManager = manager.newSubManager()) {
            Linear head = TailBlocks.head(runManager, classes);
            LinearProbe.Result result = LinearProbe.fit(head, pooledFeatures(runManager, train), labels(train),
                    pooledFeatures(runManager, val), labels(val), classes, listener);
            TrainingHistory history = result.history();
            double seconds = history.epochs().stream().mapToDouble(EpochStats::seconds).sum();
            return new RunOutcome(strategy.id(), train.size(), val.size(), history, seconds, MODE_NONE,
                    HeadTrainer.snapshot(head));
        }
    }

    private static int[] labels(List<ImageRef> images) {
        return images.stream().mapToInt(ImageRef::label).toArray();
    }

    /** Pooled features of every view of these images, read once into one tensor of the run. */
    private TensorSource inMemory(NDManager runManager, List<String> viewIds, List<ImageRef> images, long seed) {
        List<String> hashes = images.stream().map(ImageRef::contentHash).toList();
        NDList views = new NDList();
        for (String viewId : viewIds) {
            try (FeatureCache cache = pooledCache(viewId)) {
                views.add(cache.get(runManager, hashes));
            }
        }
        NDArray stacked = views.size() == 1 ? views.get(0) : NDArrays.concat(views, 0);
        return new TensorSource(stacked, images, viewIds.size(), seed);
    }

    /**
     * Scores a trained tail (a checkpoint's parameters: the head for feature extraction and the probe, the unfrozen
     * units + head for the fine-tunings) of {@code strategy} on {@code test}; images not cached yet go through the
     * frozen backbone first.
     */
    public ClassificationMetrics evaluate(Strategy strategy, byte[] tailWeights, List<ImageRef> test, int classes) {
        ensureFeatures(test, List.of(strategy), BackboneProgress.NONE);
        List<ImageRef> testKept = decodable(test);
        if (testKept.isEmpty()) {
            throw new IllegalArgumentException("no decodable test image is left: " + undecodable.size()
                    + " image(s) could not be decoded");
        }
        int units = strategy.unfrozenUnits();
        try (NDManager runManager = manager.newSubManager()) {
            if (units > 0) {
                byte[] anyHead = HeadTrainer.snapshot(TailBlocks.head(runManager, classes));
                Block tail = units == 3 ? TailBlocks.stage5Tail(runManager, backbone, anyHead, classes, imageSize)
                        : TailBlocks.fineTuneTail(runManager, backbone, anyHead, classes, imageSize);
                HeadTrainer.restore(tail, tailWeights, runManager);
                try (FeatureCache cache = tailInputCache(units, "identity")) {
                    return score(tail, new CachedSource(List.of(cache), testKept, 0), testKept, classes, runManager);
                }
            }
            Block tail = TailBlocks.head(runManager, classes);
            HeadTrainer.restore(tail, tailWeights, runManager);
            return score(tail, inMemory(runManager, List.of("identity"), testKept, 0), testKept, classes, runManager);
        }
    }

    private static ClassificationMetrics score(Block tail, BatchSource source, List<ImageRef> images, int classes,
                                               NDManager scope) {
        float[][] scores = HeadTrainer.predict(tail, source, 64, scope);
        int[] truth = images.stream().mapToInt(ImageRef::label).toArray();
        int[] predicted = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            predicted[i] = argmax(scores[i]);
        }
        return ClassificationMetrics.of(truth, predicted, classes, scores, TOP_K);
    }

    @SafeVarargs
    private static List<ImageRef> concat(List<ImageRef>... parts) {
        List<ImageRef> all = new ArrayList<>();
        for (List<ImageRef> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public void close() {
        decodeAhead.shutdownNow();
        pipeline.close();
        frozen.close();
        manager.close();
    }
}
