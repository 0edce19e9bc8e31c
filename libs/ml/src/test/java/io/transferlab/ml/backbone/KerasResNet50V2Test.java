package io.transferlab.ml.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.transferlab.ml.weights.KerasH5Weights;
import io.transferlab.ml.weights.KerasWeightLoader;
import io.transferlab.ml.weights.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ResNet50-V2: the architecture (Keras' parameter count and names) and a round trip through a Keras-layout
 * .h5 file written here with jHDF (no V2 ImageNet weights are reachable from this machine).
 */
class KerasResNet50V2Test {

    @TempDir
    Path dir;

    @Test
    void hasKerasArchitectureAndNames() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KerasResNet50V2 net = KerasResNet50V2.withoutTop();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            long params = net.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertThat(params).as("Keras ResNet50V2(include_top=False) has 23,564,800 parameters").isEqualTo(23_564_800L);
            assertThat(net.stages()).hasSize(17).startsWith("conv1", "conv2_block1").endsWith(KerasResNet50V2.LAST_UNIT);
            assertThat(net.layers()).containsKeys("conv1_conv", "conv5_block3_preact_bn", "conv5_block3_3_conv",
                    "conv4_block6_2_conv", "post_bn");
            assertThat(net.layers()).doesNotContainKey("conv1_bn");
            NDArray input = KerasResNet50V2.preprocess(manager.randomUniform(0, 255, new Shape(2, 224, 224, 3)));
            NDArray out = net.forward(new ParameterStore(manager, false), new NDList(input), false).singletonOrThrow();
            assertThat(out.getShape()).isEqualTo(new Shape(2, 2048));
        }
    }

    @Test
    void weightsSurviveARoundTripThroughAKerasH5File() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            KerasResNet50V2 source = KerasResNet50V2.withImageNetTop();
            source.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            for (Parameter p : source.getParameters().values()) {  // every array different from its initial value
                NDArray random = manager.randomUniform(0.5f, 1.5f, p.getArray().getShape());
                p.getArray().set(random.toFloatArray());
            }
            Path h5 = dir.resolve("resnet50v2_weights.h5");
            writeKerasH5(source.layers(), h5);

            KerasResNet50V2 target = KerasResNet50V2.withImageNetTop();
            target.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            KerasWeightLoader.load(target.layers(), KerasH5Weights.read(h5), Set.of());

            NDArray input = KerasResNet50V2.preprocess(manager.randomUniform(0, 255, new Shape(1, 64, 64, 3)));
            ParameterStore ps = new ParameterStore(manager, false);
            float[] expected = source.forward(ps, new NDList(input), false).singletonOrThrow().toFloatArray();
            float[] actual = target.forward(ps, new NDList(input), false).singletonOrThrow().toFloatArray();
            assertThat(actual).containsExactly(expected);
        }
    }

    @Test
    void clearErrorsForFilesThatAreNotKerasWeights() throws Exception {
        Path notHdf = Files.writeString(dir.resolve("weights.h5"), "not hdf5");
        assertThatThrownBy(() -> KerasH5Weights.read(notHdf)).isInstanceOf(WeightsException.class)
                .hasMessageContaining("cannot read Keras weights");
        Path plain = dir.resolve("plain.h5");
        try (WritableHdfFile file = HdfFile.write(plain)) {
            file.putDataset("data", new float[]{1, 2, 3});
        }
        assertThatThrownBy(() -> KerasH5Weights.read(plain)).hasMessageContaining("no 'layer_names' attribute");
        assertThatThrownBy(() -> KerasH5Weights.read(dir.resolve("missing.h5"))).hasMessageContaining("no Keras weight file");
    }

    /** Writes layers the way Keras' save_weights does: layer groups, weight_names, kernels in Keras layout. */
    private static void writeKerasH5(Map<String, Block> layers, Path file) {
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            List<String> layerNames = new ArrayList<>(layers.keySet());
            h5.putAttribute("layer_names", layerNames.toArray(String[]::new));
            for (Map.Entry<String, Block> layer : layers.entrySet()) {
                String name = layer.getKey();
                Block block = layer.getValue();
                Map<String, NDArray> weights = new LinkedHashMap<>();
                if (block instanceof Conv2d) {
                    weights.put("kernel", block.getParameters().get("weight").getArray().transpose(2, 3, 1, 0));
                    if (block.getParameters().contains("bias")) {
                        weights.put("bias", block.getParameters().get("bias").getArray());
                    }
                } else if (block instanceof Linear) {
                    weights.put("kernel", block.getParameters().get("weight").getArray().transpose(1, 0));
                    weights.put("bias", block.getParameters().get("bias").getArray());
                } else if (block instanceof BatchNorm) {
                    weights.put("gamma", block.getParameters().get("gamma").getArray());
                    weights.put("beta", block.getParameters().get("beta").getArray());
                    weights.put("moving_mean", block.getParameters().get("runningMean").getArray());
                    weights.put("moving_variance", block.getParameters().get("runningVar").getArray());
                }
                WritableGroup group = h5.putGroup(name);
                group.putAttribute("weight_names", weights.keySet().stream().map(w -> name + "/" + w + ":0").toArray(String[]::new));
                WritableGroup inner = group.putGroup(name);
                for (Map.Entry<String, NDArray> w : weights.entrySet()) {
                    inner.putDataset(w.getKey() + ":0", nested(w.getValue()));
                }
            }
        }
    }

    private static Object nested(NDArray array) {
        long[] shape = array.getShape().getShape();
        int[] dims = new int[shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = (int) shape[i];
        }
        Object out = Array.newInstance(float.class, dims);
        fill(out, array.toFloatArray(), new int[]{0});
        return out;
    }

    private static void fill(Object target, float[] flat, int[] cursor) {
        if (target instanceof float[] row) {
            System.arraycopy(flat, cursor[0], row, 0, row.length);
            cursor[0] += row.length;
            return;
        }
        for (int i = 0; i < Array.getLength(target); i++) {
            fill(Array.get(target, i), flat, cursor);
        }
    }
}
