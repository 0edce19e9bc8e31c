package io.transferlab.core.dataset;

/** A dataset folder that cannot be used as it is; the message names the folder, class or file at fault. */
public final class DatasetScanException extends RuntimeException {

    public DatasetScanException(String message) {
        super(message);
    }

    public DatasetScanException(String message, Throwable cause) {
        super(message, cause);
    }
}
