package io.transferlab.core.storage;

/** A path that would leave the shared storage root. */
public final class OutsideStorageRootException extends IllegalArgumentException {

    public OutsideStorageRootException(String message) {
        super(message);
    }
}
