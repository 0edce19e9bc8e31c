package io.transferlab.ml.weights;

import java.util.Arrays;

/** One named weight array as stored by Keras: its shape in Keras' layout and its float32 values. */
public record WeightTensor(String name, long[] shape, float[] values) {

    public long size() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
