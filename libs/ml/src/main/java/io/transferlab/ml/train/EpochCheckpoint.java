package io.transferlab.ml.train;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The state of a run after its last finished epoch, so that a restarted process resumes there: the tail's
 * current and best weights and the history so far. Adam's moment estimates are not part of it (DJL keeps them
 * private), so they restart from zero on resume.
 */
public record EpochCheckpoint(int epoch, int bestEpoch, double bestValLoss, int epochsSinceBest,
                              List<EpochStats> epochs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The checkpoint in {@code dir} with the weights it refers to, or empty when there is none. */
    public static Optional<Loaded> read(Path dir) {
        Path state = dir.resolve("state.json");
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        try {
            EpochCheckpoint checkpoint = JSON.readValue(state.toFile(), EpochCheckpoint.class);
            return Optional.of(new Loaded(checkpoint, Files.readAllBytes(dir.resolve("last.params")),
                    Files.readAllBytes(dir.resolve("best.params"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the epoch checkpoint in " + dir, e);
        }
    }

    public record Loaded(EpochCheckpoint state, byte[] lastWeights, byte[] bestWeights) {
    }

    /** Writes weights first and the state last, each atomically, so a crash never leaves a state without weights. */
    void write(Path dir, byte[] lastWeights, byte[] bestWeights) {
        try {
            Files.createDirectories(dir);
            atomic(dir.resolve("last.params"), lastWeights);
            atomic(dir.resolve("best.params"), bestWeights);
            atomic(dir.resolve("state.json"), JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the epoch checkpoint in " + dir, e);
        }
    }

    private static void atomic(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        Files.write(temp, content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
