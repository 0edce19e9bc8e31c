package io.transferlab.trainer.service;

import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.TrainingProgress;
import io.transferlab.core.study.Strategy;
import io.transferlab.trainer.repository.TrainingSet;
import io.transferlab.platform.messaging.EventPublisher;
import io.transferlab.platform.messaging.ManifestVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;

/**
 * Receives training sets: verifies the manifest (inside the storage root, checksum, content matching the
 * event), records the set and queues its strategies, feature extraction first since fine-tuning starts from the
 * trained feature-extraction head. A manifest that cannot be trusted is rejected with a RunFailed.
 */
@ApplicationScoped
public class TrainingSetIntake {

    public static final String SERVICE = "trainer-service";

    @Inject
    ManifestVerifier verifier;

    @Inject
    EventPublisher publisher;

    @Inject
    TrainingQueue queue;

    @Transactional(Transactional.TxType.MANDATORY)
    public TrainingSet receive(SplitManifestPublished event) {
        TrainingSet set = new TrainingSet();
        set.runId = event.runId();
        set.studyId = event.studyId();
        set.datasetId = event.datasetId();
        set.datasetVersion = event.datasetVersion();
        set.splitName = event.splitName();
        set.seed = event.seed();
        set.classCount = event.classCount();
        set.trainSize = event.trainSize();
        set.valSize = event.valSize();
        set.testSize = event.testSize();
        set.backbone = event.backbone();
        set.manifestRef = event.manifestRef();
        set.manifestSha256 = event.manifestSha256();
        set.receivedAt = Instant.now();
        set.strategies = String.join(",", planOrder(event.strategies()));
        ManifestVerifier.Verdict verdict = verifier.verify(event, SERVICE);
        if (verdict.trusted()) {
            set.state = TrainingSet.State.QUEUED;
            publisher.publish(TrainingProgress.queued(event.studyId(), event.runId(), null,
                    "queued at the trainer: " + set.strategies + " on " + event.trainSize() + " training images"));
        } else {
            set.state = TrainingSet.State.REJECTED;
            set.reason = verdict.rejection();
        }
        set.persist();
        if (set.state == TrainingSet.State.QUEUED) {
            queue.enqueue(set, List.of(set.strategies.split(",")));
        }
        return set;
    }

    /** Feature extraction runs before fine-tuning, and is added when only fine-tuning is asked: it starts from that head. */
    static List<String> planOrder(List<String> strategies) {
        return Strategy.trainingPlan(strategies.stream().map(Strategy::of).toList()).stream().map(Strategy::id).toList();
    }
}
