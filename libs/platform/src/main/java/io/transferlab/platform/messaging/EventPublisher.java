package io.transferlab.platform.messaging;

import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.Topics;
import io.transferlab.core.events.TransferLabEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;

/**
 * Publishes events through the transactional outbox: the event is stored in the caller's transaction, so it
 * is sent if and only if the state change that caused it is committed.
 */
@ApplicationScoped
public class EventPublisher {

    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(TransferLabEvent event) {
        OutboxMessage message = new OutboxMessage();
        message.eventId = event.eventId();
        message.topic = Topics.of(event);
        message.messageKey = event.key();
        message.payload = EventCodec.toJson(event);
        message.createdAt = Instant.now();
        message.persist();
    }
}
