package io.transferlab.platform.messaging;

import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.MalformedEventException;
import io.transferlab.core.events.Topics;
import io.transferlab.core.events.TransferLabEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * Makes consumers idempotent: an event is processed once, in the same transaction that records its id, so a
 * redelivery (after a crash before the offset commit, or a duplicate send) has no second effect.
 */
@ApplicationScoped
public class EventInbox {

    private static final Logger LOG = Logger.getLogger(EventInbox.class);

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
