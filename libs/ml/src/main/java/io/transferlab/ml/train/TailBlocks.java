package io.transferlab.ml.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.backbone.ResidualUnit;

import java.util.List;

/** The trainable parts of the seed's two strategies. */
public final class TailBlocks {

    private TailBlocks() {
    }

    /** Feature extraction's head: Dense(classes) on the 2048 pooled features (softmax lives in the loss). */
    public static Linear head(NDManager manager, int classes) {
        Linear head = Linear.builder().setUnits(classes).optBias(true).build();
        // PyTorch's nn.Linear initialisation, U(±1/√fan_in) for weights and bias. Why: this head gets few optimiser
        // steps (the seed's Small size: 52 a epoch, 30 epochs), so whatever noise it starts from stays in its
        // predictions. DJL's default (He-normal, std √(2/2048) = 0.031, 2.4× PyTorch's) cost 3.4 micro-F1 points on
        // Small against a PyTorch head on the same features; with this one the two agree within 0.4 at every size
        // (transferlab bench; all-zero weights, also measured, score 0.3–0.6 above both).
        float bound = (float) (1 / Math.sqrt(KerasResNet50.FEATURES));
        head.setInitializer(new UniformInitializer(bound), Parameter.Type.WEIGHT);
        head.setInitializer(new UniformInitializer(bound), Parameter.Type.BIAS);
        head.initialize(manager, DataType.FLOAT32, new Shape(1, KerasResNet50.FEATURES));
        return head;
    }

    /**
     * Fine-tuning's trainable tail: a fresh copy of the backbone's last unit (its ImageNet weights, so runs do not
     * leak into each other), global average pooling, and the given head (feature extraction's trained head).
     */
    public static SequentialBlock fineTuneTail(NDManager manager, KerasResNet50 backbone, byte[] headWeights, int classes,
                                               int imageSize) {
        ResidualUnit original = backbone.unit(KerasResNet50.LAST_UNIT);
        ResidualUnit unit = new ResidualUnit("5c", 512, 1, false);
        Shape unitInput = new Shape(1).addAll(fineTuneInput(imageSize));
        unit.initialize(manager, DataType.FLOAT32, unitInput);
        HeadTrainer.restore(unit, HeadTrainer.snapshot(original), manager);
        Linear head = head(manager, classes);
        HeadTrainer.restore(head, headWeights, manager);
        SequentialBlock tail = new SequentialBlock()
                .add(unit)
                .add(new GlobalAveragePool())
                .add(head);
        tail.initialize(manager, DataType.FLOAT32, unitInput);
        return tail;
    }

    /**
     * The deeper fine-tuning's trainable tail: fresh copies of all of stage 5 (res5a with its projection shortcut,
     * res5b, res5c; their ImageNet weights), global average pooling, and the given head (the linear probe's).
     */
    public static SequentialBlock stage5Tail(NDManager manager, KerasResNet50 backbone, byte[] headWeights, int classes,
                                             int imageSize) {
        SequentialBlock tail = new SequentialBlock();
        Shape input = new Shape(1).addAll(stage5Input(imageSize));
        for (String name : List.of("res5a", "res5b", "res5c")) {
            ResidualUnit original = backbone.unit(name);
            ResidualUnit unit = new ResidualUnit(original.name(), 512, original.stride(), original.hasProjection());
            unit.initialize(manager, DataType.FLOAT32, input);
            HeadTrainer.restore(unit, HeadTrainer.snapshot(original), manager);
            tail.add(unit);
            input = unit.getOutputShapes(new Shape[]{input})[0];
        }
        Linear head = head(manager, classes);
        HeadTrainer.restore(head, headWeights, manager);
        tail.add(new GlobalAveragePool())
                .add(head);
        tail.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(stage5Input(imageSize)));
        return tail;
    }

    /** The global average pooling between a fine-tuning's units and its head ({@link InferenceTail} looks for it). */
    static final class GlobalAveragePool extends LambdaBlock {

        GlobalAveragePool() {
            super(list -> new NDList(KerasResNet50.globalAveragePool(list.singletonOrThrow())), "avg_pool");
        }
    }

    /** Stage 5's input (stage 4's output, 1024 channels) for one image: the network has downsampled 16×. */
    public static Shape stage5Input(int imageSize) {
        return new Shape(1024, imageSize / 16, imageSize / 16);
    }

    /** The last unit's input for one image of {@code imageSize}² pixels (the network downsamples 32×). */
    public static Shape fineTuneInput(int imageSize) {
        return new Shape(KerasResNet50.FEATURES, imageSize / 32, imageSize / 32);
    }

    public static Shape headInput() {
        return new Shape(KerasResNet50.FEATURES);
    }
}
