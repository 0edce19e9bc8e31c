package io.transferlab.evaluator.service;

import io.transferlab.core.events.CheckpointCreated;
import io.transferlab.core.events.EvaluationCompleted;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.storage.Checksums;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.evaluator.repository.Evaluation;
import io.transferlab.platform.messaging.EventPublisher;
import io.transferlab.platform.work.LeasedQueue;
import io.transferlab.platform.work.QueueTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The evaluations in the database: one per trained checkpoint, whatever number of times its event arrives. Each
 * state change commits with the event announcing it (outbox).
 */
@ApplicationScoped
public class EvaluationQueue extends LeasedQueue<Evaluation> {

    private static final Logger LOG = Logger.getLogger(EvaluationQueue.class);

    @Override
    protected Class<Evaluation> type() {
        return Evaluation.class;
    }

    @Override
    protected QueueTable table() {
        return new QueueTable(em, "evaluation");
    }

    @Inject
    EventPublisher publisher;

    @Inject
    StorageRoot storage;

    /** Queues a checkpoint once it is verified (under the storage root, checksum); refuses it with a RunFailed otherwise. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void receive(CheckpointCreated event) {
        if (Evaluation.of(event.runId(), event.strategy()).isPresent()) {
            LOG.infof("%s of run %s is already evaluated or queued; event %s ignored", event.strategy(), event.runId(),
                    event.eventId());
            return;
        }
        Evaluation evaluation = new Evaluation();
        evaluation.runId = event.runId();
        evaluation.studyId = event.studyId();
        evaluation.strategy = event.strategy();
        evaluation.checkpointRef = event.checkpointRef();
        evaluation.checkpointSha256 = event.checkpointSha256();
        evaluation.manifestRef = event.manifestRef();
        evaluation.manifestSha256 = event.manifestSha256();
        evaluation.queuedAt = Instant.now();
        String problem = checkpointProblem(event);
        if (problem == null) {
            evaluation.state = Evaluation.State.QUEUED;
        } else {
            evaluation.state = Evaluation.State.FAILED;
            evaluation.reason = problem;
            evaluation.finishedAt = Instant.now();
            publisher.publish(RunFailed.of(event.studyId(), event.runId(), TestSetIntake.SERVICE, "evaluation",
                    event.strategy() + ": " + problem));
        }
        evaluation.persist();
    }

    private String checkpointProblem(CheckpointCreated event) {
        try {
            Path file = storage.resolve(event.checkpointRef());
            if (!Files.isRegularFile(file)) {
                return "checkpoint " + event.checkpointRef() + " does not exist under the storage root";
            }
            String actual = Checksums.sha256(file);
            return actual.equals(event.checkpointSha256()) ? null
                    : "checkpoint " + event.checkpointRef() + " has checksum " + actual + ", the event says "
                    + event.checkpointSha256();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** An evaluation whose worker died in each of its attempts: failed for good, and said so. */
    @Override
    protected void giveUp(Evaluation evaluation) {
        evaluation.state = Evaluation.State.FAILED;
        evaluation.reason = "gave up after " + evaluation.attempts + " attempts: the evaluator stopped during each one"
                + " (killed, out of memory or evicted) before the evaluation finished";
        evaluation.finishedAt = Instant.now();
        publisher.publish(RunFailed.of(evaluation.studyId, evaluation.runId, TestSetIntake.SERVICE, "evaluation",
                evaluation.strategy + ": " + evaluation.reason));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void done(long id, CheckpointEvaluator.Scored scored) {
        Evaluation evaluation = held(id);
        var m = scored.metrics();
        evaluation.state = Evaluation.State.DONE;
        evaluation.testImages = m.samples();
        evaluation.microPrecision = m.microPrecision();
        evaluation.microRecall = m.microRecall();
        evaluation.microF1 = m.microF1();
        evaluation.macroPrecision = m.macroPrecision();
        evaluation.macroRecall = m.macroRecall();
        evaluation.macroF1 = m.macroF1();
        evaluation.top1Accuracy = m.topKAccuracy()[0];
        evaluation.top5Accuracy = m.topKAccuracy().length > 1 ? m.topKAccuracy()[1] : null;
        evaluation.perClass = scored.perClassJson();
        evaluation.confusion = scored.confusionJson();
        evaluation.evaluationRef = scored.reportRef();
        evaluation.evaluationSha256 = scored.reportSha256();
        evaluation.finishedAt = Instant.now();
        metrics.counter("transferlab.evaluator.images").increment(m.samples());
        publisher.publish(EvaluationCompleted.of(evaluation.studyId, evaluation.runId, evaluation.strategy,
                m.microF1(), m.macroF1(), evaluation.top1Accuracy, m.samples(), scored.reportRef(),
                scored.reportSha256()));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void failed(long id, String reason) {
        Evaluation evaluation = held(id);
        evaluation.state = Evaluation.State.FAILED;
        evaluation.reason = reason;
        evaluation.finishedAt = Instant.now();
        publisher.publish(RunFailed.of(evaluation.studyId, evaluation.runId, TestSetIntake.SERVICE, "evaluation",
                evaluation.strategy + ": " + reason));
    }
}
