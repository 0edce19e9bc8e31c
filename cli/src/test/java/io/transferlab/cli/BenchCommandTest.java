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

import static org.assertj.core.api.Assertions.assertThat;

/** The bench without the PyTorch peer: the project's own figures, and the peer's absence said, not hidden. */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void withoutPythonTorchItReportsItsOwnFiguresAndSaysThePeerWasSkipped() throws Exception {
        Path weights = ImageNetWeights.cacheDir();
        Assumptions.assumeTrue(Files.isRegularFile(ImageNetWeights.resnet50ModelJson(weights)),
                "the ImageNet weights are not fetched (deploy/local/fetch-weights.sh)");
        Path data = TestImages.imageFolder(dir.resolve("data"), 3, 40);
        Path out = dir.resolve("bench");
        CliRun run = CliRun.of("bench", "--data", data.toString(), "--sample", "8", "--head-seeds", "1",
                "--peer-python", dir.resolve("no-such-python").toString(), "--weights", weights.toString(),
                "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("peer skipped: " + dir.resolve("no-such-python") + " is not there");
        JsonNode bench = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertThat(bench.path("peer").path("skipped").asText()).contains("install-peer.sh");
        JsonNode project = bench.path("project");
        assertThat(project.path("backboneImagesPerSecond").path("16").asDouble()).isPositive();
        assertThat(project.path("backboneImagesPerSecond").path("32").asDouble()).isPositive();
        assertThat(project.path("feGrid").path("runs")).hasSize(3);
        assertThat(project.path("fineTune").path("epochSeconds").asDouble()).isPositive();
        assertThat(bench.path("comparison").path("feGridShareOfBackbonePass").path("value").asDouble()).isPositive();
        assertThat(bench.path("comparison").has("backboneVsPeerOptimised@16")).as("no ratio without a peer").isFalse();
        assertThat(out.resolve("peer-input")).doesNotExist();

        CliRun required = CliRun.of("bench", "--data", data.toString(), "--sample", "8", "--head-seeds", "1",
                "--peer", "on", "--peer-python", dir.resolve("no-such-python").toString(), "--weights",
                weights.toString(), "--cache", out.resolve("feature-cache").toString(), "--out", dir.resolve("b2").toString());
        assertThat(required.exit()).isNotZero();
        assertThat(required.err()).contains("the PyTorch peer cannot run");
    }
}
