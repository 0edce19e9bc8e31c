package io.transferlab.platform.messaging;

import io.transferlab.core.events.TransferLabEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Makes consumers idempotent: an event is processed once, in the same transaction that records its id, so a
 * redelivery (after a crash before the offset commit, or a duplicate send) has no second effect.
 */
@ApplicationScoped
public class EventInbox {

    private static final Logger LOG = Logger.getLogger(EventInbox.class);

    /** True the first time this event is seen; records it. Call inside the transaction that processes it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstDelivery(TransferLabEvent event, String topic) {
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
