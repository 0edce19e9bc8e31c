package io.transferlab.cli;

import io.transferlab.core.dataset.TestImages;
import io.transferlab.core.split.SplitManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TransferLabTest {

    @TempDir
    Path dir;

    @Test
    void splitPrintsTheTableAndWritesManifests() throws Exception {
        Path data = TestImages.imageFolder(dir.resolve("data"), 3, 20);
        CliRun result = CliRun.of("split", "--data", data.toString(), "--out", dir.resolve("m").toString(), "--seed", "3");
        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("3 classes, 60 images").containsPattern("large\\s+45\\s+12\\s+3");
        SplitManifest small = SplitManifest.fromJson(Files.readAllBytes(dir.resolve("m/small-seed3.json")));
        assertThat(small.train()).hasSize(6);
        assertThat(small.test()).hasSize(30);
    }

    @Test
    void badInputGetsAClearMessageAndANonZeroExit() throws Exception {
        CliRun missing = CliRun.of("scan", "--data", dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");
        Path flat = Files.createDirectories(dir.resolve("flat"));
        TestImages.writeJpeg(flat.resolve("a.jpg"), 1, 1);
        assertThat(CliRun.of("scan", "--data", flat.toString()).err()).contains("unknown dataset layout");
        Path tiny = TestImages.imageFolder(dir.resolve("tiny"), 2, 3);
        CliRun tooFew = CliRun.of("split", "--data", tiny.toString(), "--sizes", "small");
        assertThat(tooFew.exit()).isEqualTo(2);
        assertThat(tooFew.err()).contains("'class0' has 3 image(s)");
    }
}
