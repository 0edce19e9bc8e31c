package io.transferlab.evaluator.messaging;

import io.smallrye.common.annotation.Blocking;
import io.transferlab.core.events.CheckpointCreated;
import io.transferlab.core.events.Topics;
import io.transferlab.evaluator.service.EvaluationQueue;
import io.transferlab.platform.messaging.EventInbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Queues each trained checkpoint for scoring; the scoring itself runs on the evaluation worker, not here. */
@ApplicationScoped
public class CheckpointConsumer {

    @Inject
    EventInbox inbox;

    @Inject
    EvaluationQueue queue;

    @Incoming(Topics.CHECKPOINT_CREATED)
    @Blocking
    public void consume(String json) {
        inbox.consume(json, CheckpointCreated.class, queue::receive);
    }
}
