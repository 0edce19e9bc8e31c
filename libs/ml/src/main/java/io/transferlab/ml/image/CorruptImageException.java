package io.transferlab.ml.image;

/** An image file that cannot be decoded; studies skip it and count it. */
public final class CorruptImageException extends RuntimeException {

    public CorruptImageException(String message) {
        super(message);
    }
}
