package io.transferlab.ml.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense softmax head (weights classes × features in DJL's {@code Linear} layout, bias per class) trained step by
 * step on the CPU in Java's vector API, with exactly DJL's Adam update (its PyTorch engine's {@code adamUpdate}:
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − η·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v + ε)).
 *
 * <p>Why: a feature-extraction head step is little arithmetic (16 × 2048 × 102 multiply-adds forward, as many
 * for the gradient) and 209 k parameters to update, so as native tensor operations its time went to per-call
 * dispatch and to one memory pass per operation (DJL's Adam alone is seven passes over the weights: 0.25 ms of a
 * 0.75–1.1 ms step on this 2-core VM). Here the forward is one register-blocked pass (4 rows × 4 classes of
 * accumulators), and the gradient of a block of classes is computed and applied by Adam in one pass over the
 * weights and the optimiser's moments while they are in the cache — no tensor is allocated per step.
 *
 * <p>Only reachable when the JVM runs with {@code --add-modules jdk.incubator.vector}; {@link HeadTrainer} checks
 * that before it loads this class and trains through native tensor operations otherwise (and on a GPU).
 */
final class VectorHeadKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private final int classes;
    private final int features;
    private final float[] weight;
    private final float[] bias;
    private final float[] weightMean;
    private final float[] weightVariance;
    private final float[] biasMean;
    private final float[] biasVariance;
    /** dW of the current step (reused: a step allocates nothing). */
    private final float[] gradient;
    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private int steps;

    /**
     * @param weight row-major classes × features (copied)
     * @param bias   one per class (copied)
     */
    VectorHeadKernel(float[] weight, float[] bias, int classes, int features, float learningRate, float beta1,
                     float beta2, float epsilon) {
        if (weight.length != classes * features || bias.length != classes) {
            throw new IllegalArgumentException("a " + classes + " × " + features + " head needs " + classes * features
                    + " weights and " + classes + " biases, got " + weight.length + " and " + bias.length);
        }
        this.classes = classes;
        this.features = features;
        this.weight = weight.clone();
        this.bias = bias.clone();
        this.weightMean = new float[weight.length];
        this.weightVariance = new float[weight.length];
        this.biasMean = new float[classes];
        this.biasVariance = new float[classes];
        this.gradient = new float[weight.length];
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** The vector width this JVM uses, for the record (16 floats with AVX-512). */
    static int lanes() {
        return LANES;
    }

    float[] weight() {
        return weight;
    }

    float[] bias() {
        return bias;
    }

    /**
     * Logits of {@code rows} inputs (row-major rows × features) into {@code z} (rows × classes), the classes split
     * between the two lanes as in {@link #step}: each lane then reads only the weights it also updates, which stay
     * in its core's cache. (Splitting the rows instead measured slower than one lane, and erratic: every step moved
     * the other half of the weights between the cores.)
     */
    void logits(float[] x, int rows, float[] z, LanePair lanes) {
        int split = split();
        lanes.run(lane -> logits(x, rows, z, lane == 0 ? 0 : split, lane == 0 ? split : classes));
    }

    /** Where the second lane's classes begin: a multiple of 4 near the middle. */
    private int split() {
        return Math.min(classes, (classes / 2 + 3) & ~3);
    }

    private void logits(float[] x, int rows, float[] z, int fromClass, int toClass) {
        for (int i0 = 0; i0 < rows; i0 += 4) {
            for (int c0 = fromClass; c0 < toClass; c0 += 4) {
                if (i0 + 4 <= rows && c0 + 4 <= toClass) {
                    block4x4(x, i0, c0, z);
                } else {
                    for (int i = i0; i < Math.min(rows, i0 + 4); i++) {
                        for (int c = c0; c < Math.min(toClass, c0 + 4); c++) {
                            z[i * classes + c] = bias[c] + dot(x, i * features, weight, c * features);
                        }
                    }
                }
            }
        }
    }

    /**
     * One Adam step from the gradient of the mean loss with respect to the logits, {@code g} (rows × classes):
     * dW = gᵀx and db = Σ g, then Adam in one pass over the weights and both moments; the classes split between
     * the two lanes. (Applying each block's gradient as soon as it was computed measured slower here: the JIT no
     * longer kept the accumulators in registers.)
     */
    void step(float[] x, int rows, float[] g, LanePair lanes) {
        steps++;
        // DJL's Adam: the learning rate in float, its bias correction in double, then float
        double coef1 = 1.0 - Math.pow(beta1, steps);
        double coef2 = 1.0 - Math.pow(beta2, steps);
        float rate = (float) (learningRate * Math.sqrt(coef2) / coef1);
        int split = split();
        lanes.run(lane -> update(x, rows, g, lane == 0 ? 0 : split, lane == 0 ? split : classes, rate));
        for (int c = 0; c < classes; c++) {
            float sum = 0;
            for (int i = 0; i < rows; i++) {
                sum += g[i * classes + c];
            }
            bias[c] = adamScalar(bias[c], sum, biasMean, biasVariance, c, rate);
        }
    }

    /** The gradient and Adam update of the weights of classes [from, to) ({@code from} a multiple of 4). */
    private void update(float[] x, int rows, float[] g, int from, int to, float rate) {
        int upper = SPECIES.loopBound(features);
        int wide = features - features % (4 * LANES);
        for (int c0 = from; c0 < to; c0 += 4) {
            int block = Math.min(4, to - c0);
            if (block == 4) {
                for (int k = 0; k < wide; k += 4 * LANES) {
                    gradient4x4(x, rows, g, c0, k);
                }
            }
            for (int c = c0; c < c0 + block; c++) {
                for (int k = block == 4 ? wide : 0; k < upper; k += LANES) {
                    columnGradient(x, rows, g, c, k);
                }
                for (int k = upper; k < features; k++) {
                    float sum = 0;
                    for (int i = 0; i < rows; i++) {
                        sum += g[i * classes + c] * x[i * features + k];
                    }
                    gradient[c * features + k] = sum;
                }
            }
        }
        adam(from * features, to * features, rate);
    }

    /**
     * The gradient of 4 classes × 4 vectors of features (16 accumulators: each row's 4 input vectors and 4
     * gradients feed 16 multiply-adds), applied by Adam at once.
     */
    private void gradient4x4(float[] x, int rows, float[] g, int c0, int k) {
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a23 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a32 = a00;
        FloatVector a33 = a00;
        for (int i = 0; i < rows; i++) {
            int xi = i * features + k;
            FloatVector u0 = FloatVector.fromArray(SPECIES, x, xi);
            FloatVector u1 = FloatVector.fromArray(SPECIES, x, xi + LANES);
            FloatVector u2 = FloatVector.fromArray(SPECIES, x, xi + 2 * LANES);
            FloatVector u3 = FloatVector.fromArray(SPECIES, x, xi + 3 * LANES);
            int gi = i * classes + c0;
            FloatVector b = FloatVector.broadcast(SPECIES, g[gi]);
            a00 = u0.fma(b, a00);
            a01 = u1.fma(b, a01);
            a02 = u2.fma(b, a02);
            a03 = u3.fma(b, a03);
            b = FloatVector.broadcast(SPECIES, g[gi + 1]);
            a10 = u0.fma(b, a10);
            a11 = u1.fma(b, a11);
            a12 = u2.fma(b, a12);
            a13 = u3.fma(b, a13);
            b = FloatVector.broadcast(SPECIES, g[gi + 2]);
            a20 = u0.fma(b, a20);
            a21 = u1.fma(b, a21);
            a22 = u2.fma(b, a22);
            a23 = u3.fma(b, a23);
            b = FloatVector.broadcast(SPECIES, g[gi + 3]);
            a30 = u0.fma(b, a30);
            a31 = u1.fma(b, a31);
            a32 = u2.fma(b, a32);
            a33 = u3.fma(b, a33);
        }
        int w0 = c0 * features + k;
        int w1 = w0 + features;
        int w2 = w1 + features;
        int w3 = w2 + features;
        a00.intoArray(gradient, w0);
        a01.intoArray(gradient, w0 + LANES);
        a02.intoArray(gradient, w0 + 2 * LANES);
        a03.intoArray(gradient, w0 + 3 * LANES);
        a10.intoArray(gradient, w1);
        a11.intoArray(gradient, w1 + LANES);
        a12.intoArray(gradient, w1 + 2 * LANES);
        a13.intoArray(gradient, w1 + 3 * LANES);
        a20.intoArray(gradient, w2);
        a21.intoArray(gradient, w2 + LANES);
        a22.intoArray(gradient, w2 + 2 * LANES);
        a23.intoArray(gradient, w2 + 3 * LANES);
        a30.intoArray(gradient, w3);
        a31.intoArray(gradient, w3 + LANES);
        a32.intoArray(gradient, w3 + 2 * LANES);
        a33.intoArray(gradient, w3 + 3 * LANES);
    }

    /** One class's gradient over one vector of features, into {@link #gradient}. */
    private void columnGradient(float[] x, int rows, float[] g, int c, int k) {
        FloatVector a = FloatVector.zero(SPECIES);
        for (int i = 0; i < rows; i++) {
            a = FloatVector.fromArray(SPECIES, x, i * features + k).fma(FloatVector.broadcast(SPECIES, g[i * classes + c]), a);
        }
        a.intoArray(gradient, c * features + k);
    }

    /**
     * Adam on the weights [from, to) from {@link #gradient}. No vector crosses a method boundary here or in the
     * other helpers: a vector passed to a call the JIT did not inline is boxed, and the step ran 3× slower for
     * whole epochs when that happened.
     */
    private void adam(int from, int to, float rate) {
        int at = from;
        for (; at + LANES <= to; at += LANES) {
            FloatVector d = FloatVector.fromArray(SPECIES, gradient, at);
            FloatVector m = FloatVector.fromArray(SPECIES, weightMean, at).mul(beta1).add(d.mul(1 - beta1));
            FloatVector v = FloatVector.fromArray(SPECIES, weightVariance, at).mul(beta2).add(d.mul(d).mul(1 - beta2));
            m.intoArray(weightMean, at);
            v.intoArray(weightVariance, at);
            FloatVector w = FloatVector.fromArray(SPECIES, weight, at);
            w.sub(m.mul(rate).div(v.sqrt().add(epsilon))).intoArray(weight, at);
        }
        for (; at < to; at++) {
            weight[at] = adamScalar(weight[at], gradient[at], weightMean, weightVariance, at, rate);
        }
    }

    private float adamScalar(float w, float gradient, float[] mean, float[] variance, int at, float rate) {
        float m = mean[at] * beta1 + gradient * (1 - beta1);
        float v = variance[at] * beta2 + gradient * gradient * (1 - beta2);
        mean[at] = m;
        variance[at] = v;
        return w - m * rate / ((float) Math.sqrt(v) + epsilon);
    }

    /** 16 dot products (4 rows × 4 classes) in one pass over their 8 vectors. */
    private void block4x4(float[] x, int i0, int c0, float[] z) {
        int upper = SPECIES.loopBound(features);
        int x0 = i0 * features;
        int x1 = x0 + features;
        int x2 = x1 + features;
        int x3 = x2 + features;
        int w0 = c0 * features;
        int w1 = w0 + features;
        int w2 = w1 + features;
        int w3 = w2 + features;
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a23 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a32 = a00;
        FloatVector a33 = a00;
        for (int k = 0; k < upper; k += LANES) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, weight, w0 + k);
            FloatVector v1 = FloatVector.fromArray(SPECIES, weight, w1 + k);
            FloatVector v2 = FloatVector.fromArray(SPECIES, weight, w2 + k);
            FloatVector v3 = FloatVector.fromArray(SPECIES, weight, w3 + k);
            FloatVector u = FloatVector.fromArray(SPECIES, x, x0 + k);
            a00 = u.fma(v0, a00);
            a01 = u.fma(v1, a01);
            a02 = u.fma(v2, a02);
            a03 = u.fma(v3, a03);
            u = FloatVector.fromArray(SPECIES, x, x1 + k);
            a10 = u.fma(v0, a10);
            a11 = u.fma(v1, a11);
            a12 = u.fma(v2, a12);
            a13 = u.fma(v3, a13);
            u = FloatVector.fromArray(SPECIES, x, x2 + k);
            a20 = u.fma(v0, a20);
            a21 = u.fma(v1, a21);
            a22 = u.fma(v2, a22);
            a23 = u.fma(v3, a23);
            u = FloatVector.fromArray(SPECIES, x, x3 + k);
            a30 = u.fma(v0, a30);
            a31 = u.fma(v1, a31);
            a32 = u.fma(v2, a32);
            a33 = u.fma(v3, a33);
        }
        int z0 = i0 * classes + c0;
        int z1 = z0 + classes;
        int z2 = z1 + classes;
        int z3 = z2 + classes;
        z[z0] = bias[c0] + a00.reduceLanes(VectorOperators.ADD);
        z[z0 + 1] = bias[c0 + 1] + a01.reduceLanes(VectorOperators.ADD);
        z[z0 + 2] = bias[c0 + 2] + a02.reduceLanes(VectorOperators.ADD);
        z[z0 + 3] = bias[c0 + 3] + a03.reduceLanes(VectorOperators.ADD);
        z[z1] = bias[c0] + a10.reduceLanes(VectorOperators.ADD);
        z[z1 + 1] = bias[c0 + 1] + a11.reduceLanes(VectorOperators.ADD);
        z[z1 + 2] = bias[c0 + 2] + a12.reduceLanes(VectorOperators.ADD);
        z[z1 + 3] = bias[c0 + 3] + a13.reduceLanes(VectorOperators.ADD);
        z[z2] = bias[c0] + a20.reduceLanes(VectorOperators.ADD);
        z[z2 + 1] = bias[c0 + 1] + a21.reduceLanes(VectorOperators.ADD);
        z[z2 + 2] = bias[c0 + 2] + a22.reduceLanes(VectorOperators.ADD);
        z[z2 + 3] = bias[c0 + 3] + a23.reduceLanes(VectorOperators.ADD);
        z[z3] = bias[c0] + a30.reduceLanes(VectorOperators.ADD);
        z[z3 + 1] = bias[c0 + 1] + a31.reduceLanes(VectorOperators.ADD);
        z[z3 + 2] = bias[c0 + 2] + a32.reduceLanes(VectorOperators.ADD);
        z[z3 + 3] = bias[c0 + 3] + a33.reduceLanes(VectorOperators.ADD);
        for (int r = 0; r < 4; r++) {
            for (int q = 0; q < 4; q++) {
                z[(i0 + r) * classes + c0 + q] += tail(x, (i0 + r) * features, (c0 + q) * features, upper);
            }
        }
    }

    /** The products past the last whole vector (none when the width is a multiple of the vector's). */
    private float tail(float[] x, int xAt, int wAt, int upper) {
        float sum = 0;
        for (int k = upper; k < features; k++) {
            sum += x[xAt + k] * weight[wAt + k];
        }
        return sum;
    }

    private float dot(float[] x, int xAt, float[] w, int wAt) {
        int upper = SPECIES.loopBound(features);
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int k = 0; k < upper; k += LANES) {
            acc = FloatVector.fromArray(SPECIES, x, xAt + k).fma(FloatVector.fromArray(SPECIES, w, wAt + k), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int k = upper; k < features; k++) {
            sum += x[xAt + k] * w[wAt + k];
        }
        return sum;
    }
}
