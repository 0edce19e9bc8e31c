package io.transferlab.ml.weights;

/** Weights that are missing, damaged, or do not fit the network; the message says how to fix it. */
public final class WeightsException extends RuntimeException {

    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
