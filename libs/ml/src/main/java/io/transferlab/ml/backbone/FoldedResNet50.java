package io.transferlab.ml.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frozen inference form of a loaded {@link KerasResNet50}: every BatchNorm folded into its convolution's
 * weights and bias at load time, run with autograd off.
 *
 * <p>Why: a frozen BatchNorm is an affine map per channel, y = γ(x − μ)/√(σ² + ε) + β, so it can be moved into
 * the convolution before it (W' = W·s, b' = (b − μ)·s + β with s = γ/√(σ² + ε), computed in double). That removes
 * 53 passes over the activations — about a quarter of a forward pass on a CPU — and computes the same function
 * (features agree with the unfolded network and the Keras fixtures to ~1e-6 relative). The stages are the
 * network's own, so the engine can stop at the last unit's input as before. The trainable copy of the last unit
 * used by fine-tuning stays unfolded: its BatchNorms train.
 */
public final class FoldedResNet50 implements AutoCloseable {

    /**
     * The most images one forward runs at once. Why: a larger batch gains nothing on a CPU (a 3×3 convolution over
     * 16 images already fills the cores) but its activations outgrow the caches — at 32 the first stage's output is
     * 103 MB — and oneDNN's convolutions then wait on memory: measured on the 2-core VM, 32 images ran at 0.85–0.94×
     * the images/s of 16, while 32 as two micro-batches of 16 runs at the speed of 16.
     */
    public static final int MICRO_BATCH = 16;

    private final NDManager manager;
    private final FoldedUnit.Conv stem;
    private final List<FoldedUnit> units = new ArrayList<>();
    private final List<String> stages;

    /** Folds the network's current (loaded) weights; the network itself is left as it is. */
    public FoldedResNet50(KerasResNet50 network, NDManager parent) {
        this.manager = parent.newSubManager();
        Map<String, Block> layers = network.layers();
        this.stages = network.stages();
        this.stem = FoldedUnit.fold(manager, layers, "conv1", "bn_conv1", 2, 3, true);
        for (String stage : stages.subList(1, stages.size())) {
            units.add(FoldedUnit.of(network.unit(stage), manager, true));
        }
    }

    /** The stage names, as {@link KerasResNet50#stages()}. */
    public List<String> stages() {
        return stages;
    }

    /**
     * Runs stages {@code [from, to)} in inference mode; the result lives in {@code x}'s manager. Intermediate
     * activations are freed as soon as the next one exists, so a pass holds at most a unit's worth of them. A batch
     * of more than {@link #MICRO_BATCH} images runs on a CPU as consecutive micro-batches whose outputs are joined (each
     * image's result is the same either way: nothing in the frozen network mixes images).
     */
    public NDArray forwardStages(NDArray x, int from, int to) {
        long n = x.getShape().get(0);
        // micro-batches are a CPU cache measure: on a GPU one whole-batch forward was 1.1-1.2x faster (H200: 6008
        // against 4909 images/s at batch 128, results/gpu-h200/probe.json)
        if (n <= MICRO_BATCH || !ai.djl.Device.Type.CPU.equals(x.getDevice().getDeviceType())) {
            return forwardChunk(x, from, to);
        }
        NDList parts = new NDList();
        try {
            for (long start = 0; start < n; start += MICRO_BATCH) {
                try (NDArray chunk = x.get(new NDIndex("{}:{}", start, Math.min(n, start + MICRO_BATCH)))) {
                    parts.add(forwardChunk(chunk, from, to));
                }
            }
            return NDArrays.concat(parts, 0);
        } finally {
            parts.close();
        }
    }

    private NDArray forwardChunk(NDArray x, int from, int to) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            NDArray current = x;
            for (int i = from; i < to; i++) {
                NDArray next = i == 0 ? stem(current) : units.get(i - 1).forward(current);
                if (current != x) {
                    current.close();
                }
                current = next;
            }
            return current;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private NDArray stem(NDArray x) {
        try (NDArray conv = FoldedUnit.relu(stem.apply(x))) {
            // Keras pads with zeros before pooling; after ReLU that equals PyTorch's -inf padding
            return Pool.maxPool2d(conv, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
