package io.transferlab.platform.messaging;

import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.MalformedEventException;
import io.transferlab.core.events.Topics;
import io.transferlab.core.events.TransferLabEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.transferlab.platform.work.QueueWorker;
import io.transferlab.platform.work.Transient;
import io.quarkus.runtime.ShutdownEvent;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Makes consumers idempotent: an event is processed once, in the same transaction that records its id, so a
 * redelivery (after a crash before the offset commit, or a duplicate send) has no second effect.
 */
@ApplicationScoped
public class EventInbox {

    private static final Logger LOG = Logger.getLogger(EventInbox.class);
    private static final Duration HOLD_AT_SHUTDOWN = Duration.ofMinutes(5);
    private volatile boolean stopping;

    @Inject
    MeterRegistry metrics;

    /**
     * What a consumer does with a record: {@link #processOnce} in a transaction of its own, retried with back-off
     * while the failure is of the moment (the database restarting or refusing connections, a lock time-out), so
     * such a failure delays the record instead of dead-lettering it; the partition waits meanwhile, in order. Only a
     * record that can never succeed (malformed, or a failure that is not transient) is thrown, and dead-lettered.
     */
    public <T extends TransferLabEvent> void consume(String json, Class<T> type, Consumer<T> handler) {
        Duration backoff = Duration.ofMillis(200);
        for (int attempt = 1; ; attempt++) {
            try {
                QuarkusTransaction.requiringNew().run(() -> processOnce(json, type, handler));
                if (attempt > 1) {
                    LOG.infof("a record on %s went through at attempt %d", Topics.of(type), attempt);
                }
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    holdUntilExit(type, e);
                }
                if (!Transient.is(e)) {
                    // it can never succeed: the connector dead-letters it; counted here, listed by the gateway
                    metrics.counter("transferlab.dead.letters", "topic", Topics.of(type),
                            "reason", e instanceof MalformedEventException ? "malformed" : e.getClass().getSimpleName())
                            .increment();
                    throw e;
                }
                LOG.warnf("a record on %s waits: %s (attempt %d, again in %d ms)", Topics.of(type),
                        oneLine(QueueWorker.describe(e)), attempt, backoff.toMillis());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException stop) {
                    holdUntilExit(type, e);   // interrupted: the service is stopping
                }
                backoff = QueueWorker.longer(backoff);
            }
        }
    }

    /**
     * A record whose processing failed because the service is stopping (its database pool or persistence unit
     * already closed) must not be nacked — that would dead-letter a valid event — nor acknowledged — that would
     * lose it. Left unacknowledged, it is delivered again after the restart; the process exits around this thread.
     */
    private void holdUntilExit(Class<? extends TransferLabEvent> type, RuntimeException failure) {
        LOG.infof("stopping: a record on %s is left unacknowledged (%s); it is delivered again after the restart",
                Topics.of(type), oneLine(QueueWorker.describe(failure)));
        long until = System.nanoTime() + HOLD_AT_SHUTDOWN.toNanos();
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException ignored) {
                // the shutdown interrupts its workers; this one waits for the exit all the same
            }
        }
        throw new IllegalStateException("still stopping after " + HOLD_AT_SHUTDOWN + "; record on " + type.getSimpleName()
                + " not processed", failure);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /**
     * Decodes a record of the topic of {@code type} and hands the event to {@code handler} the first time it is
     * seen, recording it in the caller's transaction; a malformed record throws (and is dead-lettered).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public <T extends TransferLabEvent> void processOnce(String json, Class<T> type, Consumer<T> handler) {
        String topic = Topics.of(type);
        T event;
        try {
            event = EventCodec.fromJson(json, type);
        } catch (MalformedEventException e) {
            // one line: the dead-letter record keeps the record itself (MalformedEventLogFilter drops the trace)
            LOG.warnf("refused a malformed record on %s (dead-lettered): %s", topic, oneLine(e.getMessage()));
            throw e;
        }
        if (firstDelivery(event, topic)) {
            handler.accept(event);
        }
    }

    private static String oneLine(String message) {
        return message == null ? "no reason given" : message.replaceAll("\\s*\\R\\s*", " ");
    }

    /** True the first time this event is seen; records it. */
    private boolean firstDelivery(TransferLabEvent event, String topic) {
        if (ProcessedEvent.findById(event.eventId()) != null) {
            LOG.infof("event %s on %s was already processed; skipping the redelivery", event.eventId(), topic);
            return false;
        }
        ProcessedEvent processed = new ProcessedEvent();
        processed.eventId = event.eventId();
        processed.topic = topic;
        processed.processedAt = Instant.now();
        processed.persist();
        return true;
    }
}
