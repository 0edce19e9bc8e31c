package io.transferlab.platform.messaging;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * Removes what the outbox and the inbox no longer need, so their tables do not grow forever: outbox rows published
 * longer ago than the retention, and inbox ids older than it. Why the inbox may forget: it only has to outlive a
 * redelivery (a consumer that crashed before committing its offset gets the record again within minutes); a
 * retention of days leaves a wide margin. Unpublished outbox rows are never removed.
 */
@ApplicationScoped
public class EventRetention {

    private static final Logger LOG = Logger.getLogger(EventRetention.class);

    @ConfigProperty(name = "transferlab.retention.events", defaultValue = "7d")
    Duration retention;

    @Scheduled(every = "${transferlab.retention.interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        removeOlderThan(Instant.now().minus(retention));
    }

    /** What was removed: outbox rows and inbox ids. */
    public record Removed(long outbox, long inbox) {
    }

    @Transactional
    public Removed removeOlderThan(Instant cutoff) {
        long outbox = OutboxMessage.delete("publishedAt is not null and publishedAt < ?1", cutoff);
        long inbox = ProcessedEvent.delete("processedAt < ?1", cutoff);
        if (outbox + inbox > 0) {
            LOG.infof("retention: removed %d published outbox row(s) and %d inbox id(s) older than %s", outbox, inbox,
                    cutoff);
        }
        return new Removed(outbox, inbox);
    }
}
