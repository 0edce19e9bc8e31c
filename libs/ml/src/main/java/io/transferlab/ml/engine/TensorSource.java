package io.transferlab.ml.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.transferlab.ml.train.BatchSource;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inputs held in memory as one tensor: K views × n images stacked into (K·n, features…). A batch is one gather.
 *
 * <p>Why: feature extraction's head steps take microseconds, so reading a batch from the on-disk cache per step
 * (the old way) made the disk and the page cache the head's speed — seconds on a quiet machine, half an hour
 * under memory pressure. Pooled features are 8 KB per image (Flowers: 67 MB per view), so a run holds them all.
 * With K &gt; 1 each epoch draws one view per image, reproducibly from the seed (as {@link CachedSource}).
 */
final class TensorSource implements BatchSource {

    private final NDArray stacked;
    private final int[] labels;
    private final int views;
    private final long seed;
    /** The stacked tensor's floats, for {@link #copyInputs}; made on first use. */
    private FloatBuffer floats;

    /** @param stacked the views one after the other: row v·n + i is view v of image i */
    TensorSource(NDArray stacked, List<ImageRef> images, int views, long seed) {
        if (stacked.getShape().get(0) != (long) views * images.size()) {
            throw new IllegalArgumentException("expected " + views + " × " + images.size() + " rows, got "
                    + stacked.getShape());
        }
        this.stacked = stacked;
        this.labels = images.stream().mapToInt(ImageRef::label).toArray();
        this.views = views;
        this.seed = seed;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public NDArray inputs(NDManager manager, int[] indices, int epoch) {
        long[] rows = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            rows[i] = row(indices[i], epoch);
        }
        NDArray batch = stacked.get(new NDIndex("{}", manager.create(rows)));
        batch.attach(manager);
        return batch;
    }

    /** Copies the rows from the tensor's memory (shared with it where DJL can, else one copy made once). */
    @Override
    public void copyInputs(NDManager manager, int[] indices, int epoch, float[] into) {
        if (floats == null) {
            floats = stacked.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        int width = Math.toIntExact(stacked.getShape().size() / stacked.getShape().get(0));
        for (int i = 0; i < indices.length; i++) {
            floats.get(Math.toIntExact(row(indices[i], epoch) * width), into, i * width, width);
        }
    }

    /** The stacked row of an image in an epoch: its view for that epoch. */
    private long row(int index, int epoch) {
        int view = views == 1 ? 0 : new SplittableRandom(seed * 1_000_003L + epoch * 7919L + index).nextInt(views);
        return (long) view * labels.length + index;
    }
}
