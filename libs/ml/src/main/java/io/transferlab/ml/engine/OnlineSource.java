package io.transferlab.ml.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.transferlab.ml.backbone.CaffePreprocessing;
import io.transferlab.ml.backbone.FoldedResNet50;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.image.Augmentation;
import io.transferlab.ml.image.CorruptImageException;
import io.transferlab.ml.image.ImagePipeline;
import io.transferlab.ml.train.BatchSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Exact online augmentation: every step draws a fresh view of each image, decodes it and runs the frozen prefix
 * (in inference mode, so its weights and BatchNorm statistics never change) up to the trainable part.
 */
final class OnlineSource implements BatchSource {

    private final List<ImageRef> images;
    private final ImagePipeline pipeline;
    private final FoldedResNet50 backbone;
    private final int toStage;
    private final boolean pooled;
    private final long seed;

    /**
     * @param toStage the first stage not run (the trainable unit), or all stages when {@code pooled}
     * @param pooled  whether the trainable part takes pooled features (feature extraction)
     */
    OnlineSource(List<ImageRef> images, ImagePipeline pipeline, FoldedResNet50 backbone, int toStage, boolean pooled,
                 long seed) {
        this.images = images;
        this.pipeline = pipeline;
        this.backbone = backbone;
        this.toStage = toStage;
        this.pooled = pooled;
        this.seed = seed;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public int label(int index) {
        return images.get(index).label();
    }

    @Override
    public NDArray inputs(NDManager manager, int[] indices, int epoch) {
        List<Augmentation.View> views = new ArrayList<>(indices.length);
        List<java.nio.file.Path> files = new ArrayList<>(indices.length);
        for (int index : indices) {
            views.add(Augmentation.SEED.draw(new SplittableRandom(seed * 1_000_003L + epoch * 7919L + index)));
            files.add(images.get(index).file());
        }
        ImagePipeline.Loaded loaded = pipeline.loadAll(files, views);
        for (CorruptImageException error : loaded.errors()) {
            if (error != null) {
                throw error; // images were decodable when cached; one that no longer is is a real problem
            }
        }
        NDArray x = CaffePreprocessing.fromNhwcBgr(pipeline.toTensor(manager, List.of(loaded.pixels()), views));
        NDArray activations = backbone.forwardStages(x, 0, toStage);
        return pooled ? KerasResNet50.globalAveragePool(activations) : activations;
    }
}
