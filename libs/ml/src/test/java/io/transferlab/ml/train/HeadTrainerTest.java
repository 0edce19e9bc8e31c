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
        Random random = new Random(seed);
        float[][] x = new float[n][8];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int d = 0; d < 8; d++) {
                x[i][d] = (float) (random.nextGaussian() + (y[i] == 0 ? -shift : shift));
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
        Linear head = Linear.builder().setUnits(2).build();
        head.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
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

    @Test
    void theClosedFormHeadStepTrainsExactlyAsAutogradDoes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear closedForm = head(manager);
            Linear autograd = head(manager);
            HeadTrainer.restore(autograd, HeadTrainer.snapshot(closedForm), manager);
            float[] initial = closedForm.getParameters().get("weight").getArray().toFloatArray();
            TrainingSettings settings = new TrainingSettings(0.05f, 5, 6, 100, 11);
            TrainingHistory fast = HeadTrainer.fit(closedForm, new Shape(8), blobs(37, 1, 0.4), blobs(50, 2, 0.4),
                    settings, EpochListener.NONE);
            TrainingHistory slow;
            System.setProperty(HeadTrainer.AUTOGRAD_PROPERTY, "true");
            try {
                slow = HeadTrainer.fit(autograd, new Shape(8), blobs(37, 1, 0.4), blobs(50, 2, 0.4), settings,
                        EpochListener.NONE);
            } finally {
                System.clearProperty(HeadTrainer.AUTOGRAD_PROPERTY);
            }
            float[] a = closedForm.getParameters().get("weight").getArray().toFloatArray();
            float[] b = autograd.getParameters().get("weight").getArray().toFloatArray();
            assertThat(a).as("the weights moved").isNotEqualTo(initial);
            for (int i = 0; i < a.length; i++) {
                assertThat(a[i]).as("weight " + i).isCloseTo(b[i], org.assertj.core.api.Assertions.within(1e-4f));
            }
            for (int e = 0; e < 6; e++) {
                assertThat(fast.epochs().get(e).trainLoss()).as("epoch " + (e + 1) + " training loss")
                        .isCloseTo(slow.epochs().get(e).trainLoss(), org.assertj.core.api.Assertions.within(1e-5));
                assertThat(fast.epochs().get(e).trainAccuracy()).as("epoch " + (e + 1) + " training accuracy")
                        .isEqualTo(slow.epochs().get(e).trainAccuracy());
                assertThat(fast.epochs().get(e).valLoss()).as("epoch " + (e + 1) + " validation loss")
                        .isCloseTo(slow.epochs().get(e).valLoss(), org.assertj.core.api.Assertions.within(1e-5));
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
