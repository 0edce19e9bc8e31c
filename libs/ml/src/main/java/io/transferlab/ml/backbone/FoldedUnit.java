package io.transferlab.ml.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;

import java.util.Map;

/**
 * One {@link ResidualUnit} in inference form: each BatchNorm folded into the convolution before it, as the weights
 * are now (W' = W·s, b' = (b − μ)·s + β with s = γ/√(σ² + ε), computed in double). The one way the engine folds:
 * the frozen backbone ({@link FoldedResNet50}) once at load time, and a fine-tuning's trainable units each time
 * their validation loss is computed (their BatchNorms' statistics change while they train, so a fold is only good
 * for the weights it was made from).
 */
public final class FoldedUnit {

    /** A convolution with its folded weights and bias. */
    record Conv(NDArray weight, NDArray bias, Shape stride, Shape padding) {

        NDArray apply(NDArray x) {
            return Conv2d.conv2d(x, weight, bias, stride, padding, new Shape(1, 1), 1).singletonOrThrow();
        }
    }

    private final Conv a;
    private final Conv b;
    private final Conv c;
    private final Conv shortcut;

    private FoldedUnit(Conv a, Conv b, Conv c, Conv shortcut) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.shortcut = shortcut;
    }

    /**
     * Folds the unit's current weights into arrays of {@code manager}.
     *
     * @param channelsLast store the weights channels-last (for channels-last activations, as the frozen backbone's)
     */
    public static FoldedUnit of(ResidualUnit unit, NDManager manager, boolean channelsLast) {
        Map<String, Block> layers = unit.layers();
        String n = unit.name();
        int stride = unit.stride();
        return new FoldedUnit(
                fold(manager, layers, "res" + n + "_branch2a", "bn" + n + "_branch2a", stride, 0, channelsLast),
                fold(manager, layers, "res" + n + "_branch2b", "bn" + n + "_branch2b", 1, 1, channelsLast),
                fold(manager, layers, "res" + n + "_branch2c", "bn" + n + "_branch2c", 1, 0, channelsLast),
                unit.hasProjection()
                        ? fold(manager, layers, "res" + n + "_branch1", "bn" + n + "_branch1", stride, 0, channelsLast)
                        : null);
    }

    /**
     * The unit's output for {@code x}, the same function as the unit's inference forward (autograd must be off);
     * intermediate activations are freed as soon as the next one exists, the result lives in {@code x}'s manager.
     */
    public NDArray forward(NDArray x) {
        NDArray y;
        try (NDArray first = relu(a.apply(x)); NDArray second = relu(b.apply(first))) {
            y = c.apply(second);
        }
        if (shortcut != null) {
            try (NDArray projected = shortcut.apply(x)) {
                y.addi(projected);
            }
        } else {
            y.addi(x);
        }
        return relu(y);
    }

    /** ReLU, freeing its input. */
    static NDArray relu(NDArray x) {
        NDArray out = Activation.relu(x);
        x.close();
        return out;
    }

    static Conv fold(NDManager manager, Map<String, Block> layers, String convName, String bnName, int stride,
                     int padding, boolean channelsLast) {
        Block conv = layers.get(convName);
        Block bn = layers.get(bnName);
        NDArray w = conv.getParameters().get("weight").getArray();
        float[] weight = w.toFloatArray();
        float[] bias = conv.getParameters().get("bias").getArray().toFloatArray();
        float[] gamma = bn.getParameters().get("gamma").getArray().toFloatArray();
        float[] beta = bn.getParameters().get("beta").getArray().toFloatArray();
        float[] mean = bn.getParameters().get("runningMean").getArray().toFloatArray();
        float[] var = bn.getParameters().get("runningVar").getArray().toFloatArray();
        int out = gamma.length;
        int perFilter = weight.length / out;
        float[] foldedWeight = new float[weight.length];
        float[] foldedBias = new float[out];
        for (int o = 0; o < out; o++) {
            double scale = gamma[o] / Math.sqrt((double) var[o] + ResidualUnit.BN_EPSILON);
            for (int i = 0; i < perFilter; i++) {
                foldedWeight[o * perFilter + i] = (float) (weight[o * perFilter + i] * scale);
            }
            foldedBias[o] = (float) ((bias[o] - (double) mean[o]) * scale + beta[o]);
        }
        NDArray oihw = manager.create(foldedWeight, w.getShape());
        return new Conv(channelsLast ? channelsLast(manager, oihw) : oihw, manager.create(foldedBias),
                new Shape(stride, stride), new Shape(padding, padding));
    }

    /**
     * The same weights stored channels-last (O, H, W, I in memory, seen as OIHW). Why: the frozen backbone's
     * activations are channels-last (the image pipeline yields NHWC, and the preprocessing's transpose keeps that
     * memory order), and oneDNN then runs every convolution in that layout; weights stored the same way are not
     * converted per call. Measured: ~30 % more images/s than NCHW activations, ~15 % more than channels-last
     * activations with OIHW weights. (A fine-tuning's cached inputs are NCHW; there channels-last measured no gain.)
     */
    private static NDArray channelsLast(NDManager manager, NDArray oihw) {
        try (NDArray ohwi = oihw.transpose(0, 2, 3, 1)) {
            NDArray dense = manager.create(ohwi.toFloatArray(), ohwi.getShape());
            oihw.close();
            return dense.transpose(0, 3, 1, 2);
        }
    }
}
