package io.transferlab.ml.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.transferlab.core.storage.Checksums;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Activations of the frozen part of the network, computed once per image and kept on disk: fixed-size records
 * in one data file (memory-mapped for reading), and an append-only index from the image's content hash to its
 * record. The folder is named by a hash of everything the activations depend on — backbone, weights checksum,
 * preprocessing, layer, view — so changing any of them uses a fresh cache, and a cache survives restarts.
 * Records are written by the engine in fp16 or fp32 and come back as float32 tensors.
 */
public final class FeatureCache implements AutoCloseable {

    /** What the cached activations depend on. */
    public record Key(String backbone, String weightsSha256, String preprocessing, String layer, String view,
                      Shape recordShape, DataType storedType) {

        public String id() {
            return Checksums.sha256((backbone + '|' + weightsSha256 + '|' + preprocessing + '|' + layer + '|' + view
                    + '|' + recordShape + '|' + storedType).getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        }
    }

    private final Key key;
    private final Path dir;
    private final long recordBytes;
    private final FileChannel data;
    private final Map<String, Integer> index = new HashMap<>();
    private MappedByteBuffer mapped;
    private long mappedRecords;

    private FeatureCache(Key key, Path dir) throws IOException {
        this.key = key;
        this.dir = dir;
        this.recordBytes = key.recordShape().size() * key.storedType().getNumOfBytes();
        Files.createDirectories(dir);
        Path description = dir.resolve("key.txt");
        if (!Files.exists(description)) {
            Files.writeString(description, key.toString() + "\n");
        }
        this.data = FileChannel.open(dir.resolve("records.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Path indexFile = dir.resolve("index.tsv");
        long complete = data.size() / recordBytes;
        if (Files.exists(indexFile)) {
            for (String line : Files.readAllLines(indexFile)) {
                String[] parts = line.split("\t");
                // a record counts only once its bytes are fully on disk (a crash may leave a torn tail)
                if (parts.length == 2 && Integer.parseInt(parts[1]) < complete) {
                    index.put(parts[0], Integer.parseInt(parts[1]));
                }
            }
        }
    }

    public static FeatureCache open(Path root, Key key) {
        try {
            return new FeatureCache(key, root.resolve(key.id()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the feature cache under " + root, e);
        }
    }

    public Key key() {
        return key;
    }

    public Path dir() {
        return dir;
    }

    public int size() {
        return index.size();
    }

    public boolean contains(String contentHash) {
        return index.containsKey(contentHash);
    }

    /** The hashes not cached yet, in the given order. */
    public List<String> missing(List<String> contentHashes) {
        return contentHashes.stream().filter(h -> !index.containsKey(h)).distinct().toList();
    }

    /** Stores a batch: row i of {@code activations} (float32, any layout of recordShape) is image i. */
    public synchronized void put(List<String> contentHashes, NDArray activations) {
        NDArray stored = activations.toType(key.storedType(), false);
        ByteBuffer bytes = stored.toByteBuffer().order(ByteOrder.nativeOrder());
        try {
            StringBuilder lines = new StringBuilder();
            long position = data.size();
            int record = (int) (position / recordBytes);
            for (int i = 0; i < contentHashes.size(); i++) {
                ByteBuffer slice = bytes.slice((int) (i * recordBytes), (int) recordBytes);
                while (slice.hasRemaining()) {
                    position += data.write(slice, position);
                }
                index.put(contentHashes.get(i), record);
                lines.append(contentHashes.get(i)).append('\t').append(record).append('\n');
                record++;
            }
            data.force(false);
            Files.writeString(dir.resolve("index.tsv"), lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the feature cache " + dir, e);
        }
    }

    /** Reads records for these images as one float32 tensor of shape (n, recordShape…). */
    public synchronized NDArray get(NDManager manager, List<String> contentHashes) {
        ByteBuffer out = manager.allocateDirect((int) (contentHashes.size() * recordBytes));
        try {
            ensureMapped();
            for (String hash : contentHashes) {
                Integer record = index.get(hash);
                if (record == null) {
                    throw new IllegalStateException("image " + hash + " is not in the feature cache " + dir);
                }
                out.put(mapped.slice((int) (record * recordBytes), (int) recordBytes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the feature cache " + dir, e);
        }
        out.rewind();
        Shape shape = new Shape(contentHashes.size()).addAll(key.recordShape());
        return manager.create(out, shape, key.storedType()).toType(DataType.FLOAT32, false);
    }

    private void ensureMapped() throws IOException {
        long records = data.size() / recordBytes;
        if (mapped == null || records != mappedRecords) {
            long bytes = records * recordBytes;
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalStateException("feature cache " + dir + " exceeds 2 GiB in one mapping");
            }
            mapped = data.map(FileChannel.MapMode.READ_ONLY, 0, bytes);
            mappedRecords = records;
        }
    }

    @Override
    public void close() {
        try {
            data.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
