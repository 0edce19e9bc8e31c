package io.transferlab.ml.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
 * Keras' ResNet50 (v1) rebuilt from DJL blocks so that it computes exactly what Keras computes: a 7×7/2 stem
 * ({@code conv1}, {@code bn_conv1}), max-pool 3×3/2 after 1-pixel zero padding, 16 bottleneck units
 * {@code res2a … res5c}, global average pooling and, optionally, the ImageNet head {@code fc1000}. Input is
 * NCHW, 'caffe'-normalised BGR (see {@link CaffePreprocessing}).
 *
 * <p>The network is split into stages — the stem, then each unit — so that strategies can run a frozen prefix
 * once, cache its output, and train only the rest.
 */
public final class KerasResNet50 extends AbstractBlock {

    public static final int FEATURES = 2048;
    public static final String STEM = "conv1";
    /** The last unit: the block fine-tuning unfreezes (Keras 2.2 name of conv5_block3). */
    public static final String LAST_UNIT = "res5c";

    private final Map<String, Block> layers = new LinkedHashMap<>();
    private final List<String> stages = new ArrayList<>();
    private final Map<String, ResidualUnit> units = new LinkedHashMap<>();
    private final Linear top;

    private KerasResNet50(boolean includeTop) {
        add("conv1", ResidualUnit.conv(64, 7, 2, 3));
        add("bn_conv1", ResidualUnit.batchNorm());
        stages.add(STEM);
        int[][] stageSpec = {{2, 64, 3, 1}, {3, 128, 4, 2}, {4, 256, 6, 2}, {5, 512, 3, 2}};
        for (int[] spec : stageSpec) {
            for (int i = 0; i < spec[2]; i++) {
                String name = spec[0] + String.valueOf((char) ('a' + i));
                ResidualUnit unit = new ResidualUnit(name, spec[1], i == 0 ? spec[3] : 1, i == 0);
                addChildBlock("res" + name, unit);
                units.put("res" + name, unit);
                layers.putAll(unit.layers());
                stages.add("res" + name);
            }
        }
        top = includeTop ? add("fc1000", Linear.builder().setUnits(1000).optBias(true).build()) : null;
    }

    /** The network up to global average pooling (2048 features). */
    public static KerasResNet50 withoutTop() {
        return new KerasResNet50(false);
    }

    /** The network with its 1000-class ImageNet head; forward gives the logits (softmax not applied). */
    public static KerasResNet50 withImageNetTop() {
        return new KerasResNet50(true);
    }

    private <B extends Block> B add(String name, B block) {
        layers.put(name, addChildBlock(name, block));
        return block;
    }

    /** Every layer that holds weights, by Keras name. */
    public Map<String, Block> layers() {
        return Collections.unmodifiableMap(layers);
    }

    /** The stages in order: {@code conv1} (the stem), then {@code res2a … res5c}. */
    public List<String> stages() {
        return Collections.unmodifiableList(stages);
    }

    public ResidualUnit unit(String name) {
        ResidualUnit unit = units.get(name);
        if (unit == null) {
            throw new IllegalArgumentException("ResNet50 has no unit '" + name + "' (it has " + units.keySet() + ")");
        }
        return unit;
    }

    /** Runs stages {@code [from, to)} (indices into {@link #stages()}). */
    public NDArray forwardStages(ParameterStore ps, NDArray x, boolean training, int from, int to) {
        for (int i = from; i < to; i++) {
            if (i == 0) {
                x = layers.get("conv1").forward(ps, new NDList(x), training).singletonOrThrow();
                x = Activation.relu(layers.get("bn_conv1").forward(ps, new NDList(x), training).singletonOrThrow());
                // Keras pads with zeros before pooling; after ReLU that equals PyTorch's -inf padding
                x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
            } else {
                x = units.get(stages.get(i)).forward(ps, new NDList(x), training).singletonOrThrow();
            }
        }
        return x;
    }

    public static NDArray globalAveragePool(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), -1).mean(new int[]{2});
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = forwardStages(ps, inputs.singletonOrThrow(), training, 0, stages.size());
        NDArray pooled = globalAveragePool(x);
        return new NDList(top == null ? pooled : top.forward(ps, new NDList(pooled), training).singletonOrThrow());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        Block conv1 = layers.get("conv1");
        conv1.initialize(manager, dataType, shapes);
        shapes = conv1.getOutputShapes(shapes);
        layers.get("bn_conv1").initialize(manager, dataType, shapes);
        shapes = new Shape[]{pooledShape(shapes[0])};
        for (ResidualUnit unit : units.values()) {
            unit.initialize(manager, dataType, shapes);
            shapes = unit.getOutputShapes(shapes);
        }
        if (top != null) {
            top.initialize(manager, dataType, new Shape(shapes[0].get(0), shapes[0].get(1)));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        return new Shape[]{new Shape(batch, top == null ? FEATURES : 1000)};
    }

    /** The stem's max-pool output shape: 3×3/2 with 1 pixel of padding. */
    private static Shape pooledShape(Shape s) {
        return new Shape(s.get(0), s.get(1), (s.get(2) + 2 - 3) / 2 + 1, (s.get(3) + 2 - 3) / 2 + 1);
    }
}
