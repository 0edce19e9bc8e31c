package io.transferlab.ml.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash drill for epoch checkpoints, with real processes: a JVM writing checkpoints through the production code
 * is killed with SIGKILL at random instants, again and again, until several kills have landed in the middle of a
 * checkpoint (an epoch directory newer than the one the pointer names is on disk: its files were being written or
 * the pointer not yet switched). After every kill the checkpoint read is one whole epoch — the weights, the best
 * weights and the state all of the same epoch — and the next process resumes after it and goes on.
 */
class EpochCheckpointKillTest {

    private static final int SIZE = 2 << 20;   // 2 MiB per weights file: a checkpoint takes long enough to be hit

    @TempDir
    Path dir;

    @Test
    void sigkillAtAnyInstantLeavesOneWholeEpochAndTheRunResumesFromIt() throws Exception {
        Random random = new Random(13);
        int midCheckpoint = 0;
        int kills = 0;
        int lastEpoch = 0;
        List<String> seen = new ArrayList<>();
        while (midCheckpoint < 3 && kills < 60) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CheckpointKillDrill.class.getName(), dir.toString(),
                    String.valueOf(SIZE)).redirectErrorStream(true).start();
            // wait for it to have resumed, then let it write for a random while
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine();
            assertThat(first).isEqualTo("resumed after epoch " + lastEpoch);
            Thread.sleep(50 + random.nextInt(400));
            child.destroyForcibly();   // SIGKILL: no shutdown hook, no finally block runs
            child.waitFor();
            kills++;

            java.util.Optional<EpochCheckpoint.Loaded> read = EpochCheckpoint.read(dir);
            if (read.isEmpty()) {
                assertThat(lastEpoch).as("a checkpoint, once there, stays").isZero();
                seen.add("none");
                continue;
            }
            EpochCheckpoint.Loaded loaded = read.get();
            int epoch = loaded.state().epoch();
            assertThat(epoch).as("the run never goes back").isGreaterThanOrEqualTo(lastEpoch);
            assertThat(loaded.lastWeights()).hasSize(SIZE);
            assertThat(allEqual(loaded.lastWeights(), (byte) epoch)).as("weights of epoch %d", epoch).isTrue();
            assertThat(allEqual(loaded.bestWeights(), (byte) (epoch - 1))).as("best weights of epoch %d", epoch).isTrue();
            assertThat(loaded.state().epochs()).hasSize(epoch);
            String current = Files.readString(dir.resolve(EpochCheckpoint.POINTER)).trim();
            boolean landedInside;
            try (Stream<Path> entries = Files.list(dir)) {
                landedInside = entries.map(p -> p.getFileName().toString())
                        .anyMatch(n -> (n.matches("epoch-[0-9]+") && !n.equals(current)) || n.endsWith(".tmp"));
            }
            midCheckpoint += landedInside ? 1 : 0;
            seen.add(epoch + (landedInside ? "*" : ""));
            lastEpoch = epoch;
        }
        System.out.println("kills: " + kills + ", epochs read after each (* = killed mid-checkpoint): " + seen);
        assertThat(midCheckpoint).as("kills that landed inside a checkpoint, of %d: %s", kills, seen)
                .isGreaterThanOrEqualTo(3);
        assertThat(lastEpoch).as("the runs made progress across the kills").isGreaterThan(3);
    }

    private static boolean allEqual(byte[] bytes, byte value) {
        for (byte b : bytes) {
            if (b != value) {
                return false;
            }
        }
        return true;
    }
}
