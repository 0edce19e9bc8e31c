package io.transferlab.gateway.messaging;

import io.smallrye.common.annotation.Blocking;
import io.transferlab.core.events.EventCodec;
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
        SplitManifestPublished event = EventCodec.fromJson(json, SplitManifestPublished.class);
        if (inbox.firstDelivery(event, Topics.SPLIT_MANIFEST_PUBLISHED)) {
            studies.onSplitPublished(event);
        }
    }

    @Incoming(Topics.TRAINING_PROGRESS)
    @Blocking
    @Transactional
    public void trainingProgress(String json) {
        TrainingProgress event = EventCodec.fromJson(json, TrainingProgress.class);
        if (inbox.firstDelivery(event, Topics.TRAINING_PROGRESS)) {
            studies.onTrainingProgress(event);
        }
    }

    @Incoming(Topics.RUN_FAILED)
    @Blocking
    @Transactional
    public void runFailed(String json) {
        RunFailed event = EventCodec.fromJson(json, RunFailed.class);
        if (inbox.firstDelivery(event, Topics.RUN_FAILED)) {
            studies.onRunFailed(event);
        }
    }
}
