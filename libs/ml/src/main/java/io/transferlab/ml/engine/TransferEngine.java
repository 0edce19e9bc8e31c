package io.transferlab.ml.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.transferlab.core.metrics.ClassificationMetrics;
import io.transferlab.core.study.Backbone;
import io.transferlab.ml.ComputeDevice;
import io.transferlab.ml.backbone.CaffePreprocessing;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.cache.FeatureCache;
import io.transferlab.ml.image.Augmentation;
import io.transferlab.ml.image.ImagePipeline;
import io.transferlab.ml.train.BatchSource;
import io.transferlab.ml.train.EpochListener;
import io.transferlab.ml.train.EpochStats;
import io.transferlab.ml.train.HeadTrainer;
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
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The seed's four strategies on Keras' ResNet50, computing each frozen activation once.
 *
 * <p>The frozen part of the network is a pure function of the image, so one backbone pass stores, per image,
 * both the input of the last unit {@code res5c} (fp16, what fine-tuning trains from) and the pooled features
 * (fp32, what feature extraction trains from), keyed by backbone, weights, preprocessing, layer and view. Every
 * size, seed and head of a study then reuses them. Augmented runs use K augmented views per training image
 * pushed through the same prefix once ("views" mode), or a full forward per step ("online" mode, for GPUs).
 */
public final class TransferEngine implements AutoCloseable {

    public static final String MODE_NONE = "none";
    public static final String MODE_VIEWS = "views";
    public static final String MODE_ONLINE = "online";
    public static final int SEED_IMAGE_SIZE = 224;
    private static final int[] TOP_K = {1, 5};

    private final NDManager manager;
    private final KerasResNet50 backbone;
    private final String weightsSha256;
    private final ImagePipeline pipeline;
    private final Path cacheRoot;
    private final int inferenceBatch;
    private final int lastUnitStage;
    private final Set<String> undecodable = new HashSet<>();
    private final int imageSize;

