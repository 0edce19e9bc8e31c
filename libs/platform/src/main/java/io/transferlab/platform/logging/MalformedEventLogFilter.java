package io.transferlab.platform.logging;

import io.quarkus.logging.LoggingFilter;
import io.transferlab.core.events.MalformedEventException;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Keeps a malformed record to the one line {@code EventInbox} writes about it. The messaging layer would also log
 * the consumer's exception at ERROR with its whole stack trace; for a record that is not a valid event that trace
 * says nothing (the dead-letter record keeps the record and the reason), and a log full of them hides the real
 * failures. Every other exception the messaging layer logs — a database or broker failure — passes untouched.
 */
@LoggingFilter(name = MalformedEventLogFilter.NAME)
public final class MalformedEventLogFilter implements Filter {

    public static final String NAME = "transferlab-malformed-events";

    @Override
    public boolean isLoggable(LogRecord record) {
        String logger = record.getLoggerName();
        return logger == null || !logger.startsWith("io.smallrye.reactive.messaging") || !malformed(record.getThrown());
    }

    private static boolean malformed(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MalformedEventException) {
                return true;
            }
        }
        return false;
    }
}
