package io.transferlab.platform.messaging;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Relays committed outbox events to their topics, oldest first, and marks them published once the broker has
 * acknowledged them. Rows are locked with SKIP LOCKED, so several instances of a service can relay side by side.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;
    /** Hibernate's lock timeout value meaning SKIP LOCKED. */
    private static final int SKIP_LOCKED = -2;

    @Inject
    @Channel("outbox")
    MutinyEmitter<String> emitter;

    @Scheduled(every = "${transferlab.outbox.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relayPeriodically() {
        try {
            while (relayBatch() == BATCH) {
                // a full batch: more may be waiting
            }
            if (pausedSince != null) {
                LOG.infof("outbox relay resumed after %d s", Duration.between(pausedSince, Instant.now()).toSeconds());
                pausedSince = null;
            }
        } catch (RuntimeException e) {
            // said once per outage, not every interval: the events wait in the outbox meanwhile
            if (pausedSince == null) {
                pausedSince = Instant.now();
                LOG.warnf("outbox relay paused: %s (retrying every interval)", e.getMessage());
            }
        }
    }

    /** When the relay last started failing (database or broker away); null while it works. */
    private volatile Instant pausedSince;

    /** Sends up to one batch of pending events; returns how many were sent. */
    @Transactional
    public int relayBatch() {
        List<OutboxMessage> pending = OutboxMessage.<OutboxMessage>find("publishedAt is null order by id")
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .withHint("jakarta.persistence.lock.timeout", SKIP_LOCKED)
                .page(0, BATCH)
                .list();
        for (OutboxMessage message : pending) {
            OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                    .withTopic(message.topic)
                    .withKey(message.messageKey)
                    .build();
            emitter.sendMessageAndAwait(Message.of(message.payload).addMetadata(metadata));
            message.publishedAt = Instant.now();
        }
        return pending.size();
    }
}
