package io.transferlab.ml.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FeatureCacheTest {

    @TempDir
    Path root;

    private static FeatureCache.Key key(String weights, DataType type) {
        return new FeatureCache.Key("resnet50", weights, "caffe", "res5c-input", "identity", new Shape(2, 3), type);
    }

    /** Records of 6 floats whose values encode the image number, so a misaligned read shows. */
    private static NDArray records(NDManager manager, int from, int count) {
        float[] values = new float[count * 6];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < 6; j++) {
                values[i * 6 + j] = (from + i) * 10 + j;
            }
        }
        return manager.create(values, new Shape(count, 2, 3));
    }

    private static List<String> names(String prefix, int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void storesInFp16ReadsBackAfterARestartAndKeysByEverythingItDependsOn() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.create(new float[]{0.1f, -2.5f, 3.25f, 1000f, 0f, 7.125f,
                    1, 2, 3, 4, 5, 6}, new Shape(2, 2, 3));
            try (FeatureCache cache = FeatureCache.open(root, key("w1", DataType.FLOAT16))) {
                cache.put(List.of("imageA", "imageB"), batch);
                assertThat(cache.missing(List.of("imageA", "imageC", "imageB"))).containsExactly("imageC");
            }
            try (FeatureCache reopened = FeatureCache.open(root, key("w1", DataType.FLOAT16))) {
                assertThat(reopened.size()).isEqualTo(2);
                float[] values = reopened.get(manager, List.of("imageB", "imageA")).toFloatArray();
                assertThat(values[0]).isEqualTo(1f);
                assertThat(values[6]).isCloseTo(0.1f, within(1e-3f));   // fp16 precision
                assertThat(values[9]).isEqualTo(1000f);
            }
            try (FeatureCache otherWeights = FeatureCache.open(root, key("w2", DataType.FLOAT16));
                 FeatureCache otherPrecision = FeatureCache.open(root, key("w1", DataType.FLOAT32))) {
                assertThat(otherWeights.size()).isZero();
                assertThat(otherPrecision.size()).isZero();
                assertThat(otherWeights.dir()).isNotEqualTo(otherPrecision.dir());
            }
        }
    }

    /** Reads share one buffer inside the cache: what a read returned must not change with later reads or close. */
    @Test
    void whatAReadReturnedStaysItsOwnAfterMoreReadsAndClose() throws Exception {
        for (DataType stored : List.of(DataType.FLOAT32, DataType.FLOAT16)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray first;
                NDArray second;
                try (FeatureCache cache = FeatureCache.open(root, key("reuse", stored))) {
                    cache.put(names("img", 0, 8), records(manager, 0, 8));
                    first = cache.get(manager, names("img", 0, 4));
                    second = cache.get(manager, names("img", 4, 4));
                    cache.get(manager, names("img", 0, 8)); // a larger read: the buffer is replaced
                }
                assertThat(first.toFloatArray()).as(stored + " first read").containsExactly(
                        records(manager, 0, 4).toFloatArray());
                assertThat(second.toFloatArray()).as(stored + " second read").containsExactly(
                        records(manager, 4, 4).toFloatArray());
            }
        }
    }

    @Test
    void aTornTailIsCutAndWhatIsWrittenAfterItReadsBackAligned() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            FeatureCache.Key key = key("w1", DataType.FLOAT32);
            Path dir;
            try (FeatureCache cache = FeatureCache.open(root, key)) {
                cache.put(names("img", 0, 3), records(manager, 0, 3));
                dir = cache.dir();
            }
            Path segment = FeatureCache.segmentFiles(dir).get(0);
            long whole = Files.size(segment);
            // a crash mid-record: a header with its magic and half a payload, then a finished-looking garbage tail
            Files.write(segment, new byte[FeatureCache.HEADER_BYTES + 7], StandardOpenOption.APPEND);
            try (FeatureCache cache = FeatureCache.open(root, key)) {
                assertThat(cache.size()).as("only whole, finished records count").isEqualTo(3);
                cache.put(names("img", 3, 2), records(manager, 3, 2));
            }
            assertThat(Files.size(segment)).as("the torn tail was cut before appending")
                    .isEqualTo(whole + 2 * (FeatureCache.HEADER_BYTES + 24L));
            try (FeatureCache cache = FeatureCache.open(root, key)) {
                assertThat(cache.size()).isEqualTo(5);
                float[] values = cache.get(manager, List.of("img4", "img0", "img3")).toFloatArray();
                assertThat(values).containsExactly(40, 41, 42, 43, 44, 45, 0, 1, 2, 3, 4, 5, 30, 31, 32, 33, 34, 35);
            }
        }
    }

    @Test
    void anUnfinishedBatchIsNotTrustedAndADamagedRecordIsNamed() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            FeatureCache.Key key = key("w1", DataType.FLOAT32);
            Path dir;
            try (FeatureCache cache = FeatureCache.open(root, key)) {
                cache.put(names("img", 0, 4), records(manager, 0, 4));
                dir = cache.dir();
            }
            Path segment = FeatureCache.segmentFiles(dir).get(0);
            long record = FeatureCache.HEADER_BYTES + 24L;
            try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
                file.seek(3 * record);
                file.writeInt(0); // the last record's magic never written: its batch did not finish
                file.seek(record + FeatureCache.HEADER_BYTES + 4);
                file.writeInt(0x7f7f7f7f); // a bit flip in the second record's payload
            }
            try (FeatureCache cache = FeatureCache.open(root, key)) {
                assertThat(cache.contains("img3")).isFalse();
                assertThat(cache.get(manager, List.of("img0")).toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5);
                assertThatThrownBy(() -> cache.get(manager, List.of("img1")))
                        .hasMessageContaining("the record of image img1").hasMessageContaining("fails its checksum");
                cache.put(names("img", 3, 1), records(manager, 3, 1));
                assertThat(cache.get(manager, List.of("img3")).toFloatArray()).containsExactly(30, 31, 32, 33, 34, 35);
            }
        }
    }

    @Test
    void segmentsRollOverAndEveryRecordStaysAddressable() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            long recordBytes = FeatureCache.HEADER_BYTES + 24L;
            try (FeatureCache cache = FeatureCache.open(root, key("w1", DataType.FLOAT32), 4 * recordBytes)) {
                cache.put(names("img", 0, 10), records(manager, 0, 10));
                cache.put(names("img", 8, 5), records(manager, 8, 5)); // 8 and 9 are there already
                assertThat(cache.size()).isEqualTo(13);
                assertThat(cache.segmentCount()).isEqualTo(4);
            }
            try (FeatureCache cache = FeatureCache.open(root, key("w1", DataType.FLOAT32), 4 * recordBytes)) {
                assertThat(cache.size()).isEqualTo(13);
                float[] values = cache.get(manager, List.of("img12", "img3", "img8")).toFloatArray();
                assertThat(values).containsExactly(120, 121, 122, 123, 124, 125, 30, 31, 32, 33, 34, 35,
                        80, 81, 82, 83, 84, 85);
            }
        }
    }

    /** Writes records {@code prefix0…} into a cache from another process (see {@link #twoProcessesWriteAtOnce}). */
    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        String prefix = args[1];
        int batches = Integer.parseInt(args[2]);
        try (NDManager manager = NDManager.newBaseManager();
             FeatureCache cache = FeatureCache.open(root, key("w1", DataType.FLOAT32), 64 * (FeatureCache.HEADER_BYTES + 24L))) {
            for (int b = 0; b < batches; b++) {
                // each process writes its own images and, every batch, some shared ones the other writes too
                List<String> hashes = new ArrayList<>(names(prefix, b * 10, 10));
                hashes.addAll(names("shared", b * 2, 2));
                NDArray values = records(manager, b * 10, 12);
                cache.putMissing(hashes, values);
            }
        }
    }

    @Test
    void twoProcessesWriteAtOnce() throws Exception {
        String classPath = System.getProperty("java.class.path");
        List<Process> writers = new ArrayList<>();
        for (String prefix : List.of("p", "q")) {
            writers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dai.djl.offline=true", "-Dtransferlab.onednn.no-probe=true", "-cp", classPath,
                    FeatureCacheTest.class.getName(), root.toString(), prefix, "40")
                    .redirectErrorStream(true).redirectOutput(root.resolve(prefix + ".log").toFile()).start());
        }
        for (Process writer : writers) {
            assertThat(writer.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(writer.exitValue()).as(Files.readString(root.resolve(writers.indexOf(writer) == 0 ? "p.log" : "q.log")))
                    .isZero();
        }
        try (NDManager manager = NDManager.newBaseManager();
             FeatureCache cache = FeatureCache.open(root, key("w1", DataType.FLOAT32), 64 * (FeatureCache.HEADER_BYTES + 24L))) {
            assertThat(cache.size()).as("400 + 400 own images, 80 shared ones stored once").isEqualTo(880);
            assertThat(cache.segmentCount()).isEqualTo(14);
            List<String> all = new ArrayList<>(names("p", 0, 400));
            all.addAll(names("q", 0, 400));
            float[] values = cache.get(manager, all).toFloatArray(); // every record verified against its checksum
            for (int i = 0; i < 800; i++) {
                assertThat(values[i * 6]).as(all.get(i)).isEqualTo((i % 400) * 10f);
            }
        }
    }

    /** 50,000 records of res5c's size (2048×7×7 fp16, 196 KiB): about 10 GB, far past the old 2 GiB ceiling. */
    @Test
    void fiftyThousandRes5cSizedRecords() throws Exception {
        FeatureCache.Key key = new FeatureCache.Key("resnet50", "w", "caffe", "res5c-input", "identity",
                new Shape(2048, 7, 7), DataType.FLOAT16);
        int total = 50_000;
        int batch = 100;
        int size = 2048 * 49;
        float[] values = new float[batch * size];
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < size; j++) {
                values[r * size + j] = j / (float) size;
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            try (FeatureCache cache = FeatureCache.open(root, key)) {
                for (int from = 0; from < total; from += batch) {
                    for (int r = 0; r < batch; r++) {
                        values[r * size + size - 1] = (from + r) / (float) total; // which record this is
                    }
                    try (NDManager scope = manager.newSubManager()) {
                        cache.put(names("image-", from, batch), scope.create(values, new Shape(batch, 2048, 7, 7)));
                    }
                }
                assertThat(cache.size()).isEqualTo(total);
            }
            long bytes = 0;
            for (Path segment : FeatureCache.segmentFiles(root.resolve(key.id()))) {
                bytes += Files.size(segment);
            }
            assertThat(bytes).isGreaterThan(10_000_000_000L);
            try (FeatureCache cache = FeatureCache.open(root, key)) {
                assertThat(cache.size()).isEqualTo(total);
                assertThat(cache.segmentCount()).isEqualTo(10);
                List<String> probe = List.of("image-0", "image-10700", "image-24999", "image-49999");
                NDArray read = cache.get(manager, probe);
                for (int i = 0; i < probe.size(); i++) {
                    int id = Integer.parseInt(probe.get(i).substring(6));
                    float[] row = read.get(i).toFloatArray();
                    assertThat(row[row.length - 1]).as(probe.get(i) + " marker").isCloseTo(id / (float) total, within(1e-3f));
                    assertThat(row[2048 * 49 / 2]).as(probe.get(i) + " body").isCloseTo(0.5f, within(1e-3f));
                }
            }
        }
    }
}
