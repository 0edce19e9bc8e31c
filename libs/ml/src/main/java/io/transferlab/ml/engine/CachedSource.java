package io.transferlab.ml.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.transferlab.ml.cache.FeatureCache;
import io.transferlab.ml.train.BatchSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inputs read from feature caches. With one cache every epoch sees the same activations; with K caches (K
 * augmented views) each epoch draws one view per image, reproducibly from the seed.
 */
final class CachedSource implements BatchSource {

    private final List<FeatureCache> views;
    private final List<ImageRef> images;
    private final long seed;

    CachedSource(List<FeatureCache> views, List<ImageRef> images, long seed) {
        this.views = views;
        this.images = images;
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
        if (views.size() == 1) {
            return views.get(0).get(manager, hashes(indices));
        }
        // one view per image, drawn per epoch; gather per view, then restore the batch order
        List<NDArray> rows = new ArrayList<>(indices.length);
        for (int index : indices) {
            int view = new SplittableRandom(seed * 1_000_003L + epoch * 7919L + index).nextInt(views.size());
            rows.add(views.get(view).get(manager, List.of(images.get(index).contentHash())));
        }
        return rows.size() == 1 ? rows.get(0) : NDArrays.concat(new NDList(rows), 0);
    }

    private List<String> hashes(int[] indices) {
        List<String> hashes = new ArrayList<>(indices.length);
        for (int index : indices) {
            hashes.add(images.get(index).contentHash());
        }
        return hashes;
    }
}
