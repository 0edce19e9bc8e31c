package io.transferlab.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.transferlab.ml.backbone.ResidualUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The folded inference form of a fine-tuning tail computes what the tail computes in inference mode. */
class InferenceTailTest {

    @Test
    void theFoldedTailComputesTheTailsInferenceForward() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape input = new Shape(3, 32, 5, 5);
            // a projection unit (stride 2) then an identity unit, as stage 5; BatchNorm statistics far from 0 / 1
            SequentialBlock tail = new SequentialBlock()
                    .add(new ResidualUnit("5a", 8, 2, true))
                    .add(new ResidualUnit("5b", 8, 1, false))
                    .add(new TailBlocks.GlobalAveragePool())
                    .add(Linear.builder().setUnits(6).build());
            tail.initialize(manager, DataType.FLOAT32, input);
            for (var parameter : tail.getParameters()) {
                String name = parameter.getKey();
                NDArray array = parameter.getValue().getArray();
                if (name.endsWith("runningVar") || name.endsWith("gamma")) {
                    array.set(manager.randomUniform(0.3f, 2f, array.getShape()).toFloatArray());
                } else if (name.endsWith("runningMean") || name.endsWith("beta") || name.endsWith("bias")) {
                    array.set(manager.randomUniform(-0.5f, 0.5f, array.getShape()).toFloatArray());
                }
            }
            NDArray x = manager.randomUniform(0, 1, input);
            NDArray expected = tail.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try (InferenceTail folded = InferenceTail.of(tail, manager).orElseThrow()) {
                float[] actual = folded.logits(x).toFloatArray();
                float[] wanted = expected.toFloatArray();
                assertThat(actual).hasSameSizeAs(wanted);
                for (int i = 0; i < wanted.length; i++) {
                    assertThat(actual[i]).as("logit " + i).isCloseTo(wanted[i], within(1e-4f * (1 + Math.abs(wanted[i]))));
                }
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
    }

    @Test
    void otherBlocksHaveNoInferenceForm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block head = TailBlocks.head(manager, 3);
            assertThat(InferenceTail.of(head, manager)).isEmpty();
            SequentialBlock noPool = new SequentialBlock().add(new ResidualUnit("5c", 8, 1, false))
                    .add(Linear.builder().setUnits(3).build());
            assertThat(InferenceTail.of(noPool, manager)).isEmpty();
        }
    }
}
