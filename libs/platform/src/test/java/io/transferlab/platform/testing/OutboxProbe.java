package io.transferlab.platform.testing;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.transferlab.platform.messaging.OutboxMessage;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;

/**
 * For {@code @QuarkusTest}s: what a service in this JVM has consumed and published, as conditions a test can wait
 * for instead of a pause.
 */
public final class OutboxProbe {

    private OutboxProbe() {
    }

    /** The consumer group of this service's channels (see {@link KafkaTestClient#awaitConsumed}). */
    public static String consumerGroup() {
        return ConfigProvider.getConfig().getValue("mp.messaging.connector.smallrye-kafka.group.id", String.class);
    }

    /**
     * Waits until every event in the outbox now has been relayed to the broker (acknowledged), so a follower's
     * {@link KafkaTestClient.Follower#upToNow} sees it; events added later do not hold it up.
     */
    public static void awaitRelayed(Duration timeout) {
        Long newest = QuarkusTransaction.requiringNew().call(() -> OutboxMessage.<OutboxMessage>find("order by id desc")
                .firstResultOptional().map(m -> m.id).orElse(0L));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long pending = QuarkusTransaction.requiringNew().call(() ->
                    OutboxMessage.count("publishedAt is null and id <= ?1", newest));
            if (pending == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(pending + " outbox event(s) up to id " + newest + " not relayed within " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
