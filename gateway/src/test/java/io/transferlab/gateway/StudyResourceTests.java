package io.transferlab.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.StudyRequested;
import io.transferlab.core.events.Topics;
import io.transferlab.core.events.TrainingProgress;
import io.transferlab.core.events.CheckpointCreated;
import io.transferlab.core.events.DatasetVersionChanged;
import io.transferlab.core.events.EvaluationCompleted;
import io.transferlab.core.events.TransferLabEvent;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.platform.testing.KafkaTestClient;
import io.transferlab.platform.testing.OutboxProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
    void aRerunIsANewStudyWithTheSameRequest() throws Exception {
        String dataset = datasetFolder();
        String id = post(Map.of("datasetPath", dataset, "sizes", List.of("small"), "strategies", List.of("fe-aug"),
                "seeds", List.of(7), "classLimit", 3));
        var requests = kafka.follow(Topics.STUDY_REQUESTED);

        String rerun = given().post("/studies/" + id + "/rerun").then().statusCode(201)
                .body("rerunOf", equalTo(id)).body("state", equalTo("REQUESTED")).extract().path("id");

        assertThat(rerun).isNotEqualTo(id);
        StudyRequested requested = EventCodec.fromJson(
                requests.await(r -> r.value().contains(rerun), 1, WAIT).get(0).value(), StudyRequested.class);
        assertThat(requested.datasetPath()).isEqualTo(dataset);
        assertThat(requested.sizes()).containsExactly("small");
        assertThat(requested.strategies()).containsExactly("fe-aug");
        assertThat(requested.seeds()).containsExactly(7L);
        assertThat(requested.classLimit()).isEqualTo(3);
        given().get("/studies/" + rerun).then().body("rerunOf", equalTo(id));
        given().post("/studies/" + UUID.randomUUID() + "/rerun").then().statusCode(404);
    }

    @Test
    void badRequestsAreRefusedWithTheReasonAndStoreNothing() throws Exception {
        String dataset = datasetFolder();
        long before = total();
        List<Object[]> cases = List.of(
                new Object[]{Map.of("datasetPath", "../../etc"), "outside the storage root"},
                new Object[]{Map.of("datasetPath", "datasets/none-" + UUID.randomUUID()), "is not a folder under the storage root"},
                new Object[]{Map.of("preset", "seed-2020"), "'datasetPath' is required"},
                new Object[]{Map.of("datasetPath", dataset, "preset", "tiny"), "unknown preset 'tiny'"},
                new Object[]{Map.of("datasetPath", dataset, "sizes", List.of("huge")), "no size 'huge'"},
                new Object[]{Map.of("datasetPath", dataset, "strategies", List.of("magic")), "unknown strategy 'magic'"},
                new Object[]{Map.of("datasetPath", dataset, "backbone", "vgg"), "unknown backbone 'vgg'"},
                new Object[]{Map.of("datasetPath", dataset, "backbone", "resnet50v2"),
                        "backbone 'resnet50v2' is not supported: the engine builds only Keras ResNet50 (v1)"},
                new Object[]{Map.of("datasetPath", dataset, "classLimit", 1), "'classLimit' must be at least 2"},
                // checked by the declared constraints and the JSON reader, before any service code
                new Object[]{Map.of("datasetPath", dataset, "seeds", java.util.Arrays.asList(1, null)),
                        "'seeds[1]' must not be null"},
                new Object[]{Map.of("datasetPath", dataset, "seeds", java.util.stream.LongStream.range(0, 1_000_000)
                        .boxed().toList()), "'seeds' size must be between 1 and 10"},
                new Object[]{Map.of("datasetPath", dataset, "seeds", List.of(-3)), "'seeds[0]' must be greater than or equal to 0"},
                new Object[]{Map.of("datasetPath", dataset, "strategies", List.of()), "'strategies' size must be between 1 and 10"},
                new Object[]{Map.of("datasetPath", dataset, "sizes", List.of(" ")), "'sizes[0]' must not be blank"},
                new Object[]{Map.of("datasetPath", dataset, "colour", "red"), "unknown field 'colour'"},
                new Object[]{Map.of("datasetPath", dataset, "classLimit", "many"), "field 'classLimit' has the wrong type"},
                new Object[]{"{\"datasetPath\": ", "the body is not valid JSON"},
                new Object[]{"", "a study request body is required"});
        for (Object[] c : cases) {
            String body = given().contentType(ContentType.JSON).body(c[0]).post("/studies")
                    .then().statusCode(400).body("error", containsString((String) c[1])).extract().asString();
            assertThat(body).as("no stack trace in a response").doesNotContain("at io.").doesNotContain("Exception");
        }
        assertThat(total()).isEqualTo(before);
        given().get("/studies/" + UUID.randomUUID()).then().statusCode(404).body("error", containsString("no study"));
    }

    private static long total() {
        return Long.parseLong(given().get("/studies").then().statusCode(200).extract().header("X-Total-Count"));
    }

    @Test
    void theSamePostWithTheSameIdempotencyKeyMakesOneStudy() throws Exception {
        Map<String, Object> request = Map.of("datasetPath", datasetFolder(), "sizes", List.of("small"));
        String key = "key-" + UUID.randomUUID();
        var requests = kafka.follow(Topics.STUDY_REQUESTED);
        long before = total();

        String id = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request).post("/studies")
                .then().statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request).post("/studies")
                .then().statusCode(200).header("Idempotent-Replayed", "true").body("id", equalTo(id))
                .header("Location", org.hamcrest.Matchers.endsWith("/studies/" + id));
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("datasetPath", request.get("datasetPath"), "sizes", List.of("large"))).post("/studies")
                .then().statusCode(422).body("error", containsString("was used for another request (study " + id));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "no spaces please").body(request).post("/studies")
                .then().statusCode(400).body("error", containsString("Idempotency-Key"));

        assertThat(total()).isEqualTo(before + 1);
        OutboxProbe.awaitRelayed(WAIT);
        assertThat(requests.upToNow(r -> r.value().contains(id))).as("one StudyRequested").hasSize(1);
    }

    @Inject
    io.transferlab.gateway.service.StallWatch stallWatch;

    @Test
    void aStudyWithoutEventsForTooLongIsMarkedStalledUntilItsNextEvent() throws Exception {
        String id = post(Map.of("datasetPath", datasetFolder(), "sizes", List.of("small")));
        given().get("/studies/" + id).then().body("stalledSince", org.hamcrest.Matchers.nullValue());
        // as the watch would see it 31 minutes from now (the setting: 30 min without an event)
        assertThat(stallWatch.markStalled(java.time.Instant.now().plus(Duration.ofMinutes(31)))).isPositive();
        given().get("/studies/" + id).then().body("state", equalTo("REQUESTED"))
                .body("stalledSince", org.hamcrest.Matchers.notNullValue())
                .body("stallReason", containsString("no event for 31 min while REQUESTED: waiting for the dataset-service"));
        // marked once: a second look changes nothing
        String since = given().get("/studies/" + id).then().extract().path("stalledSince");
        stallWatch.markStalled(java.time.Instant.now().plus(Duration.ofMinutes(40)));
        given().get("/studies/" + id).then().body("stalledSince", equalTo(since));

        send(split(id, "small"));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then()
                .body("state", equalTo("SPLITTING")).body("stalledSince", org.hamcrest.Matchers.nullValue())
                .body("stallReason", org.hamcrest.Matchers.nullValue()));
    }

    @Test
    void concurrentPostsWithOneIdempotencyKeyMakeOneStudy() throws Exception {
        Map<String, Object> request = Map.of("datasetPath", datasetFolder(), "sizes", List.of("small"));
        long before = total();
        for (int round = 0; round < 5; round++) {
            String key = "race-" + UUID.randomUUID();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            try {
                var start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<io.restassured.response.ExtractableResponse<io.restassured.response.Response>>> posts =
                        new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    posts.add(pool.submit(() -> {
                        start.await();
                        return given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                                .post("/studies").then().extract();
                    }));
                }
                start.countDown();
                List<Integer> statuses = new java.util.ArrayList<>();
                java.util.Set<String> ids = new java.util.HashSet<>();
                for (var post : posts) {
                    var response = post.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    statuses.add(response.statusCode());
                    ids.add(response.path("id"));
                }
                // whatever the interleaving: one study made, every other POST told it is that one
                assertThat(statuses).as(key).containsOnly(200, 201).filteredOn(st -> st == 201).hasSize(1);
                assertThat(ids).as(key).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(total()).isEqualTo(before + 5);
    }

    @Test
    void liveProgressStreamsAreLimitedPerClientAndEnd() throws Exception {
        String id = post(Map.of("datasetPath", datasetFolder(), "sizes", List.of("small")));
        java.net.URI events = java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                + "/studies/" + id + "/events");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(events)
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + io.transferlab.core.auth.TestTokens.token("reader", "viewer")).build();
        long start = System.nanoTime();
        // the test profile: two streams per client, each at most 4 s (send returns once a stream's headers came)
        var first = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofLines());
        var second = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(List.of(first.statusCode(), second.statusCode())).containsOnly(200);
        var third = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("already follows 2 studies live");
        // the study never finishes here, yet both streams end, with what they saw
        List<String> seen = first.body().toList();
        second.body().toList();
        assertThat(String.join("\n", seen)).contains("\"state\":\"REQUESTED\"");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(4))
                .isLessThan(Duration.ofSeconds(30));
        // and the client may follow again
        await().atMost(WAIT).until(() -> http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
                .statusCode() == 200);
    }

    @Inject
    io.transferlab.platform.messaging.EventRetention retention;

    @Test
    void retentionRemovesPublishedOutboxRowsOlderThanItsCutoff() throws Exception {
        post(Map.of("datasetPath", datasetFolder(), "sizes", List.of("small")));
        OutboxProbe.awaitRelayed(WAIT);
        long published = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() ->
                io.transferlab.platform.messaging.OutboxMessage.count("publishedAt is not null"));
        assertThat(published).isPositive();
        // nothing is old enough a week back; everything published is, a second from now
        assertThat(retention.removeOlderThan(java.time.Instant.now().minus(Duration.ofDays(7))).outbox()).isZero();
        var removed = retention.removeOlderThan(java.time.Instant.now().plusSeconds(1));
        assertThat(removed.outbox()).isGreaterThanOrEqualTo(published);
        assertThat(io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() ->
                io.transferlab.platform.messaging.OutboxMessage.count("publishedAt is not null and publishedAt < ?1",
                        java.time.Instant.now().minusSeconds(1)))).isZero();
    }

    @Test
    void trialEpochsShowAsProgressButNotInTheRunsCurve() throws Exception {
        String id = post(Map.of("datasetPath", datasetFolder(), "sizes", List.of("small"), "strategies", List.of("ft5")));
        SplitManifestPublished small = split(id, "small");
        send(small);
        send(TrainingProgress.trial(id, small.runId(), "ft5", "lr 1e-04", 1, 2, 0.9, 0.8, 0.7));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id + "/results").then()
                .body("find { it.strategy == 'ft5' }.state", equalTo("TRAINING"))
                .body("find { it.strategy == 'ft5' }.message", containsString("trial lr 1e-04: epoch 1/2, val loss 0.800")));
        given().get("/studies/" + id + "/training").then().statusCode(200).body("size()", equalTo(0));
        send(TrainingProgress.epoch(id, small.runId(), "ft5", 1, 15, 0.5, 0.6, 0.75));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id + "/training").then()
                .body("strategy", org.hamcrest.Matchers.contains("ft5"))
                .body("[0].epochs.epoch", org.hamcrest.Matchers.contains(1)));
        given().get("/studies/" + id + "/results").then()
                .body("find { it.strategy == 'ft5' }.message", org.hamcrest.Matchers.nullValue())
                .body("find { it.strategy == 'ft5' }.epoch", equalTo(1));
    }

    @Test
    void studiesAreListedAPageAtATime() throws Exception {
        String dataset = datasetFolder();
        String older = post(Map.of("datasetPath", dataset, "sizes", List.of("small")));
        String newer = post(Map.of("datasetPath", dataset, "sizes", List.of("small")));
        var first = given().get("/studies?size=1").then().statusCode(200).body("size()", equalTo(1))
                .body("[0].id", equalTo(newer)).header("Link", containsString("page=1")).extract();
        assertThat(Long.parseLong(first.header("X-Total-Count"))).isGreaterThanOrEqualTo(2);
        given().get("/studies?size=1&page=1").then().statusCode(200).body("[0].id", equalTo(older));
        given().get("/studies?size=500").then().statusCode(400).body("error", containsString("must be less than or equal to 200"));
        given().get("/studies?page=-1").then().statusCode(400);
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
        // an admin sees it, with where it came from and why, and the dead letters are counted
        List<Map<String, Object>> listed = given().get("/admin/dead-letters?limit=1000").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(listed).filteredOn(d -> poison.equals(d.get("value"))).singleElement().satisfies(d -> {
            assertThat(d.get("topic")).isEqualTo(Topics.RUN_FAILED);
            assertThat((String) d.get("reason")).contains("malformed RunFailed");
        });
        given().get("/admin/dead-letters?limit=0").then().statusCode(400).body("error", containsString("'limit'"));

        // after a fix an admin replays it: the same record on its own topic, marked as a replay
        Map<String, Object> letter = listed.stream().filter(d -> poison.equals(d.get("value"))).findFirst().orElseThrow();
        var runFailed = kafka.follow(Topics.RUN_FAILED);
        String from = Topics.DEAD_LETTER + "/" + letter.get("deadLetterPartition") + "/" + letter.get("deadLetterOffset");
        given().post("/admin/dead-letters/" + letter.get("deadLetterPartition") + "/" + letter.get("deadLetterOffset")
                + "/replay").then().statusCode(202).body("topic", equalTo(Topics.RUN_FAILED))
                .body("replayedFrom", equalTo(from)).body("key", equalTo(id));
        var replayed = runFailed.await(r -> r.value().equals(poison)
                && r.headers().lastHeader("transferlab-replayed-from") != null, 1, WAIT).get(0);
        assertThat(new String(replayed.headers().lastHeader("transferlab-replayed-from").value())).isEqualTo(from);
        assertThat(replayed.key()).isEqualTo(id);
        given().post("/admin/dead-letters/0/999999999/replay").then().statusCode(404)
                .body("error", containsString("no dead letter at 0/999999999"));
        given().post("/admin/dead-letters/0/-1/replay").then().statusCode(400);
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .containsPattern("transferlab_dead_letters_total\\{[^}]*topic=\"run-failed\"[^}]*\\} [1-9]");
    }

    @Test
    void resultsAggregateTrainingCheckpointsAndEvaluationsIntoTheTable() throws Exception {
        // only ft asked: the trainer also trains fe (ft starts from its head), and the table shows both
        String id = post(Map.of("datasetPath", datasetFolder(), "sizes", List.of("small"), "strategies", List.of("ft")));
        SplitManifestPublished small = split(id, "small");
        send(small);
        send(TrainingProgress.queued(id, small.runId(), null, "queued at the trainer: fe,ft"));
        send(TrainingProgress.epoch(id, small.runId(), "fe", 1, 30, 2.5, 2.1, 0.4));
        send(checkpoint(small, "fe", 12));
        // an evaluation may overtake the checkpoint event (another topic): the result still ends COMPLETE
        send(EvaluationCompleted.of(id, small.runId(), "fe", 0.71, 0.69, 0.71, 5, "evaluations/fe.json", "e".repeat(64)));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then()
                .body("state", equalTo("TRAINING")).body("runs[0].state", equalTo("TRAINING"))
                .body("results.find { it.strategy == 'fe' }.state", equalTo("COMPLETE"))
                .body("results.find { it.strategy == 'fe' }.epochs", equalTo(12)));

        send(TrainingProgress.epoch(id, small.runId(), "ft", 3, 50, 1.5, 1.2, 0.6));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id + "/results").then()
                .body("find { it.strategy == 'ft' }.state", equalTo("TRAINING")));
        send(checkpoint(small, "ft", 20));
        EvaluationCompleted ft = EvaluationCompleted.of(id, small.runId(), "ft", 0.8, 0.78, 0.8, 5, "evaluations/ft.json", "e".repeat(64));
        send(ft);
        send(ft);
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then()
                .body("state", equalTo("COMPLETE")).body("runs[0].state", equalTo("COMPLETE")));

        // the training curves: every epoch reported, per strategy of the run
        send(TrainingProgress.epoch(id, small.runId(), "fe", 2, 30, 2.0, 1.8, 0.5));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id + "/training").then().statusCode(200)
                .body("strategy", org.hamcrest.Matchers.contains("fe", "ft"))
                .body("[0].epochs.epoch", org.hamcrest.Matchers.contains(1, 2))
                .body("[0].epochs.valLoss", org.hamcrest.Matchers.contains(2.1f, 1.8f))
                .body("[1].epochs.epoch", org.hamcrest.Matchers.contains(3))
                .body("[1].size", equalTo("small")));
        given().get("/studies/" + UUID.randomUUID() + "/training").then().statusCode(404);
        given().get("/studies/" + id + "/results").then().statusCode(200)
                .body("strategy", org.hamcrest.Matchers.contains("fe", "ft"))
                .body("microF1", org.hamcrest.Matchers.contains(0.71f, 0.8f))
                .body("trainImages", org.hamcrest.Matchers.everyItem(equalTo(10)));
        String csv = given().accept("text/csv").get("/studies/" + id + "/results").then().statusCode(200)
                .extract().asString();
        assertThat(csv.lines()).hasSize(3);
        assertThat(csv.lines().skip(2).findFirst().orElseThrow())
                .startsWith(small.runId() + ",small,42,ft,COMPLETE,10,5,5,0.800000,0.780000,0.800000,20,");
        assertThat(given().get("/studies/" + id + "/results?format=csv").then().statusCode(200).extract().asString())
                .isEqualTo(csv);
        given().get("/studies/" + id + "/results?format=xml").then().statusCode(400).body("error", containsString("xml"));
        // a finished study's event stream sends its final state once and ends
        String events = given().accept("text/event-stream").get("/studies/" + id + "/events").then().statusCode(200)
                .extract().asString();
        assertThat(events.lines().filter(l -> l.startsWith("data:")).toList()).singleElement().asString()
                .contains("\"state\":\"COMPLETE\"").contains("\"resultsComplete\":2").contains("\"resultsTotal\":2");
        given().redirects().follow(false).get("/studies/" + id + "/report").then().statusCode(303)
                .header("Location", containsString("/report.html?study=" + id));
        given().get("/report.html").then().statusCode(200).body(containsString("chart-f1"));
        given().get("/webjars/echarts/dist/echarts.min.js").then().statusCode(200);
    }

    @Test
    void aNewDatasetVersionRerunsTheStudiesThatFollowItOnceAndTheirVersionsAreCompared() throws Exception {
        var requests = kafka.follow(Topics.STUDY_REQUESTED);
        String dataset = datasetFolder();
        String following = post(Map.of("datasetPath", dataset, "sizes", List.of("small"), "rerunOnChange", true));
        String notFollowing = post(Map.of("datasetPath", dataset, "sizes", List.of("small")));
        String onNewVersion = post(Map.of("datasetPath", dataset, "sizes", List.of("small"), "rerunOnChange", true,
                "classLimit", 3));
        List<String> posted = List.of(following, notFollowing, onNewVersion);
        given().get("/studies/" + following).then().body("rerunOnChange", equalTo(true));
        given().get("/studies/" + notFollowing).then().body("rerunOnChange", equalTo(false));
        send(split(following, "small", "v1"));
        send(split(notFollowing, "small", "v1"));
        send(split(onNewVersion, "small", "v2-first3"));   // split after the change: already on v2
        for (String id : posted) {
            await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then().body("runs", hasSize(1)));
        }
        // the follower reads from the class's mark, so the three studies' own requests are there, always
        assertThat(requests.await(r -> posted.stream().anyMatch(id -> r.value().contains(id)), 3, WAIT)).hasSize(3);

        DatasetVersionChanged changed = DatasetVersionChanged.of("ds-" + UUID.randomUUID(), dataset, "image-folder",
                "v1", "v2", 2, 20, 0);
        send(changed);
        RecordMetadata duplicate = send(changed);   // delivered twice: still one rerun

        // a rerun is a StudyRequested for the dataset whose study is none of the three posted
        java.util.function.Predicate<ConsumerRecord<String, String>> aRerun = r -> r.value().contains(dataset)
                && !posted.contains(EventCodec.fromJson(r.value(), StudyRequested.class).studyId());
        StudyRequested rerun = EventCodec.fromJson(requests.await(aRerun, 1, WAIT).get(0).value(), StudyRequested.class);
        // no second one: the gateway has consumed the duplicate and relayed everything it published
        kafka.awaitConsumed(OutboxProbe.consumerGroup(), duplicate, WAIT);
        OutboxProbe.awaitRelayed(WAIT);
        assertThat(requests.upToNow(aRerun)).hasSize(1);
        assertThat(rerun.sizes()).containsExactly("small");
        given().get("/studies/" + rerun.studyId()).then().statusCode(200).body("rerunOf", equalTo(following))
                .body("rerunOnChange", equalTo(false))
                .body("triggerReason", containsString("version v1 → v2"));

        send(split(rerun.studyId(), "small", "v2"));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + following + "/versions").then()
                .statusCode(200).body("studyId", equalTo(List.of(following, rerun.studyId())))
                .body("datasetVersions", equalTo(List.of(List.of("v1"), List.of("v2")))));
        // from the rerun's side the family is the same, the study it repeats first
        given().get("/studies/" + rerun.studyId() + "/versions").then()
                .body("studyId", equalTo(List.of(following, rerun.studyId())));
        given().get("/studies/" + notFollowing + "/versions").then().body("studyId", equalTo(List.of(notFollowing)));
        given().get("/studies/" + UUID.randomUUID() + "/versions").then().statusCode(404);
    }

    @Test
    void aLearningCurveStudyRunsThreeSeedsByDefaultAndAnswersHowManyImagesPerClass() throws Exception {
        String dataset = datasetFolder();
        given().contentType(ContentType.JSON).body(Map.of("datasetPath", dataset, "preset", "learning-curve",
                "targetF1", List.of(1.2))).post("/studies").then().statusCode(400)
                .body("error", containsString("'targetF1[0]' values must be between 0 and 1"));
        String id = post(Map.of("datasetPath", dataset, "preset", "learning-curve", "sizes", List.of("k1", "k2", "k4", "k8"),
                "strategies", List.of("lp"), "targetF1", List.of(0.8)));
        given().get("/studies/" + id).then().body("seeds", org.hamcrest.Matchers.contains(42, 43, 44))
                .body("expectedRuns", equalTo(12)).body("targetF1", org.hamcrest.Matchers.contains(0.8f));
        // micro-F1 of every size and seed from a known curve, 0.9 − 0.4·k^(−0.8), ± 0.005 between seeds
        for (int k : new int[]{1, 2, 4, 8}) {
            for (int seed = 42; seed <= 44; seed++) {
                SplitManifestPublished set = new SplitManifestPublished(TransferLabEvent.SCHEMA_VERSION,
                        UUID.randomUUID().toString(), id, UUID.randomUUID().toString(), Instant.now(), "datasets/x", "v1",
                        "k" + k, seed, 2 * k, 5, 5, 2, "manifests/" + id + "/k" + k + "-" + seed + ".json", "b".repeat(64),
                        0, List.of("lp"), "resnet50");
                send(set);
                send(checkpoint(set, "lp", 12));
                double f1 = 0.9 - 0.4 * Math.pow(k, -0.8) + (seed - 43) * 0.005;
                send(EvaluationCompleted.of(id, set.runId(), "lp", f1, f1, f1, 5, "evaluations/lp.json", "e".repeat(64)));
            }
        }
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then()
                .body("state", equalTo("COMPLETE")).body("learningCurves", hasSize(1)));
        var curve = given().get("/studies/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(curve.getString("learningCurves[0].strategy")).isEqualTo("lp");
        assertThat(curve.getList("learningCurves[0].points.size")).containsExactly("k1", "k2", "k4", "k8");
        assertThat(curve.getList("learningCurves[0].points.seeds", Integer.class)).containsOnly(3);
        assertThat(curve.getList("learningCurves[0].points.imagesPerClass", Float.class)).containsExactly(1f, 2f, 4f, 8f);
        assertThat(curve.getFloat("learningCurves[0].fit.a")).isBetween(0.87f, 0.93f);
        assertThat(curve.getList("learningCurves[0].curve")).hasSize(49);
        // 0.9 − 0.4·n^(−0.8) = 0.8 at n = 4^(1/0.8) ≈ 5.66
        assertThat(curve.getFloat("learningCurves[0].answers[0].imagesPerClass")).isBetween(4.5f, 7f);
        assertThat(curve.getString("learningCurves[0].answers[0].flag")).isEqualTo("INTERPOLATED");
        assertThat(curve.getString("learningCurves[0].answers[0].sentence"))
                .startsWith("To reach micro-F1 0.800 with lp you need about");
    }

    @Test
    void perClassScoresComeFromTheEvaluatorsVerifiedReportsWorstFirst() throws Exception {
        String id = post(Map.of("datasetPath", datasetFolder(), "sizes", List.of("small"), "strategies", List.of("fe")));
        SplitManifestPublished small = split(id, "small");
        send(small);
        send(checkpoint(small, "fe", 12));
        // the evaluator's report file: three classes, the second never right
        String reference = "evaluations/" + id + "/" + small.runId() + "/fe.json";
        String report = """
                {"classes": ["daisy", "rose", "tulip"], "metrics": {
                  "perClass": [{"label": 0, "precision": 0.5, "recall": 1.0, "f1": 0.667, "support": 2},
                               {"label": 1, "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2},
                               {"label": 2, "precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}],
                  "confusion": [[2, 0, 0], [2, 0, 0], [0, 0, 1]]}}""";
        java.nio.file.Path file = storage.resolve(reference);
        Files.createDirectories(file.getParent());
        Files.writeString(file, report);
        send(EvaluationCompleted.of(id, small.runId(), "fe", 0.6, 0.56, 0.6, 5, reference,
                io.transferlab.core.storage.Checksums.sha256(file)));
        await().atMost(WAIT).untilAsserted(() -> given().get("/studies/" + id).then().body("state", equalTo("COMPLETE")));

        given().get("/studies/" + id + "/classes?strategy=fe").then().statusCode(200)
                .body("size", org.hamcrest.Matchers.contains("small"))
                .body("[0].seeds", equalTo(1))
                .body("[0].worstFirst.name", org.hamcrest.Matchers.contains("rose", "daisy", "tulip"))
                .body("[0].confusion[1][0]", equalTo(2));
        given().get("/studies/" + id + "/classes").then().statusCode(400).body("error", containsString("'strategy'"));
        given().get("/studies/" + id + "/classes?strategy=magic").then().statusCode(400)
                .body("error", containsString("unknown strategy 'magic'"));
        // a report changed after the event: refused, naming the file and both checksums
        Files.writeString(file, report.replace("rose", "lily"));
        given().get("/studies/" + id + "/classes?strategy=fe").then().statusCode(500)
                .body("error", containsString("fe.json has sha256"));
    }

    @Test
    void theCatalogOffersPresetsStrategiesAndSaysWhenTheDatasetServiceCannotBeAsked() {
        given().get("/catalog/presets").then().statusCode(200)
                .body("find { it.name == 'learning-curve' }.sizes", org.hamcrest.Matchers.hasItems("k1", "k32", "all"))
                .body("find { it.name == 'learning-curve' }.defaultSeeds", equalTo(3))
                .body("find { it.name == 'seed-2020' }.sizes", org.hamcrest.Matchers.contains("large", "medium", "small"));
        given().get("/catalog/strategies").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.hasItems("fe", "ft", "lp"))
                .body("find { it.id == 'lp' }.description", containsString("logistic regression"));
        // the test profile points at a port nothing listens on
        given().get("/catalog/datasets").then().statusCode(503)
                .body("error", containsString("the dataset-service at http://127.0.0.1:1/datasets did not answer"));
        given().get("/").then().statusCode(200).body(containsString("study-form")).body(containsString("/studies.js"));
    }

    private static CheckpointCreated checkpoint(SplitManifestPublished split, String strategy, int epochs) {
        return CheckpointCreated.of(split.studyId(), split.runId(), strategy, "checkpoints/" + strategy + ".json",
                "c".repeat(64), split.manifestRef(), split.manifestSha256(), epochs, epochs - 2, 3.5, "none");
    }

    private static SplitManifestPublished split(String studyId, String size) {
        return split(studyId, size, "v1");
    }

    private static SplitManifestPublished split(String studyId, String size, String datasetVersion) {
        return new SplitManifestPublished(TransferLabEvent.SCHEMA_VERSION, UUID.randomUUID().toString(), studyId,
                UUID.randomUUID().toString(), Instant.now(), "datasets/x", datasetVersion, size, 42, 10, 5, 5, 2,
                "manifests/" + studyId + "/" + size + ".json", "b".repeat(64), 0, List.of("fe", "ft"), "resnet50");
    }

    private static RecordMetadata send(TransferLabEvent event) {
        return kafka.send(Topics.of(event), event.key(), EventCodec.toJson(event));
    }
}
