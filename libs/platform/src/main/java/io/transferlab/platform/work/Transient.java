package io.transferlab.platform.work;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeoutException;

/**
 * Tells failures of the moment (the database restarting, a full connection pool, a lock or broker time-out) from
 * failures of the work itself. The first kind is retried with back-off and never fails a job or dead-letters an
 * event; a record is dead-lettered only when it can never succeed.
 */
public final class Transient {

    private Transient() {
    }

    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                // SQLSTATE classes 08 (connection), 40 (rollback: serialisation, deadlock), 53 (resources),
                // 57 (operator intervention: shutdown, cannot connect now), 55P03 (lock not available), and
                // 55000 for a database that is "not currently accepting connections" (ALLOW_CONNECTIONS false)
                String state = sql.getSQLState();
                if (sql instanceof SQLTransientException || state == null
                        || state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                        || state.startsWith("57") || state.equals("55P03")
                        || state.equals("55000") && String.valueOf(sql.getMessage()).contains("accepting connections")) {
                    return true;
                }
            }
            // no connection to be had from the pool, whatever the database answered: nothing the work can fix
            if (String.valueOf(t.getMessage()).startsWith("Unable to acquire JDBC Connection")) {
                return true;
            }
            String name = t.getClass().getName();
            if (t instanceof ConnectException || t instanceof SocketTimeoutException || t instanceof TimeoutException
                    || name.equals("org.hibernate.exception.JDBCConnectionException")
                    || name.equals("org.hibernate.exception.LockAcquisitionException")
                    || name.equals("jakarta.persistence.LockTimeoutException")
                    || name.equals("jakarta.persistence.PessimisticLockException")
                    || name.startsWith("org.apache.kafka.common.errors.") && isKafkaRetriable(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isKafkaRetriable(Throwable t) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.apache.kafka.common.errors.RetriableException")) {
                return true;
            }
        }
        return false;
    }
}
