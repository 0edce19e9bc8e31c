package io.transferlab.trainer.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.transferlab.platform.work.LeaseLost;
import io.transferlab.platform.work.QueueConfig;
import io.transferlab.platform.work.QueueWorker;
import io.transferlab.platform.work.Transient;
import io.transferlab.trainer.config.TrainerConfig;
import io.transferlab.trainer.engine.EngineProvider;
import io.transferlab.trainer.repository.TrainingJob;
import io.transferlab.trainer.repository.TrainingSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The device's one worker: trains the queued jobs one at a time (one run per device; scale out with replicas,
 * which share the queue by leases). Stopping the service interrupts the current run after its epoch and gives the
 * job back; it resumes from its epoch checkpoint on whichever trainer takes it next.
 */
@ApplicationScoped
public class TrainingWorker {

    private static final Logger LOG = Logger.getLogger(TrainingWorker.class);

    @Inject
    TrainingQueue queue;

    @Inject
    RunTrainer trainer;

    @Inject
    TrainerConfig config;

    @Inject
    QueueConfig queueConfig;

    @Inject
    EngineProvider engines;

    private QueueWorker<TrainingJob> worker;

    void start(@Observes StartupEvent event) {
        if (!config.workerEnabled()) {
            LOG.info("training worker disabled (transferlab.trainer.worker-enabled=false)");
            return;
        }
        engines.preload();
        worker = new QueueWorker<>("trainer-device-0", queue, this::train, config.pollInterval(), queueConfig.heartbeat());
        worker.start();
        LOG.infof("training worker started as %s (lease %s, heartbeat %s, %d attempts a job)", queue.owner(),
                queueConfig.lease(), queueConfig.heartbeat(), queueConfig.maxAttempts());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (worker != null) {
            worker.stop(Duration.ofSeconds(30));
        }
    }

    private void train(TrainingJob job, Supplier<Boolean> stopping) {
        try {
            TrainingSet set = QuarkusTransaction.requiringNew().call(() -> TrainingSet.<TrainingSet>findById(job.runId));
            TrainingQueue.TrainedRun result = trainer.train(job, set, stopping::get);
            queue.finished(job.id, result);
            LOG.infof("%s of run %s done: %d epochs, checkpoint %s", job.strategy, job.runId, result.epochs(),
                    result.checkpointRef());
        } catch (RunTrainer.Stopped e) {
            LOG.infof("%s of run %s stopped (shutdown or lease lost); it resumes from its epoch checkpoint",
                    job.strategy, job.runId);
        } catch (LeaseLost e) {
            LOG.warnf("%s of run %s: %s", job.strategy, job.runId, e.getMessage());
        } catch (RuntimeException | Error e) {
            if (Transient.is(e)) {
                throw e;   // the moment's, not the job's: the worker backs off and the job is taken again
            }
            if (stopping.get()) {
                LOG.infof("%s of run %s interrupted by shutdown (%s)", job.strategy, job.runId, e.getMessage());
            } else {
                LOG.errorf(e, "%s of run %s failed", job.strategy, job.runId);
                queue.failed(job.id, QueueWorker.describe(e));
            }
        }
    }
}
