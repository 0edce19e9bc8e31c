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
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Activations of the frozen part of the network, computed once per image and kept on disk, shared by the
 * processes of a storage root (the trainer and the evaluator write the same cache).
 *
 * <p>Layout: the folder is named by a hash of everything the activations depend on — backbone, weights checksum,
 * preprocessing, layer, view, record shape and stored type — so changing any of them uses a fresh cache. Records
 * live in segment files ({@code segment-00000.bin}, …) of at most {@link #DEFAULT_SEGMENT_BYTES}, addressed with
 * 64-bit offsets: no ceiling but the disk. Each record is self-describing — a fixed header (magic, CRC32C of the
 * payload, the image's content hash) followed by the payload — so the index is rebuilt from the segments on open
 * and there is no second file to keep in step.
 *
 * <p>Crash safety: writers hold an exclusive file lock ({@code write.lock}, plus a lock per JVM, as file locks
 * are per process). A batch is written with its records' magic zeroed, forced to disk, then each record's magic
 * is set and forced again: a record without its magic was never finished. On open only whole records with their
 * magic count; the next writer cuts a torn or unfinished tail off (under the lock) before appending, so nothing
 * after it is ever read misaligned. Every read verifies the payload's checksum and names the record when it fails.
 * Records are written in fp16 or fp32 and come back as float32 tensors.
 */
public final class FeatureCache implements AutoCloseable {

    /** Segments hold whole records up to this size (a record larger than it gets a segment of its own). */
    public static final long DEFAULT_SEGMENT_BYTES = 1L << 30;
    static final int MAGIC = 0x544C4652; // "TLFR"
    static final int HEADER_BYTES = 128;
    private static final int MAX_HASH_BYTES = HEADER_BYTES - 4 - 4 - 8 - 2;
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** What the cached activations depend on. */
    public record Key(String backbone, String weightsSha256, String preprocessing, String layer, String view,
                      Shape recordShape, DataType storedType) {

        public String id() {
            return Checksums.sha256((backbone + '|' + weightsSha256 + '|' + preprocessing + '|' + layer + '|' + view
                    + '|' + recordShape + '|' + storedType).getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        }
    }

    /** Where one record is: segment number and record slot within it. */
    private record Location(int segment, long slot) {
    }

    private final Key key;
    private final Path dir;
    private final long payloadBytes;
    private final long recordBytes;
    private final long recordsPerSegment;
    private final Map<String, Location> index = new HashMap<>();
    private final List<FileChannel> segments = new ArrayList<>();
    /**
     * Where records are read, reused by every read and freed on close. Why: a direct buffer's memory is returned
     * only when the collector finds the buffer dead, and a reader makes one per batch — with a small, quiet Java
     * heap that is rarely; a fine-tuning epoch (3243 validation records of 200 KB, read in batches) left hundreds
     * of MB of dead buffers resident.
     */
    private ByteBuffer readBuffer;
    /** Whole, finished records seen in each segment. */
    private final List<Long> scanned = new ArrayList<>();

    private FeatureCache(Key key, Path dir, long segmentBytes) throws IOException {
        this.key = key;
        this.dir = dir;
        this.payloadBytes = key.recordShape().size() * key.storedType().getNumOfBytes();
        this.recordBytes = HEADER_BYTES + payloadBytes;
        this.recordsPerSegment = Math.max(1, segmentBytes / recordBytes);
        Files.createDirectories(dir);
        Path description = dir.resolve("key.txt");
        if (!Files.exists(description)) {
            Files.writeString(description, key + "\n");
        }
        refresh();
    }

    public static FeatureCache open(Path root, Key key) {
        return open(root, key, DEFAULT_SEGMENT_BYTES);
    }

    /** As {@link #open(Path, Key)}, with segments of at most {@code segmentBytes} (tests use small ones). */
    public static FeatureCache open(Path root, Key key, long segmentBytes) {
        try {
            return new FeatureCache(key, root.resolve(key.id()), segmentBytes);
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

    public synchronized int size() {
        return index.size();
    }

    public synchronized boolean contains(String contentHash) {
        return index.containsKey(contentHash);
    }

    /** The hashes not cached yet, in the given order. */
    public synchronized List<String> missing(List<String> contentHashes) {
        return contentHashes.stream().filter(h -> !index.containsKey(h)).distinct().toList();
    }

    /** The number of segment files. */
    public synchronized int segmentCount() {
        return segments.size();
    }

    private static Path segmentFile(Path dir, int n) {
        return dir.resolve(String.format("segment-%05d.bin", n));
    }

    /** Picks up finished records appended since the last scan (by this or another process). */
    private synchronized void refresh() throws IOException {
        for (int n = 0; ; n++) {
            if (n >= segments.size()) {
                Path file = segmentFile(dir, n);
                if (!Files.exists(file)) {
                    return;
                }
                segments.add(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
                scanned.add(0L);
            }
            FileChannel channel = segments.get(n);
            long whole = Math.min(recordsPerSegment, channel.size() / recordBytes);
            long slot = scanned.get(n);
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (; slot < whole; slot++) {
                header.clear();
                readFully(channel, header, slot * recordBytes);
                header.flip();
                if (header.getInt(0) != MAGIC) {
                    break; // unfinished: a writer is at it, or crashed there (the next writer cuts it off)
                }
                int hashLength = header.getShort(16);
                if (hashLength <= 0 || hashLength > MAX_HASH_BYTES || header.getLong(8) != payloadBytes) {
                    throw new IllegalStateException("feature cache " + segmentFile(dir, n) + ": record " + slot
                            + " has a damaged header (hash length " + hashLength + ", payload " + header.getLong(8)
                            + " bytes, expected " + payloadBytes + ")");
                }
                byte[] hash = new byte[hashLength];
                header.position(18);
                header.get(hash);
                // a record written again (after a damaged copy) supersedes the earlier one
                index.put(new String(hash, StandardCharsets.US_ASCII), new Location(n, slot));
            }
            scanned.set(n, slot);
            if (slot < recordsPerSegment) {
                return; // the last segment with room; later segments only start once this one is full
            }
        }
    }

    /** Stores row i of {@code activations} (float32, any layout of the record shape) for image i. */
    public void put(List<String> contentHashes, NDArray activations) {
        putMissing(contentHashes, activations);
    }

    /**
     * Stores the rows whose image is not cached yet (by this or another process: the check is made under the
     * writers' lock); row i of {@code activations} is image i.
     */
    public void putMissing(List<String> contentHashes, NDArray activations) {
        if (activations.getShape().get(0) != contentHashes.size()) {
            throw new IllegalArgumentException(contentHashes.size() + " images but " + activations.getShape().get(0)
                    + " rows of activations");
        }
        NDArray stored = activations.toType(key.storedType(), false);
        ByteBuffer bytes = stored.toByteBuffer().order(ByteOrder.nativeOrder());
        if (bytes.remaining() != contentHashes.size() * payloadBytes) {
            throw new IllegalArgumentException("activations of shape " + activations.getShape()
                    + " do not hold records of shape " + key.recordShape());
        }
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel lockFile = FileChannel.open(dir.resolve("write.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            synchronized (this) {
                refresh();
                List<Integer> rows = new ArrayList<>();
                Set<String> batch = new HashSet<>();
                for (int i = 0; i < contentHashes.size(); i++) {
                    String hash = contentHashes.get(i);
                    byte[] ascii = hash.getBytes(StandardCharsets.US_ASCII);
                    if (ascii.length == 0 || ascii.length > MAX_HASH_BYTES) {
                        throw new IllegalArgumentException("content hash '" + hash + "' must be 1 to " + MAX_HASH_BYTES
                                + " ASCII characters");
                    }
                    if (!index.containsKey(hash) && batch.add(hash)) {
                        rows.add(i);
                    }
                }
                append(rows, contentHashes, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the feature cache " + dir, e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** Appends records (the caller holds the writers' lock and has refreshed). */
    private void append(List<Integer> rows, List<String> hashes, ByteBuffer bytes) throws IOException {
        int next = 0;
        while (next < rows.size()) {
            int n = segments.isEmpty() ? 0 : segments.size() - 1;
            if (segments.isEmpty() || scanned.get(n) >= recordsPerSegment) {
                n = segments.size();
                segments.add(FileChannel.open(segmentFile(dir, n), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE));
                scanned.add(0L);
            }
            FileChannel channel = segments.get(n);
            long first = scanned.get(n);
            if (channel.size() > first * recordBytes) {
                // a torn or unfinished tail of a crashed writer: cut it, so what follows starts on a record boundary
                channel.truncate(first * recordBytes);
            }
            int count = (int) Math.min(rows.size() - next, recordsPerSegment - first);
            List<Location> written = new ArrayList<>(count);
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            CRC32C crc = new CRC32C();
            for (int k = 0; k < count; k++) {
                int row = rows.get(next + k);
                ByteBuffer payload = bytes.slice((int) (row * payloadBytes), (int) payloadBytes);
                crc.reset();
                crc.update(payload.duplicate());
                byte[] hash = hashes.get(row).getBytes(StandardCharsets.US_ASCII);
                header.clear();
                header.putInt(0); // the magic comes last, once the record is on disk
                header.putInt((int) crc.getValue());
                header.putLong(payloadBytes);
                header.putShort((short) hash.length);
                header.put(hash);
                header.position(HEADER_BYTES);
                header.flip();
                long position = (first + k) * recordBytes;
                writeFully(channel, header, position);
                writeFully(channel, payload, position + HEADER_BYTES);
                written.add(new Location(n, first + k));
            }
            channel.force(false);
            ByteBuffer magic = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (Location location : written) {
                magic.clear();
                magic.putInt(MAGIC).flip();
                writeFully(channel, magic, location.slot() * recordBytes);
            }
            channel.force(false);
            for (int k = 0; k < count; k++) {
                index.put(hashes.get(rows.get(next + k)), written.get(k));
            }
            scanned.set(n, first + count);
            next += count;
        }
    }

    /** Reads records for these images as one float32 tensor of shape (n, recordShape…), verifying each one. */
    public synchronized NDArray get(NDManager manager, List<String> contentHashes) {
        int bytes = Math.toIntExact(contentHashes.size() * payloadBytes);
        if (readBuffer == null || readBuffer.capacity() < bytes) {
            DirectMemory.free(readBuffer);
            readBuffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        ByteBuffer out = readBuffer.slice(0, bytes).order(ByteOrder.nativeOrder());
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        try {
            for (String hash : contentHashes) {
                Location location = index.get(hash);
                if (location == null) {
                    throw new IllegalStateException("image " + hash + " is not in the feature cache " + dir);
                }
                FileChannel channel = segments.get(location.segment());
                long position = location.slot() * recordBytes;
                header.clear();
                readFully(channel, header, position);
                int start = out.position();
                ByteBuffer payload = out.slice(start, (int) payloadBytes);
                readFully(channel, payload, position + HEADER_BYTES);
                crc.reset();
                crc.update(out.slice(start, (int) payloadBytes));
                if ((int) crc.getValue() != header.getInt(4)) {
                    throw new IllegalStateException("feature cache " + segmentFile(dir, location.segment())
                            + ": the record of image " + hash + " (record " + location.slot()
                            + ") fails its checksum; delete " + dir + " to recompute the cache");
                }
                out.position(start + (int) payloadBytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the feature cache " + dir, e);
        }
        out.rewind();
        Shape shape = new Shape(contentHashes.size()).addAll(key.recordShape());
        // the stored tensor is a view of the read buffer, so the result must be a copy (the buffer is reused): a
        // conversion copies; for float32 records an explicit clone (PyTorch's to() returns the same tensor)
        try (NDArray stored = manager.create(out, shape, key.storedType())) {
            return key.storedType() == DataType.FLOAT32 ? stored.duplicate() : stored.toType(DataType.FLOAT32, false);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("unexpected end of file at " + position);
            }
            position += read;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    /** Every segment of a cache folder, for tests and tools. */
    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("segment-")).sorted().toList();
        }
    }

    @Override
    public synchronized void close() {
        DirectMemory.free(readBuffer);
        readBuffer = null;
        IOException failure = null;
        for (FileChannel channel : segments) {
            try {
                channel.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        segments.clear();
        if (failure != null) {
            throw new UncheckedIOException(failure);
        }
    }
}
