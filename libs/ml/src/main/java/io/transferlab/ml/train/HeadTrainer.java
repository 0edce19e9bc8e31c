package io.transferlab.ml.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
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

    /**
     * How a dense head's steps are computed: {@code auto} (the default: {@code vector} when it can run, else
     * {@code native}), {@code vector} (Java's vector API on the CPU, {@link VectorHeadKernel}; refused when the JVM
     * lacks {@code --add-modules jdk.incubator.vector} or the tail is not on the CPU), {@code native} (the closed
     * form as tensor operations, {@link LinearSteps}), {@code autograd} (like any other tail). All four train the
     * same head the same way (HeadTrainerTest); they differ in speed.
     */
    public static final String KERNEL_PROPERTY = "transferlab.head.kernel";
    /** Adam's settings: DJL's defaults for the moments, Keras' epsilon (the seed's), defined once for both updates. */
    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-7f;
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Sparse categorical cross-entropy on logits, averaged over the batch. */
    private static final Loss LOSS = Loss.softmaxCrossEntropyLoss();

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
        String kernel = denseHeadKernel(tail);
        if (!kernel.equals("autograd")) {
            Linear head = (Linear) tail;
            try (Steps steps = kernel.equals("vector") ? new VectorSteps(head, settings, inputShape)
                    : new LinearSteps(head, adam(settings))) {
                return loop(steps, tail, inputShape, train, val, settings, listener, resumeDir, resumed);
            }
        }
        try (Model model = Model.newInstance("tail", ComputeDevice.best(), ComputeDevice.ENGINE)) {
            model.setBlock(tail);
            DefaultTrainingConfig config = new DefaultTrainingConfig(LOSS)
                    .optOptimizer(adam(settings))
                    .optDevices(new ai.djl.Device[]{ComputeDevice.best()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(settings.batchSize()).addAll(inputShape));
                return loop(new AutogradSteps(trainer, tail), tail, inputShape, train, val, settings, listener, resumeDir,
                        resumed);
            }
        }
    }

    /** The seed's optimiser: Adam with Keras' epsilon (what every tail trains with; the bench times it alone). */
    public static Optimizer adam(TrainingSettings settings) {
        return Optimizer.adam()
                .optLearningRateTracker(Tracker.fixed(settings.learningRate()))
                .optBeta1(BETA1)
                .optBeta2(BETA2)
                .optEpsilon(EPSILON)
                .build();
    }

    /**
     * Which implementation trains this tail ({@link #KERNEL_PROPERTY}): {@code vector}, {@code native} or
     * {@code autograd}; a setting that cannot be honoured is refused, naming why.
     */
    public static String denseHeadKernel(Block tail) {
        String asked = System.getProperty(KERNEL_PROPERTY, "auto");
        if (!List.of("auto", "vector", "native", "autograd").contains(asked)) {
            throw new IllegalArgumentException(KERNEL_PROPERTY + " must be auto, vector, native or autograd, not '"
                    + asked + "'");
        }
        if (!(tail instanceof Linear head)) {
            return "autograd";
        }
        String vectorProblem = vectorProblem(head);
        if (asked.equals("vector") && vectorProblem != null) {
            throw new IllegalStateException(KERNEL_PROPERTY + "=vector cannot run: " + vectorProblem);
        }
        return asked.equals("auto") ? (vectorProblem == null ? "vector" : "native") : asked;
    }

    /** Why the vector kernel cannot train this head, or null when it can. */
    public static String vectorProblem(Linear head) {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return "the JVM runs without --add-modules " + VECTOR_MODULE;
        }
        if (head.getParameters().get("weight").getArray().getDevice().isGpu()) {
            return "the head is on " + head.getParameters().get("weight").getArray().getDevice();
        }
        return null;
    }

    /** How a batch is trained on and scored: the implementations share the whole loop around them. */
    private interface Steps extends AutoCloseable {

        /** One optimiser step on a batch; returns the batch's mean loss and correct predictions (before the step). */
        BatchScore train(NDManager scope, BatchSource source, int[] batch, int epoch, int[] labels);

        /** The batch's mean loss and correct predictions in inference mode. */
        BatchScore score(NDManager scope, BatchSource source, int[] batch, int[] labels);

        /** Before the batches of one validation are scored (the weights do not change until {@link #endScoring}). */
        default void beginScoring() {
        }

        default void endScoring() {
        }

        /** Brings the tail's parameters up to date with the training (before they are read). */
        default void publish() {
        }

        @Override
        default void close() {
        }
    }

    /** A training batch's mean loss and how many of its rows were predicted right, both before its step. */
    private record BatchScore(double loss, int correct) {
    }

    /**
     * Any trainable tail (fine-tuning's units + head): autograd and DJL's trainer; validated through the tail's
     * inference form ({@link InferenceTail}) when it has one.
     */
    private static final class AutogradSteps implements Steps {

        private final Trainer trainer;
        private final Block tail;
        private InferenceTail inference;

        AutogradSteps(Trainer trainer, Block tail) {
            this.trainer = trainer;
            this.tail = tail;
        }

        @Override
        public BatchScore train(NDManager scope, BatchSource source, int[] batch, int epoch, int[] labels) {
            NDArray x = source.inputs(scope, batch, epoch);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray loss = LOSS.evaluate(new NDList(labelArray(scope, labels)), new NDList(logits));
                collector.backward(loss);
                step(trainer);
                return new BatchScore(loss.getFloat(), countCorrect(logits.argMax(1).toLongArray(), labels));
            }
        }

        @Override
        public void beginScoring() {
            inference = InferenceTail.of(tail, managerOf(tail)).orElse(null);
        }

        /** Inference with autograd off: no graph (and none of the activations it would keep) for validation. */
        @Override
        public BatchScore score(NDManager scope, BatchSource source, int[] batch, int[] labels) {
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                NDArray x = source.inputs(scope, batch, 0);
                NDArray logits = inference != null ? inference.logits(x)
                        : trainer.evaluate(new NDList(x)).singletonOrThrow();
                logits.attach(scope);
                NDArray loss = LOSS.evaluate(new NDList(labelArray(scope, labels)), new NDList(logits));
                return new BatchScore(loss.getFloat(), countCorrect(logits.argMax(1).toLongArray(), labels));
            } finally {
                JniUtils.setGradMode(grad);
            }
        }

        @Override
        public void endScoring() {
            if (inference != null) {
                inference.close();
                inference = null;
            }
        }
    }

    /**
     * Feature extraction's dense head, with its gradient in closed form: for softmax cross-entropy,
     * dL/dlogits = g = (softmax − onehot)/batch, so dW = gᵀx and db = Σg; the same Adam updates the weights. The
     * batch's logits (16 × classes numbers) come back to Java, where the loss, the hits and g are computed; the
     * device does the two products and the Adam updates. Why: each native call costs microseconds of dispatch,
     * and a head step is otherwise little work, so the ~25 calls of an autograd step (or of the same closed form
     * written as tensor operations) were most of its time. Same loss, same gradients, same optimiser as
     * {@link AutogradSteps} (HeadTrainerTest checks both agree).
     */
    private static final class LinearSteps implements Steps {

        private final Linear head;
        private final Optimizer optimizer;
        private final ParameterStore store;
        private final Parameter weight;
        private final Parameter bias;
        private final NDManager manager;
        private final boolean gradMode;

        LinearSteps(Linear head, Optimizer optimizer) {
            this.head = head;
            this.optimizer = optimizer;
            this.weight = head.getParameters().get("weight");
            this.bias = head.getParameters().get("bias");
            this.manager = weight.getArray().getManager().newSubManager();
            this.store = new ParameterStore(manager, false);
            // nothing here is differentiated: no graph is recorded for the whole training (undone by close)
            this.gradMode = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
        }

        @Override
        public BatchScore train(NDManager scope, BatchSource source, int[] batch, int epoch, int[] labels) {
            NDArray x = source.inputs(scope, batch, epoch);
            NDArray w = weight.getArray();
            NDArray b = bias.getArray();
            float[] z = Linear.linear(x, w, b).singletonOrThrow().toFloatArray();
            int rows = labels.length;
            int classes = z.length / rows;
            float[] g = new float[z.length];
            BatchScore score = crossEntropy(z, rows, classes, labels, g);
            float[] gb = new float[classes];
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < classes; c++) {
                    gb[c] += g[i * classes + c];
                }
            }
            optimizer.update(weight.getId(), w, scope.create(g, new Shape(rows, classes)).transpose().matMul(x));
            optimizer.update(bias.getId(), b, scope.create(gb));
            return score;
        }

        @Override
        public BatchScore score(NDManager scope, BatchSource source, int[] batch, int[] labels) {
            NDArray logits = head.forward(store, new NDList(source.inputs(scope, batch, 0)), false).singletonOrThrow();
            logits.attach(scope);
            return crossEntropy(logits.toFloatArray(), labels.length, (int) logits.getShape().get(1), labels, null);
        }

        @Override
        public void close() {
            JniUtils.setGradMode(gradMode);
            manager.close();
        }
    }

    /**
     * Feature extraction's dense head on the CPU through {@link VectorHeadKernel}: the weights and Adam's moments
     * live in Java arrays for the whole training, the batch's rows are copied straight from the source's memory,
     * and nothing is allocated per step. The same closed-form gradient and Adam as {@link LinearSteps}.
     */
    private static final class VectorSteps implements Steps {

        /** Rows scored at once in validation (a reused 2 MB buffer at 2048 features). */
        private static final int SCORE_ROWS = 256;

        private final Parameter weight;
        private final Parameter bias;
        private final VectorHeadKernel kernel;
        private final int features;
        private final int classes;
        private final int batchRows;
        private final float[] x;
        private final float[] z;
        private final float[] g;
        private final float[] scoreX;
        private final float[] scoreZ;
        private final LanePair lanes = new LanePair("dense-head-lane");

        VectorSteps(Linear head, TrainingSettings settings, Shape inputShape) {
            this.weight = head.getParameters().get("weight");
            this.bias = head.getParameters().get("bias");
            this.features = Math.toIntExact(inputShape.size());
            this.classes = Math.toIntExact(weight.getArray().getShape().get(0));
            this.kernel = new VectorHeadKernel(weight.getArray().toFloatArray(), bias.getArray().toFloatArray(),
                    classes, features, settings.learningRate(), BETA1, BETA2, EPSILON);
            this.batchRows = settings.batchSize();
            this.x = new float[batchRows * features];
            this.z = new float[batchRows * classes];
            this.g = new float[batchRows * classes];
            this.scoreX = new float[SCORE_ROWS * features];
            this.scoreZ = new float[SCORE_ROWS * classes];
        }

        /**
         * The batch is padded to the training batch size with zero rows (their gradient zero): every step then takes
         * the same paths through the kernel. Why: a last batch of another size took paths the JIT had not compiled
         * for, and the recompilation that followed left whole epochs running 2–3× slower.
         */
        @Override
        public BatchScore train(NDManager scope, BatchSource source, int[] batch, int epoch, int[] labels) {
            int rows = batch.length;
            source.copyInputs(scope, batch, epoch, x);
            java.util.Arrays.fill(x, rows * features, batchRows * features, 0f);
            kernel.logits(x, batchRows, z, lanes);
            BatchScore score = crossEntropy(z, rows, classes, labels, g);
            java.util.Arrays.fill(g, rows * classes, batchRows * classes, 0f);
            kernel.step(x, batchRows, g, lanes);
            return score;
        }

        /** In blocks of {@link #SCORE_ROWS} rows, the last padded as in training. */
        @Override
        public BatchScore score(NDManager scope, BatchSource source, int[] batch, int[] labels) {
            double loss = 0;
            int correct = 0;
            for (int from = 0; from < batch.length; from += SCORE_ROWS) {
                int to = Math.min(batch.length, from + SCORE_ROWS);
                int rows = to - from;
                source.copyInputs(scope, java.util.Arrays.copyOfRange(batch, from, to), 0, scoreX);
                java.util.Arrays.fill(scoreX, rows * features, SCORE_ROWS * features, 0f);
                kernel.logits(scoreX, SCORE_ROWS, scoreZ, lanes);
                BatchScore part = crossEntropy(scoreZ, rows, classes, java.util.Arrays.copyOfRange(labels, from, to),
                        null);
                loss += part.loss() * rows;
                correct += part.correct();
            }
            return new BatchScore(loss / batch.length, correct);
        }

        @Override
        public void publish() {
            weight.getArray().set(java.nio.FloatBuffer.wrap(kernel.weight()));
            bias.getArray().set(java.nio.FloatBuffer.wrap(kernel.bias()));
        }

        @Override
        public void close() {
            lanes.close();
        }

    }

    /**
     * Softmax cross-entropy of a batch's logits {@code z} (rows × classes): the mean loss and the hits, and — when
     * {@code g} is given — the gradient of the mean loss with respect to the logits, (softmax − onehot)/rows.
     */
    static BatchScore crossEntropy(float[] z, int rows, int classes, int[] labels, float[] g) {
        double loss = 0;
        int correct = 0;
        double[] e = new double[classes];
        for (int i = 0; i < rows; i++) {
            int row = i * classes;
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z[row + c] > z[row + best]) {
                    best = c;
                }
            }
            correct += best == labels[i] ? 1 : 0;
            double max = z[row + best];
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                e[c] = Math.exp(z[row + c] - max);
                sum += e[c];
            }
            loss += max + Math.log(sum) - z[row + labels[i]];
            if (g != null) {
                for (int c = 0; c < classes; c++) {
                    g[row + c] = (float) ((e[c] / sum - (c == labels[i] ? 1 : 0)) / rows);
                }
            }
        }
        return new BatchScore(loss / rows, correct);
    }

    private static TrainingHistory loop(Steps steps, Block tail, Shape inputShape, BatchSource train, BatchSource val,
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
                try (NDManager scope = managerOf(tail).newSubManager()) {
                    BatchScore score = steps.train(scope, train, batch, epoch, labels(train, batch));
                    lossSum += score.loss() * batch.length;
                    correct += score.correct();
                }
            }
            double[] valScores = evaluateLoss(steps, tail, val, evaluationBatch(settings.batchSize(), inputShape));
            steps.publish();
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

    /**
     * The batch the validation loss is computed in: the mean loss does not depend on it, so as many rows as fit
     * in about 32 MB. Why: a feature-extraction head is one small matrix product per batch, so per-batch overheads
     * were most of its validation time (the seed's Small size validates on 3243 images every epoch).
     */
    static int evaluationBatch(int trainingBatch, Shape inputShape) {
        long rowBytes = Math.max(1, inputShape.size() * 4);
        return (int) Math.max(trainingBatch, Math.min(4096, (32L << 20) / rowBytes));
    }

    /** Mean loss and accuracy on a source, in inference mode. */
    private static double[] evaluateLoss(Steps steps, Block tail, BatchSource source, int batchSize) {
        double lossSum = 0;
        int correct = 0;
        steps.beginScoring();
        try {
            for (int from = 0; from < source.size(); from += batchSize) {
                int[] batch = range(from, Math.min(source.size(), from + batchSize));
                try (NDManager scope = managerOf(tail).newSubManager()) {
                    BatchScore score = steps.score(scope, source, batch, labels(source, batch));
                    lossSum += score.loss() * batch.length;
                    correct += score.correct();
                }
            }
        } finally {
            steps.endScoring();
        }
        return new double[]{lossSum / source.size(), correct / (double) source.size()};
    }

    /**
     * Class scores (logits) for every item of a source, in inference mode, with the tail as it is now (through its
     * inference form when it has one).
     */
    public static float[][] predict(Block tail, BatchSource source, int batchSize, NDManager manager) {
        float[][] scores = new float[source.size()][];
        ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(manager, false);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (InferenceTail inference = InferenceTail.of(tail, manager).orElse(null)) {
            for (int from = 0; from < source.size(); from += batchSize) {
                int[] batch = range(from, Math.min(source.size(), from + batchSize));
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = source.inputs(scope, batch, 0);
                    NDArray logits = inference != null ? inference.logits(x)
                            : tail.forward(ps, new NDList(x), false).singletonOrThrow();
                    logits.attach(scope);
                    long classes = logits.getShape().get(1);
                    float[] flat = logits.toFloatArray();
                    for (int i = 0; i < batch.length; i++) {
                        scores[batch[i]] = java.util.Arrays.copyOfRange(flat, (int) (i * classes),
                                (int) ((i + 1) * classes));
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return scores;
    }

    private static int[] labels(BatchSource source, int[] batch) {
        int[] labels = new int[batch.length];
        for (int i = 0; i < batch.length; i++) {
            labels[i] = source.label(batch[i]);
        }
        return labels;
    }

    /** Labels as the loss takes them: one float per row. */
    private static NDArray labelArray(NDManager manager, int[] labels) {
        float[] y = new float[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[i];
        }
        return manager.create(y);
    }

    private static int countCorrect(long[] predicted, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
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
