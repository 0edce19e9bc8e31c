package io.transferlab.core.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {

    private static final String SHA = "a".repeat(64);

    @Test
    void everyEventKindSurvivesARoundTrip() {
        List<TransferLabEvent> events = List.of(
                StudyRequested.of("s1", "datasets/flowers", "seed-2020", List.of("small"), List.of("fe", "ft"),
                        List.of(42L), "resnet50", 5),
                new SplitManifestPublished(1, "e2", "s1", "r1", Instant.parse("2026-01-02T03:04:05Z"), "datasets/flowers",
                        "0123abcd", "small", 42, 10, 20, 30, 5, "manifests/s1/small.json", SHA, 1, List.of("fe"), "resnet50"),
                TrainingProgress.queued("s1", "r1", "fe", "queued"),
                new TrainingProgress(1, "e4", "s1", "r1", Instant.now(), "ft", TrainingProgress.Phase.EPOCH, 3, 50,
                        0.5, 0.7, 0.8, null),
                new CheckpointCreated(1, "e5", "s1", "r1", Instant.now(), "fe", "ckpt/r1.ckpt", SHA, "m.json", SHA,
                        12, 8, 33.5, "none"),
                new EvaluationCompleted(1, "e6", "s1", "r1", Instant.now(), "fe", 0.79, 0.77, 0.79, 400, "eval/r1.json",
                        "d".repeat(64)),
                RunFailed.of("s1", null, "dataset-service", "split", "class 'x' is empty"));
        for (TransferLabEvent event : events) {
            String json = EventCodec.toJson(event);
            assertThat(json).contains("\"schemaVersion\":1").contains("\"eventId\"").contains("\"studyId\":\"s1\"");
            assertThat(EventCodec.fromJson(json, event.getClass())).isEqualTo(event);
        }
    }

    @Test
    void malformedJsonIsRejectedWithItsKind() {
        assertThatThrownBy(() -> EventCodec.fromJson("{not json", StudyRequested.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("malformed StudyRequested JSON");
        assertThatThrownBy(() -> EventCodec.fromJson("", RunFailed.class))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("empty RunFailed");
    }

    @Test
    void missingOrInvalidFieldsAreNamed() {
        assertThatThrownBy(() -> EventCodec.fromJson(
                "{\"schemaVersion\":1,\"eventId\":\"e\",\"studyId\":\"s\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}",
                StudyRequested.class))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("missing field 'datasetPath'");
        assertThatThrownBy(() -> EventCodec.fromJson("{\"schemaVersion\":9}", RunFailed.class))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("unsupported schemaVersion 9");
        String badSha = EventCodec.toJson(new SplitManifestPublished(1, "e2", "s1", "r1", Instant.now(), "d", "v",
                "small", 1, 1, 1, 1, 2, "m.json", SHA, 0, List.of("fe"), "resnet50")).replace(SHA, "xyz");
        assertThatThrownBy(() -> EventCodec.fromJson(badSha, SplitManifestPublished.class))
                .hasMessageContaining("'manifestSha256' is not a lowercase hex sha256");
        // a number missing (null for a primitive) is named too, not only "Cannot map null into type long"
        String noSeed = EventCodec.toJson(new SplitManifestPublished(1, "e3", "s1", "r1", Instant.now(), "d", "v",
                "small", 1, 1, 1, 1, 2, "m.json", SHA, 0, List.of("fe"), "resnet50")).replace("\"seed\":1,", "\"seed\":null,");
        assertThat(noSeed).contains("\"seed\":null");
        assertThatThrownBy(() -> EventCodec.fromJson(noSeed, SplitManifestPublished.class))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("field 'seed'");
    }

    @Test
    void unknownFieldsFromNewerProducersAreTolerated() {
        RunFailed failed = RunFailed.of("s1", "r1", "trainer-service", "intake", "bad checksum");
        String json = EventCodec.toJson(failed).replace("{", "{\"addedLater\":true,");
        assertThat(EventCodec.fromJson(json, RunFailed.class)).isEqualTo(failed);
    }

    @Test
    void eachKindHasItsOwnTopic() {
        assertThat(Topics.of(StudyRequested.class)).isEqualTo(Topics.STUDY_REQUESTED);
        assertThat(Topics.of(RunFailed.of("s", null, "x", "y", "z"))).isEqualTo(Topics.RUN_FAILED);
    }

    @Test
    void aDatasetVersionChangeTravelsUnderItsDatasetNotAStudy() {
        DatasetVersionChanged changed = DatasetVersionChanged.of("flowers", "datasets/flowers102", "oxford-102",
                "cde44d0f218a1af3", "0123456789abcdef", 102, 8189, 0);
        String json = EventCodec.toJson(changed);
        assertThat(json).doesNotContain("studyId");
        assertThat(EventCodec.fromJson(json, DatasetVersionChanged.class)).isEqualTo(changed);
        assertThat(changed.key()).isEqualTo("flowers");
        assertThat(Topics.of(changed)).isEqualTo(Topics.DATASET_VERSION_CHANGED);
        assertThatThrownBy(() -> EventCodec.fromJson(json.replace("0123456789abcdef", "cde44d0f218a1af3"),
                DatasetVersionChanged.class)).hasMessageContaining("must differ from 'previousVersion'");
    }
}
