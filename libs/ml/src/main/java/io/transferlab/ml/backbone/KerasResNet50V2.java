package io.transferlab.ml.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' ResNet50-V2 (pre-activation), the seed's own backbone, from DJL blocks with Keras' layer names: stem
 * {@code conv1_conv} (7×7/2, bias, no BatchNorm), zero padding + max-pool 3×3/2, units {@code conv2_block1 …
 * conv5_block3} (the stride on the last unit of stages 2–4), then {@code post_bn} + ReLU, global average pooling
 * and optionally {@code predictions}. Input is NCHW RGB scaled to [-1, 1] ('tf' preprocessing). Fine-tuning
 * unfreezes {@code conv5_block3} and {@code post_bn}.
 */
public final class KerasResNet50V2 extends AbstractBlock {

    public static final String LAST_UNIT = "conv5_block3";
    public static final String POST_BN = "post_bn";

    private final Map<String, Block> layers = new LinkedHashMap<>();
    private final Map<String, PreActivationUnit> units = new LinkedHashMap<>();
    private final List<String> stages = new ArrayList<>();
    private final Linear top;

    private KerasResNet50V2(boolean includeTop) {
        add("conv1_conv", PreActivationUnit.conv(64, 7, 2, 3, true));
        stages.add("conv1");
        int[][] spec = {{2, 64, 3, 2}, {3, 128, 4, 2}, {4, 256, 6, 2}, {5, 512, 3, 1}};
        for (int[] s : spec) {
            for (int b = 1; b <= s[2]; b++) {
                String name = "conv" + s[0] + "_block" + b;
                PreActivationUnit unit = new PreActivationUnit(name, s[1], b == s[2] ? s[3] : 1, b == 1);
                addChildBlock(name, unit);
                units.put(name, unit);
                layers.putAll(unit.layers());
                stages.add(name);
            }
        }
        add(POST_BN, PreActivationUnit.batchNorm());
        top = includeTop ? add("predictions", Linear.builder().setUnits(1000).optBias(true).build()) : null;
    }

    public static KerasResNet50V2 withoutTop() {
        return new KerasResNet50V2(false);
    }

    public static KerasResNet50V2 withImageNetTop() {
        return new KerasResNet50V2(true);
    }

    private <B extends Block> B add(String name, B block) {
        layers.put(name, addChildBlock(name, block));
        return block;
    }

    public Map<String, Block> layers() {
        return Collections.unmodifiableMap(layers);
    }

    public List<String> stages() {
        return Collections.unmodifiableList(stages);
    }

    public PreActivationUnit unit(String name) {
        PreActivationUnit unit = units.get(name);
        if (unit == null) {
            throw new IllegalArgumentException("ResNet50-V2 has no unit '" + name + "'");
        }
        return unit;
    }

    /** 'tf' preprocessing: RGB [0, 255] NHWC → [-1, 1] NCHW. */
    public static NDArray preprocess(NDArray nhwcRgb) {
        return nhwcRgb.div(127.5f).sub(1f).transpose(0, 3, 1, 2);
    }

    /** Runs stages {@code [from, to)}; the stem's max-pool sees Keras' zero padding (values here can be negative). */
    public NDArray forwardStages(ParameterStore ps, NDArray x, boolean training, int from, int to) {
        for (int i = from; i < to; i++) {
            if (i == 0) {
                x = layers.get("conv1_conv").forward(ps, new NDList(x), training).singletonOrThrow();
                Shape s = x.getShape();
                NDArray padded = x.getManager().zeros(new Shape(s.get(0), s.get(1), s.get(2) + 2, s.get(3) + 2), x.getDataType());
                padded.set(new NDIndex(":, :, 1:{}, 1:{}", s.get(2) + 1, s.get(3) + 1), x);
                x = Pool.maxPool2d(padded, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
            } else {
                x = units.get(stages.get(i)).forward(ps, new NDList(x), training).singletonOrThrow();
            }
        }
        return x;
    }

    /** post_bn + ReLU + global average pooling. */
    public NDArray head(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = Activation.relu(layers.get(POST_BN).forward(ps, new NDList(x), training).singletonOrThrow());
        return KerasResNet50.globalAveragePool(y);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray pooled = head(ps, forwardStages(ps, inputs.singletonOrThrow(), training, 0, stages.size()), training);
        return new NDList(top == null ? pooled : top.forward(ps, new NDList(pooled), training).singletonOrThrow());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Block conv1 = layers.get("conv1_conv");
        conv1.initialize(manager, dataType, inputShapes);
        Shape s = conv1.getOutputShapes(inputShapes)[0];
        Shape[] shapes = {new Shape(s.get(0), s.get(1), (s.get(2) + 2 - 3) / 2 + 1, (s.get(3) + 2 - 3) / 2 + 1)};
        for (PreActivationUnit unit : units.values()) {
            unit.initialize(manager, dataType, shapes);
            shapes = unit.getOutputShapes(shapes);
        }
        layers.get(POST_BN).initialize(manager, dataType, shapes);
        if (top != null) {
            top.initialize(manager, dataType, new Shape(shapes[0].get(0), shapes[0].get(1)));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0), top == null ? KerasResNet50.FEATURES : 1000)};
    }
}
