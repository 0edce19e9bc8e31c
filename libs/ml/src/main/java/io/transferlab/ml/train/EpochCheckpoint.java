package io.transferlab.ml.train;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.transferlab.core.storage.DurableFiles;

/**
 * The state of a run after its last finished epoch, so that a restarted process resumes there: the tail's
 * current and best weights and the history so far. Adam's moment estimates are not part of it (DJL keeps them
 * private), so they restart from zero on resume.
 */
public record EpochCheckpoint(int epoch, int bestEpoch, double bestValLoss, int epochsSinceBest,
                              List<EpochStats> epochs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file naming the epoch directory that holds the current checkpoint: switching it is one atomic rename. */
    static final String POINTER = "current";

    /**
     * The checkpoint in {@code dir} with the weights it refers to, or empty when there is none: the epoch directory
     * {@value #POINTER} names (a checkpoint of an earlier build kept its three files in {@code dir} itself).
     */
    public static Optional<Loaded> read(Path dir) {
        Path pointer = dir.resolve(POINTER);
        Path epochDir = dir;
        try {
            if (Files.isRegularFile(pointer)) {
                String name = Files.readString(pointer).trim();
                if (!name.matches("epoch-[0-9]{1,6}")) {
                    throw new IOException("the pointer " + pointer + " names '" + name + "', not an epoch directory");
                }
                epochDir = dir.resolve(name);
            }
            Path state = epochDir.resolve("state.json");
            if (!Files.isRegularFile(state)) {
                return Optional.empty();
            }
            EpochCheckpoint checkpoint = JSON.readValue(state.toFile(), EpochCheckpoint.class);
            return Optional.of(new Loaded(checkpoint, Files.readAllBytes(epochDir.resolve("last.params")),
                    Files.readAllBytes(epochDir.resolve("best.params"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the epoch checkpoint in " + epochDir + ": " + e.getMessage(), e);
        }
    }

    public record Loaded(EpochCheckpoint state, byte[] lastWeights, byte[] bestWeights) {
    }

    /**
     * Writes the epoch's three files into a directory of their own, each forced to disk, then switches the
     * {@value #POINTER} file to it in one durable rename, then removes older epochs' directories. Why: renaming the
     * three files into place one by one let a crash between the renames pair the weights of epoch N+1 with the
     * state of epoch N; now a crash at any instant leaves the pointer on one complete epoch.
     */
    void write(Path dir, byte[] lastWeights, byte[] bestWeights) {
        String name = String.format(java.util.Locale.ROOT, "epoch-%d", epoch);
        Path epochDir = dir.resolve(name);
        try {
            Files.createDirectories(epochDir);
            DurableFiles.write(epochDir.resolve("last.params"), lastWeights);
            DurableFiles.write(epochDir.resolve("best.params"), bestWeights);
            DurableFiles.write(epochDir.resolve("state.json"), JSON.writeValueAsBytes(this));
            DurableFiles.syncDirectory(dir);
            DurableFiles.write(dir.resolve(POINTER), name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // what the pointer no longer names: earlier epochs, and the files of an earlier build's layout
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path old : entries.filter(p -> !p.equals(epochDir)).toList()) {
                    String file = old.getFileName().toString();
                    if (Files.isDirectory(old) && file.matches("epoch-[0-9]+")) {
                        deleteTree(old);
                    } else if (file.equals("state.json") || file.equals("last.params") || file.equals("best.params")) {
                        Files.delete(old);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the epoch checkpoint in " + dir, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
