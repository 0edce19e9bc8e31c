package io.transferlab.evaluator.service;

import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.evaluator.repository.TestSet;
import io.transferlab.platform.messaging.ManifestVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;

/** Records the test part of each published training set once its manifest is verified. */
@ApplicationScoped
public class TestSetIntake {

    public static final String SERVICE = "evaluator-service";

    @Inject
    ManifestVerifier verifier;

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
        ManifestVerifier.Verdict verdict = verifier.verify(event, SERVICE);
        set.state = verdict.trusted() ? TestSet.State.READY : TestSet.State.REJECTED;
        set.reason = verdict.rejection();
        set.persist();
        return set;
    }
}
