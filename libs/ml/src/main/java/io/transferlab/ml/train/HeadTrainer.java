package io.transferlab.ml.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.MalformedModelException;
import io.transferlab.ml.ComputeDevice;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Trains the trainable tail of a network (a dense head, or the last block plus the head) on inputs that a
 * {@link BatchSource} provides — cached activations or an online forward through the frozen prefix — with the
 * seed's protocol: Adam, sparse categorical cross-entropy, shuffled mini-batches, early stopping on validation
 * loss, best weights restored.
 */
public final class HeadTrainer {

    private HeadTrainer() {
    }

    /**
     * @param tail       the trainable block, already initialised (and possibly loaded); trained in place
     * @param inputShape the shape of one input row (without the batch dimension)
     */
    public static TrainingHistory fit(Block tail, Shape inputShape, BatchSource train, BatchSource val,
                                      TrainingSettings settings, EpochListener listener) {
        return fit(tail, inputShape, train, val, settings, listener, null);
    }

    /**
     * As {@link #fit(Block, Shape, BatchSource, BatchSource, TrainingSettings, EpochListener)}, writing an
     * {@link EpochCheckpoint} into {@code resumeDir} after every epoch and resuming from the one found there.
     */
    public static TrainingHistory fit(Block tail, Shape inputShape, BatchSource train, BatchSource val,
                                      TrainingSettings settings, EpochListener listener, Path resumeDir) {
        Optional<EpochCheckpoint.Loaded> resumed = resumeDir == null ? Optional.empty() : EpochCheckpoint.read(resumeDir);
        // restored before the trainer exists, so that it marks the restored arrays as needing gradients
        resumed.ifPresent(r -> restore(tail, r.lastWeights(), managerOf(tail)));
        try (Model model = Model.newInstance("tail", ComputeDevice.best(), ComputeDevice.ENGINE)) {
            model.setBlock(tail);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam()
                            .optLearningRateTracker(Tracker.fixed(settings.learningRate()))
                            .optEpsilon(1e-7f)
                            .build())
                    .optDevices(new ai.djl.Device[]{ComputeDevice.best()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(settings.batchSize()).addAll(inputShape));
                return loop(trainer, tail, train, val, settings, listener, resumeDir, resumed);
            }
        }
    }

    private static TrainingHistory loop(Trainer trainer, Block tail, BatchSource train, BatchSource val,
                                        TrainingSettings settings, EpochListener listener, Path resumeDir,
                                        Optional<EpochCheckpoint.Loaded> resumed) {
        SplittableRandom random = new SplittableRandom(settings.seed());
        List<EpochStats> epochs = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        byte[] bestWeights = snapshot(tail);
        int sinceBest = 0;
        boolean stoppedEarly = false;
        int firstEpoch = 1;
        if (resumed.isPresent()) {
            EpochCheckpoint state = resumed.get().state();
            bestWeights = resumed.get().bestWeights();
            epochs.addAll(state.epochs());
            bestLoss = state.bestValLoss();
            bestEpoch = state.bestEpoch();
            sinceBest = state.epochsSinceBest();
            firstEpoch = state.epoch() + 1;
            for (int e = 1; e < firstEpoch; e++) {
                shuffled(train.size(), random); // the same batches as an uninterrupted run
            }
            stoppedEarly = sinceBest >= settings.patience();
        }
        for (int epoch = firstEpoch; epoch <= settings.maxEpochs() && !stoppedEarly; epoch++) {
            long start = System.nanoTime();
            int[] order = shuffled(train.size(), random);
            double lossSum = 0;
            int correct = 0;
            for (int from = 0; from < order.length; from += settings.batchSize()) {
                int[] batch = java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + settings.batchSize()));
                try (NDManager scope = trainer.getManager().newSubManager()) {
                    NDArray x = train.inputs(scope, batch, epoch);
                    NDArray y = labels(scope, train, batch);
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                        NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
                        collector.backward(loss);
                        lossSum += loss.getFloat() * batch.length;
                        correct += countCorrect(logits, train, batch);
                    }
                    step(trainer);
                }
            }
            double[] valScores = evaluateLoss(trainer, val, settings.batchSize());
            EpochStats stats = new EpochStats(epoch, lossSum / train.size(), correct / (double) train.size(),
                    valScores[0], valScores[1], (System.nanoTime() - start) / 1e9);
            epochs.add(stats);
            if (stats.valLoss() < bestLoss) {
                bestLoss = stats.valLoss();
                bestEpoch = epoch;
                bestWeights = snapshot(tail);
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            if (resumeDir != null) {
                new EpochCheckpoint(epoch, bestEpoch, bestLoss, sinceBest, List.copyOf(epochs))
                        .write(resumeDir, snapshot(tail), bestWeights);
            }
            listener.onEpoch(stats, settings.maxEpochs());
            stoppedEarly = sinceBest >= settings.patience();
        }
        restore(tail, bestWeights, managerOf(tail));
        return new TrainingHistory(List.copyOf(epochs), bestEpoch, bestLoss, stoppedEarly,
                TrainingHistory.KEPT_BEST_VALIDATION_LOSS);
    }

    /**
     * One optimiser step. DJL refuses a step whose gradients are all exactly zero (it takes that for a missing
     * backward pass); here that only happens when every prediction of the batch is already saturated, and the
     * right update is none.
     */
    private static void step(Trainer trainer) {
        try {
            trainer.step();
        } catch (IllegalStateException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("Gradient values are all zeros")) {
                throw e;
            }
        }
    }

    /** Mean loss and accuracy on a source, in inference mode. */
    private static double[] evaluateLoss(Trainer trainer, BatchSource source, int batchSize) {
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < source.size(); from += batchSize) {
            int[] batch = range(from, Math.min(source.size(), from + batchSize));
            try (NDManager scope = trainer.getManager().newSubManager()) {
                NDArray logits = trainer.evaluate(new NDList(source.inputs(scope, batch, 0))).singletonOrThrow();
                NDArray loss = trainer.getLoss().evaluate(new NDList(labels(scope, source, batch)), new NDList(logits));
                lossSum += loss.getFloat() * batch.length;
                correct += countCorrect(logits, source, batch);
            }
        }
        return new double[]{lossSum / source.size(), correct / (double) source.size()};
    }

    /** Class scores (logits) for every item of a source, in inference mode, with the tail as it is now. */
    public static float[][] predict(Block tail, BatchSource source, int batchSize, NDManager manager) {
        float[][] scores = new float[source.size()][];
        ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(manager, false);
        for (int from = 0; from < source.size(); from += batchSize) {
            int[] batch = range(from, Math.min(source.size(), from + batchSize));
            try (NDManager scope = manager.newSubManager()) {
                NDArray logits = tail.forward(ps, new NDList(source.inputs(scope, batch, 0)), false).singletonOrThrow();
                long classes = logits.getShape().get(1);
                float[] flat = logits.toFloatArray();
                for (int i = 0; i < batch.length; i++) {
                    scores[batch[i]] = java.util.Arrays.copyOfRange(flat, (int) (i * classes), (int) ((i + 1) * classes));
                }
            }
        }
        return scores;
    }

    private static NDArray labels(NDManager manager, BatchSource source, int[] batch) {
        float[] labels = new float[batch.length];
        for (int i = 0; i < batch.length; i++) {
            labels[i] = source.label(batch[i]);
        }
        return manager.create(labels);
    }

    private static int countCorrect(NDArray logits, BatchSource source, int[] batch) {
        long[] predicted = logits.argMax(1).toLongArray();
        int correct = 0;
        for (int i = 0; i < batch.length; i++) {
            if (predicted[i] == source.label(batch[i])) {
                correct++;
            }
        }
        return correct;
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = range(0, n);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** The tail's own manager, not the trainer's: its weights must outlive the training. */
    private static NDManager managerOf(Block tail) {
        return tail.getParameters().valueAt(0).getArray().getManager();
    }

    /** The block's parameters as bytes (DJL's parameter format). */
    public static byte[] snapshot(Block block) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Loads parameters saved by {@link #snapshot} into a block of the same architecture. */
    public static void restore(Block block, byte[] weights, NDManager manager) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
            block.loadParameters(manager, in);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("cannot restore the best weights", e);
        }
    }
}
