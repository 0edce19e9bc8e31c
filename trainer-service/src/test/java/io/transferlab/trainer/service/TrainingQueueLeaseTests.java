package io.transferlab.trainer.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.transferlab.platform.messaging.OutboxMessage;
import io.transferlab.platform.work.LeaseLost;
import io.transferlab.trainer.repository.TrainingJob;
import io.transferlab.trainer.repository.TrainingSet;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The device queue shared by several trainers, on the real database: a claim is a lease, only an expired lease is
 * taken again, a trainer that lost its lease records nothing, and a job whose trainers kept dying is failed once.
 */
@QuarkusTest
class TrainingQueueLeaseTests {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final String OTHER = "other-trainer/" + UUID.randomUUID();

    @Inject
    TrainingQueue queue;

    @Inject
    EntityManager em;

    private String runId;

    @BeforeEach
    void oneJobInTheQueue() {
        queueRun(List.of("fe"));
    }

    /** What other tests left queued (their worker is off) is parked, so "the next job" is this test's. */
    private void park() {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "update training_job set state = 'DONE' where state in ('QUEUED', 'RUNNING')").executeUpdate());
    }

    private void queueRun(List<String> strategies) {
        park();
        runId = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> {
            TrainingSet set = new TrainingSet();
            set.runId = runId;
            set.studyId = "study-" + runId;
            set.datasetId = "datasets/x";
            set.datasetVersion = "v1";
            set.splitName = "small";
            set.seed = 1;
            set.classCount = 2;
            set.trainSize = 4;
            set.valSize = 2;
            set.testSize = 2;
            set.strategies = "fe";
            set.backbone = "resnet50";
            set.manifestRef = "manifests/x.json";
            set.manifestSha256 = "a".repeat(64);
            set.state = TrainingSet.State.QUEUED;
            set.receivedAt = Instant.now();
            set.persist();
            queue.enqueue(set, strategies);
        });
    }

    private Optional<TrainingJob> otherClaims() {
        return QuarkusTransaction.requiringNew().call(() -> TrainingQueue.table(em)
                .claimNext(TrainingJob.class, OTHER, LEASE, 3, job -> {
                    throw new AssertionError("gave up on " + job.id);
                }));
    }

    private void expireLease(long jobId) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "update training_job set lease_until = now() - interval '1 second' where id = ?1")
                .setParameter(1, jobId).executeUpdate());
    }

    private TrainingJob job(long id) {
        return QuarkusTransaction.requiringNew().call(() -> TrainingJob.<TrainingJob>findById(id));
    }

    private long outboxEvents(String topic) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxMessage.count(
                "topic = ?1 and payload like ?2", topic, "%" + runId + "%"));
    }

    @Test
    void aClaimIsALeaseThatOnlyExpiryHandsOnAndTheFormerHolderRecordsNothing() {
        TrainingJob mine = queue.claimNext().orElseThrow();
        assertThat(mine.runId).isEqualTo(runId);
        assertThat(mine.owner).isEqualTo(queue.owner());
        assertThat(mine.attempts).isEqualTo(1);
        assertThat(mine.state).isEqualTo(TrainingJob.State.RUNNING);
        assertThat(mine.leaseUntil).isAfter(Instant.now().plusSeconds(30));

        // another trainer does not take a job whose lease runs; the heartbeat extends it
        assertThat(otherClaims()).isEmpty();
        assertThat(queue.renew(mine)).isTrue();

        // the holder stops renewing (a long GC pause, a partition): once the lease ran out the other trainer takes it
        expireLease(mine.id);
        TrainingJob taken = otherClaims().orElseThrow();
        assertThat(taken.id).isEqualTo(mine.id);
        assertThat(taken.owner).isEqualTo(OTHER);
        assertThat(taken.attempts).isEqualTo(2);

        // the former holder learns it at its next heartbeat, and what it would still record is refused
        assertThat(queue.renew(mine)).isFalse();
        assertThatThrownBy(() -> queue.finished(mine.id, new TrainingQueue.TrainedRun("checkpoints/x", "b".repeat(64),
                3, 2, 1.0, "none", "PyTorch test on cpu()"))).isInstanceOf(LeaseLost.class).hasMessageContaining("no longer leased");
        assertThatThrownBy(() -> queue.failed(mine.id, "boom")).isInstanceOf(LeaseLost.class);
        assertThat(job(mine.id).state).isEqualTo(TrainingJob.State.RUNNING);
        assertThat(outboxEvents("checkpoint-created")).isZero();
        assertThat(outboxEvents("run-failed")).isZero();

        // a stopping trainer gives its job back: taken again at once, that attempt not counted
        QuarkusTransaction.requiringNew().run(() -> TrainingQueue.table(em).release(mine.id, OTHER));
        TrainingJob again = queue.claimNext().orElseThrow();
        assertThat(again.owner).isEqualTo(queue.owner());
        assertThat(again.attempts).isEqualTo(2);
        queue.finished(again.id, new TrainingQueue.TrainedRun("checkpoints/x", "b".repeat(64), 3, 2, 1.0, "none", "PyTorch test on cpu()"));
        assertThat(job(again.id).state).isEqualTo(TrainingJob.State.DONE);
        assertThat(outboxEvents("checkpoint-created")).isEqualTo(1);
        assertThat(queue.claimNext()).isEmpty();
    }

    @Test
    void aJobWhoseTrainersKeepDyingIsFailedForGoodAndReportedOnce() {
        TrainingJob first = queue.claimNext().orElseThrow();      // attempt 1: that trainer dies
        expireLease(first.id);
        assertThat(otherClaims().orElseThrow().attempts).isEqualTo(2);   // attempt 2: dies too
        expireLease(first.id);
        assertThat(queue.claimNext().orElseThrow().attempts).isEqualTo(3); // attempt 3: dies as well
        expireLease(first.id);

        assertThat(queue.claimNext()).isEmpty();                   // no fourth attempt
        TrainingJob failed = job(first.id);
        assertThat(failed.state).isEqualTo(TrainingJob.State.FAILED);
        assertThat(failed.reason).contains("gave up after 3 attempts");
        assertThat(outboxEvents("run-failed")).isEqualTo(1);
        assertThat(queue.claimNext()).isEmpty();
        assertThat(outboxEvents("run-failed")).isEqualTo(1);
    }

    @Test
    void fineTuningWaitsForItsFeatureExtractionJobOnAnyTrainerAndFailsWithIt() {
        queueRun(List.of("fe", "ft"));
        TrainingJob fe = queue.claimNext().orElseThrow();
        assertThat(fe.strategy).isEqualTo("fe");
        // a second trainer must not start ft before the head it starts from exists
        assertThat(otherClaims()).isEmpty();
        queue.finished(fe.id, new TrainingQueue.TrainedRun("checkpoints/fe", "b".repeat(64), 3, 2, 1.0, "none", "PyTorch test on cpu()"));
        TrainingJob ft = otherClaims().orElseThrow();
        assertThat(ft.strategy).isEqualTo("ft");
        assertThat(ft.afterJob).isEqualTo(fe.id);

        // when feature extraction fails, the fine-tuning job waiting for it fails too, each reported
        queueRun(List.of("fe", "ft"));
        TrainingJob fe2 = queue.claimNext().filter(j -> j.runId.equals(runId)).orElseThrow();
        queue.failed(fe2.id, "out of memory");
        TrainingJob ft2 = QuarkusTransaction.requiringNew().call(() -> TrainingJob.of(runId, "ft").orElseThrow());
        assertThat(ft2.state).isEqualTo(TrainingJob.State.FAILED);
        assertThat(ft2.reason).contains("fe, which it starts from, failed");
        assertThat(outboxEvents("run-failed")).isEqualTo(2);
    }
}
