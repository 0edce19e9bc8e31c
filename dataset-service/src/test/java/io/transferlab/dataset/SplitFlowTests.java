package io.transferlab.dataset;

import io.quarkus.test.junit.QuarkusTest;
import io.transferlab.core.dataset.TestImages;
import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.StudyRequested;
import io.transferlab.core.events.Topics;
import io.transferlab.core.split.SplitManifest;
import io.transferlab.core.storage.Checksums;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.platform.testing.KafkaTestClient;
import io.transferlab.platform.testing.OutboxProbe;
import org.apache.kafka.clients.producer.RecordMetadata;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;

/** dataset-service against the real broker and database started by deploy/local/infra.sh. */
@QuarkusTest
class SplitFlowTests {

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

    private String dataset(int classes, int perClass) {
        String reference = "datasets/" + UUID.randomUUID();
        TestImages.imageFolder(storage.resolve(reference), classes, perClass);
        return reference;
    }

    private static StudyRequested request(String datasetPath, List<String> sizes) {
        return StudyRequested.of(UUID.randomUUID().toString(), datasetPath, "seed-2020", sizes, List.of("fe", "ft"),
                List.of(7L), "resnet50", null);
    }

    private static boolean ofStudy(ConsumerRecord<String, String> record, String studyId) {
        return record.value().contains("\"studyId\":\"" + studyId + "\"");
    }

    @Test
    void publishesOneVerifiedManifestPerTrainingSet() throws Exception {
        String datasetPath = dataset(3, 12);
        Files.writeString(storage.resolve(datasetPath + "/class1/README.txt"), "not an image");
        StudyRequested request = request(datasetPath, List.of("large", "small"));
        var manifests = kafka.follow(Topics.SPLIT_MANIFEST_PUBLISHED);

        kafka.send(Topics.STUDY_REQUESTED, request.studyId(), EventCodec.toJson(request));

        List<SplitManifestPublished> published = manifests.await(r -> ofStudy(r, request.studyId()), 2, WAIT).stream()
                .map(r -> EventCodec.fromJson(r.value(), SplitManifestPublished.class)).toList();
        assertThat(published).extracting(SplitManifestPublished::splitName).containsExactlyInAnyOrder("large", "small");
        for (SplitManifestPublished event : published) {
            Path file = storage.resolve(event.manifestRef());
            assertThat(Checksums.sha256(file)).isEqualTo(event.manifestSha256());
            SplitManifest manifest = SplitManifest.fromJson(Files.readAllBytes(file));
            assertThat(manifest.classes()).containsExactly("class0", "class1", "class2");
            assertThat(manifest.train().size() + manifest.val().size() + manifest.test().size()).isEqualTo(36);
            assertThat(manifest.skipped()).singleElement()
                    .satisfies(s -> assertThat(s.path()).isEqualTo("class1/README.txt"));
            assertThat(event.skippedFiles()).isEqualTo(1);
            assertThat(event.classCount()).isEqualTo(3);
            assertThat(event.strategies()).containsExactly("fe", "ft");
        }
        SplitManifestPublished large = published.stream().filter(e -> e.splitName().equals("large")).findFirst().orElseThrow();
        assertThat(large.trainSize()).isEqualTo(27);   // 75% of 12 = 9 per class
        assertThat(large.testSize()).isEqualTo(3);     // 5% of 12 rounds to 1 per class

        given().queryParam("studyId", request.studyId()).get("/splits")
                .then().statusCode(200).body("splits", hasSize(2));
        given().get("/splits/" + large.runId() + "/manifest")
                .then().statusCode(200).body("runId", org.hamcrest.Matchers.equalTo(large.runId()));
    }

    @Test
    void theSameRequestDeliveredTwiceIsSplitOnce() {
        StudyRequested request = request(dataset(2, 10), List.of("medium"));
        var manifests = kafka.follow(Topics.SPLIT_MANIFEST_PUBLISHED);
        String json = EventCodec.toJson(request);

        kafka.send(Topics.STUDY_REQUESTED, request.studyId(), json);
        RecordMetadata duplicate = kafka.send(Topics.STUDY_REQUESTED, request.studyId(), json);

        manifests.await(r -> ofStudy(r, request.studyId()), 1, WAIT);
        kafka.awaitConsumed(OutboxProbe.consumerGroup(), duplicate, WAIT);
        OutboxProbe.awaitRelayed(WAIT);
        assertThat(manifests.upToNow(r -> ofStudy(r, request.studyId()))).hasSize(1);
        given().queryParam("studyId", request.studyId()).get("/splits").then().statusCode(200).body("splits", hasSize(1));
    }

    @Test
    void unusableDatasetsFailTheStudyWithTheReason() throws Exception {
        String emptyClass = dataset(2, 10);
        Files.createDirectories(storage.resolve(emptyClass + "/zinnia"));
        String tooSmall = dataset(2, 3);
        List<Object[]> cases = List.of(
                new Object[]{request(emptyClass, List.of("small")), "class folder 'zinnia'"},
                new Object[]{request("datasets/does-not-exist", List.of("small")), "does not exist"},
                new Object[]{request("../../etc", List.of("small")), "outside the storage root"},
                new Object[]{request(tooSmall, List.of("small")), "has 3 image(s)"},
                new Object[]{request(dataset(2, 10), List.of("huge")), "no size 'huge'"});
        var failures = kafka.follow(Topics.RUN_FAILED);
        for (Object[] c : cases) {
            StudyRequested request = (StudyRequested) c[0];
            kafka.send(Topics.STUDY_REQUESTED, request.studyId(), EventCodec.toJson(request));
        }
        for (Object[] c : cases) {
            StudyRequested request = (StudyRequested) c[0];
            RunFailed failed = EventCodec.fromJson(
                    failures.await(r -> ofStudy(r, request.studyId()), 1, WAIT).get(0).value(), RunFailed.class);
            assertThat(failed.reason()).contains((String) c[1]);
            assertThat(failed.service()).isEqualTo("dataset-service");
            given().queryParam("studyId", request.studyId()).get("/splits")
                    .then().statusCode(200).body("splits", hasSize(0)).body("failure", containsString((String) c[1]));
        }
    }

    @Test
    void aMalformedEventIsDeadLetteredAndTheNextOneStillProcessed() {
        var deadLetters = kafka.follow(Topics.DEAD_LETTER);
        var manifests = kafka.follow(Topics.SPLIT_MANIFEST_PUBLISHED);
        String garbage = "{\"schemaVersion\":1, this is not json " + UUID.randomUUID();
        StudyRequested valid = request(dataset(2, 10), List.of("small"));

        kafka.send(Topics.STUDY_REQUESTED, "poison", garbage);
        kafka.send(Topics.STUDY_REQUESTED, "poison", EventCodec.toJson(valid));

        ConsumerRecord<String, String> dead = deadLetters.await(r -> r.value().equals(garbage), 1, WAIT).get(0);
        String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertThat(reason).contains("malformed StudyRequested JSON");
        manifests.await(r -> ofStudy(r, valid.studyId()), 1, WAIT);
    }

    @Test
    void badQueriesGetAClearMessage() {
        given().get("/splits").then().statusCode(400).body("error", containsString("'studyId' is required"));
        given().get("/splits/nope/manifest").then().statusCode(404).body("error", containsString("no training set nope"));
    }
}
