package io.transferlab.system;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.transferlab.core.dataset.TestImages;
import io.transferlab.core.events.Topics;
import io.transferlab.ml.weights.ImageNetWeights;
import io.transferlab.platform.testing.BearerCalls;
import io.transferlab.platform.testing.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

/**
 * Studies posted to the gateway run through the real broker, databases and ImageNet weights (at a small input
 * size) to finished results: the four packaged services as separate processes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StudyFlowIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration STUDY = Duration.ofMinutes(6);
    private static Path storageRoot;
    private static RunningSystem system;
    private static KafkaTestClient kafka;
    /** The study the second test runs to completion; the report page test draws it. */
    private static String completedStudy;

    /**
     * A suffix for the datasets the tests register: the test databases outlive a run, so a second run on the same
     * machine would find its folders already registered.
     */
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

    @BeforeAll
    static void start() throws Exception {
        Path weights = ImageNetWeights.cacheDir();
        Assumptions.assumeTrue(Files.isRegularFile(ImageNetWeights.resnet50ModelJson(weights)),
                "the ImageNet weights are not fetched (deploy/local/fetch-weights.sh)");
        Path target = Path.of("target").toAbsolutePath();
        Path storage = target.resolve("it-storage");
        TestImages.imageFolder(storage.resolve("datasets/colours"), 3, 12);
        Files.writeString(storage.resolve("datasets/colours/class2/notes.txt"), "not an image");
        TestImages.imageFolder(storage.resolve("datasets/more-colours"), 3, 40);
        TestImages.imageFolder(storage.resolve("datasets/with-empty-class"), 2, 12);
        Files.createDirectories(storage.resolve("datasets/with-empty-class/zinnia"));
        TestImages.imageFolder(storage.resolve("datasets/growing-" + RUN), 3, 12);
        storageRoot = storage;
        kafka = new KafkaTestClient();
        system = RunningSystem.start(storage, target.resolve("it-logs"), weights);
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

    private static String postStudy(String datasetPath, List<String> strategies) {
        return given().baseUri(RunningSystem.url("gateway")).contentType(ContentType.JSON)
                .body(Map.of("datasetPath", datasetPath, "preset", "seed-2020", "strategies", strategies))
                .post("/studies").then().statusCode(201).extract().path("id");
    }

    private static JsonPath awaitComplete(String id) {
        await().atMost(STUDY).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> given()
                .baseUri(RunningSystem.url("gateway")).get("/studies/" + id).then().statusCode(200)
                .body("failureReason", equalTo(null))
                .body("state", equalTo("COMPLETE")));
        return given().baseUri(RunningSystem.url("gateway")).get("/studies/" + id).then().extract().jsonPath();
    }

    @Test
    @Order(1)
    void aPoisonEventLandsInTheDeadLetterTopicAndThePipelineKeepsGoing() {
        var deadLetters = kafka.follow(Topics.DEAD_LETTER);
        kafka.send(Topics.CHECKPOINT_CREATED, "poison", "{\"schemaVersion\": 1, \"this is\": not json");

        ConsumerRecord<String, String> dead = deadLetters.await(r -> r.value().contains("this is"), 1, WAIT).get(0);
        assertThat(dead.headers().lastHeader("dead-letter-reason")).isNotNull();
        assertThat(new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .containsIgnoringCase("json");
        // the evaluator still takes work: the next test's study is evaluated after the poison event
    }

    @Test
    @Order(2)
    void aStudyRunsFromThePostToF1ForEveryRun() {
        var checkpoints = kafka.follow(Topics.CHECKPOINT_CREATED);
        var evaluations = kafka.follow(Topics.EVALUATION_COMPLETED);
        String id = postStudy("datasets/colours", List.of("fe", "ft"));

        JsonPath study = awaitComplete(id);
        completedStudy = id;
        assertThat(study.getList("runs.state")).hasSize(3).containsOnly("COMPLETE");
        assertThat(study.getList("results")).hasSize(6);

        JsonPath results = given().baseUri(RunningSystem.url("gateway")).get("/studies/" + id + "/results")
                .then().statusCode(200).extract().jsonPath();
        assertThat(results.getList("strategy")).containsExactly("fe", "ft", "fe", "ft", "fe", "ft");
        assertThat(results.getList("size")).containsExactly("large", "large", "medium", "medium", "small", "small");
        assertThat(results.getList("state")).containsOnly("COMPLETE");
        for (Object f1 : results.getList("microF1")) {
            assertThat(((Number) f1).doubleValue()).isBetween(0.0, 1.0);
        }
        assertThat(results.getList("epochs", Integer.class)).allSatisfy(e -> assertThat(e).isPositive());
        assertThat(results.getList("augmentationMode")).containsOnly("none");

        String csv = given().baseUri(RunningSystem.url("gateway")).accept("text/csv").get("/studies/" + id + "/results")
                .then().statusCode(200).contentType(containsString("text/csv")).extract().asString();
        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).startsWith("run_id,size,seed,strategy,state");
        assertThat(lines.subList(1, 7)).allSatisfy(line -> assertThat(line).contains(",COMPLETE,"));

        // the evaluator's own record: per-class figures and a confusion matrix over the 3 classes
        JsonPath scored = given().baseUri(RunningSystem.url("evaluator-service")).queryParam("studyId", id)
                .get("/evaluations").then().statusCode(200).extract().jsonPath();
        assertThat(scored.getList("state")).hasSize(6).containsOnly("DONE");
        assertThat(scored.getList("confusion[0]")).hasSize(3);

        // every job records the device it trained on, and the trainer's readiness says which one it uses
        JsonPath jobs = given().baseUri(RunningSystem.url("trainer-service")).queryParam("studyId", id)
                .get("/training-jobs").then().statusCode(200).extract().jsonPath();
        assertThat(jobs.getList("device", String.class)).hasSize(6).allSatisfy(d -> assertThat(d).startsWith("PyTorch 2.7.1 on cpu()"));
        given().baseUri(RunningSystem.url("trainer-service")).get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'compute-device' }.data.device", org.hamcrest.Matchers.startsWith("PyTorch 2.7.1 on cpu()"));
        assertThat(scored.getList("perClass[0]")).hasSize(3);
        // the gateway's F1 is the evaluator's
        assertThat(scored.getList("microF1", Double.class)).containsExactlyInAnyOrderElementsOf(
                results.getList("microF1", Double.class));
        assertThat(checkpoints.await(r -> r.value().contains(id), 6, WAIT)).hasSize(6);
        assertThat(evaluations.await(r -> r.value().contains(id), 6, WAIT)).hasSize(6);
        given().baseUri(RunningSystem.url("dataset-service")).queryParam("studyId", id).get("/splits")
                .then().statusCode(200).body("splits", hasSize(3)).body("splits.skippedFiles", everyItem(equalTo(1)));

        // the same CheckpointCreated delivered again gives no second evaluation: once the evaluator has consumed
        // it, no seventh is recorded (not even queued), and nothing more was published
        ConsumerRecord<String, String> again = checkpoints.await(r -> r.value().contains(id), 6, WAIT).get(0);
        RecordMetadata duplicate = kafka.send(Topics.CHECKPOINT_CREATED, again.key(), again.value());
        kafka.awaitConsumed(RunningSystem.consumerGroup("evaluator-service"), duplicate, WAIT);
        given().baseUri(RunningSystem.url("evaluator-service")).queryParam("studyId", id).get("/evaluations")
                .then().body("", hasSize(6));
        RunningSystem.awaitOutboxRelayed("evaluator-service", WAIT);
        assertThat(evaluations.upToNow(r -> r.value().contains(id))).hasSize(6);
    }

    @Test
    @Order(3)
    void theReportPageDrawsTheTableAndChartsWithTheStudysNumbers() throws Exception {
        Assumptions.assumeTrue(completedStudy != null, "needs the completed study of the previous test");
        Assumptions.assumeTrue(ReportPage.chromium().isPresent(), "no headless Chromium (apt-get install chromium)");
        JsonPath results = given().baseUri(RunningSystem.url("gateway")).get("/studies/" + completedStudy + "/results")
                .then().extract().jsonPath();
        // the page is reached the way users reach it: through the study's report link
        String page = given().baseUri(RunningSystem.url("gateway")).redirects().follow(false)
                .get("/studies/" + completedStudy + "/report").then().statusCode(303).extract().header("Location");

        ReportPage.Rendered rendered = ReportPage.render(java.net.URI.create(RunningSystem.url("gateway")).resolve(page).toString(),
                Path.of("target/report-page.png").toAbsolutePath());

        assertThat(rendered.screenshot()).exists().isNotEmptyFile();
        assertThat(rendered.dom()).contains("data-rendered=\"6\"").contains("data-state=\"COMPLETE\"");
        // the F1 chart is an SVG whose bar labels are the study's micro-F1 values, rounded as the page rounds them
        String f1Chart = rendered.section("chart-f1");
        assertThat(f1Chart).contains("<svg");
        for (Double f1 : results.getList("microF1", Double.class)) {
            assertThat(f1Chart).contains(String.format(java.util.Locale.ROOT, "%.3f", f1));
        }
        // F1 decrease is relative to the largest size: drawn when some strategy scored there, hidden otherwise
        boolean reference = results.getList("findAll { it.size == 'large' }.microF1", Double.class).stream()
                .anyMatch(f1 -> f1 > 0);
        if (reference) {
            assertThat(rendered.section("chart-decrease")).contains("<svg").contains("training images lost");
        } else {
            assertThat(rendered.dom()).containsPattern("<section id=\"decrease-section\" hidden");
        }
        // one results row per run and strategy (the fit table's rows carry no size)
        assertThat(java.util.regex.Pattern.compile("<tr data-strategy=\"[^\"]+\" data-size=").matcher(rendered.dom())
                .results().count()).isEqualTo(6);
        // the training curves: every run's losses per epoch, from the trainer's progress events
        assertThat(rendered.dom()).doesNotContainPattern("<section id=\"training-section\" hidden");
        assertThat(rendered.section("training-section")).contains("<svg").contains("cross-entropy")
                .contains("<option value=\"fe\"");
        // per-class F1 from the evaluator's reports (class names, ten worst per size) and the confusion heat map
        String classes = rendered.section("classes-section");
        assertThat(rendered.dom()).doesNotContainPattern("<section id=\"classes-section\" hidden");
        assertThat(classes).contains("<tr data-size=").contains("class0").contains("<svg");
        assertThat(rendered.dom()).contains("/webjars/echarts/dist/echarts.min.js");
    }

    @Test
    @Order(4)
    void aTrainerCrashingMidRunResumesAndNoRunIsLostOrDuplicated() throws Exception {
        var checkpoints = kafka.follow(Topics.CHECKPOINT_CREATED);
        String id = postStudy("datasets/more-colours", List.of("ft"));
        ServerSentEvents live = ServerSentEvents.open(RunningSystem.url("gateway") + "/studies/" + id + "/events");

        // wait until a fine-tuning run is between two epochs, then kill the trainer the hard way
        await().atMost(STUDY).pollInterval(Duration.ofMillis(50)).until(() -> given()
                .baseUri(RunningSystem.url("trainer-service")).queryParam("studyId", id).get("/training-jobs")
                .then().extract().jsonPath().getList("findAll { it.strategy == 'ft' && it.state == 'RUNNING'"
                        + " && it.epoch >= 1 && it.epoch < it.maxEpochs - 1 }").size() == 1);
        system.crashAndRestart("trainer-service");

        JsonPath study = awaitComplete(id);
        assertThat(study.getList("results")).hasSize(6);
        JsonPath jobs = given().baseUri(RunningSystem.url("trainer-service")).queryParam("studyId", id)
                .get("/training-jobs").then().statusCode(200).extract().jsonPath();
        assertThat(jobs.getList("state")).hasSize(6).containsOnly("DONE");
        List<ConsumerRecord<String, String>> created = checkpoints.await(r -> r.value().contains(id), 6, WAIT);
        Set<String> distinct = created.stream()
                .map(r -> JsonPath.from(r.value()).getString("runId") + "/" + JsonPath.from(r.value()).getString("strategy"))
                .collect(Collectors.toSet());
        assertThat(distinct).hasSize(6);
        // every job is DONE, so every checkpoint it will ever announce is in the trainer's outbox: none twice
        RunningSystem.awaitOutboxRelayed("trainer-service", WAIT);
        assertThat(checkpoints.upToNow(r -> r.value().contains(id))).hasSize(6);
        assertThat(Files.readString(system.log("trainer-service"))).contains("resumed");

        // the live stream showed the study moving (epochs, evaluations) and ended with it complete
        List<String> events = live.awaitEnd(WAIT);
        assertThat(events.size()).isGreaterThan(3);
        assertThat(events).anyMatch(e -> e.contains("epoch"));
        assertThat(events.get(events.size() - 1)).contains("\"state\":\"COMPLETE\"").contains("\"resultsComplete\":6");
    }

    @Test
    @Order(5)
    void aStudyRequestDeliveredTwiceHasOneEffect() {
        var requests = kafka.follow(Topics.STUDY_REQUESTED);
        var manifests = kafka.follow(Topics.SPLIT_MANIFEST_PUBLISHED);
        String id = postStudy("datasets/colours", List.of("fe"));
        ConsumerRecord<String, String> request = requests.await(r -> r.value().contains(id), 1, WAIT).get(0);
        manifests.await(r -> r.value().contains(id), 3, WAIT);

        RecordMetadata duplicate = kafka.send(Topics.STUDY_REQUESTED, request.key(), request.value());

        kafka.awaitConsumed(RunningSystem.consumerGroup("dataset-service"), duplicate, WAIT);
        RunningSystem.awaitOutboxRelayed("dataset-service", WAIT);
        assertThat(manifests.upToNow(r -> r.value().contains(id))).hasSize(3);
        await().atMost(WAIT).untilAsserted(() -> given().baseUri(RunningSystem.url("trainer-service"))
                .queryParam("studyId", id).get("/training-sets").then().body("", hasSize(3)));
        given().baseUri(RunningSystem.url("dataset-service")).queryParam("studyId", id).get("/splits")
                .then().body("splits", hasSize(3));
    }

    @Test
    @Order(6)
    void everyServiceServesHealthAndOpenApiButNoSwaggerUiOutsideDevMode() {
        for (String service : RunningSystem.PORTS.keySet()) {
            given().baseUri(RunningSystem.url(service)).get("/q/health").then().statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("checks.name", org.hamcrest.Matchers.hasItems("storage-root", "outbox"));
            given().baseUri(RunningSystem.url(service)).get("/q/openapi?format=json").then().statusCode(200)
                    .body("openapi", org.hamcrest.Matchers.startsWith("3."));
            given().baseUri(RunningSystem.url(service)).get("/q/swagger-ui/").then().statusCode(404);
        }
        // Prometheus figures: the queues, and what the trainer and evaluator got through in the tests before
        for (String service : List.of("trainer-service", "evaluator-service")) {
            String metrics = given().baseUri(RunningSystem.url(service)).get("/q/metrics").then().statusCode(200)
                    .extract().asString();
            assertThat(metrics).contains("transferlab_queue_depth{").contains("transferlab_queue_running{");
        }
        assertThat(given().baseUri(RunningSystem.url("trainer-service")).get("/q/metrics").then().extract().asString())
                .containsPattern("transferlab_trainer_epochs_total\\{[^}]*strategy=\"ft\"[^}]*\\} [1-9]")
                .containsPattern("transferlab_trainer_images_total\\{[^}]*\\} [1-9]");
        assertThat(given().baseUri(RunningSystem.url("evaluator-service")).get("/q/metrics").then().extract().asString())
                .containsPattern("transferlab_evaluator_images_total(\\{[^}]*\\})? [1-9]");
        given().baseUri(RunningSystem.url("gateway")).get("/q/openapi?format=json").then()
                .body("paths", org.hamcrest.Matchers.hasKey("/studies/{id}/results"))
                .body("paths", org.hamcrest.Matchers.hasKey("/admin/dead-letters"));
        given().baseUri(RunningSystem.url("trainer-service")).get("/q/openapi?format=json").then()
                .body("paths", org.hamcrest.Matchers.hasKey("/training-jobs"));
        given().baseUri(RunningSystem.url("evaluator-service")).get("/q/openapi?format=json").then()
                .body("paths", org.hamcrest.Matchers.hasKey("/evaluations"));
    }

    @Test
    @Order(7)
    void anEmptyClassFailsTheStudyWithTheReason() {
        String id = postStudy("datasets/with-empty-class", List.of("fe", "ft"));
        await().atMost(WAIT).untilAsserted(() -> given().baseUri(RunningSystem.url("gateway"))
                .get("/studies/" + id).then().statusCode(200)
                .body("state", equalTo("FAILED"))
                .body("failureReason", containsString("class folder 'zinnia'"))
                .body("runs", hasSize(0)));
    }

    @Test
    @Order(8)
    void aNewDatasetVersionRerunsTheStudyThatFollowsItAndTheReportShowsBoth() throws Exception {
        String dataset = given().baseUri(RunningSystem.url("dataset-service")).contentType(ContentType.JSON)
                .body(Map.of("path", "datasets/growing-" + RUN, "name", "growing-" + RUN)).post("/datasets")
                .then().statusCode(201).body("classes.images", equalTo(List.of(12, 12, 12))).extract().path("id");
        String id = given().baseUri(RunningSystem.url("gateway")).contentType(ContentType.JSON)
                .body(Map.of("datasetPath", "datasets/growing-" + RUN, "strategies", List.of("fe"), "rerunOnChange", true))
                .post("/studies").then().statusCode(201).extract().path("id");
        JsonPath first = awaitComplete(id);
        String firstVersion = first.getString("datasetVersions[0]");

        // more images for one class, then a rescan: a new version, and the study reruns on it by itself
        for (int i = 0; i < 8; i++) {
            TestImages.writeJpeg(storageRoot.resolve("datasets/growing-" + RUN + "/class0/added-" + i + ".jpg"), 500 + i, 30 + 20 * i);
        }
        given().baseUri(RunningSystem.url("dataset-service")).post("/datasets/" + dataset + "/scan").then()
                .statusCode(200).body("changed", equalTo(true)).body("previousVersion", equalTo(firstVersion))
                .body("dataset.classes.images", equalTo(List.of(20, 12, 12)));
        await().atMost(STUDY).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> given()
                .baseUri(RunningSystem.url("gateway")).get("/studies/" + id + "/versions").then().statusCode(200)
                .body("", hasSize(2)).body("state", equalTo(List.of("COMPLETE", "COMPLETE"))));
        JsonPath versions = given().baseUri(RunningSystem.url("gateway")).get("/studies/" + id + "/versions")
                .then().extract().jsonPath();
        String rerun = versions.getString("studyId[1]");
        String secondVersion = versions.getString("datasetVersions[1][0]");
        assertThat(secondVersion).isNotEqualTo(firstVersion);
        assertThat(versions.getString("triggerReason[1]")).contains(firstVersion + " → " + secondVersion);
        assertThat(versions.getList("results[1].trainImages", Integer.class))
                .isNotEqualTo(versions.getList("results[0].trainImages", Integer.class));

        Assumptions.assumeTrue(ReportPage.chromium().isPresent(), "no headless Chromium (apt-get install chromium)");
        ReportPage.Rendered rendered = ReportPage.render(RunningSystem.url("gateway") + "/report.html?study=" + id,
                Path.of("target/report-page-versions.png").toAbsolutePath());
        assertThat(rendered.dom()).contains("data-study=\"" + rerun + "\"").contains(secondVersion)
                .doesNotContainPattern("<section id=\"versions-section\" hidden");
        String chart = rendered.section("chart-versions");
        assertThat(chart).contains("<svg");
        for (int v = 0; v < 2; v++) {
            for (Double f1 : versions.getList("results[" + v + "].microF1", Double.class)) {
                assertThat(chart).contains(String.format(java.util.Locale.ROOT, "%.3f", f1));
            }
        }
    }

    @Test
    @Order(9)
    void aLearningCurveStudyRunsItsSeedsThroughTheServicesAndThePageAnswersHowManyImagesPerClass() throws Exception {
        String id = given().baseUri(RunningSystem.url("gateway")).contentType(ContentType.JSON)
                .body(Map.of("datasetPath", "datasets/more-colours", "preset", "learning-curve",
                        "sizes", List.of("k1", "k2", "k4"), "strategies", List.of("lp")))
                .post("/studies").then().statusCode(201).extract().path("id");
        JsonPath study = awaitComplete(id);
        // the preset's three seeds by default: three training sets per size, each probed and scored
        assertThat(study.getList("seeds", Long.class)).containsExactly(42L, 43L, 44L);
        assertThat(study.getList("results.strategy")).hasSize(9).containsOnly("lp");
        assertThat(study.getList("learningCurves.strategy")).containsExactly("lp");
        assertThat(study.getList("learningCurves[0].points.seeds", Integer.class)).containsOnly(3);
        assertThat(study.getList("learningCurves[0].points.imagesPerClass", Float.class)).containsExactly(1f, 2f, 4f);
        List<String> sentences = study.getList("learningCurves[0].answers.sentence");
        assertThat(sentences).isNotEmpty().allMatch(a -> a.contains("lp") && a.contains("micro-F1"));

        Assumptions.assumeTrue(ReportPage.chromium().isPresent(), "no headless Chromium (apt-get install chromium)");
        ReportPage.Rendered rendered = ReportPage.render(RunningSystem.url("gateway") + "/report.html?study=" + id,
                Path.of("target/report-page-learning-curve.png").toAbsolutePath());
        assertThat(rendered.screenshot()).exists().isNotEmptyFile();
        // the answer sentences head the page, the curve is drawn, and the fit's table row is there
        String answers = rendered.section("answer-section");
        for (String sentence : sentences) {
            assertThat(answers).contains(sentence.replace("&", "&amp;"));
        }
        assertThat(rendered.dom()).doesNotContainPattern("<section id=\"answer-section\" hidden")
                .doesNotContainPattern("<section id=\"curve-section\" hidden");
        String curve = rendered.section("curve-section");
        assertThat(curve).contains("<svg").contains("training images per class").contains("<tr data-strategy=\"lp\"");
        assertThat(curve).contains(String.format(java.util.Locale.ROOT, "%.4f", study.getDouble("learningCurves[0].fit.a")));
    }

    @Test
    @Order(10)
    void theStudiesPageListsEveryStudyWithItsHeadlineAndOffersTheRegisteredDatasets() throws Exception {
        Assumptions.assumeTrue(completedStudy != null, "needs the completed study of an earlier test");
        JsonPath datasets = given().baseUri(RunningSystem.url("gateway")).get("/catalog/datasets").then()
                .statusCode(200).extract().jsonPath();
        List<String> studies = given().baseUri(RunningSystem.url("gateway")).get("/studies?size=100").then().extract().path("id");
        Assumptions.assumeTrue(ReportPage.chromium().isPresent(), "no headless Chromium (apt-get install chromium)");
        ReportPage.Rendered rendered = ReportPage.render(RunningSystem.url("gateway") + "/",
                Path.of("target/studies-page.png").toAbsolutePath());
        assertThat(rendered.dom()).contains("data-ready=\"true\"").contains("data-studies=\"" + studies.size() + "\"");
        for (String id : studies) {
            assertThat(rendered.dom()).contains("data-study=\"" + id + "\"");
        }
        // the completed study's row carries its headline (its best result so far at least)
        String row = rendered.dom().substring(rendered.dom().indexOf("data-study=\"" + completedStudy + "\""));
        // its headline: the first answer of its fitted curves (three sizes), else its best result so far
        JsonPath completed = given().baseUri(RunningSystem.url("gateway")).get("/studies/" + completedStudy).then()
                .extract().jsonPath();
        String expected = completed.getList("learningCurves").isEmpty() ? "micro-F1 "
                : completed.getString("learningCurves[0].answers[0].sentence");
        assertThat(row.substring(0, row.indexOf("</tr>"))).contains(expected).contains("COMPLETE");
        // the form: the dataset-service's registered datasets, the presets and the strategies
        for (String path : datasets.getList("path", String.class)) {
            assertThat(rendered.dom()).contains("value=\"" + path + "\"");
        }
        assertThat(rendered.dom()).contains("<option value=\"learning-curve\"").contains("value=\"lp\"");
    }

    /**
     * The bad-file drills against the packaged system: a decompression-bomb PNG and a link to a file outside the
     * storage root inside a dataset are skipped with their reasons and the rest of it trains; a bomb MAT-file makes
     * its dataset a clear 422; a dataset folder linked in from outside the root is refused naming where it leads.
     */
    @Test
    @Order(11)
    void bombsAndLinksOutOfTheStorageRootAreRefusedByNameAndTheRestIsUsed() throws Exception {
        Path hostile = storageRoot.resolve("datasets/hostile-" + RUN);
        TestImages.imageFolder(hostile, 2, 12);
        TestImages.writePngBomb(hostile.resolve("class1/bomb.png"), 12_000, 12_000);
        Path outside = Files.createTempDirectory("outside-storage");
        TestImages.writeJpeg(outside.resolve("stolen.jpg"), 7, 7);
        Files.createSymbolicLink(hostile.resolve("class0/stolen.jpg"), outside.resolve("stolen.jpg"));

        JsonPath registered = given().baseUri(RunningSystem.url("dataset-service")).contentType(ContentType.JSON)
                .body(Map.of("path", "datasets/hostile-" + RUN)).post("/datasets").then().statusCode(201)
                .body("classes.images", equalTo(List.of(12, 12))).body("unreadableCount", equalTo(2))
                .extract().jsonPath();
        assertThat(registered.getString("unreadable.find { it.path == 'class1/bomb.png' }.reason"))
                .contains("too large").contains("12000 × 12000");
        assertThat(registered.getString("unreadable.find { it.path == 'class0/stolen.jpg' }.reason"))
                .contains("refused").contains("resolves to " + outside.toRealPath().resolve("stolen.jpg"));
        // the rest of the dataset trains and is scored: nothing crashed on the way
        JsonPath study = awaitComplete(postStudy("datasets/hostile-" + RUN, List.of("fe")));
        assertThat(study.getInt("results[0].trainImages") + study.getInt("results[0].testImages"))
                .isLessThanOrEqualTo(24);

        // an Oxford-layout dataset whose label file inflates past the MAT limit (64 MiB) from a few hundred KB
        Path oxford = storageRoot.resolve("datasets/oxford-bomb-" + RUN);
        TestImages.writeJpeg(oxford.resolve("jpg/image_00001.jpg"), 1, 1);
        TestImages.writeJpeg(oxford.resolve("jpg/image_00002.jpg"), 2, 2);
        Files.write(oxford.resolve("imagelabels.mat"),
                io.transferlab.core.dataset.TestMatFiles.compressedVector("labels", new double[9_000_000]));
        given().baseUri(RunningSystem.url("dataset-service")).contentType(ContentType.JSON)
                .body(Map.of("path", "datasets/oxford-bomb-" + RUN)).post("/datasets").then().statusCode(422)
                .body("error", containsString("imagelabels.mat")).body("error", containsString("decompresses to more than"));

        // a whole dataset folder linked in from outside the storage root
        Files.createSymbolicLink(storageRoot.resolve("datasets/linked-in-" + RUN), outside);
        given().baseUri(RunningSystem.url("dataset-service")).contentType(ContentType.JSON)
                .body(Map.of("path", "datasets/linked-in-" + RUN)).post("/datasets").then().statusCode(400)
                .body("error", containsString("leads outside the storage root"));
        // and the services are all still up
        for (String service : RunningSystem.PORTS.keySet()) {
            given().baseUri(RunningSystem.url(service)).get("/q/health/live").then().statusCode(200);
        }
    }

    /**
     * Authentication drill against the packaged services: an anonymous POST /studies is 401 and a viewer's 403 (and
     * neither creates a study), a viewer reads; the dataset-service likewise; the pages load without a token and ask
     * for one, and a viewer's sign-in link shows who is signed in.
     */
    @Test
    @Order(12)
    void withoutATokenOrWithAViewersNothingIsStartedAndThePageAsksToSignIn() throws Exception {
        String body = "{\"datasetPath\":\"datasets/colours\",\"preset\":\"seed-2020\",\"sizes\":[\"small\"],"
                + "\"strategies\":[\"fe\"]}";
        long before = Long.parseLong(given().baseUri(RunningSystem.url("gateway")).get("/studies").then().statusCode(200)
                .extract().header("X-Total-Count"));
        String viewer = io.transferlab.core.auth.TestTokens.token("vera", "viewer");
        java.util.Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("anonymous", 401);
        expected.put(viewer, 403);
        for (var who : expected.entrySet()) {
            for (String[] call : List.of(new String[]{"gateway", "/studies", body},
                    new String[]{"dataset-service", "/datasets", "{\"path\":\"datasets/colours\"}"})) {
                String token = who.getKey().equals("anonymous") ? null : who.getKey();
                assertThat(BearerCalls.send("POST", RunningSystem.url(call[0]) + call[1], token, call[2]).statusCode())
                        .as(call[0] + call[1]).isEqualTo(who.getValue());
            }
        }
        assertThat(BearerCalls.send("GET", RunningSystem.url("gateway") + "/studies/" + completedStudy, viewer, null)
                .statusCode()).as("a viewer reads").isEqualTo(200);
        assertThat(Long.parseLong(given().baseUri(RunningSystem.url("gateway")).get("/studies").then().extract()
                .header("X-Total-Count"))).as("no study was created").isEqualTo(before);

        Assumptions.assumeTrue(ReportPage.chromium().isPresent(), "no headless Chromium (apt-get install chromium)");
        ReportPage.Rendered anonymous = ReportPage.render(RunningSystem.url("gateway") + "/#",
                Path.of("target/sign-in-page.png").toAbsolutePath());
        assertThat(anonymous.dom()).contains("id=\"sign-in\"").contains("Sign in to see studies").doesNotContain("data-study=");
        ReportPage.Rendered signedIn = ReportPage.render(RunningSystem.url("gateway") + "/",
                Path.of("target/studies-page-viewer.png").toAbsolutePath());
        assertThat(signedIn.dom()).contains("signed in as report-viewer (viewer)").contains("data-study=\"" + completedStudy + "\"");
    }

    /**
     * Each service's database role owns its database and may connect to no other (deploy/local/infra.sh): the
     * gateway's role reaches the gateway's database and is refused by the trainer's, and so on for every pair.
     */
    @Test
    @Order(13)
    void eachServicesDatabaseRoleReachesItsOwnDatabaseAndNoOther() throws Exception {
        List<String> services = List.of("gateway", "dataset", "trainer", "evaluator");
        for (String role : services) {
            String password = RunningSystem.env("TRANSFERLAB_PG_PASSWORD_" + role.toUpperCase(java.util.Locale.ROOT), "");
            Assumptions.assumeFalse(password.isEmpty(), "no per-service database passwords (deploy/local/infra.sh start)");
            for (String database : services) {
                String url = RunningSystem.pgUrl("transferlab_" + database + "_test");
                if (role.equals(database)) {
                    try (java.sql.Connection own = java.sql.DriverManager.getConnection(url, "transferlab_" + role, password)) {
                        assertThat(own.isValid(5)).isTrue();
                    }
                } else {
                    assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "transferlab_" + role, password).close())
                            .as(role + " -> " + database).hasMessageContaining("permission denied for database");
                }
            }
            assertThatThrownBy(() -> java.sql.DriverManager.getConnection(RunningSystem.pgUrl("transferlab_" + role + "_test"),
                    "transferlab_" + role, "transferlab").close()).as("the old shared password").isInstanceOf(java.sql.SQLException.class);
        }
    }

    /**
     * The broker refuses forged events: a completed study's evaluation re-sent with F1 1.0 and a RunFailed for it,
     * by a client without credentials, with a wrong password, and with the real credentials of a service that does
     * not publish that topic (the trainer may not write evaluation-completed, the gateway not run-failed). Nothing
     * lands in the topics and the study's results stay what the evaluator computed.
     */
    @Test
    @Order(14)
    void forgedEventsAreRefusedByTheBrokerAndChangeNothing() {
        Assumptions.assumeTrue(completedStudy != null, "needs the completed study of an earlier test");
        ConsumerRecord<String, String> real = kafka.follow(Topics.EVALUATION_COMPLETED)
                .upToNow(r -> r.value().contains(completedStudy)).get(0);
        var evaluation = io.transferlab.core.events.EventCodec.fromJson(real.value(),
                io.transferlab.core.events.EvaluationCompleted.class);
        String forgedF1 = io.transferlab.core.events.EventCodec.toJson(new io.transferlab.core.events.EvaluationCompleted(
                evaluation.schemaVersion(), java.util.UUID.randomUUID().toString(), evaluation.studyId(), evaluation.runId(),
                java.time.Instant.now(), evaluation.strategy(), 1.0, 1.0, 1.0, evaluation.testImages(),
                evaluation.evaluationRef(), evaluation.evaluationSha256()));
        String forgedFailure = io.transferlab.core.events.EventCodec.toJson(io.transferlab.core.events.RunFailed.of(
                completedStudy, evaluation.runId(), "evaluator-service", "evaluation", "forged"));
        List<Double> f1Before = given().baseUri(RunningSystem.url("gateway")).get("/studies/" + completedStudy + "/results")
                .then().statusCode(200).extract().jsonPath().getList("microF1", Double.class);
        Map<String, Long> endsBefore = kafka.endOffsets(List.of(Topics.EVALUATION_COMPLETED, Topics.RUN_FAILED));

        record Attempt(String who, Map<String, Object> settings, String topic, String value,
                       Class<? extends Throwable> refusal) {
        }
        List<Attempt> attempts = List.of(
                new Attempt("no credentials", KafkaTestClient.withoutCredentials(), Topics.EVALUATION_COMPLETED, forgedF1,
                        org.apache.kafka.common.errors.TimeoutException.class),
                new Attempt("the evaluator's name, a wrong password",
                        KafkaTestClient.signedInAs("transferlab-evaluator", "not-the-password"), Topics.EVALUATION_COMPLETED,
                        forgedF1, org.apache.kafka.common.errors.SaslAuthenticationException.class),
                new Attempt("the trainer's credentials", KafkaTestClient.signedInAs("transferlab-trainer",
                        KafkaTestClient.requiredEnv("TRANSFERLAB_KAFKA_PASSWORD_TRAINER")), Topics.EVALUATION_COMPLETED,
                        forgedF1, org.apache.kafka.common.errors.TopicAuthorizationException.class),
                new Attempt("the gateway's credentials", KafkaTestClient.signedInAs("transferlab-gateway",
                        KafkaTestClient.requiredEnv("TRANSFERLAB_KAFKA_PASSWORD_GATEWAY")), Topics.RUN_FAILED,
                        forgedFailure, org.apache.kafka.common.errors.TopicAuthorizationException.class));
        for (Attempt attempt : attempts) {
            Map<String, Object> settings = new java.util.HashMap<>(attempt.settings());
            settings.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, 8000);
            settings.put(org.apache.kafka.clients.producer.ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8000);
            settings.put(org.apache.kafka.clients.producer.ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 7000);
            long started = System.nanoTime();
            try (var forger = new org.apache.kafka.clients.producer.KafkaProducer<>(settings,
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.StringSerializer())) {
                assertThatThrownBy(() -> forger.send(new org.apache.kafka.clients.producer.ProducerRecord<>(attempt.topic(),
                        real.key(), attempt.value())).get(30, java.util.concurrent.TimeUnit.SECONDS))
                        .as(attempt.who()).satisfies(e -> assertThat(causes(e)).as(attempt.who() + ": " + e)
                                .anyMatch(attempt.refusal()::isInstance));
            }
            System.out.printf("[forged-event drill] %s -> %s refused (%s) in %d ms%n", attempt.who(), attempt.topic(),
                    attempt.refusal().getSimpleName(), (System.nanoTime() - started) / 1_000_000);
        }
        assertThat(kafka.endOffsets(List.of(Topics.EVALUATION_COMPLETED, Topics.RUN_FAILED))).as("nothing landed")
                .isEqualTo(endsBefore);
        assertThat(given().baseUri(RunningSystem.url("gateway")).get("/studies/" + completedStudy + "/results").then()
                .statusCode(200).extract().jsonPath().getList("microF1", Double.class)).isEqualTo(f1Before);
        given().baseUri(RunningSystem.url("gateway")).get("/studies/" + completedStudy).then().body("state", equalTo("COMPLETE"));
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
