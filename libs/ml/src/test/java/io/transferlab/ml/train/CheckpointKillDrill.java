package io.transferlab.ml.train;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The child process of {@link EpochCheckpointKillTest}: resumes from the checkpoint in a folder (as the trainer
 * does) and writes epoch after epoch through {@link EpochCheckpoint#write}, each file {@code size} bytes all equal
 * to the epoch's number (mod 256), until it is killed.
 */
public final class CheckpointKillDrill {

    private CheckpointKillDrill() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int size = Integer.parseInt(args[1]);
        Optional<EpochCheckpoint.Loaded> resumed = EpochCheckpoint.read(dir);
        int epoch = resumed.map(l -> l.state().epoch()).orElse(0);
        System.out.println("resumed after epoch " + epoch);
        System.out.flush();
        for (int e = epoch + 1; ; e++) {
            byte[] weights = new byte[size];
            Arrays.fill(weights, (byte) e);
            byte[] best = new byte[size];
            Arrays.fill(best, (byte) (e - 1));
            new EpochCheckpoint(e, e - 1, 1.0 / e, 1,
                    java.util.stream.IntStream.rangeClosed(1, e)
                            .mapToObj(i -> new EpochStats(i, 1.0 / i, 0.5, 1.0 / i, 0.5, 0.1)).toList())
                    .write(dir, weights, best);
        }
    }
}
