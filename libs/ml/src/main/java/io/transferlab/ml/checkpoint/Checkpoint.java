package io.transferlab.ml.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferlab.core.storage.Checksums;
import io.transferlab.ml.train.TrainingHistory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained run another process can load: the trained tail's parameters (DJL format) in {@code NAME.params} and
 * what they mean in {@code NAME.json} — format version, backbone and weights checksum, input image size, classes, strategy,
 * augmentation mode, training history, and the parameters' SHA-256.
 */
public record Checkpoint(int formatVersion, String strategy, String backbone, String weightsSha256, int imageSize,
                         List<String> classes, String augmentationMode, TrainingHistory history,
                         String paramsFile, String paramsSha256) {

    public static final int FORMAT_VERSION = 1;

    public Checkpoint {
        // the first checkpoints did not record the input size: they were all trained at the seed's 224
        imageSize = imageSize == 0 ? 224 : imageSize;
    }
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Writes both files atomically; returns the metadata file. */
    public static Path write(Path dir, String name, Checkpoint metadata, byte[] params) {
        try {
            Files.createDirectories(dir);
            Path paramsPath = dir.resolve(name + ".params");
            atomic(paramsPath, params);
            Checkpoint complete = new Checkpoint(FORMAT_VERSION, metadata.strategy(), metadata.backbone(),
                    metadata.weightsSha256(), metadata.imageSize(), metadata.classes(), metadata.augmentationMode(), metadata.history(),
                    paramsPath.getFileName().toString(), Checksums.sha256(params));
            Path json = dir.resolve(name + ".json");
            atomic(json, JSON.writeValueAsBytes(complete));
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + name + " in " + dir, e);
        }
    }

    /** Reads a checkpoint's metadata and its verified parameters. */
    public static Loaded read(Path json) {
        try {
            Checkpoint metadata = JSON.readValue(json.toFile(), Checkpoint.class);
            if (metadata.formatVersion() > FORMAT_VERSION) {
                throw new IllegalArgumentException(json + " has checkpoint format " + metadata.formatVersion()
                        + "; this build reads up to " + FORMAT_VERSION);
            }
            byte[] params = Checksums.readVerified(json.resolveSibling(metadata.paramsFile()), metadata.paramsSha256());
            return new Loaded(metadata, params);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + json, e);
        }
    }

    public record Loaded(Checkpoint metadata, byte[] params) {
    }

    /** The parameters first, the metadata naming their checksum last: each on disk before the next is written. */
    private static void atomic(Path target, byte[] content) throws IOException {
        io.transferlab.core.storage.DurableFiles.write(target, content);
    }
}
