package io.transferlab.ml.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.transferlab.core.dataset.SharedData;
import io.transferlab.ml.weights.ImageNetWeights;
import io.transferlab.ml.weights.KerasWeightLoader;
import io.transferlab.ml.weights.TfjsLayersModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The numerical proof: on the exact Keras inputs of ../shared/fixtures/resnet50-keras our network gives Keras'
 * pooled features and logits within 1e-3 (max-abs, relative to the largest value) and the expected top-1.
 * Needs the weights (deploy/local/fetch-weights.sh); skipped only when ../shared is absent.
 */
class KerasResNet50FixtureTest {

    private static Path fixtures;
    private static TfjsLayersModel weights;

    @BeforeAll
    static void load() {
        fixtures = SharedData.path("fixtures/resnet50-keras");
        Assumptions.assumeTrue(fixtures != null, "../shared/fixtures/resnet50-keras is not present");
        weights = ImageNetWeights.resnet50(ImageNetWeights.cacheDir());
    }

    @Test
    void reproducesKerasFeaturesLogitsAndTopOne() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            KerasResNet50 net = KerasResNet50.withImageNetTop();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            KerasWeightLoader.load(net.layers(), weights.weights(), Set.of());
            ParameterStore ps = new ParameterStore(manager, false);
            String[][] cases = {{"cat", "285"}, {"bird", "19"}, {"grace_hopper", "652"}};
            for (String[] c : cases) {
                NDArray input = manager.create(read(c[0] + ".input-224x224x3-hwc-bgr-caffe.f32"), new Shape(1, 224, 224, 3))
                        .transpose(0, 3, 1, 2);
                NDArray last = net.forwardStages(ps, input, false, 0, net.stages().size());
                float[] pooled = KerasResNet50.globalAveragePool(last).toFloatArray();
                float[] logits = net.forward(ps, new NDList(input), false).singletonOrThrow().toFloatArray();

                assertClose(c[0] + " pooled features", pooled, read(c[0] + ".gap-2048.f32"));
                assertClose(c[0] + " logits", logits, read(c[0] + ".logits-1000.f32"));
                assertThat(argmax(logits)).as(c[0] + " top-1").isEqualTo(Integer.parseInt(c[1]));
            }
        }
    }

    @Test
    void foldedInferenceFormReproducesKerasFeaturesAndTheUnfoldedNetwork() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            KerasResNet50 net = KerasResNet50.withoutTop();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            KerasWeightLoader.load(net.layers(), weights.weights(), Set.of("fc1000"));
            ParameterStore ps = new ParameterStore(manager, false);
            try (FoldedResNet50 folded = new FoldedResNet50(net, manager)) {
                int last = net.stages().indexOf(KerasResNet50.LAST_UNIT);
                for (String c : new String[]{"cat", "bird", "grace_hopper"}) {
                    NDArray input = manager.create(read(c + ".input-224x224x3-hwc-bgr-caffe.f32"), new Shape(1, 224, 224, 3))
                            .transpose(0, 3, 1, 2);
                    NDArray unitInput = folded.forwardStages(input, 0, last);
                    float[] pooled = KerasResNet50.globalAveragePool(folded.forwardStages(unitInput, last, last + 1))
                            .toFloatArray();
                    assertClose(c + " pooled features (folded)", pooled, read(c + ".gap-2048.f32"));
                    float[] unfoldedInput = net.forwardStages(ps, input, false, 0, last).toFloatArray();
                    assertClose(c + " res5c input (folded vs unfolded)", unitInput.toFloatArray(), unfoldedInput);
                }
            }
        }
    }

    @Test
    void aBatchLargerThanAMicroBatchGivesEachImageItsOwnFeatures() throws IOException {
        String[] names = {"cat", "bird", "grace_hopper"};
        try (NDManager manager = NDManager.newBaseManager()) {
            KerasResNet50 net = KerasResNet50.withoutTop();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            KerasWeightLoader.load(net.layers(), weights.weights(), Set.of("fc1000"));
            try (FoldedResNet50 folded = new FoldedResNet50(net, manager)) {
                // the three fixtures repeated past one micro-batch, so the batch is split and joined again
                int batch = FoldedResNet50.MICRO_BATCH + 2;
                NDList rows = new NDList();
                for (int i = 0; i < batch; i++) {
                    rows.add(manager.create(read(names[i % 3] + ".input-224x224x3-hwc-bgr-caffe.f32"),
                            new Shape(1, 224, 224, 3)));
                }
                NDArray input = ai.djl.ndarray.NDArrays.concat(rows, 0).transpose(0, 3, 1, 2);
                NDArray pooled = KerasResNet50.globalAveragePool(folded.forwardStages(input, 0, folded.stages().size()));
                assertThat(pooled.getShape()).isEqualTo(new Shape(batch, KerasResNet50.FEATURES));
                for (int i = 0; i < batch; i++) {
                    assertClose(names[i % 3] + " pooled features, row " + i + " of " + batch,
                            pooled.get(i).toFloatArray(), read(names[i % 3] + ".gap-2048.f32"));
                }
            }
        }
    }

    @Test
    void fineTuningsBlockIsAddressableByItsKerasName() {
        KerasResNet50 net = KerasResNet50.withoutTop();
        assertThat(net.stages()).hasSize(17).startsWith("conv1", "res2a").endsWith("res5b", "res5c");
        assertThat(net.unit(KerasResNet50.LAST_UNIT).layers()).containsOnlyKeys(
                "res5c_branch2a", "bn5c_branch2a", "res5c_branch2b", "bn5c_branch2b", "res5c_branch2c", "bn5c_branch2c");
        assertThat(net.unit("res5a").layers()).containsKey("res5a_branch1");
    }

    private static void assertClose(String what, float[] actual, float[] expected) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        double maxAbsDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbsDiff = Math.max(maxAbsDiff, Math.abs(actual[i] - expected[i]));
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
        }
        System.out.printf("%s: max |ours - Keras| = %.3g, relative to max |Keras| = %.3g%n", what, maxAbsDiff,
                maxAbsDiff / maxAbs);
        assertThat(maxAbsDiff / maxAbs).as(what + ": max-abs difference relative to max-abs value").isLessThan(1e-3);
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float[] read(String file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(fixtures.resolve(file))).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(values);
        return values;
    }
}
