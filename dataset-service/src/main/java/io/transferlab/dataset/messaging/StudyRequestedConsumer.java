package io.transferlab.dataset.messaging;

import io.smallrye.common.annotation.Blocking;
import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.MalformedEventException;
import io.transferlab.core.events.StudyRequested;
import io.transferlab.core.events.Topics;
import io.transferlab.dataset.service.SplitService;
import io.transferlab.platform.messaging.EventInbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes study requests: the dataset is scanned, then split in a transaction; the offset is committed after it. */
@ApplicationScoped
public class StudyRequestedConsumer {

    @Inject
    EventInbox inbox;

    @Inject
    SplitService splits;

    @Incoming(Topics.STUDY_REQUESTED)
    @Blocking
    public void consume(String json) {
        // the dataset is scanned first, outside the inbox's transaction (a malformed record is left to the inbox)
        SplitService.Scanned scanned;
        try {
            scanned = splits.scan(EventCodec.fromJson(json, StudyRequested.class));
        } catch (MalformedEventException e) {
            scanned = null; // the inbox below refuses, names and dead-letters it before any split
        }
        SplitService.Scanned before = scanned;
        inbox.consume(json, StudyRequested.class, request -> splits.split(request, before));
    }
}
