package io.transferlab.evaluator.messaging;

import io.smallrye.common.annotation.Blocking;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.Topics;
import io.transferlab.evaluator.service.TestSetIntake;
import io.transferlab.platform.messaging.EventInbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes published training sets for their test parts; commits the offset after the transaction. */
@ApplicationScoped
public class SplitManifestConsumer {

    @Inject
    EventInbox inbox;

    @Inject
    TestSetIntake intake;

    @Incoming(Topics.SPLIT_MANIFEST_PUBLISHED)
    @Blocking
    public void consume(String json) {
        inbox.consume(json, SplitManifestPublished.class, intake::receive);
    }
}
