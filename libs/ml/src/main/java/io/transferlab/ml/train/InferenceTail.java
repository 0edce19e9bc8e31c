package io.transferlab.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.transferlab.ml.backbone.FoldedUnit;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.backbone.ResidualUnit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fine-tuning tail (residual units, global average pooling, the dense head) in inference form for one validation:
 * its units' BatchNorms folded into their convolutions as the weights are at that moment ({@link FoldedUnit}).
 *
 * <p>Why: the validation loss of every fine-tuning epoch runs the tail forward over the whole validation part
 * (the seed's Small size: 3243 images against 827 trained on), half of a cached epoch; each BatchNorm in inference
 * mode is one more pass over the activations. Folded, the same function (to ~1e-6) runs without them. A fold is
 * remade for every validation, since training moves both the weights and the BatchNorms' statistics.
 */
final class InferenceTail implements AutoCloseable {

    private final NDManager manager;
    private final List<FoldedUnit> units;
    private final NDArray weight;
    private final NDArray bias;

    private InferenceTail(NDManager manager, List<FoldedUnit> units, Linear head) {
        this.manager = manager;
        this.units = units;
        this.weight = head.getParameters().get("weight").getArray();
        this.bias = head.getParameters().get("bias").getArray();
    }

    /** The inference form of a tail made by {@link TailBlocks} of residual units, or empty for any other block. */
    static Optional<InferenceTail> of(Block tail, NDManager parent) {
        if (!(tail instanceof SequentialBlock sequential)) {
            return Optional.empty();
        }
        List<Block> children = sequential.getChildren().values();
        int n = children.size();
        if (n < 3 || !(children.get(n - 2) instanceof TailBlocks.GlobalAveragePool)
                || !(children.get(n - 1) instanceof Linear head)) {
            return Optional.empty();
        }
        for (Block child : children.subList(0, n - 2)) {
            if (!(child instanceof ResidualUnit)) {
                return Optional.empty();
            }
        }
        NDManager manager = parent.newSubManager();
        List<FoldedUnit> units = new ArrayList<>();
        for (Block child : children.subList(0, n - 2)) {
            units.add(FoldedUnit.of((ResidualUnit) child, manager, false));
        }
        return Optional.of(new InferenceTail(manager, units, head));
    }

    /** The logits for a batch of the units' inputs (autograd off); the result lives in {@code x}'s manager. */
    NDArray logits(NDArray x) {
        NDArray current = x;
        for (FoldedUnit unit : units) {
            NDArray next = unit.forward(current);
            if (current != x) {
                current.close();
            }
            current = next;
        }
        try (NDArray pooled = KerasResNet50.globalAveragePool(current)) {
            if (current != x) {
                current.close();
            }
            return Linear.linear(pooled, weight, bias).singletonOrThrow();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
