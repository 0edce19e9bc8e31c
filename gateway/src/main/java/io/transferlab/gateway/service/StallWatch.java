package io.transferlab.gateway.service;

import io.quarkus.scheduler.Scheduled;
import io.transferlab.gateway.config.GatewayConfig;
import io.transferlab.gateway.repository.Study;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Marks an unfinished study stalled when no event has come for it for {@link GatewayConfig#stallAfter()}, with what
 * it waits for — so a lost service or a stuck queue shows on the study instead of a state that never changes. The
 * study's next event clears the mark. Safe on several gateway replicas: the mark is one conditional update.
 */
@ApplicationScoped
public class StallWatch {

    private static final Logger LOG = Logger.getLogger(StallWatch.class);

    @Inject
    GatewayConfig config;

    @Scheduled(every = "${transferlab.gateway.stall-check-interval:60s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        markStalled(Instant.now());
    }

    /** Marks the studies stalled as of {@code now}; returns how many it marked. */
    @Transactional
    public int markStalled(Instant now) {
        Instant before = now.minus(config.stallAfter());
        List<Study> waiting = Study.list("stalledSince is null and updatedAt < ?1 and state in ?2", before,
                List.of(Study.State.REQUESTED, Study.State.SPLITTING, Study.State.TRAINING, Study.State.EVALUATING));
        int marked = 0;
        for (Study study : waiting) {
            String reason = String.format("no event for %s while %s: %s", minutes(Duration.between(study.updatedAt, now)),
                    study.state, waitingFor(study.state));
            marked += Study.update("stalledSince = ?1, stallReason = ?2 where id = ?3 and stalledSince is null"
                    + " and updatedAt = ?4", now, reason, study.id, study.updatedAt);
            LOG.warnf("study %s stalled: %s", study.id, reason);
        }
        return marked;
    }

    private static String waitingFor(Study.State state) {
        return switch (state) {
            case REQUESTED -> "waiting for the dataset-service to split the dataset (is it running and consuming study-requested?)";
            case SPLITTING -> "waiting for split manifests or the trainer to queue them";
            case TRAINING -> "waiting for the trainer's progress or checkpoints (is a trainer running?)";
            case EVALUATING -> "waiting for the evaluator's results (is the evaluator running?)";
            default -> "finished";
        };
    }

    private static String minutes(Duration d) {
        long m = d.toMinutes();
        return m >= 1 ? m + " min" : d.toSeconds() + " s";
    }
}
