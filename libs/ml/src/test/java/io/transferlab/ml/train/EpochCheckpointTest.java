package io.transferlab.ml.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An epoch checkpoint is one directory switched by one pointer: a crash at any instant leaves one whole epoch. */
class EpochCheckpointTest {

    @TempDir
    Path dir;

    private static EpochCheckpoint after(int epoch) {
        return new EpochCheckpoint(epoch, epoch, 1.0 / epoch, 0,
                java.util.stream.IntStream.rangeClosed(1, epoch)
                        .mapToObj(e -> new EpochStats(e, 1.0 / e, 0.5, 1.0 / e, 0.5, 0.1)).toList());
    }

    private List<String> entries() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theLatestWholeEpochIsReadAndEarlierOnesAreRemoved() throws Exception {
        assertThat(EpochCheckpoint.read(dir)).isEmpty();
        after(1).write(dir, new byte[]{1}, new byte[]{1});
        after(2).write(dir, new byte[]{2}, new byte[]{1, 2});

        EpochCheckpoint.Loaded loaded = EpochCheckpoint.read(dir).orElseThrow();
        assertThat(loaded.state().epoch()).isEqualTo(2);
        assertThat(loaded.lastWeights()).containsExactly(2);
        assertThat(loaded.bestWeights()).containsExactly(1, 2);
        assertThat(entries()).containsExactly("current", "epoch-2");
        assertThat(Files.readString(dir.resolve("current"))).isEqualTo("epoch-2");
    }

    @Test
    void aCrashBeforeThePointerSwitchedLeavesThePreviousEpoch() throws Exception {
        after(2).write(dir, new byte[]{2}, new byte[]{2});
        // epoch 3 was half written when the process died: its weights are there, its state is not
        Files.createDirectories(dir.resolve("epoch-3"));
        Files.write(dir.resolve("epoch-3/last.params"), new byte[]{3});
        Files.write(dir.resolve("epoch-3/best.params"), new byte[]{3});
        Files.write(dir.resolve(".current123.tmp"), "epoch-3".getBytes());

        EpochCheckpoint.Loaded loaded = EpochCheckpoint.read(dir).orElseThrow();
        assertThat(loaded.state().epoch()).isEqualTo(2);
        assertThat(loaded.lastWeights()).as("epoch 2's weights with epoch 2's state").containsExactly(2);

        // the resumed run writes epoch 3 again, whole, and the leftovers go
        after(3).write(dir, new byte[]{30}, new byte[]{30});
        assertThat(EpochCheckpoint.read(dir).orElseThrow().lastWeights()).containsExactly(30);
        assertThat(entries()).contains("current", "epoch-3").doesNotContain("epoch-2");
    }

    @Test
    void anEarlierBuildsCheckpointIsStillReadAndAForgedPointerIsRefused() throws Exception {
        Files.write(dir.resolve("state.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(after(4)));
        Files.write(dir.resolve("last.params"), new byte[]{4});
        Files.write(dir.resolve("best.params"), new byte[]{4});
        assertThat(EpochCheckpoint.read(dir).orElseThrow().state().epoch()).isEqualTo(4);
        after(5).write(dir, new byte[]{5}, new byte[]{5});
        assertThat(entries()).containsExactly("current", "epoch-5");

        Files.writeString(dir.resolve("current"), "../../etc");
        assertThatThrownBy(() -> EpochCheckpoint.read(dir)).hasMessageContaining("not an epoch directory");
    }
}
