package io.transferlab.core.split;

/** A class with too few images to appear in the train, validation and test parts of a training size. */
public final class InsufficientImagesException extends IllegalArgumentException {

    public InsufficientImagesException(String message) {
        super(message);
    }
}
