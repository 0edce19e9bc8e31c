package io.transferlab.core.storage;

/** A stored file whose content is not what the event referring to it promised. */
public final class ChecksumMismatchException extends RuntimeException {

    public ChecksumMismatchException(String message) {
        super(message);
    }
}