    /**
     * The engine a service runs: ResNet50 with the ImageNet weights from {@code weightsDir} (default: the weights
     * cache, {@link ImageNetWeights#cacheDir()}), the feature cache at {@code featureCache}, a decoding thread per
     * core (at least 2) and images resized to {@code imageSize}².
     */
    public static TransferEngine open(java.util.Optional<Path> weightsDir, Path featureCache, int inferenceBatch,
                                      int imageSize) {
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
        this.imageSize = imageSize;
        this.manager = NDManager.newBaseManager(ComputeDevice.best());
        this.backbone = KerasResNet50.withoutTop();
        backbone.initialize(manager, DataType.FLOAT32, new Shape(1, 3, imageSize, imageSize));
        KerasWeightLoader.load(backbone.layers(), weights.weights(), Set.of("fc1000"));
        // frozen: no gradients are recorded through it, and nothing can train it
        backbone.freezeParameters(true);
        this.weightsSha256 = weights.checksum();
        this.pipeline = new ImagePipeline(imageSize, decodeThreads);
        this.cacheRoot = cacheRoot;
        this.inferenceBatch = inferenceBatch;
        this.lastUnitStage = backbone.stages().indexOf(KerasResNet50.LAST_UNIT);
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

    /** Images whose files could not be decoded; they are left out of every run. */
    public Set<String> undecodable() {
        return Set.copyOf(undecodable);
    }

    private FeatureCache cache(String layer, String view, Shape record, DataType stored) {
        return FeatureCache.open(cacheRoot, new FeatureCache.Key(Backbone.RESNET50.id(), weightsSha256,
                CaffePreprocessing.ID + "-" + imageSize + "-bilinear", layer, view, record, stored));
    }

    private FeatureCache pooledCache(String view) {
        return cache("avg_pool", view, TailBlocks.headInput(), DataType.FLOAT32);
    }

    private FeatureCache blockInputCache(String view) {
        return cache("res5c-input", view, TailBlocks.fineTuneInput(imageSize), DataType.FLOAT16);
    }

    /** Pushes the images missing from the caches through the frozen backbone once (identity view). */
    public void ensureFeatures(List<ImageRef> images, BackboneProgress progress) {
        computeView(images, "identity", null, 0, progress);
    }

    /**
     * Computes one view of each image (identity when {@code augmentation} is null) and stores both the last
     * unit's input and the pooled features.
     */
    private void computeView(List<ImageRef> images, String viewId, Augmentation augmentation, long seed,
                             BackboneProgress progress) {
        try (FeatureCache pooled = pooledCache(viewId); FeatureCache blockInput = blockInputCache(viewId)) {
            List<ImageRef> missing = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (ImageRef image : images) {
                if (!undecodable.contains(image.contentHash()) && seen.add(image.contentHash())
                        && !(pooled.contains(image.contentHash()) && blockInput.contains(image.contentHash()))) {
                    missing.add(image);
                }
            }
            ParameterStore ps = new ParameterStore(manager, false);
            for (int from = 0; from < missing.size(); from += inferenceBatch) {
                List<ImageRef> batch = missing.subList(from, Math.min(missing.size(), from + inferenceBatch));
                List<Augmentation.View> views = batch.stream()
                        .map(image -> augmentation == null ? Augmentation.View.IDENTITY
                                : augmentation.draw(new SplittableRandom(viewSeed(image, viewId, seed))))
                        .toList();
                ImagePipeline.Loaded loaded = pipeline.loadAll(batch.stream().map(ImageRef::file).toList(), views);
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
                        NDArray unitInput = backbone.forwardStages(ps, input, false, 0, lastUnitStage);
                        NDArray last = backbone.forwardStages(ps, unitInput, false, lastUnitStage, lastUnitStage + 1);
                        blockInput.put(hashes, unitInput);
                        pooled.put(hashes, KerasResNet50.globalAveragePool(last));
                    }
                }
                progress.onBatch(Math.min(missing.size(), from + inferenceBatch), missing.size());
            }
        }
    }

    /** The cached inputs of the last unit for these images (identity view), as one float32 tensor. */
    public NDArray blockInputs(NDManager scope, List<ImageRef> images) {
        try (FeatureCache cache = blockInputCache("identity")) {
            return cache.get(scope, images.stream().map(ImageRef::contentHash).toList());
        }
    }

    private static long viewSeed(ImageRef image, String viewId, long seed) {
        return seed * 1_000_003L + (image.contentHash() + viewId).hashCode();
    }

    private List<ImageRef> decodable(List<ImageRef> images) {
        return images.stream().filter(i -> !undecodable.contains(i.contentHash())).toList();
    }

    /** Feature extraction (optionally augmented): trains a dense head on pooled features. */
    public RunOutcome featureExtraction(List<ImageRef> train, List<ImageRef> val, List<ImageRef> test, int classes,
                                        TrainingSettings settings, AugmentationPlan augmentation, EpochListener listener) {
        return featureExtraction(train, val, test, classes, settings, augmentation, listener, null);
    }

    /** As above, keeping an epoch checkpoint in {@code resumeDir} and resuming from it after a restart. */
    public RunOutcome featureExtraction(List<ImageRef> train, List<ImageRef> val, List<ImageRef> test, int classes,
                                        TrainingSettings settings, AugmentationPlan augmentation, EpochListener listener,
                                        Path resumeDir) {
        return run(false, train, val, test, classes, settings, augmentation, null, listener, resumeDir);
    }

    /** Fine-tuning from feature extraction's trained head: trains res5c + head on the res5c inputs. */
    public RunOutcome fineTuning(List<ImageRef> train, List<ImageRef> val, List<ImageRef> test, int classes,
                                 TrainingSettings settings, AugmentationPlan augmentation, byte[] featureExtractionHead,
                                 EpochListener listener) {
        return fineTuning(train, val, test, classes, settings, augmentation, featureExtractionHead, listener, null);
    }

    /** As above, keeping an epoch checkpoint in {@code resumeDir} and resuming from it after a restart. */
    public RunOutcome fineTuning(List<ImageRef> train, List<ImageRef> val, List<ImageRef> test, int classes,
                                 TrainingSettings settings, AugmentationPlan augmentation, byte[] featureExtractionHead,
                                 EpochListener listener, Path resumeDir) {
        return run(true, train, val, test, classes, settings, augmentation, featureExtractionHead, listener, resumeDir);
    }

    private RunOutcome run(boolean fineTune, List<ImageRef> train, List<ImageRef> val, List<ImageRef> test,
                           int classes, TrainingSettings settings, AugmentationPlan augmentation, byte[] feHead,
                           EpochListener listener, Path resumeDir) {
        int augmentedViews = augmentation.views();
        ensureFeatures(concat(train, val, test), BackboneProgress.NONE);
        List<ImageRef> trainKept = decodable(train);
        List<ImageRef> valKept = decodable(val);
        List<ImageRef> testKept = decodable(test);
        List<FeatureCache> trainViews = new ArrayList<>();
        try (FeatureCache evalCache = fineTune ? blockInputCache("identity") : pooledCache("identity")) {
            if (augmentedViews > 0) {
                for (int v = 0; v < augmentedViews; v++) {
                    String viewId = "seed-aug-" + settings.seed() + "-" + v;
                    computeView(trainKept, viewId, Augmentation.SEED, settings.seed(), BackboneProgress.NONE);
                    trainViews.add(fineTune ? blockInputCache(viewId) : pooledCache(viewId));
                }
            } else {
                trainViews.add(evalCache);
            }
            try (NDManager runManager = manager.newSubManager()) {
                // the head's random initialisation follows the seed, so a run can be repeated exactly
                manager.getEngine().setRandomSeed((int) settings.seed());
                Block tail = fineTune
                        ? TailBlocks.fineTuneTail(runManager, backbone, feHead, classes, imageSize)
                        : TailBlocks.head(runManager, classes);
                Shape inputShape = fineTune ? TailBlocks.fineTuneInput(imageSize) : TailBlocks.headInput();
                BatchSource trainSource = augmentation.mode().equals(MODE_ONLINE)
                        ? new OnlineSource(trainKept, pipeline, backbone, fineTune ? lastUnitStage : backbone.stages().size(),
                                !fineTune, settings.seed())
                        : new CachedSource(trainViews, trainKept, settings.seed());
                BatchSource valSource = new CachedSource(List.of(evalCache), valKept, settings.seed());
                BatchSource testSource = new CachedSource(List.of(evalCache), testKept, settings.seed());
                TrainingHistory history = HeadTrainer.fit(tail, inputShape, trainSource, valSource, settings, listener,
                        resumeDir);
                // summed over the epochs, so a run resumed from its checkpoint still reports its whole training time
                double seconds = history.epochs().stream().mapToDouble(EpochStats::seconds).sum();
                ClassificationMetrics metrics = score(tail, testSource, testKept, classes, runManager);
                String strategy = (fineTune ? "ft" : "fe") + (augmentation.augmented() ? "-aug" : "");
                return new RunOutcome(strategy, trainKept.size(), valKept.size(), testKept.size(), metrics, history,
                        seconds, augmentation.mode(), HeadTrainer.snapshot(tail));
            }
        } finally {
            if (augmentedViews > 0) {
                trainViews.forEach(FeatureCache::close);
            }
        }
    }

    /**
     * Scores a trained tail (a checkpoint's parameters: the head for feature extraction, the last unit + head for
     * fine-tuning) on {@code test}; images not cached yet go through the frozen backbone first.
     */
    public ClassificationMetrics evaluate(boolean fineTuned, byte[] tailWeights, List<ImageRef> test, int classes) {
        ensureFeatures(test, BackboneProgress.NONE);
        List<ImageRef> testKept = decodable(test);
        try (FeatureCache cache = fineTuned ? blockInputCache("identity") : pooledCache("identity");
             NDManager runManager = manager.newSubManager()) {
            Block tail;
            if (fineTuned) {
                tail = TailBlocks.fineTuneTail(runManager, backbone, HeadTrainer.snapshot(TailBlocks.head(runManager, classes)),
                        classes, imageSize);
            } else {
                tail = TailBlocks.head(runManager, classes);
            }
            HeadTrainer.restore(tail, tailWeights, runManager);
            return score(tail, new CachedSource(List.of(cache), testKept, 0), testKept, classes, runManager);
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
        pipeline.close();
        manager.close();
    }
}
