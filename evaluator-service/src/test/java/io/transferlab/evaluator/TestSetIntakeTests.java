package io.transferlab.evaluator;

import io.quarkus.test.junit.QuarkusTest;
import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.Topics;
import io.transferlab.core.split.TestManifests;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.platform.testing.KafkaTestClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** evaluator-service against the real broker and database started by deploy/local/infra.sh. */
@QuarkusTest
class TestSetIntakeTests {

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

    @Test
    void recordsEachTestPartOnceAndRejectsBadManifests() {
        String studyId = UUID.randomUUID().toString();
        SplitManifestPublished good = TestManifests.publish(storage, studyId, "small");
        SplitManifestPublished tampered = TestManifests.withManifest(
                TestManifests.publish(storage, studyId, "large"), good.manifestRef(), good.manifestSha256());
        var failures = kafka.follow(Topics.RUN_FAILED);

        kafka.send(Topics.SPLIT_MANIFEST_PUBLISHED, studyId, EventCodec.toJson(good));
        kafka.send(Topics.SPLIT_MANIFEST_PUBLISHED, studyId, EventCodec.toJson(good));
        kafka.send(Topics.SPLIT_MANIFEST_PUBLISHED, studyId, EventCodec.toJson(tampered));

        RunFailed failed = EventCodec.fromJson(failures.await(
                r -> r.value().contains(tampered.runId()), 1, Duration.ofSeconds(60)).get(0).value(), RunFailed.class);
        assertThat(failed.reason()).contains("does not match its event");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().queryParam("studyId", studyId).get("/test-sets").then().statusCode(200).body("", hasSize(2)));
        given().queryParam("studyId", studyId).get("/test-sets").then()
                .body("find { it.runId == '" + good.runId() + "' }.state", equalTo("READY"))
                .body("find { it.runId == '" + good.runId() + "' }.testSize", equalTo(2))
                .body("find { it.runId == '" + tampered.runId() + "' }.state", equalTo("REJECTED"));
    }
}
