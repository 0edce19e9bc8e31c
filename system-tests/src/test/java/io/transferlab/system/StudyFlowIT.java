package io.transferlab.system;

import io.restassured.http.ContentType;
import io.transferlab.core.dataset.TestImages;
import io.transferlab.core.events.Topics;
import io.transferlab.platform.testing.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

/** A study posted to the gateway travels through the real broker and databases to the trainer and evaluator. */
class StudyFlowIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static RunningSystem system;
    private static KafkaTestClient kafka;

    @BeforeAll
    static void start() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Path storage = target.resolve("it-storage");
        TestImages.imageFolder(storage.resolve("datasets/colours"), 3, 12);
        Files.writeString(storage.resolve("datasets/colours/class2/notes.txt"), "not an image");
        TestImages.imageFolder(storage.resolve("datasets/with-empty-class"), 2, 12);
        Files.createDirectories(storage.resolve("datasets/with-empty-class/zinnia"));
        kafka = new KafkaTestClient();
        system = RunningSystem.start(storage, target.resolve("it-logs"));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String postStudy(String datasetPath) {
        return given().baseUri(RunningSystem.url("gateway")).contentType(ContentType.JSON)
                .body(Map.of("datasetPath", datasetPath, "preset", "seed-2020", "strategies", List.of("fe", "ft")))
                .post("/studies").then().statusCode(201).extract().path("id");
    }

    @Test
    void aStudyReachesTheTrainerAndEvaluatorAsThreeVerifiedTrainingSets() {
        String id = postStudy("datasets/colours");

        await().atMost(WAIT).untilAsserted(() -> given().baseUri(RunningSystem.url("trainer-service"))
                .queryParam("studyId", id).get("/training-sets").then().statusCode(200)
                .body("", hasSize(3))
                .body("state", everyItem(equalTo("QUEUED")))
                .body("splitName", org.hamcrest.Matchers.containsInAnyOrder("large", "medium", "small")));
        await().atMost(WAIT).untilAsserted(() -> given().baseUri(RunningSystem.url("evaluator-service"))
                .queryParam("studyId", id).get("/test-sets").then().statusCode(200)
                .body("", hasSize(3)).body("state", everyItem(equalTo("READY"))));
        await().atMost(WAIT).untilAsserted(() -> given().baseUri(RunningSystem.url("gateway"))
                .get("/studies/" + id).then().statusCode(200)
                .body("state", equalTo("TRAINING"))
                .body("runs", hasSize(3))
                .body("runs.state", everyItem(equalTo("QUEUED")))
                .body("runs.find { it.splitName == 'large' }.trainSize", equalTo(27))
                .body("runs.find { it.splitName == 'small' }.testSize", equalTo(18))
                .body("runs.find { it.splitName == 'small' }.message", containsString("queued at the trainer")));
        given().baseUri(RunningSystem.url("dataset-service")).queryParam("studyId", id).get("/splits")
                .then().statusCode(200).body("splits", hasSize(3)).body("splits.skippedFiles", everyItem(equalTo(1)));
    }

    @Test
    void aStudyRequestDeliveredTwiceHasOneEffect() {
        var requests = kafka.follow(Topics.STUDY_REQUESTED);
        var manifests = kafka.follow(Topics.SPLIT_MANIFEST_PUBLISHED);
        String id = postStudy("datasets/colours");
        ConsumerRecord<String, String> request = requests.await(r -> r.value().contains(id), 1, WAIT).get(0);
        manifests.await(r -> r.value().contains(id), 3, WAIT);

        kafka.send(Topics.STUDY_REQUESTED, request.key(), request.value());

        assertThat(manifests.collect(r -> r.value().contains(id), Duration.ofSeconds(5))).hasSize(3);
        await().atMost(WAIT).untilAsserted(() -> given().baseUri(RunningSystem.url("trainer-service"))
                .queryParam("studyId", id).get("/training-sets").then().body("", hasSize(3)));
        given().baseUri(RunningSystem.url("dataset-service")).queryParam("studyId", id).get("/splits")
                .then().body("splits", hasSize(3));
    }

    @Test
    void everyServiceServesHealthOpenApiAndSwaggerUi() {
        for (String service : RunningSystem.PORTS.keySet()) {
            given().baseUri(RunningSystem.url(service)).get("/q/health").then().statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("checks.name", org.hamcrest.Matchers.hasItems("storage-root", "outbox"));
            given().baseUri(RunningSystem.url(service)).get("/q/openapi?format=json").then().statusCode(200)
                    .body("openapi", org.hamcrest.Matchers.startsWith("3."));
            given().baseUri(RunningSystem.url(service)).get("/q/swagger-ui/").then().statusCode(200);
        }
        given().baseUri(RunningSystem.url("gateway")).get("/q/openapi?format=json").then()
                .body("paths", org.hamcrest.Matchers.hasKey("/studies"));
    }

    @Test
    void anEmptyClassFailsTheStudyWithTheReason() {
        String id = postStudy("datasets/with-empty-class");
        await().atMost(WAIT).untilAsserted(() -> given().baseUri(RunningSystem.url("gateway"))
                .get("/studies/" + id).then().statusCode(200)
                .body("state", equalTo("FAILED"))
                .body("failureReason", containsString("class folder 'zinnia'"))
                .body("runs", hasSize(0)));
    }
}
