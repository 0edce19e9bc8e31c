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
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One pre-activation unit of Keras' ResNet50-V2 ({@code block2}), e.g. {@code conv5_block3}: BatchNorm + ReLU
 * first ({@code _preact_bn}), then 1×1 → 3×3 (the stride, if any) → 1×1 convolutions, the first two without bias
 * and followed by BatchNorm + ReLU; the shortcut is a 1×1 convolution of the pre-activation on a stage's first
 * unit, a 1×1 max-pool with the stride on a strided unit, or the input itself. BatchNorm epsilon 1.001e-5.
 */
public final class PreActivationUnit extends AbstractBlock {

    static final float BN_EPSILON = 1.001e-5f;

    private final String name;
    private final int stride;
    private final boolean convShortcut;
    private final Map<String, Block> layers = new LinkedHashMap<>();

    public PreActivationUnit(String name, int filters, int stride, boolean convShortcut) {
        this.name = name;
        this.stride = stride;
        this.convShortcut = convShortcut;
        add(name + "_preact_bn", batchNorm());
        if (convShortcut) {
            add(name + "_0_conv", conv(4 * filters, 1, 1, 0, true));
        }
        add(name + "_1_conv", conv(filters, 1, 1, 0, false));
        add(name + "_1_bn", batchNorm());
        add(name + "_2_conv", conv(filters, 3, stride, 1, false));
        add(name + "_2_bn", batchNorm());
        add(name + "_3_conv", conv(4 * filters, 1, 1, 0, true));
    }

    static Conv2d conv(int filters, int kernel, int stride, int padding, boolean bias) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(padding, padding)).optBias(bias).build();
    }

    static BatchNorm batchNorm() {
        return BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(0.99f).build();
    }

    private void add(String layerName, Block block) {
        layers.put(layerName, addChildBlock(layerName, block));
    }

    public String name() {
        return name;
    }

    public Map<String, Block> layers() {
        return layers;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray preact = Activation.relu(apply("_preact_bn", ps, x, training));
        NDArray shortcut;
        if (convShortcut) {
            shortcut = apply("_0_conv", ps, preact, training);
        } else if (stride > 1) {
            shortcut = Pool.maxPool2d(x, new Shape(1, 1), new Shape(stride, stride), new Shape(0, 0), false);
        } else {
            shortcut = x;
        }
        NDArray y = Activation.relu(apply("_1_bn", ps, apply("_1_conv", ps, preact, training), training));
        y = Activation.relu(apply("_2_bn", ps, apply("_2_conv", ps, y, training), training));
        y = apply("_3_conv", ps, y, training);
        return new NDList(shortcut.add(y));
    }

    private NDArray apply(String suffix, ParameterStore ps, NDArray x, boolean training) {
        return layers.get(name + suffix).forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        layers.get(name + "_preact_bn").initialize(manager, dataType, inputShapes);
        if (convShortcut) {
            layers.get(name + "_0_conv").initialize(manager, dataType, inputShapes);
        }
        Shape[] shapes = inputShapes;
        for (String suffix : new String[]{"_1", "_2"}) {
            Block conv = layers.get(name + suffix + "_conv");
            conv.initialize(manager, dataType, shapes);
            shapes = conv.getOutputShapes(shapes);
            layers.get(name + suffix + "_bn").initialize(manager, dataType, shapes);
        }
        layers.get(name + "_3_conv").initialize(manager, dataType, shapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (String suffix : new String[]{"_1_conv", "_2_conv", "_3_conv"}) {
            shapes = layers.get(name + suffix).getOutputShapes(shapes);
        }
        return shapes;
    }
}
