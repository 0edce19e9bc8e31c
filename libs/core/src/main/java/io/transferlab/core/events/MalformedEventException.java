package io.transferlab.core.events;

/** A record on a topic that is not a valid event of that topic's kind. Consumers dead-letter it. */
public final class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
