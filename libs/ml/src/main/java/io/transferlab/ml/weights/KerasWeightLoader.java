package io.transferlab.ml.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Fills DJL layers with Keras weights, converting layouts: convolution kernels from Keras' [kh, kw, in, out] to
 * [out, in, kh, kw], dense kernels from [in, out] to [out, in]; BatchNorm gamma/beta/moving mean/moving variance
 * as they are. Every weight of the file must be used and every layer filled, or the load fails naming the gap.
 */
public final class KerasWeightLoader {

    private KerasWeightLoader() {
    }

    /**
     * @param layers    the network's weighted layers by Keras name (already initialised)
     * @param weights   Keras weights named {@code layer/kernel}, {@code layer/gamma}, …
     * @param allowUnused Keras weights that may stay unused (e.g. the ImageNet head when loading without top)
     */
    public static void load(Map<String, Block> layers, Map<String, WeightTensor> weights, Set<String> allowUnused) {
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, Block> layer : layers.entrySet()) {
            String name = layer.getKey();
            Block block = layer.getValue();
            if (block instanceof Conv2d) {
                copy(block, "weight", take(weights, name + "/kernel", used), new int[]{3, 2, 0, 1});
                if (block.getParameters().contains("bias")) { // ResNet50-V2's inner convolutions have none
                    copy(block, "bias", take(weights, name + "/bias", used), null);
                }
            } else if (block instanceof Linear) {
                copy(block, "weight", take(weights, name + "/kernel", used), new int[]{1, 0});
                copy(block, "bias", take(weights, name + "/bias", used), null);
            } else if (block instanceof BatchNorm) {
                copy(block, "gamma", take(weights, name + "/gamma", used), null);
                copy(block, "beta", take(weights, name + "/beta", used), null);
                copy(block, "runningMean", take(weights, name + "/moving_mean", used), null);
                copy(block, "runningVar", take(weights, name + "/moving_variance", used), null);
            } else {
                throw new WeightsException("no Keras weight mapping for layer " + name + " ("
                        + block.getClass().getSimpleName() + ")");
            }
        }
        Set<String> unused = new HashSet<>(weights.keySet());
        unused.removeAll(used);
        unused.removeIf(w -> allowUnused.contains(w.substring(0, w.indexOf('/'))));
        if (!unused.isEmpty()) {
            throw new WeightsException("the weights hold " + unused.size() + " array(s) the network has no layer for, e.g. "
                    + unused.stream().sorted().limit(5).toList());
        }
    }

    private static WeightTensor take(Map<String, WeightTensor> weights, String name, Set<String> used) {
        WeightTensor tensor = weights.get(name);
        if (tensor == null) {
            throw new WeightsException("the weights have no '" + name + "' for the network's layer of that name");
        }
        used.add(name);
        return tensor;
    }

    private static void copy(Block block, String parameterName, WeightTensor tensor, int[] permutation) {
        Parameter parameter = block.getParameters().get(parameterName);
        NDArray target = parameter.getArray();
        NDManager manager = target.getManager();
        try (NDManager scope = manager.newSubManager()) {
            NDArray source = scope.create(tensor.values(), new Shape(tensor.shape()));
            if (permutation != null) {
                source = source.transpose(permutation);
            }
            if (!source.getShape().equals(target.getShape())) {
                throw new WeightsException("weight " + tensor.name() + " has shape " + Arrays.toString(tensor.shape())
                        + " but the layer expects " + target.getShape() + " (after layout conversion: " + source.getShape() + ")");
            }
            target.set(source.toFloatArray());
        }
    }
}
