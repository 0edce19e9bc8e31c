package io.transferlab.dataset.messaging;

import io.smallrye.common.annotation.Blocking;
import io.transferlab.core.events.StudyRequested;
import io.transferlab.core.events.Topics;
import io.transferlab.dataset.service.SplitService;
import io.transferlab.platform.messaging.EventInbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes study requests; the offset is committed only after this transaction commits. */
@ApplicationScoped
public class StudyRequestedConsumer {

    @Inject
    EventInbox inbox;

    @Inject
    SplitService splits;

    @Incoming(Topics.STUDY_REQUESTED)
    @Blocking
    public void consume(String json) {
        inbox.consume(json, StudyRequested.class, splits::split);
    }
}
