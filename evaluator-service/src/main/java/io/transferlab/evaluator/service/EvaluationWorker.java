package io.transferlab.evaluator.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.transferlab.evaluator.config.EvaluatorConfig;
import io.transferlab.evaluator.repository.Evaluation;
import io.transferlab.platform.work.LeaseLost;
import io.transferlab.platform.work.QueueConfig;
import io.transferlab.platform.work.QueueWorker;
import io.transferlab.platform.work.Transient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Supplier;

/** Scores queued checkpoints one at a time, off the Kafka consumer threads. */
@ApplicationScoped
public class EvaluationWorker {

    private static final Logger LOG = Logger.getLogger(EvaluationWorker.class);

    @Inject
    EvaluationQueue queue;

    @Inject
    CheckpointEvaluator evaluator;

    @Inject
    EvaluatorConfig config;

    @Inject
    QueueConfig queueConfig;

    private QueueWorker<Evaluation> worker;

    void start(@Observes StartupEvent event) {
        if (!config.workerEnabled()) {
            LOG.info("evaluation worker disabled (transferlab.evaluator.worker-enabled=false)");
            return;
        }
        worker = new QueueWorker<>("evaluator-0", queue, this::evaluate, config.pollInterval(), queueConfig.heartbeat());
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (worker != null) {
            worker.stop(Duration.ofSeconds(30));
        }
    }

    private void evaluate(Evaluation evaluation, Supplier<Boolean> stopping) {
        try {
            CheckpointEvaluator.Scored scored = evaluator.score(evaluation);
            queue.done(evaluation.id, scored);
            LOG.infof("%s of run %s: micro-F1 %.4f on %d test images", evaluation.strategy, evaluation.runId,
                    scored.metrics().microF1(), scored.metrics().samples());
        } catch (LeaseLost e) {
            LOG.warnf("evaluation of %s/%s: %s", evaluation.runId, evaluation.strategy, e.getMessage());
        } catch (RuntimeException | Error e) {
            if (Transient.is(e)) {
                throw e;   // the moment's, not the checkpoint's: the worker backs off and takes it again
            }
            if (stopping.get()) {
                LOG.infof("evaluation of %s/%s interrupted by shutdown; it runs again on restart", evaluation.runId,
                        evaluation.strategy);
            } else {
                LOG.errorf(e, "evaluation of %s/%s failed", evaluation.runId, evaluation.strategy);
                queue.failed(evaluation.id, QueueWorker.describe(e));
            }
        }
    }
}
