package io.transferlab.evaluator.service;

import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.split.SplitManifestStore;
import io.transferlab.core.storage.ChecksumMismatchException;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.evaluator.repository.TestSet;
import io.transferlab.platform.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Instant;

/** Records the test part of each published training set once its manifest is verified. */
@ApplicationScoped
public class TestSetIntake {

    private static final Logger LOG = Logger.getLogger(TestSetIntake.class);
    public static final String SERVICE = "evaluator-service";

    @Inject
    StorageRoot storage;

    @Inject
    EventPublisher publisher;

    @Transactional(Transactional.TxType.MANDATORY)
    public TestSet receive(SplitManifestPublished event) {
        TestSet set = new TestSet();
        set.runId = event.runId();
        set.studyId = event.studyId();
        set.splitName = event.splitName();
        set.seed = event.seed();
        set.classCount = event.classCount();
        set.testSize = event.testSize();
        set.manifestRef = event.manifestRef();
        set.manifestSha256 = event.manifestSha256();
        set.receivedAt = Instant.now();
        try {
            new SplitManifestStore(storage).load(event);
            set.state = TestSet.State.READY;
        } catch (IllegalArgumentException | ChecksumMismatchException e) {
            set.state = TestSet.State.REJECTED;
            set.reason = e.getMessage();
            LOG.warnf("test set %s of study %s rejected: %s", event.runId(), event.studyId(), e.getMessage());
            publisher.publish(RunFailed.of(event.studyId(), event.runId(), SERVICE, "intake", e.getMessage()));
        }
        set.persist();
        return set;
    }
}
