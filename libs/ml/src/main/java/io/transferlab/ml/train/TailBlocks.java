package io.transferlab.ml.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.backbone.ResidualUnit;

/** The trainable parts of the seed's two strategies. */
public final class TailBlocks {

    private TailBlocks() {
    }

    /** Feature extraction's head: Dense(classes) on the 2048 pooled features (softmax lives in the loss). */
    public static Linear head(NDManager manager, int classes) {
        Linear head = Linear.builder().setUnits(classes).optBias(true).build();
        String init = System.getProperty("tl.headInit", "djl");
        float bound = (float) (1 / Math.sqrt(KerasResNet50.FEATURES));
        if (init.equals("torch")) {
            head.setInitializer(new ai.djl.training.initializer.UniformInitializer(bound), ai.djl.nn.Parameter.Type.WEIGHT);
            head.setInitializer(new ai.djl.training.initializer.UniformInitializer(bound), ai.djl.nn.Parameter.Type.BIAS);
        } else if (init.equals("zero")) {
            head.setInitializer(ai.djl.training.initializer.Initializer.ZEROS, ai.djl.nn.Parameter.Type.WEIGHT);
        } else if (init.equals("glorot")) {
            head.setInitializer(new ai.djl.training.initializer.XavierInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
        }
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
                .add(new LambdaBlock(list -> new NDList(KerasResNet50.globalAveragePool(list.singletonOrThrow())), "avg_pool"))
                .add(head);
        tail.initialize(manager, DataType.FLOAT32, unitInput);
        return tail;
    }

    /** The last unit's input for one image of {@code imageSize}² pixels (the network downsamples 32×). */
    public static Shape fineTuneInput(int imageSize) {
        return new Shape(KerasResNet50.FEATURES, imageSize / 32, imageSize / 32);
    }

    public static Shape headInput() {
        return new Shape(KerasResNet50.FEATURES);
    }
}
