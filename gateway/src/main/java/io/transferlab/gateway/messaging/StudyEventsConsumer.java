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
    public void splitPublished(String json) {
        inbox.consume(json, SplitManifestPublished.class, studies::onSplitPublished);
    }

    @Incoming(Topics.TRAINING_PROGRESS)
    @Blocking
    public void trainingProgress(String json) {
        inbox.consume(json, TrainingProgress.class, studies::onTrainingProgress);
    }

    @Incoming(Topics.CHECKPOINT_CREATED)
    @Blocking
    public void checkpointCreated(String json) {
        inbox.consume(json, CheckpointCreated.class, studies::onCheckpointCreated);
    }

    @Incoming(Topics.EVALUATION_COMPLETED)
    @Blocking
    public void evaluationCompleted(String json) {
        inbox.consume(json, EvaluationCompleted.class, studies::onEvaluationCompleted);
    }

    @Incoming(Topics.RUN_FAILED)
    @Blocking
    public void runFailed(String json) {
        inbox.consume(json, RunFailed.class, studies::onRunFailed);
    }

    @Incoming(Topics.DATASET_VERSION_CHANGED)
    @Blocking
    public void datasetVersionChanged(String json) {
        inbox.consume(json, DatasetVersionChanged.class, studies::onDatasetVersionChanged);
    }
}
