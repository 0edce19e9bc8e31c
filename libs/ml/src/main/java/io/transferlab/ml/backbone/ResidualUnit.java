package io.transferlab.ml.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One bottleneck unit of Keras' ResNet50 (v1), e.g. {@code res5c}: 1×1 → 3×3 → 1×1 convolutions, each with a
 * bias and a BatchNorm (epsilon 1e-3), the stride on the first 1×1, and a projection shortcut (branch1) on the
 * first unit of each stage. Its layers keep their Keras names ({@code res5c_branch2a}, {@code bn5c_branch2a}…).
 */
public final class ResidualUnit extends AbstractBlock {

    static final float BN_EPSILON = 1e-3f;

    private final String name;
    private final Map<String, Block> layers = new LinkedHashMap<>();
    private final boolean projection;
    private final int stride;

    /**
     * @param name       the Keras unit name without prefix, e.g. "5c"
     * @param filters    the bottleneck width (output is 4× that)
     * @param stride     1, or 2 on the first unit of stages 3 to 5
     * @param projection whether the shortcut is a 1×1 convolution (first unit of a stage)
     */
    public ResidualUnit(String name, int filters, int stride, boolean projection) {
        this.name = name;
        this.projection = projection;
        this.stride = stride;
        add("res" + name + "_branch2a", conv(filters, 1, stride, 0));
        add("bn" + name + "_branch2a", batchNorm());
        add("res" + name + "_branch2b", conv(filters, 3, 1, 1));
        add("bn" + name + "_branch2b", batchNorm());
        add("res" + name + "_branch2c", conv(4 * filters, 1, 1, 0));
        add("bn" + name + "_branch2c", batchNorm());
        if (projection) {
            add("res" + name + "_branch1", conv(4 * filters, 1, stride, 0));
            add("bn" + name + "_branch1", batchNorm());
        }
    }

    static Conv2d conv(int filters, int kernel, int stride, int padding) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(true)
                .build();
    }

    static BatchNorm batchNorm() {
        // Keras' BatchNormalization: epsilon 1e-3, moving averages with momentum 0.99
        return BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(0.99f).build();
    }

    private void add(String layerName, Block block) {
        layers.put(layerName, addChildBlock(layerName, block));
    }

    public String name() {
        return name;
    }

    /** The stride of its first convolution (and of the projection shortcut). */
    public int stride() {
        return stride;
    }

    public boolean hasProjection() {
        return projection;
    }

    /** The unit's layers by Keras name, in order. */
    public Map<String, Block> layers() {
        return layers;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = apply("res" + name + "_branch2a", ps, x, training);
        y = Activation.relu(apply("bn" + name + "_branch2a", ps, y, training));
        y = apply("res" + name + "_branch2b", ps, y, training);
        y = Activation.relu(apply("bn" + name + "_branch2b", ps, y, training));
        y = apply("res" + name + "_branch2c", ps, y, training);
        y = apply("bn" + name + "_branch2c", ps, y, training);
        NDArray shortcut = x;
        if (projection) {
            shortcut = apply("res" + name + "_branch1", ps, x, training);
            shortcut = apply("bn" + name + "_branch1", ps, shortcut, training);
        }
        return new NDList(Activation.relu(y.add(shortcut)));
    }

    private NDArray apply(String layer, ParameterStore ps, NDArray x, boolean training) {
        return layers.get(layer).forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        String[] main = {"_branch2a", "_branch2b", "_branch2c"};
        for (String suffix : main) {
            Block conv = layers.get("res" + name + suffix);
            conv.initialize(manager, dataType, shapes);
            shapes = conv.getOutputShapes(shapes);
            layers.get("bn" + name + suffix).initialize(manager, dataType, shapes);
        }
        if (projection) {
            Block conv = layers.get("res" + name + "_branch1");
            conv.initialize(manager, dataType, inputShapes);
            layers.get("bn" + name + "_branch1").initialize(manager, dataType, conv.getOutputShapes(inputShapes));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (String suffix : new String[]{"_branch2a", "_branch2b", "_branch2c"}) {
            shapes = layers.get("res" + name + suffix).getOutputShapes(shapes);
        }
        return shapes;
    }
}
