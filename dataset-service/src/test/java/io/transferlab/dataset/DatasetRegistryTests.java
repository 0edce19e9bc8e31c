package io.transferlab.dataset;

import io.quarkus.test.junit.QuarkusTest;
import io.transferlab.core.dataset.TestImages;
import io.transferlab.core.events.DatasetVersionChanged;
import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.StudyRequested;
import io.transferlab.core.events.Topics;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.platform.testing.KafkaTestClient;
import io.transferlab.platform.testing.OutboxProbe;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Dataset registration, scans and content versions, against the real broker and database. */
@QuarkusTest
class DatasetRegistryTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    static KafkaTestClient kafka;

    @Inject
    StorageRoot storage;

    @Inject
    io.transferlab.dataset.service.DatasetRescanner rescanner;

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

    private static ExtractableResponse<Response> register(String path, String name) {
        return given().contentType(ContentType.JSON).body(name == null ? Map.of("path", path) : Map.of("path", path, "name", name))
                .post("/datasets").then().extract();
    }

    @Test
    void registrationCountsEachClassAndListsTheFilesItCannotUse() throws Exception {
        String path = dataset(3, 6);
        Files.writeString(storage.resolve(path + "/class1/notes.jpg"), "not an image at all");
        Files.write(storage.resolve(path + "/class2/empty.png"), new byte[0]);

        ExtractableResponse<Response> created = register(path, "My Flowers");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = created.path("id");
        assertThat(id).startsWith("my-flowers");
        assertThat(created.header("Location")).endsWith("/datasets/" + id);
        assertThat(created.<String>path("path")).isEqualTo(path);
        assertThat(created.<String>path("layout")).isEqualTo("image-folder");
        assertThat(created.<Integer>path("imageCount")).isEqualTo(18);
        assertThat(created.<List<Integer>>path("classes.images")).containsExactly(6, 6, 6);
        assertThat(created.<List<String>>path("classes.name")).containsExactly("class0", "class1", "class2");
        assertThat(created.<List<String>>path("unreadable.path")).containsExactly("class1/notes.jpg", "class2/empty.png");
        assertThat(created.<List<String>>path("unreadable.reason")).anySatisfy(r -> assertThat(r).contains("not an image"))
                .anySatisfy(r -> assertThat(r).contains("empty file"));
        assertThat(created.<List<Object>>path("versions")).hasSize(1);

        given().get("/datasets/" + id).then().statusCode(200).body("version", equalTo(created.path("version")));
        given().get("/datasets").then().statusCode(200).body("id", hasItem(id));
        // the same folder twice is refused, naming the registration it already has
        given().contentType(ContentType.JSON).body(Map.of("path", path)).post("/datasets")
                .then().statusCode(409).body("error", containsString("already registered as '" + id + "'"));
    }

    @Test
    void foldersThatCannotBeDatasetsAreRefusedWithTheReason() throws Exception {
        String emptyClass = dataset(2, 5);
        Files.createDirectories(storage.resolve(emptyClass + "/zinnia"));
        given().contentType(ContentType.JSON).body(Map.of("path", "../../etc")).post("/datasets")
                .then().statusCode(400).body("error", containsString("outside the storage root"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x")).post("/datasets")
                .then().statusCode(400).body("error", containsString("'path' is required"));
        given().contentType(ContentType.JSON).body(Map.of("path", emptyClass, "recursive", true)).post("/datasets")
                .then().statusCode(400).body("error", containsString("unknown field 'recursive'"));
        given().contentType(ContentType.JSON).body(Map.of("path", "x".repeat(401))).post("/datasets")
                .then().statusCode(400).body("error", containsString("'path' size must be between 0 and 400"));
        given().contentType(ContentType.JSON).body(Map.of("path", "datasets/nowhere-" + UUID.randomUUID())).post("/datasets")
                .then().statusCode(422).body("error", containsString("does not exist"));
        given().contentType(ContentType.JSON).body(Map.of("path", emptyClass)).post("/datasets")
                .then().statusCode(422).body("error", containsString("zinnia"));
        // a folder linked in from outside the storage root, not declared as a linked root
        Path outside = Files.createTempDirectory("outside-storage");
        String linked = "datasets/linked-" + UUID.randomUUID();
        Files.createSymbolicLink(storage.resolve(linked), outside);
        given().contentType(ContentType.JSON).body(Map.of("path", linked)).post("/datasets")
                .then().statusCode(400).body("error", containsString("leads outside the storage root"))
                .body("error", containsString(outside.toRealPath().toString()));
        given().get("/datasets/no-such-dataset").then().statusCode(404);
        given().post("/datasets/no-such-dataset/scan").then().statusCode(404);
        given().urlEncodingEnabled(false).get("/datasets/%00").then().statusCode(400).body("error", containsString("must be a dataset id"));
    }

    @Test
    void aRescanThatFindsNewContentPublishesTheNewVersionAndABrokenFolderKeepsTheOldOne() throws Exception {
        String path = dataset(2, 6);
        ExtractableResponse<Response> created = register(path, null);
        String id = created.path("id");
        String first = created.path("version");
        var changes = kafka.follow(Topics.DATASET_VERSION_CHANGED);

        given().post("/datasets/" + id + "/scan").then().statusCode(200)
                .body("changed", equalTo(false)).body("dataset.version", equalTo(first));

        TestImages.writeJpeg(storage.resolve(path + "/class0/added.jpg"), 99, 40);
        ExtractableResponse<Response> rescanned = given().post("/datasets/" + id + "/scan").then().statusCode(200).extract();
        assertThat(rescanned.<Boolean>path("changed")).isTrue();
        assertThat(rescanned.<String>path("previousVersion")).isEqualTo(first);
        String second = rescanned.path("dataset.version");
        assertThat(second).isNotEqualTo(first);
        assertThat(rescanned.<List<Integer>>path("dataset.classes.images")).containsExactly(7, 6);
        assertThat(rescanned.<List<String>>path("dataset.versions.version")).containsExactly(first, second);

        DatasetVersionChanged changed = EventCodec.fromJson(changes.await(
                r -> r.value().contains("\"datasetId\":\"" + id + "\""), 1, WAIT).get(0).value(), DatasetVersionChanged.class);
        assertThat(changed.previousVersion()).isEqualTo(first);
        assertThat(changed.version()).isEqualTo(second);
        assertThat(changed.datasetPath()).isEqualTo(path);
        assertThat(changed.imageCount()).isEqualTo(13);

        // a class emptied: the scan is refused and the registered version stays
        for (Path image : Files.list(storage.resolve(path + "/class1")).toList()) {
            Files.delete(image);
        }
        given().post("/datasets/" + id + "/scan").then().statusCode(422).body("error", containsString("class1"));
        given().get("/datasets/" + id).then().statusCode(200).body("version", equalTo(second));
        // the refused scan published nothing: once all the service published is relayed, still one change
        OutboxProbe.awaitRelayed(WAIT);
        assertThat(changes.upToNow(r -> r.value().contains("\"datasetId\":\"" + id + "\""))).hasSize(1);
    }

    @Test
    void aStudyOnAFolderNobodyRegisteredRegistersIt() {
        String path = dataset(2, 10);
        StudyRequested request = StudyRequested.of(UUID.randomUUID().toString(), path, "seed-2020", List.of("small"),
                List.of("fe"), List.of(7L), "resnet50", null);
        var manifests = kafka.follow(Topics.SPLIT_MANIFEST_PUBLISHED);
        kafka.send(Topics.STUDY_REQUESTED, request.studyId(), EventCodec.toJson(request));
        SplitManifestPublished published = EventCodec.fromJson(manifests.await(
                r -> r.value().contains(request.studyId()), 1, WAIT).get(0).value(), SplitManifestPublished.class);

        List<Map<String, Object>> datasets = given().get("/datasets").then().statusCode(200).extract().path("$");
        assertThat(datasets).filteredOn(d -> path.equals(d.get("path"))).singleElement()
                .satisfies(d -> assertThat(d.get("version")).isEqualTo(published.datasetVersion()));
    }

    @Test
    void theScheduledRescanFindsReplacedImages() throws Exception {
        String path = dataset(2, 5);
        String id = register(path, null).path("id");
        String first = given().get("/datasets/" + id).then().extract().path("version");
        Path image = Files.list(storage.resolve(path + "/class1")).sorted().findFirst().orElseThrow();
        TestImages.writeJpeg(image, 1234, 200);   // same name, other pixels

        rescanner.rescanAll();

        ExtractableResponse<Response> now = given().get("/datasets/" + id).then().statusCode(200).extract();
        assertThat(now.<String>path("version")).isNotEqualTo(first);
        assertThat(now.<List<String>>path("versions.version")).containsExactly(first, now.path("version"));
        assertThat(now.<List<Integer>>path("classes.images")).containsExactly(5, 5);
    }
}
