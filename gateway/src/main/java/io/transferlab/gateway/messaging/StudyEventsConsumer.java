package io.transferlab.gateway.messaging;

import io.smallrye.common.annotation.Blocking;
import io.transferlab.core.events.CheckpointCreated;
import io.transferlab.core.events.DatasetVersionChanged;
import io.transferlab.core.events.EvaluationCompleted;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.Topics;
import io.transferlab.core.events.TrainingProgress;
import io.transferlab.gateway.service.StudyService;
import io.transferlab.platform.messaging.EventInbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Follows the studies through the other services' events; each offset is committed after its transaction. */
@ApplicationScoped
public class StudyEventsConsumer {

    @Inject
    EventInbox inbox;

    @Inject
    StudyService studies;

    @Incoming(Topics.SPLIT_MANIFEST_PUBLISHED)
    @Blocking
    @Transactional
    public void splitPublished(String json) {
        inbox.processOnce(json, SplitManifestPublished.class, studies::onSplitPublished);
    }

    @Incoming(Topics.TRAINING_PROGRESS)
    @Blocking
    @Transactional
    public void trainingProgress(String json) {
        inbox.processOnce(json, TrainingProgress.class, studies::onTrainingProgress);
    }

    @Incoming(Topics.CHECKPOINT_CREATED)
    @Blocking
    @Transactional
    public void checkpointCreated(String json) {
        inbox.processOnce(json, CheckpointCreated.class, studies::onCheckpointCreated);
    }

    @Incoming(Topics.EVALUATION_COMPLETED)
    @Blocking
    @Transactional
    public void evaluationCompleted(String json) {
        inbox.processOnce(json, EvaluationCompleted.class, studies::onEvaluationCompleted);
    }

    @Incoming(Topics.RUN_FAILED)
    @Blocking
    @Transactional
    public void runFailed(String json) {
        inbox.processOnce(json, RunFailed.class, studies::onRunFailed);
    }

    @Incoming(Topics.DATASET_VERSION_CHANGED)
    @Blocking
    @Transactional
    public void datasetVersionChanged(String json) {
        inbox.processOnce(json, DatasetVersionChanged.class, studies::onDatasetVersionChanged);
    }
}
