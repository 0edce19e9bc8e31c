package io.transferlab.trainer;

import io.quarkus.test.junit.QuarkusTest;
import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.Topics;
import io.transferlab.core.events.TrainingProgress;
import io.transferlab.core.split.TestManifests;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.platform.testing.KafkaTestClient;
import io.transferlab.platform.testing.OutboxProbe;
import org.apache.kafka.clients.producer.RecordMetadata;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** trainer-service against the real broker and database started by deploy/local/infra.sh. */
@QuarkusTest
class TrainingSetIntakeTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    static KafkaTestClient kafka;

    @Inject
    StorageRoot storage;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    private static boolean ofRun(ConsumerRecord<String, String> record, String runId) {
        return record.value().contains("\"runId\":\"" + runId + "\"");
    }

    @Test
    void aVerifiedTrainingSetIsQueuedOnceFeatureExtractionFirst() {
        SplitManifestPublished event = TestManifests.publish(storage, UUID.randomUUID().toString(), "small");
        var progress = kafka.follow(Topics.TRAINING_PROGRESS);

        kafka.send(Topics.SPLIT_MANIFEST_PUBLISHED, event.studyId(), EventCodec.toJson(event));
        RecordMetadata duplicate = kafka.send(Topics.SPLIT_MANIFEST_PUBLISHED, event.studyId(), EventCodec.toJson(event));

        TrainingProgress queued = EventCodec.fromJson(progress.await(r -> ofRun(r, event.runId()), 1, WAIT).get(0).value(),
                TrainingProgress.class);
        assertThat(queued.phase()).isEqualTo(TrainingProgress.Phase.QUEUED);
        kafka.awaitConsumed(OutboxProbe.consumerGroup(), duplicate, WAIT);
        OutboxProbe.awaitRelayed(WAIT);
        assertThat(progress.upToNow(r -> ofRun(r, event.runId()))).hasSize(1);
        given().queryParam("studyId", event.studyId()).get("/training-sets").then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].state", equalTo("QUEUED"))
                .body("[0].strategies", equalTo("fe,ft"))
                .body("[0].trainSize", equalTo(8));
    }

    @Test
    void untrustworthyManifestsAreRejectedWithTheReason() {
        String studyId = UUID.randomUUID().toString();
        SplitManifestPublished good = TestManifests.publish(storage, studyId, "large");
        SplitManifestPublished wrongChecksum = TestManifests.withManifest(good, good.manifestRef(), "0".repeat(64));
        SplitManifestPublished outside = TestManifests.withManifest(
                TestManifests.publish(storage, studyId, "medium"), "../../../etc/passwd", good.manifestSha256());
        SplitManifestPublished missing = TestManifests.withManifest(
                TestManifests.publish(storage, studyId, "small"), "manifests/none.json", good.manifestSha256());
        var failures = kafka.follow(Topics.RUN_FAILED);

        for (SplitManifestPublished e : new SplitManifestPublished[]{wrongChecksum, outside, missing}) {
            kafka.send(Topics.SPLIT_MANIFEST_PUBLISHED, studyId, EventCodec.toJson(e));
        }

        assertReason(failures, wrongChecksum.runId(), "but the event says");
        assertReason(failures, outside.runId(), "outside the storage root");
        assertReason(failures, missing.runId(), "does not exist");
        given().get("/training-sets/" + wrongChecksum.runId()).then().statusCode(200).body("state", equalTo("REJECTED"));
        given().get("/training-sets/nope").then().statusCode(404).body("error", containsString("no training set nope"));
    }

    private static void assertReason(KafkaTestClient.Follower failures, String runId, String reason) {
        RunFailed failed = EventCodec.fromJson(failures.await(r -> ofRun(r, runId), 1, WAIT).get(0).value(), RunFailed.class);
        assertThat(failed.reason()).contains(reason);
        assertThat(failed.stage()).isEqualTo("intake");
    }

    @Test
    void aMalformedEventIsDeadLettered() {
        var deadLetters = kafka.follow(Topics.DEAD_LETTER);
        String poison = "{\"schemaVersion\":1,\"eventId\":\"" + UUID.randomUUID() + "\"}";
        kafka.send(Topics.SPLIT_MANIFEST_PUBLISHED, "poison", poison);
        deadLetters.await(r -> r.value().equals(poison), 1, WAIT);
    }
}
