package io.transferlab.trainer.messaging;

import io.smallrye.common.annotation.Blocking;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.Topics;
import io.transferlab.platform.messaging.EventInbox;
import io.transferlab.trainer.service.TrainingSetIntake;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes published training sets; the offset is committed only after this transaction commits. */
@ApplicationScoped
public class SplitManifestConsumer {

    @Inject
    EventInbox inbox;

    @Inject
    TrainingSetIntake intake;

    @Incoming(Topics.SPLIT_MANIFEST_PUBLISHED)
    @Blocking
    public void consume(String json) {
        inbox.consume(json, SplitManifestPublished.class, intake::receive);
    }
}
