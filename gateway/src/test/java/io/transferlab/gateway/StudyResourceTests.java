package io.transferlab.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.StudyRequested;
import io.transferlab.core.events.Topics;
import io.transferlab.core.events.TrainingProgress;
import io.transferlab.core.events.TransferLabEvent;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.platform.testing.KafkaTestClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** The gateway against the real broker and database started by deploy/local/infra.sh. */
@QuarkusTest
class StudyResourceTests {

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

    private String datasetFolder() throws Exception {
        String reference = "datasets/" + UUID.randomUUID();
        Files.createDirectories(storage.resolve(reference));
        return reference;
    }

    private String post(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/studies")
                .then().statusCode(201).body("state", equalTo("REQUESTED")).extract().path("id");
    }

    @Test
    void aStudyIsStoredAndRequestedOnKafka() throws Exception {
        String dataset = datasetFolder();
        var requests = kafka.follow(Topics.STUDY_REQUESTED);

        String id = post(Map.of("datasetPath", dataset, "sizes", List.of("small", "large"), "seeds", List.of(1, 2),
                "strategies", List.of("fe", "ft-aug"), "classLimit", 5));

        StudyRequested requested = EventCodec.fromJson(
                requests.await(r -> r.value().contains(id), 1, WAIT).get(0).value(), StudyRequested.class);
        assertThat(requested.datasetPath()).isEqualTo(dataset);
        assertThat(requested.sizes()).containsExactly("small", "large");
        assertThat(requested.seeds()).containsExactly(1L, 2L);
        assertThat(requested.strategies()).containsExactly("fe", "ft-aug");
        assertThat(requested.preset()).isEqualTo("seed-2020");
        assertThat(requested.backbone()).isEqualTo("resnet50");
        assertThat(requested.classLimit()).isEqualTo(5);
        given().get("/studies/" + id).then().statusCode(200)
                .body("expectedRuns", equalTo(4)).body("runs", hasSize(0)).body("state", equalTo("REQUESTED"));
    }

    @Test
    void badRequestsAreRefusedWithTheReasonAndStoreNothing() throws Exception {
        String dataset = datasetFolder();
        int before = given().get("/studies").then().statusCode(200).extract().path("size()");
        List<Object[]> cases = List.of(
                new Object[]{Map.of("datasetPath", "../../etc"), "outside the storage root"},
                new Object[]{Map.of("datasetPath", "datasets/none-" + UUID.randomUUID()), "is not a folder under the storage root"},
                new Object[]{Map.of("preset", "seed-2020"), "'datasetPath' is required"},
                new Object[]{Map.of("datasetPath", dataset, "preset", "tiny"), "unknown preset 'tiny'"},
                new Object[]{Map.of("datasetPath", dataset, "sizes", List.of("huge")), "no size 'huge'"},
                new Object[]{Map.of("datasetPath", dataset, "strategies", List.of("magic")), "unknown strategy 'magic'"},
                new Object[]{Map.of("datasetPath", dataset, "backbone", "vgg"), "unknown backbone 'vgg'"},
                new Object[]{Map.of("datasetPath", dataset, "classLimit", 1), "'classLimit' must be at least 2"});
        for (Object[] c : cases) {
            given().contentType(ContentType.JSON).body(c[0]).post("/studies")
                    .then().statusCode(400).body("error", containsString((String) c[1]));
        }
        given().get("/studies").then().statusCode(200).body("size()", equalTo(before));
        given().get("/studies/" + UUID.randomUUID()).then().statusCode(404).body("error", containsString("no study"));
    }

    @Test
    void runsFollowTheEventsOnceEachInAnyOrder() throws Exception {
        String id = post(Map.of("datasetPath", datasetFolder(), "sizes", List.of("small", "large")));
        SplitManifestPublished small = split(id, "small");
        SplitManifestPublished large = split(id, "large");

        // the trainer's answer may overtake the manifest (different topics); duplicates change nothing
        send(TrainingProgress.queued(id, small.runId(), null, "queued at the trainer: fe,ft"));
        send(small);
        send(small);
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then()
                .body("state", equalTo("SPLITTING")).body("runs", hasSize(1))
                .body("runs[0].state", equalTo("QUEUED")).body("runs[0].trainSize", equalTo(10)));
        send(large);
        send(TrainingProgress.queued(id, large.runId(), null, "queued at the trainer: fe,ft"));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then()
                .body("state", equalTo("TRAINING")).body("runs", hasSize(2))
                .body("runs.state", org.hamcrest.Matchers.everyItem(equalTo("QUEUED"))));

        send(RunFailed.of(id, large.runId(), "trainer-service", "intake", "manifest checksum differs"));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then()
                .body("state", equalTo("FAILED"))
                .body("failureReason", containsString("manifest checksum differs"))
                .body("runs.find { it.runId == '" + large.runId() + "' }.state", equalTo("FAILED")));
    }

    @Test
    void aMalformedEventIsDeadLetteredAndTheGatewayKeepsGoing() throws Exception {
        String id = post(Map.of("datasetPath", datasetFolder(), "sizes", List.of("small")));
        var deadLetters = kafka.follow(Topics.DEAD_LETTER);
        String poison = "[\"not\", \"an\", \"event\", \"" + UUID.randomUUID() + "\"]";
        kafka.send(Topics.RUN_FAILED, id, poison);
        send(RunFailed.of(id, null, "dataset-service", "split", "class folder 'x' is empty"));
        deadLetters.await(r -> r.value().equals(poison), 1, WAIT);
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then()
                .body("state", equalTo("FAILED")).body("failureReason", containsString("class folder 'x' is empty")));
    }

    private static SplitManifestPublished split(String studyId, String size) {
        return new SplitManifestPublished(TransferLabEvent.SCHEMA_VERSION, UUID.randomUUID().toString(), studyId,
                UUID.randomUUID().toString(), Instant.now(), "datasets/x", "v1", size, 42, 10, 5, 5, 2,
                "manifests/" + studyId + "/" + size + ".json", "b".repeat(64), 0, List.of("fe", "ft"), "resnet50");
    }

    private static void send(TransferLabEvent event) {
        kafka.send(Topics.of(event), event.studyId(), EventCodec.toJson(event));
    }
}
