package io.transferlab.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The linear probe on synthetic classes: the solve reaches the optimum, validation picks, the head is folded. */
class LinearProbeTest {

    private static final int CLASSES = 4;
    private static final int FEATURES = 12;

    /** Gaussian classes whose features have very different scales and offsets (so standardising matters). */
    private static float[][] points(int n, long seed, int[] labels) {
        Random random = new Random(seed);
        Random centres = new Random(7);
        double[][] centre = new double[CLASSES][FEATURES];
        for (double[] c : centre) {
            for (int d = 0; d < FEATURES; d++) {
                c[d] = centres.nextGaussian() * 1.2;
            }
        }
        float[][] x = new float[n][FEATURES];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES;
            for (int d = 0; d < FEATURES; d++) {
                double scale = Math.pow(10, d % 4 - 1); // 0.1 … 100
                x[i][d] = (float) ((random.nextGaussian() + centre[labels[i]][d]) * scale + 5 * d);
            }
        }
        return x;
    }

    private static Linear head(NDManager manager) {
        Linear head = Linear.builder().setUnits(CLASSES).build();
        head.initialize(manager, DataType.FLOAT32, new Shape(1, FEATURES));
        return head;
    }

    @Test
    void validationPicksAStrengthAndTheFoldedHeadPredictsWhatTheProbeScored() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int[] trainY = new int[200];
            int[] valY = new int[120];
            NDArray trainX = manager.create(points(200, 1, trainY));
            NDArray valX = manager.create(points(120, 2, valY));
            Linear head = head(manager);
            List<EpochStats> heard = new ArrayList<>();
            LinearProbe.Result result = LinearProbe.fit(head, trainX, trainY, valX, valY, CLASSES,
                    (stats, max) -> heard.add(stats));

            assertThat(result.solves()).hasSize(LinearProbe.STRENGTHS.length);
            assertThat(heard).extracting(EpochStats::epoch).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
            // the chosen strength has the best validation accuracy of all tried
            double bestAccuracy = result.solves().stream().mapToDouble(LinearProbe.Solve::valAccuracy).max().orElseThrow();
            assertThat(result.chosen().valAccuracy()).isEqualTo(bestAccuracy);
            assertThat(bestAccuracy).isGreaterThan(0.85);
            // weaker penalties fit the training images at least as well
            assertThat(result.solves().get(LinearProbe.STRENGTHS.length - 1).trainLoss()).isLessThan(result.solves().get(0).trainLoss());
            // the head, on raw (unstandardised) features, predicts exactly what the probe scored on validation
            NDArray logits = head.forward(new ParameterStore(manager, false), new NDList(valX), false).singletonOrThrow();
            long[] predicted = logits.argMax(1).toLongArray();
            int correct = 0;
            for (int i = 0; i < valY.length; i++) {
                correct += predicted[i] == valY[i] ? 1 : 0;
            }
            assertThat((double) correct / valY.length).isCloseTo(result.chosen().valAccuracy(), within(1e-9));
            TrainingHistory history = result.history();
            assertThat(history.bestEpoch()).isEqualTo(result.best() + 1);
            assertThat(history.keptWeights()).startsWith("l2=");
        }
    }

    @Test
    void eachSolveEndsAtTheOptimumOfItsObjective() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int[] y = new int[160];
            float[][] raw = points(160, 3, y);
            // standardised (minimise works on whatever matrix the problem holds)
            NDArray x = manager.create(raw);
            NDArray mean = x.mean(new int[]{0});
            NDArray standard = x.sub(mean).div(x.sub(mean).square().mean(new int[]{0}).sqrt());
            LinearProbe.Problem problem = new LinearProbe.Problem(manager, standard, y, CLASSES);
            double[] theta = new double[CLASSES * (FEATURES + 1)];
            double strength = 1e-2;
            int iterations = LinearProbe.minimise(problem, strength, theta);
            assertThat(iterations).isLessThan(LinearProbe.MAX_ITERATIONS);
            double[] gradient = new double[theta.length];
            double optimum = problem.evaluate(theta, strength, gradient);
            for (double g : gradient) {
                assertThat(Math.abs(g)).isLessThanOrEqualTo(LinearProbe.GRADIENT_TOLERANCE * 2);
            }
            // and no nearby point is lower (the objective is convex: a stationary point is its minimum)
            Random random = new Random(11);
            for (int trial = 0; trial < 20; trial++) {
                double[] moved = theta.clone();
                for (int i = 0; i < moved.length; i++) {
                    moved[i] += random.nextGaussian() * 0.05;
                }
                assertThat(problem.evaluate(moved, strength, new double[theta.length])).isGreaterThan(optimum);
            }
        }
    }

    @Test
    void refusesFeaturesAndLabelsOfDifferentLengths() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.zeros(new Shape(10, FEATURES));
            assertThatThrownBy(() -> LinearProbe.fit(head(manager), x, new int[9], x, new int[10], CLASSES,
                    EpochListener.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ");
        }
    }
}
