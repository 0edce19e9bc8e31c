package io.transferlab.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The training loop on a small separable problem: learning, early stopping, best weights, resuming. */
class HeadTrainerTest {

    @TempDir
    Path dir;

    /** Two Gaussian blobs in 8 dimensions. */
    private static BatchSource blobs(int n, long seed) {
        return blobs(n, seed, 1.5);
    }

    private static BatchSource blobs(int n, long seed, double shift) {
        return blobs(n, seed, shift, 8, 2);
    }

    /** {@code classes} Gaussian blobs in {@code dims} dimensions, centred on ±shift by the class's bits. */
    private static BatchSource blobs(int n, long seed, double shift, int dims, int classes) {
        Random random = new Random(seed);
        float[][] x = new float[n][dims];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int d = 0; d < dims; d++) {
                x[i][d] = (float) (random.nextGaussian() + (((y[i] >> (d % 3)) & 1) == 0 ? -shift : shift));
            }
        }
        return new BatchSource() {
            public int size() {
                return n;
            }

            public int label(int index) {
                return y[index];
            }

            public NDArray inputs(NDManager manager, int[] indices, int epoch) {
                float[][] rows = new float[indices.length][];
                for (int i = 0; i < indices.length; i++) {
                    rows[i] = x[indices[i]];
                }
                return manager.create(rows);
            }
        };
    }

    private static Linear head(NDManager manager) {
        return head(manager, 8, 2);
    }

    private static Linear head(NDManager manager, int dims, int classes) {
        Linear head = Linear.builder().setUnits(classes).build();
        head.initialize(manager, DataType.FLOAT32, new Shape(1, dims));
        return head;
    }

    @Test
    void learnsStopsEarlyAndKeepsTheBestWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear head = head(manager);
            // few, overlapping training points: validation loss bottoms out, then rises
            BatchSource train = blobs(12, 1, 0.4);
            BatchSource val = blobs(400, 2, 0.4);
            TrainingHistory history = HeadTrainer.fit(head, new Shape(8), train, val,
                    new TrainingSettings(0.1f, 4, 300, 3, 7), EpochListener.NONE);
            assertThat(history.stoppedEarly()).isTrue();
            assertThat(history.epochs()).hasSize(history.bestEpoch() + 3);
            double best = history.epochs().stream().mapToDouble(EpochStats::valLoss).min().orElseThrow();
            assertThat(history.bestValLoss()).isEqualTo(best);
            float[][] scores = HeadTrainer.predict(head, val, 32, manager);
            int correct = 0;
            for (int i = 0; i < scores.length; i++) {
                correct += (scores[i][1] > scores[i][0] ? 1 : 0) == val.label(i) ? 1 : 0;
            }
            assertThat(correct / (double) scores.length).as("the kept weights are the best epoch's")
                    .isEqualTo(history.epochs().get(history.bestEpoch() - 1).valAccuracy());
        }
    }

    /**
     * The vector kernel and the native closed form train exactly as autograd does: at 8 features (narrower than a
     * vector: every product in the scalar tails) with 2 classes, and at 83 features × 7 classes (whole vectors,
     * 4 × 4 blocks, a remainder of classes and of features, a last batch of 5 rows).
     */
    @Test
    void everyHeadKernelTrainsExactlyAsAutogradDoes() {
        assertThat(HeadTrainer.vectorProblem(head(NDManager.newBaseManager(), 8, 2)))
                .as("the tests run with the vector module").isNull();
        for (int[] problem : new int[][]{{8, 2, 37}, {83, 7, 101}}) {
            int dims = problem[0];
            int classes = problem[1];
            int n = problem[2];
            try (NDManager manager = NDManager.newBaseManager()) {
                Linear reference = head(manager, dims, classes);
                float[] initial = reference.getParameters().get("weight").getArray().toFloatArray();
                TrainingSettings settings = new TrainingSettings(0.05f, 16, 6, 100, 11);
                java.util.Map<String, float[]> weights = new java.util.LinkedHashMap<>();
                java.util.Map<String, TrainingHistory> histories = new java.util.LinkedHashMap<>();
                for (String kernel : List.of("autograd", "native", "vector")) {
                    Linear head = head(manager, dims, classes);
                    HeadTrainer.restore(head, HeadTrainer.snapshot(reference), manager);
                    System.setProperty(HeadTrainer.KERNEL_PROPERTY, kernel);
                    try {
                        assertThat(HeadTrainer.denseHeadKernel(head)).isEqualTo(kernel);
                        histories.put(kernel, HeadTrainer.fit(head, new Shape(dims),
                                blobs(n, 1, 0.4, dims, classes), blobs(50, 2, 0.4, dims, classes), settings,
                                EpochListener.NONE));
                    } finally {
                        System.clearProperty(HeadTrainer.KERNEL_PROPERTY);
                    }
                    weights.put(kernel, head.getParameters().get("weight").getArray().toFloatArray());
                }
                float[] expected = weights.get("autograd");
                assertThat(expected).as("the weights moved").isNotEqualTo(initial);
                for (String kernel : List.of("native", "vector")) {
                    float[] actual = weights.get(kernel);
                    for (int i = 0; i < actual.length; i++) {
                        assertThat(actual[i]).as(kernel + " weight " + i + " at " + dims + " × " + classes)
                                .isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-4f));
                    }
                    for (int e = 0; e < 6; e++) {
                        EpochStats slow = histories.get("autograd").epochs().get(e);
                        EpochStats fast = histories.get(kernel).epochs().get(e);
                        String what = kernel + " epoch " + (e + 1) + " at " + dims + " × " + classes;
                        assertThat(fast.trainLoss()).as(what + " training loss")
                                .isCloseTo(slow.trainLoss(), org.assertj.core.api.Assertions.within(1e-5));
                        assertThat(fast.trainAccuracy()).as(what + " training accuracy").isEqualTo(slow.trainAccuracy());
                        assertThat(fast.valLoss()).as(what + " validation loss")
                                .isCloseTo(slow.valLoss(), org.assertj.core.api.Assertions.within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void anUnknownKernelIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            System.setProperty(HeadTrainer.KERNEL_PROPERTY, "fast");
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> HeadTrainer.denseHeadKernel(head(manager)))
                        .hasMessageContaining("transferlab.head.kernel must be auto, vector, native or autograd, not 'fast'");
            } finally {
                System.clearProperty(HeadTrainer.KERNEL_PROPERTY);
            }
        }
    }

    @Test
    void aRestartedRunResumesAfterItsLastEpoch() {
        Path resume = dir.resolve("run");
        TrainingSettings settings = new TrainingSettings(0.01f, 16, 5, 100, 3);
        List<Integer> firstEpochs = new ArrayList<>();
        List<EpochStats> interrupted;
        try (NDManager manager = NDManager.newBaseManager()) {
            // the first process gets through two epochs, then "crashes"
            interrupted = HeadTrainer.fit(head(manager), new Shape(8), blobs(64, 1), blobs(32, 2),
                    new TrainingSettings(0.01f, 16, 2, 100, 3), (s, max) -> firstEpochs.add(s.epoch()), resume).epochs();
        }
        List<Integer> laterEpochs = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingHistory history = HeadTrainer.fit(head(manager), new Shape(8), blobs(64, 1), blobs(32, 2), settings,
                    (s, max) -> laterEpochs.add(s.epoch()), resume);
            assertThat(firstEpochs).containsExactly(1, 2);
            assertThat(laterEpochs).containsExactly(3, 4, 5);
            assertThat(history.epochs()).hasSize(5);
            assertThat(history.epochs().subList(0, 2)).isEqualTo(interrupted);
        }
    }
}
