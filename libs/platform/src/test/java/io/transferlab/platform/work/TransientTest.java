package io.transferlab.platform.work;

import io.transferlab.core.events.MalformedEventException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures are retried (the moment's) and which are the work's own (failed, or dead-lettered). */
class TransientTest {

    private static RuntimeException wrapped(Throwable cause) {
        return new IllegalStateException("outer", new RuntimeException("middle", cause));
    }

    @Test
    void databaseAndBrokerOutagesAreTransientWhereverTheyAreWrapped() {
        assertThat(Transient.is(wrapped(new SQLException("connection refused", "08001")))).isTrue();
        assertThat(Transient.is(wrapped(new SQLException("terminating connection due to administrator command", "57P01"))))
                .isTrue();
        assertThat(Transient.is(wrapped(new SQLException("could not serialize access", "40001")))).isTrue();
        assertThat(Transient.is(wrapped(new SQLException("deadlock detected", "40P01")))).isTrue();
        assertThat(Transient.is(wrapped(new SQLException("too many connections", "53300")))).isTrue();
        assertThat(Transient.is(wrapped(new SQLException("could not obtain lock", "55P03")))).isTrue();
        assertThat(Transient.is(wrapped(new SQLException(
                "FATAL: database \"x\" is not currently accepting connections", "55000")))).isTrue();
        assertThat(Transient.is(wrapped(new SQLTransientConnectionException("pool exhausted")))).isTrue();
        assertThat(Transient.is(wrapped(new SQLException("Acquisition timeout while waiting for new connection")))).isTrue();
        assertThat(Transient.is(new RuntimeException("Unable to acquire JDBC Connection [refused] [n/a]"))).isTrue();
        assertThat(Transient.is(wrapped(new ConnectException("Connection refused")))).isTrue();
        assertThat(Transient.is(wrapped(new org.apache.kafka.common.errors.TimeoutException("metadata")))).isTrue();
    }

    @Test
    void failuresOfTheWorkItselfAreNot() {
        assertThat(Transient.is(new MalformedEventException("malformed RunFailed JSON", null))).isFalse();
        assertThat(Transient.is(new IllegalArgumentException("unknown strategy 'magic'"))).isFalse();
        assertThat(Transient.is(wrapped(new SQLException("duplicate key value violates unique constraint", "23505"))))
                .isFalse();
        assertThat(Transient.is(wrapped(new SQLException("column \"x\" does not exist", "42703")))).isFalse();
        assertThat(Transient.is(wrapped(new SQLException("object not in prerequisite state", "55000")))).isFalse();
        assertThat(Transient.is(new OutOfMemoryError("Java heap space"))).isFalse();
        assertThat(Transient.is(wrapped(new org.apache.kafka.common.errors.RecordTooLargeException("too large"))))
                .isFalse();
    }
}
