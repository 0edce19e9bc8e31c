package io.transferlab.platform.health;

import io.transferlab.platform.messaging.OutboxMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.time.Instant;

/**
 * Reports the outbox backlog; an event stuck for minutes means the broker is unreachable. A readiness check, not a
 * liveness one: a Kafka outage must not make an orchestrator restart the services (trainers mid-epoch included) —
 * the events wait in the outbox and leave when the broker is back.
 */
@Readiness
@ApplicationScoped
public class OutboxHealthCheck implements HealthCheck {

    private static final Duration STUCK = Duration.ofMinutes(5);

    @Override
    @Transactional
    public HealthCheckResponse call() {
        long pending = OutboxMessage.count("publishedAt is null");
        long stuck = OutboxMessage.count("publishedAt is null and createdAt < ?1", Instant.now().minus(STUCK));
        return HealthCheckResponse.named("outbox")
                .status(stuck == 0)
                .withData("pending", pending)
                .withData("stuckOverFiveMinutes", stuck)
                .build();
    }
}
